package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestPatchPrior21ExportCLI: stkit export --patch-prior (scaled down: K 3,
// ≤ 1500 rows) writes patch_prior_<k>.npz, records them in the manifest
// and says each fit's time; without the flag the folder has none; bad
// --patch-prior-k/rows are refused.
func TestPatchPrior21ExportCLI(t *testing.T) {
	dir := modelsFixture(t)
	out := filepath.Join(t.TempDir(), "pp")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", out, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500")
	if code != 0 {
		t.Fatalf("export --patch-prior: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"export: patch prior of component 0 (1 of 2): 1500 sub-patch rows, ", "patch priors: K 3 Gaussians on 6×6 sub-patches, ≤ 1500 rows per component (patch_prior_0.npz, patch_prior_1.npz)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	ms, err := infer.LoadModels(out)
	if err != nil {
		t.Fatal(err)
	}
	if !ms.HasPatchPriors(0, 1) {
		t.Fatalf("no patch priors recorded: %+v", ms.Manifest.PatchPriors)
	}
	for _, f := range []string{"patch_prior_0.npz", "patch_prior_1.npz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	plain, err := infer.LoadModels(filepath.Join(dir, "models"))
	if err != nil || plain.Manifest.PatchPriors != nil {
		t.Errorf("export without --patch-prior: patch priors %+v (%v)", plain.Manifest.PatchPriors, err)
	}
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(t.TempDir(), "x"), "--patch-prior", "--patch-prior-k", "10", "--patch-prior-rows", "15"},
		"--patch-prior-k 10, --patch-prior-rows 15: want k ≥ 1 and rows ≥ 37 (each mixture component must hold P² + 1 = 37 training rows of 6×6 pixels; fewer than k·37 rows fit fewer components)", filepath.Join(t.TempDir(), "x"))
}

// TestPatchPrior21SeparateCLI: separate --models on a folder with patch
// priors runs the patch prior alone by default (says so, metrics.json
// settings.method), the statistics with --patch-prior off; a folder without
// priors keeps the statistics under auto and refuses on; on contradicts
// --start.
func TestPatchPrior21SeparateCLI(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := filepath.Join(work, "pp")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", pp, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500"); code != 0 {
		t.Fatalf("export --patch-prior: exit %d\n%s", code, errs)
	}
	mix, truth := filepath.Join(dir, "mix.npy"), filepath.Join(dir, "truth.npy")
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "a.npy"), "--truth", truth, "--report", rep, "--log-every", "10")
	if code != 0 || !strings.Contains(errs, "separate: method: patch prior (the two-source posterior mean under the components' 3-Gaussian priors of 6×6 pixel patches, stride 1") {
		t.Fatalf("separate with priors: exit %d\n%s", code, errs)
	}
	// patchrev: the first line named steps, tau and a Wiener init that no stage used
	if !strings.Contains(errs, "coefficients), the patch-prior estimate alone (no L-BFGS stage: steps, tau and init unused), engine ") || strings.Contains(errs, "init wiener") {
		t.Errorf("separate with priors: the first line should not name steps, tau or init\n%s", errs)
	}
	// patchrev: the estimate's progress (a bar without --log-every)
	if !regexp.MustCompile(`\nseparate: patch prior: 729 data patches, \d+\.\d s\n`).MatchString(errs) {
		t.Errorf("separate with priors, --log-every: no line of the patch-prior estimate's patches (32² at stride 1: 27² = 729)\n%s", errs)
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil || !strings.Contains(string(b), `"method": "patch prior"`) {
		t.Errorf("metrics.json lacks the method (%v)", err)
	}
	code, _, errs = runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--steps", "0,5", "--patch-prior", "off")
	if code != 0 || !strings.Contains(errs, "separate: method: statistics\n") {
		t.Errorf("--patch-prior off: exit %d\n%s", code, errs)
	}
	plain := filepath.Join(dir, "models")
	code, _, errs = runCLI(t, "separate", mix, "--models", plain, "--components", "0,1", "-o", filepath.Join(work, "c.npy"), "--steps", "0,5")
	if code != 0 || !strings.Contains(errs, "separate: method: statistics (the model folder has no patch priors: stkit export --patch-prior adds them)") {
		t.Errorf("no priors, auto: exit %d\n%s", code, errs)
	}
	wantBadInput(t, []string{"separate", mix, "--models", plain, "--components", "0,1", "-o", filepath.Join(work, "d.npy"), "--patch-prior", "on"}, "has no patch priors for components 0 and 1")
	wantBadInput(t, []string{"separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "e.npy"), "--patch-prior", "on", "--start", truth},
		"--patch-prior on sets the starting point; it contradicts --start (give one of them)")
	wantBadInput(t, []string{"separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "f.npy"), "--patch-prior", "yes"}, `--patch-prior "yes": want auto, on, start or off`)
}
