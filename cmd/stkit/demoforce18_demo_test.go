package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoforce18Write writes the files (path relative to dir → content).
func demoforce18Write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		f := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// demoforce18Same fails unless each file holds its content.
func demoforce18Same(t *testing.T, what, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		if b, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(b) != c {
			t.Errorf("%s: %s is %q, %v; want %q", what, p, b, err, c)
		}
	}
}

// `stkit demo -o P` with the user's P/data/mine.txt and P/models/mine.npy
// wrote its maps beside mine.txt and failed at step 5 (exit 1); `--force`
// then removed data/ and models/ whole, the user's files with them (exit 0,
// "replaced the earlier demo"). Both now refuse before any work (exit 2),
// naming the files, and write nothing.
func TestDemoforce18ForeignFilesRefused(t *testing.T) {
	dir := t.TempDir()
	mine := map[string]string{"data/mine.txt": "x", "models/mine.npy": "map"}
	demoforce18Write(t, dir, mine)
	args := []string{"demo", "-o", dir, "--size", "32", "--patches", "20", "--epochs", "1", "--steps", "1"}
	for _, force := range []bool{false, true} {
		a := args
		if force {
			a = append(append([]string(nil), args...), "--force")
		}
		wantBadInput(t, a, "already holds data/ (holds data/mine.txt), models/ (holds models/mine.npy), which the demo did not write",
			filepath.Join(dir, "data", "gaussian.npy"), filepath.Join(dir, "summary.json"), filepath.Join(dir, "index.html"))
		demoforce18Same(t, strings.Join(a, " "), dir, mine)
	}
	// -o . in a folder with one's own index.html (or any other file or
	// link named like an output) is refused as well.
	web := t.TempDir()
	demoforce18Write(t, web, map[string]string{"index.html": "<p>mine</p>"})
	wantBadInput(t, []string{"demo", "-o", web, "--force"}, "already holds index.html, which the demo did not write", filepath.Join(web, "summary.json"))
	demoforce18Same(t, "index.html", web, map[string]string{"index.html": "<p>mine</p>"})
	// a summary.json that is not a demo's
	other := t.TempDir()
	demoforce18Write(t, other, map[string]string{"summary.json": `{"total": 3}`})
	wantBadInput(t, []string{"demo", "-o", other, "--force"}, "holds a summary.json that is not a demo's", filepath.Join(other, "data"))
	// folders that hold no file are taken (nothing of the user's in them)
	empty := t.TempDir()
	for _, d := range []string{"data", "samples/sub"} {
		if err := os.MkdirAll(filepath.Join(empty, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var errb bytes.Buffer
	if err := demoPrepareOut(&globals{stderr: &errb}, empty, false); err != nil {
		t.Errorf("empty folders refused: %v", err)
	}
}

// --force removes the entries an earlier demo's summary.json records
// (demo_outputs) and nothing else; entries it does not record block the
// demo, and a demo's summary.json from before the record (no demo_outputs)
// records nothing.
func TestDemoforce18ForceRemovesOnlyRecorded(t *testing.T) {
	record := func(t *testing.T, dir string, outputs []string) {
		t.Helper()
		if err := writeDemoSummary(demoOpts{out: dir}, &demoSummary{}, outputs); err != nil {
			t.Fatal(err)
		}
	}
	demo := map[string]string{"data/gaussian.npy": "g", "run/checkpoints/ckpt-1.stkc": "c", "index.html": "i"}
	prepare := func(t *testing.T, dir string, force bool) (string, error) {
		var errb bytes.Buffer
		err := demoPrepareOut(&globals{stderr: &errb}, dir, force)
		return errb.String(), err
	}

	// recorded entries, the user's notes.txt beside them and a tampered
	// record naming entries that are not the demo's
	dir := t.TempDir()
	demoforce18Write(t, dir, demo)
	demoforce18Write(t, dir, map[string]string{"notes.txt": "mine", "keep/a.txt": "k"})
	record(t, dir, []string{"data", "run", "index.html", "summary.json", "notes.txt", "../x", "keep"})
	if _, err := prepare(t, dir, false); err == nil || !strings.Contains(err.Error(), "already holds a demo (data, run, index.html, summary.json): add --force") {
		t.Errorf("without --force: %v", err)
	}
	demoforce18Same(t, "refused without --force", dir, demo)
	errs, err := prepare(t, dir, true)
	if err != nil || !strings.Contains(errs, "replaced the earlier demo in "+dir+" (removed data, run, index.html, summary.json)") {
		t.Fatalf("--force: %v, stderr %q", err, errs)
	}
	for _, p := range []string{"data", "run", "index.html", "summary.json"} {
		if _, err := os.Lstat(filepath.Join(dir, p)); err == nil {
			t.Errorf("--force kept the demo's %s", p)
		}
	}
	demoforce18Same(t, "--force", dir, map[string]string{"notes.txt": "mine", "keep/a.txt": "k"})

	// an entry the record does not name blocks --force: nothing removed
	dir = t.TempDir()
	demoforce18Write(t, dir, demo)
	demoforce18Write(t, dir, map[string]string{"models/mine.npy": "map"})
	record(t, dir, []string{"data", "run", "index.html", "summary.json"})
	if _, err := prepare(t, dir, true); err == nil || !strings.Contains(err.Error(), "already holds models/ (holds models/mine.npy), which the demo did not write") {
		t.Errorf("--force with models/mine.npy: %v", err)
	}
	demoforce18Same(t, "refused --force", dir, demo)
	demoforce18Same(t, "refused --force", dir, map[string]string{"models/mine.npy": "map"})

	// a demo's summary.json without demo_outputs (an earlier stkit)
	dir = t.TempDir()
	demoforce18Write(t, dir, demo)
	demoforce18Write(t, dir, map[string]string{"summary.json": `{"steps": [], "numbers": null, "files": null}`})
	if _, err := prepare(t, dir, true); err == nil || !strings.Contains(err.Error(), "from an earlier stkit, which did not record the demo's files") ||
		!strings.Contains(err.Error(), "data/ (holds data/gaussian.npy), run/ (holds run/checkpoints/ckpt-1.stkc), index.html,") {
		t.Errorf("--force on an unrecorded demo: %v", err)
	}
	demoforce18Same(t, "unrecorded demo", dir, demo)

	// what the demo records: all its entries before step 1, those present
	// at the end
	dir = t.TempDir()
	demoforce18Write(t, dir, map[string]string{"data/a.npy": "a", "index.html": "i"})
	record(t, dir, demoOutputsPresent(dir))
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	var got struct {
		Outputs []string `json:"demo_outputs"`
	}
	if err != nil || json.Unmarshal(b, &got) != nil || strings.Join(got.Outputs, ",") != "data,index.html,summary.json" {
		t.Errorf("demo_outputs %v (%v)", got.Outputs, err)
	}
}
