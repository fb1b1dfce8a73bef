package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemofix18IndexStepsSettings: index.html had no command, no step text
// and no settings; summary.json mixed Name/Seconds/Err with snake_case.
// index.html now gives the demo's command line (seed, size, …), each step's
// text and "$ stkit …" commands, and links summary.json and the files of
// sum.Files; summary.json's steps are snake_case and hold the same.
func TestDemofix18IndexStepsSettings(t *testing.T) {
	dir := t.TempDir()
	o := demoOpts{out: dir, size: 32, patches: 24, epochs: 3, steps: 6, seed: 7, kind: "scov"}
	sum := &demoSummary{Started: time.Now(), Processes: demoProcesses,
		Steps: []demoStepResult{{Name: "2. patches and ST features", Seconds: 1.5, About: demoAbout(o, "2. patches and ST features"),
			Commands: []string{"stkit patches -o d --size 32 <x>"}}},
		Files: [][2]string{{"lognormal held-out maps", "data/lognormal_heldout.npy"}, {"its comparison (metrics.json)", "samples/component_0/metrics.json"}}}
	var out, errb bytes.Buffer
	if err := writeDemoIndex(&globals{stdout: &out, stderr: &errb}, o, sum); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	idx := string(b)
	for _, w := range []string{
		"<code>stkit demo -o " + dir + " --size 32 --patches 24 --epochs 3 --steps 6 --seed 7 --kind scov</code>",
		`<a href="summary.json">summary.json</a>`,
		"<h3>2. patches and ST features</h3>",
		`<pre class="about">Cut 32×32 patches (every 16 pixels)`,
		`<pre class="cmd">$ stkit patches -o d --size 32 &lt;x&gt;` + "\n</pre>",
		`<a href="data/lognormal_heldout.npy">`,
		`<a href="samples/component_0/metrics.json">`,
	} {
		if !strings.Contains(idx, w) {
			t.Errorf("index.html lacks %q", w)
		}
	}
	b, err = os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Command  string                       `json:"command"`
		Settings map[string]any               `json:"settings"`
		Steps    []map[string]json.RawMessage `json:"steps"`
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if js.Command != o.command() || js.Settings["seed"] != 7.0 || js.Settings["size"] != 32.0 || js.Settings["kind"] != "scov" {
		t.Errorf("summary.json command %q settings %v", js.Command, js.Settings)
	}
	if len(js.Steps) != 1 {
		t.Fatalf("steps %v", js.Steps)
	}
	for _, k := range []string{"name", "seconds", "err", "about", "commands"} {
		if js.Steps[0][k] == nil {
			t.Errorf("summary.json step lacks %q: %v", k, js.Steps[0])
		}
	}
	for k := range js.Steps[0] {
		if k != strings.ToLower(k) {
			t.Errorf("summary.json step key %q is not snake_case", k)
		}
	}
}
