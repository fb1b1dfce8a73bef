package infer

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// DrawMode selects how SampleComponent draws the target statistics of each
// map from a component model.
type DrawMode int

const (
	// DrawDecoded uses one of the model's decoded samples (drawn uniformly
	// with replacement): a joint draw from the VAE's p(x|y=k), correlations
	// between coefficients included.
	DrawDecoded DrawMode = iota
	// DrawMean uses the model mean for every map.
	DrawMean
	// DrawNoise uses mean + std ⊙ ε, ε ~ N(0, I) per feature (diagonal
	// Gaussian; correlations between coefficients are lost).
	DrawNoise
)

// ParseDrawMode parses "decoded" (or ""), "mean" or "noise"; another name is
// an input error (ErrModelInput).
func ParseDrawMode(s string) (DrawMode, error) {
	switch s {
	case "decoded", "":
		return DrawDecoded, nil
	case "mean":
		return DrawMean, nil
	case "noise":
		return DrawNoise, nil
	}
	return 0, inputErrorf("unknown draw mode %q (want decoded, mean or noise)", s)
}

// String returns the name ParseDrawMode reads ("DrawMode(n)" for a value
// that is none of the modes).
func (d DrawMode) String() string {
	switch d {
	case DrawDecoded:
		return "decoded"
	case DrawMean:
		return "mean"
	case DrawNoise:
		return "noise"
	}
	return fmt.Sprintf("DrawMode(%d)", int(d))
}

// SampleOptions configure SampleComponent. Zero values take the defaults
// stated per field.
type SampleOptions struct {
	// N is the number of maps (default 1).
	N int
	// Size is the side of the square maps (default: the models' patch
	// size). Larger maps are constrained tile by tile (TileOp, tiles of the
	// patch size every Stride pixels): every tile's statistics are matched to
	// the map's drawn statistics.
	Size int
	// Stride between tiles for Size > patch size (default patch/2; at most
	// the patch size).
	Stride int
	// Draw selects the target statistics (default DrawDecoded).
	Draw DrawMode
	// Seed drives the draws and the starting maps: map b starts from
	// InitialMaps with seed Seed + b·0x9e3779b97f4a7c15, and its target
	// statistic (and power-spectrum scatter) comes from streams of Seed
	// drawn in map order, so map b is the same whatever N (> b).
	Seed uint64
	// Init is the starting law: InitWhiteNoise (the zero value) white noise
	// with the cluster's pixel mean/std, InitGRF (stkit sample's default)
	// InitialMaps' Gaussian draw from the periodogram (averaged over cells
	// of unit |k| and 11.25°) of a reference map that is a Gaussian field
	// with the cluster's mean power spectrum (interpolated in log–log to
	// Size) and that mean/std, drawn for each map (map b's from seed Seed +
	// b·0x9e3779b97f4a7c15): each map starts with its own realisation of
	// the spectrum (Fourier amplitudes) and phases.
	Init InitKind
	// StdFloor masks coefficients whose model σ is below StdFloor × max σ
	// (default 1e-9); see modelWeights.
	StdFloor float64
	// PSWeight weighs an extra log power-spectrum term (as the synthesis
	// preset "quality"): the per-tile log isotropic spectrum (PSOp, half-octave
	// bins) is matched to the cluster's mean log patch spectrum shifted, scale
	// by scale, by the drawn statistic's log P00(j) minus the patches' mean
	// (interpolated in log k between the wavelets' central frequencies, 3/8·2^−j
	// cycles per pixel for Cheng's Morlet; no shift for statistics without
	// P00), with weight PSWeight/nbins per bin. The wavelet statistics
	// constrain the power only band by band; without this term syntheses can
	// carry excess power between the bands and at the highest frequencies.
	// With models that carry ps_corner_log the term also matches the log
	// corner power (the modes with |k| ≥ p/2 that the bins leave out;
	// NewPSOpCorner), shifted as the last bin, with 0.3 of a bin's weight
	// (cornerPSWeight): without it only the j = 0
	// wavelets constrain those modes, and 192² samples of a Quijote cluster
	// carried 6× its patches' corner power (a checkerboard) with 3× too
	// little just below. With OuterRing and models that also carry
	// ps_corner_rings, a second term matches the log power of the corner's
	// outer ring, |k| ≥ 2^¼·p/2 (NewPSOpOuterCorner; ring 1's mean, shifted
	// as the last bin; half the corner's weight): one corner coefficient
	// left free where in the corner the power sits. 32² fixture
	// (TestSampleCornerPower's, 4
	// maps, 600 steps, with the PS scatter): outer-ring power 4.6× the
	// patches' → 0.89× (its other component 0.35× → 1.07×); 64² Quijote
	// component of the 2-cluster Quijote+dust models exported with
	// --drop-outliers, 2 maps: 0.47× → 0.95× (inner ring 1.01× → 0.95×).
	// Default 10; negative: no such term.
	PSWeight float64
	// OuterRing adds the outer-ring term above (models with
	// ps_corner_rings). Off by default: it competes with the statistic
	// term; on the 32² fixture of TestSampleComponent (80 steps) the RMS of
	// (Φ − target)/σ over the coefficients rose above 0.8 (0.94 and 1.30
	// for its two maps) with it.
	OuterRing bool
	// NoPSScatter drops the per-bin scatter of that term's target. By
	// default each map's log-spectrum target gets, per bin b, an independent
	// N(0, s_b²) offset with s_b² = max(0, v_b − u_b): v_b the variance of
	// log P_b over the cluster's patches (ps_logstd²), u_b the variance of the
	// target over the model's samples (what the drawn statistics already
	// explain). A real patch scatters about its expected spectrum (few modes
	// per bin at low k: χ² scatter); without the offset every synthesis has
	// exactly the expected log power, so the mean of the samples' spectra is
	// the patches' geometric mean, below their arithmetic mean by about
	// exp(−s_b²/2) (fin_s1 Quijote cluster, 16 maps: 0.79 / 0.90 in the bins
	// at 1–2 / 2–2.8 cycles per patch, geometric mean 1.00 / 0.97).
	// ps_logstd is the plain std over the cluster's patches: a few patches
	// of another family in the cluster (SpectrumOutliers) make s_b large
	// and the offsets of neighbouring bins independent, a jagged target
	// (2 dust patches among 128 Quijote ones: s_b ≈ 1.3 at k = 16–32, the
	// samples' power per bin 0.42–1.76× the patches' with the model mean
	// drawn, against 0.86–0.89 without the offsets).
	NoPSScatter bool
	// Box, if non-nil, keeps the pixels in [Box.Lo, Box.Hi] as synthesis
	// does (GenerateConfig.Box): each map's loss gets the quadratic penalty
	// BoxTerm of weight BoxWeight/σ² (σ the cluster's pixel std, the
	// PixelMoments of its training patches; BoxWeight ≤ 0:
	// DefaultBoxWeight, 1e3, the separation's default, in the same units:
	// the statistic term is the mean of (ΔΦ_c/σ_c)²), and the starting maps
	// are clipped into it. A penalty, not a hard bound: pixels held at the
	// box can end slightly outside.
	Box       *PixelBox
	BoxWeight float64
	// SynthConfig holds the L-BFGS settings of each map's run (Steps default
	// 300, History 20).
	SynthConfig
}

// SampleResult holds the maps of SampleComponent and how they were made.
type SampleResult struct {
	// Maps [N, Size, Size].
	Maps *stlayer.Maps
	// Targets[b] is the drawn statistic of map b (complex coefficients, one
	// patch); Weight the per-coefficient weights of the statistic term (of one
	// tile; the term averages them over the tiles).
	Targets [][]complex128
	Weight  []float64
	// Results holds the optimisation of each map started: all of them on
	// success; after an error (or a cancellation) the maps before the last
	// entry finished, and the last entry is the map whose run stopped (its
	// Iters say how far it got: 0, with nil Maps, when its initial loss
	// failed); the maps after it were not started.
	Results []*Result
	// Tiles is the number of tiles per map (1 at patch size); TileOrigins
	// their corners.
	Tiles       int
	TileOrigins [][2]int
	// Window is the training window applied to each tile (nil: none; the
	// tiles of models of periodic components enter as their periodic
	// components when Size is above the patch size, see SampleComponent).
	Window []float64
	// PSTargets[b] is the log power spectrum per bin (then, for models with
	// ps_corner_log, the log corner power of NewPSOpCorner) matched by map b's
	// power-spectrum term (nil without it).
	PSTargets [][]float64
	// PSOuterTargets[b] is the log power of the corner's outer ring
	// (NewPSOpOuterCorner) matched by map b's outer-ring term (nil without
	// it: models without ps_corner_rings).
	PSOuterTargets []float64
}

// SampleComponent synthesises maps from component k of the models: for each
// map it draws a target statistic t (opt.Draw) and minimises
//
//	ℒ(x) = Σ_tiles Σ_c W_c |Φ_c(w(x[tile])) − t_c|² / T,   W_c = 1/(K' σ_c²)
//
// with L-BFGS (infer.Minimize, one run per map), where Φ is the models'
// statistic on patch_size² maps (stats.BuildStored with the stored
// reference), σ_c the model's std of coefficient c (coefficients with σ_c ≤
// StdFloor·max σ are masked; K' counts the others), w the training window
// (ModelSet.tileOp: the Tukey window, or, for models of periodic components,
// Window "moisan", the tile's periodic component p when Size is above the
// patch size; a patch-size map is matched as drawn, a stand-in for a
// training patch) and T the number of tiles (1 when Size is the patch
// size), plus the optional power-spectrum term (SampleOptions.PSWeight,
// through the same w). Starting maps come
// from infer.InitialMaps with a reference map that carries the cluster's
// power spectrum and pixel moments. On cancellation or divergence the maps
// done so far (and the current one) are returned with the error.
//
// Models of a non-periodic statistic (stats.Spec Pad "crop") are sampled
// the same way, on purpose. Their GRF start needs no Hann apodisation
// (InitialMapsApodised, which synth --pad crop uses on a cut target): its
// reference is a periodic Gaussian field drawn from the cluster's
// isotropic spectrum, without border jump or axis cross (interior
// axis/off-axis power of the starts 1.13 against 1.21 for the patches, 32²
// cuts of 128² fields P ∝ k⁻³, J = 3). The power-spectrum term stays
// periodic, matched to the patches' periodic spectra, which hold their
// border jump (1.3–2.1× the Hann-apodised power above 3 cycles per patch):
// a sample is to look like such a cut. Tried on two such models (VAE
// trained 20 and 5 epochs; 100 steps, 16 maps a seed), NewPSOpApodised on
// the tiles with targets from the Hann-apodised patches matched the
// apodised spectrum better (0.76–1.10 of the patches' per bin against
// 0.53–1.35) but let the border drift (periodic power 1.1–3.5× the
// patches'), and it changed the interior axis/off-axis power either way:
// 1.46 against 1.26 and 2.24 against 1.71 (8 maps) on the first model,
// 1.37 against 1.68 (mean of 4 seeds, each lower) on the second; the
// patches have 1.21–1.25. It would also need the training patches at
// sampling time (the models store periodic spectra only).
//
// The targets follow the component's moments over all its training
// patches. A cluster that holds a few patches of another family (the
// report's training_spectrum_outliers, SpectrumOutliers) has a σ, decoded
// draws and spectrum targets of the mixture: 2 dust patches among 128 64²
// Quijote ones gave log P00(j = 0) draws up to 2.7 below the mean
// (σ 1.18), samples with 6–11 % of the patches' power at k = 16–32 (smooth
// or striped maps) and yet a statistic distance of 0.81 (0.84 for the
// patches); the model mean without the scatter gave Quijote-like maps
// (power 0.86–0.89× per bin, the mean log spectrum pulled down by the 2).
// Recluster, or make the dataset without them.
//
// A nil engine or model set, a component k the models do not have, a Size
// below the patch size, NaN or infinite StdFloor, PSWeight or BoxWeight, a
// Box with a NaN bound or Lo ≥ Hi or that does not hold the cluster's pixel
// mean, an unknown
// Draw or Init, a component none of whose coefficients has σ_c >
// StdFloor·max σ (the statistic term would be 0), a component without
// pixel variance or power (its starting maps would be constant) and, with
// DrawDecoded, a component without decoded samples are input errors
// (ErrModelInput).
func SampleComponent(ctx context.Context, eng stlayer.Engine, ms *ModelSet, k int, opt SampleOptions) (*SampleResult, error) {
	if eng == nil {
		return nil, inputErrorf("no engine (nil)")
	}
	c, err := ms.Component(k)
	if err != nil {
		return nil, err
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"std floor", opt.StdFloor}, {"power-spectrum weight", opt.PSWeight}, {"box weight", opt.BoxWeight}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return nil, inputErrorf("sampling: %s %v: want a finite value", v.name, v.v)
		}
	}
	var box *BoxTerm
	if b := opt.Box; b != nil {
		if err := b.check(); err != nil {
			return nil, err
		}
		if mu := c.PixelMoments[0]; mu < b.Lo || mu > b.Hi {
			return nil, inputErrorf("pixel box %v: component %d's training pixels have the mean %.6g, outside it: its samples cannot match its statistics inside the box; widen the box (or give none)", *b, k, mu)
		}
		sd := c.PixelMoments[1]
		if !(sd > 0) || math.IsInf(sd, 0) {
			return nil, inputErrorf("pixel box: component %d's training pixels have the std %g: the penalty's weight has no scale", k, sd)
		}
		w := opt.BoxWeight
		if w <= 0 {
			w = DefaultBoxWeight
		}
		if !b.open() {
			box = &BoxTerm{Box: *b, Weight: w / (sd * sd)}
		}
	}
	if opt.Draw != DrawDecoded && opt.Draw != DrawMean && opt.Draw != DrawNoise {
		return nil, inputErrorf("sampling: unknown draw mode %d (want DrawDecoded, DrawMean or DrawNoise)", int(opt.Draw))
	}
	if opt.Init != InitWhiteNoise && opt.Init != InitGRF {
		return nil, inputErrorf("sampling: unknown initialisation %d (want InitWhiteNoise or InitGRF)", int(opt.Init))
	}
	p := ms.Manifest.PatchSize
	if opt.N <= 0 {
		opt.N = 1
	}
	if opt.Size == 0 {
		opt.Size = p
	}
	if opt.Size < p {
		return nil, inputErrorf("map size %d is smaller than the models' patch size %d (the statistic is defined on %d² maps)", opt.Size, p, p)
	}
	if opt.StdFloor <= 0 {
		opt.StdFloor = 1e-9
	}
	if opt.PSWeight == 0 {
		opt.PSWeight = 10
	}
	base, err := ms.Op()
	if err != nil {
		return nil, err
	}
	window := ms.Window()
	op, err := ms.tileOp(base, opt.Size, opt.Size, opt.Stride)
	if err != nil {
		return nil, err
	}
	var statOp StatOp = op
	if op.Tiles() == 1 && window == nil && op.periodic == nil {
		statOp = base
	}
	T := op.Tiles()
	w := modelWeights(c.CoeffStd, opt.StdFloor, nil)
	if !slices.ContainsFunc(w, func(v float64) bool { return v > 0 }) {
		return nil, inputErrorf("component %d: no coefficient has a std above %g × the largest (every one would be masked)", k, opt.StdFloor)
	}
	wt := make([]float64, 0, T*len(w))
	for t := 0; t < T; t++ {
		for _, v := range w {
			wt = append(wt, v/float64(T))
		}
	}
	var psOp StatOp
	var psW []float64
	// corner: the term also matches the corner power (see PSWeight)
	corner := opt.PSWeight > 0 && len(c.PSCornerLog) == 2 && len(c.PS) > 0
	if opt.PSWeight > 0 {
		base := NewPSOp(p, p)
		if corner {
			base = NewPSOpCorner(p, p)
		}
		pt, err := ms.tileOp(base, opt.Size, opt.Size, opt.Stride)
		if err != nil {
			return nil, err
		}
		psOp = pt
		nb := len(c.PS)
		for t := 0; t < T; t++ {
			for i := 0; i < nb; i++ {
				psW = append(psW, opt.PSWeight/float64(nb*T))
			}
			if corner {
				psW = append(psW, cornerPSWeight*opt.PSWeight/float64(nb*T))
			}
		}
	}
	// outerOp: the corner's outer ring (see PSWeight), half the corner's
	// weight (with the full weight the two terms competed early on: 32²
	// samples were 0.32 off the corner target after 80 steps)
	var outerOp StatOp
	var outerW []float64
	if corner && opt.OuterRing && len(c.PSCornerRings) == 4 {
		ot, err := ms.tileOp(NewPSOpOuterCorner(p, p), opt.Size, opt.Size, opt.Stride)
		if err != nil {
			return nil, err
		}
		outerOp = ot
		for t := 0; t < T; t++ {
			outerW = append(outerW, cornerPSWeight/2*opt.PSWeight/float64(len(c.PS)*T))
		}
	}
	res := &SampleResult{Maps: stlayer.NewMaps(opt.N, opt.Size, opt.Size), Weight: w, Tiles: T, TileOrigins: op.Origins(), Window: window}
	rng := rand.New(rand.NewPCG(opt.Seed, 0xd4a3))
	var scatter []float64
	if psOp != nil && !opt.NoPSScatter {
		scatter = ms.psScatter(c)
	}
	srng := rand.New(rand.NewPCG(opt.Seed, 0x5ca7))
	ref := componentReferenceMap(c, p, opt.Size, opt.Seed)
	if _, sd, _, _ := Moments(ref.Data); !(sd > 0) || math.IsInf(sd, 0) {
		return nil, inputErrorf("component %d: the starting maps would be constant (pixel std %g, power spectrum %v): constant training patches?", k, c.PixelMoments[1], c.PS)
	}
	// start returns map b's starting map. A GRF start takes the Fourier
	// amplitudes of a Gaussian field of its own (seed Seed + b·φ; map 0's is
	// ref), so the N maps do not share one realisation of the spectrum; a
	// white-noise start reads only ref's mean and std.
	start := func(b int) (*stlayer.Maps, error) {
		seed := opt.Seed + uint64(b)*0x9e3779b97f4a7c15
		rb := ref
		if opt.Init == InitGRF && b > 0 {
			rb = componentReferenceMap(c, p, opt.Size, seed)
		}
		x0, err := InitialMaps(opt.Init, rb, 1, seed)
		if err == nil && opt.Box != nil {
			opt.Box.clip(x0.Data)
		}
		return x0, err
	}
	d := ms.Manifest.Features.Dim
	for b := 0; b < opt.N; b++ {
		var x []float64
		switch opt.Draw {
		case DrawMean:
			x = c.Mean
		case DrawNoise:
			x = make([]float64, d)
			for j := range x {
				x[j] = c.Mean[j] + c.Std[j]*rng.NormFloat64()
			}
		default:
			if c.S == 0 || len(c.Samples) < c.S*d {
				return nil, inputErrorf("component %d has no decoded samples to draw from (draw mode decoded; mean or noise need none)", k)
			}
			i := rng.IntN(c.S)
			x = c.Samples[i*d : (i+1)*d]
		}
		t := ms.Coefficients(x)
		res.Targets = append(res.Targets, t)
		tt := make([]complex128, 0, T*len(t))
		for i := 0; i < T; i++ {
			tt = append(tt, t...)
		}
		loss := &Loss{Engine: eng, Terms: []*Term{{Name: fmt.Sprintf("model %d", k), Op: statOp, Target: tt, Weight: wt, Scale: 1}}}
		if psOp != nil {
			lp := ms.psTarget(c, x)
			if nb := len(lp); corner {
				// the corner modes, shifted as the last bin (not scattered:
				// they are many, their log power varies little)
				lp = append(lp, c.PSCornerLog[0]+lp[nb-1]-c.PSLogMean[nb-1])
				if outerOp != nil {
					lo := c.PSCornerRings[2] + lp[nb-1] - c.PSLogMean[nb-1]
					res.PSOuterTargets = append(res.PSOuterTargets, lo)
					ot := make([]complex128, T)
					for i := range ot {
						ot[i] = complex(lo, 0)
					}
					loss.Terms = append(loss.Terms, &Term{Name: "power spectrum, outer corner", Op: outerOp, Target: ot, Weight: outerW, Scale: 1})
				}
			}
			for i := range scatter {
				lp[i] += scatter[i] * srng.NormFloat64()
			}
			res.PSTargets = append(res.PSTargets, lp)
			pt := make([]complex128, 0, T*len(lp))
			for i := 0; i < T; i++ {
				for _, v := range lp {
					pt = append(pt, complex(v, 0))
				}
			}
			loss.Terms = append(loss.Terms, &Term{Name: "power spectrum", Op: psOp, Target: pt, Weight: psW, Scale: 1})
		}
		if box != nil {
			loss.Pixel = append(loss.Pixel, box)
		}
		x0, err := start(b)
		if err != nil {
			return nil, err
		}
		cfg := opt.SynthConfig
		if cfg.Progress != nil {
			bb := b
			inner := cfg.Progress
			cfg.Progress = func(pr Progress) { pr.Run = bb; inner(pr) }
		}
		r, err := Minimize(ctx, loss, x0, cfg)
		if r != nil {
			res.Results = append(res.Results, r)
			copy(res.Maps.Map(b), r.Maps.Data)
		} else if err != nil {
			// the map that stopped has its entry (no iteration, no maps), so
			// that Results[len−1] is always the map where an error stopped
			res.Results = append(res.Results, &Result{Status: "failed", InitialLoss: math.NaN(), Loss: math.NaN()})
		}
		if err != nil {
			// keep the maps not reached at their starting point
			for bb := b + 1; bb < opt.N; bb++ {
				if x0, e := start(bb); e == nil {
					copy(res.Maps.Map(bb), x0.Data)
				}
			}
			return res, err
		}
	}
	return res, nil
}

// psTarget returns the log power spectrum per half-octave bin (the bins of
// the stored cluster spectrum, i.e. of PSOp on patches) that a patch of
// statistic x (features) should have: the mean over the cluster's patches of
// their log spectrum (ps_logmean) plus Δ(k), Δ interpolated (linearly in
// log k, constant beyond the ends) between the wavelet centres f_j =
// 3/8·2^−j cycles per pixel with Δ_j = ⟨log P00(j, ·)⟩_x − ⟨log P00(j, ·)⟩
// of the cluster's patches (data_mean; the model mean without patches),
// averages over orientations, logs taken for raw P00. Without P00
// coefficients Δ = 0.
func (ms *ModelSet) psTarget(c *ComponentModel, x []float64) []float64 {
	lab := ms.Labels()
	p := float64(ms.Manifest.PatchSize)
	logs := ms.Manifest.Spec.Synthesis
	sum := map[int]float64{}
	cnt := map[int]int{}
	for f, col := range ms.Manifest.Features.Columns {
		if col.Part != "re" || lab.Class[col.Coeff] != "P00" {
			continue
		}
		j := lab.Get(col.Coeff, "j1")
		ref := c.Mean
		if len(c.DataMean) == len(x) {
			ref = c.DataMean
		}
		a, b := x[f], ref[f]
		if !logs {
			if a <= 0 || b <= 0 {
				continue
			}
			a, b = math.Log(a), math.Log(b)
		}
		sum[j] += a - b
		cnt[j]++
	}
	var lf, dl []float64 // log2 f_j increasing, Δ_j
	for j := ms.Manifest.Spec.J - 1; j >= 0; j-- {
		if cnt[j] > 0 {
			lf = append(lf, math.Log2(3.0/8)-float64(j))
			dl = append(dl, sum[j]/float64(cnt[j]))
		}
	}
	out := make([]float64, len(c.PS))
	for b, lps := range c.PSLogMean {
		delta := 0.0
		if len(lf) > 0 {
			l := math.Log2(c.PSK[b] / p)
			switch {
			case l <= lf[0]:
				delta = dl[0]
			case l >= lf[len(lf)-1]:
				delta = dl[len(dl)-1]
			default:
				i := sort.SearchFloat64s(lf, l)
				t := (l - lf[i-1]) / (lf[i] - lf[i-1])
				delta = dl[i-1] + t*(dl[i]-dl[i-1])
			}
		}
		out[b] = lps + delta
	}
	return out
}

// psScatter returns s_b = sqrt(max(0, ps_logstd_b² − u_b)) per spectrum bin,
// u_b the variance (ddof 1) of psTarget over the component's decoded samples
// (see SampleOptions.NoPSScatter); nil without ps_logstd.
func (ms *ModelSet) psScatter(c *ComponentModel) []float64 {
	if len(c.PSLogStd) != len(c.PS) || len(c.PS) == 0 {
		return nil
	}
	d := ms.Manifest.Features.Dim
	nb := len(c.PS)
	m, v := make([]float64, nb), make([]float64, nb)
	S := 0
	if c.S >= 2 && len(c.Samples) >= c.S*d {
		S = c.S
	}
	for i := 0; i < S; i++ {
		t := ms.psTarget(c, c.Samples[i*d:(i+1)*d])
		for b := range t {
			m[b] += t[b]
			v[b] += t[b] * t[b]
		}
	}
	out := make([]float64, nb)
	for b := range out {
		u := 0.0
		if S >= 2 {
			mb := m[b] / float64(S)
			u = math.Max(0, v[b]/float64(S)-mb*mb) * float64(S) / float64(S-1)
		}
		out[b] = math.Sqrt(math.Max(0, c.PSLogStd[b]*c.PSLogStd[b]-u))
	}
	return out
}

// componentReferenceMap returns a size×size map carrying the component's
// power spectrum (interpolated from the patch spectrum, a power law beyond
// the last bin: referenceSpectrumGrid) and pixel mean/std, to serve as
// InitialMaps' reference.
func componentReferenceMap(c *ComponentModel, p, size int, seed uint64) *stlayer.Maps {
	pg := referenceSpectrumGrid(c, p, size, size)
	x := fieldWithSpectrum(pg, size, size, c.PixelMoments[0], c.PixelMoments[1], seed, 0x7e7)
	return &stlayer.Maps{B: 1, M: size, N: size, Data: x}
}

// ClusterPatches returns the training patches assigned to component k, read
// from the dataset folder (the models' source dataset when dataset is ""),
// at most maxN of them (≤ 0: all), evenly spread over the cluster's list. A
// dataset that cannot be read (a model folder copied without it) is an
// input error that names the dataset wanted and its fingerprint.
func (ms *ModelSet) ClusterPatches(k int, dataset string, maxN int) (*stlayer.Maps, error) {
	c, err := ms.Component(k)
	if err != nil {
		return nil, err
	}
	if dataset == "" {
		dataset = ms.Manifest.Source.Dataset
	}
	if dataset == "" {
		return nil, inputErrorf("the models do not record their dataset; give the dataset folder")
	}
	man, err := datasets.ReadManifest(dataset)
	if err != nil {
		// A model folder copied without its dataset: say what the dataset is
		// for and which one is wanted, not only "manifest.json: not found".
		whose := "the dataset recorded in the models' manifest (source.dataset)"
		if dataset != ms.Manifest.Source.Dataset {
			whose = "the dataset given"
		}
		fp := ""
		if f := ms.Manifest.Source.DatasetFingerprint; f != "" {
			fp = ", fingerprint " + f
		}
		return nil, inputErrorf("the training patches of component %d are read from %s, %s: %v; give the folder of the dataset the models were exported from (a copy, or its new location%s)", k, whose, dataset, err, fp)
	}
	if ms.Manifest.Source.DatasetFingerprint != "" && man.Fingerprint != ms.Manifest.Source.DatasetFingerprint {
		return nil, inputErrorf("%s: dataset fingerprint %s, the models were exported from %s", dataset, man.Fingerprint, ms.Manifest.Source.DatasetFingerprint)
	}
	if len(c.PatchIndex) == 0 {
		return nil, inputErrorf("component %d has no training patch assigned", k)
	}
	a, err := datasets.ReadNPY(filepath.Join(dataset, "patches.npy"))
	if err != nil {
		return nil, asInput(err)
	}
	// Strings and complex values have no Float64 data: the copies below
	// would slice a nil slice.
	if a.IsString() || a.IsComplex() {
		what := "complex values"
		if a.IsString() {
			what = "strings (numpy '<U')"
		}
		return nil, inputErrorf("%s: patches.npy holds %s of shape %v, want the real pixels `stkit patches` writes (rebuild the dataset with `stkit patches`)", dataset, what, a.Shape)
	}
	p := ms.Manifest.PatchSize
	if len(a.Shape) != 3 || a.Shape[1] != p || a.Shape[2] != p {
		return nil, inputErrorf("%s: patches.npy has shape %v, want [n, %d, %d]", dataset, a.Shape, p, p)
	}
	idx := c.PatchIndex
	if maxN > 0 && len(idx) > maxN {
		idx = clusterPatchRows(idx, maxN)
	}
	out := stlayer.NewMaps(len(idx), p, p)
	for j, i := range idx {
		if i < 0 || i >= a.Shape[0] {
			return nil, inputErrorf("%s: patch index %d out of range (%d patches)", dataset, i, a.Shape[0])
		}
		copy(out.Map(j), a.Float64[i*p*p:(i+1)*p*p])
	}
	return out, nil
}

// clusterPatchRows returns the dataset rows of ClusterPatches' selection
// of n patches from a cluster's rows idx: all of them when n = len(idx),
// else idx[⌊i·len(idx)/n⌋] for i < n (evenly spread); nil when n < 1 or
// n > len(idx).
func clusterPatchRows(idx []int, n int) []int {
	if n < 1 || n > len(idx) {
		return nil
	}
	sel := make([]int, n)
	for i := range sel {
		sel[i] = idx[int(math.Floor(float64(i)*float64(len(idx))/float64(n)))]
	}
	return sel
}

// SampleTiles returns the patch-size tiles of sampled maps that a report
// compares with the training patches, map by map, row-major: tiles at
// multiples of the patch size (TileOrigins with stride p), plus a last
// one flush with the bottom/right edge when the size is not a multiple of
// p (it then overlaps its neighbour), with the training window applied,
// or, for models of periodic components (Window "moisan") and maps larger
// than the patch, each tile replaced by its periodic component, as
// SampleComponent's statistic sees it (a patch-size map is the sample
// itself: see ModelSet.tileOp).
func (ms *ModelSet) SampleTiles(maps *stlayer.Maps) *stlayer.Maps {
	p := ms.Manifest.PatchSize
	var origins [][2]int
	for _, r := range TileOrigins(maps.M, p, p) {
		for _, c := range TileOrigins(maps.N, p, p) {
			origins = append(origins, [2]int{r, c})
		}
	}
	t := cutTiles(maps, origins, p, ms.Window())
	if ms.periodicTiles() && (maps.M != p || maps.N != p) {
		periodicTilesInPlace(t)
	}
	return t
}

// StatChi summarises how well patch-size maps match a component model: for
// each map (a tile, windowed as the training patches when they were: see
// SampleTiles), the RMS over the kept coefficients (modelWeights) of
// (Φ_c − μ_c)/σ_c, μ and σ the model's mean and std. It returns the per-map
// values and their mean. A draw of the model's own process gives about 1.
//
// A nil engine, model set or component, a component without one mean and
// std per coefficient of the models' statistic, and tiles that are nil,
// empty, of another size than the patch or whose Data length is not B·M·N
// are input errors (ErrModelInput).
func StatChi(eng stlayer.Engine, ms *ModelSet, c *ComponentModel, tiles *stlayer.Maps) ([]float64, float64, error) {
	op, err := ms.Op()
	if err != nil {
		return nil, 0, err
	}
	nc := ms.Manifest.NCoeffs
	if eng == nil || c == nil || len(c.CoeffMean) != nc || len(c.CoeffStd) != nc {
		return nil, 0, inputErrorf("statistic distance: no engine, or no component model of the %d coefficients of the models", nc)
	}
	if err := checkMaps("tiles", tiles, 0); err != nil {
		return nil, 0, err
	}
	if p := ms.Manifest.PatchSize; tiles.M != p || tiles.N != p {
		return nil, 0, inputErrorf("statistic distance: tiles are %d×%d, the models' patch size is %d", tiles.M, tiles.N, p)
	}
	co, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), tiles, 0, nil)
	if err != nil {
		return nil, 0, shapeAsInput(err)
	}
	w := modelWeights(c.CoeffStd, 1e-9, nil)
	chi := make([]float64, co.B)
	sum := 0.0
	for b := 0; b < co.B; b++ {
		s, n := 0.0, 0
		for i, v := range co.Row(b) {
			if w[i] == 0 {
				continue
			}
			d := v - c.CoeffMean[i]
			s += (real(d)*real(d) + imag(d)*imag(d)) / (c.CoeffStd[i] * c.CoeffStd[i])
			n++
		}
		chi[b] = math.Sqrt(s / float64(max(1, n)))
		sum += chi[b]
	}
	return chi, sum / float64(max(1, co.B)), nil
}

// modelWeights returns the whitening weights W_c = 1/(K' σ_c²) of a model
// term, so that it is the mean of (ΔΦ_c/σ_c)² over the K' kept coefficients:
// coefficient c is kept when keep is nil or keep[c], and σ_c > floor · max σ
// (over the kept ones); the others get W_c = 0 (a coefficient that does not
// vary in the model carries no usable scale).
func modelWeights(std []float64, floor float64, keep []bool) []float64 {
	mx := 0.0
	for c, s := range std {
		if keep == nil || keep[c] {
			mx = math.Max(mx, s)
		}
	}
	w := make([]float64, len(std))
	n := 0
	for c, s := range std {
		if (keep == nil || keep[c]) && s > floor*mx && s > 0 {
			w[c] = 1 / (s * s)
			n++
		}
	}
	for c := range w {
		w[c] /= float64(max(1, n))
	}
	return w
}

// cornerPSWeight is the weight of the corner-power target of SampleComponent's
// power-spectrum term relative to a bin's: enough to remove excess corner
// power (192² samples of a Quijote cluster: the same corner power with 0.3
// and with 1), while the statistic fit of the test models' 32² samples
// degrades less (RMS (Φ − t)/σ 0.63/0.77 against 0.68/0.85 at 1 and
// 0.56/0.69 without the corner).
const cornerPSWeight = 0.3
