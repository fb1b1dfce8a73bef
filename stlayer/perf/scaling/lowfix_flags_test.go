package main

import (
	"strings"
	"testing"
)

// TestCheckFlags: -reps 0 reached perf.Measure, which refused it case by
// case ("0 timed repetitions (need at least 1)" per case), and the command
// printed empty tables and exited 0; -only with another value than bench or
// scaling ran nothing. checkFlags now refuses them up front (main exits 2),
// naming the flag.
func TestCheckFlags(t *testing.T) {
	for _, c := range []struct {
		reps, workers int
		only, want    string // want: "" for accepted, else a part of the error
	}{
		{5, 0, "", ""},
		{1, 3, "bench", ""},
		{2, 0, "scaling", ""},
		{0, 0, "", "-reps 0: need at least 1"},
		{-3, 0, "bench", "-reps -3: need at least 1"},
		{5, -1, "", "-workers -1: need 0 (GOMAXPROCS) or a positive"},
		{5, 0, "benchmark", `-only "benchmark": want bench or scaling`},
	} {
		err := checkFlags(c.reps, c.workers, c.only)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("checkFlags(%d, %d, %q) = %v, want %q", c.reps, c.workers, c.only, err, c.want)
		}
	}
}
