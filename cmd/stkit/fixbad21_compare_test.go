package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --compare --skip-nan --crop recorded neither the maps it left out
// nor the window in its JSON (plain stats writes maps_read, maps_used and
// crop since badfix20): a z could not be traced to the maps behind it. The
// config now holds applied_a and applied_b; without the flags, neither.
func TestFixbad21CompareApplied(t *testing.T) {
	dir := t.TempDir()
	set := func(name string, B int, seed uint64, nanMap int) string {
		m := stlayer.NewMaps(B, 32, 32)
		for b := 0; b < B; b++ {
			x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, seed+uint64(b))
			if err != nil {
				t.Fatal(err)
			}
			copy(m.Map(b), x)
		}
		if nanMap >= 0 {
			m.Map(nanMap)[5] = math.NaN()
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := set("a.npy", 4, 1, 1), set("b.npy", 3, 11, -1)
	type rec struct {
		Config struct {
			A *nanmaskApplied `json:"applied_a"`
			B *nanmaskApplied `json:"applied_b"`
		} `json:"config"`
	}
	read := func(p string) rec {
		var r rec
		bts, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(bts, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	out := filepath.Join(dir, "c.json")
	if code, _, errs := runCLI(t, "stats", a, "--compare", b, "--skip-nan", "--crop", "4:20,8:24", "-J", "2", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := read(out)
	if r.Config.A == nil || r.Config.B == nil {
		t.Fatalf("no applied_a / applied_b: %+v", r.Config)
	}
	if r.Config.A.MapsRead != 4 || !slices.Equal(r.Config.A.MapsUsed, []int{0, 2, 3}) || r.Config.B.MapsRead != 3 || !slices.Equal(r.Config.B.MapsUsed, []int{0, 1, 2}) {
		t.Errorf("applied_a %+v, applied_b %+v; want 4 read, [0 2 3] used; 3 read, [0 1 2] used", *r.Config.A, *r.Config.B)
	}
	for _, c := range []*cropDoc{r.Config.A.Crop, r.Config.B.Crop} {
		if c == nil || c.Rows != [2]int{4, 20} || c.Cols != [2]int{8, 24} || c.ShapeRead != [2]int{32, 32} || c.Numpy != "x[4:20, 8:24]" {
			t.Errorf("crop %+v, want rows [4 20], cols [8 24] of 32×32, x[4:20, 8:24]", c)
		}
	}
	// without --skip-nan and --crop: no record (as plain stats)
	a2 := set("a2.npy", 3, 21, -1)
	out = filepath.Join(dir, "d.json")
	if code, _, errs := runCLI(t, "stats", a2, "--compare", b, "-J", "2", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if r := read(out); r.Config.A != nil || r.Config.B != nil {
		t.Errorf("a record without --skip-nan and --crop: %+v", r.Config)
	}
}
