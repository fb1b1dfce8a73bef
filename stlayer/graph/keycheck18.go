package graph

import (
	"fmt"
	"hash/fnv"
	"reflect"

	. "github.com/gomlx/gomlx/pkg/core/graph"

	"github.com/stkit-org/stkit/stlayer"
)

// statSig identifies the statistic a compiled graph was built from, so that
// a later call under the same (key, shape) with another statistic is
// refused rather than answered with the first one's graph (checkSameStat).
type statSig struct {
	// code holds the code pointers of the Stat functions known to build
	// this graph: the one it was built from, and others whose trace gave
	// the same fingerprint (e.g. a size-checking wrapper around it).
	code map[uintptr]bool
	// fp hashes the statistic's part of the graph (sigOf), out is its
	// output dims, cplx whether it has an imaginary part.
	fp   uint64
	out  [4]int
	cplx bool
}

// statCode returns the code pointer of s: the function literal (or method)
// it was made from, the same for every closure of one literal.
func statCode(s stlayer.Stat) uintptr { return reflect.ValueOf(s).Pointer() }

// sigOf returns the signature of the statistic traced as the nodes
// g.Nodes()[from:] with output y: the hash of each node's type, output
// shape and inputs (as positions relative to from; nodes before it, the
// input and the FFT set-up, count as one outside input). It covers the
// operations and shapes, not the values of constants.
func sigOf(g *Graph, from int, y *Field, code uintptr) *statSig {
	h := fnv.New64a()
	nodes := g.Nodes()[from:]
	rel := make(map[NodeId]int, len(nodes))
	for i, n := range nodes {
		rel[n.Id()] = i
		fmt.Fprintf(h, "%d %s", n.Type(), n.Shape())
		for _, in := range n.Inputs() {
			r, ok := rel[in.Id()]
			if !ok {
				r = -1
			}
			fmt.Fprintf(h, " %d", r)
		}
		h.Write([]byte{'\n'})
	}
	return &statSig{code: map[uintptr]bool{code: true}, fp: h.Sum64(), out: [4]int{y.b, y.c, y.h, y.w}, cplx: y.im != nil}
}

// probeSig traces s on maps of x's shape in a graph of its own, never
// compiled, and returns its signature. A panic of s is returned as
// runStat's build would return it (buildError).
func (e *Engine) probeSig(key string, s stlayer.Stat, x *stlayer.Maps) (sig *statSig, err error) {
	g := NewGraph(e.b, "stkit-keycheck")
	defer g.Finalize()
	defer func() {
		if r := recover(); r != nil {
			sig, err = nil, buildError(r, "statistic", key, x)
		}
	}()
	in := Parameter(g, "x", shapesF32(x.B, x.M, x.N))
	p := newPrim(e, g)
	xf := p.inputField(in)
	from := len(g.Nodes())
	y := p.own(s(p, xf))
	return sigOf(g, from, y, statCode(s)), nil
}

// checkSameStat refuses s under key for maps of x's shape when a graph
// compiled for (key, shape), forward or gradient, was built from another
// statistic: the engine would answer with that graph (Forward: the first
// statistic's coefficients; LossGrad: its coefficients with this one's
// gradient). A statistic made by the same function as the graph's (same
// code pointer) passes at once; another one is traced once (probeSig) and
// passes when its signature is the graph's (the same operations and
// shapes: e.g. a wrapper that only checks the input's size), and its code
// pointer is then remembered. Not detected: closures of one function
// literal capturing different values (two operators of one family under one
// made-up key), and statistics that differ only in constant values. The
// caller holds e.mu.
func (e *Engine) checkSameStat(base, key string, s stlayer.Stat, x *stlayer.Maps) error {
	code := statCode(s)
	var probe *statSig
	for _, kind := range []string{"fwd", "grad"} {
		el, ok := e.execs[kind+"|"+base]
		if !ok {
			continue
		}
		ent := el.Value.(*execEntry)
		if ent.sig == nil || ent.sig.code[code] {
			continue
		}
		if probe == nil {
			var err error
			if probe, err = e.probeSig(key, s, x); err != nil {
				return err
			}
		}
		if probe.fp != ent.sig.fp || probe.out != ent.sig.out || probe.cplx != ent.sig.cplx {
			what := map[string]string{"fwd": "forward", "grad": "gradient"}[kind]
			return &stlayer.ErrShape{Msg: fmt.Sprintf("graph: key %q names another statistic for maps [%d,%d,%d]: its compiled %s graph gives coefficients %v, this statistic %v%s; the engine keeps one graph per (key, map shape) and would answer with the first statistic's: give each statistic its own key (an operator's Key() identifies its configuration)",
				key, x.B, x.M, x.N, what, ent.sig.out, probe.out, map[bool]string{true: " from other operations", false: ""}[probe.out == ent.sig.out])}
		}
		ent.sig.code[code] = true
	}
	return nil
}
