package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// train --help says a --resume takes the flags not given from the run; --keep, --early-stop
// and --bn-batches were not recorded, so a run started with --keep 0 ("0: all") lost all but
// its 3 newest checkpoints on a resume (4 of 5 files → 3), and one with --bn-batches 0 went
// on with 32. They are recorded in the run (run.json "run": keep, early_stop, bn_batches) and
// taken on a resume unless given again.
func TestTrainResumeKeepsRunFlags(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	args := append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "4", "--keep", "0", "--bn-batches", "0", "--early-stop", "50"}, tinyTrain...)
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, tail(errs, 600))
	}
	check := func(what string, files, keep, early, bn int) {
		t.Helper()
		ck, _ := filepath.Glob(filepath.Join(run, "checkpoints", "ckpt-*.stkc"))
		if len(ck) != files {
			t.Errorf("%s: %d checkpoints, want %d", what, len(ck), files)
		}
		b, err := os.ReadFile(filepath.Join(run, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Run struct {
				Keep      *int `json:"keep"`
				EarlyStop *int `json:"early_stop"`
				BNBatches *int `json:"bn_batches"`
			} `json:"run"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		r := doc.Run
		if r.Keep == nil || r.EarlyStop == nil || r.BNBatches == nil || *r.Keep != keep || *r.EarlyStop != early || *r.BNBatches != bn {
			t.Errorf("%s: run.json keep %v early_stop %v bn_batches %v, want %d %d %d", what, deref(r.Keep), deref(r.EarlyStop), deref(r.BNBatches), keep, early, bn)
		}
	}
	check("new run", 4, 0, 50, 0)
	if code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "5"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, tail(errs, 600))
	}
	check("resume without the flags", 5, 0, 50, 0)
	if code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "6", "--keep", "2", "--bn-batches", "4"); code != 0 {
		t.Fatalf("resume --keep 2: exit %d: %s", code, tail(errs, 600))
	}
	check("resume with --keep 2 --bn-batches 4", 2, 2, 50, 4)
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// A run killed before its --epochs is resumed with plain --resume (as train's interrupt
// message says): --epochs was not recorded, so a 4-epoch run went on to the default 60,
// its learning-rate decay recomputed for 60 epochs. The resume now takes the run's
// --epochs: epochs 3–4 of 4, at the learning rates of the uninterrupted run.
func TestTrainResumeKeepsEpochs(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	args := append(append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "4", "--keep", "0"}, tinyTrain...), "--lr-final", "0.001")
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, tail(errs, 600))
	}
	full := readCSV(t, filepath.Join(run, "metrics.csv"))
	ck, _ := filepath.Glob(filepath.Join(run, "checkpoints", "ckpt-*.stkc"))
	if len(ck) != 4 || len(full) != 5 {
		t.Fatalf("%d checkpoints and %d metrics rows, want 4 and 4 (+ header)", len(ck), len(full)-1)
	}
	for _, p := range ck[2:] { // the run as a kill after epoch 2 leaves it (names sort by step)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, tail(errs, 600))
	}
	got := readCSV(t, filepath.Join(run, "metrics.csv"))
	if len(got) != 5 {
		t.Fatalf("resumed run: %d epochs in metrics.csv, want 4:\n%s", len(got)-1, tail(errs, 600))
	}
	col := -1
	for i, h := range full[0] {
		if h == "lr" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("metrics.csv has no lr column: %v", full[0])
	}
	for e := 1; e <= 4; e++ {
		if got[e][0] != full[e][0] || got[e][col] != full[e][col] {
			t.Errorf("row %d: epoch %s lr %s after the resume, epoch %s lr %s in the uninterrupted run", e, got[e][0], got[e][col], full[e][0], full[e][col])
		}
	}
	if full[3][col] == full[4][col] {
		t.Errorf("lr constant over epochs 3–4 (%s): the test needs a decay", full[3][col])
	}
	// fewer epochs than done: nothing to do, and run.json keeps the run's 4 (it recorded 1)
	code, out, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "1")
	if code != 0 || !strings.Contains(out, "nothing to do: the run already completed 4 epochs") {
		t.Fatalf("resume --epochs 1: exit %d: %s%s", code, out, tail(errs, 400))
	}
	b, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Run struct {
			Epochs *int `json:"epochs"`
		} `json:"run"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Run.Epochs == nil || *doc.Run.Epochs != 4 {
		t.Errorf("run.json epochs %v after resume --epochs 1 of a 4-epoch run, want 4", deref(doc.Run.Epochs))
	}
}
