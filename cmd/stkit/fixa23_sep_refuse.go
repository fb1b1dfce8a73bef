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
// start as the library would (infer.CheckPatchPriors), in the command
// line's words (patchPriorRefusalWords).
func sepModelsPriorRefusal(ms *infer.ModelSet, comps []infer.SepComponent, ppMode, resolved, ffMode string, start bool) error {
	man := ms.Manifest
	prior := resolved == "only" || resolved == "start" || ppMode == "auto" && !start
	if ffMode == "auto" && prior && man.PatchPriors == nil && len(man.FeatureFilters) > 0 {
		if _, err := ms.LoadFeatureFilters(); err != nil {
			return modelError(err)
		}
	}
	if resolved == "only" || resolved == "start" {
		if why := patchPriorRefusalWords(ms, comps); why != "" {
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
// priors can separate the components. Components in the wrong roles
// (infer.PatchPriorRoles) get the flag's terms, not infer's Why, which
// names Go identifiers (fixy24; patchPriorRefusalWords says which of
// them is wrong).
func patchPriorCheckWords(c infer.PatchPriorCheck) string {
	switch c.Reason {
	case infer.PatchPriorNotExported:
		return c.Why + " (export them with `stkit export --patch-prior`)"
	case infer.PatchPriorRoles:
		return "the patch prior separates two of the folder's learned components and at most one noise:σ (--components a,b or a,b,noise:σ)"
	}
	return c.Why
}

// patchPriorRefusalWords is why separate --models refuses --patch-prior on
// or start for comps, in the command line's terms ("" when the folder's
// priors can separate them): components in the wrong roles as
// patchPriorUnservable words them (fixy24: infer's PatchPriorRoles Why
// came through as it is, e.g. "got 1 and a white-noise component", or
// "white noise (NoiseComponent)"), otherwise patchPriorCheckWords.
func patchPriorRefusalWords(ms *infer.ModelSet, comps []infer.SepComponent) string {
	c := infer.CheckPatchPriors(ms, comps)
	if c.Reason == infer.PatchPriorRoles {
		if why := patchPriorUnservable(ms, comps); why != "" {
			return why
		}
	}
	return patchPriorCheckWords(c)
}
