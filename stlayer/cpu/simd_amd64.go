//go:build amd64 && !purego

package cpu

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels (AVX2 and FMA present; the
// environment variable STKIT_NOSIMD=1 turns them off, see engine.go).
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && !noSIMDEnv()

//go:noescape
func r4AVX2(a, b, c, d, oa, ob, oc, od *complex128, n int, k *r4Consts)

//go:noescape
func cmulAVX2(dst, x, y *complex128, n int, k *cmulConsts, add int)

//go:noescape
func dot4AVX2(out *[16]float64, x *complex128, n int, w *complex128, stride int)

//go:noescape
func grad4AVX2(buf *complex128, n int, w *complex128, stride int, gk *[4]complex128)

//go:noescape
func axpyRealAVX2(d, x *complex128, f *float64, n int, s float64)

//go:noescape
func r3stAVX2(a, b, c, o0, o1, o2 *complex128, n int, k *[12]float64)

//go:noescape
func r3difAVX2(a, b, c *complex128, n int, w1, w2 *complex128, k *[12]float64)

//go:noescape
func r2stAVX2(a, b, o0, o1 *complex128, n int, w *[2]float64)

//go:noescape
func sumAbsAVX2(x *complex128, n int) (s1, s2 float64)

//go:noescape
func absPackAVX2(row, zs *complex128, n int, im int)

//go:noescape
func absGradAVX2(d, x, gp *complex128, n int, gc float64, mode int)

//go:noescape
func absDot4AVX2(out *[16]float64, x *complex128, n int, m0, m1, m2, m3 *float64)

//go:noescape
func prodDot4AVX2(out *[16]float64, x, y *complex128, n int, w *complex128, stride int, k *cmulConsts)

//go:noescape
func prodGradAVX2(da, db, a, b, w *complex128, stride, n int, gk *[4]complex128, k *[20]float64)

//go:noescape
func chunksAVX2(d *complex128, dstep int, x *complex128, xstep int, f *float64, w, nchunks int, s float64)

//go:noescape
func r4twStageAVX2(x *complex128, n, q int, w1, w2, w3 *complex128, mask *[4]float64)

//go:noescape
func scaleAVX2(d, x *complex128, n int, c float64, add int)

//go:noescape
func phaseHarmAVX2(y, x *complex128, n, p int, k *[8]float64)

//go:noescape
func phaseHarmGradAVX2(d, gp, x, y *complex128, n int, k *[12]float64, add int)

//go:noescape
func dotAVX2(out *[8]float64, a, b *complex128, n int)

//go:noescape
func cscaleAVX2(d, x *complex128, n int, k *[8]float64, add int)

//go:noescape
func phaseHarmBackAVX2(dO, dZ, z, o *complex128, n, p int, k *phGradConsts, flags int)
