package cpu

import (
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// TestRadixAgainstGonum: the power-of-two FFT (1D and column form) agrees with
// gonum's CmplxFFT for n = 1 … 1024.
func TestRadixAgainstGonum(t *testing.T) { withSIMD(t, testRadixAgainstGonum) }

func testRadixAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for n := 1; n <= 1024; n *= 2 {
		p := newRadixPlan(n)
		g := fourier.NewCmplxFFT(n)
		x := randC(rng, n)
		for _, inv := range []bool{false, true} {
			want := gonumRef(g, x, inv)
			got := append([]complex128(nil), x...)
			p.transform(got, inv, 1)
			if d := cabsDiff(got, want); d > 1e-12*float64(n) {
				t.Errorf("n=%d inverse=%v: 1D max error %.3g", n, inv, d)
			}
			checkColumns(t, n, inv, x, want, func(blk []complex128, stride, width int) {
				p.columns(blk, stride, width, inv, 0.5)
			})
		}
	}
}

// TestMixedAgainstGonum: the mixed-radix Stockham FFT agrees with gonum for
// lengths with factors 2, 3, 4, 5, 7, 11 and primes.
func TestMixedAgainstGonum(t *testing.T) { withSIMD(t, testMixedAgainstGonum) }

func testMixedAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, 2, 3, 5, 6, 7, 9, 10, 12, 15, 24, 25, 30, 48, 49, 77, 96, 100, 121, 384, 13, 97} {
		p := newMixedPlan(n)
		g := fourier.NewCmplxFFT(n)
		x := randC(rng, n)
		for _, inv := range []bool{false, true} {
			want := gonumRef(g, x, inv)
			checkColumns(t, n, inv, x, want, func(blk []complex128, stride, width int) {
				p.columns(blk, stride, width, inv, 0.5, make([]complex128, n*width))
			})
		}
	}
}

// TestP3AgainstGonum: the radix-3 × power-of-two row FFT agrees with gonum.
func TestP3AgainstGonum(t *testing.T) { withSIMD(t, testP3AgainstGonum) }

func testP3AgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{6, 12, 24, 48, 96, 192, 384, 768} {
		p := newP3Plan(n)
		g := fourier.NewCmplxFFT(n)
		x := randC(rng, n)
		for _, inv := range []bool{false, true} {
			want := gonumRef(g, x, inv)
			y := append([]complex128(nil), x...)
			p.transform(y, inv, 0.5, make([]complex128, n))
			for i := range y {
				if d := cmplx.Abs(y[i] - 0.5*want[i]); d > 1e-12*float64(n) {
					t.Fatalf("n=%d inverse=%v: element %d: %v want %v", n, inv, i, y[i], 0.5*want[i])
				}
			}
		}
	}
}

// gonumRef is gonum's unnormalised DFT of x (Sequence when inv: e^{+…}, no 1/n).
func gonumRef(g *fourier.CmplxFFT, x []complex128, inv bool) []complex128 {
	want := make([]complex128, len(x))
	if inv {
		g.Sequence(want, x)
	} else {
		g.Coefficients(want, x)
	}
	return want
}

// checkColumns checks a column-form transform: columns(blk, stride, width)
// on n rows of 3 columns with stride 5 (column c holding (c+1)·x, the cell
// after the block holding 42) must leave 0.5·(c+1)·want in column c, within
// 1e-12·n, and the cell after the block untouched.
func checkColumns(t *testing.T, n int, inv bool, x, want []complex128, columns func(blk []complex128, stride, width int)) {
	t.Helper()
	const width, stride = 3, 5
	blk := make([]complex128, n*stride)
	for i := 0; i < n; i++ {
		for c := 0; c < width; c++ {
			blk[i*stride+c] = x[i] * complex(float64(c+1), 0)
		}
		blk[i*stride+width] = 42 // outside the block: untouched
	}
	columns(blk, stride, width)
	for i := 0; i < n; i++ {
		for c := 0; c < width; c++ {
			w := want[i] * complex(0.5*float64(c+1), 0)
			if d := cabsDiff([]complex128{blk[i*stride+c]}, []complex128{w}); d > 1e-12*float64(n) {
				t.Fatalf("n=%d inverse=%v: column %d row %d: %v want %v", n, inv, c, i, blk[i*stride+c], w)
			}
		}
		if blk[i*stride+width] != 42 {
			t.Fatalf("n=%d: columns wrote outside the block", n)
		}
	}
}
