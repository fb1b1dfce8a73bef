package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// stats --help's prose (above "Flags:") had lines left short by earlier
// re-wraps inside a sentence ("such a map are at 0°, across it at 90°),"
// 40 runes, "one file; the maps of all the files are" 39, between lines of
// ~72) and lines running past 80 runes (the npy entry's 123, the npz
// entry's 83, the paired sets' 81). Re-wrapped, words unchanged: a line
// that ends inside a sentence and is followed by one of its paragraph
// (same indent) holds at least 50 runes, and none exceeds 80.
func TestMisc22StatsHelpWrap(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	h := out + errs
	prose, _, ok := strings.Cut(h, "\nFlags:\n")
	if !ok {
		t.Fatalf("stats --help has no Flags: section")
	}
	lines := strings.Split(prose, "\n")
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	for i, b := range lines {
		if n := utf8.RuneCountInString(b); n > 80 {
			t.Errorf("line %d is %d runes: %q", i+1, n, b)
		}
		if i+1 == len(lines) {
			break
		}
		c := lines[i+1]
		if strings.TrimSpace(b) == "" || strings.TrimSpace(c) == "" || indent(b) != indent(c) ||
			strings.HasSuffix(b, ".") || strings.HasSuffix(b, ":") || strings.HasSuffix(b, ".)") || strings.HasPrefix(b, "  stkit ") {
			continue
		}
		if n := utf8.RuneCountInString(b); n < 50 {
			t.Errorf("line %d, inside a sentence, is %d runes: %q (next %q)", i+1, n, b, c)
		}
	}
}
