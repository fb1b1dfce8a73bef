package main

import (
	"fmt"
)

// alikeWarning is the warning of sets whose χ²/dof is below what two
// independent samples of one process give (x.AlikeP < infer.CompareAlikeP:
// infer.Comparison's bound of its lower tail).
func alikeWarning(r compareResult, x compareExtra19) string {
	return fmt.Sprintf("χ²/dof = %.3g over %d dof is lower than two independent samples of one process give (P ≤ %.2g, the lower tail of χ²_m/m with m = %.2g, the number of independent parts the %d are worth by their correlation; conservative): A and B are near-copies, not two samples (the same maps up to round-off, maps shifted periodically, syntheses matched to one mean?); z and χ²/dof then say nothing of their process (copies rescaled or paired: --paired)",
		r.Chi2, r.Dof, x.AlikeP, x.EffDof, r.Dof)
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
