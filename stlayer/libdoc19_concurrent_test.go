package stlayer_test

import (
	"math"
	"sync"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/graph"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestLibdoc19EnginesConcurrent pins the Engine doc's claim: one engine of
// either kind shared by 4 goroutines, each running Forward and LossGrad
// twice, returns what sequential calls return, bit for bit (run with -race
// to check the locking too).
func TestLibdoc19EnginesConcurrent(t *testing.T) {
	x := stlayer.NewMaps(2, 16, 16)
	for i := range x.Data {
		r, c := float64(i%256/16), float64(i%16)
		x.Data[i] = math.Exp(math.Sin(0.4*r+float64(i/256)) + math.Cos(0.3*(r+2*c)))
	}
	op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.NewBackend(graph.PureGoSpec)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	ge := graph.New(b)
	defer ge.Finalize()
	for _, eng := range []stlayer.Engine{cpu.New(), ge} {
		ref, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		refL, refG, err := eng.LossGrad(op.Key(), op.Stat(), x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 16)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 2 {
					c, err := eng.Forward(op.Key(), op.Stat(), x)
					if err != nil {
						errs <- err.Error()
						return
					}
					for i, v := range c.Data {
						if v != ref.Data[i] {
							errs <- "Forward differs from the sequential call"
							return
						}
					}
					l, gr, err := eng.LossGrad(op.Key(), op.Stat(), x, stlayer.SumAbs2)
					if err != nil {
						errs <- err.Error()
						return
					}
					if l != refL {
						errs <- "LossGrad's loss differs from the sequential call"
						return
					}
					for i, v := range gr {
						if v != refG[i] {
							errs <- "LossGrad's gradient differs from the sequential call"
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("%s: %s", eng.Name(), e)
		}
	}
}

// TestLibdoc19FreePoolReuse: the cpu engine has no Close; FreePool empties
// its buffer pool and the engine stays usable, with the same values.
func TestLibdoc19FreePoolReuse(t *testing.T) {
	x := stlayer.NewMaps(1, 16, 16)
	for i := range x.Data {
		x.Data[i] = math.Sin(0.3*float64(i)) + 0.01*float64(i)
	}
	op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	before, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	if e.PoolBytes() == 0 {
		t.Fatal("no pooled buffers after a Forward: the test sees nothing to free")
	}
	e.FreePool()
	if e.PoolBytes() != 0 {
		t.Fatalf("PoolBytes %d after FreePool, want 0", e.PoolBytes())
	}
	after, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatalf("Forward after FreePool: %v", err)
	}
	for i, v := range after.Data {
		if v != before.Data[i] {
			t.Fatalf("value %d: %v after FreePool, %v before", i, v, before.Data[i])
		}
	}
}
