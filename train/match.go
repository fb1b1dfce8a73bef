package train

import (
	"fmt"
	"math"
)

// Hungarian solves the square assignment problem: given cost[i][j] (n×n, finite), it returns
// assign with assign[i] = j minimising Σ_i cost[i][assign[i]]. O(n³) (Kuhn–Munkres with
// potentials). It returns nil for an empty, ragged (a row of length ≠ n) or non-finite cost; use
// SolveAssignment to get the reason as an error. Any finite costs are accepted: costs of magnitude
// 2⁵¹² or more are scaled by a power of two first (exact, so the assignment is that of the given
// costs), as the potentials would otherwise overflow (see SolveAssignment).
func Hungarian(cost [][]float64) []int {
	a, err := SolveAssignment(cost)
	if err != nil || len(a) == 0 {
		return nil
	}
	return a
}

// SolveAssignment is Hungarian with its input checked: a row whose length differs from the number
// of rows, or a NaN or infinite cost, is an error naming the entry (Hungarian used to index out of
// range on a ragged cost and return an arbitrary assignment for a NaN). An empty cost gives an
// empty assignment.
//
// Costs near the float64 limit used to overflow the potentials (reduced costs cost − u − v of
// ±Inf, then NaN): the result was not optimal (costs uniform in ±MaxFloat64) or the search never
// ended. When the largest |cost| is 2⁵¹² or more, every cost is multiplied by 2^−e (e its binary
// exponent), which is exact except for costs of magnitude below 2^(e−1022), rounded to subnormal
// precision (to 0 below 2^(e−1075)) — far below the float64 resolution (2^(e−53)) of a sum holding
// the largest cost.
func SolveAssignment(cost [][]float64) ([]int, error) {
	n := len(cost)
	for i, row := range cost {
		if len(row) != n {
			return nil, fmt.Errorf("train: assignment cost row %d has %d entries, want %d (a square matrix)", i, len(row), n)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("train: assignment cost[%d][%d] is %g (want finite)", i, j, v)
			}
		}
	}
	if n == 0 {
		return []int{}, nil
	}
	return hungarian(scaleCosts(cost)), nil
}

// scaleCosts returns cost scaled by 2^−e when its largest magnitude M = m·2^e (m in [½, 1)) is
// 2⁵¹² or more, so that every entry lies in [−1, 1]; otherwise cost itself.
func scaleCosts(cost [][]float64) [][]float64 {
	big := 0.0
	for _, row := range cost {
		for _, v := range row {
			big = math.Max(big, math.Abs(v))
		}
	}
	if big < 0x1p512 {
		return cost
	}
	_, e := math.Frexp(big)
	out := make([][]float64, len(cost))
	for i, row := range cost {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = math.Ldexp(v, -e)
		}
	}
	return out
}

func hungarian(cost [][]float64) []int {
	n := len(cost)
	// 1-based arrays: u, v potentials; p[j] = row matched to column j; way[j] = previous column.
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	p := make([]int, n+1)
	way := make([]int, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		minv := make([]float64, n+1)
		used := make([]bool, n+1)
		for j := range minv {
			minv[j] = math.Inf(1)
		}
		for {
			used[j0] = true
			i0 := p[j0]
			delta := math.Inf(1)
			j1 := 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				cur := cost[i0-1][j-1] - u[i0] - v[j]
				if cur < minv[j] {
					minv[j] = cur
					way[j] = j0
				}
				if minv[j] < delta {
					delta = minv[j]
					j1 = j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
			if j0 == 0 {
				break
			}
		}
	}
	assign := make([]int, n)
	for j := 1; j <= n; j++ {
		if p[j] > 0 {
			assign[p[j]-1] = j - 1
		}
	}
	return assign
}

// BestMatchAccuracy compares predicted cluster labels with true labels (both in [0, K)) after the
// one-to-one relabelling of predicted clusters that maximises agreement (Hungarian matching on the
// confusion matrix). confusion[t][p] counts samples with true label t and predicted label p;
// perm[p] is the true label matched to predicted cluster p; acc = Σ_p confusion[perm[p]][p] / n.
func BestMatchAccuracy(truth, pred []int, K int) (acc float64, perm []int, confusion [][]int, err error) {
	if len(truth) != len(pred) {
		return 0, nil, nil, fmt.Errorf("train: %d true labels but %d predictions", len(truth), len(pred))
	}
	if len(truth) == 0 || K < 1 {
		return 0, nil, nil, fmt.Errorf("train: BestMatchAccuracy needs samples and K ≥ 1")
	}
	confusion = make([][]int, K)
	for i := range confusion {
		confusion[i] = make([]int, K)
	}
	for i := range truth {
		t, p := truth[i], pred[i]
		if t < 0 || t >= K || p < 0 || p >= K {
			return 0, nil, nil, fmt.Errorf("train: label out of range at %d: true %d, predicted %d, K=%d", i, t, p, K)
		}
		confusion[t][p]++
	}
	// Rows = predicted clusters, columns = true labels; minimise −count.
	cost := make([][]float64, K)
	for p := 0; p < K; p++ {
		cost[p] = make([]float64, K)
		for t := 0; t < K; t++ {
			cost[p][t] = -float64(confusion[t][p])
		}
	}
	perm = Hungarian(cost)
	hit := 0
	for p, t := range perm {
		hit += confusion[t][p]
	}
	return float64(hit) / float64(len(truth)), perm, confusion, nil
}
