package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// gaussBanks returns J banks of L Gaussian band-pass bumps on N×N (fftfreq
// order), bank j centred at radius N/2^(j+2).
func gaussBanks(N, J, L int) []*stlayer.FilterBank {
	banks := make([]*stlayer.FilterBank, J)
	for j := 0; j < J; j++ {
		f := &stlayer.FilterBank{K: L, H: N, W: N, Data: make([]float64, L*N*N), Name: fmt.Sprintf("gauss j%d", j)}
		k0 := float64(N) / math.Pow(2, float64(j+2))
		sig := k0 / 2
		for l := 0; l < L; l++ {
			th := math.Pi * float64(l) / float64(L)
			cx, cy := k0*math.Cos(th), k0*math.Sin(th)
			for a := 0; a < N; a++ {
				fa := float64(a)
				if a >= N/2 {
					fa -= float64(N)
				}
				for b := 0; b < N; b++ {
					fb := float64(b)
					if b >= N/2 {
						fb -= float64(N)
					}
					d2 := (fa-cx)*(fa-cx) + (fb-cy)*(fb-cy)
					f.Data[(l*N+a)*N+b] = math.Exp(-d2 / (2 * sig * sig))
				}
			}
		}
		banks[j] = f
	}
	return banks
}

// firstOrder is a first-order scattering layer with per-scale Fourier
// cropping: for each scale j, mean |IFFT2(crop_j(FFT2(x)·ψ_{j,l}))|.
func firstOrder(banks []*stlayer.FilterBank) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		_, _, h, w := x.Dims()
		X := p.FFT2(x)
		var outs []stlayer.Field
		for j, bk := range banks {
			s := 1 << j
			if s > 8 {
				s = 8
			}
			F := p.CropFreq(p.MulFilters(X, bk), h/s, w/s)
			outs = append(outs, p.Mean(p.Modulus(p.IFFT2(F))))
		}
		return p.Concat(outs...)
	}
}

func cpuTime() time.Duration {
	return bench.CPUTime()
}

// BenchmarkFirstOrder times a first-order scattering layer (256², J=6, L=8,
// B=1): go test -run XXX -bench FirstOrder -benchtime 5x ./stlayer/graph/
func BenchmarkFirstOrder(b *testing.B) {
	N, B := 256, 1
	banks := gaussBanks(N, 6, 8)
	stat := firstOrder(banks)
	r := rand.New(rand.NewPCG(1, 1))
	x := stlayer.NewMaps(B, N, N)
	for i := range x.Data {
		x.Data[i] = r.NormFloat64()
	}
	for _, grad := range []bool{false, true} {
		name := "fwd"
		if grad {
			name = "fwd+grad"
		}
		b.Run(name, func(b *testing.B) {
			e := New(gomlxtest.Backend(b))
			defer e.Finalize()
			t0, c0 := time.Now(), cpuTime()
			run := func() {
				var err error
				if grad {
					_, _, err = e.LossGrad("fo", stat, x, testutil.SumAbs2)
				} else {
					_, err = e.Forward("fo", stat, x)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			run()
			b.ReportMetric(float64(time.Since(t0).Milliseconds()), "first-call-ms")
			b.ReportMetric(float64((cpuTime() - c0).Milliseconds()), "first-call-cpu-ms")
			b.ResetTimer()
			c0 = cpuTime()
			for range b.N {
				run()
			}
			b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
