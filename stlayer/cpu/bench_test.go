package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"gonum.org/v1/gonum/dsp/fourier"
)

// BenchmarkFFT2 is one 256×256 complex forward FFT2 through the engine.
func BenchmarkFFT2(b *testing.B) { benchFFT2(b, New(), 256) }

// BenchmarkFFT2Gonum is BenchmarkFFT2 with gonum's CmplxFFT for rows and columns.
func BenchmarkFFT2Gonum(b *testing.B) { benchFFT2(b, gonumEngine(), 256) }

// BenchmarkFFT2Serial is BenchmarkFFT2 on one worker.
func BenchmarkFFT2Serial(b *testing.B) { benchFFT2(b, New(WithWorkers(1)), 256) }

// BenchmarkFFT2Mixed384 is a 384×384 FFT2 (384 = 3·2^7, Kymatio's padded size
// for 256² and J = 6) with the mixed-radix FFT.
func BenchmarkFFT2Mixed384(b *testing.B) { benchFFT2(b, New(), 384) }

// BenchmarkFFT2Gonum384 is BenchmarkFFT2Mixed384 with gonum's CmplxFFT.
func BenchmarkFFT2Gonum384(b *testing.B) { benchFFT2(b, gonumEngine(), 384) }

func gonumEngine() *Engine {
	e := New()
	e.gonumOnly = true
	return e
}

func benchFFT2(b *testing.B, e *Engine, n int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randC(rng, n*n)
	buf := make([]complex128, len(x))
	b.ResetTimer()
	c0 := cpuSeconds()
	for range b.N {
		copy(buf, x)
		e.fft2(buf, 1, n, n, false)
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// BenchmarkFFT2GonumSerial is the bare-gonum floor: 512 CmplxFFT(256) calls on
// one goroutine (rows, then columns through a scratch column).
func BenchmarkFFT2GonumSerial(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randC(rng, 256*256)
	p := fourier.NewCmplxFFT(256)
	col := make([]complex128, 256)
	b.ResetTimer()
	c0 := cpuSeconds()
	defer func() { b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op") }()
	for range b.N {
		for r := 0; r < 256; r++ {
			p.Coefficients(x[r*256:(r+1)*256], x[r*256:(r+1)*256])
		}
		for c := 0; c < 256; c++ {
			for r := 0; r < 256; r++ {
				col[r] = x[r*256+c]
			}
			p.Coefficients(col, col)
			for r := 0; r < 256; r++ {
				x[r*256+c] = col[r]
			}
		}
	}
}

// scatStep is the first-order scattering step used as the measured baseline:
// x [1,1,256,256] → FFT2 → for j < J: MulFilters(bank_j with L filters) →
// Periodise(256/2^j) → IFFT2 → Modulus → Mean; Concat → [1, J*L, 1, 1].
func scatStep(b *testing.B) (stlayer.Stat, *stlayer.Maps) {
	const M, J, L = 256, 6, 8
	rng := rand.New(rand.NewPCG(2, 2))
	banks := make([]*stlayer.FilterBank, J)
	for j := range banks {
		banks[j] = randBank(rng, L, M, M)
	}
	return s1Like(banks), testutil.RandMaps(rng, 1, M, M)
}

// BenchmarkScatteringStepForward: 256², J=6, L=8 (48 real filters), forward.
func BenchmarkScatteringStepForward(b *testing.B) {
	stat, x := scatStep(b)
	e := New()
	if _, err := e.Forward("s1", stat, x); err != nil { // warm the pool
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuSeconds()
	for range b.N {
		if _, err := e.Forward("s1", stat, x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// BenchmarkScatteringStepLossGrad: the same step, forward + backward.
func BenchmarkScatteringStepLossGrad(b *testing.B) {
	stat, x := scatStep(b)
	e := New()
	if _, _, err := e.LossGrad("s1", stat, x, testutil.SumAbs2); err != nil { // warm the pool
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuSeconds()
	for range b.N {
		if _, _, err := e.LossGrad("s1", stat, x, testutil.SumAbs2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// BenchmarkSparseBankForward: a WPH-like step on 256² with a bank of 24
// compactly supported filters (discs of radius 96/2^j around 64/2^j·e_θ, like
// bump-steerable wavelets): FFT2 → MulFilters → IFFT2 → Modulus → Mean at full
// resolution. Zero rows of the filtered spectra skip their row FFTs.
func BenchmarkSparseBankForward(b *testing.B) {
	const M, J, L = 256, 6, 4
	rng := rand.New(rand.NewPCG(3, 3))
	f := &stlayer.FilterBank{K: J * L, H: M, W: M, Data: make([]float64, J*L*M*M), Name: "sparse"}
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			k0 := 64 / float64(int(1)<<j)
			th := math.Pi * float64(l) / L
			cy, cx, rad := k0*math.Sin(th), k0*math.Cos(th), 0.75*k0
			flt := f.Filter(j*L + l)
			for r := 0; r < M; r++ {
				for c := 0; c < M; c++ {
					ky, kx := float64((r+M/2)%M-M/2), float64((c+M/2)%M-M/2)
					if d := math.Hypot(ky-cy, kx-cx); d < rad {
						flt[r*M+c] = 1 - d/rad
					}
				}
			}
		}
	}
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Mean(p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), f))))
	}
	x := testutil.RandMaps(rng, 1, M, M)
	e := New()
	if _, err := e.Forward("sparse", stat, x); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	c0 := cpuSeconds()
	for range b.N {
		if _, err := e.Forward("sparse", stat, x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// BenchmarkFFT2Sizes times one complex H×W FFT2 (forward) on one worker for
// the plane sizes the statistics use (powers of two and Kymatio's 3·2^k).
func BenchmarkFFT2Sizes(b *testing.B) {
	for _, n := range []int{6, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchFFT2(b, New(WithWorkers(1)), n) })
	}
}

// BenchmarkPhaseHarmBack is the one-to-one adjoint of the lazy phase-harmonic
// Mean on one 256×256 plane: "fused" is phaseHarmBack over the plane,
// "unfused" the former row-wise phaseHarm, cscaleInto, cscaleInto,
// phaseHarmGrad.
func BenchmarkPhaseHarmBack(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	const h, w = 256, 256
	z, o := randC(rng, h*w), randC(rng, h*w)
	dO, dZ := make([]complex128, h*w), make([]complex128, h*w)
	cO, cW := complex(0.3, -0.2), complex(-0.1, 0.7)
	for _, p := range []int{2, 3} {
		b.Run(fmt.Sprintf("p=%d/fused", p), func(b *testing.B) {
			for b.Loop() {
				phaseHarmBack(dO, dZ, z, o, p, cO, cW, true, true, true)
			}
		})
		b.Run(fmt.Sprintf("p=%d/unfused", p), func(b *testing.B) {
			wb, gw := make([]complex128, w), make([]complex128, w)
			for b.Loop() {
				for i := 0; i < h; i++ {
					zr, or := z[i*w:(i+1)*w], o[i*w:(i+1)*w]
					phaseHarm(wb, zr, p)
					cscaleInto(dO[i*w:(i+1)*w], wb, cO, true, true)
					cscaleInto(gw, or, cW, true, false)
					phaseHarmGrad(dZ[i*w:(i+1)*w], gw, zr, wb, p, true)
				}
			}
		})
	}
}
