package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestMisc21SummariseUnitsFirstSpelling: of files that spell one BUNIT
// differently ("JY/BEAM", "Jy/beam"), summariseUnits kept the last file's
// spelling (stats --compare's bunit_b "Jy/beam") while the dataset and
// model manifests keep the first source's (datasets.CanonicalBUnit). Both
// now keep the first.
func TestMisc21SummariseUnitsFirstSpelling(t *testing.T) {
	s1, s2 := &datasets.PixelScale{X: 0.05, Unit: "deg"}, &datasets.PixelScale{X: 0.05, Unit: "deg"}
	s := summariseUnits([]string{"/x/c.fits", "/x/c3.fits", "/x/n.fits"},
		[]datasets.MapUnits{{BUnit: "JY/BEAM", Scale: s1}, {BUnit: "Jy/beam", Scale: s2}, {}})
	if s.BUnit != "JY/BEAM" || s.Scale != s1 || s.mixB != "" || s.mixS != "" {
		t.Errorf("summariseUnits: BUnit %q (want the first file's \"JY/BEAM\"), scale the first's %v, mixB %q, mixS %q", s.BUnit, s.Scale == s1, s.mixB, s.mixS)
	}
	s = summariseUnits([]string{"a", "b"}, []datasets.MapUnits{{}, {BUnit: "MJY/SR"}})
	if s.BUnit != "MJY/SR" {
		t.Errorf("summariseUnits, first file without BUNIT: %q, want \"MJY/SR\"", s.BUnit)
	}

	// The CLI: stats --compare's bunit_b of p.fits,q.fits (no WCS, so
	// each file's header is read: setFileUnits).
	dir, f := units19Files(t)
	p := units19FITS(t, dir, "p.fits", "JY/BEAM", 0, "", false, 1, 32, 7)
	q := units19FITS(t, dir, "q.fits", "Jy/beam", 0, "", false, 1, 32, 8)
	jp := filepath.Join(dir, "c.json")
	code, _, errs := runCLI(t, "stats", f["c"]+","+f["c2"], "--compare", p+","+q, "-J", "2", "-o", jp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Config struct {
			BUnitA string `json:"bunit_a"`
			BUnitB string `json:"bunit_b"`
		} `json:"config"`
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config.BUnitA != "JY/BEAM" || doc.Config.BUnitB != "JY/BEAM" {
		t.Errorf("bunit_a %q, bunit_b %q; want both \"JY/BEAM\" (the first file's spelling, as the dataset manifest's)", doc.Config.BUnitA, doc.Config.BUnitB)
	}
}
