//go:build !amd64 || purego

package cpu

var useAVX2 = false

func r4AVX2(a, b, c, d *complex128, n int, k *r4Consts) { panic("cpu: no vector kernels on this architecture") }

func r4twAVX2(a, b, c, d *complex128, n int, w1, w2, w3 *complex128, mask *[4]float64) {
	panic("cpu: no vector kernels on this architecture")
}
