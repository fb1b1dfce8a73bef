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

// stats --skip-nan on 3 maps whose map 1 is all NaN wrote "map" 0 and 1
// (1 being input map 2) and recorded neither the map left out nor the
// --crop window. Now the JSON config has maps_read 3, maps_used [0, 2] and
// crop (rows, cols, numpy slice, FITS section); the .npz has input_index
// [0, 2], maps_read 3 and crop_window [2 34 4 36]; the coefficients of
// output map 1 are those of input map 2 alone. Without the flags, none.
func TestBadfix20SkipNaNRecordsMaps(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(3, 64, 64)
	for b := 0; b < 3; b++ {
		x, err := datasets.LogNormalField(64, 64, -2.5, 0.8, uint64(b+11))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(b), x)
	}
	for i := range m.Map(1) {
		m.Map(1)[i] = math.NaN()
	}
	in := filepath.Join(dir, "batchnan.npy")
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	two := stlayer.NewMaps(1, 64, 64)
	copy(two.Data, m.Map(2))
	in2 := filepath.Join(dir, "two.npy")
	if err := datasets.WriteMaps(in2, two); err != nil {
		t.Fatal(err)
	}
	type cfg struct {
		MapsRead int      `json:"maps_read"`
		MapsUsed []int    `json:"maps_used"`
		Crop     *cropDoc `json:"crop"`
	}
	read := func(p string) (cfg, []map[string]any) {
		var doc struct {
			Config       cfg              `json:"config"`
			Coefficients []map[string]any `json:"coefficients"`
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Config, doc.Coefficients
	}
	js := filepath.Join(dir, "x.json")
	if code, _, errs := runCLI(t, "stats", in, "--skip-nan", "-J", "3", "--kind", "wst", "-o", js); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c, co := read(js)
	if c.MapsRead != 3 || len(c.MapsUsed) != 2 || c.MapsUsed[0] != 0 || c.MapsUsed[1] != 2 || c.Crop != nil {
		t.Errorf("config %+v, want maps_read 3, maps_used [0 2], no crop", c)
	}
	one := filepath.Join(dir, "two.json")
	if code, _, errs := runCLI(t, "stats", in2, "-J", "3", "--kind", "wst", "-o", one); code != 0 {
		t.Fatalf("map 2 alone: exit %d: %s", code, errs)
	}
	c2, co2 := read(one)
	if c2.MapsUsed != nil || c2.MapsRead != 0 {
		t.Errorf("no --skip-nan: config %+v records maps", c2)
	}
	n := 0
	for _, e := range co {
		if e["map"].(float64) == 1 {
			if d := e["re"].(float64) - co2[n]["re"].(float64); math.Abs(d) > 1e-12*math.Max(1, math.Abs(e["re"].(float64))) {
				t.Fatalf("output map 1, coefficient %d: %v, input map 2's %v", n, e["re"], co2[n]["re"])
			}
			n++
		}
	}
	if n != len(co2) {
		t.Fatalf("output map 1 has %d coefficients, map 2 alone %d", n, len(co2))
	}
	if code, _, errs := runCLI(t, "stats", in, "--skip-nan", "--crop", "2:34,4:36", "-J", "3", "--kind", "wst", "-o", js); code != 0 {
		t.Fatalf("--crop: exit %d: %s", code, errs)
	}
	if c, _ := read(js); c.Crop == nil || c.Crop.Rows != [2]int{2, 34} || c.Crop.Cols != [2]int{4, 36} || c.Crop.ShapeRead != [2]int{64, 64} || c.Crop.Numpy != "x[2:34, 4:36]" || c.Crop.FITSSection != "[5:36,3:34]" || len(c.MapsUsed) != 2 {
		t.Errorf("--crop: config %+v %+v", c, c.Crop)
	}
	z := filepath.Join(dir, "x.npz")
	if code, _, errs := runCLI(t, "stats", in, "--skip-nan", "--crop", "2:34,4:36", "-J", "3", "--kind", "wst", "-o", z); code != 0 {
		t.Fatalf(".npz: exit %d: %s", code, errs)
	}
	for name, want := range map[string][]float64{"input_index": {0, 2}, "maps_read": {3}, "crop_window": {2, 34, 4, 36}} {
		a, err := datasets.ReadNPZMember(z, name)
		if err != nil || a.DType != "int64" || len(a.Float64) != len(want) {
			t.Fatalf("%s: %+v %v", name, a, err)
		}
		for i := range want {
			if a.Float64[i] != want[i] {
				t.Errorf("%s: %v, want %v", name, a.Float64, want)
			}
		}
	}
	if _, out, errs := runCLI(t, "stats", "--help"); !strings.Contains(out+errs, "maps_used") || !strings.Contains(out+errs, "input_index") {
		t.Errorf("stats --help does not name maps_used and input_index")
	}
}
