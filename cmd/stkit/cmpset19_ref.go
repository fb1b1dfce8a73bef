package main

import (
	"errors"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// compareCoeffsEach19 is the statistic of every map of x with its own
// reference (--compare-ref each: infer.CoeffsOwnRef); a map the statistic
// refuses is bad input.
func compareCoeffsEach19(eng stlayer.Engine, spec stats.Spec, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	c, err := infer.CoeffsOwnRef(eng, spec, x)
	if errors.Is(err, infer.ErrModelInput) {
		return nil, badInputf("%v", err)
	}
	return c, err
}

// refScope19 is the JSON config's "reference" for ref (--compare-ref).
func refScope19(ref string) string {
	if ref == "each" {
		return "each map its own (--compare-ref each: the shape of the non-Gaussian statistics, amplitudes normalised away)"
	}
	return "the maps of A and B together (one operator for both sets)"
}

// checkNotIdentical20 refuses two sets with no part left to compare (r's
// Dof 0), for which stats --compare printed "χ²/dof = 0 … over 0 dof" and
// "nothing to compare" and exited 0. Either their statistics are identical
// coefficient by coefficient (every part left out identical up to
// round-off, infer.Comparison's Identical, or constant with one value in
// both; Constant 0), every z 0 or round-off, or the parts that differ are
// constant within each set (paired: their differences are one value), B =
// A plus a constant there, z = ±∞: either way χ²/dof = 0 says nothing. a
// and b are the sets, ref --compare-ref.
func checkNotIdentical20(r compareResult, a, b statsInput, ref string) error {
	if r.Dof > 0 {
		return nil
	}
	if r.Constant > 0 {
		what, hint := "constant within each set with different values in A and B", "the maps of each set share their statistics there: one map repeated, maps and their mirror images, constant maps?"
		if r.cmp19.Paired {
			what, hint = "whose paired differences A_i − B_i are one value, not 0", "maps against rescaled copies of themselves with --compare-ref each differ only so, in the unnormalised rows (P00, S1)"
		}
		return badInputf("%s and %s: no part is left to compare: %s %s (z = ±∞: B is A plus a constant there), the %s identical in A and B or constant alike; χ²/dof = 0 over 0 dof would say nothing (%s)",
			a.describe(), b.describe(), plural(r.Constant, "part"), what, plural(r.Skipped-r.Constant+len(r.Identical), "other part"), hint)
	}
	why := "the same maps repeated or in another order, or maps shifted periodically (the statistics do not see a shift)"
	if ref == "each" {
		why += ", or maps rescaled: --compare-ref each normalises every map by its own reference, so the amplitude is gone (--compare-ref pooled keeps it)"
	}
	return badInputf("%s and %s: the statistics of the two sets are identical coefficient by coefficient (%s identical up to round-off, %s constant with one value in both): every z would be 0 or round-off, so there is nothing to compare; %s? give two different sets",
		a.describe(), b.describe(), plural(len(r.Identical), "part"), plural(r.Skipped, "part"), why)
}
