package infer

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// directDFT is the 2D DFT of a real m×n map by the defining double sum
// X(p, q) = Σ_{i,j} x(i, j) e^{−2πi (p i/m + q j/n)} (no FFT).
func directDFT(x []float64, m, n int) []complex128 {
	out := make([]complex128, m*n)
	for p := 0; p < m; p++ {
		for q := 0; q < n; q++ {
			var s complex128
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					ph := -2 * math.Pi * (float64(p*i)/float64(m) + float64(q*j)/float64(n))
					s += complex(x[i*n+j], 0) * cmplx.Exp(complex(0, ph))
				}
			}
			out[p*n+q] = s
		}
	}
	return out
}

// directBins returns, independently of metrics.go, the half-octave bins the
// documentation of PowerSpectrum describes, in exact integer arithmetic:
// |k|² = s²(kp²/m² + kq²/n²) (s = min(m, n), kp, kq the signed integer
// frequencies), edges 2^(i/2) for i ≥ 0 below s/2 then s/2, below 1 (non-
// square maps) the half-octaves from the one holding s/max(m, n) that hold
// a mode; for each mode (p, q) its bin (−1: the DC mode, and |k| ≥ s/2)
// and |k|.
func directBins(m, n int) (edges []float64, bin []int, kabs []float64) {
	s := int64(min(m, n))
	mn2 := int64(m*m) * int64(n*n)
	signed := func(i, n int) int64 { // fftfreq: 0, 1, …, then negative
		if 2*i < n {
			return int64(i)
		}
		return int64(i - n)
	}
	// |k|² ≥ num/den ⇔ s²·Q·den ≥ num·m²n², Q = kp²n² + kq²m².
	type frac struct{ num, den int64 }
	ge := func(q int64, e frac) bool { return s*s*q*e.den >= e.num*mn2 }
	qs := make([]int64, m*n)
	for p := 0; p < m; p++ {
		for q := 0; q < n; q++ {
			kp, kq := signed(p, m), signed(q, n)
			qs[p*n+q] = kp*kp*int64(n*n) + kq*kq*int64(m*m)
		}
	}
	var e2 []frac // squared edges
	if m != n {
		// 2^i ≤ (s/max)² for the lowest edge
		i := 0
		for {
			i--
			e := frac{1, int64(1) << -i}
			if e.num*int64(max(m, n)*max(m, n)) <= e.den*s*s { // 2^i ≤ s²/max²
				break
			}
		}
		for ; i < 0; i++ {
			lo, hi := frac{1, int64(1) << -i}, frac{1, int64(1) << -(i + 1)}
			if i+1 == 0 {
				hi = frac{1, 1}
			}
			has := false
			for _, q := range qs {
				if q > 0 && ge(q, lo) && !ge(q, hi) {
					has = true
				}
			}
			if has || len(e2) == 0 {
				e2 = append(e2, lo)
			}
		}
	}
	kmax2 := frac{s * s, 4}
	for i := 0; int64(1)<<i*kmax2.den < kmax2.num; i++ {
		e2 = append(e2, frac{int64(1) << i, 1})
	}
	e2 = append(e2, kmax2)
	for _, e := range e2 {
		edges = append(edges, math.Sqrt(float64(e.num)/float64(e.den)))
	}
	bin = make([]int, m*n)
	kabs = make([]float64, m*n)
	for p, q := range qs {
		kabs[p] = float64(s) * math.Sqrt(float64(q)) / float64(m*n)
		bin[p] = -1
		for b := 0; b+1 < len(e2) && q > 0; b++ {
			if ge(q, e2[b]) && !ge(q, e2[b+1]) {
				bin[p] = b
				break
			}
		}
	}
	return edges, bin, kabs
}

// TestIsoPowerSpectrumDirectDFT: on tiny maps (odd, even and non-square
// sizes) IsoPowerSpectrum equals the documented estimate computed here from
// the defining DFT sum: per bin, the mean over its modes of |X(k)|²/(M N),
// the DC mode and every mode with |k| ≥ min(M, N)/2 (Nyquist axes and the
// Fourier corners) left out, modes on an edge in the upper bin; K the mean
// |k| and Count the number of the bin's modes. The mean over all M·N modes
// of |X|²/(M N) is the pixel variance (Parseval), so white noise of
// variance σ² has P = σ².
func TestIsoPowerSpectrumDirectDFT(t *testing.T) {
	for _, sz := range [][2]int{{6, 6}, {7, 7}, {5, 9}, {8, 12}, {12, 8}, {9, 16}, {3, 4}} {
		m, n := sz[0], sz[1]
		x := randMaps(1, m, n, uint64(m*100+n), 1.5, 0.7).Data
		f := directDFT(x, m, n)
		edges, bin, kabs := directBins(m, n)
		nb := len(edges) - 1
		p, k, cnt := make([]float64, nb), make([]float64, nb), make([]int, nb)
		all := 0.0
		for i, v := range f {
			pw := real(v)*real(v) + imag(v)*imag(v)
			if i > 0 {
				all += pw / float64(m*n)
			}
			if b := bin[i]; b >= 0 {
				p[b] += pw / float64(m*n)
				k[b] += kabs[i]
				cnt[b]++
			}
		}
		ps := IsoPowerSpectrum(x, m, n)
		if len(ps.Edges) != len(edges) {
			t.Fatalf("%d×%d: edges %v, want %v", m, n, ps.Edges, edges)
		}
		for i := range edges {
			if math.Abs(ps.Edges[i]-edges[i]) > 1e-12 {
				t.Errorf("%d×%d: edge %d = %g, want %g", m, n, i, ps.Edges[i], edges[i])
			}
		}
		for b := 0; b < nb; b++ {
			if ps.Count[b] != cnt[b] {
				t.Errorf("%d×%d bin %d [%.3g, %.3g): %d modes, want %d", m, n, b, edges[b], edges[b+1], ps.Count[b], cnt[b])
				continue
			}
			if cnt[b] == 0 {
				continue
			}
			wantP, wantK := p[b]/float64(cnt[b]), k[b]/float64(cnt[b])
			if math.Abs(ps.P[b]-wantP) > 1e-10*(1+wantP) || math.Abs(ps.K[b]-wantK) > 1e-12*wantK {
				t.Errorf("%d×%d bin %d: P %.12g K %.12g, direct DFT %.12g %.12g", m, n, b, ps.P[b], ps.K[b], wantP, wantK)
			}
		}
		// Parseval: the mean of |X|²/(MN) over all modes is the variance.
		_, sd, _, _ := Moments(x)
		if got := all / float64(m*n); math.Abs(got-sd*sd) > 1e-10*sd*sd {
			t.Errorf("%d×%d: mean over the modes of |X|²/(MN) %.12g, pixel variance %.12g", m, n, got, sd*sd)
		}
	}
	// Modes on an edge go to the upper bin: (1, 1) at |k| = √2 and (2, 2)
	// at 2√2 on a 12×12 map, (4, 0) at 4.
	ps := IsoPowerSpectrum(make([]float64, 144), 12, 12)
	edges, bin, _ := directBins(12, 12)
	for _, md := range [][2]int{{1, 1}, {2, 2}, {0, 4}, {4, 0}, {0, 1}} {
		b := bin[md[0]*12+md[1]]
		if math.Abs(edges[b]-ps.Edges[b]) > 1e-12 || math.Hypot(float64(md[0]), float64(md[1])) < ps.Edges[b] {
			t.Errorf("mode %v: bin %d [%g, %g)", md, b, ps.Edges[b], ps.Edges[b+1])
		}
	}
}

// TestCrossSpectrumRDirectDFT: CrossSpectrumR is, per bin of
// IsoPowerSpectrum, Σ Re(A B*)/√(Σ|A|² Σ|B|²) over the bin's modes (the real
// part of the cross spectrum, summed over the bin, then normalised; not a
// mean of per-mode ratios), computed here from the defining DFT sums.
func TestCrossSpectrumRDirectDFT(t *testing.T) {
	for _, sz := range [][2]int{{7, 7}, {8, 12}, {9, 6}} {
		m, n := sz[0], sz[1]
		a := randMaps(1, m, n, 11, 1, 0).Data
		b := randMaps(1, m, n, 12, 1, 0).Data
		for i := range b {
			b[i] = 0.6*a[i] + b[i] // correlated, r ≈ 0.5
		}
		fa, fb := directDFT(a, m, n), directDFT(b, m, n)
		edges, bin, _ := directBins(m, n)
		nb := len(edges) - 1
		sab, saa, sbb := make([]float64, nb), make([]float64, nb), make([]float64, nb)
		for i := range fa {
			if bn := bin[i]; bn >= 0 {
				sab[bn] += real(fa[i] * cmplx.Conj(fb[i]))
				saa[bn] += real(fa[i] * cmplx.Conj(fa[i]))
				sbb[bn] += real(fb[i] * cmplx.Conj(fb[i]))
			}
		}
		gotE, r := CrossSpectrumR(a, b, m, n)
		if len(r) != nb || len(gotE) != nb+1 {
			t.Fatalf("%d×%d: %d bins (%d edges), want %d", m, n, len(r), len(gotE), nb)
		}
		for bn := range r {
			want := sab[bn] / math.Sqrt(saa[bn]*sbb[bn])
			if math.Abs(r[bn]-want) > 1e-10 {
				t.Errorf("%d×%d bin %d: r = %.12g, direct DFT %.12g", m, n, bn, r[bn], want)
			}
		}
	}
}

// TestPSOpBinsAreIsoPowerSpectrums: the synthesis power-spectrum statistic
// (PSOp) and the separation's BinnedPSOp use IsoPowerSpectrum's bins of
// physical frequency, also on non-square maps (with bins below 1, some
// half-octaves there dropped as empty: 6×15, 4×16): exp Φ_b of PSOp and
// the BinnedPSOp coefficients equal IsoPowerSpectrum's P, the bins and
// counts are those of directBins, and the corner bin of NewPSOpCorner is
// the mean |X|²/(MN) over the modes left out (|k| ≥ min(M, N)/2 cycles per
// min(M, N) pixels, DC excluded), computed from the direct DFT, as is
// cornerPower.
func TestPSOpBinsAreIsoPowerSpectrums(t *testing.T) {
	eng := cpu.New()
	for _, sz := range [][2]int{{8, 12}, {12, 8}, {9, 9}, {8, 16}, {16, 8}, {6, 15}, {15, 6}, {4, 16}} {
		m, n := sz[0], sz[1]
		x := randMaps(1, m, n, 21, 1, 0.3)
		ps := IsoPowerSpectrum(x.Data, m, n)
		edges, dbin, _ := directBins(m, n)
		if len(edges) != len(ps.Edges) {
			t.Fatalf("%d×%d: edges %v, directBins %v", m, n, ps.Edges, edges)
		}
		for b := range ps.Count {
			cnt := 0
			for _, v := range dbin {
				if v == b {
					cnt++
				}
			}
			if ps.Count[b] != cnt || cnt == 0 {
				t.Errorf("%d×%d bin %d: %d modes, directBins %d (no bin may be empty)", m, n, b, ps.Count[b], cnt)
			}
		}
		op := NewPSOpCorner(m, n)
		c, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		row := c.Row(0)
		if len(row) != len(ps.P)+1 {
			t.Fatalf("%d×%d: PSOpCorner has %d coefficients, want %d + 1", m, n, len(row), len(ps.P))
		}
		for b, p := range ps.P {
			if got := math.Exp(real(row[b])); math.Abs(got-p) > 1e-9*p {
				t.Errorf("%d×%d bin %d: PSOp %g, IsoPowerSpectrum %g", m, n, b, got, p)
			}
		}
		f := directDFT(x.Data, m, n)
		_, bin, _ := directBins(m, n)
		sum, cnt := 0.0, 0
		for i, v := range f {
			if i > 0 && bin[i] < 0 {
				sum += real(v)*real(v) + imag(v)*imag(v)
				cnt++
			}
		}
		if want := sum / float64(cnt*m*n); math.Abs(math.Exp(real(row[len(row)-1]))-want) > 1e-9*want || math.Abs(cornerPower(x.Data, m, n)-want) > 1e-9*want {
			t.Errorf("%d×%d: corner bin %g, cornerPower %g, direct DFT %g over %d modes", m, n, math.Exp(real(row[len(row)-1])), cornerPower(x.Data, m, n), want, cnt)
		}
		bop := NewBinnedPSOp(m, n, false)
		bc, err := eng.Forward(bop.Key(), bop.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		for b, p := range ps.P {
			if got := real(bc.Row(0)[b]); math.Abs(got-p) > 1e-9*p {
				t.Errorf("%d×%d bin %d: BinnedPSOp %g, IsoPowerSpectrum %g", m, n, b, got, p)
			}
		}
	}
}

// TestIsoPowerSpectrumNonSquarePhysicalFrequency: on 64×128 and 128×64 a
// field of spectrum f⁻³ (f in cycles per pixel) has IsoPowerSpectrum
// P(K) within 10 % of its spectrum at K cycles per 64 pixels in every bin
// (1.02–1.08); the bin below 1 holds the long axis' lowest frequency
// alone (K = 0.5, exact). With the former integer-|k| bins (the long
// axis' modes, of half the physical frequency, in every bin) P(K) was
// about 3× the spectrum.
func TestIsoPowerSpectrumNonSquarePhysicalFrequency(t *testing.T) {
	for _, sz := range [][2]int{{64, 128}, {128, 64}} {
		m, n := sz[0], sz[1]
		pg := make([]float64, m*n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if f := math.Hypot(float64(freq(i, m))/float64(m), float64(freq(j, n))/float64(n)); f > 0 {
					pg[i*n+j] = math.Pow(f, -3)
				}
			}
		}
		x := exactField(pg, m, n, 3)
		ps, old := IsoPowerSpectrum(x, m, n), oldIsoPowerSpectrum(x, m, n, false)
		if ps.Edges[0] != 0.5 || ps.Edges[1] != 1 || ps.Count[0] != 2 || ps.K[0] != 0.5 {
			t.Errorf("%d×%d: lowest bin [%g, %g) holds %d modes at K = %g, want [0.5, 1), the 2 modes at 0.5", m, n, ps.Edges[0], ps.Edges[1], ps.Count[0], ps.K[0])
		}
		s := float64(min(m, n))
		for b := range ps.P {
			r := ps.P[b] / math.Pow(ps.K[b]/s, -3)
			t.Logf("%d×%d bin %d [%.3g, %.3g): P/spectrum(K) %.3f", m, n, b, ps.Edges[b], ps.Edges[b+1], r)
			if b >= 1 && math.Abs(r-1) > 0.1 || b == 0 && math.Abs(r-1) > 1e-9 {
				t.Errorf("%d×%d bin %d: P/spectrum(K) %.3f, want 1 ± 0.1", m, n, b, r)
			}
		}
		for b := range old.P {
			t.Logf("%d×%d before, bin %d [%.3g, %.3g): P/spectrum(K) %.3f", m, n, b, old.Edges[b], old.Edges[b+1], old.P[b]/math.Pow(old.K[b]/s, -3))
		}
	}
}

// TestMomentsArePopulationMoments pins Moments' documented convention (1/n,
// no n − 1 correction) on hand-computed values.
func TestMomentsArePopulationMoments(t *testing.T) {
	mean, std, skew, kurt := Moments([]float64{1, 2, 3, 10})
	// deviations −3, −2, −1, 6: m2 = 50/4, m3 = 180/4, m4 = 1394/4.
	m2, m3, m4 := 12.5, 45.0, 348.5
	want := []float64{4, math.Sqrt(m2), m3 / math.Pow(m2, 1.5), m4/(m2*m2) - 3}
	for i, v := range []float64{mean, std, skew, kurt} {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Errorf("moment %d = %.15g, want %.15g", i, v, want[i])
		}
	}
}
