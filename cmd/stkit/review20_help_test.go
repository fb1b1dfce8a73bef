package main

import (
	"strings"
	"testing"
)

// TestReview20SeparatePartialStreamHelp: separate and separate --models
// take -o /dev/stdout (4baf89c, 1a528a5), whose partial file is
// separate.partial.EXT in the working folder (partialPath), but their help
// paragraphs on a run stopped early named only a named pipe (separate) or
// no stream at all (--models).
func TestReview20SeparatePartialStreamHelp(t *testing.T) {
	for _, args := range [][]string{{"separate", "--help"}, {"separate", "--models", "m", "--help"}} {
		_, out, errs := runCLI(t, args...)
		text := strings.Join(strings.Fields(out+errs), " ")
		if !strings.Contains(text, "for -o /dev/stdout or a named pipe separate.partial.EXT in the working folder") {
			t.Errorf("%v: the stopped-early paragraph does not name the partial file of -o /dev/stdout", args)
		}
	}
	if got, want := partialPath(sepPartialCmd, "/dev/stdout", ".npy"), "separate.partial.npy"; got != want {
		t.Errorf("partialPath(separate, /dev/stdout) = %q, want %q", got, want)
	}
}

// TestReview20TrainSeedHelp: --seed's help said it seeds "the split", but
// the default --val-split blocks (0beb763) does not depend on the seed
// (blockSplit); only --val-split random does.
func TestReview20TrainSeedHelp(t *testing.T) {
	_, out, errs := runCLI(t, "train", "--help")
	text := strings.Join(strings.Fields(out+errs), " ")
	if !strings.Contains(text, "the --val-split random split (blocks does not depend on it)") {
		t.Errorf("train --help: --seed does not say which split it seeds")
	}
}
