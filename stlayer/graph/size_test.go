package graph

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// graphSize builds the forward graph of sp on b maps of n×n with the op
// choices of the pure-Go backend or of the others (generic) and returns its
// number of nodes and of constant bytes.
func graphSize(t *testing.T, e *Engine, sp stats.Spec, b, n int, generic bool) (nodes, constBytes int) {
	t.Helper()
	x := stlayer.NewMaps(b, n, n)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i)*0.01) + 0.3*math.Cos(float64(i*i%977))
	}
	op, err := stats.BuildWithRef(sp, e, x)
	if err != nil {
		t.Fatal(err)
	}
	g := NewGraph(e.b, "size")
	defer g.Finalize()
	in := Parameter(g, "x", shapesF32(b, n, n))
	p := newPrim(e, g)
	p.pureGo = !generic
	p.own(op.Stat()(p, p.inputField(in)))
	for _, nd := range g.Nodes() {
		if nd.Type() == NodeTypeConstant {
			constBytes += int(nd.Shape().Memory())
		}
	}
	return len(g.Nodes()), constBytes
}

// The XLA program of a statistic does not grow with the batch (compilation
// time on a GPU grows with the program: a Concatenate of B·C copies per
// filter product made batch 16 and 128 compile longer than batch 1), and the
// scov J7 synthesis program carries no dense channel permutation (a 5882²
// one-hot constant, 138 MB, before).
func TestGraphSizeBatchIndependent(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	for _, sp := range []stats.Spec{
		{Kind: stats.SCov, J: 4, L: 4, Iso: true, Synthesis: true},
		{Kind: stats.WPH, J: 4, L: 4},
		{Kind: stats.WST, J: 3, L: 4, Local: true},
	} {
		n1, c1 := graphSize(t, e, sp, 2, 64, true)
		n8, c8 := graphSize(t, e, sp, 8, 64, true)
		t.Logf("%v: %d nodes, %.2f MB of constants (batch 2); batch 8: %d nodes, %.2f MB", sp, n1, float64(c1)/1e6, n8, float64(c8)/1e6)
		if n8 != n1 || c8 != c1 {
			t.Errorf("%v: the generic graph grows with the batch: %d → %d nodes, %d → %d constant bytes", sp, n1, n8, c1, c8)
		}
	}
	n, c := graphSize(t, e, stats.Spec{Kind: stats.SCov, J: 7, L: 4, Iso: true, Synthesis: true}, 1, 256, true)
	t.Logf("scov J7 L4 iso synthesis 256²: %d nodes, %.1f MB of constants (four-step FFT matrices included)", n, float64(c)/1e6)
	// 6331 nodes and 35 MB before the C11 products were stacked
	// (stlayer.Stacker), 2257 and 16 MB after.
	if n > 3000 || c > 20e6 {
		t.Errorf("scov J7 synthesis graph: %d nodes, %.0f MB of constants (want ≤ 3000, ≤ 20 MB)", n, float64(c)/1e6)
	}
}
