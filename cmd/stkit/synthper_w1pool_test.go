package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --report's summary compared the syntheses' W1 (against the pooled
// target maps) only with W1Ref, the W1 between two target maps; it now
// prints first the like-for-like yardstick, W1Pool (metrics.json's
// w1_one_target_vs_the_others: one target map against the others pooled),
// as sample does, and W1Ref after it.
func TestSynthReportPrintsW1Pool(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	m := stlayer.NewMaps(3, n, n)
	for i := 0; i < 3; i++ {
		g, err := datasets.GaussianRandomField(n, n, -2, uint64(20+i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), g)
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, m); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "--engine", "cpu", "synth", target, "--steps", "2", "-o", filepath.Join(dir, "s.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vm struct {
		W1Pool float64 `json:"w1_one_target_vs_the_others"`
		W1Ref  float64 `json:"w1_between_targets"`
	}
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	if !(vm.W1Pool > 0) || !(vm.W1Ref > 0) {
		t.Fatalf("metrics.json w1_one_target_vs_the_others %g, w1_between_targets %g: want both > 0", vm.W1Pool, vm.W1Ref)
	}
	want := fmt.Sprintf("vs %s σ of one target map against the others pooled (like for like) and vs %s σ between two target maps;", fmtDev(vm.W1Pool), fmtDev(vm.W1Ref))
	if !strings.Contains(errs, want) {
		t.Errorf("summary lacks %q:\n%s", want, tail(errs, 800))
	}
}
