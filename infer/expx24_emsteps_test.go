package infer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestExpx24PatchPriorDoneIter: the Done step of a patch-prior fit
// (ExportOptions.PatchPriorProgress) gives in Iter the EM iterations it
// ran: fewer than Iters when EM converged early, Iters when it ran them
// all. Fails on the old code (Iter 0 on every Done step).
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
		var steps []string
		_, _, err := fitModelPatchPriors(members, patch, p, PatchPriorOptions{P: 2, K: 2, MaxRows: 600, Iters: iters},
			func(s PatchPriorStep) {
				if s.Iters != iters {
					t.Errorf("Iters %d, want %d", s.Iters, iters)
				}
				if s.Done {
					steps = append(steps, fmt.Sprintf("%d:done@%d", s.Component, s.Iter))
					return
				}
				steps = append(steps, fmt.Sprintf("%d:%d", s.Component, s.Iter))
			}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// 12 seeded white-noise maps of 12², 2×2 sub-patches, K 2: EM
		// converges after 17 and 24 iterations of at most 40
		var want []string
		for _, kr := range [][2]int{{0, min(17, iters)}, {2, min(24, iters)}} {
			for it := 1; it <= kr[1]; it++ {
				want = append(want, fmt.Sprintf("%d:%d", kr[0], it))
			}
			want = append(want, fmt.Sprintf("%d:done@%d", kr[0], kr[1]))
		}
		if !slices.Equal(steps, want) {
			t.Errorf("Iters %d: steps\n%v\nwant\n%v", iters, steps, want)
		}
	}
}
