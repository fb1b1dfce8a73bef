package stlayer_test

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestFFT2FreqOrder pins the fftfreq order prim.go states for FFT2 (its
// comment spelled out even H only): the transform of exp(2πi(f n1/H + g n2/W))
// is HW at the row whose frequency is f and the column whose frequency is g,
// 0 elsewhere, with rows in the order (0, 1, …, H/2−1, −H/2, …, −1) for even
// H and (0, 1, …, (H−1)/2, −(H−1)/2, …, −1) for odd H.
func TestFFT2FreqOrder(t *testing.T) {
	order := map[int][]int{
		1: {0},
		2: {0, -1},
		3: {0, 1, -1},
		4: {0, 1, -2, -1},
		5: {0, 1, 2, -2, -1},
		6: {0, 1, 2, -3, -2, -1},
		7: {0, 1, 2, 3, -3, -2, -1},
	}
	e := cpu.New()
	for _, hw := range [][2]int{{5, 3}, {7, 4}, {4, 5}, {6, 7}, {3, 2}, {1, 5}} {
		H, W := hw[0], hw[1]
		for a, f := range order[H] {
			for b, g := range order[W] {
				buf := make([]complex128, H*W)
				for n1 := range H {
					for n2 := range W {
						ph := 2 * math.Pi * (float64(f*n1)/float64(H) + float64(g*n2)/float64(W))
						buf[n1*W+n2] = cmplx.Exp(complex(0, ph))
					}
				}
				e.FFT2InPlace(buf, 1, H, W, false)
				for k1 := range H {
					for k2 := range W {
						want := 0.0
						if k1 == a && k2 == b {
							want = float64(H * W)
						}
						if d := cmplx.Abs(buf[k1*W+k2] - complex(want, 0)); d > 1e-9 {
							t.Errorf("%d×%d, frequency (%d, %d): X[%d,%d] = %v, want %g (expected at [%d,%d])", H, W, f, g, k1, k2, buf[k1*W+k2], want, a, b)
						}
					}
				}
			}
		}
	}
}
