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

// stats -o c.npz of a constant map (also all zeros) wrote the raw scov's
// Cheng dict with C01, C11 and for_synthesis all NaN, and the raw wst's
// with s21, s22 and for_synthesis all NaN, with exit 0. Now exit 2 naming
// the map and the arrays, nothing written; .json of the same maps is
// written (the raw coefficients are 0, finite), and a varying map's .npz
// holds finite for_synthesis; wph's .npz (no dict) is written.
func TestBadfix20ConstantNPZDict(t *testing.T) {
	dir := t.TempDir()
	g := writeTestMap(t, dir, "g.npy", 1)
	for _, v := range []float64{1, 0} {
		m := stlayer.NewMaps(2, 32, 32)
		for i := range m.Data {
			m.Data[i] = float64(i % 7) // map 0 varies
		}
		for i := 32 * 32; i < len(m.Data); i++ {
			m.Data[i] = v // map 1 constant
		}
		in := filepath.Join(dir, "const.npy")
		if err := datasets.WriteMaps(in, m); err != nil {
			t.Fatal(err)
		}
		want := "map 1 is constant (every pixel 1)"
		if v == 0 {
			want = "map 1 is identically zero"
		}
		for kind, arrays := range map[string]string{"scov": "C01, C01_iso, C11, C11_iso", "wst": "s21, s22"} {
			out := filepath.Join(dir, kind+".npz")
			code, _, errs := runCLI(t, "stats", in, "-J", "3", "--kind", kind, "-o", out)
			if code != 2 || !strings.Contains(errs, want) || !strings.Contains(errs, arrays) || !strings.Contains(errs, "FILE.json") {
				t.Errorf("%s %g .npz: exit %d, want 2 with %q and %q: %s", kind, v, code, want, arrays, errs)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s %g: %s written", kind, v, out)
			}
			js := filepath.Join(dir, kind+".json")
			if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--kind", kind, "-o", js); code != 0 {
				t.Errorf("%s %g .json: exit %d: %s", kind, v, code, errs)
			} else {
				var doc struct {
					Coefficients []struct{ Re, Im *float64 } `json:"coefficients"`
				}
				b, _ := os.ReadFile(js)
				if err := json.Unmarshal(b, &doc); err != nil || len(doc.Coefficients) == 0 {
					t.Fatalf("%s %g .json: %v", kind, v, err)
				}
				for i, c := range doc.Coefficients {
					if c.Re == nil || math.IsNaN(*c.Re) || math.IsInf(*c.Re, 0) {
						t.Fatalf("%s %g .json: coefficient %d's re is not a finite number", kind, v, i)
					}
				}
			}
		}
		if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--kind", "wph", "-o", filepath.Join(dir, "wph.npz")); code != 0 {
			t.Errorf("wph %g .npz: exit %d: %s", v, code, errs)
		}
	}
	for _, kind := range []string{"scov", "wst"} {
		out := filepath.Join(dir, "g_"+kind+".npz")
		if code, _, errs := runCLI(t, "stats", g, "-J", "3", "--kind", kind, "-o", out); code != 0 {
			t.Fatalf("%s varying map: exit %d: %s", kind, code, errs)
		}
		a, err := datasets.ReadNPZMember(out, "for_synthesis")
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range a.Float64 {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s varying map: for_synthesis[%d] = %g", kind, i, x)
			}
		}
	}
}
