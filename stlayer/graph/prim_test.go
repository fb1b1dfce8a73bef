package graph

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// hf is a host complex field [B, C, H, W].
type hf struct {
	b, c, h, w int
	d          []complex128
}

func newHF(b, c, h, w int) hf { return hf{b, c, h, w, make([]complex128, b*c*h*w)} }

func (x hf) at(b, c, i, j int) complex128 {
	if x.b == 1 {
		b = 0
	}
	if x.c == 1 {
		c = 0
	}
	if x.h*x.w == 1 {
		i, j = 0, 0
	}
	return x.d[((b*x.c+c)*x.h+i)*x.w+j]
}

func (x hf) set(b, c, i, j int, v complex128) { x.d[((b*x.c+c)*x.h+i)*x.w+j] = v }

func (x hf) clone() hf { y := x; y.d = append([]complex128(nil), x.d...); return y }

// dft2 is the direct 2D DFT of every plane (sign −1 forward; inverse has 1/(HW)).
func dft2(x hf, inverse bool) hf {
	y := newHF(x.b, x.c, x.h, x.w)
	sign := -1.0
	if inverse {
		sign = 1
	}
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for k1 := 0; k1 < x.h; k1++ {
				for k2 := 0; k2 < x.w; k2++ {
					var s complex128
					for n1 := 0; n1 < x.h; n1++ {
						for n2 := 0; n2 < x.w; n2++ {
							ph := sign * 2 * math.Pi * (float64(k1*n1%x.h)/float64(x.h) + float64(k2*n2%x.w)/float64(x.w))
							s += x.at(b, c, n1, n2) * cmplx.Exp(complex(0, ph))
						}
					}
					if inverse {
						s /= complex(float64(x.h*x.w), 0)
					}
					y.set(b, c, k1, k2, s)
				}
			}
		}
	}
	return y
}

func mapHF(x hf, f func(complex128) complex128) hf {
	y := x.clone()
	for i, v := range y.d {
		y.d[i] = f(v)
	}
	return y
}

func binHF(a, b hf, f func(x, y complex128) complex128) hf {
	B, C := max(a.b, b.b), max(a.c, b.c)
	H, W := a.h, a.w
	if b.h*b.w > 1 {
		H, W = b.h, b.w
	}
	y := newHF(B, C, H, W)
	for bi := 0; bi < B; bi++ {
		for c := 0; c < C; c++ {
			for i := 0; i < H; i++ {
				for j := 0; j < W; j++ {
					y.set(bi, c, i, j, f(a.at(bi, c, i, j), b.at(bi, c, i, j)))
				}
			}
		}
	}
	return y
}

// freqIdx maps index i of a size-n fftfreq axis to its index on a size-N axis.
func freqIdx(i, n, N int) int {
	f := i
	if i >= (n+1)/2 {
		f = i - n
	}
	return (f + N) % N
}

func cropFreqHF(x hf, h, w int) hf {
	y := newHF(x.b, x.c, h, w)
	s := complex(float64(h*w)/float64(x.h*x.w), 0)
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for i := 0; i < h; i++ {
				for j := 0; j < w; j++ {
					y.set(b, c, i, j, s*x.at(b, c, freqIdx(i, h, x.h), freqIdx(j, w, x.w)))
				}
			}
		}
	}
	return y
}

func padFreqHF(x hf, H, W int) hf {
	y := newHF(x.b, x.c, H, W)
	s := complex(float64(H*W)/float64(x.h*x.w), 0)
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for i := 0; i < x.h; i++ {
				for j := 0; j < x.w; j++ {
					y.set(b, c, freqIdx(i, x.h, H), freqIdx(j, x.w, W), s*x.at(b, c, i, j))
				}
			}
		}
	}
	return y
}

func periodiseHF(x hf, h, w int) hf {
	y := newHF(x.b, x.c, h, w)
	s := complex(float64(h*w)/float64(x.h*x.w), 0)
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for i := 0; i < x.h; i++ {
				for j := 0; j < x.w; j++ {
					y.set(b, c, i%h, j%w, y.at(b, c, i%h, j%w)+s*x.at(b, c, i, j))
				}
			}
		}
	}
	return y
}

func mulFiltersHF(x hf, f *stlayer.FilterBank) hf {
	y := newHF(x.b, x.c*f.K, x.h, x.w)
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for k := 0; k < f.K; k++ {
				for i := 0; i < x.h; i++ {
					for j := 0; j < x.w; j++ {
						y.set(b, c*f.K+k, i, j, x.at(b, c, i, j)*complex(f.Filter(k)[i*x.w+j], 0))
					}
				}
			}
		}
	}
	return y
}

func gatherHF(x hf, oh, ow int, src func(i, j int) (int, int)) hf {
	y := newHF(x.b, x.c, oh, ow)
	for b := 0; b < x.b; b++ {
		for c := 0; c < x.c; c++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					si, sj := src(i, j)
					y.set(b, c, i, j, x.at(b, c, si, sj))
				}
			}
		}
	}
	return y
}

func ipow(u complex128, p int) complex128 {
	if p < 0 {
		u, p = 1/u, -p
	}
	r := complex(1, 0)
	for ; p > 0; p-- {
		r *= u
	}
	return r
}

// primCase is one primitive under test: g builds it in a graph, h on the host.
type primCase struct {
	name   string
	in     [][4]int
	realIn []bool
	g      func(p *prim, xs []*Field) stlayer.Field
	h      func(xs []hf) hf
	// generic builds with the op choices of backends other than pure Go
	// (Gather instead of one-hot products), whatever the test's backend.
	generic bool
}

func randHF(r *rand.Rand, s [4]int, real bool) hf {
	x := newHF(s[0], s[1], s[2], s[3])
	for i := range x.d {
		if real {
			x.d[i] = complex(r.NormFloat64(), 0)
		} else {
			x.d[i] = complex(r.NormFloat64(), r.NormFloat64())
		}
	}
	return x
}

func splitC(d []complex128) (re, im []float32) {
	re, im = make([]float32, len(d)), make([]float32, len(d))
	for i, v := range d {
		re[i], im[i] = float32(real(v)), float32(imag(v))
	}
	return
}

// runCase evaluates the graph version: output and the gradient of
// ℒ = Σ Re g·Re y + Im g·Im y with respect to each input (complex, g_re + i g_im).
func runCase(t *testing.T, c primCase, xs []hf, g hf) (hf, []hf) {
	t.Helper()
	e := New(gomlxtest.Backend(t))
	var args []any
	for i, x := range xs {
		re, im := splitC(x.d)
		args = append(args, tensors.FromFlatDataAndDimensions(re, x.b, x.c, x.h, x.w))
		if !c.realIn[i] {
			args = append(args, tensors.FromFlatDataAndDimensions(im, x.b, x.c, x.h, x.w))
		}
	}
	gr, gi := splitC(g.d)
	args = append(args, tensors.FromFlatDataAndDimensions(gr, g.b, g.c, g.h, g.w), tensors.FromFlatDataAndDimensions(gi, g.b, g.c, g.h, g.w))
	var ydims [4]int
	ex, err := NewExec(gomlxtest.Backend(t), func(in []*Node) []*Node {
		p := newPrim(e, in[0].Graph())
		if c.generic {
			p.pureGo = false
		}
		var fs []*Field
		var params []*Node
		k := 0
		for i := range xs {
			re := in[k]
			k++
			params = append(params, re)
			var im *Node
			if !c.realIn[i] {
				im = in[k]
				k++
				params = append(params, im)
			}
			fs = append(fs, p.mk(re, im))
		}
		y := p.own(c.g(p, fs))
		ydims = [4]int{y.b, y.c, y.h, y.w}
		gre, gim := in[k], in[k+1]
		yi := imOrZero(y)
		l := Add(ReduceAllSum(Mul(y.re, gre)), ReduceAllSum(Mul(yi, gim)))
		return append([]*Node{y.re, yi}, Gradient(l, params...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Finalize()
	res, err := ex.Exec(args...)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	if ydims != [4]int{g.b, g.c, g.h, g.w} {
		t.Fatalf("%s: graph output dims %v, host %v", c.name, ydims, [4]int{g.b, g.c, g.h, g.w})
	}
	f := func(i int) []float32 { return tensors.MustCopyFlatData[float32](res[i]) }
	yr, yi := f(0), f(1)
	y := newHF(g.b, g.c, g.h, g.w)
	for i := range y.d {
		y.d[i] = complex(float64(yr[i]), float64(yi[i]))
	}
	var grads []hf
	k := 2
	for i, x := range xs {
		gx := newHF(x.b, x.c, x.h, x.w)
		re := f(k)
		k++
		var im []float32
		if !c.realIn[i] {
			im = f(k)
			k++
		}
		for j := range gx.d {
			v := complex(float64(re[j]), 0)
			if im != nil {
				v += complex(0, float64(im[j]))
			}
			gx.d[j] = v
		}
		grads = append(grads, gx)
	}
	return y, grads
}

func relDiff(a, b []complex128) float64 {
	num, den := 0.0, 0.0
	for i := range b {
		num = math.Max(num, cmplx.Abs(a[i]-b[i]))
		den = math.Max(den, cmplx.Abs(b[i]))
	}
	return num / math.Max(den, 1e-12)
}

// checkCase compares the graph primitive with the host one: forward values,
// and the gradient along random directions against central differences of the
// host function (float64).
func checkCase(t *testing.T, c primCase) {
	t.Helper()
	r := rand.New(rand.NewPCG(11, uint64(len(c.name))))
	if c.realIn == nil {
		c.realIn = make([]bool, len(c.in))
	}
	xs := make([]hf, len(c.in))
	for i, s := range c.in {
		xs[i] = randHF(r, s, c.realIn[i])
	}
	want := c.h(xs)
	g := randHF(r, [4]int{want.b, want.c, want.h, want.w}, false)
	got, grads := runCase(t, c, xs, g)
	if d := relDiff(got.d, want.d); d > 2e-5 {
		t.Errorf("%s: forward rel diff %.3g", c.name, d)
	}
	loss := func(xs []hf) float64 {
		y := c.h(xs)
		s := 0.0
		for i, v := range y.d {
			s += real(g.d[i])*real(v) + imag(g.d[i])*imag(v)
		}
		return s
	}
	for trial := 0; trial < 3; trial++ {
		dirs := make([]hf, len(xs))
		an := 0.0
		for i, x := range xs {
			dirs[i] = randHF(r, [4]int{x.b, x.c, x.h, x.w}, c.realIn[i])
			for j, v := range dirs[i].d {
				an += real(grads[i].d[j])*real(v) + imag(grads[i].d[j])*imag(v)
			}
		}
		const eps = 1e-6
		step := func(s float64) []hf {
			out := make([]hf, len(xs))
			for i, x := range xs {
				out[i] = x.clone()
				for j := range out[i].d {
					out[i].d[j] += complex(s, 0) * dirs[i].d[j]
				}
			}
			return out
		}
		fd := (loss(step(eps)) - loss(step(-eps))) / (2 * eps)
		scale := 0.0
		for i := range xs {
			for j := range grads[i].d {
				scale += cmplx.Abs(grads[i].d[j]) * cmplx.Abs(dirs[i].d[j])
			}
		}
		if d := math.Abs(an - fd); d > 1e-4*math.Max(scale, 1e-6) {
			t.Errorf("%s: directional derivative %.8g, finite difference %.8g (scale %.3g)", c.name, an, fd, scale)
		}
	}
}

func one(f func(p *prim, x *Field) stlayer.Field) func(p *prim, xs []*Field) stlayer.Field {
	return func(p *prim, xs []*Field) stlayer.Field { return f(p, xs[0]) }
}

func two(f func(p *prim, a, b *Field) stlayer.Field) func(p *prim, xs []*Field) stlayer.Field {
	return func(p *prim, xs []*Field) stlayer.Field { return f(p, xs[0], xs[1]) }
}

func randBank(r *rand.Rand, k, h, w int) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: k, H: h, W: w, Data: make([]float64, k*h*w), Name: "random"}
	for i := range f.Data {
		f.Data[i] = r.NormFloat64()
	}
	return f
}

func TestPrimitives(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := [4]int{2, 3, 8, 6}
	bank := randBank(r, 3, 8, 6)
	mask := make([]float64, 8*6)
	for i := range mask {
		mask[i] = r.Float64() + 0.1
	}
	mask2 := make([]float64, 8*6)
	for i := range mask2 {
		mask2[i] = r.NormFloat64()
	}
	A := make([]complex128, 4*3)
	for i := range A {
		A[i] = complex(r.NormFloat64(), r.NormFloat64())
	}
	Areal := make([]complex128, 5*3)
	for i := range Areal {
		Areal[i] = complex(r.NormFloat64(), 0)
	}
	pos := [][2]int{{0, 0}, {1, 2}, {-1, 3}, {9, -7}}
	chIdx := []int{2, 0, 1, 1, 2, 0, 2, 1, 0, 0, 2, 1, 2, 0, 1, 2, 0, 0, 1, 2} // > 8 runs: gather path
	cases := []primCase{
		{name: "FFT2", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.FFT2(x) }),
			h: func(x []hf) hf { return dft2(x[0], false) }},
		{name: "FFT2 real 16x16", in: [][4]int{{1, 2, 16, 16}}, realIn: []bool{true}, g: one(func(p *prim, x *Field) stlayer.Field { return p.FFT2(x) }),
			h: func(x []hf) hf { return dft2(x[0], false) }},
		{name: "IFFT2 odd", in: [][4]int{{1, 2, 5, 7}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.IFFT2(x) }),
			h: func(x []hf) hf { return dft2(x[0], true) }},
		{name: "IFFT2 20x18", in: [][4]int{{1, 1, 20, 18}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.IFFT2(x) }),
			h: func(x []hf) hf { return dft2(x[0], true) }},
		{name: "MulFilters", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.MulFilters(x, bank) }),
			h: func(x []hf) hf { return mulFiltersHF(x[0], bank) }},
		{name: "MulFilter", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.MulFilter(x, bank, []int{2, 0, 2}) }),
			h: func(x []hf) hf {
				y := x[0].clone()
				idx := []int{2, 0, 2}
				for b := 0; b < y.b; b++ {
					for c := 0; c < y.c; c++ {
						for i := 0; i < y.h*y.w; i++ {
							y.d[(b*y.c+c)*y.h*y.w+i] *= complex(bank.Filter(idx[c])[i], 0)
						}
					}
				}
				return y
			}},
		{name: "Periodise", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Periodise(x, 4, 3) }),
			h: func(x []hf) hf { return periodiseHF(x[0], 4, 3) }},
		{name: "CropFreq", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.CropFreq(x, 4, 2) }),
			h: func(x []hf) hf { return cropFreqHF(x[0], 4, 2) }},
		{name: "CropFreq odd", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.CropFreq(x, 5, 3) }),
			h: func(x []hf) hf { return cropFreqHF(x[0], 5, 3) }},
		{name: "PadFreq", in: [][4]int{{2, 2, 4, 3}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.PadFreq(x, 8, 9) }),
			h: func(x []hf) hf { return padFreqHF(x[0], 8, 9) }},
		{name: "Modulus", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Modulus(x) }),
			h: func(x []hf) hf { return mapHF(x[0], func(z complex128) complex128 { return complex(cmplx.Abs(z), 0) }) }},
		{name: "Modulus real", in: [][4]int{s}, realIn: []bool{true}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Modulus(x) }),
			h: func(x []hf) hf { return mapHF(x[0], func(z complex128) complex128 { return complex(cmplx.Abs(z), 0) }) }},
	}
	for _, k := range []int{0, 2, 3, -2, 5} {
		k := k
		cases = append(cases, primCase{name: fmt.Sprintf("PhaseHarmonic %d", k), in: [][4]int{s},
			g: one(func(p *prim, x *Field) stlayer.Field { return p.PhaseHarmonic(x, k) }),
			h: func(x []hf) hf {
				return mapHF(x[0], func(z complex128) complex128 {
					m := cmplx.Abs(z)
					return ipow(z/complex(m, 0), k) * complex(m, 0)
				})
			}})
	}
	cases = append(cases, []primCase{
		{name: "Conj", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Conj(x) }),
			h: func(x []hf) hf { return mapHF(x[0], cmplx.Conj) }},
		{name: "Real", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Real(x) }),
			h: func(x []hf) hf { return mapHF(x[0], func(z complex128) complex128 { return complex(real(z), 0) }) }},
		{name: "Mul", in: [][4]int{s, s}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Mul(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a * b }) }},
		{name: "Mul broadcast", in: [][4]int{{2, 1, 8, 6}, {1, 3, 1, 1}}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Mul(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a * b }) }},
		{name: "Mul real·complex", in: [][4]int{s, {2, 3, 1, 1}}, realIn: []bool{true, false}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Mul(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a * b }) }},
		{name: "MulConj", in: [][4]int{s, {1, 3, 8, 6}}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.MulConj(a, b) }),
			h: func(x []hf) hf {
				return binHF(x[0], x[1], func(a, b complex128) complex128 { return a * cmplx.Conj(b) })
			}},
		{name: "Add", in: [][4]int{s, {2, 1, 1, 1}}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Add(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a + b }) }},
		{name: "Sub real", in: [][4]int{{2, 3, 1, 1}, s}, realIn: []bool{true, true}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Sub(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a - b }) }},
		{name: "Div", in: [][4]int{s, s}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Div(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a / b }) }},
		{name: "Div by real", in: [][4]int{s, {2, 3, 1, 1}}, realIn: []bool{false, true}, g: two(func(p *prim, a, b *Field) stlayer.Field { return p.Div(a, b) }),
			h: func(x []hf) hf { return binHF(x[0], x[1], func(a, b complex128) complex128 { return a / b }) }},
		{name: "Scale", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Scale(x, complex(0.3, -1.7)) }),
			h: func(x []hf) hf { return mapHF(x[0], func(z complex128) complex128 { return z * complex(0.3, -1.7) }) }},
		{name: "Scale real by i", in: [][4]int{s}, realIn: []bool{true}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Scale(x, 2i) }),
			h: func(x []hf) hf { return mapHF(x[0], func(z complex128) complex128 { return z * 2i }) }},
		{name: "MulConst", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.MulConst(x, mask) }),
			h: func(x []hf) hf {
				y := x[0].clone()
				for i := range y.d {
					y.d[i] *= complex(mask[i%(8*6)], 0)
				}
				return y
			}},
		{name: "Pow 1.5", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Pow(x, 1.5) }),
			h: func(x []hf) hf {
				return mapHF(x[0], func(z complex128) complex128 { return complex(math.Pow(cmplx.Abs(z), 1.5), 0) })
			}},
		{name: "Pow 2", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Pow(x, 2) }),
			h: func(x []hf) hf {
				return mapHF(x[0], func(z complex128) complex128 { return complex(cmplx.Abs(z)*cmplx.Abs(z), 0) })
			}},
		{name: "Log", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Log(p.Pow(x, 2)) }),
			h: func(x []hf) hf {
				return mapHF(x[0], func(z complex128) complex128 { return complex(math.Log(real(z)*real(z)+imag(z)*imag(z)), 0) })
			}},
		{name: "Sqrt", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Sqrt(p.Modulus(x)) }),
			h: func(x []hf) hf {
				return mapHF(x[0], func(z complex128) complex128 { return complex(math.Sqrt(cmplx.Abs(z)), 0) })
			}},
		{name: "Mean", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Mean(x) }),
			h: func(x []hf) hf {
				y := newHF(2, 3, 1, 1)
				for i, v := range x[0].d {
					y.d[i/48] += v / 48
				}
				return y
			}},
		{name: "WeightedMean", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.WeightedMean(x, mask) }),
			h: func(x []hf) hf {
				y := newHF(2, 3, 1, 1)
				for i, v := range x[0].d {
					y.d[i/48] += v * complex(mask[i%48], 0)
				}
				return y
			}},
		{name: "WeightedMeans", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.WeightedMeans(x, [][]float64{mask, mask2}) }),
			h: func(x []hf) hf {
				y := newHF(2, 3*2, 1, 1)
				for i, v := range x[0].d {
					y.d[2*(i/48)] += v * complex(mask[i%48], 0)
					y.d[2*(i/48)+1] += v * complex(mask2[i%48], 0)
				}
				return y
			}},
		{name: "Shifts", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Shifts(x, pos) }),
			h: func(x []hf) hf {
				y := newHF(2, 3*len(pos), 1, 1)
				for b := 0; b < 2; b++ {
					for c := 0; c < 3; c++ {
						for t, ps := range pos {
							y.d[(b*3+c)*len(pos)+t] = x[0].at(b, c, imod(ps[0], 8), imod(ps[1], 6))
						}
					}
				}
				return y
			}},
		{name: "Crop", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Crop(x, 1, 2, 5, 3) }),
			h: func(x []hf) hf { return gatherHF(x[0], 5, 3, func(i, j int) (int, int) { return i + 1, j + 2 }) }},
		{name: "PadReflect", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.PadReflect(x, 3, 2, 1, 4) }),
			h: func(x []hf) hf {
				return gatherHF(x[0], 13, 11, func(i, j int) (int, int) { return reflectIndex(i-3, 8), reflectIndex(j-1, 6) })
			}},
		{name: "PadReflect wide", in: [][4]int{{1, 2, 4, 3}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.PadReflect(x, 7, 5, 0, 6) }),
			h: func(x []hf) hf {
				return gatherHF(x[0], 16, 9, func(i, j int) (int, int) { return reflectIndex(i-7, 4), reflectIndex(j, 3) })
			}},
		{name: "Subsample", in: [][4]int{{1, 2, 8, 7}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Subsample(x, 3) }),
			h: func(x []hf) hf { return gatherHF(x[0], 3, 3, func(i, j int) (int, int) { return 3 * i, 3 * j }) }},
		{name: "Channels runs", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Channels(x, []int{1, 2, 2, 0}) }),
			h: func(x []hf) hf { return channelsHF(x[0], []int{1, 2, 2, 0}) }},
		{name: "Channels gather", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Channels(x, chIdx) }),
			h: func(x []hf) hf { return channelsHF(x[0], chIdx) }},
		{name: "Channels gather 1x1", in: [][4]int{{2, 3, 1, 1}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Channels(x, chIdx) }),
			h: func(x []hf) hf { return channelsHF(x[0], chIdx) }},
		{name: "Concat", in: [][4]int{s, {2, 1, 8, 6}, s}, realIn: []bool{false, true, false},
			g: func(p *prim, xs []*Field) stlayer.Field { return p.Concat(xs[0], xs[1], xs[2]) },
			h: func(x []hf) hf {
				y := newHF(2, 7, 8, 6)
				for b := 0; b < 2; b++ {
					o := 0
					for _, xi := range x {
						for c := 0; c < xi.c; c++ {
							copy(y.d[((b*7)+o)*48:((b*7)+o+1)*48], xi.d[(b*xi.c+c)*48:(b*xi.c+c+1)*48])
							o++
						}
					}
				}
				return y
			}},
		{name: "Linear", in: [][4]int{{2, 3, 1, 1}}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Linear(x, A, 4) }),
			h: func(x []hf) hf { return linearHF(x[0], A, 4) }},
		{name: "Linear real x", in: [][4]int{{2, 3, 1, 1}}, realIn: []bool{true}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Linear(x, A, 4) }),
			h: func(x []hf) hf { return linearHF(x[0], A, 4) }},
		{name: "Linear real A spatial", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Linear(x, Areal, 5) }),
			h: func(x []hf) hf { return linearHF(x[0], Areal, 5) }},
		{name: "Linear spatial", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Linear(x, A, 4) }),
			h: func(x []hf) hf { return linearHF(x[0], A, 4) }},
		{name: "Reshape", in: [][4]int{s}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Reshape(x, 6, 4, 6) }),
			h: func(x []hf) hf { y := x[0].clone(); y.c, y.h, y.w = 6, 4, 6; return y }},
	}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkCase(t, c) })
	}
	// The op choices of the other backends (broadcasts, gathers), built on
	// whatever backend runs the test.
	for _, c := range cases {
		if c.generic {
			continue
		}
		c.generic = true
		t.Run(c.name+" generic", func(t *testing.T) { checkCase(t, c) })
	}
}

func channelsHF(x hf, idx []int) hf {
	n := x.h * x.w
	y := newHF(x.b, len(idx), x.h, x.w)
	for b := 0; b < x.b; b++ {
		for i, c := range idx {
			copy(y.d[(b*len(idx)+i)*n:(b*len(idx)+i+1)*n], x.d[(b*x.c+c)*n:(b*x.c+c+1)*n])
		}
	}
	return y
}

func linearHF(x hf, A []complex128, rows int) hf {
	n := x.h * x.w
	y := newHF(x.b, rows, x.h, x.w)
	for b := 0; b < x.b; b++ {
		for i := 0; i < rows; i++ {
			for j := 0; j < x.c; j++ {
				for k := 0; k < n; k++ {
					y.d[(b*rows+i)*n+k] += A[i*x.c+j] * x.d[(b*x.c+j)*n+k]
				}
			}
		}
	}
	return y
}

// TestZeroGradients checks that Modulus, PhaseHarmonic, Pow and Sqrt have a
// zero (finite) gradient at z = 0, for complex and for real fields (the
// Modulus of a real field, also PhaseHarmonic 0 and Pow 1, took the
// gradient +1 at 0 from GoMLX's Abs, where stlayer.Prim and the cpu engine
// give 0; a map's zero pixels, e.g. masked ones, then had a gradient).
func TestZeroGradients(t *testing.T) {
	z := newHF(1, 1, 2, 2) // all zeros but one entry
	z.d[3] = complex(0.5, -1)
	g := hf{1, 1, 2, 2, []complex128{1 + 1i, 2 - 1i, -1, 3i}}
	for _, c := range []primCase{
		{name: "Modulus", g: one(func(p *prim, x *Field) stlayer.Field { return p.Modulus(x) })},
		{name: "PhaseHarmonic 2", g: one(func(p *prim, x *Field) stlayer.Field { return p.PhaseHarmonic(x, 2) })},
		{name: "PhaseHarmonic -3", g: one(func(p *prim, x *Field) stlayer.Field { return p.PhaseHarmonic(x, -3) })},
		{name: "Pow 1.5", g: one(func(p *prim, x *Field) stlayer.Field { return p.Pow(x, 1.5) })},
		{name: "Sqrt", g: one(func(p *prim, x *Field) stlayer.Field { return p.Sqrt(p.Real(x)) })},
	} {
		c.realIn = []bool{false}
		y, grads := runCase(t, c, []hf{z}, g)
		for i := 0; i < 3; i++ {
			if y.d[i] != 0 || grads[0].d[i] != 0 {
				t.Errorf("%s: at z = 0 got value %v gradient %v, want 0, 0", c.name, y.d[i], grads[0].d[i])
			}
		}
		if v := grads[0].d[3]; math.IsNaN(real(v)) || math.IsNaN(imag(v)) {
			t.Errorf("%s: NaN gradient at z ≠ 0", c.name)
		}
	}
	// Real fields: zeros at 0 and 2, −0.5 and 2 elsewhere: |x|' = sign x.
	x := hf{1, 1, 2, 2, []complex128{0, -0.5, 0, 2}}
	gr := hf{1, 1, 2, 2, []complex128{1, 3, -2, 0.5}}
	for _, c := range []primCase{
		{name: "Modulus (real)", g: one(func(p *prim, x *Field) stlayer.Field { return p.Modulus(x) })},
		{name: "PhaseHarmonic 0 (real)", g: one(func(p *prim, x *Field) stlayer.Field { return p.PhaseHarmonic(x, 0) })},
		{name: "Pow 1 (real)", g: one(func(p *prim, x *Field) stlayer.Field { return p.Pow(x, 1) })},
	} {
		c.realIn = []bool{true}
		y, grads := runCase(t, c, []hf{x}, gr)
		for i, want := range []complex128{0, -3, 0, 0.5} {
			if y.d[i] != complex(math.Abs(real(x.d[i])), 0) || grads[0].d[i] != want {
				t.Errorf("%s: at x = %g got value %v gradient %v, want %g, %g", c.name, real(x.d[i]), y.d[i], grads[0].d[i], math.Abs(real(x.d[i])), real(want))
			}
		}
	}
	// As documented: PhaseHarmonic ±1 is z or conj z, whose gradients at
	// z = 0 are g and conj g, not 0; Sqrt of a negative real part (outside
	// stlayer.Prim's contract) is NaN, as on the cpu engine, with gradient 0
	// (TestSqrtNegativeEnginesAgree).
	for _, c := range []struct {
		p    int
		want func(complex128) complex128
	}{{1, func(g complex128) complex128 { return g }}, {-1, cmplx.Conj}} {
		pc := primCase{name: fmt.Sprintf("PhaseHarmonic %d", c.p), realIn: []bool{false},
			g: one(func(p *prim, x *Field) stlayer.Field { return p.PhaseHarmonic(x, c.p) })}
		y, grads := runCase(t, pc, []hf{z}, g)
		for i := 0; i < 3; i++ {
			if y.d[i] != 0 || grads[0].d[i] != c.want(g.d[i]) {
				t.Errorf("%s: at z = 0 got value %v gradient %v, want 0, %v", pc.name, y.d[i], grads[0].d[i], c.want(g.d[i]))
			}
		}
	}
	neg := hf{1, 1, 2, 2, []complex128{-1, 0, 4, -0.25}}
	sq := primCase{name: "Sqrt (negative)", realIn: []bool{true}, g: one(func(p *prim, x *Field) stlayer.Field { return p.Sqrt(x) })}
	y, grads := runCase(t, sq, []hf{neg}, gr)
	nan := complex(math.NaN(), 0)
	for i, want := range [][2]complex128{{nan, 0}, {0, 0}, {2, -2.0 / (2 * 2)}, {nan, 0}} {
		if !(y.d[i] == want[0] || cmplx.IsNaN(y.d[i]) && cmplx.IsNaN(want[0]) && imag(y.d[i]) == 0) || grads[0].d[i] != want[1] {
			t.Errorf("Sqrt at %g: value %v gradient %v, want %v, %v", real(neg.d[i]), y.d[i], grads[0].d[i], want[0], want[1])
		}
	}
}
