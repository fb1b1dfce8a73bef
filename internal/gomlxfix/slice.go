package gomlxfix

import (
	"fmt"
	"reflect"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// SliceParams returns the starts, limits and strides of a Slice node, read from
// GoMLX v0.26's unexported parameters (nodeInputsSlice) by reflection.
func SliceParams(node *Node) (starts, limits, strides []int, err error) {
	if node.Type() != NodeTypeSlice {
		return nil, nil, nil, fmt.Errorf("gomlxfix: node type %s is not Slice", node.Type())
	}
	st, err := paramsStruct(node, "nodeInputsSlice")
	if err != nil {
		return nil, nil, nil, err
	}
	if starts, err = intsField(st, "starts"); err != nil {
		return
	}
	if limits, err = intsField(st, "limits"); err != nil {
		return
	}
	if strides, err = intsField(st, "strides"); err != nil {
		return
	}
	x := node.Inputs()[0]
	r := x.Rank()
	if len(starts) != r || len(limits) != r || len(strides) != r {
		return nil, nil, nil, fmt.Errorf("gomlxfix: Slice params of length %d/%d/%d for rank %d (GoMLX internals changed)",
			len(starts), len(limits), len(strides), r)
	}
	for a := 0; a < r; a++ {
		s := max(strides[a], 1)
		want := (limits[a] - starts[a] + s - 1) / s
		if want != node.Shape().Dimensions[a] {
			return nil, nil, nil, fmt.Errorf("gomlxfix: Slice params starts=%v limits=%v strides=%v do not explain %s -> %s (GoMLX internals changed)",
				starts, limits, strides, x.Shape(), node.Shape())
		}
	}
	return starts, limits, strides, nil
}

func paramsStruct(node *Node, typeName string) (reflect.Value, error) {
	f := reflect.ValueOf(node).Elem().FieldByName("inputs")
	if !f.IsValid() || f.Kind() != reflect.Interface || f.IsNil() {
		return reflect.Value{}, fmt.Errorf("gomlxfix: graph.Node has no interface field \"inputs\" (GoMLX internals changed)")
	}
	p := f.Elem()
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, fmt.Errorf("gomlxfix: Node.inputs holds %s, want a pointer to struct (GoMLX internals changed)", p.Type())
	}
	st := p.Elem()
	if st.Type().Name() != typeName {
		return reflect.Value{}, fmt.Errorf("gomlxfix: node parameters have type %s, want %s (GoMLX internals changed)", st.Type(), typeName)
	}
	return st, nil
}

func intsField(st reflect.Value, name string) ([]int, error) {
	fv := st.FieldByName(name)
	if !fv.IsValid() || fv.Kind() != reflect.Slice || fv.Type().Elem().Kind() != reflect.Int {
		return nil, fmt.Errorf("gomlxfix: %s has no []int field %q (GoMLX internals changed)", st.Type(), name)
	}
	out := make([]int, fv.Len())
	for i := range out {
		out[i] = int(fv.Index(i).Int())
	}
	return out, nil
}

// SliceVJP is the replacement VJP for NodeTypeSlice. On backends with Pad it
// defers to the upstream rule; otherwise it rebuilds the input-shaped adjoint
// axis by axis: zeros before the window, the (stride-interleaved) adjoint, zeros
// after it, joined with Concatenate.
func SliceVJP(node, v *Node) []*Node {
	if node.Graph().Backend().Capabilities().Operations[backends.OpTypePad] {
		return Original[NodeTypeSlice](node, []*Node{v}, shapes.Shape{})
	}
	starts, _, strides, err := SliceParams(node)
	if err != nil {
		panic(err)
	}
	x := node.Inputs()[0]
	g := v
	for a := 0; a < x.Rank(); a++ {
		dim := x.Shape().Dimensions[a]
		m := g.Shape().Dimensions[a]
		if m == dim {
			continue
		}
		s := max(strides[a], 1)
		if s > 1 && m > 0 {
			// Interleave s-1 zeros after each element: [.., m, ..] -> [.., m*s, ..].
			ins := InsertAxes(g, a+1)
			zs := ins.Shape().Clone()
			zs.Dimensions[a+1] = s - 1
			ins = Concatenate([]*Node{ins, Zeros(node.Graph(), zs)}, a+1)
			dims := g.Shape().Clone().Dimensions
			dims[a] = m * s
			g = Reshape(ins, dims...)
		}
		cur := g.Shape().Dimensions[a]
		parts := []*Node{}
		if starts[a] > 0 {
			zs := g.Shape().Clone()
			zs.Dimensions[a] = starts[a]
			parts = append(parts, Zeros(node.Graph(), zs))
		}
		end := starts[a] + cur
		if end > dim { // only trailing interleaved zeros fall outside
			g = SliceAxis(g, a, AxisRange(0, dim-starts[a]))
			end = dim
		}
		parts = append(parts, g)
		if end < dim {
			zs := g.Shape().Clone()
			zs.Dimensions[a] = dim - end
			parts = append(parts, Zeros(node.Graph(), zs))
		}
		if len(parts) > 1 {
			g = Concatenate(parts, a)
		}
	}
	return []*Node{g}
}
