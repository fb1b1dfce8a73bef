package wph

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// fullCircle returns the 2L band filters of scale j for complex data
// (Config.Complex): filters t = 0…L−1 are those of band (the L filters
// BumpSteerableBand(M, N, j, L, h, w) of θ_t = t·π/L, copied), filters
// t = L…2L−1 their mirror images ψ̂_{θ+π}(k) = ψ̂_θ(−k) (the bump-steerable
// formula with θ + π is the same function of −k; filters.BumpSteerableFull
// evaluates it directly, equal to round-off: TestComplexFiltersMirror).
//
// band is the h×w low-frequency crop of the M×N grid (crop position a holds
// the frequency fftFreq(a, h) mod M; likewise for columns). On the full grid
// (h = M) the mirror of row a is row (M − a) mod M. On a proper crop (h < M)
// the mirror of the crop's Nyquist row −h/2 is +h/2, outside the crop: the
// crop keeps the whole support |k| < 2ξ_j of the wavelets (h ≥ M/2^{j−1},
// where |k| ≥ 2π/2^j > 2ξ_j = 1.7π/2^j), so that value is 0.
func fullCircle(band *stlayer.FilterBank, M, N, j, L int) *stlayer.FilterBank {
	h, w := band.H, band.W
	out := &stlayer.FilterBank{K: 2 * L, H: h, W: w, Data: make([]float64, 2*L*h*w),
		Name: fmt.Sprintf("bump-steerable-pywph-2L j%d L%d %dx%d crop %dx%d (mirrored)", j, L, M, N, h, w)}
	rows, cols := mirrorIndex(h, M), mirrorIndex(w, N)
	for t := 0; t < L; t++ {
		src := band.Filter(t)
		copy(out.Data[t*h*w:(t+1)*h*w], src)
		dst := out.Data[(t+L)*h*w : (t+L+1)*h*w]
		for a := 0; a < h; a++ {
			if rows[a] < 0 {
				continue
			}
			for b := 0; b < w; b++ {
				if cols[b] >= 0 {
					dst[a*w+b] = src[rows[a]*w+cols[b]]
				}
			}
		}
	}
	return out
}

// mirrorIndex returns, for each position a of a crop of length h of an axis
// of n frequencies (position a holds frequency f = fftFreq(a, h)), the crop
// position of −f, or −1 when −f is not in the crop (h < n, f = −h/2).
func mirrorIndex(h, n int) []int {
	idx := make([]int, h)
	for a := range idx {
		f := a
		if a >= (h+1)/2 {
			f = a - h
		}
		g := -f
		switch {
		case h == n:
			idx[a] = ((g % n) + n) % n
		case g >= -(h/2) && g <= (h-1)/2:
			idx[a] = ((g % h) + h) % h
		default:
			idx[a] = -1
		}
	}
	return idx
}
