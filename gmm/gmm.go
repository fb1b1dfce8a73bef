// Package gmm fits Gaussian mixture models on the host (gonum, float64) and evaluates diagonal
// Gaussian mixtures inside GoMLX graphs.
//
// Conventions used throughout the package:
//
//   - Data are row-major matrices X of shape [n, d] (one sample per row), *mat.Dense.
//   - A mixture has K components with weights π_k (Σ π_k = 1), means μ_k ∈ R^d and covariances Σ_k
//     (full d×d, or diagonal with variances v_k ∈ R^d).
//   - Densities are natural-log densities:
//     log p(x) = log Σ_k π_k N(x; μ_k, Σ_k),
//     log N(x; μ, Σ) = −½ [d·log(2π) + log det Σ + (x−μ)ᵀ Σ⁻¹ (x−μ)].
//   - Responsibilities r_ik = π_k N(x_i; μ_k, Σ_k) / p(x_i), shape [n, K], rows sum to 1.
//   - BIC = −2·L + P·ln n, with L = Σ_i log p(x_i) the total log-likelihood and P the number of free
//     parameters: (K−1) weights + K·d means + K·d(d+1)/2 (full) or K·d (diagonal) covariance entries.
//     Lower BIC is better.
//
// EM is initialised like scikit-learn's default "kmeans" initialisation — k-means++ seeding
// (seeded, deterministic), Lloyd iterations, one-hot responsibilities from the k-means labels —
// except that the seeding is the plain k-means++ rule (KMeansPlusPlus: one draw per centre, where
// scikit-learn's greedy variant draws 2 + ⌊ln K⌋ candidates and keeps the best) and that Lloyd stops
// after Options.KMeansIter iterations (default 10) where scikit-learn runs it to convergence (up
// to 300). A small ridge (Options.Reg) is added to every covariance diagonal
// to keep it positive definite. A component that ends up with no rows (e.g. K above the number of
// distinct rows) keeps a weight of order 1e-15/n; its mean and covariance then estimate nothing.
package gmm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// CovType selects the covariance structure of the mixture components.
type CovType int

const (
	// Full covariance: one symmetric positive-definite d×d matrix per component.
	Full CovType = iota
	// Diag covariance: one vector of d variances per component (axis-aligned ellipsoids).
	Diag
)

// String returns "full" or "diag".
func (c CovType) String() string {
	switch c {
	case Full:
		return "full"
	case Diag:
		return "diag"
	}
	return fmt.Sprintf("CovType(%d)", int(c))
}

// Options configure Fit. Zero values select the documented defaults; negative values are errors,
// except for Reg and KMeansIter, where they mean none.
type Options struct {
	// K is the number of components (required, ≥ 1).
	K int
	// Cov is the covariance structure (default Full).
	Cov CovType
	// MaxIter bounds the number of EM iterations per initialisation (0: the default 200; negative:
	// an error).
	MaxIter int
	// Tol stops EM when the change of the mean per-sample log-likelihood between two iterations is
	// below Tol (0: the default 1e-6; negative: an error).
	Tol float64
	// Reg is added to every covariance diagonal entry after each M-step (0: the default 1e-6, as
	// scikit-learn's reg_covar). Set a negative value for exactly zero.
	Reg float64
	// Seed seeds the k-means++ initialisation (math/rand/v2 PCG). The same seed gives the same fit.
	Seed uint64
	// NInit is the number of initialisations; the fit with the highest log-likelihood is kept
	// (0: the default 1; negative: an error). Initialisation i uses the stream (Seed, i).
	NInit int
	// KMeansIter is the number of Lloyd iterations after k-means++ seeding (default 10; 0 keeps the
	// default, a negative value uses the seeds directly).
	KMeansIter int
}

func (o Options) withDefaults() Options {
	if o.MaxIter == 0 {
		o.MaxIter = 200
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.Reg == 0 {
		o.Reg = 1e-6
	} else if o.Reg < 0 {
		o.Reg = 0
	}
	if o.NInit == 0 {
		o.NInit = 1
	}
	if o.KMeansIter == 0 {
		o.KMeansIter = 10
	} else if o.KMeansIter < 0 {
		o.KMeansIter = 0
	}
	return o
}

// Model is a fitted Gaussian mixture.
type Model struct {
	// K is the number of components and D the data dimension.
	K, D int
	// Cov is the covariance structure.
	Cov CovType
	// Weights are the mixture weights π_k, length K, summing to 1.
	Weights []float64
	// Means are the component means μ_k: Means[k] has length D.
	Means [][]float64
	// Covs holds the full covariances Σ_k (Cov == Full); nil for Diag.
	Covs []*mat.SymDense
	// Vars holds the diagonal variances v_k (Cov == Diag): Vars[k] has length D; nil for Full.
	Vars [][]float64
	// LogLik is the total training log-likelihood L = Σ_i log p(x_i) at the end of the fit.
	LogLik float64
	// Iter is the number of EM iterations run by the kept initialisation.
	Iter int
	// Converged reports whether the kept initialisation met the tolerance within MaxIter iterations
	// (possibly at the last one: Iter == MaxIter with Converged true).
	Converged bool
	// NSamples is the number of training samples.
	NSamples int
}

// factors are the per-component quantities the densities need, derived from a model's exported
// fields. They are recomputed for every evaluation (never cached on the Model), so a model whose
// fields are edited after a fit or a first evaluation is evaluated with its current values.
type factors struct {
	chol   []*mat.TriDense // full: inverse L⁻¹ of the lower Cholesky factor (Σ = L Lᵀ)
	logDet []float64       // log det Σ_k
}

// Fit runs EM on the rows of x (shape [n, d]) with the given options.
//
// Refused with an error naming the problem: a nil x; K < 1 or K larger than the number of rows;
// an unknown Cov; a NaN or infinite value in x (the error names its row and column) or in
// Options.Reg or Options.Tol; a negative Options.Tol, MaxIter or NInit; data whose magnitudes would overflow float64 in EM (|x| or a
// column's range above √(MaxFloat64/(n·d))/4; rescale such data first). A fit that still ends with
// a non-finite log-likelihood is an error, never a model with NaN parameters, and so is a
// covariance that EM makes singular (a component on duplicate or collinear rows with too small an
// Options.Reg): the error names the component and the ridge in use. With NInit > 1 a failed
// initialisation is skipped; Fit fails only when all of them do.
func Fit(x *mat.Dense, opt Options) (*Model, error) {
	if x == nil {
		return nil, errors.New("gmm: nil data matrix")
	}
	n, _ := x.Dims()
	if opt.K < 1 {
		return nil, fmt.Errorf("gmm: Options.K (the number of components) must be ≥ 1, got %d", opt.K)
	}
	if n < opt.K {
		return nil, fmt.Errorf("gmm: Options.K = %d components need at least %d samples (rows of the data), got %d; lower Options.K", opt.K, opt.K, n)
	}
	if opt.Cov != Full && opt.Cov != Diag {
		return nil, fmt.Errorf("gmm: unknown Options.Cov %d (want gmm.Full or gmm.Diag)", int(opt.Cov))
	}
	if err := checkFinite(x); err != nil {
		return nil, err
	}
	if math.IsNaN(opt.Reg) || math.IsInf(opt.Reg, 0) {
		return nil, fmt.Errorf("gmm: Options.Reg must be finite, got %g", opt.Reg)
	}
	if math.IsNaN(opt.Tol) || math.IsInf(opt.Tol, 0) {
		return nil, fmt.Errorf("gmm: Options.Tol must be finite, got %g", opt.Tol)
	}
	// Negative values of these used to be replaced by the defaults without a word.
	if opt.Tol < 0 {
		return nil, fmt.Errorf("gmm: Options.Tol must be ≥ 0 (0: the default 1e-6), got %g", opt.Tol)
	}
	if opt.MaxIter < 0 {
		return nil, fmt.Errorf("gmm: Options.MaxIter must be ≥ 0 (0: the default 200 EM iterations), got %d", opt.MaxIter)
	}
	if opt.NInit < 0 {
		return nil, fmt.Errorf("gmm: Options.NInit must be ≥ 0 (0: the default, 1 initialisation), got %d", opt.NInit)
	}
	if err := checkMagnitude(x); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	var best *Model
	var lastErr error
	for run := 0; run < opt.NInit; run++ {
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(run)))
		m, err := fitOnce(x, opt, rng)
		if err != nil {
			lastErr = err
			continue
		}
		if best == nil || m.LogLik > best.LogLik {
			best = m
		}
	}
	if best == nil {
		if opt.NInit == 1 {
			return nil, lastErr
		}
		return nil, &prefixed{msg: fmt.Sprintf("gmm: all %d initialisations failed; the last: ", opt.NInit), err: lastErr}
	}
	return best, nil
}

// checkMagnitude refuses data for which the sums of squared deviations of k-means++ and EM could
// overflow float64: every |x_ij| and every column range must stay below √(MaxFloat64/(n·d))/4.
func checkMagnitude(x *mat.Dense) error {
	n, d := x.Dims()
	limit := math.Sqrt(math.MaxFloat64/float64(n*d)) / 4
	for j := 0; j < d; j++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < n; i++ {
			v := x.At(i, j)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if m := math.Max(math.Abs(lo), math.Abs(hi)); m > limit || hi-lo > limit {
			return fmt.Errorf("gmm: column %d holds values up to %g (range %g), which overflow float64 in k-means++ and EM "+
				"for n=%d, d=%d (limit %g); rescale the data", j, m, hi-lo, n, d, limit)
		}
	}
	return nil
}

func fitOnce(x *mat.Dense, opt Options, rng *rand.Rand) (*Model, error) {
	n, d := x.Dims()
	K := opt.K
	centers, err := KMeansPlusPlus(x, K, rng)
	if err != nil {
		return nil, err
	}
	labels := lloyd(x, centers, opt.KMeansIter)
	resp := mat.NewDense(n, K, nil)
	for i, l := range labels {
		resp.Set(i, l, 1)
	}
	m := &Model{K: K, D: d, Cov: opt.Cov, NSamples: n}
	f, err := m.mStep(x, resp, opt.Reg)
	if err != nil {
		return nil, err
	}
	prev := math.Inf(-1)
	logp := mat.NewDense(n, K, nil)
	for it := 1; it <= opt.MaxIter; it++ {
		m.componentLogProb(x, logp, f)
		ll := responsibilitiesFromLog(logp, resp)
		m.LogLik = ll
		m.Iter = it
		if math.Abs(ll-prev)/float64(n) < opt.Tol {
			m.Converged = true
			break
		}
		prev = ll
		if f, err = m.mStep(x, resp, opt.Reg); err != nil {
			return nil, err
		}
	}
	// Final log-likelihood consistent with the returned parameters.
	m.componentLogProb(x, logp, f)
	m.LogLik = responsibilitiesFromLog(logp, resp)
	if math.IsNaN(m.LogLik) || math.IsInf(m.LogLik, 0) {
		return nil, fmt.Errorf("gmm: EM ended with a non-finite log-likelihood %g (overflow or degenerate data; rescale the data or raise Options.Reg)", m.LogLik)
	}
	return m, nil
}

// mStep sets weights, means and covariances from responsibilities resp [n, K] and returns the
// factors of the new covariances.
func (m *Model) mStep(x *mat.Dense, resp *mat.Dense, reg float64) (factors, error) {
	n, d := x.Dims()
	K := m.K
	// tiny (scikit-learn's 10·eps) keeps the weight of an empty component > 0 and its mean and
	// covariance finite. Means and covariances divide by the responsibility sum itself (tiny only
	// below tiny): adding it to every divisor, as scikit-learn does, shrinks each mean towards 0 by
	// a relative tiny/Σr, which for data far from 0 (an offset of 1e8 with a spread of 0.01) leaks
	// the offset into the variances.
	const tiny = 10 * 0x1p-52
	nk := make([]float64, K)
	for k := 0; k < K; k++ {
		s := 0.0
		for i := 0; i < n; i++ {
			s += resp.At(i, k)
		}
		nk[k] = s
	}
	m.Weights = make([]float64, K)
	for k := range nk {
		m.Weights[k] = (nk[k] + tiny) / (float64(n) + float64(K)*tiny)
		nk[k] = math.Max(nk[k], tiny)
	}
	// Means: μ = respᵀ X / nk.
	var sums mat.Dense
	sums.Mul(resp.T(), x)
	m.Means = make([][]float64, K)
	for k := 0; k < K; k++ {
		mu := make([]float64, d)
		for j := 0; j < d; j++ {
			mu[j] = sums.At(k, j) / nk[k]
		}
		m.Means[k] = mu
	}
	switch m.Cov {
	case Diag:
		m.Vars = make([][]float64, K)
		m.Covs = nil
		for k := 0; k < K; k++ {
			v := make([]float64, d)
			mu := m.Means[k]
			for i := 0; i < n; i++ {
				r := resp.At(i, k)
				if r == 0 {
					continue
				}
				row := x.RawRowView(i)
				for j := 0; j < d; j++ {
					df := row[j] - mu[j]
					v[j] += r * df * df
				}
			}
			for j := range v {
				v[j] = v[j]/nk[k] + reg
				if !(v[j] > 0) {
					return factors{}, fmt.Errorf("gmm: EM gave component %d zero variance along axis %d: %s", k, j, singularHint(reg))
				}
			}
			m.Vars[k] = v
		}
	case Full:
		m.Covs = make([]*mat.SymDense, K)
		m.Vars = nil
		w := mat.NewDense(n, d, nil)
		for k := 0; k < K; k++ {
			mu := m.Means[k]
			for i := 0; i < n; i++ {
				s := math.Sqrt(resp.At(i, k))
				row := x.RawRowView(i)
				wr := w.RawRowView(i)
				for j := 0; j < d; j++ {
					wr[j] = s * (row[j] - mu[j])
				}
			}
			cov := mat.NewSymDense(d, nil)
			cov.SymOuterK(1/nk[k], w.T())
			for j := 0; j < d; j++ {
				cov.SetSym(j, j, cov.At(j, j)+reg)
			}
			m.Covs[k] = cov
		}
	}
	f, err := m.factorize()
	if err != nil {
		return factors{}, fmt.Errorf("%w after an EM step: %s", err, singularHint(reg))
	}
	return f, nil
}

// singularHint says why EM can make a covariance singular and which option to change; reg is the
// ridge in use (Options.Reg after defaults).
func singularHint(reg float64) string {
	const why = "the rows it holds are duplicates or lie in a lower-dimensional subspace, and "
	if reg == 0 {
		return why + "no ridge is added to its diagonal (Options.Reg < 0); set Options.Reg ≥ 0 " +
			"(0 selects the default 1e-6) or lower Options.K"
	}
	return why + fmt.Sprintf("the ridge Options.Reg = %g added to its diagonal is too small for data of this scale; "+
		"raise Options.Reg, rescale the data or lower Options.K", reg)
}

// factorize computes the Cholesky factors (full) and log-determinants of the current covariances.
func (m *Model) factorize() (factors, error) {
	f := factors{logDet: make([]float64, m.K)}
	switch m.Cov {
	case Diag:
		for k := 0; k < m.K; k++ {
			s := 0.0
			for _, v := range m.Vars[k] {
				s += math.Log(v)
			}
			f.logDet[k] = s
		}
	case Full:
		f.chol = make([]*mat.TriDense, m.K)
		for k := 0; k < m.K; k++ {
			var ch mat.Cholesky
			if ok := ch.Factorize(m.Covs[k]); !ok {
				return factors{}, fmt.Errorf("gmm: covariance of component %d is not positive definite", k)
			}
			f.logDet[k] = ch.LogDet()
			var l mat.TriDense
			ch.LTo(&l)
			var linv mat.TriDense
			if err := linv.InverseTri(&l); err != nil {
				return factors{}, fmt.Errorf("gmm: inverting Cholesky factor of component %d: %w", k, err)
			}
			f.chol[k] = &linv
		}
	}
	return f, nil
}

// componentLogProb fills out[i,k] = log π_k + log N(x_i; μ_k, Σ_k) with the factors f of m's
// covariances.
func (m *Model) componentLogProb(x *mat.Dense, out *mat.Dense, f factors) {
	n, d := x.Dims()
	c := float64(d) * math.Log(2*math.Pi)
	diff := mat.NewDense(n, d, nil)
	var y mat.Dense
	for k := 0; k < m.K; k++ {
		mu := m.Means[k]
		lw := math.Log(m.Weights[k])
		switch m.Cov {
		case Diag:
			v := m.Vars[k]
			for i := 0; i < n; i++ {
				row := x.RawRowView(i)
				s := 0.0
				for j := 0; j < d; j++ {
					df := row[j] - mu[j]
					s += df * df / v[j]
				}
				out.Set(i, k, lw-0.5*(c+f.logDet[k]+s))
			}
		case Full:
			for i := 0; i < n; i++ {
				row := x.RawRowView(i)
				dr := diff.RawRowView(i)
				for j := 0; j < d; j++ {
					dr[j] = row[j] - mu[j]
				}
			}
			// y = diff · L⁻ᵀ, so |y_i|² = (x_i−μ)ᵀ Σ⁻¹ (x_i−μ).
			y.Reset()
			y.Mul(diff, f.chol[k].T())
			for i := 0; i < n; i++ {
				yr := y.RawRowView(i)
				s := 0.0
				for _, v := range yr {
					s += v * v
				}
				out.Set(i, k, lw-0.5*(c+f.logDet[k]+s))
			}
		}
	}
}

// responsibilitiesFromLog normalises the rows of logp into resp and returns Σ_i logsumexp_k logp[i,k].
func responsibilitiesFromLog(logp, resp *mat.Dense) float64 {
	n, K := logp.Dims()
	total := 0.0
	for i := 0; i < n; i++ {
		row := logp.RawRowView(i)
		lse := logSumExp(row)
		total += lse
		rr := resp.RawRowView(i)
		for k := 0; k < K; k++ {
			rr[k] = math.Exp(row[k] - lse)
		}
	}
	return total
}

func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		if x > mx {
			mx = x
		}
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

// check validates the model (validate) and the data x (non-nil, m.D columns, finite values) and
// returns the per-component factors of the model's current covariances.
func (m *Model) check(x *mat.Dense) (factors, error) {
	if err := m.validate(); err != nil {
		return factors{}, err
	}
	if x == nil {
		return factors{}, errors.New("gmm: nil data matrix")
	}
	_, d := x.Dims()
	if d != m.D {
		return factors{}, fmt.Errorf("gmm: data have %d columns, model has dimension %d", d, m.D)
	}
	if err := checkFinite(x); err != nil {
		return factors{}, err
	}
	return m.factorize()
}

// validate checks that the exported fields of a (possibly hand-built) model agree: K ≥ 1, D ≥ 1, a
// known Cov, K finite non-negative weights summing to 1 (within 1e-6), K finite means of length D,
// and K positive finite variance vectors of length D (Diag) or K finite D×D covariances (Full).
func (m *Model) validate() error {
	if m == nil {
		return errors.New("gmm: nil model")
	}
	if m.K < 1 || m.D < 1 {
		return fmt.Errorf("gmm: model needs K ≥ 1 and D ≥ 1, has K=%d D=%d", m.K, m.D)
	}
	if m.Cov != Full && m.Cov != Diag {
		return fmt.Errorf("gmm: unknown covariance type Model.Cov = %d (want gmm.Full or gmm.Diag)", int(m.Cov))
	}
	if len(m.Weights) != m.K {
		return fmt.Errorf("gmm: model has %d weights for K=%d", len(m.Weights), m.K)
	}
	sum := 0.0
	for k, w := range m.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("gmm: weight %d is %g (want finite and ≥ 0)", k, w)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("gmm: weights sum to %g, not 1", sum)
	}
	if len(m.Means) != m.K {
		return fmt.Errorf("gmm: model has %d means for K=%d", len(m.Means), m.K)
	}
	for k, mu := range m.Means {
		if len(mu) != m.D {
			return fmt.Errorf("gmm: mean %d has length %d, want D=%d", k, len(mu), m.D)
		}
		for j, v := range mu {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("gmm: mean %d has a non-finite entry %g at %d", k, v, j)
			}
		}
	}
	switch m.Cov {
	case Diag:
		if len(m.Vars) != m.K {
			return fmt.Errorf("gmm: diagonal model has %d variances vectors for K=%d", len(m.Vars), m.K)
		}
		for k, v := range m.Vars {
			if len(v) != m.D {
				return fmt.Errorf("gmm: variance vector %d has length %d, want D=%d", k, len(v), m.D)
			}
			for j, x := range v {
				if !(x > 0) || math.IsInf(x, 0) {
					return fmt.Errorf("gmm: variance %d of component %d is %g (want finite and > 0)", j, k, x)
				}
			}
		}
	case Full:
		if len(m.Covs) != m.K {
			return fmt.Errorf("gmm: full model has %d covariances for K=%d", len(m.Covs), m.K)
		}
		for k, c := range m.Covs {
			if c == nil || c.SymmetricDim() != m.D {
				dim := 0
				if c != nil {
					dim = c.SymmetricDim()
				}
				return fmt.Errorf("gmm: covariance %d is %d×%d, want D×D = %d×%d", k, dim, dim, m.D, m.D)
			}
			for i := 0; i < m.D; i++ {
				for j := 0; j <= i; j++ {
					if v := c.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
						return fmt.Errorf("gmm: covariance %d has a non-finite entry %g at (%d, %d)", k, v, i, j)
					}
				}
			}
		}
	}
	return nil
}

// ComponentLogProb returns the [n, K] matrix log π_k + log N(x_i; μ_k, Σ_k).
//
// It and the other evaluation methods (LogProb, LogLikelihood, Responsibilities, Predict, BIC)
// refuse with an error a nil model, a model whose exported fields disagree (lengths against K and
// D, weights not ≥ 0 or not summing to 1, non-finite means, non-positive variances, covariances
// that are not D×D, not finite or not positive definite), a nil x, an x with another number of columns than D
// and a NaN or infinite value in x (named by row and column).
func (m *Model) ComponentLogProb(x *mat.Dense) (*mat.Dense, error) {
	f, err := m.check(x)
	if err != nil {
		return nil, err
	}
	n, _ := x.Dims()
	out := mat.NewDense(n, m.K, nil)
	m.componentLogProb(x, out, f)
	return out, nil
}

// LogProb returns the per-sample log-density log p(x_i), length n.
func (m *Model) LogProb(x *mat.Dense) ([]float64, error) {
	lp, err := m.ComponentLogProb(x)
	if err != nil {
		return nil, err
	}
	n, _ := lp.Dims()
	out := make([]float64, n)
	for i := range out {
		out[i] = logSumExp(lp.RawRowView(i))
	}
	return out, nil
}

// LogLikelihood returns the total log-likelihood Σ_i log p(x_i).
func (m *Model) LogLikelihood(x *mat.Dense) (float64, error) {
	lp, err := m.LogProb(x)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for _, v := range lp {
		s += v
	}
	return s, nil
}

// Responsibilities returns r_ik = P(component k | x_i), shape [n, K]; every row is finite and
// sums to 1.
//
// They are normalised in the log domain (log-sum-exp over k). A row so far from every component
// that all its log-densities underflow to −Inf (a squared Mahalanobis distance (x−μ_k)ᵀΣ_k⁻¹(x−μ_k)
// above MaxFloat64 ≈ 1.8e308 for every k, e.g. |x−μ|/σ ≳ 1.3e154; ComponentLogProb and LogProb
// give −Inf there) is normalised from the distances rescaled by a common power of two: the
// component of smallest squared distance gets responsibility 1 and the others 0 (their
// log-densities are lower by more than 1e290); components tied at that distance in float64 share
// it in proportion to π_k·det(Σ_k)^(−½). Predict picks from these responsibilities for such rows.
func (m *Model) Responsibilities(x *mat.Dense) (*mat.Dense, error) {
	lp, err := m.ComponentLogProb(x)
	if err != nil {
		return nil, err
	}
	n, K := lp.Dims()
	resp := mat.NewDense(n, K, nil)
	responsibilitiesFromLog(lp, resp)
	if err := m.farRows(x, lp, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// farRows recomputes the rows of resp whose component log-densities lp are all −Inf (see
// Responsibilities) from rescaled squared Mahalanobis distances.
func (m *Model) farRows(x, lp, resp *mat.Dense) error {
	n, K := lp.Dims()
	var f factors
	var fok bool
	t, u := make([]float64, K), make([]float64, K)
	e := make([]int, K)
	for i := 0; i < n; i++ {
		if !allNegInf(lp.RawRowView(i)) {
			continue
		}
		if !fok {
			var err error
			if f, err = m.factorize(); err != nil {
				return err
			}
			fok = true
		}
		m.scaledMaha(x.RawRowView(i), f, t, e)
		// Squared distance s_k = t_k·2^(2·e_k). Bring all to the largest exponent E, subtract the
		// smallest (over components of non-zero weight) and scale back: a_k = log π_k − ½ log det Σ_k
		// − ½ (s_k − s_min) is finite for the nearest components and −Inf for the others.
		E := math.MinInt
		for k := 0; k < K; k++ {
			if t[k] > 0 && e[k] > E {
				E = e[k]
			}
		}
		if E == math.MinInt {
			E = 0
		}
		umin := math.Inf(1)
		for k := 0; k < K; k++ {
			u[k] = 0
			if t[k] > 0 {
				u[k] = math.Ldexp(t[k], 2*(e[k]-E))
			}
			if m.Weights[k] > 0 && u[k] < umin {
				umin = u[k]
			}
		}
		a := resp.RawRowView(i)
		for k := 0; k < K; k++ {
			a[k] = math.Inf(-1) // weight 0: nearer than umin is possible, and −Inf + Inf is NaN
			if m.Weights[k] > 0 {
				a[k] = math.Log(m.Weights[k]) - 0.5*f.logDet[k] - 0.5*math.Ldexp(u[k]-umin, 2*E)
			}
		}
		lse := logSumExp(a)
		for k := range a {
			a[k] = math.Exp(a[k] - lse)
		}
	}
	return nil
}

func allNegInf(v []float64) bool {
	for _, x := range v {
		if !math.IsInf(x, -1) {
			return false
		}
	}
	return true
}

// scaledMaha writes, for every component k, the squared Mahalanobis distance of row to μ_k as
// t[k]·2^(2·e[k]) with t[k] of order 1 (0 when row = μ_k), without overflow for any finite row,
// mean and covariance (f holds the factors of m's covariances).
func (m *Model) scaledMaha(row []float64, f factors, t []float64, e []int) {
	d := len(row)
	h := make([]float64, d) // (x − μ)/2, which cannot overflow
	for k := 0; k < m.K; k++ {
		mu := m.Means[k]
		hmax := 0.0
		for j := range h {
			h[j] = row[j]/2 - mu[j]/2
			hmax = math.Max(hmax, math.Abs(h[j]))
		}
		t[k], e[k] = 0, 0
		if hmax == 0 {
			continue
		}
		switch m.Cov {
		case Diag:
			// w_j = (x_j − μ_j)/σ_j = (fh/fs)·2^(eh−es+1) from the binary exponents of h_j and σ_j.
			ws := make([]float64, d)
			we := make([]int, d)
			emax := math.MinInt
			for j, v := range m.Vars[k] {
				if h[j] == 0 {
					continue
				}
				fh, eh := math.Frexp(h[j])
				fs, es := math.Frexp(math.Sqrt(v))
				ws[j], we[j] = fh/fs, eh-es+1
				emax = max(emax, we[j])
			}
			s := 0.0
			for j := range ws {
				if ws[j] != 0 {
					s += math.Ldexp(ws[j]*ws[j], 2*(we[j]-emax))
				}
			}
			t[k], e[k] = s, emax
		case Full:
			// y = L⁻¹(x − μ) with both factors scaled by powers of two to a largest entry < 1.
			_, eh := math.Frexp(hmax)
			linv := f.chol[k]
			lmax := 0.0
			for a := 0; a < d; a++ {
				for b := 0; b <= a; b++ {
					lmax = math.Max(lmax, math.Abs(linv.At(a, b)))
				}
			}
			_, el := math.Frexp(lmax)
			s := 0.0
			for a := 0; a < d; a++ {
				y := 0.0
				for b := 0; b <= a; b++ {
					y += math.Ldexp(linv.At(a, b), -el) * math.Ldexp(h[b], -eh)
				}
				s += y * y
			}
			t[k], e[k] = s, eh+el+1
		}
	}
}

// Predict returns argmax_k r_ik for every row (ties go to the lowest k).
func (m *Model) Predict(x *mat.Dense) ([]int, error) {
	lp, err := m.ComponentLogProb(x)
	if err != nil {
		return nil, err
	}
	n, K := lp.Dims()
	far := mat.NewDense(n, K, nil) // responsibilities of the rows Responsibilities rescales
	if err := m.farRows(x, lp, far); err != nil {
		return nil, err
	}
	out := make([]int, n)
	for i := range out {
		row := lp.RawRowView(i)
		if allNegInf(row) {
			row = far.RawRowView(i)
		}
		out[i] = argmax(row)
	}
	return out, nil
}

// NumParams returns the number of free parameters P used by BIC.
func (m *Model) NumParams() int {
	p := (m.K - 1) + m.K*m.D
	if m.Cov == Full {
		p += m.K * m.D * (m.D + 1) / 2
	} else {
		p += m.K * m.D
	}
	return p
}

// BIC returns −2·L(x) + P·ln n for the data x (usually the training data).
func (m *Model) BIC(x *mat.Dense) (float64, error) {
	ll, err := m.LogLikelihood(x)
	if err != nil {
		return 0, err
	}
	n, _ := x.Dims()
	if n == 0 {
		return 0, errors.New("gmm: BIC needs at least one row")
	}
	return -2*ll + float64(m.NumParams())*math.Log(float64(n)), nil
}

// SelectK fits one mixture per candidate K (all other options from opt) and returns the one with
// the lowest BIC together with the BIC of every candidate (same order as ks). A candidate that
// fails is an error "gmm: SelectK K=…: " followed by Fit's message (which it wraps).
func SelectK(x *mat.Dense, ks []int, opt Options) (*Model, []float64, error) {
	if len(ks) == 0 {
		return nil, nil, errors.New("gmm: SelectK needs at least one candidate K")
	}
	bics := make([]float64, len(ks))
	var best *Model
	bestBIC := math.Inf(1)
	for i, k := range ks {
		o := opt
		o.K = k
		m, err := Fit(x, o)
		if err == nil {
			bics[i], err = m.BIC(x)
		}
		if err != nil {
			return nil, nil, &prefixed{msg: fmt.Sprintf("gmm: SelectK K=%d: ", k), err: err}
		}
		b := bics[i]
		if b < bestBIC {
			bestBIC, best = b, m
		}
	}
	return best, bics, nil
}

// DiagParams returns the parameters of a diagonal mixture in the form LogProbGraph expects:
// means [K·D] and log-variances [K·D] (row-major, component-major) and logits [K] = log π_k.
// It fails for a full-covariance model and for a model that fails validation (nil, fields of
// inconsistent lengths, non-finite entries, negative weights, non-positive variances), and for a
// mean beyond float32's range (|μ| above ≈ 3.4e38, named by component and coordinate: it used to
// become ±Inf, making that component's log-densities NaN or −Inf everywhere); log-variances and
// logits of a valid model always fit float32. A zero weight gives the logit −Inf: that component
// has responsibility 0, its ComponentLogProbGraph column is −Inf (log π_k), and LogProbGraph,
// ResponsibilitiesGraph and their gradients stay finite.
func (m *Model) DiagParams() (means, logvars, logits []float32, err error) {
	if err := m.validate(); err != nil {
		return nil, nil, nil, err
	}
	if m.Cov != Diag {
		return nil, nil, nil, errors.New("gmm: DiagParams needs a diagonal-covariance model")
	}
	for k, mu := range m.Means {
		for j, v := range mu {
			if f := float64(float32(v)); math.IsInf(f, 0) {
				return nil, nil, nil, fmt.Errorf("gmm: DiagParams: mean %d coordinate %d is %g, beyond float32's range (largest %g): the graph parameters are float32; rescale the data", k, j, v, math.MaxFloat32)
			}
		}
	}
	means = make([]float32, m.K*m.D)
	logvars = make([]float32, m.K*m.D)
	logits = make([]float32, m.K)
	for k := 0; k < m.K; k++ {
		logits[k] = float32(math.Log(m.Weights[k]))
		for j := 0; j < m.D; j++ {
			means[k*m.D+j] = float32(m.Means[k][j])
			logvars[k*m.D+j] = float32(math.Log(m.Vars[k][j]))
		}
	}
	return means, logvars, logits, nil
}

func argmax(v []float64) int {
	b := 0
	for i, x := range v {
		if x > v[b] {
			b = i
		}
	}
	return b
}

// prefixed is an error that puts context before a gmm error without repeating its "gmm: " prefix:
// Error is msg followed by err's message less that prefix; Unwrap returns err.
type prefixed struct {
	msg string
	err error
}

func (e *prefixed) Error() string { return e.msg + strings.TrimPrefix(e.err.Error(), "gmm: ") }
func (e *prefixed) Unwrap() error { return e.err }

// checkFinite returns an error naming the first NaN or infinite entry of x.
func checkFinite(x *mat.Dense) error {
	n, _ := x.Dims()
	for i := 0; i < n; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("gmm: non-finite value at row %d column %d", i, j)
			}
		}
	}
	return nil
}
