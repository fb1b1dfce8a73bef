package main

import (
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestExpx24PatchPriorCheckWords: separate --models words the remedy of a
// folder without priors itself, from infer.CheckPatchPriors' reason, after
// infer's Why whatever its wording; other reasons are infer's Why as it is.
// Fails on the old code (the CLI cut ", ExportOptions.PatchPrior" out of
// infer.PatchPriorUnusable's text: a reworded remedy there came through).
func TestExpx24PatchPriorCheckWords(t *testing.T) {
	for _, c := range []struct {
		check infer.PatchPriorCheck
		want  string
	}{
		{infer.PatchPriorCheck{Reason: infer.PatchPriorNotExported, Why: "the folder f lacks priors for 1 and 3", Components: [2]int{1, 3}}, "the folder f lacks priors for 1 and 3 (export them with `stkit export --patch-prior`)"},
		{infer.PatchPriorCheck{Reason: infer.PatchPriorRoles, Why: "three learned components"}, "three learned components"},
		{infer.PatchPriorCheck{}, ""},
	} {
		if got := patchPriorCheckWords(c.check); got != c.want {
			t.Errorf("%+v: %q, want %q", c.check, got, c.want)
		}
	}
}
