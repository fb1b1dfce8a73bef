package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestRefx24RefineMean: RefineWithPatchPriors ends with s̃'s mean (the
// separation's mean(d) − m), not the patch separation's own: on
// pref23Case's 32² squares + noise with the ST estimate offset by +0.1
// (and d by the same, as the README's offset case), the refined map's mean
// is st's to rounding and the residual d − s₁; the patch separation's mean
// (by hand, as TestPref23RefineByHand) differed from st's by −0.00196.
func TestRefx24RefineMean(t *testing.T) {
	const n = 32
	d, _, samples, st := pref23Case(t, n)
	for i := range d.Data {
		d.Data[i] += 0.1
		st.Data[i] += 0.1
	}
	po := PatchPriorOptions{P: 4, K: 3, Stride: 2}
	out, err := RefineWithPatchPriors(d, st, samples, PatchRefineOptions{Prior: po})
	if err != nil {
		t.Fatal(err)
	}
	mo, _, _, _ := Moments(out.Map(0))
	mst, _, _, _ := Moments(st.Data)
	if math.Abs(mo-mst) > 1e-12 {
		t.Errorf("refined mean %.12g, the ST estimate's %.12g", mo, mst)
	}
	for i, v := range out.Map(1) {
		if r := d.Data[i] - out.Map(0)[i]; math.Abs(v-r) > 1e-12 {
			t.Fatalf("residual pixel %d: %.10g, want d − s₁ = %.10g", i, v, r)
		}
	}
	// the patch separation's own mean, by hand
	cp, err := FitPatchPrior(samples, po)
	if err != nil {
		t.Fatal(err)
	}
	x := st.Data
	for range 2 {
		a, err := FitPatchPrior(&stlayer.Maps{B: 1, M: n, N: n, Data: x}, po)
		if err != nil {
			t.Fatal(err)
		}
		o, err := SeparateWithPatchPriors(d, a, cp, PatchSepOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if x, err = MatchBinnedSpectrum(o.Map(0), st.Data, n, n); err != nil {
			t.Fatal(err)
		}
	}
	mx, _, _, _ := Moments(x)
	if math.Abs((mx-mst)+0.00196) > 0.0001 {
		t.Errorf("the patch separation's mean %.6g, st's %.6g: differ by %.4g, want −0.00196", mx, mst, mx-mst)
	}
	for i := range x {
		if math.Abs(out.Map(0)[i]-(x[i]+mst-mx)) > 1e-8 {
			t.Fatalf("pixel %d: %.10g, the patch separation's shifted to st's mean %.10g", i, out.Map(0)[i], x[i]+mst-mx)
		}
	}
}
