package infer

import (
	"fmt"
	"sort"
	"strings"
)

// smallestJointRate returns the smallest positive fraction of the draws
// that fail any check under calibrateJointLimits' rule (one common tail
// count k for every check): the least of jointRateFlagging over the
// checks, the least false-alarm rate at which any map of the pool can be
// flagged at all. With n = 1 map and N patches every map of the pool is
// drawn about 1/(N + 1) of the time, so the rate cannot go below that; 1
// when no k flags a draw (all tie).
func smallestJointRate(checks []*jointCheck) float64 {
	r := 1.0
	for c := range checks {
		r = min(r, jointRateFlagging(checks, c))
	}
	return r
}

// jointRateFlagging returns the fraction of the draws that fail any check
// at the first common tail count k at which check c's limit falls below
// its largest draw (k = the number of draws tied at that largest value):
// the smallest family-wise rate at which the most extreme map on check c
// is flagged. 1 when every draw of c ties.
func jointRateFlagging(checks []*jointCheck, c int) float64 {
	if c >= len(checks) || len(checks[c].draws) == 0 {
		return 1
	}
	D := len(checks[c].draws)
	desc := make([][]float64, len(checks))
	for i, j := range checks {
		desc[i] = append([]float64(nil), j.draws...)
		sort.Sort(sort.Reverse(sort.Float64Slice(desc[i])))
	}
	k := 1
	for k < D && desc[c][k] == desc[c][0] {
		k++
	}
	if k >= D {
		return 1
	}
	bad := 0
	for d := 0; d < D; d++ {
		for i, j := range checks {
			if j.draws[d] > desc[i][k] {
				bad++
				break
			}
		}
	}
	return float64(bad) / float64(D)
}

// undecidedWords is the verdict of checks that could not have failed the
// tiles at the rate alpha (SampleChecks.Decidable false): np patches, n
// maps; blind names the checks on which the tiles are the most extreme of
// the pool while the check cannot fail (none: no check can fail any map),
// smallest the least rate that would flag that map (1: none).
func undecidedWords(np, n int, alpha, smallest float64, blind []string) string {
	maps := "1 map"
	if n != 1 {
		maps = fmt.Sprintf("%d maps", n)
	}
	rate := "no rate does"
	if smallest < 1 {
		rate = fmt.Sprintf("the smallest rate that would: %.1f %%", 100*smallest)
	}
	if len(blind) == 0 {
		return fmt.Sprintf("undecided: with %d patches and %s the checks cannot flag even the most extreme map at %.0f %% false alarms (%s); no check fails, but none could have",
			np, maps, 100*alpha, rate)
	}
	return fmt.Sprintf("undecided: the tiles are the most extreme of the patches and tiles on %s, and with %d patches and %s %s cannot flag them at %.0f %% false alarms (%s); no check fails",
		strings.Join(blind, ", "), np, maps, map[bool]string{true: "that check", false: "those checks"}[len(blind) == 1], 100*alpha, rate)
}
