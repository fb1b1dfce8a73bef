package datasets

import (
	"math"
	"testing"
)

// A feature whose values differ only by float64 rounding (1 and 1 + 2⁻⁵²,
// relative 2.2e-16) is constant for the statistics: before, its std came out
// ~1.2e-16 and Normalised z-scored that rounding noise to ±0.93. columnStats
// now counts a column whose std is ≤ 1e-12 of its largest |value| as
// constant (std 1, z ≈ 0), while a genuine relative spread of 1e-9 keeps its
// sample std.
func TestFeatureStatsNearlyConstant(t *testing.T) {
	const n, d = 8, 4
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		x[i*d+0] = 1 + float64(i%2)*0x1p-52            // rounding noise around 1
		x[i*d+1] = -3e5 * (1 + float64(i%3)*0x1p-52)   // rounding noise, negative, large
		x[i*d+2] = 1 + 1e-9*float64(i)                 // small but real spread
		x[i*d+3] = 1e-300 * (1 + float64(i%2)*0x1p-52) // rounding noise, tiny magnitude
	}
	mean, std := columnStats(x, d)
	f := &Features{Manifest: &DatasetManifest{N: n, Dim: d}, X: x, Mean: mean, Std: std}
	z := f.Normalised()
	for _, k := range []int{0, 1, 3} {
		if std[k] != 1 {
			t.Errorf("feature %d (rounding noise): std %v, want 1", k, std[k])
		}
		for i := 0; i < n; i++ {
			if v := z[i*d+k]; math.Abs(float64(v)) > 1e-12*math.Abs(mean[k]) {
				t.Errorf("feature %d patch %d: z-scored to %v, want ≈ 0 (|z| ≤ 1e-12·|mean| = %g)", k, i, v, 1e-12*math.Abs(mean[k]))
			}
		}
	}
	if math.Abs(mean[0]-1) > 1e-15 || math.Abs(mean[1]+3e5) > 1e-9 {
		t.Errorf("means %v %v, want ≈ 1 and −3e5", mean[0], mean[1])
	}
	// 1 + 1e-9·(0…7): sample std 1e-9·sqrt(Σ(i−3.5)²/7) = 1e-9·sqrt(6).
	if w := 1e-9 * math.Sqrt(6); math.Abs(std[2]-w) > 1e-6*w {
		t.Errorf("feature 2 (spread 1e-9): std %v, want %v", std[2], w)
	}
	if v := z[7*d+2]; math.Abs(float64(v)-3.5/math.Sqrt(6)) > 1e-5 {
		t.Errorf("feature 2 patch 7: z %v, want %v", v, 3.5/math.Sqrt(6))
	}
}
