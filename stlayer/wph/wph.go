// Package wph computes the wavelet phase harmonic (WPH) statistics of PyWPH
// (bregaldo/pywph, v1.1) written once against stlayer.Prim.
//
// Coefficients (PyWPH's default model, real data): with z_{j,l} = x⋆ψ_{j,l}
// (bump-steerable wavelets, filters.BumpSteerable; j = 0…J−1 finest first,
// θ_l = l·π/L measured from the column axis) and the phase harmonics
// [z]^p = |z|·e^{ip·arg z} ([z]^0 = |z|, [z]^1 = z), every WPH coefficient is
//
//	C = ⟨(a(r+τ) − ⟨a⟩)·conj(b(r) − ⟨b⟩)⟩_r,  a = [z_{j1,l1}]^{p1}, b = [z_{j2,l2}]^{p2},
//
// the spatial mean ⟨·⟩ taken over the whole (periodic) map (M·N pixels, no
// unbiasing); see Moment. The convolution is x⋆ψ = IFFT2(FFT2(x)·ψ̂)
// (unnormalised forward DFT, 1/(MN) on the inverse). The classes (PyWPH
// names) are S11 (p1=p2=1, same wavelet), S00 (0,0), S01 (0,1), C01 (0,1;
// j1<j2, l2 ∈ [l1−DL, l1+DL) mod L), Cphase (1, 2^{j2−j1}; j1<j2, l1=l2), then
// the scaling moments L (ScalingMoment). Coefficients are complex.
//
// # Index order
//
// The vector is in exactly PyWPH's order (WPHOp.apply's output, the rows of
// WPHOp.wph_moments_indices then scaling_moments_indices): classes in PyWPH's
// canonical order S11, S00, C00, S01, C01, S10, C10, Cphase, Cphase_inv, L
// (whatever order Config.Classes lists them in), and within a class the loops
// below, the last one varying fastest:
//
//	S11, S00   j1, l1, n = 0…DN, a = 0…A−1          (n = 0 has a single τ = 0 entry)
//	S01        j1, l1
//	C01        j1, j2 = j1+1…min(j1+DJ, J−1), l1, t = l1−DL…l1+DL−1 (l2 = t mod L),
//	           and, for l2 = l1 only, n = 0…DN, a = 0…2A−1
//	Cphase     j1, j2 = j1+1…min(j1+DJ, J−1), l1 (= l2), n = 0…min(DN, J−1−j2), a = 0…2A−1
//	L          j ∈ Config.SMJ (default −1, 0, …, ⌊J/4⌋), (p1, p2) ∈ Config.SMP
//	           (default (0,0), (0,1), (1,1))
//
// On the "legacy" τ grid (Config.TauGrid) PyWPH also limits S11 and S00 to
// n = 0…min(DN, J−1−j1) and C01 to n = 0…min(DN, J−1−j2) (its get_dn_eff),
// and so does this package.
//
// The optional classes (DN = 0 only) follow the same loops: C00 those of
// C01 with (p1, p2) = (0, 0) and τ = 0; S10 those of S01 with (1, 0); C10
// those of C01 (τ = 0) with the factors swapped, i.e. the moment (and its
// label) has (j1, l1, p1) = (j2, l2, 1) and (j2, l2, p2) = (j1, l1, 0) of the
// loop; Cphase_inv those of Cphase (τ = 0) with the factors swapped:
// (j2, l1, 2^{j2−j1}) then (j1, l1, 1).
//
// Note the C01 angle order: l2 runs from l1−DL upwards modulo L, not from 0.
//
// The orientation pairs of C01 (and C00, C10) are PyWPH's: l2 takes the 2·DL
// values l1−DL … l1+DL−1 (mod L), with DL = L/2 (integer division; PyWPH's
// dl = L // 2 and range(t1 − dl, t1 + dl)) and at most L/2. For even L that
// is every orientation; for odd L every one but l2 = l1 + DL (mod L); and for
// L = 1 (DL = 0) none at all, not even l2 = l1: a model with L = 1 has no
// C01, C00 or C10 coefficient, only S11, S00, S01, S10, Cphase(_inv) and the
// scaling moments (J = 3, L = 1: 18 coefficients, as PyWPH). This follows
// from the definition, it is not an omission; use L ≥ 2 to get C01
// (TestC01OrientationPairs).
// Labels gives one row per coefficient (LabelColumns); Moments and
// ScalingMoments give the same information as structs, PyWPHIndices in
// PyWPH's own layout. For J = 7, L = 4, DN = 0 the default model has 513
// coefficients (28 S11, 28 S00, 28 S01, 336 C01, 84 Cphase, 9 L).
//
// Translations τ (DN > 0) follow PyWPH's "exp" grid: τ = round(2^n·(cos(θ−α),
// sin(θ−α))) in (x=column, y=row) pixels, θ = θ_{l2} of the second factor,
// α = a·π/A, rounding half to even as numpy.round; "legacy" grid: radius
// 3n·2^{j2} instead of 2^n. τ is applied to the first factor (cov[τ_y, τ_x]
// of ifft(fft(a)·conj(fft(b)))/(MN)).
//
// Speed: the bump wavelets have compact Fourier support |k| < 2ξ_j = 1.7π/2^j,
// so the spectrum of z_j is computed only on its band, the low-frequency
// crop of the M×N spectrum subsampled by 2^{max(0,j−1)} (Prim.CropFreq and
// cropped filters, filters.BumpSteerableBand: the Op stores each scale's
// filters at that size only, L·M·N·(2 + 1/4 + 1/16 + …) values for periodic
// maps instead of the full bank's J·L·M·N, Psi), and zero-padded back (Prim.PadFreq) before the inverse
// FFT: exact. Covariances whose coarser factor is linear (C01: Cov(|z_{j1}|,
// z_{j2}), j1 < j2) are evaluated by Parseval on the band of z_{j2} only, which
// is exact too. Periodic covariances are taken from uncentred factors and
// corrected by the product of the means (exact, saves a pass over each
// field). The non-linear factors |z| and [z]^p are evaluated on the full grid
// by default (exact, PyWPH's arithmetic); Config.Subsample trades accuracy
// for speed by evaluating them on coarser grids.
//
// Normalisation: by default (NormNone, PyWPH's norm=None) the coefficients
// are the raw covariances above. Config.Norm = NormAuto is PyWPH's
// norm='auto': every factor is centred by its mean and divided by its standard
// deviation measured on a reference map (Op.FitNorm), stored in the Op and
// exportable (Norm):
//
//	C̃ = ⟨(a(r+τ) − μ_a)·conj(b(r) − μ_b)⟩_r / (σ_a σ_b),
//
// with μ, σ of the reference, not re-centred on the current map's own means
// (TestNormAutoNotRecentred); on the reference map itself C̃ is the
// correlation coefficient C/(σ_a σ_b). Deviations from PyWPH: FitNorm on a
// batch of several maps averages the per-map means and variances over the
// batch, where PyWPH keeps the first map passed with norm='auto' (identical
// for a single map; TestFitNormAveragesBatch); an identically zero map gives
// NaN coefficients (see NormAuto; TestNormAutoZeroMapIsNaN); the scaling
// moments centre x by the reference mean, not x⋆φ by the current map's
// (see NormAuto; TestScalingMomentCentring).
//
// Non-periodic maps (Config.NonPeriodic) follow PyWPH's pbc=False: see
// Config.NonPeriodic. Cross-WPH (Config.Cross) takes a pair of maps stacked
// vertically: see Config.Cross.
//
// # Complex data
//
// Config.Complex is PyWPH's WPHOp(..., cplx=True) applied to a complex field,
// e.g. linear polarisation z = Q + iU. The input is (Q, U) stacked vertically
// ([B, 1, 2M, N], StackPair(Q, U)); the statistic forms z = Q + iU
// (Prim.Linear with weights (1, i), so ∂/∂Q and ∂/∂U are the real and
// imaginary parts of the gradient in z). For complex z the wavelet
// transforms at θ and θ + π are independent (for real x,
// x⋆ψ_{θ+π} = conj(x⋆ψ_θ)), so the orientations are θ_t = t·π/L for
// t = 0…2L−1 over [0, 2π) (filters t ≥ L are filters t − L mirrored,
// ψ̂_{θ+π}(k) = ψ̂_θ(−k); Op.Psi returns filters.BumpSteerableFull). The
// moments, in PyWPH's order (load_model with cplx=True, cross_moments=False):
//
//	S11, S00   j1, t1 = 0…2L−1, n, a = 0…A−1     (as for real data, 2L angles)
//	  pseudo   after the S11 of scale j1: t1 = 0…L−1, t2 = t1 + L, n = 0…DN,
//	           a = 0…2A−1 stored as α index (a + A) mod 2A (class "S11",
//	           Pseudo = 1, label pseudo=1)
//	S01, S10   j1, t1 = 0…2L−1
//	C01, C00, C10  j1, j2, t1 = 0…2L−1, t2 over [t1 − DL, t1 + DL) then
//	           [t1 + L − DL, t1 + L + DL), mod 2L (all 2L angles for even L
//	           and DL = L/2); τ as for real data when t2 = t1
//	Cphase, Cphase_inv  j1, j2, t1 = 0…2L−1
//	L          after each (1, 1) pair of Config.SMP a pseudo scaling moment
//	           (same j, P1 = P2 = 1, Pseudo = 1)
//
// so J = 7, L = 4, DN = 0 gives 1720 coefficients (84 S11 of which 28
// pseudo, 56 S00, 56 S01, 1344 C01, 168 Cphase, 12 L). A pseudo-moment
// conjugates its second factor before the covariance (PyWPH's
// xpsi2_k2 = conj(xpsi2_k2) for pseudo = 1):
//
//	S11 pseudo(j, θ, τ) = ⟨(z_{j,θ}(r+τ) − ⟨·⟩)·(z_{j,θ+π}(r) − ⟨·⟩)⟩_r,
//	L pseudo(j)        = ⟨(y − ⟨y⟩)²⟩,  y = z⋆φ_j,
//
// with τ = τ(θ + π, α) of the second factor's angle, i.e. the full circle of
// 2A directions of τ around θ. For real z (U = 0), z_{j,θ+π} = conj z_{j,θ}:
// pseudo S11 is the autocorrelation ⟨z_{j,θ}(r+τ)·conj z_{j,θ}(r)⟩ at its τ
// (S11 at that τ, or the conjugate of S11 at −τ when only −τ is on the
// real grid) and pseudo L equals L(1,1) (TestComplexRealMap). Under a global phase z → e^{iφ}z a moment of
// harmonics (p1, p2) turns by e^{i(p1 − p2)φ}, a pseudo one by
// e^{i(p1 + p2)φ}: S11, S00, C00, L(0,0), L(1,1) are invariant, S01 and C01
// turn by e^{−iφ}, Cphase by e^{i(1 − 2^{j2−j1})φ}, pseudo S11 and pseudo L
// by e^{2iφ} (TestComplexGlobalPhase). NormAuto divides by the σ of each
// factor as for real data (the conjugate of a factor has its σ, and its
// reference mean conjugated); a Norm fitted with Complex records
// complex=true and only fits complex operators. Cross with Complex is
// refused. No PyWPH reference output exists for complex data in this
// repository (PyWPH cannot run here): the conventions were read from
// PyWPH's source (wph_operator.py, v1.1) and are checked against a direct
// computation from the definitions (TestComplexDirect), the real statistic
// (U = 0), the phase covariance above, finite differences and the graph
// engine (stlayer/graph TestComplexWPHEnginesAgree).
package wph

import (
	"errors"
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// NormMode selects the normalisation of the coefficients.
type NormMode int

const (
	// NormNone: raw covariances (PyWPH norm=None), each factor centred by its
	// own spatial mean on the current map.
	NormNone NormMode = iota
	// NormAuto: PyWPH norm='auto'. Each factor f = [x⋆ψ]^p is replaced by
	// (f − μ_f)/σ_f where μ_f = ⟨f_ref⟩ and σ_f = √⟨|f_ref − μ_f|²⟩ are measured
	// on a reference map (Op.FitNorm) and stored in the Op, and the
	// coefficient is the spatial mean of the product of the two normalised
	// factors, without re-centring on the current map (PyWPH's 'auto', not
	// 'auto_std_only'); the scaling moments likewise, with the mean of x
	// itself taken from the reference map: their factors are
	// [(x − μ_x)⋆φ]^p. Deviation: PyWPH 1.1 centres x⋆φ on the CURRENT
	// map's mean before the harmonic even under 'auto', so its L moments
	// ignore a change of the map's mean; here a map x + δ gives the p = 1
	// factor an offset δ·φ̂(0) (TestScalingMomentCentring; identical on
	// periodic maps with the reference's mean; with NonPeriodic the p = 0
	// factors differ even on the reference map, x being centred on its mean
	// over the whole map where PyWPH centres x⋆φ on the cut window). The
	// constants enter the graph through a field of ones computed as m/m
	// with m = ⟨|x|⟩, so an
	// identically zero input map gives NaN (PyWPH: finite values;
	// stats.CheckConstant names such maps, and stats.BuildWithRef refuses
	// a zero reference). A constant non-zero map gives 0: its factors are
	// 0 and a reference σ = 0 counts as 1 (PyWPH's convention).
	NormAuto
)

// String returns "none" or "auto" (PyWPH's norm argument).
func (n NormMode) String() string {
	if n == NormAuto {
		return "auto"
	}
	return "none"
}

// Config is the WPH model configuration. Zero values of the optional fields
// mean PyWPH's defaults (stated per field); DefaultConfig fills them in.
type Config struct {
	// J is the number of dyadic scales (j = 0…J−1), L the number of
	// orientations in [0, π).
	J, L int
	// DN is PyWPH's Δn: number of radial steps of τ (0: τ = 0 only).
	DN int
	// A is the number of azimuthal τ steps on [0, π) (≤ 0 → 4).
	A int
	// DJ is the maximum j2 − j1 of the C01/Cphase classes (≤ 0 or > J−1 →
	// J−1, all).
	DJ int
	// DL: C01 pairs l2 ∈ [l1 − DL, l1 + DL) mod L (≤ 0 → L/2; at most
	// L/2). With L = 1 this range is empty: no C01, C00 or C10 (see the
	// package documentation).
	DL int
	// TauGrid is "exp" (default, τ = 2^n·u_α for n ≥ 1) or "legacy"
	// (τ = 3n·2^{j2}·u_α, n ≤ min(DN, J−1−j) for every class: see the
	// package documentation).
	TauGrid string
	// Classes of moments (nil → DefaultClasses). Also accepted: "C00", "S10",
	// "C10", "Cphase_inv" (PyWPH's optional/mirrored classes; DN = 0 only).
	// Whatever the order given, the coefficients follow PyWPH's canonical
	// class order S11, S00, C00, S01, C01, S10, C10, Cphase, Cphase_inv, L.
	Classes []string
	// SMJ are the scales j of the scaling moments (nil → −1, 0, …, ⌊J/4⌋,
	// which reproduces PyWPH 1.1's default model: 3 scales for J = 6, 7).
	SMJ []int
	// SMP are the (p1, p2) pairs of the scaling moments (nil → DefaultSMP).
	SMP [][2]int
	// NonPeriodic selects PyWPH's pbc=False: after every convolution (wavelet
	// and low-pass) the field is cut to rows [c_y, M−c_y) and columns
	// [c_x, N−c_x) with c = ⌊Cut·2^J⌋; means are taken over the cut window;
	// a covariance at shift τ is the sum over the overlap of the window with
	// its shift divided by the overlap area (M−2c_y−|τ_y|)(N−2c_x−|τ_x|)
	// (PyWPH: zero padding by max|τ| and _translation_weight_map). Always
	// computed at full resolution.
	NonPeriodic bool
	// Cut is PyWPH's cut_x_param = cut_y_param in units of 2^J (≤ 0 → 1/2).
	Cut float64
	// Norm selects the normalisation (default NormNone).
	Norm NormMode
	// Cross selects cross-WPH (PyWPH apply(..., cross=True)): the input map
	// is a pair (x1, x2) stacked vertically, i.e. an (2M)×N map whose rows
	// 0…M−1 are x1 and rows M…2M−1 are x2 (StackPair builds it). The first
	// factor of every moment is taken from x1 and the second from x2:
	// C = Cov([x1⋆ψ1]^{p1}(r+τ), [x2⋆ψ2]^{p2}(r)); the scaling moments are
	// Cov([y1 − ⟨y1⟩]^{p1}, [y2 − ⟨y2⟩]^{p2}), y = x⋆φ (see ScalingMoment).
	// Cross(x, x) = auto(x).
	Cross bool
	// Complex selects the WPH of the complex field z = Q + iU (PyWPH
	// WPHOp(..., cplx=True) applied to complex data, e.g. a polarisation
	// map): the input is the pair (Q, U) stacked vertically, an (2M)×N map
	// whose rows 0…M−1 are Q and rows M…2M−1 are U (StackPair builds it),
	// and the statistic forms z = Q + iU before the wavelet transform. The
	// wavelets then take 2L orientations θ_t = t·π/L, t = 0…2L−1, over
	// [0, 2π) (ψ̂_{θ+π}(k) = ψ̂_θ(−k): for complex z, z⋆ψ_{θ+π} is no longer
	// conj(z⋆ψ_θ)), every class loops over the 2L orientations, C01 (C00,
	// C10) pairs t2 ∈ [t1 − DL, t1 + DL) ∪ [t1 + L − DL, t1 + L + DL)
	// mod 2L, and "pseudo" moments are added (Moment.Pseudo = 1): see the
	// package documentation (Complex data). Complex with Cross is refused.
	Complex bool
	// Subsample lets the non-linear factors |z_j| and [z_j]^p be evaluated on
	// a grid subsampled by 2^{max(0, j−1−Margin)} instead of the full grid.
	// This aliases their spectra (they are not band-limited, |z| has cone
	// singularities at the zeros of z): on dust256 (J=6, L=4) the largest
	// relative errors against PyWPH are 1.3e-3, 8.8e-5 and 6e-6 for Margin
	// 1, 2 and 3 (S00/S01/C01 worst, Cphase ~4× smaller; Margin 0 would give
	// ~2e-2). Default false: exact (PyWPH's arithmetic, see package doc).
	Subsample bool
	// Margin is the number of octaves kept beyond the band limit when
	// Subsample is set (≤ 0 → 2).
	Margin int
}

// DefaultConfig returns PyWPH's default model for J = 6, L = 4: DN = 0, A = 4,
// all scale pairs, DL = L/2, exp τ grid, default classes and scaling moments,
// periodic, no normalisation, exact evaluation. DJ and DL are left 0, which
// New reads as PyWPH's defaults (all scale pairs, DL = L/2) for whatever J and
// L the caller sets on the result: J = 7, L = 4 gives PyWPH's 513
// coefficients.
func DefaultConfig() Config {
	return Config{J: 6, L: 4, A: 4, TauGrid: "exp"}
}

// filled returns the configuration with the defaults substituted.
func (c Config) filled() Config {
	if c.A <= 0 {
		c.A = 4
	}
	if c.DJ <= 0 || c.DJ > c.J-1 {
		c.DJ = c.J - 1 // j2 − j1 ≤ J − 1 anyway (a huge DJ overflowed j1+1+DJ)
	}
	if c.DL <= 0 {
		c.DL = c.L / 2
	}
	if c.TauGrid == "" {
		c.TauGrid = "exp"
	}
	if c.Classes == nil {
		c.Classes = append([]string(nil), DefaultClasses...)
	}
	if c.SMJ == nil {
		for j := -1; j <= c.J/4; j++ {
			c.SMJ = append(c.SMJ, j)
		}
	}
	if c.SMP == nil {
		c.SMP = append([][2]int(nil), DefaultSMP...)
	}
	if c.Cut <= 0 {
		c.Cut = 0.5
	}
	if c.Margin <= 0 {
		c.Margin = 2
	}
	return c
}

// Op is a WPH operator for M×N maps: filters, model and (optionally) the
// stored normalisation. Build with New.
type Op struct {
	cfg Config
	// M, N are the rows and columns of one map (of each map of a pair with
	// Cross), as given to New; read-only.
	M, N    int
	moments []Moment
	sms     []ScalingMoment
	covs    []*cov
	maxTau  [2]int
	labels  *stlayer.Labels

	// psiBand[j] holds the L bump-steerable filters of scale j at the size
	// of z_j's band crop (filters.BumpSteerableBand, M/band[j] × N/band[j]):
	// all that the statistic reads. The full M×N bank (Psi) is not kept.
	psiBand []*stlayer.FilterBank
	// nt is the number of wavelet orientations: L, or 2L with Complex.
	nt   int
	phi  *stlayer.FilterBank // Gaussians for op.phiJ (nil if no scaling moments)
	phiJ []int

	// per-scale sampling: band[j] = subsampling of the exact band crop of
	// z_j's spectrum, grid[j] = subsampling of the grid where z_j and its
	// non-linear transforms are evaluated (1 unless Subsample).
	band, grid []int
	cut        [2]int // NonPeriodic: rows, cols cut on each side

	norm    *Norm
	fitID   int64  // identifies this Op's normalisation-fit statistic
	fitKeys []fkey // factor order of the normalisation-fit statistic
}

// MaxL is the largest number of orientations (and of azimuthal τ steps A)
// New accepts, the CLI's bound for every statistic (scov.MaxL).
const MaxL = 32

// New validates the configuration for M×N maps and builds the filters and the
// model. For Cross the maps passed to the statistic are (2M)×N (StackPair).
//
// Refused with an error naming the problem (an *stlayer.ErrShape for sizes;
// J, L, DN, the τ grid and the cut out of range for the maps match
// stlayer.ErrScales, maps narrower than 2 pixels stlayer.ErrSize):
// J < 1 or 2^J > min(M, N); L outside 1…MaxL; DN < 0 or a first shift of
// step DN longer than the map (exp grid: 2^DN > max(M, N); legacy: 3·DN >
// max(M, N)); on periodic maps, a τ grid that aliases (two shifts of one
// covariance equal modulo M×N, e.g. DN = 1 on 2×2 maps: duplicate
// coefficients; the error names the largest DN that fits); A > MaxL; DL > L/2 (C01 pairs would repeat); an unknown
// TauGrid, class, NormMode; an empty Classes list (no coefficient); negative
// SMP harmonics; SMJ scales outside [filters.MinGaussianJ, filters.MaxJ];
// a non-finite Cut or, with NonPeriodic, a cut that leaves nothing of the
// map; filter banks beyond filters.MaxBankValues.
func New(cfg Config, M, N int) (*Op, error) {
	cfg = cfg.filled()
	if cfg.J < 1 || cfg.L < 1 {
		return nil, stlayer.WithKind(fmt.Errorf("wph: invalid J=%d L=%d", cfg.J, cfg.L), stlayer.ErrScales)
	}
	if cfg.L > MaxL {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wph: L = %d orientations: at most %d", cfg.L, MaxL), Kind: stlayer.ErrScales}
	}
	if cfg.DN < 0 {
		return nil, stlayer.WithKind(fmt.Errorf("wph: invalid DN=%d", cfg.DN), stlayer.ErrScales)
	}
	if cfg.A > MaxL {
		return nil, fmt.Errorf("wph: A = %d azimuthal steps of τ: at most %d", cfg.A, MaxL)
	}
	if cfg.DL > cfg.L/2 {
		msg := fmt.Sprintf("wph: DL = %d > L/2 = %d would repeat C01 orientation pairs (give DL ≤ %d, or 0 for L/2)", cfg.DL, cfg.L/2, cfg.L/2)
		if cfg.L == 1 {
			msg = fmt.Sprintf("wph: DL = %d with L = 1: one orientation allows no C01 orientation pair (PyWPH's l2 range [l1 − DL, l1 + DL) with DL ≤ L/2 = 0 is empty); use L ≥ 2 for C01 coefficients, or DL = 0", cfg.DL)
		}
		return nil, errors.New(msg)
	}
	if cfg.TauGrid != "exp" && cfg.TauGrid != "legacy" {
		return nil, fmt.Errorf("wph: unknown TauGrid %q (exp or legacy)", cfg.TauGrid)
	}
	if cfg.Norm != NormNone && cfg.Norm != NormAuto {
		return nil, fmt.Errorf("wph: unknown NormMode %d", int(cfg.Norm))
	}
	if len(cfg.Classes) == 0 {
		return nil, fmt.Errorf("wph: empty Classes: the model has no coefficient (nil means DefaultClasses)")
	}
	for _, pp := range cfg.SMP {
		if pp[0] < 0 || pp[1] < 0 {
			return nil, fmt.Errorf("wph: invalid scaling-moment harmonics %v", pp)
		}
	}
	for _, j := range cfg.SMJ {
		if j < filters.MinGaussianJ || j > filters.MaxJ {
			return nil, fmt.Errorf("wph: scaling-moment scale %d outside [%d, %d]", j, filters.MinGaussianJ, filters.MaxJ)
		}
	}
	if M < 1 || N < 1 || cfg.J > stlayer.Log2Floor(min(M, N)) { // M < 2^J, without overflowing the shift
		msg := fmt.Sprintf("wph: map %d×%d too small for J=%d (need at least 2^J pixels per side", M, N, cfg.J)
		if min(M, N) >= 2 {
			msg += fmt.Sprintf(", i.e. J ≤ %d; lower J or give larger maps)", stlayer.Log2Floor(min(M, N)))
		} else {
			msg += ": no J ≥ 1 fits maps narrower than 2 pixels)"
		}
		kind := stlayer.ErrScales // lower J
		if min(M, N) < 2 {
			kind = stlayer.ErrSize // no J fits
		}
		return nil, &stlayer.ErrShape{Msg: msg, Kind: kind}
	}
	if side := max(M, N); (cfg.TauGrid == "exp" && cfg.DN > stlayer.Log2Floor(side)) || (cfg.TauGrid == "legacy" && cfg.DN > side/3) {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wph: DN = %d: the shifts of step DN exceed the %dx%d map", cfg.DN, M, N), Kind: stlayer.ErrScales}
	}
	if math.IsNaN(cfg.Cut) || math.IsInf(cfg.Cut, 0) {
		return nil, fmt.Errorf("wph: non-finite Cut %g", cfg.Cut)
	}
	if cfg.Complex && cfg.Cross {
		return nil, errors.New("wph: Complex with Cross is not supported (cross-WPH of two complex fields): use one of them")
	}
	nt := cfg.L
	if cfg.Complex {
		nt = 2 * cfg.L
	}
	if err := filters.CheckBank(cfg.J*nt, M, N); err != nil {
		return nil, err
	}
	op := &Op{cfg: cfg, M: M, N: N, nt: nt}
	if cfg.NonPeriodic {
		cf := math.Floor(cfg.Cut * float64(int(1)<<cfg.J))
		if 2*cf >= float64(M) || 2*cf >= float64(N) {
			return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wph: non-periodic cut of %g pixels per side (⌊Cut·2^J⌋, Cut = %g, J = %d) leaves nothing of a %d×%d map: both sides must exceed %g; lower J or Cut, give larger maps, or use periodic boundaries", cf, cfg.Cut, cfg.J, M, N, 2*cf), Kind: stlayer.ErrScales}
		}
		c := int(cf)
		op.cut = [2]int{c, c}
	}
	if err := op.buildModel(); err != nil {
		return nil, err
	}
	if cfg.NonPeriodic {
		h, w := M-2*op.cut[0], N-2*op.cut[1]
		if op.maxTau[0] >= h || op.maxTau[1] >= w {
			return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wph: shifts up to %v do not fit the %dx%d cut window", op.maxTau, h, w), Kind: stlayer.ErrScales}
		}
	} else if err := op.checkTauWrap(); err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, s := range op.sms {
		if !seen[s.J] {
			seen[s.J] = true
			op.phiJ = append(op.phiJ, s.J)
		}
	}
	if len(op.phiJ) > 0 {
		op.phi = filters.GaussianPyWPH(M, N, op.phiJ)
	}
	op.band, op.grid = sampling(cfg, M, N)
	op.psiBand = make([]*stlayer.FilterBank, cfg.J)
	for j := range op.psiBand {
		op.psiBand[j] = filters.BumpSteerableBand(M, N, j, cfg.L, M/op.band[j], N/op.band[j])
		if cfg.Complex {
			op.psiBand[j] = fullCircle(op.psiBand[j], M, N, j, cfg.L)
		}
	}
	return op, nil
}

// sampling returns, for the filled configuration cfg on M×N maps, the
// subsampling band[j] of the exact band crop of z_j's spectrum and grid[j] of
// the grid where z_j and its non-linear transforms are evaluated (1 unless
// Subsample), j = 0…J−1.
func sampling(cfg Config, M, N int) (band, grid []int) {
	band = make([]int, cfg.J)
	grid = make([]int, cfg.J)
	for j := 0; j < cfg.J; j++ {
		band[j], grid[j] = 1, 1
		if cfg.NonPeriodic || j < 2 {
			continue
		}
		s := 1 << (j - 1)
		for s > 1 && (M%s != 0 || N%s != 0) {
			s /= 2
		}
		band[j] = s
		if cfg.Subsample {
			grid[j] = max(1, s>>cfg.Margin)
		}
	}
	return band, grid
}

// tauCollision returns, for periodic maps, the first pair of moments k < i
// of one covariance whose shifts τ coincide modulo the M×N map (the
// periodic wrap brings them onto the same pixel, so the two coefficients
// are equal), and ok = false; ok = true when every covariance's shifts are
// distinct modulo the map.
func (op *Op) tauCollision() (k, i int, ok bool) {
	wrap := func(t [2]int) [2]int {
		return [2]int{((t[0] % op.M) + op.M) % op.M, ((t[1] % op.N) + op.N) % op.N}
	}
	for _, c := range op.covs {
		seen := make(map[[2]int]int, len(c.taus))
		for r, t := range c.taus {
			if first, dup := seen[wrap(t)]; dup {
				return c.rows[first], c.rows[r], false
			}
			seen[wrap(t)] = r
		}
	}
	return 0, 0, true
}

// checkTauWrap refuses, for periodic maps, a model whose τ grid aliases on
// the M×N map: two shifts of one covariance equal modulo the map (e.g. on a
// 2×2 map with DN = 1, τ = (0, 2) wraps onto τ = 0) would give duplicate
// coefficients. The error names the two moments, the largest DN without
// aliasing at this size and a map size that holds DN's shifts (every
// |τ_row| < M/2 and |τ_col| < N/2).
func (op *Op) checkTauWrap() error {
	k, i, ok := op.tauCollision()
	if ok {
		return nil
	}
	mk, mi := op.moments[k], op.moments[i]
	best := 0
	for d := op.cfg.DN - 1; d > 0; d-- {
		t := &Op{cfg: op.cfg, M: op.M, N: op.N}
		t.cfg.DN = d
		if t.buildModel() == nil {
			if _, _, ok := t.tauCollision(); ok {
				best = d
				break
			}
		}
	}
	use := fmt.Sprintf("DN ≤ %d", best)
	if best == 0 {
		use = "DN = 0 (τ = 0 only)"
	}
	rows, cols := max(op.M, 2*op.maxTau[0]+1), max(op.N, 2*op.maxTau[1]+1)
	return &stlayer.ErrShape{Msg: fmt.Sprintf("wph: DN = %d on a periodic %d×%d map: the shifts τ = (%d, %d) and (%d, %d) (row, column) of %s(j1=%d, l1=%d, j2=%d, l2=%d) wrap onto the same pixel, "+
		"so their coefficients would be duplicates; use %s at this size, or maps of %d×%d pixels or more for DN = %d",
		op.cfg.DN, op.M, op.N, mk.Tau[0], mk.Tau[1], mi.Tau[0], mi.Tau[1], mk.Class, mk.J1, mk.L1, mk.J2, mk.L2, use, rows, cols, op.cfg.DN), Kind: stlayer.ErrScales}
}

// Config returns the configuration with its defaults filled in.
func (op *Op) Config() Config { return op.cfg }

// Size returns the map size (M rows, N columns) of one map.
func (op *Op) Size() (M, N int) { return op.M, op.N }

// Labels returns the label table, one row per coefficient (see LabelColumns).
func (op *Op) Labels() *stlayer.Labels { return op.labels }

// NumCoeffs returns the number of coefficients per map (or per pair).
func (op *Op) NumCoeffs() int { return len(op.moments) + len(op.sms) }

// Psi returns the band-pass filter bank filters.BumpSteerable(M, N, J, L):
// J·L filters of M×N, index j·L + l. The Op does not hold it (it keeps each
// scale's filters at its band crop, all the statistic needs): the first call
// builds it (J·L·M·N float64 values: 1.2 GB of heap for 2048², J = 9,
// L = 4, mostly zeros) and the filters package caches it for the rest of the
// process, as every bank; later calls return the same pointer.
//
// With Complex it is filters.BumpSteerableFull(M, N, J, L): J·2L filters,
// index j·2L + t, θ_t = t·π/L over [0, 2π).
func (op *Op) Psi() *stlayer.FilterBank {
	if op.cfg.Complex {
		return filters.BumpSteerableFull(op.M, op.N, op.cfg.J, op.cfg.L)
	}
	return filters.BumpSteerable(op.M, op.N, op.cfg.J, op.cfg.L)
}

// baseKey identifies the configuration and size, without the normalisation.
func (op *Op) baseKey() string {
	c := op.cfg
	k := fmt.Sprintf("wph J%d L%d dn%d A%d dj%d dl%d tau=%s classes=%v smj=%v smp=%v %dx%d nonper=%v cut=%g cross=%v subsample=%v margin=%d",
		c.J, c.L, c.DN, c.A, c.DJ, c.DL, c.TauGrid, c.Classes, c.SMJ, c.SMP, op.M, op.N, c.NonPeriodic, c.Cut, c.Cross, c.Subsample, c.Margin)
	if c.Complex {
		k += " complex=true"
	}
	return k
}

// Key identifies the statistic returned by Stat: configuration, map size and,
// for NormAuto, a fingerprint of the stored normalisation (graph engines bake
// it into the compiled graph).
func (op *Op) Key() string {
	k := op.baseKey() + " norm=" + op.cfg.Norm.String()
	if op.cfg.Norm == NormAuto && op.norm != nil {
		k += "#" + op.norm.fingerprint()
	}
	return k
}

// ErrNoNorm is the error of evaluating a NormAuto statistic before its
// normalisation was fitted or set.
var ErrNoNorm = errors.New("wph: NormAuto statistic without a normalisation: call FitNorm or SetNorm first")

// Stat returns the statistic: input [B, 1, M, N] (Cross, Complex: [B, 1, 2M, N]),
// output [B, K, 1, 1], K = NumCoeffs(), in PyWPH's order. With NormAuto the
// normalisation must have been fitted (FitNorm) or set (SetNorm) before;
// otherwise evaluating the statistic fails (the engines' Forward and
// LossGrad return ErrNoNorm).
func (op *Op) Stat() stlayer.Stat {
	if op.cfg.Norm == NormAuto && op.norm == nil {
		return func(stlayer.Prim, stlayer.Field) stlayer.Field { panic(ErrNoNorm) }
	}
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return op.build(p, x, modeCoeffs)
	}
}

// Forward evaluates the statistic on x with engine e. With NormAuto and no
// stored normalisation, the normalisation is first fitted on x (PyWPH: the
// first map passed with norm='auto' becomes the reference); a batch whose
// maps are all constant is then refused (FitNorm, ErrConstantRef).
func (op *Op) Forward(e stlayer.Engine, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	if err := op.CheckMaps(x); err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("wph: Forward needs an engine (nil)")
	}
	if op.cfg.Norm == NormAuto && op.norm == nil {
		if err := op.FitNorm(e, x); err != nil {
			return nil, err
		}
	}
	return e.Forward(op.Key(), op.Stat(), x)
}

// CheckMaps returns an *stlayer.ErrShape error unless x holds maps of the size
// the statistic expects (M×N, or 2M×N for Cross and Complex).
func (op *Op) CheckMaps(x *stlayer.Maps) error {
	rows := op.M
	if op.cfg.Cross || op.cfg.Complex {
		rows = 2 * op.M
	}
	if err := x.Check(); err != nil {
		return &stlayer.ErrShape{Msg: "wph: " + err.Error(), Kind: stlayer.ErrSize}
	}
	if x.M != rows || x.N != op.N {
		if op.cfg.Complex {
			return &stlayer.ErrShape{Msg: fmt.Sprintf("wph: complex operator for %dx%d maps needs (Q, U) stacked vertically, maps [B,%d,%d] (StackPair), got [%d,%d,%d]", op.M, op.N, rows, op.N, x.B, x.M, x.N), Kind: stlayer.ErrSize}
		}
		return &stlayer.ErrShape{Msg: fmt.Sprintf("wph: operator for %dx%d maps (cross=%v) needs maps [B,%d,%d], got [%d,%d,%d]", op.M, op.N, op.cfg.Cross, rows, op.N, x.B, x.M, x.N), Kind: stlayer.ErrSize}
	}
	return nil
}
