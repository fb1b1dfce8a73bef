package filters

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPyWPHSigma0Value pins PyWPHSigma0's documented value,
// 1/(0.496·2^−0.55·0.85π) = 1.10539 pixels (the doc said ≈ 1.1047).
func TestPyWPHSigma0Value(t *testing.T) {
	want := 1 / (0.496 * math.Pow(2, -0.55) * 0.85 * math.Pi)
	s0 := PyWPHSigma0()
	if math.Abs(s0-want) > 1e-15 || math.Abs(s0-1.10539) > 5e-6 {
		t.Fatalf("PyWPHSigma0() = %.8f, want %.8f ≈ 1.10539", s0, want)
	}
}

// TestBumpSignAtWindowEdge pins BumpSteerable's sign statement: ψ̂[0,0] = 0
// exactly and ψ̂ ≥ 0 up to round-off, the only negative values (as in PyWPH,
// which evaluates the same cos^{L−1}) lying on the edge of the angular
// window, |arg k − θ| = π/2, where cos(arg k − θ) is ±6e−17: for odd L − 1
// they are −(6e−17)^{L−1}·(radial factor), below 1e−40 of the peak.
func TestBumpSignAtWindowEdge(t *testing.T) {
	M, N := 64, 48
	b := BumpSteerable(M, N, 3, 4)
	neg := 0
	for k := 0; k < b.K; k++ {
		f := b.Filter(k)
		if f[0] != 0 {
			t.Fatalf("filter %d: ψ̂[0,0] = %g, want 0", k, f[0])
		}
		peak := 0.0
		for _, v := range f {
			peak = math.Max(peak, v)
		}
		theta := float64(k%4) * math.Pi / 4
		for i, v := range f {
			if v >= 0 {
				continue
			}
			neg++
			if v < -1e-40*peak {
				t.Fatalf("filter %d at %d: ψ̂ = %g, below −1e−40·peak", k, i, v)
			}
			// Every negative value sits on the window's edge.
			kr := 2 * math.Pi * float64(fftFreq(i/N, M)) / float64(M)
			kc := 2 * math.Pi * float64(fftFreq(i%N, N)) / float64(N)
			if c := math.Cos(math.Atan2(kr, kc) - theta); math.Abs(c) > 1e-12 {
				t.Fatalf("filter %d at (%d,%d): ψ̂ = %g with cos(arg k − θ) = %g, not on the window edge", k, i/N, i%N, v, c)
			}
		}
	}
	if neg == 0 {
		t.Fatal("no round-off negatives on the window edge: the doc's 'up to round-off' is stale, say ψ̂ ≥ 0")
	}
}

// TestMorletChengPeakValue pins MorletCheng's normalisation statement: the
// Gabor part has ĝ_ξ(ξ) = 1, and ψ̂ = ĝ_ξ − K ĝ_0 peaks at about
// 1 − exp(−(σξ)²) = 1 − exp(−0.36π²) ≈ 0.9714 at every scale (σξ = 0.6π),
// not 1; MorletKymatio's is larger by π/3.1415.
func TestMorletChengPeakValue(t *testing.T) {
	want := 1 - math.Exp(-0.36*math.Pi*math.Pi)
	if math.Abs(want-0.9714) > 1e-4 {
		t.Fatalf("1 − exp(−0.36π²) = %.6f", want)
	}
	M := 256
	b := MorletCheng(M, M, 4, 4)
	psi, _ := MorletKymatio(M, M, 4, 4)
	for k := 0; k < b.K; k++ {
		peak, kpeak := 0.0, 0.0
		for i, v := range b.Filter(k) {
			peak = math.Max(peak, v)
			kpeak = math.Max(kpeak, psi.Filter(k)[i])
		}
		// The grid samples the peak to within a few 1e−3 (ξ_3 = 3π/32
		// is 12 grid steps).
		if math.Abs(peak-want) > 5e-3 {
			t.Errorf("filter %d (j=%d): peak %.5f, want ≈ %.4f", k, k/4, peak, want)
		}
		if r := kpeak / peak; math.Abs(r-math.Pi/3.1415) > 1e-9 {
			t.Errorf("filter %d: Kymatio/Cheng peak ratio %.10f, want π/3.1415", k, r)
		}
	}
}

// TestDerivedCacheByIdentity: Cropped and Subset cache per source bank. They
// keyed the cache by the bank's address, so a bank allocated where a
// collected one had been got the old bank's crop and subset (198 of 200
// fresh banks here); now each bank gets its own, and a live bank still gets
// the same pointer on a second call.
func TestDerivedCacheByIdentity(t *testing.T) {
	for i := 0; i < 200; i++ {
		f := &stlayer.FilterBank{K: 2, H: 4, W: 4, Data: make([]float64, 32), Name: "fresh"}
		for j := range f.Data {
			f.Data[j] = float64(i*100 + j)
		}
		c := Cropped(f, 2, 3)
		s := Subset(f, []int{1, 0})
		// Crop row 1 = frequency −1 = row 3; column 2 = frequency −1 = column 3.
		if got, want := c.Filter(1)[1*3+2], f.Data[16+3*4+3]; got != want {
			t.Fatalf("bank %d: Cropped value %g, want %g (another bank's crop)", i, got, want)
		}
		if got, want := s.Filter(0)[5], f.Data[16+5]; got != want {
			t.Fatalf("bank %d: Subset value %g, want %g (another bank's subset)", i, got, want)
		}
		if Cropped(f, 2, 3) != c || Subset(f, []int{1, 0}) != s {
			t.Fatalf("bank %d: a second call on a live bank built again", i)
		}
		runtime.GC()
	}
}

// TestTruncatedRefuses pins Truncated's panics: nil and invalid banks, tol
// outside [0, 1) and NaN, each with a message naming Truncated; tol = 0 and
// tol just below 1 are accepted.
func TestTruncatedRefuses(t *testing.T) {
	good := &stlayer.FilterBank{K: 1, H: 2, W: 2, Data: []float64{1, 0.5, 0, 2}, Name: "g"}
	bad := &stlayer.FilterBank{K: 1, H: 2, W: 2, Data: []float64{1}, Name: "b"}
	for name, f := range map[string]func(){
		"nil":      func() { Truncated(nil, 0) },
		"invalid":  func() { Truncated(bad, 0) },
		"negative": func() { Truncated(good, -1e-3) },
		"one":      func() { Truncated(good, 1) },
		"NaN":      func() { Truncated(good, math.NaN()) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, "filters.Truncated") {
					t.Errorf("%s: recovered %v, want a panic naming filters.Truncated", name, r)
				}
			}()
			f()
		}()
	}
	if s := Truncated(good, 0); s.StoredValues() != 3 || s.Filter(0)[3] != 2 { // 1, 0.5 and 2: the 0 starts row 1
		t.Errorf("tol 0: %d stored values", s.StoredValues())
	}
	// tol 0.3 keeps |v| > 0.6: 1 and 2 (one run of row 0, one of row 1).
	s := Truncated(good, 0.3)
	if d := s.Filter(0); d[0] != 1 || d[1] != 0 || d[3] != 2 {
		t.Errorf("tol 0.3: dense view %v, want [1 0 0 2]", d)
	}
	Truncated(good, math.Nextafter(1, 0))
}

// TestSparseBanksListed pins the package doc's list of sparse banks:
// Truncated, MorletChengBandTruncated, MorletChengBandSplit's first result
// and Subset of a sparse bank are sparse; Cropped of a sparse bank and the
// constructors' banks are dense.
func TestSparseBanksListed(t *testing.T) {
	tr, crop := MorletChengBandSplit(32, 32, 1, 4, 16, 16)
	tb := MorletChengBandTruncated(32, 32, 2, 4)
	sub := Subset(tb, []int{2, 0})
	for name, f := range map[string]*stlayer.FilterBank{"Split trunc": tr, "BandTruncated": tb, "Subset of sparse": sub, "Truncated": Truncated(MorletCheng(16, 16, 1, 2), 1e-3)} {
		if !f.IsSparse() || !f.Valid() {
			t.Errorf("%s: sparse %v, valid %v", name, f.IsSparse(), f.Valid())
		}
	}
	dense := map[string]*stlayer.FilterBank{"Split crop": crop, "Cropped of sparse": Cropped(tb, 8, 8), "MorletChengBand": MorletChengBand(32, 32, 1, 4, 32, 32),
		"BumpSteerableBand": BumpSteerableBand(32, 32, 1, 4, 16, 16), "GaussianPyWPH": GaussianPyWPH(16, 16, []int{0})}
	for name, f := range dense {
		if f.IsSparse() || !f.Valid() {
			t.Errorf("%s: sparse %v, valid %v", name, f.IsSparse(), f.Valid())
		}
	}
}
