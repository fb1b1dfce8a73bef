package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// barSteps returns the (loss, count) of the progress lines "… loss L (c/max)"
// of a bar drawn on a log.
func barSteps(t *testing.T, errs string) (loss []float64, count []int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)loss (\S+) \((\d+)/\d+\)`)
	for _, m := range re.FindAllStringSubmatch(errs, -1) {
		l, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("bar line loss %q: %v", m[1], err)
		}
		c, _ := strconv.Atoi(m[2])
		loss, count = append(loss, l), append(count, c)
	}
	return loss, count
}

// iterLoss returns the loss that a --log-every 1 run printed for iteration
// iter of map run ("map R iteration I loss L").
func iterLoss(t *testing.T, errs string, run, iter int) float64 {
	t.Helper()
	re := regexp.MustCompile(fmt.Sprintf(`map %d iteration %d loss (\S+) `, run, iter))
	m := re.FindStringSubmatch(errs)
	if m == nil {
		t.Fatalf("no line for map %d iteration %d in\n%s", run, iter, errs)
	}
	l, _ := strconv.ParseFloat(m[1], 64)
	return l
}

// sample's and synth's progress bars drew iteration 1's loss next to the
// count 0/N (Describe before Set): the loss shown is now that of the
// iteration counted. The bar on a log shows the first and the last step;
// the same run with --log-every 1 gives every iteration's loss.
func TestSampleSynthBarLossMatchesCount(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	target := writeTestMap(t, work, "m.npy", 1)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"sample", []string{"sample", filepath.Join(dir, "models"), "--component", "0", "-n", "2", "--steps", "5", "-o", filepath.Join(work, "s.npy")}},
		{"synth", []string{"synth", "-J", "3", "--steps", "5", "-n", "2", "-o", filepath.Join(work, "y.npy"), target}},
	} {
		code, _, bar := runCLI(t, c.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.name, code, bar)
		}
		code, _, log := runCLI(t, append(c.args, "--log-every", "1")...)
		if code != 0 {
			t.Fatalf("%s --log-every 1: exit %d\n%s", c.name, code, log)
		}
		loss, count := barSteps(t, bar)
		if len(loss) != 2 || count[0] != 1 || count[1] != 10 {
			t.Fatalf("%s: bar steps %v (losses %v), want the first (1/10) and the last (10/10)\n%s", c.name, count, loss, bar)
		}
		// the first line: map 0's iteration 1; the last: map 1's iteration 5
		for i, want := range []float64{iterLoss(t, log, 0, 1), iterLoss(t, log, 1, 5)} {
			if math.Abs(loss[i]-want) > 1e-3*math.Abs(want) {
				t.Errorf("%s: bar line %d shows loss %g at (%d/10), want that iteration's %g\n%s", c.name, i, loss[i], count[i], want, bar)
			}
		}
		if next := iterLoss(t, log, 0, 2); math.Abs(next-loss[0]) <= 1e-3*math.Abs(next) {
			t.Fatalf("%s: iterations 1 and 2 have the same loss %g: the test cannot tell them apart", c.name, next)
		}
		if strings.Contains(bar, "(0/10)") {
			t.Errorf("%s: a bar line at 0/10\n%s", c.name, bar)
		}
	}
}

// A resumed step bar predicts the time left from this run's steps only:
// 2 steps in 100 s after resuming at 6 of 10 leave 2 steps, ~100 s (the pace
// over all 8 steps counted would say 25 s).
func TestStepBarResumePace(t *testing.T) {
	var buf strings.Builder
	bar := newStepBar(&buf, 10, "features")
	bar.Resume(6, "features")
	if got := buf.String(); got != "features (6/10) [0s]\n" {
		t.Errorf("resume line %q, want %q", got, "features (6/10) [0s]\n")
	}
	if _, ok := bar.remaining(); ok {
		t.Error("a remaining time before this run's first step")
	}
	bar.start = bar.start.Add(-100 * time.Second)
	bar.StepTo(8, "features")
	rem, ok := bar.remaining()
	if !ok || rem < 100*time.Second || rem > 110*time.Second {
		t.Errorf("remaining %v (%v), want ~100s from this run's pace", rem, ok)
	}
	bar.StepTo(10, "features")
	if rem, ok := bar.remaining(); !ok || rem != 0 {
		t.Errorf("remaining at the end %v (%v), want 0", rem, ok)
	}
}
