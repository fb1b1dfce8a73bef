package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolfix19UnitWarnings: stats' unit warnings say what differs (pol's
// report: stats I.fits,I_K.fits of one pixel scale said "(… the same
// wavelet scale j spans another angle on maps of another pixel scale)",
// and a pixel-scale-only set was said to "mix units"), and the JSON
// records them (config.unit_warnings) and a single file's pixel scale.
func TestPolfix19UnitWarnings(t *testing.T) {
	dir, f := units19Files(t)
	j15 := units19FITS(t, dir, "j15.fits", "JY/BEAM", 0.025, "deg", false, 1, 32, 7) // a's pixels, c's unit
	k3 := units19FITS(t, dir, "k3.fits", "K", 0.05, "deg", false, 1, 32, 8)          // a's unit, c's pixels
	type cfg struct {
		Config struct {
			UnitWarnings []string        `json:"unit_warnings"`
			PixelScale   json.RawMessage `json:"pixel_scale"`
			BUnit        string          `json:"bunit"`
		} `json:"config"`
	}
	run := func(args ...string) (string, cfg) {
		t.Helper()
		jp := filepath.Join(dir, "o.json")
		code, _, errs := runCLI(t, append(append([]string{"stats"}, args...), "-J", "2", "-o", jp)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var d cfg
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		return errs, d
	}
	const angle = "spans another angle"
	errs, d := run(f["a"] + "," + j15)
	if !strings.Contains(errs, `mixes units: BUNIT "K" (a.fits) and "JY/BEAM" (j15.fits): `) || strings.Contains(errs, angle) || strings.Contains(errs, "pixel scale 1.5") {
		t.Errorf("BUNIT only: %s", errs)
	}
	if len(d.Config.UnitWarnings) != 1 || !strings.Contains(d.Config.UnitWarnings[0], `"JY/BEAM" (j15.fits)`) || len(d.Config.PixelScale) == 0 {
		t.Errorf("BUNIT only: json unit_warnings %q, pixel_scale %s", d.Config.UnitWarnings, d.Config.PixelScale)
	}
	errs, d = run(f["a"] + "," + k3)
	if !strings.Contains(errs, "mixes pixel scales: 1.5 arcmin (a.fits) and 3 arcmin (k3.fits): ") || !strings.Contains(errs, angle) || strings.Contains(errs, "mixes units") {
		t.Errorf("pixel scale only: %s", errs)
	}
	if len(d.Config.UnitWarnings) != 1 || d.Config.BUnit != "K" || len(d.Config.PixelScale) != 0 {
		t.Errorf("pixel scale only: json unit_warnings %q, bunit %q, pixel_scale %s", d.Config.UnitWarnings, d.Config.BUnit, d.Config.PixelScale)
	}
	errs, d = run(f["a"], "--kind", "wph", "--imag", f["c"])
	if len(d.Config.UnitWarnings) != 2 || !strings.Contains(strings.Join(d.Config.UnitWarnings, " "), `--imag `+f["c"]+` has "JY/BEAM"`) {
		t.Errorf("--imag: json unit_warnings %q (stderr %s)", d.Config.UnitWarnings, errs)
	}
	if _, d = run(f["a"]); len(d.Config.UnitWarnings) != 0 || !strings.Contains(string(d.Config.PixelScale), "0.025") {
		t.Errorf("one file: unit_warnings %q, pixel_scale %s", d.Config.UnitWarnings, d.Config.PixelScale)
	}
}
