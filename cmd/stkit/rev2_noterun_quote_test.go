package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// separate --models' no-priors note on a folder without export_options
// printed the training run unquoted ('stkit export /tmp/…/a b/run -o DIR'),
// a command the shell splits at the space; the export_options branch
// quotes it (shellQuote). Both quote it now.
func TestRev2NoteRunQuoted(t *testing.T) {
	run := filepath.Join(t.TempDir(), "a b", "run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // the run lies outside the working directory: named as recorded
	ms := &infer.ModelSet{Dir: "models", Manifest: &infer.ModelManifest{}, Components: []*infer.ComponentModel{{}, {}}}
	ms.Manifest.Source.Run = run
	comps := []infer.SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "1", Model: ms.Components[1]}}
	got := patchPriorAbsentNote(ms, comps, "auto", false)
	if want := "stkit export '" + run + "' -o DIR --patch-prior fits them"; !strings.Contains(got, want) {
		t.Errorf("note %q\nwant %q in it", got, want)
	}
}
