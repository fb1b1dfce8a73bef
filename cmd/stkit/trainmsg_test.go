package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/train"
)

// train --lr-final's help said "learning rate at the last epoch", but the schedule takes the
// 0-based epoch and reaches --lr-final at t = --epochs, just after the last epoch, which runs
// slightly above it. The help now says so and gives the last epoch's rate of the defaults, which
// must be the schedule's.
func TestTrainLRFinalHelp(t *testing.T) {
	code, _, errs := runCLI(t, "train", "--help")
	if code != 0 {
		t.Fatalf("train --help: exit %d", code)
	}
	i := strings.Index(errs, "\n  -lr-final ")
	if i < 0 {
		t.Fatalf("no -lr-final in train --help:\n%s", errs)
	}
	help := errs[i:]
	if j := strings.Index(help[1:], "\n  -"); j >= 0 {
		help = help[:j+1]
	}
	last := train.LearningRate(defEpochs-1, defEpochs, defLR, defLRFinal)
	end := train.LearningRate(defEpochs, defEpochs, defLR, defLRFinal)
	if !(last > defLRFinal) || math.Abs(end-defLRFinal) > 1e-15 {
		t.Fatalf("schedule: last epoch %g, lr(%d) %g; the help's claim needs last > %g = lr(%d)", last, defEpochs, end, defLRFinal, defEpochs)
	}
	for _, w := range []string{"just after the last epoch", "t = 0 in the first epoch", fmt.Sprintf("runs slightly above it: %.5g with the defaults, %d epochs", last, defEpochs)} {
		if !strings.Contains(help, w) {
			t.Errorf("--lr-final help lacks %q:\n%s", w, help)
		}
	}
	if strings.Contains(help, "at the last epoch") {
		t.Errorf("--lr-final help still says \"at the last epoch\":\n%s", help)
	}
}

// The resume notice said "resuming RUN at epoch N of E" with N the completed epochs, while the
// next progress line read "epoch N+1/E". It now says "after epoch N of E, at epoch N+1/E", the
// number of the progress line that follows; a completed run has no next epoch to name.
func TestTrainResumeNamesNextEpoch(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	base := append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5"}, tinyTrain...)
	if code, _, errs := runCLI(t, append(base, "--epochs", "1")...); code != 0 {
		t.Fatalf("first epoch: exit %d\n%s", code, tail(errs, 600))
	}
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "2")
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s", code, tail(errs, 600))
	}
	want := "train: resuming " + run + " after epoch 1 of 2, at epoch 2/2\n"
	i := strings.Index(errs, want)
	if i < 0 {
		t.Fatalf("resume stderr lacks %q:\n%s", want, errs)
	}
	if m := regexp.MustCompile(`(?m)^epoch (\d+)/2 loss`).FindStringSubmatch(errs[i:]); m == nil || m[1] != "2" {
		t.Errorf("the progress line after %q is %q, want epoch 2/2:\n%s", want, m, errs)
	}
	code, _, errs = runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "2")
	if want := "train: resuming " + run + " after epoch 2 of 2\n"; code != 0 || !strings.Contains(errs, want) {
		t.Errorf("resume of a completed run: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
}
