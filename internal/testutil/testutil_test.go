package testutil

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestFFT2MatchesDirectDFT: FFT2 of two 3×4 planes equals the direct sum
// Σ x e^{∓2πi(k1n1/h + k2n2/w)} (1/(hw) on the inverse), and leaves x alone.
func TestFFT2MatchesDirectDFT(t *testing.T) {
	const h, w = 3, 4
	x := RandComplex(rand.New(rand.NewPCG(1, 2)), 2*h*w)
	x0 := append([]complex128(nil), x...)
	for _, inv := range []bool{false, true} {
		got := FFT2(x, h, w, inv)
		sign, norm := -1.0, 1.0
		if inv {
			sign, norm = 1, 1.0/(h*w)
		}
		for p := 0; p < 2; p++ {
			for k1 := 0; k1 < h; k1++ {
				for k2 := 0; k2 < w; k2++ {
					var s complex128
					for n1 := 0; n1 < h; n1++ {
						for n2 := 0; n2 < w; n2++ {
							ph := sign * 2 * math.Pi * (float64(k1*n1)/h + float64(k2*n2)/w)
							s += x[p*h*w+n1*w+n2] * cmplx.Exp(complex(0, ph))
						}
					}
					s *= complex(norm, 0)
					if d := cmplx.Abs(got[p*h*w+k1*w+k2] - s); d > 1e-12 {
						t.Errorf("inverse=%v plane %d [%d,%d]: %v, direct %v", inv, p, k1, k2, got[p*h*w+k1*w+k2], s)
					}
				}
			}
		}
	}
	for i := range x {
		if x[i] != x0[i] {
			t.Fatal("FFT2 modified its input")
		}
	}
}

// recorder is a testing.TB that counts Errorf calls instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestCompare: both closeness checks accept values within tolerance, report
// the worst ratio, and flag values outside it and NaN mismatches.
func TestCompare(t *testing.T) {
	want := []complex128{1, 100i, 1e-6, complex(math.NaN(), 0)}
	got := []complex128{1 + 1e-9, 100i + 1e-8, 1e-6 + 1e-12, complex(math.NaN(), 0)}
	r := &recorder{TB: t}
	// |Δ| ≤ 1e-8·|want| + 1e-12·100: the third value passes on the scaled floor.
	if worst := CompareScaled(r, "ok", got, want, 1e-8, 1e-12); len(r.errs) != 0 || math.Abs(worst-1e-9) > 1e-15 {
		t.Errorf("CompareScaled: worst %g, errors %v; want 1e-9, none", worst, r.errs)
	}
	got[1], got[3] = 100i+1e-3, 0
	CompareScaled(r, "bad", got, want, 1e-8, 1e-12)
	if len(r.errs) != 3 { // value, NaN mismatch, count
		t.Errorf("CompareScaled on 2 bad values: %d errors %v", len(r.errs), r.errs)
	}

	r = &recorder{TB: t}
	wr := []float64{2, -50, 1e-9, math.NaN()}
	gr := []float64{2 + 2e-7, -50, 0, math.NaN()}
	// rtol 1e-6, floor 1e-3: 1e-9 is held to 1e-6·0.05, so |Δ| = 1e-9 gives 2e-8.
	if worst := CompareFloor(r, "ok", gr, wr, 1e-6, 1e-3); len(r.errs) != 0 || math.Abs(worst-1e-7) > 1e-12 {
		t.Errorf("CompareFloor: worst %g, errors %v; want 1e-7, none", worst, r.errs)
	}
	gr[0], gr[3] = 2.1, 1
	CompareFloor(r, "bad", gr, wr, 1e-6, 1e-3)
	if len(r.errs) != 2 { // NaN mismatch, value
		t.Errorf("CompareFloor on 2 bad values: %d errors %v", len(r.errs), r.errs)
	}
}

// TestFixtures: the shared folder is found and dust256 loads through both
// readers with the same values.
func TestFixtures(t *testing.T) {
	d := Dust256(t)
	m := LoadMap(t, RefFile(t, "dust256.npy"))
	if m.B != 1 || m.M != 256 || m.N != 256 {
		t.Fatalf("LoadMap(dust256.npy): %d×%d×%d", m.B, m.M, m.N)
	}
	for i := range d.Data {
		if d.Data[i] != m.Data[i] {
			t.Fatalf("Dust256 and LoadMap differ at %d: %g vs %g", i, d.Data[i], m.Data[i])
		}
	}
}
