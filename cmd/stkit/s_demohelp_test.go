package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// demo --help said --steps is the number of L-BFGS iterations "of the
// synthesis and separation steps", but the separation step runs
// N + max(1, N/4): the help now says so, and the commands the demo prints
// (and runs) carry those numbers.
func TestDemoStepsHelpMatchesCommands(t *testing.T) {
	_, out, errs := runCLI(t, "demo", "--help")
	help := out + errs
	if !strings.Contains(help, "L-BFGS iterations of the synthesis step; the separation step runs N + max(1, N/4) (default 150)") {
		t.Errorf("demo --help does not describe --steps as run:\n%s", help)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	code, _, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "3", "--steps", "8")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 1500))
	}
	sample := regexp.MustCompile(`(?m)^\$ stkit sample .* --steps (\S+) `).FindAllStringSubmatch(errs, -1)
	sep := regexp.MustCompile(`(?m)^\$ stkit separate .* --steps (\S+) `).FindAllStringSubmatch(errs, -1)
	if len(sample) != 3 || len(sep) != 1 {
		t.Fatalf("%d sample and %d separate commands, want 3 and 1\n%s", len(sample), len(sep), tail(errs, 1500))
	}
	for _, m := range sample {
		if m[1] != "8" {
			t.Errorf("stkit sample --steps %s, want 8", m[1])
		}
	}
	if sep[0][1] != "0,10" { // 8 + max(1, 8/4)
		t.Errorf("stkit separate --steps %s, want 0,10", sep[0][1])
	}
}
