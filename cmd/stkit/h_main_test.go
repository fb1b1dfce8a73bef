package main

import (
	"strings"
	"testing"
)

// TestHelpUnknownCommand: `stkit help foo` printed the general usage with
// exit 0, as if foo were documented there; it is now exit 2 with the
// message of `stkit foo`. `stkit help clusters` still prints that command's
// help, and `stkit help help` (-h, --help) the usage (exit 0).
func TestHelpUnknownCommand(t *testing.T) {
	code, out, errs := runCLI(t, "help", "foo")
	if code != 2 || out != "" || strings.TrimSpace(errs) != "stkit: unknown command \"foo\" (run `stkit help`)" {
		t.Errorf("help foo: exit %d (want 2)\nstdout %q\nstderr %q", code, out, errs)
	}
	for _, h := range []string{"help", "-h", "--help"} {
		if code, out, _ := runCLI(t, "help", h); code != 0 || !strings.Contains(out, "Commands:") {
			t.Errorf("help %s: exit %d, want the usage\n%s", h, code, out)
		}
	}
	code, out, errs = runCLI(t, "help", "clusters")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: stkit clusters [flags] RUN DATASET -o assignments.csv") {
		t.Errorf("help clusters: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}
