package main

import (
	"errors"
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
	code, errs, _ := runCLI(t, "train", "--help") // help is on stdout
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
// number of the progress line that follows; a completed run has no next epoch to name: it
// says that there is nothing to do.
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
	if want := "train: note: " + run + " has already done 2 epochs (≥ --epochs 2): nothing to do; to train further, pass --resume --epochs N with N > 2 (e.g. --epochs 4)\n"; code != 0 || !strings.Contains(errs, want) || strings.Contains(errs, "resuming") {
		t.Errorf("resume of a completed run: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
}

// train.Run's errors end with hints naming train.Options fields ("lower Options.LearningRate or
// Options.ClipValue"), which reached the CLI user as such. The CLI now names its flags, with the
// run's values, and keeps the rest of the library's message. A learning rate of 1e30 makes the
// loss NaN within the first epoch (batch 2 here), with or without clipping.
func TestTrainDivergenceNamesFlags(t *testing.T) {
	ds := tinyDataset(t)
	for _, c := range []struct {
		clip string
		hint string
	}{
		{"20", "training loss is NaN; lower --lr (1e+30 in this run) or --clip (20 in this run)"},
		{"-1", "training loss is NaN; lower --lr (1e+30 in this run) or set a positive --clip (--clip -1: this run does not clip the gradients)"},
	} {
		run := filepath.Join(t.TempDir(), "run")
		args := append(append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5", "--epochs", "3"}, tinyTrain...), "--lr", "1e30", "--clip", c.clip)
		code, _, errs := runCLI(t, args...)
		last := strings.TrimSpace(errs)
		if i := strings.LastIndex(last, "\n"); i >= 0 {
			last = last[i+1:]
		}
		if code != 1 || !strings.HasPrefix(last, "stkit: train: epoch 1/3, batch ") || !strings.HasSuffix(last, c.hint) || strings.Contains(errs, "Options.") {
			t.Errorf("--clip %s: exit %d (want 1), last line %q; want the library's epoch and batch and the hint %q, no Options. names", c.clip, code, last, c.hint)
		}
	}
}

// The translation of the other option names (the validation hint, never reached by a short CLI
// run), the resumed run's note, and the wrapped error.
func TestTrainErrFlags(t *testing.T) {
	base := errors.New("train: validation at epoch 2/3: loss is NaN (rec NaN, gauss 1, cat 1, balance 0) while the training loss was 3: the model gives non-finite values in evaluation mode; set Options.BNBatches ≥ 0 (evaluation used the lagging running batch-norm averages) or lower Options.LearningRate or Options.ClipValue")
	rec := train.Record{LearningRate: 0.01, ClipValue: 20}
	err := trainErrFlags(fmt.Errorf("wrapped: %w", base), rec, false)
	want := "wrapped: train: validation at epoch 2/3: loss is NaN (rec NaN, gauss 1, cat 1, balance 0) while the training loss was 3: the model gives non-finite values in evaluation mode; set --bn-batches ≥ 1 (evaluation used the lagging running batch-norm averages) or lower --lr (0.01 in this run) or --clip (20 in this run)"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
	if !errors.Is(err, base) {
		t.Errorf("%v does not wrap the library's error", err)
	}
	err = trainErrFlags(errors.New("train: Options.LearningRateFinal must be ≥ 0 (0: constant rate), got -1"), rec, false)
	if want := "train: --lr-final must be ≥ 0 (0: constant rate), got -1"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	err = trainErrFlags(errors.New("train: epoch 4/9, batch 1 of 5 (step 16): training loss is NaN; lower Options.LearningRate or Options.ClipValue"), rec, true)
	if !strings.HasSuffix(err.Error(), "or --clip (20 in this run); a resumed run keeps the --lr and --clip it was started with: change them in a new run (another -o)") {
		t.Errorf("resumed: %q", err)
	}
	plain := errors.New("train: epoch 1/3: writing metrics: disk full")
	if got := trainErrFlags(plain, rec, true); got != plain {
		t.Errorf("an error without option names became %q", got)
	}
}

// --tau0 below --tau-min trained at --tau-min throughout without a word (τ(e) = max(τ0·…, τmin));
// train now warns, naming both flags, and still trains. The default schedule gives no warning.
func TestTrainTau0BelowTauMinWarns(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5", "--epochs", "1", "--tau0", "0.3", "--tau-min", "0.5"}, tinyTrain...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 600))
	}
	if want := "train: warning: --tau0 0.3 is below --tau-min 0.5: the temperature stays at 0.5 for the whole run"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, tail(errs, 600))
	}
	code, _, errs = runCLI(t, append([]string{"train", ds, "-o", filepath.Join(t.TempDir(), "run2"), "--clusters", "2", "--seed", "5", "--epochs", "1"}, tinyTrain...)...)
	if code != 0 || strings.Contains(errs, "--tau-min") {
		t.Errorf("default schedule: exit %d, stderr mentions --tau-min:\n%s", code, tail(errs, 600))
	}
}
