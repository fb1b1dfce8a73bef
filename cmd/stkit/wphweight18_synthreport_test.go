package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestWPHWeight18SynthReportGeometricUnit: stkit synth of a target set
// reported the arithmetic mean of the targets' spectra, which its PS term
// does not fit (the geometric mean), and its figures carried no unit. A
// FITS set with BUNIT MJy/sr: metrics.json has ps_mean "geometric", the
// arithmetic ratios beside, and unit "MJy/sr".
func TestWPHWeight18SynthReportGeometricUnit(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "set")
	if err := os.Mkdir(set, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range []float64{1, 2} {
		x, err := datasets.LogNormalField(32, 32, -3, 0.8, uint64(5+i))
		if err != nil {
			t.Fatal(err)
		}
		for j := range x {
			x[j] *= s
		}
		m := &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}
		if err := datasets.WriteMapsCards(filepath.Join(set, []string{"a.fits", "b.fits"}[i]), m, datasets.Card{Key: "BUNIT", Value: "MJy/sr"}); err != nil {
			t.Fatal(err)
		}
	}
	rep := filepath.Join(dir, "rep")
	args := []string{"synth", set, "-J", "3", "--steps", "5", "-o", filepath.Join(dir, "out.npy"), "--report", rep}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		PSMean  string    `json:"ps_mean"`
		Unit    string    `json:"unit"`
		RArith  []float64 `json:"ps_ratio_arithmetic"`
		PSRatio []float64 `json:"ps_ratio"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.PSMean != "geometric" || m.Unit != "MJy/sr" || len(m.RArith) != len(m.PSRatio) || len(m.PSRatio) == 0 {
		t.Errorf("metrics.json: ps_mean %q, unit %q, %d arithmetic ratios for %d; want geometric, MJy/sr, as many", m.PSMean, m.Unit, len(m.RArith), len(m.PSRatio))
	}
}
