package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestRev2RefineHelpSize: separate -h said --patch-refine's "DATA needs
// 11×11", but infer.PatchRefineOptions.CheckSize accepts any map giving 37
// training rows, 10×11 and 6×19 among them (its own error names them);
// the help now says so, and the sizes it names are those CheckSize
// accepts, one pixel less refused.
func TestRev2RefineHelpSize(t *testing.T) {
	if !strings.Contains(sepSampleText, "DATA needs 37 training\nrows, 11×11 square, or 10×11, 6×19: the error names the smallest)") {
		t.Errorf("separate -h does not give --patch-refine's smallest maps as CheckSize does")
	}
	opt := infer.PatchRefineOptions{}
	for _, c := range []struct {
		m, n int
		ok   bool
	}{{11, 11, true}, {10, 11, true}, {6, 19, true}, {10, 10, false}, {6, 18, false}} {
		if err := opt.CheckSize(c.m, c.n); (err == nil) != c.ok {
			t.Errorf("CheckSize(%d, %d): %v, want accepted %v", c.m, c.n, err, c.ok)
		}
	}
}
