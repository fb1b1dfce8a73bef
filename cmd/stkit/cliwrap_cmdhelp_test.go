package main

import (
	"sort"
	"strings"
	"testing"
)

// `stkit help` and `stkit --help` print on stdout, but `stkit CMD --help`
// (or -h, or `stkit help CMD`) printed on stderr, so that `stkit synth --help
// | less` showed nothing. Every command's help is now printed on stdout with
// exit 0 and nothing on stderr; the one-line errors of a bad command flag or
// a missing argument stay on stderr with exit 2.
func TestCommandHelpOnStdout(t *testing.T) {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, args := range [][]string{{n, "--help"}, {n, "-h"}, {"help", n}} {
			code, out, errs := runCLI(t, args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: stkit "+n) || !strings.Contains(out, "\nFlags") {
				t.Errorf("%v: exit %d, stderr %q, stdout starts %q", args, code, errs, out[:min(len(out), 80)])
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"stats", "--bogus"}, "stkit: flag provided but not defined: -bogus (run `stkit stats --help` for the flags)"},
		{[]string{"synth"}, "(run `stkit synth --help` for the flags)"},
	} {
		code, out, errs := runCLI(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), stdout %q, stderr lacks %q:\n%s", c.args, code, out, c.want, tail(errs, 300))
		}
	}
}
