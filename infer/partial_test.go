package infer

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// illQuadratic is ℒ(x) = Σ_b Σ_i w_i (x_bi − 1)² with weights spanning six
// decades: cheap, and L-BFGS needs many iterations on it (no early stop in a
// few). After failAfter evaluations (> 0) Eval returns errFail.
type illQuadratic struct {
	evals, failAfter int
}

var errFail = errors.New("loss failed on purpose")

func (q *illQuadratic) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	q.evals++
	if q.failAfter > 0 && q.evals > q.failAfter {
		return 0, nil, nil, errFail
	}
	mn := x.M * x.N
	g := make([]float64, len(x.Data))
	f := 0.0
	for j, v := range x.Data {
		w := math.Pow(10, 6*float64(j%mn)/float64(mn-1))
		d := v - 1
		f += w * d * d
		g[j] = 2 * w * d
	}
	return f, []float64{f}, g, nil
}

// partialTarget is a 16² reference for InitialMaps (white noise start).
func partialTarget() *stlayer.Maps {
	m := stlayer.NewMaps(1, 16, 16)
	for i := range m.Data {
		m.Data[i] = math.Sin(float64(i)*0.37) + 0.1*float64(i%5)
	}
	return m
}

// TestGenerateMapItersCancelled: Generate says which maps were worked on
// and how far when it stops early. Independent mode, cancelled at iteration
// 3 of map 1: MapIters = [n0, 3, 0, 0] (n0 the iterations map 0 ran, as
// reported), MapsDone = 1, maps 2–3 still their starting maps, map 1 moved.
// One L-BFGS on all maps, cancelled at iteration 4: every map has 4,
// MapsDone 0. Without cancellation MapsDone is K and MapIters sums to Iters.
func TestGenerateMapItersCancelled(t *testing.T) {
	target := partialTarget()
	const k = 4
	x0, err := InitialMaps(InitWhiteNoise, target, k, 7)
	if err != nil {
		t.Fatal(err)
	}
	mn := x0.M * x0.N
	for _, tc := range []struct {
		name        string
		independent bool
		stopRun     int
		stopIter    int
	}{{"independent", true, 1, 3}, {"joint", false, 0, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reached := make([]int, k)
			cfg := GenerateConfig{K: k, Seed: 7, Init: InitWhiteNoise, Independent: tc.independent, SynthConfig: SynthConfig{Steps: 50}}
			cfg.Progress = func(p Progress) {
				reached[p.Run] = p.Iter
				if p.Run == tc.stopRun && p.Iter == tc.stopIter {
					cancel()
				}
			}
			res, err := Generate(ctx, &illQuadratic{}, target, cfg)
			if !errors.Is(err, context.Canceled) || res == nil {
				t.Fatalf("err %v, result %v: want context.Canceled and a result", err, res)
			}
			want := make([]int, k)
			if tc.independent {
				want[0], want[1] = reached[0], 3
				if reached[0] < 10 {
					t.Fatalf("map 0 ran %d iterations only: the loss is too easy for this test", reached[0])
				}
				if res.MapsDone != 1 {
					t.Errorf("MapsDone %d, want 1 (map 0 finished, map 1 stopped)", res.MapsDone)
				}
			} else {
				for b := range want {
					want[b] = 4
				}
				if res.MapsDone != 0 {
					t.Errorf("MapsDone %d, want 0 (the joint run stopped)", res.MapsDone)
				}
			}
			if !slices.Equal(res.MapIters, want) {
				t.Errorf("MapIters %v, want %v", res.MapIters, want)
			}
			for b := 0; b < k; b++ {
				same := slices.Equal(res.Maps.Data[b*mn:(b+1)*mn], x0.Data[b*mn:(b+1)*mn])
				if same != (want[b] == 0) {
					t.Errorf("map %d: %d iterations, equal to its starting map: %v", b, want[b], same)
				}
			}
		})
	}
	for _, indep := range []bool{true, false} {
		cfg := GenerateConfig{K: 3, Seed: 2, Init: InitWhiteNoise, Independent: indep, SynthConfig: SynthConfig{Steps: 5}}
		res, err := Generate(context.Background(), &illQuadratic{}, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, n := range res.MapIters {
			sum += n
		}
		if res.MapsDone != 3 || len(res.MapIters) != 3 || (indep && sum != res.Iters) || (!indep && sum != 3*res.Iters) {
			t.Errorf("independent %v, complete run: MapsDone %d, MapIters %v, Iters %d", indep, res.MapsDone, res.MapIters, res.Iters)
		}
	}
}

// TestGenerateMapItersError: a loss failing in map 1's run (independent
// mode) leaves MapsDone = 1, MapIters[1] the iterations it got through and
// the maps after it not started; the error names the map.
func TestGenerateMapItersError(t *testing.T) {
	target := partialTarget()
	// Map 0 takes its initial evaluation plus about one per iteration (5
	// iterations); map 1 fails a few evaluations into its run.
	q := &illQuadratic{}
	cfg := GenerateConfig{K: 3, Seed: 1, Init: InitWhiteNoise, Independent: true, SynthConfig: SynthConfig{Steps: 5}}
	var iters [3]int
	cfg.Progress = func(p Progress) {
		iters[p.Run] = p.Iter
		if p.Run == 1 && p.Iter == 2 && q.failAfter == 0 {
			q.failAfter = q.evals // the next evaluation fails
		}
	}
	res, err := Generate(context.Background(), q, target, cfg)
	if !errors.Is(err, errFail) || res == nil {
		t.Fatalf("err %v: want the loss's error and a result", err)
	}
	if res.MapsDone != 1 || res.MapIters[0] != 5 || res.MapIters[1] != iters[1] || res.MapIters[1] < 2 || res.MapIters[2] != 0 {
		t.Errorf("MapsDone %d, MapIters %v (reported %v)", res.MapsDone, res.MapIters, iters)
	}
	if want := "map 1:"; err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q does not name map 1", err)
	}
}
