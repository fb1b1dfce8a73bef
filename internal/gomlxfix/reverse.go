package gomlxfix

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph"
)

// ReverseAxes returns the axes of a Reverse node, read from GoMLX v0.26's
// unexported parameters (nodeInputsReverse) by reflection.
func ReverseAxes(node *Node) ([]int, error) {
	if node.Type() != NodeTypeReverse {
		return nil, fmt.Errorf("gomlxfix: node type %s is not Reverse", node.Type())
	}
	st, err := paramsStruct(node, "nodeInputsReverse")
	if err != nil {
		return nil, err
	}
	axes, err := intsField(st, "axes")
	if err != nil {
		return nil, err
	}
	for _, a := range axes {
		if a < 0 || a >= node.Rank() {
			return nil, fmt.Errorf("gomlxfix: Reverse axis %d for rank %d (GoMLX internals changed)", a, node.Rank())
		}
	}
	return axes, nil
}

// ReverseVJP is the VJP of NodeTypeReverse, which GoMLX v0.26 lacks (a graph
// with Reverse could not be differentiated: reflect padding on XLA backends
// failed with "no gradient is defined"). Reversal is its own adjoint: the
// adjoint of y = Reverse(x, axes) is Reverse(v, axes).
func ReverseVJP(node, v *Node) []*Node {
	axes, err := ReverseAxes(node)
	if err != nil {
		panic(err)
	}
	return []*Node{Reverse(v, axes...)}
}
