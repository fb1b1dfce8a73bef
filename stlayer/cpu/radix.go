package cpu

import (
	"math"
	"math/bits"
)

// radixPlan holds the tables of this package's power-of-two FFT: an iterative
// decimation-in-time FFT on bit-reversed input, with one radix-2 stage when
// log2 n is odd and radix-4 stages (three twiddle multiplications per four
// points) otherwise. The plan is read-only once built and may be shared.
type radixPlan struct {
	n, logn int
	tw, twi []complex128 // tw[k] = e^{−2πik/n}, twi[k] = conj(tw[k]), k < n
	rev     []int32      // bit-reversal permutation
	swaps   [][2]int32   // the pairs i < rev[i] it exchanges
	// stages[s] holds, for the radix-4 stage of span q = len(w1) ≥ 4, the
	// twiddles of j < q contiguously (forward and inverse): w1[j] = tw[j·n/4q],
	// w2[j] = tw[2j·n/4q], w3[j] = tw[3j·n/4q].
	stages []r4Stage
}

type r4Stage struct {
	w1, w2, w3, v1, v2, v3 []complex128 // v: conjugates (inverse)
}

func isPow2(n int) bool { return n > 0 && n&(n-1) == 0 }

func newRadixPlan(n int) *radixPlan {
	p := &radixPlan{n: n, logn: bits.TrailingZeros(uint(n))}
	p.tw = make([]complex128, n)
	p.twi = make([]complex128, n)
	for k := range p.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		p.tw[k] = complex(c, s)
		p.twi[k] = complex(c, -s)
	}
	p.rev = make([]int32, n)
	for i := range p.rev {
		p.rev[i] = int32(bits.Reverse(uint(i)) >> (bits.UintSize - p.logn))
	}
	if n == 1 {
		p.rev[0] = 0
	}
	for i, r := range p.rev {
		if i < int(r) {
			p.swaps = append(p.swaps, [2]int32{int32(i), r})
		}
	}
	q := 1
	if p.logn&1 == 1 {
		q = 2
	}
	if q == 1 && n >= 4 {
		q = 4
	}
	for ; q < n; q *= 4 {
		if q < 4 {
			continue
		}
		step := n / (4 * q)
		st := r4Stage{}
		for _, d := range []*[]complex128{&st.w1, &st.w2, &st.w3, &st.v1, &st.v2, &st.v3} {
			*d = make([]complex128, q)
		}
		for j := 0; j < q; j++ {
			st.w1[j], st.w2[j], st.w3[j] = p.tw[j*step], p.tw[2*j*step], p.tw[3*j*step]
			st.v1[j], st.v2[j], st.v3[j] = p.twi[j*step], p.twi[2*j*step], p.twi[3*j*step]
		}
		p.stages = append(p.stages, st)
	}
	return p
}

// transform computes in place the unnormalised DFT of x (len n), forward
// (e^{−2πikn/N}) or inverse (e^{+2πikn/N}), then multiplies by scale.
func (p *radixPlan) transform(x []complex128, inverse bool, scale float64) {
	n := p.n
	x = x[:n]
	q := 1
	if useAVX2 && n >= 16 {
		// The first stage before the bit reversal: the inputs of the
		// butterfly at bit-reversed positions k, k+1, k+2, k+3 (k ≡ 0 mod
		// 4) sit at r, r+n/2, r+n/4, r+3n/4 (r = rev(k) < n/4), and its
		// outputs go back there, so the stage runs over four contiguous
		// quarters (halves for a radix-2 first stage) and the permutation
		// follows.
		if p.logn&1 == 1 {
			h := n / 2
			r2st(x[:h], x[h:], x[:h], x[h:], 1)
			q = 2
		} else {
			h := n / 4
			r4(x[:h], x[2*h:3*h], x[h:2*h], x[3*h:], 1, 1, 1, inverse, 1)
			q = 4
		}
	}
	for _, sw := range p.swaps {
		i, r := sw[0], sw[1]
		x[i], x[r] = x[r], x[i]
	}
	tw, sg := p.tw, 1.0
	if inverse {
		tw, sg = p.twi, -1.0
	}
	if q == 1 && p.logn&1 == 1 {
		for k := 0; k+1 < n; k += 2 {
			a, b := x[k], x[k+1]
			x[k], x[k+1] = a+b, a-b
		}
		q = 2
	}
	if q == 1 && n >= 4 {
		// First radix-4 stage: all twiddles are 1.
		for k := 0; k+3 < n; k += 4 {
			a, b, c, d := x[k], x[k+1], x[k+2], x[k+3]
			a1, b1 := a+b, a-b
			s, t := c+d, c-d
			j := complex(sg*imag(t), -sg*real(t))
			x[k], x[k+2] = a1+s, a1-s
			x[k+1], x[k+3] = b1+j, b1-j
		}
		q = 4
	}
	qv := 16 // first span handled by the stage tables
	if useAVX2 {
		qv = 4
	}
	for ; q < n && q < qv; q *= 4 {
		m := 4 * q
		step := n / m
		for j := 0; j < q; j++ {
			w1, w2, w3 := tw[j*step], tw[2*j*step], tw[3*j*step]
			for k := j; k < n; k += m {
				a := x[k]
				b := x[k+q] * w2
				c := x[k+2*q] * w1
				d := x[k+3*q] * w3
				a1, b1 := a+b, a-b
				s, t := c+d, c-d
				jj := complex(sg*imag(t), -sg*real(t))
				x[k], x[k+2*q] = a1+s, a1-s
				x[k+q], x[k+3*q] = b1+jj, b1-jj
			}
		}
	}
	// Stages of span q ≥ 16: blocks of 4q, contiguous twiddles (no bounds
	// checks in the butterflies).
	for _, st := range p.stages {
		q := len(st.w1)
		if q < qv {
			continue
		}
		t1, t2, t3 := st.w1, st.w2, st.w3
		if inverse {
			t1, t2, t3 = st.v1, st.v2, st.v3
		}
		if useAVX2 {
			// q ≥ 4 is even: the whole stage in one kernel call.
			r4twStage(x, q, t1, t2, t3, inverse)
			continue
		}
		for k0 := 0; k0+4*q <= n; k0 += 4 * q {
			a := x[k0 : k0+q]
			b := x[k0+q : k0+2*q][:len(a)]
			c := x[k0+2*q : k0+3*q][:len(a)]
			d := x[k0+3*q : k0+4*q][:len(a)]
			w1, w2, w3 := t1[:len(a)], t2[:len(a)], t3[:len(a)]
			if inverse {
				for j, u := range a {
					v := b[j] * w2[j]
					s := c[j] * w1[j]
					t := d[j] * w3[j]
					a1, b1 := u+v, u-v
					s, t = s+t, s-t
					jj := complex(-imag(t), real(t))
					a[j], c[j] = a1+s, a1-s
					b[j], d[j] = b1+jj, b1-jj
				}
				continue
			}
			for j, u := range a {
				v := b[j] * w2[j]
				s := c[j] * w1[j]
				t := d[j] * w3[j]
				a1, b1 := u+v, u-v
				s, t = s+t, s-t
				jj := complex(imag(t), -real(t))
				a[j], c[j] = a1+s, a1-s
				b[j], d[j] = b1+jj, b1-jj
			}
		}
	}
	if scale != 1 {
		for i := range x {
			x[i] = complex(scale*real(x[i]), scale*imag(x[i]))
		}
	}
}

// columns computes in place the unnormalised DFT along the first axis of the
// n × width block whose row i is x[i*stride : i*stride+width] (so each of the
// width columns is transformed), then multiplies by scale. All butterflies act
// on whole row segments with one twiddle each: long, regular inner loops.
func (p *radixPlan) columns(x []complex128, stride, width int, inverse bool, scale float64) {
	n := p.n
	row := func(i int) []complex128 { return x[i*stride : i*stride+width] }
	for i, r := range p.rev {
		if i < int(r) {
			a, b := row(i), row(int(r))
			for k := range a {
				a[k], b[k] = b[k], a[k]
			}
		}
	}
	tw, sg := p.tw, 1.0
	if inverse {
		tw, sg = p.twi, -1.0
	}
	q := 1
	if p.logn&1 == 1 {
		last := n == 2
		for k := 0; k+1 < n; k += 2 {
			a, b := row(k), row(k+1)
			b = b[:len(a)]
			if last && scale != 1 {
				for i := range a {
					u, v := a[i], b[i]
					a[i], b[i] = complex(scale, 0)*(u+v), complex(scale, 0)*(u-v)
				}
				continue
			}
			for i := range a {
				u, v := a[i], b[i]
				a[i], b[i] = u+v, u-v
			}
		}
		q = 2
	}
	for ; q < n; q *= 4 {
		m := 4 * q
		step := n / m
		last := m == n
		sc := complex(1, 0)
		if last {
			sc = complex(scale, 0)
		}
		for j := 0; j < q; j++ {
			w1, w2, w3 := tw[j*step], tw[2*j*step], tw[3*j*step]
			for k := j; k < n; k += m {
				a := row(k)
				b := row(k + q)[:len(a)]
				c := row(k + 2*q)[:len(a)]
				d := row(k + 3*q)[:len(a)]
				if useAVX2 && width >= 2 {
					r4(a, b, c, d, w1, w2, w3, inverse, real(sc))
					continue
				}
				switch {
				case j == 0 && sc == 1:
					for i := range a {
						a1, b1 := a[i]+b[i], a[i]-b[i]
						s, t := c[i]+d[i], c[i]-d[i]
						jj := complex(sg*imag(t), -sg*real(t))
						a[i], c[i] = a1+s, a1-s
						b[i], d[i] = b1+jj, b1-jj
					}
				case sc == 1:
					for i := range a {
						u := a[i]
						v := b[i] * w2
						s := c[i] * w1
						t := d[i] * w3
						a1, b1 := u+v, u-v
						s, t = s+t, s-t
						jj := complex(sg*imag(t), -sg*real(t))
						a[i], c[i] = a1+s, a1-s
						b[i], d[i] = b1+jj, b1-jj
					}
				default:
					for i := range a {
						u := a[i]
						v := b[i] * w2
						s := c[i] * w1
						t := d[i] * w3
						a1, b1 := u+v, u-v
						s, t = s+t, s-t
						jj := complex(sg*imag(t), -sg*real(t))
						a[i], c[i] = sc*(a1+s), sc*(a1-s)
						b[i], d[i] = sc*(b1+jj), sc*(b1-jj)
					}
				}
			}
		}
	}
	if n == 1 && scale != 1 {
		a := row(0)
		for i := range a {
			a[i] *= complex(scale, 0)
		}
	}
}
