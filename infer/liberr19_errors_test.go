package infer

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// infer's own argument checks matched ErrModelInput only: a program could
// not tell NaN maps from maps of a wrong size. They now also match the
// stlayer sentinels (errors.Is through modelInputError's Unwrap), messages
// unchanged: non-finite pixels stlayer.ErrNonFinite, nil, ragged or
// wrongly sized maps stlayer.ErrSize; the statistics' refusals keep theirs
// through NewSepStats (stlayer.ErrScales). A term the engine refuses on
// NaN maps (Loss.Eval, SepLoss.Eval) matches ErrNonFinite, as the NaN loss
// it gave before the engines refused such maps did.
func TestLiberr19InferKinds(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	target := biMaps(1, 32, 32, 0)
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST, J: 2}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	nan := biMaps(1, 32, 32, 0)
	nan.Data[36+32] = math.NaN()
	cfg, err := Preset(PresetQuality, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 1
	synth := func(x *stlayer.Maps) func() error {
		return func() error { _, _, err := Synthesize(ctx, eng, op, x, cfg); return err }
	}
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 32, 32, false)
	if err != nil {
		t.Fatal(err)
	}
	sep := func(d *stlayer.Maps) func() error {
		return func() error {
			_, err := RunSeparation(ctx, eng, &SeparationProblem{Data: d, Contaminant: biMaps(3, 32, 32, 1), Stats: ss},
				SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 1}}})
			return err
		}
	}
	for _, c := range []struct {
		name string
		f    func() error
		kind error
		msg  string
	}{
		{"Synthesize NaN target", synth(nan), stlayer.ErrNonFinite, "target maps: non-finite value NaN (map 0, row 2, column 4)"},
		{"Synthesize nil target", synth(nil), stlayer.ErrSize, "target maps: no maps (nil)"},
		{"Synthesize ragged target", synth(&stlayer.Maps{B: 1, M: 32, N: 32, Data: target.Data[:99]}), stlayer.ErrSize, ""},
		{"Synthesize target of another size", synth(biMaps(1, 64, 64, 0)), stlayer.ErrSize, ""},
		{"RunSeparation NaN data", sep(nan), stlayer.ErrNonFinite, "data: non-finite value NaN (map 0, row 2, column 4)"},
		{"RunSeparation 2 data maps", sep(biMaps(2, 32, 32, 0)), stlayer.ErrSize, ""},
		{"NewSepStats J too large", func() error {
			_, err := NewSepStats(stats.Spec{Kind: stats.WPH, J: 9}, 32, 32, false)
			return err
		}, stlayer.ErrScales, ""},
	} {
		err := c.f()
		if !errors.Is(err, ErrModelInput) {
			t.Errorf("%s: %v does not match ErrModelInput", c.name, err)
		}
		var k []error
		for _, s := range []error{stlayer.ErrNonFinite, stlayer.ErrSize, stlayer.ErrScales, stlayer.ErrKind} {
			if errors.Is(err, s) {
				k = append(k, s)
			}
		}
		if len(k) != 1 || k[0] != c.kind {
			t.Errorf("%s: %v matches %v, want only %v", c.name, err, k, c.kind)
		}
		if c.msg != "" && (err == nil || err.Error() != c.msg) {
			t.Errorf("%s: message %v, want %q", c.name, err, c.msg)
		}
	}

	// Loss.Eval on NaN maps: the engine's refusal, matching ErrNonFinite
	// (Minimize stops as diverged) and stlayer.ErrNonFinite, not an input
	// error.
	term, err := NewTarget("wst", eng, op, target, WeightMean)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = (&Loss{Engine: eng, Terms: []*Term{term}}).Eval(nan)
	if !errors.Is(err, ErrNonFinite) || !errors.Is(err, stlayer.ErrNonFinite) || errors.Is(err, ErrModelInput) ||
		err.Error() != "term wst: cpu: non-finite value NaN in map 0 at row 2, column 4" {
		t.Errorf("Loss.Eval on NaN maps: %v", err)
	}
}
