package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// Bad inputs of sample, synth, surrogate and train that gave a misleading
// or missing message (or, for a 2×2 map, a phase "surrogate" that can only
// flip signs): each now exits 2 with the reason and writes nothing.
func TestDBadInputMessages(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	ds := filepath.Join(modelsFixture(t), "ds")
	dir := t.TempDir()
	good := writeTestMap(t, dir, "good.npy", 1)
	tiny := filepath.Join(dir, "tiny.npy")
	if err := datasets.WriteMaps(tiny, &stlayer.Maps{B: 1, M: 2, N: 2, Data: []float64{1, 2, 3, 4}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.npy")
	missing := filepath.Join(dir, "missing")
	run := filepath.Join(dir, "run")
	for _, c := range []struct {
		args []string
		frag string
	}{
		// was "missing: not a model folder (no manifest.json; …)"
		{[]string{"sample", missing, "--component", "0", "-o", out}, missing + ": no such file or directory"},
		// was "open good.npy/manifest.json: not a directory"
		{[]string{"sample", good, "--component", "0", "-o", out}, good + " is a file, not a model folder (make one with `stkit export RUN -o MODELDIR`)"},
		// was `ds/manifest.json: unsupported per-component model format: format ""`
		{[]string{"sample", ds, "--component", "0", "-o", out}, ds + " holds a patch dataset (stkit patches), not models: train on it with `stkit train " + ds},
		// was the usage line "sample needs one MODELDIR, --component k and -o OUT.npy"
		{[]string{"sample", models, "--component", "-1", "-o", out}, "--component -1: components are numbered from 0"},
		// was "--steps 0: want ≥ 1"
		{[]string{"synth", good, "--steps", "0", "-o", out}, "--steps 0: the number of L-BFGS iterations must be ≥ 1"},
		// was "missing.npy: stat missing.npy: no such file or directory"
		{[]string{"surrogate", missing + ".npy", "-o", out}, missing + ".npy: no such file or directory"},
		// was written (exit 0): every mode of a 2×2 map is its own conjugate
		{[]string{"surrogate", tiny, "-o", out}, "tiny.npy: maps of 2×2 pixels: every Fourier mode of a map this small is its own conjugate (k = 0 or Nyquist), so --kind phase has no phase to randomise"},
		// was "--clusters K is required for a new run" although given
		{[]string{"train", ds, "-o", run, "--clusters", "0"}, "--clusters must be ≥ 2, got 0"},
	} {
		wantBadInput(t, c.args, c.frag, out, run)
	}
	// --kind iso on a 2×2 map is a Gaussian field (random amplitudes)
	if code, _, errs := runCLI(t, "surrogate", tiny, "--kind", "iso", "-o", out); code != 0 {
		t.Errorf("surrogate --kind iso 2×2: exit %d\n%s", code, errs)
	}
}

// train --z 0 (--h 0, --layers 0) is documented as "0 = preset", but given
// explicitly it set Z = 0 and failed with "model configuration: vae: Z and H
// must be ≥ 1, got Z=0 H=128"; it now trains with the preset's size.
func TestTrainZeroSizeIsPreset(t *testing.T) {
	ds := filepath.Join(modelsFixture(t), "ds")
	run := filepath.Join(t.TempDir(), "run")
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--clusters", "2", "--epochs", "1", "--z", "0", "--h", "0", "--layers", "0", "--batch", "32")
	if code != 0 {
		t.Fatalf("train --z 0 --h 0 --layers 0: exit %d\n%s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rj struct {
		Model struct{ Z, H, Layers int } `json:"model"`
	}
	if err := json.Unmarshal(b, &rj); err != nil {
		t.Fatal(err)
	}
	want, err := presetConfig("small", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rj.Model.Z != want.Z || rj.Model.H != want.H || rj.Model.Layers != want.Layers {
		t.Errorf("run.json model Z=%d H=%d layers=%d, want the small preset's %d, %d, %d", rj.Model.Z, rj.Model.H, rj.Model.Layers, want.Z, want.H, want.Layers)
	}
}
