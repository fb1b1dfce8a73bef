package main

import (
	"github.com/stkit-org/stkit/infer"
)

// sepModelsPriorRefusal is separate --models' refusal (exit 2), before its
// header, of the patch-prior method on a folder it cannot run on; nil when
// the separation can start. resolved is resolvePatchPrior's mode (only,
// start, off) for the flag's ppMode, ffMode resolveFeatureFilter's.
//
// fixa23: a folder whose manifest lists feature filters but no
// patch_priors (a hand edit: Write refuses to make one) is refused by
// infer's auto separation (c07a218), but --patch-prior auto reached the
// library as off, so separate ran the statistics and ignored the filter
// without a word (exit 0); --patch-prior on or start printed the header and
// then failed on the missing priors, as on any folder without them. Both
// now fail here: the filters without priors as infer refuses them
// (ModelSet.LoadFeatureFilters' error), where the patch prior would run
// (auto without --start, on, start) and --feature-filter is auto; on and
// start as the library would (infer.PatchPriorUnusable).
func sepModelsPriorRefusal(ms *infer.ModelSet, comps []infer.SepComponent, ppMode, resolved, ffMode string, start bool) error {
	man := ms.Manifest
	prior := resolved == "only" || resolved == "start" || ppMode == "auto" && !start
	if ffMode == "auto" && prior && man.PatchPriors == nil && len(man.FeatureFilters) > 0 {
		if _, err := ms.LoadFeatureFilters(); err != nil {
			return modelError(err)
		}
	}
	if resolved == "only" || resolved == "start" {
		if why := patchPriorCheckWords(infer.CheckPatchPriors(ms, comps)); why != "" {
			return badInputf("--patch-prior %s: %s; use the statistics alone (--patch-prior off)", ppMode, why)
		}
	}
	return nil
}

// patchPriorCheckWords is infer.CheckPatchPriors' answer for the command
// line: its Why, and for a folder without the two components' priors the
// export flag that fits them, worded here (expx24: the CLI deleted ",
// ExportOptions.PatchPrior" from infer's PatchPriorUnusable text, which
// any rewording in infer would have left in, or broken); "" when the
// priors can separate the components.
func patchPriorCheckWords(c infer.PatchPriorCheck) string {
	if c.Reason == infer.PatchPriorNotExported {
		return c.Why + " (export them with `stkit export --patch-prior`)"
	}
	return c.Why
}
