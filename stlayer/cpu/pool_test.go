package cpu

import (
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// TestPoolReuseSameBits: an engine whose pool holds buffers filled with
// garbage gives the same bits, Forward and LossGrad, as a fresh engine.
func TestPoolReuseSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	const M, N = 16, 24
	stat := allPrims(rng, M, N)
	x := testutil.RandMaps(rng, 2, M, N)
	loss := stlayer.SumAbs2
	ref := New()
	c0, err := ref.Forward("all", stat, x)
	if err != nil {
		t.Fatal(err)
	}
	l0, g0, err := ref.LossGrad("all", stat, x, loss)
	if err != nil {
		t.Fatal(err)
	}
	e := New()
	for n := 1; n <= 2*2*3*M*N*4; n = n*5/4 + 1 {
		b := make([]complex128, n)
		for i := range b {
			b[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		e.put(b)
	}
	for i := range 2 {
		c, err := e.Forward("all", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		l, g, err := e.LossGrad("all", stat, x, loss)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Data, c0.Data) || l != l0 || !reflect.DeepEqual(g, g0) {
			t.Fatalf("call %d: results differ from a fresh engine's (coeffs %.3g, loss %g vs %g)", i, cabsDiff(c.Data, c0.Data), l, l0)
		}
	}
}

// TestBankCacheBounded: the engine's truncated filter copies live as long as
// their banks; evaluating operators of many sizes, each dropped after use,
// leaves only a few copies (it used to keep every bank it had seen, and the
// bank itself with it), while a bank still in use keeps its one copy.
func TestBankCacheBounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	e := New()
	kept := randBank(rng, 2, 8, 8)
	keptInfo := e.bank(kept)
	const sizes = 24
	for i := range sizes {
		M := 8 + 2*i
		bank := randBank(rng, 3, M, M)
		stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
			return p.Mean(p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), bank))))
		}
		if _, err := e.Forward("s", stat, testutil.RandMaps(rng, 1, M, M)); err != nil {
			t.Fatal(err)
		}
	}
	n := e.cachedBanks()
	for deadline := time.Now().Add(5 * time.Second); n > 4 && time.Now().Before(deadline); n = e.cachedBanks() {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n > 4 {
		t.Fatalf("the engine holds copies of %d filter banks after %d sizes, all but one dropped", n, sizes)
	}
	if e.bank(kept) != keptInfo {
		t.Fatalf("the copy of a bank still in use was made again")
	}
	runtime.KeepAlive(kept)
}
