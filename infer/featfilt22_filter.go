package infer

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// FeatureFilter is a learned refinement of the patch-prior estimate of
// component A in a mixture d = s_A + s_B (issue #8; the method of
// docs/experiments/research22_featwiener.go): a real, isotropic,
// multichannel filter from feature maps F_f of the mixture to s_A,
//
//	ŝ_A(k) = Σ_f h_f(|k|) F_f(k)  (k ≠ 0; the mean of ŝ_A is that of e),
//
// B's estimate then d − ŝ_A. The features (Groups, centred before the DFT)
// are built from d, the patch-prior estimate e of s_A
// (SeparateWithPatchPriors) and r = d − e: "d", "pp" (e), "r", the
// orientation-averaged wavelet moduli u_j = |d⋆ψ_j|, v_j = |e⋆ψ_j|,
// w_j = |r⋆ψ_j| (groups "u", "v", "w"; "u2" u_j², "lu", "lv", "lw" their
// logs) and the products of a map with a texture, "du" = d·u_j, "ev" =
// e·v_j, "rw" = r·w_j and the other six of {d, e, r} × {u, v, w} (j = 0 …
// J−1). ψ_{j,θ} is a one-sided Gaussian band-pass filter in the DFT
// centred at K0/2^j cycles per pixel along θ = t·π/L (t < L), of width
// Width × its centre, minus a Gaussian at 0 so that it has zero mean.
//
// Weights holds h as [NA, F] row-major (F = len(Channels)): row a is the
// annulus round(|k|), |k| in cycles per P pixels, a = 0 … NA−1 (NA =
// FeatureFilterAnnuli(P); row 0 is unused). Applied to a map of P×P the
// mode k takes row round(|k|), as in training. On any other M×N map
// (square or not) the mode (k_y, k_x) (signed integer frequencies) has
// x = P·√((k_y/M)² + (k_x/N)²), its frequency in cycles per P pixels, and
// the weights are interpolated linearly between rows ⌊x⌋ and ⌊x⌋+1; x < 1
// takes row 1, x ≥ NA−1 the last row. The wavelets are defined in cycles
// per pixel, so the features mean the same on any map size.
//
// File (Save, LoadFeatureFilter): an .npz archive readable with numpy
// alone, members
//
//	weights     [NA, F]  float64  h (row a: annulus a)
//	channels    [F]      str      channel names (d, pp, du0 … du3, …)
//	groups      [G]      str      the feature groups (Groups)
//	pair        [2]      int64    A, B
//	patch       [1]      int64    P
//	wavelets    [4]      float64  J, L, K0 (cycles per pixel), Width
//	alpha       [1]      float64  the ridge α chosen
//	held_aside  [2]      float64  HeldAside
type FeatureFilter struct {
	// A is the component the filter estimates, B the other (the model
	// folder's component numbers; FitFeatureFilter sets 0 and 1).
	A, B int
	// Groups are the feature groups, Channels the feature maps they make.
	Groups, Channels []string
	// P is the side of the training patches; NA the number of annuli.
	P, NA int
	// J, L, K0 and Width define the wavelets (see FeatureFilter).
	J, L      int
	K0, Width float64
	// Weights is h, [NA, F] row-major.
	Weights []float64
	// Alpha is the ridge α: h = (A + α diag A)⁻¹ c per annulus, chosen
	// among FeatureFilterOptions.Alphas.
	Alpha float64
	// HeldAside is the mean worst-bin r of A and B (EvaluateModelSeparation's
	// RMinDominant) on the held-aside training mixtures at the chosen α,
	// for the filter fitted on the rest (NaN when unknown).
	HeldAside [2]float64
	// HalfKUsed are the mixture components FitFeatureFilter's half priors
	// were fitted with ([0]: A's two halves, [1]: B's; PatchPrior.KUsed:
	// PatchPriorOptions.K, lowered to ⌊rows/(P² + 1)⌋ on half of a
	// component's training rows where they are fewer than K·(P² + 1)). Not
	// saved: zero for a filter loaded by LoadFeatureFilter; export records
	// them in the manifest when one is below K
	// (ModelFeatureFilter.HalfKUsed).
	HalfKUsed [2][2]int
}

// DefaultFeatureGroups is FeatureFilterOptions.Features' default: the
// held-aside choice of research22_featwiener.go (14 channels at J = 4).
const DefaultFeatureGroups = "d,pp,du,ev,rw"

// FeatureFilterOptions configure FitFeatureFilter. Zero values take the
// defaults stated per field.
type FeatureFilterOptions struct {
	// Mixtures is the number of training mixtures per fold (default 120).
	Mixtures int
	// Features are the feature groups, comma-separated (default
	// DefaultFeatureGroups).
	Features string
	// Alphas are the ridge α candidates (default 0, 1e-3, 1e-2, 1e-1, 1);
	// HeldAside the fraction of each fold's mixtures held aside to choose
	// α (default 0.25).
	Alphas    []float64
	HeldAside float64
	// Seed of the halves and the mixtures' draws (default 22: with the
	// default options the draws of research22_featwiener.go).
	Seed uint64
	// PatchPrior are the options of the half priors: those the full priors
	// were fitted with (zero fields: FitPatchPrior's defaults).
	PatchPrior PatchPriorOptions
	// Stride is SeparateWithPatchPriors' stride for the training estimates
	// (default DefaultPatchSepStride, 1).
	Stride int
	// J, L, K0, Width: the wavelets (default 4, 4, 0.375 cycles per pixel,
	// 0.4).
	J, L      int
	K0, Width float64
	// Workers is the number of goroutines for the training estimates
	// (default GOMAXPROCS).
	Workers int
	// Context, if non-nil, stops the fit when cancelled (an error wrapping
	// the context's): the half priors between EM iterations (it is their
	// PatchPriorOptions.Context; PatchPrior's own Context and Progress are
	// not used), the training estimates between mixtures, the features
	// between mixtures and the choice of α between candidates.
	Context context.Context
	// Progress, if non-nil, is called as the fit advances.
	Progress func(FeatureFilterStep)
}

// FeatureFilterStep reports FitFeatureFilter's progress: Stage ("half
// priors", "training estimates", "filter") and Done of Total in it; Pair
// is the components (a, b) fitted (set by ExportModels; 0, 1 otherwise).
type FeatureFilterStep struct {
	Stage       string
	Done, Total int
	Pair        [2]int
}

func (o *FeatureFilterOptions) defaults() {
	if o.Mixtures <= 0 {
		o.Mixtures = 120
	}
	if o.Features == "" {
		o.Features = DefaultFeatureGroups
	}
	if len(o.Alphas) == 0 {
		o.Alphas = []float64{0, 1e-3, 1e-2, 1e-1, 1}
	}
	if o.HeldAside <= 0 {
		o.HeldAside = 0.25
	}
	if o.Seed == 0 {
		o.Seed = 22
	}
	if o.Stride <= 0 {
		o.Stride = DefaultPatchSepStride
	}
	if o.J <= 0 {
		o.J = 4
	}
	if o.L <= 0 {
		o.L = 4
	}
	if o.K0 <= 0 {
		o.K0 = 0.375
	}
	if o.Width <= 0 {
		o.Width = 0.4
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

var featureGroupNames = []string{"d", "pp", "r", "u", "v", "w", "u2", "lu", "lv", "lw", "du", "eu", "ru", "dv", "ev", "rv", "dw", "ew", "rw"}

// featureChannels returns the channel names of groups (an error names an
// unknown or repeated group).
func featureChannels(groups []string, J int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, g := range groups {
		if !slices.Contains(featureGroupNames, g) {
			return nil, fmt.Errorf("feature group %q (want some of %s)", g, strings.Join(featureGroupNames, ","))
		}
		if seen[g] {
			return nil, fmt.Errorf("feature group %q given twice", g)
		}
		seen[g] = true
		if g == "d" || g == "pp" || g == "r" {
			out = append(out, g)
			continue
		}
		for j := 0; j < J; j++ {
			out = append(out, fmt.Sprintf("%s%d", g, j))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no feature groups")
	}
	return out, nil
}

// FeatureFilterAnnuli is the number of annuli of a filter trained on P×P
// patches: round(|k|) + 1 for the largest |k| of a P×P DFT.
func FeatureFilterAnnuli(p int) int {
	h := float64(p / 2)
	return int(math.Round(math.Hypot(h, h))) + 1
}

// ffFreq is the signed frequency of DFT index k on an axis of n (+n/2 at
// the Nyquist index of an even n).
func ffFreq(k, n int) int {
	if k > n/2 {
		return k - n
	}
	return k
}

// ffFFT2 is the 2-D DFT of an m×n complex map (the inverse, normalised by
// 1/(mn), when inv): datasets.FFT2 on a copy of x.
func ffFFT2(x []complex128, m, n int, inv bool) []complex128 {
	out := make([]complex128, m*n)
	copy(out, x)
	f := datasets.NewFFT2(m, n)
	if inv {
		f.Inverse(out)
	} else {
		f.Forward(out)
	}
	return out
}

// ffBank holds the wavelets' DFTs on an m×n grid, [j][θ][m·n].
type ffBank struct {
	m, n, J, L int
	psi        [][][]float64
}

func newFFBank(m, n, J, L int, k0, width float64) *ffBank {
	b := &ffBank{m: m, n: n, J: J, L: L}
	for j := 0; j < J; j++ {
		kc := k0 / math.Pow(2, float64(j))
		sig := width * kc
		var th [][]float64
		for t := 0; t < L; t++ {
			a := math.Pi * float64(t) / float64(L)
			cx, cy := kc*math.Cos(a), kc*math.Sin(a)
			beta := math.Exp(-(cx*cx + cy*cy) / (2 * sig * sig))
			f := make([]float64, m*n)
			for u := 0; u < m; u++ {
				ky := float64(ffFreq(u, m)) / float64(m)
				for v := 0; v < n; v++ {
					kx := float64(ffFreq(v, n)) / float64(n)
					g := math.Exp(-((kx-cx)*(kx-cx) + (ky-cy)*(ky-cy)) / (2 * sig * sig))
					g0 := math.Exp(-(kx*kx + ky*ky) / (2 * sig * sig))
					f[u*n+v] = g - beta*g0
				}
			}
			th = append(th, f)
		}
		b.psi = append(b.psi, th)
	}
	return b
}

// modulus returns per scale j the orientation-averaged |x⋆ψ_{j,θ}| of the
// map x.
func (b *ffBank) modulus(x []float64) [][]float64 {
	X := fft2(x, b.m, b.n)
	out := make([][]float64, b.J)
	Y := make([]complex128, len(X))
	for j := range b.psi {
		u := make([]float64, len(X))
		for _, f := range b.psi[j] {
			for i := range Y {
				Y[i] = X[i] * complex(f[i], 0)
			}
			y := ffFFT2(Y, b.m, b.n, true)
			for i := range u {
				u[i] += math.Hypot(real(y[i]), imag(y[i])) / float64(b.L)
			}
		}
		out[j] = u
	}
	return out
}

// featureMaps returns the feature maps of groups for the mixture d with A's
// estimate e (pixel maps).
func featureMaps(groups []string, d, e []float64, bk *ffBank) [][]float64 {
	rest := make([]float64, len(d))
	for i := range d {
		rest[i] = d[i] - e[i]
	}
	src := map[byte][]float64{'d': d, 'e': e, 'r': rest}
	mods := map[byte][][]float64{}
	mod := func(which byte) [][]float64 { // which: 'u' (of d), 'v' (of e), 'w' (of r)
		if mods[which] == nil {
			mods[which] = bk.modulus(src[map[byte]byte{'u': 'd', 'v': 'e', 'w': 'r'}[which]])
		}
		return mods[which]
	}
	logm := func(u []float64) []float64 {
		mu := mean(u)
		o := make([]float64, len(u))
		for i, v := range u {
			o[i] = math.Log(v + 0.01*mu)
		}
		return o
	}
	var maps [][]float64
	for _, g := range groups {
		switch g {
		case "d":
			maps = append(maps, d)
		case "pp":
			maps = append(maps, e)
		case "r":
			maps = append(maps, rest)
		case "u", "v", "w":
			maps = append(maps, mod(g[0])...)
		case "u2":
			for _, u := range mod('u') {
				x := make([]float64, len(u))
				for i, v := range u {
					x[i] = v * v
				}
				maps = append(maps, x)
			}
		case "lu", "lv", "lw":
			for _, u := range mod(g[1]) {
				maps = append(maps, logm(u))
			}
		default: // products XY
			base := src[g[0]]
			for _, u := range mod(g[1]) {
				x := make([]float64, len(u))
				for i := range x {
					x[i] = base[i] * u[i]
				}
				maps = append(maps, x)
			}
		}
	}
	return maps
}

// featureDFTs returns the DFTs of the centred feature maps.
func featureDFTs(maps [][]float64, m, n int) [][]complex128 {
	out := make([][]complex128, len(maps))
	for f, x := range maps {
		mu := mean(x)
		c := make([]complex128, len(x))
		for i, v := range x {
			c[i] = complex(v-mu, 0)
		}
		out[f] = ffFFT2(c, m, n, false)
	}
	return out
}

// ffAnnuli returns the annulus round(|k|) of every mode of a p×p DFT.
func ffAnnuli(p int) []int {
	ann := make([]int, p*p)
	for u := 0; u < p; u++ {
		for v := 0; v < p; v++ {
			ann[u*p+v] = int(math.Round(math.Hypot(float64(ffFreq(u, p)), float64(ffFreq(v, p)))))
		}
	}
	return ann
}

// ffNormal holds per annulus A = Σ Re(conj(F) Fᵀ) and c = Σ Re(conj(F) S).
type ffNormal struct {
	nf   int
	A, c [][]float64
}

func newFFNormal(na, nf int) *ffNormal {
	nm := &ffNormal{nf: nf, A: make([][]float64, na), c: make([][]float64, na)}
	for a := range nm.A {
		nm.A[a], nm.c[a] = make([]float64, nf*nf), make([]float64, nf)
	}
	return nm
}

func (nm *ffNormal) add(o *ffNormal) {
	for a := range nm.A {
		for i := range nm.A[a] {
			nm.A[a][i] += o.A[a][i]
		}
		for i := range nm.c[a] {
			nm.c[a][i] += o.c[a][i]
		}
	}
}

func (nm *ffNormal) accumulate(F [][]complex128, S []complex128, ann []int) {
	nf := nm.nf
	for k, a := range ann {
		if k == 0 {
			continue
		}
		A, c := nm.A[a], nm.c[a]
		for f := 0; f < nf; f++ {
			ff := F[f][k]
			for g := 0; g < nf; g++ {
				fg := F[g][k]
				A[f*nf+g] += real(ff)*real(fg) + imag(ff)*imag(fg)
			}
			c[f] += real(ff)*real(S[k]) + imag(ff)*imag(S[k])
		}
	}
}

// solve returns h = (A + α diag A)⁻¹ c per annulus, [NA·F] (zero rows for
// annuli without modes or a singular system). α is floored at
// minFFRidge: at α = 0 exactly collinear channels (d, pp and r = d − pp)
// made every annulus singular, and its weights all 0 (a constant
// estimate).
func (nm *ffNormal) solve(alpha float64) []float64 {
	nf := nm.nf
	h := make([]float64, len(nm.A)*nf)
	alpha = math.Max(alpha, minFFRidge)
	for a := range nm.A {
		A := mat.NewDense(nf, nf, nil)
		ok := false
		for f := 0; f < nf; f++ {
			for g := 0; g < nf; g++ {
				A.Set(f, g, nm.A[a][f*nf+g])
			}
			A.Set(f, f, nm.A[a][f*nf+f]*(1+alpha)+1e-300)
			if nm.A[a][f*nf+f] > 0 {
				ok = true
			}
		}
		if !ok {
			continue
		}
		var x mat.VecDense
		if err := x.SolveVec(A, mat.NewVecDense(nf, append([]float64(nil), nm.c[a]...))); err != nil {
			continue
		}
		for f := 0; f < nf; f++ {
			if v := x.AtVec(f); !math.IsNaN(v) && !math.IsInf(v, 0) {
				h[a*nf+f] = v
			}
		}
	}
	return h
}

// minFFRidge is the least ridge α of ffNormal.solve.
const minFFRidge = 1e-9

// ffApplyDFT returns the inverse DFT of Σ_f h_f F_f (mode 0 dropped) plus
// mean, with the per-mode weights given by weight(k, f).
func ffApplyDFT(F [][]complex128, m, n int, mean float64, weight func(k, f int) float64) []float64 {
	Y := make([]complex128, m*n)
	for k := 1; k < m*n; k++ {
		var s complex128
		for f := range F {
			s += complex(weight(k, f), 0) * F[f][k]
		}
		Y[k] = s
	}
	y := ffFFT2(Y, m, n, true)
	out := make([]float64, m*n)
	for i := range out {
		out[i] = real(y[i]) + mean
	}
	return out
}

// check reports the first inconsistency of f.
func (f *FeatureFilter) check() error {
	if f == nil {
		return fmt.Errorf("no feature filter (nil)")
	}
	if f.P < 2 {
		return fmt.Errorf("patch size %d (want ≥ 2)", f.P)
	}
	if f.J < 1 || f.L < 1 || f.J > 16 || f.L > 64 {
		return fmt.Errorf("wavelets J %d, L %d (want 1 ≤ J ≤ 16, 1 ≤ L ≤ 64)", f.J, f.L)
	}
	if !(f.K0 > 0 && f.K0 <= 0.5) || !(f.Width > 0) || math.IsInf(f.Width, 0) {
		return fmt.Errorf("wavelets K0 %v, width %v (want 0 < K0 ≤ 0.5 cycles per pixel, a finite width > 0)", f.K0, f.Width)
	}
	if !(f.Alpha >= 0) || math.IsInf(f.Alpha, 0) {
		return fmt.Errorf("alpha %v (want a finite value ≥ 0)", f.Alpha)
	}
	if f.A < 0 || f.B < 0 || f.A == f.B {
		return fmt.Errorf("pair %d, %d (want two different component numbers ≥ 0)", f.A, f.B)
	}
	ch, err := featureChannels(f.Groups, f.J)
	if err != nil {
		return err
	}
	if !slices.Equal(ch, f.Channels) {
		return fmt.Errorf("channels %v do not match the groups %v at J = %d (want %v)", f.Channels, f.Groups, f.J, ch)
	}
	if na := FeatureFilterAnnuli(f.P); f.NA != na || len(f.Weights) != na*len(ch) {
		return fmt.Errorf("%d weights for %d annuli × %d channels (want %d annuli for patches of %d², %d weights)", len(f.Weights), f.NA, len(ch), na, f.P, na*len(ch))
	}
	for i, v := range f.Weights {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("weight [%d, %d] is %v (want finite values)", i/len(ch), i%len(ch), v)
		}
	}
	return nil
}

// Apply returns the filter's estimate [2, M, N]: component A's map, then
// d − A's, for data (one finite M×N map, M, N ≥ 2) and patchPriorEstimate,
// the patch-prior estimate of A (its map 0 is used: SeparateWithPatchPriors
// with A's prior first gives it as is). A P×P map uses the weights of
// annulus round(|k|) as in training; any other size interpolates them (see
// FeatureFilter). Input errors match ErrModelInput.
func (f *FeatureFilter) Apply(data, patchPriorEstimate *stlayer.Maps) (*stlayer.Maps, error) {
	if err := f.check(); err != nil {
		return nil, inputErrorf("feature filter: %v", err)
	}
	if err := checkFiniteMaps("feature filter: data", data, 1); err != nil {
		return nil, err
	}
	if err := checkFiniteMaps("feature filter: patch-prior estimate", patchPriorEstimate, -1); err != nil {
		return nil, err
	}
	e := patchPriorEstimate
	if e.B < 1 || e.B > 3 || e.M != data.M || e.N != data.N {
		return nil, inputErrorf("feature filter: patch-prior estimate [%d, %d, %d] for data [1, %d, %d] (want 1 to 3 maps of the data's size, map 0 the estimate of component %d)", e.B, e.M, e.N, data.M, data.N, f.A)
	}
	m, n := data.M, data.N
	if m < 2 || n < 2 {
		return nil, inputErrorf("feature filter: data map %d×%d (want at least 2×2)", m, n)
	}
	d, est := data.Map(0), e.Map(0)
	bk := newFFBank(m, n, f.J, f.L, f.K0, f.Width)
	F := featureDFTs(featureMaps(f.Groups, d, est, bk), m, n)
	nf := len(f.Channels)
	var weight func(k, c int) float64
	if m == f.P && n == f.P {
		ann := ffAnnuli(f.P)
		weight = func(k, c int) float64 { return f.Weights[ann[k]*nf+c] }
	} else {
		lo, t := make([]int, m*n), make([]float64, m*n)
		for u := 0; u < m; u++ {
			for v := 0; v < n; v++ {
				ky, kx := float64(ffFreq(u, m))/float64(m), float64(ffFreq(v, n))/float64(n)
				x := float64(f.P) * math.Hypot(ky, kx)
				k := u*n + v
				switch {
				case x < 1:
					lo[k], t[k] = 1, 0
				case x >= float64(f.NA-1):
					lo[k], t[k] = f.NA-1, 0
				default:
					lo[k] = int(math.Floor(x))
					t[k] = x - float64(lo[k])
				}
			}
		}
		weight = func(k, c int) float64 {
			w := f.Weights[lo[k]*nf+c]
			if t[k] > 0 {
				w = (1-t[k])*w + t[k]*f.Weights[(lo[k]+1)*nf+c]
			}
			return w
		}
	}
	a := ffApplyDFT(F, m, n, mean(est), weight)
	out := stlayer.NewMaps(2, m, n)
	copy(out.Map(0), a)
	for i := range a {
		out.Data[m*n+i] = d[i] - a[i]
	}
	return out, nil
}

// featTrainMix is one training mixture: d = s_a + s_b, e the patch-prior
// estimate of s_a with the other half's priors.
type featTrainMix struct {
	d, sa, e []float64
}

// FitFeatureFilter fits a FeatureFilter estimating component a from
// mixtures of a and b (the components' training patches, square P×P maps,
// at least 2 each; in their pixel units), on top of the patch-prior
// estimates of the full priors priorA and priorB (fitted on all of a and b
// with opt.PatchPrior; their sub-patch size is checked against it):
//
//  1. the patches of a and of b are split into two halves (a permutation,
//     seeded), and a patch prior is fitted on each half with
//     opt.PatchPrior;
//  2. fold h (0, 1) draws opt.Mixtures mixtures of a random a-patch and a
//     random b-patch of half h, each under a random one of the 8
//     rotations and flips, and estimates a with the priors of the OTHER
//     half (SeparateWithPatchPriors at opt.Stride): the estimates are
//     honest, as at separation time for unseen data;
//  3. the last opt.HeldAside of each fold's mixtures are held aside: for
//     every α of opt.Alphas the filter fitted on the rest is scored by the
//     mean worst-bin r (EvaluateModelSeparation, a + b) on them; the best
//     α is refitted on all mixtures.
//
// The fit is deterministic for opt.Seed. Cost: the four half priors (as
// FitPatchPrior), then 2·Mixtures patch-prior estimates (at stride 1 the
// bulk), then features and normal equations (under a minute): for
// BenchmarkModelSeparationHeldOut's clusters (154 and 207 patches of 64²,
// defaults, 2 cores) 182 s at load 2 with the half priors fitted in
// parallel (58 s of it); the 690 s measured at load 16 predates that
// (half priors one after the other, 440 s of it). There the filter raised
// the mean worst-bin r from 0.775/0.802 (patch prior alone) to
// 0.808/0.805 on its 30 mixtures (seed 7, the easiest of six draws; over
// 180 mixtures of seeds 7–12 0.760/0.778 against 0.725/0.762:
// docs/experiments/research23_robust.go). Input errors match ErrModelInput; a cancelled opt.Context
// stops it with an error wrapping the context's.
func FitFeatureFilter(a, b *stlayer.Maps, priorA, priorB *PatchPrior, opt FeatureFilterOptions) (*FeatureFilter, error) {
	opt.defaults()
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	for i, x := range []*stlayer.Maps{a, b} {
		if err := checkFiniteMaps(fmt.Sprintf("feature filter: training patches %d", i), x, -1); err != nil {
			return nil, err
		}
	}
	if a.M != a.N || b.M != a.M || b.N != a.N {
		return nil, inputErrorf("feature filter: training patches of %d×%d and %d×%d (want square patches of one size)", a.M, a.N, b.M, b.N)
	}
	if a.B < 2 || b.B < 2 {
		return nil, inputErrorf("feature filter: %d and %d training patches (want at least 2 of each: they are split into halves)", a.B, b.B)
	}
	groups := strings.Split(opt.Features, ",")
	channels, err := featureChannels(groups, opt.J)
	if err != nil {
		return nil, inputErrorf("feature filter: %v", err)
	}
	po := opt.PatchPrior
	po.defaults()
	for i, pp := range []*PatchPrior{priorA, priorB} {
		if err := pp.check(); err != nil {
			return nil, inputErrorf("feature filter: full prior %d: %v", i, err)
		}
		if pp.P != po.P {
			return nil, inputErrorf("feature filter: full prior %d has %d×%d sub-patches, the half priors' options %d×%d (want the options the full priors were fitted with)", i, pp.P, pp.P, po.P, po.P)
		}
	}
	for _, al := range opt.Alphas {
		if !(al >= 0) || math.IsInf(al, 0) {
			return nil, inputErrorf("feature filter: alpha %v (want finite values ≥ 0)", al)
		}
	}
	if opt.HeldAside >= 1 {
		return nil, inputErrorf("feature filter: held-aside fraction %v (want 0 < f < 1)", opt.HeldAside)
	}
	if opt.K0 > 0.5 {
		return nil, inputErrorf("feature filter: K0 %v cycles per pixel (want ≤ 0.5)", opt.K0)
	}
	p := a.M
	progress := func(stage string, done, total int) {
		if opt.Progress != nil {
			opt.Progress(FeatureFilterStep{Stage: stage, Done: done, Total: total, Pair: [2]int{0, 1}})
		}
	}
	// 1. halves and half priors
	var half [2][2][]int
	prng := rand.New(rand.NewPCG(opt.Seed, 0xf1e))
	train := [2]*stlayer.Maps{a, b}
	for c := 0; c < 2; c++ {
		perm := prng.Perm(train[c].B)
		h := len(perm) / 2
		half[c][0], half[c][1] = perm[:h], perm[h:]
		sort.Ints(half[c][0])
		sort.Ints(half[c][1])
	}
	var hp [2][2]*PatchPrior
	var mu sync.Mutex
	done := 0
	var firstErr error
	progress("half priors", 0, 4)
	ffParallel(4, opt.Workers, func(i int) {
		c, h := i/2, i%2
		var pp *PatchPrior
		err := ctx.Err()
		if err != nil {
			err = fmt.Errorf("stopped fitting the half priors: %w", err)
		} else {
			sub := stlayer.NewMaps(len(half[c][h]), p, p)
			for j, k := range half[c][h] {
				copy(sub.Map(j), train[c].Map(k))
			}
			o := opt.PatchPrior
			o.Progress, o.Context = nil, ctx
			if pp, err = FitPatchPrior(sub, o); err != nil {
				err = fmt.Errorf("half prior of component %d, half %d (%d patches): %w", c, h, sub.B, err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		hp[c][h] = pp
		done++
		progress("half priors", done, 4)
	})
	if firstErr != nil {
		return nil, fmt.Errorf("feature filter: %w", firstErr)
	}
	// 2. training mixtures
	nt := opt.Mixtures
	var mix [2][]featTrainMix
	for h := 0; h < 2; h++ {
		rng := rand.New(rand.NewPCG(opt.Seed+78+uint64(h), 0x7a1))
		mix[h] = make([]featTrainMix, nt)
		for i := range mix[h] {
			ia := half[0][h][rng.IntN(len(half[0][h]))]
			ib := half[1][h][rng.IntN(len(half[1][h]))]
			sa := dihedralPatch(a.Map(ia), p, rng.IntN(8))
			sb := dihedralPatch(b.Map(ib), p, rng.IntN(8))
			d := make([]float64, p*p)
			for j := range d {
				d[j] = sa[j] + sb[j]
			}
			mix[h][i] = featTrainMix{d: d, sa: sa}
		}
	}
	done = 0
	progress("training estimates", 0, 2*nt)
	ffParallel(2*nt, opt.Workers, func(i int) {
		h, j := i/nt, i%nt
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop {
			return
		}
		var res *stlayer.Maps
		err := ctx.Err()
		if err == nil {
			res, err = SeparateWithPatchPriors(&stlayer.Maps{B: 1, M: p, N: p, Data: mix[h][j].d}, hp[0][1-h], hp[1][1-h], PatchSepOptions{Stride: opt.Stride, Context: ctx})
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		mix[h][j].e = res.Map(0)
		done++
		progress("training estimates", done, 2*nt)
	})
	if firstErr != nil {
		return nil, fmt.Errorf("feature filter: training estimates: %w", firstErr)
	}
	// 3. features, normal equations, α
	all := append(append([]featTrainMix(nil), mix[0]...), mix[1]...)
	nv := int(math.Round(opt.HeldAside * float64(nt)))
	if nv < 1 || nv >= nt {
		return nil, inputErrorf("feature filter: %d mixtures per fold with a held-aside fraction %v hold %d aside (want at least 1 held aside and 1 fitted)", nt, opt.HeldAside, nv)
	}
	isVal := func(i int) bool { return i%nt >= nt-nv }
	ann := ffAnnuli(p)
	na := FeatureFilterAnnuli(p)
	nf := len(channels)
	bk := newFFBank(p, p, opt.J, opt.L, opt.K0, opt.Width)
	each := make([]*ffNormal, len(all))
	valF := make([][][]complex128, len(all))
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("feature filter: stopped before the filter: %w", err)
	}
	ffParallel(len(all), opt.Workers, func(i int) {
		if ctx.Err() != nil {
			return
		}
		x := all[i]
		F := featureDFTs(featureMaps(groups, x.d, x.e, bk), p, p)
		S := fft2(x.sa, p, p)
		nm := newFFNormal(na, nf)
		nm.accumulate(F, S, ann)
		each[i] = nm
		if isVal(i) {
			valF[i] = F
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("feature filter: stopped computing the features: %w", err)
	}
	nmFit, nmAll := newFFNormal(na, nf), newFFNormal(na, nf)
	for i, nm := range each {
		if !isVal(i) {
			nmFit.add(nm)
		}
		nmAll.add(nm)
	}
	bestA, bestV, bestR := 0.0, math.Inf(-1), [2]float64{math.NaN(), math.NaN()}
	for ai, al := range opt.Alphas {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("feature filter: stopped choosing α after %d of %d candidates: %w", ai, len(opt.Alphas), err)
		}
		h := nmFit.solve(al)
		var r [2]float64
		cnt := 0
		for i := range all {
			if !isVal(i) {
				continue
			}
			x := all[i]
			est := ffApplyDFT(valF[i], p, p, mean(x.e), func(k, c int) float64 { return h[ann[k]*nf+c] })
			em := stlayer.NewMaps(2, p, p)
			tr := stlayer.NewMaps(2, p, p)
			copy(em.Map(0), est)
			copy(tr.Map(0), x.sa)
			for j := range est {
				em.Data[p*p+j] = x.d[j] - est[j]
				tr.Data[p*p+j] = x.d[j] - x.sa[j]
			}
			m, err := EvaluateModelSeparation(em, tr, []string{"a", "b"})
			if err != nil {
				return nil, fmt.Errorf("feature filter: scoring α %g: %w", al, err)
			}
			r[0] += m[0].RMinDominant
			r[1] += m[1].RMinDominant
			cnt++
		}
		r[0] /= float64(cnt)
		r[1] /= float64(cnt)
		if v := r[0] + r[1]; v > bestV {
			bestA, bestV, bestR = al, v, r
		}
		progress("filter", ai+1, len(opt.Alphas))
	}
	return &FeatureFilter{A: 0, B: 1, Groups: groups, Channels: channels, P: p, NA: na, J: opt.J, L: opt.L, K0: opt.K0, Width: opt.Width,
		Weights: nmAll.solve(bestA), Alpha: bestA, HeldAside: bestR,
		HalfKUsed: [2][2]int{{hp[0][0].KUsed, hp[0][1].KUsed}, {hp[1][0].KUsed, hp[1][1].KUsed}}}, nil
}

// ffParallel runs f(i) for i < n on w goroutines.
func ffParallel(n, w int, f func(i int)) {
	var wg sync.WaitGroup
	ch := make(chan int)
	for g := 0; g < max(1, w); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		ch <- i
	}
	close(ch)
	wg.Wait()
}

// Save writes f as an .npz archive (see FeatureFilter for the members).
func (f *FeatureFilter) Save(path string) error {
	if err := f.check(); err != nil {
		return inputErrorf("feature filter: %v", err)
	}
	f64 := func(name string, v []float64, shape ...int) datasets.NamedArray {
		return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: "float64", Shape: shape, Float64: v}}
	}
	str := func(name string, v []string) datasets.NamedArray {
		return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: datasets.StringDType, Shape: []int{len(v)}, Strings: v}}
	}
	i64 := func(name string, v ...float64) datasets.NamedArray {
		return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: "int64", Shape: []int{len(v)}, Float64: v}}
	}
	return datasets.WriteNPZ(path, []datasets.NamedArray{
		f64("weights", f.Weights, f.NA, len(f.Channels)),
		str("channels", f.Channels),
		str("groups", f.Groups),
		i64("pair", float64(f.A), float64(f.B)),
		i64("patch", float64(f.P)),
		f64("wavelets", []float64{float64(f.J), float64(f.L), f.K0, f.Width}, 4),
		f64("alpha", []float64{f.Alpha}, 1),
		f64("held_aside", f.HeldAside[:], 2),
	}, false)
}

// LoadFeatureFilter reads an archive written by FeatureFilter.Save. Errors
// name the file and match ErrModelInput: a missing member or one of
// another type or shape, unknown feature groups, channels that do not
// match the groups, weights whose shape does not match the patch size,
// non-finite weights, wavelet settings out of range (a damaged, hand-edited
// or incompatible file).
func LoadFeatureFilter(path string) (*FeatureFilter, error) {
	arrs, err := datasets.ReadNPZ(path)
	if err != nil {
		return nil, asInput(fmt.Errorf("feature filter %s: %w", path, err))
	}
	get := map[string]*datasets.Array{}
	for _, a := range arrs {
		get[a.Name] = a.Array
	}
	layout := "want weights [NA, F] float64, channels [F] str, groups [G] str, pair [2] int64, patch [1] int64, wavelets [4] float64, alpha [1] float64, held_aside [2] float64"
	for _, m := range []struct {
		name, kind string
		n          int
	}{{"weights", "f", -1}, {"channels", "s", -1}, {"groups", "s", -1}, {"pair", "i", 2}, {"patch", "i", 1}, {"wavelets", "f", 4}, {"alpha", "f", 1}, {"held_aside", "f", 2}} {
		a := get[m.name]
		ok := a != nil
		if ok {
			switch m.kind {
			case "f":
				ok = a.DType == "float64" && a.Float64 != nil
			case "s":
				ok = a.IsString() && len(a.Shape) == 1
			case "i":
				ok = a.DType == "int64" && a.Float64 != nil
			}
		}
		if ok && m.n > 0 {
			ok = slices.Equal(a.Shape, []int{m.n})
		}
		if !ok {
			return nil, inputErrorf("feature filter %s: member %q is missing or of another type or shape (%s)", path, m.name, layout)
		}
	}
	ws := get["weights"].Shape
	if len(ws) != 2 {
		return nil, inputErrorf("feature filter %s: weights has shape %v (want [NA, F])", path, ws)
	}
	wv := get["wavelets"].Float64
	f := &FeatureFilter{A: int(get["pair"].Float64[0]), B: int(get["pair"].Float64[1]), Groups: get["groups"].Strings, Channels: get["channels"].Strings,
		P: int(get["patch"].Float64[0]), NA: ws[0], K0: wv[2], Width: wv[3], Weights: get["weights"].Float64, Alpha: get["alpha"].Float64[0]}
	copy(f.HeldAside[:], get["held_aside"].Float64)
	if wv[0] != math.Trunc(wv[0]) || wv[1] != math.Trunc(wv[1]) || !(wv[0] >= 1 && wv[0] <= 16) || !(wv[1] >= 1 && wv[1] <= 64) {
		return nil, inputErrorf("feature filter %s: wavelets J %v, L %v (want whole numbers, 1 ≤ J ≤ 16, 1 ≤ L ≤ 64)", path, wv[0], wv[1])
	}
	f.J, f.L = int(wv[0]), int(wv[1])
	if ws[1] != len(f.Channels) {
		return nil, inputErrorf("feature filter %s: weights has shape %v for %d channels (want [NA, %d])", path, ws, len(f.Channels), len(f.Channels))
	}
	if err := f.check(); err != nil {
		return nil, inputErrorf("feature filter %s: %v", path, err)
	}
	return f, nil
}

// String summarises f.
func (f *FeatureFilter) String() string {
	return fmt.Sprintf("feature filter of component %d (against %d): features %s (%d channels), %d annuli of %d² patches, α %g", f.A, f.B, strings.Join(f.Groups, ","), len(f.Channels), f.NA, f.P, f.Alpha)
}
