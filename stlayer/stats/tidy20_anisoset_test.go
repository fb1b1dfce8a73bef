package stats

import (
	"math"
	"testing"
)

// The set statistics of the anisotropy, worked by hand: the axial mean of
// 10° and 170° is 0° (not 90°) with σ = √(−2 ln cos 20°)/2 rad = 10.1044°;
// 30°, 40°, 50° give 40° with σ = √(−2 ln((1 + 2 cos 20°)/3))/2 rad;
// CircularStat of equal angles has σ 0, of NaN alone NaN, of angles that
// cancel (0 and π; 0° and 90° as directions: R round-off) NaN, and leaves
// NaN out; the amplitudes' σ has n − 1 in the denominator and leaves
// NaN and Inf out; a scale only some maps have counts only those.
func TestTidy20AnisotropyOverMaps(t *testing.T) {
	near := func(got, want, tol float64) bool { return math.Abs(got-want) <= tol }
	m, sd := AxialStatDeg([]float64{10, 170})
	if wantSD := math.Sqrt(-2*math.Log(math.Cos(20*math.Pi/180))) / 2 * 180 / math.Pi; !near(m, 0, 1e-9) || !near(sd, wantSD, 1e-12) || !near(sd, 10.1044, 1e-4) {
		t.Errorf("AxialStatDeg(10°, 170°) = %.6f° ± %.6f°, want 0° ± 10.1044°", m, sd)
	}
	m, sd = AxialStatDeg([]float64{30, 40, math.NaN(), 50})
	if r := (1 + 2*math.Cos(20*math.Pi/180)) / 3; !near(m, 40, 1e-9) || !near(sd, math.Sqrt(-2*math.Log(r))/2*180/math.Pi, 1e-12) {
		t.Errorf("AxialStatDeg(30°, 40°, NaN, 50°) = %.6f° ± %.6f°", m, sd)
	}
	if m, sd := CircularStat([]float64{1, 1, 1}); !near(m, 1, 1e-15) || sd != 0 {
		t.Errorf("CircularStat of equal angles: %v ± %v, want 1 ± 0", m, sd)
	}
	if m, sd := CircularStat([]float64{math.NaN()}); !math.IsNaN(m) || !math.IsNaN(sd) {
		t.Errorf("CircularStat(NaN): %v ± %v, want NaN", m, sd)
	}
	// angles that cancel: R is round-off (6.1e-17 for 0 and π, 1.0e-16 for
	// 0, 2π/3, 4π/3, 1.7e-16 for the directions 0°, 60°, 120°), whose
	// direction was returned as a mean with σ ≈ 8.6 rad (≈ 250° as
	// directions): both NaN now
	for _, ph := range [][]float64{{0, math.Pi}, {0, 2 * math.Pi / 3, 4 * math.Pi / 3}, {1, 1 + math.Pi, math.NaN()}} {
		if m, sd := CircularStat(ph); !math.IsNaN(m) || !math.IsNaN(sd) {
			t.Errorf("CircularStat(%v): %v ± %v rad, want NaN ± NaN (the angles cancel)", ph, m, sd)
		}
	}
	for _, d := range [][]float64{{0, 90}, {0, 60, 120}, {10, 100}} {
		if m, sd := AxialStatDeg(d); !math.IsNaN(m) || !math.IsNaN(sd) {
			t.Errorf("AxialStatDeg(%v°): %v° ± %v°, want NaN ± NaN", d, m, sd)
		}
	}
	// just above the tolerance: a mean (R = 2e-9, σ = √(−2 ln R) = 6.33 rad)
	{
		eps := 4e-9
		m, sd := CircularStat([]float64{eps, math.Pi})
		if r := math.Hypot(math.Cos(eps)-1, math.Sin(eps)+math.Sin(math.Pi)) / 2; !near(m, math.Pi/2, 1e-6) || !near(sd, math.Sqrt(-2*math.Log(r)), 1e-6) || !near(sd, 6.33, 0.01) {
			t.Errorf("CircularStat(4e-9, π): %v ± %v rad, want π/2 ± 6.33", m, sd)
		}
	}
	maps := [][]AnisotropyScale{
		{{J: 0, Amplitude: 0.2, DirectionDeg: 10, NoiseFloor: 0.05, Significant: true}, {J: 2, Amplitude: 0.5, DirectionDeg: 90, NoiseFloor: 0.1, Significant: true}},
		{{J: 0, Amplitude: 0.4, DirectionDeg: 170, NoiseFloor: 0.07, Significant: true}},
		{{J: 0, Amplitude: math.NaN(), DirectionDeg: math.NaN(), NoiseFloor: math.Inf(1)}},
	}
	got := AnisotropyOverMaps(maps)
	if len(got) != 2 || got[0].J != 0 || got[1].J != 2 {
		t.Fatalf("AnisotropyOverMaps: %+v, want scales 0 and 2", got)
	}
	e := got[0]
	if !near(e.Amplitude, 0.3, 1e-15) || !near(e.AmplitudeSD, math.Sqrt(0.02), 1e-15) || !near(e.NoiseFloor, 0.06, 1e-15) ||
		!near(e.DirectionDeg, 0, 1e-9) || !near(e.DirectionSD, 10.1044, 1e-4) || e.Significant != 2 || e.Measured != 3 {
		t.Errorf("j = 0: %+v", e)
	}
	e = got[1]
	if e.Amplitude != 0.5 || e.AmplitudeSD != 0 || e.NoiseFloor != 0.1 || !near(e.DirectionDeg, 90, 1e-12) || e.DirectionSD != 0 || e.Significant != 1 || e.Measured != 1 {
		t.Errorf("j = 2 (one map): %+v", e)
	}
}
