package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// sample --size 33 wrote 33×33 maps with no note, which stkit stats then
// refused (the fixture's models are scov, J = 3: odd sides). It now warns,
// naming the nearest sizes the statistic takes (32 or 34); a size it takes
// (40, not a multiple of 2^J = 8) gets no warning.
func TestSynthcli18SampleSizeWarning(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	run := func(size string) (int, string, string) {
		out := filepath.Join(dir, "s"+size+".npy")
		code, _, errs := runCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "1", "--log-every", "100", "--size", size, "-o", out)
		return code, errs, out
	}
	code, errs, out := run("33")
	if code != 0 || !strings.Contains(errs, "sample: warning: --size 33: the models' statistic (scov J=3) needs maps with even sides") || !strings.Contains(errs, "the nearest sizes it takes: --size 32 or 34") {
		t.Errorf("--size 33: exit %d (want 0), want the warning with --size 32 or 34 in\n%s", code, tail(errs, 800))
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
	sc := stats.Spec{Kind: stats.SCov, J: 5}
	if n := sampleSizeNote(60, sc); !strings.Contains(n, "needs maps of at least 64×64 pixels") || !strings.Contains(n, "--size 64") || sampleSizeNote(70, sc) != "" {
		t.Errorf("scov J = 5: size 60 %q (want --size 64), size 70 %q (want none)", n, sampleSizeNote(70, sc))
	}
	if n := sampleSizeNote(71, stats.Spec{Kind: stats.WPH, J: 5}); n != "" {
		t.Errorf("wph takes odd sides: %q", n)
	}
}
