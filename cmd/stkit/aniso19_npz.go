package main

import (
	"math"

	"github.com/stkit-org/stkit/datasets"
)

// anisotropyArrays returns the anisotropy summary d (anisotropyOf) of B
// maps and J scales as stats' .npz members, one row per map and one column
// per scale j = 0…J−1 (NaN, and false, where a scale has no entry):
//
//	anisotropy_amplitude             float64 [B, J]  A_j in [0, 1]
//	anisotropy_direction_deg         float64 [B, J]  ψ_j in [0, 180): the wave vector of maximum response
//	anisotropy_stripe_direction_deg  float64 [B, J]  ψ_j + 90° mod 180: the direction the structures run along
//	anisotropy_noise_rms             float64 [B, J]  rms of A_j for an isotropic Gaussian field with the map's spectrum
//	anisotropy_noise_floor           float64 [B, J]  its 95 % level (bias + √(ln 20)·rms)
//	anisotropy_significant           bool    [B, J]  amplitude > noise_floor
//	anisotropy_position_angle_deg    float64 [B, J]  the stripes' direction on the sky, east of north, in [0, 180)
//	                                                 (the JSON's position_angle_deg; NaN without a celestial WCS)
//	anisotropy_class                 '<U' [1]        the coefficients used (the JSON's anisotropy.class)
//	anisotropy_measured_from         '<U' [1]        the axis and sense of the directions (the JSON's measured_from)
//	anisotropy_sky_frame             '<U' [1]        the frame of position_angle_deg (the JSON's anisotropy.sky.frame),
//	                                                 only where MAP's header has a celestial WCS that is handled
//
// They are the JSON's "anisotropy" entries; [B, J] also for one map (the
// "coeffs" of one map drop B). Nil for a nil d (no summary for the
// statistic).
func anisotropyArrays(d *anisotropyDoc, J int) []datasets.NamedArray {
	if d == nil || J < 1 {
		return nil
	}
	B := len(d.Maps)
	mk := func(dtype string, fill float64) *datasets.Array {
		a := &datasets.Array{DType: dtype, Shape: []int{B, J}, Float64: make([]float64, B*J)}
		for i := range a.Float64 {
			a.Float64[i] = fill
		}
		return a
	}
	amp, dir, stripe := mk("float64", math.NaN()), mk("float64", math.NaN()), mk("float64", math.NaN())
	rms, floor, sig := mk("float64", math.NaN()), mk("float64", math.NaN()), mk("bool", 0)
	pa := mk("float64", math.NaN())
	for b, m := range d.Maps {
		for _, s := range m.Scales {
			if s.J < 0 || s.J >= J {
				continue
			}
			i := b*J + s.J
			amp.Float64[i], dir.Float64[i], stripe.Float64[i] = s.Amplitude, s.DirectionDeg, s.StripeDirectionDeg
			if s.NoiseFloor > 0 || s.NoiseRMS > 0 {
				rms.Float64[i], floor.Float64[i] = s.NoiseRMS, s.NoiseFloor
			}
			if s.Significant {
				sig.Float64[i] = 1
			}
			if s.PositionAngleDeg != nil {
				pa.Float64[i] = *s.PositionAngleDeg
			}
		}
	}
	out := []datasets.NamedArray{
		{Name: "anisotropy_amplitude", Array: amp},
		{Name: "anisotropy_direction_deg", Array: dir},
		{Name: "anisotropy_stripe_direction_deg", Array: stripe},
		{Name: "anisotropy_noise_rms", Array: rms},
		{Name: "anisotropy_noise_floor", Array: floor},
		{Name: "anisotropy_significant", Array: sig},
		{Name: "anisotropy_position_angle_deg", Array: pa},
		{Name: "anisotropy_class", Array: stringArray([]string{d.Class})},
		{Name: "anisotropy_measured_from", Array: stringArray([]string{d.MeasuredFrom})},
	}
	if d.Sky != nil && d.Sky.Frame != "" {
		out = append(out, datasets.NamedArray{Name: "anisotropy_sky_frame", Array: stringArray([]string{d.Sky.Frame})})
	}
	return out
}
