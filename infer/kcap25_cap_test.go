package infer

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestKcap25SmallFitsCapped: FitPatchPrior with K 20 on one 12² map (72
// training rows) or one 16² map (128 rows) failed in EM, every component
// dead at once ("EM: no mixture component holds 36 rows … (iteration 1)";
// measured before kcap25 on 12 of 12 white-noise, slope −3 and log-normal
// maps at 12², 8 of 12 at 16²). It now fits min(K, ⌊rows/37⌋) components,
// 1 and 3, records K asked and used and the rows, and keeps 1 to KUsed of
// them in a valid prior.
func TestKcap25SmallFitsCapped(t *testing.T) {
	for _, c := range []struct {
		kind, m    int
		seed       uint64
		rows, used int
	}{
		{0, 12, 1, 72, 1}, {1, 12, 1, 72, 1}, {2, 12, 1, 72, 1}, {0, 12, 2, 72, 1},
		{0, 16, 1, 128, 3}, {1, 16, 1, 128, 3}, {0, 16, 2, 128, 3}, {1, 16, 3, 128, 3},
	} {
		name := fmt.Sprintf("kind %d, %d², seed %d", c.kind, c.m, c.seed)
		pp, err := FitPatchPrior(kcap25Maps(t, c.kind, 1, c.m, c.seed), PatchPriorOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if pp.KAsked != 20 || pp.KUsed != c.used || pp.Rows != c.rows || pp.K < 1 || pp.K > c.used || pp.P != 6 {
			t.Errorf("%s: P %d, K %d kept, %d asked, %d used, %d rows; want P 6, 20 asked, %d used, 1–%d kept, %d rows", name, pp.P, pp.K, pp.KAsked, pp.KUsed, pp.Rows, c.used, c.used, c.rows)
		}
		if err := pp.check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// a prior loaded from its file does not know the fit
	pp, err := FitPatchPrior(kcap25Maps(t, 0, 1, 16, 1), PatchPriorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/p.npz"
	if err := pp.Save(path); err != nil {
		t.Fatal(err)
	}
	if q, err := LoadPatchPrior(path); err != nil || q.K != pp.K || q.KAsked != 0 || q.KUsed != 0 || q.Rows != 0 {
		t.Errorf("loaded: %+v, %v; want K %d and no fit record", q, err, pp.K)
	}
}

// TestKcap25TooFewRowsUpFront: fewer training rows than the P² + 1 one
// component needs are refused before any EM iteration (Progress never
// called), naming the fewest maps of the size given and the smallest
// square map that work, or MaxRows when it caps the rows; before kcap25 a
// 6×6 map with K 20 gave "8 training rows for K = 20 mixture components
// (want at least 2·K)" and with K 1 ran EM to "no mixture component
// holds 36 rows".
func TestKcap25TooFewRowsUpFront(t *testing.T) {
	for _, c := range []struct {
		maps *stlayer.Maps
		opt  PatchPriorOptions
		want string
	}{
		{kcap25Maps(t, 0, 1, 6, 1), PatchPriorOptions{K: 1},
			"patch prior: the training maps (1 of 6×6) give 8 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): the smallest inputs that work are 5 maps of 6×6 or one map of 11×11 (give more or larger training patches)"},
		{kcap25Maps(t, 1, 1, 8, 1), PatchPriorOptions{},
			"patch prior: the training maps (1 of 8×8) give 32 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): the smallest inputs that work are 2 maps of 8×8 or one map of 11×11 (give more or larger training patches)"},
		{kcap25Maps(t, 0, 1, 16, 1), PatchPriorOptions{NoAugment: true},
			"patch prior: the training maps (1 of 16×16) give 16 training rows (6×6 sub-patches at stride 4), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): the smallest inputs that work are 3 maps of 16×16 or one map of 27×27 (give more or larger training patches)"},
		{kcap25Maps(t, 0, 2, 6, 1), PatchPriorOptions{P: 3, Stride: 3, NoAugment: true},
			"patch prior: the training maps (2 of 6×6) give 8 training rows (3×3 sub-patches at stride 3), fewer than the P² + 1 = 10 one mixture component needs (it must hold P² = 9 rows): the smallest inputs that work are 3 maps of 6×6 or one map of 10×10 (give more or larger training patches)"},
		{kcap25Maps(t, 0, 1, 64, 1), PatchPriorOptions{MaxRows: 36},
			"patch prior: MaxRows 36 caps the training rows (36 here) below the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): give MaxRows ≥ 37 (PatchPriorOptions.MaxRows, --patch-prior-rows)"},
	} {
		called := 0
		c.opt.Progress = func(int, int) { called++ }
		_, err := FitPatchPrior(c.maps, c.opt)
		if err == nil || !errors.Is(err, ErrModelInput) || err.Error() != c.want || called != 0 {
			t.Errorf("%d of %d×%d, %+v: %v (%d EM iterations)\nwant %s", c.maps.B, c.maps.M, c.maps.N, c.opt, err, called, c.want)
		}
	}
	// the smallest inputs named work, with one component
	for _, m := range []*stlayer.Maps{kcap25Maps(t, 0, 5, 6, 1), kcap25Maps(t, 0, 1, 11, 1), kcap25Maps(t, 1, 2, 8, 1)} {
		if pp, err := FitPatchPrior(m, PatchPriorOptions{}); err != nil || pp.KUsed != 1 {
			t.Errorf("%d of %d×%d: %v", m.B, m.M, m.N, err)
		}
	}
	if pp, err := FitPatchPrior(kcap25Maps(t, 0, 1, 64, 1), PatchPriorOptions{MaxRows: 37}); err != nil || pp.KUsed != 1 || pp.Rows != 37 {
		t.Errorf("MaxRows 37: %v", err)
	}
}

// TestKcap25OneRule: PatchPriorOptions.KFor is min(K, ⌊rows/(P² + 1)⌋)
// (0 below P² + 1 rows), TrainingRows the rows patchTrainingMatrix cuts,
// and the refinement's PriorK and TrainingRows are these (one rule).
func TestKcap25OneRule(t *testing.T) {
	for _, c := range []struct {
		o          PatchPriorOptions
		rows, want int
	}{
		{PatchPriorOptions{}, 0, 0}, {PatchPriorOptions{}, 36, 0}, {PatchPriorOptions{}, 37, 1}, {PatchPriorOptions{}, 73, 1},
		{PatchPriorOptions{}, 74, 2}, {PatchPriorOptions{}, 739, 19}, {PatchPriorOptions{}, 740, 20}, {PatchPriorOptions{}, 30000, 20},
		{PatchPriorOptions{K: 40}, 1479, 39}, {PatchPriorOptions{K: 40}, 1480, 40}, {PatchPriorOptions{P: 3, K: 6}, 59, 5}, {PatchPriorOptions{P: 3, K: 6}, 60, 6},
		{PatchPriorOptions{P: 1, K: 3}, 5, 2}, {PatchPriorOptions{}, -1, 0},
	} {
		if k := c.o.KFor(c.rows); k != c.want {
			t.Errorf("%+v KFor(%d) = %d, want %d", c.o, c.rows, k, c.want)
		}
	}
	for _, o := range []PatchPriorOptions{{}, {NoAugment: true}, {P: 3, Stride: 2}, {MaxRows: 100}, {P: 8, Stride: 3, NoAugment: true}} {
		od := o
		od.defaults()
		for _, sz := range [][3]int{{1, 12, 12}, {2, 16, 20}, {3, 9, 31}, {1, 40, 40}} {
			b, m, n := sz[0], sz[1], sz[2]
			got := o.TrainingRows(b, m, n)
			X := patchTrainingMatrix(stlayer.NewMaps(b, m, n), od.P, od.Stride, !od.NoAugment, od.MaxRows, od.Seed)
			if r, _ := X.Dims(); got != r {
				t.Errorf("%+v TrainingRows(%d, %d, %d) = %d, patchTrainingMatrix cuts %d", o, b, m, n, got, r)
			}
			ro := PatchRefineOptions{Prior: o}
			if pk, k := ro.PriorK(b, m, n), o.KFor(got); pk != k || ro.TrainingRows(b, m, n) != got {
				t.Errorf("%+v on %d of %d×%d: PriorK %d, KFor %d; refinement rows %d, %d", o, b, m, n, pk, k, ro.TrainingRows(b, m, n), got)
			}
		}
	}
	if r := (PatchPriorOptions{}).TrainingRows(1, 5, 40); r != 0 {
		t.Errorf("maps smaller than P: %d rows", r)
	}
}

// TestKcap25ExportRecord: export's patch-prior fits (fitModelPatchPriors)
// on components with too few rows for K take fewer components and say so:
// the progress steps carry K used and asked, the record's KUsed has one
// entry per component (0 where none), and a component with fewer than
// P² + 1 rows gets no prior, warned with the up-front error; a record
// whose fits all used K has no KUsed (the manifest as before).
func TestKcap25ExportRecord(t *testing.T) {
	maps := kcap25Maps(t, 1, 6, 8, 11) // 8×8 patches: 32 rows each
	patch := func(i int) []float64 { return maps.Map(i) }
	var steps []PatchPriorStep
	var warns []string
	// component 0: 6 patches, 192 rows → 5 of 20; 1: none; 2: 1 patch, 32 rows → no prior
	pps, rec, err := fitModelPatchPriors([][]int{{0, 1, 2, 3, 4, 5}, nil, {5}}, patch, 8, PatchPriorOptions{},
		func(s PatchPriorStep) {
			if s.Done {
				steps = append(steps, s)
			}
		}, func(w string) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	if pps[0] == nil || pps[1] != nil || pps[2] != nil || pps[0].KUsed != 5 || fmt.Sprint(rec.KUsed) != "[5 0 0]" || rec.K != 20 ||
		fmt.Sprint(rec.Files) != "[patch_prior_0.npz  ]" {
		t.Fatalf("priors %v, record KUsed %v, K %d, files %q", pps, rec.KUsed, rec.K, rec.Files)
	}
	if len(steps) != 2 || steps[0].K != 5 || steps[0].KAsked != 20 || steps[0].Rows != 192 || steps[0].Err != nil ||
		steps[1].K != 0 || steps[1].KAsked != 20 || steps[1].Rows != 32 || steps[1].Err == nil {
		t.Fatalf("steps %+v", steps)
	}
	if len(warns) != 1 || !strings.HasPrefix(warns[0], "component 2 has no patch prior: patch prior: the training maps (1 of 8×8) give 32 training rows") {
		t.Errorf("warnings %q", warns)
	}
	// enough rows for K 2 (74) in every component: no KUsed
	_, rec, err = fitModelPatchPriors([][]int{{0, 1, 2}, {3, 4, 5}}, patch, 8, PatchPriorOptions{K: 2}, nil, nil)
	if err != nil || rec.KUsed != nil || rec.Files[0] == "" || rec.Files[1] == "" {
		t.Errorf("K 2: record %+v, %v", rec, err)
	}
}
