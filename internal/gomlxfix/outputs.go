package gomlxfix

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
)

// LastOutputs returns the outputs of a graph function passed through Identity,
// so that they are the last nodes built. Call it on the values a graph
// function returns when that function may read a parameter after its last
// output was built.
//
// GoMLX v0.26's pure-Go backend sizes its execution buffers by the largest
// output's node index (simplego newExecutable: numNodesToProcess =
// max(output index)+1) and then stores every input buffer at its parameter's
// node index, so a parameter built after the last output — typically a
// context variable read only by a branch the function does not return, e.g.
// the variance head of an encoder when only its mean is wanted — panics at
// execution with "index out of range". The Identity nodes cost one buffer
// reference each; other backends are unaffected.
func LastOutputs(outs ...*Node) []*Node {
	r := make([]*Node, len(outs))
	for i, o := range outs {
		r[i] = Identity(o)
	}
	return r
}
