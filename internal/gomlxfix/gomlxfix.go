// Package gomlxfix replaces GoMLX v0.26's reverse-mode rules (VJPs) for Dot and
// DotGeneral, and for Slice on backends without Pad, and adds one for Reverse
// (details below).
//
// The upstream rules build the gradient by broadcasting the output adjoint
// against the other operand into a tensor of shape [batch, lhsCross, rhsCross,
// contracting] and reducing it: an MLP training step ran 15× slower and an FFT
// written as matrix products would materialise ~1 GB per 256² image. The rules
// registered here compute each operand's gradient with a single DotGeneral (plus
// a transpose when the natural output layout differs from the operand's):
//
//	out = DotGeneral(lhs, lc, lb, rhs, rc, rb)      // [batch, lhsCross, rhsCross]
//	∂lhs = DotGeneral(v, rhsCross(v), batch(v), rhs, rhsCross, rb)  (axes permuted to lhs)
//	∂rhs = DotGeneral(lhs, lhsCross, lb, v, lhsCross(v), batch(v))  (axes permuted to rhs)
//
// No conjugation is applied for complex dtypes (same convention as upstream).
//
// The package also replaces the VJP of Slice on backends without the Pad op (the
// pure-Go backend): upstream pads the adjoint with Pad, which simplego lacks; the
// replacement scatters it back with Concatenate (and a Reshape for strides).
// On backends with Pad the upstream rule is used. Reverse, which has no VJP
// upstream, gets one (Reverse of the adjoint; backends with the Reverse op).
//
// Importing the package (a blank import is enough) installs the rules in
// graph.VJPRegistration from init(). Every package that builds differentiated
// graphs should import it.
//
// DotGeneral's contracting and batch axes are not exported by GoMLX v0.26: they
// live in the unexported field Node.inputs (*nodeInputsDotGeneral, fields
// lhsContractingAxes, lhsBatchAxes, rhsContractingAxes, rhsBatchAxes). They are
// read by reflection (read-only), like Slice's starts/limits/strides
// (nodeInputsSlice); any mismatch with that layout panics with a
// message naming this package, and the package test checks the layout.
package gomlxfix

import (
	"fmt"
	"slices"
	"sort"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Original holds the upstream VJPs for Dot, DotGeneral, Slice and Reverse (nil:
// none upstream) as they were before this package replaced them (for tests and
// benchmarks; Uninstall restores them).
var Original = map[NodeType]VJP{}

func init() {
	Original[NodeTypeDot] = VJPRegistration[NodeTypeDot]
	Original[NodeTypeDotGeneral] = VJPRegistration[NodeTypeDotGeneral]
	Original[NodeTypeSlice] = VJPRegistration[NodeTypeSlice]
	Original[NodeTypeReverse] = VJPRegistration[NodeTypeReverse] // nil in v0.26
	Install()
}

// Install registers the fixed VJPs (done by init; exported for tests that
// switch between Install and Uninstall). Not safe to call while graphs are built
// concurrently.
func Install() {
	VJPRegistration[NodeTypeDot] = single(DotVJP)
	VJPRegistration[NodeTypeDotGeneral] = single(DotGeneralVJP)
	VJPRegistration[NodeTypeSlice] = single(SliceVJP)
	VJPRegistration[NodeTypeReverse] = single(ReverseVJP)
}

// Uninstall restores the upstream VJPs (for benchmarks and comparisons only).
func Uninstall() {
	VJPRegistration[NodeTypeDot] = Original[NodeTypeDot]
	VJPRegistration[NodeTypeDotGeneral] = Original[NodeTypeDotGeneral]
	VJPRegistration[NodeTypeSlice] = Original[NodeTypeSlice]
	if Original[NodeTypeReverse] != nil {
		VJPRegistration[NodeTypeReverse] = Original[NodeTypeReverse]
	} else {
		delete(VJPRegistration, NodeTypeReverse)
	}
}

func single(fn func(node, v *Node) []*Node) VJP {
	return func(node *Node, vjps []*Node, _ shapes.Shape) []*Node { return fn(node, vjps[0]) }
}

// DotVJP is the replacement VJP for NodeTypeDot (rank-1/rank-2 operands).
func DotVJP(node, v *Node) []*Node {
	in := node.Inputs()
	if len(in) != 2 {
		panic(fmt.Sprintf("gomlxfix: Dot node with %d inputs (GoMLX changed?)", len(in)))
	}
	a, b := in[0], in[1]
	switch {
	case a.Rank() == 1 && b.Rank() == 1: // scalar = Σ a_i b_i
		return []*Node{Mul(v, b), Mul(v, a)}
	case a.Rank() == 2 && b.Rank() == 1: // out[i] = Σ_j a[i,j] b[j]
		return []*Node{
			DotGeneral(v, nil, nil, b, nil, nil),           // [i, j] outer product
			DotGeneral(v, []int{0}, nil, a, []int{0}, nil), // [j]
		}
	case a.Rank() == 2 && b.Rank() == 2: // out[i,k] = Σ_j a[i,j] b[j,k]
		return []*Node{
			DotGeneral(v, []int{1}, nil, b, []int{1}, nil), // [i, j]
			DotGeneral(a, []int{0}, nil, v, []int{0}, nil), // [j, k]
		}
	}
	panic(fmt.Sprintf("gomlxfix: Dot with ranks %d and %d not handled", a.Rank(), b.Rank()))
}

// DotGeneralAxes returns the contracting and batch axes of a DotGeneral node
// (non-negative, in the order given at construction). It reads GoMLX v0.26's
// unexported node parameters by reflection and returns an error if their layout
// is not the expected one.
func DotGeneralAxes(node *Node) (lc, lb, rc, rb []int, err error) {
	if node.Type() != NodeTypeDotGeneral {
		return nil, nil, nil, nil, fmt.Errorf("gomlxfix: node type %s is not DotGeneral", node.Type())
	}
	st, err := paramsStruct(node, "nodeInputsDotGeneral")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	read := func(name string) ([]int, error) { return intsField(st, name) }
	if lc, err = read("lhsContractingAxes"); err != nil {
		return
	}
	if lb, err = read("lhsBatchAxes"); err != nil {
		return
	}
	if rc, err = read("rhsContractingAxes"); err != nil {
		return
	}
	if rb, err = read("rhsBatchAxes"); err != nil {
		return
	}
	// Cross-check against the node's inputs and output shape.
	in := node.Inputs()
	if len(in) != 2 {
		return nil, nil, nil, nil, fmt.Errorf("gomlxfix: DotGeneral node has %d inputs, want 2", len(in))
	}
	lhs, rhs := in[0], in[1]
	if len(lc) != len(rc) || len(lb) != len(rb) {
		return nil, nil, nil, nil, fmt.Errorf("gomlxfix: inconsistent DotGeneral axes lc=%v rc=%v lb=%v rb=%v", lc, rc, lb, rb)
	}
	var want []int
	for i, a := range lb {
		if a < 0 || a >= lhs.Rank() || rb[i] < 0 || rb[i] >= rhs.Rank() {
			return nil, nil, nil, nil, fmt.Errorf("gomlxfix: DotGeneral batch axes out of range")
		}
		want = append(want, lhs.Shape().Dimensions[a])
	}
	for _, a := range cross(lhs.Rank(), lc, lb) {
		want = append(want, lhs.Shape().Dimensions[a])
	}
	for _, a := range cross(rhs.Rank(), rc, rb) {
		want = append(want, rhs.Shape().Dimensions[a])
	}
	if !slices.Equal(want, node.Shape().Dimensions) {
		return nil, nil, nil, nil, fmt.Errorf("gomlxfix: DotGeneral axes lc=%v lb=%v rc=%v rb=%v do not explain output %s from %s, %s (GoMLX internals changed)",
			lc, lb, rc, rb, node.Shape(), lhs.Shape(), rhs.Shape())
	}
	return lc, lb, rc, rb, nil
}

// cross lists the axes of a rank-r operand that are neither contracting nor batch, in increasing order.
func cross(r int, contracting, batch []int) []int {
	used := make([]bool, r)
	for _, a := range contracting {
		used[a] = true
	}
	for _, a := range batch {
		used[a] = true
	}
	var out []int
	for a := 0; a < r; a++ {
		if !used[a] {
			out = append(out, a)
		}
	}
	return out
}

func iota(start, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = start + i
	}
	return out
}

// rankIn returns the position of x in the sorted copy of s.
func rankIn(s []int, x int) int {
	c := slices.Clone(s)
	sort.Ints(c)
	return slices.Index(c, x)
}

func isIdentity(p []int) bool {
	for i, a := range p {
		if i != a {
			return false
		}
	}
	return true
}

// DotGeneralVJP is the replacement VJP for NodeTypeDotGeneral.
func DotGeneralVJP(node, v *Node) []*Node {
	lc, lb, rc, rb, err := DotGeneralAxes(node)
	if err != nil {
		panic(err)
	}
	in := node.Inputs()
	lhs, rhs := in[0], in[1]
	nb := len(lb)
	lx := cross(lhs.Rank(), lc, lb)
	rx := cross(rhs.Rank(), rc, rb)
	vb := iota(0, nb)
	vlx := iota(nb, len(lx))
	vrx := iota(nb+len(lx), len(rx))

	// ∂lhs: contract v's rhs-cross axes with rhs's cross axes, batch over batch.
	// Option A: DotGeneral(v, rhs) → [batch, lx, rc(sorted)]; B: DotGeneral(rhs, v) → [batch, rc(sorted), lx].
	permL := func(a bool) []int {
		p := make([]int, lhs.Rank())
		for i, ax := range lb {
			p[ax] = i
		}
		for j, ax := range lx {
			if a {
				p[ax] = nb + j
			} else {
				p[ax] = nb + len(rc) + j
			}
		}
		for k, ax := range lc {
			r := rankIn(rc, rc[k])
			if a {
				p[ax] = nb + len(lx) + r
			} else {
				p[ax] = nb + r
			}
		}
		return p
	}
	var gl *Node
	if pa := permL(true); isIdentity(pa) {
		gl = DotGeneral(v, vrx, vb, rhs, rx, rb)
	} else if pb := permL(false); isIdentity(pb) {
		gl = DotGeneral(rhs, rx, rb, v, vrx, vb)
	} else {
		gl = TransposeAllAxes(DotGeneral(v, vrx, vb, rhs, rx, rb), pa...)
	}

	// ∂rhs: contract v's lhs-cross axes with lhs's cross axes.
	// Option A: DotGeneral(lhs, v) → [batch, lc(sorted), rx]; B: DotGeneral(v, lhs) → [batch, rx, lc(sorted)].
	permR := func(a bool) []int {
		p := make([]int, rhs.Rank())
		for i, ax := range rb {
			p[ax] = i
		}
		for j, ax := range rx {
			if a {
				p[ax] = nb + len(lc) + j
			} else {
				p[ax] = nb + j
			}
		}
		for k, ax := range rc {
			r := rankIn(lc, lc[k])
			if a {
				p[ax] = nb + r
			} else {
				p[ax] = nb + len(rx) + r
			}
		}
		return p
	}
	var gr *Node
	if pa := permR(true); isIdentity(pa) {
		gr = DotGeneral(lhs, lx, lb, v, vlx, vb)
	} else if pb := permR(false); isIdentity(pb) {
		gr = DotGeneral(v, vlx, vb, lhs, lx, lb)
	} else {
		gr = TransposeAllAxes(DotGeneral(lhs, lx, lb, v, vlx, vb), pa...)
	}
	return []*Node{gl, gr}
}
