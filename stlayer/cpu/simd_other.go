//go:build !amd64 || purego

package cpu

var useAVX2 = false

func r4AVX2(a, b, c, d, oa, ob, oc, od *complex128, n int, k *r4Consts) {
	panic("cpu: no vector kernels on this architecture")
}

func cmulAVX2(dst, x, y *complex128, n int, k *cmulConsts, add int) {
	panic("cpu: no vector kernels on this architecture")
}

func dot4AVX2(out *[16]float64, x *complex128, n int, w *complex128, stride int) {
	panic("cpu: no vector kernels on this architecture")
}

func grad4AVX2(buf *complex128, n int, w *complex128, stride int, gk *[4]complex128) {
	panic("cpu: no vector kernels on this architecture")
}

func axpyRealAVX2(d, x *complex128, f *float64, n int, s float64) {
	panic("cpu: no vector kernels on this architecture")
}

func r3stAVX2(a, b, c, o0, o1, o2 *complex128, n int, k *[12]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func r3difAVX2(a, b, c *complex128, n int, w1, w2 *complex128, k *[12]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func r2stAVX2(a, b, o0, o1 *complex128, n int, w *[2]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func sumAbsAVX2(x *complex128, n int) (s1, s2 float64) {
	panic("cpu: no vector kernels on this architecture")
}

func absPackAVX2(row, zs *complex128, n int, im int) {
	panic("cpu: no vector kernels on this architecture")
}

func absGradAVX2(d, x, gp *complex128, n int, gc float64, mode int) {
	panic("cpu: no vector kernels on this architecture")
}

func absDot4AVX2(out *[16]float64, x *complex128, n int, m0, m1, m2, m3 *float64) {
	panic("cpu: no vector kernels on this architecture")
}

func prodDot4AVX2(out *[16]float64, x, y *complex128, n int, w *complex128, stride int, k *cmulConsts) {
	panic("cpu: no vector kernels on this architecture")
}

func prodGradAVX2(da, db, a, b, w *complex128, stride, n int, gk *[4]complex128, k *[20]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func chunksAVX2(d *complex128, dstep int, x *complex128, xstep int, f *float64, w, nchunks int, s float64) {
	panic("cpu: no vector kernels on this architecture")
}

func r4twStageAVX2(x *complex128, n, q int, w1, w2, w3 *complex128, mask *[4]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func scaleAVX2(d, x *complex128, n int, c float64, add int) {
	panic("cpu: no vector kernels on this architecture")
}

func phaseHarmAVX2(y, x *complex128, n, p int, k *[8]float64) {
	panic("cpu: no vector kernels on this architecture")
}

func phaseHarmGradAVX2(d, gp, x, y *complex128, n int, k *[12]float64, add int) {
	panic("cpu: no vector kernels on this architecture")
}

func dotAVX2(out *[8]float64, a, b *complex128, n int) {
	panic("cpu: no vector kernels on this architecture")
}

func cscaleAVX2(d, x *complex128, n int, k *[8]float64, add int) {
	panic("cpu: no vector kernels on this architecture")
}

func phaseHarmBackAVX2(dO, dZ, z, o *complex128, n, p int, k *phGradConsts, flags int) {
	panic("cpu: no vector kernels on this architecture")
}
