package gmm

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	_ "github.com/stkit-org/stkit/internal/gomlxfix"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"gonum.org/v1/gonum/mat"
)

// threeBlobs draws n points per component from a known 2-D mixture with full covariances.
func threeBlobs(n int, seed uint64) (*mat.Dense, []int, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	means := [][]float64{{-4, 0}, {4, 1}, {0, 6}}
	// Cholesky factors of the true covariances.
	chols := [][4]float64{{1, 0, 0.5, 0.6}, {0.7, 0, -0.3, 1.1}, {1.2, 0, 0, 0.5}}
	x := mat.NewDense(3*n, 2, nil)
	labels := make([]int, 3*n)
	for k := 0; k < 3; k++ {
		L := chols[k]
		for i := 0; i < n; i++ {
			e0, e1 := rng.NormFloat64(), rng.NormFloat64()
			r := k*n + i
			x.Set(r, 0, means[k][0]+L[0]*e0)
			x.Set(r, 1, means[k][1]+L[2]*e0+L[3]*e1)
			labels[r] = k
		}
	}
	return x, labels, means
}

// axisBlobs is threeBlobs with diagonal covariances.
func axisBlobs(n int, seed uint64) (*mat.Dense, []int, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 8))
	means := [][]float64{{-4, 0}, {4, 1}, {0, 6}}
	sd := [][2]float64{{1, 0.6}, {0.7, 1.1}, {1.2, 0.5}}
	x := mat.NewDense(3*n, 2, nil)
	labels := make([]int, 3*n)
	for k := 0; k < 3; k++ {
		for i := 0; i < n; i++ {
			r := k*n + i
			x.Set(r, 0, means[k][0]+sd[k][0]*rng.NormFloat64())
			x.Set(r, 1, means[k][1]+sd[k][1]*rng.NormFloat64())
			labels[r] = k
		}
	}
	return x, labels, means
}

func TestRecoverThreeClusters(t *testing.T) {
	x, labels, means := threeBlobs(400, 1)
	for _, cov := range []CovType{Full, Diag} {
		m, err := Fit(x, Options{K: 3, Cov: cov, Seed: 3})
		if err != nil {
			t.Fatalf("%s: %v", cov, err)
		}
		if !m.Converged {
			t.Errorf("%s: EM did not converge in %d iterations", cov, m.Iter)
		}
		// Match each true mean to the closest fitted mean.
		pred, _ := m.Predict(x)
		used := map[int]bool{}
		for k, mu := range means {
			best, bd := -1, math.Inf(1)
			for j := 0; j < 3; j++ {
				if d := sqDist(mu, m.Means[j]); d < bd {
					best, bd = j, d
				}
			}
			if used[best] {
				t.Fatalf("%s: two true means matched fitted component %d", cov, best)
			}
			used[best] = true
			if math.Sqrt(bd) > 0.2 {
				t.Errorf("%s: component %d mean %v, want %v (distance %.3f > 0.2)", cov, k, m.Means[best], mu, math.Sqrt(bd))
			}
			if math.Abs(m.Weights[best]-1.0/3) > 0.03 {
				t.Errorf("%s: weight %.3f, want 1/3", cov, m.Weights[best])
			}
			// Labels of that blob should be predicted as `best`.
			wrong := 0
			for i, l := range labels {
				if l == k && pred[i] != best {
					wrong++
				}
			}
			if wrong > 8 {
				t.Errorf("%s: %d of 400 points of blob %d misassigned", cov, wrong, k)
			}
		}
		if cov == Full {
			// Check the first covariance against the truth L Lᵀ = [[1, .5], [.5, .61]].
			for j := 0; j < 3; j++ {
				if sqDist(m.Means[j], means[0]) < 0.04 {
					c := m.Covs[j]
					want := [3]float64{1, 0.5, 0.61}
					got := [3]float64{c.At(0, 0), c.At(0, 1), c.At(1, 1)}
					for q := range want {
						if math.Abs(got[q]-want[q]) > 0.15 {
							t.Errorf("full covariance of blob 0: got %v, want %v", got, want)
							break
						}
					}
				}
			}
		}
		// Responsibilities are normalised.
		r, _ := m.Responsibilities(x)
		for i := 0; i < 10; i++ {
			s := 0.0
			for k := 0; k < 3; k++ {
				s += r.At(i, k)
			}
			if math.Abs(s-1) > 1e-12 {
				t.Fatalf("responsibilities row %d sums to %v", i, s)
			}
		}
	}
}

func TestLogLikelihoodMatchesDirect(t *testing.T) {
	// A hand-built full model: compare LogProb with a direct two-component evaluation.
	m := &Model{K: 2, D: 2, Cov: Full, Weights: []float64{0.3, 0.7},
		Means: [][]float64{{0, 0}, {1, 2}},
		Covs:  []*mat.SymDense{mat.NewSymDense(2, []float64{2, 0.3, 0.3, 1}), mat.NewSymDense(2, []float64{0.5, 0, 0, 0.25})}}
	x := mat.NewDense(2, 2, []float64{0.5, -1, 2, 2})
	lp, err := m.LogProb(x)
	if err != nil {
		t.Fatal(err)
	}
	gauss := func(x, mu []float64, c [4]float64) float64 {
		det := c[0]*c[3] - c[1]*c[2]
		dx, dy := x[0]-mu[0], x[1]-mu[1]
		q := (c[3]*dx*dx - 2*c[1]*dx*dy + c[0]*dy*dy) / det
		return math.Exp(-0.5*q) / (2 * math.Pi * math.Sqrt(det))
	}
	for i := 0; i < 2; i++ {
		row := x.RawRowView(i)
		p := 0.3*gauss(row, []float64{0, 0}, [4]float64{2, 0.3, 0.3, 1}) + 0.7*gauss(row, []float64{1, 2}, [4]float64{0.5, 0, 0, 0.25})
		if math.Abs(lp[i]-math.Log(p)) > 1e-12 {
			t.Errorf("row %d: log p = %.15g, want %.15g", i, lp[i], math.Log(p))
		}
	}
}

func TestBICPicksK(t *testing.T) {
	for _, cov := range []CovType{Full, Diag} {
		// Correlated blobs for the full model; axis-aligned ones for the diagonal model (a diagonal
		// model legitimately needs extra components to describe tilted ellipses).
		x, _, _ := threeBlobs(150, 2)
		if cov == Diag {
			x, _, _ = axisBlobs(150, 2)
		}
		best, bics, err := SelectK(x, []int{1, 2, 3, 4, 5}, Options{Cov: cov, Seed: 11, NInit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if best.K != 3 {
			t.Errorf("%s: BIC picked K=%d, want 3 (BICs %v)", cov, best.K, bics)
		}
		if cov == Full && best.NumParams() != 2+6+9 {
			t.Errorf("NumParams = %d, want 17", best.NumParams())
		}
	}
}

func TestDeterministicSeed(t *testing.T) {
	x, _, _ := threeBlobs(100, 5)
	a, _ := Fit(x, Options{K: 3, Seed: 9, NInit: 2})
	b, _ := Fit(x, Options{K: 3, Seed: 9, NInit: 2})
	if a.LogLik != b.LogLik || a.Means[0][0] != b.Means[0][0] {
		t.Fatalf("same seed gave different fits: %v vs %v", a.LogLik, b.LogLik)
	}
}

func TestGraphLogDensityMatchesHost(t *testing.T) {
	x, _, _ := threeBlobs(40, 3)
	m, err := Fit(x, Options{K: 3, Cov: Diag, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Skew the weights so the logits matter.
	m.Weights = []float64{0.2, 0.5, 0.3}
	hostLP, _ := m.LogProb(x)
	hostR, _ := m.Responsibilities(x)
	means, logvars, logits, err := m.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	// Shift the logits by a constant: the graph normalises them with a softmax.
	for i := range logits {
		logits[i] += 1.7
	}
	n, d := x.Dims()
	xf := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xf[i*d+j] = float32(x.At(i, j))
		}
	}
	b := gomlxtest.Backend(t)
	exec := MustNewExec(b, func(x, mu, lv, lg *Node) (*Node, *Node) {
		return LogProbGraph(x, mu, lv, lg), ResponsibilitiesGraph(x, mu, lv, lg)
	})
	out := exec.MustExec(
		tensors.FromFlatDataAndDimensions(xf, n, d),
		tensors.FromFlatDataAndDimensions(means, 3, d),
		tensors.FromFlatDataAndDimensions(logvars, 3, d),
		tensors.FromFlatDataAndDimensions(logits, 3))
	glp := tensors.MustCopyFlatData[float32](out[0])
	gr := tensors.MustCopyFlatData[float32](out[1])
	for i := 0; i < n; i++ {
		if math.Abs(float64(glp[i])-hostLP[i]) > 1e-4*math.Max(1, math.Abs(hostLP[i])) {
			t.Errorf("row %d: graph log p %.6f, host %.6f", i, glp[i], hostLP[i])
		}
		for k := 0; k < 3; k++ {
			if math.Abs(float64(gr[i*3+k])-hostR.At(i, k)) > 1e-4 {
				t.Errorf("row %d comp %d: graph resp %.6f, host %.6f", i, k, gr[i*3+k], hostR.At(i, k))
			}
		}
	}
}

func TestGraphGradientFiniteDifference(t *testing.T) {
	// d/dμ of Σ_b log p(x_b) against central differences (float64 graph).
	b := gomlxtest.Backend(t)
	xs := []float64{0.3, -0.2, 1.1, 0.4, -0.7, 0.9}
	mu := []float64{0, 0, 1, 0.5}
	lv := []float64{0.1, -0.3, 0.2, 0.0}
	lg := []float64{0.4, -0.1}
	f := func(mu []float64) float64 {
		e := MustNewExec(b, func(x, m, v, l *Node) *Node { return ReduceAllSum(LogProbGraph(x, m, v, l)) })
		o := e.MustExec(tensors.FromFlatDataAndDimensions(xs, 3, 2), tensors.FromFlatDataAndDimensions(mu, 2, 2),
			tensors.FromFlatDataAndDimensions(lv, 2, 2), tensors.FromFlatDataAndDimensions(lg, 2))
		return tensors.MustCopyFlatData[float64](o[0])[0]
	}
	e := MustNewExec(b, func(x, m, v, l *Node) *Node {
		return Gradient(ReduceAllSum(LogProbGraph(x, m, v, l)), m)[0]
	})
	o := e.MustExec(tensors.FromFlatDataAndDimensions(xs, 3, 2), tensors.FromFlatDataAndDimensions(mu, 2, 2),
		tensors.FromFlatDataAndDimensions(lv, 2, 2), tensors.FromFlatDataAndDimensions(lg, 2))
	g := tensors.MustCopyFlatData[float64](o[0])
	const h = 1e-6
	for i := range mu {
		p := append([]float64(nil), mu...)
		q := append([]float64(nil), mu...)
		p[i] += h
		q[i] -= h
		fd := (f(p) - f(q)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("dL/dmu[%d]: graph %.9g, finite difference %.9g", i, g[i], fd)
		}
	}
}
