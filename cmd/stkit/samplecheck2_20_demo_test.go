package main

import (
	"strings"
	"testing"
)

// The demo's summary said "power spectrum 0.35: within the sampling noise"
// from ps_verdict alone while the report's checks (settings
// sample_checks) called the synthesis outside (skewness, Minkowski
// functionals). The spectrum line now carries no verdict of its own when
// the checks are there, and the last line is theirs; a report without them
// keeps the spectrum's word.
func TestSamplecheck2_20DemoVerdict(t *testing.T) {
	dir := t.TempDir()
	p := demofix18Write(t, dir, "metrics.json", `{
 "ps_max_abs_ratio_minus_1": 0.351, "w1_normalised_mean": 0.173, "w1_one_target_vs_the_others": 0.475,
 "settings": {"ps_verdict": {"arithmetic_mean": {"value": 0.351, "null_median": 0.511, "null_p90": 1.303, "within_sampling_noise": true}},
  "sample_checks": {"checks": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}, {"name": "e"}, {"name": "f"}, {"name": "g"}, {"name": "skewness"}, {"name": "Minkowski functionals"}],
   "within": false, "verdict": "outside: 2 of 9 checks fail (skewness, Minkowski functionals) (limits at which one real patch fails any check in 4.8 % of 1000 draws)"}}}`)
	got, err := demoSampleScore(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "power spectrum 0.35 (a real patch against the others: median 0.51, 90th percentile 1.30)\n" +
		"histogram W1 0.17 σ (a real patch against the others pooled: 0.47 σ)\n" +
		"the report's 9 checks (stkit sample's verdict): outside: 2 of 9 checks fail (skewness, Minkowski functionals) (limits at which one real patch fails any check in 4.8 % of 1000 draws)"
	if got != want {
		t.Errorf("score:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "within") {
		t.Errorf("the summary says within while the checks say outside:\n%s", got)
	}
}
