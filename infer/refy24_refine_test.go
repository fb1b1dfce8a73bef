package infer

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestRefy24CheckSize: CheckSize refuses the maps too small for one mixture
// component (fewer than P² + 1 training rows in one map) with the smallest
// maps that work for the options, and accepts the rest; PriorK lowers K to
// ⌊rows/(P² + 1)⌋ below 39×39 (the defaults), so that FitPatchPrior's EM
// always keeps a component holding P² rows.
func TestRefy24CheckSize(t *testing.T) {
	const pre = "patch refinement: a "
	for _, c := range []struct {
		opt  PatchRefineOptions
		m, n int
		want string
	}{
		{PatchRefineOptions{}, 10, 10, pre + "10×10 map gives 32 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 37 one mixture component needs (it must hold P² rows): the smallest maps that work for these options are 11×11 (10×11 for 10 pixel rows)"},
		{PatchRefineOptions{}, 6, 10, pre + "6×10 map gives 16 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 37 one mixture component needs (it must hold P² rows): the smallest maps that work for these options are 11×11 (6×19 for 6 pixel rows)"},
		{PatchRefineOptions{}, 11, 11, ""},
		{PatchRefineOptions{}, 6, 19, ""},
		{PatchRefineOptions{}, 6, 18, pre + "6×18 map gives 32 training rows"},
		{PatchRefineOptions{}, 16, 16, ""},
		{PatchRefineOptions{Prior: PatchPriorOptions{NoAugment: true}}, 26, 26, pre + "26×26 map gives 36 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 37 one mixture component needs (it must hold P² rows): the smallest maps that work for these options are 27×27 (26×27 for 26 pixel rows)"},
		{PatchRefineOptions{Prior: PatchPriorOptions{P: 4, Stride: 2}}, 4, 4, pre + "4×4 map gives 8 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 17 one mixture component needs (it must hold P² rows): the smallest maps that work for these options are 5×5 (4×7 for 4 pixel rows)"},
		{PatchRefineOptions{Prior: PatchPriorOptions{P: 4, Stride: 2}}, 5, 5, ""},
		{PatchRefineOptions{Prior: PatchPriorOptions{MaxRows: 30}}, 64, 64, pre + "64×64 map gives 30 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 37 one mixture component needs (it must hold P² rows); PatchPriorOptions.MaxRows 30 caps every map below that: raise it"},
	} {
		err := c.opt.CheckSize(c.m, c.n)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckSize(%d, %d): %v, want nil", c.m, c.n, err)
		case c.want != "" && (err == nil || !errors.Is(err, ErrModelInput) || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("CheckSize(%d, %d):\n%v\nwant an input error\n%s", c.m, c.n, err, c.want)
		}
	}
	for _, c := range []struct{ b, m, n, k int }{
		{1, 10, 10, 0}, {1, 11, 11, 1}, {1, 16, 16, 3}, {3, 16, 16, 10}, {1, 32, 32, 13},
		{1, 38, 38, 17}, {1, 39, 38, 19}, {1, 39, 39, 20}, {1, 256, 256, 20}, {1, 5, 40, 0},
	} {
		if k := (PatchRefineOptions{}).PriorK(c.b, c.m, c.n); k != c.k {
			t.Errorf("PriorK(%d, %d, %d) = %d, want %d", c.b, c.m, c.n, k, c.k)
		}
	}
	for _, c := range []struct{ b, m, n, rows int }{{1, 16, 16, 128}, {3, 16, 16, 384}, {1, 5, 40, 0}, {0, 16, 16, 0}, {1, 256, 256, 30000}} {
		if r := (PatchRefineOptions{}).TrainingRows(c.b, c.m, c.n); r != c.rows {
			t.Errorf("TrainingRows(%d, %d, %d) = %d, want %d", c.b, c.m, c.n, r, c.rows)
		}
	}
	if k := (PatchRefineOptions{Prior: PatchPriorOptions{K: 2}}).PriorK(1, 16, 16); k != 2 {
		t.Errorf("PriorK with K 2 on 16²: %d, want 2", k)
	}
}

// TestRefy24SmallMapsRefine: with the default options, FitPatchPrior's K 20
// on pref23Case's 16² ST estimate (128 rows) failed in EM with no mixture
// component holding P² rows, as the refinement's prior of the ST estimate
// did after the whole separation (stkit separate --patch-refine on a 16²
// map); the refinement now fits it with PriorK's 3 components and returns
// maps, with s̃'s mean, at 16² and at the smallest size CheckSize accepts,
// 11². kcap25: FitPatchPrior itself now takes PriorK's 3 components there
// (PatchPriorOptions.KFor; the EM failure is TestKcap25SmallFitsCapped's).
func TestRefy24SmallMapsRefine(t *testing.T) {
	d, _, samples, st := pref23Case(t, 16)
	if pp, err := FitPatchPrior(st, PatchPriorOptions{}); err != nil {
		t.Fatalf("FitPatchPrior with K 20 on the 16² ST estimate: %v", err)
	} else if pp.KAsked != 20 || pp.KUsed != 3 || pp.Rows != 128 {
		t.Fatalf("FitPatchPrior with K 20 on the 16² ST estimate: K %d asked, %d used, %d rows; want 20, PriorK's 3, 128", pp.KAsked, pp.KUsed, pp.Rows)
	}
	for _, n := range []int{16, 11} {
		if n != 16 {
			d, _, samples, st = pref23Case(t, n)
		}
		var fits []string
		out, err := RefineWithPatchPriors(d, st, samples, PatchRefineOptions{Progress: func(s PatchRefineStep) {
			if s.Fit && s.End {
				fits = append(fits, s.What)
			}
		}})
		if err != nil {
			t.Fatalf("%d²: %v", n, err)
		}
		if out.B != 2 || out.M != n || out.N != n || len(fits) != 3 {
			t.Fatalf("%d²: [%d, %d, %d], fits %v; want [2, %d, %d] and 3 fits", n, out.B, out.M, out.N, fits, n, n)
		}
		mo, _, _, _ := Moments(out.Map(0))
		mst, _, _, _ := Moments(st.Data)
		if math.Abs(mo-mst) > 1e-12 {
			t.Errorf("%d²: refined mean %.12g, the ST estimate's %.12g", n, mo, mst)
		}
		for i, v := range out.Map(1) {
			if r := d.Data[i] - out.Map(0)[i]; math.IsNaN(v) || math.Abs(v-r) > 1e-12 {
				t.Fatalf("%d²: residual pixel %d: %.10g, want d − s₁ = %.10g", n, i, v, r)
			}
		}
	}
}
