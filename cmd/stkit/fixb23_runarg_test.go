package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// separate --models' note on a folder without patch priors named the
// training run by the absolute path the manifest records
// ('stkit export /tmp/…/run -o DIR --patch-prior'), which may not exist
// on the machine the folder was copied to. The run is named relative to
// the working directory when it lies below it, as recorded elsewhere, and
// as RUN, with the manifest's record, when nothing is there.
func TestFixb23PatchPriorNoteRun(t *testing.T) {
	work := t.TempDir()
	run := filepath.Join(work, "runs", "run2")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir() // a run outside the working directory
	t.Chdir(work)
	ms := &infer.ModelSet{Dir: "models", Manifest: &infer.ModelManifest{}, Components: []*infer.ComponentModel{{}, {}}}
	comps := []infer.SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "1", Model: ms.Components[1]}}
	const head = "models has no patch priors: for two learned components they separate better than the statistics (held-out dust + Quijote benchmark, mean worst-bin r 0.645/0.673 → 0.775/0.802), and separate --models uses them by default; stkit export "
	const opts = " -o DIR --patch-prior fits them (give the other export options models was made with)"
	gone := filepath.Join(string(filepath.Separator), "nonexistent-fixb23", "runs", "run2")
	for _, c := range []struct{ name, run, want string }{
		{"below the working directory", run, head + filepath.Join("runs", "run2") + opts},
		{"the working directory", work, head + "." + opts},
		{"elsewhere", other, head + other + opts},
		{"none recorded", "", head + "RUN" + opts},
		{"not there", gone, head + "RUN -o DIR --patch-prior fits them (RUN: the training run the models come from, which " + filepath.Join("models", "manifest.json") + " records as " + gone + ", not found here (a copy of it, or its new location); give the other export options models was made with)"},
	} {
		ms.Manifest.Source.Run = c.run
		if got := patchPriorAbsentNote(ms, comps, "auto", false); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	if strings.Contains(patchPriorAbsentNote(ms, comps, "auto", true), "RUN") {
		t.Error("a note with --start")
	}
}
