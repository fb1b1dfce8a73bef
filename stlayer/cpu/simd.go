package cpu

import (
	"math"
	"os"
)

// Vector kernels. The hot inner loops of the FFT (radix-4 butterflies over
// whole row segments) and of the fused product kernels are written once in
// Go (the reference, used for tails and on machines without AVX2/FMA) and,
// on amd64 with AVX2 and FMA, in assembly (simd_amd64.s), two complex128
// values per 256-bit register. Both compute the same IEEE operations up to
// the fused multiply-adds' single rounding, so results agree to a few ulps.

// r4Consts packs the constants of one radix-4 butterfly group for r4Kernel:
// twiddles w1, w2, w3 (re, im), the scale applied to the outputs, and the
// sign mask of the ∓i rotation (forward: (0, −0), inverse: (−0, 0), twice).
type r4Consts [12]float64

func newR4Consts(w1, w2, w3 complex128, inverse bool, scale float64) r4Consts {
	var k r4Consts
	k[0], k[1], k[2], k[3], k[4], k[5] = real(w1), imag(w1), real(w2), imag(w2), real(w3), imag(w3)
	k[6] = scale
	neg := negZero()
	if inverse {
		k[8], k[10] = neg, neg
	} else {
		k[9], k[11] = neg, neg
	}
	return k
}

func negZero() float64 {
	z := 0.0
	return -z
}

// r4Go is the radix-4 decimation-in-time butterfly of this package's FFTs
// on four row segments in place (a gets the sum, b·w2, c·w1, d·w3 as in
// radixPlan.columns), outputs multiplied by scale.
func r4Go(a, b, c, d []complex128, w1, w2, w3 complex128, inverse bool, scale float64) {
	r4oopGo(a, b, c, d, a, b, c, d, w1, w2, w3, inverse, scale)
}

// r4oopGo is r4Go with separate outputs: inputs a, b·w2, c·w1, d·w3;
// outputs oa = a1+s', ob = b1+jj, oc = a1−s', od = b1−jj (a1 = a+b·w2,
// b1 = a−b·w2, s' = c·w1+d·w3, jj = ∓i(c·w1−d·w3)), times scale. The
// outputs may be the inputs.
func r4oopGo(a, b, c, d, oa, ob, oc, od []complex128, w1, w2, w3 complex128, inverse bool, scale float64) {
	n := len(a)
	b, c, d, oa, ob, oc, od = b[:n], c[:n], d[:n], oa[:n], ob[:n], oc[:n], od[:n]
	sg := 1.0
	if inverse {
		sg = -1
	}
	sc := complex(scale, 0)
	for i := range a {
		u := a[i]
		v := b[i] * w2
		s := c[i] * w1
		t := d[i] * w3
		a1, b1 := u+v, u-v
		s, t = s+t, s-t
		jj := complex(sg*imag(t), -sg*real(t))
		if scale == 1 {
			oa[i], oc[i] = a1+s, a1-s
			ob[i], od[i] = b1+jj, b1-jj
		} else {
			oa[i], oc[i] = sc*(a1+s), sc*(a1-s)
			ob[i], od[i] = sc*(b1+jj), sc*(b1-jj)
		}
	}
}

// r4 runs r4Go with the vector kernel where available.
func r4(a, b, c, d []complex128, w1, w2, w3 complex128, inverse bool, scale float64) {
	r4oopScaled(a, b, c, d, a, b, c, d, w1, w2, w3, inverse, scale)
}

// r4oop runs r4oopGo (scale 1) with the vector kernel where available.
func r4oop(a, b, c, d, oa, ob, oc, od []complex128, w1, w2, w3 complex128, inverse bool) {
	r4oopScaled(a, b, c, d, oa, ob, oc, od, w1, w2, w3, inverse, 1)
}

func r4oopScaled(a, b, c, d, oa, ob, oc, od []complex128, w1, w2, w3 complex128, inverse bool, scale float64) {
	n := len(a)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		k := newR4Consts(w1, w2, w3, inverse, scale)
		r4AVX2(&a[0], &b[0], &c[0], &d[0], &oa[0], &ob[0], &oc[0], &od[0], m, &k)
	}
	if m < n {
		r4oopGo(a[m:], b[m:n], c[m:n], d[m:n], oa[m:n], ob[m:n], oc[m:n], od[m:n], w1, w2, w3, inverse, scale)
	}
}

// noSIMDEnv reports whether STKIT_NOSIMD=1 asks for the pure-Go kernels.
func noSIMDEnv() bool { return os.Getenv("STKIT_NOSIMD") == "1" }

// SIMD reports whether the engine's vector (AVX2+FMA assembly) kernels are
// in use on this machine.
func SIMD() bool { return useAVX2 }

// rotMask returns the sign mask of the ∓i rotation of the radix-4
// butterfly (see r4Consts).
func rotMask(inverse bool) *[4]float64 {
	if inverse {
		return &rotInv
	}
	return &rotFwd
}

var (
	rotFwd = [4]float64{0, negZero(), 0, negZero()}
	rotInv = [4]float64{negZero(), 0, negZero(), 0}
)

// r4twGo is r4Go with one twiddle triple per element and no scale.
func r4twGo(a, b, c, d, w1, w2, w3 []complex128, inverse bool) {
	n := len(a)
	b, c, d, w1, w2, w3 = b[:n], c[:n], d[:n], w1[:n], w2[:n], w3[:n]
	sg := 1.0
	if inverse {
		sg = -1
	}
	for j, u := range a {
		v := b[j] * w2[j]
		s := c[j] * w1[j]
		t := d[j] * w3[j]
		a1, b1 := u+v, u-v
		s, t = s+t, s-t
		jj := complex(sg*imag(t), -sg*real(t))
		a[j], c[j] = a1+s, a1-s
		b[j], d[j] = b1+jj, b1-jj
	}
}

// r4twStage runs one radix-4 stage of span q over x (len(x) a multiple of
// 4q): r4twGo on the quarters of every block of 4q values, with the vector
// kernel where available (q even).
func r4twStage(x []complex128, q int, w1, w2, w3 []complex128, inverse bool) {
	n := len(x)
	if useAVX2 && q%2 == 0 && n > 0 {
		r4twStageAVX2(&x[0], n, q, &w1[0], &w2[0], &w3[0], rotMask(inverse))
		return
	}
	for k0 := 0; k0+4*q <= n; k0 += 4 * q {
		r4twGo(x[k0:k0+q], x[k0+q:k0+2*q], x[k0+2*q:k0+3*q], x[k0+3*q:k0+4*q], w1, w2, w3, inverse)
	}
}

// cmulConsts packs the constants of cmulInto: the scale s and the
// sign masks that conjugate x and y.
type cmulConsts [12]float64

func newCmulConsts(s float64, conjX, conjY bool) cmulConsts {
	k := cmulConsts{0: s}
	if conjX {
		k[5], k[7] = negZero(), negZero()
	}
	if conjY {
		k[9], k[11] = negZero(), negZero()
	}
	return k
}

func cprod(x, y complex128, conjX, conjY bool) complex128 {
	if conjX {
		x = complex(real(x), -imag(x))
	}
	if conjY {
		y = complex(real(y), -imag(y))
	}
	return x * y
}

// cmulInto writes s·(x·y) to dst elementwise or, with add, adds it; x
// and/or y are conjugated first as asked (len(x), len(y) ≥ len(dst)).
func cmulInto(dst, x, y []complex128, s float64, conjX, conjY, add bool) {
	n := len(dst)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		k := newCmulConsts(s, conjX, conjY)
		f := b2i(add)
		cmulAVX2(&dst[0], &x[0], &y[0], m, &k, f)
	}
	x, y = x[:n], y[:n]
	for i := m; i < n; i++ {
		v := cprod(x[i], y[i], conjX, conjY)
		v = complex(s*real(v), s*imag(v))
		if add {
			dst[i] += v
		} else {
			dst[i] = v
		}
	}
}

// axpyReal adds s·f[i]·x[i] to d[i] (f real; len(x), len(f) ≥ len(d)).
func axpyReal(d, x []complex128, f []float64, s float64) {
	n := len(d)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		axpyRealAVX2(&d[0], &x[0], &f[0], m, s)
	}
	x, f = x[:n], f[:n]
	for i := m; i < n; i++ {
		v := s * f[i]
		d[i] += complex(v*real(x[i]), v*imag(x[i]))
	}
}

func r3Consts(w1, w2 complex128, inverse bool) [12]float64 {
	sg := 1.0
	if inverse {
		sg = -1
	}
	s := sg * sin60
	return [12]float64{real(w1), imag(w1), real(w2), imag(w2), s, -s, s, -s, 0.5}
}

// r3st is the Stockham radix-3 butterfly of mixedStage.apply: x1 = b·w1,
// x2 = c·w2, o0 = x0+x1+x2, o1 = t2+t3, o2 = t2−t3 (t1 = x1+x2, t2 = x0−t1/2,
// t3 = ∓i·sin60·(x1−x2)).
func r3st(a, b, c, o0, o1, o2 []complex128, w1, w2 complex128, inverse bool) {
	n := len(a)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		k := r3Consts(w1, w2, inverse)
		r3stAVX2(&a[0], &b[0], &c[0], &o0[0], &o1[0], &o2[0], m, &k)
	}
	sg := 1.0
	if inverse {
		sg = -1
	}
	for k := m; k < n; k++ {
		x0, x1, x2 := a[k], b[k]*w1, c[k]*w2
		t1 := x1 + x2
		t2 := x0 - complex(0.5*real(t1), 0.5*imag(t1))
		d := x1 - x2
		t3 := complex(sg*sin60*imag(d), -sg*sin60*real(d))
		o0[k] = x0 + t1
		o1[k], o2[k] = t2+t3, t2-t3
	}
}

// r3dif is the in-place radix-3 DIF step of p3Plan.transform with
// per-element twiddles (already conjugated for the inverse).
func r3dif(a, b, c, w1, w2 []complex128, inverse bool) {
	n := len(a)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		k := r3Consts(0, 0, inverse)
		r3difAVX2(&a[0], &b[0], &c[0], m, &w1[0], &w2[0], &k)
	}
	sg := 1.0
	if inverse {
		sg = -1
	}
	for t := m; t < n; t++ {
		a[t], b[t], c[t] = butterfly3(a[t], b[t], c[t], w1[t], w2[t], sg)
	}
}

// r2st is the Stockham radix-2 butterfly: o0 = a + b·w, o1 = a − b·w.
func r2st(a, b, o0, o1 []complex128, w complex128) {
	n := len(a)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		r2stAVX2(&a[0], &b[0], &o0[0], &o1[0], m, &[2]float64{real(w), imag(w)})
	}
	for k := m; k < n; k++ {
		v := b[k] * w
		o0[k], o1[k] = a[k]+v, a[k]-v
	}
}

// sumAbs returns Σ|x| and Σ|x|².
func sumAbs(x []complex128) (s1, s2 float64) {
	m := 0
	if useAVX2 && len(x) >= 4 {
		m = len(x) &^ 3
		s1, s2 = sumAbsAVX2(&x[0], m)
	}
	for _, z := range x[m:] {
		v := real(z)*real(z) + imag(z)*imag(z)
		s1 += math.Sqrt(v)
		s2 += v
	}
	return s1, s2
}

// absPack writes |zs[k]| into the real part of row[k] (imaginary part 0) or,
// with im, into its imaginary part (real part kept).
func absPack(row, zs []complex128, im bool) {
	n := len(row)
	m := 0
	if useAVX2 && n >= 4 {
		m = n &^ 3
		f := b2i(im)
		absPackAVX2(&row[0], &zs[0], m, f)
	}
	zs = zs[:n]
	for k := m; k < n; k++ {
		z := zs[k]
		v := math.Sqrt(real(z)*real(z) + imag(z)*imag(z))
		if im {
			row[k] = complex(real(row[k]), v)
		} else {
			row[k] = complex(v, 0)
		}
	}
}

// absGrad sets (or, with add, adds to) d[i] the gradient of |x[i]| for the
// upstream value c_i: c_i·x[i]/|x[i]| (0 at x[i] = 0), c_i = Re g[i], or gc
// for every i when g is nil.
func absGrad(d, x, g []complex128, gc float64, add bool) {
	n := len(d)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		mode := 0
		if add {
			mode |= 1
		}
		gp := &x[0]
		if g == nil {
			mode |= 2
		} else {
			gp = &g[0]
		}
		absGradAVX2(&d[0], &x[0], gp, m, gc, mode)
	}
	x = x[:n]
	for i := m; i < n; i++ {
		z := x[i]
		c := gc
		if g != nil {
			c = real(g[i])
		}
		m2 := real(z)*real(z) + imag(z)*imag(z)
		var v complex128
		if m2 != 0 {
			s := c / math.Sqrt(m2)
			v = complex(s*real(z), s*imag(z))
		}
		if add {
			d[i] += v
		} else {
			d[i] = v
		}
	}
}

// absDot4 adds Σ_j |x[j]|·m[k][j] to out[k] (real sums), k < 4.
func absDot4(out []complex128, x []complex128, m [][]float64) {
	n := len(x)
	j0 := 0
	var s [4]float64
	if useAVX2 && n >= 4 {
		j0 = n &^ 3
		var acc [16]float64
		absDot4AVX2(&acc, &x[0], j0, &m[0][0], &m[1][0], &m[2][0], &m[3][0])
		for k := range s {
			s[k] = acc[4*k] + acc[4*k+1] + acc[4*k+2] + acc[4*k+3]
		}
	}
	for j := j0; j < n; j++ {
		z := x[j]
		v := math.Sqrt(real(z)*real(z) + imag(z)*imag(z))
		for k := range s {
			s[k] += v * m[k][j]
		}
	}
	for k := range s {
		out[k] += complex(s[k], 0)
	}
}

// scaleInto sets d[i] = c·x[i] or, with add, adds it (len(x) ≥ len(d)).
func scaleInto(d, x []complex128, c float64, add bool) {
	n := len(d)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		f := b2i(add)
		scaleAVX2(&d[0], &x[0], m, c, f)
	}
	x = x[:n]
	for i := m; i < n; i++ {
		v := complex(c*real(x[i]), c*imag(x[i]))
		if add {
			d[i] += v
		} else {
			d[i] = v
		}
	}
}

// phConsts returns the constants of phaseHarmAVX2: the sign mask that
// conjugates x (conj) and four ones.
func phConsts(conj bool) [8]float64 {
	k := [8]float64{4: 1, 5: 1, 6: 1, 7: 1}
	if conj {
		k[1], k[3] = negZero(), negZero()
	}
	return k
}

// phaseHarm sets y[i] = |x[i]|·u_i^p with u_i = x[i]/|x[i]| (0 where
// x[i] = 0), for p ≠ 0, ±1 handled too; p < 0 uses u^{−1} = conj(u). The
// power is taken by binary exponentiation (squarings from the lowest bit of
// |p|), the same products in the Go loop and the vector kernel.
func phaseHarm(y, x []complex128, p int) {
	n := len(y)
	conj := p < 0
	if conj {
		p = -p
	}
	m := 0
	if useAVX2 && n >= 4 && p >= 1 {
		m = n &^ 3
		k := phConsts(conj)
		phaseHarmAVX2(&y[0], &x[0], m, p, &k)
	}
	if m < n {
		phaseHarmGo(y[m:n], x[m:n], p, conj)
	}
}

// phaseHarmGo is phaseHarm's Go loop (p ≥ 1; conj: x conjugated first),
// in blocks so that the multiplications of the power run across elements.
func phaseHarmGo(y, x []complex128, p int, conj bool) {
	const bs = 256
	var u, pw [bs]complex128
	var m [bs]float64
	x = x[:len(y)]
	for lo := 0; lo < len(x); lo += bs {
		xs := x[lo:min(lo+bs, len(x))]
		ys := y[lo : lo+len(xs)]
		for i, z := range xs {
			if conj {
				z = complex(real(z), -imag(z))
			}
			mi := math.Sqrt(real(z)*real(z) + imag(z)*imag(z))
			m[i] = mi
			if mi == 0 {
				u[i] = 0
				continue
			}
			inv := 1 / mi
			u[i] = complex(real(z)*inv, imag(z)*inv)
		}
		blockPow(pw[:len(xs)], u[:len(xs)], p)
		for i := range ys {
			v := pw[i]
			ys[i] = complex(real(v)*m[i], imag(v)*m[i])
		}
	}
}

// phaseHarmGrad sets (or, with add, adds to) d[i] the gradient of
// w = [x]^p at x[i] for the upstream gradient g[i], given w = y[i]:
// with c = conj(g)·w = P + iQ, g_x = ((P − i·p·Q)·x)·(1/|x|²) (0 at x = 0),
// which is ((1−p)/2)·conj(g)·w/x̄ + ((1+p)/2)·g·conj(w)/x̄.
func phaseHarmGrad(d, g, x, y []complex128, p int, add bool) {
	n := len(d)
	m := 0
	if useAVX2 && n >= 4 {
		m = n &^ 3
		f := b2i(add)
		k := [12]float64{1: negZero(), 3: negZero(), 4: 1, 5: -float64(p), 6: 1, 7: -float64(p), 8: 1, 9: 1, 10: 1, 11: 1}
		phaseHarmGradAVX2(&d[0], &g[0], &x[0], &y[0], m, &k, f)
	}
	g, x, y = g[:n], x[:n], y[:n]
	fp := float64(p)
	for i := m; i < n; i++ {
		z := x[i]
		nz := real(z)*real(z) + imag(z)*imag(z)
		var v complex128
		if nz != 0 {
			w, gg := y[i], g[i]
			P := real(gg)*real(w) + imag(gg)*imag(w)
			Q := real(gg)*imag(w) - imag(gg)*real(w)
			tr, ti := P, -fp*Q
			inv := 1 / nz
			v = complex((tr*real(z)-ti*imag(z))*inv, (tr*imag(z)+ti*real(z))*inv)
		}
		if add {
			d[i] += v
		} else {
			d[i] = v
		}
	}
}

// dotProduct returns Σ a[t]·conj(b[t]) (conj) or Σ a[t]·b[t] (len(b) ≥
// len(a)) as (real, imaginary) parts.
func dotProduct(a, b []complex128, conj bool) (float64, float64) {
	n := len(a)
	m := 0
	var sr, si float64
	if useAVX2 && n >= 4 {
		m = n &^ 3
		var acc [8]float64
		dotAVX2(&acc, &a[0], &b[0], m)
		// acc[0:4] = Σ [ar·br, ai·bi, …], acc[4:8] = Σ [ar·bi, ai·br, …].
		if conj {
			sr = (acc[0] + acc[1]) + (acc[2] + acc[3])
			si = (acc[5] - acc[4]) + (acc[7] - acc[6])
		} else {
			sr = (acc[0] - acc[1]) + (acc[2] - acc[3])
			si = (acc[4] + acc[5]) + (acc[6] + acc[7])
		}
	}
	if m < n {
		tr, ti := dotProductGo(a[m:n], b[m:n], conj)
		sr, si = sr+tr, si+ti
	}
	return sr, si
}

// cscaleInto sets d[i] = x̃[i]·c or, with add, adds it, x̃ = conj(x) when
// conj (len(x) ≥ len(d)).
func cscaleInto(d, x []complex128, c complex128, conj, add bool) {
	n := len(d)
	m := 0
	if useAVX2 && n >= 2 {
		m = n &^ 1
		k := [8]float64{4: real(c), 5: imag(c)}
		if conj {
			k[1], k[3] = negZero(), negZero()
		}
		f := b2i(add)
		cscaleAVX2(&d[0], &x[0], m, &k, f)
	}
	x = x[:n]
	cr, ci := real(c), imag(c)
	for i := m; i < n; i++ {
		xr, xi := real(x[i]), imag(x[i])
		if conj {
			xi = -xi
		}
		v := complex(xr*cr-xi*ci, xr*ci+xi*cr)
		if add {
			d[i] += v
		} else {
			d[i] = v
		}
	}
}

// b2i is 1 for true, 0 for false: the flag argument of the vector kernels.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phGradConsts packs the constants of phaseHarmBackAVX2 (four lanes each):
// [0:4] the mask that conjugates z (p < 0), [4:8] ones, [8:12] the mask
// that conjugates w for g_o (conjO), [12:16] Re cO, [16:20] Im cO, [20:24]
// the mask that conjugates o for conj(g_w) (not conjO), [24:28] Re cW,
// [28:32] −Im cW, [32:36] (1, −p, 1, −p) with the signed p.
type phGradConsts [36]float64

func newPHGradConsts(p int, cO, cW complex128, conjO bool) phGradConsts {
	var k phGradConsts
	neg := negZero()
	for l := 0; l < 4; l++ {
		k[4+l] = 1
		k[12+l], k[16+l] = real(cO), imag(cO)
		k[24+l], k[28+l] = real(cW), -imag(cW)
		if l%2 == 1 {
			if p < 0 {
				k[l] = neg
			}
			if conjO {
				k[8+l] = neg
			} else {
				k[20+l] = neg
			}
			k[32+l] = -float64(p)
		} else {
			k[32+l] = 1
		}
	}
	return k
}

// phaseHarmBack is the fused row adjoint of a product of w = [z]^p with
// another operand o read by a Mean: with õ = conj(o) when conjO (else o),
// it sets (or, with addO, adds to) dO[i] the value w̃[i]·cO (w̃ = conj(w)
// when conjO) and sets (or, with addZ, adds to) dZ[i] the gradient of [z]^p
// at z[i] for g_w = õ[i]·cW. With u = z/|z| and conj(g_w)·u^p = P′ + iQ′,
// that gradient is (P′ − i·p·Q′)·u (phaseHarmGrad's (P − i·p·Q)·z/|z|² with
// P + iQ = |z|·(P′ + iQ′)), so [z]^p = |z|·u^p, u and g_z take one square
// root and one division per element (per four elements in the vector
// kernel); 0 where z = 0 (|z|² = 0). p ≥ 2 or ≤ −2; u^p by the binary
// exponentiation of phaseHarm. len(z), len(o), len(dZ) ≥ len(dO).
func phaseHarmBack(dO, dZ, z, o []complex128, p int, cO, cW complex128, conjO, addO, addZ bool) {
	n := len(dO)
	ap := p
	if ap < 0 {
		ap = -ap
	}
	m := 0
	if useAVX2 && n >= 4 && ap >= 1 {
		m = n &^ 3
		k := newPHGradConsts(p, cO, cW, conjO)
		phaseHarmBackAVX2(&dO[0], &dZ[0], &z[0], &o[0], m, ap, &k, b2i(addO)|2*b2i(addZ))
	}
	if m < n {
		phaseHarmBackGo(dO[m:n], dZ[m:n], z[m:n], o[m:n], p, cO, cW, conjO, addO, addZ)
	}
}

// phaseHarmBackGo is phaseHarmBack's Go loop, in blocks as phaseHarmGo and
// with the vector kernel's operations in the same order.
func phaseHarmBackGo(dO, dZ, z, o []complex128, p int, cO, cW complex128, conjO, addO, addZ bool) {
	const bs = 256
	var u, pw [bs]complex128
	var m, iv [bs]float64
	n := len(dO)
	dZ, z, o = dZ[:n], z[:n], o[:n]
	conjZ := p < 0
	ap := p
	if conjZ {
		ap = -p
	}
	fp := float64(p)
	cWc := complex(real(cW), -imag(cW))
	for lo := 0; lo < n; lo += bs {
		hi := min(lo+bs, n)
		zs := z[lo:hi]
		for i, v := range zs {
			if conjZ {
				v = complex(real(v), -imag(v))
			}
			mi := math.Sqrt(real(v)*real(v) + imag(v)*imag(v))
			inv := 0.0
			if mi != 0 {
				inv = 1 / mi
			}
			m[i], iv[i] = mi, inv
			u[i] = complex(real(v)*inv, imag(v)*inv)
		}
		blockPow(pw[:len(zs)], u[:len(zs)], ap)
		for i, v := range zs {
			r := pw[i]
			w := complex(real(r)*m[i], imag(r)*m[i])
			if conjO {
				w = complex(real(w), -imag(w))
			}
			a := w * cO
			ov := o[lo+i]
			if !conjO {
				ov = complex(real(ov), -imag(ov))
			}
			cg := ov * cWc // conj(g_w)
			pq := cg * r
			pq = complex(real(pq), fp*-imag(pq))
			b := pq * complex(real(v)*iv[i], imag(v)*iv[i])
			if addO {
				dO[lo+i] += a
			} else {
				dO[lo+i] = a
			}
			if addZ {
				dZ[lo+i] += b
			} else {
				dZ[lo+i] = b
			}
		}
	}
}
