package cpu

import (
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestFilterProductsThinPlanes: IFFT2 of a lazy filter product of 1×W or
// H×1 planes whose filters select different passes (a compact filter's
// sparse pass first, a dense filter's full pass) equals the naive inverse
// DFT, and its adjoint passes the dot-product and finite-difference tests.
// The inverse's 1/(HW) was applied only to the planes that had a second
// pass, so the dense filter's plane came out HW times too large.
func TestFilterProductsThinPlanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, hw := range [][2]int{{1, 16}, {16, 1}, {1, 12}, {10, 1}} {
		H, W := hw[0], hw[1]
		n := H * W
		bank := &stlayer.FilterBank{K: 2, H: H, W: W, Data: make([]float64, 2*n), Name: "thin"}
		for i := 0; i < n; i++ {
			if i < 3 {
				bank.Data[i] = 1 + rng.Float64() // compact: 3 values
			}
			bank.Data[n+i] = 1 + rng.Float64() // dense
		}
		e := New(WithWorkers(2))
		s := shape{2, 1, H, W}
		x := randC(rng, s.n())
		y, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, bank)).(*field) }), []shape{s}, [][]complex128{x}, nil)
		for p := 0; p < 2*2; p++ {
			prod := make([]complex128, n)
			f := bank.Filter(p % 2)
			for i := range prod {
				prod[i] = x[(p/2)*n+i] * complex(f[i], 0)
			}
			want := naiveDFT2(prod, H, W, 1)
			for i := range want {
				want[i] /= complex(float64(n), 0)
			}
			if d := cabsDiff(y[p*n:(p+1)*n], want); d > 1e-12 {
				t.Errorf("%dx%d IFFT2∘MulFilters plane %d: max error %.3g", H, W, p, d)
			}
		}
		checkVJP(t, "IFFT2∘MulFilters thin", one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, bank)).(*field) }), []shape{s}, nil, true, 1e-6)
	}
}
