package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// exportPatchPriorFixture exports the models fixture's run with small patch
// priors (K 2, ≤ 500 rows) to work/pp.
func exportPatchPriorFixture(t *testing.T, dir, work string) string {
	t.Helper()
	pp := filepath.Join(work, "pp")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", pp, "--samples", "10", "--patch-prior", "--patch-prior-k", "2", "--patch-prior-rows", "500"); code != 0 {
		t.Fatalf("export --patch-prior: exit %d\n%s", code, errs)
	}
	return pp
}

// patchfix: with the patch prior alone, separate --models printed the note
// that the 64² map is constrained tile by tile by 32² models (models
// trained on patches as large as the map separate better) and the
// --min-fraction mask warnings, neither of which applies: no statistic
// term is minimised. They are printed only when the statistics run.
func TestPatchPrior21SeparateNoStatNotes(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix, err := datasets.ReadMaps(filepath.Join(dir, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	big := stlayer.NewMaps(1, 64, 64)
	for r := 0; r < 64; r++ {
		for c := 0; c < 64; c++ {
			big.Data[r*64+c] = mix.Data[(r%32)*32+c%32]
		}
	}
	bigPath := filepath.Join(work, "big.npy")
	if err := datasets.WriteMaps(bigPath, big); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "separate", bigPath, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "a.npy"), "--min-fraction", "0.9")
	if code != 0 || !strings.Contains(errs, "separate: method: patch prior") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, bad := range []string{"models trained on patches as large as the map separate better", "mask keeps"} {
		if strings.Contains(errs, bad) {
			t.Errorf("patch prior alone: stderr says %q\n%s", bad, errs)
		}
	}
	code, _, errs = runCLI(t, "separate", bigPath, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--min-fraction", "0.9", "--patch-prior", "off", "--steps", "0,2")
	if code != 0 || !strings.Contains(errs, "separate: note: the map is 64×64 and the models describe 32² patches") ||
		!strings.Contains(errs, "warning: component 0: the --min-fraction 0.9 mask keeps 1 of its 191 coefficients") {
		t.Errorf("statistics: exit %d, no tile note or mask warning\n%s", code, errs)
	}
}

// patchfix: --patch-prior auto with a folder that has patch priors but not
// for every component separated printed "method: statistics" without a
// word on why. It names the component without a prior and how to get one.
func TestPatchPrior21SeparateAutoWhyStatistics(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", pp, "--components", "0,noise:0.5", "-o", filepath.Join(work, "a.npy"), "--steps", "0,2")
	if code != 0 || !strings.Contains(errs, "separate: method: statistics (the patch prior separates two learned components (and at most one noise:σ), --components gives 1 learned)\n") {
		t.Errorf("noise component: exit %d\n%s", code, errs)
	}
	ms, err := infer.LoadModels(pp)
	if err != nil {
		t.Fatal(err)
	}
	ms.Manifest.PatchPriors.Files[1] = "" // as an export that fitted none for component 1
	var comps []infer.SepComponent
	for k := range 2 {
		c, err := ms.Component(k)
		if err != nil {
			t.Fatal(err)
		}
		comps = append(comps, infer.SepComponent{Name: fmt.Sprintf("component %d", k), Model: c})
	}
	res := &infer.ModelSepResult{Method: infer.MethodStatistics}
	want := "method: statistics (component 1 has no patch prior in " + pp + ": stkit export --patch-prior fits one; its export warned why it got none (fewer training rows than P² + 1, constant patches, or too few distinct sub-patches))"
	if got := patchPriorMethodLine(res, ms, comps, true); got != want {
		t.Errorf("auto, component 1 without a prior:\n got %s\nwant %s", got, want)
	}
	if got := patchPriorMethodLine(res, ms, comps, false); got != "method: statistics" {
		t.Errorf("--patch-prior off: %s", got)
	}
}

// patchfix: export's warning for a component with too few training rows for
// its patch prior said "a smaller K", no flag; it names --patch-prior-k.
// kcap25: too few rows for K now take fewer components; fewer than one
// component needs are refused naming the inputs that work, or
// --patch-prior-rows where it caps them (fixc25: in export's words, more
// training patches in the component).
func TestPatchPrior21ExportFewRowsNamesFlag(t *testing.T) {
	_, err := infer.FitPatchPrior(stlayer.NewMaps(1, 6, 6), infer.PatchPriorOptions{K: 20})
	// fixc25: in export's words, more patches of the dataset's size
	want := "patch prior: the component's training patches (1 of 6×6) give 8 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): a prior needs more training patches in the component (at least 5 of 6×6)"
	if err == nil || !strings.Contains(exportWarnText(err.Error()), want) {
		t.Errorf("too few rows: %v\nwant %s", err, want)
	}
	_, err = infer.FitPatchPrior(stlayer.NewMaps(1, 64, 64), infer.PatchPriorOptions{K: 20, MaxRows: 30})
	want = "give MaxRows ≥ 37 (--patch-prior-rows)"
	if err == nil || !strings.Contains(exportWarnText(err.Error()), want) {
		t.Errorf("MaxRows 30: %v\nwant %s", err, want)
	}
}
