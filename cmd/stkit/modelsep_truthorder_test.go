package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// --components 1,0 --truth mix_truth.npy compared the Quijote estimate with
// the dust truth and printed r as if meaningful.
func TestModelsepTruthOrder(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	b := []float64{3, -1, 4, 1, -5, 9, 2, -6}
	noisy := func(x []float64, s float64) []float64 {
		y := make([]float64, len(x))
		for i := range x {
			y[i] = x[i] + s*float64((i*7)%5-2)
		}
		return y
	}
	truth := &stlayer.Maps{B: 2, M: 2, N: 4, Data: append(append([]float64(nil), a...), b...)}
	est := &stlayer.Maps{B: 2, M: 2, N: 4, Data: append(noisy(b, 0.3), noisy(a, 0.3)...)}
	w := truthOrderWarning(est, truth, []string{"1", "0"})
	if !strings.HasPrefix(w, "--truth: the estimates match the truth planes 1,0 best (pixel correlation 0.99") || !strings.Contains(w, "--components 1,0") {
		t.Errorf("swapped: %q", w)
	}
	est.Data = append(noisy(a, 0.3), noisy(b, 0.3)...)
	if w := truthOrderWarning(est, truth, []string{"0", "1"}); w != "" {
		t.Errorf("in order: %q", w)
	}
	// three components, a cycle
	c := []float64{0, 1, 0, 1, 5, 0, 0, 2}
	truth3 := &stlayer.Maps{B: 3, M: 2, N: 4, Data: append(append(append([]float64(nil), a...), b...), c...)}
	est3 := &stlayer.Maps{B: 3, M: 2, N: 4, Data: append(append(noisy(c, 0.1), noisy(a, 0.1)...), noisy(b, 0.1)...)}
	if w := truthOrderWarning(est3, truth3, []string{"2", "0", "1"}); !strings.Contains(w, "truth planes 2,0,1 best") {
		t.Errorf("cycle: %q", w)
	}
}

// With --truth in the other order than --components one of the two orders
// warns, naming the likely order (the fixture's mix is noise + smooth).
func TestModelsepTruthOrderCLI(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	warned := 0
	for _, comps := range []string{"0,1", "1,0"} {
		code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", comps,
			"-o", filepath.Join(work, "s"+comps[:1]+".npy"), "--steps", "0,1", "--truth", filepath.Join(dir, "truth.npy"), "--log-every", "100")
		if code != 0 {
			t.Fatalf("--components %s: exit %d\n%s", comps, code, errs)
		}
		if strings.Contains(errs, "separate: warning: --truth: the estimates match the truth planes 1,0 best") {
			warned++
			if strings.Contains(errs, "ends worse than its start") {
				t.Errorf("--components %s: the truths out of order, yet compared with the start\n%s", comps, errs)
			}
		}
	}
	if warned != 1 {
		t.Errorf("%d of the 2 orders warned about the truth order, want 1", warned)
	}
}
