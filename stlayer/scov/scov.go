// Package scov computes the scattering covariance of 2D maps (Cheng et al.
// 2024, SihaoCheng/scattering_transform `Scattering2d.scattering_cov`), its
// isotropic reduction, the reduced "scattering spectra" and the cross
// statistics of two maps, all written against the primitive layer
// stlayer.Prim so that every engine can evaluate and differentiate them.
//
// Notation. I is a real M×N map, Î its unnormalised DFT (stlayer.Prim.FFT2),
// ψ̂_{j,l} Cheng's Morlet wavelets (filters.MorletCheng, index k = j·L + l,
// j = 0…J−1 finest to coarsest, l = 0…L−1 orientations), real in Fourier
// space. U_{j,l} = |I⋆ψ_{j,l}| is computed at full resolution and Û_{j,l} is
// its DFT. ⟨·⟩ is the spatial mean. All sums over k run over Cheng's cropped
// frequency block of the scale written in the sum (filters.Crops: the
// frequencies −h/2…h/2−1 with h = 2·max(8, min(⌈M/2^j⌉, M/2)), i.e. the full
// grid for j ≤ 1 and 16 frequencies for the coarsest scales of a 256² map);
// Config.FullResolution removes the crop.
//
// Raw moments (Op.Stat, one row per map; Cheng's array indices):
//
//	mean          = ⟨I⟩
//	var           = Σ_x (I − ⟨I⟩)² / (MN − 1)                 (unbiased, as torch.var)
//	P00[j,l]      = ⟨U_{j,l}²⟩ = ⟨|I⋆ψ_{j,l}|²⟩                 (wavelet power, "S2")
//	S1[j,l]       = ⟨U_{j,l}⟩                                    (L1 norm, "S1")
//	C01[j1,j2,l1,l2] = Σ_{k ∈ crop(j2)} Î(k) conj(Û_{j1,l1}(k)) ψ̂_{j2,l2}(k) / (MN)²,  j1 ≤ j2
//	C11[j1,j2,j3,l1,l2,l3] = Σ_{k ∈ crop(j3)} Û_{j1,l1}(k) conj(Û_{j2,l2}(k)) ψ̂_{j3,l3}(k)² / (MN)²,
//	                j1 ≤ j2 ≤ j3   (Cheng's default C11_criteria 'j2>=j1')
//
// P00 and S1 are means of U over the full M×N grid, whatever the crop, so
// for periodic maps S1 equals the global WST's with wst.Config.Classic
// (stkit stats --kind wst --classic) to round-off. The WST's default 'fast' algorithm takes the
// modulus on each scale's cropped grid instead, so its S1 differs from this
// one at j ≥ 2 by ~1e-4 relative (up to 2.8e-4 on 64² and 256² dust maps;
// S1(j=2, l=3) of the 64² map: 9.831087e-3 here, 9.831501e-3 in wst);
// both follow Cheng's code (scattering_cov and scattering_coef).
//
// In C01 the first scale j1 is the one inside the modulus and j2 the outer
// wavelet (Cheng's loop variables j2, j3 stored at array positions [j1, j2]).
// With S3Cheng (the default, Cheng's code) C01 carries ONE factor ψ̂: it is
// ⟨I · conj(U_{j1,l1}⋆ψ_{j2,l2})⟩. With S3Cov it carries ψ̂², i.e. it is the
// covariance Cov[I⋆ψ_{j2,l2}, U_{j1,l1}⋆ψ_{j2,l2}] (= Σ Î Û* ψ̂²/(MN)², the
// form used by STL, FOSCAT-eval and S2SCAT); the two are not numerically
// equal. C11 is Cov[U_{j1,l1}⋆ψ_{j3,l3}, U_{j2,l2}⋆ψ_{j3,l3}] in both
// conventions. P11[j1,j3,l1,l3] = Re C11[j1,j1,j3,l1,l1,l3] = ⟨|U_{j1,l1}⋆ψ_{j3,l3}|²⟩.
//
// Normalised coefficients (Cheng): with NormP00,
// C01n = C01 / √(P00[j2,l2]·P00[j1,l1]) and C11n = C11 / √(P00[j1,l1]·P00[j2,l2]);
// with NormP11, C01n = C01 / √(P00[j2,l2]·P11[j1,j2,l1,l2]) and
// C11n = C11 / √(P11[j1,j3,l1,l3]·P11[j2,j3,l2,l3]). The P00/P11 are those of
// the map itself, or of a stored reference (Ref, Cheng's use_ref=True,
// recommended for synthesis).
//
// Isotropic reduction (Cheng): P00_iso[j] = mean_l P00[j,l], likewise S1;
// C01_iso[j1,j2,Δ] = (1/L) Σ_{l1} Re C01n[j1,j2,l1,(l1+Δ) mod L];
// C11_iso[j1,j2,j3,Δ2,Δ3] = (1/L) Σ_{l1} Re C11n[j1,j2,j3,l1,(l1+Δ2) mod L,(l1+Δ3) mod L];
// P11_iso likewise. Only real parts are kept in the isotropic versions.
//
// Flattened vectors (Cheng's for_synthesis, for_synthesis_iso):
//
//	for_synthesis     = [mean/std, log P00 (J·L), log S1 (J·L), Re C01n, Im C01n, Re C11n, Im C11n (, log P11)]
//	for_synthesis_iso = [mean/std, log P00_iso (J), log S1_iso (J), C01_iso, C11_iso (, log P11_iso)]
//
// with std the unbiased standard deviation, C01 entries in the order
// (j1 ≤ j2, l1, l2), C11 in the order (j1 ≤ j2 ≤ j3, l1, l2, l3) (row-major,
// Cheng's select_2/select_3), iso C01 in (j1 ≤ j2, Δ) and iso C11 in
// (j1 ≤ j2 ≤ j3, Δ2, Δ3). With NormP11 the C11 entries with j1 = j2 and
// l1 = l2 (iso: j1 = j2 and Δ2 = 0, identically 1) are left out and log P11
// (j1 ≤ j2, l1, l2) / log P11_iso (j1 ≤ j2, Δ) is appended. For J = 6, L = 4
// (NormP00) the lengths are 7889 and 993. Logarithms are natural.
//
// Non-periodic maps (Config.NonPeriodic; stkit's extension, Cheng's code is
// periodic only). A patch cut from a larger map has a jump where its
// opposite borders meet; the periodic moments record it and a synthesis
// reproduces it as facets and streaks. With NonPeriodic every ⟨·⟩ above
// becomes the mean ⟨·⟩_W over the interior window W = rows [c, M−c) ×
// columns [c, N−c), c = ⌊Cut·2^J⌋ pixels per side (Cut = 1/2 by default, as
// PyWPH's cut_x_param), n = (M−2c)(N−2c) pixels:
//
//	mean = ⟨I⟩_W,  var = Σ_{x∈W} (I − ⟨I⟩_W)² / (n − 1),
//	P00 = ⟨|I⋆ψ_{j,l}|²⟩_W,  S1 = ⟨U_{j,l}⟩_W,  (C00 = ⟨(a⋆ψ)·conj(b⋆ψ)⟩_W),
//	C01 = ⟨(I − ⟨I⟩_W)·conj(U_{j1,l1}⋆ψ_{j2,l2})⟩_W            (S3Cheng)
//	    = ⟨(I⋆ψ_{j2,l2})·conj(U_{j1,l1}⋆ψ_{j2,l2})⟩_W          (S3Cov),
//	C11 = ⟨(U_{j1,l1}⋆ψ_{j3,l3})·conj(U_{j2,l2}⋆ψ_{j3,l3})⟩_W,
//
// the convolutions staying periodic on the M×N map (the first c pixels from
// each border, where they wrap around, are left out of every mean), ψ the
// filter of Cheng's crop as above, and no window mean subtracted from the
// filtered fields (ψ̂(0) = 0: they have zero mean in expectation). The
// means are exact (not a resampling): those of one filtered factor in
// Parseval form, those of two on each scale's grid with quadrature weights
// that reproduce the full-resolution window mean (see rawStatCrop). With
// c = 0 the moments equal the periodic ones (to rounding;
// TestCropZeroCutEqualsPeriodic); TestCropEqualsBruteForce pins the
// definitions above. Unlike wph's NonPeriodic (PyWPH pbc=False) nothing is
// zero-padded or cut between layers: U is the modulus of the periodic
// convolution over the whole map and only the final means are windowed
// (scov has no spatial shifts τ). The statistic is not translation
// invariant; a 90° rotation of a square map about its centre (which maps
// the window onto itself) permutes the orientations as in the periodic
// case (TestCropRotationAndShift). Key adds "/crop=c".
//
// Deviations from Cheng's code, each stated where it applies and pinned by a
// test: a reference measured on several maps averages their P00 and P11
// (NewRef, RefFromCoeffs; TestRefAveragesOverMaps); the spectra store the
// angular harmonics as a real orthonormal basis (Spectra;
// TestSpectraBasesOrthonormal) and threshold with the plain unbiased std
// (Threshold; TestThresholdUsesUnbiasedStd); S3Cov is offered beside Cheng's
// one-ψ̂ C01 (TestRealSpaceDefinitions); the cross dictionary keeps the auto
// statistics' conventions where some versions of Cheng's
// scattering_cov_2fields differ (CrossOp.ChengDict; TestCrossSelfEqualsAuto).
//
// Further operators: CrossOp (Cheng's scattering_cov_2fields, pairs of maps),
// Spectra and SpectraStat (the reduced scattering spectra: angular harmonics,
// DCT along scale and thresholding of for_synthesis_iso), SynthOp (the
// flattened vectors as a differentiable statistic).
package scov

import (
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"sync"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// Normalization selects the normalisation of C01 and C11 (Cheng's
// `normalization` argument).
type Normalization int

const (
	// NormP00 divides C01 and C11 by √(P00·P00) (Cheng's default 'P00').
	NormP00 Normalization = iota
	// NormP11 divides C01 by √(P00·P11) and C11 by √(P11·P11) (Cheng's 'P11');
	// it adds log P11 to the flattened vectors and drops the C11 entries that
	// are identically 1.
	NormP11
)

// String returns Cheng's name of the normalisation ("P00" or "P11").
func (n Normalization) String() string {
	switch n {
	case NormP00:
		return "P00"
	case NormP11:
		return "P11"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// S3Convention selects the wavelet factor of the phase–envelope moment C01 (S3).
type S3Convention int

const (
	// S3Cheng is Cheng's code: C01 = Σ_k Î conj(Û_{j1}) ψ̂_{j2} / (MN)² (one
	// factor ψ̂), i.e. ⟨I · conj(U_{j1}⋆ψ_{j2})⟩. Default; parity with Cheng.
	S3Cheng S3Convention = iota
	// S3Cov is the covariance form C01 = Σ_k Î conj(Û_{j1}) ψ̂_{j2}² / (MN)² =
	// Cov[I⋆ψ_{j2}, U_{j1}⋆ψ_{j2}] ("Cov[I⋆ψ1, |I⋆ψ2|⋆ψ1]" of the S3 literature,
	// STL, FOSCAT-eval, S2SCAT).
	S3Cov
)

// String returns "cheng" or "cov".
func (s S3Convention) String() string {
	switch s {
	case S3Cheng:
		return "cheng"
	case S3Cov:
		return "cov"
	}
	return fmt.Sprintf("S3Convention(%d)", int(s))
}

// Config configures the scattering covariance.
type Config struct {
	// J is the number of dyadic scales (j = 0…J−1), L the number of
	// orientations θ_l = filters.MorletTheta(l, L) = (⌊L/2⌋−1−l)·π/L for
	// L ≥ 2 (−l·π/L for L = 1), measured from the row axis
	// (filters.MorletCheng).
	J, L int
	// Normalization of C01/C11 (default NormP00).
	Normalization Normalization
	// S3 is the C01 convention (default S3Cheng).
	S3 S3Convention
	// FullResolution disables Cheng's per-scale Fourier crop: every sum runs
	// over all M×N frequencies (several times slower; differs from Cheng by
	// the wavelet tails beyond the crop: on the 256² dust map, J=6, up to
	// 3e−4 relative in C01 and 1e−5 in C11).
	// Default false (Cheng's crop, parity). With FullResolution the raw
	// moments are covariant under 90° rotations of a square map to
	// round-off: the rotated map's moments are the map's with every
	// orientation moved by L/2 (conjugated where the linear factor's
	// orientation wraps past θ = 0). With the crop this holds only
	// approximately, because each cropped grid keeps its Nyquist row and
	// column from the negative frequency only: max |Δ| over a class divided
	// by the class's largest |coefficient| measured C01 1.4e-4…3.8e-4 on
	// 64²/128² log-normal fields (J = 4–5, L = 4, 8), 7.1e-4 on the 256²
	// dust map at J = 6 (7.6e-5 at J = 4), 2.0e-3 on white noise (whose C01
	// is ≈ 0 in expectation, so its class maximum is small); C11 ≤ 6e-6;
	// mean, var, P00 and S1 to round-off (TestLibaniso20ScovRotationTolerance
	// bounds these at 2e-3, 6e-3 for white noise, 1e-4 for C11 and 1e-12).
	// wst's Config.Classic states the same for the WST.
	FullResolution bool
	// NonPeriodic takes every mean over the interior window rows
	// [c, M−c) × columns [c, N−c), c = ⌊Cut·2^J⌋ pixels per side, instead
	// of the whole periodic map, so that the wrap-around jump of a patch cut
	// from a larger map (and the convolutions' wrap-around near the border)
	// is left out. The convolutions themselves stay periodic on the M×N map;
	// only the averaging window changes. See "Non-periodic maps" in the
	// package documentation. Default false (periodic, Cheng).
	NonPeriodic bool
	// Cut is the half-width of the discarded border in units of 2^J
	// (PyWPH's cut_x_param = cut_y_param; ≤ 0 → 1/2, PyWPH's default).
	// Only read with NonPeriodic.
	Cut float64
}

// DefaultConfig returns J = 6, L = 4, NormP00, S3Cheng, Cheng's crop.
func DefaultConfig() Config { return Config{J: 6, L: 4} }

// Op is a scattering-covariance operator for M×N maps. It is immutable after
// New and safe for concurrent use.
type Op struct {
	cfg Config
	// M, N are the rows and columns of the maps, as given to New; read-only.
	M, N int

	// bank[j]: the L full-resolution ψ̂_{j,l} of scale j, used by the first
	// layer (MulFilters at M×N). Scales whose crop is the full grid (j ≤ 1,
	// or every scale with FullResolution) hold the dense band
	// filters.MorletChengBand(M, N, j, L, M, N) (bit for bit MorletCheng's
	// filters j·L … j·L+L−1; their weight maps psiC alias it, and those of
	// j ≤ 1 are shared with the global WST's). The cropped scales hold the
	// sparse filters.MorletChengBandTruncated (values below 1e−14 of the
	// peak dropped, as the CPU engine drops them; at 2048², J = 9, the bands
	// of j ≥ 2 store 0.10 GB instead of 0.94 GB), and take their weight maps
	// from the dense cropped band MorletChengBand(M, N, j, L, h_j, w_j), both
	// from one build (filters.MorletChengBandSplit).
	bank  []*stlayer.FilterBank
	crops [][2]int // crop size (h_j, w_j) per scale

	// per scale j3: the L cropped filters ψ̂_{j3,l} (psiC) and ψ̂² (psi2C) as
	// flat h×w weight maps, for WeightedMeans.
	psiC, psi2C [][][]float64

	idx    *indexTables
	labels *stlayer.Labels

	// bankC[j]: the L dense crop-size filters ψ̂_{j,l} (h_j×w_j) whose
	// values psiC[j] holds; win: the window geometry (NonPeriodic only, else nil).
	bankC []*stlayer.FilterBank
	win   *window
}

// New validates the sizes and builds the filter bank, the crops and the label
// table. M and N must be even, at least 16, and J must satisfy 2^J ≤ min(M, N)
// (Cheng recommends J ≤ log2(min(M,N)) − 1); J ≥ 1 and 1 ≤ L ≤ MaxL; the
// dense full-resolution filters (L·M·N values for each of the scales j ≤ 1,
// or of all J scales with FullResolution) within filters.MaxBankValues. With
// NonPeriodic, Cut must be finite and the window must keep pixels:
// 2⌊Cut·2^J⌋ < min(M, N), i.e. with the default Cut = 1/2, 2^J < min(M, N)
// (one scale fewer than periodic maps allow on power-of-two sides). Size
// and scale problems are refused with an *stlayer.ErrShape (matching
// stlayer.ErrSize for the map size, stlayer.ErrScales for J, L and a cut
// too wide for the maps); an unknown Normalization, S3 or a non-finite Cut
// with a plain error.
func New(cfg Config, M, N int) (*Op, error) {
	if err := checkConfig(cfg, M, N); err != nil {
		return nil, err
	}
	op := &Op{cfg: cfg, M: M, N: N}
	if cfg.FullResolution {
		op.crops = make([][2]int, cfg.J)
		for j := range op.crops {
			op.crops[j] = [2]int{M, N}
		}
	} else {
		op.crops = filters.Crops(M, N, cfg.J)
	}
	J, L := cfg.J, cfg.L
	op.psiC = make([][][]float64, J)
	op.psi2C = make([][][]float64, J)
	op.bank = make([]*stlayer.FilterBank, J)
	op.bankC = make([]*stlayer.FilterBank, J)
	// The scales are built concurrently (each band builder also spreads its
	// L filters over workers): the serial parts of a scale (truncation,
	// crop, squares) then overlap another scale's FFTs. Every value is
	// computed as in a serial loop.
	forEach(J, func(j int) {
		h, w := op.crops[j][0], op.crops[j][1]
		var fb *stlayer.FilterBank // the crop-size weights ψ̂_{j,l}
		if h == M && w == N {
			fb = filters.MorletChengBand(M, N, j, L, M, N)
			op.bank[j] = fb
		} else {
			op.bank[j], fb = filters.MorletChengBandSplit(M, N, j, L, h, w)
		}
		op.bankC[j] = fb
		op.psiC[j] = make([][]float64, L)
		op.psi2C[j] = make([][]float64, L)
		for l := 0; l < L; l++ {
			f := fb.Filter(l)
			op.psiC[j][l] = f
			sq := make([]float64, len(f))
			for i, v := range f {
				sq[i] = v * v
			}
			op.psi2C[j][l] = sq
		}
	})
	op.idx = newIndexTables(J, L)
	op.labels = rawLabels(op.idx, 1)
	if cfg.NonPeriodic {
		op.win = newWindow(M, N, cutPixels(cfg), op.crops)
	}
	return op, nil
}

// forEach calls f(i) for i = n−1 … 0 on GOMAXPROCS workers (coarsest scale
// first) and returns when all calls have.
func forEach(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := n - 1; i >= 0; i-- {
		next <- i
	}
	close(next)
	wg.Wait()
}

// MaxL is the largest number of orientations New accepts. The index tables and
// the C11 (S4) coefficients grow as J³L³: L = 100 on a 64² map needs about
// 9 GB before any map is seen, while Cheng's code and the papers use L = 4 to
// 16. The CLI applies the same bound to every statistic.
const MaxL = 32

func checkConfig(cfg Config, M, N int) error {
	if cfg.J < 1 || cfg.L < 1 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: J = %d and L = %d must be ≥ 1", cfg.J, cfg.L), Kind: stlayer.ErrScales}
	}
	if cfg.L > MaxL {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: L = %d orientations: at most %d (the index tables grow as J³L³)", cfg.L, MaxL), Kind: stlayer.ErrScales}
	}
	if M < 16 || N < 16 || M%2 != 0 || N%2 != 0 {
		msg := fmt.Sprintf("scov: map %d×%d: both sides must be even and ≥ 16", M, N)
		if M&^1 >= 16 && N&^1 >= 16 {
			msg += fmt.Sprintf(" (crop or pad the maps to even sides, e.g. %d×%d)", M&^1, N&^1)
		}
		return &stlayer.ErrShape{Msg: msg, Kind: stlayer.ErrSize}
	}
	if cfg.J > stlayer.Log2Floor(min(M, N)) { // 2^J > min(M, N), without overflowing the shift
		return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: map %d×%d too small for J = %d (need 2^J ≤ min(M, N), i.e. J ≤ %d; lower J or give larger maps)", M, N, cfg.J, stlayer.Log2Floor(min(M, N))), Kind: stlayer.ErrScales}
	}
	// The scales whose crop is the full grid (j ≤ 1; every scale with
	// FullResolution) store L dense M×N filters each: refuse before
	// allocating what the machine cannot hold.
	dense := min(2, cfg.J)
	if cfg.FullResolution {
		dense = cfg.J
	}
	if err := filters.CheckBank(dense*cfg.L, M, N); err != nil {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: the full-resolution filters of %d scale(s) × %d orientations on a %d×%d map are too large (%v); lower L or give smaller maps", dense, cfg.L, M, N, err), Kind: stlayer.ErrSize}
	}
	if cfg.Normalization != NormP00 && cfg.Normalization != NormP11 {
		return fmt.Errorf("scov: unknown normalization %d", int(cfg.Normalization))
	}
	if cfg.S3 != S3Cheng && cfg.S3 != S3Cov {
		return fmt.Errorf("scov: unknown S3 convention %d", int(cfg.S3))
	}
	if cfg.NonPeriodic {
		if math.IsNaN(cfg.Cut) || math.IsInf(cfg.Cut, 0) {
			return fmt.Errorf("scov: non-finite Cut %g", cfg.Cut)
		}
		cut := cfg.Cut
		if cut <= 0 {
			cut = 0.5
		}
		cf := math.Floor(cut * float64(int(1)<<cfg.J))
		if 2*cf >= float64(M) || 2*cf >= float64(N) {
			return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: non-periodic cut of %g pixels per side (⌊Cut·2^J⌋, Cut = %g, J = %d) leaves nothing of a %d×%d map: both sides must exceed %g; lower J or Cut, give larger maps, or use periodic boundaries", cf, cut, cfg.J, M, N, 2*cf), Kind: stlayer.ErrScales}
		}
	}
	return nil
}

// cutPixels returns c = ⌊Cut·2^J⌋ (Cut ≤ 0 read as 1/2) for a configuration
// checkConfig accepted.
func cutPixels(cfg Config) int {
	cut := cfg.Cut
	if cut <= 0 {
		cut = 0.5
	}
	return int(math.Floor(cut * float64(int(1)<<cfg.J)))
}

// Cut returns the number of pixels c discarded on each side of the map in
// NonPeriodic mode (⌊Cut·2^J⌋), 0 for a periodic operator.
func (op *Op) Cut() int {
	if op.win == nil {
		return 0
	}
	return op.win.c
}

// Config returns the configuration.
func (op *Op) Config() Config { return op.cfg }

// Size returns the map size (M, N).
func (op *Op) Size() (M, N int) { return op.M, op.N }

// Crops returns the Fourier crop size (h_j, w_j) used at each scale j.
func (op *Op) Crops() [][2]int { return append([][2]int(nil), op.crops...) }

// Key identifies the raw statistic (configuration and map size; a
// NonPeriodic operator adds "/crop=c", c the pixels cut per side).
func (op *Op) Key() string {
	c := op.cfg
	k := fmt.Sprintf("scov/J%d/L%d/%dx%d/s3=%s/full=%t", c.J, c.L, op.M, op.N, c.S3, c.FullResolution)
	if op.win != nil {
		k += fmt.Sprintf("/crop=%d", op.win.c)
	}
	return k
}

// Labels returns the label table of the raw statistic (Op.Stat): classes
// "mean", "var", "P00", "S1", "C01", "C11" with columns j1, j2, j3, l1, l2, l3
// (Cheng's array indices; −1 where absent). In a C01 row (j1, l1) is the
// wavelet inside the modulus and (j2, l2) the outer one; in a C11 row (j1,
// l1) and (j2, l2) are inside the two moduli and (j3, l3) is the outer
// wavelet (see the package documentation).
func (op *Op) Labels() *stlayer.Labels { return op.labels }

// NumRaw returns the number of raw coefficients per map:
// 2 + 2·J·L + L²·J(J+1)/2 + L³·J(J+1)(J+2)/6.
func (op *Op) NumRaw() int { return op.idx.numRaw(1) }

// Stat returns the raw statistic: x is [B, 1, M, N] (real) and the result is
// [B, NumRaw(), 1, 1], in the order of Labels: mean, var, P00 (j, l), S1 (j, l),
// C01 (j1 ≤ j2, l1, l2), C11 (j1 ≤ j2 ≤ j3, l1, l2, l3), the last index
// varying fastest and the scale tuples in lexicographic order. P00, S1, mean
// and var are real; C01 and C11 complex. The moments are raw (not divided by
// P00 or P11, no logarithm): Results, Assemble and Synthesis normalise them.
// See the package documentation for formulas.
//
// Maps of another shape than [B, 1, M, N] (M×N the operator's size) make
// the statistic panic with an *stlayer.ErrShape naming both sizes, which
// the engines return as an error from Forward and LossGrad (mustFit); the
// filters are built for one size: build one operator per map size.
func (op *Op) Stat() stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		op.mustFit(x, 1)
		return op.rawStat(p, x, 1)
	}
}

// mustFit panics with an *stlayer.ErrShape unless x is [B, 1, nf·M, N] for
// the operator's M×N (nf = 2: pairs stacked by rows, CrossOp). Without it,
// maps of another size failed deep inside with the filter bank's size
// ("filter bank … is K=4 32x32 …, field is 64x64").
func (op *Op) mustFit(x stlayer.Field, nf int) {
	if b, c, h, w := x.Dims(); c != 1 || h != nf*op.M || w != op.N {
		pairs := ""
		if nf == 2 {
			pairs = " stacked by rows in pairs"
		}
		panic(&stlayer.ErrShape{Msg: fmt.Sprintf("scov: statistic built for maps of %dx%d%s ([B,1,%d,%d]), got [%d,%d,%d,%d]: build one operator per map size (scov.New with the maps' rows and columns)",
			op.M, op.N, pairs, nf*op.M, op.N, b, c, h, w), Kind: stlayer.ErrSize})
	}
}

// hashFloats returns a short hex digest of v (for statistic keys that bake
// constants, e.g. a reference normalisation, into a graph).
func hashFloats(v ...[]float64) string {
	h := fnv.New64a()
	var buf [8]byte
	for _, s := range v {
		for _, f := range s {
			u := math.Float64bits(f)
			for i := range buf {
				buf[i] = byte(u >> (8 * i))
			}
			h.Write(buf[:])
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
