//go:build ignore

// Experiment for issue #6 (session 23, research23): does a pixel-patch
// Gaussian-mixture prior help the dust + Quijote separation, where the
// contaminant is structured and its samples are given? (Session 21's
// research21_patchgmm.go asked the same for white noise: a patch prior
// matched but did not beat the ST separation.)
//
// Maps: quijoteCase is BenchmarkSeparationQuality's "quijote" case
// (infer/separate_quality_test.go, sepQualityCase): s = I_1 subsampled to
// S², c = Quijote log-density map -draws scaled to the dust's variance, the
// samples the 19 other maps with the same scale (draw 0 = the benchmark's).
// All priors are infer.PatchPrior (FitPatchPrior: 6×6, K 20, training
// stride 4, 8 rotations/flips, 30000 rows at most), all patch separations
// infer.SeparateWithPatchPriors(d, dust prior, Quijote prior) at stride 1,
// the dust map being the first output; the Quijote prior is always
// FitPatchPrior on the 19 sample maps. Metrics: infer.EvaluateSeparation
// (spectrum = max |P_ŝ/P_s − 1| where P_c ≤ 10 P_s, min r where P_c ≤ P_s,
// pixel correlation), as the benchmark prints them.
//
// Variants (-v):
//
//	wiener   infer.WienerEstimate(d, samples): the linear baseline
//	st       infer.RunSeparation with the benchmark's (stkit separate's)
//	         defaults: isotropic WPH + power spectrum, JMD, 10,50,4, seed 1
//	         (cached in -cache; 256² draw 0 reproduces the benchmark's
//	         0.893 / 0.785 / 0.817)
//	oracle   dust prior fitted on the truth s's own patches (step 1 of the
//	         task: the bound of this prior family)
//	xd1      truth-free: dust prior by extreme deconvolution (xdFit: EM over
//	         the pairs (k, m), y | k, m ~ N(μ_k + ν_m, Σ_k + C_m), the
//	         contaminant mixture fixed) on 10000 d-patch rows, the
//	         contaminant inside XD a single Gaussian (FitPatchPrior K 1 on
//	         the samples: XD with the contaminant's patch covariance), started
//	         from a d-patch GMM with μ_k − ν̄ and Σ_k − C̄ clipped (xdInit)
//	xdm      the same with the contaminant a K = 10 GMM inside XD
//	stprior  truth-free: dust prior fitted on the ST separation's s̃
//	xdst     XD (contaminant K = 10) started from the stprior prior
//	avg      (s̃ + patch map)/2 after each patch variant (indented rows)
//	ststart  RunSeparation (same settings) started from each patch map
//	+rescale each patch map with its binned spectrum set to the truth-free
//	         max(P_d − ⟨P_c⟩, 0) per metric bin (research21's rescale; r per
//	         bin unchanged)
//	+stspec  each patch map with the ST map's binned spectrum instead
//	         (truth-free too; r per bin unchanged)
//
// Run from the repository root (/work/shared beside it), e.g.
//
//	go run docs/experiments/research23_xdquijote.go -size 128 -v wiener,st,oracle,xd1,stprior,avg,ststart
//	go run docs/experiments/research23_xdquijote.go -size 128 -v xdm,xdst,avg -verbose
//	go run docs/experiments/research23_xdquijote.go -size 128 -p 8 -v oracle
//	go run docs/experiments/research23_xdquijote.go -size 256 -draws 0,1 -v wiener,st,oracle,xd1,stprior,avg
//	go run docs/experiments/research23_xdquijote.go -size 256 -draws 0 -v xdst
//	go run docs/experiments/research23_xdquijote.go -size 256 -draws 0,1 -v iter -rounds 3
//	go run docs/experiments/research23_xdquijote.go -size 256 -draws 0 -verbose -evalst /tmp/s23/xdq/st_256_0.npy -eval MAP.npy
//
// (the fitted priors, the ST maps and the patch maps are cached under
// -cache, default /tmp/s23/xdq). Results (session 23, infer at c69c3d5;
// a shared 2-core machine at load 11–21: the wall times are those under
// that load. FitPatchPrior took 53–160 s per prior under it, XD 18 s per
// iteration at 128² with K 20 × 10 pairs, 1–2 s with one contaminant
// Gaussian; SeparateWithPatchPriors at 256², stride 1, 20 × 17 pairs:
// 25–33 s with the priors cached, 5–15 s at 128²).
//
// 128², draw 0 (sweeps; wall = the variant's own fits + separation):
//
//	variant                              spectrum  min r   pixel   wall
//	wiener                               0.745     0.738   0.790     0 s
//	st (baseline)                        0.871     0.783   0.814     4 s
//	ORACLE dust prior from s, 6×6        0.600     0.804   0.834    73 s
//	  +rescale                           0.811     0.804   0.828
//	  avg with s̃                         0.518     0.795   0.828
//	  st started from it                 0.867     0.793   0.821    11 s
//	ORACLE, 8×8 (K 16 after EM)          0.658     0.796   0.828   202 s
//	xd1 (XD, contaminant 1 Gaussian)     0.657     0.794   0.829    15 s + fits
//	  avg with s̃                         0.505     0.790   0.825
//	  st started from it                 0.864     0.786   0.816     5 s
//	xdm (XD, contaminant GMM K 10)       0.659     0.797   0.830   348 s
//	  avg with s̃                         0.499     0.792   0.826
//	stprior (dust prior fitted on s̃)     0.615     0.801   0.831    17 s + fit
//	  +stspec                            0.871     0.801   0.825
//	  avg with s̃                         0.557     0.793   0.827
//	  st started from it                 0.865     0.790   0.818     4 s
//	xdst (XD from the stprior prior)     0.608     0.803   0.832   161 s
//	  avg with s̃                         0.513     0.794   0.827
//
// 256² (the benchmark's size), draws 0 (the benchmark's) and 1 (Quijote map
// 01 in d, the samples 00 and 02…19):
//
//	variant                 draw 0: spectrum  min r  pixel | draw 1: spectrum  min r  pixel | wall (draw 0, 1)
//	wiener                          0.795     0.734  0.793 |  —
//	st (baseline)                   0.893     0.785  0.817 |         0.187     0.771  0.815 | 18, 27 s
//	ORACLE dust prior from s        0.574     0.805  0.839 |         0.576     0.796  0.838 | 226, 338 s
//	  +rescale                      0.852     0.805  0.840 |         0.201     0.796  0.837
//	xd1                             0.487     0.784  0.818 |         0.517     0.772  0.811 | 403, 202 s
//	  avg with s̃                    0.504     0.787  0.822 |         0.349     0.775  0.819
//	stprior                         0.591     0.803  0.835 |         0.590     0.792  0.834 | 299, 439 s (33, 25 s cached)
//	  +rescale                      0.852     0.803  0.835 |         0.201     0.792  0.834
//	  +stspec                       0.893     0.803  0.835 |         0.187     0.792  0.833
//	  avg with s̃                    0.494     0.795  0.829 |         0.408     0.783  0.828
//	xdst                            0.575     0.802  0.832 |  —                             | 73 s (XD 7 iterations)
//	  +stspec                       0.893     0.802  0.833 |  —
//	iter round 1 (prior refitted    0.580     0.807  0.840 |         0.583     0.794  0.836 | 96, 115 s
//	  on stprior+stspec)
//	  +stspec                       0.893     0.807  0.841 |         0.187     0.794  0.837
//	iter round 2                    0.587     0.807  0.841 |         0.579     0.794  0.837 | 94, 116 s
//	iter round 3                    0.585     0.809  0.843 |         0.575     0.793  0.836 | 120, 116 s
//	  +stspec                       0.893     0.809  0.844 |         0.187     0.793  0.838
//
// Findings. (1) The bound is small: a 6×6 dust prior fitted on the truth
// itself gives min r 0.805 / 0.796 at 256² against the ST separation's
// 0.785 / 0.771 (+0.020, +0.025; 128²: +0.021; 8×8 patches are worse,
// 0.796 at 128²), far from the target 0.9 and not "clearly above" 0.785
// in the task's sense. The bin that sets min r is the last one where
// P_c ≤ P_s (bin 7, k = 13.7 cycles per map at 256², a wavelength of
// 19 px, three patch sides; P_c/P_s = 0.98 there); the patch maps raise r
// by 0.01–0.06 in every bin from k ≈ 5 up (-verbose prints the bins), but
// as for white noise (research21) the posterior mean of a patch GMM is a
// locally adaptive Wiener filter and stays near 0.80 in that bin even
// with the truth's prior.
// (2) Truth-free, the prior is best learned from the ST separation's s̃
// (stprior): 0.803 / 0.792 at 256², +0.018 / +0.021 over ST, 90 % of the
// oracle's gain, pixel correlation +0.018 / +0.019 (0.835 / 0.834). It
// narrowly misses the task's bar (≥ +0.02 on both draws: draw 0 is
// +0.018). Its own spectrum is a posterior mean's: P_ŝ/P_s 0.41–0.52 in
// the bins k ≥ 39 and 0.47–0.52 at k = 1.4 (a 6×6 patch cannot tell the
// dust's large scales from the Quijote's), so 0.591 / 0.590 against ST's
// 0.893 / 0.187. Given ST's binned spectrum (+stspec; phases kept, r per
// bin unchanged) it has ST's spectrum exactly (0.893 / 0.187) with its own
// r and pixel correlation (0.835 / 0.833): as a post-step of the ST
// separation it is no worse than ST on any of the three figures, on both
// draws, for one FitPatchPrior on s̃, one on the samples and one
// SeparateWithPatchPriors (25–33 s at 256² with the priors fitted; each
// fit 1–3 min on this loaded machine).
// (3) Extreme deconvolution from d is worse than learning from s̃: with
// the contaminant as one Gaussian (xd1) it gives nothing at 256² (0.784 /
// 0.772 against 0.785 / 0.771); with the contaminant as a K 10 GMM (xdm,
// 128²) 0.797 against stprior's 0.801, for 20× the time; started from the
// stprior prior (xdst) it leaves min r where it was (0.802 vs 0.803 at
// 256²). At 256² xd1's mean log-likelihood fell during EM (65.35 → 65.26,
// draw 0): the covariance floor (1e-3 × the d-patch variance, added at
// every M-step) works against a deconvolved Σ_k that wants near-zero
// directions; not pursued, since XD started from s̃'s prior rises (66.24 →
// 66.33) to the same min r.
// (4) Combinations do not add: (s̃ + patch map)/2 sits between the two
// (0.795 / 0.783 at 256²), and ST started from a patch map returns to ST's
// level (0.786–0.793 at 128²).
// (5) One more round does add: the prior refitted on the stprior map given
// ST's binned spectrum (iter round 1), then d separated again, gives
// 0.807 / 0.794 at 256², +0.022 / +0.023 over ST (above the truth's own
// prior on draw 0, 0.805; 0.796 on draw 1), pixel correlation 0.840 /
// 0.836, and with +stspec ST's spectrum (0.893 / 0.187). Further rounds
// stay there (rounds 2, 3: 0.807, 0.809 / 0.794, 0.793). The gain over ST is in every bin from k ≈ 5 (+0.01
// to +0.08). A guess, not tested: the refit map has s̃'s spectrum but the
// patch prior's local structure, a better training set than s̃ (ST's
// small-scale texture) or the plain posterior mean (too smooth).
//
// Not wired into infer or stkit separate. The best truth-free chain (ST,
// then stprior, one refit round, +stspec) meets the task's bar for a
// proposal just (+0.022 / +0.023 on two draws, no figure worse than ST's),
// but the whole family is capped near the oracle: r ≥ 0.9 in the last bin
// where P_c ≤ P_s is out of reach of any 6×6 patch prior (0.805 / 0.796
// with the truth's).
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ---------------------------------------------------------------- maps

// shrink is infer/separate_quality_test.go's: x (n×n) subsampled by n/size.
func shrink(x []float64, n, size int) []float64 {
	if size == n {
		return append([]float64(nil), x...)
	}
	s := n / size
	out := make([]float64, size*size)
	for i := 0; i < size; i++ {
		for j := 0; j < size; j++ {
			out[i*size+j] = x[(i*s)*n+j*s]
		}
	}
	return out
}

func mk(S int, xs ...[]float64) *stlayer.Maps {
	m := &stlayer.Maps{B: len(xs), M: S, N: S}
	for _, x := range xs {
		m.Data = append(m.Data, x...)
	}
	return m
}

// quijoteCase is sepQualityCase("quijote") of infer/separate_quality_test.go
// with the map in d chosen: s = I_1 subsampled to S², c = Quijote map `draw`
// scaled by a = σ_s/σ_c, the samples the 19 other maps scaled by the same a
// (draw 0 is the benchmark's case).
func quijoteCase(shared string, S, draw int) (d, s, samples *stlayer.Maps) {
	dust, err := datasets.ReadMaps(filepath.Join(shared, "data", "dust", "I_1.npy"))
	if err != nil {
		panic(err)
	}
	sv := shrink(dust.Map(0), 512, S)
	_, sdS, _, _ := infer.Moments(sv)
	var qs [][]float64
	for i := 0; i < 20; i++ {
		q, err := datasets.ReadMaps(filepath.Join(shared, "data", "quijote", fmt.Sprintf("logdensity_%02d.npy", i)))
		if err != nil {
			panic(err)
		}
		qs = append(qs, shrink(q.Map(0), 256, S))
	}
	_, sdQ, _, _ := infer.Moments(qs[draw])
	a := sdS / sdQ
	for _, q := range qs {
		for i := range q {
			q[i] *= a
		}
	}
	dv := make([]float64, S*S)
	for i := range dv {
		dv[i] = sv[i] + qs[draw][i]
	}
	var rest [][]float64
	for i, q := range qs {
		if i != draw {
			rest = append(rest, q)
		}
	}
	return mk(S, dv), mk(S, sv), mk(S, rest...)
}

// ---------------------------------------------------------------- patches

// dihedral is infer's dihedralPatch: the t-th rotation/flip of a p×p patch.
func dihedral(x []float64, p, t int) []float64 {
	out := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			a, b := i, j
			if t&4 != 0 {
				b = p - 1 - b
			}
			switch t & 3 {
			case 1:
				a, b = b, p-1-a
			case 2:
				a, b = p-1-a, p-1-b
			case 3:
				a, b = p-1-b, a
			}
			out[i*p+j] = x[a*p+b]
		}
	}
	return out
}

// patchRows cuts the p×p patches (origins at stride st, not periodic) of
// every map with their 8 rotations/flips, at most maxN rows (a seeded random
// subset), as FitPatchPrior's training matrix.
func patchRows(m *stlayer.Maps, p, st, maxN int, seed uint64) *mat.Dense {
	var rows [][]float64
	buf := make([]float64, p*p)
	for b := 0; b < m.B; b++ {
		x := m.Map(b)
		for r := 0; r+p <= m.M; r += st {
			for c := 0; c+p <= m.N; c += st {
				for i := 0; i < p; i++ {
					copy(buf[i*p:(i+1)*p], x[(r+i)*m.N+c:(r+i)*m.N+c+p])
				}
				for t := 0; t < 8; t++ {
					rows = append(rows, dihedral(buf, p, t))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x23))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	if len(rows) > maxN {
		rows = rows[:maxN]
	}
	Y := mat.NewDense(len(rows), p*p, nil)
	for i, r := range rows {
		Y.SetRow(i, r)
	}
	return Y
}

// ---------------------------------------------------------------- XD

// gauss is one mixture component.
type gauss struct {
	w   float64
	mu  []float64
	cov *mat.SymDense
}

func fromPrior(pp *infer.PatchPrior) []gauss {
	D := pp.P * pp.P
	g := make([]gauss, pp.K)
	for k := range g {
		g[k] = gauss{w: pp.Weights[k], mu: append([]float64(nil), pp.Means[k*D:(k+1)*D]...),
			cov: mat.NewSymDense(D, append([]float64(nil), pp.Covs[k*D*D:(k+1)*D*D]...))}
	}
	return g
}

func toPrior(g []gauss, p int) *infer.PatchPrior {
	D := p * p
	pp := &infer.PatchPrior{P: p, K: len(g)}
	for _, c := range g {
		pp.Weights = append(pp.Weights, c.w)
		pp.Means = append(pp.Means, c.mu...)
		for i := 0; i < D; i++ {
			for j := 0; j < D; j++ {
				pp.Covs = append(pp.Covs, c.cov.At(i, j))
			}
		}
	}
	return pp
}

// moments returns the mixture's overall mean and covariance.
func moments(g []gauss, D int) ([]float64, *mat.SymDense) {
	mu := make([]float64, D)
	for _, c := range g {
		for j := range mu {
			mu[j] += c.w * c.mu[j]
		}
	}
	C := mat.NewSymDense(D, nil)
	for _, c := range g {
		for i := 0; i < D; i++ {
			for j := i; j < D; j++ {
				C.SetSym(i, j, C.At(i, j)+c.w*(c.cov.At(i, j)+(c.mu[i]-mu[i])*(c.mu[j]-mu[j])))
			}
		}
	}
	return mu, C
}

// clipPSD returns the symmetric matrix A with its eigenvalues clipped at
// floor.
func clipPSD(A *mat.SymDense, floor float64) *mat.SymDense {
	var es mat.EigenSym
	if !es.Factorize(A, true) {
		panic("eigen")
	}
	D := A.SymmetricDim()
	vals := es.Values(nil)
	var V mat.Dense
	es.VectorsTo(&V)
	out := mat.NewSymDense(D, nil)
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			s := 0.0
			for k := 0; k < D; k++ {
				s += V.At(i, k) * math.Max(vals[k], floor) * V.At(j, k)
			}
			out.SetSym(i, j, s)
		}
	}
	return out
}

// xdFit fits the dust mixture s (initial state given) to the d-patch rows Y
// under y = x_s + x_c, x_c ~ the contaminant mixture c (fixed): EM over the
// pairs (k, m), y | k, m ~ N(μ_k + ν_m, Σ_k + C_m) (extreme deconvolution,
// Bovy, Hogg & Roweis 2011, with the noise itself a mixture: the pair (k, m)
// is the latent label and x_s | y, k, m is Gaussian with mean b = μ_k +
// Σ_k T⁻¹(y − μ_k − ν_m) and covariance B = Σ_k − Σ_k T⁻¹ Σ_k, T = Σ_k +
// C_m). M-step: π_k = ⟨r_k⟩, μ_k = Σ r b / Σ r, Σ_k = Σ r[(b − μ_k)(b −
// μ_k)ᵀ + B] / Σ r + reg·I. Returns the mean log-likelihood per iteration.
func xdFit(Y *mat.Dense, s, c []gauss, iters int, reg float64, verbose bool) []float64 {
	n, D := Y.Dims()
	K, M := len(s), len(c)
	np := K * M
	LW := mat.NewDense(n, np, nil)
	var lls []float64
	R := mat.NewDense(n, D, nil)
	var Q, G mat.Dense
	type pairT struct {
		tinv   *mat.Dense
		logdet float64
	}
	for it := 0; it < iters; it++ {
		t0 := time.Now()
		pairs := make([]pairT, np)
		// E-step
		for k := 0; k < K; k++ {
			for m := 0; m < M; m++ {
				pi := k*M + m
				T := mat.NewSymDense(D, nil)
				T.AddSym(s[k].cov, c[m].cov)
				var ch mat.Cholesky
				if !ch.Factorize(T) {
					panic(fmt.Sprintf("T_%d,%d not PD", k, m))
				}
				var inv mat.SymDense
				ch.InverseTo(&inv)
				ti := mat.NewDense(D, D, nil)
				ti.Copy(&inv)
				pairs[pi] = pairT{ti, ch.LogDet()}
				for i := 0; i < n; i++ {
					y, r := Y.RawRowView(i), R.RawRowView(i)
					for j := range r {
						r[j] = y[j] - s[k].mu[j] - c[m].mu[j]
					}
				}
				Q.Reset()
				Q.Mul(R, ti)
				lc := math.Log(s[k].w) + math.Log(c[m].w) - 0.5*pairs[pi].logdet - 0.5*float64(D)*math.Log(2*math.Pi)
				for i := 0; i < n; i++ {
					r, q := R.RawRowView(i), Q.RawRowView(i)
					v := 0.0
					for j := range r {
						v += r[j] * q[j]
					}
					LW.Set(i, pi, lc-0.5*v)
				}
			}
		}
		ll := 0.0
		for i := 0; i < n; i++ {
			w := LW.RawRowView(i)
			mx := math.Inf(-1)
			for _, v := range w {
				mx = math.Max(mx, v)
			}
			sum := 0.0
			for j := range w {
				w[j] = math.Exp(w[j] - mx)
				sum += w[j]
			}
			for j := range w {
				w[j] /= sum
				if w[j] < 1e-8 {
					w[j] = 0
				}
			}
			ll += (mx + math.Log(sum)) / float64(n)
		}
		lls = append(lls, ll)
		// M-step
		ns := make([]gauss, K)
		for k := 0; k < K; k++ {
			W := 0.0
			S1 := make([]float64, D)
			S2 := mat.NewDense(D, D, nil)
			Bsum := mat.NewDense(D, D, nil)
			for m := 0; m < M; m++ {
				pi := k*M + m
				var idx []int
				wp := 0.0
				for i := 0; i < n; i++ {
					if v := LW.At(i, pi); v > 0 {
						idx = append(idx, i)
						wp += v
					}
				}
				if len(idx) == 0 {
					continue
				}
				Rs := mat.NewDense(len(idx), D, nil)
				for a, i := range idx {
					y, r := Y.RawRowView(i), Rs.RawRowView(a)
					for j := range r {
						r[j] = y[j] - s[k].mu[j] - c[m].mu[j]
					}
				}
				Q.Reset()
				Q.Mul(Rs, pairs[pi].tinv)
				G.Reset()
				G.Mul(&Q, s[k].cov) // row form: b − μ_k = T⁻¹-weighted residual times Σ_k
				Bw := mat.NewDense(len(idx), D, nil)
				for a, i := range idx {
					w := LW.At(i, pi)
					g, o := G.RawRowView(a), Bw.RawRowView(a)
					sw := math.Sqrt(w)
					for j := range g {
						b := s[k].mu[j] + g[j]
						S1[j] += w * b
						o[j] = sw * b
					}
				}
				var gram mat.Dense
				gram.Mul(Bw.T(), Bw)
				S2.Add(S2, &gram)
				// B = Σ_k − Σ_k T⁻¹ Σ_k
				var t1, t2 mat.Dense
				t1.Mul(s[k].cov, pairs[pi].tinv)
				t2.Mul(&t1, s[k].cov)
				var Bm mat.Dense
				Bm.Sub(s[k].cov, &t2)
				Bm.Scale(wp, &Bm)
				Bsum.Add(Bsum, &Bm)
				W += wp
			}
			if W < float64(D) {
				// dead component: keep it with a tiny weight
				ns[k] = gauss{w: 1e-6, mu: s[k].mu, cov: s[k].cov}
				continue
			}
			mu := make([]float64, D)
			for j := range mu {
				mu[j] = S1[j] / W
			}
			cov := mat.NewSymDense(D, nil)
			for i := 0; i < D; i++ {
				for j := i; j < D; j++ {
					v := (S2.At(i, j)+Bsum.At(i, j))/W - mu[i]*mu[j]
					if i == j {
						v += reg
					}
					cov.SetSym(i, j, v)
				}
			}
			ns[k] = gauss{w: W / float64(n), mu: mu, cov: cov}
		}
		tw := 0.0
		for _, g := range ns {
			tw += g.w
		}
		for k := range ns {
			ns[k].w /= tw
		}
		copy(s, ns)
		if verbose {
			fmt.Fprintf(os.Stderr, "  xd iter %d: mean log-lik %.5f (%.1f s)\n", it+1, ll, time.Since(t0).Seconds())
		}
		if it > 0 && math.Abs(ll-lls[it-1]) < 1e-5*math.Abs(ll) {
			break
		}
	}
	return lls
}

// xdInit deconvolves a GMM of the d-patches crudely: μ_k − ν̄, Σ_k − C̄
// (the contaminant's overall mean and covariance), eigenvalues clipped at
// floor.
func xdInit(dp []gauss, c []gauss, D int, floor float64) []gauss {
	nu, C := moments(c, D)
	out := make([]gauss, len(dp))
	for k, g := range dp {
		mu := make([]float64, D)
		for j := range mu {
			mu[j] = g.mu[j] - nu[j]
		}
		A := mat.NewSymDense(D, nil)
		for i := 0; i < D; i++ {
			for j := i; j < D; j++ {
				A.SetSym(i, j, g.cov.At(i, j)-C.At(i, j))
			}
		}
		out[k] = gauss{w: g.w, mu: mu, cov: clipPSD(A, floor)}
	}
	return out
}

// ---------------------------------------------------------------- spectra
// fft2, annulus and rescale are docs/experiments/research21_patchgmm.go's.

func fft2(x []float64, M, N int, inv bool, f []complex128) []complex128 {
	out := make([]complex128, M*N)
	if f != nil {
		copy(out, f)
	} else {
		for i, v := range x {
			out[i] = complex(v, 0)
		}
	}
	fr, fc := fourier.NewCmplxFFT(N), fourier.NewCmplxFFT(M)
	row := make([]complex128, N)
	for i := 0; i < M; i++ {
		copy(row, out[i*N:(i+1)*N])
		if inv {
			fr.Sequence(row, row)
		} else {
			fr.Coefficients(row, row)
		}
		copy(out[i*N:(i+1)*N], row)
	}
	col := make([]complex128, M)
	for j := 0; j < N; j++ {
		for i := 0; i < M; i++ {
			col[i] = out[i*N+j]
		}
		if inv {
			fc.Sequence(col, col)
		} else {
			fc.Coefficients(col, col)
		}
		for i := 0; i < M; i++ {
			out[i*N+j] = col[i]
		}
	}
	if inv {
		for i := range out {
			out[i] /= complex(float64(M*N), 0)
		}
	}
	return out
}

func annulus(M, N int) ([]int, int) {
	ann := make([]int, M*N)
	nb := 0
	fq := func(i, n int) int {
		if i > n/2 {
			return i - n
		}
		return i
	}
	for i := 0; i < M; i++ {
		for j := 0; j < N; j++ {
			a := int(math.Round(math.Hypot(float64(fq(i, M)), float64(fq(j, N)))))
			ann[i*N+j] = a
			nb = max(nb, a+1)
		}
	}
	return ann, nb
}

// rescale multiplies x's Fourier modes, per half-octave bin of the metric
// (edges), by √(max(P_d − ⟨P_c⟩, 0)/P_x): truth-free, r per bin unchanged.
// With noise nil the target is P_d: x takes d's binned spectrum.
func rescale(x, d []float64, noise *stlayer.Maps, M, N int, edges []float64) []float64 {
	ann, nb := annulus(M, N)
	fq := func(i, n int) int {
		if i > n/2 {
			return i - n
		}
		return i
	}
	nE := len(edges) - 1
	for i := 0; i < M; i++ {
		for j := 0; j < N; j++ {
			k := math.Hypot(float64(fq(i, M)), float64(fq(j, N)))
			if k >= edges[0] && k < edges[nE] {
				b := sort.SearchFloat64s(edges, k)
				if b == len(edges) || edges[b] > k {
					b--
				}
				ann[i*N+j] = nb + b
			}
		}
	}
	nb += nE
	pw := func(f []complex128, dst []float64, w float64) {
		for p, v := range f {
			dst[ann[p]] += w * (real(v)*real(v) + imag(v)*imag(v))
		}
	}
	fx := fft2(x, M, N, false, nil)
	px, pd, pn := make([]float64, nb), make([]float64, nb), make([]float64, nb)
	pw(fx, px, 1)
	pw(fft2(d, M, N, false, nil), pd, 1)
	for b := 0; noise != nil && b < noise.B; b++ {
		pw(fft2(noise.Map(b), M, N, false, nil), pn, 1/float64(noise.B))
	}
	for p := range fx {
		if p == 0 {
			continue
		}
		a := ann[p]
		g := 0.0
		if px[a] > 0 {
			g = math.Sqrt(math.Max(pd[a]-pn[a], 0) / px[a])
		}
		fx[p] *= complex(g, 0)
	}
	out := fft2(nil, M, N, true, fx)
	r := make([]float64, M*N)
	for i := range r {
		r[i] = real(out[i])
	}
	return r
}

// ---------------------------------------------------------------- main

func main() {
	shared := flag.String("shared", "../shared", "the shared/ folder")
	size := flag.Int("size", 128, "map size (256: the benchmark's)")
	draws := flag.String("draws", "0", "Quijote map in d per draw (0: the benchmark's); the samples are the 19 others")
	variants := flag.String("v", "wiener,st,oracle,xd1,xdm,stprior,avg", "variants")
	p := flag.Int("p", 6, "patch side")
	ks := flag.Int("ks", 20, "dust components")
	kc := flag.Int("kc", 20, "contaminant components (separation)")
	kcxd := flag.Int("kcxd", 10, "contaminant components inside XD (xdm)")
	xdrows := flag.Int("xdrows", 10000, "d-patch rows for XD")
	xditers := flag.Int("xditers", 20, "XD EM iterations")
	stride := flag.Int("stride", 1, "SeparateWithPatchPriors stride")
	tstride := flag.Int("tstride", 4, "training stride (FitPatchPrior, XD rows)")
	cache := flag.String("cache", "/tmp/s23/xdq", "ST results cache")
	steps := flag.String("steps", "10,50,4", "ST stages")
	rounds := flag.Int("rounds", 1, "iter: rounds of refitting")
	verbose := flag.Bool("verbose", false, "XD progress, and the metric's bins of every variant")
	eval := flag.String("eval", "", "comma list of .npy maps (e.g. cached ones) to evaluate against each draw, instead of running variants (-evalst: the ST map for +stspec)")
	evalST := flag.String("evalst", "", "with -eval: the ST map (.npy) whose binned spectrum the +stspec rows take")
	flag.Parse()
	S := *size
	want := map[string]bool{}
	for _, v := range strings.Split(*variants, ",") {
		want[v] = true
	}
	type row struct {
		name                string
		spec, rmin, pix, wt float64
		draw                int
	}
	var rows []row
	for _, ds := range strings.Split(*draws, ",") {
		draw, _ := strconv.Atoi(ds)
		d, s, samples := quijoteCase(*shared, S, draw)
		D := (*p) * (*p)
		var stMap []float64 // the ST map once known: +stspec rows
		report := func(name string, x []float64, wt float64) {
			m, err := infer.EvaluateSeparation(d, mk(S, x), samples, s)
			if err != nil {
				panic(err)
			}
			fmt.Printf("%-4d %-34s spectrum %.3f  min r %.3f (data %.3f)  pixel %.3f  %6.0f s  r %v\n", draw, name, m.PSMaxDev, m.RMin, m.RMinData, m.PixelCorr, wt, fmtR(m.R))
			rows = append(rows, row{name, m.PSMaxDev, m.RMin, m.PixelCorr, wt, draw})
			if *verbose {
				for b := range m.PSK {
					fmt.Printf("       bin %2d k %6.1f  Pc/Ps %8.3f  Pŝ/Ps %6.3f  r %6.3f\n", b, m.PSK[b], m.ContamToSignal[b], m.PSRatio[b], m.R[b])
				}
			}
			if !strings.HasPrefix(name, "st (") && !strings.HasPrefix(name, " ") && !strings.HasPrefix(name, "wiener") {
				xr := rescale(x, d.Data, samples, S, S, m.PSEdges)
				m2, _ := infer.EvaluateSeparation(d, mk(S, xr), samples, s)
				fmt.Printf("%-4d %-34s spectrum %.3f  min r %.3f  pixel %.3f\n", draw, name+"+rescale", m2.PSMaxDev, m2.RMin, m2.PixelCorr)
				rows = append(rows, row{name + "+rescale", m2.PSMaxDev, m2.RMin, m2.PixelCorr, wt, draw})
				if stMap != nil {
					xs := rescale(x, stMap, nil, S, S, m.PSEdges)
					m3, _ := infer.EvaluateSeparation(d, mk(S, xs), samples, s)
					fmt.Printf("%-4d %-34s spectrum %.3f  min r %.3f  pixel %.3f\n", draw, name+"+stspec", m3.PSMaxDev, m3.RMin, m3.PixelCorr)
					rows = append(rows, row{name + "+stspec", m3.PSMaxDev, m3.RMin, m3.PixelCorr, wt, draw})
				}
			}
		}
		out := func(name string) string {
			return filepath.Join(*cache, fmt.Sprintf("%s_%d_%d_p%d.npy", name, S, draw, *p))
		}
		save := func(name string, x []float64) {
			os.MkdirAll(*cache, 0o755)
			if err := datasets.WriteMaps(out(name), mk(S, x)); err != nil {
				panic(err)
			}
		}
		// fit caches FitPatchPrior's result under -cache (the fit is
		// deterministic for its inputs and options).
		fit := func(tag string, m *stlayer.Maps, K int) *infer.PatchPrior {
			f := out(fmt.Sprintf("prior_%s_K%d_t%d", tag, K, *tstride)) + ".npz"
			if pp, err := infer.LoadPatchPrior(f); err == nil {
				return pp
			}
			pp, err := infer.FitPatchPrior(m, infer.PatchPriorOptions{P: *p, K: K, Stride: *tstride})
			if err != nil {
				panic(err)
			}
			os.MkdirAll(*cache, 0o755)
			if err := pp.Save(f); err != nil {
				panic(err)
			}
			return pp
		}
		if *eval != "" {
			if *evalST != "" {
				m, err := datasets.ReadMaps(*evalST)
				if err != nil {
					panic(err)
				}
				stMap = m.Data
			}
			for _, f := range strings.Split(*eval, ",") {
				m, err := datasets.ReadMaps(f)
				if err != nil {
					panic(err)
				}
				report(filepath.Base(f), m.Data, 0)
			}
			continue
		}
		if want["wiener"] {
			w, err := infer.WienerEstimate(d, samples, nil)
			if err != nil {
				panic(err)
			}
			report("wiener (WienerEstimate)", w.Data, 0)
		}
		// runST is the benchmark's ST separation (stkit separate's
		// defaults: isotropic WPH + power spectrum, JMD, 10,50,4, seed 1),
		// from d or from start.
		runST := func(start []float64) []float64 {
			spec := stats.Spec{Kind: stats.WPH, L: 4, Iso: true}.WithDefaults(S, S)
			ss, err := infer.NewSepStats(spec, S, S, true)
			if err != nil {
				panic(err)
			}
			stages, err := infer.ParseSepSteps(*steps)
			if err != nil {
				panic(err)
			}
			pr := &infer.SeparationProblem{Data: d, Contaminant: samples, Stats: ss}
			opt := infer.SeparationOptions{Form: infer.FormJMD, Stages: stages, Seed: 1}
			if start != nil {
				opt.Start = mk(S, start)
			}
			res, err := infer.RunSeparation(context.Background(), cpu.New(), pr, opt)
			if err != nil {
				panic(err)
			}
			return res.S.Data
		}
		// ST separation (the benchmark's defaults), cached.
		var st []float64
		stTime := 0.0
		if want["st"] || want["avg"] || want["stprior"] || want["xdst"] || want["ststart"] || want["iter"] {
			f := filepath.Join(*cache, fmt.Sprintf("st_%d_%d.npy", S, draw))
			if m, err := datasets.ReadMaps(f); err == nil {
				st = m.Data
				fmt.Fprintf(os.Stderr, "ST map from %s\n", f)
			} else {
				t0 := time.Now()
				st = runST(nil)
				stTime = time.Since(t0).Seconds()
				os.MkdirAll(*cache, 0o755)
				datasets.WriteMaps(f, mk(S, st))
				fmt.Fprintf(os.Stderr, "ST separation %.0f s\n", stTime)
			}
			stMap = st
			if want["st"] {
				report("st (RunSeparation, benchmark)", st, stTime)
			}
		}
		needC := want["oracle"] || want["xd1"] || want["xdm"] || want["stprior"] || want["xdst"] || want["iter"]
		var cprior *infer.PatchPrior
		var cTime float64
		if needC {
			t0 := time.Now()
			cprior = fit("c", samples, *kc)
			cTime = time.Since(t0).Seconds()
			fmt.Fprintf(os.Stderr, "contaminant prior %s: %.0f s\n", cprior, cTime)
		}
		sep := func(name string, sp *infer.PatchPrior, extra float64) []float64 {
			t0 := time.Now()
			o, err := infer.SeparateWithPatchPriors(d, sp, cprior, infer.PatchSepOptions{Stride: *stride})
			if err != nil {
				panic(err)
			}
			x := o.Map(0)
			save(name, x)
			report(name, x, extra+cTime+time.Since(t0).Seconds())
			if want["avg"] && st != nil {
				a := make([]float64, len(st))
				for i := range a {
					a[i] = 0.5 * (st[i] + x[i])
				}
				report("  avg (s̃ + it)/2", a, 0)
			}
			if want["ststart"] {
				t1 := time.Now()
				report("  st started from it", runST(x), time.Since(t1).Seconds())
			}
			return x
		}
		var best []float64
		if want["oracle"] {
			t0 := time.Now()
			sp := fit("s", s, *ks)
			sep("ORACLE dust prior from s", sp, time.Since(t0).Seconds())
		}
		// d-patch GMM (start of XD)
		var dg []gauss
		var dTime float64
		if want["xd1"] || want["xdm"] {
			t0 := time.Now()
			dp := fit("d", d, *ks)
			dg = fromPrior(dp)
			dTime = time.Since(t0).Seconds()
		}
		Y := patchRows(d, *p, *tstride, *xdrows, 1)
		// floor and reg: 1e-3 × the d-patches' mean per-pixel variance
		nY, _ := Y.Dims()
		floor := 0.0
		for j := 0; j < D; j++ {
			col := mat.Col(nil, j, Y)
			m := 0.0
			for _, v := range col {
				m += v / float64(nY)
			}
			for _, v := range col {
				floor += (v - m) * (v - m) / float64(nY*D)
			}
		}
		floor *= 1e-3
		runXD := func(name string, c []gauss, init []gauss, extra float64) []float64 {
			t0 := time.Now()
			sg := make([]gauss, len(init))
			copy(sg, init)
			lls := xdFit(Y, sg, c, *xditers, floor, *verbose)
			fmt.Fprintf(os.Stderr, "%s: XD %d iterations, log-lik %.4f → %.4f, %.0f s\n", name, len(lls), lls[0], lls[len(lls)-1], time.Since(t0).Seconds())
			return sep(name, toPrior(sg, *p), extra+time.Since(t0).Seconds())
		}
		if want["xd1"] {
			c1 := fit("c", samples, 1)
			cg := fromPrior(c1)
			best = runXD("xd1 (XD, contaminant 1 Gaussian)", cg, xdInit(dg, cg, D, floor), dTime)
		}
		if want["xdm"] {
			cx := fit("c", samples, *kcxd)
			cg := fromPrior(cx)
			best = runXD(fmt.Sprintf("xdm (XD, contaminant GMM K=%d)", cx.K), cg, xdInit(dg, cg, D, floor), dTime)
		}
		edges := func(d *stlayer.Maps, x []float64) []float64 {
			m, err := infer.EvaluateSeparation(d, mk(S, x), samples, s)
			if err != nil {
				panic(err)
			}
			return m.PSEdges // the metric's bin edges (the same for every map)
		}
		if want["stprior"] || want["xdst"] || want["iter"] {
			t0 := time.Now()
			sp := fit("st", mk(S, st), *ks)
			ft := time.Since(t0).Seconds()
			if want["stprior"] || want["iter"] {
				best = sep("stprior (dust prior from ST s̃)", sp, ft)
			}
			for r := 1; want["iter"] && r <= *rounds; r++ {
				// another round: the prior refitted on the last patch map
				// with ST's binned spectrum (its +stspec map)
				t1 := time.Now()
				x1 := rescale(best, st, nil, S, S, edges(d, best))
				sp2 := fit(fmt.Sprintf("stiter%d", r), mk(S, x1), *ks)
				best = sep(fmt.Sprintf("iter round %d (prior refitted)", r), sp2, time.Since(t1).Seconds())
			}
			if want["xdst"] {
				cx := fit("c", samples, *kcxd)
				best = runXD("xdst (XD from the s̃ prior)", fromPrior(cx), fromPrior(sp), ft)
			}
		}
		_ = best
	}
	fmt.Println("\nsummary")
	for _, r := range rows {
		fmt.Printf("%-4d %-36s %.3f  %.3f  %.3f  %5.0f\n", r.draw, r.name, r.spec, r.rmin, r.pix, r.wt)
	}
}

func fmtR(r []float64) string {
	var b strings.Builder
	for i, v := range r {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.2f", v)
	}
	return b.String()
}
