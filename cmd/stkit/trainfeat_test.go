package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
)

// checkDatasetForRun matched run and dataset columns as whole FeatureColumns
// (name included), so a run trained on a wph dataset built before label
// tables printed −1 values (feature 'L(p1=0,p2=0,pseudo=0)', now
// 'L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)') was refused by clusters/train resume
// on a dataset built now. Columns are now matched by coefficient and part,
// with names equal as written now or before (datasets.SameFeature); any
// other name difference is still refused.
func TestCheckDatasetForRunLegacyNames(t *testing.T) {
	spec := stats.Spec{Kind: stats.WPH, J: 2, L: 4}
	now := []datasets.FeatureColumn{
		{Coeff: 0, Part: "re", Name: "S11(j1=0,l1=0,p1=1,j2=0,l2=0,p2=1)"},
		{Coeff: 7, Part: "re", Name: "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)"},
		{Coeff: 7, Part: "im", Name: "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0).im"},
	}
	old := []datasets.FeatureColumn{
		{Coeff: 7, Part: "im", Name: "L(p1=0,p2=0,pseudo=0).im"},
		{Coeff: 0, Part: "re", Name: "S11(j1=0,l1=0,p1=1,j2=0,l2=0,p2=1)"},
		{Coeff: 7, Part: "re", Name: "L(p1=0,p2=0,pseudo=0)"},
	}
	ds := &datasets.Features{Manifest: &datasets.DatasetManifest{Spec: spec, Size: 32, Columns: now}}
	meta := &runMeta{Spec: spec, Size: 32, Columns: old, Mean: make([]float64, 3), Std: make([]float64, 3)}
	idx, err := checkDatasetForRun("ds", ds, "run", meta)
	if err != nil || len(idx) != 3 || idx[0] != 2 || idx[1] != 0 || idx[2] != 1 {
		t.Fatalf("old run on a new dataset: %v, %v; want [2 0 1]", idx, err)
	}
	// and the other way round: a run made now on a dataset built before
	ds.Manifest.Columns, meta.Columns = old, now
	if idx, err = checkDatasetForRun("ds", ds, "run", meta); err != nil || idx[0] != 1 || idx[1] != 2 || idx[2] != 0 {
		t.Fatalf("new run on an old dataset: %v, %v; want [1 2 0]", idx, err)
	}
	// another coefficient under the same index is still refused
	meta.Columns = []datasets.FeatureColumn{now[0], {Coeff: 7, Part: "re", Name: "L(j1=0,p1=0,j2=0,p2=0,pseudo=0)"}, now[2]}
	meta.Mean, meta.Std = make([]float64, 3), make([]float64, 3)
	if _, err := checkDatasetForRun("ds", ds, "run", meta); err == nil || !strings.Contains(err.Error(), "has no feature L(j1=0,p1=0,j2=0,p2=0,pseudo=0)") {
		t.Errorf("renamed column: %v", err)
	}
}

// stats -o c.json wrote the label columns whose value is not −1, so the
// wph scaling moments at PyWPH's j = −1 came out with no j1/j2; label
// columns are now written where they apply (stlayer.Labels.Has).
func TestStatsJSONScalingMomentJMinus1(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.GaussianRandomField(32, 32, -2, 3)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(in, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "c.json")
	if code, _, errs := runCLI(t, "stats", in, "--kind", "wph", "-J", "3", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Coefficients []map[string]any `json:"coefficients"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	minus1, missing, l := 0, 0, 0
	for _, c := range doc.Coefficients {
		if c["class"] != "L" {
			continue
		}
		l++
		j1, ok := c["j1"].(float64)
		if !ok {
			missing++
		} else if j1 == -1 {
			minus1++
			if c["j2"] != -1.0 {
				t.Errorf("L at j1 = -1 has j2 = %v", c["j2"])
			}
		}
	}
	if l == 0 || missing != 0 || minus1 == 0 {
		t.Errorf("%d L coefficients: %d without j1, %d at j1 = -1 (want none without, some at -1)", l, missing, minus1)
	}
}

// With train setting both Stopped and EarlyStopped when Ctrl-C and early
// stopping end the run in the same epoch (6fc0807), train printed 'early
// stop' and then exited 1 saying to continue with --resume, which would do
// nothing; such a run is complete. An interruption alone still says where
// it stopped.
func TestInterruptedRunError(t *testing.T) {
	h := make([]train.EpochMetrics, 3)
	if err := interruptedRunError(&train.Result{Stopped: true, EarlyStopped: true, StartEpoch: 2, History: h}, 50); err != nil {
		t.Errorf("interrupt and early stop in one epoch: %v, want none", err)
	}
	err := interruptedRunError(&train.Result{Stopped: true, StartEpoch: 2, History: h}, 50)
	if err == nil || err.Error() != "interrupted after epoch 5 of 50 (checkpoint saved; continue with --resume)" {
		t.Errorf("interrupted: %v", err)
	}
	if err := interruptedRunError(&train.Result{EarlyStopped: true, History: h}, 50); err != nil {
		t.Errorf("early stop: %v", err)
	}
}
