package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// separate --pad crop says which window the statistics constrain (as synth
// does), and that holds: without the power spectrum (whole map), the border
// of s̃ moves much less from DATA than its interior.
func TestSeparatePadCropNote(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out := filepath.Join(dir, "out.npy")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--pad", "crop", "--ps=false", "--steps", "4,16,2", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 800))
	}
	const want = "separate: --pad crop: the statistics are means over rows [4, 28) and columns [4, 28); the 4-pixel border enters them only through the wavelets that reach into that window, so it is less constrained and keeps more of its starting values: judge the separation on the interior OUT[:, 4:28, 4:28]\n"
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, tail(errs, 800))
	}
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	o, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	var sb, si float64
	var nb, ni int
	for i := 0; i < 32; i++ {
		for j := 0; j < 32; j++ {
			k := i*32 + j
			v := (o.Data[k] - d.Data[k]) * (o.Data[k] - d.Data[k])
			if i >= 4 && i < 28 && j >= 4 && j < 28 {
				si, ni = si+v, ni+1
			} else {
				sb, nb = sb+v, nb+1
			}
		}
	}
	border, inner := math.Sqrt(sb/float64(nb)), math.Sqrt(si/float64(ni))
	t.Logf("rms change from DATA: border %.4g, interior %.4g", border, inner)
	if !(inner > 0) || !(border < 0.5*inner) {
		t.Errorf("rms change from DATA: border %.4g, interior %.4g; want the border < half the interior's", border, inner)
	}
	// With --ps (default) the note says the spectrum uses the whole map.
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--pad", "crop", "--steps", "1,1,1", "-o", filepath.Join(dir, "ps.npy"))
	if code != 0 || !strings.Contains(errs, "reach into that window (the power spectrum, --ps, uses the whole map), so it is less constrained") {
		t.Errorf("--ps: exit %d, stderr %s", code, tail(errs, 800))
	}
	// Periodic: no note.
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "1,1,1", "-o", filepath.Join(dir, "p.npy"))
	if code != 0 || strings.Contains(errs, "--pad crop") {
		t.Errorf("periodic: exit %d, note present: %s", code, tail(errs, 800))
	}
}
