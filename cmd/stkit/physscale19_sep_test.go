package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate printed "mean(DATA) − -0.1939" for samples of mean −0.1939;
// the samples' mean is now a value of its own: "mean(DATA) − m (m =
// -0.1939, …)", no sign after the minus.
func TestPhysscale19SepMeanShiftSign(t *testing.T) {
	for _, m := range []float64{-0.1939, 0.1939} {
		s := sepMeanShiftNote(0.25, m)
		if strings.Contains(s, "− -") || strings.Contains(s, "- -") || !strings.Contains(s, "mean(DATA) − m (m = ") || !strings.Contains(s, "shifted by 0.25") {
			t.Errorf("m = %g: %q", m, s)
		}
		if want := "m = " + strings.TrimSpace(fmtG(m)); !strings.Contains(s, want) {
			t.Errorf("m = %g: %q lacks %q", m, s, want)
		}
	}
}

// separate end to end: noise samples of mean −0.5 print the shift line
// without a double sign, and the report's metrics.json has DATA's pixel
// scale (k_scale: 32 px of 5 arcmin).
func TestPhysscale19SeparateReport(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, b int, mean float64, seed uint64) string {
		x := stlayer.NewMaps(b, 32, 32)
		for i := range b {
			w, err := datasets.WhiteNoise(32, 32, seed+uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			for p, v := range w {
				x.Map(i)[p] = mean + v
			}
		}
		return physFITS(t, dir, name, x, celestial("RA---TAN", "DEC--TAN", -1.0/12, 1.0/12, datasets.Card{Key: "BUNIT", Value: "K"})...)
	}
	data, noise := mk("d.fits", 1, 1, 1), mk("n.fits", 3, -0.5, 5)
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "--engine", "cpu", "separate", data, "--noise", noise, "-J", "2", "--steps", "1,1,1", "-o", filepath.Join(dir, "s.fits"), "--report", rep)
	if code != 0 {
		t.Fatalf("separate: exit %d: %s", code, tail(errs, 800))
	}
	if !strings.Contains(errs, "mean(DATA) − m (m = -0.5") || strings.Contains(errs, "− -") {
		t.Errorf("separate's mean line: %s", tail(errs, 800))
	}
	var m struct {
		KScale *struct {
			SidePx int     `json:"side_px"`
			Side   float64 `json:"side"`
		} `json:"k_scale"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.KScale == nil || m.KScale.SidePx != 32 || math.Abs(m.KScale.Side-32.0/12) > 1e-9 {
		t.Fatalf("metrics.json k_scale %+v (%v)", m.KScale, err)
	}
}
