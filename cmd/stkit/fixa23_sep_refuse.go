package main

import (
	"strings"

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
		if why := infer.PatchPriorUnusable(ms, comps); why != "" {
			return badInputf("--patch-prior %s: %s; use the statistics alone (--patch-prior off)", ppMode, strings.ReplaceAll(why, ", ExportOptions.PatchPrior)", ")"))
		}
	}
	return nil
}
