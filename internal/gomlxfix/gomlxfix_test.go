package gomlxfix

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/stkit-org/stkit/internal/backend"
)

// newBackend returns the process-wide backend (one per test binary: on a GPU
// each new PJRT client reserves most of the device's memory, and the fourth
// test's client ran out of it on an H200).
func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, cfg, err := backend.Default()
	if err != nil {
		t.Fatalf("backend: %v", err)
	}
	t.Logf("backend %s", backend.Description(b, cfg))
	return b
}

type dgCase struct {
	lhs, rhs       []int
	lc, lb, rc, rb []int
}

func (c dgCase) String() string {
	return fmt.Sprintf("lhs%v_c%v_b%v_rhs%v_c%v_b%v", c.lhs, c.lc, c.lb, c.rhs, c.rc, c.rb)
}

var dgCases = []dgCase{
	{lhs: []int{5, 7}, rhs: []int{7, 3}, lc: []int{1}, rc: []int{0}},                                               // matmul
	{lhs: []int{7, 5}, rhs: []int{3, 7}, lc: []int{0}, rc: []int{1}},                                               // transposed operands
	{lhs: []int{2, 4, 3}, rhs: []int{2, 3, 5}, lc: []int{2}, lb: []int{0}, rc: []int{1}, rb: []int{0}},             // batched matmul
	{lhs: []int{4, 3, 2}, rhs: []int{5, 2, 3}, lc: []int{1}, lb: []int{2}, rc: []int{2}, rb: []int{1}},             // batch last on lhs
	{lhs: []int{3, 2, 4, 5}, rhs: []int{4, 6, 3}, lc: []int{2, 0}, rc: []int{0, 2}},                                // two contracting axes, crossed order
	{lhs: []int{2, 3, 4, 5}, rhs: []int{5, 3, 2, 4}, lc: []int{2}, lb: []int{3, 0}, rc: []int{3}, rb: []int{0, 2}}, // batch axes in swapped order
	{lhs: []int{3, 4}, rhs: []int{3, 4}, lc: []int{1}, lb: []int{0}, rc: []int{1}, rb: []int{0}},                   // no cross axes
	{lhs: []int{3, 2}, rhs: []int{4}, lc: nil, rc: nil},                                                            // outer product
	{lhs: []int{2, 3, 2, 3}, rhs: []int{3, 2, 2}, lc: []int{3, 2}, lb: []int{0}, rc: []int{0, 1}, rb: []int{2}},
}

func randSlice(r *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = r.NormFloat64()
	}
	return out
}

func prod(d []int) int {
	p := 1
	for _, x := range d {
		p *= x
	}
	return p
}

// hostDotGeneral evaluates out = DotGeneral(lhs, rhs) and the gradients of
// L = Σ out·w by brute force over all index tuples.
func hostDotGeneral(c dgCase, lhs, rhs, w []float64) (out, gl, gr []float64) {
	lx, rx, _, outDims := shapesOf(c)
	var contDims []int
	for _, a := range c.lc {
		contDims = append(contDims, c.lhs[a])
	}
	out = make([]float64, prod(outDims))
	gl = make([]float64, len(lhs))
	gr = make([]float64, len(rhs))
	flat := func(dims, idx []int) int {
		f := 0
		for i, d := range dims {
			f = f*d + idx[i]
		}
		return f
	}
	unflat := func(dims []int, f int) []int {
		idx := make([]int, len(dims))
		for i := len(dims) - 1; i >= 0; i-- {
			idx[i] = f % dims[i]
			f /= dims[i]
		}
		return idx
	}
	li := make([]int, len(c.lhs))
	ri := make([]int, len(c.rhs))
	for o := 0; o < len(out); o++ {
		oi := unflat(outDims, o)
		for k := 0; k < prod(contDims); k++ {
			ki := unflat(contDims, k)
			p := 0
			for i, a := range c.lb {
				li[a] = oi[p]
				ri[c.rb[i]] = oi[p]
				p++
			}
			for _, a := range lx {
				li[a] = oi[p]
				p++
			}
			for _, a := range rx {
				ri[a] = oi[p]
				p++
			}
			for i, a := range c.lc {
				li[a] = ki[i]
				ri[c.rc[i]] = ki[i]
			}
			lf, rf := flat(c.lhs, li), flat(c.rhs, ri)
			out[o] += lhs[lf] * rhs[rf]
			gl[lf] += w[o] * rhs[rf]
			gr[rf] += w[o] * lhs[lf]
		}
	}
	return
}

func maxRelDiff(a []float32, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range b {
		num = math.Max(num, math.Abs(float64(a[i])-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / math.Max(den, 1e-30)
}

func maxRelDiff32(a, b []float32) float64 {
	c := make([]float64, len(b))
	for i, v := range b {
		c[i] = float64(v)
	}
	return maxRelDiff(a, c)
}

func toF32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// gradDG builds and runs the gradient graph of L = Σ DotGeneral(lhs, rhs)·w and
// returns the gradients and the largest number of elements of any graph node.
func gradDG(t *testing.T, b backends.Backend, c dgCase, lhs, rhs, w []float64) (gl, gr []float32, maxNode int) {
	t.Helper()
	e, err := NewExec(b, func(in []*Node) []*Node {
		out := DotGeneral(in[0], c.lc, c.lb, in[1], c.rc, c.rb)
		loss := ReduceAllSum(Mul(out, in[2]))
		return Gradient(loss, in[0], in[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	_, _, _, outDims := shapesOf(c)
	lt := tensors.FromFlatDataAndDimensions(toF32(lhs), c.lhs...)
	rt := tensors.FromFlatDataAndDimensions(toF32(rhs), c.rhs...)
	wt := tensors.FromFlatDataAndDimensions(toF32(w), outDims...)
	res, g, err := e.ExecWithGraph(lt, rt, wt)
	if err != nil {
		t.Fatalf("%s: %v", c, err)
	}
	for _, n := range g.Nodes() {
		if n.NumOutputs() == 1 {
			maxNode = max(maxNode, n.Shape().Size())
		}
	}
	gl = tensors.MustCopyFlatData[float32](res[0])
	gr = tensors.MustCopyFlatData[float32](res[1])
	return
}

func shapesOf(c dgCase) (lx, rx []int, nb int, outDims []int) {
	lx = cross(len(c.lhs), c.lc, c.lb)
	rx = cross(len(c.rhs), c.rc, c.rb)
	for _, a := range c.lb {
		outDims = append(outDims, c.lhs[a])
	}
	for _, a := range lx {
		outDims = append(outDims, c.lhs[a])
	}
	for _, a := range rx {
		outDims = append(outDims, c.rhs[a])
	}
	return lx, rx, len(c.lb), outDims
}

// TestDotGeneralVJP compares the fixed VJP with a brute-force host gradient and
// with GoMLX's original VJP, and checks that no gradient node is larger than
// the operands and the output (the upstream rule builds a
// [batch, lhsCross, rhsCross, contracting] tensor).
func TestDotGeneralVJP(t *testing.T) {
	b := newBackend(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range dgCases {
		t.Run(c.String(), func(t *testing.T) {
			_, _, _, outDims := shapesOf(c)
			lhs, rhs, w := randSlice(r, prod(c.lhs)), randSlice(r, prod(c.rhs)), randSlice(r, prod(outDims))
			_, hl, hr := hostDotGeneral(c, lhs, rhs, w)

			Install()
			gl, gr, maxNode := gradDG(t, b, c, lhs, rhs, w)
			Uninstall()
			ol, or, origMax := gradDG(t, b, c, lhs, rhs, w)
			Install()

			if d := maxRelDiff(gl, hl); d > 1e-5 {
				t.Errorf("∂lhs vs host: rel diff %.2g", d)
			}
			if d := maxRelDiff(gr, hr); d > 1e-5 {
				t.Errorf("∂rhs vs host: rel diff %.2g", d)
			}
			if d := maxRelDiff32(gl, ol); d > 1e-5 {
				t.Errorf("∂lhs vs original VJP: rel diff %.2g", d)
			}
			if d := maxRelDiff32(gr, or); d > 1e-5 {
				t.Errorf("∂rhs vs original VJP: rel diff %.2g", d)
			}
			limit := max(prod(c.lhs), prod(c.rhs), prod(outDims))
			if maxNode > limit {
				t.Errorf("gradient graph has a node of %d elements > max operand/output size %d", maxNode, limit)
			}
			t.Logf("largest gradient-graph node: fixed %d, upstream %d elements", maxNode, origMax)
		})
	}
}

// TestDotVJP checks the Dot rule (vector·vector, matrix·vector, matrix·matrix)
// against the original rule and the host.
func TestDotVJP(t *testing.T) {
	b := newBackend(t)
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][2][]int{{{6}, {6}}, {{4, 6}, {6}}, {{4, 6}, {6, 5}}} {
		a, bb := randSlice(r, prod(sh[0])), randSlice(r, prod(sh[1]))
		var outDims []int
		if len(sh[0]) == 2 {
			outDims = append(outDims, sh[0][0])
		}
		if len(sh[1]) == 2 {
			outDims = append(outDims, sh[1][1])
		}
		w := randSlice(r, prod(outDims))
		run := func() (ga, gb []float32) {
			e := MustNewExec(b, func(x, y, wt *Node) (*Node, *Node) {
				out := Dot(x, y)
				if out.Type() != NodeTypeDot {
					t.Fatalf("Dot built a %s node", out.Type())
				}
				g := Gradient(ReduceAllSum(Mul(out, wt)), x, y)
				return g[0], g[1]
			})
			defer e.Finalize()
			var wt *tensors.Tensor
			if len(outDims) == 0 {
				wt = tensors.FromValue(float32(w[0]))
			} else {
				wt = tensors.FromFlatDataAndDimensions(toF32(w), outDims...)
			}
			res := e.MustExec(tensors.FromFlatDataAndDimensions(toF32(a), sh[0]...),
				tensors.FromFlatDataAndDimensions(toF32(bb), sh[1]...), wt)
			return tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1])
		}
		Install()
		ga, gb := run()
		Uninstall()
		oa, ob := run()
		Install()
		if d := maxRelDiff32(ga, oa); d > 1e-5 {
			t.Errorf("%v: ∂a differs from original by %.2g", sh, d)
		}
		if d := maxRelDiff32(gb, ob); d > 1e-5 {
			t.Errorf("%v: ∂b differs from original by %.2g", sh, d)
		}
		// Host check: the case is DotGeneral(a, [last], b, [first]).
		c := dgCase{lhs: sh[0], rhs: sh[1], lc: []int{len(sh[0]) - 1}, rc: []int{0}}
		_, hl, hr := hostDotGeneral(c, a, bb, w)
		if d := maxRelDiff(ga, hl); d > 1e-5 {
			t.Errorf("%v: ∂a vs host %.2g", sh, d)
		}
		if d := maxRelDiff(gb, hr); d > 1e-5 {
			t.Errorf("%v: ∂b vs host %.2g", sh, d)
		}
	}
}

// TestGoMLXInternals fails loudly if a GoMLX upgrade changes what this package
// relies on: the VJP table keys, the Dot node type, and the unexported layout of
// DotGeneral's parameters (read by reflection).
func TestGoMLXInternals(t *testing.T) {
	for _, nt := range []NodeType{NodeTypeDot, NodeTypeDotGeneral, NodeTypeSlice} {
		got := reflect.ValueOf(VJPRegistration[nt]).Pointer()
		if Original[nt] == nil {
			t.Fatalf("GoMLX has no original VJP for %s: the upstream table changed", nt)
		}
		if got == reflect.ValueOf(Original[nt]).Pointer() {
			t.Fatalf("VJP for %s is still the upstream one: Install did not take effect", nt)
		}
	}
	b := newBackend(t)
	g := NewGraph(b, "internals")
	defer g.Finalize()
	lhs := Parameter(g, "lhs", shapesF32(2, 3, 4, 5))
	rhs := Parameter(g, "rhs", shapesF32(5, 4, 3, 2))
	// Negative axes are normalised by graph.DotGeneral before they are stored.
	n := DotGeneral(lhs, []int{-2, 1}, []int{0}, rhs, []int{1, 2}, []int{-1})
	if n.Type() != NodeTypeDotGeneral {
		t.Fatalf("DotGeneral built a %s node", n.Type())
	}
	lc, lb, rc, rb, err := DotGeneralAxes(n)
	if err != nil {
		t.Fatalf("reading DotGeneral axes: %v", err)
	}
	if !reflect.DeepEqual(lc, []int{2, 1}) || !reflect.DeepEqual(lb, []int{0}) ||
		!reflect.DeepEqual(rc, []int{1, 2}) || !reflect.DeepEqual(rb, []int{3}) {
		t.Fatalf("DotGeneralAxes = %v %v %v %v, want [2 1] [0] [1 2] [3]", lc, lb, rc, rb)
	}
	if _, _, _, _, err := DotGeneralAxes(Add(lhs, lhs)); err == nil {
		t.Fatalf("DotGeneralAxes accepted a non-DotGeneral node")
	}
}

// TestSliceVJP checks the gradient of Slice (with starts, limits and strides)
// against the host scatter of the adjoint.
func TestSliceVJP(t *testing.T) {
	b := newBackend(t)
	r := rand.New(rand.NewPCG(7, 8))
	dims := []int{5, 7, 6}
	x := randSlice(r, prod(dims))
	specs := [][3][3]int{ // per axis: start, limit, stride
		{{0, 5, 1}, {2, 6, 1}, {0, 6, 1}},
		{{1, 4, 1}, {0, 7, 3}, {1, 6, 2}},
		{{0, 5, 2}, {6, 7, 1}, {5, 6, 1}},
		{{3, 5, 1}, {1, 7, 4}, {0, 6, 5}},
	}
	for _, sp := range specs {
		var outDims []int
		for _, a := range sp {
			outDims = append(outDims, (a[1]-a[0]+a[2]-1)/a[2])
		}
		w := randSlice(r, prod(outDims))
		e := MustNewExec(b, func(xn, wn *Node) *Node {
			var axes []SliceAxisSpec
			for _, a := range sp {
				axes = append(axes, AxisRange(a[0], a[1]).Stride(a[2]))
			}
			s := Slice(xn, axes...)
			st, li, sd, err := SliceParams(s)
			if err != nil {
				t.Fatalf("SliceParams: %v", err)
			}
			for i, a := range sp {
				if st[i] != a[0] || li[i] != a[1] || sd[i] != a[2] {
					t.Fatalf("SliceParams = %v %v %v, want %v", st, li, sd, sp)
				}
			}
			return Gradient(ReduceAllSum(Mul(s, wn)), xn)[0]
		})
		got := tensors.MustCopyFlatData[float32](e.MustExec(
			tensors.FromFlatDataAndDimensions(toF32(x), dims...),
			tensors.FromFlatDataAndDimensions(toF32(w), outDims...))[0])
		e.Finalize()
		want := make([]float64, len(x))
		o := 0
		for i := 0; i < outDims[0]; i++ {
			for j := 0; j < outDims[1]; j++ {
				for k := 0; k < outDims[2]; k++ {
					ii, jj, kk := sp[0][0]+i*sp[0][2], sp[1][0]+j*sp[1][2], sp[2][0]+k*sp[2][2]
					want[(ii*dims[1]+jj)*dims[2]+kk] += w[o]
					o++
				}
			}
		}
		if d := maxRelDiff(got, want); d > 1e-6 {
			t.Errorf("slice %v: gradient rel diff %.2g", sp, d)
		}
	}
}
