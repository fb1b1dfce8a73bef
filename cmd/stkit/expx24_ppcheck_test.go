package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestExpx24PatchPriorCheckWords: separate --models words the remedy of a
// folder without priors itself, from infer.CheckPatchPriors' reason, after
// infer's Why whatever its wording; components in the wrong roles in the
// flag's terms (fixy24); other reasons are infer's Why as it is.
// Fails on the old code (the CLI cut ", ExportOptions.PatchPrior" out of
// infer.PatchPriorUnusable's text: a reworded remedy there came through).
func TestExpx24PatchPriorCheckWords(t *testing.T) {
	for _, c := range []struct {
		check infer.PatchPriorCheck
		want  string
	}{
		{infer.PatchPriorCheck{Reason: infer.PatchPriorNotExported, Why: "the folder f lacks priors for 1 and 3", Components: [2]int{1, 3}}, "the folder f lacks priors for 1 and 3 (export them with `stkit export --patch-prior`)"},
		// fixy24: the roles in the flag's terms, not infer's Why
		{infer.PatchPriorCheck{Reason: infer.PatchPriorRoles, Why: "three learned components"}, "the patch prior separates two of the folder's learned components and at most one noise:σ (--components a,b or a,b,noise:σ)"},
		{infer.PatchPriorCheck{Reason: infer.PatchPriorNoModels, Why: "no models"}, "no models"},
		{infer.PatchPriorCheck{}, ""},
	} {
		if got := patchPriorCheckWords(c.check); got != c.want {
			t.Errorf("%+v: %q, want %q", c.check, got, c.want)
		}
	}
}

// TestExpx24NotePriorsFolder: separate --models' no-priors note on a
// folder that records export_options printed `stkit export RUN -o FOLDER
// …`, FOLDER the one in use: run, it replaced the models being used. It
// names a new folder beside it, FOLDER-priors, or FOLDER-priors-2 when
// that is taken, and says so. Fails on the old code ("-o m", "the folder
// is exported again").
func TestExpx24NotePriorsFolder(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	if err := os.Mkdir("run", 0o755); err != nil {
		t.Fatal(err)
	}
	ms := &infer.ModelSet{Dir: "m", Manifest: &infer.ModelManifest{Export: &infer.ModelExportOptions{Samples: 8, Seed: 3, Covariance: "no", Latent: "prior", Calibrate: "none"}},
		Components: []*infer.ComponentModel{{}, {}}}
	ms.Manifest.Source.Run = filepath.Join(work, "run")
	comps := []infer.SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "1", Model: ms.Components[1]}}
	tail := func(fresh string) string {
		return "; stkit export run -o " + fresh + " --samples 8 --seed 3 --cov no --latent prior --calibrate none --patch-prior fits them (the options " + filepath.Join("m", "manifest.json") +
			" records in export_options, with --patch-prior added: the same models again, with priors, in the new folder " + fresh + " beside m, which is left as it is; separate --models " + fresh + " then uses them)"
	}
	if got, want := patchPriorAbsentNote(ms, comps, "auto", false), tail("m-priors"); !strings.HasSuffix(got, want) {
		t.Errorf("note\n got %q\nwant …%q", got, want)
	}
	if err := os.Mkdir("m-priors", 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := patchPriorAbsentNote(ms, comps, "auto", false), tail("m-priors-2"); !strings.HasSuffix(got, want) {
		t.Errorf("with m-priors taken, note\n got %q\nwant …%q", got, want)
	}
	for dir, want := range map[string]string{"n/": "n-priors", ".": work + "-priors", filepath.Join(work, "x") + "/": filepath.Join(work, "x-priors")} {
		if got := priorsFolderFor(dir); got != want {
			t.Errorf("priorsFolderFor(%q) = %q, want %q", dir, got, want)
		}
	}
}
