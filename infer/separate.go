package infer

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/stkit-org/stkit/stlayer"
)

// Expr is an affine expression of the unknown component maps U_1..U_n, one
// map per batch element b:
//
//	x_b = Σ_u Coef[b][u] · U_u + Offset_b
//
// It expresses every argument of a separation loss term: s̃ + c_i (Coef 1,
// Offset c_i), d − s̃ (Coef −1, Offset d), the pair (s̃, d − s̃) of a cross
// statistic, and so on. Offset may be nil (zero).
type Expr struct {
	Coef   [][]float64
	Offset *stlayer.Maps
}

// B is the number of maps the expression produces.
func (e *Expr) B() int { return len(e.Coef) }

// eval builds the batch of maps from the unknowns u ([n, M, N]).
func (e *Expr) eval(u *stlayer.Maps) *stlayer.Maps {
	mn := u.M * u.N
	x := stlayer.NewMaps(e.B(), u.M, u.N)
	for b, coefs := range e.Coef {
		xb := x.Map(b)
		if e.Offset != nil {
			copy(xb, e.Offset.Map(b))
		}
		for k, c := range coefs {
			if c == 0 {
				continue
			}
			ub := u.Data[k*mn : (k+1)*mn]
			for i := range xb {
				xb[i] += c * ub[i]
			}
		}
	}
	return x
}

// backprop accumulates ∂ℒ/∂U from ∂ℒ/∂x.
func (e *Expr) backprop(gx []float64, gu []float64, mn int) {
	for b, coefs := range e.Coef {
		g := gx[b*mn : (b+1)*mn]
		for k, c := range coefs {
			if c == 0 {
				continue
			}
			dst := gu[k*mn : (k+1)*mn]
			for i := range g {
				dst[i] += c * g[i]
			}
		}
	}
}

// SepTerm is one term of a separation loss:
//
//	ℒ = Scale · (1/B) Σ_b Σ_k W_k |Φ_k(x_b) − T_k|²,  x = Expr(U)
//
// (for a cross statistic the "maps" of the batch are the pairs the statistic
// expects, and 1/B is taken over the Φ vectors it returns). Resample, if
// non-nil, is called at the start of each stage to draw new offsets (fresh
// contaminant samples).
type SepTerm struct {
	Name     string
	Op       StatOp
	Expr     Expr
	Target   []complex128
	Weight   []float64
	Scale    float64
	Resample func(rng *rand.Rand) *stlayer.Maps
}

// SepLoss is the objective of a separation: a weighted sum of SepTerms and
// pixel constraints over the unknown maps. It implements Objective with the
// unknowns as the batch.
type SepLoss struct {
	Engine stlayer.Engine
	Terms  []*SepTerm
	// Box, if non-nil, adds the penalty BoxWeight · mean((min(U−Lo,0))² +
	// (max(U−Hi,0))²) for every unknown (Lo/Hi of the same shape as U; e.g.
	// 0 ≤ s̃ ≤ d).
	BoxLo, BoxHi *stlayer.Maps
	BoxWeight    float64
	// Frozen, if non-nil (len M·N), marks pixels (true) that keep their initial
	// values: their gradient is zeroed.
	Frozen []bool
}

// Eval implements Objective.
func (l *SepLoss) Eval(u *stlayer.Maps) (float64, []float64, []float64, error) {
	mn := u.M * u.N
	grad := make([]float64, len(u.Data))
	parts := make([]float64, 0, len(l.Terms)+1)
	total := 0.0
	for _, t := range l.Terms {
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
			return 0, nil, nil, fmt.Errorf("term %s: %w", t.Name, err)
		}
		t.Expr.backprop(gx, grad, mn)
		parts = append(parts, f)
		total += f
	}
	if l.BoxLo != nil || l.BoxHi != nil {
		pen := 0.0
		w := l.BoxWeight / float64(len(u.Data))
		for i, v := range u.Data {
			if l.BoxLo != nil {
				if d := v - l.BoxLo.Data[i]; d < 0 {
					pen += w * d * d
					grad[i] += 2 * w * d
				}
			}
			if l.BoxHi != nil {
				if d := v - l.BoxHi.Data[i]; d > 0 {
					pen += w * d * d
					grad[i] += 2 * w * d
				}
			}
		}
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
	return total, parts, grad, nil
}

// Stage is one stage of a separation: the terms active in it (indices into
// SepLoss.Terms) and the number of L-BFGS iterations.
type Stage struct {
	Terms []int
	Steps int
}

// Separate runs the stages in order from the initial unknowns u0 (Auclair
// 2024: start from d; first the data term alone, then all terms), resampling
// the contaminant samples of every term that has a Resample function at the
// start of each stage (deterministic by seed). It returns the final unknowns
// and the results of each stage.
func Separate(ctx context.Context, loss *SepLoss, u0 *stlayer.Maps, stages []Stage, seed uint64, cfg SynthConfig) (*stlayer.Maps, []*Result, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5e9))
	u := u0
	var results []*Result
	all := loss.Terms
	defer func() { loss.Terms = all }()
	for si, st := range stages {
		var active []*SepTerm
		for _, i := range st.Terms {
			if i < 0 || i >= len(all) {
				return u, results, fmt.Errorf("stage %d: no term %d", si, i)
			}
			t := all[i]
			if t.Resample != nil {
				t.Expr.Offset = t.Resample(rng)
			}
			active = append(active, t)
		}
		loss.Terms = active
		c := cfg
		c.Steps = st.Steps
		res, err := Minimize(ctx, loss, u, c)
		if res != nil {
			results = append(results, res)
			u = res.Maps
		}
		if err != nil {
			return u, results, fmt.Errorf("stage %d: %w", si+1, err)
		}
	}
	return u, results, nil
}

// StatsOf evaluates op on maps and returns the mean vector and the per-
// coefficient std over the batch (std nil when B < 2).
func StatsOf(eng stlayer.Engine, op StatOp, maps *stlayer.Maps) (mean []complex128, std []float64, err error) {
	c, err := eng.Forward(op.Key(), op.Stat(), maps)
	if err != nil {
		return nil, nil, err
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

// StdWeights returns W_k = 1/(K σ_k²), masking coefficients with σ_k = 0 (or
// below floor × max σ).
func StdWeights(std []float64, floor float64) []float64 {
	mx := 0.0
	for _, s := range std {
		mx = math.Max(mx, s)
	}
	w := make([]float64, len(std))
	for i, s := range std {
		if s > floor*mx && s > 0 {
			w[i] = 1 / (float64(len(std)) * s * s)
		}
	}
	return w
}

// CrossSpectrumR returns the correlation coefficient r(k) = P_ab/√(P_a P_b)
// per half-octave bin (same binning as IsoPowerSpectrum) of two maps.
func CrossSpectrumR(a, b []float64, m, n int) (edges, r []float64) {
	pa := IsoPowerSpectrum(a, m, n)
	pb := IsoPowerSpectrum(b, m, n)
	sum := make([]float64, len(a))
	for i := range a {
		sum[i] = a[i] + b[i]
	}
	ps := IsoPowerSpectrum(sum, m, n)
	r = make([]float64, len(pa.P))
	for i := range r {
		// P_{a+b} = P_a + P_b + 2 P_ab
		pab := (ps.P[i] - pa.P[i] - pb.P[i]) / 2
		if pa.P[i] > 0 && pb.P[i] > 0 {
			r[i] = pab / math.Sqrt(pa.P[i]*pb.P[i])
		} else {
			r[i] = math.NaN()
		}
	}
	return pa.Edges, r
}
