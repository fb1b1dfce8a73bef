package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Bad demo settings are refused before any work (exit 2, no output folder,
// nothing written into an existing one). Before: --kind other than scov or
// wst ran step 1 and failed in step 2 (wph, unknown kinds) or ran through
// (spectra), --size or --patches too large panicked or was killed for
// memory in step 1 after making the folder, -o "" said " already holds a
// demo", and a training run or model folder as -o received the demo's
// data/, dataset/, run/ … folders.
func TestDemoBadInputBeforeWork(t *testing.T) {
	t.Setenv("STKIT_MEM_AVAILABLE", "1073741824") // 1 GiB
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	if err := os.MkdirAll(filepath.Join(runDir, "checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	modelDir := filepath.Join(modelsFixture(t), "models")
	out := filepath.Join(dir, "demo")
	for _, c := range []struct {
		args []string
		last string
	}{
		{[]string{"--kind", "wph"}, "stkit: --kind wph: the demo's features are the isotropic synthesis vector of scov or wst"},
		{[]string{"--kind", "spectra"}, "stkit: --kind spectra: the demo's features are the isotropic synthesis vector of scov or wst"},
		{[]string{"--kind", "foo"}, "stkit: --kind foo: the demo's features are the isotropic synthesis vector of scov or wst"},
		// 3 processes × (23 maps of 2048² + 200 patches of 1024²) × 8 bytes = 7.35e9 B
		{[]string{"--size", "1024"}, "stkit: --size 1024 --patches 200: the result alone needs 6.8 GiB of memory and 1.0 GiB is available"},
		// 3 × (1112 maps of 128² + 10000 patches of 64²) × 8 bytes = 1.42e9 B
		{[]string{"--patches", "10000"}, "stkit: --size 64 --patches 10000: the result alone needs 1.3 GiB of memory and 1.0 GiB is available"},
	} {
		args := append([]string{"demo", "-o", out}, c.args...)
		wantBadInput(t, args, c.last, out)
	}
	wantBadInput(t, []string{"demo", "-o", ""}, "stkit: -o: want a folder name (default stkit-demo)")
	for _, c := range []struct{ dir, kind string }{{runDir, "a training run (stkit train)"}, {modelDir, "a model folder (stkit export)"}} {
		wantBadInput(t, []string{"demo", "-o", c.dir}, "stkit: -o "+c.dir+" is "+c.kind+", not a demo folder: choose another folder",
			filepath.Join(c.dir, "data"), filepath.Join(c.dir, "summary.json"))
	}
}
