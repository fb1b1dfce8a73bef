package wst

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// KymatioPaddedSize returns Kymatio's padded side for an axis of n pixels:
// ((n + 2^J) / 2^J + 1)·2^J (integer division).
func KymatioPaddedSize(n, J int) int { return ((n+(1<<J))>>J + 1) << J }

// KymatioChannels returns Kymatio's number of output channels for max_order 2:
// 1 + J·L + L²·J(J−1)/2.
func KymatioChannels(J, L int) int { return 1 + J*L + L*L*J*(J-1)/2 }

func (op *Op) initLocal() error {
	J, L, M, N := op.cfg.J, op.cfg.L, op.m, op.n
	if J > stlayer.Log2Floor(min(M, N)-1) { // 2^J ≥ min(M, N), without overflowing the shift
		msg := fmt.Sprintf("wst: local (Kymatio) WST needs 2^J < min(M, N); got %d×%d with J=%d", M, N, J)
		if min(M, N) >= 3 {
			msg += fmt.Sprintf(", i.e. J ≤ %d for these maps (lower J or give larger maps)", stlayer.Log2Floor(min(M, N)-1))
		} else {
			msg += ": no J ≥ 1 fits maps narrower than 3 pixels"
		}
		kind := stlayer.ErrScales // lower J
		if min(M, N) < 3 {
			kind = stlayer.ErrSize // no J fits
		}
		return &stlayer.ErrShape{Msg: msg, Kind: kind}
	}
	P, Q := KymatioPaddedSize(M, J), KymatioPaddedSize(N, J)
	op.padM, op.padN = P, Q
	op.padTop, op.padBot = (P-M)/2, (P-M+1)/2
	op.padLeft, op.padRight = (Q-N)/2, (Q-N+1)/2
	op.outH, op.outW = P>>J-2, Q>>J-2

	if err := filters.CheckBank(J*L, P, Q); err != nil {
		return err
	}
	psi, phi := filters.MorletKymatio(P, Q, J, L)
	op.psiFull = make([]*stlayer.FilterBank, J)
	op.psiLevel = make([][]*stlayer.FilterBank, J)
	for j := range J {
		op.psiFull[j] = filters.Subset(psi, seq(j*L, L))
		// Kymatio's periodize_filter_fft(ψ_j, res) for res < j: the P/2^res
		// lowest frequencies (a crop: its mask leaves one alias per output).
		op.psiLevel[j] = make([]*stlayer.FilterBank, j)
		for res := 1; res < j; res++ {
			op.psiLevel[j][res] = filters.Cropped(op.psiFull[j], P>>res, Q>>res)
		}
	}
	op.phiLevel = make([]*stlayer.FilterBank, J)
	op.sepRow = make([][][]float64, J)
	op.sepCol = make([][][]float64, J)
	for res := range J {
		op.phiLevel[res] = filters.Cropped(phi, P>>res, Q>>res)
		if res > 0 {
			op.sepRow[res], op.sepCol[res] = op.separableLowpass(res)
		}
	}

	// Computed S2 layout: for j1, for j2 > j1, channel l1·L + l2. Kymatio's
	// order: for (j1, l1), for (j2 > j1, l2).
	base := map[[2]int]int{}
	n := 0
	for j1 := range J {
		for j2 := j1 + 1; j2 < J; j2++ {
			base[[2]int{j1, j2}] = n
			n += L * L
		}
	}
	K := KymatioChannels(J, L)
	op.kymOrder = make([]int, 0, K)
	for i := range 1 + J*L {
		op.kymOrder = append(op.kymOrder, i)
	}
	lab := stlayer.NewLabels(labelColumns...)
	lab.Add("S0", nil)
	op.kymLabels = append(op.kymLabels, [5]int{0, -1, -1, -1, -1})
	for j1 := range J {
		for l1 := range L {
			lab.Add("S1", map[string]int{"j1": j1, "l1": l1})
			op.kymLabels = append(op.kymLabels, [5]int{1, j1, -1, l1, -1})
		}
	}
	for j1 := range J {
		for l1 := range L {
			for j2 := j1 + 1; j2 < J; j2++ {
				for l2 := range L {
					lab.Add("S2", map[string]int{"j1": j1, "l1": l1, "j2": j2, "l2": l2})
					op.kymLabels = append(op.kymLabels, [5]int{2, j1, j2, l1, l2})
					op.kymOrder = append(op.kymOrder, 1+J*L+base[[2]int{j1, j2}]+l1*L+l2)
				}
			}
		}
	}
	op.labels = lab
	op.nLocal = K
	op.key = fmt.Sprintf("wst:kymatio:J%d:L%d:%dx%d", J, L, M, N)
	return nil
}

// lowpass applies Kymatio's "cdgmm(U, φ[res]); subsample_fourier(·, 2^(J−res));
// ifft; real; unpad" to a spectrum u at resolution res ([B, C, P/2^res, Q/2^res]).
func (op *Op) lowpass(p stlayer.Prim, u stlayer.Field, res int) stlayer.Field {
	J := op.cfg.J
	s := p.MulFilters(u, op.phiLevel[res])
	s = p.Periodise(s, op.padM>>J, op.padN>>J)
	s = p.Real(p.IFFT2(s))
	return p.Crop(s, 1, 1, op.outH, op.outW)
}

// separableLowpass returns, when φ̂ at resolution res is separable (the
// Gaussian low-pass: φ̂(k1, k2) = a(k1)·b(k2) up to round-off) and its
// real-space kernel κ = IFFT2(φ̂) is real, the weights of lowpassSpatial:
// rows[y2] (len Nc) = κ2(s·(y2+1) − x2), and cols[y1·outW + y2] (len Nr·outW)
// = κ1(s·(y1+1) − x1) at x1·outW + y2 (zero elsewhere), with κ = κ1⊗κ2,
// s = 2^(J−res) and indices mod (Nr, Nc). Otherwise nil, nil.
func (op *Op) separableLowpass(res int) (rows, cols [][]float64) {
	J := op.cfg.J
	f := op.phiLevel[res]
	Nr, Nc := f.H, f.W
	ph := f.Filter(0)
	c0 := ph[0]
	mx := 0.0
	for _, v := range ph {
		mx = math.Max(mx, math.Abs(v))
	}
	if c0 <= 0.5*mx {
		return nil, nil
	}
	// φ̂(k1, k2) ≈ φ̂(k1, 0)·φ̂(0, k2)/φ̂(0, 0)
	for k1 := 0; k1 < Nr; k1++ {
		for k2 := 0; k2 < Nc; k2++ {
			if math.Abs(ph[k1*Nc+k2]-ph[k1*Nc]*ph[k2]/c0) > 1e-12*mx {
				return nil, nil
			}
		}
	}
	// κ1 = IDFT(a), a(k1) = φ̂(k1, 0); κ2 = IDFT(b), b(k2) = φ̂(0, k2)/φ̂(0, 0).
	idft := func(v []float64) ([]float64, bool) {
		n := len(v)
		out := make([]float64, n)
		vmax := 0.0
		for _, x := range v {
			vmax = math.Max(vmax, math.Abs(x))
		}
		for z := 0; z < n; z++ {
			var re, im float64
			for k, x := range v {
				s, c := math.Sincos(2 * math.Pi * float64((k*z)%n) / float64(n))
				re += x * c
				im += x * s
			}
			if math.Abs(im) > 1e-12*vmax*float64(n) {
				return nil, false
			}
			out[z] = re / float64(n)
		}
		return out, true
	}
	a := make([]float64, Nr)
	for k1 := range a {
		a[k1] = ph[k1*Nc]
	}
	b := make([]float64, Nc)
	for k2 := range b {
		b[k2] = ph[k2] / c0
	}
	k1, ok1 := idft(a)
	k2, ok2 := idft(b)
	if !ok1 || !ok2 {
		return nil, nil
	}
	s := 1 << (J - res)
	oh, ow := op.outH, op.outW
	rows = make([][]float64, ow)
	for y2 := range rows {
		rows[y2] = make([]float64, Nc)
		for x2 := range rows[y2] {
			rows[y2][x2] = k2[((s*(y2+1)-x2)%Nc+Nc)%Nc]
		}
	}
	cols = make([][]float64, oh*ow)
	for y1 := 0; y1 < oh; y1++ {
		for y2 := 0; y2 < ow; y2++ {
			m := make([]float64, Nr*ow)
			for x1 := 0; x1 < Nr; x1++ {
				m[x1*ow+y2] = k1[((s*(y1+1)-x1)%Nr+Nr)%Nr]
			}
			cols[y1*ow+y2] = m
		}
	}
	return rows, cols
}

// lowpassSpatial is lowpass of the real field u ([B, C, P/2^res, Q/2^res],
// in real space) computed in real space: lowpass(FFT2(u), res) is the
// circular convolution of u with κ = IFFT2(φ̂ at res) sampled every 2^(J−res)
// pixels and unpadded, i.e. out[y1, y2] = Σ_x u[x]·κ(s·(y1+1) − x1, s·(y2+1) − x2);
// with κ separable this is a weighted sum along rows (outW weights per row)
// then along columns, far cheaper than the FFT it replaces. Falls back to the
// Fourier path when φ̂ is not separable.
func (op *Op) lowpassSpatial(p stlayer.Prim, u stlayer.Field, res int) stlayer.Field {
	if op.sepRow[res] == nil {
		return op.lowpass(p, p.FFT2(u), res)
	}
	_, C, Nr, Nc := u.Dims()
	oh, ow := op.outH, op.outW
	t := p.WeightedMeans(p.Reshape(u, C*Nr, 1, Nc), op.sepRow[res]) // [B, C·Nr·ow], (c·Nr + x1)·ow + y2
	t = p.WeightedMeans(p.Reshape(t, C, 1, Nr*ow), op.sepCol[res])  // [B, C·oh·ow]
	return p.Reshape(t, C, oh, ow)
}

// localStat is Kymatio's scattering2d core on Prim.
func (op *Op) localStat(p stlayer.Prim, x stlayer.Field) stlayer.Field {
	op.mustFit(x)
	J := op.cfg.J
	P, Q := op.padM, op.padN
	u0 := p.FFT2(p.PadReflect(x, op.padTop, op.padBot, op.padLeft, op.padRight))
	parts := []stlayer.Field{op.lowpass(p, u0, 0)}
	var s2 []stlayer.Field
	for j1 := range J {
		w1 := p.MulFilters(u0, op.psiFull[j1]) // [B, L, P, Q]
		if j1 > 0 {
			w1 = p.Periodise(w1, P>>j1, Q>>j1)
		}
		u1 := p.FFT2(p.Modulus(p.IFFT2(w1))) // [B, L, P/2^j1, Q/2^j1]
		parts = append(parts, op.lowpass(p, u1, j1))
		for j2 := j1 + 1; j2 < J; j2++ {
			f := op.psiFull[j2]
			if j1 > 0 {
				f = op.psiLevel[j2][j1]
			}
			w2 := p.Periodise(p.MulFilters(u1, f), P>>j2, Q>>j2) // [B, L·L, P/2^j2, Q/2^j2]
			s2 = append(s2, op.lowpassSpatial(p, p.Modulus(p.IFFT2(w2)), j2))
		}
	}
	parts = append(parts, s2...)
	return p.Channels(p.Concat(parts...), op.kymOrder)
}

// KymatioLabelRows returns, for a local operator, one row (order, j1, j2,
// theta1, theta2) per output channel, −1 where not applicable — the layout of
// Kymatio's meta() / the reference fixture's `labels`. Nil for a global operator.
func (op *Op) KymatioLabelRows() [][5]int {
	if !op.cfg.Local {
		return nil
	}
	out := make([][5]int, len(op.kymLabels))
	copy(out, op.kymLabels)
	return out
}

// OutputSize returns the spatial size (h, w) of the statistic's output: (1, 1)
// for the global WST, (P/2^J − 2, Q/2^J − 2) for the local WST.
func (op *Op) OutputSize() (int, int) {
	if op.cfg.Local {
		return op.outH, op.outW
	}
	return 1, 1
}

// PaddedSize returns Kymatio's padded size (P, Q) for a local operator, (M, N)
// for a global one.
func (op *Op) PaddedSize() (int, int) {
	if op.cfg.Local {
		return op.padM, op.padN
	}
	return op.m, op.n
}
