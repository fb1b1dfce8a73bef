package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/train"
)

// train's start line said "lr 0.01→0.001" while the schedule a(b+t)^(−1/3) runs
// the second of 20 epochs at 0.0027 (one step per epoch on a small dataset: the
// rate fell to a quarter after the first step). The line now gives the rates of
// the first two epochs and of the last, which are the rates the run uses
// (metrics.csv's lr column).
func TestTrainStartLineLRSchedule(t *testing.T) {
	second := train.LearningRate(1, 20, 0.01, 0.001)
	if !(second < 0.3*0.01) {
		t.Fatalf("the schedule's epoch 2 runs at %g: the test needs the steep early fall", second)
	}
	for _, c := range []struct {
		lr, final float64
		epochs    int
		want      string
	}{
		{0.01, 0.001, 20, fmt.Sprintf("lr 0.01→0.001 (a(b+t)^(−1/3) by epoch: 0.01 in epoch 1, %.3g in epoch 2, …, %.3g in epoch 20)", second, train.LearningRate(19, 20, 0.01, 0.001))},
		{0.01, 0.001, 3, fmt.Sprintf("lr 0.01→0.001 (a(b+t)^(−1/3) by epoch: 0.01 in epoch 1, %.3g in epoch 2, %.3g in epoch 3)", train.LearningRate(1, 3, 0.01, 0.001), train.LearningRate(2, 3, 0.01, 0.001))},
		{0.01, 0.001, 1, "lr 0.01→0.001 (a(b+t)^(−1/3) by epoch: 0.01 in epoch 1)"},
		{0.01, 0, 20, "lr 0.01 constant"},
		{0.01, 0.01, 20, "lr 0.01 constant"},
	} {
		if got := lrSchedDesc(c.lr, c.final, c.epochs); got != c.want {
			t.Errorf("lrSchedDesc(%g, %g, %d) = %q, want %q", c.lr, c.final, c.epochs, got, c.want)
		}
	}

	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	code, _, errs := runCLI(t, append(append([]string{"train", ds, "-o", run, "--clusters", "2", "--seed", "5", "--epochs", "3"}, tinyTrain...), "--lr-final", "0.001")...)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, tail(errs, 600))
	}
	rows := readCSV(t, filepath.Join(run, "metrics.csv"))
	col := -1
	for i, h := range rows[0] {
		if h == "lr" {
			col = i
		}
	}
	if col < 0 || len(rows) != 4 {
		t.Fatalf("metrics.csv: %d rows, lr column %d", len(rows), col)
	}
	var used []string
	for e := 1; e <= 3; e++ {
		v, err := strconv.ParseFloat(rows[e][col], 64)
		if err != nil {
			t.Fatal(err)
		}
		used = append(used, fmt.Sprintf("%.3g in epoch %d", v, e))
	}
	if want := "lr 0.01→0.001 (a(b+t)^(−1/3) by epoch: " + strings.Join(used, ", ") + ")"; !strings.Contains(errs, want) {
		t.Errorf("start line lacks the rates of metrics.csv, %q:\n%s", want, tail(errs, 800))
	}
}
