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
//	         = log_softmax(logits)_k − ½ Σ_j [log 2π + logvars_kj + (x_bj − μ_kj)² exp(−logvars_kj)]
//
// Shapes: x [B, D], means [K, D], logvars [K, D] (natural log of the variances), logits [K]
// (unnormalised mixture logits; π = softmax(logits), so equal logits mean equal weights).
// The result has shape [B, K] and the dtype of x. The computation broadcasts to [B, K, D]; it is
// differentiable with respect to all four inputs.
func ComponentLogProbGraph(x, means, logvars, logits *Node) *Node {
	if x.Rank() != 2 || means.Rank() != 2 || logvars.Rank() != 2 || logits.Rank() != 1 {
		panic(fmt.Errorf("gmm.ComponentLogProbGraph: want x [B,D], means [K,D], logvars [K,D], logits [K]; got %s, %s, %s, %s",
			x.Shape(), means.Shape(), logvars.Shape(), logits.Shape()))
	}
	D := x.Shape().Dimensions[1]
	K := means.Shape().Dimensions[0]
	if means.Shape().Dimensions[1] != D || logvars.Shape().Dimensions[0] != K ||
		logvars.Shape().Dimensions[1] != D || logits.Shape().Dimensions[0] != K {
		panic(fmt.Errorf("gmm.ComponentLogProbGraph: inconsistent shapes x %s, means %s, logvars %s, logits %s",
			x.Shape(), means.Shape(), logvars.Shape(), logits.Shape()))
	}
	diff := Sub(InsertAxes(x, 1), InsertAxes(means, 0)) // [B, K, D]
	prec := Exp(Neg(InsertAxes(logvars, 0)))            // [1, K, D]
	maha := ReduceSum(Mul(Square(diff), prec), -1)      // [B, K]
	logDet := ReduceSum(logvars, -1)                    // [K]
	c := float64(D) * math.Log(2*math.Pi)
	logN := MulScalar(AddScalar(Add(maha, InsertAxes(logDet, 0)), c), -0.5)
	return Add(logN, InsertAxes(LogSoftmax(logits), 0))
}

// LogProbGraph returns the mixture log-density log p(x_b) = logsumexp_k ComponentLogProbGraph[b,k],
// shape [B]. See ComponentLogProbGraph for the arguments. It can be used as a learned or fixed prior
// term in a loss.
func LogProbGraph(x, means, logvars, logits *Node) *Node {
	return logSumExpLast(ComponentLogProbGraph(x, means, logvars, logits))
}

// ResponsibilitiesGraph returns r[b,k] = P(component k | x_b) = softmax_k ComponentLogProbGraph[b,k],
// shape [B, K]; each row sums to 1.
func ResponsibilitiesGraph(x, means, logvars, logits *Node) *Node {
	return Softmax(ComponentLogProbGraph(x, means, logvars, logits), -1)
}

// logSumExpLast reduces the last axis with a max-shifted log-sum-exp (the shift carries no gradient,
// which leaves the gradient exact).
func logSumExpLast(v *Node) *Node {
	mx := StopGradient(ReduceAndKeep(v, ReduceMax, -1))
	s := Log(ReduceSum(Exp(Sub(v, mx)), -1))
	return Add(s, Squeeze(mx, -1))
}
