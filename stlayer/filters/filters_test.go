package filters

import (
	"math"
	"math/cmplx"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// readNpzF32 reads member name (with or without ".npy") of the .npz archive at
// path, which must be float32, with its shape.
func readNpzF32(t *testing.T, path, name string) ([]float32, []int) {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	defer r.Close()
	key := ""
	for _, k := range r.Keys() {
		if k == name || k == name+".npy" {
			key = k
		}
	}
	if key == "" {
		t.Fatalf("%s: no member %q (have %v)", path, name, r.Keys())
	}
	h := r.Header(key)
	if !strings.Contains(h.Descr.Type, "<f4") {
		t.Fatalf("%s/%s: dtype %s, want <f4", path, name, h.Descr.Type)
	}
	var v []float32
	if err := r.Read(key, &v); err != nil {
		t.Fatalf("read %s/%s: %v", path, name, err)
	}
	return v, h.Descr.Shape
}

// maxAbs returns max |x|.
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// relErr returns max|a−b| / max|b| over the given filter, and the max |b|.
func relErr(a []float64, b []float32) (float64, float64) {
	d, m := 0.0, 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-float64(b[i])))
		m = math.Max(m, math.Abs(float64(b[i])))
	}
	return d / m, m
}

func TestFFT2MatchesDirectDFT(t *testing.T) {
	M, N := 5, 6
	rng := rand.New(rand.NewSource(1))
	x := make([]complex128, M*N)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	got := append([]complex128(nil), x...)
	fft2(got, M, N)
	for k1 := 0; k1 < M; k1++ {
		for k2 := 0; k2 < N; k2++ {
			var s complex128
			for n1 := 0; n1 < M; n1++ {
				for n2 := 0; n2 < N; n2++ {
					ph := -2 * math.Pi * (float64(k1*n1)/float64(M) + float64(k2*n2)/float64(N))
					s += x[n1*N+n2] * cmplx.Exp(complex(0, ph))
				}
			}
			if cmplx.Abs(s-got[k1*N+k2]) > 1e-12 {
				t.Fatalf("fft2[%d,%d] = %v, direct DFT %v", k1, k2, got[k1*N+k2], s)
			}
		}
	}
}

func TestMorletChengParity(t *testing.T) {
	var ref []float32
	testutil.ReadNpy(t, testutil.SharedFile(t, "reference", "cheng_filters_morlet_J6_L4_256.npy"), &ref)
	J, L, M := 6, 4, 256
	if len(ref) != J*L*M*M {
		t.Fatalf("fixture has %d values, want %d", len(ref), J*L*M*M)
	}
	fb := MorletCheng(M, M, J, L)
	if fb.K != J*L || fb.H != M || fb.W != M {
		t.Fatalf("bank shape K=%d %dx%d", fb.K, fb.H, fb.W)
	}
	worst := 0.0
	for k := 0; k < fb.K; k++ {
		e, _ := relErr(fb.Filter(k), ref[k*M*M:(k+1)*M*M])
		worst = math.Max(worst, e)
		if e > 1e-6 {
			t.Errorf("filter j=%d l=%d: max abs error %.3g relative to max", k/L, k%L, e)
		}
		if fb.Filter(k)[0] != 0 {
			t.Errorf("filter %d: psi[0,0] = %g, want exactly 0", k, fb.Filter(k)[0])
		}
	}
	t.Logf("MorletCheng(256,256,6,4) vs Cheng fixture: worst max|diff|/max = %.3g", worst)
}

func TestBumpSteerableParity(t *testing.T) {
	path := testutil.SharedFile(t, "reference", "pywph_filters_J6_L4_256.npz")
	ref, shape := readNpzF32(t, path, "psi_f")
	J, L, M := 6, 4, 256
	if len(shape) != 3 || shape[0] != J*L || shape[1] != M || shape[2] != M {
		t.Fatalf("psi_f shape %v", shape)
	}
	fb := BumpSteerable(M, M, J, L)
	worst := 0.0
	for k := 0; k < fb.K; k++ {
		e, _ := relErr(fb.Filter(k), ref[k*M*M:(k+1)*M*M])
		worst = math.Max(worst, e)
		if e > 1e-5 {
			t.Errorf("filter j=%d l=%d: error %.3g relative to max", k/L, k%L, e)
		}
	}
	t.Logf("BumpSteerable(256,256,6,4) vs PyWPH psi_f: worst max|diff|/max = %.3g", worst)

	// The full bank (2L angles) starts each scale with the same L filters.
	full := BumpSteerableFull(M, M, J, L)
	if full.K != 2*J*L {
		t.Fatalf("full bank K = %d", full.K)
	}
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			a, b := full.Filter(j*2*L+l), fb.Filter(j*L+l)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("full bank filter (j=%d,t=%d) differs from BumpSteerable", j, l)
				}
			}
		}
	}
}

func TestGaussianPyWPHParity(t *testing.T) {
	path := testutil.SharedFile(t, "reference", "pywph_filters_J6_L4_256.npz")
	ref, shape := readNpzF32(t, path, "phi_f")
	M := 256
	if len(shape) != 3 || shape[0] != 3 || shape[1] != M || shape[2] != M {
		t.Fatalf("phi_f shape %v", shape)
	}
	// WPHOp(J=6) default model: scaling moments for j = −1 … ⌊J/4⌋.
	js := PyWPHScalingJs(6)
	if len(js) != 3 || js[0] != -1 || js[2] != 1 {
		t.Fatalf("PyWPHScalingJs(6) = %v, want [-1 0 1]", js)
	}
	fb := GaussianPyWPH(M, M, js)
	for i := range js {
		e, m := relErr(fb.Filter(i), ref[i*M*M:(i+1)*M*M])
		t.Logf("GaussianPyWPH j=%d vs PyWPH phi_f[%d]: max|diff|/max = %.3g (max %.6g)", js[i], i, e, m)
		if e > 1e-5 {
			t.Errorf("phi j=%d: error %.3g relative to max", js[i], e)
		}
	}
}

// aliasedMorlet is the exact Fourier form of the periodised, sampled Morlet
// (Poisson summation, up to the real-space truncation of the periodisation):
//
//	ψ̂(k) = Σ_n [Ĝ(k + 2πn − ξe) − K Ĝ(k + 2πn)],  K = Σ_n Ĝ(2πn − ξe) / Σ_n Ĝ(2πn),
//
// Ĝ(k) = exp(−σ²/2 (k∥² + k⊥²/s²)), k = (k_row, k_col), e = (cos θ, sin θ),
// n ∈ {−3…3}².
func aliasedMorlet(kr, kc, sigma, theta, xi, s float64) float64 {
	ct, st := math.Cos(theta), math.Sin(theta)
	g := func(a, b float64) float64 {
		par := a*ct + b*st
		perp := -a*st + b*ct
		return math.Exp(-sigma * sigma / 2 * (par*par + perp*perp/(s*s)))
	}
	sum := func(a, b float64) float64 {
		t := 0.0
		for n1 := -3; n1 <= 3; n1++ {
			for n2 := -3; n2 <= 3; n2++ {
				t += g(a+2*math.Pi*float64(n1), b+2*math.Pi*float64(n2))
			}
		}
		return t
	}
	K := sum(-xi*ct, -xi*st) / sum(0, 0)
	return sum(kr-xi*ct, kc-xi*st) - K*sum(kr, kc)
}

// TestMorletContinuousLimit checks the Morlet banks (axes, angle convention,
// normalisation) against the closed-form (aliased) Fourier expression on
// non-square grids, for scales where the real-space truncation is negligible.
func TestMorletContinuousLimit(t *testing.T) {
	for _, c := range []struct{ M, N, J, L int }{{96, 64, 4, 4}, {64, 120, 4, 8}, {80, 80, 3, 2}} {
		cheng := MorletCheng(c.M, c.N, c.J, c.L)
		kym, _ := MorletKymatio(c.M, c.N, c.J, c.L)
		for k := 0; k < cheng.K; k++ {
			j, l := k/c.L, k%c.L
			sigma := 0.8 * math.Pow(2, float64(j))
			xi := 0.75 * math.Pi / math.Pow(2, float64(j))
			theta := MorletTheta(l, c.L)
			s := 4 / float64(c.L)
			// Real-space truncation of the periodisation bounds the error.
			if math.Exp(-math.Pow(float64(min(c.M, c.N))*math.Min(1, s)/sigma, 2)/2) > 1e-12 {
				continue
			}
			fc, fk := cheng.Filter(k), kym.Filter(k)
			for a := 0; a < c.M; a++ {
				kr := 2 * math.Pi * float64(fftFreq(a, c.M)) / float64(c.M)
				for b := 0; b < c.N; b++ {
					kc := 2 * math.Pi * float64(fftFreq(b, c.N)) / float64(c.N)
					want := aliasedMorlet(kr, kc, sigma, theta, xi, s)
					if a+b == 0 {
						want = 0 // Cheng zeroes the DC entry
					}
					if d := math.Abs(fc[a*c.N+b] - want); d > 1e-10 {
						t.Fatalf("%dx%d L=%d MorletCheng j=%d l=%d at (%d,%d): %.12g, closed form %.12g", c.M, c.N, c.L, j, l, a, b, fc[a*c.N+b], want)
					}
					want *= math.Pi / kymatioPi
					if d := math.Abs(fk[a*c.N+b] - want); d > 1e-10 {
						t.Fatalf("%dx%d L=%d MorletKymatio j=%d l=%d at (%d,%d): %.12g, closed form %.12g", c.M, c.N, c.L, j, l, a, b, fk[a*c.N+b], want)
					}
				}
			}
		}
	}
}

// TestMorletKymatioVsCheng: the two Morlet banks differ only by the
// periodisation range, the value of π in the normalisation and the DC entry.
func TestMorletKymatioVsCheng(t *testing.T) {
	M, N, J, L := 128, 96, 4, 8
	cheng := MorletCheng(M, N, J, L)
	kym, phi := MorletKymatio(M, N, J, L)
	for k := 0; k < cheng.K; k++ {
		a, b := kym.Filter(k), cheng.Filter(k)
		mx := maxAbs(b)
		if math.Abs(a[0]) > 1e-12*mx {
			t.Errorf("Kymatio filter %d: psi[0,0] = %g, want ~0", k, a[0])
		}
		for i := 1; i < len(a); i++ {
			if d := math.Abs(a[i]*kymatioPi/math.Pi - b[i]); d > 1e-10*mx {
				t.Fatalf("filter %d index %d: kymatio·3.1415/π = %.15g, cheng %.15g", k, i, a[i]*kymatioPi/math.Pi, b[i])
			}
		}
	}
	// phi: Gaussian σ = 0.8·2^(J−1) = 6.4, φ̂(k) = (π/3.1415)·exp(−σ²|k|²/2).
	if phi.K != 1 || phi.H != M || phi.W != N {
		t.Fatalf("phi shape K=%d %dx%d", phi.K, phi.H, phi.W)
	}
	sigma := 6.4
	f := phi.Filter(0)
	for a := 0; a < M; a++ {
		kr := 2 * math.Pi * float64(fftFreq(a, M)) / float64(M)
		for b := 0; b < N; b++ {
			kc := 2 * math.Pi * float64(fftFreq(b, N)) / float64(N)
			want := math.Pi / kymatioPi * math.Exp(-sigma*sigma*(kr*kr+kc*kc)/2)
			if math.Abs(f[a*N+b]-want) > 1e-12 {
				t.Fatalf("phi[%d,%d] = %.15g, want %.15g", a, b, f[a*N+b], want)
			}
		}
	}
}

// bumpValue is the closed form of the bump-steerable wavelet at k = (k_col, k_row).
func bumpValue(kx, ky, xi, theta float64, L int) float64 {
	k := math.Hypot(kx, ky)
	if k <= 0 || k >= 2*xi {
		return 0
	}
	d := math.Atan2(ky, kx) - theta
	if math.Cos(d) < -1e-12 {
		return 0
	}
	u := (k - xi) * (k - xi)
	return bumpNorm(L) * math.Exp(-u/(xi*xi-u)) * math.Pow(math.Max(math.Cos(d), 0), float64(L-1))
}

// TestBumpAxesNonSquare: for j ≥ 1 the support is inside |k| < π, so the folded
// filter equals the closed form pointwise; this pins the axis convention
// (angle from the column axis) on a non-square grid.
func TestBumpAxesNonSquare(t *testing.T) {
	M, N, J, L := 48, 80, 3, 4
	fb := BumpSteerable(M, N, J, L)
	full := BumpSteerableFull(M, N, J, L)
	if c := bumpNorm(4); math.Abs(c-8/1.29*6/math.Sqrt(4*720)) > 1e-14 {
		t.Fatalf("bump normalisation c(L=4) = %g", c)
	}
	for k := 0; k < fb.K; k++ {
		j, l := k/L, k%L
		f := fb.Filter(k)
		if f[0] != 0 {
			t.Errorf("bump %d: psi[0,0] = %g", k, f[0])
		}
		if j == 0 {
			continue
		}
		xi := PyWPHK0 / math.Pow(2, float64(j))
		theta := float64(l) * math.Pi / float64(L)
		for a := 0; a < M; a++ {
			ky := 2 * math.Pi * float64(fftFreq(a, M)) / float64(M)
			for b := 0; b < N; b++ {
				kx := 2 * math.Pi * float64(fftFreq(b, N)) / float64(N)
				if d := math.Abs(f[a*N+b] - bumpValue(kx, ky, xi, theta, L)); d > 1e-9 {
					t.Fatalf("bump j=%d l=%d at (%d,%d): %.12g, closed form %.12g", j, l, a, b, f[a*N+b], bumpValue(kx, ky, xi, theta, L))
				}
			}
		}
	}
	// Full bank: filter t+L is filter t mirrored (k → −k).
	for j := 0; j < J; j++ {
		for t0 := 0; t0 < L; t0++ {
			a, b := full.Filter(j*2*L+t0+L), full.Filter(j*2*L+t0)
			mx := maxAbs(b)
			for r := 0; r < M; r++ {
				for c := 0; c < N; c++ {
					if d := math.Abs(a[r*N+c] - b[mod(-r, M)*N+mod(-c, N)]); d > 1e-12*mx {
						t.Fatalf("full bank j=%d: filter %d is not filter %d mirrored at (%d,%d)", j, t0+L, t0, r, c)
					}
				}
			}
		}
	}
}

// rotated reports max_ab |g[a,b] − f[−b mod N, a]| / max|f| for square N×N
// filters: g is f rotated by π/2 (k ↦ R_{π/2} k on the lattice).
func rotErr(g, f []float64, N int) float64 {
	d := 0.0
	for a := 0; a < N; a++ {
		for b := 0; b < N; b++ {
			d = math.Max(d, math.Abs(g[a*N+b]-f[mod(-b, N)*N+a]))
		}
	}
	return d / maxAbs(f)
}

// TestRotationPermutesOrientations: on a square grid, rotating a filter by
// π/2 (an exact lattice rotation) maps orientation l to l + L/2, for both
// Morlet conventions (θ_l decreasing in l, from the row axis) and the bump
// (θ_l increasing in l, from the column axis); for L = 2 this is l → l+1.
func TestRotationPermutesOrientations(t *testing.T) {
	N, J := 128, 3
	for _, L := range []int{2, 4, 8} {
		kym, _ := MorletKymatio(N, N, J, L)
		banks := []*stlayer.FilterBank{MorletCheng(N, N, J, L), kym, BumpSteerable(N, N, J, L)}
		for _, fb := range banks {
			for j := 0; j < J; j++ {
				for l := 0; l+L/2 < L; l++ {
					e := rotErr(fb.Filter(j*L+l+L/2), fb.Filter(j*L+l), N)
					if e > 1e-10 {
						t.Errorf("%s: filter (j=%d,l=%d) is not filter l=%d rotated by π/2: rel err %.3g", fb.Name, j, l+L/2, l, e)
					}
				}
			}
		}
	}
}

// TestPeakDirection pins the documented angle conventions: the Morlet peaks
// near ξ(cos θ, sin θ) in (k_row, k_col); the bump near ξ(sin θ, cos θ).
func TestPeakDirection(t *testing.T) {
	M, N, J, L := 128, 96, 4, 8
	check := func(fb *stlayer.FilterBank, k int, wantRow, wantCol, tol float64) {
		f := fb.Filter(k)
		best, ba, bb := math.Inf(-1), 0, 0
		for a := 0; a < M; a++ {
			for b := 0; b < N; b++ {
				if f[a*N+b] > best {
					best, ba, bb = f[a*N+b], a, b
				}
			}
		}
		kr := 2 * math.Pi * float64(fftFreq(ba, M)) / float64(M)
		kc := 2 * math.Pi * float64(fftFreq(bb, N)) / float64(N)
		if math.Hypot(kr-wantRow, kc-wantCol) > tol {
			t.Errorf("%s filter %d: peak at k=(%.3f,%.3f), want near (%.3f,%.3f)", fb.Name, k, kr, kc, wantRow, wantCol)
		}
	}
	ch := MorletCheng(M, N, J, L)
	bs := BumpSteerable(M, N, J, L)
	for k := 0; k < J*L; k++ {
		j, l := k/L, k%L
		if j >= 1 {
			xi := 0.75 * math.Pi / math.Pow(2, float64(j))
			th := MorletTheta(l, L)
			check(ch, k, xi*math.Cos(th), xi*math.Sin(th), 0.25*xi+0.1)
		}
		xi := PyWPHK0 / math.Pow(2, float64(j))
		th := float64(l) * math.Pi / float64(L)
		check(bs, k, xi*math.Sin(th), xi*math.Cos(th), 0.25*xi+0.1)
	}
}

func TestGaussianPyWPHContinuous(t *testing.T) {
	M, N := 64, 100
	js := []int{1, 2, 3}
	fb := GaussianPyWPH(M, N, js)
	for i, j := range js {
		sigma := PyWPHSigma0() * math.Pow(2, float64(j))
		f := fb.Filter(i)
		for a := 0; a < M; a++ {
			kr := 2 * math.Pi * float64(fftFreq(a, M)) / float64(M)
			for b := 0; b < N; b++ {
				kc := 2 * math.Pi * float64(fftFreq(b, N)) / float64(N)
				want := math.Exp(-sigma * sigma * (kr*kr + kc*kc) / 2)
				if math.Abs(f[a*N+b]-want) > 1e-9 {
					t.Fatalf("gaussian j=%d at (%d,%d): %.12g, want %.12g", j, a, b, f[a*N+b], want)
				}
			}
		}
	}
	if s0 := PyWPHSigma0(); math.Abs(s0-1.10539) > 1e-5 {
		t.Fatalf("sigma0 = %g", s0)
	}
}

func TestCaching(t *testing.T) {
	a := MorletCheng(32, 48, 2, 4)
	if b := MorletCheng(32, 48, 2, 4); a != b {
		t.Error("MorletCheng: repeated call returned a different pointer")
	}
	if b := MorletCheng(48, 32, 2, 4); a == b {
		t.Error("MorletCheng: different size returned the same pointer")
	}
	p1, f1 := MorletKymatio(32, 48, 2, 4)
	p2, f2 := MorletKymatio(32, 48, 2, 4)
	if p1 != p2 || f1 != f2 {
		t.Error("MorletKymatio: repeated call returned different pointers")
	}
	if BumpSteerable(32, 48, 2, 4) != BumpSteerable(32, 48, 2, 4) {
		t.Error("BumpSteerable not cached")
	}
	if BumpSteerableFull(32, 48, 2, 4) != BumpSteerableFull(32, 48, 2, 4) {
		t.Error("BumpSteerableFull not cached")
	}
	if GaussianPyWPH(32, 48, []int{0, 1}) != GaussianPyWPH(32, 48, []int{0, 1}) {
		t.Error("GaussianPyWPH not cached")
	}
	if GaussianPyWPH(32, 48, []int{0, 1}) == GaussianPyWPH(32, 48, []int{1, 0}) {
		t.Error("GaussianPyWPH: different js share a bank")
	}
	if Cropped(a, 16, 16) != Cropped(a, 16, 16) {
		t.Error("Cropped not cached")
	}
	if Cropped(a, 32, 48) != a {
		t.Error("Cropped to full size should return the bank itself")
	}
	if Subset(a, []int{1, 3}) != Subset(a, []int{1, 3}) {
		t.Error("Subset not cached")
	}
	names := map[string]bool{}
	for _, fb := range []*stlayer.FilterBank{a, p1, f1, BumpSteerable(32, 48, 2, 4), Cropped(a, 16, 16), Subset(a, []int{1, 3})} {
		if fb.Name == "" || names[fb.Name] {
			t.Errorf("empty or duplicate name %q", fb.Name)
		}
		names[fb.Name] = true
		if len(fb.Data) != fb.K*fb.H*fb.W {
			t.Errorf("%s: len(Data) = %d, want %d", fb.Name, len(fb.Data), fb.K*fb.H*fb.W)
		}
	}
}

func TestCachingConcurrent(t *testing.T) {
	const n = 6
	got := make([]*stlayer.FilterBank, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				got[i] = MorletCheng(40, 24, 3, 4)
			} else {
				got[i] = Cropped(MorletCheng(40, 24, 3, 4), 20, 12)
			}
		}(i)
	}
	wg.Wait()
	for i := 2; i < n; i++ {
		if got[i] != got[i-2] {
			t.Fatalf("concurrent calls returned different pointers (%d vs %d)", i, i-2)
		}
	}
}

func TestCrops(t *testing.T) {
	got := Crops(256, 256, 8)
	want := []int{256, 256, 128, 64, 32, 16, 16, 16}
	for j := range want {
		if got[j] != [2]int{want[j], want[j]} {
			t.Errorf("Crops(256,256)[%d] = %v, want %d", j, got[j], want[j])
		}
	}
	// Non-square, non-power-of-two and odd sizes: dx = max(8, min(⌈M/2^j⌉, ⌊M/2⌋)), h = min(M, 2dx + M%2).
	got = Crops(100, 75, 5)
	wantHW := [][2]int{{100, 75}, {100, 75}, {50, 39}, {26, 21}, {16, 17}}
	for j := range wantHW {
		if got[j] != wantHW[j] {
			t.Errorf("Crops(100,75)[%d] = %v, want %v", j, got[j], wantHW[j])
		}
	}
	if got := Crops(12, 12, 3); got[2] != [2]int{12, 12} {
		t.Errorf("Crops(12,12)[2] = %v, want clamp to 12", got[2])
	}
}

func TestCropped(t *testing.T) {
	// Encode each entry's signed frequency pair so the crop can be read back.
	H, W := 8, 7
	src := &stlayer.FilterBank{K: 2, H: H, W: W, Data: make([]float64, 2*H*W), Name: "test-enc"}
	for k := 0; k < 2; k++ {
		for a := 0; a < H; a++ {
			for b := 0; b < W; b++ {
				src.Filter(k)[a*W+b] = float64(1000*k + 100*(fftFreq(a, H)+50) + fftFreq(b, W) + 50)
			}
		}
	}
	for _, hw := range [][2]int{{4, 3}, {5, 6}, {2, 2}, {8, 1}} {
		h, w := hw[0], hw[1]
		c := Cropped(src, h, w)
		if c.K != 2 || c.H != h || c.W != w {
			t.Fatalf("crop shape %d %dx%d", c.K, c.H, c.W)
		}
		for k := 0; k < 2; k++ {
			for a := 0; a < h; a++ {
				for b := 0; b < w; b++ {
					fa, fb := fftFreq(a, h), fftFreq(b, w)
					// even h keeps −h/2 … h/2−1, odd h keeps −(h−1)/2 … (h−1)/2
					if fa < -h/2 || fa > (h-1)/2 || fb < -w/2 || fb > (w-1)/2 {
						t.Fatalf("frequency (%d,%d) outside the %dx%d block", fa, fb, h, w)
					}
					want := float64(1000*k + 100*(fa+50) + fb + 50)
					if got := c.Filter(k)[a*w+b]; got != want {
						t.Fatalf("crop %dx%d filter %d at (%d,%d) = %g, want %g", h, w, k, a, b, got, want)
					}
				}
			}
		}
	}
	s := Subset(src, []int{1, 0})
	if s.K != 2 || s.Filter(0)[5] != src.Filter(1)[5] || s.Filter(1)[5] != src.Filter(0)[5] {
		t.Fatal("Subset does not reorder filters")
	}
	// A consecutive run is a view of the source's Data, bounded to its filters.
	v := Subset(src, []int{1})
	if v.K != 1 || len(v.Data) != src.H*src.W || cap(v.Data) != len(v.Data) || &v.Data[0] != &src.Filter(1)[0] {
		t.Fatal("Subset of one filter is not a view of it")
	}
	v = Subset(src, []int{0, 1})
	if v.K != 2 || len(v.Data) != 2*src.H*src.W || &v.Data[0] != &src.Filter(0)[0] || v.Filter(1)[7] != src.Filter(1)[7] {
		t.Fatal("Subset of consecutive filters is not a view of them")
	}
	if !strings.Contains(Cropped(src, 4, 3).Name, "test-enc") {
		t.Error("cropped bank name should mention its source")
	}
}

// naiveBump is PyWPH's construction of a bump-steerable filter written
// plainly (every point of the doubled grid, no skipped rows or columns): the
// reference for bumpFilterOn's bits.
func naiveBump(M, N, j int, theta float64, L int) []float64 {
	dst := make([]float64, M*N)
	c := bumpNorm(L)
	xi := PyWPHK0 / math.Pow(2, float64(j))
	for n := -M; n < M; n++ {
		ky := 2 * math.Pi * float64(n) / float64(M)
		for m := -N; m < N; m++ {
			kx := 2 * math.Pi * float64(m) / float64(N)
			k := math.Hypot(kx, ky)
			if !(k > 0 && k < 2*xi) {
				continue
			}
			ang := math.Atan2(ky, kx)
			d := pyMod(ang-theta, 2*math.Pi)
			if !(d <= math.Pi/2 || d >= 3*math.Pi/2) {
				continue
			}
			u := (k - xi) * (k - xi)
			dst[mod(n, M)*N+mod(m, N)] += c * math.Exp(-u/(xi*xi-u)) * ipow(math.Cos(ang-theta), L-1)
		}
	}
	return dst
}

// BumpSteerable's filters are bit for bit the plain doubled-grid fold, and
// BumpSteerableBand's are bit for bit the crops of BumpSteerable's (square,
// non-square, odd sizes; band crops and arbitrary ones; the uncropped case).
func TestBumpSteerableBandBits(t *testing.T) {
	for _, c := range []struct{ M, N, J, L int }{{32, 32, 4, 4}, {24, 40, 3, 3}, {17, 21, 3, 5}} {
		full := BumpSteerable(c.M, c.N, c.J, c.L)
		for k := 0; k < full.K; k++ {
			want := naiveBump(c.M, c.N, k/c.L, float64(k%c.L)*math.Pi/float64(c.L), c.L)
			for i, v := range full.Filter(k) {
				if math.Float64bits(v) != math.Float64bits(want[i]) {
					t.Fatalf("%v: BumpSteerable filter %d value %d = %v, plain fold %v", c, k, i, v, want[i])
				}
			}
		}
		for j := 0; j < c.J; j++ {
			ks := make([]int, c.L)
			for l := range ks {
				ks[l] = j*c.L + l
			}
			sub := Subset(full, ks)
			s := 1 << max(0, j-1)
			for _, hw := range [][2]int{{c.M, c.N}, {c.M / s, c.N / s}, {(c.M + 1) / 2, c.N/3 + 1}, {1, 2}} {
				h, w := hw[0], hw[1]
				got := BumpSteerableBand(c.M, c.N, j, c.L, h, w)
				want := Cropped(sub, h, w)
				if got.K != c.L || got.H != h || got.W != w || len(got.Data) != c.L*h*w {
					t.Fatalf("%v j=%d crop %dx%d: bank K=%d %dx%d with %d values", c, j, h, w, got.K, got.H, got.W, len(got.Data))
				}
				for i, v := range got.Data {
					if math.Float64bits(v) != math.Float64bits(want.Data[i]) {
						t.Fatalf("%v j=%d crop %dx%d: value %d = %v, Cropped(Subset(BumpSteerable)) %v", c, j, h, w, i, v, want.Data[i])
					}
				}
				if again := BumpSteerableBand(c.M, c.N, j, c.L, h, w); again != got {
					t.Errorf("%v j=%d crop %dx%d: not cached", c, j, h, w)
				}
			}
		}
	}
	// The band crop of scale j ≥ 1 keeps the whole filter: its values sum to
	// those of the uncropped filter (support |k| < 1.7π/2^j).
	M, J, L := 64, 5, 4
	for j := 1; j < J; j++ {
		s := 1 << max(0, j-1)
		band, full := BumpSteerableBand(M, M, j, L, M/s, M/s), BumpSteerableBand(M, M, j, L, M, M)
		var sb, sf float64
		for i := range band.Data {
			sb += band.Data[i]
		}
		for i := range full.Data {
			sf += full.Data[i]
		}
		if math.Abs(sb-sf) > 1e-12*sf {
			t.Errorf("j=%d: band crop %dx%d sums to %v, full filter %v", j, M/s, M/s, sb, sf)
		}
	}
}
