package main

import (
	"path/filepath"
	"testing"
)

// relBelow: the base itself and paths below it are relative ("." for the
// base), a sibling whose name starts with ".." is below, parents and
// siblings are not.
func TestRev1RelBelow(t *testing.T) {
	base := filepath.FromSlash("/w/a")
	for _, c := range []struct {
		p    string
		want string
		ok   bool
	}{
		{"/w/a", ".", true},
		{"/w/a/run2", "run2", true},
		{"/w/a/..x/ds", filepath.FromSlash("..x/ds"), true},
		{"/w", "", false},
		{"/w/b/run", "", false},
		{"rel", "", false}, // filepath.Rel of a relative path to an absolute base fails
	} {
		got, ok := relBelow(base, filepath.FromSlash(c.p))
		if got != c.want || ok != c.ok {
			t.Errorf("relBelow(%s, %s) = %q, %v; want %q, %v", base, c.p, got, ok, c.want, c.ok)
		}
	}
}
