package infer

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// AnisotropyNoise returns, per scale j = 0…J−1 of spec (defaults filled
// in, as for stats.AnisotropyRows), the rms and the bias of the anisotropy
// amplitude A_j (stats.AnisotropyFromCoeffs) of the power statistic S11
// for an isotropic Gaussian field with the spectrum of the M×N map q
// (q + i·u for complex data; u nil for a real map). Writing
// S11(j, l) ∝ Σ_k |x̂(k)|²·|ψ̂_{j,l}(k)|² with independent modes (|x̂(k)|²
// exponential of mean P(|k|), the map's IsoPowerSpectrum; x̂(−k) = conj x̂(k)
// for real maps) and φ_l from stats.OrientationDirections,
//
//	W(k) = Σ_l |ψ̂_{j,l}(k)|²·e^{2iφ_l},   V(k) = Σ_l |ψ̂_{j,l}(k)|²
//	bias = |Σ_k P·W| / Σ_k P·V                    (the grid's own anisotropy)
//	rms² = ½ Σ_k P²·|W(k) + W(−k)|² / (Σ_k P·V)²   (real maps; Σ_k P²|W|² for complex z)
//
// rms ≈ 1/√N_j, N_j the effective number of independent modes of band j:
// it grows by 2 per j upward and halves with each halving of the map side.
// The wavelets are those of the family on its per-scale crop
// (filters.Crops): bump-steerable for wph, Cheng's Morlet for wst and scov
// (the Kymatio Morlets of wst --local have the same angular windows). With
// Pad "crop" the means run over (M−2c)(N−2c) pixels (c the spec's cut in
// pixels) and rms is scaled by √(MN/((M−2c)(N−2c))). For the amplitude statistic
// S1 = ⟨|x⋆ψ|⟩ both are halved (δS1/S1 ≈ ½ δS11/S11 to leading order for
// Gaussian fields): MapAnisotropy does that. Nil for a map without
// spectrum bins.
func AnisotropyNoise(spec stats.Spec, q, u []float64, M, N int) (rms, bias []float64) {
	nl := spec.L
	if spec.Complex {
		nl = 2 * spec.L
	}
	phi := stats.OrientationDirections(spec, nl)
	ps := IsoPowerSpectrum(q, M, N)
	if len(ps.P) == 0 {
		return nil, nil
	}
	pw := slices.Clone(ps.P)
	if u != nil {
		pu := IsoPowerSpectrum(u, M, N)
		for i := range pw {
			if i < len(pu.P) {
				pw[i] += pu.P[i]
			}
		}
	}
	sz := float64(min(M, N))
	powerAt := func(fa, fb int) float64 {
		k := math.Hypot(float64(fa)*sz/float64(M), float64(fb)*sz/float64(N))
		for i := len(ps.Edges) - 2; i >= 0; i-- {
			if k >= ps.Edges[i] {
				return pw[i]
			}
		}
		return pw[0]
	}
	crops := filters.Crops(M, N, spec.J)
	e2 := make([]complex128, nl)
	for l := range e2 {
		e2[l] = cmplx.Exp(complex(0, 2*phi[l]))
	}
	area := 1.0
	if c := spec.CutPixels(); c > 0 && 2*c < min(M, N) {
		area = float64(M*N) / float64((M-2*c)*(N-2*c))
	}
	for j := 0; j < spec.J; j++ {
		h, w := crops[j][0], crops[j][1]
		var fb *stlayer.FilterBank
		if spec.Kind == stats.WPH {
			fb = filters.BumpSteerableBand(M, N, j, spec.L, h, w)
		} else {
			fb = filters.MorletChengBand(M, N, j, spec.L, h, w)
		}
		W := make([]complex128, h*w)
		var sumPV, sumPW float64
		var zPW complex128
		P := make([]float64, h*w)
		for a := 0; a < h; a++ {
			fa := freq(a, h)
			for bcol := 0; bcol < w; bcol++ {
				fbq := freq(bcol, w)
				p := a*w + bcol
				if fa == 0 && fbq == 0 {
					continue
				}
				P[p] = powerAt(fa, fbq)
				var v float64
				var z complex128
				for l := 0; l < nl; l++ {
					var g float64
					if l < spec.L {
						g = fb.Filter(l)[p]
					} else { // ψ̂_{θ+π}(k) = ψ̂_θ(−k) (filters.BumpSteerableFull)
						g = fb.Filter(l - spec.L)[((h-a)%h)*w+(w-bcol)%w]
					}
					g *= g
					v += g
					z += complex(g, 0) * e2[l]
				}
				W[p] = z
				sumPV += P[p] * v
				zPW += complex(P[p], 0) * z
			}
		}
		for a := 0; a < h; a++ {
			for bcol := 0; bcol < w; bcol++ {
				p := a*w + bcol
				if u != nil {
					sumPW += P[p] * P[p] * anisoSqAbs(W[p])
				} else {
					g := W[p] + W[((h-a)%h)*w+(w-bcol)%w]
					sumPW += 0.5 * P[p] * P[p] * anisoSqAbs(g)
				}
			}
		}
		if sumPV <= 0 {
			rms, bias = append(rms, 0), append(bias, 0)
			continue
		}
		rms = append(rms, math.Sqrt(sumPW*area)/sumPV)
		bias = append(bias, cmplx.Abs(zPW)/sumPV)
	}
	return rms, bias
}

// anisoScalesMatch refuses (ErrModelInput) a spec whose J or number of
// orientations is not that of the labels lab: the per-orientation rows of
// the anisotropy class (stats.AnisotropyRows' S1, logS1 or S11) must run
// over j1 = 0…J−1 and l1 = 0…L−1 (2L−1 for complex wph). Without it a
// spec of smaller J silently dropped the labels' largest scales, one of
// larger J gave fewer scales than asked, and one of other L read the
// orientations at the wrong angles (L = 2 on L = 4 coefficients: A_0 =
// 0.026 for 0.016) or found none. Nil labels and statistics without such
// rows pass (stats.AnisotropyFromCoeffs says why).
func anisoScalesMatch(spec stats.Spec, lab *stlayer.Labels) error {
	_, class, _, err := stats.AnisotropyRows(spec, lab)
	if err != nil {
		return nil
	}
	nl := spec.L
	if spec.Complex {
		nl = 2 * spec.L
	}
	labJ, labL := 0, 0
	for i := 0; i < lab.Len(); i++ {
		if lab.Class[i] == class && lab.Has(i, "j1") && lab.Has(i, "l1") {
			labJ, labL = max(labJ, lab.Get(i, "j1")+1), max(labL, lab.Get(i, "l1")+1)
		}
	}
	if labJ == spec.J && labL == nl {
		return nil
	}
	what := fmt.Sprintf("L = %d", spec.L)
	if spec.Complex {
		what = fmt.Sprintf("L = %d (%d orientations over [0, 2π) for complex data)", spec.L, nl)
	}
	return inputErrorf("anisotropy: the spec has J = %d, %s, but the coefficients' labels have %s rows over %d scales (j1 = 0…%d) and %d orientations (l1 = 0…%d): give the spec that computed the coefficients (its J and L, defaults filled in for the maps' size: stats.Spec.WithDefaults)",
		spec.J, what, class, labJ, labJ-1, labL, labL-1)
}

func anisoSqAbs(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

// MapAnisotropy returns the anisotropy of each map of maps at each scale
// (stats.AnisotropyFromCoeffs on c, the coefficients of spec's operator on
// maps, whose rows lab describes) with its noise floor filled in
// (stats.AnisotropyScale): the rms and the bias from AnisotropyNoise with
// map b's own spectrum (imag: the imaginary parts of complex data, else
// nil), halved for the amplitude statistic S1; the floor = bias +
// √(ln 20)·rms, which |Z| of an isotropic Gaussian field (about Rayleigh)
// exceeds in about 5 % of maps per scale; significant: the amplitude is
// above the floor. The floor assumes
// Gaussian statistics: non-Gaussian maps (filaments, point sources)
// fluctuate more, so a value just above it is weak evidence. spec must have
// its defaults filled in for the maps' size (stats.AnisotropyRows) and
// be the spec that computed c: a J or L other than that of lab's
// per-orientation rows is an input error (ErrModelInput). Statistics
// without per-orientation first-order coefficients give an error wrapping
// stats.ErrNoAnisotropy. maps (and imag) must hold the c.B maps whose
// coefficients c are, one per row of c: a different number of maps (or of
// imaginary parts, or a shape differing from maps') is an input error
// (ErrModelInput), since each map's noise floor comes from its own
// spectrum. maps nil leaves every noise floor and rms 0 (nothing
// significant).
func MapAnisotropy(spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, maps, imag *stlayer.Maps) (*stats.AnisotropySummary, error) {
	if c != nil && maps != nil && maps.B != c.B {
		return nil, inputErrorf("anisotropy: %d maps for the coefficients of %d: the noise floor of each map needs the map itself", maps.B, c.B)
	}
	if maps != nil && imag != nil && (imag.B != maps.B || imag.M != maps.M || imag.N != maps.N) {
		return nil, inputErrorf("anisotropy: the imaginary parts are %d maps of %d×%d for %d maps of %d×%d", imag.B, imag.M, imag.N, maps.B, maps.M, maps.N)
	}
	if err := anisoScalesMatch(spec, lab); err != nil {
		return nil, err
	}
	s, err := stats.AnisotropyFromCoeffs(spec, lab, c)
	if err != nil {
		return nil, err
	}
	for b := range s.Maps {
		if maps == nil || b >= maps.B {
			break
		}
		var u []float64
		if imag != nil {
			u = imag.Map(b)
		}
		rms, bias := AnisotropyNoise(spec, maps.Map(b), u, maps.M, maps.N)
		for i := range s.Maps[b] {
			e := &s.Maps[b][i]
			if e.J >= len(rms) {
				continue
			}
			e.NoiseRMS, e.NoiseFloor = rms[e.J], bias[e.J]+math.Sqrt(math.Log(20))*rms[e.J]
			if !s.Power {
				e.NoiseRMS, e.NoiseFloor = e.NoiseRMS/2, e.NoiseFloor/2
			}
			e.Significant = e.Amplitude > e.NoiseFloor
		}
	}
	return s, nil
}
