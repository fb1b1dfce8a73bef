package cpu

import "math"

// p3Plan is the row FFT of length n = 3·m, m a power of two ≥ 2 (Kymatio's
// padded sizes 3·2^k; columns use the mixed-radix Stockham FFT, which is as
// fast there): one radix-3 decimation-in-frequency step,
//
//	y_r[t] = (Σ_{s<3} x[t + s·m] e^{∓2πi s r/3}) · e^{∓2πi t r/n},  t < m, r < 3,
//
// stored in place as block r (rows r·m … r·m+m−1), then the power-of-two FFT
// of length m of each block (radixPlan), which leaves X[3k + r] at row r·m + k,
// and a final permutation to natural order. Read-only once built.
type p3Plan struct {
	n, m       int
	pow2       *radixPlan
	tw1, tw2   []complex128 // e^{−2πi t/n}, e^{−2πi 2t/n}, t < m
	tw1i, tw2i []complex128 // their conjugates (inverse)
}

// isP3 reports whether n = 3·2^k with k ≥ 1.
func isP3(n int) bool { return n >= 6 && n%3 == 0 && isPow2(n/3) }

func newP3Plan(n int) *p3Plan {
	m := n / 3
	p := &p3Plan{n: n, m: m, pow2: newRadixPlan(m), tw1: make([]complex128, m), tw2: make([]complex128, m),
		tw1i: make([]complex128, m), tw2i: make([]complex128, m)}
	for t := 0; t < m; t++ {
		s, c := math.Sincos(-2 * math.Pi * float64(t) / float64(n))
		p.tw1[t] = complex(c, s)
		s, c = math.Sincos(-2 * math.Pi * float64(2*t) / float64(n))
		p.tw2[t] = complex(c, s)
		p.tw1i[t], p.tw2i[t] = complex(real(p.tw1[t]), -imag(p.tw1[t])), complex(c, -s)
	}
	return p
}

const sin60 = 0.86602540378443864676 // sin(2π/3)

// butterfly3 returns the twiddled radix-3 DIF outputs of (a, b, c); sg = +1
// forward, −1 inverse (w1, w2 already conjugated for the inverse).
func butterfly3(a, b, c, w1, w2 complex128, sg float64) (complex128, complex128, complex128) {
	t1 := b + c
	t2 := a - complex(0.5*real(t1), 0.5*imag(t1))
	d := b - c
	t3 := complex(sg*sin60*imag(d), -sg*sin60*real(d)) // ∓i·sin60·(b−c)
	return a + t1, (t2 + t3) * w1, (t2 - t3) * w2
}

// transform computes in place the unnormalised DFT of x (len n) times scale;
// tmp holds n values.
func (p *p3Plan) transform(x []complex128, inverse bool, scale float64, tmp []complex128) {
	m := p.m
	x = x[:p.n]
	sg := 1.0
	if inverse {
		sg = -1
	}
	a, b, c := x[:m], x[m:2*m], x[2*m:3*m]
	if useAVX2 {
		tw1, tw2 := p.tw1, p.tw2
		if inverse {
			tw1, tw2 = p.tw1i, p.tw2i
		}
		r3dif(a, b, c, tw1, tw2, inverse)
	}
	for t := range a {
		if useAVX2 {
			break
		}
		w1, w2 := p.tw1[t], p.tw2[t]
		if inverse {
			w1, w2 = complex(real(w1), -imag(w1)), complex(real(w2), -imag(w2))
		}
		a[t], b[t], c[t] = butterfly3(a[t], b[t], c[t], w1, w2, sg)
	}
	p.pow2.transform(a, inverse, scale)
	p.pow2.transform(b, inverse, scale)
	p.pow2.transform(c, inverse, scale)
	tmp = tmp[:p.n]
	for k := 0; k < m; k++ {
		tmp[3*k], tmp[3*k+1], tmp[3*k+2] = a[k], b[k], c[k]
	}
	copy(x, tmp)
}
