package main

import (
	pngpkg "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --plot on a FITS map with BUNIT draws the dashboard with the unit
// (the unit-aware dashboards of 4b522a6, now called by stats); a constant
// map under a variant that is undefined on it (wst --iso, scov --iso) is
// refused with stats.CheckConstant's reason, where it printed 'N of K
// coefficients are not finite (… rescale the map if its values are huge)'.
func TestStatsDashboardUnitAndConstantMap(t *testing.T) {
	dir := t.TempDir()
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		x.Data[i] = float64((i*7919)%61) / 61
	}
	fits := filepath.Join(dir, "m.fits")
	if err := datasets.WriteMapsCards(fits, x, datasets.Card{Key: "BUNIT", Value: "MJy/sr"}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"scov", "wph", "wst"} {
		png := filepath.Join(dir, kind+".png")
		if code, _, errs := runCLI(t, "stats", fits, "--kind", kind, "-J", "3", "--plot", png); code != 0 {
			t.Fatalf("%s: exit %d: %s", kind, code, tail(errs, 400))
		}
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("%s: no dashboard: %v", kind, err)
		}
	}
	c := stlayer.NewMaps(1, 32, 32)
	for i := range c.Data {
		c.Data[i] = 3
	}
	cst := filepath.Join(dir, "c.npy")
	if err := datasets.WriteMaps(cst, c); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"wst", "scov"} {
		code, _, errs := runCLI(t, "stats", cst, "--kind", kind, "-J", "3", "--iso")
		if code != 2 || !strings.Contains(errs, "map 0 is constant (every pixel 3)") || strings.Contains(errs, "rescale the map") {
			t.Errorf("%s --iso of a constant map: exit %d, %s", kind, code, tail(errs, 400))
		}
	}
	// the raw statistics are defined on it (every fluctuation coefficient 0)
	if code, _, errs := runCLI(t, "stats", cst, "--kind", "scov", "-J", "3"); code != 0 {
		t.Errorf("scov raw of a constant map: exit %d, %s", code, tail(errs, 400))
	}
}

// stats --local --plot was refused (exit 2, '--plot draws global
// statistics; --local gives per-pixel coefficients … which no dashboard
// draws'); it draws the local dashboard (localDashboard: the map, S1 per
// j1, the orientation shares) of the first map, here of 32×32 zeros (every
// S1 0, no orientation: the shares are NaN, drawn magenta), as a PNG of
// max(J+1, L) = 4 panels of 3 inches at 96 dpi across, along with -o.
func TestStatsLocalPlotWritesPNG(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(in, stlayer.NewMaps(1, 32, 32)); err != nil {
		t.Fatal(err)
	}
	png, js := filepath.Join(dir, "d.png"), filepath.Join(dir, "c.json")
	code, _, errs := runCLI(t, "stats", in, "--kind", "wst", "--local", "-J", "3", "--plot", png, "-o", js)
	if code != 0 || !strings.Contains(errs, "stats: wrote the dashboard "+png) {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := pngpkg.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", png, err)
	}
	if cfg.Width != 4*3*96 {
		t.Errorf("dashboard %d pixels wide, want 4 panels of 288", cfg.Width)
	}
	if _, err := os.Stat(js); err != nil {
		t.Errorf("-o with --plot: %v", err)
	}
}
