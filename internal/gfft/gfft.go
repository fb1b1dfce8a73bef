// Package gfft computes 2D discrete Fourier transforms inside GoMLX graphs.
//
// Complex tensors are carried as two float32 nodes of the same shape [..., H, W]:
// the real part and the imaginary part (a nil imaginary part means zero, which
// lets real inputs skip half of the first stage). Separate nodes were chosen over
// a leading axis of size 2 because separating such an axis needs Slice, whose
// gradient needs Pad, which the pure-Go backend lacks; with separate nodes all
// complex arithmetic is elementwise on real nodes.
//
// Conventions (those of stlayer.Prim): FFT2 is the unnormalised forward DFT over
// the last two axes, X[k1,k2] = Σ x[n1,n2] exp(−2πi(k1 n1/H + k2 n2/W)); IFFT2 is
// its inverse including the 1/(HW) factor. Spectra are in natural (numpy
// fftfreq) order: index k holds frequency k for k < H/2 and k−H otherwise.
//
// Two methods:
//   - Native: the backend's FFT op on complex64 (XLA), as two 1D transforms
//     (GoMLX v0.26's FFT gradient is only right for 1D transforms);
//   - FourStep: on backends without FFT (pure Go), each axis of length
//     N = n1·n2 is transformed by two DotGeneral stages against host-built
//     float32 matrices: stage 1 contracts the major digit with the n1-point DFT
//     and the twiddle factors folded in (batched over the minor digit), stage 2
//     contracts the minor digit with the n2-point DFT. Lengths up to 16 (and
//     lengths ≤ 128 without a factorisation) use one dense DFT stage. The
//     real/imaginary pair is stacked on an explicit axis of size 2 inside the
//     transform and contracted with real 2×2-block matrices;
//     the last stage emits real and imaginary parts as separate nodes. A final
//     transpose restores natural frequency order.
//
// Supported lengths (per axis): see CheckSize (any length ≤ 128; longer ones
// must split as n1·n2 with both factors ≤ 128). Constants are built on the host in float64 and rounded to float32.
package gfft

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	_ "github.com/stkit-org/stkit/internal/gomlxfix" // matmul and Slice VJPs
)

// Method selects how FFTs are computed.
type Method int

const (
	// Auto uses Native when the backend has an FFT op with complex64, else FourStep.
	Auto Method = iota
	// Native uses the backend's FFT op (XLA).
	Native
	// FourStep uses DotGeneral stages against host-built DFT/twiddle matrices.
	FourStep
)

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Native:
		return "native"
	case FourStep:
		return "four-step"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// BackendHasFFT reports whether b implements FFT on complex64.
func BackendHasFFT(b backends.Backend) bool {
	c := b.Capabilities()
	return c.Operations[backends.OpTypeFFT] && c.DTypes[dtypes.Complex64] &&
		c.Operations[backends.OpTypeComplex] && c.Operations[backends.OpTypeReal] && c.Operations[backends.OpTypeImag]
}

// denseMax is the largest length transformed with a single dense DFT stage
// when it has a factorisation; maxFactor bounds the stage lengths (and the
// length of a dense transform of a length that does not factor), so that the
// cost per element stays O(n1 + n2) ≤ 2·maxFactor.
const (
	denseMax  = 16
	maxFactor = 128
)

// CheckSize returns an error unless a length n can be transformed: n ≤ 128
// (any n, dense DFT), or n = n1·n2 with 2 ≤ n1 ≤ n2 ≤ 128 (n1 the largest
// divisor ≤ √n). Every power of two up to 16384 and every even size up to
// 12148 whose prime factors are 2, 3, 5 or 7 qualify; above 12148 some such
// sizes do not (12150 = 90·135, 13122 = 81·162, 13720, 14406, 14580, 14700,
// 15552, 15680, 16200 below 16384: no factor pair is ≤ 128 both), and
// neither does a length with a large prime factor (e.g. 2·131).
func CheckSize(n int) error {
	if n < 1 {
		return fmt.Errorf("gfft: invalid FFT length %d", n)
	}
	if n <= maxFactor {
		return nil
	}
	n1, n2 := split(n)
	if n1 == 1 || n2 > maxFactor {
		m := n
		for _, p := range []int{2, 3, 5, 7} {
			for m%p == 0 {
				m /= p
			}
		}
		return fmt.Errorf("gfft: FFT length %d is not supported (factors %d·%d; its part without prime factors 2, 3, 5, 7 is %d): use a size n ≤ %d or n = n1·n2 with n1, n2 ≤ %d, e.g. a power of two up to 16384 or an even size up to 12148 with prime factors ≤ 7",
			n, n1, n2, m, maxFactor, maxFactor)
	}
	return nil
}

// split returns n = n1·n2 with n1 ≤ n2 and n1 as large as possible; n1 = 1 means
// a single dense stage.
func split(n int) (n1, n2 int) {
	if n <= denseMax {
		return 1, n
	}
	for a := int(math.Sqrt(float64(n))); a >= 2; a-- {
		if n%a == 0 {
			return a, n / a
		}
	}
	return 1, n
}

// Transformer builds FFT subgraphs in one graph and caches their constants.
// Create one per graph being built; not safe for concurrent use.
type Transformer struct {
	g      *Graph
	method Method
	consts map[string]*Node
}

// New returns a Transformer for graph g. Auto resolves to Native when the
// backend has FFT, else FourStep; Native on a backend without FFT is an error.
func New(g *Graph, m Method) (*Transformer, error) {
	has := BackendHasFFT(g.Backend())
	switch m {
	case Auto:
		if has {
			m = Native
		} else {
			m = FourStep
		}
	case Native:
		if !has {
			return nil, fmt.Errorf("gfft: backend %s has no FFT op on complex64", g.Backend().Name())
		}
	case FourStep:
	default:
		return nil, fmt.Errorf("gfft: unknown method %d", int(m))
	}
	return &Transformer{g: g, method: m, consts: map[string]*Node{}}, nil
}

// Method returns the resolved method (Native or FourStep).
func (t *Transformer) Method() Method { return t.method }

// FFT2 returns the forward 2D DFT over the last two axes of re + i·im (im may
// be nil for a real input). Shapes [..., H, W], float32; output in natural
// frequency order. Panics (graph-building convention) on unsupported sizes.
func (t *Transformer) FFT2(re, im *Node) (*Node, *Node) { return t.fft2(re, im, false) }

// IFFT2 returns the inverse 2D DFT over the last two axes, with the 1/(HW)
// factor; input in natural frequency order.
func (t *Transformer) IFFT2(re, im *Node) (*Node, *Node) { return t.fft2(re, im, true) }

func (t *Transformer) fft2(re, im *Node, inverse bool) (*Node, *Node) {
	if re.Rank() < 2 {
		panic(fmt.Sprintf("gfft: FFT2 needs rank ≥ 2, got %s", re.Shape()))
	}
	if re.DType() != dtypes.Float32 {
		panic(fmt.Sprintf("gfft: FFT2 needs float32 parts, got %s", re.DType()))
	}
	if im != nil && !slices.Equal(im.Shape().Dimensions, re.Shape().Dimensions) {
		panic(fmt.Sprintf("gfft: real %s and imaginary %s parts differ in shape", re.Shape(), im.Shape()))
	}
	if t.method == Native {
		// XLA's FFT op takes any length; CheckSize is the four-step's limit.
		return t.native(re, im, inverse)
	}
	h, w := re.Shape().Dim(-2), re.Shape().Dim(-1)
	for _, n := range []int{h, w} {
		if err := CheckSize(n); err != nil {
			panic(err)
		}
	}
	return t.fourStep(re, im, inverse)
}

func (t *Transformer) native(re, im *Node, inverse bool) (*Node, *Node) {
	if im == nil {
		im = ZerosLike(re)
	}
	z := Complex(re, im)
	tr := func(z *Node) *Node {
		if inverse {
			return InverseFFT(z)
		}
		return FFT(z)
	}
	r := z.Rank()
	z = tr(z)                  // along W
	z = Transpose(z, r-2, r-1) // [..., W, H]
	z = tr(z)                  // along H
	z = Transpose(z, r-2, r-1) // [..., H, W]
	return Real(z), Imag(z)
}

// ---------------------------------------------------------------------------
// Four-step implementation on labelled axes.

// lt is a node with a label per axis.
type lt struct {
	n *Node
	l []string
}

func (x lt) axis(name string) int {
	i := slices.Index(x.l, name)
	if i < 0 {
		panic(fmt.Sprintf("gfft: internal error: no axis %q in %v", name, x.l))
	}
	return i
}

func (x lt) axes(names []string) []int {
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = x.axis(n)
	}
	return out
}

// dot contracts the labels c shared by x and m, aligning batch labels b; output
// labels: b, then x's free labels, then m's free labels (DotGeneral's layout).
func dot(x, m lt, c, b []string) lt {
	n := DotGeneral(x.n, x.axes(c), x.axes(b), m.n, m.axes(c), m.axes(b))
	out := slices.Clone(b)
	for _, l := range x.l {
		if !slices.Contains(c, l) && !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	for _, l := range m.l {
		if !slices.Contains(c, l) && !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return lt{n, out}
}

// splitAxis reshapes axis name (size n1·n2) into (name+"a", name+"b") = (n1, n2),
// row-major: index = n2·a + b.
func (x lt) splitAxis(name string, n1, n2 int) lt {
	i := x.axis(name)
	dims := slices.Clone(x.n.Shape().Dimensions)
	dims = slices.Replace(dims, i, i+1, n1, n2)
	l := slices.Replace(slices.Clone(x.l), i, i+1, name+"a", name+"b")
	return lt{Reshape(x.n, dims...), l}
}

func (x lt) transposeTo(order []string) lt {
	perm := x.axes(order)
	if slices.IsSorted(perm) {
		return lt{x.n, order}
	}
	return lt{TransposeAllAxes(x.n, perm...), slices.Clone(order)}
}

// stage describes a complex linear map applied along one axis, optionally
// batched over another: out[bi, k] = Σ_j val(bi, j, k)·in[bi, j].
type stage struct {
	key           string // cache key of the complex coefficients
	nb, nin, nout int
	val           func(bi, j, k int) complex128
}

var hostCache sync.Map // key -> []float32

// matrix returns the real block matrix of st with axes
// [batch?][s_in?][in][s_out?][out]; part = -1 keeps both output parts on the
// s_out axis, 0 keeps only the real part, 1 only the imaginary part.
func (st stage) matrix(inComplex bool, part int) ([]float32, []int) {
	key := fmt.Sprintf("%s|%v|%d", st.key, inComplex, part)
	var dims []int
	if st.nb > 0 {
		dims = append(dims, st.nb)
	}
	nsIn, nsOut := 1, 1
	if inComplex {
		nsIn = 2
		dims = append(dims, 2)
	}
	dims = append(dims, st.nin)
	if part < 0 {
		nsOut = 2
		dims = append(dims, 2)
	}
	dims = append(dims, st.nout)
	if v, ok := hostCache.Load(key); ok {
		return v.([]float32), dims
	}
	nb := max(st.nb, 1)
	data := make([]float32, nb*nsIn*st.nin*nsOut*st.nout)
	for bi := 0; bi < nb; bi++ {
		for si := 0; si < nsIn; si++ {
			for j := 0; j < st.nin; j++ {
				for so := 0; so < nsOut; so++ {
					outPart := so
					if part >= 0 {
						outPart = part
					}
					for k := 0; k < st.nout; k++ {
						c := st.val(bi, j, k)
						// (re + i im)·c: re → (Re c, Im c), im → (−Im c, Re c).
						var v float64
						switch {
						case si == 0 && outPart == 0:
							v = real(c)
						case si == 0 && outPart == 1:
							v = imag(c)
						case si == 1 && outPart == 0:
							v = -imag(c)
						default:
							v = real(c)
						}
						idx := ((((bi*nsIn+si)*st.nin+j)*nsOut+so)*st.nout + k)
						data[idx] = float32(v)
					}
				}
			}
		}
	}
	hostCache.Store(key, data)
	return data, dims
}

// constant returns (cached per graph) the block matrix of st as a graph constant.
func (t *Transformer) constant(st stage, inComplex bool, part int) *Node {
	key := fmt.Sprintf("%s|%v|%d", st.key, inComplex, part)
	if n, ok := t.consts[key]; ok {
		return n
	}
	data, dims := st.matrix(inComplex, part)
	n := Const(t.g, tensors.FromFlatDataAndDimensions(data, dims...))
	t.consts[key] = n
	return n
}

// expi returns exp(sign·2πi·num/den) with num reduced modulo den.
func expi(sign float64, num, den int) complex128 {
	num %= den
	return cmplx.Exp(complex(0, sign*2*math.Pi*float64(num)/float64(den)))
}

func denseStage(n int, inverse bool) stage {
	sign, scale := -1.0, 1.0
	if inverse {
		sign, scale = 1, 1/float64(n)
	}
	return stage{key: fmt.Sprintf("dense%d/%v", n, inverse), nin: n, nout: n,
		val: func(_, j, k int) complex128 { return expi(sign, j*k, n) * complex(scale, 0) }}
}

// stageA: Y[b, c] = Σ_a ω_{n1}^{ac} ω_N^{bc} x[a, b] (twiddles folded in).
func stageA(n1, n2 int, inverse bool) stage {
	sign, n := -1.0, n1*n2
	if inverse {
		sign = 1
	}
	return stage{key: fmt.Sprintf("A%dx%d/%v", n1, n2, inverse), nb: n2, nin: n1, nout: n1,
		val: func(b, a, c int) complex128 { return expi(sign, (a*c%n1)*n2+b*c, n) }}
}

// stageB: X[d, c] = Σ_b ω_{n2}^{bd} Y[b, c] (with 1/N for the inverse).
func stageB(n1, n2 int, inverse bool) stage {
	sign, scale := -1.0, 1.0
	if inverse {
		sign, scale = 1, 1/float64(n1*n2)
	}
	return stage{key: fmt.Sprintf("B%dx%d/%v", n1, n2, inverse), nin: n2, nout: n2,
		val: func(_, b, d int) complex128 { return expi(sign, b*d, n2) * complex(scale, 0) }}
}

// plannedStage is a stage applied to the labelled tensor.
type plannedStage struct {
	st      stage
	in, out string // contracted axis label, produced axis label
	batch   string // batch label ("" if none)
}

func (t *Transformer) fourStep(re, im *Node, inverse bool) (*Node, *Node) {
	dims := re.Shape().Dimensions
	r := len(dims)
	h, w := dims[r-2], dims[r-1]
	p := 1
	for _, d := range dims[:r-2] {
		p *= d
	}
	x := lt{Reshape(re, p, h, w), []string{"p", "h", "w"}}
	complexIn := im != nil
	if complexIn {
		x = lt{Stack([]*Node{x.n, Reshape(im, p, h, w)}, 0), []string{"s0", "p", "h", "w"}}
	}

	// Plan the stages (W first, then H) and the final axis order.
	var stages []plannedStage
	final := []string{"p"}
	finalAxes := map[string][]string{}
	for _, ax := range []struct {
		name string
		n    int
	}{{"w", w}, {"h", h}} {
		if ax.n == 1 {
			finalAxes[ax.name] = []string{ax.name}
			continue
		}
		n1, n2 := split(ax.n)
		if n1 == 1 {
			stages = append(stages, plannedStage{st: denseStage(ax.n, inverse), in: ax.name, out: ax.name + "k"})
			finalAxes[ax.name] = []string{ax.name + "k"}
			continue
		}
		x = x.splitAxis(ax.name, n1, n2)
		stages = append(stages,
			plannedStage{st: stageA(n1, n2, inverse), in: ax.name + "a", out: ax.name + "c", batch: ax.name + "b"},
			plannedStage{st: stageB(n1, n2, inverse), in: ax.name + "b", out: ax.name + "d"})
		finalAxes[ax.name] = []string{ax.name + "d", ax.name + "c"}
	}
	final = append(final, finalAxes["h"]...)
	final = append(final, finalAxes["w"]...)

	if len(stages) == 0 { // 1×1 transform: identity
		if im == nil {
			im = ZerosLike(re)
		}
		return re, im
	}

	sIn := ""
	if complexIn {
		sIn = "s0"
	}
	var outRe, outIm lt
	for i, ps := range stages {
		last := i == len(stages)-1
		matLabels := func(sOut string) []string {
			var l []string
			if ps.batch != "" {
				l = append(l, ps.batch)
			}
			if sIn != "" {
				l = append(l, sIn)
			}
			l = append(l, ps.in)
			if sOut != "" {
				l = append(l, sOut)
			}
			return append(l, ps.out)
		}
		contract := []string{ps.in}
		if sIn != "" {
			contract = []string{sIn, ps.in}
		}
		var batch []string
		if ps.batch != "" {
			batch = []string{ps.batch}
		}
		if !last {
			sOut := fmt.Sprintf("s%d", i+1)
			m := lt{t.constant(ps.st, sIn != "", -1), matLabels(sOut)}
			x = dot(x, m, contract, batch)
			sIn = sOut
			continue
		}
		mr := lt{t.constant(ps.st, sIn != "", 0), matLabels("")}
		mi := lt{t.constant(ps.st, sIn != "", 1), matLabels("")}
		outRe = dot(x, mr, contract, batch)
		outIm = dot(x, mi, contract, batch)
	}
	outRe = outRe.transposeTo(final)
	outIm = outIm.transposeTo(final)
	return Reshape(outRe.n, dims...), Reshape(outIm.n, dims...)
}

// ---------------------------------------------------------------------------
// Spectral cropping helpers (apply to the real and imaginary parts separately).

// Periodise folds a spectrum [..., H, W] (natural order) onto [..., h, w]
// (h | H, w | W): out[k1, k2] = hw/(HW) · Σ_{p,q} X[k1 + p·h, k2 + q·w]. Followed
// by IFFT2 this is exact subsampling x[(H/h)·i, (W/w)·j].
func Periodise(x *Node, h, w int) *Node {
	dims := x.Shape().Dimensions
	r := len(dims)
	H, W := dims[r-2], dims[r-1]
	if h <= 0 || w <= 0 || H%h != 0 || W%w != 0 {
		panic(fmt.Sprintf("gfft: Periodise %dx%d onto %dx%d: sizes must divide", H, W, h, w))
	}
	if h == H && w == W {
		return x
	}
	nd := append(slices.Clone(dims[:r-2]), H/h, h, W/w, w)
	y := ReduceSum(Reshape(x, nd...), r-2, r)
	return MulScalar(y, float64(h*w)/float64(H*W))
}

// lowIdx returns the index ranges kept when cropping an axis of length n to m
// frequencies: [0, lo) and [n−hi, n), lo = ceil(m/2), hi = floor(m/2), i.e. the
// frequencies −floor(m/2) … ceil(m/2)−1 (for even m: −m/2 … m/2−1, the Nyquist
// bin of the result taken from frequency −m/2).
func lowIdx(m int) (lo, hi int) { return (m + 1) / 2, m / 2 }

// CropFreq keeps the h×w lowest frequencies of a spectrum [..., H, W] (natural
// order in and out) and multiplies by hw/(HW); see lowIdx for odd sizes.
func CropFreq(x *Node, h, w int) *Node {
	dims := x.Shape().Dimensions
	r := len(dims)
	H, W := dims[r-2], dims[r-1]
	if h <= 0 || w <= 0 || h > H || w > W {
		panic(fmt.Sprintf("gfft: CropFreq %dx%d to %dx%d: invalid size", H, W, h, w))
	}
	y := cropAxis(cropAxis(x, r-2, h), r-1, w)
	if h == H && w == W {
		return y
	}
	return MulScalar(y, float64(h*w)/float64(H*W))
}

func cropAxis(x *Node, axis, m int) *Node {
	n := x.Shape().Dimensions[axis]
	if m == n {
		return x
	}
	lo, hi := lowIdx(m)
	parts := []*Node{SliceAxis(x, axis, AxisRange(0, lo))}
	if hi > 0 {
		parts = append(parts, SliceAxis(x, axis, AxisRange(n-hi, n)))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return Concatenate(parts, axis)
}

// PadFreq embeds a spectrum [..., h, w] into [..., H, W] (natural order): the
// frequencies of CropFreq's result are put back in place, the others are zero,
// and the result is multiplied by HW/(hw).
func PadFreq(x *Node, H, W int) *Node {
	dims := x.Shape().Dimensions
	r := len(dims)
	h, w := dims[r-2], dims[r-1]
	if H < h || W < w {
		panic(fmt.Sprintf("gfft: PadFreq %dx%d to %dx%d: invalid size", h, w, H, W))
	}
	y := padAxis(padAxis(x, r-2, H), r-1, W)
	if h == H && w == W {
		return y
	}
	return MulScalar(y, float64(H*W)/float64(h*w))
}

func padAxis(x *Node, axis, n int) *Node {
	m := x.Shape().Dimensions[axis]
	if m == n {
		return x
	}
	lo, hi := lowIdx(m)
	zs := x.Shape().Clone()
	zs.Dimensions[axis] = n - m
	parts := []*Node{SliceAxis(x, axis, AxisRange(0, lo)), Zeros(x.Graph(), zs)}
	if hi > 0 {
		parts = append(parts, SliceAxis(x, axis, AxisRange(m-hi, m)))
	}
	return Concatenate(parts, axis)
}
