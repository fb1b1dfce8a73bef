package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
)

// TestBenchShowsSpread: "bench --reps 2" on a loaded machine gave synth
// s/fwd 0.086 against 0.025 for the same statistic in the scov row, with
// nothing to tell a noisy figure from a real one. A row process now reports
// the range of its repetitions (Reps, ForwardMin/Max, FBMin/Max), the table
// shows it, a row whose slowest repetition took more than 1.5× its fastest
// is named under the table with the advice to rerun, and the JSON carries the
// ranges and Noisy. The parent's rows are injected (no timing here).
func TestBenchShowsSpread(t *testing.T) {
	// a real row process: the range brackets the median, one per repetition
	code, out, errs := runCLI(t, "bench", "--row", "wst/cpu/1", "--reps", "3", "--size", "128")
	var r bench.Row
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("--row: exit %d\n%s\n%s", code, out, tail(errs, 600))
	}
	if r.Reps != 3 || !(r.ForwardMin > 0 && r.ForwardMin <= r.Forward && r.Forward <= r.ForwardMax) || !(r.FBMin > 0 && r.FBMin <= r.ForwardBack && r.ForwardBack <= r.FBMax) {
		t.Errorf("row %+v: want Reps 3 and min ≤ median ≤ max", r)
	}
	if !strings.Contains(errs, "over 3)") {
		t.Errorf("progress lines lack the range:\n%s", errs)
	}

	saved := benchExec
	t.Cleanup(func() { benchExec = saved })
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		row := ""
		for i, a := range args {
			if a == "--row" {
				row = args[i+1]
			}
		}
		var r bench.Row
		switch strings.Split(row, "/")[0] {
		case "scov":
			r = bench.Row{Family: "scov", Config: "c", Engine: "cpu", Batch: 1, PeakMiB: 1}
			r.SetTimings(bench.Summarize([]float64{0.025, 0.024, 0.0255}), bench.Summarize([]float64{0.30, 0.31, 0.32}))
		case "synth":
			// the report's noisy row: the child's Noisy is not trusted, the
			// parent judges the ranges
			r = bench.Row{Family: "synth", Config: "c", Engine: "cpu", Batch: 1, ForwardBack: 0.03, PeakMiB: 1,
				Reps: 2, Forward: 0.0116, ForwardMin: 0.0116, ForwardMax: 0.086}
		}
		return json.Marshal(r)
	}
	js := filepath.Join(t.TempDir(), "rows.json")
	code, out, errs = runCLI(t, "bench", "--only", "scov,synth", "--reps", "2", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 600))
	}
	for _, want := range []string{
		"fwd range", "0.0240–0.0255", "0.3000–0.3200", "0.0116–0.0860",
		"timings noisy (slowest/fastest repetition > 1.5): synth/cpu/1 s/fwd ×7.41: rerun with more --reps on an idle machine",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 {
		t.Fatalf("json: %v\n%s", err, b)
	}
	if s := rows[0]; s["Family"] != "scov" || s["ForwardMin"] != 0.024 || s["FBMax"] != 0.32 || s["Reps"] != 3.0 || s["Noisy"] != nil {
		t.Errorf("scov JSON %v", s)
	}
	if s := rows[1]; s["Family"] != "synth" || s["ForwardMax"] != 0.086 || s["Noisy"] != true || s["FBMin"] != nil {
		t.Errorf("synth JSON %v", s)
	}
	_, errs, _ = runCLI(t, "bench", "--help") // help asked for: on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"fwd range, fwd+bwd range = the fastest and slowest repetition",
		"The ratio is on our median because the peers' figures are medians of 5 runs",
		"Reps, ForwardMin, ForwardMax, FBMin and FBMax",
		"rerun with more --reps on an idle machine",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("bench --help lacks %q", want)
		}
	}
}
