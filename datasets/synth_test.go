package datasets

import (
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

func skewKurt(x []float64) (skew, kurt float64) {
	mean, std, _, _ := moments(x)
	for _, v := range x {
		d := (v - mean) / std
		skew += d * d * d
		kurt += d * d * d * d
	}
	return skew / float64(len(x)), kurt / float64(len(x))
}

func spectrum(x []float64, m, n int) []complex128 {
	z := toComplex(x)
	newFFT2(m, n).forward(z)
	return z
}

func checkStandardised(t *testing.T, what string, x []float64) {
	t.Helper()
	mean, std, _, _ := moments(x)
	if math.Abs(mean) > 1e-12 || math.Abs(std-1) > 1e-12 {
		t.Errorf("%s: mean %g, std %.15g; want 0 and 1", what, mean, std)
	}
}

func checkDeterministic(t *testing.T, what string, gen func(seed uint64) ([]float64, error)) {
	t.Helper()
	a, err := gen(7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := gen(7)
	c, _ := gen(8)
	same, differ := true, false
	for i := range a {
		same = same && math.Float64bits(a[i]) == math.Float64bits(b[i])
		differ = differ || a[i] != c[i]
	}
	if !same {
		t.Errorf("%s: same seed gives different maps", what)
	}
	if !differ {
		t.Errorf("%s: different seeds give the same map", what)
	}
}

// TestFFT2 checks the 2D DFT helper against a direct sum on a small
// non-square map, and the inverse.
func TestFFT2(t *testing.T) {
	m, n := 6, 10
	x := whiteNoise(m, n, 3)
	z := spectrum(x, m, n)
	for k1 := 0; k1 < m; k1++ {
		for k2 := 0; k2 < n; k2++ {
			var want complex128
			for r1 := 0; r1 < m; r1++ {
				for r2 := 0; r2 < n; r2++ {
					ph := -2 * math.Pi * (float64(k1*r1)/float64(m) + float64(k2*r2)/float64(n))
					want += complex(x[r1*n+r2], 0) * cmplx.Exp(complex(0, ph))
				}
			}
			if cmplx.Abs(z[k1*n+k2]-want) > 1e-12 {
				t.Fatalf("X[%d,%d] = %v, want %v", k1, k2, z[k1*n+k2], want)
			}
		}
	}
	newFFT2(m, n).inverse(z)
	for i := range x {
		if cmplx.Abs(z[i]-complex(x[i], 0)) > 1e-14 {
			t.Fatalf("inverse[%d] = %v, want %v", i, z[i], x[i])
		}
	}
}

// TestGRF checks that the GRF is exactly white noise filtered by |k|^(slope/2)
// (up to the standardisation constant), that the measured isotropic spectrum
// has the requested log-log slope, unit variance and determinism.
func TestGRF(t *testing.T) {
	const m, n = 256, 256
	for _, slope := range []float64{-3, -2, -1, 0, 1} {
		g, err := GaussianRandomField(m, n, slope, 11)
		if err != nil {
			t.Fatal(err)
		}
		checkStandardised(t, "GRF", g)
		G := spectrum(g, m, n)
		W := spectrum(whiteNoise(m, n, 11), m, n)
		f := newFFT2(m, n)
		// Exact filter: G_k / (W_k |k|^(slope/2)) is one real constant.
		c := G[1] / (W[1] * complex(math.Pow(f.radius(0, 1), slope/2), 0))
		worst := 0.0
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				k := i*n + j
				if k == 0 {
					if cmplx.Abs(G[0]) > 1e-9 {
						t.Errorf("slope %v: k=0 coefficient %v", slope, G[0])
					}
					continue
				}
				want := W[k] * complex(math.Pow(f.radius(i, j), slope/2), 0) * c
				worst = math.Max(worst, cmplx.Abs(G[k]-want)/cmplx.Abs(c))
			}
		}
		if math.Abs(imag(c)) > 1e-9*cmplx.Abs(c) || worst > 1e-9 {
			t.Errorf("slope %v: filter is not |k|^(slope/2): constant %v, worst deviation %g", slope, c, worst)
		}
		// Measured slope of the annulus-averaged power, a = 4 … 100.
		power, kmean, _ := f.annulusPower(G)
		var sx, sy, sxx, sxy, cnt float64
		for a := 4; a <= 100; a++ {
			lx, ly := math.Log(kmean[a]), math.Log(power[a])
			sx, sy, sxx, sxy, cnt = sx+lx, sy+ly, sxx+lx*lx, sxy+lx*ly, cnt+1
		}
		fit := (cnt*sxy - sx*sy) / (cnt*sxx - sx*sx)
		if math.Abs(fit-slope) > 0.1 {
			t.Errorf("measured slope %.3f, want %v ± 0.1", fit, slope)
		}
		t.Logf("slope %v: measured %.4f", slope, fit)
	}
	g, _ := GaussianRandomField(256, 256, -1, 5)
	if s, k := skewKurt(g); math.Abs(s) > 0.1 || math.Abs(k-3) > 0.2 {
		t.Errorf("GRF skewness %.3f, kurtosis %.3f; want ≈ 0 and 3", s, k)
	}
	checkDeterministic(t, "GRF", func(s uint64) ([]float64, error) { return GaussianRandomField(64, 96, -2, s) })
	// Non-square maps are real and standardised.
	g, err := GaussianRandomField(48, 80, -2.5, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkStandardised(t, "GRF 48×80", g)
}

func TestLogNormalField(t *testing.T) {
	x, err := LogNormalField(256, 256, -2, 0.5, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkStandardised(t, "log-normal", x)
	// exp of a standardised Gaussian field: log(x·sd + mean) recovers 0.5·g.
	g, _ := GaussianRandomField(256, 256, -2, 4)
	e := make([]float64, len(g))
	for i := range g {
		e[i] = math.Exp(0.5 * g[i])
	}
	mean, sd, _, _ := moments(e)
	for i := range x {
		if d := math.Log(x[i]*sd+mean) - 0.5*g[i]; math.Abs(d) > 1e-9 {
			t.Fatalf("pixel %d: log-normal is not exp(σ·GRF) standardised (diff %g)", i, d)
		}
	}
	if s, _ := skewKurt(x); s < 1 {
		t.Errorf("log-normal σ=0.5 skewness %.3f, want > 1 (theory for i.i.d.: 1.75)", s)
	}
	checkDeterministic(t, "log-normal", func(s uint64) ([]float64, error) { return LogNormalField(64, 64, -2, 1, s) })
}

func TestWhiteNoise(t *testing.T) {
	x, err := WhiteNoise(256, 256, 9)
	if err != nil {
		t.Fatal(err)
	}
	mean, std, _, _ := moments(x)
	// 65536 samples: the mean's sd is 1/256, the std's about 1/362.
	if math.Abs(mean) > 4.0/256 || math.Abs(std-1) > 4.0/362 {
		t.Errorf("white noise mean %g std %g", mean, std)
	}
	checkDeterministic(t, "white noise", func(s uint64) ([]float64, error) { return WhiteNoise(32, 32, s) })
}

// coherence is the gradient-energy-weighted mean of the local structure
// tensor coherence sqrt((Jxx−Jyy)² + 4Jxy²)/(Jxx+Jyy) over w×w windows
// (periodic central differences): 1 for perfectly oriented structures,
// small for isotropic textures.
func coherence(x []float64, m, n, w int) float64 {
	gx := make([]float64, m*n)
	gy := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			gx[i*n+j] = (x[i*n+(j+1)%n] - x[i*n+(j-1+n)%n]) / 2
			gy[i*n+j] = (x[((i+1)%m)*n+j] - x[((i-1+m)%m)*n+j]) / 2
		}
	}
	var num, den float64
	for i := 0; i < m; i += w {
		for j := 0; j < n; j += w {
			var xx, yy, xy float64
			for di := 0; di < w; di++ {
				for dj := 0; dj < w; dj++ {
					k := ((i+di)%m)*n + (j+dj)%n
					xx += gx[k] * gx[k]
					yy += gy[k] * gy[k]
					xy += gx[k] * gy[k]
				}
			}
			num += math.Sqrt((xx-yy)*(xx-yy) + 4*xy*xy)
			den += xx + yy
		}
	}
	return num / den
}

// TestFilamentary checks standardisation, determinism, strong
// non-Gaussianity, the Gaussian smoothing of the spectrum, and that the
// structures are oriented: the local structure-tensor coherence is far above
// that of a phase-randomised field with the same power spectrum.
func TestFilamentary(t *testing.T) {
	const m, n = 256, 256
	x, err := Filamentary(m, n, 60, 1.5, 21)
	if err != nil {
		t.Fatal(err)
	}
	checkStandardised(t, "filamentary", x)
	s, k := skewKurt(x)
	if s < 1 || k < 6 {
		t.Errorf("filamentary skewness %.2f, kurtosis %.2f; want > 1 and > 6", s, k)
	}
	surrogate, err := GRFMatchingSpectrum(x, m, n, 5)
	if err != nil {
		t.Fatal(err)
	}
	cf, cg := coherence(x, m, n, 8), coherence(surrogate, m, n, 8)
	t.Logf("skewness %.2f kurtosis %.2f; coherence filamentary %.3f, same-spectrum GRF %.3f", s, k, cf, cg)
	if cf < 0.6 || cf < cg+0.2 {
		t.Errorf("coherence %.3f (GRF with the same spectrum: %.3f); filaments should be clearly oriented", cf, cg)
	}
	// The Gaussian smoothing multiplies the power by e^{−4π²σ²|k|²}, 1.9e-5 at
	// |k| = 0.35 cycles/pixel for σ = 1.5; the line density itself has less
	// power there than at low frequency.
	P, kmean, _ := newFFT2(m, n).annulusPower(spectrum(x, m, n))
	hi := 90 // annulus of |k| ≈ 0.35 cycles/pixel
	if r := P[hi] / P[2]; r > 1.9e-5 {
		t.Errorf("high-frequency power not suppressed: P(%.3f)/P(%.3f) = %g", kmean[hi], kmean[2], r)
	}
	checkDeterministic(t, "filamentary", func(s uint64) ([]float64, error) { return Filamentary(64, 80, 10, 2, s) })
}

// TestGRFMatchingSpectrum uses the Quijote map: the surrogate has exactly the
// reference's |DFT| at every frequency (so the same mean and variance), and
// is close to Gaussian although the reference is not.
func TestGRFMatchingSpectrum(t *testing.T) {
	ref, err := ReadMaps(testutil.DataFile(t, "quijote/logdensity_00.npy"))
	if err != nil {
		t.Fatal(err)
	}
	m, n := ref.M, ref.N
	x, err := GRFMatchingSpectrum(ref.Data, m, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	R, X := spectrum(ref.Data, m, n), spectrum(x, m, n)
	scale := 0.0
	for _, r := range R {
		scale = math.Max(scale, cmplx.Abs(r))
	}
	worst := 0.0
	for k := range R {
		worst = math.Max(worst, math.Abs(cmplx.Abs(X[k])-cmplx.Abs(R[k])))
	}
	if worst > 1e-12*scale {
		t.Errorf("|DFT| differs from the reference's by %g (scale %g)", worst, scale)
	}
	if cmplx.Abs(X[0]-R[0]) > 1e-12*scale {
		t.Errorf("mean not kept: %v vs %v", X[0], R[0])
	}
	mr, sr, _, _ := moments(ref.Data)
	mx, sx, _, _ := moments(x)
	if math.Abs(mr-mx) > 1e-12 || math.Abs(sr-sx) > 1e-12 {
		t.Errorf("mean/std %g/%g, reference %g/%g", mx, sx, mr, sr)
	}
	// Phases are randomised: the surrogate is not the reference.
	diff := 0.0
	for i := range x {
		diff += (x[i] - ref.Data[i]) * (x[i] - ref.Data[i])
	}
	if diff/float64(len(x)) < 0.5*sr*sr {
		t.Errorf("surrogate too close to the reference (mean square difference %g)", diff/float64(len(x)))
	}
	skRef, _ := skewKurt(ref.Data)
	skX, _ := skewKurt(x)
	t.Logf("skewness: reference %.3f, surrogate %.3f", skRef, skX)
	if math.Abs(skX) > 0.5*math.Abs(skRef) {
		t.Errorf("surrogate skewness %.3f not much smaller than the reference's %.3f", skX, skRef)
	}
	checkDeterministic(t, "GRFMatchingSpectrum", func(s uint64) ([]float64, error) { return GRFMatchingSpectrum(ref.Data, m, n, s) })
}

// TestGRFMatchingIsotropicSpectrum checks the construction exactly
// (X_k = W_k·sqrt(P(a)/(mn))) and the expected spectrum over seeds.
func TestGRFMatchingIsotropicSpectrum(t *testing.T) {
	ref, err := ReadMaps(testutil.DataFile(t, "quijote/logdensity_00.npy"))
	if err != nil {
		t.Fatal(err)
	}
	m, n := ref.M, ref.N
	f := newFFT2(m, n)
	R := spectrum(ref.Data, m, n)
	Pref, _, bin := f.annulusPower(R)
	const seeds = 6
	Pavg := make([]float64, len(Pref))
	for s := uint64(0); s < seeds; s++ {
		x, err := GRFMatchingIsotropicSpectrum(ref.Data, m, n, s)
		if err != nil {
			t.Fatal(err)
		}
		X := spectrum(x, m, n)
		W := spectrum(whiteNoise(m, n, s), m, n)
		for k := 1; k < len(X); k++ {
			want := W[k] * complex(math.Sqrt(Pref[bin[k]]/float64(m*n)), 0)
			if cmplx.Abs(X[k]-want) > 1e-9*math.Sqrt(Pref[1]) {
				t.Fatalf("seed %d, k %d: X = %v, want %v", s, k, X[k], want)
			}
		}
		if cmplx.Abs(X[0]-R[0]) > 1e-9*cmplx.Abs(R[0]) {
			t.Errorf("mean not kept")
		}
		P, _, _ := f.annulusPower(X)
		for a := range P {
			Pavg[a] += P[a] / seeds
		}
	}
	var total, totalRef float64
	for a := 10; a < 128; a++ {
		if r := Pavg[a] / Pref[a]; r < 0.75 || r > 1.25 {
			t.Errorf("annulus %d: mean power over %d seeds / reference = %.3f", a, seeds, r)
		}
		total += Pavg[a]
		totalRef += Pref[a]
	}
	if r := total / totalRef; math.Abs(r-1) > 0.03 {
		t.Errorf("power in annuli 10..127: ratio %.4f, want 1 ± 0.03", r)
	}
}

func TestSynthErrors(t *testing.T) {
	ref := make([]float64, 16)
	cases := []struct {
		err  error
		frag string
	}{
		{second(WhiteNoise(1, 8, 0)), "at least 2×2"},
		{second(GaussianRandomField(8, 0, -2, 0)), "at least 2×2"},
		{second(GaussianRandomField(8, 8, math.NaN(), 0)), "slope must be finite"},
		{second(LogNormalField(8, 8, -2, 0, 0)), "sigma must be positive"},
		{second(Filamentary(8, 8, 0, 1, 0)), "filament count"},
		{second(Filamentary(8, 8, 3, -1, 0)), "width must be positive"},
		{second(GRFMatchingSpectrum(ref, 4, 5, 0)), "has 16 pixels, want 4×5"},
		{second(GRFMatchingIsotropicSpectrum(append(ref[:15:15], math.Inf(1)), 4, 4, 0)), "non-finite pixel +Inf at row 3, column 3"},
		{second(StackMaps(2, 2, []float64{1, 2, 3})), "map 0 has 3 pixels"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.frag) {
			t.Errorf("got %v, want %q", c.err, c.frag)
		}
	}
	// A constant reference cannot be standardised but can be matched.
	if x, err := GRFMatchingSpectrum(make([]float64, 16), 4, 4, 1); err != nil || x[3] != 0 {
		t.Errorf("zero reference: %v %v", x, err)
	}
	st, err := StackMaps(2, 2, []float64{1, 2, 3, 4}, []float64{5, 6, 7, 8})
	if err != nil || st.B != 2 || st.Data[5] != 6 {
		t.Errorf("StackMaps: %+v %v", st, err)
	}
}

func second[T any](_ T, err error) error { return err }
