package datasets

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// PeriodicSmooth splits an m×n row-major map u into u = p + s, Moisan's
// periodic-plus-smooth decomposition (L. Moisan, "Periodic plus smooth
// image decomposition", J. Math. Imaging Vis. 39, 161–179, 2011). A map cut
// out of a larger one is not periodic: its periodic extension jumps from
// the last row to the first (and column), and every periodic statistic
// (FFT-based wavelet convolutions, power spectra) records that jump as a
// strong axis-aligned edge. p is the periodic component, which keeps the
// map's content without the jump; s the smooth component, a slowly varying
// ramp that carries the jump.
//
// With the boundary image v, zero except on the border:
//
//	v(0, j) += u(m−1, j) − u(0, j),   v(m−1, j) += u(0, j) − u(m−1, j),
//	v(i, 0) += u(i, n−1) − u(i, 0),   v(i, n−1) += u(i, 0) − u(i, n−1)
//
// (a corner pixel gets a row and a column term), s solves Δ_per s = v, Δ_per
// the periodic 5-point Laplacian, in Fourier space:
//
//	ŝ(q, r) = v̂(q, r) / (2cos(2πq/m) + 2cos(2πr/n) − 4),   ŝ(0, 0) = 0,
//
// and p = u − s. Equivalently p is the periodic map whose periodic
// Laplacian equals the Laplacian of u with the neighbours outside the map
// left out (Δ_per p = Δ_in u, Δ_in u(x) = Σ over the 4-neighbours y of x
// inside the map of u(y) − u(x)) and whose mean is u's: mean(s) = 0. The
// decomposition is linear in u; for a periodic map s is small but not 0 (v
// holds the differences between opposite border pixels, nonzero in
// general). For a ramp u(i, j) = i, p(i, j) = i/m + const (range (m−1)/m
// instead of m−1).
//
// It panics if m or n is below 1 or len(u) ≠ m·n. Non-finite pixels make
// every pixel of p and s non-finite (PeriodicComponent refuses them).
func PeriodicSmooth(u []float64, m, n int) (p, s []float64) {
	if m < 1 || n < 1 || len(u) != m*n {
		panic(fmt.Sprintf("datasets.PeriodicSmooth: %d values for a %d×%d map", len(u), m, n))
	}
	z := make([]complex128, m*n)
	for j := 0; j < n; j++ {
		d := u[(m-1)*n+j] - u[j]
		z[j] += complex(d, 0)
		z[(m-1)*n+j] -= complex(d, 0)
	}
	for i := 0; i < m; i++ {
		d := u[i*n+n-1] - u[i*n]
		z[i*n] += complex(d, 0)
		z[i*n+n-1] -= complex(d, 0)
	}
	f := newFFT2(m, n)
	f.forward(z)
	cr := make([]float64, n)
	for r := range cr {
		cr[r] = 2 * math.Cos(2*math.Pi*float64(r)/float64(n))
	}
	for q := 0; q < m; q++ {
		cq := 2*math.Cos(2*math.Pi*float64(q)/float64(m)) - 4
		for r := 0; r < n; r++ {
			if q == 0 && r == 0 {
				z[0] = 0
				continue
			}
			z[q*n+r] /= complex(cq+cr[r], 0)
		}
	}
	f.inverse(z)
	p = make([]float64, m*n)
	s = make([]float64, m*n)
	for i, c := range z {
		s[i] = real(c)
		p[i] = u[i] - s[i]
	}
	return p, s
}

// PeriodicComponent returns the periodic components p (PeriodicSmooth) of
// every map of x, a new batch of x's shape (x unchanged): the maps to take
// periodic statistics of when x holds cuts of larger maps. Maps with
// non-finite pixels and a Data length other than B·M·N are refused.
func PeriodicComponent(x *stlayer.Maps) (*stlayer.Maps, error) {
	if x == nil || x.B < 1 || x.M < 1 || x.N < 1 || len(x.Data) != x.B*x.M*x.N {
		if x == nil {
			return nil, fmt.Errorf("periodic component: no maps (nil)")
		}
		return nil, fmt.Errorf("periodic component: maps declare B×M×N = %d×%d×%d but hold %d values", x.B, x.M, x.N, len(x.Data))
	}
	out := stlayer.NewMaps(x.B, x.M, x.N)
	for b := 0; b < x.B; b++ {
		mp := x.Map(b)
		for k, v := range mp {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("periodic component: map %d has a non-finite pixel (%v at row %d, column %d)", b, v, k/x.N, k%x.N)
			}
		}
		p, _ := PeriodicSmooth(mp, x.M, x.N)
		copy(out.Map(b), p)
	}
	return out, nil
}
