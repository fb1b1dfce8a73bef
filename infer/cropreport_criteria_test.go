package infer

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeparationCriteriaJSON checks that metrics.json of a separation with
// the truth writes the thresholds ps_target_met and r_target_met are
// judged by beside them (SepPSTolerance over the bins with P_c ≤
// SepPSContamRatio P_s, SepRMin over those with P_c ≤ SepRContamRatio P_s),
// and without the truth (no target judged) none.
func TestSeparationCriteriaJSON(t *testing.T) {
	const m = 32
	r := rand.New(rand.NewPCG(9, 17))
	d, sep, truth := cropreportMaps(r, 1, m, m), cropreportMaps(r, 1, m, m), cropreportMaps(r, 1, m, m)
	read := func(dir string) map[string]any {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var js map[string]any
		if err := json.Unmarshal(b, &js); err != nil {
			t.Fatal(err)
		}
		return js
	}
	dir := t.TempDir()
	if _, err := WriteSeparationReport(dir, d, nil, sep, nil, truth, nil); err != nil {
		t.Fatal(err)
	}
	js := read(dir)
	for key, want := range map[string]float64{
		"ps_tolerance": SepPSTolerance, "ps_bins_contaminant_over_signal_max": SepPSContamRatio,
		"r_min_required": SepRMin, "r_bins_contaminant_over_signal_max": SepRContamRatio,
	} {
		if js[key] != want {
			t.Errorf("metrics.json %s = %v, want %g", key, js[key], want)
		}
	}
	if js["ps_tolerance"] != 0.1 || js["r_min_required"] != 0.9 {
		t.Errorf("thresholds %v, %v; want 0.1 and 0.9 (methods.md §3.9)", js["ps_tolerance"], js["r_min_required"])
	}
	txt, _ := js["targets"].(string)
	for _, w := range []string{"≤ 0.1 over the bins with P_c ≤ 10 P_s", "≥ 0.9 over the bins with P_c ≤ 1 P_s"} {
		if !strings.Contains(txt, w) {
			t.Errorf("targets %q does not say %q", txt, w)
		}
	}
	dir = t.TempDir()
	if _, err := WriteSeparationReport(dir, d, nil, sep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	js = read(dir)
	for _, key := range []string{"ps_tolerance", "r_min_required", "targets"} {
		if _, ok := js[key]; ok {
			t.Errorf("no truth: metrics.json has %s = %v", key, js[key])
		}
	}
}

// TestSeparationNoTruthJSON checks that metrics.json of a separation
// without the truth leaves out the criteria's summary numbers, which are
// not computed then (they read ps_target_met false, r_min 0, as if judged
// and failed), and keeps the rest; with the truth they are written, false
// and 0 included, in the fields' order.
func TestSeparationNoTruthJSON(t *testing.T) {
	const m = 32
	r := rand.New(rand.NewPCG(19, 17))
	d, sep, samples := cropreportMaps(r, 1, m, m), cropreportMaps(r, 1, m, m), cropreportMaps(r, 2, m, m)
	criteria := []string{"ps_max_abs_ratio_minus_1", "ps_max_abs_ratio_minus_1_data", "ps_mean_abs_ratio_minus_1", "r_min", "r_min_data", "ps_target_met", "r_target_met"}
	sm, err := EvaluateSeparation(d, sep, samples, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(sm)
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	for _, k := range criteria {
		if v, ok := js[k]; ok {
			t.Errorf("no truth: %s = %v written", k, v)
		}
	}
	for _, k := range []string{"ps_bin_edges", "ps_data", "ps_separated", "ps_samples_mean", "ps_floor"} {
		if _, ok := js[k]; !ok {
			t.Errorf("no truth: %s missing", k)
		}
	}
	// the value and the pointer marshal alike
	if bp, _ := json.Marshal(*sm); string(bp) != string(b) {
		t.Errorf("value and pointer marshal differently:\n%s\n%s", bp, b)
	}
	// with the truth (a bad separation: targets not met) every key, in order
	sm, err = EvaluateSeparation(d, sep, samples, cropreportMaps(r, 1, m, m))
	if err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(sm)
	if err != nil {
		t.Fatal(err)
	}
	js = nil
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, k := range criteria {
		i := strings.Index(string(b), `"`+k+`":`)
		if _, ok := js[k]; !ok || i < last {
			t.Errorf("with the truth: %s missing or out of order (at %d, after %d)", k, i, last)
		}
		last = i
	}
	if js["ps_target_met"] != false || js["r_target_met"] != false {
		t.Errorf("a separation unrelated to the truth: targets %v %v, want false", js["ps_target_met"], js["r_target_met"])
	}
}
