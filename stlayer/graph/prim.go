package graph

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/internal/gfft"
	"github.com/stkit-org/stkit/stlayer"
)

// Field is the engine's handle to a complex tensor [B, C, H, W]: two float32
// nodes of that shape, the real and the imaginary part (Im may be nil, meaning
// zero).
type Field struct {
	re, im     *Node
	b, c, h, w int
}

// Dims returns (B, C, H, W).
func (f *Field) Dims() (b, c, h, w int) { return f.b, f.c, f.h, f.w }

// Re returns the node of the real part.
func (f *Field) Re() *Node { return f.re }

// Im returns the node of the imaginary part, nil when it is zero.
func (f *Field) Im() *Node { return f.im }

// prim implements stlayer.Prim on one graph being built.
type prim struct {
	e      *Engine
	g      *Graph
	tr     *gfft.Transformer
	banks  map[*stlayer.FilterBank]*Node
	consts map[string]*Node
	pureGo bool // the backend is GoMLX's pure-Go one (choices of op below)
}

var _ stlayer.Prim = (*prim)(nil)

// PrefersStacking implements stlayer.Stacker: a few large operations make a
// smaller program (XLA compiles faster) and fewer steps on the pure-Go
// backend.
func (p *prim) PrefersStacking() bool { return true }

func newPrim(e *Engine, g *Graph) *prim {
	tr, err := gfft.New(g, e.method)
	if err != nil {
		panic(primError{err})
	}
	return &prim{e: e, g: g, tr: tr, banks: map[*stlayer.FilterBank]*Node{}, consts: map[string]*Node{},
		pureGo: backend.IsPureGo(e.b)}
}

func (p *prim) mk(re, im *Node) *Field {
	d := re.Shape().Dimensions
	if len(d) != 4 {
		panic(fmt.Sprintf("graph: internal error: field of rank %d", len(d)))
	}
	return &Field{re: re, im: im, b: d[0], c: d[1], h: d[2], w: d[3]}
}

func (p *prim) inputField(x *Node) *Field {
	d := x.Shape().Dimensions
	return p.mk(Reshape(x, d[0], 1, d[1], d[2]), nil)
}

func (p *prim) own(f stlayer.Field) *Field {
	x, ok := f.(*Field)
	if !ok || x == nil {
		shapePanic("field %T does not belong to the graph engine", f)
	}
	if x.re.Graph() != p.g {
		shapePanic("field from another graph")
	}
	return x
}

// constF32 returns a cached graph constant of the given dims.
func (p *prim) constF32(key string, data []float32, dims ...int) *Node {
	if n, ok := p.consts[key]; ok {
		return n
	}
	n := Const(p.g, tensors.FromFlatDataAndDimensions(data, dims...))
	p.consts[key] = n
	return n
}

func f32(x []float64) []float32 { return toF32(x) }

func (p *prim) scalar(v float64) *Node { return Scalar(p.g, dtypes.Float32, v) }

func shapesF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// imOrZero returns x.im, or zeros of x's shape.
func imOrZero(x *Field) *Node {
	if x.im != nil {
		return x.im
	}
	return ZerosLike(x.re)
}

func neg(x *Node) *Node {
	if x == nil {
		return nil
	}
	return Neg(x)
}

func add(a, b *Node) *Node {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return Add(a, b)
}

func sub(a, b *Node) *Node {
	switch {
	case b == nil:
		return a
	case a == nil:
		return Neg(b)
	}
	return Sub(a, b)
}

func mul(a, b *Node) *Node {
	if a == nil || b == nil {
		return nil
	}
	return Mul(a, b)
}

// cmul returns (ar + i ai)(br + i bi) with nil meaning zero.
func cmul(ar, ai, br, bi *Node) (*Node, *Node) {
	return sub(mul(ar, br), mul(ai, bi)), add(mul(ar, bi), mul(ai, br))
}

// ---------------------------------------------------------------------------
// Fourier primitives.

// checkFFT refuses, as an error matching stlayer.ErrSize, a side the
// four-step FFT cannot transform (gfft.CheckSize: e.g. 501 = 3·167 on the
// pure-Go backend); the native FFT (XLA) takes any side.
func (p *prim) checkFFT(x *Field) {
	if p.tr.Method() == gfft.Native {
		return
	}
	for _, n := range []int{x.h, x.w} {
		if err := gfft.CheckSize(n); err != nil {
			panic(primError{&stlayer.ErrShape{Kind: stlayer.ErrSize, Msg: err.Error() + "; this is the graph engine's four-step FFT (the pure-Go backend): the cpu engine (--engine cpu) and XLA's native FFT take any size, or crop the maps"}})
		}
	}
}

// FFT2 is the unnormalised forward DFT over (H, W), fftfreq order.
func (p *prim) FFT2(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	p.checkFFT(x)
	re, im := p.tr.FFT2(x.re, x.im)
	return p.mk(re, im)
}

// IFFT2 is the inverse DFT over (H, W) with the 1/(HW) factor.
func (p *prim) IFFT2(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	p.checkFFT(x)
	re, im := p.tr.IFFT2(x.re, x.im)
	return p.mk(re, im)
}

func (p *prim) bank(f *stlayer.FilterBank, h, w int) *Node {
	if f == nil {
		shapePanic("nil filter bank")
	}
	if f.H != h || f.W != w || !f.Valid() {
		shapePanic("filter bank %q is K=%d %dx%d (%d dense values, %d run lists), field is %dx%d", f.Name, f.K, f.H, f.W, len(f.Data), len(f.Runs), h, w)
	}
	if n, ok := p.banks[f]; ok {
		return n
	}
	n := Const(p.g, tensors.FromFlatDataAndDimensions(p.e.filterData(f), f.K, f.H, f.W))
	p.banks[f] = n
	return n
}

// MulFilters: y[b, c*K+k] = x[b, c]·f_k. On the pure-Go backend implicit
// broadcasting walks an index iterator per element; tiling with Concatenate
// (block copies) and a same-shape product is ~5× faster, so both operands are
// tiled to [B·C, K, H·W] explicitly.
func (p *prim) MulFilters(xf stlayer.Field, f *stlayer.FilterBank) stlayer.Field {
	x := p.own(xf)
	P, K, n := x.b*x.c, f.K, x.h*x.w
	F := p.tile(Reshape(p.bank(f, x.h, x.w), 1, K, n), 0, P)
	apply := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		y := Mul(p.tile(Reshape(v, P, 1, n), 1, K), F)
		return Reshape(y, x.b, x.c*K, x.h, x.w)
	}
	return p.mk(apply(x.re), apply(x.im))
}

// tile repeats v (size 1 along axis) n times along axis: with Concatenate on
// the pure-Go backend (see MulFilters), elsewhere with one BroadcastInDim (a
// Concatenate of B·C operands made the XLA program grow with the batch).
func (p *prim) tile(v *Node, axis, n int) *Node {
	if n == 1 {
		return v
	}
	if !p.pureGo {
		dims := append([]int(nil), v.Shape().Dimensions...)
		dims[axis] = n
		return BroadcastToDims(v, dims...)
	}
	vs := make([]*Node, n)
	for i := range vs {
		vs[i] = v
	}
	return Concatenate(vs, axis)
}

// MulFilter: y[b, c] = x[b, c]·f_{idx[c]}.
func (p *prim) MulFilter(xf stlayer.Field, f *stlayer.FilterBank, idx []int) stlayer.Field {
	x := p.own(xf)
	p.bank(f, x.h, x.w) // validates
	if len(idx) != x.c {
		shapePanic("MulFilter: %d indices for %d channels", len(idx), x.c)
	}
	n := x.h * x.w
	data := make([]float32, x.c*n)
	fd := p.e.filterData(f)
	for c, k := range idx {
		if k < 0 || k >= f.K {
			shapePanic("MulFilter: filter index %d out of [0,%d)", k, f.K)
		}
		copy(data[c*n:(c+1)*n], fd[k*n:(k+1)*n])
	}
	G := p.tile(p.constF32(fmt.Sprintf("mulfilter|%p|%v", f, idx), data, 1, x.c, x.h, x.w), 0, x.b)
	return p.mk(Mul(x.re, G), mul(x.im, G))
}

// Periodise folds a spectrum onto h×w and multiplies by hw/(HW).
func (p *prim) Periodise(xf stlayer.Field, h, w int) stlayer.Field {
	x := p.own(xf)
	if h < 1 || w < 1 || x.h%h != 0 || x.w%w != 0 {
		shapePanic("Periodise: %dx%d does not divide %dx%d", h, w, x.h, x.w)
	}
	var im *Node
	if x.im != nil {
		im = gfft.Periodise(x.im, h, w)
	}
	return p.mk(gfft.Periodise(x.re, h, w), im)
}

// CropFreq keeps the h×w lowest frequencies, times hw/(HW).
func (p *prim) CropFreq(xf stlayer.Field, h, w int) stlayer.Field {
	x := p.own(xf)
	if h < 1 || w < 1 || h > x.h || w > x.w {
		shapePanic("CropFreq: %dx%d from %dx%d", h, w, x.h, x.w)
	}
	var im *Node
	if x.im != nil {
		im = gfft.CropFreq(x.im, h, w)
	}
	return p.mk(gfft.CropFreq(x.re, h, w), im)
}

// PadFreq embeds an h×w spectrum into H×W, times HW/(hw).
func (p *prim) PadFreq(xf stlayer.Field, H, W int) stlayer.Field {
	x := p.own(xf)
	if H < x.h || W < x.w {
		shapePanic("PadFreq: %dx%d into %dx%d", x.h, x.w, H, W)
	}
	var im *Node
	if x.im != nil {
		im = gfft.PadFreq(x.im, H, W)
	}
	return p.mk(gfft.PadFreq(x.re, H, W), im)
}

// ---------------------------------------------------------------------------
// Pointwise primitives.

// mod2 returns |z|² (re² + im²).
func mod2(x *Field) *Node {
	s := Square(x.re)
	if x.im != nil {
		s = Add(s, Square(x.im))
	}
	return s
}

// safeModulus returns |z| and a "safe" modulus (|z| where z ≠ 0, 1 at z = 0) and
// the mask z ≠ 0; gradients at z = 0 are 0 (no NaN).
func (p *prim) safeModulus(x *Field) (m, safe, nz *Node) {
	s := mod2(x)
	zero := ZerosLike(s)
	nz = GreaterThan(s, zero)
	safe = Sqrt(Where(nz, s, OnesLike(s)))
	m = Where(nz, safe, zero)
	safe = Where(nz, safe, OnesLike(s))
	return
}

// Modulus returns |z| (real); gradient 0 at z = 0, real or complex z.
func (p *prim) Modulus(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	if x.im == nil {
		// GoMLX's Abs has the gradient +1 at 0 (SignPlusOrMinus); the
		// Where sends it to the zero branch there (NaN stays NaN).
		zero := ZerosLike(x.re)
		return p.mk(Where(NotEqual(x.re, zero), Abs(x.re), zero), nil)
	}
	m, _, _ := p.safeModulus(x)
	return p.mk(m, nil)
}

// PhaseHarmonic returns |z|·(z/|z|)^p: for p = 1 z itself and for p = −1
// conj z (gradients the identity and the conjugate, at z = 0 too), for p = 0
// |z| (Modulus), and for |p| ≥ 2 the harmonic, 0 with gradient 0 at z = 0.
func (p *prim) PhaseHarmonic(xf stlayer.Field, k int) stlayer.Field {
	x := p.own(xf)
	switch k {
	case 1:
		return x
	case 0:
		return p.Modulus(x)
	case -1:
		return p.Conj(x)
	}
	m, safe, _ := p.safeModulus(x)
	ur, ui := Div(x.re, safe), (*Node)(nil)
	if x.im != nil {
		ui = Div(x.im, safe)
	}
	if k < 0 { // u^{-1} = conj(u) for |u| = 1
		ui = neg(ui)
		k = -k
	}
	// Binary exponentiation on (ur, ui).
	var rr, ri *Node
	br, bi := ur, ui
	for e := k; e > 0; e >>= 1 {
		if e&1 == 1 {
			if rr == nil {
				rr, ri = br, bi
			} else {
				rr, ri = cmul(rr, ri, br, bi)
			}
		}
		if e > 1 {
			br, bi = cmul(br, bi, br, bi)
		}
	}
	return p.mk(Mul(m, rr), mul(m, ri))
}

// Conj returns the complex conjugate.
func (p *prim) Conj(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	return p.mk(x.re, neg(x.im))
}

// Real returns Re z.
func (p *prim) Real(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	return p.mk(x.re, nil)
}

// broadcastDims checks the Prim broadcasting rules and returns the output dims.
func broadcastDims(op string, a, b *Field) (B, C, H, W int) {
	bd := func(name string, x, y int) int {
		switch {
		case x == y:
			return x
		case x == 1:
			return y
		case y == 1:
			return x
		}
		shapePanic("%s: cannot broadcast %s axis %d with %d", op, name, x, y)
		return 0
	}
	B, C = bd("B", a.b, b.b), bd("C", a.c, b.c)
	switch {
	case a.h*a.w > 1 && b.h*b.w > 1:
		if a.h != b.h || a.w != b.w {
			shapePanic("%s: spatial sizes %dx%d and %dx%d differ", op, a.h, a.w, b.h, b.w)
		}
		H, W = a.h, a.w
	case b.h*b.w > 1:
		H, W = b.h, b.w
	default:
		H, W = a.h, a.w
	}
	return
}

// fit broadcasts v to [B, C, H, W] when a result built with GoMLX's implicit
// broadcasting (or a nil term) is smaller.
func fit(v *Node, B, C, H, W int) *Node {
	if v == nil {
		return nil
	}
	d := v.Shape().Dimensions
	if d[0] == B && d[1] == C && d[2] == H && d[3] == W {
		return v
	}
	return BroadcastToDims(v, B, C, H, W)
}

// mkFit makes a field of dims [B, C, H, W] from parts computed with implicit
// broadcasting (a nil real part is zero).
func (p *prim) mkFit(re, im *Node, B, C, H, W int) *Field {
	if re == nil {
		re = Zeros(p.g, shapesF32(B, C, H, W))
	}
	return p.mk(fit(re, B, C, H, W), fit(im, B, C, H, W))
}

// binary validates the operands and returns them broadcast to the output dims
// (explicit broadcasts: the pure-Go backend's implicit broadcasting is slower,
// and each broadcast operand part is used twice in a complex product).
func (p *prim) binary(op string, af, bf stlayer.Field) (a, b *Field, B, C, H, W int) {
	a, b = p.own(af), p.own(bf)
	B, C, H, W = broadcastDims(op, a, b)
	expand := func(x *Field) *Field {
		if x.b == B && x.c == C && x.h == H && x.w == W {
			return x
		}
		return &Field{re: fit(x.re, B, C, H, W), im: fit(x.im, B, C, H, W), b: B, c: C, h: H, w: W}
	}
	return expand(a), expand(b), B, C, H, W
}

// Mul returns a·b.
func (p *prim) Mul(af, bf stlayer.Field) stlayer.Field {
	a, b, B, C, H, W := p.binary("Mul", af, bf)
	re, im := cmul(a.re, a.im, b.re, b.im)
	return p.mkFit(re, im, B, C, H, W)
}

// MulConj returns a·conj(b).
func (p *prim) MulConj(af, bf stlayer.Field) stlayer.Field {
	a, b, B, C, H, W := p.binary("MulConj", af, bf)
	re, im := cmul(a.re, a.im, b.re, neg(b.im))
	return p.mkFit(re, im, B, C, H, W)
}

// Add returns a+b.
func (p *prim) Add(af, bf stlayer.Field) stlayer.Field {
	a, b, B, C, H, W := p.binary("Add", af, bf)
	return p.mkFit(add(a.re, b.re), add(a.im, b.im), B, C, H, W)
}

// Sub returns a−b.
func (p *prim) Sub(af, bf stlayer.Field) stlayer.Field {
	a, b, B, C, H, W := p.binary("Sub", af, bf)
	return p.mkFit(sub(a.re, b.re), sub(a.im, b.im), B, C, H, W)
}

// Div returns a/b = a·conj(b)/|b|².
func (p *prim) Div(af, bf stlayer.Field) stlayer.Field {
	a, b, B, C, H, W := p.binary("Div", af, bf)
	ar, ai, br, bi := a.re, a.im, b.re, b.im
	if bi == nil {
		var im *Node
		if ai != nil {
			im = Div(ai, br)
		}
		return p.mkFit(Div(ar, br), im, B, C, H, W)
	}
	d := Add(Square(br), Square(bi))
	nr, ni := cmul(ar, ai, br, Neg(bi))
	return p.mkFit(Div(nr, d), Div(ni, d), B, C, H, W)
}

// Scale multiplies by a complex constant.
func (p *prim) Scale(xf stlayer.Field, s complex128) stlayer.Field {
	x := p.own(xf)
	sr, si := real(s), imag(s)
	scale := func(v *Node, c float64) *Node {
		if v == nil || c == 0 {
			return nil
		}
		if c == 1 {
			return v
		}
		return MulScalar(v, c)
	}
	re := sub(scale(x.re, sr), scale(x.im, si))
	im := add(scale(x.im, sr), scale(x.re, si))
	if re == nil {
		re = ZerosLike(x.re)
	}
	return p.mk(re, im)
}

// MulConst multiplies each H×W plane by the real map m.
func (p *prim) MulConst(xf stlayer.Field, m []float64) stlayer.Field {
	x := p.own(xf)
	if len(m) != x.h*x.w {
		shapePanic("MulConst: %d weights for %dx%d", len(m), x.h, x.w)
	}
	M := Const(p.g, tensors.FromFlatDataAndDimensions(f32(m), 1, x.h*x.w))
	M = p.tile(M, 0, x.b*x.c)
	apply := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(Mul(Reshape(v, x.b*x.c, x.h*x.w), M), x.b, x.c, x.h, x.w)
	}
	return p.mk(apply(x.re), apply(x.im))
}

// Pow returns |z|^q (real) for a finite q > 0 (stlayer.Prim's contract;
// other exponents are refused with an ErrShape); gradient 0 at z = 0.
func (p *prim) Pow(xf stlayer.Field, q float64) stlayer.Field {
	x := p.own(xf)
	if !(q > 0) || math.IsInf(q, 0) {
		shapePanic("Pow: exponent q = %g; |z|^q is defined here only for a finite q > 0", q)
	}
	if q == 1 {
		return p.Modulus(x)
	}
	s := mod2(x)
	if q == 2 {
		return p.mk(s, nil)
	}
	nz := GreaterThan(s, ZerosLike(s))
	safe := Where(nz, s, OnesLike(s))
	return p.mk(Where(nz, Pow(safe, p.scalar(q/2)), ZerosLike(s)), nil)
}

// Log returns ln(Re z) (real).
func (p *prim) Log(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	return p.mk(Log(x.re), nil)
}

// Sqrt returns sqrt(Re z) (real), as the cpu engine does (math.Sqrt): 0 at
// Re z = 0, NaN where Re z < 0 (outside stlayer.Prim's contract: a rounded
// variance below 0 gives a NaN coefficient, not a silent 0) or Re z is NaN.
// Gradient Re(g)/(2·sqrt(Re z)) where Re z > 0, 0 elsewhere (no NaN enters
// the gradient from the points where the value is 0 or NaN).
func (p *prim) Sqrt(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	zero := ZerosLike(x.re)
	pos := GreaterThan(x.re, zero)
	safe := Where(pos, x.re, OnesLike(x.re))
	other := Where(Equal(x.re, zero), zero, AddScalar(zero, math.NaN()))
	return p.mk(Where(pos, Sqrt(safe), other), nil)
}

// ---------------------------------------------------------------------------
// Reductions, gathers and shape primitives.

// Mean returns the spatial mean [B, C, 1, 1], summed in two stages, the
// second in float64 (see meanTwoStage).
func (p *prim) Mean(xf stlayer.Field) stlayer.Field {
	x := p.own(xf)
	red := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(meanTwoStage(v), x.b, x.c, 1, 1)
	}
	return p.mk(red(x.re), red(x.im))
}

// meanTwoStage returns the mean of v [B, C, H, W] (float32) over its last two
// axes as a float32 [B, C] node, summed in two stages: the n = H·W values of
// each plane are split into n/n2 runs of n2 consecutive values (n2 the largest
// divisor of n not above √n), each run summed in float32, and the partial
// sums converted to float64 and summed there. When n has no divisor n2 ≥ 8
// (small or nearly prime n) the whole plane is summed in float64.
//
// Why: a float32 sum of n terms added in order, as the pure-Go backend's
// ReduceSum does, drifts by ~ε32·√(n/3) relative: 4.8e-6 for the mean of
// dust256 (256², 5.4e-7 absolute), and WPH amplifies that. The scaling
// moment ⟨|x_c⋆φ|⟩, x_c = x − ⟨x⟩, has the gradient sign(x_c⋆φ)/n, so an
// error δ in ⟨x⟩ flips it wherever |x_c⋆φ| < |δ|: on dust256 one pixel
// (x_c⋆φ_{−1} = 2.6e-7) took the gradient of PyWPH's J6 L4 model 4.7e-4
// (relative L2) off the float64 CPU engine, and the same mean errors, through
// the mean corrections ⟨a·b̄⟩ − ⟨a⟩·⟨b̄⟩, were the largest part of the
// coefficient errors (1e-5 of the WPH, scattering-covariance and scattering
// coefficients). Two stages make the error ~ε32·√(n2/3)/√(n/n2) ≈ ε32/√3
// (relative to Σ|v|) whatever n: the mean of dust256 comes out within 0.4
// float32 ulp. It costs one float32 reduction, as ReduceMean did (the
// float64 stage sees √n values per plane); the gradient is still a float32
// broadcast of g/n.
func meanTwoStage(v *Node) *Node {
	d := v.Shape().Dimensions
	n := d[2] * d[3]
	n2 := 1
	for k := 1; k*k <= n; k++ {
		if n%k == 0 {
			n2 = k
		}
	}
	var s *Node
	if n2 < 8 {
		s = ReduceSum(ConvertDType(Reshape(v, d[0], d[1], n), dtypes.Float64), 2)
	} else {
		part := ReduceSum(Reshape(v, d[0], d[1], n/n2, n2), 3) // float32 runs of n2
		s = ReduceSum(ConvertDType(part, dtypes.Float64), 2)
	}
	return ConvertDType(MulScalar(s, 1/float64(n)), v.DType())
}

// WeightedMean returns Σ_hw m[hw]·x[b, c, h, w] : [B, C, 1, 1].
func (p *prim) WeightedMean(xf stlayer.Field, m []float64) stlayer.Field {
	x := p.own(xf)
	n := x.h * x.w
	if len(m) != n {
		shapePanic("WeightedMean: %d weights for %dx%d", len(m), x.h, x.w)
	}
	M := Const(p.g, tensors.FromFlatDataAndDimensions(f32(m), n))
	red := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(DotGeneral(Reshape(v, x.b*x.c, n), []int{1}, nil, M, []int{0}, nil), x.b, x.c, 1, 1)
	}
	return p.mk(red(x.re), red(x.im))
}

// WeightedMeans returns Σ_hw m[k][hw]·x[b, c, h, w] : [B, C·K, 1, 1], channel
// c·K + k: one product of the [B·C, HW] planes with the [HW, K] weights.
func (p *prim) WeightedMeans(xf stlayer.Field, m [][]float64) stlayer.Field {
	x := p.own(xf)
	n, K := x.h*x.w, len(m)
	if K == 0 {
		shapePanic("WeightedMeans: no weight maps")
	}
	flat := make([]float64, n*K)
	for k, mk := range m {
		if len(mk) != n {
			shapePanic("WeightedMeans: map %d has %d weights for %dx%d", k, len(mk), x.h, x.w)
		}
		for i, v := range mk {
			flat[i*K+k] = v
		}
	}
	M := Const(p.g, tensors.FromFlatDataAndDimensions(f32(flat), n, K))
	red := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(DotGeneral(Reshape(v, x.b*x.c, n), []int{1}, nil, M, []int{0}, nil), x.b, x.c*K, 1, 1)
	}
	return p.mk(red(x.re), red(x.im))
}

func imod(a, n int) int {
	a %= n
	if a < 0 {
		a += n
	}
	return a
}

// Shifts gathers the values at positions pos (mod H, W): [B, C*T, 1, 1],
// channel c*T + t. On the pure-Go backend a product with a one-hot [HW, T]
// matrix, elsewhere a Gather (exact on GPUs, where a float32 product uses
// TF32 when $STKIT_TF32=1).
func (p *prim) Shifts(xf stlayer.Field, pos [][2]int) stlayer.Field {
	x := p.own(xf)
	T := len(pos)
	if T == 0 {
		shapePanic("Shifts: no positions")
	}
	n := x.h * x.w
	if !p.pureGo {
		ind := make([]int32, T)
		for t, ps := range pos {
			ind[t] = int32(imod(ps[0], x.h)*x.w + imod(ps[1], x.w))
		}
		I := Const(p.g, tensors.FromFlatDataAndDimensions(ind, T, 1))
		gather := func(v *Node) *Node {
			if v == nil {
				return nil
			}
			t := TransposeAllAxes(Reshape(v, x.b*x.c, n), 1, 0) // [HW, B·C]
			y := TransposeAllAxes(Gather(t, I), 1, 0)           // [B·C, T]
			return Reshape(y, x.b, x.c*T, 1, 1)
		}
		return p.mk(gather(x.re), gather(x.im))
	}
	sel := make([]float32, n*T)
	for t, ps := range pos {
		sel[(imod(ps[0], x.h)*x.w+imod(ps[1], x.w))*T+t] = 1
	}
	S := Const(p.g, tensors.FromFlatDataAndDimensions(sel, n, T))
	gather := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(DotGeneral(Reshape(v, x.b*x.c, n), []int{1}, nil, S, []int{0}, nil), x.b, x.c*T, 1, 1)
	}
	return p.mk(gather(x.re), gather(x.im))
}

// Crop keeps rows [r0, r0+h), cols [c0, c0+w).
func (p *prim) Crop(xf stlayer.Field, r0, c0, h, w int) stlayer.Field {
	x := p.own(xf)
	if r0 < 0 || c0 < 0 || h < 1 || w < 1 || r0+h > x.h || c0+w > x.w {
		shapePanic("Crop: window (%d,%d)+%dx%d outside %dx%d", r0, c0, h, w, x.h, x.w)
	}
	if r0 == 0 && c0 == 0 && h == x.h && w == x.w {
		return x
	}
	cut := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Slice(v, AxisRange(), AxisRange(), AxisRange(r0, r0+h), AxisRange(c0, c0+w))
	}
	return p.mk(cut(x.re), cut(x.im))
}

// reflectIndex maps i ∈ [−pad, n+pad) to [0, n) with numpy's "reflect" rule.
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	i = imod(i, 2*(n-1))
	if i >= n {
		i = 2*(n-1) - i
	}
	return i
}

// take returns x gathered along axis at the indices idx, built from slices of
// consecutive runs (descending runs reversed with the Reverse op where the
// backend has it, else with an anti-identity product), joined by Concatenate.
func (p *prim) take(x *Node, axis int, idx []int) *Node {
	n := x.Shape().Dimensions[axis]
	if len(idx) == n {
		ident := true
		for i, v := range idx {
			if v != i {
				ident = false
				break
			}
		}
		if ident {
			return x
		}
	}
	var parts []*Node
	for i := 0; i < len(idx); {
		j := i + 1
		switch {
		case j < len(idx) && idx[j] == idx[i]+1:
			for j < len(idx) && idx[j] == idx[j-1]+1 {
				j++
			}
			parts = append(parts, SliceAxis(x, axis, AxisRange(idx[i], idx[j-1]+1)))
		case j < len(idx) && idx[j] == idx[i]-1:
			for j < len(idx) && idx[j] == idx[j-1]-1 {
				j++
			}
			parts = append(parts, p.reverse(SliceAxis(x, axis, AxisRange(idx[j-1], idx[i]+1)), axis))
		default:
			parts = append(parts, SliceAxis(x, axis, AxisRange(idx[i], idx[i]+1)))
		}
		i = j
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return Concatenate(parts, axis)
}

func (p *prim) reverse(x *Node, axis int) *Node {
	L := x.Shape().Dimensions[axis]
	if L == 1 {
		return x
	}
	if p.g.Backend().Capabilities().Operations[backends.OpTypeReverse] {
		return Reverse(x, axis)
	}
	J := make([]float32, L*L)
	for i := 0; i < L; i++ {
		J[i*L+(L-1-i)] = 1
	}
	A := p.constF32(fmt.Sprintf("antiid|%d", L), J, L, L)
	y := DotGeneral(x, []int{axis}, nil, A, []int{0}, nil) // reversed axis moved last
	r := x.Rank()
	perm := make([]int, 0, r)
	for a := 0; a < r-1; a++ {
		if a == axis {
			perm = append(perm, r-1)
		}
		perm = append(perm, a)
	}
	if axis == r-1 {
		perm = append(perm, r-1)
	}
	return TransposeAllAxes(y, perm...)
}

// PadReflect pads by (top, bottom, left, right) with numpy's "reflect" mode.
func (p *prim) PadReflect(xf stlayer.Field, top, bottom, left, right int) stlayer.Field {
	x := p.own(xf)
	if top < 0 || bottom < 0 || left < 0 || right < 0 {
		shapePanic("PadReflect: negative padding")
	}
	ri := make([]int, x.h+top+bottom)
	for i := range ri {
		ri[i] = reflectIndex(i-top, x.h)
	}
	ci := make([]int, x.w+left+right)
	for j := range ci {
		ci[j] = reflectIndex(j-left, x.w)
	}
	pad := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return p.take(p.take(v, 2, ri), 3, ci)
	}
	return p.mk(pad(x.re), pad(x.im))
}

// Subsample keeps x[::s, ::s] (output ⌈H/s⌉×⌈W/s⌉).
func (p *prim) Subsample(xf stlayer.Field, s int) stlayer.Field {
	x := p.own(xf)
	if s < 1 {
		shapePanic("Subsample: step %d", s)
	}
	if s == 1 {
		return x
	}
	cut := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Slice(v, AxisRange(), AxisRange(), AxisRange(0, x.h).Stride(s), AxisRange(0, x.w).Stride(s))
	}
	return p.mk(cut(x.re), cut(x.im))
}

// Channels gathers channels: out[:, i] = x[:, idx[i]].
func (p *prim) Channels(xf stlayer.Field, idx []int) stlayer.Field {
	x := p.own(xf)
	if len(idx) == 0 {
		shapePanic("Channels: no indices")
	}
	for _, c := range idx {
		if c < 0 || c >= x.c {
			shapePanic("Channels: index %d out of [0,%d)", c, x.c)
		}
	}
	runs := 1
	for i := 1; i < len(idx); i++ {
		if idx[i] != idx[i-1]+1 {
			runs++
		}
	}
	K, n := len(idx), x.h*x.w
	pick := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		if runs <= 8 {
			return p.take(v, 1, idx)
		}
		// Coefficient blocks on the pure-Go backend: a one-hot product along
		// channels (faster there than Gather's scatter gradient). Elsewhere, and
		// for one-hot matrices over 1 Mi entries, Gather: on XLA a one-hot
		// product puts a dense [C, K] constant in the program (scov J7's
		// 5882-channel permutation: 138 MB, minutes of compilation) and on
		// GPUs a float32 product may round its operands to TF32.
		if n == 1 && p.pureGo && x.c*K <= 1<<20 {
			sel := make([]float32, x.c*K)
			for i, c := range idx {
				sel[c*K+i] = 1
			}
			S := p.constF32(fmt.Sprintf("chan|%d|%v", x.c, idx), sel, x.c, K)
			return Reshape(DotGeneral(Reshape(v, x.b, x.c), []int{1}, nil, S, []int{0}, nil), x.b, K, 1, 1)
		}
		// Gather on a channel-major copy: [C, B·H·W] → [K, B·H·W].
		t := Reshape(TransposeAllAxes(v, 1, 0, 2, 3), x.c, x.b*n)
		ind := make([]int32, K)
		for i, c := range idx {
			ind[i] = int32(c)
		}
		I := Const(p.g, tensors.FromFlatDataAndDimensions(ind, K, 1))
		y := Reshape(Gather(t, I), K, x.b, x.h, x.w)
		return TransposeAllAxes(y, 1, 0, 2, 3)
	}
	return p.mk(pick(x.re), pick(x.im))
}

// Concat concatenates along channels.
func (p *prim) Concat(xfs ...stlayer.Field) stlayer.Field {
	if len(xfs) == 0 {
		shapePanic("Concat: no fields")
	}
	xs := make([]*Field, len(xfs))
	anyIm := false
	for i, f := range xfs {
		xs[i] = p.own(f)
		if xs[i].b != xs[0].b || xs[i].h != xs[0].h || xs[i].w != xs[0].w {
			shapePanic("Concat: field %d is [%d,%d,%d,%d], field 0 is [%d,%d,%d,%d]", i,
				xs[i].b, xs[i].c, xs[i].h, xs[i].w, xs[0].b, xs[0].c, xs[0].h, xs[0].w)
		}
		anyIm = anyIm || xs[i].im != nil
	}
	if len(xs) == 1 {
		return xs[0]
	}
	res := make([]*Node, len(xs))
	for i, x := range xs {
		res[i] = x.re
	}
	var im *Node
	if anyIm {
		ims := make([]*Node, len(xs))
		for i, x := range xs {
			ims[i] = imOrZero(x)
		}
		im = Concatenate(ims, 1)
	}
	return p.mk(Concatenate(res, 1), im)
}

// Linear applies the complex matrix A [rows, Cin] along channels:
// out[b, i, h, w] = Σ_j A[i*Cin+j]·x[b, j, h, w].
func (p *prim) Linear(xf stlayer.Field, A []complex128, rows int) stlayer.Field {
	x := p.own(xf)
	cin := x.c
	if rows < 1 || len(A) != rows*cin {
		shapePanic("Linear: matrix with %d entries for %d rows × %d channels", len(A), rows, cin)
	}
	realA := true
	for _, a := range A {
		if imag(a) != 0 {
			realA = false
			break
		}
	}
	n := x.h * x.w
	// Channels last: [B·H·W, Cin] (free for H = W = 1).
	flat := func(v *Node) *Node {
		if n == 1 {
			return Reshape(v, x.b, cin)
		}
		return Reshape(TransposeAllAxes(v, 0, 2, 3, 1), x.b*n, cin)
	}
	unflat := func(v *Node) *Node {
		if n == 1 {
			return Reshape(v, x.b, rows, 1, 1)
		}
		return TransposeAllAxes(Reshape(v, x.b, x.h, x.w, rows), 0, 3, 1, 2)
	}
	// matrix returns M [k·Cin, rows] with M[s*Cin+j, i] = part of the contribution
	// of input part s (0 re, 1 im) to the output part `part`.
	matrix := func(parts, part int) *Node {
		m := make([]float32, parts*cin*rows)
		for s := 0; s < parts; s++ {
			for j := 0; j < cin; j++ {
				for i := 0; i < rows; i++ {
					a := A[i*cin+j]
					var v float64
					switch {
					case s == 0 && part == 0:
						v = real(a)
					case s == 0 && part == 1:
						v = imag(a)
					case s == 1 && part == 0:
						v = -imag(a)
					default:
						v = real(a)
					}
					m[(s*cin+j)*rows+i] = float32(v)
				}
			}
		}
		return Const(p.g, tensors.FromFlatDataAndDimensions(m, parts*cin, rows))
	}
	dot := func(v, M *Node) *Node { return DotGeneral(v, []int{1}, nil, M, []int{0}, nil) }
	switch {
	case x.im == nil && realA:
		return p.mk(unflat(dot(flat(x.re), matrix(1, 0))), nil)
	case x.im == nil:
		v := flat(x.re)
		return p.mk(unflat(dot(v, matrix(1, 0))), unflat(dot(v, matrix(1, 1))))
	case realA:
		M := matrix(1, 0)
		return p.mk(unflat(dot(flat(x.re), M)), unflat(dot(flat(x.im), M)))
	}
	v := Concatenate([]*Node{flat(x.re), flat(x.im)}, 1)
	return p.mk(unflat(dot(v, matrix(2, 0))), unflat(dot(v, matrix(2, 1))))
}

// Reshape reinterprets each map as [c, h, w].
func (p *prim) Reshape(xf stlayer.Field, c, h, w int) stlayer.Field {
	x := p.own(xf)
	if c < 1 || h < 1 || w < 1 || c*h*w != x.c*x.h*x.w {
		shapePanic("Reshape: [%d,%d,%d] has %d elements per map, [%d,%d,%d] has %d", x.c, x.h, x.w, x.c*x.h*x.w, c, h, w, c*h*w)
	}
	r := func(v *Node) *Node {
		if v == nil {
			return nil
		}
		return Reshape(v, x.b, c, h, w)
	}
	return p.mk(r(x.re), r(x.im))
}
