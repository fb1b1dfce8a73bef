package infer

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestExpx24PatchPriorDoneIter: the Done step of a patch-prior fit
// (ExportOptions.PatchPriorProgress) gives in Iter the EM iterations it
// ran: fewer than Iters when EM converged early, Iters when it ran them
// all. Fails on the old code (Iter 0 on every Done step).
//
// It asserts that contract, not the iterations at which EM converges (17
// and 24 of 40 here, measured on amd64), which floating-point details can
// move (FMA on arm64, a gonum update) (fixz24: it pinned 17 and 24): per
// component with rows (0 and 2, in order), progress steps 1, 2, …, m, then
// one Done step with Iter m; with Iters 40, m < 40 (converged); with Iters
// 3, m = 3.
func TestExpx24PatchPriorDoneIter(t *testing.T) {
	const n, p = 12, 12
	rng := rand.New(rand.NewPCG(5, 6))
	pix := make([][]float64, n)
	for i := range pix {
		pix[i] = make([]float64, p*p)
		for j := range pix[i] {
			pix[i][j] = rng.NormFloat64()
		}
	}
	patch := func(i int) []float64 { return pix[i] }
	members := [][]int{{0, 1, 2, 3, 4, 5}, nil, {6, 7, 8, 9, 10, 11}}
	for _, iters := range []int{40, 3} {
		var steps []PatchPriorStep
		_, _, err := fitModelPatchPriors(members, patch, p, PatchPriorOptions{P: 2, K: 2, MaxRows: 600, Iters: iters},
			func(s PatchPriorStep) {
				if s.Iters != iters {
					t.Errorf("Iters %d, want %d", s.Iters, iters)
				}
				steps = append(steps, s)
			}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var comps []int
		for len(steps) > 0 {
			k := steps[0].Component
			comps = append(comps, k)
			m := 0 // progress steps of component k
			for m < len(steps) && !steps[m].Done && steps[m].Component == k && steps[m].Iter == m+1 {
				m++
			}
			if m == len(steps) || !steps[m].Done || steps[m].Component != k {
				t.Fatalf("Iters %d: component %d: %d progress steps 1…%d, then %+v, want its Done step", iters, k, m, m, steps[min(m, len(steps)-1)])
			}
			switch done := steps[m]; {
			case done.Err != nil:
				t.Errorf("Iters %d: component %d: %v", iters, k, done.Err)
			case done.Iter != m:
				t.Errorf("Iters %d: component %d: Done Iter %d after %d progress steps, want %d", iters, k, done.Iter, m, m)
			case iters == 40 && m >= iters:
				t.Errorf("Iters %d: component %d: ran all %d iterations, want EM converged before (17 and 24 measured)", iters, k, m)
			case iters == 3 && m != iters:
				t.Errorf("Iters %d: component %d: %d iterations, want all %d", iters, k, m, iters)
			}
			steps = steps[m+1:]
		}
		if !slices.Equal(comps, []int{0, 2}) {
			t.Errorf("Iters %d: steps of components %v, want [0 2]", iters, comps)
		}
	}
}
