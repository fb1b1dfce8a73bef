package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// TestSparseBank: the engine uploads a sparse bank (stlayer.FilterBank.Runs)
// as its dense view: MulFilters and MulFilter give the same bits with a
// sparse bank and with the dense bank of the same values.
func TestSparseBank(t *testing.T) {
	const M, N = 16, 12
	r := rand.New(rand.NewPCG(7, 8))
	raw := randBank(r, 3, M, N)
	for i := range raw.Data {
		if r.IntN(3) == 0 {
			raw.Data[i] = 0 // gaps and empty stretches
		}
	}
	sparse := filters.Truncated(raw, 0)
	dense := &stlayer.FilterBank{K: raw.K, H: M, W: N, Data: make([]float64, len(raw.Data)), Name: "dense view"}
	for i, v := range sparse.All() {
		dense.Data[i] = v
	}
	stat := func(f *stlayer.FilterBank) stlayer.Stat {
		return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
			X := p.FFT2(x)
			a := p.Mean(p.Modulus(p.IFFT2(p.MulFilters(X, f))))
			b := p.Mean(p.Modulus(p.IFFT2(p.MulFilter(X, f, []int{2}))))
			return p.Concat(a, b)
		}
	}
	x := testutil.RandMaps(r, 2, M, N)
	e := New(gomlxtest.Backend(t))
	cd, err := e.Forward("dense", stat(dense), x)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := e.Forward("sparse", stat(sparse), x)
	if err != nil {
		t.Fatal(err)
	}
	for k := range cd.Data {
		a, b := cd.Data[k], cs.Data[k]
		if math.Float64bits(real(a)) != math.Float64bits(real(b)) || math.Float64bits(imag(a)) != math.Float64bits(imag(b)) {
			t.Fatalf("coefficient %d: %v with the sparse bank, %v with its dense view", k, b, a)
		}
	}
}
