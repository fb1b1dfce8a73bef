package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelMessagesNameRemedy covers four messages of the unsupervised chain:
//   - export refusing a dataset of another fingerprint said "(another dataset?
//     ExportOptions.Force, --force, accepts it)": the command line now names the flag only;
//   - export's "typical χ² of its patches 0.67" had no scale: a note says how to read it;
//   - clusters --labels dust on dust and quijote sources said "does not match source
//     quijote_train.npy": it now says every source needs a label and suggests an alternative;
//   - an empty cluster printed mean confidence 0.000: it prints "—".
func TestModelMessagesNameRemedy(t *testing.T) {
	dir := modelsFixture(t)
	tmp := t.TempDir()
	ds := filepath.Join(tmp, "ds")
	copyTree(t, filepath.Join(dir, "ds"), ds)
	mp := filepath.Join(ds, "manifest.json")
	b, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["fingerprint"] = "0123456789abcdef"
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "m")
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "--dataset", ds, "-o", out, "--samples", "10"},
		"has fingerprint 0123456789abcdef", out)
	_, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "--dataset", ds, "-o", out, "--samples", "10")
	if strings.Contains(errs, "ExportOptions") || !strings.Contains(errs, "(another dataset? --force, accepts it)") {
		t.Errorf("export fingerprint refusal: want only --force named:\n%s", errs)
	}
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", out, "--samples", "10")
	if code != 0 || !strings.Contains(errs, "typical χ² of its patches") || !strings.Contains(errs, "about 1 when the patches look like the model's own draws") {
		t.Errorf("export: exit %d, want the typical χ² and how to read it:\n%s", code, errs)
	}
	a := filepath.Join(tmp, "a.csv")
	wantBadInput(t, []string{"clusters", filepath.Join(dir, "run"), filepath.Join(dir, "ds"), "-o", a, "--labels", "noise"},
		"every source file needs a label", a)
	_, _, errs = runCLI(t, "clusters", filepath.Join(dir, "run"), filepath.Join(dir, "ds"), "-o", a, "--labels", "noise")
	if !strings.Contains(errs, "--labels 'noise|smooth'") {
		t.Errorf("clusters --labels noise: want the suggestion 'noise|smooth':\n%s", errs)
	}
	var w bytes.Buffer
	printClusterTable(&w, []int{5, 0}, []float64{0.91234, 0}, 5)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], " 0.912") || !strings.HasSuffix(lines[2], " —") || strings.HasSuffix(lines[2], "0.000") {
		t.Errorf("cluster table:\n%s\nwant 0.912 for cluster 0 and — for the empty cluster 1", w.String())
	}
}
