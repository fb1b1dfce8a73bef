package gomlxfix

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// mlpStep is one SGD step of an autoencoder MLP 1000→256→16→256→1000 (tanh,
// mean squared error) on a batch x [256, 1000]: it returns the loss and the
// updated weights.
func mlpStep(in []*Node) []*Node {
	x := in[0]
	ws := in[1:]
	h := x
	for i, w := range ws {
		h = Dot(h, w)
		if i < len(ws)-1 {
			h = Tanh(h)
		}
	}
	loss := ReduceAllMean(Square(Sub(h, x)))
	grads := Gradient(loss, ws...)
	out := []*Node{loss}
	for i, w := range ws {
		out = append(out, Sub(w, MulScalar(grads[i], 0.01)))
	}
	return out
}

func benchMLP(b *testing.B, fixed bool) {
	be := newBackend(b)
	r := rand.New(rand.NewPCG(5, 6))
	dims := []int{1000, 256, 16, 256, 1000}
	args := []any{tensors.FromFlatDataAndDimensions(toF32(randSlice(r, 256*1000)), 256, 1000)}
	for i := 0; i+1 < len(dims); i++ {
		w := randSlice(r, dims[i]*dims[i+1])
		for j := range w {
			w[j] *= 0.05
		}
		args = append(args, tensors.FromFlatDataAndDimensions(toF32(w), dims[i], dims[i+1]))
	}
	if !fixed {
		Uninstall()
		defer Install()
	}
	e := MustNewExec(be, mlpStep)
	defer e.Finalize()
	for _, t := range e.MustExec(args...) { // compile (with the chosen VJPs) and warm up
		t.FinalizeAll()
	}
	b.ResetTimer()
	for range b.N {
		for _, t := range e.MustExec(args...) {
			t.FinalizeAll()
		}
	}
}

// BenchmarkMLPStep measures an MLP training step with the fixed and the
// upstream matmul VJPs: go test -bench MLPStep -benchtime 5x ./internal/gomlxfix/
func BenchmarkMLPStep(b *testing.B) {
	b.Run("fixed", func(b *testing.B) { benchMLP(b, true) })
	b.Run("upstream", func(b *testing.B) { benchMLP(b, false) })
}
