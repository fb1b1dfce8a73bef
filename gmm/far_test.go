package gmm

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// A row so far from every component that all its log-densities underflow to −Inf
// (|x−μ|/σ ≳ 1.3e154) had NaN responsibilities (log-sum-exp of −Inf values) and Predict
// gave component 0 whatever the distances. Its responsibilities are now finite and sum to 1:
// the component of smallest Mahalanobis distance gets 1, tied components share in proportion
// to π_k·det(Σ_k)^(−½); rows at ordinary distances are unchanged.
func TestFarRowResponsibilities(t *testing.T) {
	diag := &Model{K: 3, D: 2, Cov: Diag, Weights: []float64{0.5, 0.3, 0.2},
		Means: [][]float64{{0, 0}, {10, 0}, {0, 5}},
		Vars:  [][]float64{{1, 1}, {4, 4}, {1e-300, 1}}}
	full := &Model{K: 3, D: 2, Cov: Full, Weights: diag.Weights, Means: diag.Means,
		Covs: []*mat.SymDense{mat.NewSymDense(2, []float64{1, 0, 0, 1}),
			mat.NewSymDense(2, []float64{4, 1, 1, 4}), mat.NewSymDense(2, []float64{1e-300, 0, 0, 1})}}
	for _, m := range []*Model{diag, full} {
		x := mat.NewDense(5, 2, []float64{
			1e200, 0, // far along x: component 1 (variance 4 along x) is nearest
			0, -1e160, // far along y: component 1 again (variance 4 along y)
			1.7e308, -1.7e308, // x − μ overflows float64 itself
			0.5, 0.2, // ordinary rows: unchanged
			3, 1,
		})
		lp, err := m.ComponentLogProb(x)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if r := lp.RawRowView(i); !allNegInf(r) {
				t.Fatalf("%s: row %d log-densities %v, want all −Inf (the case under test)", m.Cov, i, r)
			}
		}
		r, err := m.Responsibilities(x)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := m.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if got := r.RawRowView(i); got[0] != 0 || got[1] != 1 || got[2] != 0 {
				t.Errorf("%s: far row %d responsibilities %v, want [0 1 0]", m.Cov, i, got)
			}
			if pred[i] != 1 {
				t.Errorf("%s: far row %d predicted %d, want 1", m.Cov, i, pred[i])
			}
		}
		for i := 3; i < 5; i++ {
			row := lp.RawRowView(i)
			lse := logSumExp(row)
			sum := 0.0
			for k, v := range r.RawRowView(i) {
				if want := math.Exp(row[k] - lse); v != want {
					t.Errorf("%s: row %d component %d responsibility %g, want %g", m.Cov, i, k, v, want)
				}
				sum += v
			}
			if math.Abs(sum-1) > 1e-15 {
				t.Errorf("%s: row %d responsibilities sum to %g", m.Cov, i, sum)
			}
		}
	}

	// Ties: two components of the same mean and covariance at a far point have the posterior
	// of their weights.
	tie := &Model{K: 3, D: 1, Cov: Diag, Weights: []float64{0.2, 0.5, 0.3},
		Means: [][]float64{{1}, {1}, {-7}}, Vars: [][]float64{{2}, {2}, {1}}}
	r, err := tie.Responsibilities(mat.NewDense(1, 1, []float64{1e300}))
	if err != nil {
		t.Fatal(err)
	}
	got := r.RawRowView(0)
	if math.Abs(got[0]-0.2/0.7) > 1e-15 || math.Abs(got[1]-0.5/0.7) > 1e-15 || got[2] != 0 {
		t.Errorf("tied far components: %v, want [%g %g 0]", got, 0.2/0.7, 0.5/0.7)
	}
	// A wider component is nearer in Mahalanobis terms: variance 4 against 2 takes it all.
	tie.Vars[1][0] = 4
	r, _ = tie.Responsibilities(mat.NewDense(1, 1, []float64{1e300}))
	if got := r.RawRowView(0); got[0] != 0 || got[1] != 1 || got[2] != 0 {
		t.Errorf("far point, variances 2, 4, 1: %v, want [0 1 0]", got)
	}
	// A component of weight 0 takes nothing, even when it is the nearest.
	tie.Weights = []float64{0.4, 0, 0.6}
	r, _ = tie.Responsibilities(mat.NewDense(1, 1, []float64{1e300}))
	pred, _ := tie.Predict(mat.NewDense(1, 1, []float64{1e300}))
	if got := r.RawRowView(0); got[0] != 1 || got[1] != 0 || got[2] != 0 || pred[0] != 0 {
		t.Errorf("far point, nearest component of weight 0: %v, predicted %d, want [1 0 0] and 0", got, pred[0])
	}
}

// The in-graph responsibilities had the same defect in float32 from |x−μ|/σ ≈ 1.8e19 on (the
// squared distances overflow): NaN rows. They now match the host's far-row responsibilities, and
// at ordinary points they and their gradients are those of softmax(ComponentLogProbGraph).
func TestFarRowResponsibilitiesGraph(t *testing.T) {
	m := &Model{K: 3, D: 2, Cov: Diag, Weights: []float64{0.5, 0.3, 0.2},
		Means: [][]float64{{0, 0}, {10, 0}, {0, 5}}, Vars: [][]float64{{1, 1}, {4, 4}, {1e-3, 1}}}
	mu, lv, lg, err := m.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	xs := []float32{1e20, 0, 0, -3e25, 1e30, 1e30, 0.5, 0.2, 3, 1, 2, 4}
	const n = 6
	hx := make([]float64, len(xs))
	for i, v := range xs {
		hx[i] = float64(v)
	}
	host, err := m.Responsibilities(mat.NewDense(n, 2, hx))
	if err != nil {
		t.Fatal(err)
	}
	e := MustNewExec(gomlxtest.Backend(t), func(x, mu, lv, lg *Node) []*Node {
		return []*Node{ResponsibilitiesGraph(x, mu, lv, lg), Softmax(ComponentLogProbGraph(x, mu, lv, lg), -1)}
	})
	out := e.MustExec(tensors.FromFlatDataAndDimensions(xs, n, 2), tensors.FromFlatDataAndDimensions(mu, 3, 2),
		tensors.FromFlatDataAndDimensions(lv, 3, 2), tensors.FromFlatDataAndDimensions(lg, 3))
	r := tensors.MustCopyFlatData[float32](out[0])
	old := tensors.MustCopyFlatData[float32](out[1])
	for i := 0; i < n; i++ {
		sum := 0.0
		for k := 0; k < 3; k++ {
			v := float64(r[i*3+k])
			sum += v
			if !(math.Abs(v-host.At(i, k)) <= 2e-6) {
				t.Errorf("row %d component %d: graph %g, host %g", i, k, v, host.At(i, k))
			}
			if i < 3 && !math.IsNaN(float64(old[i*3+k])) {
				t.Errorf("row %d: softmax(ComponentLogProbGraph) %v is not NaN: the row does not test the overflow", i, old[i*3:i*3+3])
			}
			if i >= 3 && !(math.Abs(v-float64(old[i*3+k])) <= 2e-7) {
				t.Errorf("row %d component %d: %g, softmax(ComponentLogProbGraph) %g", i, k, v, old[i*3+k])
			}
		}
		if !(math.Abs(sum-1) <= 1e-6) {
			t.Errorf("row %d sums to %g", i, sum)
		}
	}
	for i := 0; i < 3; i++ {
		if r[i*3] != 0 || r[i*3+1] != 1 || r[i*3+2] != 0 {
			t.Errorf("far row %d: %v, want [0 1 0]", i, r[i*3:i*3+3])
		}
	}

	// A component of weight 0 (logit −Inf) takes nothing, even when it is the nearest.
	z0 := &Model{K: 2, D: 1, Cov: Diag, Weights: []float64{0, 1}, Means: [][]float64{{0}, {0}}, Vars: [][]float64{{4}, {1}}}
	zmu, zlv, zlg, err := z0.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	e1 := MustNewExec(gomlxtest.Backend(t), func(x, mu, lv, lg *Node) *Node { return ResponsibilitiesGraph(x, mu, lv, lg) })
	zr := tensors.MustCopyFlatData[float32](e1.MustExec(tensors.FromFlatDataAndDimensions([]float32{1e20, 3}, 2, 1),
		tensors.FromFlatDataAndDimensions(zmu, 2, 1), tensors.FromFlatDataAndDimensions(zlv, 2, 1),
		tensors.FromFlatDataAndDimensions(zlg, 2))[0])
	if zr[0] != 0 || zr[1] != 1 || zr[2] != 0 || zr[3] != 1 {
		t.Errorf("nearest component of weight 0: %v, want [0 1 0 1]", zr)
	}

	// Gradients at ordinary points (float64): of Σ_bk w_bk r_bk with respect to all four inputs.
	x64 := []float64{0.5, 0.2, 3, 1, 2, 4, -1, 7}
	w := []float64{0.3, -1, 2, 0.7, 0.1, -0.4, 1.5, 0.2, -0.9, 0.6, -0.3, 1.1}
	f64 := func(v []float32) []float64 {
		o := make([]float64, len(v))
		for i, x := range v {
			o[i] = float64(x)
		}
		return o
	}
	ge := MustNewExec(gomlxtest.Backend(t), func(x, mu, lv, lg, w *Node) []*Node {
		a := ReduceAllSum(Mul(w, ResponsibilitiesGraph(x, mu, lv, lg)))
		b := ReduceAllSum(Mul(w, Softmax(ComponentLogProbGraph(x, mu, lv, lg), -1)))
		return append(Gradient(a, x, mu, lv, lg), Gradient(b, x, mu, lv, lg)...)
	})
	gout := ge.MustExec(tensors.FromFlatDataAndDimensions(x64, 4, 2), tensors.FromFlatDataAndDimensions(f64(mu), 3, 2),
		tensors.FromFlatDataAndDimensions(f64(lv), 3, 2), tensors.FromFlatDataAndDimensions(f64(lg), 3),
		tensors.FromFlatDataAndDimensions(w, 4, 3))
	for i := 0; i < 4; i++ {
		got := tensors.MustCopyFlatData[float64](gout[i])
		want := tensors.MustCopyFlatData[float64](gout[i+4])
		for j := range got {
			if !(math.Abs(got[j]-want[j]) <= 1e-12*math.Max(1, math.Abs(want[j]))) {
				t.Errorf("gradient %d entry %d: %.15g, softmax(ComponentLogProbGraph)'s %.15g", i, j, got[j], want[j])
			}
		}
	}
}

// LogProbGraph gave NaN (−Inf − (−Inf) in its max shift) at a row whose component log-densities all
// overflow float32 to −Inf; it now gives −Inf there (the host's float64 value is below −MaxFloat32), and
// the same bits as before elsewhere.
func TestFarRowLogProbGraph(t *testing.T) {
	m := &Model{K: 2, D: 1, Cov: Diag, Weights: []float64{0.4, 0.6}, Means: [][]float64{{0}, {1}}, Vars: [][]float64{{1}, {2}}}
	mu, lv, lg, err := m.DiagParams()
	if err != nil {
		t.Fatal(err)
	}
	xs := []float32{1e20, -3e30, 0.5, 7}
	host, err := m.LogProb(mat.NewDense(4, 1, []float64{1e20, -3e30, 0.5, 7}))
	if err != nil {
		t.Fatal(err)
	}
	e := MustNewExec(gomlxtest.Backend(t), func(x, mu, lv, lg *Node) []*Node {
		v := ComponentLogProbGraph(x, mu, lv, lg)
		mx := StopGradient(ReduceAndKeep(v, ReduceMax, -1))
		old := Add(Log(ReduceSum(Exp(Sub(v, mx)), -1)), Squeeze(mx, -1))
		return []*Node{LogProbGraph(x, mu, lv, lg), old}
	})
	out := e.MustExec(tensors.FromFlatDataAndDimensions(xs, 4, 1), tensors.FromFlatDataAndDimensions(mu, 2, 1),
		tensors.FromFlatDataAndDimensions(lv, 2, 1), tensors.FromFlatDataAndDimensions(lg, 2))
	got, old := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
	for i := 0; i < 2; i++ {
		if !math.IsInf(float64(got[i]), -1) || !(host[i] < -math.MaxFloat32) || !math.IsNaN(float64(old[i])) {
			t.Errorf("far row %d: %g (host %g, unguarded shift %g), want −Inf (below −MaxFloat32, NaN)", i, got[i], host[i], old[i])
		}
	}
	for i := 2; i < 4; i++ {
		if got[i] != old[i] || !(math.Abs(float64(got[i])-host[i]) <= 1e-6*math.Max(1, math.Abs(host[i]))) {
			t.Errorf("row %d: %g, unguarded %g, host %g", i, got[i], old[i], host[i])
		}
	}
}
