package main

import (
	"fmt"

	"github.com/stkit-org/stkit/infer"
)

// compareExtra19 is what stats --compare reports beyond compareResult
// since session 19 (compareResult.cmp19).
type compareExtra19 struct {
	// Paired: --paired (z from the differences of paired maps, ν = n − 1,
	// permutations by sign flips; infer.CompareOptions.Paired)
	Paired bool
	// PermPLow: the permutation test's lower tail (infer.Comparison's);
	// PermsAuto: the test ran by default (autoPerms19)
	PermPLow  float64
	PermsAuto bool
	// SdRatio: the geometric mean of sd_A/sd_B over the parts, ClassSd the
	// same per class (infer.Comparison's)
	SdRatio float64
	ClassSd map[string]float64
	// EffDof, AlikeP: the parts' effective number of independent ones and
	// χ²/dof's lower tail under one process (infer.Comparison's; EffDof 0
	// when not computed: paired sets)
	EffDof, AlikeP float64
	// AlikeDof, AlikeChi2: the parts of the near-copy statistic and their
	// mean z² (infer.Comparison's)
	AlikeDof  int
	AlikeChi2 float64
	// PairRatio: paired sets' differences over the maps' spread
	// (infer.Comparison's; 0 for independent sets)
	PairRatio float64
	// Ref: --compare-ref (pooled or each)
	Ref string
	// Warnings: tooAlikeWarnings19's
	Warnings []string
	// NoTest: why no permutation test ran by default (too costly), said in
	// place of compareCaveat (caveat19)
	NoTest string
}

// compareLowP is the lower-tail permutation p (p_low) below which stats
// --compare warns that A and B are more alike than two samples of one
// process.
const compareLowP = 0.01

// tooAlikeWarnings19 returns the warnings about r's spreads: sd_A/sd_B
// beyond infer.CompareSpreadBounds, χ²/dof's lower tail below
// infer.CompareAlikeP (alikeWarning: near-copies, unpaired sets), paired
// sets' differences below infer.ComparePairedCopyRatio of the maps' spread
// (pairedCopyWarning: near-copies), and, for
// unpaired sets with a permutation test
// whose smallest p allows it, p_low < compareLowP; the last two, which
// say the same, as one warning when both fire (alikeLowWarning).
func tooAlikeWarnings19(r compareResult, x compareExtra19) []string {
	var w []string
	if lo, hi := infer.CompareSpreadBounds(r.NA, r.NB); x.SdRatio > 0 && (x.SdRatio < lo || x.SdRatio > hi) {
		w = append(w, fmt.Sprintf("set A's spread is %.2g× set B's (sd_A/sd_B, geometric mean over the %d parts; one process gives %.2g to %.2g for %d and %d maps, F(%d, %d) at %g %%): the sets are not two samples of one process (syntheses matched to a mean? the same maps?); z, χ²/dof and the permutation p compare their means only",
			x.SdRatio, r.Dof, lo, hi, r.NA, r.NB, r.NA-1, r.NB-1, 100*infer.CompareSpreadTail))
	}
	alike := x.EffDof > 0 && x.AlikeP < infer.CompareAlikeP
	low := !x.Paired && r.Perms > 0 && x.PermPLow < compareLowP
	switch {
	case alike && low: // one message: both say "more alike than two samples"
		w = append(w, alikeLowWarning(r, x))
	case alike:
		w = append(w, alikeWarning(r, x))
	case low:
		w = append(w, fmt.Sprintf("χ²/dof = %.3g is lower than for %.3g %% of the splits of the maps (p_low = %.2g): A and B are more alike than two samples of one process (syntheses matched to a mean? the same maps rescaled or paired? then use --paired)",
			r.Chi2, 100*(1-x.PermPLow), x.PermPLow))
	}
	if x.Paired && x.PairRatio > 0 && x.PairRatio < infer.ComparePairedCopyRatio {
		w = append(w, pairedCopyWarning(r, x))
	}
	return w
}

// spreadLine19 is printCompare's line of the sets' spreads (SdRatio of
// infer.Comparison).
func spreadLine19(r compareResult, x compareExtra19) string {
	lo, hi := infer.CompareSpreadBounds(r.NA, r.NB)
	return fmt.Sprintf("spread: sd_A/sd_B = %.3g (geometric mean over the parts; per class in the table; one process gives %.2g to %.2g for %d and %d maps)", x.SdRatio, lo, hi, r.NA, r.NB)
}
