package main

import (
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
