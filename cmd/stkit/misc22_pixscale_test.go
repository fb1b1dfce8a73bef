package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// patches' note on a FITS source without a single pixel scale
// (patchesNoScaleNotes) read the source again, data and all (11–26 ms for
// a 2048² FITS), after datasets.LoadSources had read it. It now takes the
// cards LoadSources kept (Source.Header): the note comes even when the
// file is gone after the load, which the second read could not give.
func TestMisc22PatchesNoScaleNoteReadsOnce(t *testing.T) {
	dir := t.TempDir()
	p := misc2PVFITS(t, dir, "pv.fits", 1)
	srcs, err := datasets.LoadSources([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	patchesNoScaleNotes(&w, srcs, filepath.Join(dir, "ds"))
	want := "patches: note: " + p + ": no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (the axes' units differ and are not both angles): " +
		filepath.Join(dir, "ds", "manifest.json") + " has no pixel_scale for it, nor will the models trained on it\n"
	if w.String() != want {
		t.Errorf("note %q, want %q", w.String(), want)
	}
}
