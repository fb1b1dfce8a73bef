package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// The stats JSON config named neither the input files nor their unit: a
// cross-statistics file did not say which map was a and which b, and a FITS
// map's BUNIT was lost. config.inputs now lists MAP then the --cross map,
// bunit and bunit_cross their FITS BUNIT (absent when unknown). The FITS
// output refusal listed synth, separate and surrogate as FITS writers and
// left out sample.
func TestStatsJSONInputsBunit(t *testing.T) {
	dir := t.TempDir()
	np := writeTestMap(t, dir, "b.npy", 1)
	x, err := datasets.ReadMaps(np)
	if err != nil {
		t.Fatal(err)
	}
	fits := filepath.Join(dir, "a.fits")
	if err := datasets.WriteMapsCards(fits, x, datasets.Card{Key: "BUNIT", Value: "MJy/sr"}); err != nil {
		t.Fatal(err)
	}
	type config struct {
		Inputs     []string `json:"inputs"`
		BUnit      *string  `json:"bunit"`
		BUnitCross *string  `json:"bunit_cross"`
		Cross      bool     `json:"cross"`
	}
	str := func(p *string) string {
		if p == nil {
			return "<absent>"
		}
		return *p
	}
	for _, c := range []struct {
		args              []string
		inputs            []string
		bunit, bunitCross string
	}{
		{[]string{fits, "--cross", np}, []string{fits, np}, "MJy/sr", "<absent>"},
		{[]string{np, "--cross", fits}, []string{np, fits}, "<absent>", "MJy/sr"},
		{[]string{fits}, []string{fits}, "MJy/sr", "<absent>"},
		{[]string{np}, []string{np}, "<absent>", "<absent>"},
	} {
		jp := filepath.Join(dir, "s.json")
		args := append(append([]string{"stats"}, c.args...), "-J", "3", "-o", jp)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, tail(errs, 600))
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config config `json:"config"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		g := doc.Config
		if !slices.Equal(g.Inputs, c.inputs) || str(g.BUnit) != c.bunit || str(g.BUnitCross) != c.bunitCross || g.Cross != (len(c.inputs) == 2) {
			t.Errorf("%v: inputs %q bunit %s bunit_cross %s cross %v; want %q, %s, %s", c.args,
				g.Inputs, str(g.BUnit), str(g.BUnitCross), g.Cross, c.inputs, c.bunit, c.bunitCross)
		}
	}
	out := filepath.Join(dir, "s.fits")
	code, _, errs := runCLI(t, "stats", np, "-o", out)
	if code != 2 || !strings.Contains(errs, "written by synth, sample, separate and surrogate)") {
		t.Errorf("-o s.fits: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("-o s.fits was written")
	}
}
