package gfft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

func parts(z []complex128) (re, im []float32) {
	re, im = make([]float32, len(z)), make([]float32, len(z))
	for i, v := range z {
		re[i], im[i] = float32(real(v)), float32(imag(v))
	}
	return
}

func join(re, im []float32) []complex128 {
	out := make([]complex128, len(re))
	for i := range re {
		out[i] = complex(float64(re[i]), float64(im[i]))
	}
	return out
}

// relErr is max|a−b| / max|b|.
func relErr(a, b []complex128) float64 {
	num, den := 0.0, 0.0
	for i := range b {
		num = math.Max(num, cmplxAbs(a[i]-b[i]))
		den = math.Max(den, cmplxAbs(b[i]))
	}
	return num / math.Max(den, 1e-300)
}

func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }

// runFFT evaluates FFT2/IFFT2 with method m on z of shape dims (im nil when realIn).
func runFFT(t testing.TB, m Method, z []complex128, dims []int, inverse, realIn bool) []complex128 {
	t.Helper()
	re, im := parts(z)
	args := []any{tensors.FromFlatDataAndDimensions(re, dims...)}
	if !realIn {
		args = append(args, tensors.FromFlatDataAndDimensions(im, dims...))
	}
	e, err := NewExec(gomlxtest.Backend(t), func(in []*Node) []*Node {
		tr, err := New(in[0].Graph(), m)
		if err != nil {
			panic(err)
		}
		var imN *Node
		if len(in) > 1 {
			imN = in[1]
		}
		var a, b *Node
		if inverse {
			a, b = tr.IFFT2(in[0], imN)
		} else {
			a, b = tr.FFT2(in[0], imN)
		}
		return []*Node{a, b}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	res, err := e.Exec(args...)
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
	return join(tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1]))
}

var sizes = [][]int{{8, 8}, {1, 4}, {2, 6}, {5, 7}, {16, 12}, {32, 32}, {24, 40}, {64, 18}, {3, 2, 20, 36}, {2, 27, 17}, {1, 150, 2}}

func methods(t *testing.T) []Method {
	ms := []Method{FourStep}
	if BackendHasFFT(gomlxtest.Backend(t)) {
		ms = append(ms, Native)
	}
	return ms
}

func TestFFT2AgainstGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, m := range methods(t) {
		for _, dims := range sizes {
			n := 1
			for _, d := range dims {
				n *= d
			}
			h, w := dims[len(dims)-2], dims[len(dims)-1]
			for _, inverse := range []bool{false, true} {
				for _, realIn := range []bool{false, true} {
					name := fmt.Sprintf("%s/%v/inv=%v/real=%v", m, dims, inverse, realIn)
					z := testutil.RandComplex(r, n)
					if realIn {
						for i := range z {
							z[i] = complex(real(z[i]), 0)
						}
					}
					want := testutil.FFT2(z, h, w, inverse)
					got := runFFT(t, m, z, dims, inverse, realIn)
					if e := relErr(got, want); e > 1e-5 {
						t.Errorf("%s: rel error %.3g vs gonum", name, e)
					}
				}
			}
		}
	}
}

// TestNativeVsFourStep runs where the backend has an FFT op (XLA).
func TestNativeVsFourStep(t *testing.T) {
	if !BackendHasFFT(gomlxtest.Backend(t)) {
		t.Skipf("backend %s has no FFT op: native transform not available (run with GOMLX_BACKEND=xla:...)", gomlxtest.Backend(t).Name())
	}
	r := rand.New(rand.NewPCG(2, 2))
	for _, dims := range sizes {
		n := 1
		for _, d := range dims {
			n *= d
		}
		z := testutil.RandComplex(r, n)
		for _, inverse := range []bool{false, true} {
			a := runFFT(t, Native, z, dims, inverse, false)
			b := runFFT(t, FourStep, z, dims, inverse, false)
			if e := relErr(a, b); e > 1e-5 {
				t.Errorf("%v inv=%v: native vs four-step rel error %.3g", dims, inverse, e)
			}
		}
	}
}

func TestRoundTripAndParseval(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, m := range methods(t) {
		dims := []int{2, 48, 32}
		n := 2 * 48 * 32
		z := testutil.RandComplex(r, n)
		re, im := parts(z)
		e := MustNewExec(gomlxtest.Backend(t), func(a, b *Node) []*Node {
			tr, err := New(a.Graph(), m)
			if err != nil {
				panic(err)
			}
			fr, fi := tr.FFT2(a, b)
			rr, ri := tr.IFFT2(fr, fi)
			energyX := ReduceAllSum(Add(Square(a), Square(b)))
			energyF := ReduceAllSum(Add(Square(fr), Square(fi)))
			return []*Node{rr, ri, energyX, energyF}
		})
		res := e.MustExec(tensors.FromFlatDataAndDimensions(re, dims...), tensors.FromFlatDataAndDimensions(im, dims...))
		e.Finalize()
		back := join(tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1]))
		if err := relErr(back, z); err > 1e-5 {
			t.Errorf("%s: IFFT2(FFT2(x)) rel error %.3g", m, err)
		}
		ex := float64(tensors.MustCopyFlatData[float32](res[2])[0])
		ef := float64(tensors.MustCopyFlatData[float32](res[3])[0])
		if d := math.Abs(ef/(48*32) - ex); d > 1e-5*ex {
			t.Errorf("%s: Parseval Σ|X|²/(HW) = %.8g, Σ|x|² = %.8g", m, ef/(48*32), ex)
		}
	}
}

// TestGradientAdjoint checks ∂/∂x of the linear form L = Σ (Re g·Re X + Im g·Im X)
// with X = FFT2(x) (resp. IFFT2): it must be F^H g = HW·IFFT2(g) (resp.
// IFFT2^H g = FFT2(g)/(HW)), computed with gonum.
func TestGradientAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, m := range methods(t) {
		for _, dims := range [][]int{{8, 8}, {2, 32, 24}, {64, 64}} {
			h, w := dims[len(dims)-2], dims[len(dims)-1]
			n := 1
			for _, d := range dims {
				n *= d
			}
			x := testutil.RandComplex(r, n)
			g := testutil.RandComplex(r, n)
			xr, xi := parts(x)
			gr, gi := parts(g)
			for _, inverse := range []bool{false, true} {
				e := MustNewExec(gomlxtest.Backend(t), func(a, b, c, d *Node) []*Node {
					tr, err := New(a.Graph(), m)
					if err != nil {
						panic(err)
					}
					var fr, fi *Node
					if inverse {
						fr, fi = tr.IFFT2(a, b)
					} else {
						fr, fi = tr.FFT2(a, b)
					}
					l := ReduceAllSum(Add(Mul(fr, c), Mul(fi, d)))
					return Gradient(l, a, b)
				})
				res := e.MustExec(tensors.FromFlatDataAndDimensions(xr, dims...), tensors.FromFlatDataAndDimensions(xi, dims...),
					tensors.FromFlatDataAndDimensions(gr, dims...), tensors.FromFlatDataAndDimensions(gi, dims...))
				e.Finalize()
				got := join(tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1]))
				var want []complex128
				if inverse {
					want = testutil.FFT2(g, h, w, false)
					for i := range want {
						want[i] /= complex(float64(h*w), 0)
					}
				} else {
					want = testutil.FFT2(g, h, w, true)
					for i := range want {
						want[i] *= complex(float64(h*w), 0)
					}
				}
				if err := relErr(got, want); err > 1e-5 {
					t.Errorf("%s %v inv=%v: gradient rel error %.3g", m, dims, inverse, err)
				}
			}
		}
	}
}

// TestGradientFiniteDifferences checks the gradient of the nonlinear statistic
// S(x) = mean |IFFT2(FFT2(x)·ψ)| for a real map x against central differences.
func TestGradientFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	h, w := 16, 16
	x := make([]float32, h*w)
	psi := make([]float32, h*w)
	for i := range x {
		x[i] = float32(r.NormFloat64())
		psi[i] = float32(math.Exp(-float64(i%w-3)*float64(i%w-3)/4 - float64(i/w-2)*float64(i/w-2)/6))
	}
	for _, m := range methods(t) {
		stat := func(a, p *Node) *Node {
			tr, err := New(a.Graph(), m)
			if err != nil {
				panic(err)
			}
			fr, fi := tr.FFT2(a, nil)
			zr, zi := tr.IFFT2(Mul(fr, p), Mul(fi, p))
			return ReduceAllMean(Sqrt(Add(Add(Square(zr), Square(zi)), Scalar(a.Graph(), a.DType(), 1e-12))))
		}
		ge := MustNewExec(gomlxtest.Backend(t), func(a, p *Node) []*Node {
			s := stat(a, p)
			return []*Node{s, Gradient(s, a)[0]}
		})
		fe := MustNewExec(gomlxtest.Backend(t), stat)
		pt := tensors.FromFlatDataAndDimensions(psi, h, w)
		res := ge.MustExec(tensors.FromFlatDataAndDimensions(x, h, w), pt)
		grad := tensors.MustCopyFlatData[float32](res[1])
		eval := func(v []float32) float64 {
			return float64(tensors.MustCopyFlatData[float32](fe.MustExec(tensors.FromFlatDataAndDimensions(v, h, w), pt)[0])[0])
		}
		const eps = 1e-2
		gmax := 0.0
		for _, g := range grad {
			gmax = math.Max(gmax, math.Abs(float64(g)))
		}
		for _, i := range []int{0, 17, 100, 255, 131} {
			xp := append([]float32(nil), x...)
			xm := append([]float32(nil), x...)
			xp[i] += eps
			xm[i] -= eps
			fd := (eval(xp) - eval(xm)) / (2 * eps)
			if d := math.Abs(fd - float64(grad[i])); d > 2e-3*gmax {
				t.Errorf("%s: ∂S/∂x[%d] = %.6g, finite difference %.6g", m, i, grad[i], fd)
			}
		}
		ge.Finalize()
		fe.Finalize()
	}
}

func TestCheckSize(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 7, 9, 22, 101, 127, 128, 256, 360, 1024, 2 * 3 * 5 * 7, 4096, 16384} {
		if err := CheckSize(n); err != nil {
			t.Errorf("CheckSize(%d): %v", n, err)
		}
	}
	for _, n := range []int{0, -4, 131, 2 * 131, 3 * 257, 32768} {
		if err := CheckSize(n); err == nil {
			t.Errorf("CheckSize(%d) accepted", n)
		}
	}
	err := CheckSize(2 * 131)
	if err == nil || !strings.Contains(err.Error(), "131") {
		t.Errorf("CheckSize(262) error should name the factor 131: %v", err)
	}
	// Graph building with a bad size panics with that message.
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "not supported") {
			t.Errorf("FFT2 on 262×4: recovered %v", r)
		}
	}()
	g := NewGraph(gomlxtest.Backend(t), "bad")
	defer g.Finalize()
	x := Zeros(g, shapesF32(262, 4))
	tr, _ := New(g, FourStep)
	tr.FFT2(x, nil)
}

// hostPeriodise etc. are direct index-mapping references.
func hostCrop(x []complex128, H, W, h, w int) []complex128 {
	out := make([]complex128, h*w)
	src := func(i, n, m int) int {
		lo, _ := lowIdx(m)
		if i < lo {
			return i
		}
		return n - (m - i)
	}
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			out[i*w+j] = x[src(i, H, h)*W+src(j, W, w)] * complex(float64(h*w)/float64(H*W), 0)
		}
	}
	return out
}

func TestSpectralHelpers(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	H, W := 16, 24
	for _, hw := range [][2]int{{8, 12}, {4, 6}, {16, 8}, {2, 2}, {1, 1}, {5, 7}} {
		h, w := hw[0], hw[1]
		x := testutil.RandComplex(r, 2*H*W)
		xr, xi := parts(x)
		gsm := testutil.RandComplex(r, 2*h*w)
		gr, gi := parts(gsm)
		e := MustNewExec(gomlxtest.Backend(t), func(a, b, c, d *Node) []*Node {
			cr, ci := CropFreq(a, h, w), CropFreq(b, h, w)
			pr, pi := PadFreq(c, H, W), PadFreq(d, H, W)
			// Gradient of <g, Crop(x)> (adjoint of crop) goes through Slice.
			l := ReduceAllSum(Add(Mul(cr, c), Mul(ci, d)))
			gs := Gradient(l, a, b)
			out := []*Node{cr, ci, pr, pi, gs[0], gs[1]}
			if H%h == 0 && W%w == 0 {
				out = append(out, Periodise(a, h, w), Periodise(b, h, w))
			}
			return out
		})
		res := e.MustExec(tensors.FromFlatDataAndDimensions(xr, 2, H, W), tensors.FromFlatDataAndDimensions(xi, 2, H, W),
			tensors.FromFlatDataAndDimensions(gr, 2, h, w), tensors.FromFlatDataAndDimensions(gi, 2, h, w))
		e.Finalize()
		get := func(i int) []complex128 {
			return join(tensors.MustCopyFlatData[float32](res[i]), tensors.MustCopyFlatData[float32](res[i+1]))
		}
		var wantCrop, wantPad, wantGrad, wantPer []complex128
		for p := 0; p < 2; p++ {
			wantCrop = append(wantCrop, hostCrop(x[p*H*W:(p+1)*H*W], H, W, h, w)...)
			// PadFreq is the transpose of the crop map times (HW/hw)²·... : build it directly.
			pad := make([]complex128, H*W)
			gp := make([]complex128, H*W)
			for i := 0; i < H*W; i++ {
				unit := make([]complex128, H*W)
				unit[i] = 1
				c := hostCrop(unit, H, W, h, w)
				for k := range c {
					if c[k] != 0 {
						// crop(unit_i)[k] = hw/HW  ⇒ PadFreq(y)[i] = HW/hw · y[k]; ∂<g,crop>/∂x_i = hw/HW·g[k]
						pad[i] = gsm[p*h*w+k] * complex(float64(H*W)/float64(h*w), 0)
						gp[i] = gsm[p*h*w+k] * c[k]
					}
				}
			}
			wantPad = append(wantPad, pad...)
			wantGrad = append(wantGrad, gp...)
			if H%h == 0 && W%w == 0 {
				per := make([]complex128, h*w)
				for i := 0; i < H; i++ {
					for j := 0; j < W; j++ {
						per[(i%h)*w+j%w] += x[p*H*W+i*W+j] * complex(float64(h*w)/float64(H*W), 0)
					}
				}
				wantPer = append(wantPer, per...)
			}
		}
		name := fmt.Sprintf("%dx%d→%dx%d", H, W, h, w)
		if e := relErr(get(0), wantCrop); e > 1e-6 {
			t.Errorf("%s CropFreq rel error %.3g", name, e)
		}
		if e := relErr(get(2), wantPad); e > 1e-6 {
			t.Errorf("%s PadFreq rel error %.3g", name, e)
		}
		if e := relErr(get(4), wantGrad); e > 1e-6 {
			t.Errorf("%s CropFreq gradient rel error %.3g", name, e)
		}
		if wantPer != nil {
			if e := relErr(get(6), wantPer); e > 1e-6 {
				t.Errorf("%s Periodise rel error %.3g", name, e)
			}
		}
	}
}

// TestPeriodiseIsSubsampling: IFFT2(Periodise(FFT2(x))) = x[::s, ::s].
func TestPeriodiseIsSubsampling(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	H, W, s := 32, 32, 4
	x := make([]float32, H*W)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	e := MustNewExec(gomlxtest.Backend(t), func(a *Node) []*Node {
		tr, _ := New(a.Graph(), Auto)
		fr, fi := tr.FFT2(a, nil)
		zr, zi := tr.IFFT2(Periodise(fr, H/s, W/s), Periodise(fi, H/s, W/s))
		return []*Node{zr, zi}
	})
	res := e.MustExec(tensors.FromFlatDataAndDimensions(x, H, W))
	e.Finalize()
	got := join(tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1]))
	want := make([]complex128, 0, H*W/(s*s))
	for i := 0; i < H; i += s {
		for j := 0; j < W; j += s {
			want = append(want, complex(float64(x[i*W+j]), 0))
		}
	}
	if err := relErr(got, want); err > 1e-5 {
		t.Errorf("periodised IFFT vs subsampling rel error %.3g", err)
	}
}
