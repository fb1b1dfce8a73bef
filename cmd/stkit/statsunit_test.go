package main

import (
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

// stats --local --plot computed the local WST and only then failed with
// 'plot: --plot is for global statistics' (exit 1); it is refused before
// any work, exit 2.
func TestStatsLocalPlotRefusedFirst(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(in, stlayer.NewMaps(1, 32, 32)); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "d.png")
	wantBadInput(t, []string{"stats", in, "--kind", "wst", "--local", "-J", "3", "--plot", png}, "--plot draws global statistics; --local gives per-pixel coefficients", png)
}
