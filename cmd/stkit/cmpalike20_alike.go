package main

import (
	"fmt"

	"github.com/stkit-org/stkit/infer"
)

// alikeWarning is the warning of sets whose χ²/dof is below what two
// independent samples of one process give (x.AlikeP < infer.CompareAlikeP:
// infer.Comparison's bound of its lower tail, over x.AlikeDof parts: the
// maps' mean rows and parts constant by construction left out, said when
// there are any).
func alikeWarning(r compareResult, x compareExtra19) string {
	over := ""
	if x.AlikeDof < r.Dof {
		over = fmt.Sprintf(" (the maps' mean and parts constant by construction, %d of the %d, left out: their z is round-off)", r.Dof-x.AlikeDof, r.Dof)
	}
	return fmt.Sprintf("χ²/dof = %.3g over %d dof%s is lower than two independent samples of one process give (P ≤ %.2g, the lower tail of χ²_m/m with m = %.2g, the number of independent parts the %d are worth by their correlation; conservative): A and B are near-copies, not two samples (the same maps up to round-off, maps shifted periodically, syntheses matched to one mean?); z and χ²/dof then say nothing of their process (copies rescaled or paired: --paired)",
		x.AlikeChi2, x.AlikeDof, over, x.AlikeP, x.EffDof, x.AlikeDof)
}

// alikeJSON is the JSON's "p_chi2_low": x.AlikeP, nil when it was not
// computed (paired sets, no part left).
func alikeJSON(x compareExtra19) *float64 {
	if x.EffDof == 0 {
		return nil
	}
	p := x.AlikeP
	return &p
}

// alikeLowWarning is alikeWarning and the permutation test's p_low
// warning (p_low < compareLowP) in one: both say that A and B are more
// alike than two samples of one process.
func alikeLowWarning(r compareResult, x compareExtra19) string {
	over := ""
	if x.AlikeDof < r.Dof {
		over = fmt.Sprintf(" (%.3g over the %d parts left when the maps' mean and parts constant by construction, their z round-off, are left out)", x.AlikeChi2, x.AlikeDof)
	}
	return fmt.Sprintf("A and B are more alike than two samples of one process: χ²/dof = %.3g over %d dof%s is below what two independent samples give (P ≤ %.2g, the lower tail of χ²_m/m with m = %.2g, the number of independent parts they are worth by their correlation; conservative) and lower than for %.3g %% of the splits of the maps (p_low = %.2g): near-copies (the same maps up to round-off, maps shifted periodically, syntheses matched to one mean?), not two samples; z and χ²/dof then say nothing of their process (copies rescaled or paired: --paired)",
		r.Chi2, r.Dof, over, x.AlikeP, x.EffDof, 100*(1-x.PermPLow), x.PermPLow)
}

// alikeChi2JSON is the JSON's "chi2_per_dof_alike": x.AlikeChi2, nil when
// the near-copy statistic was not computed (as alikeJSON).
func alikeChi2JSON(x compareExtra19) *float64 {
	if x.EffDof == 0 {
		return nil
	}
	c := x.AlikeChi2
	return &c
}

// pairedCopyWarning is the warning of paired sets whose differences are
// round-off beside the maps' spread (x.PairRatio <
// infer.ComparePairedCopyRatio): their z, a ratio of the differences' mean
// to their spread, is of the usual size whatever their size.
func pairedCopyWarning(r compareResult, x compareExtra19) string {
	return fmt.Sprintf("the differences of the %d pairs are %.2g of the maps' spread (sd(A_i − B_i)/√(sd_A² + sd_B²), median over %d parts; independent pairs give about 1, pairs from the same seeds less, but not below %.0e): A and B are near-copies, the same maps up to round-off or a change of about that size; paired z and χ²/dof measure the differences relative to their own spread, so they look like those of a real change whatever its size",
		r.NA, x.PairRatio, x.AlikeDof, infer.ComparePairedCopyRatio)
}
