package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// TestFixb25ExportNoPriorLine: export's "patch priors:" line joined the
// manifest's files as recorded ("" for a component without a prior), so
// an export where no component got one printed "(, , , )" and one where
// some did "(, , patch_prior_2.npz, )" (measured at 21cd986: four 8² wph
// patches, --clusters 4, each component one patch, 32 training rows, fewer
// than the 37 a prior needs). It now says "none fitted" in the first case
// and names the components without one in the second. The library's
// export is stubbed with the models fixture's components and those priors.
func TestFixb25ExportNoPriorLine(t *testing.T) {
	ms, err := infer.LoadModels(filepath.Join(modelsFixture(t), "models"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755)
	os.WriteFile(filepath.Join(run, "run.json"), []byte("{}\n"), 0o644)
	rec := func(files ...string) *infer.ModelPatchPriors {
		return &infer.ModelPatchPriors{Files: files, P: 6, K: 3, Reg: 1e-3, MaxRows: 30000, Stride: 4, Augment: true, Iters: 40, Seed: 1, FitSeconds: make([]float64, len(files))}
	}
	export := func(name string, pps []*infer.PatchPrior, r *infer.ModelPatchPriors) string {
		t.Helper()
		ms.PatchPriors, ms.Manifest.PatchPriors = pps, r
		stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) { return ms, ms.Write(d) })
		out := filepath.Join(dir, name)
		code, _, errs := runCLI(t, "export", run, "-o", out)
		if code != 0 {
			t.Fatalf("export: exit %d\n%s", code, errs)
		}
		if _, err := infer.LoadModels(out); err != nil {
			t.Fatal(err)
		}
		return errs
	}

	errs := export("none", []*infer.PatchPrior{nil, nil}, rec("", ""))
	want := "  patch priors: none fitted (K 3 Gaussians asked on 6×6 sub-patches, ≤ 30000 rows per component: the warnings above say why each component got none)\n"
	if !strings.Contains(errs, want) || strings.Contains(errs, "(, )") {
		t.Errorf("no prior: stderr lacks %q\n%s", want, errs)
	}

	noise := stlayer.NewMaps(2, 16, 16)
	for b := range 2 {
		x, err := datasets.WhiteNoise(16, 16, uint64(5+b))
		if err != nil {
			t.Fatal(err)
		}
		copy(noise.Map(b), x)
	}
	pp, err := infer.FitPatchPrior(noise, infer.PatchPriorOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	errs = export("one", []*infer.PatchPrior{nil, pp}, rec("", "patch_prior_1.npz"))
	want = " on 6×6 sub-patches, ≤ 30000 rows per component (patch_prior_1.npz; none for component 0)\n"
	if !strings.Contains(errs, "  patch priors: K 3 Gaussians") || !strings.Contains(errs, want) || strings.Contains(errs, "(, patch_prior_1.npz)") {
		t.Errorf("one prior of two: stderr lacks %q\n%s", want, errs)
	}
}

// TestFixb25ExportHalfPriorK: the feature filter's half priors (each on
// half of a component's training patches) are capped as the full priors
// are (kcap25), which nothing recorded. With --patch-prior-rows 100 every
// prior of the models fixture, full or half, takes ⌊100/37⌋ = 2 of K 20:
// the filter's line says so, manifest.json's feature_filters record
// half_prior_components_used [[2, 2], [2, 2]], read_models.py reads the
// folder without a warning, and a half above its full prior is an error.
func TestFixb25ExportHalfPriorK(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ff := filepath.Join(work, "ff")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", ff, "--samples", "10", "--patch-prior", "--patch-prior-rows", "100",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8")
	want := "(feature_filter_0_1.npz); half priors: K 20 Gaussians asked, fitted 2 and 2 for component 0's halves, 2 and 2 for component 1's (at most one per P² + 1 training rows)\n"
	if code != 0 || !strings.Contains(errs, "  feature filter of component 0 against 1: ") || !strings.Contains(errs, want) {
		t.Fatalf("export: exit %d, stderr lacks %q\n%s", code, want, errs)
	}
	b, err := os.ReadFile(filepath.Join(ff, infer.ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var man map[string]any
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	rec := man["feature_filters"].([]any)[0].(map[string]any)
	if got, _ := json.Marshal(rec["half_prior_components_used"]); string(got) != "[[2,2],[2,2]]" {
		t.Errorf("manifest feature_filters[0].half_prior_components_used %s, want [[2,2],[2,2]]", got)
	}
	ms, err := infer.LoadModels(ff)
	if err != nil {
		t.Fatal(err)
	}
	if l := featureFilterExportLines(ms.Manifest); len(l) != 1 || !strings.HasSuffix(l[0]+"\n", want) {
		t.Errorf("the line from the folder as loaded: %q", l)
	}
	py := misc24Python()
	if py == "" {
		return
	}
	if code, out := misc24ReadModels(t, py, ff); code != 0 || !strings.HasSuffix(strings.TrimSpace(out), ": 0 errors, 0 warnings") {
		t.Errorf("read_models.py: exit %d\n%s", code, out)
	}
	bad := filepath.Join(work, "bad")
	if err := os.CopyFS(bad, os.DirFS(ff)); err != nil {
		t.Fatal(err)
	}
	rec["half_prior_components_used"] = [][]int{{3, 2}, {2, 2}}
	nb, err := json.Marshal(man)
	if err != nil || os.WriteFile(filepath.Join(bad, infer.ModelManifestFile), nb, 0o644) != nil {
		t.Fatalf("could not edit the manifest: %v", err)
	}
	if code, out := misc24ReadModels(t, py, bad); code != 1 || !strings.Contains(out, "ERROR: manifest.json: feature_filter_0_1.npz: half_prior_components_used: component 0's half 0 fitted with 3 components, its full prior with 2 (want 1 <= half <= full") {
		t.Errorf("read_models.py on half_prior_components_used [[3, 2], [2, 2]]: exit %d\n%s", code, out)
	}
}
