package stats_test

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestBuildVersusWithRefAsDocumented checks the package doc's "Build or
// BuildWithRef" for the scov synthesis vectors (anisotropic and isotropic,
// Norm p00 and p11): on the reference map the two operators give the same
// vector (to 1e-12); on another map only the C01 and C11 rows differ (the
// reference divides them and nothing else), by more than 1e-3 somewhere;
// with two reference maps BuildWithRef's normaliser is one for both, so it
// differs from Build on each of them.
func TestBuildVersusWithRefAsDocumented(t *testing.T) {
	const m = 32
	eng := cpu.New()
	x := libdocMaps(1, m, m)
	y := libdocMaps(2, m, m)
	for i := range y.Data {
		y.Data[i] = math.Exp(0.7*y.Data[i]) + 0.1*float64(i%m)/m // another map, another power
	}
	other := libdocMaps(1, m, m)
	copy(other.Data, y.Map(0))
	for _, sp := range []stats.Spec{
		{Kind: stats.SCov, J: 3, Synthesis: true},
		{Kind: stats.SCov, J: 3, Iso: true},
		{Kind: stats.SCov, J: 3, Iso: true, Norm: "p11"},
	} {
		self, err := stats.Build(sp, m, m)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := stats.BuildWithRef(sp, eng, x)
		if err != nil {
			t.Fatal(err)
		}
		lab := ref.Labels()
		cs, _ := eng.Forward(self.Key(), self.Stat(), x)
		cr, _ := eng.Forward(ref.Key(), ref.Stat(), x)
		for k := range cs.Row(0) {
			if d := cmplx.Abs(cs.Row(0)[k] - cr.Row(0)[k]); d > 1e-12*(1+cmplx.Abs(cs.Row(0)[k])) {
				t.Errorf("%v on the reference map: %s differs by %.3g", sp, lab.String(k), d)
			}
		}
		cs, _ = eng.Forward(self.Key(), self.Stat(), other)
		cr, _ = eng.Forward(ref.Key(), ref.Stat(), other)
		worst := 0.0
		for k := range cs.Row(0) {
			d := cmplx.Abs(cs.Row(0)[k] - cr.Row(0)[k])
			switch lab.Class[k] {
			case "C01re", "C01im", "C11re", "C11im":
				worst = math.Max(worst, d)
			default:
				if d > 1e-12*(1+cmplx.Abs(cs.Row(0)[k])) {
					t.Errorf("%v on another map: %s differs by %.3g (not normalised by the reference)", sp, lab.String(k), d)
				}
			}
		}
		if worst < 1e-3 {
			t.Errorf("%v on another map: C01/C11 differ by at most %.3g, want the reference to matter", sp, worst)
		}
		// two reference maps: one normaliser for both
		ref2, err := stats.BuildWithRef(sp, eng, y)
		if err != nil {
			t.Fatal(err)
		}
		cs, _ = eng.Forward(self.Key(), self.Stat(), y)
		cr, _ = eng.Forward(ref2.Key(), ref2.Stat(), y)
		for b := 0; b < 2; b++ {
			worst := 0.0
			for k := range cs.Row(b) {
				worst = math.Max(worst, cmplx.Abs(cs.Row(b)[k]-cr.Row(b)[k]))
			}
			if worst < 1e-6 {
				t.Errorf("%v, reference of 2 maps: map %d's vector is its self-normalised one (%.3g), want the averaged P00", sp, b, worst)
			}
		}
	}
}
