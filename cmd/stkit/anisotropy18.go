package main

import (
	"fmt"
	"io"
	"math"
	"math/cmplx"
	"slices"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Anisotropy summary of stats: the direction and amplitude of the map's
// anisotropy per scale, from the per-orientation first-order coefficients
// the run computed (wst, scov: S1(j, l) = ⟨|x⋆ψ_{j,l}|⟩; wph: S11(j, l) =
// ⟨|x⋆ψ_{j,l}|²⟩ at τ = 0).
//
// For scale j, with φ_l the direction of wavelet l's wave vector in ONE
// convention for every family (anisoMeasuredFrom: from the column axis
// toward the row axis; φ_l = θ_l for wph, φ_l = 90° − θ_l for the Morlet
// families, θ_l the config's orientation.theta_deg),
//
//	A_j·e^{2iψ_j} = Σ_l S(j, l)·e^{2iφ_l} / Σ_l S(j, l)
//
// (the second circular harmonic of S over the orientations l = 0…L−1,
// spanning [0°, 180°)): A_j ∈ [0, 1] is the amplitude, ψ_j ∈ [0°, 180°) the
// direction of the wave vector of maximum response; the structures (stripes,
// filaments) run along ψ_j + 90°. A single plane wave does not give A = 1:
// the wavelets' angular windows overlap, so A_j of a pure stripe pattern is
// the filters' harmonic-2 response (measured at j = 1 on 64² maps: Morlet
// S1 0.52 at L = 4, 0.72 at L = 8; bump S11 0.80, 0.875). Complex WPH (z = Q + iU, 2L
// orientations over [0°, 360°)): the sum runs over all 2L; l and l + L have
// the same e^{2iφ}, so A_j, ψ_j describe the total power of z at ±k (its
// axis of anisotropy); the first harmonic (power at k against −k, which only
// complex fields have) is not reported.
//
// Noise floor: an isotropic field gives A_j > 0 from the finite number of
// Fourier modes in band j. For an isotropic Gaussian field with the map's
// own azimuthally averaged power spectrum P(|k|) (infer.IsoPowerSpectrum),
// writing S11(j, l) ∝ Σ_k |x̂(k)|²·|ψ̂_{j,l}(k)|² with independent modes
// (|x̂(k)|² exponential of mean P; x̂(−k) = conj x̂(k) for real maps),
//
//	W(k) = Σ_l |ψ̂_{j,l}(k)|²·e^{2iφ_l},   V(k) = Σ_l |ψ̂_{j,l}(k)|²
//	bias = |Σ_k P·W| / Σ_k P·V                  (the grid's own anisotropy)
//	rms² = ½ Σ_k P²·|W(k) + W(−k)|² / (Σ_k P·V)²  (real maps; Σ_k P²|W|² for complex z)
//
// and for the amplitude statistics (S1 = ⟨|x⋆ψ|⟩) both are halved (δS1/S1 ≈
// ½ δS11/S11 to leading order for Gaussian fields). The floor is bias +
// √(ln 20)·rms: |Z| of an isotropic field is about Rayleigh, so it exceeds
// the floor in about 5 % of maps (per scale). rms ≈ 1/√N_j, N_j the
// effective number of independent modes of band j: it grows by 2 per j
// upward and halves with each halving of the map side. With --pad crop the
// means run over (M−2c)(N−2c) pixels and rms is scaled by √(MN/((M−2c)(N−2c))).
// The floor assumes Gaussian statistics; non-Gaussian maps (filaments, point
// sources) fluctuate more, so a value just above the floor is weak evidence.
// wst --local: S1 is the local S1 averaged over its 2^J-pixel grid; its
// reflect padding mirrors the field at the map's edges, which pulls ψ toward
// the axes (by 4° for a 64² map at J = 3 in the test).

// anisoMeasuredFrom is the axis and sense of direction_deg.
const anisoMeasuredFrom = "column axis (axis 1, x), toward the row axis (axis 0): counter-clockwise on a map shown with row 0 at the bottom (FITS, origin='lower'), clockwise with row 0 on top (numpy/matplotlib's default origin='upper'); the wph orientation.theta_deg convention, and 90° − theta_deg for wst and scov"

// anisotropyDoc is the JSON's top-level "anisotropy" (anisotropyOf).
type anisotropyDoc struct {
	Doc string `json:"doc"`
	// Class: the coefficients used (S1 of wst and scov, logS1 or the
	// --synthesis S1 exponentiated; S11 at τ = 0 for wph).
	Class        string `json:"class"`
	MeasuredFrom string `json:"measured_from"`
	// Sky: the frame of each scale's position_angle_deg where MAP's FITS
	// header has a celestial WCS, or why there is none (physAnisotropy)
	Sky  *skyFrameDoc   `json:"sky,omitempty"`
	Maps []anisotropyAt `json:"maps"`
}

// anisotropyAt holds the anisotropy of map Map of the batch, one entry per scale.
type anisotropyAt struct {
	Map    int             `json:"map"`
	Scales []anisoScaleDoc `json:"scales"`
}

type anisoScaleDoc struct {
	J int `json:"j"`
	// Amplitude A_j ∈ [0, 1]; DirectionDeg ψ_j ∈ [0, 180): the wave vector
	// of maximum response; StripeDirectionDeg (ψ_j + 90°) mod 180°: the
	// direction the structures run along.
	Amplitude          float64 `json:"amplitude"`
	DirectionDeg       float64 `json:"direction_deg"`
	StripeDirectionDeg float64 `json:"stripe_direction_deg"`
	// PositionAngleDeg: the stripe direction on the sky, east of north
	// (physAnisotropy); absent without a celestial WCS
	PositionAngleDeg *float64 `json:"position_angle_deg,omitempty"`
	// NoiseRMS: the rms of A_j for an isotropic Gaussian field with the
	// map's spectrum; NoiseFloor: bias + √(ln 20)·rms, its 95 % level;
	// Significant: Amplitude > NoiseFloor.
	NoiseRMS    float64 `json:"noise_rms"`
	NoiseFloor  float64 `json:"noise_floor"`
	Significant bool    `json:"significant"`
}

// anisoDocString is the JSON's anisotropy "doc".
const anisoDocString = "per scale j: A_j·e^{2iψ_j} = Σ_l S(j,l)·e^{2iφ_l} / Σ_l S(j,l), the second circular harmonic of the first-order coefficients S (class) over the orientations, φ_l the wave-vector direction of wavelet l as measured_from says. amplitude = A_j in [0, 1] (0: isotropic; a pure stripe pattern gives the wavelets' angular response, 0.52 (S1, L = 4) to 0.88 (S11, L = 8), not 1); direction_deg = ψ_j in [0, 180): the wave vector of maximum response; stripe_direction_deg = ψ_j + 90° mod 180: the direction the structures (stripes, filaments, e.g. dust aligned with the magnetic field) run along. noise_rms: rms of A_j for an isotropic Gaussian field with this map's azimuthally averaged power spectrum (computed from the wavelets and the spectrum, ≈ 1/√(independent modes of band j); halved for the amplitude statistic S1); noise_floor = the grid's own bias + √(ln 20)·noise_rms, exceeded by an isotropic Gaussian field in about 5 % of maps per scale; significant: amplitude > noise_floor (non-Gaussian maps fluctuate more than the floor assumes). Complex data: the sum runs over the 2L orientations of [0°, 360°) (l and l + L weigh the same direction)."

// anisoRows returns, for each scale j and orientation l, the index of the
// coefficient S(j, l) in lab (−1 where none), the class used, whether the
// values are logs, and the number of orientations; why says why there is
// no anisotropy summary for spec (rows nil).
func anisoRows(spec stats.Spec, lab *stlayer.Labels) (rows [][]int, class string, logs bool, nl int, why string) {
	switch {
	case lab == nil:
		return nil, "", false, 0, "no labels"
	case spec.Cross:
		return nil, "", false, 0, "not for cross statistics"
	case spec.Kind == stats.Spectra || spec.Iso:
		return nil, "", false, 0, "the isotropic statistics have no orientation"
	case spec.Kind == stats.WPH && spec.Norm == "auto":
		return nil, "", false, 0, "wph --norm auto divides each S11 by its own reference, which removes the orientation dependence: run without --norm auto"
	}
	nl = spec.L
	if spec.Complex {
		nl = 2 * spec.L
	}
	rows = make([][]int, spec.J)
	for j := range rows {
		rows[j] = make([]int, nl)
		for l := range rows[j] {
			rows[j][l] = -1
		}
	}
	found := 0
	for i := 0; i < lab.Len(); i++ {
		c := lab.Class[i]
		switch {
		case spec.Kind == stats.WPH && c == "S11":
			if (lab.Has(i, "n") && lab.Get(i, "n") != 0) || (lab.Has(i, "pseudo") && lab.Get(i, "pseudo") != 0) {
				continue
			}
		case spec.Kind != stats.WPH && (c == "S1" || c == "logS1"):
		default:
			continue
		}
		if !lab.Has(i, "j1") || !lab.Has(i, "l1") {
			continue
		}
		j, l := lab.Get(i, "j1"), lab.Get(i, "l1")
		if j < 0 || j >= spec.J || l < 0 || l >= nl {
			continue
		}
		if rows[j][l] < 0 {
			found++
		}
		rows[j][l] = i
		class = c
	}
	if found == 0 {
		return nil, "", false, 0, "no per-orientation first-order coefficients"
	}
	// scov --synthesis writes log S1 under the class name S1 (classDoc)
	logs = class == "logS1" || (spec.Kind == stats.SCov && spec.Synthesis)
	return rows, class, logs, nl, ""
}

// anisoPhi returns φ_l in radians for l = 0…nl−1 in the common convention
// (anisoMeasuredFrom): the wph θ_l = l·π/L, and π/2 − θ_l for the Morlet
// families (θ_l from the row axis toward the column axis).
func anisoPhi(spec stats.Spec, nl int) []float64 {
	phi := make([]float64, nl)
	for l := range phi {
		if spec.Kind == stats.WPH {
			phi[l] = float64(l) * math.Pi / float64(spec.L)
		} else {
			phi[l] = math.Pi/2 - filters.MorletTheta(l, spec.L)
		}
	}
	return phi
}

// harmonic2 returns A = |Σ s_l e^{2iφ_l}| / Σ s_l and ψ = arg/2 in degrees
// in [0, 180).
func harmonic2(s, phi []float64) (a, psiDeg float64) {
	var z complex128
	var d float64
	for l, v := range s {
		z += complex(v, 0) * cmplx.Exp(complex(0, 2*phi[l]))
		d += v
	}
	if d <= 0 {
		return 0, 0
	}
	return cmplx.Abs(z) / d, deg180(cmplx.Phase(z) / 2 * 180 / math.Pi)
}

// deg180 reduces an angle in degrees to [0, 180).
func deg180(d float64) float64 {
	d = math.Mod(d, 180)
	if d < 0 {
		d += 180
	}
	if d >= 180-1e-9 {
		d = 0
	}
	return d
}

// anisotropyOf computes the anisotropy summary of the coefficients c of
// maps (imag: the imaginary parts of complex data, else nil) for spec
// (defaults filled in); nil and the reason where spec has no per-orientation
// first-order coefficients. Local WST coefficients are averaged over their
// pixels first.
func anisotropyOf(spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, maps, imag *stlayer.Maps) (*anisotropyDoc, string) {
	rows, class, logs, nl, why := anisoRows(spec, lab)
	if rows == nil {
		return nil, why
	}
	phi := anisoPhi(spec, nl)
	d := &anisotropyDoc{Doc: anisoDocString, Class: class, MeasuredFrom: anisoMeasuredFrom}
	if logs {
		d.Class += " (exponentiated: the values are logs)"
	}
	hw := c.H * c.W
	amplitude := class != "S11" // S1: ⟨|x⋆ψ|⟩, fluctuations half those of the power
	for b := 0; b < c.B; b++ {
		at := anisotropyAt{Map: b}
		var q, u []float64
		q = maps.Map(b)
		if imag != nil {
			u = imag.Map(b)
		}
		rms, bias := anisoNoise(spec, nl, phi, q, u, maps.M, maps.N)
		row := c.Row(b)
		for j := range rows {
			s := make([]float64, nl)
			ok := true
			for l, k := range rows[j] {
				if k < 0 {
					ok = false
					break
				}
				var v float64
				for p := 0; p < hw; p++ {
					v += real(row[k*hw+p])
				}
				v /= float64(hw)
				if logs {
					v = math.Exp(v)
				}
				s[l] = v
			}
			if !ok {
				continue
			}
			a, psi := harmonic2(s, phi)
			e := anisoScaleDoc{J: j, Amplitude: a, DirectionDeg: psi, StripeDirectionDeg: deg180(psi + 90)}
			if j < len(rms) {
				e.NoiseRMS, e.NoiseFloor = rms[j], bias[j]+math.Sqrt(math.Log(20))*rms[j]
				if amplitude {
					e.NoiseRMS, e.NoiseFloor = e.NoiseRMS/2, e.NoiseFloor/2
				}
				e.Significant = a > e.NoiseFloor
			}
			at.Scales = append(at.Scales, e)
		}
		d.Maps = append(d.Maps, at)
	}
	return d, ""
}

// anisoNoise returns per scale j the rms and the bias of the power-statistic
// A_j of an isotropic Gaussian field with the spectrum of the map q (+ i·u
// for complex data, u nil for real maps), M×N, as the file comment gives
// them; wavelets on the family's per-scale crop (filters.Crops), the band
// filters of wph (bump-steerable) or of wst/scov (Cheng's Morlet; the
// Kymatio Morlets of wst --local have the same angular windows).
func anisoNoise(spec stats.Spec, nl int, phi, q, u []float64, M, N int) (rms, bias []float64) {
	ps := infer.IsoPowerSpectrum(q, M, N)
	if len(ps.P) == 0 {
		return nil, nil
	}
	pw := slices.Clone(ps.P)
	if u != nil {
		pu := infer.IsoPowerSpectrum(u, M, N)
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
			fa := fftFreqSigned(a, h)
			for bcol := 0; bcol < w; bcol++ {
				fbq := fftFreqSigned(bcol, w)
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
					sumPW += P[p] * P[p] * sqAbs(W[p])
				} else {
					g := W[p] + W[((h-a)%h)*w+(w-bcol)%w]
					sumPW += 0.5 * P[p] * P[p] * sqAbs(g)
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

func sqAbs(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

// fftFreqSigned is the signed frequency of position a of an axis of length
// h in fftfreq order (a for a < ⌈h/2⌉, a − h above): the frequencies a
// cropped filter (filters.Cropped) holds.
func fftFreqSigned(a, h int) int {
	if a < (h+1)/2 {
		return a
	}
	return a - h
}

// printAnisotropy writes the "# anisotropy" lines of the first map's
// summary below stats' table: one line per scale, and a key line first.
func printAnisotropy(w io.Writer, d *anisotropyDoc) {
	if d == nil || len(d.Maps) == 0 {
		return
	}
	fmt.Fprintf(w, "# anisotropy of map 0 from %s: A = |Σ_l S(j,l)·e^{2iφ_l}| / Σ_l S(j,l) in [0, 1]; ψ = the wave vector of maximum response, from the column axis toward the row axis (counter-clockwise with row 0 at the bottom); stripes run along ψ + 90°; floor: exceeded by an isotropic Gaussian field with this map's spectrum in ~5 %% of maps\n", d.Class)
	for _, s := range d.Maps[0].Scales {
		sig := "not significant"
		if s.Significant {
			sig = "significant"
		}
		// one decimal, 179.97 written 0.0 (fmtDeg180): the range is [0°, 180°)
		pa := ""
		if s.PositionAngleDeg != nil {
			pa = "  position angle " + fmtDeg180(*s.PositionAngleDeg) + "° E of N"
		}
		fmt.Fprintf(w, "# anisotropy j=%d: A = %.3f (floor %.3f, %s)  ψ = %s°  stripes at %s°%s\n", s.J, s.Amplitude, s.NoiseFloor, sig, fmtDeg180(s.DirectionDeg), fmtDeg180(s.StripeDirectionDeg), pa)
	}
	if d.Sky != nil {
		if d.Sky.Frame != "" {
			fmt.Fprintf(w, "# position angle: the stripes' direction on the sky from north through east (IAU), in [0°, 180°); %s; from %s; %s\n", d.Sky.Frame, d.Sky.Matrix, d.Sky.Note)
		} else {
			fmt.Fprintf(w, "# no position angle on the sky: %s\n", d.Sky.Note)
		}
	}
}
