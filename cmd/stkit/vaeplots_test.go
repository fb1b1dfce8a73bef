package main

import (
	"math"
	"strings"
	"testing"
)

// The loss panels fit their y axis to the epochs after the first 10 % and say so in the title
// when earlier values are off the scale, with the epoch numbers of the run (also a resumed one).
func TestFitLossAxis(t *testing.T) {
	decay := func(n, start int) (ep, train, val []float64) {
		for i := 0; i < n; i++ {
			ep = append(ep, float64(start+i))
			train = append(train, 1+100*math.Exp(-float64(i)))
			val = append(val, 1.5+100*math.Exp(-float64(i)))
		}
		return
	}
	for _, c := range []struct {
		n, start, first int
		note            string
	}{
		{50, 1, 5, "(y axis fitted to epochs 6–50; earlier values off scale)"},
		{6, 1, 1, "(y axis fitted to epochs 2–6; earlier values off scale)"},
		{11, 1, 2, "(y axis fitted to epochs 3–11; earlier values off scale)"},
		{20, 31, 2, "(y axis fitted to epochs 33–50; earlier values off scale)"}, // resumed at epoch 31
	} {
		ep, tr, va := decay(c.n, c.start)
		a := fitLossAxis(ep, tr, va)
		if !a.ok || a.first != c.first || a.note != c.note {
			t.Errorf("n=%d start=%d: got ok=%v first=%d note %q, want first=%d note %q", c.n, c.start, a.ok, a.first, a.note, c.first, c.note)
		}
		// The range covers the fitted epochs of both series, padded by 10 %.
		lo, hi := math.Min(tr[c.n-1], va[c.n-1]), math.Max(tr[c.first], va[c.first])
		pad := 0.1 * (hi - lo)
		if math.Abs(a.lo-(lo-pad)) > 1e-12 || math.Abs(a.hi-(hi+pad)) > 1e-12 {
			t.Errorf("n=%d: range [%g, %g], want [%g, %g]", c.n, a.lo, a.hi, lo-pad, hi+pad)
		}
	}

	// No note when the early epochs lie inside the fitted range.
	ep := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	flat := []float64{2, 1, 3, 1, 3, 1, 3, 1}
	if a := fitLossAxis(ep, flat, flat); !a.ok || a.note != "" {
		t.Errorf("early values in range: ok=%v note %q, want no note", a.ok, a.note)
	}
	// Not fitted: no validation series, fewer than 6 epochs, constant later values.
	if a := fitLossAxis(ep, flat, nil); a.ok {
		t.Error("fitted without a validation series")
	}
	if a := fitLossAxis(ep[:5], flat[:5], flat[:5]); a.ok {
		t.Error("fitted with 5 epochs")
	}
	if a := fitLossAxis(ep, []float64{9, 1, 1, 1, 1, 1, 1, 1}, []float64{9, 1, 1, 1, 1, 1, 1, 1}); a.ok {
		t.Error("fitted a constant range")
	}
	// NaN validation epochs (not evaluated) are skipped.
	nan := math.NaN()
	va := []float64{nan, nan, 4, nan, 2, nan, 3, nan}
	tr := []float64{50, 5, 4, 3, 2, 2, 2, 2}
	a := fitLossAxis(ep, tr, va)
	if !a.ok || math.Abs(a.lo-1.7) > 1e-12 || math.Abs(a.hi-5.3) > 1e-12 || !strings.Contains(a.note, "epochs 2–8") {
		t.Errorf("with NaN validation epochs: %+v, want [1.7, 5.3] and a note for epochs 2–8", a)
	}
}
