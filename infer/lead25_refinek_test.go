package infer

import "testing"

// TestLead25RefineStepReportsK: a fit's End step of RefineWithPatchPriors
// gives the prior's KUsed, as FitPatchPrior fits it (3 for the 16² ST
// estimate and the round-1 map, PriorK; KFor of their rows for the
// contaminant samples), and the Gaussians kept (1 ≤ Kept ≤ KUsed); the
// separation steps give 0. Before, the steps carried neither (the test
// does not build on the old code) and the kept counts could only be read
// from instrumented copies of the code.
func TestLead25RefineStepReportsK(t *testing.T) {
	d, _, samples, st := pref23Case(t, 16)
	var steps []PatchRefineStep
	if _, err := RefineWithPatchPriors(d, st, samples, PatchRefineOptions{Progress: func(s PatchRefineStep) {
		if s.End || s.KUsed != 0 || s.Kept != 0 {
			steps = append(steps, s)
		}
	}}); err != nil {
		t.Fatal(err)
	}
	o := PatchPriorOptions{}
	want := map[string]int{
		"contaminant samples": o.KFor(o.TrainingRows(samples.B, samples.M, samples.N)),
		"ST estimate":         3,
		"round 1 map":         3,
	}
	fits := 0
	for _, s := range steps {
		if !s.End {
			t.Fatalf("step %+v: KUsed/Kept set before a fit's end", s)
		}
		if !s.Fit {
			if s.KUsed != 0 || s.Kept != 0 {
				t.Errorf("separation step %q: KUsed %d, Kept %d; want 0", s.What, s.KUsed, s.Kept)
			}
			continue
		}
		fits++
		k, ok := want[s.What]
		if !ok {
			t.Fatalf("unexpected fit %q", s.What)
		}
		if s.KUsed != k || s.Kept < 1 || s.Kept > s.KUsed {
			t.Errorf("fit %q: KUsed %d, Kept %d; want KUsed %d and 1 ≤ Kept ≤ KUsed", s.What, s.KUsed, s.Kept, k)
		}
	}
	if fits != 3 {
		t.Errorf("%d fit End steps, want 3", fits)
	}
}
