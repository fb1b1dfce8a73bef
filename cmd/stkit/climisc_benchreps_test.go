package main

import (
	"io"
	"strings"
	"testing"
)

// TestBenchRepsBounded: bench --reps had no upper bound (--reps 10¹²: every
// row process died with "fatal error: runtime: out of memory"); above
// bench.MaxReps it is refused before any row runs, naming the flag and the
// bound, in the parent and in a row process alike.
func TestBenchRepsBounded(t *testing.T) {
	rows := 0
	saved := benchExec
	t.Cleanup(func() { benchExec = saved })
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		rows++
		return nil, io.EOF
	}
	for _, args := range [][]string{
		{"bench", "--only", "wst", "--reps", "101"},
		{"bench", "--only", "wst", "--reps", "1000000000000"},
		{"bench", "--row", "wst/cpu/1", "--reps", "101"},
	} {
		r := args[len(args)-1]
		wantBadInput(t, args, "stkit: --reps "+r+": at most 100 timed repetitions")
	}
	if rows != 0 {
		t.Errorf("%d rows ran before --reps was refused", rows)
	}
	_, out, errs := runCLI(t, "bench", "--help")
	if h := out + errs; !strings.Contains(h, "timed repetitions (median reported), 1 to 100") {
		t.Errorf("bench --help does not give the --reps bound:\n%s", h)
	}
}
