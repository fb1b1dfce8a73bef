package infer

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestParseSepStepsStages pins ParseSepSteps' doc: S1,S2[,EPOCHS] gives
// DefaultSepStages(S1, S2, EPOCHS), EPOCHS 4 by default, a zero S1 or S2
// dropping its stage (S2 = 0 was undocumented).
func TestParseSepStepsStages(t *testing.T) {
	full := []string{TermData, TermContaminant, TermIndependence, TermTemplate, TermPrior}
	for _, c := range []struct {
		in   string
		want []SepStage
	}{
		{"30,100", []SepStage{{Terms: []string{TermData}, PSOnly: true, Steps: 30, Epochs: 1}, {Terms: full, Steps: 100, Epochs: 4}}},
		{"5, 7, 2", []SepStage{{Terms: []string{TermData}, PSOnly: true, Steps: 5, Epochs: 1}, {Terms: full, Steps: 7, Epochs: 2}}},
		{"0,50", []SepStage{{Terms: full, Steps: 50, Epochs: 4}}},
		{"12,0", []SepStage{{Terms: []string{TermData}, PSOnly: true, Steps: 12, Epochs: 1}}},
	} {
		got, err := ParseSepSteps(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		eq := slices.EqualFunc(got, c.want, func(a, b SepStage) bool {
			return slices.Equal(a.Terms, b.Terms) && a.PSOnly == b.PSOnly && a.Steps == b.Steps && a.Epochs == b.Epochs
		})
		if !eq {
			t.Errorf("%q: %+v, want %+v", c.in, got, c.want)
		}
	}
	if d := DefaultSepStages(30, 100, 4); len(d) != 2 || d[0].Steps != 30 || d[1].Epochs != 4 {
		t.Errorf("DefaultSepStages(30, 100, 4) = %+v", d)
	}
}

// TestSeparationOptionsZeroDefaults pins "zero values take the defaults
// stated per field" of SeparationOptions through SeparationSetup.Options
// and the batch: weights DefaultSepWeights, stages DefaultSepStages(10,
// 50, 4), StdFloor 1e-9, Form FormJMD, Batch min(pool, 20) for JMD without
// a template term and min(pool, 10) with one or with BR; the default box
// weight 1e3/var(d).
func TestSeparationOptionsZeroDefaults(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	var cs [][]float64
	for i := 0; i < 25; i++ {
		cs = append(cs, field(t, 32, -1, 0.2, uint64(10+i), 0.5, 0))
	}
	p.Contaminant = mapsOf(32, cs...)
	build := func(p *SeparationProblem, o SeparationOptions) *SeparationSetup {
		st, err := BuildSeparation(eng, p, o)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := build(p, SeparationOptions{})
	o := st.Options
	if o.Weights != DefaultSepWeights() || o.StdFloor != 1e-9 || o.Form != FormJMD || o.History != 0 {
		t.Errorf("filled options: weights %+v, floor %g, form %v, history %d", o.Weights, o.StdFloor, o.Form, o.History)
	}
	def := DefaultSepStages(10, 50, 4)
	if len(o.Stages) != 2 || o.Stages[0].Steps != def[0].Steps || o.Stages[1].Steps != def[1].Steps || o.Stages[1].Epochs != 4 || !o.Stages[0].PSOnly {
		t.Errorf("stages %+v, want %+v", o.Stages, def)
	}
	// a template with weight 1 (default): batch 10 of the pool of 25
	if st.Batch != 10 || st.Pool != 25 || st.RequestedBatch != 0 {
		t.Errorf("JMD with a template: batch %d of %d (requested %d), want 10 of 25", st.Batch, st.Pool, st.RequestedBatch)
	}
	q := *p
	q.Template = nil
	if st := build(&q, SeparationOptions{}); st.Batch != 20 {
		t.Errorf("JMD without a template: batch %d, want 20", st.Batch)
	}
	if st := build(&q, SeparationOptions{Form: FormBR}); st.Batch != 10 {
		t.Errorf("BR: batch %d, want 10", st.Batch)
	}
	q.Contaminant = mapsOf(32, cs[:3]...)
	if st := build(&q, SeparationOptions{}); st.Batch != 3 {
		t.Errorf("JMD, pool of 3: batch %d, want 3", st.Batch)
	}
	if st := build(&q, SeparationOptions{Batch: 8}); st.Batch != 3 || st.RequestedBatch != 8 {
		t.Errorf("batch 8 of a pool of 3: batch %d, requested %d", st.Batch, st.RequestedBatch)
	}
	lo := stlayer.NewMaps(1, 32, 32)
	st = build(p, SeparationOptions{BoxLo: lo})
	_, sd, _, _ := Moments(p.Data.Data)
	if w := st.Loss.BoxWeight; math.Abs(w*sd*sd-1e3) > 1e-9 {
		t.Errorf("default box weight %g, want 1e3/var(d) = %g", w, 1e3/(sd*sd))
	}
}

// TestSepPriorMask pins SepPrior's doc: the term is Weight · the mean over
// the kept coefficients of |Φ_k − Mean_k|²/Std_k², a coefficient being kept
// when Std_k > StdFloor·(|Mean_k| + max Std) — not only when Std_k > 0 (the
// doc said "Std_k = 0 are masked").
func TestSepPriorMask(t *testing.T) {
	const m = 32
	op := NewBinnedPSOp(m, m, false)
	nk := op.Labels().Len()
	mean := make([]complex128, nk)
	std := make([]float64, nk)
	for k := range std {
		mean[k] = complex(1+float64(k), 0)
		std[k] = 0.5
	}
	std[1] = 0     // masked
	std[2] = 1e-12 // masked: ≤ 1e-9·(3 + 0.5)
	mean[3] = 1e6  // σ 0.5 > 1e-9·(1e6 + 0.5): kept
	d := gMaps(m, 3)
	p := &SeparationProblem{Data: d, Priors: []SepPrior{{Name: "p", Op: op, Component: 0, Mean: mean, Std: std, Weight: 2}}}
	st, err := BuildSeparation(cpu.New(), p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermPrior}, Steps: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	tm := st.Term("prior:p")
	if tm == nil {
		t.Fatal("no prior term")
	}
	kept := nk - 2
	for k, w := range tm.Weight {
		want := 1 / (float64(kept) * std[k] * std[k])
		if k == 1 || k == 2 {
			want = 0
		}
		if math.Abs(w-want) > 1e-12*want {
			t.Errorf("coefficient %d: weight %g, want %g", k, w, want)
		}
	}
	// The term's value at s̃ = d: 2 · mean over the kept k of |Φ_k(d) − Mean_k|²/σ_k².
	phi, _, err := StatsOf(cpu.New(), op, d)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for k := range phi {
		if k != 1 && k != 2 {
			e := phi[k] - mean[k]
			want += 2 * (real(e)*real(e) + imag(e)*imag(e)) / (std[k] * std[k]) / float64(kept)
		}
	}
	_, parts, _, err := st.Loss.Eval(d)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(parts[0]-want) > 1e-9*want {
		t.Errorf("prior term at d: %.10g, by hand %.10g", parts[0], want)
	}
}

// TestSepPriorValidate pins SeparationProblem.Validate's doc on priors: a
// negative mean is accepted (the doc listed "negative means" as an error);
// a negative std or weight, a non-finite mean, a component other than 0
// or 1, means of another length and all-zero stds with a positive weight
// are input errors; all-zero stds with weight 0 are accepted (the prior is
// off).
func TestSepPriorValidate(t *testing.T) {
	const m = 32
	op := NewBinnedPSOp(m, m, false)
	nk := op.Labels().Len()
	prior := func() SepPrior {
		mean, std := make([]complex128, nk), make([]float64, nk)
		for k := range std {
			mean[k], std[k] = complex(-1-float64(k), 0.5), 0.3
		}
		return SepPrior{Name: "p", Op: op, Mean: mean, Std: std, Weight: 1}
	}
	d := gMaps(m, 4)
	check := func(pr SepPrior) error { return (&SeparationProblem{Data: d, Priors: []SepPrior{pr}}).Validate() }
	if err := check(prior()); err != nil {
		t.Errorf("negative means: %v", err)
	}
	zero := prior()
	zero.Std, zero.Weight = make([]float64, nk), 0
	if err := check(zero); err != nil {
		t.Errorf("zero stds with weight 0: %v", err)
	}
	for _, c := range []struct {
		name string
		mod  func(p *SepPrior)
	}{
		{"negative std", func(p *SepPrior) { p.Std[2] = -0.1 }},
		{"negative weight", func(p *SepPrior) { p.Weight = -1 }},
		{"NaN mean", func(p *SepPrior) { p.Mean[0] = complex(math.NaN(), 0) }},
		{"component 2", func(p *SepPrior) { p.Component = 2 }},
		{"short means", func(p *SepPrior) { p.Mean = p.Mean[1:] }},
		{"zero stds", func(p *SepPrior) { p.Std = make([]float64, nk) }},
		{"no statistic", func(p *SepPrior) { p.Op = nil }},
	} {
		pr := prior()
		c.mod(&pr)
		if err := check(pr); !errors.Is(err, ErrModelInput) {
			t.Errorf("%s: %v, want an input error", c.name, err)
		}
	}
}
