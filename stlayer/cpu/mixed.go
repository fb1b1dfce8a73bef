package cpu

import "math"

// mixedPlan is this package's FFT for lengths that are not powers of two: a
// Stockham autosort FFT (out of place, natural order, no bit reversal) with
// radices 4, 2, 3, 5; other prime factors r go through genericStage: a
// direct O(r²) butterfly below bluesteinMinRadix, Bluestein's chirp-z
// algorithm (power-of-two FFTs of length ≥ 2r − 1) from there on, so that
// a side such as 501 = 3·167 or 997 costs a few times a power of two's
// rather than ~r/10 times. It transforms blocks of rows ("vector" form: n rows of width contiguous
// values, one twiddle per row pair), the layout of column transforms; row
// transforms go through a transposed block. Read-only once built.
type mixedPlan struct {
	n      int
	stages []mixedStage
}

type mixedStage struct {
	r, ns int           // radix, product of the radices before this stage
	tw    []complex128  // tw[(j mod ns)*(r−1) + q−1] = e^{−2πi q (j mod ns)/(ns·r)}
	twi   []complex128  // conjugates of tw (inverse)
	gen   *genericStage // radix > 5: direct or Bluestein DFTs
}

func factorRadices(n int) []int {
	var rs []int
	for n%4 == 0 {
		rs, n = append(rs, 4), n/4
	}
	for _, p := range []int{2, 3, 5} {
		for n%p == 0 {
			rs, n = append(rs, p), n/p
		}
	}
	for p := 7; n > 1; p += 2 {
		for n%p == 0 {
			rs, n = append(rs, p), n/p
		}
		if p*p > n && n > 1 {
			rs, n = append(rs, n), 1
		}
	}
	return rs
}

func newMixedPlan(n int) *mixedPlan { return newMixedPlanWith(n, bluesteinMinRadix) }

// newMixedPlanWith is newMixedPlan with prime radices ≥ minBluestein done by
// Bluestein's algorithm (tests compare with the direct butterfly); see
// planRadices for when the whole length is one Bluestein stage.
func newMixedPlanWith(n, minBluestein int) *mixedPlan {
	return newMixedPlanRadices(n, planRadices(n, minBluestein), minBluestein)
}

// newMixedPlanRadices builds the plan of length n = Π rs with the stages rs.
func newMixedPlanRadices(n int, rs []int, minBluestein int) *mixedPlan {
	p := &mixedPlan{n: n}
	ns := 1
	for _, r := range rs {
		st := mixedStage{r: r, ns: ns, tw: make([]complex128, ns*(r-1)), twi: make([]complex128, ns*(r-1))}
		for j := 0; j < ns; j++ {
			for q := 1; q < r; q++ {
				s, c := math.Sincos(-2 * math.Pi * float64(q*j) / float64(ns*r))
				st.tw[j*(r-1)+q-1] = complex(c, s)
				st.twi[j*(r-1)+q-1] = complex(c, -s)
			}
		}
		if r > 5 {
			st.gen = newGenericStage(r, r >= minBluestein)
		}
		p.stages = append(p.stages, st)
		ns *= r
	}
	return p
}

// columns transforms in place the n × width block whose row i is
// x[i*stride : i*stride+width], along the rows index (each column is one
// sequence), then multiplies by scale. scratch must hold n*width values.
func (p *mixedPlan) columns(x []complex128, stride, width int, inverse bool, scale float64, scratch []complex128) {
	n := p.n
	src, sstr := x, stride
	dst, dstr := scratch[:n*width], width
	for _, st := range p.stages {
		st.apply(src, sstr, dst, dstr, n, width, inverse)
		src, sstr, dst, dstr = dst, dstr, src, sstr
	}
	// The result is in src.
	sc := complex(scale, 0)
	if &src[0] != &x[0] {
		for i := 0; i < n; i++ {
			d, s := x[i*stride:i*stride+width], src[i*width:(i+1)*width]
			if scale == 1 {
				copy(d, s)
				continue
			}
			for k, v := range s {
				d[k] = sc * v
			}
		}
	} else if scale != 1 {
		for i := 0; i < n; i++ {
			d := x[i*stride : i*stride+width]
			for k := range d {
				d[k] *= sc
			}
		}
	}
}

// apply runs one Stockham stage: for j < n/r, the inputs are rows j + q·n/r
// (q < r), twiddled by e^{∓2πi q (j mod ns)/(ns·r)}, and the r-point DFT goes
// to rows (j/ns)·ns·r + j mod ns + q·ns.
func (st *mixedStage) apply(src []complex128, sstr int, dst []complex128, dstr int, n, width int, inverse bool) {
	r, ns := st.r, st.ns
	m := n / r
	sg := 1.0
	if inverse {
		sg = -1
	}
	in := func(j, q int) []complex128 { i := j + q*m; return src[i*sstr : i*sstr+width] }
	out := func(j, q int) []complex128 {
		i := (j/ns)*ns*r + j%ns + q*ns
		return dst[i*dstr : i*dstr+width]
	}
	tw := func(j, q int) complex128 {
		w := st.tw[(j%ns)*(r-1)+q-1]
		if inverse {
			return complex(real(w), -imag(w))
		}
		return w
	}
	twt := st.tw
	if inverse {
		twt = st.twi
	}
	// Row i of src / dst as a width-long slice.
	srow := func(i int) []complex128 { return src[i*sstr : i*sstr+width] }
	drow := func(i int) []complex128 { return dst[i*dstr : i*dstr+width] }
	switch r {
	case 2:
		for j := 0; j < m; j++ {
			jm := j % ns
			o := (j/ns)*ns*r + jm
			a, b := srow(j), srow(j + m)[:width]
			o0, o1 := drow(o)[:width], drow(o + ns)[:width]
			w1 := twt[jm]
			if useAVX2 {
				r2st(a, b, o0, o1, w1)
				continue
			}
			for k, u := range a {
				v := b[k] * w1
				o0[k], o1[k] = u+v, u-v
			}
		}
	case 4:
		for j := 0; j < m; j++ {
			jm := j % ns
			o := (j/ns)*ns*r + jm
			a := srow(j)
			b, c, d := srow(j + m)[:len(a)], srow(j + 2*m)[:len(a)], srow(j + 3*m)[:len(a)]
			o0, o1, o2, o3 := drow(o)[:len(a)], drow(o + ns)[:len(a)], drow(o + 2*ns)[:len(a)], drow(o + 3*ns)[:len(a)]
			t := twt[jm*3 : jm*3+3]
			w1, w2, w3 := t[0], t[1], t[2]
			if useAVX2 {
				// x0 + x2 pairs first: r4's second input is the one
				// multiplied by its w2, its third by its w1.
				r4oop(a, c, b, d, o0, o1, o2, o3, w1, w2, w3, inverse)
				continue
			}
			if jm == 0 {
				for k, x0 := range a {
					x1, x2, x3 := b[k], c[k], d[k]
					s02, d02 := x0+x2, x0-x2
					s13, d13 := x1+x3, x1-x3
					jd := complex(sg*imag(d13), -sg*real(d13)) // ∓i·(x1−x3)
					o0[k], o2[k] = s02+s13, s02-s13
					o1[k], o3[k] = d02+jd, d02-jd
				}
				continue
			}
			for k, x0 := range a {
				x1, x2, x3 := b[k]*w1, c[k]*w2, d[k]*w3
				s02, d02 := x0+x2, x0-x2
				s13, d13 := x1+x3, x1-x3
				jd := complex(sg*imag(d13), -sg*real(d13)) // ∓i·(x1−x3)
				o0[k], o2[k] = s02+s13, s02-s13
				o1[k], o3[k] = d02+jd, d02-jd
			}
		}
	case 3:
		const s3 = 0.86602540378443864676 // sin(2π/3)
		for j := 0; j < m; j++ {
			jm := j % ns
			o := (j/ns)*ns*r + jm
			a := srow(j)
			b, c := srow(j + m)[:len(a)], srow(j + 2*m)[:len(a)]
			o0, o1, o2 := drow(o)[:len(a)], drow(o + ns)[:len(a)], drow(o + 2*ns)[:len(a)]
			w1, w2 := twt[jm*2], twt[jm*2+1]
			if useAVX2 {
				r3st(a, b, c, o0, o1, o2, w1, w2, inverse)
				continue
			}
			for k, x0 := range a {
				x1, x2 := b[k]*w1, c[k]*w2
				t1 := x1 + x2
				t2 := x0 - complex(0.5*real(t1), 0.5*imag(t1))
				d := x1 - x2
				t3 := complex(sg*s3*imag(d), -sg*s3*real(d)) // ∓i·s3·(x1−x2)
				o0[k] = x0 + t1
				o1[k], o2[k] = t2+t3, t2-t3
			}
		}
	case 5:
		c1, c2 := math.Cos(2*math.Pi/5), math.Cos(4*math.Pi/5)
		s1, s2 := sg*math.Sin(2*math.Pi/5), sg*math.Sin(4*math.Pi/5)
		for j := 0; j < m; j++ {
			a := in(j, 0)
			b, c, d, e := in(j, 1)[:len(a)], in(j, 2)[:len(a)], in(j, 3)[:len(a)], in(j, 4)[:len(a)]
			o0, o1, o2, o3, o4 := out(j, 0)[:len(a)], out(j, 1)[:len(a)], out(j, 2)[:len(a)], out(j, 3)[:len(a)], out(j, 4)[:len(a)]
			w1, w2, w3, w4 := tw(j, 1), tw(j, 2), tw(j, 3), tw(j, 4)
			for k := range a {
				x0, x1, x2, x3, x4 := a[k], b[k]*w1, c[k]*w2, d[k]*w3, e[k]*w4
				t1, t2, t3, t4 := x1+x4, x2+x3, x1-x4, x2-x3
				r1 := x0 + complex(c1*real(t1)+c2*real(t2), c1*imag(t1)+c2*imag(t2))
				r2 := x0 + complex(c2*real(t1)+c1*real(t2), c2*imag(t1)+c1*imag(t2))
				// i1 = −i(s1 t3 + s2 t4), i2 = −i(s2 t3 − s1 t4) (forward).
				u1 := complex(s1*real(t3)+s2*real(t4), s1*imag(t3)+s2*imag(t4))
				u2 := complex(s2*real(t3)-s1*real(t4), s2*imag(t3)-s1*imag(t4))
				i1 := complex(imag(u1), -real(u1))
				i2 := complex(imag(u2), -real(u2))
				o0[k] = x0 + t1 + t2
				o1[k], o4[k] = r1+i1, r1-i1
				o2[k], o3[k] = r2+i2, r2-i2
			}
		}
	default:
		st.gen.apply(st, src, sstr, dst, dstr, n, width, inverse)
	}
}
