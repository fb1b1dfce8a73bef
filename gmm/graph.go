package gmm

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL

	_ "github.com/stkit-org/stkit/internal/gomlxfix" // fast matmul VJPs
)

// ComponentLogProbGraph builds, inside a GoMLX graph, the joint log-densities of a diagonal
// Gaussian mixture:
//
//	out[b,k] = log π_k + log N(x_b; μ_k, diag(exp(logvars_k)))
//	         = log_softmax(logits)_k − ½ Σ_j [log 2π + logvars_kj + z_bkj²],  z_bkj = (x_bj − μ_kj)·exp(−½ logvars_kj)
//
// Shapes: x [B, D], means [K, D], logvars [K, D] (natural log of the variances), logits [K]
// (unnormalised mixture logits; π = softmax(logits), so equal logits mean equal weights).
// The result has shape [B, K] and the dtype of x. The computation broadcasts to [B, K, D]; it is
// differentiable with respect to all four inputs. Shapes of another rank or inconsistent sizes panic
// while the graph is built (GoMLX's convention) with an error naming the function and the four
// shapes; so do LogProbGraph and ResponsibilitiesGraph.
//
// Range: z is computed as ((x − μ)/2)·(2·exp(−½ logvars)), which rounds as (x − μ)·exp(−½ logvars)
// but does not overflow when x − μ alone would, and the squared distances are summed as
// ½Σ_j z² = (s/√2)²·Σ_j (z_j/s)² with s = max(1, max_j |z_bkj|) (no gradient through s, which leaves
// the gradient exact). So out[b,k] is finite whenever ½Σ_j z² fits the dtype, whatever x − μ and the
// variances are on their own; where it does not, the entry is −Inf and its gradient 0 (the old
// formula gave NaN with respect to logvars there), so that a far component leaves the gradient of
// LogProbGraph finite. It used to square x − μ and multiply by exp(−logvars): −Inf once
// |x − μ| exceeded √MaxFloat32 ≈ 1.8e19 (float32) even for a variance that large, and NaN (Inf·0)
// when exp(−logvars) also underflowed (logvars > 104 in float32). out[b,k] is −Inf when ½Σ_j z²
// exceeds the dtype's largest value (|z| ≳ 2.6e19 in float32, 1.9e154 in float64: the log-density
// is below the dtype's range up to the other, finite terms) or when π_k = 0 (a logit of −Inf).
// logvars < −176 in float32 (σ < 5.9e-39, where 2·exp(−½ logvars) overflows) gives −Inf, and NaN
// at x_j = μ_j; a NaN input gives NaN.
func ComponentLogProbGraph(x, means, logvars, logits *Node) *Node {
	checkGraphArgs("gmm.ComponentLogProbGraph", x, means, logvars, logits)
	D := x.Shape().Dimensions[1]
	// z = ((x − μ)/2)·(2σ⁻¹): halving is exact, so z rounds as (x − μ)·σ⁻¹ would, but x − μ cannot
	// overflow.
	half := Sub(MulScalar(InsertAxes(x, 1), 0.5), MulScalar(InsertAxes(means, 0), 0.5)) // [B, K, D]
	z := Mul(half, MulScalar(Exp(MulScalar(InsertAxes(logvars, 0), -0.5)), 2))          // [B, K, D]
	sc := StopGradient(MaxScalar(ReduceAndKeep(Abs(z), ReduceMax, -1), 1))              // [B, K, 1]
	hs := MulScalar(Squeeze(sc, -1), math.Sqrt(0.5))                                    // [B, K]
	hs2 := Square(hs)                                                                   // ½s²
	// Where ½s² overflows (½Σz² ≥ ½s² is below the dtype's range: +Inf) the sum is masked on its
	// inputs as well, so that its gradient there is 0, not Inf·0 = NaN, and a far component does
	// not spoil the gradient of LogProbGraph or of a finite component. A NaN stays NaN.
	ok := IsFinite(hs2)
	okD := BroadcastToShape(InsertAxes(ok, -1), z.Shape())
	zs := Where(okD, z, ZerosLike(z))
	ss := Where(InsertAxes(ok, -1), sc, OnesLike(sc))
	m := ReduceSum(Square(Div(zs, ss)), -1)            // [B, K], in [0, D]
	halfMaha := Mul(Where(ok, hs2, ZerosLike(hs2)), m) // ½ Σ_j z²
	inf := BroadcastToShape(Infinity(x.Graph(), x.DType(), 1), hs.Shape())
	halfMaha = Where(ok, halfMaha, Where(IsNaN(hs), hs, inf))
	logDet := ReduceSum(logvars, -1) // [K]
	c := 0.5 * float64(D) * math.Log(2*math.Pi)
	logN := Neg(AddScalar(Add(halfMaha, MulScalar(InsertAxes(logDet, 0), 0.5)), c))
	return Add(logN, InsertAxes(LogSoftmax(logits), 0))
}

// checkGraphArgs panics with an error naming fn unless x [B,D], means [K,D], logvars [K,D] and
// logits [K] have consistent shapes.
func checkGraphArgs(fn string, x, means, logvars, logits *Node) {
	if x.Rank() != 2 || means.Rank() != 2 || logvars.Rank() != 2 || logits.Rank() != 1 {
		panic(fmt.Errorf("%s: want x [B,D], means [K,D], logvars [K,D], logits [K]; got %s, %s, %s, %s",
			fn, x.Shape(), means.Shape(), logvars.Shape(), logits.Shape()))
	}
	D := x.Shape().Dimensions[1]
	K := means.Shape().Dimensions[0]
	if means.Shape().Dimensions[1] != D || logvars.Shape().Dimensions[0] != K ||
		logvars.Shape().Dimensions[1] != D || logits.Shape().Dimensions[0] != K {
		panic(fmt.Errorf("%s: inconsistent shapes x %s, means %s, logvars %s, logits %s",
			fn, x.Shape(), means.Shape(), logvars.Shape(), logits.Shape()))
	}
}

// LogProbGraph returns the mixture log-density log p(x_b) = logsumexp_k ComponentLogProbGraph[b,k],
// shape [B]. See ComponentLogProbGraph for the arguments. It can be used as a learned or fixed prior
// term in a loss. A row at which every component's log-density is −Inf (½Σ_j z² beyond the dtype's
// largest value: |x−μ|/σ ≳ 2.6e19 in float32, 1.9e154 in float64; see ComponentLogProbGraph) gets
// −Inf (its log-density is below the dtype's range) and a NaN gradient.
func LogProbGraph(x, means, logvars, logits *Node) *Node {
	checkGraphArgs("gmm.LogProbGraph", x, means, logvars, logits)
	return logSumExpLast(ComponentLogProbGraph(x, means, logvars, logits))
}

// ResponsibilitiesGraph returns r[b,k] = P(component k | x_b) = softmax_k ComponentLogProbGraph[b,k],
// shape [B, K]; each row sums to 1. See ComponentLogProbGraph for the arguments.
//
// It does not go through ComponentLogProbGraph, whose log-densities are −Inf for every k (and their
// softmax NaN) once ½Σ_j z² exceeds the dtype's largest value for every component (|x−μ|/σ ≳ 2.6e19
// in float32, 1.9e154 in float64). With z_bkj = (x_bj − μ_kj)·exp(−½ logvars_kj) and the per-row scale
// s_b = max(1, max_kj |z_bkj|) it computes
//
//	r[b,k] = softmax_k( log π_k − ½ Σ_j logvars_kj − ½ s_b²·(m_bk − min_k' m_bk') ),  m_bk = Σ_j (z_bkj/s_b)²,
//
// the same softmax (its argument is shifted by a constant per row; the minimum is over components of
// non-zero weight). It stays finite while x−μ and z fit the dtype (|x−μ|/σ below MaxFloat32 ≈ 3.4e38 in
// float32; beyond, the row is NaN): at a far point the component of smallest Mahalanobis distance gets
// 1, as in Model.Responsibilities. s_b and the minimum carry no gradient, which leaves the gradient exact.
func ResponsibilitiesGraph(x, means, logvars, logits *Node) *Node {
	checkGraphArgs("gmm.ResponsibilitiesGraph", x, means, logvars, logits)
	diff := Sub(InsertAxes(x, 1), InsertAxes(means, 0))                      // [B, K, D]
	z := Mul(diff, Exp(MulScalar(InsertAxes(logvars, 0), -0.5)))             // [B, K, D]
	sc := StopGradient(MaxScalar(ReduceAndKeep(Abs(z), ReduceMax, 1, 2), 1)) // [B, 1, 1]
	m := ReduceSum(Square(Div(z, sc)), -1)                                   // [B, K]
	lsm := InsertAxes(LogSoftmax(logits), 0)                                 // [1, K]
	inf := Infinity(x.Graph(), x.DType(), 1)
	live := BroadcastToShape(IsFinite(lsm), m.Shape())
	mmin := StopGradient(ReduceAndKeep(Where(live, m, inf), ReduceMin, -1)) // [B, 1]
	s := Squeeze(sc, -1)                                                    // [B, 1]
	a := Sub(Sub(lsm, MulScalar(InsertAxes(ReduceSum(logvars, -1), 0), 0.5)),
		MulScalar(Mul(s, Mul(s, Sub(m, mmin))), 0.5))
	// A component of weight 0 nearer than the minimum would give −Inf + Inf = NaN.
	a = Where(live, a, Infinity(x.Graph(), x.DType(), -1))
	return Softmax(a, -1)
}

// logSumExpLast reduces the last axis with a max-shifted log-sum-exp (the shift carries no gradient,
// which leaves the gradient exact). A row whose largest entry is ±Inf is not shifted, so a row of −Inf
// reduces to −Inf (not −Inf − (−Inf) = NaN).
func logSumExpLast(v *Node) *Node {
	mx := ReduceAndKeep(v, ReduceMax, -1)
	mx = StopGradient(Where(IsFinite(mx), mx, ZerosLike(mx)))
	s := Log(ReduceSum(Exp(Sub(v, mx)), -1))
	return Add(s, Squeeze(mx, -1))
}
