package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
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

// TestReview21KymatioFloat32Names: a local WST coefficient beyond float32's
// range (Kymatio's float32 layout of the .npz's S) was reported by the
// spool at the row of its block of maps: 3 maps with map 1 at ~2e39 said
// "float32 array of shape (2, 25, 4, 4): the value at index (0, 0, 0, 0)"
// (exit 1), as if it were map 0. The map, the coefficient's label and the
// grid cell are named now, over all the maps, before any block is written.
func TestReview21KymatioFloat32Names(t *testing.T) {
	dir := t.TempDir()
	in := streamstats20MapsN(t, dir, 3, 16)
	a, err := datasets.ReadNPY(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := 256; i < 512; i++ { // map 1
		a.Float64[i] = 1e39 * (2 + a.Float64[i])
	}
	if err := datasets.WriteNPY(in, a); err != nil {
		t.Fatal(err)
	}
	// the .npy (Kymatio's layout too) said "float32 array of shape (3, 25,
	// 4, 4): the value at index (1, 0, 0, 0)", without the coefficient
	for _, ext := range []string{".npz", ".npy"} {
		out := filepath.Join(dir, "c"+ext)
		code, _, errs := runCLI(t, "stats", in, "--kind", "wst", "--local", "-J", "2", "-o", out)
		want := "map 1 (from 0, among the maps used), coefficient 0 S0(), grid cell (row 0, column 0): "
		if code != 2 || !strings.Contains(errs, want) || !strings.Contains(errs, "beyond the range of float32 (largest magnitude 3.4028235e+38)") || !strings.Contains(errs, "write -o FILE.json (float64)") {
			t.Errorf("%s: exit %d, %s; want 2 and %q", ext, code, errs, want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s written", out)
		}
	}
	// the .json keeps them (float64)
	if code, _, errs := runCLI(t, "stats", in, "--kind", "wst", "--local", "-J", "2", "-o", filepath.Join(dir, "c.json")); code != 0 {
		t.Errorf(".json: exit %d, %s", code, errs)
	}
}
