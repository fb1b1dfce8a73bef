package cpu

import (
	"math"
	"sync"
)

// genericStage holds what a Stockham stage of a prime radix r > 5 (or of
// the whole length, see planRadices) needs
// besides its twiddles: the r-point DFTs are computed either directly,
// O(r²) per point group, or, for r ≥ bluesteinMinRadix, by Bluestein's
// chirp-z algorithm: with c_t = e^{−πi t²/r}, X_q = c_q Σ_t (v_t c_t)
// conj(c_{q−t}), a circular convolution done with the power-of-two FFT of
// length L ≥ 2r − 1, O(L log L). Read-only once built but for its pool of
// scratch blocks.
type genericStage struct {
	r     int
	roots []complex128 // direct: roots[k] = e^{−2πik/r}
	// Bluestein (fft != nil): chirp[t] = c_t (t < r); bf (forward) and bi
	// (inverse) are the length-L DFTs of the wrapped conj(c) and c
	// sequences, divided by L.
	fft       *radixPlan
	chirp     []complex128
	bf, bi    []complex128
	blockCols int       // columns per Bluestein block (the scratch is L × blockCols)
	pool      sync.Pool // *[]complex128 scratch blocks
}

// bluesteinMinRadix is the smallest prime radix whose DFTs the mixed-radix
// FFT computes by Bluestein's algorithm rather than directly. Measured with
// BenchmarkBluestein19Radix (one length-n FFT over 16 columns, one worker,
// CPU time, best of 3 × 100 ms; this 2-core machine was shared with other
// jobs and loaded, load average 7–10, hence CPU rather than wall time),
// direct vs Bluestein in ns per point: n = 7: 8.9 vs 13.7; 11: 12.7 vs
// 19.3; 13: 14.7 vs 16.7; 17: 18.6 vs 25.0; 19: 21.0 vs 22.8; 23: 24.7 vs
// 19.4; 29: 31.1 vs 15.9; 31: 32.8 vs 15.1; 37: 38.9 vs 27.5; 41: 44.1 vs
// 25.8; 53: 56.3 vs 20.2; 67: 70.0 vs 31.4; 167: 170 vs 29.3; 499: 511 vs
// 21.0; 997: 1018 vs 24.1; 334 = 2·167: 173 vs 30.3; 501 = 3·167: 173 vs
// 21.3 (30.4 with a Bluestein stage for 167 after the radix-3 one); 998 =
// 2·499: 516 vs 22.1; 1002 = 2·3·167: 176 vs 24.5 (30.7 staged). For
// comparison, 500 = 4·5³ costs 8.1 ns per point. One complex n×n FFT2, one
// worker, CPU seconds (BenchmarkBluestein19FFT2), before → after: 500:
// 0.0050 → 0.0054; 501: 0.174 → 0.0125; 499: 0.495 → 0.0125; 997: 4.03 →
// 0.057.
const bluesteinMinRadix = 23

// bluesteinBlockCols is the width of a Bluestein stage's scratch block: L
// rows of this many values (2048 × 16 values, 512 KiB, for r = 997).
const bluesteinBlockCols = 16

// planRadices returns the radices of the mixed-radix plan of length n:
// factorRadices(n), or the single radix n (the whole length by Bluestein's
// algorithm, L ≥ 2n − 1) when n has a prime factor ≥ minBluestein and the
// cost model L(log₂L + 3) per Bluestein transform (two FFTs of length L, three
// pointwise products) plus n per other stage says it is cheaper: 501 = 3·167
// (one L = 1024 transform rather than three of 512 and a radix-3 stage),
// not 334 = 2·167 or 998 = 2·499 (about even; the stages are kept).
func planRadices(n, minBluestein int) []int {
	rs := factorRadices(n)
	bl := func(r int) float64 {
		L := bluesteinLen(r)
		return float64(L) * (math.Log2(float64(L)) + 3)
	}
	staged, any := 0.0, false
	for _, r := range rs {
		if r > 5 && r >= minBluestein {
			staged += float64(n/r) * bl(r)
			any = true
		} else {
			staged += float64(n)
		}
	}
	if any && len(rs) > 1 && bl(n) < staged {
		return []int{n}
	}
	return rs
}

// bluesteinLen is the power-of-two length of the convolutions of an r-point
// Bluestein transform: the smallest L ≥ 2r − 1.
func bluesteinLen(r int) int {
	L := 1
	for L < 2*r-1 {
		L *= 2
	}
	return L
}

func newGenericStage(r int, bluestein bool) *genericStage {
	g := &genericStage{r: r}
	if !bluestein {
		g.roots = make([]complex128, r)
		for k := range g.roots {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(r))
			g.roots[k] = complex(c, s)
		}
		g.pool.New = func() any { b := make([]complex128, r*64); return &b }
		return g
	}
	L := bluesteinLen(r)
	g.fft = newRadixPlan(L)
	g.chirp = make([]complex128, r)
	for t := range g.chirp {
		// t² mod 2r keeps the angle small (c_t has period 2r in t²).
		k := (t * t) % (2 * r)
		s, c := math.Sincos(-math.Pi * float64(k) / float64(r))
		g.chirp[t] = complex(c, s)
	}
	g.bf = make([]complex128, L)
	g.bi = make([]complex128, L)
	for t := 0; t < r; t++ {
		c := g.chirp[t]
		g.bf[t], g.bi[t] = complex(real(c), -imag(c)), c
		if t > 0 {
			g.bf[L-t], g.bi[L-t] = g.bf[t], g.bi[t]
		}
	}
	g.fft.transform(g.bf, false, 1/float64(L))
	g.fft.transform(g.bi, false, 1/float64(L))
	g.blockCols = bluesteinBlockCols
	g.pool.New = func() any { b := make([]complex128, L*bluesteinBlockCols); return &b }
	return g
}

// apply runs the stage st (radix g.r) as mixedStage.apply does.
func (g *genericStage) apply(st *mixedStage, src []complex128, sstr int, dst []complex128, dstr int, n, width int, inverse bool) {
	r, ns := st.r, st.ns
	m := n / r
	twt := st.tw
	if inverse {
		twt = st.twi
	}
	in := func(j, q int) []complex128 { i := j + q*m; return src[i*sstr : i*sstr+width] }
	out := func(j, q int) []complex128 {
		i := (j/ns)*ns*r + j%ns + q*ns
		return dst[i*dstr : i*dstr+width]
	}
	// tw returns input q's twiddle for group j, times f.
	tw := func(j, q int, f complex128) complex128 {
		if q == 0 {
			return f
		}
		return twt[(j%ns)*(r-1)+q-1] * f
	}
	bp := g.pool.Get().(*[]complex128)
	defer g.pool.Put(bp)
	if g.fft == nil {
		// Direct: v_t = twiddled input rows, then out_q = Σ_t ω^{qt} v_t
		// over whole row segments.
		for c0 := 0; c0 < width; c0 += 64 {
			c1 := min(c0+64, width)
			w := c1 - c0
			v := (*bp)[:r*w]
			for j := 0; j < m; j++ {
				for t := 0; t < r; t++ {
					cscaleInto(v[t*w:(t+1)*w], in(j, t)[c0:c1], tw(j, t, 1), false, false)
				}
				for q := 0; q < r; q++ {
					o := out(j, q)[c0:c1]
					copy(o, v[:w])
					for t, k := 1, q; t < r; t, k = t+1, k+q {
						if k >= r {
							k -= r
						}
						om := g.roots[k]
						if inverse {
							om = complex(real(om), -imag(om))
						}
						cscaleInto(o, v[t*w:(t+1)*w], om, false, true)
					}
				}
			}
		}
		return
	}
	L := g.fft.n
	chirp, b := g.chirp, g.bf
	if inverse {
		b = g.bi
	}
	ch := func(t int) complex128 {
		if inverse {
			return complex(real(chirp[t]), -imag(chirp[t]))
		}
		return chirp[t]
	}
	for c0 := 0; c0 < width; c0 += g.blockCols {
		c1 := min(c0+g.blockCols, width)
		w := c1 - c0
		blk := (*bp)[:L*w]
		for j := 0; j < m; j++ {
			for t := 0; t < r; t++ {
				cscaleInto(blk[t*w:(t+1)*w], in(j, t)[c0:c1], tw(j, t, ch(t)), false, false)
			}
			clear(blk[r*w:])
			g.fft.columns(blk, w, w, false, 1)
			for k := 0; k < L; k++ {
				row := blk[k*w : (k+1)*w]
				cscaleInto(row, row, b[k], false, false)
			}
			g.fft.columns(blk, w, w, true, 1)
			for q := 0; q < r; q++ {
				cscaleInto(out(j, q)[c0:c1], blk[q*w:(q+1)*w], ch(q), false, false)
			}
		}
	}
}
