package infer

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// kcap25Maps returns b m×m maps: white noise (kind 0), a slope −3 Gaussian
// random field (1) or its exponential, a log-normal field (2), seeds
// seed, seed + 1, …
func kcap25Maps(t *testing.T, kind, b, m int, seed uint64) *stlayer.Maps {
	t.Helper()
	out := stlayer.NewMaps(b, m, m)
	for i := 0; i < b; i++ {
		var x []float64
		var err error
		if kind == 0 {
			x, err = datasets.WhiteNoise(m, m, seed+uint64(i))
		} else {
			x, err = datasets.GaussianRandomField(m, m, -3, seed+uint64(i))
		}
		if err != nil {
			t.Fatal(err)
		}
		if kind == 2 {
			for j := range x {
				x[j] = math.Exp(x[j])
			}
		}
		copy(out.Map(i), x)
	}
	return out
}

// TestKcap25EnoughRowsUnchanged: fits whose training rows are at least
// K·(P² + 1) run as before kcap25's cap, bit for bit: the SHA-256 of the
// archive Save writes, measured on the code before it (874d450), for
// three fixtures: K 4 on a 32² log-normal map (512 rows), P 3 K 6 on two
// 24² white-noise maps (784 rows), and the defaults (K 20) on a 40²
// slope −3 field capped to MaxRows 740 = 20·37, the boundary, which fits
// K 20 (and keeps 7: split EM and the dropping of dead components are
// untouched).
func TestKcap25EnoughRowsUnchanged(t *testing.T) {
	for _, c := range []struct {
		name string
		maps *stlayer.Maps
		opt  PatchPriorOptions
		kept int
		sha  string
	}{
		{"K 4, 32² log-normal", kcap25Maps(t, 2, 1, 32, 5), PatchPriorOptions{K: 4}, 4, "5b321be927f092e32341bb21df970a05fe772b3495cc7b0f9ddbee8e9f7c468c"},
		{"P 3 K 6, 2 × 24² white", kcap25Maps(t, 0, 2, 24, 7), PatchPriorOptions{P: 3, K: 6}, 6, "2798f511eb3d0499b864fb37d1563889475e1769f7c3461872193dd5bae208c7"},
		{"defaults, 40² field, 740 rows", kcap25Maps(t, 1, 1, 40, 9), PatchPriorOptions{MaxRows: 740}, 7, "6a718d746c8840310387ff9ace071b8c03fd76a430dfeec5b3c720e758669f6a"},
	} {
		pp, err := FitPatchPrior(c.maps, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		sum, err := pp.archiveSHA256()
		if err != nil {
			t.Fatal(err)
		}
		// the archives measured on amd64: Go fuses a*b + c into FMA on
		// arm64 and other architectures, which moves the last bits
		// (as surr19's .npy hashes: TestSurr19SingleUnchanged)
		if pp.K != c.kept || (runtime.GOARCH == "amd64" && sum != c.sha) {
			t.Errorf("%s: K %d kept, archive SHA-256 %s; want %d, %s", c.name, pp.K, sum, c.kept, c.sha)
		}
		// on every architecture: the fit is EM from K components on the
		// training rows, as before the cap (pre-kcap25 FitPatchPrior's call)
		o := c.opt
		o.defaults()
		X := patchTrainingMatrix(c.maps, o.P, o.Stride, !o.NoAugment, o.MaxRows, o.Seed)
		old, err := fitPatchGMM(context.Background(), X, o.K, o.K, o.Iters, o.Reg, o.Seed, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if osum, err := old.archiveSHA256(); err != nil || osum != sum || pp.KUsed != o.K {
			t.Errorf("%s: archive %s, EM from K %d components %s (%v); KUsed %d", c.name, sum, o.K, osum, err, pp.KUsed)
		}
	}
}
