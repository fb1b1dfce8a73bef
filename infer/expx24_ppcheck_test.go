package infer

import "testing"

// TestExpx24CheckPatchPriors: CheckPatchPriors gives the reason as a value
// and the problem without its remedy (Why), so that stkit separate words
// the remedy itself; PatchPriorUnusable (Text) keeps its words. Fails on
// the old code (no CheckPatchPriors: the CLI edited PatchPriorUnusable's
// text).
func TestExpx24CheckPatchPriors(t *testing.T) {
	ms := &ModelSet{Dir: "m", Manifest: &ModelManifest{}, Components: []*ComponentModel{{}, {}, {}}}
	two := []SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "2", Model: ms.Components[2]}}
	c := CheckPatchPriors(ms, two)
	if c.Reason != PatchPriorNotExported || c.Why != "the model folder m has no patch priors for components 0 and 2" || c.Components != [2]int{0, 2} {
		t.Errorf("no priors: %+v", c)
	}
	if got, want := PatchPriorUnusable(ms, two), "the model folder m has no patch priors for components 0 and 2 (export them with `stkit export --patch-prior`, ExportOptions.PatchPrior)"; got != want || c.Text() != want {
		t.Errorf("PatchPriorUnusable %q, Text %q\nwant %q", got, c.Text(), want)
	}
	one := two[:1]
	c = CheckPatchPriors(ms, one)
	if want := "the patch-prior separation takes two learned components and at most one white-noise component, got 1 components"; c.Reason != PatchPriorRoles || c.Why != want || c.Text() != want || c.Components != [2]int{} {
		t.Errorf("one component: %+v", c)
	}
	c = CheckPatchPriors(nil, two)
	if c.Reason != PatchPriorNoModels || c.Why != "no models (nil model set or manifest)" || PatchPriorUnusable(nil, two) != c.Why {
		t.Errorf("nil: %+v", c)
	}
	ms.Manifest.PatchPriors = &ModelPatchPriors{Files: []string{"patch_prior_0.npz", "", "patch_prior_2.npz"}}
	if c = CheckPatchPriors(ms, two); c != (PatchPriorCheck{}) || PatchPriorUnusable(ms, two) != "" {
		t.Errorf("with priors: %+v", c)
	}
}
