package main

import (
	"strings"
	"testing"
)

// stats --help named "dof_alike" as if it were the parts left out of the
// near-copy χ²/dof, while the JSON key counts the parts kept, and did not
// name "chi2_per_dof_alike", that χ²/dof.
func TestPartial3StatsHelpDofAlike(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	h := strings.Join(strings.Fields(out+errs), " ")
	want := `The maps' mean rows and parts constant by construction (the variance of standardised maps) are left out of this χ²/dof, their z being round-off: it is the JSON's "chi2_per_dof_alike", over the "dof_alike" parts kept ("dof" less "dof_alike" were left out), and "p_chi2_low" is its P.`
	if !strings.Contains(h, want) || strings.Contains(h, `are left out of it ("dof_alike")`) {
		t.Errorf("stats --help lacks %q", want)
	}
}
