package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/testutil"
)

// The wording of the empty-cluster warning (clusters, export) is tested in
// infer (TestFixunits21EmptyWording), where it now lives.

// sample and separate --models took a component exported from an empty
// cluster without a word; they now refuse it (exit 2, naming it) unless
// --allow-empty. The fixture's models get component 0 emptied in their
// manifest (count 0, weight 0, as export writes for a cluster with no patch).
func TestEmptyclu20SampleSeparateRefuse(t *testing.T) {
	fx := modelsFixture(t)
	work := t.TempDir()
	models := filepath.Join(work, "models")
	copyTree(t, filepath.Join(fx, "models"), models)
	testutil.EditJSON(t, filepath.Join(models, "manifest.json"), func(m map[string]any) {
		c := m["clusters"].([]any)[0].(map[string]any)
		c["count"], c["weight"] = 0, 0
	})
	code, _, errs := runModelsCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "1", "-o", filepath.Join(work, "s.npy"))
	if code != 2 || !strings.Contains(errs, "component 0 of "+models+" was exported from a cluster that got no training patch") || !strings.Contains(errs, "--allow-empty") {
		t.Errorf("sample of the empty component: exit %d: %s", code, tail(errs, 600))
	}
	code, _, errs = runModelsCLI(t, "separate", filepath.Join(fx, "mix.npy"), "--models", models, "--components", "1,0", "--steps", "0,1",
		"-o", filepath.Join(work, "sep.npy"))
	if code != 2 || !strings.Contains(errs, "component 0 of "+models+" was exported from a cluster that got no training patch") {
		t.Errorf("separate with the empty component: exit %d: %s", code, tail(errs, 600))
	}
	// --allow-empty takes it
	code, _, errs = runModelsCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "1", "-o", filepath.Join(work, "s.npy"), "--allow-empty")
	if code != 0 {
		t.Errorf("sample --allow-empty: exit %d: %s", code, tail(errs, 600))
	}
	// the populated component is untouched
	code, _, errs = runModelsCLI(t, "sample", models, "--component", "1", "-n", "1", "--steps", "1", "-o", filepath.Join(work, "s1.npy"))
	if code != 0 {
		t.Errorf("sample of component 1: exit %d: %s", code, tail(errs, 600))
	}
}

// export printed the empty component as "component 2: weight 0.000 (0
// patches, mean confidence 0.00), typical χ² of its patches 1.00" and no
// warning (the README chain's counts, stkit-try's re-export of it).
func TestEmptyclu20ExportLines(t *testing.T) {
	cl := []infer.ModelCluster{{K: 0, Weight: 980.0 / 2410, Count: 980, MeanConfidence: 0.565}, {K: 1, Weight: 1205.0 / 2410, Count: 1205, MeanConfidence: 1},
		{K: 2}, {K: 3, Weight: 225.0 / 2410, Count: 225, MeanConfidence: 0.998}}
	line := exportComponentLine(cl[2], &infer.ComponentModel{})
	if strings.Contains(line, "χ²") || !strings.Contains(line, "component 2: weight 0 (no patch)") || !strings.Contains(line, "--allow-empty") {
		t.Errorf("empty component line: %q", line)
	}
	line = exportComponentLine(cl[3], &infer.ComponentModel{DataChi2: []float64{0.5, 0.63, 0.9}})
	if line != "component 3: weight 0.093 (225 patches, mean confidence 1.00), typical χ² of its patches 0.63" {
		t.Errorf("populated component line: %q", line)
	}
}
