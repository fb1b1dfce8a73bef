package main

import (
	"strings"
	"testing"
)

// TestRefx24RefineMeanRecorded: separate --patch-refine's records say the
// refined s̃ has the separation's mean (refx24): metrics.json's
// settings.patch_refine.method ends with it, and the mean note says the
// refined s̃ is given mean(DATA) − m too.
func TestRefx24RefineMeanRecorded(t *testing.T) {
	if m, _ := patchRefineSetting(nil)["method"].(string); !strings.HasSuffix(m, ", refit rounds, s̃'s mean") {
		t.Errorf("settings.patch_refine.method %q does not end with s̃'s mean", m)
	}
	want := "separate: note: the statistics do not see the mean: s̃ shifted by 0.5025 to mean(DATA) − m (m = -0.5025, the samples' mean); the refined s̃ (--patch-refine) is given that mean too\n"
	if got := sepRefinedMeanNote(0.50251, -0.50247); got != want {
		t.Errorf("mean note\n%q\nwant\n%q", got, want)
	}
}
