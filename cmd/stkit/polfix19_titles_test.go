package main

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPolfix19DashTitleSource: the complex dashboard's title names both
// parts of z (pol's report: "Q.fits: wph … z = Q + iU" never named
// U.fits): "Q.fits + i·U.fits"; a set by its source; --cross is left to
// the dashboard's own line.
func TestPolfix19DashTitleSource(t *testing.T) {
	one := func(flag, arg string) statsInput {
		return statsInput{flag: flag, arg: arg, set: &mapSet{Files: []string{arg}, Maps: &stlayer.Maps{B: 1, M: 8, N: 8}}}
	}
	q, u, c := one("MAP", "/d/Q.fits"), one("--imag", "/d/U.fits"), one("--cross", "/d/I.fits")
	for _, tc := range []struct {
		in   []statsInput
		want string
	}{
		{[]statsInput{q}, "Q.fits"},
		{[]statsInput{q, u}, "Q.fits + i·U.fits"},
		{[]statsInput{q, c}, "Q.fits"},
		{nil, ""},
	} {
		if got := dashTitleSource(tc.in); got != tc.want {
			t.Errorf("dashTitleSource(%d inputs) = %q, want %q", len(tc.in), got, tc.want)
		}
	}
}
