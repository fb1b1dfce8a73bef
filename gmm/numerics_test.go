package gmm

import (
	"math"
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
