package infer

import (
	"errors"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFixc25MinRowsOneRule: MinRows is the P² + 1 that KFor divides by and
// FitPatchPrior, CheckSize and export check; smallestSide is the square
// and column loops tooFewRowsError and CheckSize each had (same sides as
// those loops, copied here, on a grid of options).
func TestFixc25MinRowsOneRule(t *testing.T) {
	if got := (PatchPriorOptions{}).MinRows(); got != 37 {
		t.Errorf("defaults: MinRows %d, want 37", got)
	}
	if got := (PatchPriorOptions{P: 3, K: 5}).MinRows(); got != 10 {
		t.Errorf("P 3: MinRows %d, want 10", got)
	}
	for _, p := range []int{1, 2, 3, 6, 8} {
		for _, stride := range []int{1, 2, 4, 5} {
			for _, noAug := range []bool{false, true} {
				o := PatchPriorOptions{P: p, Stride: stride, NoAugment: noAug}
				o.defaults()
				need := o.MinRows()
				if o.KFor(need-1) != 0 || o.KFor(need) != 1 || o.KFor(20*need) != 20 || o.KFor(20*need-1) != 19 {
					t.Errorf("%+v: KFor around MinRows %d: %d %d %d %d", o, need, o.KFor(need-1), o.KFor(need), o.KFor(20*need-1), o.KFor(20*need))
				}
				oldSq := o.P
				for o.TrainingRows(1, oldSq, oldSq) < need {
					oldSq++
				}
				if sq := o.smallestSide(func(s int) int { return o.TrainingRows(1, s, s) }); sq != oldSq {
					t.Errorf("P %d, stride %d, no augment %v: square %d, loop %d", p, stride, noAug, sq, oldSq)
				}
				for m := o.P; m < o.P+12; m++ {
					oldCols := o.P
					for o.TrainingRows(1, m, oldCols) < need {
						oldCols++
					}
					if cols := o.smallestSide(func(s int) int { return o.TrainingRows(1, m, s) }); cols != oldCols {
						t.Errorf("P %d, stride %d, no augment %v, %d rows: columns %d, loop %d", p, stride, noAug, m, cols, oldCols)
					}
				}
			}
		}
	}
	o := PatchPriorOptions{MaxRows: 36}
	o.defaults()
	if s := o.smallestSide(func(s int) int { return o.TrainingRows(1, s, s) }); s != 0 {
		t.Errorf("MaxRows 36: side %d, want 0 (no side reaches 37)", s)
	}
}

// TestFixc25AllDeadAdvice: patchGMMEM's error when every component dies
// at once advised "more training patches or a smaller K", as before
// kcap25; through FitPatchPrior (KFor) only a K of millions on 10⁸ rows
// or more can reach it, where more rows need not help. It names the
// components given and the most these rows are sure to keep, and advises a
// smaller K. Here ten equal components on 40 rows of 2×2 each hold 4 < 4 +
// 4e-7 rows: at most ⌊40/5⌋ = 8.
func TestFixc25AllDeadAdvice(t *testing.T) {
	const n, d, k, eps = 40, 4, 10, 1e-3
	X := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			X.Set(i, j, float64((i*7+j*3)%11))
		}
	}
	pi := make([]float64, k)
	mu := make([][]float64, k)
	cov := make([][]float64, k)
	for c := range k {
		pi[c] = 1.0 / k
		mu[c] = make([]float64, d)
		cov[c] = make([]float64, d*d)
		for j := range d {
			cov[c][j*d+j] = 1
		}
	}
	_, err := patchGMMEM(X, pi, mu, cov, eps, 10, nil)
	want := "patch prior: EM: no mixture component holds 4 rows (P² = 4 pixels) of the 40 training rows (iteration 1): 10 mixture components are more than these rows hold (at most 8, one per P² + 1 = 5 rows below 10⁸ rows): give a smaller K (PatchPriorOptions.K, --patch-prior-k)"
	if err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// 2·10⁸ rows of 6×6: the threshold is 36 + 2 rows, so at most
	// ⌊2e8/38⌋ = 5263157 components (not ⌊2e8/37⌋ = 5405405, KFor's)
	for _, c := range []struct{ n, k, max int }{{200000000, 5400000, 5263157}, {99999999, 2800000, 2702702}} {
		got := allDeadError(c.n, 36, c.k, 3).Error()
		want := fmt.Sprintf("patch prior: EM: no mixture component holds 36 rows (P² = 36 pixels) of the %d training rows (iteration 3): %d mixture components are more than these rows hold (at most %d, one per P² + 1 = 37 rows below 10⁸ rows): give a smaller K (PatchPriorOptions.K, --patch-prior-k)", c.n, c.k, c.max)
		if got != want {
			t.Errorf("n %d:\n got %s\nwant %s", c.n, got, want)
		}
	}
}
