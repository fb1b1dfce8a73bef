package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// train --resume --epochs 1 on a run that had done 2 epochs said "resuming RUN after epoch 2
// of 1" and then trained nothing. It now says that the run is past --epochs and that there is
// nothing to do, and the run is left as it was (2 epochs, exit 0).
func TestTrainResumePastEpochsNothingToDo(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	if code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5", "--epochs", "2"}, tinyTrain...)...); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, tail(errs, 600))
	}
	code, out, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "1")
	want := "train: note: " + run + " has already done 2 epochs (≥ --epochs 1): nothing to do; to train further, pass --resume --epochs N with N > 2 (e.g. --epochs 4)\n"
	if code != 0 || !strings.Contains(errs, want) || strings.Contains(errs, "after epoch 2 of 1") || strings.Contains(errs, "resuming") {
		t.Errorf("resume --epochs 1 of a 2-epoch run: exit %d, want stderr with %q and no \"resuming … of 1\":\n%s", code, want, tail(errs, 600))
	}
	if !strings.Contains(out, "nothing to do: the run already completed 2 epochs") {
		t.Errorf("stdout lacks the summary's nothing-to-do line:\n%s", out)
	}
	if rows := readCSV(t, filepath.Join(run, "metrics.csv")); len(rows) != 3 {
		t.Errorf("metrics.csv has %d epochs after the resume, want the run's 2", len(rows)-1)
	}
}
