package scov

import "github.com/stkit-org/stkit/stlayer"

// rawStat computes the raw moments of nf fields stored as the channels of x
// [B, nf, M, N], in the order of op.idx.layout(nf).
//
// Algorithm (all in Fourier space after the first layer):
//
//  1. X = FFT2(x); Z = IFFT2(X·ψ̂) at full resolution; U = |Z|; P00 = ⟨|Z|²⟩,
//     S1 = ⟨U⟩; Û = FFT2(U).
//  2. Spectra are cropped scale by scale with Prim.CropFreq (cascading:
//     crop(j) is taken from crop(j−1)); a spectrum cropped to h×w equals
//     (hw/MN)·(true spectrum) on the kept block.
//  3. For every inner scale j2 the products Î·conj(Û_{j2,l}) (C01) and
//     Û_{j1,l1}·conj(Û_{j2,l2}), j1 ≤ j2 (C11), are formed once at crop(j2);
//     for every j3 ≥ j2 they are cropped to crop(j3) and reduced with
//     Prim.WeightedMean against ψ̂_{j3,l3} (or ψ̂²) — this avoids materialising
//     the L³ triple products. The product of two crop factors is undone by a
//     per-coefficient constant 1/(h2w2·h3w3) applied at the end (Reshape +
//     MulConst), giving Σ_k(…)/(MN)² exactly as Cheng.
func (op *Op) rawStat(p stlayer.Prim, x stlayer.Field, nf int) stlayer.Field {
	J, L := op.cfg.J, op.cfg.L
	JL := J * L
	M, N := op.M, op.N
	t := op.idx
	lay := t.layout(nf)
	kk := kinds(nf)
	nk := len(kk)

	var blocks []stlayer.Field
	var dest []int       // raw index of each concatenated channel
	var factor []float64 // multiplicative constant of each concatenated channel
	add := func(f stlayer.Field, d []int, s float64) {
		_, c, _, _ := f.Dims()
		if c != len(d) {
			panic("scov: internal block size mismatch")
		}
		blocks = append(blocks, f)
		dest = append(dest, d...)
		for range d {
			factor = append(factor, s)
		}
	}
	seq := func(start, n int) []int {
		d := make([]int, n)
		for i := range d {
			d[i] = start + i
		}
		return d
	}

	// Moments of the maps.
	n := float64(M * N)
	mean := p.Mean(x)
	vr := p.Mean(p.Pow(p.Sub(x, mean), 2))
	add(mean, seq(lay.mean, nf), 1)
	add(vr, seq(lay.vr, nf), n/(n-1))

	// First layer at full resolution.
	X := p.FFT2(x)
	Z := p.IFFT2(p.MulFilters(X, op.psi)) // channel f·JL + j·L + l
	U := p.Modulus(Z)
	add(p.Mean(p.Pow(Z, 2)), seq(lay.p00, nf*JL), 1)
	add(p.Mean(U), seq(lay.s1, nf*JL), 1)
	if nf == 2 {
		a, b := seq(0, JL), seq(JL, JL)
		add(p.Mean(p.MulConj(p.Channels(Z, a), p.Channels(Z, b))), seq(lay.c00, JL), 1)
	}
	Uf := p.FFT2(U)

	// Cascading crops of X and Û.
	Xc := make([]stlayer.Field, J)
	Uc := make([]stlayer.Field, J)
	prevX, prevU := X, Uf
	ph, pw := M, N
	for j := 0; j < J; j++ {
		h, w := op.crops[j][0], op.crops[j][1]
		if h != ph || w != pw {
			prevX = p.CropFreq(prevX, h, w)
			prevU = p.CropFreq(prevU, h, w)
			ph, pw = h, w
		}
		Xc[j], Uc[j] = prevX, prevU
	}

	w01 := op.psiC
	if op.cfg.S3 == S3Cov {
		w01 = op.psi2C
	}
	for j2 := 0; j2 < J; j2++ {
		h2, w2 := op.crops[j2][0], op.crops[j2][1]

		// C01 products Î_fa · conj(Û_fb(j2, l)), channel (q, l).
		ub := make([]int, 0, nk*L)
		xa := make([]int, 0, nk*L)
		for _, k := range kk {
			for l := 0; l < L; l++ {
				ub = append(ub, k[1]*JL+j2*L+l)
				xa = append(xa, k[0])
			}
		}
		xs := Xc[j2]
		if nf > 1 {
			xs = p.Channels(Xc[j2], xa)
		}
		q01 := p.MulConj(xs, p.Channels(Uc[j2], ub))

		// C11 products Û_fa(j1, l1) · conj(Û_fb(j2, l2)), channel (q, j1, l1, l2).
		ia := make([]int, 0, nk*(j2+1)*L*L)
		ib := make([]int, 0, nk*(j2+1)*L*L)
		for _, k := range kk {
			for j1 := 0; j1 <= j2; j1++ {
				for l1 := 0; l1 < L; l1++ {
					for l2 := 0; l2 < L; l2++ {
						ia = append(ia, k[0]*JL+j1*L+l1)
						ib = append(ib, k[1]*JL+j2*L+l2)
					}
				}
			}
		}
		q11 := p.MulConj(p.Channels(Uc[j2], ia), p.Channels(Uc[j2], ib))

		ch, cw := h2, w2
		for j3 := j2; j3 < J; j3++ {
			h3, w3 := op.crops[j3][0], op.crops[j3][1]
			if h3 != ch || w3 != cw {
				q01 = p.CropFreq(q01, h3, w3)
				q11 = p.CropFreq(q11, h3, w3)
				ch, cw = h3, w3
			}
			s := 1 / (float64(h2*w2) * float64(h3*w3))
			for l3 := 0; l3 < L; l3++ {
				d01 := make([]int, 0, nk*L)
				for q := range kk {
					for l1 := 0; l1 < L; l1++ {
						d01 = append(d01, lay.C01(q, t.p2(j2, j3, l1, l3)))
					}
				}
				add(p.WeightedMean(q01, w01[j3][l3]), d01, s)

				d11 := make([]int, 0, len(ia))
				for q := range kk {
					for j1 := 0; j1 <= j2; j1++ {
						for l1 := 0; l1 < L; l1++ {
							for l2 := 0; l2 < L; l2++ {
								d11 = append(d11, lay.C11(q, t.p3(j1, j2, j3, l1, l2, l3)))
							}
						}
					}
				}
				add(p.WeightedMean(q11, op.psi2C[j3][l3]), d11, s)
			}
		}
	}

	// Assemble in raw order and apply the per-coefficient constants.
	all := p.Concat(blocks...)
	perm := make([]int, lay.total)
	scale := make([]float64, lay.total)
	for i := range perm {
		perm[i] = -1
	}
	for c, d := range dest {
		perm[d] = c
		scale[d] = factor[c]
	}
	for _, c := range perm {
		if c < 0 {
			panic("scov: internal error: raw coefficient not computed")
		}
	}
	out := p.Channels(all, perm)
	return scaleChannels(p, out, scale)
}

// scaleChannels multiplies channel c of an H = W = 1 field [B, K, 1, 1] by
// s[c] (a fixed constant): Reshape to [B, 1, 1, K], MulConst, Reshape back.
func scaleChannels(p stlayer.Prim, x stlayer.Field, s []float64) stlayer.Field {
	_, k, _, _ := x.Dims()
	y := p.MulConst(p.Reshape(x, 1, 1, k), s)
	return p.Reshape(y, k, 1, 1)
}
