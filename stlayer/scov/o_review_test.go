package scov

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Config.FullResolution's doc states how far the uncropped sums are from
// Cheng's cropped ones on the 256² dust map (J = 6, L = 4): up to 3e−4
// relative in C01 and 1e−5 in C11 (measured: 3.2e−4 and 9.7e−6). The worst
// relative difference is taken over the coefficients above 1e−3 of their
// class's largest magnitude (the near-zero ones carry no relative meaning);
// the one-filter moments (mean, var, P00, S1) do not use the crop and are
// equal.
func TestFullResolutionDistanceFromCrop(t *testing.T) {
	x := loadMap(t, "dust256.npy")
	eng := cpu.New()
	var vals [2][]complex128
	var op *Op
	for i, full := range []bool{false, true} {
		o, err := New(Config{J: 6, L: 4, FullResolution: full}, 256, 256)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(o.Key(), o.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		vals[i], op = c.Row(0), o
	}
	lab := op.Labels()
	largest := map[string]float64{}
	for i := range vals[0] {
		largest[lab.Class[i]] = math.Max(largest[lab.Class[i]], cmplx.Abs(vals[0][i]))
	}
	worst := map[string]float64{}
	for i := range vals[0] {
		cl := lab.Class[i]
		if a := cmplx.Abs(vals[0][i]); a > 1e-3*largest[cl] {
			worst[cl] = math.Max(worst[cl], cmplx.Abs(vals[1][i]-vals[0][i])/a)
		}
	}
	t.Logf("worst relative difference, FullResolution vs Cheng's crop: %v", worst)
	for cl, lim := range map[string][2]float64{"C01": {1e-4, 3.5e-4}, "C11": {3e-6, 1.5e-5}, "P00": {0, 0}, "S1": {0, 0}, "mean": {0, 0}, "var": {0, 0}} {
		if w := worst[cl]; w < lim[0] || w > lim[1] || (lim[1] > 0 && w == 0) {
			t.Errorf("%s: worst relative difference %.2e, documented range [%.0e, %.1e]", cl, w, lim[0], lim[1])
		}
	}
}

// Spectra.Threshold's doc: "A zero std keeps the entry iff its mean is
// non-zero" (the ratio |mean|/0 is +Inf or 0/0), whatever the threshold;
// "mean" is always kept. Three identical samples have std 0 everywhere:
// with keepP00 = keepS1 = false every entry, P00 and S1 included, is kept
// iff it is non-zero, for thresholds 0, 1 and 1e6.
func TestThresholdZeroStd(t *testing.T) {
	op, err := New(Config{J: 3, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, sp.Len())
	for i := range v {
		if i%3 != 0 {
			v[i] = float64(i%7) - 3 // zeros at i%7 == 3 too
		}
	}
	for _, thr := range []float64{0, 1, 1e6} {
		mask, err := sp.Threshold([][]float64{v, append([]float64(nil), v...), append([]float64(nil), v...)}, thr, false, false)
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for i, k := range mask {
			want := v[i] != 0 || sp.Labels().Class[i] == "mean"
			if k != want {
				t.Errorf("threshold %g: entry %d (%s, mean %g, std 0) kept = %v, want %v", thr, i, sp.Labels().String(i), v[i], k, want)
			}
			if k {
				kept++
			}
		}
		t.Logf("threshold %g: %d of %d kept", thr, kept, len(mask))
	}
}
