package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demofix18Write writes js to dir/name and returns its path.
func demofix18Write(t *testing.T, dir, name, js string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDemofix18SampleScoreYardsticks: the summary's synthesis line printed
// w1_between_targets (two single real patches, 0.65 σ for the review run's
// Gaussian component) under a label describing the leave-one-out yardstick
// (0.475 σ, which step 6's terminal printed); it dropped ps_verdict (the
// lognormal sample's spectrum 'outside the sampling noise', 3.77 against a
// 90th percentile of 1.68), the moments (skewness 0.78 where the real
// patches span 1.26–3.13) and the Minkowski figure. Numbers of the review
// run's component 2 (lognormal), moments_target cut to 11 patches.
func TestDemofix18SampleScoreYardsticks(t *testing.T) {
	dir := t.TempDir()
	// skewness 1.0, 1.1, …, 2.0 and kurtosis 3, 4, …, 13 over 11 patches:
	// 10th percentile 1.1 and 4, 90th 1.9 and 12 (linear interpolation)
	var tgt []string
	for i := 0; i <= 10; i++ {
		tgt = append(tgt, "[0, 1, "+jsonNum(1+0.1*float64(i))+", "+jsonNum(3+float64(i))+"]")
	}
	p := demofix18Write(t, dir, "metrics.json", `{
 "ps_max_abs_ratio_minus_1": 3.7728517560392527,
 "w1_normalised_mean": 0.38695048399071547,
 "w1_one_target_vs_the_others": 0.39898485069174955,
 "w1_between_targets": 0.5063515151070159,
 "mf_max_abs_deviation_sigma": 13.731303901259663,
 "moments_synth": [[-0.0065, 0.986, 0.7755651271179089, 0.47732380127615537]],
 "moments_target": [`+strings.Join(tgt, ", ")+`],
 "settings": {"ps_verdict": {
  "arithmetic_mean": {"value": 3.7728517560392527, "null_median": 0.8001747872801566, "null_p90": 1.6750503504389478, "within_sampling_noise": false},
  "geometric_mean": {"value": 6.2977766925938745, "null_median": 0.83, "null_p90": 3.34, "within_sampling_noise": false}}}}`)
	got, err := demoSampleScore(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "power spectrum 3.77: outside the sampling noise (a real patch against the others: median 0.80, 90th percentile 1.68)\n" +
		"histogram W1 0.39 σ (a real patch against the others pooled: 0.40 σ)\n" +
		"skewness 0.78 (real patches' 10–90 % range 1.10 to 1.90: outside); excess kurtosis 0.48 (4.00 to 12.00: outside)\n" +
		"Minkowski functionals up to 13.7 σ from the patches' mean (σ: the spread of one real patch at each threshold)"
	if got != want {
		t.Errorf("score:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "0.51") {
		t.Errorf("the score prints w1_between_targets (0.51), not the leave-one-out yardstick:\n%s", got)
	}
	// within the noise and inside the range; two syntheses: their mean
	p = demofix18Write(t, dir, "metrics.json", `{
 "ps_max_abs_ratio_minus_1": 0.351, "w1_normalised_mean": 0.173, "w1_one_target_vs_the_others": 0.475, "w1_between_targets": 0.652,
 "moments_synth": [[0, 1, 1.2, 5], [0, 1, 1.6, 7]],
 "moments_target": [`+strings.Join(tgt, ", ")+`],
 "settings": {"ps_verdict": {"arithmetic_mean": {"value": 0.351, "null_median": 0.511, "null_p90": 1.303, "within_sampling_noise": true}}}}`)
	got, err = demoSampleScore(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"power spectrum 0.35: within the sampling noise (a real patch against the others: median 0.51, 90th percentile 1.30)\n",
		"histogram W1 0.17 σ (a real patch against the others pooled: 0.47 σ)\n",
		"skewness 1.40 (real patches' 10–90 % range 1.10 to 1.90: inside); excess kurtosis 6.00 (4.00 to 12.00: inside)",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("score lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "Minkowski") {
		t.Errorf("a Minkowski line without mf_max_abs_deviation_sigma:\n%s", got)
	}
	// an older report: no verdict, no moments, no yardstick
	p = demofix18Write(t, dir, "metrics.json", `{"ps_max_abs_ratio_minus_1": 0.5, "w1_normalised_mean": 0.2}`)
	if got, err = demoSampleScore(p); err != nil || got != "power spectrum 0.50\nhistogram W1 0.20 σ" {
		t.Errorf("older report: %q (%v)", got, err)
	}
	p = demofix18Write(t, dir, "metrics.json", `{"w1_normalised_mean": 0.2}`)
	if _, err = demoSampleScore(p); err == nil {
		t.Errorf("a report without its spectrum comparison was taken")
	}
	// the header says which bins and that one draw decides
	for _, w := range []string{"max |ratio − 1| over the bins k ≥ 2", "in brackets one real patch of the component against the others", "10–90 % range, which 1 real patch in 5 falls outside"} {
		if !strings.Contains(demoSynthHeader, w) {
			t.Errorf("header lacks %q: %s", w, demoSynthHeader)
		}
	}
	if !strings.Contains(demoSynthOneDraw, "another --seed") {
		t.Errorf("the summary does not say one draw decides: %s", demoSynthOneDraw)
	}
}

func jsonNum(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDemofix18SeparationRelativeError: the separation summary gave the
// pixel correlation only (lognormal 0.667, which ignores the amplitude);
// its relative error, rms(part − truth)/std(truth), was 0.991: no better
// than a flat map. Both are given, each with the start's.
func TestDemofix18SeparationRelativeError(t *testing.T) {
	dir := t.TempDir()
	p := demofix18Write(t, dir, "metrics.json", `{
 "metrics": [{"pixel_correlation": 0.6665735421157151, "relative_error": 0.9914740400020547}, {"pixel_correlation": 0.950122526443583, "relative_error": 0.4187276063351707}],
 "metrics_initial": [{"pixel_correlation": 0.607181289243024, "relative_error": 1.0732703629216471}, {"pixel_correlation": 0.932764490489856}]}`)
	corr, rel, err := demoSeparationScore(p, []string{"lognormal", "filaments"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "lognormal  0.667 (start 0.607)\nfilaments  0.950 (start 0.933)"; corr != want {
		t.Errorf("correlation %q, want %q", corr, want)
	}
	if want := "lognormal  0.991 (start 1.073)\nfilaments  0.419 (start –)"; rel != want {
		t.Errorf("relative error %q, want %q", rel, want)
	}
	if _, _, err := demoSeparationScore(p, []string{"one"}); err == nil {
		t.Errorf("two metrics for one name were taken")
	}
}

// TestDemofix18TermAgainstStopLevel: "statistic term 2.15 … ≈ 1: within the
// model's spread" for a term about twice its stop level (1.15 = τ 2 × 0.573,
// the review run's). With the stop levels in metrics.json the line says
// how far the term is from its stop level and what that means.
func TestDemofix18TermAgainstStopLevel(t *testing.T) {
	dir := t.TempDir()
	p := demofix18Write(t, dir, "metrics.json", `{"final_term_values": [2.1463502801848295, 0.9], "iterations": 187,
 "settings": {"gauss_prior": 30, "stopped_early": [false], "tau": 2, "stop_levels": [1.1467943062132582, 1.294409767661576], "typical_levels": [0.5733971531066291, 0.647204883830788]}}`)
	got, err := demoSeparationLoss(p, []string{"lognormal", "filaments"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"lognormal  statistic term 2.15 (mean (ΔΦ/σ)² against its model): 1.9× its stop level 1.15 (τ 2 × 0.573, the median over its training patches): not reached, farther from its model than its real patches\n",
		"filaments  statistic term 0.9 (mean (ΔΦ/σ)² against its model): at or below its stop level 1.29 (τ 2 × 0.647, the median over its training patches): about as close to its model as its real patches\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("loss summary lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "within the model's spread") {
		t.Errorf("a term twice its stop level is called within the model's spread:\n%s", got)
	}
	if l := demoTermLine("x", 2, 0, []float64{1}, nil, nil); l != "x          statistic term 2 (mean (ΔΦ/σ)² against its model): 2× its stop level 1: not reached, farther from its model than its real patches" {
		t.Errorf("stop level without typical level: %q", l)
	}
}
