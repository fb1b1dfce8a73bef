// Package wst computes the wavelet scattering transform (WST) of 2D maps in two
// reference conventions, written once against stlayer.Prim: the global
// coefficients of Sihao Cheng's `scattering` package (Config.Local = false,
// the default) and the local coefficient maps of Kymatio's Scattering2D
// (Config.Local = true).
//
// Notation: x is a real M×N map (M rows, N columns), ψ_{j,l} the Morlet
// wavelet of scale j ∈ [0, J) (j = 0 finest, σ_j = 0.8·2^j) and orientation
// θ_l = filters.MorletTheta(l, L) = (int(L−L/2−1)−l)·π/L, l ∈ [0, L), measured
// from the row axis as in Cheng and Kymatio; ⋆ is the circular convolution
// computed by FFT (unnormalised forward DFT, 1/(MN) on the inverse, so
// x⋆ψ = IFFT2(FFT2(x)·ψ̂)); ⟨·⟩ is the mean over the M×N pixels.
// The coefficients of Stat are real (stored as complex with zero imaginary
// part) and raw: no normalisation by S0, S1 or a reference and no logarithm
// (IsoStat adds Cheng's ratios s21, s22; SynthesisStat takes natural
// logarithms).
//
// # Global WST (Cheng)
//
// Cheng's `Scattering2d.scattering_coef` (SihaoCheng/scattering_transform;
// algorithm 'fast' by default, 'classic' with Config.Classic), Morlet filters
// filters.MorletCheng, periodic boundaries:
//
//	S0              = ⟨x⟩
//	S1[j1,l1]       = ⟨|x⋆ψ_{j1,l1}|⟩
//	P00[j1,l1]      = ⟨|x⋆ψ_{j1,l1}|²⟩
//	S2[j1,l1,j2,l2] = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|⟩
//	P11[j1,l1,j2,l2] = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|²⟩
//
// for j2 ≥ j1 (Cheng's default 'j2>=j1'; Config.StrictJ2 selects j2 > j1,
// Kymatio's and PyWST's set). The values are those of the band-limited fields:
// Cheng's `* M1*N1/M/N` factors are built into Prim.CropFreq. Each convolution
// with ψ_j is computed on the h_j×w_j lowest Fourier modes only (Cheng's
// cut_high_k_off): h_j = 2·max(8, min(⌈M/2^j⌉, M/2)), likewise w_j with N
// (filters.Crops); the Op keeps each scale's filters at that size only
// (filters.MorletChengBand: L·h_j·w_j values, 0.3 GB at 2048², J = 9,
// L = 4, where the full J·L·M·N bank is 1.2 GB, and never built). The
// first-order modulus |x⋆ψ_{j1}| lives on the
// h_{j1}×w_{j1} grid; its spectrum is cropped again to h_{j2}×w_{j2} before the
// second wavelet.
//
// Output of Stat: [B, K, 1, 1] in the order S0; S1 (j1, l1); P00 (j1, l1);
// S2 (j1, j2, l1, l2); P11 (j1, j2, l1, l2), the last index varying fastest
// and the (j1, j2) pairs in lexicographic order — note that S2 is stored with
// both scales before both angles, Cheng's array layout [j1, j2, l1, l2].
// K = 1 + 2·J·L + 2·L²·#pairs with #pairs = J(J+1)/2 (J(J−1)/2 with
// StrictJ2). IsoStat, SynthesisStat and ChengDict give Cheng's isotropic
// reductions, s21/s22 and flattened synthesis vectors.
//
// A constant map c (no fluctuation; the Morlet filters have no DC) gives
// S0 = c and S1 = P00 = S2 = P11 = 0 exactly, finite; its IsoStat s21, s22
// are 0/0 = NaN and its SynthesisStat logs −Inf, as in Cheng's code.
// stats.CheckConstant names such maps before they are evaluated.
//
// # Local WST (Kymatio)
//
// Kymatio's Scattering2D (kymatio.torch, the algorithm of
// kymatio/scattering2d/core/scattering2d.py), max_order 2, Morlet filters
// filters.MorletKymatio built at the padded size. With x̃ the map reflect-padded
// to P×Q, P = ((M+2^J)/2^J+1)·2^J (integer division; KymatioPaddedSize), and
// φ_J the Gaussian low-pass (σ = 0.8·2^{J−1}):
//
//	S0[y]             = (x̃⋆φ_J)(2^J·(y+1))
//	S1[j1,l1][y]      = (|x̃⋆ψ_{j1,l1}|⋆φ_J)(2^J·(y+1))
//	S2[j1,l1,j2,l2][y] = (||x̃⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|⋆φ_J)(2^J·(y+1)),  j2 > j1
//
// These formulas hold exactly for S0 and for S1 at j1 = 0 only. The values
// are those of Kymatio's algorithm (below), which takes each modulus on a
// subsampled grid: for j1 ≥ 1, S1 is the low-pass of the aliased modulus
// evaluated on the grid subsampled by 2^{j1}, and S2 takes its second
// modulus on the grid subsampled by 2^{j2}; these are not the formulas at
// full resolution. On a 64² dust map (J = 3, L = 4; max over the
// orientations and the grid), S1 is up to 4.0 % off the full-resolution
// formula at j1 = 1 and 7.1 % at j1 = 2, and S2 up to 5 % at j2 = 1 and
// 19 % at j2 = 2. This is Kymatio's convention, kept on purpose for parity:
// the tests TestKymatioGolden (Kymatio's test_data_2d.npz) and
// TestKymatioParityDust compare S0, S1 and S2 with Kymatio's own output.
//
// i.e. sampled every 2^J pixels of the padded grid, one coarse pixel unpadded
// on every side (y = (y1, y2), 0 ≤ y1 < P/2^J−2, 0 ≤ y2 < Q/2^J−2). On the
// map itself, output row y1 is centred on row 2^J·(y1+1) − ⌊(P−M)/2⌋
// (the padding above the map), i.e. on row 2^J·y1 when 2^J divides M
// (then P = M + 2^{J+1}), and likewise for the columns: a grid of stride
// 2^J pixels, each value a Gaussian average of width σ = 0.8·2^{J−1}
// pixels around its point (stkit stats -o x.json writes this as
// config.local_grid). As in
// Kymatio, each product with a filter is subsampled by periodising its
// spectrum (Prim.Periodise, Kymatio's subsample_fourier): |x̃⋆ψ_{j1}| is
// evaluated on the grid subsampled by 2^{j1} and the second-order modulus on
// the grid subsampled by 2^{j2}. The second-order low-pass is computed in real
// space as separable weighted sums (φ is a Gaussian), equal to Kymatio's
// Fourier low-pass up to round-off. No normalisation (Kymatio's raw output).
//
// Output of Stat: [B, K, P/2^J−2, Q/2^J−2] with K = KymatioChannels(J, L) =
// 1 + J·L + L²·J(J−1)/2 channels in Kymatio's order: S0; S1 (j1, l1); S2 (j1,
// l1, j2 > j1, l2), last index fastest — each angle follows its own scale,
// unlike the global layout. KymatioLabelRows and KymatioArray export it in
// Kymatio's layout.
package wst

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// Config configures a WST operator.
type Config struct {
	// J is the number of dyadic scales (j = 0..J−1), L the number of
	// orientations in [0, π).
	J, L int
	// Local selects Kymatio's local WST (reflect padding, low-pass φ_J,
	// subsampling by 2^J) instead of Cheng's global spatial means.
	Local bool
	// StrictJ2 keeps only second-order pairs with j2 > j1 in the global WST
	// (Cheng's j1j2_criteria='j2>j1'); the default false keeps j2 ≥ j1
	// ('j2>=j1', Cheng's default). The local WST always uses j2 > j1 (Kymatio).
	StrictJ2 bool
	// Classic selects Cheng's algorithm='classic' for the global WST: every
	// convolution on the full M×N grid, no Fourier cropping. Slower; exactly
	// covariant under circular shifts and 90° rotations (the 'fast' crop keeps
	// the Nyquist row/column of each cropped grid from the negative frequency
	// only and samples moduli on coarse grids, so those symmetries hold only to
	// ~1e-2 there). Ignored by the local WST.
	Classic bool
}

// DefaultConfig returns J = 6, L = 4, global, j2 ≥ j1 (Cheng's usual setting).
func DefaultConfig() Config { return Config{J: 6, L: 4} }

// Op is a WST operator for maps of size M×N: filter banks, label table and
// the statistic. It is immutable after New and safe for concurrent use.
type Op struct {
	cfg  Config
	m, n int // map size

	labels *stlayer.Labels
	key    string

	// global (Cheng)
	cropH, cropW []int                 // crop size per scale
	psiCrop      []*stlayer.FilterBank // per scale: L filters cropped to cropH[j]×cropW[j] (filters.MorletChengBand)
	pairs        [][2]int              // second-order (j1, j2) pairs in Cheng's order
	nS1, nS2     int                   // number of S1 and S2 coefficients

	// local (Kymatio)
	padM, padN        int // padded size P, Q
	padTop, padBot    int
	padLeft, padRight int
	psiFull           []*stlayer.FilterBank   // per scale: L filters at P×Q
	psiLevel          [][]*stlayer.FilterBank // [j][res]: ψ_j cropped to P/2^res (1 ≤ res < j)
	phiLevel          []*stlayer.FilterBank   // φ cropped to P/2^res, res = 0..J−1
	sepRow, sepCol    [][][]float64           // per res ≥ 1: separable real-space low-pass weights (lowpassSpatial)
	outH, outW        int
	kymOrder          []int    // Kymatio channel → channel of the computed layout
	kymLabels         [][5]int // (order, j1, j2, theta1, theta2)
	nLocal            int
}

// MaxL is the largest number of orientations New accepts (the second-order
// label table and the isotropic reductions grow as J²L² and J⁴L⁴; the CLI
// applies the same bound, scov.MaxL, to every statistic).
const MaxL = 32

// New validates the sizes and builds the filter banks and the label table.
//
// Global: M and N even, 2^(J+1) ≤ min(M, N) (Cheng's J ≤ log2(min(M,N)) − 1)
// and M, N ≥ 16. Local: 2^J < min(M, N) (Kymatio's own check lets 2^J =
// min(M, N) through, but its reflect padding is then 2^J pixels on each side
// of a 2^J-pixel axis, which torch's reflection pad refuses; for
// min(M, N) = 2^J + 2 the pad is 2^J − 1 per side). Both: J ≥ 1,
// 1 ≤ L ≤ MaxL and a filter bank within filters.MaxBankValues. Anything
// else is refused with an *stlayer.ErrShape naming the problem, matching
// stlayer.ErrScales for J or L (J too large for the maps included) and
// stlayer.ErrSize for the map size (odd, too small for any J, too large).
func New(cfg Config, M, N int) (*Op, error) {
	if cfg.J < 1 || cfg.L < 1 {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wst: need J ≥ 1 and L ≥ 1, got J=%d L=%d", cfg.J, cfg.L), Kind: stlayer.ErrScales}
	}
	if cfg.L > MaxL {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wst: L = %d orientations: at most %d", cfg.L, MaxL), Kind: stlayer.ErrScales}
	}
	if M < 1 || N < 1 {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wst: invalid map size %d×%d", M, N), Kind: stlayer.ErrSize}
	}
	op := &Op{cfg: cfg, m: M, n: N}
	var err error
	if cfg.Local {
		err = op.initLocal()
	} else {
		err = op.initGlobal()
	}
	if err != nil {
		return nil, err
	}
	return op, nil
}

// Config returns the configuration.
func (op *Op) Config() Config { return op.cfg }

// Size returns the map size (M, N) the operator was built for.
func (op *Op) Size() (int, int) { return op.m, op.n }

// Labels returns the label table (one row per output channel, in order);
// columns j1, l1, j2, l2. The caller must not modify it.
func (op *Op) Labels() *stlayer.Labels { return op.labels }

// Key identifies the configuration and map size (graph engines cache by it).
func (op *Op) Key() string { return op.key }

// CheckMaps returns an *stlayer.ErrShape error unless x is a usable batch of
// M×N maps, the size the operator was built for (stlayer.Maps.Check plus the
// size). Engines evaluating Stat on maps of another size fail inside a
// primitive; call CheckMaps first for a clear message.
func (op *Op) CheckMaps(x *stlayer.Maps) error {
	if err := x.Check(); err != nil {
		return err
	}
	if x.M != op.m || x.N != op.n {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("wst: operator for %d×%d maps got maps of %d×%d", op.m, op.n, x.M, x.N), Kind: stlayer.ErrSize}
	}
	return nil
}

// Stat returns the statistic: global → [B, K, 1, 1] with K = op.Labels().Len()
// in the order S0, S1 (j1, l1), P00 (j1, l1), S2 (j1, j2, l1, l2), P11 (j1, j2,
// l1, l2); local → [B, K, h, w] in Kymatio's channel order. Evaluated on
// maps of another size than M×N, the statistic (and IsoStat, SynthesisStat)
// panics with an *stlayer.ErrShape instead of computing coefficients of the
// wrong grid, which both engines return as the error of Forward and LossGrad;
// Op.CheckMaps reports the same beforehand.
func (op *Op) Stat() stlayer.Stat {
	if op.cfg.Local {
		return op.localStat
	}
	return op.globalStat
}

func seq(a, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = a + i
	}
	return s
}
