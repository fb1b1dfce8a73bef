package infer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSeparationStuckAtZeroResidual: a run whose first stage has only terms
// comparing statistics of the residual d − s̃ (weights data=0) starts at
// s̃ = d, where that residual is identically 0. The contaminant term's
// gradient is exactly 0 there (before the fix: L-BFGS stopped after 1
// evaluation per epoch and RunSeparation returned s̃ = d without an error);
// with the scattering covariance the independence term alone has a kink
// there (40 evaluations per epoch, no iteration, no error). Both are now
// input errors naming the stage, its terms and the remedies, and a Start
// off d (or a data stage first) runs.
func TestSeparationStuckAtZeroResidual(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	const m = 32
	for _, c := range []struct {
		kind stats.Kind
		w    SepWeights
		want []string
	}{
		{stats.SCov, SepWeights{Contaminant: 1}, []string{"stage 2", "[contaminant]", "gradient of the loss is exactly 0", "after 1 evaluation(s)"}},
		{stats.WPH, SepWeights{Contaminant: 1}, []string{"stage 2", "[contaminant]", "gradient of the loss is exactly 0", "after 1 evaluation(s)"}},
		{stats.SCov, SepWeights{Independence: 1}, []string{"stage 2", "[independence]", "no step along the gradient lowers the loss"}},
	} {
		p, _, cont := toyProblemKind(t, m, true, c.kind)
		p.Contaminant = mapsOf(m, field(t, m, -1, 0.2, 3, 0.5, 0), field(t, m, -1, 0.2, 4, 0.5, 0))
		name := string(c.kind) + " " + strings.Join(c.want[1:2], "")
		opt := SeparationOptions{Weights: c.w, Stages: DefaultSepStages(5, 10, 2)}
		for _, start := range []*stlayer.Maps{nil, p.Data} { // the default start, and a Start equal to d
			opt.Start = start
			res, err := RunSeparation(ctx, eng, p, opt)
			if !errors.Is(err, ErrModelInput) {
				t.Errorf("%s (start %v): got %v, want an input error", name, start != nil, err)
				continue
			}
			for _, s := range append(c.want, "s̃ = d", "residual d − s̃ is identically 0", "--start", "--weights data=1") {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%s: error %q lacks %q", name, err, s)
				}
			}
			if res == nil || len(res.Epochs) != 1 || res.Epochs[0].Iters != 0 || !slices.Equal(res.S.Data, p.Data.Data) {
				t.Errorf("%s: want the result of the one stuck epoch (s̃ = d), got %+v", name, res)
			}
		}
		// Started off d (d minus a contaminant-like map), the same terms move.
		opt.Start = stlayer.NewMaps(1, m, m)
		for i, v := range p.Data.Data {
			opt.Start.Data[i] = v - 0.5*cont.Data[i]
		}
		res, err := RunSeparation(ctx, eng, p, opt)
		if err != nil {
			t.Errorf("%s from a start off d: %v", name, err)
		} else if r := res.Epochs[0]; r.Iters == 0 || !(r.Loss < r.InitialLoss) {
			t.Errorf("%s from a start off d: %d iterations, loss %g → %g", name, r.Iters, r.InitialLoss, r.Loss)
		}
		// With a data weight, the default staging's data stage moves s̃ off d first.
		w := c.w
		w.Data = 1
		if _, err := RunSeparation(ctx, eng, p, SeparationOptions{Weights: w, Stages: DefaultSepStages(5, 10, 2)}); err != nil {
			t.Errorf("%s with data=1: %v", name, err)
		}
	}
}
