package scov

import (
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// window is the averaging window of a NonPeriodic operator: rows [c, M−c),
// columns [c, N−c) of the M×N map.
type window struct {
	c int     // pixels cut on each side
	n float64 // pixels in the window, (M−2c)(N−2c)
	// full (M×N): 1/n inside the window, 0 outside: a WeightedMean against
	// it is the window mean of a full-resolution field.
	full []float64
	// pre (M×N): MN/n inside the window, 0 outside: the pre-windowing of the
	// map in C01 with S3Cheng (see rawStatCrop).
	pre []float64
	// grid[j3] = (g_h, g_w): the grid of the real-space products of scale j3,
	// min(2h, M) × min(2w, N) for the crop (h, w) of j3. The products are
	// reduced on its part reg[j3] = (r0, c0, rows, cols) (the window's rows
	// or columns along an axis at full resolution, else the whole axis)
	// with the quadrature weights wts[j3] (rows·cols values, sum 1, see
	// axisWeights).
	grid [][2]int
	reg  [][4]int
	wts  [][]float64
}

// newWindow builds the window geometry of an M×N map cut by c pixels per
// side, for the per-scale Fourier crops of the operator.
func newWindow(M, N, c int, crops [][2]int) *window {
	w := &window{c: c, n: float64((M - 2*c) * (N - 2*c))}
	w.full = make([]float64, M*N)
	w.pre = make([]float64, M*N)
	for r := c; r < M-c; r++ {
		for col := c; col < N-c; col++ {
			w.full[r*N+col] = 1 / w.n
			w.pre[r*N+col] = float64(M*N) / w.n
		}
	}
	w.grid = make([][2]int, len(crops))
	w.reg = make([][4]int, len(crops))
	w.wts = make([][]float64, len(crops))
	for j, hw := range crops {
		gh, gw := min(2*hw[0], M), min(2*hw[1], N)
		r0, kr := axisWeights(M, c, hw[0], gh)
		c0, kc := axisWeights(N, c, hw[1], gw)
		wt := make([]float64, len(kr)*len(kc))
		for r, a := range kr {
			for col, b := range kc {
				wt[r*len(kc)+col] = a * b
			}
		}
		w.grid[j] = [2]int{gh, gw}
		w.reg[j] = [4]int{r0, c0, len(kr), len(kc)}
		w.wts[j] = wt
	}
	return w
}

// axisWeights returns the weights K(r), r = 0…g−1, of the window mean along
// one axis of n pixels cut by c on each side, for fields sampled at the g
// positions r·n/g, as the range [r0, r0 + len(k)) of r where K may be
// non-zero and K on it:
//
//   - g = n (the full-resolution grid): K(r) = 1/(n−2c) for c ≤ r < n−c, else 0
//     (r0 = c, n − 2c values);
//   - g = 2h < n (products a·conj(b) of two fields band-limited to the h
//     frequencies −h/2…h/2−1 of a crop, whose spectrum then lies in
//     |k| ≤ h−1 < g/2, so the g samples determine it without aliasing):
//     K(r) = (1/g)·[1 + 2 Σ_{k=1}^{h−1} Re(Ŵ(k)·e^{2πikr/g})], with
//     Ŵ(k) = (1/(n−2c)) Σ_{x=c}^{n−c−1} e^{−2πikx/n}
//     = e^{−iπk(n−1)/n}·sin(πk(n−2c)/n) / ((n−2c)·sin(πk/n)).
//
// In both cases Σ_r K(r)·P(r·n/g) = (1/(n−2c)) Σ_{x=c}^{n−c−1} P(x) exactly
// (P(x) = (1/g) Σ_{|k|<h} P̃(k) e^{2πikx/n}, P̃ the g-point DFT of the
// samples; the window sum of each exponential is (n−2c)·conj(Ŵ(k))). For
// c = 0, K = 1/g everywhere. (r0 = 0, g values.)
func axisWeights(n, c, h, g int) (r0 int, k []float64) {
	m := n - 2*c
	if g == n {
		K := make([]float64, m)
		for i := range K {
			K[i] = 1 / float64(m)
		}
		return c, K
	}
	K := make([]float64, g)
	amp := make([]float64, h) // |Ŵ(k)|·sign, the Dirichlet kernel
	ph := make([]float64, h)  // arg of e^{−iπk(n−1)/n}
	for k := 1; k < h; k++ {
		amp[k] = math.Sin(math.Pi*float64(k*m%(2*n))/float64(n)) / (float64(m) * math.Sin(math.Pi*float64(k)/float64(n)))
		ph[k] = -math.Pi * float64(k*(n-1)%(2*n)) / float64(n)
	}
	for r := range K {
		v := 1.0
		for k := 1; k < h; k++ {
			v += 2 * amp[k] * math.Cos(ph[k]+2*math.Pi*float64(k*r%g)/float64(g))
		}
		K[r] = v / float64(g)
	}
	return 0, K
}

// rawStatCrop is rawStat for a NonPeriodic operator (same layout and
// coefficients; see "Non-periodic maps" in the package documentation).
//
// Algorithm:
//
//  1. mean, var, P00, S1 (and C00) are WeightedMeans of full-resolution
//     fields against the window mask (1/n inside, 0 outside).
//  2. C01 with S3Cheng, ⟨(I − ⟨I⟩_W)·conj(U_{j1}⋆ψ_{j2})⟩_W, only one factor
//     of which is filtered, keeps rawStat's Fourier form with Î replaced by
//     the DFT of the pre-windowed map (MN/n)·1_W·(I − ⟨I⟩_W): by Parseval,
//     Σ_k FFT(1_W·I')(k)·conj(Û ψ̂)(k) / (MN) = Σ_{x∈W} I'(x)·conj(U⋆ψ)(x).
//  3. C11 (and C01 with S3Cov) multiply two filtered fields, which a
//     spatial window does not let Parseval separate: per outer scale j3,
//     every U_{j1,l1}⋆ψ_{j3,l3} (and I⋆ψ_{j3,l3}) is formed at crop(j3),
//     zero-padded in Fourier space to the grid of j3 (twice the crop, at
//     most M×N) and brought to real space; the products a·conj(b) are
//     reduced with the window's quadrature weights on that grid
//     (axisWeights), which give the full-resolution window mean exactly;
//     along an axis where the grid is the full resolution the fields are
//     first cut to the window's rows or columns (Crop). The cost per
//     gradient evaluation is 4–5× the periodic one on the CPU engine
//     (iso synthesis vector, one map: 64², J = 5: 30 ms against 6 ms;
//     256², J = 6: 0.31 s against 0.08 s), mostly the L³ products of
//     step 3 and their adjoints.
//     On a stacking prim (stlayer.Stacker) the products of one j3 and class
//     are stacked along channels.
func (op *Op) rawStatCrop(p stlayer.Prim, x stlayer.Field, nf int) stlayer.Field {
	J, L := op.cfg.J, op.cfg.L
	M, N := op.M, op.N
	t := op.idx
	lay := t.layout(nf)
	kk := kinds(nf)
	win := op.win
	stack := stlayer.Stacks(p)

	var rb rawBlocks
	add, seq := rb.add, seqIdx
	// dFL maps channel f·L + l of a per-scale field to raw index base(f) + l.
	dFL := func(base func(f int) int) []int { return fieldLIdx(nf, L, base) }
	// fieldCh returns the channels of field f, rotated by s (rotatedCh).
	fieldCh := func(f, s int) []int { return rotatedCh(L, f, s) }
	// gather returns the channels idx of f, or f itself for the identity.
	gather := func(f stlayer.Field, idx []int) stlayer.Field { return stlayer.Gather(p, f, idx) }

	// 1. Moments of the maps and first layer, averaged over the window.
	mean := p.WeightedMean(x, win.full)
	xc := p.Sub(x, mean)
	add(mean, seq(lay.mean, nf), 1)
	add(p.WeightedMean(p.Pow(xc, 2), win.full), seq(lay.vr, nf), win.n/(win.n-1))

	X := p.FFT2(x)
	Uc := make([][]stlayer.Field, J)
	for j := 0; j < J; j++ {
		Z := p.IFFT2(p.MulFilters(X, op.bank[j]))
		U := p.Modulus(Z)
		add(p.WeightedMean(p.Pow(Z, 2), win.full), dFL(func(f int) int { return lay.P00(f, j, 0, L) }), 1)
		add(p.WeightedMean(U, win.full), dFL(func(f int) int { return lay.S1(f, j, 0, L) }), 1)
		if nf == 2 {
			add(p.WeightedMean(p.MulConj(p.Channels(Z, fieldCh(0, 0)), p.Channels(Z, fieldCh(1, 0))), win.full), seq(lay.c00+j*L, L), 1)
		}
		Uc[j] = make([]stlayer.Field, J)
		Uc[j][j] = op.cropFrom(p, p.FFT2(U), M, N, j)
		for c := j + 1; c < J; c++ {
			Uc[j][c] = op.cropFrom(p, Uc[j][c-1], op.crops[c-1][0], op.crops[c-1][1], c)
		}
	}
	// cascade returns the spectrum y (M×N) at every crop(c).
	cascade := func(y stlayer.Field) []stlayer.Field {
		out := make([]stlayer.Field, J)
		out[0] = op.cropFrom(p, y, M, N, 0)
		for c := 1; c < J; c++ {
			out[c] = op.cropFrom(p, out[c-1], op.crops[c-1][0], op.crops[c-1][1], c)
		}
		return out
	}

	// 2. C01 with S3Cheng: rawStat's Fourier form on the pre-windowed map.
	if op.cfg.S3 == S3Cheng {
		Xw := cascade(p.FFT2(p.MulConst(xc, win.pre)))
		for j2 := 0; j2 < J; j2++ {
			h2, w2 := op.crops[j2][0], op.crops[j2][1]
			for q, k := range kk {
				xs, us := Xw[j2], Uc[j2][j2]
				if nf > 1 {
					xs = p.Channels(Xw[j2], []int{k[0]})
					us = p.Channels(Uc[j2][j2], fieldCh(k[1], 0))
				}
				prod := p.MulConj(xs, us)
				ch, cw := h2, w2
				for j3 := j2; j3 < J; j3++ {
					h3, w3 := op.crops[j3][0], op.crops[j3][1]
					if h3 != ch || w3 != cw {
						prod = p.CropFreq(prod, h3, w3)
						ch, cw = h3, w3
					}
					d := make([]int, L*L)
					for l1 := 0; l1 < L; l1++ {
						for l3 := 0; l3 < L; l3++ {
							d[l1*L+l3] = lay.C01(q, t.p2(j2, j3, l1, l3))
						}
					}
					add(p.WeightedMeans(prod, op.psiC[j3]), d, 1/(float64(h2*w2)*float64(h3*w3)))
				}
			}
		}
	}

	// 3. Real-space products on the grid of each outer scale j3.
	type pair struct {
		left, right  stlayer.Field
		dest, mirror []int // mirror: raw index of the conjugate, or −1 (nil: none)
	}
	reduce := func(ps []pair, w []float64) {
		if len(ps) == 0 {
			return
		}
		run := func(left, right stlayer.Field, d, m []int) {
			wm := p.WeightedMean(p.MulConj(left, right), w)
			add(wm, d, 1)
			var dm, sel []int
			for i, v := range m {
				if v >= 0 {
					dm = append(dm, v)
					sel = append(sel, i)
				}
			}
			if len(sel) > 0 {
				add(p.Conj(gather(wm, sel)), dm, 1)
			}
		}
		if !stack || len(ps) == 1 {
			for _, b := range ps {
				run(b.left, b.right, b.dest, b.mirror)
			}
			return
		}
		lefts := make([]stlayer.Field, len(ps))
		rights := make([]stlayer.Field, len(ps))
		var d, m []int
		for i, b := range ps {
			lefts[i], rights[i] = b.left, b.right
			d = append(d, b.dest...)
			if b.mirror != nil {
				m = append(m, b.mirror...)
			} else {
				for range b.dest {
					m = append(m, -1)
				}
			}
		}
		run(p.Concat(lefts...), p.Concat(rights...), d, m)
	}
	var Xc []stlayer.Field
	if op.cfg.S3 == S3Cov {
		Xc = cascade(X)
	}
	for j3 := 0; j3 < J; j3++ {
		g := win.grid[j3]
		onGrid := func(y stlayer.Field) stlayer.Field {
			y = p.MulFilters(y, op.bankC[j3])
			if _, _, h, w := y.Dims(); h != g[0] || w != g[1] {
				y = p.PadFreq(y, g[0], g[1])
			}
			y = p.IFFT2(y)
			if rg := win.reg[j3]; rg[2] != g[0] || rg[3] != g[1] {
				y = p.Crop(y, rg[0], rg[1], rg[2], rg[3]) // the window's rows/columns at full resolution
			}
			return y
		}
		// V[j1]: U_{f,j1,l1}⋆ψ_{j3,l3}, channel (f·L + l1)·L + l3.
		V := make([]stlayer.Field, j3+1)
		for j1 := 0; j1 <= j3; j1++ {
			V[j1] = onGrid(Uc[j1][j3])
		}
		// vch returns the channels (fa·L + (l1+s) mod L)·L + l3 of V, in
		// the order l1·L + l3.
		vch := func(f, s int) []int {
			d := make([]int, L*L)
			for l1 := 0; l1 < L; l1++ {
				for l3 := 0; l3 < L; l3++ {
					d[l1*L+l3] = (f*L+(l1+s)%L)*L + l3
				}
			}
			return d
		}
		if op.cfg.S3 == S3Cov {
			// A: I_f⋆ψ_{j3,l3}, channel f·L + l3.
			A := onGrid(Xc[j3])
			var ps []pair
			for q, k := range kk {
				ai := make([]int, L*L)
				for l1 := 0; l1 < L; l1++ {
					for l3 := 0; l3 < L; l3++ {
						ai[l1*L+l3] = k[0]*L + l3
					}
				}
				left := gather(A, ai)
				for j1 := 0; j1 <= j3; j1++ {
					d := make([]int, L*L)
					for l1 := 0; l1 < L; l1++ {
						for l3 := 0; l3 < L; l3++ {
							d[l1*L+l3] = lay.C01(q, t.p2(j1, j3, l1, l3))
						}
					}
					ps = append(ps, pair{left: left, right: gather(V[j1], vch(k[1], 0)), dest: d})
				}
			}
			reduce(ps, win.wts[j3])
		}
		var ps []pair
		for q, k := range kk {
			for j2 := 0; j2 <= j3; j2++ {
				rot := make([]stlayer.Field, L)
				for s := range rot {
					rot[s] = gather(V[j2], vch(k[1], s))
				}
				for j1 := 0; j1 <= j2; j1++ {
					left := gather(V[j1], vch(k[0], 0))
					for s := 0; s < L; s++ {
						// For j1 = j2 and fa = fb, block L−s is the conjugate
						// of block s with l1, l2 swapped: s ≤ L/2 only.
						mirrored := false
						if j1 == j2 && k[0] == k[1] {
							if s > L-s {
								continue
							}
							mirrored = s > 0 && s < L-s
						}
						d := make([]int, L*L)
						var m []int
						if mirrored {
							m = make([]int, L*L)
						}
						for l1 := 0; l1 < L; l1++ {
							l2 := (l1 + s) % L
							for l3 := 0; l3 < L; l3++ {
								d[l1*L+l3] = lay.C11(q, t.p3(j1, j2, j3, l1, l2, l3))
								if mirrored {
									m[l1*L+l3] = lay.C11(q, t.p3(j1, j2, j3, l2, l1, l3))
								}
							}
						}
						ps = append(ps, pair{left: left, right: rot[s], dest: d, mirror: m})
					}
				}
			}
		}
		reduce(ps, win.wts[j3])
	}

	// Assemble in raw order and apply the per-coefficient constants.
	return rb.assemble(p, lay.total)
}
