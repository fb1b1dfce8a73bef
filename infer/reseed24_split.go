package infer

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// splitForDeadPatchComponents moves each dead component of the mixture
// (dead[k]: it held fewer than d rows) onto half of a live one (split EM).
// R holds the responsibilities of the E-step just done (n×K). A live
// component j can be split when it holds at least 4d rows (pi[j]·n), λ, the
// largest eigenvalue of its covariance (v its unit eigenvector), exceeds
// 10·eps, and at least 2d of the rows it holds most (R[i,j] ≥ 0.5) lie on
// each side of its mean along v farther from it than √(2λ/π)/2. Of those,
// the one with the largest pi[j]·λ gives half its weight to the dead one;
// the two means become mu[j] ± √(2λ/π)·v (the means of the two halves of a
// Gaussian cut across v), both covariances cov[j] − (2λ/π)·v·vᵀ. The halves
// then compete for j's rows, so the new component starts with about half
// of them, not with the few rows near one badly explained row that
// reseedDeadPatchComponents gives it (on the demo's cluster patches those
// died again at every iteration). The distance rule keeps rows at one
// point near the mean (a masked area's zeros, which pull the mean of a
// component holding them within √(2λ/π)/2 of them) from counting on
// either side (a point farther out counts on one side, never both):
// counted by sign alone, a component holding the zeros and a few noise rows was
// split, both halves ended on the zeros with equal means
// (TestPfixlib22ZeroHeavyFit, seeds 2 and 3). Each component is split at
// most once per call. It returns the dead components it moved; the others
// (no component left to split) are left to reseedDeadPatchComponents. The
// weights are not normalised here.
func splitForDeadPatchComponents(X, R *mat.Dense, dead []bool, pi []float64, mu, cov [][]float64, eps float64) []bool {
	n, d := X.Dims()
	K := len(pi)
	split := make([]bool, K)
	moved := make([]bool, K)
	// what a split needs of each live component, found once per call (its
	// rows, eigenvector and sides do not change until it is split)
	type axis struct {
		lam float64
		v   []float64
		ok  bool // it can be split
	}
	ax := make([]*axis, K)
	candidate := func(j int) *axis {
		if ax[j] != nil {
			return ax[j]
		}
		a := &axis{}
		ax[j] = a
		if pi[j]*float64(n) < float64(4*d) {
			return a
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(d, append([]float64(nil), cov[j]...)), true) {
			return a
		}
		vals := es.Values(nil)
		var vec mat.Dense
		es.VectorsTo(&vec)
		top := len(vals) - 1 // ascending
		a.lam, a.v = vals[top], mat.Col(nil, top, &vec)
		a.ok = a.lam > 10*eps && twoSided(X, R, j, mu[j], a.v, 0.5*math.Sqrt(2*a.lam/math.Pi), 2*d)
		return a
	}
	for k := 0; k < K; k++ {
		if !dead[k] {
			continue
		}
		best, score := -1, 0.0
		for j := 0; j < K; j++ {
			if dead[j] || split[j] {
				continue
			}
			a := candidate(j)
			if !a.ok {
				continue
			}
			if s := pi[j] * a.lam; s > score {
				best, score = j, s
			}
		}
		if best < 0 {
			continue
		}
		a := ax[best]
		h := math.Sqrt(2 * a.lam / math.Pi)
		m0, m1 := make([]float64, d), make([]float64, d)
		for i := range m0 {
			m0[i] = mu[best][i] + h*a.v[i]
			m1[i] = mu[best][i] - h*a.v[i]
		}
		c := make([]float64, d*d)
		for r := 0; r < d; r++ {
			for s := 0; s < d; s++ {
				c[r*d+s] = cov[best][r*d+s] - h*h*a.v[r]*a.v[s]
			}
		}
		mu[best], mu[k] = m0, m1
		cov[best], cov[k] = c, append([]float64(nil), c...)
		pi[best] /= 2
		pi[k] = pi[best]
		moved[k] = true
		split[best], split[k] = true, true
	}
	return moved
}

// twoSided reports whether at least m of the rows component j holds most
// (R[i,j] ≥ 0.5) lie on each side of mu along v, farther than gap from it.
func twoSided(X, R *mat.Dense, j int, mu, v []float64, gap float64, m int) bool {
	n, _ := X.Dims()
	pos, neg := 0, 0
	for i := 0; i < n; i++ {
		if R.At(i, j) < 0.5 {
			continue
		}
		t := 0.0
		for c, x := range X.RawRowView(i) {
			t += (x - mu[c]) * v[c]
		}
		if t > gap {
			pos++
		} else if t < -gap {
			neg++
		}
	}
	return pos >= m && neg >= m
}
