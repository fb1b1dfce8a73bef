package testutil

import (
	"math"
	"testing"
)

// CompareScaled checks got against want per coefficient:
//
//	|got−want| ≤ rel·|want| + abs·scale,  scale = max |want| over the array,
//
// so that tiny coefficients are held to an absolute tolerance relative to the
// array's scale (over the finite coefficients). NaN must match NaN (in either
// part); a coefficient with an infinite part (and no NaN) must equal want
// exactly (an infinite want used to make the scale, and so every tolerance,
// infinite: any got passed). The first 5 failures are
// reported individually, then their count. It returns the worst relative error
// |got−want|/|want| among coefficients with |want| > 1e-3·scale. Lengths must
// agree (else t.Fatalf).
func CompareScaled(t testing.TB, name string, got, want []complex128, rel, abs float64) float64 {
	t.Helper()
	scale := wantScale(t, name, got, want, cabs)
	worst, bad := 0.0, 0
	for i := range want {
		g, w := got[i], want[i]
		gn := math.IsNaN(real(g)) || math.IsNaN(imag(g))
		wn := math.IsNaN(real(w)) || math.IsNaN(imag(w))
		if gn || wn {
			if gn != wn {
				if bad < 5 {
					t.Errorf("%s[%d]: got %v want %v (NaN mismatch)", name, i, g, w)
				}
				bad++
			}
			continue
		}
		if isInfC(g) || isInfC(w) {
			if g != w {
				if bad < 5 {
					t.Errorf("%s[%d]: got %v want %v (infinite, must be equal)", name, i, g, w)
				}
				bad++
			}
			continue
		}
		d := cabs(g - w)
		if d > rel*cabs(w)+abs*scale {
			if bad < 5 {
				t.Errorf("%s[%d]: got %v want %v (|Δ| %.3g, rel %.3g, scale %.3g)", name, i, g, w, d, d/cabs(w), scale)
			}
			bad++
		}
		if cabs(w) > 1e-3*scale {
			if r := d / cabs(w); r > worst {
				worst = r
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d coefficients out of tolerance", name, bad, len(want))
	}
	return worst
}

// CompareFloor checks got against want element by element:
//
//	|got−want| ≤ rtol·max(|want|, floor·scale),  scale = max |want| over the set,
//
// the scale taken over the finite values. NaNs must match (every mismatch is
// reported); ±Inf must equal want exactly (counted as out of tolerance
// otherwise; an infinite want used to make every tolerance infinite). The first 5 values out of
// tolerance are reported individually and, when there are more, their count.
// It returns the worst ratio |got−want| / max(|want|, floor·scale). Lengths
// must agree (else t.Fatalf).
func CompareFloor(t testing.TB, name string, got, want []float64, rtol, floor float64) float64 {
	t.Helper()
	scale := wantScale(t, name, got, want, math.Abs)
	worst, bad := 0.0, 0
	for i := range want {
		if math.IsNaN(want[i]) || math.IsNaN(got[i]) {
			if math.IsNaN(want[i]) != math.IsNaN(got[i]) {
				t.Errorf("%s[%d]: got %g, want %g", name, i, got[i], want[i])
			}
			continue
		}
		if math.IsInf(want[i], 0) || math.IsInf(got[i], 0) {
			if got[i] != want[i] {
				bad++
				if bad <= 5 {
					t.Errorf("%s[%d]: got %g, want %g (infinite, must be equal)", name, i, got[i], want[i])
				}
			}
			continue
		}
		den := math.Max(math.Abs(want[i]), floor*scale)
		r := math.Abs(got[i]-want[i]) / den
		worst = math.Max(worst, r)
		if r > rtol {
			bad++
			if bad <= 5 {
				t.Errorf("%s[%d]: got %.8g, want %.8g (rel %.2e > %.0e)", name, i, got[i], want[i], r, rtol)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d values out of tolerance", name, bad, len(want))
	}
	return worst
}

// wantScale fails the test when got and want differ in length and returns
// max abs(want) over the entries whose abs is finite.
func wantScale[T any](t testing.TB, name string, got, want []T, abs func(T) float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 0.0
	for _, w := range want {
		if a := abs(w); !math.IsNaN(a) && !math.IsInf(a, 0) && a > scale {
			scale = a
		}
	}
	return scale
}

func cabs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }

// isInfC reports whether a part of z is infinite.
func isInfC(z complex128) bool { return math.IsInf(real(z), 0) || math.IsInf(imag(z), 0) }
