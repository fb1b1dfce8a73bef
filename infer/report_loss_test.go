package infer

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// quadObjective is Σ (x_i − 1)², a loss L-BFGS lowers step by step.
type quadObjective struct{}

func (quadObjective) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	f, g := 0.0, make([]float64, len(x.Data))
	for i, v := range x.Data {
		d := v - 1 + 0.3*math.Sin(float64(i)) // not separable in one step
		f += d * d * (1 + float64(i%5))
		g[i] = 2 * d * (1 + float64(i%5))
	}
	return f, []float64{f}, g, nil
}

// The summary of stkit sample/synth prints "loss <InitialLoss> → <Loss>",
// while loss.png drew History only, which starts after the first iteration
// (demo component 0: 21.92 in the summary, 11.76 at the left of loss.png).
// The curve now starts at iteration 0 with the loss of the starting maps.
func TestLossCurveStartsAtInitialLoss(t *testing.T) {
	x0 := stlayer.NewMaps(1, 4, 4)
	for i := range x0.Data {
		x0.Data[i] = 5 * math.Cos(float64(3*i))
	}
	r, err := Minimize(context.Background(), quadObjective{}, x0, SynthConfig{Steps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.History) == 0 || !(r.InitialLoss > r.History[0]) {
		t.Fatalf("initial loss %g, history %v: want a first iteration below the start", r.InitialLoss, r.History)
	}
	it, loss, runs := lossPoints([]*Result{r})
	if runs != 1 || len(it) != len(r.History)+1 || it[0] != 0 || loss[0] != r.InitialLoss || it[1] != 1 || loss[1] != r.History[0] ||
		it[len(it)-1] != float64(r.Iters) || loss[len(loss)-1] != r.History[len(r.History)-1] {
		t.Errorf("curve %v / %v (%d runs), want (0, %g), (1, %g) … (%d, %g)", it, loss, runs, r.InitialLoss, r.History[0], r.Iters, r.History[len(r.History)-1])
	}

	// Successive runs (separation epochs): each starts where the previous
	// ended, a run without iterations adds nothing.
	a := &Result{InitialLoss: 10, History: []float64{8, 6}}
	b := &Result{InitialLoss: 9, History: []float64{4}}
	it, loss, runs = lossPoints([]*Result{a, {InitialLoss: 7}, b, nil})
	if wi, wl := []float64{0, 1, 2, 2, 3}, []float64{10, 8, 6, 9, 4}; runs != 2 || !slices.Equal(it, wi) || !slices.Equal(loss, wl) {
		t.Errorf("two runs: %v / %v (%d runs), want %v / %v (2 runs)", it, loss, runs, wi, wl)
	}
	// A run whose initial loss failed (NaN) keeps its iterations.
	it, loss, _ = lossPoints([]*Result{{InitialLoss: math.NaN(), History: []float64{3}}})
	if !slices.Equal(it, []float64{1}) || !slices.Equal(loss, []float64{3}) {
		t.Errorf("NaN start: %v / %v, want [1] / [3]", it, loss)
	}
}

// The learned-model separation's loss.png said "epochs one after the other
// (a jump: a new epoch)" for the demo's run of one epoch; the subtitle now
// follows the runs drawn and the stages run.
func TestEpochNoteFollowsTheRun(t *testing.T) {
	for _, c := range []struct {
		runs, stages int
		why, want    string
	}{
		{1, 1, "", "one L-BFGS run (1 epoch)"},
		{1, 1, "samples redrawn", "one L-BFGS run (1 epoch)"},
		{3, 1, "", "3 epochs one after the other (a jump: a new epoch)"},
		{3, 2, "samples redrawn, σ and bias recomputed", "3 epochs of 2 stages one after the other (a jump: a new stage or epoch, samples redrawn, σ and bias recomputed)"},
	} {
		if got := epochNote(c.runs, c.stages, c.why); got != c.want {
			t.Errorf("epochNote(%d, %d, %q) = %q, want %q", c.runs, c.stages, c.why, got, c.want)
		}
	}
	// The demo's separation: --steps 0,187 in one epoch (the amplitude
	// stage has no step and no result with iterations).
	_, _, runs := lossPoints([]*Result{{InitialLoss: 188.5, History: []float64{188, 187.3}}})
	if got := epochNote(runs, 1, ""); strings.Contains(got, "jump") || strings.Contains(got, "epochs") {
		t.Errorf("one epoch: subtitle %q speaks of epochs or jumps", got)
	}
}

// The ±2σ bands of minkowski.png went past the physical limits (demo: V0
// above 1 at low thresholds and below 0 at high ones, V1 below 0): they are
// clipped to V0 ∈ [0, 1] and V1 ≥ 0; V2 can have either sign.
func TestMinkowskiBandClipped(t *testing.T) {
	mean := []float64{0.97, 0.5, 0.02}
	spread := []float64{0.05, 0.1, 0.04}
	lo, hi := mfBand(0, mean, spread)
	if want := []float64{0.87, 0.3, 0}; !floatsClose(lo, want) {
		t.Errorf("V0 band low %v, want %v", lo, want)
	}
	if want := []float64{1, 0.7, 0.1}; !floatsClose(hi, want) {
		t.Errorf("V0 band high %v, want %v", hi, want)
	}
	lo, hi = mfBand(1, []float64{0.01, 0.2}, []float64{0.02, 0.05})
	if !floatsClose(lo, []float64{0, 0.1}) || !floatsClose(hi, []float64{0.05, 0.3}) {
		t.Errorf("V1 band %v … %v, want [0 0.1] … [0.05 0.3]", lo, hi)
	}
	lo, hi = mfBand(2, []float64{-0.01, 0.01}, []float64{0.01, 0.02})
	if !floatsClose(lo, []float64{-0.03, -0.03}) || !floatsClose(hi, []float64{0.01, 0.05}) {
		t.Errorf("V2 band %v … %v, want [-0.03 -0.03] … [0.01 0.05] (not clipped)", lo, hi)
	}
}

func floatsClose(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}
