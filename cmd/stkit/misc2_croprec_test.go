package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMisc2CropRecorded: synth and separate take --crop (not --skip-nan)
// and printed the window on stderr only: their --report's metrics.json had
// no record of it (stats writes config.crop, stats --compare applied_a/b).
// settings.crop now holds stats' fields; none without --crop.
func TestMisc2CropRecorded(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b, n int, seed uint64) string {
		x := stlayer.NewMaps(b, n, n)
		for i := range b {
			w, err := datasets.WhiteNoise(n, n, seed+uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			copy(x.Map(i), w)
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMapsCards(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	crop := func(rep string) (map[string]any, bool) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Settings map[string]any `json:"settings"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		c, ok := m.Settings["crop"].(map[string]any)
		return c, ok
	}
	want := func(r0, r1, c0, c1, m, n int, numpy, fits string) map[string]any {
		return map[string]any{"rows": []any{float64(r0), float64(r1)}, "cols": []any{float64(c0), float64(c1)},
			"map_shape_read": []any{float64(m), float64(n)}, "numpy": numpy, "fits_section": fits}
	}
	target := write("t.npy", 2, 32, 1)
	rep := filepath.Join(dir, "srep")
	code, _, errs := runCLI(t, "synth", target, "-n", "1", "--steps", "2", "-J", "2", "--crop", "4:28,0:32", "-o", filepath.Join(dir, "s.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("synth --crop: exit %d: %s", code, errs)
	}
	if c, ok := crop(rep); !ok || !reflect.DeepEqual(c, want(4, 28, 0, 32, 32, 32, "x[4:28, 0:32]", "[1:32,5:28]")) {
		t.Errorf("synth --crop 4:28,0:32: settings.crop %v", c)
	}
	rep2 := filepath.Join(dir, "srep2")
	if code, _, errs = runCLI(t, "synth", target, "-n", "1", "--steps", "2", "-J", "2", "-o", filepath.Join(dir, "s2.npy"), "--report", rep2); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, errs)
	}
	if c, ok := crop(rep2); ok {
		t.Errorf("synth without --crop: settings.crop %v", c)
	}
	data, samples := write("d.npy", 1, 64, 5), write("c.npy", 3, 64, 10)
	rep3 := filepath.Join(dir, "prep")
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "2", "--steps", "1,1,1", "--crop", "0:48,8:64", "-o", filepath.Join(dir, "o.npy"), "--report", rep3)
	if code != 0 {
		t.Fatalf("separate --crop: exit %d: %s", code, errs)
	}
	if c, ok := crop(rep3); !ok || !reflect.DeepEqual(c, want(0, 48, 8, 64, 64, 64, "x[0:48, 8:64]", "[9:64,1:48]")) {
		t.Errorf("separate --crop 0:48,8:64: settings.crop %v", c)
	}
	// the help says so
	_, out, errs := runCLI(t, "synth", "--help")
	if !strings.Contains(out+errs, "metrics.json records the window as settings.crop") {
		t.Errorf("synth --help does not say settings.crop")
	}
}
