package main

import (
	"gonum.org/v1/gonum/stat"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// The comparison's math moved to package infer (infer.CompareSets,
// infer.Comparison's Permute); these are the names the older tests of the
// command call it by, each one line onto the library.

// compareSets is compareSetsTol with the CPU engine's round-off.
func compareSets(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int) compareResult {
	return compareSetsTol(c, lab, nA, nB, compareRoundoff("cpu"))
}

// compareSetsTol is compareSetsZero comparing every row.
func compareSetsTol(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int, rtol float64) compareResult {
	return compareSetsZero(c, lab, nA, nB, rtol, false)
}

// compareSetsZero is compareCoeffs of independent sets; it panics on the
// library's refusal (a test's set-up error).
func compareSetsZero(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int, rtol float64, zeroMean bool) compareResult {
	r, err := compareCoeffs(c, lab, nA, nB, rtol, zeroMean, false)
	if err != nil {
		panic(err)
	}
	return r
}

func compareRoundoff(engineName string) float64 { return infer.CompareRoundoff(engineName) }

func zeroMeanMaps(m *stlayer.Maps) bool { return infer.ZeroMeanMaps(m) }

// permutationP is permutationTest's p.
func permutationP(c *stlayer.Coeffs, r compareResult, perms int, seed uint64) float64 {
	p, _, _ := permutationTest(c, r, perms, seed)
	return p
}

// permutationTest is the upper tail of the permutation test of r's
// independent sets (infer.Comparison's Permute).
func permutationTest(c *stlayer.Coeffs, r compareResult, perms int, seed uint64) (p float64, splits int, exact bool) {
	cmp := r.comparison()
	cmp.Paired = false
	if err := cmp.Permute(c, perms, seed); err != nil {
		panic(err)
	}
	return cmp.PermP, cmp.Perms, cmp.PermExact
}

func splitCount(n, k, limit int) int { return infer.SplitCount(n, k, limit) }

func forEachSplit(n, k int, f func(inA []bool)) { infer.ForEachSplit(n, k, f) }

func permutationMinP(nA, nB int) float64 { return infer.PermutationMinP(nA, nB) }

// meanVar returns the mean and the unbiased variance of x (len ≥ 2), as
// the tests compute z by hand: gonum's, not a copy of the library's.
func meanVar(x []float64) (mean, v float64) { return stat.MeanVariance(x, nil) }
