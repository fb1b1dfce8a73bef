package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Anisotropy summary of stats: the direction and amplitude of the map's
// anisotropy per scale, from the per-orientation first-order coefficients
// the run computed (wst, scov: S1(j, l) = ⟨|x⋆ψ_{j,l}|⟩; wph: S11(j, l) =
// ⟨|x⋆ψ_{j,l}|²⟩ at τ = 0). The measurement is the library's:
// stats.AnisotropyFromCoeffs (A_j·e^{2iψ_j} = Σ_l S(j, l)·e^{2iφ_l} /
// Σ_l S(j, l), the angle convention stats.AnisotropyMeasuredFrom) and
// infer.AnisotropyNoise / infer.MapAnisotropy (the noise floor of an
// isotropic Gaussian field with the map's spectrum); the position angle on
// the sky is datasets.SkyOrientationCards (physscale19_wcs.go). This file
// turns them into the JSON's "anisotropy" object and the printed lines.
// wst --local: S1 is the local S1 averaged over its 2^J-pixel grid; its
// reflect padding mirrors the field at the map's edges, which pulls ψ toward
// the axes (by 4° for a 64² map at J = 3 in the test).

// anisoMeasuredFrom is the axis and sense of direction_deg.
const anisoMeasuredFrom = stats.AnisotropyMeasuredFrom

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

// deg180 reduces an angle in degrees to [0, 180) (stats.Deg180).
func deg180(d float64) float64 { return stats.Deg180(d) }

// anisotropyOf computes the anisotropy summary of the coefficients c of
// maps (imag: the imaginary parts of complex data, else nil) for spec
// (defaults filled in) with infer.MapAnisotropy; nil and the reason where
// spec has no per-orientation first-order coefficients.
func anisotropyOf(spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, maps, imag *stlayer.Maps) (*anisotropyDoc, string) {
	s, err := infer.MapAnisotropy(spec, lab, c, maps, imag)
	if err != nil {
		return nil, strings.TrimPrefix(err.Error(), stats.ErrNoAnisotropy.Error()+": ")
	}
	d := &anisotropyDoc{Doc: anisoDocString, Class: s.Class, MeasuredFrom: anisoMeasuredFrom}
	if s.Logs {
		d.Class += " (exponentiated: the values are logs)"
	}
	for b, m := range s.Maps {
		at := anisotropyAt{Map: b}
		for _, e := range m {
			at.Scales = append(at.Scales, anisoScaleDoc{
				J: e.J, Amplitude: e.Amplitude, DirectionDeg: e.DirectionDeg, StripeDirectionDeg: e.StripeDirectionDeg,
				NoiseRMS: e.NoiseRMS, NoiseFloor: e.NoiseFloor, Significant: e.Significant,
			})
		}
		d.Maps = append(d.Maps, at)
	}
	return d, ""
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
