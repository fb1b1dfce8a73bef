package cpu

import (
	"sync"

	"github.com/stkit-org/stkit/stlayer"
)

// field is the CPU engine's stlayer.Field: a complex128 tensor [B, C, H, W]
// flattened channel-major, ((b*C+c)*H+h)*W+w.
type field struct {
	r          *run
	b, c, h, w int
	data       []complex128
	grad       []complex128 // accumulated upstream gradient (LossGrad only), nil until needed
	view       bool         // data is shared with base (Reshape): not released
	base       *field       // keeps the owner of a view alive
}

// Dims returns (B, C, H, W).
func (f *field) Dims() (b, c, h, w int) { return f.b, f.c, f.h, f.w }

func (f *field) planes() int { return f.b * f.c }
func (f *field) hw() int     { return f.h * f.w }
func (f *field) size() int   { return f.b * f.c * f.h * f.w }

// node is one tape entry: the adjoint of the primitive that produced out.
type node struct {
	out  *field
	back func(g []complex128)
}

// run is the per-call state; it implements stlayer.Prim.
type run struct {
	e      *Engine
	record bool
	nodes  []node
	fields []*field // fields owning a buffer (LossGrad only), released at the end
}

var _ stlayer.Prim = (*run)(nil)

// own converts a stlayer.Field to this run's field, panicking on foreign ones.
func (r *run) own(x stlayer.Field) *field {
	f, ok := x.(*field)
	if !ok || f == nil {
		shapePanic("field %T does not belong to the cpu engine", x)
	}
	if f.r != r {
		shapePanic("field belongs to another run")
	}
	return f
}

// newField allocates an output field (contents undefined).
func (r *run) newField(b, c, h, w int) *field {
	if b < 1 || c < 1 || h < 1 || w < 1 {
		shapePanic("invalid field shape [%d,%d,%d,%d]", b, c, h, w)
	}
	f := &field{r: r, b: b, c: c, h: h, w: w}
	n := b * c * h * w
	f.data = r.e.get(n)
	if r.record {
		r.fields = append(r.fields, f)
	}
	// Without a tape nothing else refers to the buffer: the garbage collector
	// frees it as soon as the handle is unreachable.
	return f
}

// tape records the adjoint of the primitive producing out (LossGrad only).
func (r *run) tape(out *field, back func(g []complex128)) {
	if r.record {
		r.nodes = append(r.nodes, node{out, back})
	}
}

// gradOf returns f's gradient buffer, allocating it zeroed.
func (r *run) gradOf(f *field) []complex128 {
	if f.grad == nil {
		f.grad = r.e.getZero(f.size())
	}
	return f.grad
}

func (r *run) backward() {
	for i := len(r.nodes) - 1; i >= 0; i-- {
		nd := r.nodes[i]
		if nd.out.grad == nil {
			continue
		}
		nd.back(nd.out.grad)
		// Inputs are not tape outputs, so their gradients survive.
		r.e.put(nd.out.grad)
		nd.out.grad = nil
		r.nodes[i] = node{}
	}
}

// release returns every buffer of the run to the pool.
func (r *run) release() {
	for _, f := range r.fields {
		if !f.view {
			r.e.put(f.data)
		}
		if f.grad != nil {
			r.e.put(f.grad)
		}
		f.data, f.grad = nil, nil
	}
	r.fields, r.nodes = nil, nil
}

func (r *run) inputField(x *stlayer.Maps) *field {
	f := r.newField(x.B, 1, x.M, x.N)
	for i, v := range x.Data {
		f.data[i] = complex(v, 0)
	}
	return f
}

func (r *run) coeffs(y *field) *stlayer.Coeffs {
	c := &stlayer.Coeffs{B: y.b, K: y.c, H: y.h, W: y.w, Data: make([]complex128, y.size())}
	copy(c.Data, y.data)
	return c
}

// ---- buffer pool ----

func (e *Engine) pool(n int) *sync.Pool {
	e.poolMu.Lock()
	p := e.pools[n]
	if p == nil {
		p = &sync.Pool{}
		e.pools[n] = p
	}
	e.poolMu.Unlock()
	return p
}

// get returns a buffer of length n with undefined contents.
func (e *Engine) get(n int) []complex128 {
	if v := e.pool(n).Get(); v != nil {
		return *(v.(*[]complex128))
	}
	return make([]complex128, n)
}

// getZero returns a zeroed buffer of length n.
func (e *Engine) getZero(n int) []complex128 {
	if v := e.pool(n).Get(); v != nil {
		b := *(v.(*[]complex128))
		clear(b)
		return b
	}
	return make([]complex128, n)
}

func (e *Engine) put(b []complex128) {
	if len(b) == 0 {
		return
	}
	b = b[:len(b):len(b)]
	e.pool(len(b)).Put(&b)
}
