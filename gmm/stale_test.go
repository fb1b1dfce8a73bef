package gmm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEditedModelIsNotStale edits the exported covariances of a fitted model and checks that the
// evaluation methods use the edited values: they must agree with a fresh Model built from the same
// fields, and a covariance made non-positive-definite must be refused, not evaluated with the
// factors cached from the fit.
func TestEditedModelIsNotStale(t *testing.T) {
	x, _, _ := threeBlobs(50, 2)
	for _, cov := range []CovType{Full, Diag} {
		m, err := Fit(x, Options{K: 3, Cov: cov, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Quadruple the covariance of component 0 in place.
		if cov == Full {
			m.Covs[0].ScaleSym(4, m.Covs[0])
		} else {
			for j := range m.Vars[0] {
				m.Vars[0][j] *= 4
			}
		}
		fresh := &Model{K: m.K, D: m.D, Cov: m.Cov, Weights: m.Weights, Means: m.Means, Covs: m.Covs, Vars: m.Vars}
		got, err := m.LogProb(x)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.LogProb(x)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Fatalf("%s: row %d: edited model gives log p %.12g, a fresh model with the same fields %.12g", cov, i, got[i], want[i])
			}
		}
		if cov == Full {
			m.Covs[1] = mat.NewSymDense(2, []float64{1, 2, 2, 1}) // eigenvalues 3 and −1
			if _, err := m.LogProb(x); err == nil {
				t.Errorf("full: a covariance that is not positive definite was evaluated with the fit's cached factors")
			}
		}
	}
}
