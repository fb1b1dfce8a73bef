package stats

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// AnisotropyMeasuredFrom is the axis and sense of DirectionDeg and
// StripeDirectionDeg (the JSON's anisotropy.measured_from).
const AnisotropyMeasuredFrom = "column axis (axis 1, x), toward the row axis (axis 0): counter-clockwise on a map shown with row 0 at the bottom (FITS, origin='lower'), clockwise with row 0 on top (numpy/matplotlib's default origin='upper'); the wph orientation.theta_deg convention, and 90° − theta_deg for wst and scov"

// AnisotropyScale is the anisotropy of one map at scale J.
type AnisotropyScale struct {
	J int
	// Amplitude A_j ∈ [0, 1].
	Amplitude float64
	// DirectionDeg ψ_j ∈ [0, 180): the wave vector of maximum response,
	// degrees from the column axis toward the row axis
	// (AnisotropyMeasuredFrom).
	DirectionDeg float64
	// StripeDirectionDeg (ψ_j + 90°) mod 180°: the direction the
	// structures run along.
	StripeDirectionDeg float64
	// NoiseRMS, NoiseFloor, Significant: the rms of A_j for an isotropic
	// Gaussian field with the map's spectrum, its 95 % level (bias +
	// √(ln 20)·rms) and Amplitude > NoiseFloor. Zero from
	// AnisotropyFromCoeffs, which sees no maps; infer.MapAnisotropy fills them.
	NoiseRMS, NoiseFloor float64
	Significant          bool
}

// AnisotropySummary is the anisotropy of a batch of maps
// (AnisotropyFromCoeffs): Maps[b] holds one entry per scale j = 0…J−1 of
// map b, in the order of j (a scale whose coefficients are missing is left
// out).
//
// The anisotropy of a map per scale comes from the per-orientation first-order
// coefficients of a statistic (the measurement behind `stkit stats`'s
// "# anisotropy" lines and the JSON/.npz "anisotropy" entries):
//
//	wst, scov: S(j, l) = S1(j, l) = ⟨|x⋆ψ_{j,l}|⟩   (scov --synthesis: exp of its log S1)
//	wph:       S(j, l) = S11(j, l) = ⟨|x⋆ψ_{j,l}|²⟩ at τ = 0 (n = 0, not pseudo)
//
// For scale j (0 finest), with φ_l the direction of wavelet l's wave
// vector in ONE convention for every family (AnisotropyMeasuredFrom: from
// the column axis, axis 1, toward the row axis, axis 0; φ_l = θ_l = l·π/L
// for wph, φ_l = π/2 − filters.MorletTheta(l, L) for the Morlet families),
//
//	A_j·e^{2iψ_j} = Σ_l S(j, l)·e^{2iφ_l} / Σ_l S(j, l)
//
// the second circular harmonic of S over the orientations l = 0…L−1, which
// span [0°, 180°) (AngularHarmonic2). A_j ∈ [0, 1] is the amplitude (0 for
// an isotropic response), ψ_j ∈ [0°, 180°) the direction of the wave vector
// of maximum response, in degrees; the structures (stripes, filaments) run
// along ψ_j + 90° (StripeDirectionDeg). A single plane wave does not give
// A = 1: the wavelets' angular windows overlap, so A_j of a pure stripe
// pattern is the filters' harmonic-2 response (at j = 1 on 64² maps, the
// wave vector along an axis: Morlet S1 0.52 at L = 4, 0.72 at L = 8; bump
// S11 0.80, 0.875; Morlet S1 0.48 at 30°, ExampleAnisotropyFromCoeffs).
// Complex WPH (Spec.Complex, z = Q + iU, 2L orientations θ_l = l·π/L over
// [0°, 360°)): the sum runs over all 2L; l and l + L have the same
// e^{2iφ}, so A_j, ψ_j describe the total power of z at ±k; the first
// harmonic is not reported.
//
// Bias of ψ_j: even without sampling noise ψ_j is not exactly the field's
// direction. On Gaussian fields stretched along a known direction whose
// Fourier amplitudes are exactly √P (random phases: wph's S11 has no
// sampling noise then), N×N maps, directions 0°, 5°, …, 175°, wph's ψ_j
// is off by up to 4.2° at j = 0 (the bump wavelets near Nyquist; 2.97°
// for a field along 30°), at most 1.0° at the scales with 2^j ≤ N/16, up
// to 3.8° at 2^j = N/8 and 9.5° at 2^j = N/4 (the few Fourier modes of
// the coarsest bands); the same at N = 64, 128, 256. For wst and scov
// (S1, which also depends on the phases) the same fields give up to 1.5°
// at j = 0 and 1, 2.7° at j = 2, 6.1° at 2^j = N/8 and 10.7° at N/4 on
// 64² maps, their sampling noise included (per scale and L:
// AnisotropyFromCoeffs). Sampling noise adds a scatter of about
// NoiseRMS/(2√2·A_j) radians (AnisotropyScale).
//
// Angles on the sky: datasets.SkyOrientationCards carries a grid direction
// to a position angle east of north through a FITS WCS. stkit stats'
// position_angle_deg is that of the structures, the SkyOrientation's
// PositionAngle(e.StripeDirectionDeg) for each scale e; PositionAngle of
// DirectionDeg (the wave vector) is 90° off. The noise floor of
// A_j for an isotropic Gaussian field with the map's spectrum is
// infer.AnisotropyNoise; infer.MapAnisotropy computes both.
type AnisotropySummary struct {
	// Class is the label class of the coefficients used: "S1" (wst, scov),
	// "logS1" (wst --synthesis) or "S11" (wph).
	Class string
	// Logs: the coefficients are logarithms and were exponentiated (logS1,
	// and scov's synthesis vector, which stores log S1 under the class S1).
	Logs bool
	// Power: the coefficients are powers (S11); otherwise amplitudes (S1),
	// whose A_j fluctuates half as much for a Gaussian field.
	Power bool
	Maps  [][]AnisotropyScale
}

// ErrNoAnisotropy is returned (wrapped, with the reason) by
// AnisotropyRows and AnisotropyFromCoeffs for a statistic without
// per-orientation first-order coefficients: cross statistics, the isotropic
// ones (Spec.Iso, spectra), wph with Norm "auto" (which divides each S11 by
// its own reference and so removes the orientation dependence).
var ErrNoAnisotropy = errors.New("no anisotropy summary")

// AnisotropyRows returns, for each scale j and orientation l of spec
// (defaults filled in: Spec.WithDefaults), the index in lab of the
// coefficient S(j, l) (−1 where none): rows[j][l], l = 0…nl−1 with nl = L,
// or 2L for complex WPH. class is the label class used and logs says
// whether its values are logarithms. Statistics without such coefficients
// give an error wrapping ErrNoAnisotropy that says why.
func AnisotropyRows(spec Spec, lab *stlayer.Labels) (rows [][]int, class string, logs bool, err error) {
	no := func(why string) ([][]int, string, bool, error) {
		return nil, "", false, fmt.Errorf("%w: %s", ErrNoAnisotropy, why)
	}
	switch {
	case lab == nil:
		return no("no labels")
	case spec.Cross:
		return no("not for cross statistics")
	case spec.Kind == Spectra || spec.Iso:
		return no("the isotropic statistics have no orientation")
	case spec.Kind == WPH && spec.Norm == "auto":
		return no("wph --norm auto divides each S11 by its own reference, which removes the orientation dependence: run without --norm auto")
	case spec.J < 1 || spec.L < 1:
		return no(fmt.Sprintf("J = %d, L = %d: fill the spec's defaults first (Spec.WithDefaults)", spec.J, spec.L))
	}
	nl := spec.L
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
		case spec.Kind == WPH && c == "S11":
			if (lab.Has(i, "n") && lab.Get(i, "n") != 0) || (lab.Has(i, "pseudo") && lab.Get(i, "pseudo") != 0) {
				continue
			}
		case spec.Kind != WPH && (c == "S1" || c == "logS1"):
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
		return no("no per-orientation first-order coefficients")
	}
	// scov --synthesis writes log S1 under the class name S1
	logs = class == "logS1" || (spec.Kind == SCov && spec.Synthesis)
	return rows, class, logs, nil
}

// OrientationDirections returns φ_l in radians for l = 0…nl−1: the
// direction of wavelet l's wave vector from the column axis toward the
// row axis (AnisotropyMeasuredFrom). wph: θ_l = l·π/L (also for l ≥ L of
// complex WPH); wst and scov: π/2 − filters.MorletTheta(l, L) (Cheng's θ_l
// are measured from the row axis toward the column axis).
func OrientationDirections(spec Spec, nl int) []float64 {
	phi := make([]float64, nl)
	for l := range phi {
		if spec.Kind == WPH {
			phi[l] = float64(l) * math.Pi / float64(spec.L)
		} else {
			phi[l] = math.Pi/2 - filters.MorletTheta(l, spec.L)
		}
	}
	return phi
}

// AngularHarmonic2 returns the amplitude A = |Σ_l s_l·e^{2iφ_l}| / Σ_l s_l
// and the direction ψ = arg(Σ_l s_l·e^{2iφ_l})/2 in degrees in [0, 180)
// of the responses s_l at the directions φ_l (radians). A and ψ are 0 when
// Σ_l s_l ≤ 0.
func AngularHarmonic2(s, phi []float64) (a, psiDeg float64) {
	var z complex128
	var d float64
	for l, v := range s {
		z += complex(v, 0) * cmplx.Exp(complex(0, 2*phi[l]))
		d += v
	}
	if d <= 0 {
		return 0, 0
	}
	return cmplx.Abs(z) / d, Deg180(cmplx.Phase(z) / 2 * 180 / math.Pi)
}

// Deg180 reduces an angle in degrees to [0, 180) (a value within 1e-9 of
// 180 is 0).
func Deg180(d float64) float64 {
	d = math.Mod(d, 180)
	if d < 0 {
		d += 180
	}
	if d >= 180-1e-9 {
		d = 0
	}
	return d
}

// AnisotropyFromCoeffs computes A_j, ψ_j (see AnisotropyScale) of each map
// of c, the coefficients of spec's operator (defaults filled in:
// Spec.WithDefaults) whose rows lab describes, e.g. from Forward. Local
// WST coefficients are averaged over their pixels first. The noise fields
// stay zero (infer.MapAnisotropy fills them from the maps). Statistics
// without per-orientation first-order coefficients give an error wrapping
// ErrNoAnisotropy.
//
// DirectionDeg is biased even without sampling noise (AnisotropySummary),
// by an amount that depends on j through 2^j/N. The worst (mean)
// |ψ_j − the field's wave-vector direction| over Gaussian fields stretched
// 3:1 along 0°, 5°, …, 175° whose Fourier amplitudes are exactly √P (S11
// noise-free), one N×N map each, J = log2(N) − 1 (2^j up to N/4):
//
//	scale            wph L = 4       wph L = 8       wst, scov L = 4 (64²; 128²)
//	j = 0            4.2° (2.5°)     4.2° (2.6°)     1.4° (0.6°); 1.2° (0.7°)
//	2^j ≤ N/64       0.65° (0.42°)   0.001° (0°)     —; 0.84° (0.38°) at j = 1
//	2^j = N/32       0.65° (0.41°)   0.03° (0.01°)   1.5° (0.5°); 1.3° (0.7°)
//	2^j = N/16       0.97° (0.56°)   0.42° (0.20°)   2.7° (1.0°); 2.6° (1.0°)
//	2^j = N/8        3.8° (1.8°)     3.4° (1.5°)     6.1° (2.3°); 4.5° (2.0°)
//	2^j = N/4        9.5° (4.4°)     9.4° (4.3°)     10.7° (4.5°); 9.9° (4.6°)
//
// wph's figures are the same at N = 64, 128 and 256 (to 0.03°): j = 0 is
// the bump wavelets near Nyquist, the two coarsest scales the few Fourier
// modes of their bands. wst's and scov's (S1, which also depends on the
// phases: one field per direction, sampling noise included) agree with
// each other to 0.04°. At the two coarsest scales a direction within 10°
// is all ψ_j can say; sampling noise adds NoiseRMS/(2√2·A_j) radians of
// scatter.
func AnisotropyFromCoeffs(spec Spec, lab *stlayer.Labels, c *stlayer.Coeffs) (*AnisotropySummary, error) {
	rows, class, logs, err := AnisotropyRows(spec, lab)
	if err != nil {
		return nil, err
	}
	if c == nil || c.K != lab.Len() {
		return nil, fmt.Errorf("anisotropy: coefficients do not match the %d labels", lab.Len())
	}
	nl := len(rows[0])
	phi := OrientationDirections(spec, nl)
	out := &AnisotropySummary{Class: class, Logs: logs, Power: class == "S11"}
	hw := c.H * c.W
	for b := 0; b < c.B; b++ {
		var at []AnisotropyScale
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
			a, psi := AngularHarmonic2(s, phi)
			at = append(at, AnisotropyScale{J: j, Amplitude: a, DirectionDeg: psi, StripeDirectionDeg: Deg180(psi + 90)})
		}
		out.Maps = append(out.Maps, at)
	}
	return out, nil
}
