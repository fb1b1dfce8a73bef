package main

import (
	"strings"
	"testing"
)

// TestFixw24DemoCountCannotFailField: the demo names the checks that one
// synthesis cannot fail from the report's count_cannot_fail
// (infer.SampleCheck's CountCannotFail) whatever the detail's words (the
// words alone no longer count since fixa25: TestFixa25DemoReadsFieldOnly);
// a check that fails (the gap rule) is not named. Fails on the old code (words only: "pixel std" was
// not named).
func TestFixw24DemoCountCannotFailField(t *testing.T) {
	p := demofix18Write(t, t.TempDir(), "metrics.json", `{
 "ps_max_abs_ratio_minus_1": 0.351, "w1_normalised_mean": 0.173,
 "moments_synth": [[0, 1, 1.2, 5]],
 "settings": {"sample_checks": {"checks": [{"name": "a", "pass": true, "detail": "x"},
   {"name": "pixel mean", "pass": false, "count_cannot_fail": true, "detail": "… (the count cannot fail with 1 tile(s); the gap rule can); but in a gap …"},
   {"name": "pixel std", "pass": true, "count_cannot_fail": true, "detail": "other words"},
   {"name": "skewness", "pass": true, "count_cannot_fail": true, "detail": "… (1 tile(s) cannot fail this check)"}],
  "within": false, "verdict": "outside: 1 of 4 checks fail (pixel mean)"}}}`)
	got, err := demoSampleScore(p)
	want := "the report's 4 checks (stkit sample's verdict): outside: 1 of 4 checks fail (pixel mean); 2 of them cannot fail on their count with one synthesis: pixel std and skewness " +
		"(each counts the maps beyond the patches' 5–95 % range on one side, where 1 real patch in 20 lies, and only a map in a gap between two populations of the patches' values can still fail it: they need more maps, stkit sample -n 4 or more)"
	if err != nil || !strings.HasSuffix(got, "\n"+want) {
		t.Errorf("score (%v):\n%s\nwant it to end\n%s", err, got, want)
	}
}
