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

// checkNotIdentical20 refuses two sets whose statistics are identical
// coefficient by coefficient: r has no part left to compare (Dof 0) and
// none of the parts left out differs between A and B (every one identical
// up to round-off, infer.Comparison's Identical, or constant with one value
// in both; Constant 0). Every z would be 0 or round-off, and stats --compare
// printed "χ²/dof = 0 … over 0 dof" and exited 0. a and b are the sets as
// the statistic sees them, ref --compare-ref.
func checkNotIdentical20(r compareResult, a, b statsInput, ref string) error {
	if r.Dof > 0 || r.Constant > 0 {
		return nil
	}
	why := "the same maps repeated or in another order, or maps shifted periodically (the statistics do not see a shift)"
	if ref == "each" {
		why += ", or maps rescaled: --compare-ref each normalises every map by its own reference, so the amplitude is gone (--compare-ref pooled keeps it)"
	}
	return badInputf("%s and %s: the statistics of the two sets are identical coefficient by coefficient (%s identical up to round-off, %s constant with one value in both): every z would be 0 or round-off, so there is nothing to compare; %s? give two different sets",
		a.describe(), b.describe(), plural(len(r.Identical), "part"), plural(r.Skipped, "part"), why)
}
