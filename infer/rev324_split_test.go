package infer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// rev324Component returns the mean and covariance (+ eps on the diagonal)
// of the rows of X.
func rev324Component(X *mat.Dense, eps float64) ([]float64, []float64) {
	n, d := X.Dims()
	mu := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range X.RawRowView(i) {
			mu[j] += v / float64(n)
		}
	}
	c := make([]float64, d*d)
	for i := 0; i < n; i++ {
		r := X.RawRowView(i)
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				c[a*d+b] += (r[a] - mu[a]) * (r[b] - mu[b]) / float64(n)
			}
		}
	}
	for a := 0; a < d; a++ {
		c[a*d+a] += eps
	}
	return mu, c
}

// TestRev324SplitGeometry checks splitForDeadPatchComponents itself, which
// TestReseed24SplitKeepsK sees only through the number of components kept.
// Case 1: one live component over two clusters of 200 rows at x = ±3
// (d 2), one dead: the dead one takes half of it, the means mu ± h·v with
// h² = 2λ/π (λ the covariance's top eigenvalue), both covariances
// cov − h²·v·vᵀ = cov − ΔΔᵀ/4 (Δ the difference of the new means), weights
// 0.5 and 0.5. Case 2: 388 rows at 0 (a masked area) and 12 at x = 2
// (d 4): the zeros lie within √(2λ/π)/2 of the mean and count on neither
// side, so nothing is split and the mixture is left as it was (counted by
// sign alone they made one side and the component was split).
func TestRev324SplitGeometry(t *testing.T) {
	const eps = 1e-3
	rng := rand.New(rand.NewPCG(4, 2))
	X := mat.NewDense(400, 2, nil)
	for i := 0; i < 400; i++ {
		c := 3.0
		if i%2 == 1 {
			c = -3
		}
		X.Set(i, 0, c+0.5*rng.NormFloat64())
		X.Set(i, 1, rng.NormFloat64())
	}
	R := mat.NewDense(400, 2, nil)
	for i := 0; i < 400; i++ {
		R.Set(i, 0, 1)
	}
	m, c := rev324Component(X, eps)
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(2, slices.Clone(c)), false) {
		t.Fatal("eigen")
	}
	lam := slices.Max(es.Values(nil))
	pi := []float64{1, 0.3}
	mu := [][]float64{slices.Clone(m), {50, 50}}
	cov := [][]float64{slices.Clone(c), {eps, 0, 0, eps}}
	moved := splitForDeadPatchComponents(X, R, []bool{false, true}, pi, mu, cov, eps)
	if !slices.Equal(moved, []bool{false, true}) {
		t.Fatalf("moved %v, want [false true]", moved)
	}
	if pi[0] != 0.5 || pi[1] != 0.5 {
		t.Errorf("weights %v, want [0.5 0.5]", pi)
	}
	delta := []float64{mu[0][0] - mu[1][0], mu[0][1] - mu[1][1]}
	h2 := 2 * lam / math.Pi
	if got := (delta[0]*delta[0] + delta[1]*delta[1]) / 4; math.Abs(got-h2) > 1e-12*h2 {
		t.Errorf("|Δ|²/4 = %.15g, want 2λ/π = %.15g", got, h2)
	}
	for j := range m {
		if s := mu[0][j] + mu[1][j]; math.Abs(s-2*m[j]) > 1e-12 {
			t.Errorf("mean %d: halves sum to %.15g, want 2·%.15g", j, s, m[j])
		}
	}
	if math.Abs(delta[0]) < 0.99*2*math.Sqrt(h2) {
		t.Errorf("Δ %v: not along x (the clusters' axis)", delta)
	}
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			want := c[a*2+b] - delta[a]*delta[b]/4
			if math.Abs(cov[0][a*2+b]-want) > 1e-12*lam || cov[1][a*2+b] != cov[0][a*2+b] {
				t.Errorf("cov[%d,%d]: %.15g and %.15g, want %.15g", a, b, cov[0][a*2+b], cov[1][a*2+b], want)
			}
		}
	}
	if _, _, ok := cholInvLower(cov[1], 2); !ok {
		t.Errorf("split covariance not positive definite: %v", cov[1])
	}

	// case 2: a point mass and a few rows on one side
	Z := mat.NewDense(400, 4, nil)
	for i := 388; i < 400; i++ {
		Z.Set(i, 0, 2+0.1*rng.NormFloat64())
		for j := 1; j < 4; j++ {
			Z.Set(i, j, 0.1*rng.NormFloat64())
		}
	}
	RZ := mat.NewDense(400, 2, nil)
	for i := 0; i < 400; i++ {
		RZ.Set(i, 0, 1)
	}
	mz, cz := rev324Component(Z, eps)
	eye := []float64{eps, 0, 0, 0, 0, eps, 0, 0, 0, 0, eps, 0, 0, 0, 0, eps}
	pi = []float64{1, 0.3}
	mu = [][]float64{slices.Clone(mz), {5, 5, 5, 5}}
	cov = [][]float64{slices.Clone(cz), slices.Clone(eye)}
	moved = splitForDeadPatchComponents(Z, RZ, []bool{false, true}, pi, mu, cov, eps)
	if slices.Contains(moved, true) || !slices.Equal(pi, []float64{1, 0.3}) || !slices.Equal(mu[0], mz) || !slices.Equal(cov[0], cz) || !slices.Equal(cov[1], eye) {
		t.Errorf("point mass: moved %v, weights %v, means %v: want nothing split", moved, pi, mu)
	}
}
