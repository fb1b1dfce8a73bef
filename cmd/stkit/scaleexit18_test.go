package main

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestScaleRefusalExit2 pins exit status 2 for an engine's refusal of a map
// whose scale leaves its number range (cpu: largest |value| below
// cpu.MinMapScale ≈ 1.5e-150): stats returned it as a failure (exit 1)
// while synth gave 2; both are the input's scale, a bad input.
func TestScaleRefusalExit2(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	m := stlayer.NewMaps(1, 16, 16)
	for i := range m.Data {
		m.Data[i] = 1e-160 * rng.NormFloat64()
	}
	in := filepath.Join(dir, "tiny.npy")
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--engine", "cpu", "stats", in, "-J", "2", "-L", "4", "-o", filepath.Join(dir, "s.json")}, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "multiply") {
		t.Errorf("stderr does not say to rescale the map: %s", stderr.String())
	}
}
