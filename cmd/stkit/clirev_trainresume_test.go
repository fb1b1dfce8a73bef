package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
