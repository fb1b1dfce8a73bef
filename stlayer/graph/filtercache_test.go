package graph

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// The float32 filter cache used to hold every bank it had seen (a strong
// *FilterBank key), and the bank with it, for the engine's life. It now
// holds banks weakly: once the compiled graphs that use a bank have left
// the graph cache and no one else holds it, the bank is collected and its
// copy dropped; a bank still in use keeps its copy.
func TestFilterCacheDoesNotKeepBanks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const M, N, banks = 8, 8, 6
	e := New(gomlxtest.Backend(t), WithMaxExecs(1))
	x := testutil.RandMaps(r, 1, M, N)
	stat := func(f *stlayer.FilterBank) stlayer.Stat {
		return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
			return p.Mean(p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), f))))
		}
	}
	kept := randBank(r, 2, M, N)
	if _, err := e.Forward("kept", stat(kept), x); err != nil {
		t.Fatal(err)
	}
	keptData := e.filterData(kept)
	var dropped []weak.Pointer[stlayer.FilterBank]
	for i := range banks {
		f := randBank(r, 2, M, N)
		dropped = append(dropped, weak.Make(f))
		if _, err := e.Forward(fmt.Sprintf("bank%d", i), stat(f), x); err != nil {
			t.Fatal(err)
		}
	}
	e.Finalize() // the last compiled graph still holds its statistic
	alive, n := banks, e.cachedFilters()
	for deadline := time.Now().Add(5 * time.Second); (alive > 0 || n > 1) && time.Now().Before(deadline); n = e.cachedFilters() {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		alive = 0
		for _, w := range dropped {
			if w.Value() != nil {
				alive++
			}
		}
	}
	if alive > 0 {
		t.Errorf("%d of %d banks no longer used are still reachable", alive, banks)
	}
	if n != 1 {
		t.Errorf("the engine holds copies of %d banks, want 1 (the bank still in use)", n)
	}
	if d := e.filterData(kept); &d[0] != &keptData[0] {
		t.Errorf("the copy of a bank still in use was made again")
	}
	runtime.KeepAlive(kept)
}
