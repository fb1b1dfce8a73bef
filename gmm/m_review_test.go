package gmm

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// Model.Converged: a fit that meets the tolerance at its last allowed iteration (Iter == MaxIter)
// is converged; one stopped a step earlier is not.
func TestConvergedAtMaxIter(t *testing.T) {
	x := mat.NewDense(8, 1, []float64{0, 0.1, 0.3, 0.2, 5, 5.2, 5.1, 4.8})
	free, err := Fit(x, Options{K: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !free.Converged || free.Iter < 2 {
		t.Fatalf("unbounded fit: Converged %v after %d iterations", free.Converged, free.Iter)
	}
	at, err := Fit(x, Options{K: 2, Seed: 1, MaxIter: free.Iter})
	if err != nil {
		t.Fatal(err)
	}
	if !at.Converged || at.Iter != free.Iter || at.LogLik != free.LogLik {
		t.Errorf("MaxIter = %d: Converged %v, Iter %d, LogLik %v; want true, %d, %v", free.Iter, at.Converged, at.Iter, at.LogLik, free.Iter, free.LogLik)
	}
	before, err := Fit(x, Options{K: 2, Seed: 1, MaxIter: free.Iter - 1})
	if err != nil {
		t.Fatal(err)
	}
	if before.Converged || before.Iter != free.Iter-1 {
		t.Errorf("MaxIter = %d: Converged %v, Iter %d; want false, %d", free.Iter-1, before.Converged, before.Iter, free.Iter-1)
	}
}

// DiagParams with a zero weight: ComponentLogProbGraph's column of that component is −Inf (its
// log π_k), while LogProbGraph and ResponsibilitiesGraph and the latter's gradient are finite (the
// gradient of LogProbGraph is pinned by TestDocumentedEdges).
func TestZeroWeightGraphValues(t *testing.T) {
	m := &Model{K: 2, D: 1, Cov: Diag, Weights: []float64{1, 0}, Means: [][]float64{{0}, {1}}, Vars: [][]float64{{1}, {2}}}
	mu, lv, lg, err := m.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	e := MustNewExec(gomlxtest.Backend(t), func(x, m, v, l *Node) []*Node {
		r := ResponsibilitiesGraph(x, m, v, l)
		w := Mul(r, Const(x.Graph(), [][]float32{{1, 3}})) // a loss that depends on the responsibilities
		return append([]*Node{ComponentLogProbGraph(x, m, v, l), LogProbGraph(x, m, v, l)}, Gradient(ReduceAllSum(w), x, m, v, l)...)
	})
	out := e.MustExec(tensors.FromFlatDataAndDimensions([]float32{0.5, 2}, 2, 1), tensors.FromFlatDataAndDimensions(mu, 2, 1),
		tensors.FromFlatDataAndDimensions(lv, 2, 1), tensors.FromFlatDataAndDimensions(lg, 2))
	c := tensors.MustCopyFlatData[float32](out[0])
	lp := tensors.MustCopyFlatData[float32](out[1])
	for b, xb := range []float64{0.5, 2} {
		want := -0.5*math.Log(2*math.Pi) - xb*xb/2
		if math.Abs(float64(c[2*b])-want) > 1e-5 || !math.IsInf(float64(c[2*b+1]), -1) {
			t.Errorf("row %d: component log-densities %v, want [%g -Inf]", b, c[2*b:2*b+2], want)
		}
		if math.Abs(float64(lp[b])-want) > 1e-5 {
			t.Errorf("row %d: log p %g, want %g", b, lp[b], want)
		}
	}
	for i, g := range out[2:] {
		for _, v := range tensors.MustCopyFlatData[float32](g) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Errorf("gradient %d of the responsibilities: %v, want finite", i, tensors.MustCopyFlatData[float32](g))
				break
			}
		}
	}
}

// The graph functions panic while the graph is built on inconsistent shapes, naming the function
// and the shapes.
func TestGraphShapePanics(t *testing.T) {
	b := gomlxtest.Backend(t)
	for name, f := range map[string]func(x, m, v, l *Node) *Node{
		"gmm.ComponentLogProbGraph": ComponentLogProbGraph, "gmm.LogProbGraph": LogProbGraph, "gmm.ResponsibilitiesGraph": ResponsibilitiesGraph} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			g := NewGraph(b, "t")
			f(Zeros(g, shapes.Make(dtypes.Float32, 4, 3)), Zeros(g, shapes.Make(dtypes.Float32, 2, 3)),
				Zeros(g, shapes.Make(dtypes.Float32, 2, 5)), Zeros(g, shapes.Make(dtypes.Float32, 2)))
			return ""
		}()
		if !strings.HasPrefix(msg, name+": inconsistent shapes") || !strings.Contains(msg, "(Float32)[2 5]") {
			t.Errorf("%s: panic %q", name, msg)
		}
	}
}
