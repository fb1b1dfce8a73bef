package infer

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func biMaps(b, m, n int, seed float64) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i)*0.37+seed) + 0.3*math.Cos(float64(i*i)*0.011+seed)
	}
	return x
}

// TestBadInputErrors: every call returns an error matching ErrModelInput
// whose text names the problem (before the fix each either panicked or
// returned nil).
func TestBadInputErrors(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	good := biMaps(1, 16, 16, 0)
	short := &stlayer.Maps{B: 1, M: 16, N: 16, Data: make([]float64, 10)}
	nan := biMaps(1, 16, 16, 0)
	nan.Data[5] = math.NaN()
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16, true)
	if err != nil {
		t.Fatal(err)
	}
	cont := biMaps(3, 16, 16, 1)
	nk := ss.Auto.Labels().Len()
	prior := func(w float64, sd float64) []SepPrior {
		std := make([]float64, nk)
		for i := range std {
			std[i] = sd
		}
		return []SepPrior{{Op: ss.Auto, Component: 0, Weight: w, Mean: make([]complex128, nk), Std: std}}
	}
	okp := &SeparationProblem{Data: good, Contaminant: cont, Stats: ss}
	stages := []SepStage{{Terms: []string{TermData}, Steps: 1}}
	runOpt := func(o SeparationOptions) error {
		o.Stages = stages
		_, err := RunSeparation(ctx, eng, okp, o)
		return err
	}
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := NewSynthLoss(eng, "s", op, good, GenerateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, frag string
		f          func() error
	}{
		{"Validate nil problem", "nil", func() error { var p *SeparationProblem; return p.Validate() }},
		{"RunSeparation nil problem", "nil", func() error { _, err := RunSeparation(ctx, eng, nil, SeparationOptions{}); return err }},
		{"RunSeparation nil engine", "engine", func() error { _, err := RunSeparation(ctx, nil, okp, SeparationOptions{}); return err }},
		{"data length ≠ B·M·N", "10 values", func() error { return (&SeparationProblem{Data: short, Contaminant: cont, Stats: ss}).Validate() }},
		{"data 0×0", "empty", func() error {
			return (&SeparationProblem{Data: stlayer.NewMaps(1, 0, 0), Contaminant: stlayer.NewMaps(3, 0, 0), Stats: ss}).Validate()
		}},
		{"contaminant length ≠ B·M·N", "contaminant samples: 5 values", func() error {
			return (&SeparationProblem{Data: good, Contaminant: &stlayer.Maps{B: 3, M: 16, N: 16, Data: make([]float64, 5)}, Stats: ss}).Validate()
		}},
		{"PS mask length", "power-spectrum mask", func() error {
			return (&SeparationProblem{Data: good, Contaminant: cont, Stats: &SepStats{Auto: ss.Auto, Cross: ss.Cross, PS: []bool{true}}}).Validate()
		}},
		{"prior NaN std", "std NaN", func() error { return (&SeparationProblem{Data: good, Priors: prior(1, math.NaN())}).Validate() }},
		{"prior negative weight", "weight -1", func() error { return (&SeparationProblem{Data: good, Priors: prior(-1, 1)}).Validate() }},
		{"box bound length", "lower box bound: 10 values", func() error { return runOpt(SeparationOptions{BoxLo: short}) }},
		{"box bound NaN", "NaN at row 0, column 5", func() error { return runOpt(SeparationOptions{BoxLo: nan}) }},
		{"box weight NaN", "box weight", func() error { return runOpt(SeparationOptions{BoxWeight: math.NaN()}) }},
		{"std floor NaN", "std floor", func() error { return runOpt(SeparationOptions{StdFloor: math.NaN()}) }},
		{"weight NaN", "weight data=NaN", func() error { return runOpt(SeparationOptions{Weights: SepWeights{Data: math.NaN()}}) }},
		{"unknown form", "data form 7", func() error { return runOpt(SeparationOptions{Form: 7}) }},
		{"Generate nil loss", "loss", func() error { _, err := Generate(ctx, nil, good, GenerateConfig{}); return err }},
		{"Generate nil target", "nil", func() error { _, err := Generate(ctx, loss, nil, GenerateConfig{}); return err }},
		{"Generate unknown init", "initialisation 9", func() error {
			_, err := Generate(ctx, loss, good, GenerateConfig{Init: 9, SynthConfig: SynthConfig{Steps: 1}})
			return err
		}},
		{"Minimize nil x0", "nil", func() error { _, err := Minimize(ctx, loss, nil, SynthConfig{Steps: 1}); return err }},
		{"Minimize short x0", "10 values", func() error { _, err := Minimize(ctx, loss, short, SynthConfig{Steps: 1}); return err }},
		{"Minimize NaN x0", "row 0, column 5", func() error { _, err := Minimize(ctx, loss, nan, SynthConfig{Steps: 1}); return err }},
		{"InitialMaps nil", "nil", func() error { _, err := InitialMaps(InitGRF, nil, 1, 1); return err }},
		{"InitialMaps short", "10 values", func() error { _, err := InitialMaps(InitGRF, short, 1, 1); return err }},
		{"NewSynthLoss nil op", "nil", func() error { _, err := NewSynthLoss(eng, "s", nil, good, GenerateConfig{}); return err }},
		{"NewSynthLoss nil engine", "nil", func() error { _, err := NewSynthLoss(nil, "s", op, good, GenerateConfig{}); return err }},
		{"NewSynthLoss NaN PS weight", "power-spectrum weight", func() error {
			_, err := NewSynthLoss(eng, "s", op, good, GenerateConfig{PSWeight: math.NaN()})
			return err
		}},
		{"NewTarget unknown weight mode", "weight mode 9", func() error { _, err := NewTarget("s", eng, op, good, 9); return err }},
		{"NewPowerSpectrumTerm nil", "nil", func() error { _, err := NewPowerSpectrumTerm(eng, nil, 1); return err }},
		{"Validate nil target", "target maps", func() error { _, err := Validate(nil, good); return err }},
		{"Validate empty synth", "syntheses: empty", func() error { _, err := Validate(good, stlayer.NewMaps(0, 16, 16)); return err }},
		{"Validate short synth", "syntheses: 10 values", func() error { _, err := Validate(good, short); return err }},
		{"Validate NaN synth", "syntheses: non-finite", func() error { _, err := Validate(good, nan); return err }},
		{"EvaluateSeparation nil sep", "separated map", func() error { _, err := EvaluateSeparation(good, nil, cont, good); return err }},
		{"EvaluateSeparation short truth", "truth: 10 values", func() error { _, err := EvaluateSeparation(good, good, cont, short); return err }},
		{"EvaluateSeparation NaN sep", "non-finite", func() error { _, err := EvaluateSeparation(good, nan, cont, good); return err }},
		{"EvaluateModelSeparation nil", "nil", func() error { _, err := EvaluateModelSeparation(nil, cont, nil); return err }},
		{"SampleComponent nil models", "nil", func() error { _, err := SampleComponent(ctx, eng, nil, 0, SampleOptions{}); return err }},
		{"SampleComponent empty ModelSet", "nil", func() error { _, err := SampleComponent(ctx, eng, &ModelSet{}, 0, SampleOptions{}); return err }},
		{"NoiseComponent nil models", "nil", func() error { _, err := NoiseComponent(eng, nil, 1, 2, 1); return err }},
		{"SeparateWithModels nil models", "nil", func() error {
			comps := []SepComponent{{Name: "a"}, {Name: "b"}}
			_, err := SeparateWithModels(ctx, eng, nil, good, comps, ModelSepOptions{})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				err = c.f()
			}()
			if err == nil || !strings.Contains(err.Error(), c.frag) {
				t.Fatalf("error %v, want one containing %q", err, c.frag)
			}
			if !errors.Is(err, ErrModelInput) {
				t.Errorf("error %q does not match ErrModelInput", err)
			}
		})
	}
}

// TestBadInputMetrics: the error-less metrics return their documented
// degenerate values instead of panicking (index out of range, nil pointer).
func TestBadInputMetrics(t *testing.T) {
	noPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s: panic %v", name, r)
			}
		}()
		f()
	}
	noPanic("IsoPowerSpectrum", func() {
		for _, c := range []struct {
			x    []float64
			m, n int
		}{{make([]float64, 16), 1, 16}, {make([]float64, 10), 4, 4}, {nil, 0, 0}} {
			if ps := IsoPowerSpectrum(c.x, c.m, c.n); len(ps.P) != 0 || len(ps.Edges) != 0 {
				t.Errorf("IsoPowerSpectrum(len %d, %d×%d) = %+v, want no bins", len(c.x), c.m, c.n, ps)
			}
		}
	})
	noPanic("MeanPowerSpectrum", func() {
		if ps := MeanPowerSpectrum(nil, 4, 4); len(ps.P) != 0 {
			t.Errorf("MeanPowerSpectrum(no maps) has %d bins", len(ps.P))
		}
		if ps := MeanPowerSpectrum([][]float64{make([]float64, 16), make([]float64, 3)}, 4, 4); len(ps.P) != 0 {
			t.Errorf("MeanPowerSpectrum(short map) has %d bins", len(ps.P))
		}
	})
	noPanic("PSRatioStats", func() {
		a := IsoPowerSpectrum(biMaps(1, 4, 4, 0).Data, 4, 4)
		b := IsoPowerSpectrum(biMaps(1, 16, 16, 0).Data, 16, 16)
		for _, p := range [][2]*PowerSpectrum{{a, b}, {nil, b}, {a, nil}} {
			if r, mx, mn := PSRatioStats(p[0], p[1], 0); r != nil || !math.IsNaN(mx) || !math.IsNaN(mn) {
				t.Errorf("PSRatioStats of different binnings = %v, %v, %v; want nil, NaN, NaN", r, mx, mn)
			}
		}
	})
	noPanic("CrossSpectrumR", func() {
		if e, r := CrossSpectrumR(make([]float64, 16), make([]float64, 10), 4, 4); e != nil || r != nil {
			t.Errorf("CrossSpectrumR(mismatched lengths) = %v, %v", e, r)
		}
		if e, r := CrossSpectrumR(make([]float64, 4), make([]float64, 4), 1, 4); len(e) != 0 || len(r) != 0 {
			t.Errorf("CrossSpectrumR(1×4) = %v, %v", e, r)
		}
	})
	noPanic("Wasserstein1", func() {
		if w := Wasserstein1(nil, []float64{1}); !math.IsNaN(w) {
			t.Errorf("Wasserstein1(empty, x) = %v, want NaN", w)
		}
		if w := Wasserstein1([]float64{1, 2}, []float64{2, 3}); w != 1 {
			t.Errorf("Wasserstein1 shift by 1 = %v", w)
		}
	})
	noPanic("MinkowskiFunctionals", func() {
		mf := MinkowskiFunctionals(make([]float64, 10), 4, 4, 0, 1, []float64{0, 1})
		for t2 := range mf.Nu {
			if !math.IsNaN(mf.V0[t2]) || !math.IsNaN(mf.V1[t2]) || !math.IsNaN(mf.V2[t2]) {
				t.Errorf("MinkowskiFunctionals(short map) = %+v, want NaN", mf)
			}
		}
	})
	noPanic("NewHistogramTerm", func() {
		if h := NewHistogramTerm(nil, 16, 1); len(h.quantiles) != 0 {
			t.Errorf("NewHistogramTerm(no pixels) has %d quantiles", len(h.quantiles))
		}
		if l := NewHistogramTerm(nil, 16, 1).LossGrad(0, make([]float64, 16), make([]float64, 16)); l != 0 {
			t.Errorf("empty histogram term loss %v, want 0", l)
		}
	})
	noPanic("GeometricPSCompare", func() {
		if g := GeometricPSCompare(biMaps(1, 16, 16, 0), nil); len(g.Edges) != 0 {
			t.Errorf("GeometricPSCompare(nil target) = %+v", g)
		}
	})
	noPanic("PSNullCompare", func() {
		if _, ok := PSNullCompare(nil, 1, 1, 1); ok {
			t.Error("PSNullCompare(nil) ok")
		}
	})
}

// refusedInput is testutil.Refused that also requires the error to match
// ErrModelInput.
func refusedInput(t *testing.T, name string, f func() error, want ...string) {
	t.Helper()
	if err := testutil.Refused(t, name, f, want...); err != nil && !errors.Is(err, ErrModelInput) {
		t.Errorf("%s: error %q does not match ErrModelInput", name, err)
	}
}

func constMaps(b, m, n int, v float64) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = v
	}
	return x
}

// TestBadInputSynthesis: bad synthesis inputs are input errors naming the
// problem (before the fixes: panics, Inf weights, errors that did not match
// ErrModelInput).
func TestBadInputSynthesis(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	good := biMaps(1, 16, 16, 0)
	nan := biMaps(1, 16, 16, 0)
	nan.Data[5] = math.NaN()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := NewSynthLoss(eng, "s", op, good, GenerateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// A map with power in a single Fourier mode: the other bins have none.
	wave := stlayer.NewMaps(1, 16, 16)
	for i := range wave.Data {
		wave.Data[i] = math.Cos(2 * math.Pi * 3 * float64(i%16) / 16)
	}
	twins := stlayer.NewMaps(2, 16, 16)
	copy(twins.Map(0), good.Data)
	copy(twins.Map(1), good.Data)
	for _, c := range []struct {
		name string
		f    func() error
		want []string
	}{
		{"Preset unknown", func() error { _, err := Preset("fast", 1, 1); return err }, []string{"unknown synthesis preset"}},
		{"InitialMaps constant", func() error { _, err := InitialMaps(InitGRF, constMaps(1, 16, 16, 3), 1, 1); return err }, []string{"constant"}},
		{"InitialMaps NaN", func() error { _, err := InitialMaps(InitWhiteNoise, nan, 1, 1); return err }, []string{"row 0, column 5"}},
		{"Generate constant target", func() error { _, err := Generate(ctx, loss, constMaps(1, 16, 16, 3), GenerateConfig{}); return err }, []string{"constant"}},
		{"NewSynthLoss histogram of a constant target", func() error {
			_, err := NewSynthLoss(eng, "s", op, constMaps(1, 16, 16, 3), GenerateConfig{HistWeight: 1})
			return err
		}, []string{"histogram", "std"}},
		{"NewSynthLoss PS of a single-mode target", func() error {
			_, err := NewSynthLoss(eng, "s", op, wave, GenerateConfig{PSWeight: 1})
			return err
		}, []string{"power-spectrum target", "its log is not finite"}},
		{"NewTarget NaN maps", func() error { _, err := NewTarget("s", eng, op, nan, WeightMean); return err }, []string{"non-finite"}},
		{"NewTarget std weights of one map", func() error { _, err := NewTarget("s", eng, op, good, WeightStd); return err }, []string{"at least 2"}},
		{"NewTarget std weights of identical maps", func() error { _, err := NewTarget("s", eng, op, twins, WeightStd); return err }, []string{"no coefficient varies"}},
		{"NewPowerSpectrumTerm 1×16", func() error { _, err := NewPowerSpectrumTerm(eng, biMaps(1, 1, 16, 0), 1); return err }, []string{"no half-octave bin"}},
		{"NewPowerSpectrumTerm 2×2", func() error { _, err := NewPowerSpectrumTerm(eng, biMaps(1, 2, 2, 0), 1); return err }, []string{"no half-octave bin"}},
		{"Loss.Eval nil maps", func() error { _, _, _, err := loss.Eval(nil); return err }, []string{"nil"}},
		{"Loss.Eval nil engine", func() error { _, _, _, err := (&Loss{Terms: loss.Terms}).Eval(good); return err }, []string{"engine"}},
		{"Loss.Eval weights of another length", func() error {
			l := &Loss{Engine: eng, Terms: []*Term{{Name: "x", Op: op, Target: loss.Terms[0].Target, Weight: []float64{1}}}}
			_, _, _, err := l.Eval(good)
			return err
		}, []string{"1 weights for"}},
	} {
		refusedInput(t, c.name, c.f, c.want...)
	}
	if NewPSOp(1, 16).Labels().Len() != 0 {
		t.Error("NewPSOp(1, 16) has coefficients")
	}
}

// TestStdWeightsMaskRoundingSigma: a coefficient that the target maps share
// up to rounding (the mean of maps normalised to zero mean) is masked, not
// weighted by 1/σ² of a rounding error (before the fix it got a weight
// ~1e30, which drowned the other coefficients).
func TestStdWeightsMaskRoundingSigma(t *testing.T) {
	eng := cpu.New()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	x := biMaps(3, 16, 16, 0)
	for b := 0; b < 3; b++ {
		m := x.Map(b)
		for i := range m {
			m[i] += 0.2 * math.Sin(float64(i*(b+2))*0.91)
		}
		mu, _, _, _ := Moments(m)
		for i := range m {
			m[i] -= mu
		}
	}
	term, err := NewTarget("s", eng, op, x, WeightStd)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for i, w := range term.Weight {
		if op.Labels().Class[i] == "mean" && w != 0 {
			t.Errorf("coefficient %d (%s): weight %g, want 0 (σ is rounding)", i, op.Labels().String(i), w)
		}
		if w > 0 {
			kept++
		}
	}
	if kept != len(term.Weight)-1 {
		t.Errorf("%d of %d coefficients kept, want all but the mean", kept, len(term.Weight))
	}
}

// TestMinimizeCancelledBeforeStart: a context cancelled before Minimize runs
// no iteration and returns the starting maps with ctx.Err() (before the fix
// it ran one L-BFGS iteration, four evaluations, and returned moved maps).
func TestMinimizeCancelledBeforeStart(t *testing.T) {
	eng := cpu.New()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := NewSynthLoss(eng, "s", op, biMaps(1, 16, 16, 0), GenerateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x0 := biMaps(1, 16, 16, 1)
	r, err := Minimize(ctx, loss, x0, SynthConfig{Steps: 5})
	if !errors.Is(err, context.Canceled) || r == nil {
		t.Fatalf("got %v, %v; want a result and context.Canceled", r, err)
	}
	if r.Iters != 0 || r.Evals != 1 || !slices.Equal(r.Maps.Data, x0.Data) || r.Loss != r.InitialLoss {
		t.Errorf("iterations %d, evaluations %d, maps moved %v, loss %g (initial %g): want 0, 1, false, equal",
			r.Iters, r.Evals, !slices.Equal(r.Maps.Data, x0.Data), r.Loss, r.InitialLoss)
	}
}

// TestBadInputSeparation: separation inputs that cannot give a meaningful
// run are input errors (before the fixes: 300 iterations for negative steps,
// a silent no-op when the samples do not vary, a run with crossed bounds,
// panics, errors that did not match ErrModelInput).
func TestBadInputSeparation(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16, true)
	if err != nil {
		t.Fatal(err)
	}
	d, cont := biMaps(1, 16, 16, 0), biMaps(4, 16, 16, 1)
	p := &SeparationProblem{Data: d, Contaminant: cont, Stats: ss}
	stages := []SepStage{{Terms: []string{TermData}, Steps: 1}}
	run := func(p *SeparationProblem, o SeparationOptions) error {
		if o.Stages == nil {
			o.Stages = stages
		}
		_, err := RunSeparation(ctx, eng, p, o)
		return err
	}
	huge := biMaps(1, 16, 16, 0)
	for i := range huge.Data {
		huge.Data[i] *= 1e30
	}
	same := stlayer.NewMaps(3, 16, 16)
	for b := 0; b < 3; b++ {
		copy(same.Map(b), cont.Map(0))
	}
	nk := ss.Auto.Labels().Len()
	setup, err := BuildSeparation(eng, p, SeparationOptions{Stages: stages})
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Loss.Terms[0].Update(d, rand.New(rand.NewPCG(1, 2)), 0); err != nil {
		t.Fatal(err)
	}
	evalWith := func(mod func(l *SepLoss)) error {
		l := *setup.Loss
		mod(&l)
		_, _, _, err := l.Eval(d)
		return err
	}
	for _, c := range []struct {
		name string
		f    func() error
		want []string
	}{
		{"negative stage steps", func() error {
			return run(p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: -1}}})
		}, []string{"-1 steps"}},
		{"Separate negative steps", func() error {
			_, _, err := Separate(ctx, setup.Loss, d, []Stage{{Terms: []int{0}, Steps: -2}}, 1, SepConfig{})
			return err
		}, []string{"-2 steps"}},
		{"Separate nil loss", func() error { _, _, err := Separate(ctx, nil, d, nil, 1, SepConfig{}); return err }, []string{"nil"}},
		{"Separate nil start", func() error { _, _, err := Separate(ctx, setup.Loss, nil, nil, 1, SepConfig{}); return err }, []string{"nil"}},
		{"batch of 1", func() error { return run(p, SeparationOptions{Batch: 1}) }, []string{"at least 2"}},
		{"frozen mask length", func() error { return run(p, SeparationOptions{Frozen: []bool{true}}) }, []string{"frozen mask has 1 pixels"}},
		{"lower bound above upper", func() error {
			return run(p, SeparationOptions{BoxLo: constMaps(1, 16, 16, 1), BoxHi: constMaps(1, 16, 16, -1)})
		}, []string{"above the upper bound", "row 0, column 0"}},
		{"default box weight of a constant map", func() error {
			return run(&SeparationProblem{Data: constMaps(1, 16, 16, 2), Contaminant: cont, Stats: ss}, SeparationOptions{BoxLo: constMaps(1, 16, 16, 0)})
		}, []string{"give BoxWeight"}},
		{"identical contaminant samples", func() error {
			return run(&SeparationProblem{Data: d, Contaminant: same, Stats: ss}, SeparationOptions{})
		}, []string{"no coefficient varies"}},
		{"samples negligible next to the data", func() error {
			return run(&SeparationProblem{Data: huge, Contaminant: cont, Stats: ss}, SeparationOptions{})
		}, []string{"no coefficient varies"}},
		{"prior of zero stds", func() error {
			return (&SeparationProblem{Data: d, Priors: []SepPrior{{Op: ss.Auto, Weight: 1, Mean: make([]complex128, nk), Std: make([]float64, nk)}}}).Validate()
		}, []string{"every std is 0"}},
		{"SepLoss.Eval long frozen mask", func() error {
			return evalWith(func(l *SepLoss) { l.Frozen = make([]bool, 1000) })
		}, []string{"frozen mask has 1000 pixels"}},
		{"SepLoss.Eval short bound", func() error {
			return evalWith(func(l *SepLoss) { l.BoxLo = constMaps(1, 2, 2, 0) })
		}, []string{"lower box bound"}},
		{"SepLoss.Eval nil engine", func() error { return evalWith(func(l *SepLoss) { l.Engine = nil }) }, []string{"engine"}},
		{"StatsOf nil statistic", func() error { _, _, err := StatsOf(eng, nil, d); return err }, []string{"nil"}},
	} {
		refusedInput(t, c.name, c.f, c.want...)
	}
}

// TestStdWeightsNonFiniteSigma: a NaN or infinite σ masks its own
// coefficient only (before the fix it made max σ non-finite and masked
// every coefficient).
func TestStdWeightsNonFiniteSigma(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		w := StdWeights(nil, []float64{1, bad, 2}, 1e-9, nil)
		if want := []float64{0.5, 0, 0.125}; !slices.Equal(w, want) {
			t.Errorf("σ = {1, %v, 2}: weights %v, want %v", bad, w, want)
		}
	}
	w := StdWeights([]complex128{1, complex(math.NaN(), 0), 1}, []float64{1, 1, 2}, 1e-9, nil)
	if want := []float64{0.5, 0, 0.125}; !slices.Equal(w, want) {
		t.Errorf("NaN mean: weights %v, want %v", w, want)
	}
}

// TestRunSeparationCancelledBeforeStart: a cancelled context returns s̃ = d
// (the starting point), no epoch and ctx.Err() (before the fix the first
// epoch drew samples and ran an L-BFGS iteration).
func TestRunSeparationCancelledBeforeStart(t *testing.T) {
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16, true)
	if err != nil {
		t.Fatal(err)
	}
	d := biMaps(1, 16, 16, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := RunSeparation(ctx, cpu.New(), &SeparationProblem{Data: d, Contaminant: biMaps(4, 16, 16, 1), Stats: ss},
		SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 3}}})
	if !errors.Is(err, context.Canceled) || r == nil {
		t.Fatalf("got %v, %v; want a result and context.Canceled", r, err)
	}
	if len(r.Epochs) != 0 || !slices.Equal(r.S.Data, d.Data) {
		t.Errorf("%d epochs, s̃ = d: %v; want 0 epochs and s̃ = d", len(r.Epochs), slices.Equal(r.S.Data, d.Data))
	}
}

// TestFrozenPixelsKeepDataWithStart: frozen pixels keep the data's value
// when a Start map is given (before the fix they kept the start's value,
// e.g. the Wiener filter's, although the option says the data's).
func TestFrozenPixelsKeepDataWithStart(t *testing.T) {
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 16, 16, true)
	if err != nil {
		t.Fatal(err)
	}
	d := biMaps(1, 16, 16, 0)
	frozen := make([]bool, 16*16)
	for _, i := range []int{0, 17, 100, 255} {
		frozen[i] = true
	}
	r, err := RunSeparation(context.Background(), cpu.New(), &SeparationProblem{Data: d, Contaminant: biMaps(4, 16, 16, 1), Stats: ss},
		SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 3}}, Frozen: frozen, Start: constMaps(1, 16, 16, 0.5)})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frozen {
		if f && r.S.Data[i] != d.Data[i] {
			t.Errorf("frozen pixel %d: s̃ %g, data %g", i, r.S.Data[i], d.Data[i])
		}
	}
}

// TestBadInputReports: the report writers and metrics give input errors for
// unusable maps and write valid JSON and plots for degenerate but legal ones
// (before the fixes: "json: unsupported value: NaN" after the plots were
// written, panics of the log-scale plots, a second separated map silently
// ignored).
func TestBadInputReports(t *testing.T) {
	dir := t.TempDir()
	good := biMaps(2, 16, 16, 0)
	// Power in a single Fourier mode (plus a small row pattern): most
	// spectrum bins of the target are empty.
	wave := stlayer.NewMaps(1, 16, 16)
	for i := range wave.Data {
		wave.Data[i] = math.Cos(2*math.Pi*3*float64(i%16)/16) + 0.1*float64(i/16%2)
	}
	readJSON := func(name string) map[string]any {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name, "metrics.json"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	noErr := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := WriteSynthReport(filepath.Join(dir, "wave"), wave, good, &Result{History: []float64{0, 0}})
	noErr("synthesis report of a single-mode target with a zero loss", err)
	if err == nil {
		if r := readJSON("wave")["ps_ratio"].([]any); !slices.Contains(r, any(-1.0)) {
			t.Errorf("ps_ratio %v: want −1 in the bins without target power", r)
		}
	}
	_, err = WriteSynthReport(filepath.Join(dir, "thin"), biMaps(2, 1, 16, 0), biMaps(1, 1, 16, 1), nil)
	noErr("synthesis report of 1×16 maps (no spectrum bin)", err)
	d, s := biMaps(1, 16, 16, 0), biMaps(1, 16, 16, 1)
	_, err = WriteSeparationReport(filepath.Join(dir, "zero"), d, nil, constMaps(1, 16, 16, 0), biMaps(3, 16, 16, 2), s, nil)
	noErr("separation report of s̃ = 0", err)
	if err == nil {
		if m := readJSON("zero"); m["r_min"] != -1.0 {
			t.Errorf("s̃ = 0: r_min %v, want −1 (r undefined)", m["r_min"])
		}
	}
	_, err = WriteSeparationReport(filepath.Join(dir, "flat"), d, nil, s, nil, constMaps(1, 16, 16, 1), nil)
	noErr("separation report against a constant truth", err)
	// A truth 1000× weaker than the contaminant: no bin qualifies for either
	// criterion; the summary says so (no bins, r_min −1, targets not met).
	weak := biMaps(1, 16, 16, 1)
	mix := biMaps(1, 16, 16, 5)
	for i := range weak.Data {
		weak.Data[i] *= 1e-3
		mix.Data[i] += weak.Data[i]
	}
	_, err = WriteSeparationReport(filepath.Join(dir, "weak"), mix, nil, weak, biMaps(3, 16, 16, 2), weak, nil)
	noErr("separation report of a truth far below the contaminant", err)
	if err == nil {
		m := readJSON("weak")
		if _, ok := m["bins_contaminant_le_signal"]; ok || m["r_min"] != -1.0 || m["r_target_met"] != false || m["ps_target_met"] != false {
			t.Errorf("no qualifying bin: bins %v, r_min %v, targets %v %v", m["bins_contaminant_le_signal"], m["r_min"], m["r_target_met"], m["ps_target_met"])
		}
	}
	est := &ModelSepResult{Components: stlayer.NewMaps(2, 16, 16)}
	copy(est.Components.Map(1), d.Data)
	m, err := EvaluateModelSeparation(est.Components, biMaps(2, 16, 16, 3), []string{"a", "b"})
	noErr("model separation metrics of a constant estimate", err)
	rep := &ModelSepReport{Components: []string{"a", "b"}, Metrics: m}
	noErr("model separation report of a constant estimate", WriteModelSepReport(filepath.Join(dir, "new", "models"), d, est, biMaps(2, 16, 16, 3), rep))
	if _, ok := PSNullCompare(biMaps(6, 1, 16, 0), 2, 3, 1); ok {
		t.Error("PSNullCompare of 1×16 patches: ok")
	}
	for _, c := range []struct {
		name string
		f    func() error
		want []string
	}{
		{"synthesis report of a constant target", func() error {
			_, err := WriteSynthReport(filepath.Join(dir, "c"), constMaps(1, 16, 16, 1), good, nil)
			return err
		}, []string{"constant"}},
		{"synthesis report of overflowing maps", func() error {
			x := biMaps(2, 16, 16, 0)
			for i := range x.Data {
				x.Data[i] *= 1e300
			}
			_, err := WriteSynthReport(filepath.Join(dir, "o"), x, x, nil)
			return err
		}, []string{"overflows"}},
		{"synthesis report with one reference map", func() error {
			_, err := WriteSynthReportWith(filepath.Join(dir, "r"), good, good, nil, ValidateOptions{Reference: d}, nil)
			return err
		}, []string{"≥ 2 maps"}},
		{"two separated maps", func() error { _, err := EvaluateSeparation(d, good, nil, nil); return err }, []string{"got 1, 2"}},
		{"separated map of another size", func() error { _, err := EvaluateSeparation(d, biMaps(1, 8, 8, 0), nil, nil); return err }, []string{"8×8"}},
		{"PlotMaps nil", func() error { return PlotMaps(filepath.Join(dir, "p.png"), nil, good) }, []string{"nil"}},
		{"model report without result", func() error { return WriteModelSepReport(dir, d, nil, nil, rep) }, []string{"nil"}},
		{"model report with one name", func() error {
			return WriteModelSepReport(dir, d, est, nil, &ModelSepReport{Components: []string{"a"}})
		}, []string{"1 component names for 2"}},
		{"model report with metrics and no truth", func() error { return WriteModelSepReport(dir, d, est, nil, rep) }, []string{"no truths"}},
	} {
		refusedInput(t, c.name, c.f, c.want...)
	}
}

// TestBadInputModels: per-component model files, options and component
// models that cannot give a meaningful run are input errors (before the
// fixes: NaN members loaded and used, an unknown window silently dropped,
// weights zeroed by a NaN floor, panics, ErrNonFinite after the first
// evaluation).
func TestBadInputModels(t *testing.T) {
	fx := tinyRun(t)
	eng := cpu.New()
	ctx := context.Background()
	dir := t.TempDir()
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	so := SampleOptions{SynthConfig: SynthConfig{Steps: 1}}
	data := stlayer.NewMaps(1, p, p)
	copy(data.Data, fx.features.Patches.Patch(0))
	comps := []SepComponent{{Name: "a", Model: ms.Components[0]}, {Name: "b", Model: ms.Components[1]}}
	mo := ModelSepOptions{AmpSteps: -1, Steps: 1}
	sepWith := func(mod func(o *ModelSepOptions, c []SepComponent)) error {
		o := mo
		c := slices.Clone(comps)
		mod(&o, c)
		_, err := SeparateWithModels(ctx, eng, ms, data, c, o)
		return err
	}
	withModel := func(mod func(c *ComponentModel)) *ComponentModel {
		c := *ms.Components[0]
		c.CoeffMean, c.PS = slices.Clone(c.CoeffMean), slices.Clone(c.PS)
		mod(&c)
		return &c
	}
	// copies of the model folder with one member or manifest field edited
	editNPZ := func(name string, v float64) string {
		d2 := t.TempDir()
		for _, f := range []string{ModelManifestFile, "component_1.npz"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			os.WriteFile(filepath.Join(d2, f), b, 0o644)
		}
		arrs, err := datasets.ReadNPZ(filepath.Join(dir, "component_0.npz"))
		if err != nil {
			t.Fatal(err)
		}
		var out []datasets.NamedArray
		for _, a := range arrs {
			if a.Name == name {
				a.Array.Float64[0] = v
			}
			out = append(out, datasets.NamedArray{Name: a.Name, Array: a.Array})
		}
		if err := datasets.WriteNPZ(filepath.Join(d2, "component_0.npz"), out, false); err != nil {
			t.Fatal(err)
		}
		return d2
	}
	editManifest := func(key string, v any) string {
		d2 := t.TempDir()
		for _, f := range []string{"component_0.npz", "component_1.npz"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			os.WriteFile(filepath.Join(d2, f), b, 0o644)
		}
		b, _ := os.ReadFile(filepath.Join(dir, ModelManifestFile))
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		m[key] = v
		b, _ = json.Marshal(m)
		os.WriteFile(filepath.Join(d2, ModelManifestFile), b, 0o644)
		return d2
	}
	load := func(d string) error { _, err := LoadModels(d); return err }
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.Meta.FeatureStd = slices.Clone(tr.Meta.FeatureStd)
	tr.Meta.FeatureStd[2] = 0
	for _, c := range []struct {
		name string
		f    func() error
		want []string
	}{
		{"sample with a NaN std floor", func() error {
			o := so
			o.StdFloor = math.NaN()
			_, err := SampleComponent(ctx, eng, ms, 0, o)
			return err
		}, []string{"std floor NaN"}},
		{"sample with an infinite PS weight", func() error {
			o := so
			o.PSWeight = math.Inf(1)
			_, err := SampleComponent(ctx, eng, ms, 0, o)
			return err
		}, []string{"power-spectrum weight +Inf"}},
		{"sample with an unknown draw", func() error { o := so; o.Draw = 9; _, err := SampleComponent(ctx, eng, ms, 0, o); return err }, []string{"draw mode 9"}},
		{"sample a component of constant patches", func() error {
			c := *ms.Components[0]
			c.PS, c.PixelMoments = make([]float64, len(c.PS)), [4]float64{3, 0, 0, 0}
			flat := &ModelSet{Dir: ms.Dir, Manifest: ms.Manifest, Components: []*ComponentModel{&c}}
			_, err := SampleComponent(ctx, eng, flat, 0, so)
			return err
		}, []string{"component 0", "constant"}},
		{"separate with a NaN weight", func() error {
			return sepWith(func(o *ModelSepOptions, _ []SepComponent) { o.Weights = []float64{math.NaN(), 1} })
		}, []string{"weight NaN"}},
		{"separate with a negative weight", func() error {
			return sepWith(func(o *ModelSepOptions, _ []SepComponent) { o.Weights = []float64{-1, 1} })
		}, []string{"weight -1"}},
		{"separate with a NaN std floor", func() error {
			return sepWith(func(o *ModelSepOptions, _ []SepComponent) { o.StdFloor = math.NaN() })
		}, []string{"std floor NaN"}},
		{"separate with a NaN Tau", func() error { return sepWith(func(o *ModelSepOptions, _ []SepComponent) { o.Tau = math.NaN() }) }, []string{"Tau NaN"}},
		{"separate with a NaN model mean", func() error {
			return sepWith(func(_ *ModelSepOptions, c []SepComponent) {
				c[0].Model = withModel(func(m *ComponentModel) { m.CoeffMean[3] = complex(math.NaN(), 0) })
			})
		}, []string{"coefficient 3"}},
		{"separate with a short model spectrum", func() error {
			return sepWith(func(_ *ModelSepOptions, c []SepComponent) {
				c[0].Model = withModel(func(m *ComponentModel) { m.PS = m.PS[:2] })
			})
		}, []string{"spectrum of 2 bins"}},
		{"positivity of a constant map", func() error {
			o := mo
			o.Positive = []bool{true, false}
			_, err := SeparateWithModels(ctx, eng, ms, constMaps(1, p, p, 1), comps, o)
			return err
		}, []string{"give BoxWeight"}},
		{"StatChi without a component", func() error { _, _, err := StatChi(eng, ms, nil, data); return err }, []string{"no component model"}},
		{"StatChi of tiles of another size", func() error {
			_, _, err := StatChi(eng, ms, ms.Components[0], biMaps(1, 16, 16, 0))
			return err
		}, []string{"16×16"}},
		{"SampleReport of a missing component", func() error {
			_, err := SampleReport(t.TempDir(), eng, ms, 9, &SampleResult{Maps: data}, biMaps(3, p, p, 0), nil)
			return err
		}, []string{"component 9"}},
		{"load NaN samples", func() error { return load(editNPZ("samples", math.NaN())) }, []string{`"samples" holds NaN`}},
		{"load a negative patch index", func() error { return load(editNPZ("patch_index", -4)) }, []string{`"patch_index" holds -4`}},
		{"load an unknown window", func() error { return load(editManifest("window", "hann")) }, []string{`window "hann"`}},
		{"load other spectrum bins", func() error { return load(editManifest("ps_bin_edges", []float64{1, 2, 4})) }, []string{"ps_bin_edges has 3 entries"}},
		{"write more components than clusters", func() error {
			return (&ModelSet{Manifest: ms.Manifest, Components: append(slices.Clone(ms.Components), ms.Components[0])}).Write(t.TempDir())
		}, []string{"3 components for 2 clusters"}},
		{"write a short mean", func() error {
			c := *ms.Components[0]
			c.Mean = c.Mean[:3]
			return (&ModelSet{Manifest: ms.Manifest, Components: []*ComponentModel{&c, ms.Components[1]}}).Write(t.TempDir())
		}, []string{"3 means"}},
		{"write without a manifest", func() error { return (&ModelSet{}).Write(t.TempDir()) }, []string{"nil"}},
		{"export with a zero metadata std", func() error {
			_, err := exportFrom(tr, fx.features, fx.dataset, t.TempDir(), ExportOptions{Samples: 4})
			return err
		}, []string{"feature 2", "std 0"}},
	} {
		refusedInput(t, c.name, c.f, c.want...)
	}
	if x := ms.Components[0].Chi2(make([]complex128, ms.Manifest.NCoeffs+5), nil); !math.IsNaN(x) {
		t.Errorf("Chi2 of a vector of another length = %g, want NaN", x)
	}
}

// TestBadInputOps: the statistic builders of infer refuse what they cannot
// build with input errors (before: nil-pointer panics, a division by zero in
// IsoGroups, 17 "tiles" of size 0, errors that did not match
// ErrModelInput).
func TestBadInputOps(t *testing.T) {
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    func() error
		want []string
	}{
		{"NewSepStats J too large", func() error {
			_, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 5, L: 4}, 16, 16, true)
			return err
		}, []string{"J"}},
		{"NewSepStats odd size", func() error {
			_, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 17, 16, true)
			return err
		}, []string{"17"}},
		{"NewSepStats wst", func() error { _, err := NewSepStats(stats.Spec{Kind: stats.WST, J: 2, L: 4}, 16, 16, true); return err }, []string{"wst"}},
		{"NewReducedOp nil base", func() error { _, err := NewReducedOp(nil, [][]int{{0}}, nil, "x"); return err }, []string{"nil"}},
		{"NewReducedOp out of range", func() error { _, err := NewReducedOp(op, [][]int{{1 << 20}}, nil, "x"); return err }, []string{"out of range"}},
		{"NewReducedOp of IsoGroups with L = 0", func() error {
			g, lb := IsoGroups(op.Labels(), 0, nil)
			_, err := NewReducedOp(op, g, lb, "iso")
			return err
		}, []string{"no coefficients"}},
		{"NewTileOp nil base", func() error { _, err := NewTileOp(nil, 16, 16, 8, 4, nil); return err }, []string{"nil"}},
		{"NewTileOp maps smaller than a tile", func() error { _, err := NewTileOp(op, 8, 8, 16, 4, nil); return err }, []string{"cannot hold"}},
		{"NewTileOp stride larger than a tile", func() error { _, err := NewTileOp(op, 40, 40, 16, 17, nil); return err }, []string{"stride 17", "≤ 16"}},
	} {
		refusedInput(t, c.name, c.f, c.want...)
	}
	if g, lb := IsoGroups(nil, 4, nil); g != nil || lb != nil {
		t.Errorf("IsoGroups(nil) = %v, %v", g, lb)
	}
	for _, p := range []int{0, -4, 17} {
		if o := TileOrigins(16, p, 0); o != nil {
			t.Errorf("TileOrigins(16, %d, 0) = %v, want none", p, o)
		}
	}
}

// TestMinimizeFarFromUnitScale: maps of 1e30 (or 1e−20) are synthesised like
// maps of unit scale (before the fix L-BFGS's unit-length first step could
// not move pixels of 1e30: 0 iterations, the starting maps and no error),
// and the reported loss is that of the returned maps.
func TestMinimizeFarFromUnitScale(t *testing.T) {
	eng := cpu.New()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{1e30, 1e-20} {
		x := biMaps(1, 16, 16, 0)
		for i := range x.Data {
			x.Data[i] *= scale
		}
		cfg, err := Preset(PresetCheng, 1, 3)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Steps = 5
		loss, err := NewSynthLoss(eng, "s", op, x, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Generate(context.Background(), loss, x, cfg)
		if err != nil {
			t.Fatalf("scale %g: %v", scale, err)
		}
		if r.Iters != 5 || !(r.Loss < 0.8*r.InitialLoss) {
			t.Errorf("scale %g: %d iterations, loss %.3g → %.3g (status %s); want 5 and a lower loss", scale, r.Iters, r.InitialLoss, r.Loss, r.Status)
		}
		if f, _, _, err := loss.Eval(r.Maps); err != nil || f != r.Loss {
			t.Errorf("scale %g: loss of the returned maps %g (%v), reported %g", scale, f, err, r.Loss)
		}
	}
}

// TestSeparateHugeEpochs: a stage of 2 steps in 10^15 epochs runs its 2
// steps as 2 epochs at once (before the fix Separate looped over 10^15
// empty epochs: a hang).
func TestSeparateHugeEpochs(t *testing.T) {
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 16, 16, false)
	if err != nil {
		t.Fatal(err)
	}
	p := &SeparationProblem{Data: biMaps(1, 16, 16, 0), Contaminant: biMaps(3, 16, 16, 1), Stats: ss}
	type out struct {
		r   *SeparationResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		r, err := RunSeparation(context.Background(), cpu.New(), p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 2, Epochs: 1e15}}})
		done <- out{r, err}
	}()
	select {
	case o := <-done:
		if o.err != nil || len(o.r.Epochs) != 2 {
			t.Errorf("got %v; want 2 epochs of 1 step", o.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no answer in 20 s (looping over empty epochs?)")
	}
}

// TestBadInputParsersAndNames: the option parsers' errors match
// ErrModelInput; the names of values that are no enum member do not pass for
// a member (DataForm(7) printed "br", DrawMode(9) "decoded"); Minkowski
// functionals at undefined thresholds are NaN (NaN σ gave V0 = 0, V1 = 0 and
// V2 = 0).
func TestBadInputParsersAndNames(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func() error
		want string
	}{
		{"ParseDrawMode", func() error { _, err := ParseDrawMode("median"); return err }, "median"},
		{"ParseSepWeights", func() error { _, err := ParseSepWeights("data=-1"); return err }, "data=-1"},
		{"ParseSepSteps", func() error { _, err := ParseSepSteps("10,20,0"); return err }, "EPOCHS ≥ 1"},
		// Two counts near MaxInt overflowed their sum past the "no step" check.
		{"ParseSepSteps overflow", func() error { _, err := ParseSepSteps("9223372036854775807,1"); return err }, "more than 1000000"},
		{"ParseSepSteps epochs", func() error { _, err := ParseSepSteps("10,20,1000001"); return err }, "more than"},
	} {
		refusedInput(t, c.name, c.f, c.want)
	}
	if s := DataForm(7).String(); s != "DataForm(7)" {
		t.Errorf("DataForm(7).String() = %q", s)
	}
	if s := DrawMode(9).String(); s != "DrawMode(9)" {
		t.Errorf("DrawMode(9).String() = %q", s)
	}
	if FormBR.String() != "br" || FormJMD.String() != "jmd" || DrawDecoded.String() != "decoded" {
		t.Error("names of the enum members changed")
	}
	x := biMaps(1, 8, 8, 0).Data
	withNaN := slices.Clone(x)
	withNaN[9] = math.NaN()
	for _, c := range []struct {
		name      string
		x         []float64
		mu, sigma float64
	}{{"NaN σ", x, 0, math.NaN()}, {"infinite μ", x, math.Inf(1), 1}, {"NaN pixel", withNaN, 0, 1}} {
		mf := MinkowskiFunctionals(c.x, 8, 8, c.mu, c.sigma, []float64{0, 1})
		for i := range mf.Nu {
			if !math.IsNaN(mf.V0[i]) || !math.IsNaN(mf.V1[i]) || !math.IsNaN(mf.V2[i]) {
				t.Errorf("%s: functionals %v %v %v at ν = %v, want NaN", c.name, mf.V0[i], mf.V1[i], mf.V2[i], mf.Nu[i])
			}
		}
	}
}

// TestBadInputStatisticOtherSize: maps of another size than the statistic
// was built for are input errors (ErrModelInput) at every entry point that
// evaluates a statistic on caller maps; they gave the engine's bare shape
// error, which the CLI reported as a failure (exit 1), not bad input.
func TestBadInputStatisticOtherSize(t *testing.T) {
	sp := stats.Spec{Kind: stats.WPH, L: 4, Iso: true}.WithDefaults(32, 32)
	ss, err := NewSepStats(sp, 32, 32, true)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	big := biMaps(2, 64, 64, 3)
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"StatsOf", func() error { _, _, err := StatsOf(eng, ss.Auto, big); return err }},
		{"NewTarget", func() error { _, err := NewTarget("t", eng, ss.Auto, big, WeightStd); return err }},
		{"NewSynthLoss", func() error { _, err := NewSynthLoss(eng, "t", ss.Auto, big, GenerateConfig{}); return err }},
		{"Loss.Eval", func() error {
			small := biMaps(2, 32, 32, 4)
			l, err := NewSynthLoss(eng, "t", ss.Auto, small, GenerateConfig{})
			if err != nil {
				t.Fatal(err)
			}
			_, _, _, err = l.Eval(big)
			return err
		}},
	} {
		refusedInput(t, c.name, c.f, "32x32")
	}
}
