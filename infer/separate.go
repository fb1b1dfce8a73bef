package infer

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"github.com/stkit-org/stkit/stlayer"
)

// Expr is an affine expression of the unknown component maps U_0..U_{n−1}
// (each M×N), producing a batch of B maps, each made of Blocks M×N blocks
// stacked by rows (Blocks = 0 or 1: plain M×N maps; Blocks = 2: the (2M)×N
// pair maps that cross statistics take, see scov.StackPair):
//
//	block p of map b = Σ_u Coef[b][p·n + u] · U_u + block p of Offset_b
//
// It expresses every argument of a separation loss term: s̃ + c_i (Coef 1,
// Offset c_i), d − s̃ (Coef −1, Offset d), the pair (s̃, d − s̃) of a cross
// statistic (Blocks 2, Coef {1, −1}, Offset (0, d)), the pair (T, s̃ + c_i)
// with a template T (Coef {0, 1}, Offset (T, c_i)), and so on. Offset may be
// nil (zero); otherwise it is [B, Blocks·M, N].
type Expr struct {
	Coef   [][]float64
	Offset *stlayer.Maps
	Blocks int
}

// B is the number of maps the expression produces.
func (e *Expr) B() int { return len(e.Coef) }

func (e *Expr) blocks() int { return max(1, e.Blocks) }

// check verifies the shapes against the unknowns u.
func (e *Expr) check(u *stlayer.Maps) error {
	nb := e.blocks()
	for b, c := range e.Coef {
		if len(c) != nb*u.B {
			return fmt.Errorf("expression map %d has %d coefficients, want %d (%d blocks × %d unknowns)", b, len(c), nb*u.B, nb, u.B)
		}
	}
	if o := e.Offset; o != nil && (o.B != e.B() || o.M != nb*u.M || o.N != u.N) {
		return fmt.Errorf("expression offset is [%d,%d,%d], want [%d,%d,%d]", o.B, o.M, o.N, e.B(), nb*u.M, u.N)
	}
	return nil
}

// eval builds the batch of maps from the unknowns u ([n, M, N]).
func (e *Expr) eval(u *stlayer.Maps) *stlayer.Maps {
	mn := u.M * u.N
	nb := e.blocks()
	x := stlayer.NewMaps(e.B(), nb*u.M, u.N)
	if e.Offset != nil {
		copy(x.Data, e.Offset.Data)
	}
	for b, coefs := range e.Coef {
		xb := x.Map(b)
		for k, c := range coefs {
			if c == 0 {
				continue
			}
			p, un := k/u.B, k%u.B
			dst := xb[p*mn : (p+1)*mn]
			src := u.Data[un*mn : (un+1)*mn]
			for i := range dst {
				dst[i] += c * src[i]
			}
		}
	}
	return x
}

// backprop accumulates ∂ℒ/∂U into gu from ∂ℒ/∂x (gx in the layout of eval's
// output); nu is the number of unknowns.
func (e *Expr) backprop(gx []float64, gu []float64, nu, mn int) {
	nb := e.blocks()
	for b, coefs := range e.Coef {
		g := gx[b*nb*mn : (b+1)*nb*mn]
		for k, c := range coefs {
			if c == 0 {
				continue
			}
			p, un := k/nu, k%nu
			src := g[p*mn : (p+1)*mn]
			dst := gu[un*mn : (un+1)*mn]
			for i := range src {
				dst[i] += c * src[i]
			}
		}
	}
}

// SepTerm is one term of a separation loss:
//
//	ℒ = Scale · (1/B) Σ_b Σ_k W_k |Φ_k(x_b) − T_k|²,  x = Expr(U)
//
// (for a cross statistic the "maps" of the batch are the pairs the statistic
// expects, and 1/B is taken over the Φ vectors it returns). The whole batch
// x_1..x_B is evaluated in ONE engine call (Engine.LossGrad with B maps).
//
// Update, if non-nil, is called by Separate at the start of every epoch with
// the current unknowns: it may draw fresh contaminant samples (Expr.Offset),
// and recompute the target (JMD bias) and the weights (std over the samples
// at the current point), as CompSep does between L-BFGS epochs.
type SepTerm struct {
	Name   string
	Op     StatOp
	Expr   Expr
	Target []complex128
	Weight []float64
	Scale  float64
	Update func(u *stlayer.Maps, rng *rand.Rand, stage int) error
}

// SepLoss is the objective of a separation: a weighted sum of SepTerms and
// pixel constraints over the unknown maps. It implements Objective with the
// unknowns as the batch.
type SepLoss struct {
	Engine stlayer.Engine
	Terms  []*SepTerm
	// Box, if non-nil, adds the penalty BoxWeight · mean((min(U−Lo,0))² +
	// (max(U−Hi,0))²) over all pixels of all unknowns (Lo/Hi of the same shape
	// as U; e.g. 0 ≤ s̃ ≤ d). A nil bound is absent.
	BoxLo, BoxHi *stlayer.Maps
	BoxWeight    float64
	// Frozen, if non-nil (len M·N), marks pixels (true) that keep their initial
	// values: their gradient is zeroed in every unknown.
	Frozen []bool
}

// Eval implements Objective. parts holds the value of each term in order,
// then the box penalty when a bound is set.
//
// A nil engine, a nil term or term statistic, a term whose expression does
// not fit u (Coef rows of other than Blocks·u.B coefficients, an Offset not
// [B, Blocks·M, N]), whose Weight is neither nil nor as long as its Target
// or whose Target is not one value per coefficient of its statistic,
// unknowns that are nil, empty or whose Data length is not B·M·N, box
// bounds of another shape than u and a Frozen mask whose length is not M·N
// are input errors (ErrModelInput).
func (l *SepLoss) Eval(u *stlayer.Maps) (float64, []float64, []float64, error) {
	if err := l.check(u); err != nil {
		return 0, nil, nil, err
	}
	mn := u.M * u.N
	grad := make([]float64, len(u.Data))
	parts := make([]float64, 0, len(l.Terms)+1)
	total := 0.0
	for _, t := range l.Terms {
		if err := t.Expr.check(u); err != nil {
			return 0, nil, nil, inputErrorf("term %s: %w", t.Name, err)
		}
		x := t.Expr.eval(u)
		tt := &Term{Name: t.Name, Op: t.Op, Target: t.Target, Weight: t.Weight, Scale: t.Scale}
		lf := tt.lossFunc()
		wrapped := func(out *stlayer.Coeffs) (float64, []complex128, error) {
			f, g, err := lf(out)
			inv := 1 / float64(out.B)
			for i := range g {
				g[i] *= complex(inv, 0)
			}
			return f * inv, g, err
		}
		f, gx, err := l.Engine.LossGrad(t.Op.Key(), t.Op.Stat(), x, wrapped)
		if err != nil {
			return 0, nil, nil, termError(t.Name, err)
		}
		t.Expr.backprop(gx, grad, u.B, mn)
		parts = append(parts, f)
		total += f
	}
	if l.BoxLo != nil || l.BoxHi != nil {
		var lo, hi []float64
		if l.BoxLo != nil {
			lo = l.BoxLo.Data
		}
		if l.BoxHi != nil {
			hi = l.BoxHi.Data
		}
		pen := boxPenalty(u.Data, grad, l.BoxWeight/float64(len(u.Data)), lo, hi)
		parts = append(parts, pen)
		total += pen
	}
	if l.Frozen != nil {
		for k := 0; k < u.B; k++ {
			for i, f := range l.Frozen {
				if f {
					grad[k*mn+i] = 0
				}
			}
		}
	}
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return total, parts, grad, ErrNonFinite
	}
	for _, g := range grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return total, parts, grad, ErrNonFinite
		}
	}
	return total, parts, grad, nil
}

// check verifies what Eval needs besides the terms' expressions.
func (l *SepLoss) check(u *stlayer.Maps) error {
	if l == nil || l.Engine == nil {
		return inputErrorf("separation loss: no loss or no engine (nil)")
	}
	if err := checkMaps("unknowns", u, 0); err != nil {
		return err
	}
	for i, t := range l.Terms {
		if t == nil || t.Op == nil {
			return inputErrorf("separation loss: term %d has no statistic (nil)", i)
		}
		if t.Weight != nil && len(t.Weight) != len(t.Target) {
			return inputErrorf("separation loss: term %s: %d weights for %d target coefficients", t.Name, len(t.Weight), len(t.Target))
		}
	}
	for _, b := range []struct {
		name string
		x    *stlayer.Maps
	}{{"lower box bound", l.BoxLo}, {"upper box bound", l.BoxHi}} {
		if b.x != nil && (b.x.B != u.B || b.x.M != u.M || b.x.N != u.N || len(b.x.Data) != len(u.Data)) {
			return inputErrorf("separation loss: %s is [%d, %d, %d] with %d values, the unknowns [%d, %d, %d]", b.name, b.x.B, b.x.M, b.x.N, len(b.x.Data), u.B, u.M, u.N)
		}
	}
	if l.Frozen != nil && len(l.Frozen) != u.M*u.N {
		return inputErrorf("separation loss: the frozen mask has %d pixels, the maps %d", len(l.Frozen), u.M*u.N)
	}
	return nil
}

// Stage is one stage of a separation: the terms active in it (indices into
// SepLoss.Terms), the number of L-BFGS iterations, and the number of epochs
// they are split into (≤ 1: one; 0 steps: the stage is skipped, negative
// steps are an input error). Every epoch restarts L-BFGS after the terms'
// Update (fresh samples, σ, bias at the current point). Label, if not
// empty, is how Separate's errors name the stage (default "stage <i+1>",
// i its index in the stages given to Separate); BuildSeparation sets it to
// the stage's number (SeparationSetup.StageNumber: its position in
// SeparationOptions.Stages, or SepStage.Number), which differs from its
// index in SeparationSetup.Stages once a stage is skipped.
type Stage struct {
	Terms  []int
	Steps  int
	Epochs int
	Label  string
}

// label names the stage of index si in errors.
func (st Stage) label(si int) string {
	if st.Label != "" {
		return st.Label
	}
	return fmt.Sprintf("stage %d", si+1)
}

// SepConfig configures Separate: the optimiser settings (Steps and MaxEvals
// are ignored: each epoch runs its share of its stage's steps, with
// Minimize's default cap of 4·steps+20 evaluations; Progress receives Iter
// counted over all stages and epochs) and an optional hook called at the
// start of every epoch, after the terms' updates, with the index of the
// stage in the stages given to Separate.
type SepConfig struct {
	SynthConfig
	OnEpoch func(stage, epoch int, active []*SepTerm)
	// checkEpoch, if non-nil, is called after every epoch whose L-BFGS run
	// returned no error, with the stage index, the epoch, the maps it
	// started from and its result; an error it returns stops Separate
	// (RunSeparation: a stage stuck at a zero residual).
	checkEpoch func(stage, epoch int, start *stlayer.Maps, res *Result) error
}

// Separate runs the stages in order from the initial unknowns u0 (Auclair
// 2024: start from d; first the data term alone, then all terms). At the start
// of every epoch of a stage it calls Update of each active term (with a random
// stream deterministic in seed), then runs L-BFGS for the epoch's share of the
// stage's steps from the current maps. It returns the final unknowns and the
// result of every epoch. On cancellation or divergence the best maps so far
// are returned with the error (a context cancelled before an epoch starts
// stops it before the terms' updates).
//
// While it runs, loss.Terms holds the active terms of the running stage
// (restored to all terms on return, errors included): the loss must not be
// evaluated or changed concurrently.
//
// A nil loss or engine, starting unknowns that are nil, empty, whose Data
// length is not B·M·N or that hold non-finite pixels, a stage with negative
// Steps and a stage naming a term that does not exist are input errors
// (ErrModelInput).
func Separate(ctx context.Context, loss *SepLoss, u0 *stlayer.Maps, stages []Stage, seed uint64, cfg SepConfig) (*stlayer.Maps, []*Result, error) {
	if loss == nil || loss.Engine == nil {
		return u0, nil, inputErrorf("separation: no loss or no engine (nil)")
	}
	if err := checkFiniteMaps("starting unknowns", u0, 0); err != nil {
		return u0, nil, err
	}
	for si, st := range stages {
		if st.Steps < 0 {
			return u0, nil, inputErrorf("%s: %d steps, want ≥ 0", st.label(si), st.Steps)
		}
		for _, i := range st.Terms {
			if i < 0 || i >= len(loss.Terms) {
				return u0, nil, inputErrorf("%s: no term %d (the loss has %d)", st.label(si), i, len(loss.Terms))
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5e9))
	u := u0
	var results []*Result
	all := loss.Terms
	defer func() { loss.Terms = all }()
	done := 0
	for si, st := range stages {
		var active []*SepTerm
		for _, i := range st.Terms {
			if i < 0 || i >= len(all) {
				return u, results, fmt.Errorf("%s: no term %d", st.label(si), i)
			}
			active = append(active, all[i])
		}
		// Epochs beyond the step count would get no step: cap them (an
		// absurd Epochs would otherwise loop over empty epochs for ages).
		epochs := max(1, min(st.Epochs, st.Steps))
		for e := 0; e < epochs; e++ {
			steps := st.Steps / epochs
			if e < st.Steps%epochs {
				steps++
			}
			if steps == 0 {
				continue
			}
			if err := ctx.Err(); err != nil {
				return u, results, fmt.Errorf("%s: %w", st.label(si), err)
			}
			for _, t := range active {
				if t.Update != nil {
					if err := t.Update(u, rng, si); err != nil {
						return u, results, fmt.Errorf("%s: term %s: %w", st.label(si), t.Name, err)
					}
				}
			}
			if cfg.OnEpoch != nil {
				cfg.OnEpoch(si, e, active)
			}
			loss.Terms = active
			c := cfg.SynthConfig
			c.Steps = steps
			c.MaxEvals = 0
			if cfg.Progress != nil {
				off := done
				c.Progress = func(p Progress) {
					p.Iter += off
					cfg.Progress(p)
				}
			}
			from := u
			res, err := Minimize(ctx, loss, u, c)
			if res != nil {
				results = append(results, res)
				u = res.Maps
				done += res.Iters
			}
			if err != nil {
				return u, results, fmt.Errorf("%s: %w", st.label(si), err)
			}
			if cfg.checkEpoch != nil {
				if err := cfg.checkEpoch(si, e, from, res); err != nil {
					return u, results, fmt.Errorf("%s: %w", st.label(si), err)
				}
			}
		}
	}
	return u, results, nil
}

// StatsOf evaluates op on maps and returns the mean vector and the per-
// coefficient std over the batch (std nil when B < 2). A nil engine or
// statistic and maps that are nil, empty or whose Data length is not B·M·N
// are input errors (ErrModelInput).
func StatsOf(eng stlayer.Engine, op StatOp, maps *stlayer.Maps) (mean []complex128, std []float64, err error) {
	if eng == nil || op == nil {
		return nil, nil, inputErrorf("statistics: no engine or statistic (nil)")
	}
	if err := checkMaps("maps", maps, 0); err != nil {
		return nil, nil, err
	}
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), maps, 0, nil)
	if err != nil {
		return nil, nil, shapeAsInput(err)
	}
	k := c.PerMap()
	mean = make([]complex128, k)
	for b := 0; b < c.B; b++ {
		for i, v := range c.Row(b) {
			mean[i] += v / complex(float64(c.B), 0)
		}
	}
	if c.B >= 2 {
		std = make([]float64, k)
		for b := 0; b < c.B; b++ {
			for i, v := range c.Row(b) {
				d := v - mean[i]
				std[i] += (real(d)*real(d) + imag(d)*imag(d)) / float64(c.B-1)
			}
		}
		for i := range std {
			std[i] = math.Sqrt(std[i])
		}
	}
	return mean, std, nil
}

// StdWeights returns the whitening weights W_k = 1/(K' σ_k²) of a
// std-normalised loss term, so that the term is the mean of (ΔΦ_k/σ_k)² over
// the K' kept coefficients. A coefficient is kept when keep is nil or
// keep[k], and σ_k > floor · (|mean_k| + max σ) (coefficients that do not
// vary over the samples, up to rounding, carry no information and would
// divide by zero); the others get W_k = 0, as do coefficients whose σ_k
// or mean is not finite (they do not enter max σ either). mean may be nil
// (taken as 0); keep and a non-nil mean have len(std) entries.
func StdWeights(mean []complex128, std []float64, floor float64, keep []bool) []float64 {
	usable := func(k int) bool {
		s := std[k]
		if math.IsNaN(s) || math.IsInf(s, 0) || (keep != nil && !keep[k]) {
			return false
		}
		return mean == nil || !(cmplx.IsNaN(mean[k]) || cmplx.IsInf(mean[k]))
	}
	mx := 0.0
	for k, s := range std {
		if usable(k) {
			mx = math.Max(mx, s)
		}
	}
	w := make([]float64, len(std))
	n := 0
	for k, s := range std {
		ref := mx
		if mean != nil {
			ref += math.Hypot(real(mean[k]), imag(mean[k]))
		}
		if usable(k) && s > floor*ref && s > 0 {
			w[k] = 1 / (s * s)
			n++
		}
	}
	for k := range w {
		w[k] /= float64(max(1, n))
	}
	return w
}
