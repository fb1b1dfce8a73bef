package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestFixz24PriorsFolderRoot: the no-priors note's new folder beside a
// model folder that is the filesystem root ("/", or "." and ".." in it)
// was "/-priors", a folder inside the root named as if beside it: none is
// proposed now (priorsFolderFor gives ""), and the note's command says -o
// DIR, a new folder, not the one in use. "." and "m/" (a trailing slash)
// keep their folders beside. Fails on the old code ("/-priors").
func TestFixz24PriorsFolderRoot(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	for dir, want := range map[string]string{"/": "", "//": "", "m/": "m-priors", ".": work + "-priors", "m/..": work + "-priors"} {
		if got := priorsFolderFor(dir); got != want {
			t.Errorf("in %s: priorsFolderFor(%q) = %q, want %q", work, dir, got, want)
		}
	}
	t.Chdir("/")
	for _, dir := range []string{".", ".."} {
		if got := priorsFolderFor(dir); got != "" {
			t.Errorf("in /: priorsFolderFor(%q) = %q, want \"\"", dir, got)
		}
	}
	ms := &infer.ModelSet{Dir: "/", Manifest: &infer.ModelManifest{Export: &infer.ModelExportOptions{Samples: 8, Seed: 3, Covariance: "no", Latent: "prior", Calibrate: "none"}},
		Components: []*infer.ComponentModel{{}, {}}}
	comps := []infer.SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "1", Model: ms.Components[1]}}
	want := "; stkit export RUN -o DIR --samples 8 --seed 3 --cov no --latent prior --calibrate none --patch-prior fits them (the options " + filepath.Join("/", "manifest.json") +
		" records in export_options, with --patch-prior added: the same models again, with priors, in a new folder DIR (not / itself: that would replace the models in use); separate --models DIR then uses them)"
	if got := patchPriorAbsentNote(ms, comps, "auto", false); !strings.HasSuffix(got, want) {
		t.Errorf("note on /\n got %q\nwant …%q", got, want)
	}
}
