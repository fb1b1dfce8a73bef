package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// synth of a FITS target wrote its own HISTORY and dropped the target's, so
// a synthesis of a synthesis lost "periodised" and the first target's name.
// The target's HISTORY now comes first, each line prefixed "[target] " (one
// more per generation), re-wrapped to ≤ 72 characters, then synth's own.
func TestSynthcli18KeepsTargetHistory(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "first.npy")
	synthcli18Maps(t, a, 1, 3)
	one, rt, rt2 := filepath.Join(dir, "syn_one.fits"), filepath.Join(dir, "rt.fits"), filepath.Join(dir, "rt2.fits")
	for _, c := range [][2]string{{a, one}, {one, rt}, {rt, rt2}} {
		args := []string{"synth", c[0], "-J", "3", "--steps", "2", "-o", c[1]}
		if c[0] == a {
			args = append(args, "--periodise")
		}
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
		}
	}
	history := func(path string) []string {
		h, err := datasets.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range datasets.FITSUserCards(h.Header) {
			if c.Key == "HISTORY" {
				out = append(out, c.Comment)
			}
		}
		return out
	}
	h := history(rt2)
	text := func(prefix string, own bool) string { // the lines of one generation, joined
		var s []string
		for _, l := range h {
			if own && !strings.HasPrefix(l, "[target]") || !own && strings.HasPrefix(l, prefix) && !strings.HasPrefix(l, prefix+"[target]") {
				s = append(s, strings.TrimPrefix(l, prefix))
			}
		}
		return strings.Join(s, " ")
	}
	first, second, own := text("[target] [target] ", false), text("[target] ", false), text("", true)
	if !strings.Contains(first, "stkit synth: 1 map synthesised to match the statistics of first.npy, periodised") ||
		!strings.Contains(second, "match the statistics of syn_one.fits") || !strings.Contains(own, "match the statistics of rt.fits") {
		t.Errorf("HISTORY of rt2.fits does not hold the three generations:\nfirst %q\nsecond %q\nown %q", first, second, own)
	}
	if !strings.HasPrefix(h[0], "[target] [target] stkit synth:") || strings.HasPrefix(h[len(h)-1], "[target]") {
		t.Errorf("HISTORY order: the targets' first, synth's own last; got first %q, last %q", h[0], h[len(h)-1])
	}
	for _, l := range h {
		if len(l) > 72 {
			t.Errorf("HISTORY line of %d characters (> 72): %q", len(l), l)
		}
	}
}
