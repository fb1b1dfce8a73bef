package gomlxfix

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// The Reverse VJP is installed, and on a backend with the Reverse op the
// gradient of Σ w·Reverse(x, axes) is Reverse(w, axes) (the pure-Go backend
// has no Reverse: run with GOMLX_BACKEND=xla:...).
func TestReverseVJP(t *testing.T) {
	if VJPRegistration[NodeTypeReverse] == nil {
		t.Fatal("no VJP registered for Reverse")
	}
	b := newBackend(t)
	if !b.Capabilities().Operations[backends.OpTypeReverse] {
		t.Skipf("backend %s has no Reverse op", b.Name())
	}
	const H, W = 3, 5
	x := make([]float32, H*W)
	w := make([]float32, H*W)
	for i := range x {
		x[i] = float32(i)*0.5 - 2
		w[i] = float32((i*7)%11) - 3
	}
	for _, axes := range [][]int{{0}, {1}, {0, 1}} {
		ex := MustNewExec(b, func(xn, wn *Node) []*Node {
			y := Reverse(xn, axes...)
			axs, err := ReverseAxes(y)
			if err != nil || len(axs) != len(axes) {
				t.Errorf("ReverseAxes: %v, %v (want %v)", axs, err, axes)
			}
			return []*Node{y, Gradient(ReduceAllSum(Mul(y, wn)), xn)[0]}
		})
		outs := ex.MustExec(tensors.FromFlatDataAndDimensions(x, H, W), tensors.FromFlatDataAndDimensions(w, H, W))
		y, g := outs[0].Value().([][]float32), outs[1].Value().([][]float32)
		for i := 0; i < H; i++ {
			for j := 0; j < W; j++ {
				ri, rj := i, j
				for _, a := range axes {
					if a == 0 {
						ri = H - 1 - i
					} else {
						rj = W - 1 - j
					}
				}
				if y[i][j] != x[ri*W+rj] || g[ri][rj] != w[i*W+j] {
					t.Fatalf("axes %v at (%d,%d): y %v want %v, ∂x %v want %v", axes, i, j, y[i][j], x[ri*W+rj], g[ri][rj], w[i*W+j])
				}
			}
		}
		ex.Finalize()
	}
}
