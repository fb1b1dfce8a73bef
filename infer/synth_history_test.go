package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// offsetQuadratic is 1 + Σ (x − at)²: map `at` is its minimum (loss 1,
// gradient 0).
type offsetQuadratic struct{ at []float64 }

func (q offsetQuadratic) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	f, g := 1.0, make([]float64, len(x.Data))
	for i, v := range x.Data {
		d := v - q.at[i%len(q.at)]
		f += d * d
		g[i] = 2 * d
	}
	return f, []float64{f}, g, nil
}

// TestGenerateHistoryZeroIterationRun: in independent mode a map whose run
// ends without an iteration (here: it starts at the minimum, where the
// gradient is 0) still counts in the summed History, with its loss at every
// iteration, so that History ends at Result.Loss (it was left out: History
// ended at 1, Loss was 2).
func TestGenerateHistoryZeroIterationRun(t *testing.T) {
	ref := stlayer.NewMaps(1, 8, 8)
	for i := range ref.Data {
		ref.Data[i] = math.Sin(float64(i))
	}
	x0, err := InitialMaps(InitWhiteNoise, ref, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	obj := offsetQuadratic{at: x0.Map(1)} // map 1 starts at the minimum
	res, err := Generate(context.Background(), obj, ref, GenerateConfig{K: 2, Seed: 5, Independent: true, SynthConfig: SynthConfig{Steps: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MapIters[0] == 0 || res.MapIters[1] != 0 {
		t.Fatalf("map iterations %v, want some for map 0 and none for map 1", res.MapIters)
	}
	if n := len(res.History); n == 0 || math.Abs(res.History[n-1]-res.Loss) > 1e-12 {
		t.Errorf("History %v ends away from the summed loss %g", res.History, res.Loss)
	}
	for i, h := range res.History { // map 0's loss ≥ 1 plus map 1's 1
		if h < 2 {
			t.Errorf("History[%d] = %g lacks map 1's loss 1", i, h)
		}
	}
}
