package filters_test

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer/filters"
)

// peak returns the signed integer frequency (row, column) of the largest
// entry of filter k (fftfreq order: index a ↦ a or a − M).
func peak(data []float64, M, N int) (int, int) {
	best, at := data[0], 0
	for i, v := range data {
		if v > best {
			best, at = v, i
		}
	}
	r, c := at/N, at%N
	if r >= (M+1)/2 {
		r -= M
	}
	if c >= (N+1)/2 {
		c -= N
	}
	return r, c
}

// Build the two wavelet families on a 64×64 grid and locate the Fourier peak
// of the orientation θ = 0 filter at scale j = 1. The Morlet angle is measured
// from the row axis and the bump-steerable angle from the column axis, so the
// two peaks lie on different axes; the radii are ξ = (3π/4)/2 (Morlet) and
// 0.85π/2 (bump) radians per pixel, i.e. about 12 and 14 frequency bins.
func Example() {
	const M, N, J, L = 64, 64, 3, 4
	morlet := filters.MorletCheng(M, N, J, L) // index k = j·L + l
	bump := filters.BumpSteerable(M, N, J, L)
	fmt.Println("filters per bank:", morlet.K, bump.K, "of", morlet.H, "×", morlet.W)

	// Morlet: θ_l = MorletTheta(l, L) = (1 − l)·π/4, so θ = 0 is l = 1.
	fmt.Printf("Morlet θ_1 = %.2f rad\n", filters.MorletTheta(1, L))
	r, c := peak(morlet.Filter(1*L+1), M, N)
	fmt.Println("Morlet j=1 θ=0 peak (k_row, k_col) bins:", r, c)
	// Bump-steerable: θ_l = l·π/L, so θ = 0 is l = 0.
	r, c = peak(bump.Filter(1*L+0), M, N)
	fmt.Println("bump   j=1 θ=0 peak (k_row, k_col) bins:", r, c)
	// Output:
	// filters per bank: 12 12 of 64 × 64
	// Morlet θ_1 = 0.00 rad
	// Morlet j=1 θ=0 peak (k_row, k_col) bins: 12 0
	// bump   j=1 θ=0 peak (k_row, k_col) bins: 0 14
}
