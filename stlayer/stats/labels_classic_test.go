package stats

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// Cheng's algorithm='classic' (wst.Config.Classic) was not reachable through
// a Spec: Spec.Classic now builds it for the global wst (raw, isotropic and
// synthesis views), String, JSON and Key carry it, and the other families
// and the local wst refuse it.
func TestClassicGlobalWST(t *testing.T) {
	eng := cpu.New()
	x := testMaps(2, 32)
	direct, err := wst.New(wst.Config{J: 3, L: 4, Classic: true}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	want, err := eng.Forward(direct.Key(), direct.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	sp := Spec{Kind: WST, J: 3, L: 4, Classic: true}
	fast, err := Build(Spec{Kind: WST, J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	var back Spec
	if err := json.Unmarshal(sp.WithDefaults(32, 32).JSON(), &back); err != nil || !back.Classic || !strings.Contains(string(sp.JSON()), `"classic":true`) {
		t.Fatalf("JSON %s read back as %+v (%v)", sp.JSON(), back, err)
	}
	if s := back.String(); !strings.HasSuffix(strings.Fields(s)[3], "classic") {
		t.Errorf("String() = %q: want the classic flag after J and L", s)
	}
	ops := map[string]func() (Op, error){
		"Build":        func() (Op, error) { return Build(sp, 32, 32) },
		"BuildWithRef": func() (Op, error) { return BuildWithRef(sp, eng, x) },
		"BuildStored":  func() (Op, error) { return BuildStored(back, 32, 32, nil) },
	}
	for name, build := range ops {
		op, err := build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if op.Key() != direct.Key() || op.Key() == fast.Key() || !strings.Contains(op.Key(), "classic") {
			t.Errorf("%s: key %q, wst Classic %q, fast %q", name, op.Key(), direct.Key(), fast.Key())
		}
		got, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Data) != len(want.Data) {
			t.Fatalf("%s: %d coefficients, wst Classic %d", name, len(got.Data), len(want.Data))
		}
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("%s: coefficient %d (%s) %v, wst Classic %v", name, i, op.Labels().String(i%op.Labels().Len()), got.Data[i], want.Data[i])
			}
		}
	}
	// the classic and fast algorithms differ (Fourier cropping) on this map,
	// so the test tells them apart
	f, err := eng.Forward(fast.Key(), fast.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for i := range f.Data {
		differ = differ || f.Data[i] != want.Data[i]
	}
	if !differ {
		t.Error("fast and classic coefficients are identical: the comparison proves nothing")
	}
	// the synthesis view is the classic one too
	syn, err := Build(Spec{Kind: WST, J: 3, Synthesis: true, Iso: true, Classic: true}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := WSTOp(syn); !ok || w.Key() != direct.Key() {
		t.Errorf("synthesis iso classic: underlying key %v, want %q", syn.Key(), direct.Key())
	}
	one := stlayer.NewMaps(1, 32, 32)
	copy(one.Data, x.Map(0))
	for _, s := range []Spec{{Kind: WPH, J: 3, Classic: true}, {Kind: SCov, J: 3, Classic: true}, {Kind: Spectra, J: 3, Classic: true}, {Kind: WST, J: 3, Local: true, Classic: true}} {
		msg := "--classic (Cheng's algorithm='classic', full-grid convolutions) applies to the global wst, not " + string(s.Kind)
		if _, err := Build(s, 32, 32); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Build %s: %v", s, err)
		}
		if _, err := BuildWithRef(s, eng, one); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("BuildWithRef %s: %v", s, err)
		}
		if _, err := BuildStored(s, 32, 32, nil); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("BuildStored %s: %v", s, err)
		}
	}
}
