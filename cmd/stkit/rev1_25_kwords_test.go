package main

import (
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestRev1_25PatchPriorKWordsMixed: export's "patch priors:" words
// (patchPriorExportK) and separate's method words (patchPriorKWords) when
// the fits differ per component: one lowered by too few rows and one at K,
// some dropping dead Gaussians, a component without a prior (its
// mixture_components_used 0, skipped), and a folder without
// mixture_components_used (before kcap25). TestKcap25ExportFewRows covers
// only two priors lowered alike ([2 2]), where a used/kept list out of
// step with the components would still read right.
func TestRev1_25PatchPriorKWordsMixed(t *testing.T) {
	for _, c := range []struct {
		files        []string
		used, kept   []int
		export, sepw string
	}{
		{[]string{"patch_prior_0.npz", "patch_prior_1.npz"}, []int{13, 20}, []int{5, 17},
			"K 20 Gaussians asked, fitted 13 and 20 (at most one per P² + 1 training rows), kept 5 and 17 (the fit drops dead ones)",
			"5- and 17-Gaussian priors (K 20 asked, 13 and 20 fitted on their training rows; the fit dropped dead Gaussians)"},
		{[]string{"patch_prior_0.npz", "patch_prior_1.npz"}, []int{13, 20}, []int{13, 20},
			"K 20 Gaussians asked, fitted 13 and 20 (at most one per P² + 1 training rows)",
			"13- and 20-Gaussian priors (K 20 asked, 13 and 20 fitted on their training rows)"},
		{[]string{"", "patch_prior_1.npz", "patch_prior_2.npz"}, []int{0, 2, 20}, []int{0, 1, 19},
			"K 20 Gaussians asked, fitted 2 and 20 (at most one per P² + 1 training rows), kept 1 and 19 (the fit drops dead ones)",
			"1- and 19-Gaussian priors (K 20 asked, 2 and 20 fitted on their training rows; the fit dropped dead Gaussians)"},
		{[]string{"patch_prior_0.npz", "patch_prior_1.npz"}, nil, []int{5, 17},
			"K 20 Gaussians asked, kept 5 and 17 (the fit drops dead ones)",
			"5- and 17-Gaussian priors (K 20 asked: the fit dropped dead Gaussians)"},
	} {
		ms := &infer.ModelSet{Manifest: &infer.ModelManifest{PatchPriors: &infer.ModelPatchPriors{K: 20, Files: c.files, KUsed: c.used}}}
		for i, f := range c.files {
			var pp *infer.PatchPrior
			if f != "" {
				pp = &infer.PatchPrior{K: c.kept[i]}
			}
			ms.PatchPriors = append(ms.PatchPriors, pp)
		}
		n := len(c.files)
		if got := patchPriorExportK(ms); got != c.export {
			t.Errorf("used %v, kept %v: export %q\nwant %q", c.used, c.kept, got, c.export)
		}
		if got := patchPriorKWords(ms, []int{n - 2, n - 1}); got != c.sepw {
			t.Errorf("used %v, kept %v: separate %q\nwant %q", c.used, c.kept, got, c.sepw)
		}
	}
}
