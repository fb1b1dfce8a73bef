package infer

import (
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// The binning before PowerSpectrum's bins became ones of physical frequency
// (integer |k| = √(kx² + ky²) in cycles per map; phys: the calibrated
// spectra's physical frequency without bins below 1), kept to show that
// square maps are binned bit for bit as before.

func oldIsoPowerSpectrum(x []float64, m, n int, phys bool) *PowerSpectrum {
	if m < 1 || n < 1 || len(x) != m*n || min(m, n) < 2 {
		return &PowerSpectrum{}
	}
	f := fft2(centred(x), m, n)
	edges := oldHalfOctaveEdges(m, n)
	nb := len(edges) - 1
	ps := &PowerSpectrum{Edges: edges, K: make([]float64, nb), P: make([]float64, nb), Count: make([]int, nb)}
	norm := 1 / float64(m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := oldModeK(i, j, m, n, phys)
			b := oldBinOf(edges, k)
			if b < 0 {
				continue
			}
			v := f[i*n+j]
			ps.P[b] += (real(v)*real(v) + imag(v)*imag(v)) * norm
			ps.K[b] += k
			ps.Count[b]++
		}
	}
	for b := range ps.P {
		if ps.Count[b] > 0 {
			ps.P[b] /= float64(ps.Count[b])
			ps.K[b] /= float64(ps.Count[b])
		}
	}
	return ps
}

func oldModeK(i, j, m, n int, phys bool) float64 {
	ki, kj := float64(freq(i, m)), float64(freq(j, n))
	if phys && m != n {
		s := float64(min(m, n))
		ki, kj = ki*s/float64(m), kj*s/float64(n)
	}
	return math.Hypot(ki, kj)
}

func oldHalfOctaveEdges(m, n int) []float64 {
	kmax := float64(min(m, n)) / 2
	var edges []float64
	for i := 0; ; i++ {
		e := math.Pow(2, float64(i)/2)
		if e > kmax*(1+1e-12) {
			break
		}
		edges = append(edges, e)
	}
	if edges[len(edges)-1] < kmax {
		edges = append(edges, kmax)
	}
	return edges
}

func oldCrossSpectrumR(a, b []float64, m, n int) (edges, r []float64) {
	if m < 1 || n < 1 || len(a) != m*n || len(b) != m*n {
		return nil, nil
	}
	if min(m, n) < 2 {
		return nil, []float64{}
	}
	ca, cb := centred(a), centred(b)
	fa, fb := fft2(ca, m, n), fft2(cb, m, n)
	edges = oldHalfOctaveEdges(m, n)
	nb := len(edges) - 1
	sab, saa, sbb, cnt := make([]float64, nb), make([]float64, nb), make([]float64, nb), make([]int, nb)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			bn := oldBinOf(edges, oldModeK(i, j, m, n, false))
			if bn < 0 {
				continue
			}
			u, v := fa[i*n+j], fb[i*n+j]
			sab[bn] += real(u)*real(v) + imag(u)*imag(v)
			saa[bn] += real(u)*real(u) + imag(u)*imag(u)
			sbb[bn] += real(v)*real(v) + imag(v)*imag(v)
			cnt[bn]++
		}
	}
	// Σ_k |X(k)|² over all modes is M·N·Σ x² (Parseval): the variance times
	// (M·N)², so a bin power Σ_{k∈b}|X|²/(n_b M N) ≤ f·var reads
	// Σ_{k∈b}|X|² ≤ f·n_b·Σ x².
	va, vb := 0.0, 0.0
	for i := range ca {
		va += ca[i] * ca[i]
		vb += cb[i] * cb[i]
	}
	r = make([]float64, nb)
	for bn := range r {
		floor := noPowerFraction * float64(cnt[bn])
		if cnt[bn] == 0 || !(saa[bn] > floor*va) || !(sbb[bn] > floor*vb) {
			r[bn] = math.NaN()
			continue
		}
		r[bn] = sab[bn] / math.Sqrt(saa[bn]*sbb[bn])
	}
	return edges, r
}

func oldBinOf(edges []float64, k float64) int {
	nb := len(edges) - 1
	if nb < 1 || k < edges[0] || k >= edges[nb] {
		return -1
	}
	b := sort.SearchFloat64s(edges, k)
	if b == len(edges) || edges[b] > k {
		b--
	}
	if b >= nb {
		return -1
	}
	return b
}

// oldPSOpWeights is newPSOp's per-bin weights before the change.
func oldPSOpWeights(m, n int, corner bool) [][]float64 {
	ref := oldIsoPowerSpectrum(make([]float64, m*n), m, n, false)
	edges := ref.Edges
	nb := len(ref.P)
	if corner && nb > 0 {
		edges = append(append([]float64(nil), edges...), math.Inf(1))
		nb++
	}
	bins := make([][]float64, nb)
	for b := range bins {
		bins[b] = make([]float64, m*n)
	}
	count := make([]int, nb)
	bin := make([]int, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := math.Hypot(float64(freq(i, m)), float64(freq(j, n)))
			bin[i*n+j] = -1
			for b := 0; b < nb; b++ {
				if k >= edges[b] && k < edges[b+1] {
					bin[i*n+j] = b
					count[b]++
					break
				}
			}
		}
	}
	for p, b := range bin {
		if b >= 0 {
			bins[b][p] = 1 / float64(count[b]*m*n)
		}
	}
	return bins
}

// oldCornerPower is cornerPower before the change.
func oldCornerPower(x []float64, m, n int) float64 {
	f := fft2(x, m, n)
	kmax := float64(min(m, n)) / 2
	sum, cnt := 0.0, 0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if math.Hypot(float64(freq(i, m)), float64(freq(j, n))) >= kmax {
				v := f[i*n+j]
				sum += real(v)*real(v) + imag(v)*imag(v)
				cnt++
			}
		}
	}
	if cnt == 0 {
		return 0
	}
	return sum / float64(cnt*m*n)
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

// TestPhysicalBinsSquareUnchanged: on square maps the bins of physical
// frequency (cycles per min(M, N) pixels) are the former integer-|k| bins,
// and IsoPowerSpectrum, CrossSpectrumR, PSOp's and BinnedPSOp's weights,
// cornerPower and the calibrated spectra's grid are bit for bit those of
// the code before the change (copied above).
func TestPhysicalBinsSquareUnchanged(t *testing.T) {
	for _, m := range []int{2, 3, 6, 7, 9, 16, 32, 33} {
		x := randMaps(1, m, m, uint64(40+m), 1.3, 0.4).Data
		y := randMaps(1, m, m, uint64(90+m), 1, 0).Data
		a, o := IsoPowerSpectrum(x, m, m), oldIsoPowerSpectrum(x, m, m, false)
		if !sameFloats(a.Edges, o.Edges) || !sameFloats(a.K, o.K) || !sameFloats(a.P, o.P) || !slices.Equal(a.Count, o.Count) {
			t.Errorf("%d²: IsoPowerSpectrum %+v, before %+v", m, a, o)
		}
		if ph := oldIsoPowerSpectrum(x, m, m, true); !sameFloats(a.P, ph.P) || !sameFloats(a.K, ph.K) {
			t.Errorf("%d²: IsoPowerSpectrum %v, calibrated spectra's binning before %v", m, a.P, ph.P)
		}
		e1, r1 := CrossSpectrumR(x, y, m, m)
		e0, r0 := oldCrossSpectrumR(x, y, m, m)
		if !sameFloats(e1, e0) || !sameFloats(r1, r0) {
			t.Errorf("%d²: CrossSpectrumR %v %v, before %v %v", m, e1, r1, e0, r0)
		}
		for _, corner := range []bool{false, true} {
			got, want := newPSOp(m, m, corner).bins, oldPSOpWeights(m, m, corner)
			if len(got) != len(want) {
				t.Errorf("%d² corner=%t: PSOp has %d bins, before %d", m, corner, len(got), len(want))
				continue
			}
			for b := range got {
				if !sameFloats(got[b], want[b]) {
					t.Errorf("%d² corner=%t: PSOp bin %d weights changed", m, corner, b)
				}
			}
		}
		bop, want := NewBinnedPSOp(m, m, false), oldPSOpWeights(m, m, false)
		if len(bop.masks) != len(want) {
			t.Errorf("%d²: BinnedPSOp has %d bins, before %d", m, len(bop.masks), len(want))
		} else {
			for b := range want {
				if !sameFloats(bop.masks[b], want[b]) {
					t.Errorf("%d²: BinnedPSOp bin %d weights changed", m, b)
				}
			}
		}
		if m >= 2 {
			if c, c0 := cornerPower(x, m, m), oldCornerPower(x, m, m); c != c0 {
				t.Errorf("%d²: cornerPower %g, before %g", m, c, c0)
			}
		}
	}
	// The calibrated grid: every mode but k = 0 takes its bin's power, the
	// corner modes the last bin's (the loop before the change).
	const p, m = 32, 32
	comps := nonSquareTestComps(p)
	d := &stlayer.Maps{B: 1, M: m, N: m, Data: randMaps(1, m, m, 3, 1, 0).Data}
	grids := calibratedSpectra(d, comps, p)
	pd, pb := calibratedBins(d, comps, p)
	nb := len(pd.P)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			want := make([]float64, len(comps))
			if i != 0 || j != 0 {
				k := math.Hypot(float64(freq(i, m)), float64(freq(j, m)))
				b := 0
				for b+1 < nb && k >= pd.Edges[b+1] {
					b++
				}
				for c := range want {
					want[c] = pb[c][b]
				}
			}
			for c := range want {
				if grids[c][i*m+j] != want[c] {
					t.Errorf("32² mode (%d, %d) component %d: %g, before %g", i, j, c, grids[c][i*m+j], want[c])
				}
			}
		}
	}
}

// nonSquareTestComps are two component models of patch size p with
// spectra k⁻³ and k⁻⁰·⁵ (log std 0.5), as TestCalibratedBinsNonSquare's.
func nonSquareTestComps(p int) []SepComponent {
	ref := IsoPowerSpectrum(make([]float64, p*p), p, p)
	mk := func(slope float64) *ComponentModel {
		c := &ComponentModel{}
		for b := range ref.P {
			k := math.Sqrt(ref.Edges[b] * ref.Edges[b+1])
			c.PSK = append(c.PSK, k)
			v := math.Pow(k/float64(p), slope)
			c.PS = append(c.PS, v)
			c.PSLogMean = append(c.PSLogMean, math.Log(v))
			c.PSLogStd = append(c.PSLogStd, 0.5)
		}
		return c
	}
	return []SepComponent{{Name: "steep", Model: mk(-3)}, {Name: "flat", Model: mk(-0.5)}}
}

// TestCalibratedSpectraNonSquareLowBins: on a non-square map the calibrated
// spectra and IsoPowerSpectrum agree on the long axis' frequencies below 1
// cycle per min(M, N) pixels: they have a bin of their own ([0.5, 1) on
// 64×128, the modes at 0.5), calibrated on the data's power there, and the
// grid gives each mode its bin's power, so Σ_c of the grid is the data's
// bin power at every binned mode (the constraint of the calibration).
// Before, these modes (k⁻³: 8× the power at 1) were left out of every bin
// of the data spectrum but given the power of [1, √2) in the grid.
func TestCalibratedSpectraNonSquareLowBins(t *testing.T) {
	const p = 32
	comps := nonSquareTestComps(p)
	for _, sz := range [][2]int{{64, 128}, {128, 64}} {
		m, n := sz[0], sz[1]
		pg := make([]float64, m*n) // f⁻³ (f in cycles per pixel) + flat
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if f := math.Hypot(float64(freq(i, m))/float64(m), float64(freq(j, n))/float64(n)); f > 0 {
					pg[i*n+j] = math.Pow(f, -3) + 10
				}
			}
		}
		d := &stlayer.Maps{B: 1, M: m, N: n, Data: exactField(pg, m, n, 7)}
		grids := calibratedSpectra(d, comps, p)
		pd := IsoPowerSpectrum(d.Data, m, n)
		_, bin, _ := psBins(m, n)
		worst := 0.0
		for q, b := range bin {
			if b < 0 {
				continue
			}
			sum := 0.0
			for c := range grids {
				sum += grids[c][q]
			}
			worst = math.Max(worst, math.Abs(sum/pd.P[b]-1))
		}
		if worst > 0.01 {
			t.Errorf("%d×%d: Σ_c calibrated grid off the data's bin power by up to %.3g", m, n, worst)
		}
		low := 1 // the long axis' k = 1: 0.5 cycles per 64 pixels
		if m > n {
			low = n
		}
		if bin[low] != 0 || pd.Edges[0] != 0.5 || pd.Count[0] != 2 {
			t.Errorf("%d×%d: long-axis k = 1 in bin %d (edges %v, counts %v), want bin 0 [0.5, 1) of 2 modes", m, n, bin[low], pd.Edges[:3], pd.Count[:3])
		}
		sum := 0.0
		for c := range grids {
			sum += grids[c][low]
		}
		t.Logf("%d×%d: Σ_c grid at long-axis k = 1: %.4g, data there %.4g, bin [1, √2) %.4g", m, n, sum, pg[low], pd.P[1])
		if math.Abs(sum/pg[low]-1) > 0.01 {
			t.Errorf("%d×%d: Σ_c calibrated grid at the long axis' k = 1 is %.4g, the data's power there %.4g", m, n, sum, pg[low])
		}
	}
}
