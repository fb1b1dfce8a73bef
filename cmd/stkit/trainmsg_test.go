package main

import (
	"fmt"
	"math"
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
