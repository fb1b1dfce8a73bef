package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// sample --size 33 wrote 33×33 maps with no note, which stkit stats then
// refused (not a multiple of 2^J). It now warns, naming the nearest sizes
// that are multiples (for the fixture's models, J = 3: 32 or 40); a size
// that is one (40) gets no warning.
func TestSynthcli18SampleSizeWarning(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	run := func(size string) (int, string, string) {
		out := filepath.Join(dir, "s"+size+".npy")
		code, _, errs := runCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "1", "--log-every", "100", "--size", size, "-o", out)
		return code, errs, out
	}
	code, errs, out := run("33")
	if code != 0 || !strings.Contains(errs, "sample: warning: --size 33 is not a multiple of 2^J = 8 (J = 3, the models' statistic)") || !strings.Contains(errs, "the nearest sizes that are: --size 32 or 40") {
		t.Errorf("--size 33: exit %d (want 0), want the warning with --size 32 or 40 in\n%s", code, tail(errs, 800))
	}
	if m, err := datasets.ReadMaps(out); err != nil || m.M != 33 {
		t.Errorf("--size 33: read %v, %v; want 33×33 maps", m, err)
	}
	// what the warning says: stats refuses the maps at that J
	if code, _, serrs := runCLI(t, "stats", out, "-J", "3", "-o", filepath.Join(dir, "st.json")); code != 2 {
		t.Errorf("stats of the 33×33 sample at J = 3: exit %d, want 2 (refused): %s", code, tail(serrs, 400))
	}
	if code, errs, _ := run("40"); code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("--size 40: exit %d, want 0 and no warning:\n%s", code, tail(errs, 800))
	}
	if n := sampleSizeNote(70, 5); !strings.Contains(n, "--size 64 or 96") || sampleSizeNote(64, 5) != "" {
		t.Errorf("J = 5: size 70 %q (want --size 64 or 96), size 64 %q (want none)", n, sampleSizeNote(64, 5))
	}
}
