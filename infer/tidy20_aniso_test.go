package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// The direction ψ_j of wph's anisotropy summary has a bias of its own,
// documented in stats.AnisotropySummary, pinned here on Gaussian fields
// stretched along deg (s = 3) whose Fourier amplitudes are exactly √P
// (random phases only: S11 has no sampling noise; the power lies on wave
// vectors near deg + 90°). The field of TestLibaniso20StretchedDirection
// (30°, 4 maps 64², J = 4): |ψ_j − 120°| 2.967° at j = 0 (the bump
// wavelets near Nyquist), 0.570°, 0.761°, 1.186° at j = 1, 2, 3; bounds
// 4° at j = 0 and 1.5° at j ≥ 1, and the j = 0 bias is pinned at 2.97° ±
// 0.1° so that the documentation is revisited if it changes. Over
// directions 0°, 5°, …, 175° (one map 64², J = 5) the worst is 4.225° at
// j = 0 (at 20°), 0.971° where 2^j ≤ N/16 (j = 1, 2), 3.798° at
// 2^j = N/8 (j = 3) and 9.498° at 2^j = N/4 (j = 4); bounds 4.5°, 1.5°,
// 4.5°, 11°.
func TestTidy20WPHDirectionBias(t *testing.T) {
	worst := func(n, b, J int, deg float64) []float64 {
		x := libanisoStretched(t, b, n, deg, 3, 11, true)
		s := libanisoRun(t, stats.Spec{Kind: stats.WPH, J: J}, x)
		w := make([]float64, J)
		for i, m := range s.Maps {
			if len(m) != J {
				t.Fatalf("deg %v map %d: %d scales, want %d", deg, i, len(m), J)
			}
			for _, e := range m {
				w[e.J] = max(w[e.J], libanisoAngDiff(e.DirectionDeg, stats.Deg180(deg+90)))
			}
		}
		return w
	}
	w := worst(64, 4, 4, 30)
	t.Logf("30°, 64², J = 4: |ψ_j − 120°| %.3f", w)
	if math.Abs(w[0]-2.97) > 0.1 {
		t.Errorf("30°: bias at j = 0 %.3f°, want 2.97° ± 0.1° (as documented in stats.AnisotropySummary)", w[0])
	}
	for j, v := range w {
		bound := 1.5
		if j == 0 {
			bound = 4
		}
		if v > bound {
			t.Errorf("30°: bias at j = %d %.3f°, want ≤ %v°", j, v, bound)
		}
	}
	scan := make([]float64, 5)
	for deg := 0.0; deg < 180; deg += 5 {
		for j, v := range worst(64, 1, 5, deg) {
			scan[j] = max(scan[j], v)
		}
	}
	t.Logf("0°…175°, 64², J = 5: worst |ψ_j − (deg + 90°)| %.3f", scan)
	for j, bound := range []float64{4.5, 1.5, 1.5, 4.5, 11} {
		if scan[j] > bound {
			t.Errorf("0°…175°: bias at j = %d %.3f°, want ≤ %v°", j, scan[j], bound)
		}
	}
}
