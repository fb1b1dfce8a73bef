package infer

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stkit-org/stkit/stlayer"
)

// SeparationProblem is a single-map component separation d = s + c (+ n):
// the unknown is s̃, the component to recover; everything else is described
// by samples. It is what RunSeparation solves.
type SeparationProblem struct {
	// Data is the observed map d (one M×N map).
	Data *stlayer.Maps
	// Contaminant holds samples c_i of the contaminant (≥ 2 maps of d's
	// size), independent of s. May be nil when Noise is given.
	Contaminant *stlayer.Maps
	// Noise holds samples n_i of an additive noise (≥ 2 maps), independent of
	// s and c; optional. With both, the "residual" samples r = c + n are formed
	// by pairing a random contaminant with a random noise map (re-paired at
	// every epoch); with one, r is that sample.
	Noise *stlayer.Maps
	// Template is an ancillary map T correlated with s (one map; optional),
	// e.g. HI for dust: the template term keeps Φ(T, s̃ + r_i) ≈ Φ(T, d).
	Template *stlayer.Maps
	// Stats are the statistics matched (NewSepStats).
	Stats *SepStats
	// Priors are statistical models of the components given as target
	// statistics rather than samples (e.g. the per-component models learned
	// by the VAE): each adds the term TermPrior.
	Priors []SepPrior
}

// SepPrior is a model of one component's statistics: the term
//
//	Weight · mean_k over the kept coefficients of |Φ_k(x) − Mean_k|² / Std_k²
//
// with x = s̃ (Component 0) or x = d − s̃ (Component 1), Φ = Op (any
// statistic of M×N maps, e.g. the spec a model was trained with).
// Coefficients whose Std_k ≤ StdFloor·(|Mean_k| + max Std) are masked
// (StdWeights with SeparationOptions.StdFloor, default 1e-9: Std_k = 0,
// and stds that are rounding next to the coefficient's size). It joins the
// stages that list TermPrior.
type SepPrior struct {
	Name      string
	Op        StatOp
	Component int
	Mean      []complex128
	Std       []float64
	Weight    float64
}

// Validate checks sizes, sample counts and finiteness.
//
// Every error it returns matches ErrModelInput: a nil problem, maps that are
// nil, empty or whose Data length is not B·M·N, sizes or counts that disagree,
// statistics built for another map size (these also match stlayer.ErrSize),
// non-finite pixels (stlayer.ErrNonFinite), a PS mask of
// another length than the statistic, or a prior without a statistic, of a
// component other than 0 or 1, with means or stds of another length than
// its statistic, non-finite means, stds or weight, a negative std or
// weight (means may be negative), or a positive weight with stds that
// are all 0 (every coefficient would be masked: the term would be empty).
func (p *SeparationProblem) Validate() error {
	if p == nil {
		return inputErrorf("no separation problem (nil)")
	}
	d := p.Data
	if d == nil || d.B != 1 {
		return sizeInputErrorf("the data must be one map")
	}
	if err := checkMaps("data", d, 1); err != nil {
		return err
	}
	if err := asInput(p.validate()); err != nil {
		return err
	}
	return nil
}

func (p *SeparationProblem) validate() error {
	d := p.Data
	if (p.Contaminant != nil || p.Noise != nil) && (p.Stats == nil || p.Stats.Auto == nil) {
		return fmt.Errorf("no statistics given")
	}
	if p.Contaminant == nil && p.Noise == nil && len(p.Priors) == 0 {
		return fmt.Errorf("contaminant or noise samples (or component priors) are needed")
	}
	if err := checkPixels("data", d); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		x    *stlayer.Maps
		min  int
	}{{"contaminant samples", p.Contaminant, 2}, {"noise samples", p.Noise, 2}, {"template", p.Template, 1}} {
		if s.x == nil {
			continue
		}
		if err := checkMaps(s.name, s.x, 0); err != nil {
			return err
		}
		if s.x.M != d.M || s.x.N != d.N {
			return stlayer.WithKind(fmt.Errorf("%s are %d×%d maps, the data is %d×%d", s.name, s.x.M, s.x.N, d.M, d.N), stlayer.ErrSize)
		}
		if s.x.B < s.min {
			return stlayer.WithKind(fmt.Errorf("%s: %d map(s), need at least %d (the loss is whitened by the std over the samples)", s.name, s.x.B, s.min), stlayer.ErrSize)
		}
		if s.name == "template" && s.x.B != 1 {
			return stlayer.WithKind(fmt.Errorf("template: one map expected, got %d", s.x.B), stlayer.ErrSize)
		}
		if err := checkPixels(s.name, s.x); err != nil {
			return err
		}
	}
	if p.Template != nil && (p.Stats == nil || p.Stats.Cross == nil) {
		return fmt.Errorf("a template needs cross statistics")
	}
	if p.Stats != nil && p.Stats.M > 0 && (p.Stats.M != p.Data.M || p.Stats.N != p.Data.N) {
		return stlayer.WithKind(fmt.Errorf("statistics built for %d×%d maps, the data is %d×%d", p.Stats.M, p.Stats.N, p.Data.M, p.Data.N), stlayer.ErrSize)
	}
	if p.Stats != nil && p.Stats.Auto != nil && p.Stats.PS != nil {
		if n := p.Stats.Auto.Labels().Len(); len(p.Stats.PS) != n {
			return fmt.Errorf("statistics: the power-spectrum mask has %d entries for %d coefficients", len(p.Stats.PS), n)
		}
	}
	for i, pr := range p.Priors {
		if pr.Op == nil || pr.Component < 0 || pr.Component > 1 {
			return fmt.Errorf("prior %d (%s): needs a statistic and component 0 (s̃) or 1 (d − s̃)", i, pr.Name)
		}
		if n := pr.Op.Labels().Len(); len(pr.Mean) != n || len(pr.Std) != n {
			return fmt.Errorf("prior %d (%s): %d means and %d stds for a statistic of %d coefficients", i, pr.Name, len(pr.Mean), len(pr.Std), n)
		}
		if !(pr.Weight >= 0) || math.IsInf(pr.Weight, 0) {
			return fmt.Errorf("prior %d (%s): weight %v, want a finite value ≥ 0", i, pr.Name, pr.Weight)
		}
		varies := false
		for k, m := range pr.Mean {
			if s := pr.Std[k]; cmplx.IsNaN(m) || cmplx.IsInf(m) || !(s >= 0) || math.IsInf(s, 0) {
				return fmt.Errorf("prior %d (%s): coefficient %d has mean %v and std %v (want finite values, std ≥ 0)", i, pr.Name, k, m, s)
			}
			varies = varies || pr.Std[k] > 0
		}
		if !varies && pr.Weight > 0 {
			return fmt.Errorf("prior %d (%s): every std is 0 (coefficients with std 0 are masked: the term would be empty)", i, pr.Name)
		}
	}
	return nil
}

func finite(name string, x *stlayer.Maps) error {
	for i, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			mn := x.M * x.N
			return fmt.Errorf("%s: non-finite value %v (map %d, row %d, column %d)", name, v, i/mn, i%mn/x.N, i%x.N)
		}
	}
	return nil
}

// DataForm selects the form of the data term.
type DataForm int

const (
	// FormJMD is Delouis et al. 2022's bias-corrected form,
	// ‖(Φ(s̃) − Φ(d) + B)/σ‖² with B = ⟨Φ(s̃₀ + r_i)⟩_i − Φ(s̃₀) and σ as in
	// BR, both recomputed at the start of each epoch: one map per evaluation.
	// It is the zero value (the default, as in stkit separate): on the
	// separation benchmarks it beat BR at the same number of steps.
	FormJMD DataForm = iota
	// FormBR is Régaldo-Saint Blancard et al. 2021's data term,
	// ⟨‖(Φ(s̃ + r_i) − Φ(d))/σ‖²⟩_i over a batch of residual samples r_i, all
	// evaluated in one engine call (Batch maps per evaluation), with
	// σ_k = std_i Φ_k(s̃₀ + r_i) at the start of each epoch.
	FormBR
)

// String returns "br" or "jmd" ("DataForm(n)" for a value that is neither).
func (f DataForm) String() string {
	switch f {
	case FormJMD:
		return "jmd"
	case FormBR:
		return "br"
	}
	return fmt.Sprintf("DataForm(%d)", int(f))
}

// SepWeights are the weights of the loss terms. Every term is the mean over
// its kept coefficients of (ΔΦ_k/σ_k)² (StdWeights), so weights of order 1
// balance them; 0 switches a term off.
type SepWeights struct {
	// Data: Φ(s̃ + r_i) ≈ Φ(d) (or its JMD form).
	Data float64
	// Contaminant: Φ(d − s̃) ≈ ⟨Φ(r_i)⟩, σ = std_i Φ(r_i).
	Contaminant float64
	// Independence: Φ(s̃, d − s̃) ≈ ⟨Φ(s̃₀, r_i)⟩ with the cross moments (s̃₀
	// the estimate at the start of the epoch), σ = std_i Φ(s̃₀, r_i).
	Independence float64
	// Template: Φ(T, s̃ + r_i) ≈ Φ(T, d) with the cross moments,
	// σ = std_i Φ(T, s̃₀ + r_i).
	Template float64
}

// DefaultSepWeights returns data 1, template 1, contaminant 0 and
// independence 0. On the quality cases (256² dust + Quijote contaminant,
// dust + white noise; infer.BenchmarkSeparationQuality) adding the
// contaminant and independence terms (weight 1, or 0.1) kept the spectrum
// error the same but lowered r(k) between s̃ and s, by 0.02–0.1 per bin:
// matching the residual's statistics too pins the split of every band
// (in the Gaussian limit to r = P_s/P_d instead of √(P_s/P_d)), and they
// double to quadruple the cost of an evaluation. They remain available
// (e.g. when the data term alone is degenerate).
func DefaultSepWeights() SepWeights {
	return SepWeights{Data: 1, Template: 1}
}

// Term names used in SepStage.Terms and in progress reports.
const (
	TermData         = "data"
	TermContaminant  = "contaminant"
	TermIndependence = "independence"
	TermTemplate     = "template"
	TermPrior        = "prior"
)

// SepStage is one stage of RunSeparation.
type SepStage struct {
	// Terms active in the stage (TermData, …; TermPrior stands for every
	// prior); terms whose weight is 0 or that the problem cannot build (no
	// template, no cross statistic) are skipped.
	Terms []string
	// PSOnly restricts the auto-statistic terms to the power-spectrum-like
	// coefficients (SepStats.PS), as Auclair 2024's first stage ([S11, L]).
	PSOnly bool
	// Steps is the number of L-BFGS iterations of the stage, split over
	// Epochs (≥ 1) restarts; every epoch redraws the samples and recomputes
	// σ, the JMD bias and the independence target at the current s̃.
	// A stage of 0 steps is skipped ("stage n: skipped (0 steps)").
	Steps, Epochs int
	// Number is the stage's number in the schedule it was taken from
	// (from 1), when stages of 0 steps were left out of the list (stage 2
	// of DefaultSepStages alone: Number 2), so that the summary, the
	// progress (SepProgress.Stage) and the errors call it stage 2 as the
	// user did, and the summary lists each left-out number as "stage n:
	// skipped (0 steps)". 0 (the default) is the number after
	// the previous stage's (its position in the list, from 1, when no
	// stage sets one). Numbers must increase along the list.
	Number int
}

// DefaultSepStages returns Auclair 2024's schedule adapted to whitened
// losses: stage 1, the data term alone on the power-spectrum-like
// coefficients, steps1 iterations from d; stage 2, all terms on the full
// statistics, steps2 iterations in `epochs` epochs from the result of
// stage 1.
//
// The default schedule (SeparationOptions.Stages nil, stkit separate
// --steps) is DefaultSepStages(10, 50, 4). Measured on the dust + white
// noise case of infer.BenchmarkSeparationQuality (SNR 1, WPH iso + PS, JMD)
// against the former 30, 100, 4, paired on the same data: min r where noise
// ≤ dust 0.828 vs 0.824 at 256² (two other noise draws 0.833 vs 0.830,
// 0.840 vs 0.834), at 128² on none of 4 draws lower (mean 0.846 vs 0.844),
// at 64² 0.804 vs 0.796; spectrum max |ratio−1| 0.070 vs 0.073 (target
// 0.1), pixel correlation 0.935 both; dust + Quijote min r 0.785 both,
// spectrum 0.893 vs 0.909; 71 instead of 150 evaluations (16 s vs 28 s).
// More iterations fit the statistics further inside their sampling noise
// (final data term 1e-4 per coefficient at 30, 300, 4 against 1e-3)
// without bringing s̃ closer to s (min r 0.817 vs 0.823 at 256²); richer
// statistics (L 8, DN 1, J ± 1, 100 samples, Auclair's nine WPH classes)
// moved min r by −0.007 to +0.003 (these two before e569cb1; session 19's
// sweep, its table in the commit message).
func DefaultSepStages(steps1, steps2, epochs int) []SepStage {
	return []SepStage{
		{Terms: []string{TermData}, PSOnly: true, Steps: steps1, Epochs: 1},
		{Terms: []string{TermData, TermContaminant, TermIndependence, TermTemplate, TermPrior}, Steps: steps2, Epochs: epochs},
	}
}

// SeparationOptions configure RunSeparation. Zero values take the defaults
// stated per field.
type SeparationOptions struct {
	// Form of the data term (zero value FormJMD, as the CLI: one map per
	// evaluation instead of Batch, and on the 64² denoising test a better
	// spectrum, since s̃ partly fits the fixed BR batch; on the 64² dust +
	// noise case with WPH, min r 0.79 against 0.51 for BR).
	Form DataForm
	// Weights of the terms (zero value → DefaultSepWeights).
	Weights SepWeights
	// Batch is the number of residual samples per evaluation of the BR data
	// and template terms, and the number used to estimate σ, the bias and the
	// independence target at each epoch (≤ 0 → min(pool, 20) for the JMD form
	// without a template term, whose evaluations use one map and whose batch
	// enters only the per-epoch σ and bias estimates; min(pool, 10) otherwise,
	// since every BR or template evaluation runs the whole batch). The pool is
	// the number of samples, or the product of the two counts when contaminant
	// and noise are paired. The JMD bias carries a sampling error of σ/√Batch
	// that the optimiser fits, hence the larger default. A Batch larger than
	// the pool is reduced to the pool (the samples of a batch are distinct:
	// the whole pool is the most there is); SeparationSetup and
	// SeparationResult then report the Batch asked for in RequestedBatch.
	// Batch 1 is an input error (σ needs 2 samples).
	Batch int
	// Stages (nil → DefaultSepStages(10, 50, 4)).
	Stages []SepStage
	// BoxLo, BoxHi bound s̃ pixel by pixel through the quadratic penalty of
	// SepLoss with weight BoxWeight (≤ 0: 1e3/var(d): the terms are O(1) at
	// a good solution, and a violation of one data std everywhere then costs
	// 1e3; a constant d has no such scale and needs an explicit BoxWeight);
	// nil bounds are absent (e.g. BoxLo = 0, BoxHi = d for 0 ≤ s̃ ≤ d). A
	// lower bound above the upper one at a pixel is an input error.
	BoxLo, BoxHi *stlayer.Maps
	BoxWeight    float64
	// Frozen pixels keep the data's value, also with a Start (len M·N; nil:
	// none).
	Frozen []bool
	// StdFloor masks coefficients whose σ is below StdFloor × (|mean| + max σ
	// of the term) (StdWeights; default 1e-9).
	StdFloor float64
	Seed     uint64
	// History is the L-BFGS memory (default 20).
	History int
	// Start, if non-nil (one map of the data's size), is the starting s̃
	// instead of d. A first stage whose only terms compare statistics of
	// the residual d − s̃ (no data term) cannot leave s̃ = d, where that
	// residual is 0: it needs a Start (see RunSeparation).
	Start *stlayer.Maps
	// WienerStart, when Start is nil, starts s̃ from the Wiener estimate of
	// the data built from the samples (WienerEstimate; frozen pixels keep
	// d) instead of d. Measured against the start from d (WPH defaults;
	// min r where P_c ≤ P_s, spectrum error, pixel correlation): 256² dust
	// + noise (BenchmarkSeparationQuality) 0.829 vs 0.828, 0.074 vs 0.070,
	// 0.936 vs 0.935; 256² dust + Quijote 0.784 vs 0.785, 0.875 vs 0.893,
	// 0.816 vs 0.817 (the defaults of c3de5fb and e569cb1; before them
	// 0.828 vs 0.824 and 0.773 vs 0.779); the following with the earlier
	// defaults: dust + white noise at SNR 0.3: 0.716 vs 0.577 (64²),
	// 0.655 vs 0.655 (128²; 0.735 vs 0.720 with 30 + 30 steps in 1
	// epoch); at SNR 1: 0.803 vs 0.806 (64²), 0.844 vs 0.845 (128²). Not
	// better overall, so not the default; it helps small low-SNR maps.
	WienerStart bool
	// Progress, if non-nil, is called after every L-BFGS iteration.
	Progress func(SepProgress)
}

// SepProgress reports the state of a separation after an iteration.
type SepProgress struct {
	// Stage+1 is the number of the running stage, NumStages the number of
	// the last stage, as SeparationSetup.Summary numbers them ("stage n" is
	// Stage n−1 here): by default its position in SeparationOptions.Stages
	// from 1 (SepStage.Number otherwise); a stage skipped (0 steps, or none
	// of its terms applies) keeps its number.
	Stage, NumStages int
	Epoch            int // 0-based, within the stage
	Iter             int // iterations done over all stages
	TotalSteps       int // Σ steps of the stages run
	Loss             float64
	Terms            []string  // names of the active terms (then "box" when bounded)
	Parts            []float64 // their values
	Elapsed          time.Duration
}

// SeparationResult is the outcome of RunSeparation.
type SeparationResult struct {
	// S is s̃ [1, M, N], Residual d − s̃ [1, M, N].
	S, Residual *stlayer.Maps
	// Epochs holds the L-BFGS result of every epoch of every stage.
	Epochs []*Result
	// Terms and Parts: the active terms of the last epoch and their final
	// values (from the last evaluation).
	Terms []string
	Parts []float64
	// Evals is the number of loss evaluations, EvalTime the time spent in
	// them, Elapsed the wall time (setup and updates included).
	Evals             int
	EvalTime, Elapsed time.Duration
	// Batch is the number of samples per evaluation, Pool the number of
	// distinct residual samples (0 without samples); RequestedBatch is
	// SeparationOptions.Batch when it was larger than Pool and Batch was
	// reduced to Pool, 0 otherwise (see SeparationSetup).
	Batch, Pool    int
	RequestedBatch int
	// AutoCoeffs and CrossCoeffs count the coefficients of SepStats.Auto and
	// SepStats.Cross.
	AutoCoeffs, CrossCoeffs int
	// StageSummary describes the stages (SeparationSetup.Summary).
	StageSummary []string
	// ContaminantMean is m_r = SampleMean(Contaminant) + SampleMean(Noise),
	// the mean the samples say the contaminant adds to d. MeanShift is the
	// constant RunSeparation added to the free pixels of s̃ at the end so
	// that their mean is that of d minus m_r, when no statistic of the loss
	// sees the mean of s̃ (WPH, the binned spectrum: the optimisation keeps
	// the start's mean); 0 when one does (the scattering covariance's mean
	// coefficient fits it through the data term).
	ContaminantMean, MeanShift float64
}

// SecondsPerEval returns the mean time of one loss evaluation.
func (r *SeparationResult) SecondsPerEval() float64 {
	if r.Evals == 0 {
		return 0
	}
	return r.EvalTime.Seconds() / float64(r.Evals)
}

// residualPool draws residual samples r = c (+ n).
type residualPool struct {
	c, n *stlayer.Maps
}

func (p *residualPool) size() int {
	switch {
	case p.c != nil && p.n != nil:
		return p.c.B * p.n.B
	case p.c != nil:
		return p.c.B
	}
	return p.n.B
}

// draw returns k distinct residual samples (k ≤ size()).
func (p *residualPool) draw(rng *rand.Rand, k int) *stlayer.Maps {
	first := p.c
	if first == nil {
		first = p.n
	}
	out := stlayer.NewMaps(k, first.M, first.N)
	perm := rng.Perm(p.size())[:k]
	for b, idx := range perm {
		dst := out.Map(b)
		switch {
		case p.c != nil && p.n != nil:
			ci, ni := idx%p.c.B, idx/p.c.B
			a, n := p.c.Map(ci), p.n.Map(ni)
			for i := range dst {
				dst[i] = a[i] + n[i]
			}
		default:
			copy(dst, first.Map(idx))
		}
	}
	return out
}

// all returns every residual sample when the pool has no pairing, or a draw
// of min(size, 4·maxBatch) paired samples otherwise.
func (p *residualPool) all(rng *rand.Rand, maxBatch int) *stlayer.Maps {
	if p.c != nil && p.n != nil {
		return p.draw(rng, min(p.size(), 4*maxBatch))
	}
	return p.draw(rng, p.size())
}

// repeatMaps returns k copies of the one map x.
func repeatMaps(x *stlayer.Maps, k int) *stlayer.Maps {
	out := stlayer.NewMaps(k, x.M, x.N)
	for b := 0; b < k; b++ {
		copy(out.Map(b), x.Map(0))
	}
	return out
}

func addMaps(a, b *stlayer.Maps) *stlayer.Maps {
	out := &stlayer.Maps{B: a.B, M: a.M, N: a.N, Data: slices.Clone(a.Data)}
	for i := range out.Data {
		out.Data[i] += b.Data[i%len(b.Data)]
	}
	return out
}

// stackPairs returns maps whose top half is a[b] and bottom half b[b] (a or b
// with one map is broadcast).
func stackPairs(a, b *stlayer.Maps) *stlayer.Maps {
	nb := max(a.B, b.B)
	mn := a.M * a.N
	out := stlayer.NewMaps(nb, 2*a.M, a.N)
	for i := 0; i < nb; i++ {
		copy(out.Data[2*i*mn:], a.Map(i%a.B))
		copy(out.Data[(2*i+1)*mn:], b.Map(i%b.B))
	}
	return out
}

func coefRows(k int, row ...float64) [][]float64 {
	c := make([][]float64, k)
	for i := range c {
		c[i] = slices.Clone(row)
	}
	return c
}

func subComplex(a, b []complex128) []complex128 {
	out := make([]complex128, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// SeparationSetup is a separation problem turned into a loss (its terms
// hold Update functions that draw the samples and set σ, targets and the
// JMD bias at each epoch) and a schedule for Separate.
type SeparationSetup struct {
	Loss *SepLoss
	// Stages are the stages Separate runs: those of Options.Stages with
	// steps and at least one applicable term, in order. StageIndex[i] is
	// the index of Stages[i] in Options.Stages (they differ once a stage is
	// skipped), StageNumber[i] its number (SepStage.Number; StageIndex[i]+1
	// unless a stage sets one); Stages[i].Label is "stage
	// <StageNumber[i]>". NumStages is the number of the last stage of
	// Options.Stages.
	Stages      []Stage
	StageIndex  []int
	StageNumber []int
	NumStages   int
	// Summary describes each stage in words, numbered as StageNumber,
	// skipped ones included ("stage n: skipped (0 steps)", "stage n:
	// skipped (none of … applies)").
	Summary []string
	// TotalSteps is Σ steps of the stages.
	TotalSteps int
	// Batch is the number of residual samples per evaluation (and per
	// estimate of σ, bias and targets), Pool the number of distinct
	// residual samples (0 without samples). RequestedBatch is
	// SeparationOptions.Batch when it was larger than Pool and Batch was
	// reduced to Pool (a caller should say so: the samples asked for do not
	// exist), 0 otherwise; the automatic batch (Batch ≤ 0) is not reported.
	Batch, Pool    int
	RequestedBatch int
	// Options are the options with their defaults filled in.
	Options SeparationOptions
}

// Term returns the term of that name (nil if it was not built).
func (s *SeparationSetup) Term(name string) *SepTerm {
	for _, t := range s.Loss.Terms {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// validate refuses option values that have no meaning (the zero values and
// the documented "≤ 0: default" values are accepted).
func (o *SeparationOptions) validate() error {
	if o.Form != FormBR && o.Form != FormJMD {
		return inputErrorf("unknown data form %d (want FormBR or FormJMD)", int(o.Form))
	}
	for _, w := range []struct {
		name string
		v    float64
	}{{"box weight", o.BoxWeight}, {"std floor", o.StdFloor}} {
		if math.IsNaN(w.v) || math.IsInf(w.v, 0) {
			return inputErrorf("%s %v: want a finite value", w.name, w.v)
		}
	}
	ws := o.Weights
	for _, w := range []struct {
		name string
		v    float64
	}{{"data", ws.Data}, {"contaminant", ws.Contaminant}, {"independence", ws.Independence}, {"template", ws.Template}} {
		if !(w.v >= 0) || math.IsInf(w.v, 0) {
			return inputErrorf("weight %s=%v: want a finite value ≥ 0", w.name, w.v)
		}
	}
	return nil
}

func (o *SeparationOptions) defaults() {
	if o.Weights == (SepWeights{}) {
		o.Weights = DefaultSepWeights()
	}
	if o.Stages == nil {
		o.Stages = DefaultSepStages(10, 50, 4)
	}
	if o.StdFloor <= 0 {
		o.StdFloor = 1e-9
	}
}

// defaultSepBatch is the batch of SeparationOptions.Batch = 0 before the
// pool size caps it: 20 when every evaluation uses one map (JMD data term, no
// template term), 10 when evaluations run the batch.
func defaultSepBatch(opt SeparationOptions, template bool) int {
	if opt.Form == FormJMD && !(template && opt.Weights.Template > 0) {
		return 20
	}
	return 10
}

// BuildSeparation validates the problem and builds the loss terms from the
// data, the samples and the options:
//
//   - data (BR): x_i = s̃ + r_i for a batch of residual samples (one engine
//     call with Batch maps), target Φ(d); (JMD): x = s̃, target Φ(d) − B;
//   - contaminant: x = d − s̃, target ⟨Φ(r)⟩ and σ over the whole pool
//     (with paired contaminant and noise samples, over min(pool, 4·Batch)
//     random pairs), computed once;
//   - independence: x = (s̃, d − s̃) stacked, target ⟨Φ(s̃₀, r_i)⟩;
//   - template: x_i = (T, s̃ + r_i) stacked, target Φ(T, d);
//
// all whitened by StdWeights (σ over the samples, zero-σ coefficients
// masked; PS-like coefficients only in PSOnly stages). Targets, weights and
// batches are (re)set by the terms' Update at each epoch; an Update that
// finds no coefficient varying over the samples (identical or constant
// samples, or samples negligible next to the data: every coefficient
// masked, the term would be 0 and the separation would silently do
// nothing) returns an input error.
//
// Besides the errors of SeparationProblem.Validate, input errors
// (ErrModelInput) are: a nil engine, non-finite option values, a Batch of 1
// (σ needs 2 samples), a Frozen mask or box bounds of another size than the
// data, a NaN bound or a lower bound above the upper one, box bounds with
// the default weight on a constant data map, a stage with negative Steps,
// weights that leave no term to build (every weight 0, or only terms the
// problem cannot build) and stages none of which names a term that was
// built.
func BuildSeparation(eng stlayer.Engine, p *SeparationProblem, opt SeparationOptions) (*SeparationSetup, error) {
	if eng == nil {
		return nil, inputErrorf("no engine (nil)")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	opt.defaults()
	d := p.Data
	M, N := d.M, d.N
	pool := &residualPool{c: p.Contaminant, n: p.Noise}
	hasSamples := p.Contaminant != nil || p.Noise != nil
	batch, requested := opt.Batch, 0
	if hasSamples {
		if batch <= 0 {
			batch = min(pool.size(), defaultSepBatch(opt, p.Template != nil))
		}
		if batch < 2 {
			return nil, inputErrorf("batch of %d residual sample(s) (SeparationOptions.Batch, --batch): σ needs at least 2; give 0 (automatic) or ≥ 2", batch)
		}
		if batch > pool.size() {
			requested, batch = batch, pool.size()
		}
	}
	if opt.Frozen != nil && len(opt.Frozen) != M*N {
		return nil, inputErrorf("frozen mask has %d pixels, the data %d", len(opt.Frozen), M*N)
	}
	nums, err := sepStageNumbers(opt.Stages)
	if err != nil {
		return nil, err
	}
	for si, s := range opt.Stages {
		if s.Steps < 0 {
			return nil, inputErrorf("stage %d: %d steps, want ≥ 0", nums[si], s.Steps)
		}
	}
	for _, b := range []*stlayer.Maps{opt.BoxLo, opt.BoxHi} {
		if b != nil && (b.B != 1 || b.M != M || b.N != N) {
			return nil, inputErrorf("box bounds must be one %d×%d map", M, N)
		}
	}
	for _, b := range []struct {
		name string
		x    *stlayer.Maps
	}{{"lower box bound", opt.BoxLo}, {"upper box bound", opt.BoxHi}} {
		if b.x == nil {
			continue
		}
		if err := checkMaps(b.name, b.x, 1); err != nil {
			return nil, err
		}
		for i, v := range b.x.Data {
			// ±Inf is an absent bound on that pixel; NaN is no bound at all.
			if math.IsNaN(v) {
				return nil, inputErrorf("%s: NaN at row %d, column %d", b.name, i/N, i%N)
			}
		}
	}
	if opt.BoxLo != nil && opt.BoxHi != nil {
		for i, lo := range opt.BoxLo.Data {
			if hi := opt.BoxHi.Data[i]; lo > hi {
				return nil, inputErrorf("box bounds: lower bound %g above the upper bound %g at row %d, column %d", lo, hi, i/N, i%N)
			}
		}
	}
	if (opt.BoxLo != nil || opt.BoxHi != nil) && opt.BoxWeight <= 0 {
		if _, sd, _, _ := Moments(d.Data); !(sd > 0) || math.IsInf(sd, 0) {
			return nil, inputErrorf("box bounds: the default weight 1e3/var(d) needs a data map that varies (pixel std %g); give BoxWeight", sd)
		}
	}
	rng0 := rand.New(rand.NewPCG(opt.Seed, 0xda7a))
	var auto, cross StatOp
	if p.Stats != nil {
		auto, cross = p.Stats.Auto, p.Stats.Cross
	}
	st := &SeparationSetup{Batch: batch, RequestedBatch: requested, Options: opt}
	if hasSamples {
		st.Pool = pool.size()
	}
	var phiD []complex128
	if hasSamples {
		var err error
		if phiD, _, err = StatsOf(eng, auto, d); err != nil {
			return nil, fmt.Errorf("statistics of the data: %w", err)
		}
	}
	// The terms' Update receives the index of a built stage (st.Stages, the
	// schedule Separate runs), which differs from the index in opt.Stages
	// once a stage without an applicable term is skipped: st.StageIndex
	// maps the one to the other (filled below).
	psOnly := func(stage int) []bool {
		if stage >= 0 && stage < len(st.StageIndex) && opt.Stages[st.StageIndex[stage]].PSOnly {
			return p.Stats.PS
		}
		return nil
	}
	var terms []*SepTerm
	index := map[string]int{}
	add := func(t *SepTerm) { index[t.Name] = len(terms); terms = append(terms, t) }

	// Data term.
	if hasSamples && opt.Weights.Data > 0 {
		t := &SepTerm{Name: TermData, Op: auto, Scale: opt.Weights.Data}
		t.Update = func(u *stlayer.Maps, rng *rand.Rand, stage int) error {
			r := pool.draw(rng, batch)
			mean, std, err := StatsOf(eng, auto, addMaps(r, u))
			if err != nil {
				return err
			}
			// The weights last: with an error (no coefficient varies) the
			// term is still complete, with all weights 0.
			w, werr := whiten(mean, std, opt.StdFloor, psOnly(stage))
			if opt.Form == FormJMD {
				phiU, _, err := StatsOf(eng, auto, u)
				if err != nil {
					return err
				}
				// target Φ(d) − B, B = ⟨Φ(u + r_i)⟩ − Φ(u)
				t.Target = subComplex(phiD, subComplex(mean, phiU))
				t.Expr = Expr{Coef: [][]float64{{1}}}
			} else {
				t.Target = phiD
				t.Expr = Expr{Coef: coefRows(batch, 1), Offset: r}
			}
			t.Weight = w
			return werr
		}
		add(t)
	}
	// Contaminant term: its target and σ come from the whole pool, once.
	if hasSamples && opt.Weights.Contaminant > 0 {
		rall := pool.all(rng0, batch)
		mean, std, err := StatsOf(eng, auto, rall)
		if err != nil {
			return nil, fmt.Errorf("statistics of the samples: %w", err)
		}
		t := &SepTerm{Name: TermContaminant, Op: auto, Scale: opt.Weights.Contaminant, Target: mean,
			Expr: Expr{Coef: [][]float64{{-1}}, Offset: d}}
		t.Update = func(_ *stlayer.Maps, _ *rand.Rand, stage int) (err error) {
			t.Weight, err = whiten(mean, std, opt.StdFloor, psOnly(stage))
			return err
		}
		add(t)
	}
	if hasSamples && cross != nil && opt.Weights.Independence > 0 {
		zero := stlayer.NewMaps(1, M, N)
		t := &SepTerm{Name: TermIndependence, Op: cross, Scale: opt.Weights.Independence,
			Expr: Expr{Blocks: 2, Coef: [][]float64{{1, -1}}, Offset: stackPairs(zero, d)}}
		t.Update = func(u *stlayer.Maps, rng *rand.Rand, _ int) error {
			r := pool.draw(rng, batch)
			mean, std, err := StatsOf(eng, cross, stackPairs(u, r))
			if err != nil {
				return err
			}
			t.Target = mean
			t.Weight, err = whiten(mean, std, opt.StdFloor, nil)
			return err
		}
		add(t)
	}
	if hasSamples && cross != nil && p.Template != nil && opt.Weights.Template > 0 {
		phiTD, _, err := StatsOf(eng, cross, stackPairs(p.Template, d))
		if err != nil {
			return nil, fmt.Errorf("cross statistics of the template and the data: %w", err)
		}
		t := &SepTerm{Name: TermTemplate, Op: cross, Scale: opt.Weights.Template, Target: phiTD}
		t.Update = func(u *stlayer.Maps, rng *rand.Rand, _ int) error {
			r := pool.draw(rng, batch)
			mean, std, err := StatsOf(eng, cross, stackPairs(p.Template, addMaps(r, u)))
			if err != nil {
				return err
			}
			t.Expr = Expr{Blocks: 2, Coef: coefRows(batch, 0, 1), Offset: stackPairs(p.Template, r)}
			t.Weight, err = whiten(mean, std, opt.StdFloor, nil)
			return err
		}
		add(t)
	}
	var priorIdx []int
	for i, pr := range p.Priors {
		if pr.Weight <= 0 {
			continue
		}
		w, err := whiten(pr.Mean, pr.Std, opt.StdFloor, nil)
		if err != nil {
			return nil, fmt.Errorf("prior %d (%s): %w", i, pr.Name, err)
		}
		t := &SepTerm{Name: fmt.Sprintf("%s:%d", TermPrior, i), Op: pr.Op, Scale: pr.Weight, Target: pr.Mean, Weight: w,
			Expr: Expr{Coef: [][]float64{{1}}}}
		if pr.Name != "" {
			t.Name = TermPrior + ":" + pr.Name
		}
		if pr.Component == 1 {
			t.Expr = Expr{Coef: [][]float64{{-1}}, Offset: d}
		}
		priorIdx = append(priorIdx, len(terms))
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		w := opt.Weights
		return nil, inputErrorf("no loss term can be built from the weights data=%g, contaminant=%g, independence=%g, template=%g and %d prior(s): a term needs a weight > 0, and the data, contaminant, independence and template terms contaminant or noise samples (independence and template also cross statistics, template a template map); set SeparationOptions.Weights (--weights)",
			w.Data, w.Contaminant, w.Independence, w.Template, len(p.Priors))
	}
	loss := &SepLoss{Engine: eng, Terms: terms, BoxLo: opt.BoxLo, BoxHi: opt.BoxHi, BoxWeight: opt.BoxWeight, Frozen: opt.Frozen}
	if (opt.BoxLo != nil || opt.BoxHi != nil) && loss.BoxWeight <= 0 {
		_, sd, _, _ := Moments(d.Data)
		loss.BoxWeight = 1e3 / (sd * sd)
	}
	prev := 0
	for si, s := range opt.Stages {
		for n := prev + 1; n < nums[si]; n++ {
			st.Summary = append(st.Summary, fmt.Sprintf("stage %d: skipped (0 steps)", n))
		}
		prev = nums[si]
		if s.Steps == 0 {
			st.Summary = append(st.Summary, fmt.Sprintf("stage %d: skipped (0 steps)", nums[si]))
			continue
		}
		var idx []int
		var names []string
		for _, name := range s.Terms {
			if i, ok := index[name]; ok && !slices.Contains(idx, i) {
				idx = append(idx, i)
				names = append(names, name)
			}
			if name == TermPrior {
				for _, i := range priorIdx {
					if !slices.Contains(idx, i) {
						idx = append(idx, i)
						names = append(names, terms[i].Name)
					}
				}
			}
		}
		if len(idx) == 0 {
			st.Summary = append(st.Summary, fmt.Sprintf("stage %d: skipped (none of %v applies)", nums[si], s.Terms))
			continue
		}
		st.Stages = append(st.Stages, Stage{Terms: idx, Steps: s.Steps, Epochs: s.Epochs, Label: fmt.Sprintf("stage %d", nums[si])})
		st.StageIndex = append(st.StageIndex, si)
		st.StageNumber = append(st.StageNumber, nums[si])
		st.TotalSteps += s.Steps
		ps := ""
		if s.PSOnly {
			ps = ", power-spectrum coefficients"
		}
		st.Summary = append(st.Summary, fmt.Sprintf("stage %d: %v%s, %d steps in %d epoch(s)", nums[si], names, ps, s.Steps, max(1, s.Epochs)))
	}
	st.NumStages = prev
	if len(opt.Stages) > 0 && !slices.ContainsFunc(opt.Stages, func(s SepStage) bool { return s.Steps > 0 }) {
		return nil, inputErrorf("no stage has steps (%s): give a stage Steps > 0 (SeparationOptions.Stages, --steps S1,S2)", strings.Join(st.Summary, "; "))
	}
	if len(st.Stages) == 0 {
		built := make([]string, len(terms))
		for i, t := range terms {
			built[i] = t.Name
		}
		return nil, inputErrorf("no stage uses a term that was built (terms built: %v; stages: %s): name one of them in a stage of SeparationOptions.Stages", built, strings.Join(st.Summary, "; "))
	}
	st.Loss = loss
	return st, nil
}

// sepStageNumbers returns the number of each stage (SepStage.Number; 0 is
// the previous number + 1). Negative or non-increasing numbers are input
// errors.
func sepStageNumbers(stages []SepStage) ([]int, error) {
	nums := make([]int, len(stages))
	prev := 0
	for i, s := range stages {
		n := s.Number
		switch {
		case n == 0:
			n = prev + 1
		case n < 0 || n <= prev:
			return nil, inputErrorf("stage %d of the list (SepStage.Number %d): stage numbers must increase from 1 (the previous is %d)", i+1, s.Number, prev)
		}
		nums[i], prev = n, n
	}
	return nums, nil
}

// whiten is StdWeights with an input error when no coefficient is kept (the
// term would be identically 0); the weights (all 0 then) are returned in
// both cases, never nil (nil weights would mean "unweighted").
func whiten(mean []complex128, std []float64, floor float64, keep []bool) ([]float64, error) {
	w := StdWeights(mean, std, floor, keep)
	for _, v := range w {
		if v > 0 {
			return w, nil
		}
	}
	if keep != nil && !slices.Contains(keep, true) {
		return w, inputErrorf("the power-spectrum mask of the statistics selects no coefficient (SepStats.PS, PSOnly stage)")
	}
	return w, inputErrorf("no coefficient varies over the samples (every σ ≤ %g × (|mean| + max σ)): identical or constant samples, or samples negligible next to the data?", floor)
}

// RunSeparation solves a separation problem: BuildSeparation, then Separate
// from s̃ = d (or SeparationOptions.Start, or the Wiener estimate with
// WienerStart; frozen pixels kept at d). A Start that is not one map of the
// data's size is an input error.
//
// The mean of s̃: when no statistic of the loss sees it (WPH, the binned
// spectrum; the optimisation then keeps the start's mean), RunSeparation
// shifts the free pixels of s̃ at the end so that their mean is that of d
// minus m_r, the mean over the samples of their pixel means (contaminant
// plus noise; SeparationResult.ContaminantMean and MeanShift): samples of
// mean 0 change nothing, and an offset the samples share is removed from
// s̃ and left in d − s̃. The scattering covariance sees the mean (its mean
// coefficient, fitted by the data term to mean(d) − m_r within the batch's
// sampling error) and is not shifted. The shift ignores box bounds. On cancellation
// or divergence it returns the best maps reached so far together with the
// error (ctx.Err() or ErrNonFinite).
//
// A stage whose first epoch starts at s̃ = d exactly (the default start, or a
// Start equal to d) and makes no L-BFGS iteration, leaving s̃ = d, stops the
// run with an input error (ErrModelInput) naming the stage and its terms,
// together with the result so far (s̃ = d): there the residual d − s̃ is
// identically 0, and the terms that compare statistics of the residual (the
// contaminant term, priors on d − s̃; with the scattering covariance also the
// independence term) have no usable gradient at a zero map: the gradient is
// exactly 0, or (a kink of the modulus) no step along it lowers the loss.
// This happens when such terms are a stage's only ones and it runs first,
// e.g. weights data=0 with contaminant > 0. The remedies: a Start other than
// d, or a data weight > 0 with a first stage of the data term alone
// (DefaultSepStages), which moves s̃ off d before the residual terms join.
func RunSeparation(ctx context.Context, eng stlayer.Engine, p *SeparationProblem, opt SeparationOptions) (*SeparationResult, error) {
	start := time.Now()
	setup, err := BuildSeparation(eng, p, opt)
	if err != nil {
		return nil, err
	}
	opt = setup.Options
	loss, d := setup.Loss, p.Data
	M, N := d.M, d.N
	total := setup.TotalSteps
	st := &SeparationResult{Batch: setup.Batch, Pool: setup.Pool, RequestedBatch: setup.RequestedBatch, StageSummary: setup.Summary}
	if p.Stats != nil && p.Stats.Auto != nil {
		st.AutoCoeffs = p.Stats.Auto.Labels().Len()
	}
	if p.Stats != nil && p.Stats.Cross != nil {
		st.CrossCoeffs = p.Stats.Cross.Labels().Len()
	}
	var curStage, curEpoch int
	var curNames []string
	cfg := SepConfig{SynthConfig: SynthConfig{History: opt.History}}
	cfg.OnEpoch = func(stage, epoch int, active []*SepTerm) {
		// The number the user gave the stage (as in Summary), not its
		// index among the stages built.
		curStage, curEpoch = setup.StageNumber[stage]-1, epoch
		curNames = curNames[:0]
		for _, t := range active {
			curNames = append(curNames, t.Name)
		}
		if loss.BoxLo != nil || loss.BoxHi != nil {
			curNames = append(curNames, "box")
		}
	}
	var lastParts []float64
	cfg.Progress = func(pr Progress) {
		lastParts = pr.Parts
		if opt.Progress != nil {
			opt.Progress(SepProgress{Stage: curStage, NumStages: setup.NumStages, Epoch: curEpoch, Iter: pr.Iter, TotalSteps: total, Loss: pr.Loss,
				Terms: slices.Clone(curNames), Parts: pr.Parts, Elapsed: time.Since(start)})
		}
	}
	// A stage that starts at s̃ = d exactly (the default start, or a Start
	// equal to d) and makes no L-BFGS iteration is stuck there: the residual
	// d − s̃ is identically 0, where the statistics of the residual (the
	// contaminant and independence terms, priors on d − s̃) have no usable
	// gradient. Say so instead of returning d as the answer.
	stuck := false
	cfg.checkEpoch = func(stage, epoch int, from *stlayer.Maps, r *Result) error {
		if epoch != 0 || r == nil || r.Iters > 0 || !(r.InitialLoss > 0) || !slices.Equal(from.Data, d.Data) ||
			(r.Maps != nil && !slices.Equal(r.Maps.Data, d.Data)) {
			return nil
		}
		stuck = true
		why := "no step along the gradient lowers the loss (the statistics' modulus has a kink at a zero map)"
		if r.Status == "GradientThreshold" {
			why = "the gradient of the loss is exactly 0"
		}
		return inputErrorf("L-BFGS made no iteration from the stage's start s̃ = d, where the residual d − s̃ is identically 0 and the statistics of the residual have no usable gradient: with the terms %v %s (loss %.4g unchanged after %d evaluation(s)). Give a starting s̃ other than d (SeparationOptions.Start, --start), or a data weight > 0 (SeparationOptions.Weights, --weights data=1,…) with a first stage of the data term alone (DefaultSepStages, --steps S1,S2 with S1 > 0) that moves s̃ off d before the residual terms join",
			curNames, why, r.InitialLoss, r.Evals)
	}
	u0 := &stlayer.Maps{B: 1, M: M, N: N, Data: slices.Clone(d.Data)}
	if opt.Start == nil && opt.WienerStart && (p.Contaminant != nil || p.Noise != nil) {
		w, err := WienerEstimate(d, p.Contaminant, p.Noise)
		if err != nil {
			return nil, err
		}
		for i, f := range opt.Frozen {
			if f {
				w.Data[i] = d.Data[i]
			}
		}
		u0 = w
	}
	if opt.Start != nil {
		if opt.Start.B != 1 || opt.Start.M != M || opt.Start.N != N || len(opt.Start.Data) != M*N {
			return nil, inputErrorf("start: want one %d×%d map", M, N)
		}
		copy(u0.Data, opt.Start.Data)
		for i, f := range opt.Frozen {
			if f {
				u0.Data[i] = d.Data[i]
			}
		}
	}
	blind := false
	if p.Contaminant != nil || p.Noise != nil {
		st.ContaminantMean = SampleMean(p.Contaminant) + SampleMean(p.Noise)
		if blind, err = separationMeanBlind(eng, p, setup); err != nil {
			return nil, err
		}
	}
	u, results, err := Separate(ctx, loss, u0, setup.Stages, opt.Seed, cfg)
	// The mean of s̃ is invisible to mean-blind statistics: set it to
	// mean(d) − m_r (not on a run stuck at its start, whose s̃ = d is no
	// result).
	if blind && !stuck && u != nil {
		u = &stlayer.Maps{B: 1, M: M, N: N, Data: slices.Clone(u.Data)}
		st.MeanShift = setFreeMean(u, d, opt.Frozen, st.ContaminantMean)
	}
	st.S = u
	st.Residual = &stlayer.Maps{B: 1, M: M, N: N, Data: make([]float64, M*N)}
	for i := range u.Data {
		st.Residual.Data[i] = d.Data[i] - u.Data[i]
	}
	st.Epochs = results
	for _, r := range results {
		st.Evals += r.Evals
		st.EvalTime += r.EvalTime
	}
	st.Terms, st.Parts = curNames, lastParts
	st.Elapsed = time.Since(start)
	return st, err
}

// ParseSepWeights parses "data=1,contaminant=60,independence=200,template=10"
// (any subset, any order) on top of DefaultSepWeights; "" gives the
// defaults. Malformed entries, unknown terms, a term named twice
// ("data=1,data=2": which value was meant is unknown) and values that are not
// finite and ≥ 0 are input errors (ErrModelInput).
func ParseSepWeights(s string) (SepWeights, error) {
	w := DefaultSepWeights()
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	seen := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return w, inputErrorf("weight %q: want name=value", kv)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return w, inputErrorf("weight %q: want a finite value ≥ 0", kv)
		}
		name = strings.TrimSpace(name)
		if prev, dup := seen[name]; dup {
			return w, inputErrorf("weight %q: the %s term is given twice (also %q); give each term once", strings.TrimSpace(kv), name, prev)
		}
		seen[name] = strings.TrimSpace(kv)
		switch name {
		case TermData:
			w.Data = v
		case TermContaminant:
			w.Contaminant = v
		case TermIndependence:
			w.Independence = v
		case TermTemplate:
			w.Template = v
		default:
			return w, inputErrorf("unknown term %q (want data, contaminant, independence or template)", name)
		}
	}
	return w, nil
}

// MaxSepSteps bounds each number ParseSepSteps accepts (iterations of a
// stage, epochs): 10⁶ iterations are days of work at 256², and larger
// integers overflowed the total.
const MaxSepSteps = 1_000_000

// ParseSepSteps parses "S1,S2[,EPOCHS]" into DefaultSepStages(S1, S2,
// EPOCHS) (EPOCHS default 4; S1 = 0 leaves the first stage out, S2 = 0 the
// second; stage 2 left alone keeps its number, SepStage.Number 2, and the
// summary reads "stage 1: skipped (0 steps)", "stage 2: …"). Anything
// else, negative counts, counts above MaxSepSteps, EPOCHS < 1 and no step
// at all are input errors (ErrModelInput).
func ParseSepSteps(s string) ([]SepStage, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, inputErrorf("steps %q: want S1,S2[,EPOCHS]", s)
	}
	v := []int{0, 0, 4}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || (i == 2 && n < 1) {
			return nil, inputErrorf("steps %q: want non-negative integers (EPOCHS ≥ 1)", s)
		}
		if n > MaxSepSteps {
			return nil, inputErrorf("steps %q: %d is more than %d", s, n, MaxSepSteps)
		}
		v[i] = n
	}
	if v[0]+v[1] == 0 {
		return nil, inputErrorf("steps %q: no iterations", s)
	}
	st := DefaultSepStages(v[0], v[1], v[2])
	if v[0] == 0 {
		st = st[1:]
		st[0].Number = 2 // still stage 2 in the summary and progress
	} else if v[1] == 0 {
		st = st[:1]
	}
	return st, nil
}
