package main

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/train"
)

// exactChance is the mean best-match accuracy of cl over all permutations
// of its entries (every shuffle equally likely), by enumeration.
func exactChance(t *testing.T, src, cl []int, k int) float64 {
	t.Helper()
	p := append([]int(nil), cl...)
	sum, n := 0.0, 0
	var perm func(i int)
	perm = func(i int) {
		if i == len(p) {
			acc, _, _, err := train.BestMatchAccuracy(src, p, k)
			if err != nil {
				t.Fatal(err)
			}
			sum += acc
			n++
			return
		}
		for j := i; j < len(p); j++ {
			p[i], p[j] = p[j], p[i]
			perm(i + 1)
			p[i], p[j] = p[j], p[i]
		}
	}
	perm(0)
	return sum / float64(n)
}

// balanced returns n patches per process for k processes, each process in
// its own cluster (a perfect assignment).
func balanced(k, n int) (src, cl []int) {
	for p := 0; p < k; p++ {
		for i := 0; i < n; i++ {
			src, cl = append(src, p), append(cl, p)
		}
	}
	return src, cl
}

// The demo's chance level of its best-match accuracy is that of a random
// assignment of the patches to components of the same sizes, not 1/K (it
// printed "random ≈ 0.33"): the best of the K! matchings is kept, which
// lifts a random assignment above 1/K, the more so the fewer the patches.
func TestDemoChanceLevel(t *testing.T) {
	// 3 processes × 2 patches: exact mean over the 720 shuffles.
	src, cl := balanced(3, 2)
	exact := exactChance(t, src, cl, 3)
	got, err := demoChance(src, cl, 3, 20000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-exact) > 0.01 || exact < 0.5 {
		t.Errorf("3 × 2 patches: chance %.4f, exact %.4f (want > 0.5, far above 1/3)", got, exact)
	}
	// 3 processes × 3 patches, clusters of sizes 4, 4, 1.
	src, _ = balanced(3, 3)
	cl = []int{0, 0, 0, 0, 1, 1, 1, 1, 2}
	exact = exactChance(t, src, cl, 3)
	if got, _ := demoChance(src, cl, 3, 20000, 2); math.Abs(got-exact) > 0.01 {
		t.Errorf("3 × 3 patches in clusters 4,4,1: chance %.4f, exact %.4f", got, exact)
	}
	// The demo's default (3 × 200) and smallest (3 × 24) sizes.
	for _, c := range []struct {
		n      int
		lo, hi float64
	}{{200, 0.35, 0.37}, {24, 0.39, 0.43}} {
		src, cl := balanced(3, c.n)
		got, err := demoChance(src, cl, 3, demoChanceRounds, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("3 × %d patches: chance %.4f", c.n, got)
		if got < c.lo || got > c.hi {
			t.Errorf("3 × %d patches: chance %.4f, want in [%g, %g]", c.n, got, c.lo, c.hi)
		}
	}
	// Every patch in one cluster: each shuffle is the same assignment, so
	// the chance level is the accuracy, the largest process's share (1/3).
	src, _ = balanced(3, 10)
	one := make([]int, len(src))
	if got, _ := demoChance(src, one, 3, 50, 1); math.Abs(got-1.0/3) > 1e-12 {
		t.Errorf("one cluster: chance %.6f, want 1/3", got)
	}
	if _, err := demoChance(src, one, 3, 0, 1); err == nil {
		t.Errorf("0 rounds accepted")
	}
}
