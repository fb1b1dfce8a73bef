package datasets

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// moisanTestMap is a deterministic non-periodic m×n test map: white noise
// plus a ramp and a bump (none of it periodic).
func moisanTestMap(m, n int, seed uint64) []float64 {
	u := whiteNoise(m, n, seed)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			u[i*n+j] += 0.7*float64(i) - 0.4*float64(j) + 3*math.Exp(-float64((i-m/3)*(i-m/3)+(j-n/4)*(j-n/4))/9) + 2
		}
	}
	return u
}

// lapPer is the periodic 5-point Laplacian Σ_y (x(y) − x(c)) over the 4
// neighbours y of c taken modulo the map (for m = 2 the row above and
// below are the same row, counted twice; for m = 1 the pixel itself).
func lapPer(x []float64, m, n int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			c := x[i*n+j]
			out[i*n+j] = x[((i+1)%m)*n+j] + x[((i+m-1)%m)*n+j] + x[i*n+(j+1)%n] + x[i*n+(j+n-1)%n] - 4*c
		}
	}
	return out
}

// lapIn is the Laplacian with the neighbours outside the map left out.
func lapIn(x []float64, m, n int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			c := x[i*n+j]
			var v float64
			if i > 0 {
				v += x[(i-1)*n+j] - c
			}
			if i < m-1 {
				v += x[(i+1)*n+j] - c
			}
			if j > 0 {
				v += x[i*n+j-1] - c
			}
			if j < n-1 {
				v += x[i*n+j+1] - c
			}
			out[i*n+j] = v
		}
	}
	return out
}

func meanOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// TestMoisanSumMeanAndCharacterisation checks the definition of the
// decomposition on non-periodic maps of several shapes (odd, even,
// rectangular, 2 and 1 rows): p + s = u, mean(s) = 0 (so mean(p) =
// mean(u)), and Moisan's characterisation of p: its periodic Laplacian
// equals u's Laplacian with the outside neighbours left out, at every
// pixel, the border ones included.
func TestMoisanSumMeanAndCharacterisation(t *testing.T) {
	for k, sh := range [][2]int{{16, 16}, {9, 14}, {13, 7}, {2, 5}, {1, 6}, {1, 1}} {
		m, n := sh[0], sh[1]
		u := moisanTestMap(m, n, uint64(10+k))
		p, s := PeriodicSmooth(u, m, n)
		scale := 0.0
		for _, v := range u {
			scale = max(scale, math.Abs(v))
		}
		for i := range u {
			if d := math.Abs(p[i] + s[i] - u[i]); d > 1e-12*scale {
				t.Fatalf("%d×%d: p + s − u = %g at %d", m, n, d, i)
			}
		}
		if ms := meanOf(s); math.Abs(ms) > 1e-12*scale {
			t.Errorf("%d×%d: mean(s) = %g, want 0", m, n, ms)
		}
		lp, li := lapPer(p, m, n), lapIn(u, m, n)
		for i := range lp {
			if d := math.Abs(lp[i] - li[i]); d > 1e-10*scale {
				t.Errorf("%d×%d: Δ_per p = %g, Δ_in u = %g at row %d, column %d", m, n, lp[i], li[i], i/n, i%n)
				break
			}
		}
		// u itself does not satisfy it (its border jump): the check discriminates.
		if m >= 2 && n >= 2 {
			lu := lapPer(u, m, n)
			worst := 0.0
			for i := range lu {
				worst = max(worst, math.Abs(lu[i]-li[i]))
			}
			if worst < 1 {
				t.Errorf("%d×%d: Δ_per u differs from Δ_in u by at most %g: test map too periodic", m, n, worst)
			}
		}
	}
}

// TestMoisanLinear: the decomposition is linear: p(a·u + b·w) = a·p(u) +
// b·p(w), likewise s.
func TestMoisanLinear(t *testing.T) {
	const m, n, a, b = 12, 10, 2.5, -0.75
	u, w := moisanTestMap(m, n, 3), moisanTestMap(m, n, 4)
	x := make([]float64, m*n)
	for i := range x {
		x[i] = a*u[i] + b*w[i]
	}
	pu, su := PeriodicSmooth(u, m, n)
	pw, sw := PeriodicSmooth(w, m, n)
	px, sx := PeriodicSmooth(x, m, n)
	for i := range x {
		if d := math.Abs(px[i] - (a*pu[i] + b*pw[i])); d > 1e-11 {
			t.Fatalf("p not linear: off by %g at %d", d, i)
		}
		if d := math.Abs(sx[i] - (a*su[i] + b*sw[i])); d > 1e-11 {
			t.Fatalf("s not linear: off by %g at %d", d, i)
		}
	}
}

// TestMoisanRamp: the periodic component of a ramp u(i, j) = c·i + d is
// the ramp of slope c/m, constant along the rows (p(i, j) − p(0, 0) =
// c·i/m: range c(m−1)/m instead of c(m−1)); the smooth part takes the
// rest. Same for a ramp along the columns.
func TestMoisanRamp(t *testing.T) {
	const m, n, c, d = 16, 12, 3.0, 5.0
	for _, alongRows := range []bool{true, false} {
		u := make([]float64, m*n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if alongRows {
					u[i*n+j] = c*float64(i) + d
				} else {
					u[i*n+j] = c*float64(j) + d
				}
			}
		}
		p, _ := PeriodicSmooth(u, m, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				want := c * float64(j) / n
				if alongRows {
					want = c * float64(i) / m
				}
				if got := p[i*n+j] - p[0]; math.Abs(got-want) > 1e-11 {
					t.Fatalf("ramp along rows %v: p(%d,%d) − p(0,0) = %g, want %g", alongRows, i, j, got, want)
				}
			}
		}
	}
}

// TestMoisanCutPatchLosesItsJump: a 32×32 cut of a 128×128 Gaussian random
// field (P ∝ k⁻³) jumps across its opposite edges: the rms difference
// between its last and first row (and column) is several times the rms
// difference between neighbouring pixels inside. Its periodic component
// has wrap-around differences no larger than its inside ones.
// Measured: ratio of u 5.35, of p 0.60; rms of p − u in the central
// half 0.24 of u's std (s is the large-scale ramp). The test asserts u > 3,
// p < 1.6.
func TestMoisanCutPatchLosesItsJump(t *testing.T) {
	const big, m = 128, 32
	g, err := GaussianRandomField(big, big, -3, 7)
	if err != nil {
		t.Fatal(err)
	}
	u := make([]float64, m*m)
	for i := 0; i < m; i++ {
		copy(u[i*m:(i+1)*m], g[(40+i)*big+50:(40+i)*big+50+m])
	}
	ratio := func(x []float64) float64 {
		var in, wrap float64
		var nin, nwrap int
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				dr := x[((i+1)%m)*m+j] - x[i*m+j]
				dc := x[i*m+(j+1)%m] - x[i*m+j]
				if i == m-1 {
					wrap += dr * dr
					nwrap++
				} else {
					in += dr * dr
					nin++
				}
				if j == m-1 {
					wrap += dc * dc
					nwrap++
				} else {
					in += dc * dc
					nin++
				}
			}
		}
		return math.Sqrt((wrap / float64(nwrap)) / (in / float64(nin)))
	}
	p, _ := PeriodicSmooth(u, m, m)
	ru, rp := ratio(u), ratio(p)
	mu := meanOf(u)
	var vu, dd float64
	var nd int
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			vu += (u[i*m+j] - mu) * (u[i*m+j] - mu)
			if i >= m/4 && i < 3*m/4 && j >= m/4 && j < 3*m/4 {
				dd += (p[i*m+j] - u[i*m+j]) * (p[i*m+j] - u[i*m+j])
				nd++
			}
		}
	}
	rel := math.Sqrt(dd/float64(nd)) / math.Sqrt(vu/float64(m*m))
	t.Logf("wrap/inside rms difference: u %.2f, p %.2f; rms(p − u) in the central half %.3f std(u)", ru, rp, rel)
	if ru < 3 {
		t.Errorf("u's wrap/inside difference ratio %.2f: the cut should jump (want > 3)", ru)
	}
	if rp > 1.6 {
		t.Errorf("p's wrap/inside difference ratio %.2f, want < 1.6: the periodic component still jumps", rp)
	}
}

// TestMoisanPeriodicComponentMaps: the batch helper returns each map's p in a
// new batch (input unchanged) and refuses non-finite pixels and bad shapes.
func TestMoisanPeriodicComponentMaps(t *testing.T) {
	const m, n = 8, 10
	x := stlayer.NewMaps(2, m, n)
	copy(x.Map(0), moisanTestMap(m, n, 1))
	copy(x.Map(1), moisanTestMap(m, n, 2))
	keep := append([]float64(nil), x.Data...)
	y, err := PeriodicComponent(x)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 2; b++ {
		p, _ := PeriodicSmooth(x.Map(b), m, n)
		for i, v := range p {
			if y.Map(b)[i] != v {
				t.Fatalf("map %d pixel %d: %g, want %g", b, i, y.Map(b)[i], v)
			}
		}
	}
	for i := range keep {
		if x.Data[i] != keep[i] {
			t.Fatal("input changed")
		}
	}
	x.Data[1*m*n+13] = math.NaN()
	if _, err := PeriodicComponent(x); err == nil || !strings.Contains(err.Error(), "map 1 has a non-finite pixel (NaN at row 1, column 3)") {
		t.Errorf("NaN pixel: err %v", err)
	}
	if _, err := PeriodicComponent(&stlayer.Maps{B: 1, M: 4, N: 4, Data: make([]float64, 15)}); err == nil || !strings.Contains(err.Error(), "hold 15 values") {
		t.Errorf("short data: err %v", err)
	}
	if _, err := PeriodicComponent(nil); err == nil {
		t.Error("nil maps: no error")
	}
}
