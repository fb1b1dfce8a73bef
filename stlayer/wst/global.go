package wst

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// Columns of the label table (both conventions). Unused columns are −1.
// j1, j2 are scales; l1, l2 orientation INDICES of the Morlet wavelets,
// θ_l = filters.MorletTheta(l, L) = (⌊L/2⌋−1−l)·π/L measured from the row
// axis toward the column axis (the wave vector's direction; horizontal
// stripes peak at θ = 0, l = 3 for L = 8). In the isotropic classes
// (IsoLabels' S2_iso, P11_iso; SynthesisLabels(true)'s logS2_iso) l1 is
// absent and l2 holds dl = (l2 − l1) mod L, the second wavelet's
// orientation relative to the first, averaged over l1 (the second wavelet
// at θ_{l1} − dl·π/L): the column keeps the name l2 so that feature names
// built from the labels (datasets, models) stay as they were.
var labelColumns = []string{"j1", "l1", "j2", "l2"}

func (op *Op) initGlobal() error {
	J, L, M, N := op.cfg.J, op.cfg.L, op.m, op.n
	minSide := 2 * filters.ChengMinHalfCrop
	if M%2 != 0 || N%2 != 0 {
		msg := fmt.Sprintf("wst: global WST needs even map sides (Cheng's cropped Fourier grids), got %d×%d", M, N)
		if M&^1 >= minSide && N&^1 >= minSide {
			msg += fmt.Sprintf(": crop or pad the maps to even sides, e.g. %d×%d", M&^1, N&^1)
		} else {
			msg += fmt.Sprintf(" (and at least %d×%d pixels)", minSide, minSide)
		}
		return &stlayer.ErrShape{Msg: msg, Kind: stlayer.ErrSize}
	}
	if M < minSide || N < minSide {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("wst: global WST needs maps of at least %d×%d pixels, got %d×%d", minSide, minSide, M, N), Kind: stlayer.ErrSize}
	}
	if J+1 > stlayer.Log2Floor(min(M, N)) { // 2^(J+1) > min(M, N), without overflowing the shift
		return &stlayer.ErrShape{Msg: fmt.Sprintf("wst: map %d×%d too small for J=%d (need 2^(J+1) ≤ min(M,N), i.e. J ≤ %d; lower J or give larger maps)", M, N, J, stlayer.Log2Floor(min(M, N))-1), Kind: stlayer.ErrScales}
	}
	if err := filters.CheckBank(J*L, M, N); err != nil {
		return err
	}
	op.cropH = make([]int, J)
	op.cropW = make([]int, J)
	op.psiCrop = make([]*stlayer.FilterBank, J)
	for j, hw := range filters.Crops(M, N, J) {
		if op.cfg.Classic {
			hw = [2]int{M, N}
		}
		op.cropH[j], op.cropW[j] = hw[0], hw[1]
		// The crop of MorletCheng(M, N, J, L)'s filters of scale j, bit for
		// bit, built at that size: the J·L full-size bank is never built.
		op.psiCrop[j] = filters.MorletChengBand(M, N, j, L, hw[0], hw[1])
	}
	for j1 := range J {
		for j2 := range J {
			if j2 > j1 || (j2 == j1 && !op.cfg.StrictJ2) {
				op.pairs = append(op.pairs, [2]int{j1, j2})
			}
		}
	}
	op.nS1 = J * L
	op.nS2 = len(op.pairs) * L * L

	lab := stlayer.NewLabels(labelColumns...)
	lab.Add("S0", nil)
	for _, class := range []string{"S1", "P00"} {
		for j := range J {
			for l := range L {
				lab.Add(class, map[string]int{"j1": j, "l1": l})
			}
		}
	}
	for _, class := range []string{"S2", "P11"} {
		for _, pr := range op.pairs {
			for l1 := range L {
				for l2 := range L {
					lab.Add(class, map[string]int{"j1": pr[0], "l1": l1, "j2": pr[1], "l2": l2})
				}
			}
		}
	}
	op.labels = lab
	crit := "ge"
	if op.cfg.StrictJ2 {
		crit = "gt"
	}
	alg := "fast"
	if op.cfg.Classic {
		alg = "classic"
	}
	op.key = fmt.Sprintf("wst:cheng-%s:J%d:L%d:j2%sj1:%dx%d", alg, J, L, crit, M, N)
	return nil
}

// mustFit panics with an *stlayer.ErrShape unless x is [B, 1, M, N] for the
// operator's M×N: a larger map would otherwise be cropped silently to the
// operator's frequencies (see Op.CheckMaps).
func (op *Op) mustFit(x stlayer.Field) {
	if _, c, h, w := x.Dims(); c != 1 || h != op.m || w != op.n {
		panic(&stlayer.ErrShape{Msg: fmt.Sprintf("wst: statistic for [B, 1, %d, %d] maps evaluated on [B, %d, %d, %d]", op.m, op.n, c, h, w), Kind: stlayer.ErrSize})
	}
}

// Offsets of the classes in the global coefficient vector.
func (op *Op) offS1() int  { return 1 }
func (op *Op) offP00() int { return 1 + op.nS1 }
func (op *Op) offS2() int  { return 1 + 2*op.nS1 }
func (op *Op) offP11() int { return 1 + 2*op.nS1 + op.nS2 }

// cropTo crops a spectrum unless it already has the requested size.
func cropTo(p stlayer.Prim, x stlayer.Field, h, w int) stlayer.Field {
	_, _, H, W := x.Dims()
	if H == h && W == w {
		return x
	}
	return p.CropFreq(x, h, w)
}

// globalStat is Cheng's scattering_coef (algorithm 'fast', or 'classic' when
// the crops are the full grid) on Prim.
func (op *Op) globalStat(p stlayer.Prim, x stlayer.Field) stlayer.Field {
	op.mustFit(x)
	J := op.cfg.J
	s0 := p.Real(p.Mean(x))
	xf := p.FFT2(x)
	var s1, p00, s2, p11 []stlayer.Field
	pair := 0
	for j1 := range J {
		// First order on the h_{j1}×w_{j1} grid.
		w1 := p.MulFilters(cropTo(p, xf, op.cropH[j1], op.cropW[j1]), op.psiCrop[j1]) // [B, L, h1, w1]
		z1 := p.IFFT2(w1)
		u1 := p.Modulus(z1)
		s1 = append(s1, p.Mean(u1))
		p00 = append(p00, p.Mean(p.Pow(z1, 2)))
		var u1f stlayer.Field
		for ; pair < len(op.pairs) && op.pairs[pair][0] == j1; pair++ {
			j2 := op.pairs[pair][1]
			if u1f == nil {
				u1f = p.FFT2(u1)
			}
			w2 := p.MulFilters(cropTo(p, u1f, op.cropH[j2], op.cropW[j2]), op.psiCrop[j2]) // [B, L·L, h2, w2], channel l1·L+l2
			z2 := p.IFFT2(w2)
			s2 = append(s2, p.Mean(p.Modulus(z2)))
			p11 = append(p11, p.Mean(p.Pow(z2, 2)))
		}
	}
	parts := []stlayer.Field{s0}
	parts = append(parts, s1...)
	parts = append(parts, p00...)
	parts = append(parts, s2...)
	parts = append(parts, p11...)
	return p.Concat(parts...)
}
