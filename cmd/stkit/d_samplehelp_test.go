package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sample --help described metrics.json's statistic distance as "the χ² of
// the samples' statistics" (it is the RMS of (Φ − μ)/σ) and loss.png as "the
// loss summed over the maps at each iteration" (the maps run one after the
// other: point i sums each map's i-th iteration, from the starting maps at
// 0). The help now says what is written: every metrics.json key it names is
// in a report that sample writes, with the number of draws it gives.
func TestSampleHelpMatchesReport(t *testing.T) {
	dir := modelsFixture(t)
	_, out, errs := runCLI(t, "sample", "--help")
	help := out + errs
	if strings.Contains(help, "χ²") || strings.Contains(help, "summed over the maps at each iteration") {
		t.Errorf("sample --help keeps the old wording:\n%s", help)
	}
	for _, w := range []string{"loss.png (log axis: the loss of the starting maps at\niteration 0", "RMS of\n(Φ − μ)/σ"} {
		if !strings.Contains(help, w) {
			t.Errorf("sample --help lacks %q", w)
		}
	}
	keys := regexp.MustCompile(`stat_chi_\w+|ps_null`).FindAllString(help, -1)
	if len(keys) != 3 {
		t.Fatalf("sample --help names metrics.json keys %v, want 3", keys)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	code, _, errs := runCLI(t, "sample", filepath.Join(dir, "models"), "--component", "0", "-n", "2", "--steps", "3", "-o", filepath.Join(filepath.Dir(rep), "s.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("sample --report: exit %d\n%s", code, errs)
	}
	for _, f := range []string{"loss.png", "maps.png", "power_spectrum.png", "histogram.png", "minkowski.png"} {
		if _, err := os.Stat(filepath.Join(rep, f)); err != nil {
			t.Errorf("report: %v", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings map[string]json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, ok := m.Settings[k]; !ok {
			t.Errorf("metrics.json has no settings.%s, which --help names", k)
		}
	}
	var nl struct {
		Draws int `json:"draws"`
	}
	json.Unmarshal(m.Settings["ps_null"], &nl)
	if w := fmt.Sprintf("%d random draws", nl.Draws); nl.Draws == 0 || !strings.Contains(help, w) {
		t.Errorf("ps_null has %d draws; --help does not say %q", nl.Draws, w)
	}
}
