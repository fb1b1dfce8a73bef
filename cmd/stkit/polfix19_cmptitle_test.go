package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPolfix19CompareTitle: the --compare plot title names the sets'
// files uncut, FITS sections included, and with complex data the
// imaginary parts (pol's report: 'A = Q.fits…,1:256] … Q.fits…57:512]',
// no --imag or --compare-imag file), wrapped at spaces.
func TestPolfix19CompareTitle(t *testing.T) {
	set := func(flag string, b int, files ...string) statsInput {
		return statsInput{flag: flag, arg: strings.Join(files, ","), set: &mapSet{Files: files, Maps: &stlayer.Maps{B: b, M: 32, N: 32}}}
	}
	q := set("MAP", 4, "/d/Q.fits[1:256,1:256]", "/d/Q.fits[257:512,1:256]", "/d/Q.fits[1:256,257:512]", "/d/Q.fits[257:512,257:512]")
	u := set("--imag", 4, "/d/U.fits[1:256,1:256]", "/d/U.fits[257:512,1:256]", "/d/U.fits[1:256,257:512]", "/d/U.fits[257:512,257:512]")
	qc, uc := set("--compare", 3, "/d/Qsc.fits[*,*,1:3]"), set("--compare-imag", 3, "/d/Usc.fits")
	r := compareResult{Chi2: 10.2, Dof: 600, imagA: &u, imagB: &uc}
	title := compareTitle(q, qc, r)
	flat := strings.Join(strings.Fields(title), " ")
	for _, w := range []string{
		"z of A = Q.fits[1:256,1:256] … Q.fits[257:512,257:512] + i·U.fits[1:256,1:256] … U.fits[257:512,257:512] (4 maps)",
		"vs B = Qsc.fits[*,*,1:3] + i·Usc.fits (3 maps)",
	} {
		if !strings.Contains(flat, w) {
			t.Errorf("title %q lacks %q", title, w)
		}
	}
	lines := strings.Split(title, "\n")
	for _, l := range lines {
		if utf8.RuneCountInString(l) > compareTitleMax {
			t.Errorf("line of %d runes: %q", utf8.RuneCountInString(l), l)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "χ²/dof = 10.2 over 600 dof") || strings.Contains(title, "…,") {
		t.Errorf("title %q", title)
	}
}
