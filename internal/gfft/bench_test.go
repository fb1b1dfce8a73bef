package gfft

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// BenchmarkFFT2 times the 2D FFT of B complex maps of N×N (forward, and forward
// plus the gradient of Σ Re g·Re X + Im g·Im X) with the backend's method:
//
//	go test -run XXX -bench FFT2 -benchtime 10x ./internal/gfft/
func BenchmarkFFT2(b *testing.B) {
	for _, c := range [][2]int{{256, 1}, {256, 8}, {128, 8}, {64, 1}} {
		n, nb := c[0], c[1]
		for _, grad := range []bool{false, true} {
			name := fmt.Sprintf("N=%d/B=%d/fwd", n, nb)
			if grad {
				name += "+grad"
			}
			b.Run(name, func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 2))
				mk := func() *tensors.Tensor {
					v := make([]float32, nb*n*n)
					for i := range v {
						v[i] = float32(r.NormFloat64())
					}
					return tensors.FromFlatDataAndDimensions(v, nb, n, n)
				}
				args := []any{mk(), mk(), mk(), mk()}
				e := MustNewExec(gomlxtest.Backend(b), func(in []*Node) []*Node {
					tr, err := New(in[0].Graph(), Auto)
					if err != nil {
						panic(err)
					}
					fr, fi := tr.FFT2(in[0], in[1])
					if !grad {
						return []*Node{fr, fi}
					}
					l := ReduceAllSum(Add(Mul(fr, in[2]), Mul(fi, in[3])))
					return append([]*Node{l}, Gradient(l, in[0], in[1])...)
				})
				defer e.Finalize()
				for _, t := range e.MustExec(args...) {
					t.FinalizeAll()
				}
				b.ResetTimer()
				c0 := cpuTime()
				for range b.N {
					for _, t := range e.MustExec(args...) {
						t.FinalizeAll()
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// cpuTime returns the process's user+system CPU time: timings on a shared
// machine are reported as wall time (ns/op) and CPU time (cpu-ms/op).
func cpuTime() time.Duration {
	return bench.CPUTime()
}
