package infer

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/stlayer"
)

// PatchSepOptions configure SeparateWithPatchPriors.
type PatchSepOptions struct {
	// Stride between the P×P patches of the data (default
	// DefaultPatchSepStride, 1; measured in
	// docs/experiments/research21_modelpatchgmm.go on
	// BenchmarkModelSeparationHeldOut with 8×8 priors: stride 1 gave a mean
	// worst-bin r of 0.754/0.787 against 0.745/0.784 at stride 2, for 3.5×
	// the time).
	Stride int
	// NoiseVar, when > 0, is the variance of a white noise added to the two
	// components (in the data's units², per pixel): NoiseVar·I is added to
	// Σ_k + Σ_l, and the result has a third map, the noise d − a − b.
	NoiseVar float64
	// Progress, if non-nil, is called after every batch of data patches
	// (patchPairBatch of them, 2048) with the patches done and their total:
	// a 1024² map at stride 1 has about 10⁶ patches, minutes of work.
	Progress func(done, total int)
	// Context, if non-nil, stops the estimate when cancelled (checked
	// before every batch of data patches): SeparateWithPatchPriors then
	// returns no maps and an error wrapping the context's (context.Canceled
	// for a cancel).
	Context context.Context
}

// DefaultPatchSepStride is the default PatchSepOptions.Stride.
const DefaultPatchSepStride = 1

// patchPairBatch is the number of data patches processed at once (bounds
// the memory: rows × pairs values for the weights).
const patchPairBatch = 2048

// SeparateWithPatchPriors splits the map data (one M×N map, M, N ≥ P) into
// two components with their patch priors a and b (the same P): for every
// P×P patch y of the data (at Stride, the last flush with the edge; not
// periodic) the posterior mean of a's patch under y = x_a + x_b (+ noise),
// x_a and x_b independent draws of the two mixtures,
//
//	E[x_a | y] = Σ_{k,l} w_kl(y) · (μ_k + Σ_k (Σ_k + Σ_l + s²I)⁻¹ (y − μ_k − μ_l)),
//	w_kl(y) ∝ π_k π_l N(y; μ_k + μ_l, Σ_k + Σ_l + s²I),
//
// (s² = NoiseVar) and the estimates of overlapping patches averaged per
// pixel. The result is [2, M, N]: a's map, then d − a's (with NoiseVar > 0,
// [3, M, N]: a's, b's by the same formula, then the noise d − a − b). With
// K = 1 for both priors this is the Wiener filter of the two Gaussian
// patch laws. Pair weights below 1e-6 of the largest are dropped.
//
// Measured (BenchmarkModelSeparationHeldOut's 30 held-out 64² dust +
// Quijote mixtures, priors fitted with FitPatchPrior's defaults on the
// training patches of each cluster, 6×6, stride 1): mean worst-bin r
// 0.775/0.802, pixel correlation 0.712/0.929 (8×8 at stride 2:
// 0.760/0.785, 0.708/0.924) against 0.645/0.673 and 0.635/0.890 for
// the ST model separation (SeparateWithModels without PatchPrior). Cost:
// K_a·K_b·2·P⁴ multiply-adds per patch (400 pairs of 6×6: about 1.3 s for
// a 64² map at stride 1 on a busy core; the number of patches grows as
// M·N / Stride²).
//
// Input errors (ErrModelInput): data that is not one finite map of at least
// P×P, inconsistent or nil priors, priors of different P, a negative,
// non-finite NoiseVar, a Stride > P, a pair covariance that is not positive
// definite. A cancelled PatchSepOptions.Context stops it between batches
// of patches (no maps; the error wraps context.Canceled).
func SeparateWithPatchPriors(data *stlayer.Maps, a, b *PatchPrior, opt PatchSepOptions) (*stlayer.Maps, error) {
	if err := checkFiniteMaps("patch-prior separation: data", data, 1); err != nil {
		return nil, err
	}
	for i, pp := range []*PatchPrior{a, b} {
		if err := pp.check(); err != nil {
			return nil, inputErrorf("patch-prior separation: prior %d: %w", i, err)
		}
	}
	p := a.P
	if b.P != p {
		return nil, inputErrorf("patch-prior separation: the priors have patch sizes %d and %d (want the same)", a.P, b.P)
	}
	if data.M < p || data.N < p {
		return nil, inputErrorf("patch-prior separation: data map %d×%d is smaller than the priors' patch %d×%d", data.M, data.N, p, p)
	}
	if !(opt.NoiseVar >= 0) || math.IsInf(opt.NoiseVar, 0) {
		return nil, inputErrorf("patch-prior separation: noise variance %v: want a finite value ≥ 0", opt.NoiseVar)
	}
	s := opt.Stride
	if s <= 0 {
		s = DefaultPatchSepStride
	}
	if s > p {
		return nil, inputErrorf("patch-prior separation: stride %d is larger than the patch size %d (some pixels would have no estimate)", s, p)
	}
	ts, err := newPatchTwoSource(a, b, opt.NoiseVar)
	if err != nil {
		return nil, err
	}
	m, n := data.M, data.N
	or, oc := patchOrigins(m, p, s), patchOrigins(n, p, s)
	type origin struct{ r, c int }
	var all []origin
	for _, r0 := range or {
		for _, c0 := range oc {
			all = append(all, origin{r0, c0})
		}
	}
	nout := 2
	if opt.NoiseVar > 0 {
		nout = 3
	}
	sum := make([][]float64, nout-1)
	for i := range sum {
		sum[i] = make([]float64, m*n)
	}
	cnt := make([]float64, m*n)
	buf := make([]float64, p*p)
	d := data.Data
	for start := 0; start < len(all); start += patchPairBatch {
		if opt.Context != nil && opt.Context.Err() != nil {
			return nil, fmt.Errorf("patch-prior separation: stopped after %d of %d data patches: %w", start, len(all), opt.Context.Err())
		}
		batch := all[start:min(len(all), start+patchPairBatch)]
		Y := mat.NewDense(len(batch), p*p, nil)
		for i, o := range batch {
			cutPatch(d, n, o.r, o.c, p, buf)
			Y.SetRow(i, buf)
		}
		est := ts.estimate(Y, opt.NoiseVar > 0)
		for i, o := range batch {
			for u := 0; u < p; u++ {
				for v := 0; v < p; v++ {
					j := (o.r+u)*n + o.c + v
					cnt[j]++
					for c := range est {
						sum[c][j] += est[c].At(i, u*p+v)
					}
				}
			}
		}
		if opt.Progress != nil {
			opt.Progress(start+len(batch), len(all))
		}
	}
	out := stlayer.NewMaps(nout, m, n)
	mn := m * n
	for j := 0; j < mn; j++ {
		rest := d[j]
		for c := range sum {
			v := sum[c][j] / cnt[j]
			out.Data[c*mn+j] = v
			rest -= v
		}
		out.Data[(nout-1)*mn+j] = rest
	}
	return out, nil
}

type patchPair struct {
	k, l  int
	sinv  *mat.Dense // (Σ_k+Σ_l+s²I)⁻¹
	gainA *mat.Dense // (Σ_k+Σ_l+s²I)⁻¹ Σ_k (row form: a = μ_k + r·gain)
	gainB *mat.Dense // … Σ_l (with noise only)
	mu    []float64  // μ_k + μ_l
	logc  float64    // log π_k π_l − ½ log det
	muA   []float64
	muB   []float64
}

type patchTwoSource struct {
	d     int
	pairs []patchPair
}

func newPatchTwoSource(a, b *PatchPrior, noise float64) (*patchTwoSource, error) {
	d := a.P * a.P
	ts := &patchTwoSource{d: d}
	for k := 0; k < a.K; k++ {
		ck := a.Covs[k*d*d : (k+1)*d*d]
		for l := 0; l < b.K; l++ {
			cl := b.Covs[l*d*d : (l+1)*d*d]
			sm := make([]float64, d*d)
			for i := range sm {
				sm[i] = ck[i] + cl[i]
			}
			for i := 0; i < d; i++ {
				sm[i*d+i] += noise
			}
			var ch mat.Cholesky
			if !ch.Factorize(mat.NewSymDense(d, sm)) {
				return nil, inputErrorf("patch-prior separation: Σ_%d + Σ_%d of the two priors is not positive definite (damaged prior files?)", k, l)
			}
			var inv mat.SymDense
			if err := ch.InverseTo(&inv); err != nil {
				return nil, inputErrorf("patch-prior separation: Σ_%d + Σ_%d: %v", k, l, err)
			}
			sinv := mat.NewDense(d, d, nil)
			sinv.Copy(&inv)
			pr := patchPair{k: k, l: l, sinv: sinv, mu: make([]float64, d),
				muA: a.Means[k*d : (k+1)*d], muB: b.Means[l*d : (l+1)*d],
				logc: math.Log(a.Weights[k]) + math.Log(b.Weights[l]) - 0.5*ch.LogDet()}
			pr.gainA = &mat.Dense{}
			pr.gainA.Mul(sinv, mat.NewDense(d, d, ck))
			if noise > 0 {
				pr.gainB = &mat.Dense{}
				pr.gainB.Mul(sinv, mat.NewDense(d, d, cl))
			}
			for j := range pr.mu {
				pr.mu[j] = pr.muA[j] + pr.muB[j]
			}
			ts.pairs = append(ts.pairs, pr)
		}
	}
	return ts, nil
}

// estimate returns the posterior means of a (and of b when both) for each
// row of Y.
func (ts *patchTwoSource) estimate(Y *mat.Dense, both bool) []*mat.Dense {
	n, d := Y.Dims()
	np := len(ts.pairs)
	LW := mat.NewDense(n, np, nil)
	R := mat.NewDense(n, d, nil)
	var Q mat.Dense
	resid := func(p *patchPair) {
		for i := 0; i < n; i++ {
			y, r := Y.RawRowView(i), R.RawRowView(i)
			for j := range r {
				r[j] = y[j] - p.mu[j]
			}
		}
	}
	for pi := range ts.pairs {
		p := &ts.pairs[pi]
		resid(p)
		Q.Mul(R, p.sinv)
		for i := 0; i < n; i++ {
			r, q := R.RawRowView(i), Q.RawRowView(i)
			s := 0.0
			for j := range r {
				s += r[j] * q[j]
			}
			LW.Set(i, pi, p.logc-0.5*s)
		}
	}
	for i := 0; i < n; i++ {
		w := LW.RawRowView(i)
		mx := math.Inf(-1)
		for _, v := range w {
			mx = math.Max(mx, v)
		}
		s := 0.0
		for j := range w {
			w[j] = math.Exp(w[j] - mx)
			if w[j] <= 1e-6 {
				w[j] = 0
			}
			s += w[j]
		}
		for j := range w {
			w[j] /= s
		}
	}
	nout := 1
	if both {
		nout = 2
	}
	out := make([]*mat.Dense, nout)
	for c := range out {
		out[c] = mat.NewDense(n, d, nil)
	}
	var G mat.Dense
	for pi := range ts.pairs {
		p := &ts.pairs[pi]
		used := false
		for i := 0; i < n && !used; i++ {
			used = LW.At(i, pi) > 0
		}
		if !used {
			continue
		}
		resid(p)
		for c := 0; c < nout; c++ {
			gain, mu := p.gainA, p.muA
			if c == 1 {
				gain, mu = p.gainB, p.muB
			}
			G.Mul(R, gain)
			for i := 0; i < n; i++ {
				w := LW.At(i, pi)
				if w == 0 {
					continue
				}
				g, o := G.RawRowView(i), out[c].RawRowView(i)
				for j := range o {
					o[j] += w * (mu[j] + g[j])
				}
			}
		}
	}
	return out
}

// String describes the prior in one line.
func (pp *PatchPrior) String() string {
	if pp == nil {
		return "no patch prior"
	}
	return fmt.Sprintf("%d-component Gaussian mixture on %d×%d pixel patches", pp.K, pp.P, pp.P)
}
