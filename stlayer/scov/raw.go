package scov

import "github.com/stkit-org/stkit/stlayer"

// rawStat computes the raw moments of nf fields stored as the channels of x
// [B, nf, M, N], in the order of op.idx.layout(nf).
//
// Algorithm (all in Fourier space after the first layer):
//
//  1. X = FFT2(x); for each scale j (its own field, channel f·L + l):
//     Z = IFFT2(X·ψ̂_j) at full resolution; U = |Z|; P00 = ⟨|Z|²⟩, S1 = ⟨U⟩;
//     Û_j = FFT2(U).
//  2. Spectra are cropped with Prim.CropFreq, cascading: Î and Û_j at
//     crop(c) are taken from crop(c−1); a spectrum cropped to h×w equals
//     (hw/MN)·(true spectrum) on the kept block.
//  3. For every inner scale j2 the products Î·conj(Û_{j2,l}) (C01) and
//     Û_{j1,l1}·conj(Û_{j2,(l1+s) mod L}), j1 ≤ j2, s = 0…L−1 (C11; the
//     right factor is rotated along channels so that no left gather is
//     needed) are formed once at crop(j2); for every j3 ≥ j2 they are
//     cropped to crop(j3) and reduced with Prim.WeightedMeans against
//     ψ̂_{j3,l3} (or ψ̂²) — this never materialises the L³ triple products.
//     On a prim that prefers stacking (stlayer.Stacker) the C11 products of
//     one j2 and kind are stacked along channels: one product and one
//     reduction per j3 for all (j1, s).
//     The two crop factors are undone by a per-coefficient constant
//     1/(h2w2·h3w3) applied at the end (Reshape + MulConst), giving
//     Σ_k(…)/(MN)² exactly as Cheng.
func (op *Op) rawStat(p stlayer.Prim, x stlayer.Field, nf int) stlayer.Field {
	if op.win != nil {
		return op.rawStatCrop(p, x, nf)
	}
	J, L := op.cfg.J, op.cfg.L
	M, N := op.M, op.N
	t := op.idx
	lay := t.layout(nf)
	kk := kinds(nf)

	var rb rawBlocks
	add, seq := rb.add, seqIdx

	// Moments of the maps.
	n := float64(M * N)
	mean := p.Mean(x)
	vr := p.Mean(p.Pow(p.Sub(x, mean), 2))
	add(mean, seq(lay.mean, nf), 1)
	add(vr, seq(lay.vr, nf), n/(n-1))

	// dFL maps channel f·L + l of a per-scale field to raw index base(f) + l.
	dFL := func(base func(f int) int) []int { return fieldLIdx(nf, L, base) }
	// fieldCh returns the channels of field f, rotated by s (rotatedCh).
	fieldCh := func(f, s int) []int { return rotatedCh(L, f, s) }

	// First layer at full resolution, one scale at a time (channel f·L + l),
	// then cascading crops: Xc[c] is Î at crop(c); Uc[j][c] is Û_j at crop(c)
	// for c ≥ j.
	X := p.FFT2(x)
	Xc := make([]stlayer.Field, J)
	Uc := make([][]stlayer.Field, J)
	for j := 0; j < J; j++ {
		Z := p.IFFT2(p.MulFilters(X, op.bank[j]))
		U := p.Modulus(Z)
		add(p.Mean(p.Pow(Z, 2)), dFL(func(f int) int { return lay.P00(f, j, 0, L) }), 1)
		add(p.Mean(U), dFL(func(f int) int { return lay.S1(f, j, 0, L) }), 1)
		if nf == 2 {
			add(p.Mean(p.MulConj(p.Channels(Z, fieldCh(0, 0)), p.Channels(Z, fieldCh(1, 0)))), seq(lay.c00+j*L, L), 1)
		}
		Uc[j] = make([]stlayer.Field, J)
		Uc[j][j] = op.cropFrom(p, p.FFT2(U), M, N, j)
		for c := j + 1; c < J; c++ {
			Uc[j][c] = op.cropFrom(p, Uc[j][c-1], op.crops[c-1][0], op.crops[c-1][1], c)
		}
	}
	Xc[0] = op.cropFrom(p, X, M, N, 0)
	for c := 1; c < J; c++ {
		Xc[c] = op.cropFrom(p, Xc[c-1], op.crops[c-1][0], op.crops[c-1][1], c)
	}

	w01 := op.psiC
	if op.cfg.S3 == S3Cov {
		w01 = op.psi2C
	}
	// reduce crops the product field q (computed at crop(j2), channel i ↔
	// coefficient coef(i, l3) of kind-independent layout) to every crop(j3),
	// j3 ≥ j2, and reduces it against the weights w[j3][l3].
	// When mirror is non-nil, the conjugates of the reduced values are also
	// stored, at mirror(i, j3, l3) (Hermitian symmetry of the j1 = j2 blocks).
	reduce := func(q stlayer.Field, j2 int, w [][][]float64, coef, mirror func(i, j3, l3 int) int) {
		h2, w2 := op.crops[j2][0], op.crops[j2][1]
		_, nc, _, _ := q.Dims()
		ch, cw := h2, w2
		for j3 := j2; j3 < J; j3++ {
			h3, w3 := op.crops[j3][0], op.crops[j3][1]
			if h3 != ch || w3 != cw {
				q = p.CropFreq(q, h3, w3)
				ch, cw = h3, w3
			}
			s := 1 / (float64(h2*w2) * float64(h3*w3))
			// One pass over q for the L weights: channel i·L + l3.
			wm := p.WeightedMeans(q, w[j3])
			d := make([]int, nc*L)
			for i := 0; i < nc; i++ {
				for l3 := 0; l3 < L; l3++ {
					d[i*L+l3] = coef(i, j3, l3)
				}
			}
			add(wm, d, s)
			if mirror != nil {
				var dm, sel []int
				for i := 0; i < nc; i++ {
					for l3 := 0; l3 < L; l3++ {
						if m := mirror(i, j3, l3); m >= 0 {
							dm = append(dm, m)
							sel = append(sel, i*L+l3)
						}
					}
				}
				if len(sel) == nc*L {
					add(p.Conj(wm), dm, s)
				} else if len(sel) > 0 {
					add(p.Conj(p.Channels(wm, sel)), dm, s)
				}
			}
		}
	}

	for j2 := 0; j2 < J; j2++ {
		// C01: Î_fa · conj(Û_fb(j2, l1)), channel l1, one block per kind.
		for q, k := range kk {
			xs, us := Xc[j2], Uc[j2][j2]
			if nf > 1 {
				xs = p.Channels(Xc[j2], []int{k[0]})
				us = p.Channels(Uc[j2][j2], fieldCh(k[1], 0))
			}
			reduce(p.MulConj(xs, us), j2, w01, func(l1, j3, l3 int) int {
				return lay.C01(q, t.p2(j2, j3, l1, l3))
			}, nil)
		}
		// C11: Û_fa(j1, l1) · conj(Û_fb(j2, (l1+s) mod L)) for every j1 ≤ j2
		// and rotation s: one block per (kind, j1, s), channel l1. The
		// rotated right factors are shared over j1. On a prim that prefers
		// stacking (stlayer.Stacker: the graph engine) the blocks of a kind
		// are stacked along channels (block b, channel b·L + l1) into one
		// product and one reduction per j3 (scov J7's GoMLX program: 2257
		// nodes instead of 6331); otherwise each block is its own product.
		for q, k := range kk {
			rot := make([]stlayer.Field, L)
			for s := 0; s < L; s++ {
				if s == 0 && nf == 1 {
					rot[s] = Uc[j2][j2]
				} else {
					rot[s] = p.Channels(Uc[j2][j2], fieldCh(k[1], s))
				}
			}
			var group []c11Block
			var lefts, rights []stlayer.Field
			flush := func() {
				if len(group) == 0 {
					return
				}
				g := group
				var mirror func(i, j3, l3 int) int
				for _, b := range g {
					if b.mirrored {
						mirror = func(i, j3, l3 int) int {
							b, c := g[i/L], i%L
							if !b.mirrored {
								return -1
							}
							return lay.C11(q, t.p3(b.j1, j2, j3, (c+b.s)%L, c, l3))
						}
						break
					}
				}
				left, right := lefts[0], rights[0]
				if len(g) > 1 {
					left, right = p.Concat(lefts...), p.Concat(rights...)
				}
				reduce(p.MulConj(left, right), j2, op.psi2C, func(i, j3, l3 int) int {
					b, l1 := g[i/L], i%L
					return lay.C11(q, t.p3(b.j1, j2, j3, l1, (l1+b.s)%L, l3))
				}, mirror)
				group, lefts, rights = nil, nil, nil
			}
			stack := stlayer.Stacks(p)
			for j1 := 0; j1 <= j2; j1++ {
				left := Uc[j1][j2]
				if nf > 1 {
					left = p.Channels(left, fieldCh(k[0], 0))
				}
				for s := 0; s < L; s++ {
					// For j1 = j2 and fa = fb, block L−s is the conjugate of
					// block s with the angles swapped: compute s ≤ L/2 only.
					b := c11Block{j1: j1, s: s}
					if j1 == j2 && k[0] == k[1] {
						if s > L-s {
							continue
						}
						b.mirrored = s > 0 && s < L-s
					}
					group = append(group, b)
					lefts = append(lefts, left)
					rights = append(rights, rot[s])
					if !stack {
						flush()
					}
				}
			}
			flush()
		}
	}

	// Assemble in raw order and apply the per-coefficient constants.
	return rb.assemble(p, lay.total)
}

// c11Block is one C11 product block: left scale j1, rotation s of the right
// factor; mirrored when its conjugate also gives the block L−s (j1 = j2, same
// field, 0 < s < L−s).
type c11Block struct {
	j1, s    int
	mirrored bool
}

// cropFrom crops the spectrum y (currently h×w) to crop(c) if the sizes differ.
func (op *Op) cropFrom(p stlayer.Prim, y stlayer.Field, h, w, c int) stlayer.Field {
	hc, wc := op.crops[c][0], op.crops[c][1]
	if hc == h && wc == w {
		return y
	}
	return p.CropFreq(y, hc, wc)
}

// scaleChannels multiplies channel c of an H = W = 1 field [B, K, 1, 1] by
// s[c] (a fixed constant): Reshape to [B, 1, 1, K], MulConst, Reshape back.
func scaleChannels(p stlayer.Prim, x stlayer.Field, s []float64) stlayer.Field {
	_, k, _, _ := x.Dims()
	y := p.MulConst(p.Reshape(x, 1, 1, k), s)
	return p.Reshape(y, k, 1, 1)
}
