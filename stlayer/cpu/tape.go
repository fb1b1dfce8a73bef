package cpu

import (
	"github.com/stkit-org/stkit/stlayer"
	"sync"
)

// field is the CPU engine's stlayer.Field: a complex128 tensor [B, C, H, W]
// flattened channel-major, ((b*C+c)*H+h)*W+w.
type field struct {
	r          *run
	b, c, h, w int
	data       []complex128
	grad       []complex128 // accumulated upstream gradient (LossGrad only), nil until needed
	view       bool         // data is shared with base (Reshape): never released itself
	base       *field       // the owner of a view's data, or a lazy product's input
	lazy       *filterMul   // a filter product computed on first read (data == nil until then)
	lazyBin    *binLazy     // a product of two fields, likewise (lazybin.go)
	lazyPow    *powLazy     // |x|^q, likewise (lazypow.go)
	lazyPH     *phLazy      // [x]^p (PhaseHarmonic), likewise (lazyph.go)
	// chSel marks an unstored channel selection (Channels): channel c of
	// batch b is plane b·base.c + chSel[c] of base; data == nil until a
	// reader other than a lazy product stores it (own). Read its planes
	// with planeData.
	chSel    []int
	id       int // index of the primitive call that produced it (0: the input)
	lastUse  int // id of the last primitive call that read it
	released bool
	// isReal marks a field whose values are real by construction (input maps,
	// Modulus, Pow, Real, Log, Sqrt and real-linear ops of such fields). The
	// producer of a real field reads only Re of its gradient, so consumers
	// may leave Im of the gradient they add wrong (FFT2 of real fields uses
	// this to pair planes).
	isReal bool
	// herm marks a Hermitian spectrum (see herm.go); gradFull records that a
	// contribution to grad was not a half gradient.
	herm, gradFull bool
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
	// dry marks a shape trace (Engine.trace): primitives register their
	// outputs and record their reads as usual but compute nothing; buffers
	// are the empty dryData, so "stored or not" (data == nil) still reads
	// as in a computing run.
	dry    bool
	nodes  []node
	fields []*field // every field of the run, by id
	plan   *fwdPlan // Forward replay: when to release buffers (nil: keep all)
	// eager: ids of the Channels outputs stored at once (fwdPlan.eager);
	// selOwned: ids of the unstored selections a dry run's readers stored.
	eager    map[int]bool
	selOwned []int

	foldMu sync.Mutex
	folds  map[any]*fold4 // folded weight sets (fold.go)

	// For the InternalError of a panic: reads are the fields read (own) by
	// primitive call readsFor; backOut is the output whose adjoint runs.
	reads    []*field
	readsFor int
	backOut  *field
}

// fwdPlan is the buffer-liveness plan of one (statistic key, input shape):
// the op sequence of a Stat depends only on shapes (a Prim cannot read
// values), so a dry run (run.dry: shapes and reads only) records, for every
// field, the last primitive call that reads it, and the computing Forwards
// release each buffer right after it (a run without a plan records the same
// plan while keeping every field to its end).
type fwdPlan struct {
	shapes  [][4]int
	release [][]int // release[k]: ids of fields whose last reader is call k
	// eager: the Channels outputs to store at once, those a reader other
	// than a lazy product stores anyway (their source then need not outlive
	// the call).
	eager map[int]bool
	// lens: the buffer lengths of the plan's fields; a replay's field
	// buffers may come from free buffers of other lengths (Engine.getFit).
	lens map[int]bool
}

// dryData is the buffer of every stored field of a dry run: empty but not
// nil, so that the readers' tests of data == nil (lazy and unmaterialised)
// take the branches a computing run takes.
var dryData = make([]complex128, 0)

// alloc returns a buffer of n elements for a field, or dryData in a dry run.
func (r *run) alloc(n int) []complex128 {
	if r.dry {
		return dryData
	}
	return r.get(n)
}

// get returns a buffer of n elements for a field's data: in a Forward
// replay, when none of length n is free, a longer free buffer of another
// plan's fields that this plan does not use (Engine.getFit); else as
// Engine.get.
func (r *run) get(n int) []complex128 {
	if r.plan != nil && r.plan.lens != nil {
		return r.e.getFit(n, r.plan.lens)
	}
	return r.e.get(n)
}

// errReplay aborts a Forward whose op sequence departs from its plan; the
// call is then traced again from scratch.
type errReplay struct{}

var _ stlayer.Prim = (*run)(nil)

// own converts a stlayer.Field to this run's field, panicking on foreign ones,
// and records that the primitive call being made reads it.
func (r *run) own(x stlayer.Field) *field {
	f, ok := x.(*field)
	if !ok || f == nil {
		shapePanic("field %T does not belong to the cpu engine", x)
	}
	if f.r != r {
		shapePanic("field belongs to another run")
	}
	if n := len(r.fields); r.readsFor != n {
		r.reads, r.readsFor = r.reads[:0], n
	}
	r.reads = append(r.reads, f)
	r.markUse(f)
	if r.dry {
		r.ensurePH(f)
		r.ensureSel(f)
		if (f.lazy != nil || f.lazyBin != nil || f.lazyPow != nil) && f.data == nil {
			if f.lazyBin != nil {
				r.ensureOperands(f.lazyBin)
			}
			f.data = dryData
		}
		return f
	}
	if f.lazy != nil && f.data == nil {
		f.data = r.get(f.size())
		r.materialise(f, f.data)
	}
	r.ensureSel(f)
	r.ensurePH(f)
	if f.lazyBin != nil && f.data == nil {
		f.data = r.get(f.size())
		r.materialiseBin(f, f.data)
	}
	if f.lazyPow != nil && f.data == nil {
		f.data = r.get(f.size())
		r.materialisePow(f, f.data)
	}
	return f
}

// markUse records that the primitive call being made reads f (and what f's
// data depends on).
func (r *run) markUse(f *field) {
	for g := f; g != nil; g = g.base {
		if g.released {
			panic(errReplay{})
		}
		g.lastUse = len(r.fields)
		if lz := g.lazyBin; lz != nil {
			r.markUse(lz.a)
			r.markUse(lz.b)
		}
	}
}

// isSel reports whether f is a still unstored channel selection.
func isSel(f *field) bool { return f.chSel != nil && f.data == nil && !f.released }

// ensureSel stores f if it is an unstored channel selection (a dry run
// records that it was stored, see Engine.trace).
func (r *run) ensureSel(f *field) {
	if !isSel(f) {
		return
	}
	if r.dry {
		r.selOwned = append(r.selOwned, f.id)
		f.data = dryData
		return
	}
	f.data = r.get(f.size())
	r.storeSel(f.data, f.base, f.chSel)
}

// planeData returns plane q (h·w values) of x: of its data, or for an
// unstored channel selection the plane of its base it selects.
func (x *field) planeData(q int) []complex128 {
	n := x.hw()
	if x.data == nil && x.chSel != nil {
		q = q/x.c*x.base.c + x.chSel[q%x.c]
		return x.base.data[q*n : (q+1)*n]
	}
	return x.data[q*n : (q+1)*n]
}

// register gives f the next call id, first releasing (Forward replay) the
// buffers whose last reader was the previous call.
func (r *run) register(f *field) {
	id := len(r.fields)
	f.id, f.lastUse = id, id
	if p := r.plan; p != nil {
		if id >= len(p.shapes) || p.shapes[id] != [4]int{f.b, f.c, f.h, f.w} {
			panic(errReplay{})
		}
		if id > 0 {
			for _, j := range p.release[id-1] {
				if r.fields[j].lastUse >= id { // read by the call being made
					panic(errReplay{})
				}
				r.free(r.fields[j])
			}
		}
	}
	r.fields = append(r.fields, f)
}

func (r *run) free(f *field) {
	if f.released {
		return
	}
	if !f.view {
		r.e.put(f.data)
	}
	f.data, f.released = nil, true
}

// newField allocates an output field (contents undefined).
func (r *run) newField(b, c, h, w int) *field {
	if b < 1 || c < 1 || h < 1 || w < 1 {
		shapePanic("invalid field shape [%d,%d,%d,%d]", b, c, h, w)
	}
	f := &field{r: r, b: b, c: c, h: h, w: w}
	r.register(f)
	f.data = r.alloc(b * c * h * w)
	return f
}

// stealable reports whether the primitive call being made (the next field
// to register) may take over x's buffer for its output: a Forward replay
// whose plan says this call is x's last reader, x stored and owning its data.
func (r *run) stealable(x *field) bool {
	p := r.plan
	if p == nil || r.record || x.view || x.data == nil || x.released ||
		x.lazy != nil || x.lazyBin != nil || x.lazyPow != nil || x.lazyPH != nil {
		return false
	}
	id := len(r.fields)
	if id >= len(p.release) {
		return false
	}
	for _, j := range p.release[id] {
		if j == x.id {
			return true
		}
	}
	return false
}

// newFieldFrom registers an output field of x's shape that takes over x's
// buffer (x is released) when stealable, else allocates one; it reports
// whether the buffer was taken. Callers decide with stealable first: the
// output must be registered once.
func (r *run) newFieldFrom(x *field) (*field, bool) {
	if !r.stealable(x) {
		return r.newField(x.b, x.c, x.h, x.w), false
	}
	f := &field{r: r, b: x.b, c: x.c, h: x.h, w: x.w}
	r.register(f)
	f.data, x.data, x.released = x.data, nil, true
	return f, true
}

// newView returns a field sharing x's data with another shape.
func (r *run) newView(x *field, c, h, w int) *field {
	f := &field{r: r, b: x.b, c: c, h: h, w: w, data: x.data, view: true, base: x, isReal: x.isReal}
	r.register(f)
	return f
}

// makePlan builds the liveness plan of a traced Forward.
func (r *run) makePlan() *fwdPlan {
	p := &fwdPlan{shapes: make([][4]int, len(r.fields)), release: make([][]int, len(r.fields)), lens: map[int]bool{}}
	for i, f := range r.fields {
		p.shapes[i] = [4]int{f.b, f.c, f.h, f.w}
		p.lens[f.size()] = true
		if f.lastUse < len(r.fields) {
			p.release[f.lastUse] = append(p.release[f.lastUse], i)
		}
	}
	r.e.poolMu.Lock()
	for n := range p.lens {
		r.e.planLens[n] = true
	}
	r.e.poolMu.Unlock()
	return p
}

// tape records the adjoint of the primitive producing out (LossGrad only).
func (r *run) tape(out *field, back func(g []complex128)) {
	if r.record {
		r.nodes = append(r.nodes, node{out, back})
	}
}

// gradOf returns f's gradient buffer, allocating it zeroed, for an adjoint
// that adds a full gradient (see gradOfHalf).
func (r *run) gradOf(f *field) []complex128 {
	f.gradFull = true
	if f.grad == nil {
		g := r.e.get(f.size())
		r.e.parFor(len(g), 1, func(lo, hi int) { clear(g[lo:hi]) })
		f.grad = g
	}
	return f.grad
}

// gradSet returns f's gradient buffer for an adjoint that contributes to
// every element: when f has no gradient yet the buffer is fresh (contents
// undefined) and the adjoint must assign rather than add (set == true).
func (r *run) gradSet(f *field) (g []complex128, set bool) {
	f.gradFull = true
	if f.grad == nil {
		f.grad = r.e.get(f.size())
		return f.grad, true
	}
	return f.grad, false
}

func (r *run) backward() {
	for i := len(r.nodes) - 1; i >= 0; i-- {
		nd := r.nodes[i]
		if nd.out.grad == nil {
			continue
		}
		r.backOut = nd.out
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
		r.free(f)
		if f.grad != nil {
			r.e.put(f.grad)
			f.grad = nil
		}
	}
	r.fields, r.nodes, r.reads, r.backOut = nil, nil, nil, nil
	for _, f := range r.folds {
		r.e.put(f.d)
	}
	r.folds = nil
}

func (r *run) inputField(x *stlayer.Maps) *field {
	f := r.newField(x.B, 1, x.M, x.N)
	f.isReal = true
	if r.dry {
		return f
	}
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
//
// A per-engine free list keyed by capacity. LossGrad returns every buffer of
// a call at its end and Forward each buffer after its last reader, so a
// synthesis loop or a batch evaluated chunk by chunk reuses the same working
// set. A Forward replay whose plan needs a length the list does not hold
// takes the smallest longer free buffer of another plan's fields, of a
// length its own plan does not use (getFit):
// a call on fewer maps than the previous ones, such as the last, partial
// chunk of stlayer.ForwardChunked, then works in the full chunks' buffers
// instead of allocating a second, smaller set beside them, while the
// buffers it will ask for at their own length are left to it. A buffer
// returns to the list of its capacity. At most poolLimit bytes are retained
// (excess buffers are left to the GC).

// get returns a buffer of length n with undefined contents.
func (e *Engine) get(n int) []complex128 {
	e.poolMu.Lock()
	if b := e.takeLocked(n); b != nil {
		e.poolMu.Unlock()
		return b
	}
	e.poolMu.Unlock()
	return make([]complex128, n)
}

// getFit is get that, when no buffer of length n is free, takes the
// smallest free buffer longer than n whose length is that of a field of
// another Forward plan (Engine.planLens) and not in keep (the lengths of the
// caller's plan), sliced to n. Buffers of other lengths (the primitives'
// scratch buffers) are left alone: they are asked for again at their length.
func (e *Engine) getFit(n int, keep map[int]bool) []complex128 {
	e.poolMu.Lock()
	b := e.takeLocked(n)
	if b == nil {
		best := 0
		for k := range e.free {
			if k > n && !keep[k] && e.planLens[k] && (best == 0 || k < best) {
				best = k
			}
		}
		if best > 0 {
			b = e.takeLocked(best)[:n]
		}
	}
	e.poolMu.Unlock()
	if b == nil {
		b = make([]complex128, n)
	}
	return b
}

// takeLocked removes and returns a free buffer of capacity n, or nil
// (poolMu held). Lists are removed when empty, so every key of free has a
// buffer.
func (e *Engine) takeLocked(n int) []complex128 {
	l := e.free[n]
	if len(l) == 0 {
		return nil
	}
	b := l[len(l)-1]
	l[len(l)-1] = nil
	if len(l) == 1 {
		delete(e.free, n)
	} else {
		e.free[n] = l[:len(l)-1]
	}
	e.pooled -= 16 * int64(n)
	return b
}

// getZero returns a zeroed buffer of length n.
func (e *Engine) getZero(n int) []complex128 {
	b := e.get(n)
	clear(b)
	return b
}

// put returns b to the free list under its capacity: b must be a buffer
// from get or getFit (possibly resliced shorter) or one the caller owns
// whole, never a part of another buffer.
func (e *Engine) put(b []complex128) {
	n := cap(b)
	if n == 0 {
		return
	}
	e.poolMu.Lock()
	if e.pooled+16*int64(n) <= e.poolLimit {
		e.free[n] = append(e.free[n], b[:n:n])
		e.pooled += 16 * int64(n)
	}
	e.poolMu.Unlock()
}

// PoolBytes returns the bytes of free buffers the engine currently retains;
// after a call it is that call's working set (up to the pool limit).
func (e *Engine) PoolBytes() int64 {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	return e.pooled
}

// FreePool drops every buffer the engine retains for reuse.
func (e *Engine) FreePool() {
	e.poolMu.Lock()
	e.free = map[int][][]complex128{}
	e.pooled = 0
	e.poolMu.Unlock()
}
