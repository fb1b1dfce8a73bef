package main

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestReview21SpoolBothFolders: where neither the output's folder nor
// TMPDIR took the dict's temporary file, familyDictSpooled returned the
// second error only (TMPDIR's), so the message did not say that the
// output's folder had been tried, nor why it failed. Both are named now.
func TestReview21SpoolBothFolders(t *testing.T) {
	base := t.TempDir()
	outDir := filepath.Join(base, "no-such-output-folder")
	tmp := filepath.Join(base, "no-such-tmp")
	t.Setenv("TMPDIR", tmp)
	spool, err := newFamilySpool(filepath.Join(outDir, "c.npz"))
	if err == nil {
		spool.Close()
		t.Fatal("spool opened in two missing folders")
	}
	msg := err.Error()
	for _, want := range []string{
		"neither the output's folder " + outDir + " nor the temporary folder " + tmp + " (TMPDIR) could take one",
		"open " + filepath.Join(outDir, ".stkit-spool-"),
		"open " + filepath.Join(tmp, ".stkit-spool-"),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %q does not wrap fs.ErrNotExist", msg)
	}
	// a device path has one folder to try: TMPDIR, named once
	_, err = newFamilySpool("/dev/stdout")
	if err == nil || !strings.Contains(err.Error(), "the temporary folder "+tmp+" (TMPDIR) could not take one") || strings.Contains(err.Error(), "neither") {
		t.Errorf("/dev/stdout: error %v; want TMPDIR's alone", err)
	}
	// the output's folder failing alone is no error: TMPDIR takes the spool
	t.Setenv("TMPDIR", base)
	spool, err = newFamilySpool(filepath.Join(outDir, "c.npz"))
	if err != nil {
		t.Fatalf("fallback on TMPDIR: %v", err)
	}
	spool.Close()
}
