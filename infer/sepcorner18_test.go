package infer

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSepcorner18CornerBins pins NewBinnedPSOpCorner's corner rings: after
// NewBinnedPSOp's half-octave bins (same values), bin nb is the mean power
// over min(M, N)/2 ≤ |k| < 2^¼·min(M, N)/2 and bin nb + 1 over |k| ≥
// 2^¼·min(M, N)/2 (|k| of modeK, /(M N) as the other bins), computed here
// from the DFT directly; together the bins count every mode but k = 0 once
// (Parseval: Σ_b n_b P_b = Σ (x − x̄)²). The cross version is the real cross
// spectrum of the pair, and NewSepStats' spectrum has the rings, PS-like.
func TestSepcorner18CornerBins(t *testing.T) {
	eng := cpu.New()
	for _, sz := range [][2]int{{32, 32}, {24, 32}, {16, 16}} {
		m, n := sz[0], sz[1]
		a, b := gNoise(m, n, 3), gNoise(m, n, 4)
		x := &stlayer.Maps{B: 1, M: m, N: n, Data: a}
		op, base := NewBinnedPSOpCorner(m, n, false), NewBinnedPSOp(m, n, false)
		nb := base.Labels().Len()
		if op.Labels().Len() != nb+2 {
			t.Fatalf("%d×%d: %d coefficients, want %d bins + 2 corner rings", m, n, op.Labels().Len(), nb)
		}
		for r := 0; r < 2; r++ {
			if c, bin := op.Labels().Class[nb+r], op.Labels().Get(nb+r, "bin"); c != "PS" || bin != nb+r {
				t.Errorf("%d×%d corner ring %d: class %s bin %d, want PS bin %d", m, n, r, c, bin, nb+r)
			}
		}
		if op.Key() == base.Key() {
			t.Errorf("%d×%d: the corner operator shares NewBinnedPSOp's key", m, n)
		}
		got, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := stlayer.ForwardChunked(eng, base.Key(), base.Stat(), x, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range want.Row(0) {
			if cmplx.Abs(got.Row(0)[k]-v) > 1e-12*cmplx.Abs(v) {
				t.Errorf("%d×%d bin %d: %g, NewBinnedPSOp %g", m, n, k, got.Row(0)[k], v)
			}
		}
		// direct: rings of the DFT, auto and cross
		fa, fb := fft2(a, m, n), fft2(b, m, n)
		h, k1 := float64(min(m, n))/2, math.Pow(2, 0.25)*float64(min(m, n))/2
		var pa, px [2]float64
		var cnt [2]int
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				k := modeK(i, j, m, n)
				if k < h {
					continue
				}
				r := 0
				if k >= k1 {
					r = 1
				}
				p := i*n + j
				pa[r] += real(fa[p] * cmplx.Conj(fa[p]))
				px[r] += real(fa[p] * cmplx.Conj(fb[p]))
				cnt[r]++
			}
		}
		pair := stackPairs(x, &stlayer.Maps{B: 1, M: m, N: n, Data: b})
		xop := NewBinnedPSOpCorner(m, n, true)
		gx, err := stlayer.ForwardChunked(eng, xop.Key(), xop.Stat(), pair, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 2; r++ {
			if cnt[r] == 0 {
				t.Fatalf("%d×%d: corner ring %d holds no mode", m, n, r)
			}
			wa, wx := pa[r]/float64(cnt[r]*m*n), px[r]/float64(cnt[r]*m*n)
			if g := real(got.Row(0)[nb+r]); math.Abs(g-wa) > 1e-10*wa {
				t.Errorf("%d×%d corner ring %d: %g, direct %g", m, n, r, g, wa)
			}
			if g := real(gx.Row(0)[nb+r]); math.Abs(g-wx) > 1e-10*wa {
				t.Errorf("%d×%d cross corner ring %d: %g, direct %g", m, n, r, g, wx)
			}
		}
		// every mode but k = 0 once
		_, bin, _ := psBins(m, n)
		count := make([]int, nb)
		for _, bb := range bin {
			if bb >= 0 {
				count[bb]++
			}
		}
		tot := 0.0
		for k := 0; k < nb; k++ {
			tot += float64(count[k]) * real(got.Row(0)[k])
		}
		tot += float64(cnt[0])*real(got.Row(0)[nb]) + float64(cnt[1])*real(got.Row(0)[nb+1])
		_, sd, _, _ := Moments(a)
		if want := sd * sd * float64(m*n); math.Abs(tot-want) > 1e-9*want {
			t.Errorf("%d×%d: Σ n_b P_b = %g, Σ (x − x̄)² = %g", m, n, tot, want)
		}
	}
	ss, err := NewSepStats(stats.Spec{Kind: stats.WPH, L: 4, Iso: true}, 32, 32, true)
	if err != nil {
		t.Fatal(err)
	}
	lb, nb := ss.Auto.Labels(), NewBinnedPSOp(32, 32, false).Labels().Len()
	last := lb.Len() - 1
	if lb.Class[last] != "PS" || lb.Get(last, "bin") != nb+1 || !ss.PS[last] || !ss.PS[last-1] {
		t.Errorf("NewSepStats' spectrum ends with %s bin %d (PS-like %v); want the corner rings, PS bins %d and %d, PS-like", lb.Class[last], lb.Get(last, "bin"), ss.PS[last], nb, nb+1)
	}
	if xl := ss.Cross.Labels(); xl.Class[xl.Len()-1] != "PSx" || xl.Get(xl.Len()-1, "bin") != nb+1 {
		t.Errorf("NewSepStats' cross spectrum ends with %s bin %d; want PSx bin %d", xl.Class[xl.Len()-1], xl.Get(xl.Len()-1, "bin"), nb+1)
	}
	if NewBinnedPSOpCorner(1, 8, false).Labels().Len() != 0 {
		t.Error("a 1×8 map has corner rings")
	}
}

// TestSepcorner18CornerGradient: the gradient of a separation loss term on
// the corner-ring spectrum (data term on d − s̃, whitened by per-coefficient
// weights, and the cross term on the pair (s̃, d − s̃)) matches central
// finite differences to 1e-5 relative on a 16² map, at pixels and along a
// random direction.
func TestSepcorner18CornerGradient(t *testing.T) {
	const m = 16
	eng := cpu.New()
	d := gMaps(m, 11)
	u := gMaps(m, 12)
	for i := range u.Data {
		u.Data[i] *= 0.5
	}
	auto, cross := NewBinnedPSOpCorner(m, m, false), NewBinnedPSOpCorner(m, m, true)
	nk, nx := auto.Labels().Len(), cross.Labels().Len()
	tgt := func(n int, v float64) ([]complex128, []float64) {
		tg, w := make([]complex128, n), make([]float64, n)
		for k := range tg {
			tg[k] = complex(v*(1+0.1*float64(k%3)), 0)
			w[k] = 1 + float64(k)
		}
		return tg, w
	}
	ta, wa := tgt(nk, 0.3)
	tx, wx := tgt(nx, 0.01)
	off := stlayer.NewMaps(1, 2*m, m)
	copy(off.Data[m*m:], d.Data)
	loss := &SepLoss{Engine: eng, Terms: []*SepTerm{
		{Name: "data", Op: auto, Expr: Expr{Coef: [][]float64{{-1}}, Offset: d}, Target: ta, Weight: wa},
		{Name: "independence", Op: cross, Expr: Expr{Blocks: 2, Coef: [][]float64{{1, -1}}, Offset: off}, Target: tx, Weight: wx},
	}}
	f := func(x *stlayer.Maps) float64 {
		v, _, _, err := loss.Eval(x)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	_, _, g, err := loss.Eval(u)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-4
	dir := gNoise(m, m, 13)
	shift := func(s float64, at int) *stlayer.Maps {
		x := &stlayer.Maps{B: 1, M: m, N: m, Data: append([]float64(nil), u.Data...)}
		if at >= 0 {
			x.Data[at] += s
		} else {
			for i := range x.Data {
				x.Data[i] += s * dir[i]
			}
		}
		return x
	}
	gmax := 0.0
	for _, v := range g {
		gmax = math.Max(gmax, math.Abs(v))
	}
	for _, at := range []int{0, 5, 77, 200, 255, -1} {
		fd := (f(shift(h, at)) - f(shift(-h, at))) / (2 * h)
		an := 0.0
		if at >= 0 {
			an = g[at]
		} else {
			for i := range g {
				an += g[i] * dir[i]
			}
		}
		if math.Abs(fd-an) > 1e-5*math.Max(math.Abs(fd), gmax) {
			t.Errorf("pixel %d: gradient %g, finite difference %g", at, an, fd)
		}
	}
}
