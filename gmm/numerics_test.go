package gmm

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Means and covariances are the responsibility-weighted sample moments, also for data far from 0.
// Every divisor held an extra 1e-10 (documented as scikit-learn's 10·eps, 2.2e-15), which shrank
// each mean towards 0 by a relative 1e-10/N_k: for 4 rows at 1e8 + 0.01·i the mean was off by
// 2.5e-3 and the variance, 1.25e-4, came out 5 % too large.
func TestMomentsOfOffsetData(t *testing.T) {
	const n = 4
	x := mat.NewDense(n, 1, nil)
	mean := 0.0
	for i := 0; i < n; i++ {
		x.Set(i, 0, 1e8+0.01*float64(i))
		mean += x.At(i, 0)
	}
	mean /= n
	vr := 0.0
	for i := 0; i < n; i++ {
		vr += (x.At(i, 0) - mean) * (x.At(i, 0) - mean)
	}
	vr /= n
	for _, cov := range []CovType{Full, Diag} {
		m, err := Fit(x, Options{K: 1, Cov: cov, Reg: -1})
		if err != nil {
			t.Fatalf("%s: %v", cov, err)
		}
		got := 0.0
		if cov == Full {
			got = m.Covs[0].At(0, 0)
		} else {
			got = m.Vars[0][0]
		}
		if math.Abs(m.Means[0][0]-mean) > 1e-7 || math.Abs(got-vr) > 1e-9*vr {
			t.Errorf("%s: mean %.12g variance %.6g, want %.12g and %.6g", cov, m.Means[0][0], got, mean, vr)
		}
	}
}

// A covariance that EM makes singular is an error that says why (duplicate or collinear rows), the
// ridge in use and which option to change; evaluating a hand-built non-positive-definite
// covariance does not point to Options.Reg, which plays no part there. Fit said "increase
// Options.Reg" also when the ridge was off (Reg < 0) and for hand-built models, and prefixed a
// single initialisation's error with "all 1 initialisations failed".
func TestSingularCovarianceErrors(t *testing.T) {
	dup := mat.NewDense(5, 2, []float64{3, 4, 3, 4, 3, 4, 3, 4, 3, 4})
	line := mat.NewDense(50, 2, nil)
	for i := 0; i < 50; i++ {
		v := 1e7 * float64(i%7) / 3
		line.Set(i, 0, v)
		line.Set(i, 1, v)
	}
	for _, c := range []struct {
		name string
		x    *mat.Dense
		opt  Options
		want []string
	}{
		{"duplicates, full, no ridge", dup, Options{K: 1, Reg: -1},
			[]string{"gmm: covariance of component 0 is not positive definite after an EM step", "duplicates", "no ridge", "Options.Reg < 0", "Options.K"}},
		{"duplicates, diag, no ridge", dup, Options{K: 1, Cov: Diag, Reg: -1},
			[]string{"gmm: EM gave component 0 zero variance along axis 0", "duplicates", "Options.Reg < 0", "Options.K"}},
		{"collinear rows at 1e7, default ridge", line, Options{K: 2},
			[]string{"not positive definite after an EM step", "Options.Reg = 1e-06", "too small", "rescale the data"}},
		{"three initialisations", line, Options{K: 2, NInit: 3},
			[]string{"gmm: all 3 initialisations failed; the last: covariance of component", "rescale the data"}},
	} {
		_, err := Fit(c.x, c.opt)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.name, err, w)
			}
		}
		if c.opt.NInit <= 1 && strings.Contains(err.Error(), "initialisations") {
			t.Errorf("%s: error %q speaks of initialisations for a single one", c.name, err)
		}
	}
	m := &Model{K: 1, D: 2, Cov: Full, Weights: []float64{1}, Means: [][]float64{{0, 0}},
		Covs: []*mat.SymDense{mat.NewSymDense(2, []float64{1, 2, 2, 1})}}
	_, err := m.LogProb(dup)
	if err == nil || err.Error() != "gmm: covariance of component 0 is not positive definite" {
		t.Errorf("hand-built model: error %v, want only that covariance 0 is not positive definite", err)
	}
}
