package scov

import "github.com/stkit-org/stkit/stlayer"

// rawBlocks collects the blocks of a raw statistic as they are computed
// (rawStat, the non-periodic cropStat): each block's channels, the raw
// index each channel goes to and its multiplicative constant; assemble puts
// them in raw order.
type rawBlocks struct {
	blocks []stlayer.Field
	dest   []int     // raw index of each concatenated channel
	factor []float64 // multiplicative constant of each concatenated channel
}

// add appends block f whose channel c goes to raw index d[c], times s.
func (r *rawBlocks) add(f stlayer.Field, d []int, s float64) {
	_, c, _, _ := f.Dims()
	if c != len(d) {
		panic("scov: internal block size mismatch")
	}
	r.blocks = append(r.blocks, f)
	r.dest = append(r.dest, d...)
	for range d {
		r.factor = append(r.factor, s)
	}
}

// assemble concatenates the blocks in raw order (total coefficients, every
// one computed exactly once) and applies the per-coefficient constants.
func (r *rawBlocks) assemble(p stlayer.Prim, total int) stlayer.Field {
	all := p.Concat(r.blocks...)
	perm := make([]int, total)
	scale := make([]float64, total)
	for i := range perm {
		perm[i] = -1
	}
	for c, d := range r.dest {
		perm[d] = c
		scale[d] = r.factor[c]
	}
	for _, c := range perm {
		if c < 0 {
			panic("scov: internal error: raw coefficient not computed")
		}
	}
	return scaleChannels(p, p.Channels(all, perm), scale)
}

// seqIdx returns start, start+1, …, start+n−1.
func seqIdx(start, n int) []int {
	d := make([]int, n)
	for i := range d {
		d[i] = start + i
	}
	return d
}

// fieldLIdx maps channel f·L + l of a per-scale field of nf fields to raw
// index base(f) + l.
func fieldLIdx(nf, L int, base func(f int) int) []int {
	d := make([]int, 0, nf*L)
	for f := 0; f < nf; f++ {
		for l := 0; l < L; l++ {
			d = append(d, base(f)+l)
		}
	}
	return d
}

// rotatedCh returns the channels of field f of a per-scale field (f·L + l),
// rotated by s: channel l holds angle (l+s) mod L.
func rotatedCh(L, f, s int) []int {
	d := make([]int, L)
	for l := range d {
		d[l] = f*L + (l+s)%L
	}
	return d
}
