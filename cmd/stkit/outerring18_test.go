package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestSampleOuterRingFlag: `sample --outer-ring` (infer.SampleOptions.OuterRing,
// off by default) runs on models exported with ps_corner_rings and gives
// other maps than the default: the outer-ring term enters the loss.
func TestSampleOuterRingFlag(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	tmp := t.TempDir()
	run := func(out string, extra ...string) []float64 {
		args := append([]string{"sample", models, "--component", "0", "-n", "1", "--steps", "5", "--seed", "3", "--log-every", "100", "-o", out}, extra...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		m, err := datasets.ReadMaps(out)
		if err != nil {
			t.Fatal(err)
		}
		return m.Data
	}
	plain := run(filepath.Join(tmp, "a.npy"))
	ring := run(filepath.Join(tmp, "b.npy"), "--outer-ring")
	same := true
	for i := range plain {
		if plain[i] != ring[i] {
			same = false
			break
		}
	}
	if same {
		t.Error("--outer-ring gave the same maps as the default: its term did not enter the loss")
	}
}
