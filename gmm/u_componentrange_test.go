package gmm

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// ComponentLogProbGraph squared x − μ before scaling by exp(−logvars): in float32 it gave −Inf once
// |x − μ| > 1.8e19 even when the variance was as large (log-density of order −1e13), and NaN (Inf·0)
// when exp(−logvars) also underflowed (logvars > 104), while ResponsibilitiesGraph was finite there.
// It now sums ½Σ z², z = ((x−μ)/2)·2exp(−½ logvars), scaled by max|z|: finite wherever that fits
// float32 (even where x − μ overflows), equal to a float64 host evaluation within 1e-6, with the
// gradient −(x−μ)/σ²; −Inf only below float32's range, NaN only in the documented case.
func TestComponentLogProbGraphRange(t *testing.T) {
	type row struct {
		name      string
		x, mu, lv float64
		nan       bool
	}
	rows := []row{
		{"ordinary", 0.7, -0.2, 0.3, false},
		{"ordinary, small variance", 0.01, 0.0, -9, false},
		{"|x−μ| 1e20, variance e^60 (was −Inf)", 1e20, 0, 60, false},
		{"|x−μ| 2e25, variance e^120 (was NaN)", 1e25, -1e25, 120, false},
		{"z = 1e19: ½z² fits float32", 1e19, 0, 0, false},
		{"z = 3e19: below float32's range", 3e19, 0, 0, false},
		{"z overflows float32 (was Inf/Inf)", 3e38, 0, -10, false},
		{"x − μ overflows float32, variance e^180", 3e38, -3e38, 180, false},
		{"x − μ overflows float32, exp(−½ logvars) = 0", 3e38, -3e38, 209, false},
		{"exp(−½ logvars) overflows, x ≠ μ: below range", 1e-3, 0, -179, false},
		{"exp(−½ logvars) overflows at x = μ: NaN", 1, 1, -179, true},
		{"NaN x: NaN", math.NaN(), 0, 0, true},
		{"NaN logvars: NaN", 1, 0, math.NaN(), true},
	}
	n := len(rows)
	// One row and one component (logit 0) per case: out = log N(x; μ, e^lv).
	e := MustNewExec(gomlxtest.Backend(t), func(x, m, v, l *Node) []*Node {
		c := ComponentLogProbGraph(x, m, v, l)
		return append([]*Node{c}, Gradient(ReduceAllSum(c), x)...)
	})
	xs, mus, lvs := make([]float32, n), make([]float32, n), make([]float32, n)
	got, grad := make([]float32, n), make([]float32, n)
	for i, r := range rows {
		xs[i], mus[i], lvs[i] = float32(r.x), float32(r.mu), float32(r.lv)
		out := e.MustExec(tensors.FromFlatDataAndDimensions([]float32{xs[i]}, 1, 1), tensors.FromFlatDataAndDimensions([]float32{mus[i]}, 1, 1),
			tensors.FromFlatDataAndDimensions([]float32{lvs[i]}, 1, 1), tensors.FromFlatDataAndDimensions([]float32{0}, 1))
		got[i] = tensors.MustCopyFlatData[float32](out[0])[0]
		grad[i] = tensors.MustCopyFlatData[float32](out[1])[0]
	}
	for i, r := range rows {
		x, mu, lv := float64(xs[i]), float64(mus[i]), float64(lvs[i])
		// float64 host: z = (x−μ)·e^(−lv/2) computed as two factors so that it does not overflow.
		z := (x/2 - mu/2) * math.Exp(-lv/2) * 2
		want := -0.5 * (math.Log(2*math.Pi) + lv + z*z)
		wantGrad := -z * math.Exp(-lv/2)
		g := float64(got[i])
		switch {
		case r.nan:
			if !math.IsNaN(g) {
				t.Errorf("%s: %g, documented NaN", r.name, g)
			}
		case want < -math.MaxFloat32:
			if !math.IsInf(g, -1) {
				t.Errorf("%s: %g, want −Inf (host %g is below −MaxFloat32)", r.name, g, want)
			}
		default:
			if !(math.Abs(g-want) <= 1e-6*math.Max(1, math.Abs(want))) {
				t.Errorf("%s: %.9g, host %.9g", r.name, g, want)
			}
			if gg := float64(grad[i]); !(math.Abs(gg-wantGrad) <= 1e-5*math.Max(1e-30, math.Abs(wantGrad))) {
				t.Errorf("%s: d/dx %.9g, host −(x−μ)/σ² = %.9g", r.name, gg, wantGrad)
			}
		}
	}
	// The rows that used to fail are the finite ones of interest.
	for _, i := range []int{2, 3, 4, 7, 8} {
		if math.IsInf(float64(got[i]), 0) || math.IsNaN(float64(got[i])) {
			t.Errorf("%s: %g, want finite", rows[i].name, got[i])
		}
	}
}

// A component whose ½Σz² overflows (here |z| = 5e19) is −Inf, and must not spoil the value or the
// gradients of LogProbGraph at that row, which are those of the other, finite component. The old
// formula gave NaN for d/dlogvars of the far component (exp(−logvars)·Inf·0); an unmasked scaled
// sum would give NaN for every gradient (½s² = Inf times a zero cotangent).
func TestComponentLogProbGraphFarComponentGradient(t *testing.T) {
	x := []float64{0.3, -0.4}
	mu := []float64{0, 0, 5e19, 0}
	lv := []float64{0, 0.5, 0, 0}
	lg := []float64{0.2, -0.1}
	e := MustNewExec(gomlxtest.Backend(t), func(x, m, v, l *Node) []*Node {
		c := ComponentLogProbGraph(x, m, v, l)
		lp := LogProbGraph(x, m, v, l)
		return append([]*Node{c, lp}, Gradient(ReduceAllSum(lp), x, m, v, l)...)
	})
	for _, f32 := range []bool{true, false} {
		var out []*tensors.Tensor
		get := func(i int) []float64 { return tensors.MustCopyFlatData[float64](out[i]) }
		if f32 {
			c := func(v []float64, dims ...int) *tensors.Tensor {
				o := make([]float32, len(v))
				for i, x := range v {
					o[i] = float32(x)
				}
				return tensors.FromFlatDataAndDimensions(o, dims...)
			}
			out = e.MustExec(c(x, 1, 2), c(mu, 2, 2), c(lv, 2, 2), c(lg, 2))
			get = func(i int) []float64 {
				v := tensors.MustCopyFlatData[float32](out[i])
				o := make([]float64, len(v))
				for j, x := range v {
					o[j] = float64(x)
				}
				return o
			}
		} else {
			mu64 := append([]float64(nil), mu...)
			mu64[2] = 5e154 // float64: ½z² overflows from |z| ≈ 1.9e154
			out = e.MustExec(tensors.FromFlatDataAndDimensions(x, 1, 2), tensors.FromFlatDataAndDimensions(mu64, 2, 2),
				tensors.FromFlatDataAndDimensions(lv, 2, 2), tensors.FromFlatDataAndDimensions(lg, 2))
		}
		tol := 1e-5
		if !f32 {
			tol = 1e-12
		}
		p0 := 1 / (1 + math.Exp(lg[1]-lg[0]))
		v1 := math.Exp(lv[1])
		z0sq := x[0] * x[0]
		z1sq := x[1] * x[1] / v1
		want := math.Log(p0) - 0.5*(2*math.Log(2*math.Pi)+lv[0]+lv[1]+z0sq+z1sq)
		comp, lp := get(0), get(1)
		if !math.IsInf(comp[1], -1) || !(math.Abs(comp[0]-want) <= tol*math.Abs(want)) || !(math.Abs(lp[0]-want) <= tol*math.Abs(want)) {
			t.Errorf("float32 %v: component log-densities %v, log p %v; want [%g −Inf] and %g", f32, comp, lp, want, want)
		}
		wantG := [][]float64{
			{-x[0], -x[1] / v1},                      // d/dx
			{x[0], x[1] / v1, 0, 0},                  // d/dμ
			{-0.5 + 0.5*z0sq, -0.5 + 0.5*z1sq, 0, 0}, // d/dlogvars
			{1 - p0, -(1 - p0)},                      // d/dlogits of log π_0
		}
		for i, w := range wantG {
			g := get(2 + i)
			for j := range w {
				if !(math.Abs(g[j]-w[j]) <= tol*math.Max(1, math.Abs(w[j]))) {
					t.Errorf("float32 %v: gradient %d = %v, want %v", f32, i, g, w)
					break
				}
			}
		}
	}
}
