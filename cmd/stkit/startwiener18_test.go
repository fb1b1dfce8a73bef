package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeparateStartWiener: `separate --start wiener` starts s̃ from the
// Wiener filter of DATA built from the samples (infer.WienerEstimate); the
// --truth line and metrics.json give the Wiener filter's pixel correlation
// next to the separation's and the data's; a misspelt --start is read as a
// file name and refused (exit 2).
func TestSeparateStartWiener(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	rep := filepath.Join(dir, "rep")
	out := filepath.Join(dir, "out.npy")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,2,1", "--start", "wiener", "--truth", truth, "--report", rep, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "Wiener filter") {
		t.Errorf("the --truth line does not give the Wiener filter's correlation:\n%s", errs)
	}
	raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Wiener float64 `json:"pixel_correlation_wiener_truth"`
		Data   float64 `json:"pixel_correlation_data_truth"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Wiener <= 0 || m.Wiener > 1 {
		t.Errorf("pixel_correlation_wiener_truth = %g, want in (0, 1]", m.Wiener)
	}
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,2,1", "--start", "wienr", "-o", filepath.Join(dir, "x.npy"))
	if code != 2 {
		t.Errorf("--start wienr (no such file): exit %d, want 2: %s", code, errs)
	}
}
