package cpu

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// TestLazyChannels: Channels selections read in place by lazy products
// (Mean, CropFreq + WeightedMeans with folded weights, a broadcast product,
// a product with a lazy phase harmonic) and stored by other readers
// (Modulus of a selection with repeats, a product with a per-plane constant,
// a selection read by a product and later stored) give the same
// coefficients and gradients, bit for bit, as an engine whose Channels
// always copies, on the first Forward (dry run and replay), a replay and
// LossGrad; and the Forward's working set is smaller.
func TestLazyChannels(t *testing.T) {
	rng := rand.New(rand.NewPCG(95, 96))
	const B, M, N, h, w = 2, 16, 12, 8, 6
	bank := randBank(rng, 4, M, N)
	wts := make([][]float64, 4)
	for k := range wts {
		wts[k] = make([]float64, h*w)
		for i := range wts[k] {
			wts[k][i] = rng.NormFloat64()
		}
	}
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		X := p.FFT2(x)
		Z := p.IFFT2(p.MulFilters(X, bank)) // [B,4,M,N]
		U := p.FFT2(p.Modulus(Z))           // herm
		rot := p.Channels(U, []int{1, 2, 3, 0})
		a := p.Mean(p.MulConj(U, rot))
		b := p.WeightedMeans(p.CropFreq(p.MulConj(p.Channels(U, []int{3, 0}), p.Channels(rot, []int{0, 1})), h, w), wts)
		c := p.Mean(p.Mul(p.Channels(X, []int{0}), p.Channels(U, []int{2, 1, 2})))
		d := p.Mean(p.MulConj(p.PhaseHarmonic(Z, 2), p.Channels(Z, []int{2, 3, 0, 1})))
		e := p.Mean(p.Modulus(p.Channels(Z, []int{1, 1, 0})))
		f := p.Mean(p.Mul(p.Channels(Z, []int{0, 3}), p.Scale(p.Mean(x), 2)))
		later := p.Channels(Z, []int{3, 1})
		g := p.Mean(p.MulConj(later, later))
		k := p.Mean(p.Modulus(later))
		return p.Concat(a, b, c, d, e, f, g, k)
	}
	x := testutil.RandMaps(rng, B, M, N)
	eng := func(store bool) *Engine {
		// One worker: with more, per-worker scratch buffers depend on the
		// scheduling and the pools' sizes are not comparable (the comparison
		// below failed once under CI load, 177280 vs 175232 bytes).
		e := New(WithWorkers(1))
		e.storeSel = store
		return e
	}
	type result struct {
		c    [3]*stlayer.Coeffs
		l    float64
		g    []float64
		pool int64
	}
	var res [2]result
	for i, store := range []bool{true, false} {
		e := eng(store)
		for k := range 2 {
			c, err := e.Forward("s", stat, x)
			if err != nil {
				t.Fatal(err)
			}
			res[i].c[k] = c
		}
		res[i].pool = e.PoolBytes()
		l, g, err := e.LossGrad("s", stat, x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		res[i].c[2], res[i].l, res[i].g = nil, l, g
		// Stored selections: e's (Modulus), f's (product with a 1×1
		// field) and later (Modulus after a product).
		want := 3
		if store {
			want = 0 // Channels copies: nothing to make eager
		}
		if p := e.fwdPlans["s|2,16,12"]; p == nil || len(p.eager) != want {
			t.Fatalf("store=%v: plan %v, eager selections %v, want %d", store, p != nil, p.eager, want)
		}
	}
	for k := range 2 {
		if !reflect.DeepEqual(res[0].c[k].Data, res[1].c[k].Data) {
			t.Fatalf("Forward %d: coefficients differ by %.3g", k, cabsDiff(res[0].c[k].Data, res[1].c[k].Data))
		}
	}
	if res[0].l != res[1].l || !reflect.DeepEqual(res[0].g, res[1].g) {
		t.Fatalf("LossGrad: loss %v vs %v, gradients differ", res[1].l, res[0].l)
	}
	if res[1].pool >= res[0].pool {
		t.Fatalf("Forward working set with unstored selections %d bytes, with copies %d", res[1].pool, res[0].pool)
	}
	t.Logf("Forward working set: %d bytes with copies, %d with unstored selections", res[0].pool, res[1].pool)
}
