package gmm

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// The documented edges of the package doc and DiagParams: an empty component keeps a weight of
// order 1e-15/n and takes no row; a zero weight is the logit −Inf, with responsibility 0 and finite
// values and gradients in the graph.
func TestDocumentedEdges(t *testing.T) {
	x := mat.NewDense(6, 1, []float64{0, 0, 0, 10, 10, 10})
	for _, cov := range []CovType{Full, Diag} {
		m, err := Fit(x, Options{K: 3, Cov: cov, Seed: 2})
		if err != nil {
			t.Fatalf("%s: %v", cov, err)
		}
		small := -1
		for k, w := range m.Weights {
			if w < 1e-14 {
				small = k
			}
		}
		pred, _ := m.Predict(x)
		for i, p := range pred {
			if small < 0 || p == small {
				t.Fatalf("%s: weights %v, row %d predicted %d: want one component of weight < 1e-14 taking no row", cov, m.Weights, i, p)
			}
		}
	}

	m := &Model{K: 2, D: 1, Cov: Diag, Weights: []float64{1, 0}, Means: [][]float64{{0}, {1}}, Vars: [][]float64{{1}, {2}}}
	mu, lv, lg, err := m.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	if lg[0] != 0 || !math.IsInf(float64(lg[1]), -1) {
		t.Fatalf("logits %v, want [0 -Inf]", lg)
	}
	e := MustNewExec(gomlxtest.Backend(t), func(x, m, v, l *Node) []*Node {
		s := ReduceAllSum(LogProbGraph(x, m, v, l))
		return append([]*Node{s, ResponsibilitiesGraph(x, m, v, l)}, Gradient(s, m, v, l)...)
	})
	xs := []float32{0.5, 2}
	out := e.MustExec(tensors.FromFlatDataAndDimensions(xs, 2, 1), tensors.FromFlatDataAndDimensions(mu, 2, 1),
		tensors.FromFlatDataAndDimensions(lv, 2, 1), tensors.FromFlatDataAndDimensions(lg, 2))
	want := -math.Log(2*math.Pi) - (0.25+4)/2 // Σ log N(x; 0, 1)
	if s := tensors.MustCopyFlatData[float32](out[0])[0]; math.Abs(float64(s)-want) > 1e-5 {
		t.Errorf("log p sum %g, want %g", s, want)
	}
	if r := tensors.MustCopyFlatData[float32](out[1]); r[0] != 1 || r[1] != 0 || r[2] != 1 || r[3] != 0 {
		t.Errorf("responsibilities %v, want [1 0 1 0]", r)
	}
	for i, g := range out[2:] {
		for _, v := range tensors.MustCopyFlatData[float32](g) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Errorf("gradient %d: %v, want finite", i, tensors.MustCopyFlatData[float32](g))
				break
			}
		}
	}
}
