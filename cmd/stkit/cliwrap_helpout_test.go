package main

import (
	"strings"
	"testing"
)

// `stkit help` printed the usage on stdout but `stkit --help` and `stkit -h`
// on stderr, so that `stkit --help | less` showed nothing. They now print it
// on stdout with exit 0 and nothing on stderr; the usage printed after a bad
// global flag or without a command stays on stderr with exit 2.
func TestGlobalHelpOnStdout(t *testing.T) {
	_, want, _ := runCLI(t, "help")
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-v", "--help"}} {
		if code, out, errs := runCLI(t, args...); code != 0 || errs != "" || out != want || !strings.Contains(out, "Global flags:") {
			t.Errorf("%v: exit %d, stdout %d bytes (want `stkit help`'s %d), stderr %q", args, code, len(out), len(want), errs)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "flag provided but not defined: -bogus\n" + want},
		{[]string{"--engine"}, "flag needs an argument: -engine\n" + want},
		{nil, want},
	} {
		if code, out, errs := runCLI(t, c.args...); code != 2 || out != "" || errs != c.want {
			t.Errorf("%v: exit %d (want 2), stdout %q, stderr %q, want the error and the usage", c.args, code, out, tail(errs, 200))
		}
	}
}
