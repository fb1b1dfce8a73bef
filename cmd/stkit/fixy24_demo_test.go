package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixy24DemoChecksCannotFail: with one synthesis (the demo's stkit
// sample -n 1) the report's pixel mean, pixel std, skewness and excess
// kurtosis checks cannot fail (infer: "1 tile(s) cannot fail this
// check"), yet the demo's verdict line counted them among the checks
// passed ("within … on all 9 checks") without a word. The line now names
// them. A real report of the models fixture (-n 1: the four moment checks;
// -n 4: the pixel mean still) and a written one (exact line), the names
// joined as a list ("a, b and c": andList, rev2). Fails on the old code (no
// such clause).
func TestFixy24DemoChecksCannotFail(t *testing.T) {
	p := demofix18Write(t, t.TempDir(), "metrics.json", `{
 "ps_max_abs_ratio_minus_1": 0.351, "w1_normalised_mean": 0.173,
 "moments_synth": [[0, 1, 1.2, 5]],
 "settings": {"sample_checks": {"checks": [{"name": "a", "pass": true, "detail": "x"},
   {"name": "skewness", "pass": true, "count_cannot_fail": true, "detail": "tiles 1.2 to 1.2 vs …: 1 of 1 below it (1 tile(s) cannot fail this check)"},
   {"name": "excess kurtosis", "pass": true, "count_cannot_fail": true, "detail": "… (1 tile(s) cannot fail this check)"}],
  "within": true, "verdict": "within the sampling noise of one map on all 3 checks"}}}`)
	got, err := demoSampleScore(p)
	want := "the report's 3 checks (stkit sample's verdict): within the sampling noise of one map on all 3 checks; 2 of them cannot fail on their count with one synthesis: skewness and excess kurtosis " +
		"(each counts the maps beyond the patches' 5–95 % range on one side, where 1 real patch in 20 lies, and only a map in a gap between two populations of the patches' values can still fail it: they need more maps, stkit sample -n 4 or more)"
	if err != nil || !strings.HasSuffix(got, "\n"+want) {
		t.Errorf("score (%v):\n%s\nwant it to end\n%s", err, got, want)
	}

	dir := modelsFixture(t)
	work := t.TempDir()
	for _, c := range []struct{ n, want string }{
		{"1", "; 4 of them cannot fail on their count with one synthesis: pixel mean, pixel std, skewness and excess kurtosis (each counts"},
		{"4", "; 1 of them cannot fail on their count with 4 syntheses: pixel mean (each counts the maps beyond the patches' 5–95 % range on one side, where 1 real patch in 20 lies, and only a map in a gap between two populations of the patches' values can still fail it: they need more maps, stkit sample -n 8 or more)"},
	} {
		rep := filepath.Join(work, "rep"+c.n)
		if code, _, errs := runCLI(t, "sample", filepath.Join(dir, "models"), "--component", "0", "-n", c.n, "--steps", "5", "-o", filepath.Join(work, "s"+c.n+".npy"), "--report", rep); code != 0 {
			t.Fatalf("sample -n %s: exit %d\n%s", c.n, code, tail(errs, 1500))
		}
		got, err := demoSampleScore(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		last := got[strings.LastIndex(got, "\n")+1:]
		if !strings.HasPrefix(last, "the report's 9 checks (stkit sample's verdict): ") || !strings.Contains(last, c.want) {
			b, _ := os.ReadFile(filepath.Join(rep, "metrics.json"))
			t.Errorf("-n %s: verdict line\n%s\nwant %q (report %d bytes)", c.n, last, c.want, len(b))
		}
	}
}
