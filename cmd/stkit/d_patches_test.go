package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// patches resuming an interrupted dataset drew its first progress line at
// the first chunk read back ("features (4/9)") although more chunks were
// reused: it now says "resumed: k of n chunks reused" once, and the bar
// starts at the patches already done. A new dataset's bar starts at its
// first chunk, with no such line.
func TestPatchesResumeBarStartsAtReused(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	args := []string{"patches", m, "-o", ds, "--size", "32", "--stride", "16", "--kind", "wst", "--chunk", "2"} // 9 patches, 5 chunks
	counts := func(errs string) []string {
		var c []string
		for _, s := range regexp.MustCompile(`(?m)^features \((\d+)/9\)`).FindAllStringSubmatch(errs, -1) {
			c = append(c, s[1])
		}
		return c
	}
	code, _, errs := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("patches: exit %d\n%s", code, errs)
	}
	if c := counts(errs); strings.Contains(errs, "resumed") || len(c) == 0 || c[0] != "2" || c[len(c)-1] != "9" {
		t.Errorf("new dataset: bar counts %v, want 2 first and 9 last, no resume line\n%s", c, errs)
	}
	want, err := datasets.LoadFeatures(ds)
	if err != nil {
		t.Fatal(err)
	}
	// interrupt: incomplete manifest, no features.npy; drop chunks from
	// first on (nothing dropped: every chunk saved, the run stopped before
	// features.npy)
	interrupt := func(first int) {
		t.Helper()
		b, _ := os.ReadFile(filepath.Join(ds, "manifest.json"))
		var man datasets.DatasetManifest
		if err := json.Unmarshal(b, &man); err != nil {
			t.Fatal(err)
		}
		man.Complete = false
		b, _ = json.Marshal(man)
		os.WriteFile(filepath.Join(ds, "manifest.json"), b, 0o644)
		os.Remove(filepath.Join(ds, "features.npy"))
		for c := first; c < 5; c++ {
			os.Remove(filepath.Join(ds, "features", "chunk_0000"+string(rune('0'+c))+".npy"))
		}
	}
	for _, c := range []struct {
		first      int
		said, bar0 string
	}{
		{3, "patches: resumed: 3 of 5 chunks reused (6 of 9 patches)\n", "6"},
		{5, "patches: resumed: 5 of 5 chunks reused (9 of 9 patches)\n", "9"},
	} {
		interrupt(c.first)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("resume: exit %d\n%s", code, errs)
		}
		if n := strings.Count(errs, "resumed:"); n != 1 || !strings.Contains(errs, c.said) {
			t.Errorf("chunks %d–4 dropped: want %q once in\n%s", c.first, c.said, errs)
		}
		if got := counts(errs); len(got) == 0 || got[0] != c.bar0 || got[len(got)-1] != "9" {
			t.Errorf("chunks %d–4 dropped: bar counts %v, want %s first and 9 last\n%s", c.first, got, c.bar0, errs)
		}
		// the first line is drawn at the resume, before this run's pace is known
		if !strings.Contains(errs, "features ("+c.bar0+"/9) [0s]\n") {
			t.Errorf("chunks %d–4 dropped: no resume line 'features (%s/9) [0s]' in\n%s", c.first, c.bar0, errs)
		}
		f, err := datasets.LoadFeatures(ds)
		if err != nil || len(f.X) != len(want.X) {
			t.Fatalf("resumed dataset: %v", err)
		}
		for i := range f.X {
			if f.X[i] != want.X[i] {
				t.Fatalf("resumed features differ at %d: %g vs %g", i, f.X[i], want.X[i])
			}
		}
	}
}
