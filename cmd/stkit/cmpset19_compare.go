package main

import (
	"flag"
	"fmt"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// compareHelp19 is the part of stats' help about --compare-ref, --paired,
// the default permutation test and the spread of the two sets (cmpset19).
const compareHelp19 = `
--compare-ref pooled (default) normalises the statistics that take a
reference (spectra, scov --synthesis or --iso, wph --norm auto) by one
reference over the maps of A and B together: the question "do A and B
differ?", where a change of amplitude (A ×1.05) shows in P00 and S1 and in
C01 and C11 too. --compare-ref each normalises every map by its own
reference, as stats does map by map: the question "did the non-Gaussian
shape change?", where the same maps ×1.05 give the same C01 and C11 (z =
0) and only the unnormalised rows (P00, S1, the mean) move.
--paired compares paired sets (map i of A with map i of B, e.g. two
simulations run from the same seeds, as Quijote's derivative pairs): z_k
= mean(d)/(sd(d)/√n) of the n differences d = A_i − B_i (Student t with
ν = n − 1), and the permutation test flips the signs of the differences
(2^n sign patterns, all of them when 2^n ≤ N; a pattern and its opposite
give one χ²/dof, so p ≥ 2/2^n). The seeds' common variance cancels, so a
shift far below the spread of the maps is seen (×1.01 of 10 maps: χ²/dof
in the thousands). The two sets need the same number of maps.
Without --permutations, the permutation test runs by default with up to
1000 splits (all of them when there are fewer) when it costs under about a
second (dof × maps × splits ≤ 3·10⁸, 0.6 s for 20 maps of scov at 256²);
otherwise the output says that χ²/dof is no test and how long
--permutations 1000 would take. --permutations 0 turns it off. Random
splits and sign patterns are drawn from the fixed seed 1 (the library's
infer.Comparison.Permute(c, N, 1)), so a run repeats its p exactly.
The spread of the two sets is compared too: sd_A/sd_B, the geometric mean
over the parts of the ratio of their standard deviations, overall and per
class (a column of the table; "sd_ratio" in the JSON). A warning says
when it lies beyond the 0.1 % tails of one process's F(n_A − 1, n_B − 1),
or when χ²/dof is lower than for 99 % of the splits (p_low, "A and B are
more alike than two samples of one process"): syntheses matched to a
set's mean have a spread of a few % of the set's and χ²/dof ≈ 0.04, p = 1,
which does not mean "compatible"; maps against rescaled copies of
themselves want --paired. With few maps p_low cannot be small (4 against
4: p_low ≥ 0.029), so χ²/dof is also held against its own lower tail
("p_chi2_low"): the z's correlations make the parts worth m independent
ones ("effective_dof", from their correlation within the sets, m ≤ n_A +
n_B − 2), and P(χ²_m/m ≤ χ²/dof), conservative, below 0.01 warns that A
and B are near-copies (a set against itself with a few pixels changed by
round-off: χ²/dof ≈ 1e-16; maps shifted periodically under wst: 0.006);
independent sets of 4 and 4 maps gave at least 0.16. The maps' mean rows
and parts constant by construction (the variance of standardised maps)
are left out of this χ²/dof, their z being round-off: it is the JSON's
"chi2_per_dof_alike", over the "dof_alike" parts kept ("dof" less
"dof_alike" were left out), and "p_chi2_low" is its P. When p_low warns
too, one warning says both. Paired sets: the spread of the
differences A_i − B_i over that of the maps ("paired_diff_ratio", median
over the parts; about 1 for independent pairs, less for pairs from the
same seeds) below 1e-5 warns that A and B are near-copies, which the
paired z, a ratio, cannot show (one float32 ulp changed: ~1e-9). With
--skip-nan, --paired leaves out the pair of a map that holds NaN or ±Inf.`

// compareOpts19 holds stats --compare's options of session 19: the
// reference of the normalised statistics (--compare-ref), paired sets
// (--paired) and whether --permutations was given (else the permutation
// test runs by default when it is cheap, autoPerms19).
type compareOpts19 struct {
	Ref        string // "pooled" or "each"
	Paired     bool
	permsGiven bool
}

// compareFlags19 adds --compare-ref and --paired to stats' flags.
func compareFlags19(fs *flag.FlagSet) *compareOpts19 {
	o := &compareOpts19{}
	fs.StringVar(&o.Ref, "compare-ref", "pooled", "with --compare, the reference of the normalised statistics (spectra, scov --synthesis or --iso, wph --norm auto): pooled, one over the maps of A and B together (do A and B differ?), or each, every map normalised by its own (did the non-Gaussian shape change?)")
	fs.BoolVar(&o.Paired, "paired", false, "with --compare: the sets are paired map by map (map i of A with map i of B, e.g. the same seeds): z from the mean and sd of the differences, permutations by sign flips; the two sets need the same number of maps")
	return o
}

// check refuses --compare-ref and --paired without --compare, a
// --compare-ref other than pooled or each, and each for a statistic that
// takes no reference; it records whether --permutations was given. Call it
// after the flags are parsed.
func (o *compareOpts19) check(fs *flag.FlagSet, compare string, spec stats.Spec) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	o.permsGiven = given["permutations"]
	if compare == "" {
		switch {
		case given["compare-ref"]:
			return badInputf("--compare-ref %s applies to --compare (the reference of the two sets' normalised statistics): add --compare SET_B or leave it out", o.Ref)
		case o.Paired:
			return badInputf("--paired applies to --compare (two sets paired map by map): add --compare SET_B or leave it out")
		}
		return nil
	}
	switch o.Ref {
	case "pooled":
	case "each":
		// effectiveNormSpec: scov's --norm none is p00 (442e031), which
		// has a reference; coeffsNorm took it for unnormalised
		if norm, _ := coeffsNorm(effectiveNormSpec(spec)); norm == "none" || (spec.Kind == stats.WPH && spec.Iso) {
			return badInputf("--compare-ref each: %s takes no reference (its coefficients are not normalised), so each and pooled are one; it applies to spectra, scov --synthesis or --iso and wph --norm auto", spec.Kind)
		}
	default:
		return badInputf("--compare-ref %s: want pooled (one reference over A and B together) or each (every map its own)", o.Ref)
	}
	return nil
}

// compareAutoBudget is the cost, dof × maps × splits, up to which stats
// --compare runs its permutation test by default (autoPerms19): about 4 ns
// each on one core, 0.6 s for 1000 splits of 20 maps of scov (7554 dof).
const compareAutoBudget = 3e8

// compareAutoPerms is the number of splits of the default permutation test.
const compareAutoPerms = 1000

// autoPerms19 returns the number of splits of the default permutation test
// of r (paired: sign flips): compareAutoPerms (all splits when there are
// fewer), or 0 when that costs more than compareAutoBudget.
func autoPerms19(r compareResult, paired bool) int {
	n := r.NA + r.NB
	splits := compareAutoPerms
	if paired {
		if r.NA < 30 {
			splits = min(splits, 1<<r.NA)
		}
	} else {
		splits = min(splits, infer.SplitCount(n, r.NA, compareAutoPerms))
	}
	if float64(r.Dof)*float64(n)*float64(splits) > compareAutoBudget {
		return 0
	}
	return compareAutoPerms
}

// comparePerms19 runs r's permutation test: with perms splits when
// --permutations was given, else autoPerms19's (x.PermsAuto), or, when
// that is too costly, none, with x.NoTest saying that χ²/dof is no test.
// infer.Comparison's Permute runs it: paired sets (x.Paired) flip the signs
// of the differences, other sets split the maps; both give the upper p
// (PermP) and the lower one (x.PermPLow). warnFew is called with the warning when
// --permutations was given and the smallest p exceeds compareFewSplitsP.
// It returns the library's refusal of coefficients that are not r's.
func comparePerms19(c *stlayer.Coeffs, r *compareResult, x *compareExtra19, perms int, o *compareOpts19, warnFew func(string)) error {
	if r.Dof == 0 {
		return nil
	}
	if !o.permsGiven {
		perms = autoPerms19(*r, x.Paired)
		if perms == 0 {
			n := r.NA + r.NB
			x.NoTest = fmt.Sprintf("χ²/dof is a diagonal summary of correlated coefficients, NOT A TEST: it does not tell two samples of one process from two processes; no permutation test ran by default (%d dof × %d maps, ~%.0f s for 1000 splits): add --permutations 1000 for a calibrated p", r.Dof, n, float64(r.Dof)*float64(n)*compareAutoPerms*4e-9)
			return nil
		}
		x.PermsAuto = true
	}
	if perms == 0 {
		return nil
	}
	cmp := r.comparison()
	cmp.Paired = x.Paired
	if err := cmp.Permute(c, perms, 1); err != nil {
		return err
	}
	r.PermP, x.PermPLow, r.Perms, r.PermExact, r.PermMinP = cmp.PermP, cmp.PermPLow, cmp.Perms, cmp.PermExact, cmp.PermMinP
	if !o.permsGiven || r.PermMinP <= compareFewSplitsP {
		return nil
	}
	if x.Paired {
		warnFew(fmt.Sprintf("the %d pairs have only 2^%d = %d sign patterns: the permutation p cannot be below %.2g (a pattern and its opposite give one χ²/dof); more pairs allow a smaller p", r.NA, r.NA, 1<<r.NA, r.PermMinP))
		return nil
	}
	warnFew(fmt.Sprintf("the %d maps (%d of A, %d of B) have only C(%d,%d) = %d distinct splits into sets of %d and %d: the permutation p cannot be below %.2g%s; more maps in each set allow a smaller p",
		r.NA+r.NB, r.NA, r.NB, r.NA+r.NB, r.NA, infer.SplitCount(r.NA+r.NB, r.NA, 1<<20), r.NA, r.NB, r.PermMinP, swapNote(r.NA, r.NB)))
	return nil
}

// permLine19 is printCompare's permutation line, "" when none ran: the
// upper p with how it was obtained (splits of the maps, or sign flips of
// paired differences; exact or random; by default or asked), and, for
// unpaired sets, the lower tail p_low.
func permLine19(r compareResult, x compareExtra19) string {
	if r.Perms == 0 {
		return ""
	}
	how := ""
	if x.PermsAuto {
		how = "; run by default, --permutations 0 turns it off"
	}
	low := ""
	if !x.Paired {
		low = fmt.Sprintf("; lower tail p_low = %.3g, small when A and B are more alike than two samples of one process", x.PermPLow)
	}
	switch {
	case x.Paired && r.PermExact:
		return fmt.Sprintf("permutation test: p = %.3g, exact (the share of all %d sign patterns of the %d paired differences, the observed one included, whose χ²/dof is at least the observed one; the smallest p possible is %.2g: a pattern and its opposite give one χ²/dof; calibrated if each difference is as likely with either sign, unlike χ²/dof itself%s)", r.PermP, r.Perms, r.NA, r.PermMinP, how)
	case x.Paired:
		return fmt.Sprintf("permutation test: p = %.3g (χ²/dof of %d random sign flips of the %d paired differences at least the observed one; calibrated if each difference is as likely with either sign, unlike χ²/dof itself%s)", r.PermP, r.Perms, r.NA, how)
	case r.PermExact:
		return fmt.Sprintf("permutation test: p = %.3g, exact (the share of all %d distinct splits of the %d maps into %d and %d, the observed one included, whose χ²/dof is at least the observed one; the smallest p possible is %.2g%s; calibrated if the maps of A and B are exchangeable, unlike χ²/dof itself%s%s)", r.PermP, r.Perms, r.NA+r.NB, r.NA, r.NB, r.PermMinP, swapNote(r.NA, r.NB), low, how)
	}
	return fmt.Sprintf("permutation test: p = %.3g (χ²/dof of %d random splits of the %d maps into %d and %d at least the observed one; calibrated if the maps of A and B are exchangeable, unlike χ²/dof itself%s%s)", r.PermP, r.Perms, r.NA+r.NB, r.NA, r.NB, low, how)
}

// caveat19 is printCompare's closing note: x.NoTest when the default
// permutation test did not run, else compareCaveat.
func caveat19(x compareExtra19) string {
	if x.NoTest != "" {
		return x.NoTest
	}
	return compareCaveat
}
