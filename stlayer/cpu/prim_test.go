package cpu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

func randBank(rng *rand.Rand, k, h, w int) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: k, H: h, W: w, Data: make([]float64, k*h*w), Name: "random"}
	for i := range f.Data {
		f.Data[i] = rng.NormFloat64()
	}
	return f
}

func one(f func(r *run, x *field) *field) primFn {
	return func(r *run, xs []*field) *field { return f(r, xs[0]) }
}

func two(f func(r *run, a, b *field) *field) primFn {
	return func(r *run, xs []*field) *field { return f(r, xs[0], xs[1]) }
}

func TestAdjointsLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bank := randBank(rng, 3, 8, 6)
	mask := make([]float64, 8*6)
	for i := range mask {
		mask[i] = rng.Float64()
	}
	A := randC(rng, 4*5)
	s := shape{2, 3, 8, 6}
	big := randBank(rng, 3, 64, 128)
	big12 := randBank(rng, 6, 160, 160)
	cases := []struct {
		name   string
		fn     primFn
		shapes []shape
	}{
		{"FFT2", one(func(r *run, x *field) *field { return r.FFT2(x).(*field) }), []shape{s}},
		{"IFFT2", one(func(r *run, x *field) *field { return r.IFFT2(x).(*field) }), []shape{s}},
		{"FFT2 odd", one(func(r *run, x *field) *field { return r.FFT2(x).(*field) }), []shape{{1, 2, 5, 7}}},
		{"FFT2 big", one(func(r *run, x *field) *field { return r.FFT2(x).(*field) }), []shape{{2, 2, 64, 32}}},
		{"IFFT2 big", one(func(r *run, x *field) *field { return r.IFFT2(x).(*field) }), []shape{{1, 3, 32, 128}}},
		{"MulFilters", one(func(r *run, x *field) *field { return r.MulFilters(x, bank).(*field) }), []shape{s}},
		{"MulFilter", one(func(r *run, x *field) *field { return r.MulFilter(x, bank, []int{2, 0, 2}).(*field) }), []shape{s}},
		{"Periodise", one(func(r *run, x *field) *field { return r.Periodise(x, 4, 3).(*field) }), []shape{s}},
		{"Periodise id", one(func(r *run, x *field) *field { return r.Periodise(x, 8, 6).(*field) }), []shape{s}},
		{"CropFreq", one(func(r *run, x *field) *field { return r.CropFreq(x, 4, 3).(*field) }), []shape{s}},
		{"CropFreq odd", one(func(r *run, x *field) *field { return r.CropFreq(x, 5, 2).(*field) }), []shape{s}},
		{"PadFreq", one(func(r *run, x *field) *field { return r.PadFreq(x, 8, 9).(*field) }), []shape{{2, 2, 4, 3}}},
		{"Periodise∘MulFilters", one(func(r *run, x *field) *field { return r.Periodise(r.MulFilters(x, bank), 4, 3).(*field) }), []shape{s}},
		{"Periodise∘MulFilter", one(func(r *run, x *field) *field { return r.Periodise(r.MulFilter(x, bank, []int{1, 1, 0}), 2, 6).(*field) }), []shape{s}},
		{"CropFreq∘MulFilters", one(func(r *run, x *field) *field { return r.CropFreq(r.MulFilters(x, bank), 5, 4).(*field) }), []shape{s}},
		{"IFFT2∘MulFilters", one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, bank)).(*field) }), []shape{s}},
		{"fused big", one(func(r *run, x *field) *field {
			y := r.MulFilters(x, big)
			return r.Concat(r.Periodise(y, 16, 32), r.CropFreq(y, 16, 32), r.Reshape(r.IFFT2(y), 3*16, 16, 32)).(*field)
		}), []shape{{1, 1, 64, 128}}},
		{"fused uneven chunks", one(func(r *run, x *field) *field {
			return r.Concat(r.Periodise(r.MulFilters(x, big12), 20, 40), r.CropFreq(r.MulFilters(x, big12), 20, 40)).(*field)
		}), []shape{{1, 1, 160, 160}}},
		{"fused and materialised", one(func(r *run, x *field) *field {
			y := r.MulFilters(x, bank)
			return r.Add(r.Periodise(y, 4, 3), r.Periodise(r.Conj(y), 4, 3)).(*field)
		}), []shape{s}},
		{"Conj", one(func(r *run, x *field) *field { return r.Conj(x).(*field) }), []shape{s}},
		{"Real", one(func(r *run, x *field) *field { return r.Real(x).(*field) }), []shape{s}},
		{"Scale", one(func(r *run, x *field) *field { return r.Scale(x, complex(0.3, -1.7)).(*field) }), []shape{s}},
		{"MulConst", one(func(r *run, x *field) *field { return r.MulConst(x, mask).(*field) }), []shape{s}},
		{"Mean", one(func(r *run, x *field) *field { return r.Mean(x).(*field) }), []shape{s}},
		{"WeightedMean", one(func(r *run, x *field) *field { return r.WeightedMean(x, mask).(*field) }), []shape{s}},
		{"Shifts", one(func(r *run, x *field) *field {
			return r.Shifts(x, [][2]int{{0, 0}, {1, -1}, {9, 13}, {1, -1}}).(*field)
		}), []shape{s}},
		{"Crop", one(func(r *run, x *field) *field { return r.Crop(x, 1, 2, 5, 3).(*field) }), []shape{s}},
		{"PadReflect", one(func(r *run, x *field) *field { return r.PadReflect(x, 2, 3, 4, 1).(*field) }), []shape{s}},
		{"PadReflect wide", one(func(r *run, x *field) *field { return r.PadReflect(x, 9, 0, 0, 7).(*field) }), []shape{{1, 1, 3, 4}}},
		{"Subsample", one(func(r *run, x *field) *field { return r.Subsample(x, 3).(*field) }), []shape{s}},
		{"Channels", one(func(r *run, x *field) *field { return r.Channels(x, []int{2, 0, 2, 1}).(*field) }), []shape{s}},
		{"Concat", two(func(r *run, a, b *field) *field { return r.Concat(a, b, a).(*field) }), []shape{s, {2, 1, 8, 6}}},
		{"Linear", one(func(r *run, x *field) *field { return r.Linear(x, A, 4).(*field) }), []shape{{3, 5, 1, 1}}},
		{"Linear spatial", one(func(r *run, x *field) *field { return r.Linear(x, A, 4).(*field) }), []shape{{2, 5, 2, 3}}},
		{"Reshape", one(func(r *run, x *field) *field {
			return r.Scale(r.Reshape(x, 6, 4, 6), 2).(*field)
		}), []shape{s}},
		{"Add", two(func(r *run, a, b *field) *field { return r.Add(a, b).(*field) }), []shape{s, s}},
		{"Sub bcast C", two(func(r *run, a, b *field) *field { return r.Sub(a, b).(*field) }), []shape{s, {2, 1, 8, 6}}},
		{"Add bcast B", two(func(r *run, a, b *field) *field { return r.Add(a, b).(*field) }), []shape{{1, 3, 8, 6}, s}},
		{"Sub bcast HW", two(func(r *run, a, b *field) *field { return r.Sub(a, b).(*field) }), []shape{s, {2, 3, 1, 1}}},
		{"Add bcast all", two(func(r *run, a, b *field) *field { return r.Add(a, b).(*field) }), []shape{{1, 1, 1, 1}, s}},
	}
	for _, c := range cases {
		checkVJP(t, c.name, c.fn, c.shapes, nil, true, 1e-6)
	}
}

// TestFusedFilterProducts: Periodise, CropFreq and IFFT2 of a lazy filter
// product equal the same operations on the materialised product.
func TestFusedFilterProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	bank := randBank(rng, 4, 32, 64)
	e := New(WithWorkers(3))
	x := randC(rng, 2*2*32*64)
	for name, op := range map[string]func(r *run, y stlayer.Field) stlayer.Field{
		"Periodise": func(r *run, y stlayer.Field) stlayer.Field { return r.Periodise(y, 8, 16) },
		"CropFreq":  func(r *run, y stlayer.Field) stlayer.Field { return r.CropFreq(y, 8, 16) },
		"IFFT2":     func(r *run, y stlayer.Field) stlayer.Field { return r.IFFT2(y) },
	} {
		for _, mul := range []func(r *run, x *field) stlayer.Field{
			func(r *run, x *field) stlayer.Field { return r.MulFilters(x, bank) },
			func(r *run, x *field) stlayer.Field { return r.MulFilter(x, bank, []int{3, 1}) },
		} {
			fused, _, _ := evalRun(e, one(func(r *run, x *field) *field { return op(r, mul(r, x)).(*field) }), []shape{{2, 2, 32, 64}}, [][]complex128{x}, nil)
			plain, _, _ := evalRun(e, one(func(r *run, x *field) *field { return op(r, r.Scale(mul(r, x), 1)).(*field) }), []shape{{2, 2, 32, 64}}, [][]complex128{x}, nil)
			if d := cabsDiff(fused, plain); d > 1e-12 {
				t.Errorf("%s of a lazy product differs by %.3g", name, d)
			}
		}
	}
}

func TestAdjointsNonlinear(t *testing.T) {
	s := shape{2, 3, 4, 5}
	pos := func(r *run, x *field) *field { // strictly positive real field
		return r.Add(r.Pow(x, 2), r.Scale(r.Mean(r.Pow(x, 2)), 0.5)).(*field)
	}
	cases := []struct {
		name   string
		fn     primFn
		shapes []shape
	}{
		{"Modulus", one(func(r *run, x *field) *field { return r.Modulus(x).(*field) }), []shape{s}},
		{"PhaseHarmonic 0", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, 0).(*field) }), []shape{s}},
		{"PhaseHarmonic 1", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, 1).(*field) }), []shape{s}},
		{"PhaseHarmonic 2", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, 2).(*field) }), []shape{s}},
		{"PhaseHarmonic 3", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, 3).(*field) }), []shape{s}},
		{"PhaseHarmonic -1", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, -1).(*field) }), []shape{s}},
		{"PhaseHarmonic -2", one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, -2).(*field) }), []shape{s}},
		{"Pow 2", one(func(r *run, x *field) *field { return r.Pow(x, 2).(*field) }), []shape{s}},
		{"Pow 0.5", one(func(r *run, x *field) *field { return r.Pow(x, 0.5).(*field) }), []shape{s}},
		{"Pow 1.7", one(func(r *run, x *field) *field { return r.Pow(x, 1.7).(*field) }), []shape{s}},
		{"Log", one(func(r *run, x *field) *field { return r.Log(pos(r, x)).(*field) }), []shape{s}},
		{"Sqrt", one(func(r *run, x *field) *field { return r.Sqrt(pos(r, x)).(*field) }), []shape{s}},
		{"Mul", two(func(r *run, a, b *field) *field { return r.Mul(a, b).(*field) }), []shape{s, s}},
		{"Mul bcast", two(func(r *run, a, b *field) *field { return r.Mul(a, b).(*field) }), []shape{s, {1, 3, 1, 1}}},
		{"Mul bcast B", two(func(r *run, a, b *field) *field { return r.Mul(a, b).(*field) }), []shape{{1, 3, 4, 5}, s}},
		{"MulConj", two(func(r *run, a, b *field) *field { return r.MulConj(a, b).(*field) }), []shape{s, s}},
		{"MulConj bcast", two(func(r *run, a, b *field) *field { return r.MulConj(a, b).(*field) }), []shape{{2, 1, 4, 5}, {2, 3, 1, 1}}},
		{"MulConj self", one(func(r *run, x *field) *field { return r.MulConj(x, x).(*field) }), []shape{s}},
		{"Div", two(func(r *run, a, b *field) *field { return r.Div(a, b).(*field) }), []shape{s, s}},
		{"Div bcast", two(func(r *run, a, b *field) *field { return r.Div(a, b).(*field) }), []shape{s, {2, 1, 1, 1}}},
		{"Div bcast num", two(func(r *run, a, b *field) *field { return r.Div(a, b).(*field) }), []shape{{1, 3, 1, 1}, s}},
	}
	for _, c := range cases {
		checkVJP(t, c.name, c.fn, c.shapes, nil, false, 1e-6)
	}
	// Real inputs (the case of Log/Sqrt on power spectra).
	checkVJP(t, "Sqrt real", one(func(r *run, x *field) *field { return r.Sqrt(r.Real(pos(r, x))).(*field) }), []shape{s}, []bool{true}, false, 1e-6)
}

func TestZeroGradients(t *testing.T) {
	e := New()
	in := [][]complex128{{0, 1i, 0, 2}}
	g := []complex128{1 + 1i, 1, 1 - 1i, 1}
	for _, p := range []int{0, 2, 3, -2} {
		_, _, gr := evalRun(e, one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, p).(*field) }), []shape{{1, 1, 2, 2}}, in, g)
		if gr[0][0] != 0 || gr[0][2] != 0 || cmplx.IsNaN(gr[0][1]) {
			t.Errorf("PhaseHarmonic %d: gradient at 0 is %v", p, gr[0])
		}
	}
	for _, q := range []float64{0.5, 1, 2} {
		_, _, gr := evalRun(e, one(func(r *run, x *field) *field { return r.Pow(x, q).(*field) }), []shape{{1, 1, 2, 2}}, in, g)
		if gr[0][0] != 0 || gr[0][2] != 0 {
			t.Errorf("Pow %g: gradient at 0 is %v", q, gr[0])
		}
	}
}

func TestPhaseHarmonicValues(t *testing.T) {
	e := New()
	z := []complex128{3 + 4i, -1 + 0.5i, 0, -2i}
	for _, p := range []int{-3, -1, 0, 1, 2, 5} {
		y, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.PhaseHarmonic(x, p).(*field) }), []shape{{1, 1, 2, 2}}, [][]complex128{z}, nil)
		for i, v := range z {
			want := cmplx.Rect(cmplx.Abs(v), float64(p)*cmplx.Phase(v))
			if cmplx.Abs(y[i]-want) > 1e-12 {
				t.Errorf("[%v]^%d = %v, want %v", v, p, y[i], want)
			}
		}
	}
}

// naiveDFT2 is the textbook O((HW)²) DFT of one H×W plane, sign = −1 forward.
func naiveDFT2(x []complex128, H, W int, sign float64) []complex128 {
	eh, ew := make([]complex128, H), make([]complex128, W)
	for i := range eh {
		eh[i] = cmplx.Rect(1, sign*2*math.Pi*float64(i)/float64(H))
	}
	for i := range ew {
		ew[i] = cmplx.Rect(1, sign*2*math.Pi*float64(i)/float64(W))
	}
	out := make([]complex128, H*W)
	for k1 := 0; k1 < H; k1++ {
		for k2 := 0; k2 < W; k2++ {
			var s complex128
			for n1 := 0; n1 < H; n1++ {
				for n2 := 0; n2 < W; n2++ {
					s += x[n1*W+n2] * eh[k1*n1%H] * ew[k2*n2%W]
				}
			}
			out[k1*W+k2] = s
		}
	}
	return out
}

func TestFFT2NaiveDFT(t *testing.T) { withSIMD(t, testFFT2NaiveDFTAll) }

func testFFT2NaiveDFTAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, gonumOnly := range []bool{false, true} {
		e := New(WithWorkers(3))
		e.gonumOnly = gonumOnly
		testFFT2NaiveDFT(t, e, rng)
	}
}

func testFFT2NaiveDFT(t *testing.T, e *Engine, rng *rand.Rand) {
	for _, hw := range [][2]int{{1, 1}, {1, 8}, {8, 1}, {2, 2}, {4, 8}, {16, 16}, {32, 8}, {16, 64}, {6, 10}, {5, 7}, {12, 3}} {
		H, W := hw[0], hw[1]
		x := randC(rng, 2*H*W)
		for i := 0; i < H; i += 2 { // zero rows in plane 1 (the FFTs skip them)
			clear(x[(H+i)*W : (H+i+1)*W])
		}
		y, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.FFT2(x).(*field) }), []shape{{2, 1, H, W}}, [][]complex128{x}, nil)
		yi, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(x).(*field) }), []shape{{1, 2, H, W}}, [][]complex128{x}, nil)
		for p := 0; p < 2; p++ {
			want := naiveDFT2(x[p*H*W:(p+1)*H*W], H, W, -1)
			if d := cabsDiff(y[p*H*W:(p+1)*H*W], want); d > 1e-9*float64(H*W) {
				t.Errorf("FFT2 %dx%d plane %d: max error %.3g", H, W, p, d)
			}
			want = naiveDFT2(x[p*H*W:(p+1)*H*W], H, W, 1)
			for i := range want {
				want[i] /= complex(float64(H*W), 0)
			}
			if d := cabsDiff(yi[p*H*W:(p+1)*H*W], want); d > 1e-11 {
				t.Errorf("IFFT2 %dx%d plane %d: max error %.3g", H, W, p, d)
			}
		}
	}
}

// TestPeriodiseSubsamples: IFFT2(Periodise(X, h, w)) = IFFT2(X)[::H/h, ::W/w].
func TestPeriodiseSubsamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	e := New()
	H, W, h, w := 16, 24, 4, 6
	x := randC(rng, 2*H*W)
	got, gs, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(r.Periodise(x, h, w)).(*field) }), []shape{{1, 2, H, W}}, [][]complex128{x}, nil)
	full, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(x).(*field) }), []shape{{1, 2, H, W}}, [][]complex128{x}, nil)
	if gs != (shape{1, 2, h, w}) {
		t.Fatalf("shape %v", gs)
	}
	for p := 0; p < 2; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				want := full[(p*H+i*H/h)*W+j*W/w]
				if d := cmplx.Abs(got[(p*h+i)*w+j] - want); d > 1e-12 {
					t.Fatalf("plane %d (%d,%d): %v want %v", p, i, j, got[(p*h+i)*w+j], want)
				}
			}
		}
	}
}

// TestCropFreqBandLimited: for a field band-limited to |k| < h/2, |l| < w/2,
// IFFT2(CropFreq(FFT2(x))) is x subsampled by (H/h, W/w); PadFreq inverts it.
func TestCropFreqBandLimited(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	e := New()
	H, W, h, w := 16, 12, 8, 4
	spec := make([]complex128, H*W)
	for _, R := range freqIndex(h-1, H) { // frequencies −h/2+1 … h/2−1
		for _, C := range freqIndex(w-1, W) {
			spec[R*W+C] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
	}
	x, _, _ := evalRun(e, one(func(r *run, s *field) *field { return r.IFFT2(s).(*field) }), []shape{{1, 1, H, W}}, [][]complex128{spec}, nil)
	got, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(r.CropFreq(r.FFT2(x), h, w)).(*field) }), []shape{{1, 1, H, W}}, [][]complex128{x}, nil)
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			if d := cmplx.Abs(got[i*w+j] - x[i*H/h*W+j*W/w]); d > 1e-12 {
				t.Fatalf("(%d,%d): %v want %v", i, j, got[i*w+j], x[i*H/h*W+j*W/w])
			}
		}
	}
	back, _, _ := evalRun(e, one(func(r *run, x *field) *field {
		return r.IFFT2(r.PadFreq(r.CropFreq(r.FFT2(x), h, w), H, W)).(*field)
	}), []shape{{1, 1, H, W}}, [][]complex128{x}, nil)
	if d := cabsDiff(back, x); d > 1e-12 {
		t.Errorf("PadFreq∘CropFreq on a band-limited field: max error %.3g", d)
	}
	// Nyquist convention: an even crop takes row −h/2 (index H−h/2).
	spec2 := make([]complex128, H*W)
	spec2[(H-h/2)*W] = 1
	spec2[(h/2)*W] = 100 // +h/2 is dropped
	y, _, _ := evalRun(e, one(func(r *run, s *field) *field { return r.CropFreq(s, h, w).(*field) }), []shape{{1, 1, H, W}}, [][]complex128{spec2}, nil)
	if want := complex(float64(h*w)/float64(H*W), 0); y[(h/2)*w] != want {
		t.Errorf("CropFreq Nyquist row: got %v, want %v", y[(h/2)*w], want)
	}
}

func TestPadReflectNumpy(t *testing.T) {
	e := New()
	x := []complex128{1, 2, 3, 4, 5, 6, 7, 8, 9}
	// np.pad([[1,2,3],[4,5,6],[7,8,9]], ((2,1),(1,2)), 'reflect')
	want := []float64{
		8, 7, 8, 9, 8, 7,
		5, 4, 5, 6, 5, 4,
		2, 1, 2, 3, 2, 1,
		5, 4, 5, 6, 5, 4,
		8, 7, 8, 9, 8, 7,
		5, 4, 5, 6, 5, 4,
	}
	y, ys, _ := evalRun(e, one(func(r *run, x *field) *field { return r.PadReflect(x, 2, 1, 1, 2).(*field) }), []shape{{1, 1, 3, 3}}, [][]complex128{x}, nil)
	if ys != (shape{1, 1, 6, 6}) {
		t.Fatalf("shape %v", ys)
	}
	for i, v := range want {
		if y[i] != complex(v, 0) {
			t.Fatalf("PadReflect: got %v, want %v", y, want)
		}
	}
}

func TestSmallOps(t *testing.T) {
	e := New()
	x := []complex128{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	y, ys, _ := evalRun(e, one(func(r *run, x *field) *field { return r.Subsample(x, 2).(*field) }), []shape{{1, 1, 3, 4}}, [][]complex128{x}, nil)
	if ys != (shape{1, 1, 2, 2}) || y[0] != 1 || y[1] != 3 || y[2] != 9 || y[3] != 11 {
		t.Errorf("Subsample: %v %v", ys, y)
	}
	y, ys, _ = evalRun(e, one(func(r *run, x *field) *field { return r.Shifts(x, [][2]int{{1, 2}, {-1, -1}}).(*field) }), []shape{{1, 1, 3, 4}}, [][]complex128{x}, nil)
	if ys != (shape{1, 2, 1, 1}) || y[0] != 7 || y[1] != 12 {
		t.Errorf("Shifts: %v %v", ys, y)
	}
	y, _, _ = evalRun(e, one(func(r *run, x *field) *field { return r.Crop(x, 1, 1, 2, 2).(*field) }), []shape{{1, 1, 3, 4}}, [][]complex128{x}, nil)
	if y[0] != 6 || y[1] != 7 || y[2] != 10 || y[3] != 11 {
		t.Errorf("Crop: %v", y)
	}
	y, _, _ = evalRun(e, one(func(r *run, x *field) *field { return r.Linear(x, []complex128{1, 1i, 0, 2}, 2).(*field) }), []shape{{1, 2, 1, 1}}, [][]complex128{{3, 5}}, nil)
	if y[0] != 3+5i || y[1] != 10 {
		t.Errorf("Linear: %v", y)
	}
}
