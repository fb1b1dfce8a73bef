package stats

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

func testMaps(b, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, n, n)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.6*math.Sin(0.31*float64(i)) + 0.2*math.Cos(0.07*float64(i%113)))
	}
	return x
}

// A stored reference (JSON) rebuilds an operator with identical coefficients.
func TestStoredReferenceRoundTrip(t *testing.T) {
	eng := cpu.New()
	x := testMaps(2, 32)
	y := testMaps(1, 32)
	for i := range y.Data {
		y.Data[i] = y.Data[i]*1.3 + 0.1*math.Sin(float64(i))
	}
	for _, sp := range []Spec{
		{Kind: SCov, J: 3, L: 4, Iso: true, Synthesis: true},
		{Kind: Spectra, J: 3, L: 4},
		{Kind: WPH, J: 3, L: 4, Norm: "auto"},
	} {
		op, err := BuildWithRef(sp, eng, x)
		if err != nil {
			t.Fatalf("%v: %v", sp, err)
		}
		ref, err := Reference(op)
		if err != nil || len(ref) == 0 {
			t.Fatalf("%v: no reference (%v)", sp, err)
		}
		var back Spec
		if err := json.Unmarshal(sp.WithDefaults(32, 32).JSON(), &back); err != nil || back != sp.WithDefaults(32, 32) {
			t.Fatalf("spec JSON round trip: %v %+v", err, back)
		}
		op2, err := BuildStored(back, 32, 32, ref)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := eng.Forward(op.Key(), op.Stat(), y)
		b, _ := eng.Forward(op2.Key(), op2.Stat(), y)
		for i := range a.Data {
			if a.Data[i] != b.Data[i] {
				t.Fatalf("%v: stored reference changes coefficient %d: %v vs %v", sp, i, a.Data[i], b.Data[i])
			}
		}
		// and differs from the self-normalised operator on another map
		self, err := Build(sp, 32, 32)
		if sp.Norm == "auto" {
			if err == nil {
				t.Errorf("%v: Build without reference accepted", sp)
			}
			continue
		}
		c, _ := eng.Forward(self.Key(), self.Stat(), y)
		same := true
		for i := range a.Data {
			if a.Data[i] != c.Data[i] {
				same = false
			}
		}
		if same {
			t.Errorf("%v: reference normalisation has no effect", sp)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	bad := []Spec{
		{Kind: "bispectrum"},
		{Kind: WST, Wavelet: "bump"},
		{Kind: SCov, Wavelet: "bump"},
		{Kind: Spectra, Wavelet: "bump"},
		{Kind: WPH, Wavelet: "morlet"},
		{Kind: WPH, Iso: true},
		{Kind: WPH, Norm: "p11"},
		{Kind: SCov, Pad: "reflect"}, // scov is periodic or crop (non-periodic) only
		{Kind: WST, Cross: true},
		{Kind: SCov, Cross: true, Iso: true},
		{Kind: SCov, J: 7},
	}
	for _, s := range bad {
		if _, err := Build(s, 64, 64); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	// --local is wst only: the other kinds name it, not the reflect padding
	// that wst's local maps default to.
	for _, k := range []Kind{SCov, Spectra, WPH} {
		_, err := Build(Spec{Kind: k, Local: true}, 64, 64)
		if err == nil || !strings.Contains(err.Error(), "local") || strings.Contains(err.Error(), "pad") {
			t.Errorf("%s local: got %v, want an error naming --local", k, err)
		}
	}
	if s := (Spec{Kind: WST, Local: true}).WithDefaults(64, 64); s.Pad != "reflect" {
		t.Errorf("wst local default pad %q, want reflect", s.Pad)
	}
	if s := (Spec{}).WithDefaults(256, 256); s.J != 6 || s.L != 4 || s.Kind != SCov {
		t.Errorf("defaults %+v", s)
	}
}

func TestStackPair(t *testing.T) {
	a, b := testMaps(2, 8), testMaps(2, 8)
	b.Data[3] = -1
	p, err := StackPair(a, b)
	if err != nil || p.M != 16 || p.Map(0)[3] != a.Data[3] || p.Map(0)[64+3] != -1 {
		t.Fatalf("%v %+v", err, p)
	}
	if _, err := StackPair(a, testMaps(1, 8)); err == nil {
		t.Error("mismatched pair accepted")
	}
}

// A wph Spec is PyWPH's default model for any J and L (all scale pairs,
// DL = L/2): 513 coefficients for J = 7, L = 4 as PyWPH, and the counts of
// wph.New with zero optional fields for other J, L (stats kept the J = 6,
// L = 4 values DJ = 5, DL = 2 before: 493 and 529 instead of 513 and 849).
func TestWPHSpecIsPyWPHDefaultForAnyJL(t *testing.T) {
	for _, c := range []struct{ J, L, n int }{{7, 4, 256}, {5, 8, 64}, {6, 4, 128}, {3, 2, 32}} {
		op, err := Build(Spec{Kind: WPH, J: c.J, L: c.L}, c.n, c.n)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := wph.New(wph.Config{J: c.J, L: c.L}, c.n, c.n)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := op.Labels().Len(), ref.Labels().Len(); got != want {
			t.Errorf("J=%d L=%d: %d coefficients, want %d (wph.New with PyWPH's defaults)", c.J, c.L, got, want)
		}
		if c.J == 7 && c.L == 4 && op.Labels().Len() != 513 {
			t.Errorf("J=7 L=4: %d coefficients, PyWPH has 513", op.Labels().Len())
		}
	}
}
