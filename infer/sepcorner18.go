package infer

// NewBinnedPSOpCorner is NewBinnedPSOp with two more coefficients, last
// (bins nb and nb + 1 after its nb half-octave bins, same class): the mean
// power of the modes IsoPowerSpectrum's bins leave out but k = 0, split in
// the two rings of CornerPS,
//
//	corner ring 0: min(M, N)/2 ≤ |k| < 2^¼·min(M, N)/2
//	corner ring 1: |k| ≥ 2^¼·min(M, N)/2 (up to √2·min(M, N)/2 on a square map)
//
// (|k| in cycles per min(M, N) pixels, modeK; cornerRings), with the same
// normalisation P_b = (1/n_b) Σ_{k ∈ b} Re[X̂(k) conj(Ŷ(k))] / (M N). Without
// them only the j = 0 wavelets constrain these modes (about 21 % of a
// square map's), and the bump wavelets weigh the diagonal ones least. A ring
// holding no mode (maps with min(M, N) < 2) is left out.
func NewBinnedPSOpCorner(m, n int, cross bool) *BinnedPSOp {
	o := NewBinnedPSOp(m, n, cross)
	o.corner = true
	if min(m, n) < 2 {
		return o
	}
	class := "PS"
	if cross {
		class = "PSx"
	}
	ring, count := cornerRings(m, n)
	rings := [2][]float64{make([]float64, m*n), make([]float64, m*n)}
	for p, r := range ring {
		if r >= 0 {
			rings[r][p] = 1
		}
	}
	nb := len(o.masks)
	for r, w := range rings {
		if count[r] == 0 {
			continue
		}
		for p := range w {
			w[p] /= float64(count[r] * m * n)
		}
		o.masks = append(o.masks, w)
		o.labels.Add(class, map[string]int{"bin": nb + r})
	}
	return o
}
