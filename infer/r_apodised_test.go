package infer

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// rCutGRF returns the n×n corner of a periodic big×big Gaussian random
// field P ∝ k⁻³: a map whose opposite borders do not match.
func rCutGRF(t *testing.T, big, n int, seed uint64) *stlayer.Maps {
	t.Helper()
	g, err := datasets.GaussianRandomField(big, big, -3, seed)
	if err != nil {
		t.Fatal(err)
	}
	x := stlayer.NewMaps(1, n, n)
	for i := 0; i < n; i++ {
		copy(x.Data[i*n:(i+1)*n], g[i*big:i*big+n])
	}
	return x
}

// rAxisExcess measures streaks parallel to the edges in the interior
// window [c, M−c)² of an M×M map: the window minus its mean, times a Hann
// window of its size, is Fourier transformed, and for every ring
// r = round(|k|) in [2, (M−2c)/2) the mean power of the modes on the axes
// (k_x = 0 or k_y = 0) is divided by that of the modes off them (|k_x|,
// |k_y| ≥ 2); the result is the mean of these ratios over the rings: ≈ 1
// for an isotropic field, > 1 when the axes carry excess power.
func rAxisExcess(x []float64, m, c int) float64 {
	h := m - 2*c
	y := make([]float64, h*h)
	mu := 0.0
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			mu += x[(i+c)*m+j+c]
		}
	}
	mu /= float64(h * h)
	w := HannTaper(h, h)
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			y[i*h+j] = w[i*h+j] * (x[(i+c)*m+j+c] - mu)
		}
	}
	f := fft2(y, h, h)
	R := h / 2
	ax, off := make([]float64, R), make([]float64, R)
	nax, noff := make([]int, R), make([]int, R)
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			ki, kj := freq(i, h), freq(j, h)
			r := int(math.Round(math.Hypot(float64(ki), float64(kj))))
			if r < 2 || r >= R {
				continue
			}
			p := real(f[i*h+j])*real(f[i*h+j]) + imag(f[i*h+j])*imag(f[i*h+j])
			switch {
			case ki == 0 || kj == 0:
				ax[r] += p
				nax[r]++
			case ki*ki > 1 && kj*kj > 1: // not the Hann leakage of the axes
				off[r] += p
				noff[r]++
			}
		}
	}
	s, n := 0.0, 0
	for r := 2; r < R; r++ {
		if nax[r] > 0 && noff[r] > 0 {
			s += (ax[r] / float64(nax[r])) / (off[r] / float64(noff[r]))
			n++
		}
	}
	return s / float64(n)
}

// TestHannTaper pins HannTaper's formula, its symmetry and its power
// ⟨w²⟩ = 9/64 (the normalisation of NewPSOpApodised's bins).
func TestHannTaper(t *testing.T) {
	m, n := 8, 5
	w := HannTaper(m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a, b := math.Sin(math.Pi*(float64(i)+0.5)/float64(m)), math.Sin(math.Pi*(float64(j)+0.5)/float64(n))
			if want := a * a * b * b; math.Abs(w[i*n+j]-want) > 1e-15 {
				t.Fatalf("w[%d,%d] = %g, want %g", i, j, w[i*n+j], want)
			}
			if math.Abs(w[i*n+j]-w[(m-1-i)*n+n-1-j]) > 1e-15 {
				t.Fatalf("w not symmetric at (%d, %d)", i, j)
			}
		}
	}
	for _, sz := range [][2]int{{8, 5}, {64, 64}, {3, 7}} {
		s := 0.0
		for _, v := range HannTaper(sz[0], sz[1]) {
			s += v * v
		}
		if p := s / float64(sz[0]*sz[1]); math.Abs(p-9.0/64) > 1e-14 {
			t.Errorf("%v: ⟨w²⟩ = %.16g, want 9/64", sz, p)
		}
	}
	if HannTaper(0, 4) != nil {
		t.Error("HannTaper(0, 4) not nil")
	}
}

// TestPSOpApodised pins NewPSOpApodised's formula against a host
// computation (w·(x − x̄_w), FFT, binned |·|²/(n_b·M·N·⟨w²⟩), log), its key,
// that a field whose opposite borders do not match has a much smaller
// apodised than periodic power on the axes' bins' share (the jump is left
// out), and that its loss gradient matches finite differences.
func TestPSOpApodised(t *testing.T) {
	const m, n = 24, 20
	x := stlayer.NewMaps(1, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			// a ramp (a jump at the wrap-around) plus a wave and a bump
			x.Data[i*n+j] = 0.1*float64(i) + math.Sin(2*math.Pi*3*float64(j)/n) + math.Exp(-float64((i-8)*(i-8)+(j-5)*(j-5))/6)
		}
	}
	eng := cpu.New()
	for _, corner := range []bool{false, true} {
		op := NewPSOpApodised(m, n, corner)
		if !strings.HasSuffix(op.Key(), "/hann") {
			t.Errorf("key %q lacks /hann", op.Key())
		}
		got, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		w := HannTaper(m, n)
		f := fft2(apodise(x.Data, w), m, n)
		_, bin, _ := psBins(m, n)
		nb := 0
		for _, b := range bin {
			nb = max(nb, b+1)
		}
		if corner {
			for p := 1; p < m*n; p++ {
				if bin[p] < 0 {
					bin[p] = nb
				}
			}
			nb++
		}
		if len(got.Data) != nb {
			t.Fatalf("corner %v: %d coefficients, want %d", corner, len(got.Data), nb)
		}
		sum, cnt := make([]float64, nb), make([]int, nb)
		for p, b := range bin {
			if b >= 0 {
				sum[b] += real(f[p])*real(f[p]) + imag(f[p])*imag(f[p])
				cnt[b]++
			}
		}
		for b := range sum {
			want := math.Log(sum[b] / float64(cnt[b]*m*n) / (9.0 / 64))
			if d := math.Abs(real(got.Data[b]) - want); d > 1e-10 {
				t.Errorf("corner %v bin %d: %.12g, host %.12g", corner, b, real(got.Data[b]), want)
			}
		}
	}
	// The apodised term's gradient against central differences.
	loss := &Loss{Engine: eng}
	tgt := stlayer.NewMaps(1, m, n)
	for i := range tgt.Data {
		tgt.Data[i] = math.Cos(float64(i) * 0.37)
	}
	term, err := NewPowerSpectrumTermApodised(eng, tgt, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	loss.Terms = []*Term{term}
	_, _, g, err := loss.Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{0, 37, 211, m*n - 1} {
		// pixel 211 sits where a bin's log is strongly curved: central
		// differences reach the gradient only below h ≈ 1e-5
		const h = 1e-6
		xp := &stlayer.Maps{B: 1, M: m, N: n, Data: slices.Clone(x.Data)}
		xp.Data[p] += h
		fp, _, _, _ := loss.Eval(xp)
		xp.Data[p] -= 2 * h
		fm, _, _, _ := loss.Eval(xp)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-g[p]) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: gradient %.9g, finite difference %.9g", p, g[p], fd)
		}
	}
}

// TestApodisedPeriodicUnchanged: without Apodise (periodic statistics) the
// power-spectrum term is NewPSOpCorner's and the GRF start has the
// reference's periodic amplitudes exactly, as before the apodised variants.
func TestApodisedPeriodicUnchanged(t *testing.T) {
	x := rCutGRF(t, 64, 32, 3)
	eng := cpu.New()
	term, err := NewPowerSpectrumTerm(eng, x, 1)
	if err != nil {
		t.Fatal(err)
	}
	op := NewPSOpCorner(32, 32)
	want, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	if term.Op.Key() != op.Key() || len(term.Target) != len(want.Data) {
		t.Fatalf("periodic term key %q (%d coefficients), want %q (%d)", term.Op.Key(), len(term.Target), op.Key(), len(want.Data))
	}
	for i, v := range want.Data {
		if term.Target[i] != v {
			t.Errorf("periodic term target %d = %v, NewPSOpCorner %v", i, term.Target[i], real(v))
		}
	}
	a, err := InitialMaps(InitGRF, x, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, err := InitialMapsApodised(InitGRF, x, 2, 9, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, b.Data) {
		t.Error("InitialMapsApodised(…, false) differs from InitialMaps")
	}
	// The periodic start's spectrum is the periodic, not the apodised one.
	pp, pa := meanPowerSpectrum2D(x, false), meanPowerSpectrum2D(x, true)
	if slices.Equal(pp, pa) {
		t.Error("the periodic and the apodised start spectra are equal")
	}
}

// TestApodisedCropSynthesisNoStreaks: for a target cut from a larger map
// (the 64² corner of a 128² GRF P ∝ k⁻³, seeds with a large border jump)
// and the non-periodic scov (Pad crop, J = 4, c = 8), the periodic GRF
// start and power-spectrum term of PresetQuality put the jump's axis cross
// into the syntheses as streaks parallel to the edges; with Apodise (the
// Hann-apodised spectrum) the interior is as isotropic as the target's
// and its pixel differences stay Gaussian.
func TestApodisedCropSynthesisNoStreaks(t *testing.T) {
	const big, n, c = 128, 64, 8
	eng := cpu.New()
	for _, seed := range []uint64{4, 5} {
		target := rCutGRF(t, big, n, seed)
		tx := rAxisExcess(target.Data, n, c)
		// Starts: the mean axis excess of 4 starting maps.
		start := map[bool]float64{}
		for _, apod := range []bool{false, true} {
			x0, err := InitialMapsApodised(InitGRF, target, 4, 1, apod)
			if err != nil {
				t.Fatal(err)
			}
			for b := 0; b < x0.B; b++ {
				start[apod] += rAxisExcess(x0.Map(b), n, c) / float64(x0.B)
			}
		}
		spec := stats.Spec{Kind: stats.SCov, J: 4, L: 4, Iso: true, Synthesis: true, Pad: "crop"}.WithDefaults(n, n)
		op, err := stats.BuildWithRef(spec, eng, target)
		if err != nil {
			t.Fatal(err)
		}
		syn := map[bool][2]float64{}
		for _, apod := range []bool{false, true} {
			cfg, err := Preset(PresetQuality, 1, 7)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Steps, cfg.Apodise = 60, apod
			loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Generate(context.Background(), loss, target, cfg)
			if err != nil {
				t.Fatal(err)
			}
			syn[apod] = [2]float64{rAxisExcess(res.Maps.Data, n, c), testutil.InteriorDiffKurtosis(res.Maps.Data, n, n, c)}
			t.Logf("seed %d apodised %v: loss %.3g → %.3g", seed, apod, res.InitialLoss, res.Loss)
			if !(res.Loss < res.InitialLoss/100) {
				t.Errorf("seed %d apodised %v: loss %.3g → %.3g, want a 100-fold decrease", seed, apod, res.InitialLoss, res.Loss)
			}
		}
		t.Logf("seed %d: axis excess target %.2f; start periodic %.2f apodised %.2f; 60-step synthesis periodic %.2f (kurtosis %.2f) apodised %.2f (kurtosis %.2f)",
			seed, tx, start[false], start[true], syn[false][0], syn[false][1], syn[true][0], syn[true][1])
		// Measured (seeds 4, 5): target 0.89, 0.74; starts periodic 18.3,
		// 6.5, apodised 0.89, 0.79; syntheses periodic 3.7, 2.8 (kurtosis
		// 0.00, −0.06), apodised 0.72, 0.55 (−0.21, −0.06).
		if start[true] > 1.5 || syn[true][0] > 1.5 {
			t.Errorf("seed %d apodised: axis excess start %.2f, synthesis %.2f, want ≤ 1.5 (target %.2f)", seed, start[true], syn[true][0], tx)
		}
		if math.Abs(syn[true][1]) > 0.8 {
			t.Errorf("seed %d apodised: interior difference kurtosis %.2f, want |k| ≤ 0.8", seed, syn[true][1])
		}
		// Since session 19 the GRF start averages the spectrum over 11.25°
		// sectors (cellAverage), which spreads the axis cross: seeds 4, 5
		// periodic starts 4.67, 2.66, syntheses 2.28, 1.57; apodised 0.95,
		// 0.74 and 0.80, 0.72.
		if start[false] < 2 || syn[false][0] < 1.3 {
			t.Errorf("seed %d periodic: axis excess start %.2f, synthesis %.2f: the streaks this test guards against are gone (want ≥ 2, ≥ 1.3); the test no longer discriminates", seed, start[false], syn[false][0])
		}
	}
}
