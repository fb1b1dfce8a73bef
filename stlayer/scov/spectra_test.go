package scov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// orthonormalRows checks A·Aᵀ = I for an n×n row-major matrix.
func orthonormalRows(t *testing.T, name string, A []float64, n int) {
	t.Helper()
	worst := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += A[i*n+k] * A[j*n+k]
			}
			if i == j {
				s -= 1
			}
			worst = math.Max(worst, math.Abs(s))
		}
	}
	if worst > 1e-12 {
		t.Errorf("%s: |A·Aᵀ − I| = %.3g", name, worst)
	}
}

func TestSpectraBasesOrthonormal(t *testing.T) {
	for _, L := range []int{1, 2, 3, 4, 8} {
		R1, _, _ := RealDFTBasis(L, 1)
		orthonormalRows(t, "RealDFTBasis(L,1)", R1, L)
		R2, _, _ := RealDFTBasis(L, 2)
		orthonormalRows(t, "RealDFTBasis(L,2)", R2, L*L)
	}
	for N := 1; N <= 8; N++ {
		orthonormalRows(t, "DCTBasis", DCTBasis(N), N)
	}
	op := &Op{cfg: Config{J: 4, L: 4}, idx: newIndexTables(4, 4)}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	orthonormalRows(t, "Spectra.Matrix", sp.Matrix(), sp.Len())
	if sp.Labels().Len() != sp.Len() || sp.Len() != op.NumSynthesis(true) {
		t.Errorf("labels %d, len %d, iso vector %d", sp.Labels().Len(), sp.Len(), op.NumSynthesis(true))
	}
	// The real DFT basis reproduces √2·Re/Im of the orthonormal FFT: for
	// L = 4, Δ ↦ cos(2πΔ/4) has only the q = 1 cosine component (√2·Re F(1) = √2).
	R1, freq, part := RealDFTBasis(4, 1)
	for r := range freq {
		var s float64
		for d := 0; d < 4; d++ {
			s += R1[r*4+d] * math.Cos(2*math.Pi*float64(d)/4)
		}
		want := 0.0
		if freq[r][0] == 1 && part[r] == 0 {
			want = math.Sqrt2
		}
		if math.Abs(s-want) > 1e-12 {
			t.Errorf("harmonic q=%v part %d: %g, want %g", freq[r], part[r], s, want)
		}
	}
}

// TestSpectraConstantAlongScale: a for_synthesis_iso vector whose C01/C11
// entries depend only on the scale differences (a, b) and angles (an exactly
// self-similar model) has spectra with only k = 0 scale modes.
func TestSpectraConstantAlongScale(t *testing.T) {
	op := &Op{cfg: Config{J: 6, L: 4}, idx: newIndexTables(6, 4)}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	val := map[[5]int]float64{}
	get := func(k [5]int) float64 {
		if v, ok := val[k]; ok {
			return v
		}
		val[k] = rng.NormFloat64()
		return val[k]
	}
	idx := op.synthIndex(true)
	v := make([]float64, len(idx))
	for i, e := range idx {
		switch e[0] {
		case TypeC01re:
			v[i] = get([5]int{3, e[2] - e[1], 0, e[5], 0})
		case TypeC11re:
			v[i] = get([5]int{5, e[2] - e[1], e[2] - e[3], e[5], e[6]})
		default:
			v[i] = rng.NormFloat64()
		}
	}
	y := sp.Apply(v)
	lb := sp.Labels()
	nz := 0
	for i := range y {
		if k := lb.Get(i, "k"); k > 0 && math.Abs(y[i]) > 1e-12 {
			t.Errorf("%s = %g, want 0", lb.String(i), y[i])
		} else if k == 0 && math.Abs(y[i]) > 1e-6 {
			nz++
		}
	}
	if nz == 0 {
		t.Errorf("all k = 0 modes vanish")
	}
}

// powerLawMap returns a Gaussian random field with power spectrum ∝ |k|^−β.
func powerLawMap(rng *rand.Rand, M, N int, beta float64) *stlayer.Maps {
	w := make([]complex128, M*N)
	for i := range w {
		w[i] = complex(rng.NormFloat64(), 0)
	}
	W := testutil.FFT2(w, M, N, false)
	for a := 0; a < M; a++ {
		for b := 0; b < N; b++ {
			ka, kb := float64(a), float64(b)
			if a >= M/2 {
				ka -= float64(M)
			}
			if b >= N/2 {
				kb -= float64(N)
			}
			k := math.Hypot(ka, kb)
			if k == 0 {
				W[a*N+b] = 0
				continue
			}
			W[a*N+b] *= complex(math.Pow(k, -beta/2), 0)
		}
	}
	z := testutil.FFT2(W, M, N, true)
	x := stlayer.NewMaps(1, M, N)
	for i := range z {
		x.Data[i] = real(z[i])
	}
	return x
}

// bandMap returns white noise restricted to the annulus 10 ≤ |k| ≤ 14 (in
// grid units): a field with one characteristic scale (not self-similar).
func bandMap(rng *rand.Rand, M int) *stlayer.Maps {
	y := powerLawMap(rng, M, M, 0)
	Y := testutil.FFT2(testutil.ToComplex(y.Data), M, M, false)
	for i := range Y {
		a, b := i/M, i%M
		ka, kb := math.Min(float64(a), float64(M-a)), math.Min(float64(b), float64(M-b))
		if k := math.Hypot(ka, kb); k < 10 || k > 14 {
			Y[i] = 0
		}
	}
	z := testutil.FFT2(Y, M, M, true)
	for i := range z {
		y.Data[i] = real(z[i])
	}
	return y
}

// TestSpectraPowerLaw: for a self-similar (power-law Gaussian, P ∝ k⁻²)
// field the normalised C11 spectra concentrate in the k = 0 scale modes:
// the energy outside k = 0 must be < 5 % and at least 3× smaller than for a
// band-limited field with a single characteristic scale. Also checks that the
// Prim transform equals the host one.
func TestSpectraPowerLaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	op, err := New(Config{J: 5, L: 4}, 128, 128)
	if err != nil {
		t.Fatal(err)
	}
	so, err := op.SpectraStat(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := op.Synthesis(nil, true)
	eng := cpu.New()
	lb := so.Labels()
	residual := func(x *stlayer.Maps) float64 {
		c, err := eng.Forward(so.Key(), so.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		fsi, err := eng.Forward(s.Key(), s.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, fsi.K)
		for i := range v {
			v[i] = real(fsi.Data[i])
		}
		testutil.CompareScaled(t, "prim vs host spectra", c.Data, testutil.ToComplex(so.Spectra().Apply(v)), 1e-10, 1e-12)
		e0, e := 0.0, 0.0
		for i, z := range c.Data {
			if lb.Class[i] == "C11" {
				e += real(z) * real(z)
				if lb.Get(i, "k") == 0 {
					e0 += real(z) * real(z)
				}
			}
		}
		return 1 - e0/e
	}
	rp := residual(powerLawMap(rng, 128, 128, 2))
	rb := residual(bandMap(rng, 128))
	t.Logf("C11 spectral energy outside k=0: power law %.4f, band-limited %.4f", rp, rb)
	if rp > 0.05 || rb < 3*rp {
		t.Errorf("power law %.4f (want < 0.05 and < band-limited/3 = %.4f)", rp, rb/3)
	}
}

func TestThreshold(t *testing.T) {
	op := &Op{cfg: Config{J: 3, L: 4}, idx: newIndexTables(3, 4)}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 5))
	// entry i has mean μ_i = i%3 (0, 1, 2) and std 1: kept at threshold 0.5
	// iff μ_i/σ̂_i > 0.5, i.e. (with many samples) μ_i ≥ 1.
	var samples [][]float64
	for r := 0; r < 4000; r++ {
		v := make([]float64, sp.Len())
		for i := range v {
			v[i] = float64(i%3) + rng.NormFloat64()
		}
		samples = append(samples, v)
	}
	mask, err := sp.Threshold(samples, 0.5, true, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mask {
		want := i%3 != 0
		switch sp.Labels().Class[i] {
		case "mean", "P00":
			want = true
		}
		if m != want {
			t.Errorf("mask[%d] (%s) = %t, want %t", i, sp.Labels().String(i), m, want)
		}
	}
	so, err := op.SpectraStat(nil, mask)
	if err == nil && so.Labels().Len() == sp.Len() {
		t.Errorf("mask not applied")
	}
}
