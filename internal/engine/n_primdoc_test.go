package engine

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// fftf returns the fftfreq frequency of index a on an axis of n.
func fftf(a, n int) int {
	if a < (n+1)/2 {
		return a
	}
	return a - n
}

// TestPrimDocFormulas checks, on both engines, the formulas stlayer.Prim's
// doc comments state, against host computations: FFT2's sign, CropFreq's
// frequencies (−h/2 … h/2−1 for even h, −(h−1)/2 … (h−1)/2 for odd h) and
// hw/(HW) factor, PadFreq's embedding and HW/(hw) factor, Periodise followed
// by IFFT2 = exact subsampling, Subsample's ⌈H/s⌉×⌈W/s⌉ output, Linear on
// fields of any H, W (per pixel), and Shifts modulo (H, W).
func TestPrimDocFormulas(t *testing.T) {
	for _, kind := range []string{"cpu", "graph"} {
		ch, err := New(kind, "")
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-12
		if kind == "graph" {
			tol = 2e-5 // float32
		}
		t.Run(kind, func(t *testing.T) { testPrimDocFormulas(t, ch.Engine, tol) })
	}
}

func testPrimDocFormulas(t *testing.T, e stlayer.Engine, tol float64) {
	rng := rand.New(rand.NewPCG(3, 4))
	fwd := func(name string, x *stlayer.Maps, s stlayer.Stat) *stlayer.Coeffs {
		t.Helper()
		c, err := e.Forward("primdoc|"+name, s, x)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c
	}
	check := func(name string, got, want complex128) {
		t.Helper()
		if d := cmplx.Abs(got - want); d > tol*(1+cmplx.Abs(want)) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	// FFT2 of a delta at (1, 0) on 4×6: X[k1, k2] = exp(−2πi k1/4).
	d := stlayer.NewMaps(1, 4, 6)
	d.Data[6] = 1
	c := fwd("fft-delta", d, func(p stlayer.Prim, f stlayer.Field) stlayer.Field { return p.FFT2(f) })
	for k1 := 0; k1 < 4; k1++ {
		for k2 := 0; k2 < 6; k2++ {
			check(fmt.Sprintf("FFT2 δ(1,0) at (%d,%d)", k1, k2), c.Data[k1*6+k2], cmplx.Exp(complex(0, -2*math.Pi*float64(k1)/4)))
		}
	}
	for _, sz := range [][4]int{{8, 12, 4, 6}, {9, 7, 5, 3}, {6, 10, 3, 4}} {
		H, W, h, w := sz[0], sz[1], sz[2], sz[3]
		x := testutil.RandMaps(rng, 1, H, W)
		X := testutil.FFT2(testutil.ToComplex(x.Data), H, W, false)
		name := fmt.Sprintf("%dx%d→%dx%d", H, W, h, w)
		c := fwd("crop"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field { return p.CropFreq(p.FFT2(f), h, w) })
		if c.H != h || c.W != w {
			t.Fatalf("CropFreq %s: %dx%d", name, c.H, c.W)
		}
		s := complex(float64(h*w)/float64(H*W), 0)
		kept := map[int]bool{}
		for a := 0; a < h; a++ {
			fa := fftf(a, h)
			if fa < -h/2 || fa > (h-1)/2 {
				t.Fatalf("row frequency %d of %d outside the documented range", fa, h)
			}
			for b := 0; b < w; b++ {
				R, C := (fa+H)%H, (fftf(b, w)+W)%W
				kept[R*W+C] = true
				check(fmt.Sprintf("CropFreq %s at (%d,%d)", name, a, b), c.Data[a*w+b], s*X[R*W+C])
			}
		}
		c = fwd("pad"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field {
			return p.PadFreq(p.CropFreq(p.FFT2(f), h, w), H, W)
		})
		for i := range c.Data {
			want := complex(0, 0)
			if kept[i] {
				want = X[i] // (hw/HW)·(HW/hw)
			}
			check(fmt.Sprintf("PadFreq∘CropFreq %s at %d", name, i), c.Data[i], want)
		}
		// Subsample by 2: ⌈H/2⌉×⌈W/2⌉ pixels x[2i, 2j].
		c = fwd("sub"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field { return p.Subsample(f, 2) })
		hs, ws := (H+1)/2, (W+1)/2
		if c.H != hs || c.W != ws {
			t.Fatalf("Subsample(2) of %dx%d: %dx%d, want %dx%d", H, W, c.H, c.W, hs, ws)
		}
		for i := 0; i < hs; i++ {
			for j := 0; j < ws; j++ {
				check(fmt.Sprintf("Subsample %s at (%d,%d)", name, i, j), c.Data[i*ws+j], complex(x.Data[2*i*W+2*j], 0))
			}
		}
		// Periodise onto a divisor grid, then IFFT2: x[::H/hp, ::W/wp].
		hp, wp := H, W
		if H%2 == 0 {
			hp = H / 2
		}
		if W%2 == 0 {
			wp = W / 2
		}
		c = fwd("per"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field { return p.IFFT2(p.Periodise(p.FFT2(f), hp, wp)) })
		for i := 0; i < hp; i++ {
			for j := 0; j < wp; j++ {
				check(fmt.Sprintf("IFFT2∘Periodise %s at (%d,%d)", name, i, j), c.Data[i*wp+j], complex(x.Data[i*(H/hp)*W+j*(W/wp)], 0))
			}
		}
		// Linear on a spatial field: out[b, i, h, w] = Σ_j A[i·Cin+j]·x[b, j, h, w].
		A := []complex128{1, 1i, 2, 0, 0.5 - 1i, 1}
		c = fwd("lin"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field {
			return p.Linear(p.Concat(f, p.Scale(f, 2)), A, 3)
		})
		if c.K != 3 || c.H != H || c.W != W {
			t.Fatalf("Linear %s: [%d, %d, %d]", name, c.K, c.H, c.W)
		}
		for i := 0; i < 3; i++ {
			for q := 0; q < H*W; q++ {
				v := complex(x.Data[q], 0)
				check(fmt.Sprintf("Linear %s row %d at %d", name, i, q), c.Data[i*H*W+q], A[2*i]*v+A[2*i+1]*2*v)
			}
		}
		c = fwd("shift"+name, x, func(p stlayer.Prim, f stlayer.Field) stlayer.Field {
			return p.Shifts(f, [][2]int{{-1, -1}, {H + 2, 2*W + 1}, {-3 * H, 0}})
		})
		check("Shifts (−1,−1) "+name, c.Data[0], complex(x.Data[H*W-1], 0))
		check("Shifts (H+2, 2W+1) "+name, c.Data[1], complex(x.Data[2*W+1], 0))
		check("Shifts (−3H, 0) "+name, c.Data[2], complex(x.Data[0], 0))
	}
}

// TestSqrtGradientAtZero pins Prim.Sqrt's doc: the gradient is
// Re(g)/(2·sqrt(x)) where x > 0 and 0 where x = 0, on both engines.
func TestSqrtGradientAtZero(t *testing.T) {
	x := stlayer.NewMaps(1, 2, 3)
	copy(x.Data, []float64{0, 4, 0.25, 0, 1, 9})
	s := func(p stlayer.Prim, f stlayer.Field) stlayer.Field { return p.Mean(p.Sqrt(f)) }
	// ℒ = (Σ sqrt(x)/6)², ∂ℒ/∂x_i = 2·m·(1/6)·1/(2 sqrt x_i), m = Σ sqrt(x)/6.
	m := (0 + 2 + 0.5 + 0 + 1 + 3) / 6.0
	for _, kind := range []string{"cpu", "graph"} {
		ch, err := New(kind, "")
		if err != nil {
			t.Fatal(err)
		}
		l, g, err := ch.Engine.LossGrad("sqrt0", s, x, stlayer.SumRe2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(l-m*m) > 1e-6 {
			t.Errorf("%s: loss %g, want %g", kind, l, m*m)
		}
		for i, v := range x.Data {
			want := 0.0
			if v > 0 {
				want = m / 6 / math.Sqrt(v)
			}
			if math.Abs(g[i]-want) > 1e-6 || math.IsNaN(g[i]) {
				t.Errorf("%s: ∂ℒ/∂x at x = %g: %g, want %g", kind, v, g[i], want)
			}
		}
	}
}
