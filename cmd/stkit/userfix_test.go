package main

import (
	"strings"
	"testing"
)

// `stkit train -h` (train has a flag -h of its own, the hidden width) failed
// with "flag needs an argument: -h" (exit 2) instead of printing the help
// that every other command prints for -h; -h with a non-number value says
// what -h means there.
func TestTrainBareHPrintsHelp(t *testing.T) {
	code, _, errs := runCLI(t, "train", "-h")
	if code != 0 || !strings.Contains(errs, "Usage: stkit train") {
		t.Errorf("train -h: exit %d, stderr %q", code, tail(errs, 300))
	}
	code, _, errs = runCLI(t, "train", "ds", "-o", "run", "--clusters", "2", "-h")
	if code != 0 || !strings.Contains(errs, "Usage: stkit train") {
		t.Errorf("train … -h: exit %d, stderr %q", code, tail(errs, 300))
	}
	wantBadInput(t, []string{"train", "-h", "ds", "-o", "run"}, "-h here is: hidden width")
}
