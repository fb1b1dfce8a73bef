package cpu

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// naiveDFT19 is the O(n²) DFT of x in float64 (sign −1 forward, +1 inverse,
// no 1/n), with exactly reduced angles (k·t mod n).
func naiveDFT19(x []complex128, sign float64) []complex128 {
	n := len(x)
	w := make([]complex128, n)
	for k := range w {
		w[k] = cmplx.Rect(1, sign*2*math.Pi*float64(k)/float64(n))
	}
	out := make([]complex128, n)
	for k := range out {
		var s complex128
		for t, v := range x {
			s += v * w[k*t%n]
		}
		out[k] = s
	}
	return out
}

// relErr19 is max|got − want| / max|want|.
func relErr19(got, want []complex128) float64 {
	m := 0.0
	for _, v := range want {
		m = math.Max(m, cmplx.Abs(v))
	}
	return cabsDiff(got, want) / m
}

// TestBluestein19Plans: the mixed-radix FFT (default plan choice, Bluestein
// forced for every radix > 5, and the direct butterfly only) agrees with the
// naive DFT to 1e-12 relative for lengths with a large prime factor, forward
// and inverse, in column form on blocks of 1, 3 (stride 5) and 37 columns
// (more than a Bluestein block's 16); the default plans use Bluestein
// exactly for the radices ≥ bluesteinMinRadix.
func TestBluestein19Plans(t *testing.T) { withSIMD(t, testBluestein19Plans) }

func testBluestein19Plans(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 1))
	for _, n := range []int{17, 19, 23, 29, 37, 41, 167, 334, 499, 501, 997} {
		x := randC(rng, n)
		plans := map[string]*mixedPlan{
			"default":   newMixedPlan(n),
			"bluestein": newMixedPlanWith(n, 7),
			"direct":    newMixedPlanWith(n, math.MaxInt),
		}
		for _, st := range plans["default"].stages {
			if st.r > 5 && (st.gen.fft != nil) != (st.r >= bluesteinMinRadix) {
				t.Errorf("n=%d: radix %d: Bluestein %v, want %v", n, st.r, st.gen.fft != nil, st.r >= bluesteinMinRadix)
			}
		}
		for _, inv := range []bool{false, true} {
			sign := -1.0
			if inv {
				sign = 1
			}
			want := naiveDFT19(x, sign)
			for name, p := range plans {
				for _, c := range []struct{ width, stride int }{{1, 1}, {3, 5}, {37, 37}} {
					blk := make([]complex128, n*c.stride)
					for i := 0; i < n; i++ {
						for k := 0; k < c.width; k++ {
							blk[i*c.stride+k] = x[i] * complex(float64(k+1), 0)
						}
						for k := c.width; k < c.stride; k++ {
							blk[i*c.stride+k] = 42
						}
					}
					p.columns(blk, c.stride, c.width, inv, 0.5, make([]complex128, n*c.width))
					for k := 0; k < c.width; k++ {
						got := make([]complex128, n)
						ref := make([]complex128, n)
						for i := range got {
							got[i] = blk[i*c.stride+k]
							ref[i] = want[i] * complex(0.5*float64(k+1), 0)
						}
						if e := relErr19(got, ref); e > 1e-12 || math.IsNaN(e) {
							t.Fatalf("n=%d %s inverse=%v width %d column %d: relative error %.3g", n, name, inv, c.width, k, e)
						}
					}
					for i := 0; i < n; i++ {
						for k := c.width; k < c.stride; k++ {
							if blk[i*c.stride+k] != 42 {
								t.Fatalf("n=%d %s: wrote outside the block", n, name)
							}
						}
					}
				}
			}
		}
	}
}

// TestBluestein19Radices: planRadices keeps the radices 4, 2, 3, 5 and
// small primes, makes the large prime factors Bluestein stages when that is
// cheaper (334 = 2·167, 998 = 2·499) and the whole length one Bluestein
// transform otherwise (501 = 3·167, 1002 = 2·3·167, 835 = 5·167, but not
// 3340 = 4·5·167: twenty 512-point transforms beat one of 8192); with Bluestein off
// (direct), the plain factorisation.
func TestBluestein19Radices(t *testing.T) {
	for _, c := range []struct {
		n    int
		want []int
	}{
		{500, []int{4, 5, 5, 5}}, {384, []int{4, 4, 4, 2, 3}}, {19 * 4, []int{4, 19}},
		{23 * 4, []int{4, 23}}, {334, []int{2, 167}}, {998, []int{2, 499}}, {997, []int{997}},
		{501, []int{501}}, {1002, []int{1002}}, {5 * 167, []int{835}}, {20 * 167, []int{4, 5, 167}},
	} {
		if got := planRadices(c.n, bluesteinMinRadix); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("planRadices(%d) = %v, want %v", c.n, got, c.want)
		}
		if got, want := planRadices(c.n, math.MaxInt), factorRadices(c.n); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("planRadices(%d, direct) = %v, want %v", c.n, got, want)
		}
	}
}

// TestBluestein19FFT2: the engine's FFT2 (rows through transposed blocks,
// columns in strips) of 501×37 and 37×499 planes (two planes each) agrees
// with the separable naive DFT to 1e-12 relative, forward and inverse (the
// inverse including 1/(HW)).
func TestBluestein19FFT2(t *testing.T) { withSIMD(t, testBluestein19FFT2) }

func testBluestein19FFT2(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2))
	e := New(WithWorkers(2))
	for _, c := range [][2]int{{501, 37}, {37, 499}} {
		H, W := c[0], c[1]
		const planes = 2
		x := randC(rng, planes*H*W)
		for _, inv := range []bool{false, true} {
			sign, sc := -1.0, complex(1, 0)
			if inv {
				sign, sc = 1, complex(1/float64(H*W), 0)
			}
			got := append([]complex128(nil), x...)
			e.FFT2InPlace(got, planes, H, W, inv)
			for p := 0; p < planes; p++ {
				want := append([]complex128(nil), x[p*H*W:(p+1)*H*W]...)
				for r := 0; r < H; r++ {
					copy(want[r*W:(r+1)*W], naiveDFT19(want[r*W:(r+1)*W], sign))
				}
				col := make([]complex128, H)
				for k := 0; k < W; k++ {
					for r := range col {
						col[r] = want[r*W+k]
					}
					for r, v := range naiveDFT19(col, sign) {
						want[r*W+k] = v * sc
					}
				}
				if err := relErr19(got[p*H*W:(p+1)*H*W], want); err > 1e-12 || math.IsNaN(err) {
					t.Errorf("%d×%d inverse=%v plane %d: relative error %.3g", H, W, inv, p, err)
				}
			}
		}
	}
}

// TestBluestein19Adjoints: the tape's adjoints of FFT2, IFFT2 and the real
// FFT2 pairs at Bluestein sizes (167 rows or columns, 43, a prime ≥
// bluesteinMinRadix, 2·167 columns) pass the dot-product and
// finite-difference checks.
func TestBluestein19Adjoints(t *testing.T) {
	fft := one(func(r *run, x *field) *field { return r.FFT2(x).(*field) })
	ifft := one(func(r *run, x *field) *field { return r.IFFT2(x).(*field) })
	realFFT := one(func(r *run, x *field) *field { return r.FFT2(r.Real(x)).(*field) })
	modFFT := one(func(r *run, x *field) *field { return r.FFT2(r.Modulus(x)).(*field) })
	checkVJP(t, "FFT2 167×43", fft, []shape{{1, 2, 167, 43}}, nil, true, 1e-6)
	checkVJP(t, "IFFT2 43×167", ifft, []shape{{2, 1, 43, 167}}, nil, true, 1e-6)
	checkVJP(t, "FFT2∘Real 41×334", realFFT, []shape{{1, 3, 41, 334}}, nil, true, 1e-6)
	checkVJP(t, "FFT2∘Modulus 167×12", modFFT, []shape{{1, 2, 167, 12}}, nil, false, 1e-6)
}
