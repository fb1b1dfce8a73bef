package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// separate --pad crop --cut: the note names the window ⌊cut·2^J⌋ pixels in
// from each edge (it named ⌊2^J/2⌋ whatever --cut said), the statistic uses
// the cut (the output differs from the default cut's; an explicit --cut 0.5
// is the default, bit for bit), and a cut below 2^−J (no pixel left out) is
// said so rather than as a 0-pixel border.
func TestSeparateCutNote(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	run := func(name string, extra ...string) (string, []float64) {
		t.Helper()
		out := filepath.Join(dir, name+".npy")
		args := append([]string{"separate", data, "--contaminant", samples, "-J", "3", "--kind", "scov", "--pad", "crop", "--ps=false", "--steps", "1,1,1", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, tail(errs, 800))
		}
		o, err := datasets.ReadMaps(out)
		if err != nil {
			t.Fatal(err)
		}
		return errs, o.Data
	}
	errs, quarter := run("quarter", "--cut", "0.25")
	// 32² map, J = 3: c = ⌊0.25·8⌋ = 2
	const want = "separate: --pad crop: the statistics are means over rows [2, 30) and columns [2, 30); the 2-pixel border enters them only through the wavelets that reach into that window, so it is less constrained and keeps more of its starting values: judge the separation on the interior OUT[:, 2:30, 2:30]\n"
	if !strings.Contains(errs, want) {
		t.Errorf("--cut 0.25: stderr lacks %q:\n%s", want, tail(errs, 800))
	}
	if !strings.Contains(errs, "pad=crop cut=0.25,") {
		t.Errorf("--cut 0.25: the summary line does not name the cut:\n%s", tail(errs, 800))
	}
	errs, def := run("default")
	if !strings.Contains(errs, "rows [4, 28) and columns [4, 28); the 4-pixel border") {
		t.Errorf("default cut: the note does not name rows [4, 28):\n%s", tail(errs, 800))
	}
	_, half := run("half", "--cut", "0.5")
	same := 0
	for i := range def {
		if quarter[i] == def[i] {
			same++
		}
		if half[i] != def[i] {
			t.Fatalf("--cut 0.5 (the default) pixel %d: %v, default %v", i, half[i], def[i])
		}
	}
	if same == len(def) {
		t.Errorf("--cut 0.25 gave the default cut's output: the statistic ignored the cut")
	}
	errs, _ = run("tiny", "--cut", "0.1")
	if w := "separate: --pad crop --cut 0.1 leaves out ⌊cut·2^J⌋ = 0 pixels per side: the statistics are means over the whole map\n"; !strings.Contains(errs, w) || strings.Contains(errs, "0-pixel border") {
		t.Errorf("--cut 0.1 (c = 0): stderr lacks %q:\n%s", w, tail(errs, 800))
	}
}
