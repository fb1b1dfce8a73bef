package stats

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// Pad "crop" always cut c = ⌊2^J/2⌋ pixels per side: scov.Config.Cut and
// wph.Config.Cut were not reachable through a Spec. Spec.Cut sets them:
// with Cut 1/4 the scov mean is taken over [c, M−c)², c = ⌊2^J/4⌋, the
// coefficients are scov's (and wph's) with that Cut, String, JSON, Key and the
// stored reference tell it from the default cut, and it is refused for wst,
// without --pad crop and when negative or not finite.
func TestSpecCut(t *testing.T) {
	const n = 32
	x := stlayer.NewMaps(1, n, n)
	for i := range x.Data {
		r, c := i/n, i%n
		x.Data[i] = math.Exp(0.02*float64(r+c) + 0.3*math.Sin(0.7*float64(r)+0.3*float64(c*c%11)))
	}
	eng := cpu.New()
	sp := Spec{Kind: SCov, J: 3, Pad: "crop", Cut: 0.25}
	const c = 2 // ⌊2^3/4⌋
	if got := sp.WithDefaults(n, n).CutPixels(); got != c {
		t.Errorf("CutPixels = %d, want %d", got, c)
	}
	if got := (Spec{Kind: SCov, J: 3, Pad: "crop"}).CutPixels(); got != 4 {
		t.Errorf("default CutPixels = %d, want 4", got)
	}
	if s := sp.WithDefaults(n, n).String(); !strings.HasSuffix(s, "pad=crop cut=0.25") {
		t.Errorf("String() = %q: want the cut", s)
	}
	var back Spec
	if err := json.Unmarshal(sp.JSON(), &back); err != nil || back != sp || !strings.Contains(string(sp.JSON()), `"cut":0.25`) {
		t.Errorf("JSON %s read back as %+v (%v)", sp.JSON(), back, err)
	}
	if d := (Spec{Kind: SCov, J: 3, Pad: "crop", Cut: 0.5}).WithDefaults(n, n); d != (Spec{Kind: SCov, J: 3, Pad: "crop"}).WithDefaults(n, n) {
		t.Errorf("Cut 1/2 is the default but WithDefaults gives %+v", d)
	}
	op, err := Build(sp, n, n)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := scov.New(scov.Config{J: 3, L: 4, NonPeriodic: true, Cut: 0.25}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	def, err := Build(Spec{Kind: SCov, J: 3, Pad: "crop"}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	so, _, _ := SCovOp(op)
	if so == nil || so.Cut() != c || op.Key() != direct.Key() || op.Key() == def.Key() {
		t.Fatalf("key %q (scov Cut 1/4: %q, default cut %q)", op.Key(), direct.Key(), def.Key())
	}
	got, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	want, err := eng.Forward(direct.Key(), direct.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("coefficient %d: %v, scov Cut 1/4 %v", i, got.Data[i], want.Data[i])
		}
	}
	// the window: scov's mean is the mean of x over rows and columns [c, n−c)
	var sum float64
	for r := c; r < n-c; r++ {
		for col := c; col < n-c; col++ {
			sum += x.Data[r*n+col]
		}
	}
	mean := sum / float64((n-2*c)*(n-2*c))
	k := op.Labels().Select("mean", nil)
	if len(k) != 1 || math.Abs(real(got.Data[k[0]])-mean) > 1e-12*math.Abs(mean) {
		t.Errorf("mean rows %v of %v, mean over [%d, %d)² %g", k, got.Data[:3], c, n-c, mean)
	}
	// wph: wph.Config.Cut
	wo, err := Build(Spec{Kind: WPH, J: 2, Pad: "crop", Cut: 0.25}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	wcfg := wph.DefaultConfig()
	wcfg.J, wcfg.L, wcfg.NonPeriodic, wcfg.Cut = 2, 4, true, 0.25
	wd, err := wph.New(wcfg, n, n)
	if err != nil {
		t.Fatal(err)
	}
	wdef, err := Build(Spec{Kind: WPH, J: 2, Pad: "crop"}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Forward(wo.Key(), wo.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eng.Forward(wd.Key(), wd.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	dd, err := eng.Forward(wdef.Key(), wdef.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for i := range b.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("wph coefficient %d: %v, wph Cut 1/4 %v", i, a.Data[i], b.Data[i])
		}
		differ = differ || a.Data[i] != dd.Data[i]
	}
	if !differ || wo.Key() == wdef.Key() {
		t.Error("wph with Cut 1/4 equals the default cut")
	}
	// a stored reference knows its cut: one measured with Cut 1/4 does not
	// load into the default cut, and loads back into Cut 1/4
	for _, s := range []Spec{{Kind: Spectra, J: 3, Pad: "crop", Cut: 0.25}, {Kind: WPH, J: 2, Pad: "crop", Cut: 0.25, Norm: "auto"}} {
		o, err := BuildWithRef(s, eng, x)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		ref, err := Reference(o)
		if err != nil || len(ref) == 0 {
			t.Fatalf("%s: reference %v", s, err)
		}
		if _, err := BuildStored(s, n, n, ref); err != nil {
			t.Errorf("%s: stored reference refused: %v", s, err)
		}
		other := s
		other.Cut = 0
		if _, err := BuildStored(other, n, n, ref); err == nil || !strings.Contains(err.Error(), "boundary crop=") {
			t.Errorf("%s: reference of Cut 1/4 loaded into the default cut: %v", s, err)
		}
	}
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: WST, J: 3, Cut: 0.25}, "applies to wph, scov and spectra, not wst"},
		{Spec{Kind: SCov, J: 3, Cut: 0.25}, "--cut 0.25 sets the border --pad crop leaves out, but the boundary is --pad periodic"},
		{Spec{Kind: WPH, J: 3, Cut: 0.25}, "--cut 0.25 sets the border --pad crop leaves out, but the boundary is --pad periodic"},
		{Spec{Kind: SCov, J: 3, Pad: "crop", Cut: -0.25}, "--cut -0.25: want a finite number > 0"},
		{Spec{Kind: Spectra, J: 3, Pad: "crop", Cut: math.NaN()}, "--cut NaN: want a finite number > 0"},
		{Spec{Kind: SCov, J: 3, Pad: "crop", Cut: 2}, "leaves nothing"},
	} {
		if _, err := Build(c.s, n, n); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Build %s: %v, want %q", c.s, err, c.want)
		}
		if _, err := BuildStored(c.s, n, n, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("BuildStored %s: %v, want %q", c.s, err, c.want)
		}
	}
}
