package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth and sample with --report equal to (or inside) the -o file wrote the
// output and then failed with exit 1 ('report: mkdir …: not a directory');
// they refuse it before any work, as separate does (checkReportNotOutput).
func TestSynthSampleReportIsOutputRefused(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.GaussianRandomField(32, 32, -3, 1)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(in, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.npy")
	const frag = "is the output file -o"
	wantBadInput(t, []string{"synth", in, "-J", "3", "--steps", "2", "-o", out, "--report", out}, frag, out)
	wantBadInput(t, []string{"synth", in, "-J", "3", "--steps", "2", "-o", out, "--report", filepath.Join(out, "r")}, frag, out)
	models := filepath.Join(modelsFixture(t), "models")
	wantBadInput(t, []string{"sample", models, "--component", "0", "--steps", "2", "-o", out, "--report", out}, frag, out)
}
