package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// train --resume --epochs 1 on a run that had done 2 epochs printed, after
// its "nothing to do" note, the banner with a learning-rate schedule over
// the 1 epoch asked ("lr 0.01→0.001 (… 0.01 in epoch 1 …)", not the run's)
// and the validation split. It now prints the note alone, saying what to
// pass to train further; stdout's summary says it too.
func TestFixbad21TrainResumeNothingToDo(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	if code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5", "--epochs", "2"}, tinyTrain...)...); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, tail(errs, 600))
	}
	code, out, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "1")
	want := "train: note: " + run + " has already done 2 epochs (≥ --epochs 1): nothing to do; to train further, pass --resume --epochs N with N > 2 (e.g. --epochs 4)\n"
	if code != 0 || errs != want {
		t.Errorf("exit %d, stderr:\n%s\nwant only:\n%s", code, errs, want)
	}
	if !strings.Contains(out, "nothing to do: the run already completed 2 epochs (to train further: --resume --epochs N, N > 2)\n") {
		t.Errorf("stdout:\n%s", out)
	}
}
