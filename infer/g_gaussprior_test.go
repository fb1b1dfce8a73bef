package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGaussPriorIsScaledNegLogDensity pins GaussPriorOp's doc: for the
// stationary Gaussian field of spectrum P (covariance C built in pixel space
// from P, E|FFT(x)(k)|²/(M N) = P(k)), G(x) = (2/K)·½ xᵀC⁻¹x minus the k = 0
// term |FFT(x)(0)|²/(K M N P(0)) — (2/K)·(−log p(x)) up to an additive
// constant and the mean term (the doc once said G is −log p itself) — and
// E[G] = 1 over draws of that field.
func TestGaussPriorIsScaledNegLogDensity(t *testing.T) {
	const m, n = 4, 6
	p := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			kx, ky := float64(freq(i, m)), float64(freq(j, n))
			p[i*n+j] = 1 / (1 + kx*kx + 0.5*ky*ky)
		}
	}
	op, err := NewGaussPriorOp(p, m, n)
	if err != nil {
		t.Fatal(err)
	}
	if op.Modes() != m*n-1 {
		t.Fatalf("K = %d, want %d", op.Modes(), m*n-1)
	}
	K := float64(op.Modes())
	// C_{ab} = c(r_a − r_b), c(r) = (1/MN) Σ_k P(k) cos(2π k·r) (P(0) as given).
	C := mat.NewSymDense(m*n, nil)
	for a := 0; a < m*n; a++ {
		for b := a; b < m*n; b++ {
			rx, ry := a/n-b/n, a%n-b%n
			c := 0.0
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					c += p[i*n+j] * math.Cos(2*math.Pi*(float64(freq(i, m)*rx)/m+float64(freq(j, n)*ry)/n))
				}
			}
			C.SetSym(a, b, c/float64(m*n))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(C) {
		t.Fatal("covariance not positive definite")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 5; trial++ {
		x := make([]float64, m*n)
		for i := range x {
			x[i] = rng.NormFloat64() + 0.7
		}
		var ci mat.VecDense
		if err := ch.SolveVecTo(&ci, mat.NewVecDense(m*n, x)); err != nil {
			t.Fatal(err)
		}
		negLogP := 0.5 * mat.Dot(mat.NewVecDense(m*n, x), &ci) // −log p(x) − const
		sum := 0.0
		for _, v := range x {
			sum += v
		}
		k0 := sum * sum / (K * float64(m*n) * p[0]) // the mean term G leaves out
		want := 2/K*negLogP - k0
		if g := op.G(x); math.Abs(g-want) > 1e-10*math.Abs(want) {
			t.Errorf("trial %d: G = %.12g, (2/K)(−log p) − k0 term = %.12g", trial, g, want)
		}
	}
	// E[G] = 1 over draws x = L z of the field.
	var L mat.TriDense
	ch.LTo(&L)
	const draws = 4000
	mean := 0.0
	for d := 0; d < draws; d++ {
		z := mat.NewVecDense(m*n, nil)
		for i := 0; i < m*n; i++ {
			z.SetVec(i, rng.NormFloat64())
		}
		var x mat.VecDense
		x.MulVec(&L, z)
		mean += op.G(x.RawVector().Data) / draws
	}
	if math.Abs(mean-1) > 0.05 {
		t.Errorf("E[G] over %d draws of the field = %.4f, want 1", draws, mean)
	}
	t.Logf("E[G] over %d draws = %.4f", draws, mean)
}
