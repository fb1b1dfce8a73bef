//go:build ignore

// Experiment for issue #6 (session 23, synl): a self-trained feature filter
// for the separation d = s + c with contaminant samples c_i given.
//
// Verdict: truth-free self-training works, but it gains ≤ +0.01 min r
// (256²: +0.010 and +0.006 on two noise draws; dust + Quijote +0.000 and
// −0.010, with the spectrum put back +0.006 and −0.003). Pixel correlation
// gains +0.01–0.02 throughout. No variant reaches the +0.02 asked for, and training on the
// truth itself instead of s̃ gains no more (128² noise: 0.859 against
// 0.857), so the limit is the feature family on top of s̃, not the proxies.
//
// Method (truth-free except the rows marked "oracle").
//
//  1. The case is BenchmarkSeparationQuality's (infer/separate_quality_test.go,
//     sepQualityCase rebuilt here draw for draw): noise (dust I_1
//     subsampled + white noise of the dust's std, -nseed the noise draw,
//     20 samples) or quijote (dust + Quijote map -qmap scaled to the
//     dust's variance, the 19 other maps as samples; -qmap 0 is the
//     benchmark's). s̃ = RunSeparation of d with the defaults of stkit
//     separate (WPH iso, J = log2 N − 2, L 4, binned spectrum, JMD,
//     10 + 50 steps in 4 epochs, seed 1) — the benchmark's own run.
//  2. Training mixtures m_i = p_i + c_i (-ntrain, seeded by -tseed):
//     p_i, the signal proxy, is s̃ under one of the 8 rotations/flips
//     (cycled) and a random periodic shift (-proxy sep; -proxy truth uses
//     the true s instead: an oracle row, not truth-free, the ceiling of
//     the feature family with perfect proxies); c_i is, for noise, a fresh
//     white-noise map of the samples' pooled std (truth-free: σ from the
//     samples), for quijote one of the 19 samples (cycled) under a random
//     rotation/flip and shift. The last -held (25 %) are held aside.
//  3. The estimate e of a training mixture, per variant: none ("noe"),
//     infer.WienerEstimate of m with the samples ("wie"; on d likewise),
//     or the ST separation s̃(m) itself, same settings as for d, the
//     quijote mixture's own sample left out of its pool ("st"; on d
//     e = s̃(d)). Features (centred before the DFT; u_j, v_j, w_j the
//     orientation-averaged wavelet moduli |x⋆ψ_{j,θ}| of d, e and r = d − e,
//     ψ one-sided Gaussian band-pass filters centred at 0.375/2^j cycles
//     per pixel, width 0.4 × centre, zero mean, L 4, j < J = log2 N − 3):
//     noe: d, u_j, d·u_j; wie and st: d, e, d·u_j, e·v_j, r·w_j (the
//     held-aside best of research22_featwiener.go).
//  4. The filter ŝ(k) = Σ_f h_f(|k|) F_f(k), one real vector per annulus
//     round(|k|) (cycles per map), ridge h = (A + α diag A)⁻¹ c fitted on
//     the training mixtures' proxies; α among -alphas chosen by the mean
//     min r (EvaluateSeparation's RMin, the proxy as truth, m − p as the
//     contaminant) of the held-aside mixtures for the filter fitted on the
//     rest, then refitted on all. The mean of ŝ is e's (noe: mean(d) minus
//     the samples' mean).
//  5. Applied to d's features; infer.EvaluateSeparation(d, ŝ, samples, s)
//     gives the figures (spectrum max |P/P_s − 1| where P_c ≤ 10
//     P_s, min r where P_c ≤ P_s, pixel correlation), beside s̃'s. The
//     circularity check: r_min and pixel correlation of ŝ against s̃
//     instead of s ("vs s̃").
//
// Run from the repository root (data in /work/shared/data; s̃ of d and of
// the training mixtures cached in -cache), e.g.
//
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -variants noe,wie,st
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 256 -variants st -ntrain 16
//
// Results (session 23, library at c69c3d5; a 2-core machine shared with
// other jobs, load 8–20, so times are loaded wall seconds of the variant,
// the training separations included: 4–14 s each at 128², 31–55 s at
// 256²). Figures of infer.EvaluateSeparation against the truth: spectrum =
// max |P/P_s − 1| where P_c ≤ 10 P_s, min r where P_c ≤ P_s, pixel
// correlation; "+ps" = the filter's output rescaled per annulus to the
// power of s̃ (truth-free; a per-annulus gain leaves r almost unchanged);
// "vs s̃" = min r and pixel correlation of ŝ against s̃ instead of s (the
// circularity check; s̃ itself against s is the "s̃ alone" row). The s̃
// rows reproduce the benchmark (256² noise 0.070 / 0.828 / 0.935,
// quijote 0.893 / 0.785 / 0.817). Default flags (ntrain 24 at 128², 16 at
// 256² via -ntrain 16, tseed 1, proxy sep) unless stated.
//
//	variant                     case/draw   size  spectrum  min r   pixel   | +ps: spec min r  pixel | vs s̃ r  pix  | time
//	data d                      noise n0    128      —      0.787   0.714
//	s̃ alone                     noise n0    128    0.151    0.849   0.891
//	noe                         noise n0    128    0.670    0.837   0.896   | 0.162  0.837  0.886  | 0.941 0.966 |   15
//	wie                         noise n0    128    0.656    0.831   0.894   | 0.168  0.830  0.884  | 0.939 0.966 |   18
//	st                          noise n0    128    0.578    0.857   0.906   | 0.172  0.857  0.899  | 0.975 0.979 |  159
//	st -ntrain 48 -tseed 2      noise n0    128    0.561    0.857   0.907   | 0.169  0.857  0.899  | 0.978 0.981 |  736
//	st -synth 4 (s̃ + 4 synth.)  noise n0    128    0.584    0.857   0.907   | 0.174  0.857  0.899  | 0.974 0.979 |  255
//	oracle noe -proxy truth     noise n0    128    0.699    0.839   0.897   |                      | 0.941 0.964 |   11
//	oracle wie -proxy truth     noise n0    128    0.682    0.833   0.896   |                      | 0.935 0.963 |   19
//	oracle st -proxy truth      noise n0    128    0.624    0.859   0.908   | 0.174  0.858  0.900  | 0.974 0.977 |  284
//	data d                      noise n1    128      —      0.779   0.710
//	s̃ alone                     noise n1    128    0.188    0.834   0.885
//	noe                         noise n1    128    0.647    0.819   0.896   | 0.116  0.819  0.882  | 0.954 0.962 |   38
//	st                          noise n1    128    0.546    0.836   0.905   | 0.136  0.836  0.894  | 0.980 0.978 |  321
//	data d                      quijote q0  128      —      0.742   0.717
//	s̃ alone                     quijote q0  128    0.871    0.783   0.814
//	noe                         quijote q0  128    0.758    0.776   0.824   | 0.872  0.778  0.818  | 0.933 0.957 |   11
//	wie                         quijote q0  128    0.798    0.779   0.823   | 0.866  0.783  0.817  | 0.932 0.956 |   20
//	st                          quijote q0  128    0.815    0.785   0.829   | 0.903  0.788  0.823  | 0.968 0.975 |  146
//	data d                      quijote q1  128      —      0.719   0.710
//	s̃ alone                     quijote q1  128    0.195    0.770   0.817
//	noe                         quijote q1  128    0.646    0.764   0.832   | 0.207  0.768  0.822  | 0.928 0.950 |   26
//	st                          quijote q1  128    0.575    0.765   0.835   | 0.212  0.769  0.825  | 0.969 0.972 |  535
//	data d                      noise n0    256      —      0.737   0.704
//	s̃ alone                     noise n0    256    0.070    0.828   0.935
//	noe                         noise n0    256    0.694    0.798   0.940   | 0.065  0.797  0.931  | 0.962 0.976 |   76
//	st                          noise n0    256    0.617    0.838   0.948   | 0.068  0.837  0.941  | 0.984 0.986 | 1097
//	data d                      noise n1    256      —      0.748   0.711
//	s̃ alone                     noise n1    256    0.170    0.836   0.935
//	noe                         noise n1    256    0.736    0.804   0.940   | 0.163  0.803  0.930  | 0.905 0.976 |   43
//	st                          noise n1    256    0.681    0.842   0.947   | 0.169  0.842  0.940  | 0.955 0.986 | 1000
//	data d                      quijote q0  256      —      0.743   0.718
//	s̃ alone                     quijote q0  256    0.893    0.785   0.817
//	noe                         quijote q0  256    0.695    0.790   0.827   | 0.895  0.794  0.821  | 0.932 0.956 |   57
//	st                          quijote q0  256    0.824    0.785   0.828   | 0.922  0.791  0.823  | 0.951 0.969 | 1000
//	data d                      quijote q1  256      —      0.720   0.708
//	s̃ alone                     quijote q1  256    0.187    0.771   0.815
//	noe                         quijote q1  256    0.719    0.769   0.837   | 0.203  0.772  0.825  | 0.921 0.949 |   69
//	st                          quijote q1  256    0.665    0.761   0.839   | 0.176  0.768  0.827  | 0.958 0.966 |  533
//
// Commands (each prints RESULT lines; s̃ and the separations of the training
// mixtures are cached in -cache, so a rerun costs only the features):
//
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -variants noe,wie,st
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -variants noe,wie,st -proxy truth
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -variants st -ntrain 48 -tseed 2
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -variants st -synth 4
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 128 -nseed 1 -variants noe,st
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 128 -variants noe,wie,st
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 128 -qmap 1 -variants noe,st
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 256 -variants noe,st -ntrain 16
//	nice go run docs/experiments/research23_selftrain.go -case noise -size 256 -nseed 1 -variants st,noe -ntrain 16
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 256 -variants noe,st -ntrain 16
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 256 -qmap 1 -variants noe -ntrain 16
//	nice go run docs/experiments/research23_selftrain.go -case quijote -size 256 -qmap 1 -variants st -ntrain 16
//
// Per half-octave bin (256² noise n0, r of s̃ → st): 0.948 → 0.951, 0.898
// → 0.902, 0.828 → 0.838 (the P_n ≈ P_s bin, min r), then the
// noise-dominated bins the criterion leaves out 0.728 → 0.756, 0.585 →
// 0.658, 0.391 → 0.487; n1 alike (0.836 → 0.842; 0.578 → 0.644, 0.380 →
// 0.468). Dust + Quijote q0: the min-r bin (0.785) does not move, two of
// the few-mode large-scale bins lose 0.013–0.014 (0.964 → 0.951, 0.877 →
// 0.863), the fine bins gain 0.02–0.06; q1: the min-r bin 0.771 → 0.761,
// the others +0.00…+0.06. On the held-aside training mixtures the
// dust + Quijote filter promised more than it gave (q0 0.774 → 0.796, q1
// 0.782 → 0.812 against s̃(m) alone): the proxies are all one map, s̃,
// whose error differs from d's; on the 256² noise case the held-aside
// gains (+0.010, +0.013) are near those on d (+0.010, +0.006).
//
// What it says.
//
//   - Circularity. Trained on s̃'s rotations/shifts (or on s̃ plus four
//     syntheses from Φ(s̃), or on twice the mixtures) the filter does not
//     just return s̃: ŝ moves 2–5 % away from it (vs s̃ r 0.95–0.98) and
//     toward s, by the same amount as a filter trained on the truth's own
//     rotations (oracle st 0.859 / 0.908 against 0.857 / 0.906 at 128²
//     n0). The proxies are good enough; what limits is that s̃'s error is
//     not predictable from local features of (d, s̃, d − s̃) — the same
//     conclusion as the truth-fitted per-bin combination of s̃ and d
//     (+0.006, README) and the oracle shrinkage (below s̃).
//   - Without s̃ as a feature (noe, wie), learned denoisers of d lose to s̃
//     in min r (128²/256² noise −0.01…−0.03; even trained on the truth,
//     0.839 and 0.833 against 0.849), though they gain pixel correlation:
//     the statistical separation is the better local estimator where
//     P_n ≈ P_s, the filter wins on the large scales the pixel correlation
//     weights. On dust + Quijote noe is within ±0.01 of s̃ (256² q0 +0.005,
//     +ps +0.009; q1 −0.002, +ps +0.001; 128² q0 −0.007, q1 −0.006): noise.
//   - The filter shrinks power (spectrum 0.55–0.82 off, as any MSE
//     estimator); "+ps" restores s̃'s spectrum at no cost in min r and
//     −0.006…−0.008 of the pixel gain.
//   - Cost at 256²: 16 extra ST separations (≈ 16 × the separation of d)
//     plus ≈ 2 min of features under load, for +0.006…+0.010 min r on the
//     noise case, −0.010…+0.000 on dust + Quijote (+ps −0.003…+0.006),
//     +0.011…+0.024 pixel correlation.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

var (
	flCase     = flag.String("case", "noise", "noise or quijote")
	flSize     = flag.Int("size", 128, "map size (subsampled from 512²/256²)")
	flNSeed    = flag.Int("nseed", 0, "noise case: the draw (STKIT_SEP_NOISE_SEED)")
	flQMap     = flag.Int("qmap", 0, "quijote case: the Quijote map in d (the others are the samples)")
	flNTrain   = flag.Int("ntrain", 24, "training mixtures")
	flHeld     = flag.Float64("held", 0.25, "fraction held aside to choose α")
	flTSeed    = flag.Uint64("tseed", 1, "seed of the training draws")
	flVariants = flag.String("variants", "noe,wie,st", "noe, wie, st")
	flProxy    = flag.String("proxy", "sep", "sep (s̃ of d) or truth (oracle)")
	flAlphas   = flag.String("alphas", "1e-4,1e-3,1e-2,3e-2,0.1,0.3,1", "ridge α candidates")
	flSynth    = flag.Int("synth", 0, "also K maps synthesised from s̃ as proxies (scov iso, stkit synth's defaults)")
	flCache    = flag.String("cache", "/tmp/s23/synl/cache", "cache of separations")
	flShared   = flag.String("shared", "/work/shared", "shared folder")
)

// ---------------------------------------------------------------- FFT
// (fft2, toC: copied from research22_featwiener.go)

var fftCache sync.Map

func fftOf(n int) *fourier.CmplxFFT {
	p, _ := fftCache.LoadOrStore(n, &sync.Pool{New: func() any { return fourier.NewCmplxFFT(n) }})
	return p.(*sync.Pool).Get().(*fourier.CmplxFFT)
}

func fftPut(n int, f *fourier.CmplxFFT) {
	p, _ := fftCache.Load(n)
	p.(*sync.Pool).Put(f)
}

func fft2(x []complex128, n int, inv bool) []complex128 {
	f := fftOf(n)
	defer fftPut(n, f)
	out := make([]complex128, n*n)
	row := make([]complex128, n)
	for i := 0; i < n; i++ {
		if inv {
			f.Sequence(row, x[i*n:(i+1)*n])
		} else {
			f.Coefficients(row, x[i*n:(i+1)*n])
		}
		copy(out[i*n:(i+1)*n], row)
	}
	col, res := make([]complex128, n), make([]complex128, n)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			col[i] = out[i*n+j]
		}
		if inv {
			f.Sequence(res, col)
		} else {
			f.Coefficients(res, col)
		}
		for i := 0; i < n; i++ {
			out[i*n+j] = res[i]
		}
	}
	if inv {
		s := complex(1/float64(n*n), 0)
		for i := range out {
			out[i] *= s
		}
	}
	return out
}

func toC(x []float64) []complex128 {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(v, 0)
	}
	return c
}

func sfreq(k, n int) int {
	if k > n/2 {
		return k - n
	}
	return k
}

// ---------------------------------------------------------------- wavelets

type bank struct {
	n, J, L int
	psi     [][][]float64 // [j][θ][n*n]
}

func newBank(n, J, L int) *bank {
	b := &bank{n: n, J: J, L: L}
	for j := 0; j < J; j++ {
		c := 0.375 / math.Pow(2, float64(j))
		sg := 0.4 * c
		var th [][]float64
		for t := 0; t < L; t++ {
			a := float64(t) * math.Pi / float64(L)
			cy, cx := c*math.Sin(a), c*math.Cos(a)
			f := make([]float64, n*n)
			for i := 0; i < n; i++ {
				ky := float64(sfreq(i, n)) / float64(n)
				for q := 0; q < n; q++ {
					kx := float64(sfreq(q, n)) / float64(n)
					g := math.Exp(-((ky-cy)*(ky-cy) + (kx-cx)*(kx-cx)) / (2 * sg * sg))
					g0 := math.Exp(-(ky*ky + kx*kx + c*c) / (2 * sg * sg))
					f[i*n+q] = g - g0
				}
			}
			th = append(th, f)
		}
		b.psi = append(b.psi, th)
	}
	return b
}

func (b *bank) modulus(x []float64) [][]float64 {
	n := b.n
	X := fft2(toC(x), n, false)
	out := make([][]float64, b.J)
	for j := range b.psi {
		u := make([]float64, n*n)
		for _, f := range b.psi[j] {
			Y := make([]complex128, n*n)
			for i := range Y {
				Y[i] = X[i] * complex(f[i], 0)
			}
			y := fft2(Y, n, true)
			for i := range u {
				u[i] += math.Hypot(real(y[i]), imag(y[i])) / float64(b.L)
			}
		}
		out[j] = u
	}
	return out
}

// ---------------------------------------------------------------- maps

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func centred(x []float64) []float64 {
	m := mean(x)
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v - m
	}
	return y
}

func prod(x, y []float64) []float64 {
	xc := centred(x)
	z := make([]float64, len(x))
	for i := range z {
		z[i] = xc[i] * y[i]
	}
	return z
}

func sub(x, y []float64) []float64 {
	z := make([]float64, len(x))
	for i := range z {
		z[i] = x[i] - y[i]
	}
	return z
}

func add(x, y []float64) []float64 {
	z := make([]float64, len(x))
	for i := range z {
		z[i] = x[i] + y[i]
	}
	return z
}

func one(n int, x []float64) *stlayer.Maps { return &stlayer.Maps{B: 1, M: n, N: n, Data: x} }

func batch(n int, xs [][]float64) *stlayer.Maps {
	m := &stlayer.Maps{B: len(xs), M: n, N: n}
	for _, x := range xs {
		m.Data = append(m.Data, x...)
	}
	return m
}

// transform applies rotation/flip g (0…7) then the periodic shift (dy, dx).
func transform(x []float64, n, g, dy, dx int) []float64 {
	y := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a, b := i, j
			if g&1 != 0 {
				a, b = b, a
			}
			if g&2 != 0 {
				a = n - 1 - a
			}
			if g&4 != 0 {
				b = n - 1 - b
			}
			y[((i+dy)%n)*n+(j+dx)%n] = x[a*n+b]
		}
	}
	return y
}

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

func readMap(path string) []float64 {
	m, err := datasets.ReadMaps(path)
	if err != nil {
		log.Fatal(err)
	}
	return m.Map(0)
}

// buildCase is sepQualityCase of infer/separate_quality_test.go (STKIT_SEP_DUST=sub).
func buildCase(name string, size int) (d, s []float64, samples [][]float64, isNoise bool) {
	s = shrink(readMap(filepath.Join(*flShared, "data", "dust", "I_1.npy")), 512, size)
	_, sdS, _, _ := infer.Moments(s)
	switch name {
	case "quijote":
		var qs [][]float64
		for i := 0; i < 20; i++ {
			qs = append(qs, shrink(readMap(filepath.Join(*flShared, "data", "quijote", fmt.Sprintf("logdensity_%02d.npy", i))), 256, size))
		}
		_, sdQ, _, _ := infer.Moments(qs[*flQMap])
		a := sdS / sdQ
		for _, q := range qs {
			for i := range q {
				q[i] *= a
			}
		}
		d = add(s, qs[*flQMap])
		for i, q := range qs {
			if i != *flQMap {
				samples = append(samples, q)
			}
		}
		return d, s, samples, false
	case "noise":
		stream := 77 + uint64(*flNSeed)
		noise := func(seed uint64) []float64 {
			rng := rand.New(rand.NewPCG(seed, stream))
			x := make([]float64, size*size)
			for i := range x {
				x[i] = sdS * rng.NormFloat64()
			}
			return x
		}
		d = add(s, noise(0))
		for i := 1; i <= 20; i++ {
			samples = append(samples, noise(uint64(i)))
		}
		return d, s, samples, true
	}
	log.Fatalf("case %q", name)
	return
}

// ---------------------------------------------------------------- separation

// separate is the benchmark's default run (stkit separate's defaults),
// cached under key.
func separate(key string, n int, d []float64, samples [][]float64, isNoise bool) []float64 {
	path := filepath.Join(*flCache, key+".npy")
	if m, err := datasets.ReadMaps(path); err == nil {
		return m.Map(0)
	}
	spec := stats.Spec{Kind: stats.WPH, L: 4, Iso: true}.WithDefaults(n, n)
	ss, err := infer.NewSepStats(spec, n, n, true)
	if err != nil {
		log.Fatal(err)
	}
	p := &infer.SeparationProblem{Data: one(n, d), Stats: ss}
	if isNoise {
		p.Noise = batch(n, samples)
	} else {
		p.Contaminant = batch(n, samples)
	}
	stages, _ := infer.ParseSepSteps("10,50,4")
	t0 := time.Now()
	res, err := infer.RunSeparation(context.Background(), cpu.New(), p, infer.SeparationOptions{Form: infer.FormJMD, Stages: stages, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("separation %s: %d evaluations, %.0f s", key, res.Evals, time.Since(t0).Seconds())
	os.MkdirAll(*flCache, 0o755)
	if err := datasets.WriteMaps(path, res.S); err != nil {
		log.Fatal(err)
	}
	return res.S.Map(0)
}

// ---------------------------------------------------------------- features and filter

type mixture struct {
	m, e, p []float64 // mixture, estimate (nil for noe), proxy
	pool    [][]float64
}

func features(bk *bank, variant string, m, e []float64) [][]float64 {
	var F [][]float64
	u := bk.modulus(m)
	switch variant {
	case "noe":
		F = append(F, m)
		F = append(F, u...)
		for _, uj := range u {
			F = append(F, prod(m, uj))
		}
	default:
		r := sub(m, e)
		v, w := bk.modulus(e), bk.modulus(r)
		F = append(F, m, e)
		for j := range u {
			F = append(F, prod(m, u[j]))
		}
		for j := range v {
			F = append(F, prod(e, v[j]))
		}
		for j := range w {
			F = append(F, prod(r, w[j]))
		}
	}
	for i := range F {
		F[i] = centred(F[i])
	}
	return F
}

func annulus(n int) ([]int, int) {
	ann := make([]int, n*n)
	na := 0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a := int(math.Round(math.Hypot(float64(sfreq(i, n)), float64(sfreq(j, n)))))
			ann[i*n+j] = a
			na = max(na, a+1)
		}
	}
	return ann, na
}

type normal struct {
	F, NA int
	A     [][]float64 // [a][F*F]
	c     [][]float64 // [a][F]
}

func newNormal(F, NA int) *normal {
	q := &normal{F: F, NA: NA}
	for a := 0; a < NA; a++ {
		q.A = append(q.A, make([]float64, F*F))
		q.c = append(q.c, make([]float64, F))
	}
	return q
}

func (q *normal) addTo(o *normal) {
	for a := range q.A {
		for i := range q.A[a] {
			o.A[a][i] += q.A[a][i]
		}
		for i := range q.c[a] {
			o.c[a][i] += q.c[a][i]
		}
	}
}

func accumulate(n int, ann []int, FF [][]complex128, S []complex128, q *normal) {
	F := len(FF)
	for k := 1; k < n*n; k++ {
		a := ann[k]
		A, c := q.A[a], q.c[a]
		for f := 0; f < F; f++ {
			x := FF[f][k]
			for g := f; g < F; g++ {
				y := FF[g][k]
				A[f*F+g] += real(x)*real(y) + imag(x)*imag(y)
			}
			c[f] += real(x)*real(S[k]) + imag(x)*imag(S[k])
		}
	}
}

func solve(q *normal, alpha float64) [][]float64 {
	F := q.F
	h := make([][]float64, q.NA)
	for a := 1; a < q.NA; a++ {
		A := mat.NewDense(F, F, nil)
		for f := 0; f < F; f++ {
			for g := f; g < F; g++ {
				A.Set(f, g, q.A[a][f*F+g])
				A.Set(g, f, q.A[a][f*F+g])
			}
		}
		tr := 0.0
		for f := 0; f < F; f++ {
			tr += A.At(f, f)
		}
		for f := 0; f < F; f++ {
			A.Set(f, f, A.At(f, f)*(1+alpha)+1e-12*tr/float64(F))
		}
		var x mat.VecDense
		if err := x.SolveVec(A, mat.NewVecDense(F, append([]float64(nil), q.c[a]...))); err != nil {
			h[a] = make([]float64, F)
			continue
		}
		h[a] = make([]float64, F)
		for f := 0; f < F; f++ {
			h[a][f] = x.AtVec(f)
		}
	}
	return h
}

func apply(n int, ann []int, FF [][]complex128, h [][]float64, mu float64) []float64 {
	Y := make([]complex128, n*n)
	for k := 1; k < n*n; k++ {
		a := ann[k]
		if h[a] == nil {
			continue
		}
		var z complex128
		for f, x := range FF {
			z += complex(h[a][f], 0) * x[k]
		}
		Y[k] = z
	}
	y := fft2(Y, n, true)
	out := make([]float64, n*n)
	for i := range out {
		out[i] = real(y[i]) + mu
	}
	return out
}

func fftAll(n int, F [][]float64) [][]complex128 {
	out := make([][]complex128, len(F))
	var wg sync.WaitGroup
	for i := range F {
		wg.Add(1)
		go func(i int) { defer wg.Done(); out[i] = fft2(toC(F[i]), n, false) }(i)
	}
	wg.Wait()
	return out
}

func eval(d, sep []float64, samples [][]float64, truth []float64, n int) *infer.SeparationMetrics {
	m, err := infer.EvaluateSeparation(one(n, d), one(n, sep), batch(n, samples), one(n, truth))
	if err != nil {
		log.Fatal(err)
	}
	return m
}

func main() {
	flag.Parse()
	n := *flSize
	J := int(math.Log2(float64(n))) - 3
	d, s, samples, isNoise := buildCase(*flCase, n)
	tag := fmt.Sprintf("%s%d_n%d", *flCase, n, *flNSeed)
	if !isNoise {
		tag = fmt.Sprintf("%s%d_q%d", *flCase, n, *flQMap)
	}
	t0 := time.Now()
	st := separate(tag+"_d", n, d, samples, isNoise)
	base := eval(d, st, samples, s, n)
	log.Printf("%s: s̃ spectrum %.3f, min r %.3f (data %.3f), pixel %.3f; r %v", tag, base.PSMaxDev, base.RMin, base.RMinData, base.PixelCorr, fmtR(base.R))
	fmt.Printf("RESULT %s s̃ alone: spectrum %.3f min_r %.3f pixel %.3f (data min_r %.3f pixel %.3f)\n", tag, base.PSMaxDev, base.RMin, base.PixelCorr, base.RMinData, base.PixelCorrData)
	muC := 0.0
	for _, c := range samples {
		muC += mean(c) / float64(len(samples))
	}
	// Pooled std of the samples (noise case: the σ of the fresh draws).
	sdN := 0.0
	for _, c := range samples {
		_, sd, _, _ := infer.Moments(c)
		sdN += sd * sd / float64(len(samples))
	}
	sdN = math.Sqrt(sdN)

	proxySrc := st
	if *flProxy == "truth" {
		proxySrc = s
	}
	sources := [][]float64{proxySrc}
	if *flSynth > 0 {
		sources = append(sources, synthesise(tag+"_"+*flProxy, n, proxySrc, *flSynth)...)
	}
	rng := rand.New(rand.NewPCG(*flTSeed, 2323))
	var mix []mixture
	for i := 0; i < *flNTrain; i++ {
		p := transform(sources[i%len(sources)], n, (i/len(sources))%8, rng.IntN(n), rng.IntN(n))
		var c []float64
		pool := samples
		if isNoise {
			c = make([]float64, n*n)
			for k := range c {
				c[k] = muC + sdN*rng.NormFloat64()
			}
		} else {
			k := i % len(samples)
			c = transform(samples[k], n, rng.IntN(8), rng.IntN(n), rng.IntN(n))
			pool = nil
			for q := range samples {
				if q != k {
					pool = append(pool, samples[q])
				}
			}
		}
		mix = append(mix, mixture{m: add(p, c), p: p, pool: pool})
	}
	nHeld := int(math.Round(*flHeld * float64(len(mix))))
	nFit := len(mix) - nHeld
	var alphas []float64
	for _, a := range strings.Split(*flAlphas, ",") {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil {
			log.Fatal(err)
		}
		alphas = append(alphas, v)
	}
	bk := newBank(n, J, 4)
	ann, NA := annulus(n)
	for _, variant := range strings.Split(*flVariants, ",") {
		tv := time.Now()
		estimate := func(key string, m []float64, pool [][]float64) []float64 {
			switch variant {
			case "noe":
				return nil
			case "wie":
				var e *stlayer.Maps
				var err error
				if isNoise {
					e, err = infer.WienerEstimate(one(n, m), nil, batch(n, pool))
				} else {
					e, err = infer.WienerEstimate(one(n, m), batch(n, pool), nil)
				}
				if err != nil {
					log.Fatal(err)
				}
				return e.Map(0)
			case "st":
				return separate(key, n, m, pool, isNoise)
			}
			log.Fatalf("variant %q", variant)
			return nil
		}
		muOf := func(m, e []float64) float64 {
			if e == nil {
				return mean(m) - muC
			}
			return mean(e)
		}
		var qFit, qHeld *normal
		var held [][][]complex128
		var heldMu []float64
		for i := range mix {
			x := &mix[i]
			key := fmt.Sprintf("%s_%s_t%d_%d", tag, *flProxy, *flTSeed, i)
			if *flSynth > 0 {
				key = fmt.Sprintf("%s_%s_syn%d_t%d_%d", tag, *flProxy, *flSynth, *flTSeed, i)
			}
			x.e = estimate(key, x.m, x.pool)
			FF := fftAll(n, features(bk, variant, x.m, x.e))
			S := fft2(toC(centred(x.p)), n, false)
			if qFit == nil {
				qFit, qHeld = newNormal(len(FF), NA), newNormal(len(FF), NA)
			}
			if i < nFit {
				accumulate(n, ann, FF, S, qFit)
			} else {
				accumulate(n, ann, FF, S, qHeld)
				held = append(held, FF)
				heldMu = append(heldMu, muOf(x.m, x.e))
			}
		}
		bestA, bestR := alphas[0], math.Inf(-1)
		var line strings.Builder
		for _, al := range alphas {
			h := solve(qFit, al)
			r := 0.0
			for k, FF := range held {
				x := mix[nFit+k]
				y := apply(n, ann, FF, h, heldMu[k])
				r += eval(x.m, y, x.pool, x.p, n).RMin / float64(len(held))
			}
			fmt.Fprintf(&line, " α=%g:%.3f", al, r)
			if r > bestR {
				bestA, bestR = al, r
			}
		}
		// Held-aside r of the estimate itself (st: s̃(m) against p).
		eHeld := math.NaN()
		if variant != "noe" {
			eHeld = 0
			for k := nFit; k < len(mix); k++ {
				eHeld += eval(mix[k].m, mix[k].e, mix[k].pool, mix[k].p, n).RMin / float64(nHeld)
			}
		}
		qHeld.addTo(qFit)
		h := solve(qFit, bestA)
		e := estimate(tag+"_d", d, samples)
		FF := fftAll(n, features(bk, variant, d, e))
		y := apply(n, ann, FF, h, muOf(d, e))
		m := eval(d, y, samples, s, n)
		c := eval(d, y, samples, st, n)
		ym := matchSpectrum(n, ann, y, st)
		mm := eval(d, ym, samples, s, n)
		var me *infer.SeparationMetrics
		if e != nil {
			me = eval(d, e, samples, s, n)
		}
		log.Printf("%s %s proxy %s: held-aside min r%s (estimate alone %.3f); α %g", tag, variant, *flProxy, line.String(), eHeld, bestA)
		log.Printf("  r %v (s̃ %v)", fmtR(m.R), fmtR(base.R))
		if me != nil {
			log.Printf("  estimate e on d: spectrum %.3f min r %.3f pixel %.3f", me.PSMaxDev, me.RMin, me.PixelCorr)
		}
		fmt.Printf("RESULT %s %s proxy=%s ntrain=%d tseed=%d: spectrum %.3f min_r %.3f pixel %.3f | vs s̃: min_r %.3f pixel %.3f | α %g held %.3f | %.0f s\n",
			tag, variant, *flProxy+synthTag(), *flNTrain, *flTSeed, m.PSMaxDev, m.RMin, m.PixelCorr, c.RMin, c.PixelCorr, bestA, bestR, time.Since(tv).Seconds())
		fmt.Printf("RESULT %s %s+ps proxy=%s ntrain=%d tseed=%d: spectrum %.3f min_r %.3f pixel %.3f\n", tag, variant, *flProxy+synthTag(), *flNTrain, *flTSeed, mm.PSMaxDev, mm.RMin, mm.PixelCorr)
	}
	log.Printf("total %.0f s", time.Since(t0).Seconds())
}

// matchSpectrum rescales y per annulus round(|k|) to the power of ref (s̃:
// truth-free), keeping the mean of y.
func matchSpectrum(n int, ann []int, y, ref []float64) []float64 {
	Y, R := fft2(toC(y), n, false), fft2(toC(ref), n, false)
	py, pr := map[int]float64{}, map[int]float64{}
	for k := 1; k < n*n; k++ {
		py[ann[k]] += real(Y[k])*real(Y[k]) + imag(Y[k])*imag(Y[k])
		pr[ann[k]] += real(R[k])*real(R[k]) + imag(R[k])*imag(R[k])
	}
	for k := 1; k < n*n; k++ {
		if a := ann[k]; py[a] > 0 {
			Y[k] *= complex(math.Sqrt(pr[a]/py[a]), 0)
		}
	}
	z := fft2(Y, n, true)
	out := make([]float64, n*n)
	for i := range out {
		out[i] = real(z[i])
	}
	return out
}

func synthTag() string {
	if *flSynth > 0 {
		return fmt.Sprintf("+synth%d", *flSynth)
	}
	return ""
}

// synthesise draws k new maps matching Φ of x (stkit synth's defaults:
// scov iso, J = log2 N − 1, PresetQuality), cached.
func synthesise(key string, n int, x []float64, k int) [][]float64 {
	path := filepath.Join(*flCache, fmt.Sprintf("%s_synth%d.npy", key, k))
	if m, err := datasets.ReadMaps(path); err == nil {
		var out [][]float64
		for i := 0; i < m.B; i++ {
			out = append(out, m.Map(i))
		}
		return out
	}
	t0 := time.Now()
	eng := cpu.New()
	target := one(n, x)
	spec := stats.Spec{Kind: stats.SCov, Iso: true, Synthesis: true, J: stlayer.Log2Floor(n) - 1}
	op, err := stats.BuildWithRef(spec, eng, target)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := infer.Preset(infer.PresetQuality, k, 1)
	if err != nil {
		log.Fatal(err)
	}
	res, _, err := infer.Synthesize(context.Background(), eng, op, target, cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("synthesis %s: %d maps, %.0f s", key, k, time.Since(t0).Seconds())
	os.MkdirAll(*flCache, 0o755)
	if err := datasets.WriteMaps(path, res.Maps); err != nil {
		log.Fatal(err)
	}
	var out [][]float64
	for i := 0; i < res.Maps.B; i++ {
		out = append(out, res.Maps.Map(i))
	}
	return out
}

func fmtR(r []float64) string {
	var b strings.Builder
	for i, v := range r {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%.3f", v)
	}
	return b.String()
}
