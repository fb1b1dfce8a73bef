package infer

import (
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// startSectors is the number of angular sectors over 180° of the cells
// over which the GRF start averages the 2-D power spectrum (cellAverage):
// 11.25°, finer than the angular resolution of a statistic with L ≤ 8
// orientations (180°/L ≥ 22.5°).
const startSectors = 16

// meanPowerSpectrum2D returns the 2-D power spectrum of the GRF start: the
// mean over the B maps of ref of |FFT(x_b)(k)|² at every mode k (of the
// Hann-apodised maps w·(x_b − x̄_w) when apodised), averaged over cells of
// unit width in |k| and 11.25° in angle (cellAverage), with the k = 0 mode
// set to 0.
//
// Why not the per-mode mean: one map's periodogram is its spectrum times
// an exponential (χ² with 2 degrees of freedom) draw per mode, a pattern
// that no statistic here pins down (an isotropic one sees ring averages,
// an anisotropic one L sectors per scale) and that a start carrying it
// passes to every synthesis: with the exact |FFT| of one 256² Quijote map
// the log power of the 158 modes |k| ≤ 10 of 4 syntheses correlated
// 0.90–0.93 with that map's (two Quijote maps: 0.035), with a set of 20
// maps' first map 0.6–0.7. The mean over B maps keeps that pattern at 1/B
// of its variance. Why cells and not rings: a set whose maps share an
// anisotropy (filaments along a field, stripes) keeps it in the start, to
// 11.25°, where a ring average would erase it for the loss to rebuild.
func meanPowerSpectrum2D(ref *stlayer.Maps, apodised bool) []float64 {
	m, n := ref.M, ref.N
	p := make([]float64, m*n)
	var w []float64
	if apodised {
		w = HannTaper(m, n)
	}
	for b := 0; b < ref.B; b++ {
		x := ref.Map(b)
		if apodised {
			x = apodise(x, w)
		}
		for i, v := range fft2(x, m, n) {
			p[i] += (real(v)*real(v) + imag(v)*imag(v)) / float64(ref.B)
		}
	}
	p = cellAverage(p, m, n)
	p[0] = 0
	return p
}

// cellAverage returns p (m×n, a function of the DFT mode) averaged over
// the cells of the frequency plane: the modes k = (k_y, k_x) (signed
// frequencies) with the same round(|k|) and the same sector of
// startSectors in the angle of k modulo 180°, so that k and −k share a
// cell. The result is symmetrised over k ↔ −k (the Nyquist rows of even
// sides pair modes of two cells), so that a Hermitian spectrum times its
// square root stays Hermitian.
func cellAverage(p []float64, m, n int) []float64 {
	freq := func(i, size int) int {
		if i > size/2 {
			return i - size
		}
		return i
	}
	cell := make([]int, m*n)
	rmax := int(math.Ceil(math.Hypot(float64(m/2), float64(n/2)))) + 1
	sum := make([]float64, (rmax+1)*startSectors)
	cnt := make([]float64, len(sum))
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			ky, kx := float64(freq(i, m)), float64(freq(j, n))
			if ky < 0 || (ky == 0 && kx < 0) {
				ky, kx = -ky, -kx
			}
			r := int(math.Round(math.Hypot(kx, ky)))
			s := int(math.Atan2(ky, kx) / math.Pi * startSectors)
			s = min(max(s, 0), startSectors-1)
			c := r*startSectors + s
			cell[i*n+j] = c
			sum[c] += p[i*n+j]
			cnt[c]++
		}
	}
	avg := make([]float64, m*n)
	for i, c := range cell {
		avg[i] = sum[c] / cnt[c]
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = (avg[i*n+j] + avg[((m-i)%m)*n+(n-j)%n]) / 2
		}
	}
	return out
}

// gaussianStart turns the white Gaussian noise x (m×n, in place) into a
// Gaussian random field of 2-D spectrum p: x's DFT, a complex Gaussian per
// mode with Hermitian symmetry and E|X(k)|² = MN, is multiplied by √p(k),
// so that E|FFT(x)(k)|² = MN·p(k) at every mode and the amplitudes are
// Rayleigh draws about √p(k), not √p(k) itself: two
// syntheses, or a synthesis and any one target map, share no per-mode
// amplitude beyond the expected spectrum. The result is real (a Hermitian
// spectrum times a symmetric p).
func gaussianStart(x, p []float64, m, n int) {
	f := fft2(x, m, n)
	for i := range f {
		f[i] *= complex(math.Sqrt(p[i]), 0)
	}
	copy(x, ifft2Real(f, m, n))
}
