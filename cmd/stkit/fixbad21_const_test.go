package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --kind wph -o c.npz of a constant map exited 0 with
// anisotropy_noise_rms and anisotropy_noise_floor all NaN (4/4 at J = 4)
// next to an amplitude of 0 (0/0: the first-order coefficients are 0 at
// every orientation); the JSON said amplitude 0, noise_floor 0. The
// summary is now left out (no anisotropy_* members, no "anisotropy" in the
// JSON) with a note naming the map; the coefficients are written. A
// varying map keeps its finite summary.
func TestFixbad21ConstantWPHAniso(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(2, 32, 32)
	for i := 0; i < 32*32; i++ {
		m.Data[i] = math.Sin(float64(i%32)/2) + 0.3*float64(i%7) // map 0 varies
	}
	for i := 32 * 32; i < len(m.Data); i++ {
		m.Data[i] = 3 // map 1 constant
	}
	in := filepath.Join(dir, "c.npz")
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "w.npz")
	code, _, errs := runCLI(t, "stats", in, "-J", "3", "--kind", "wph", "-o", out)
	if code != 0 || !strings.Contains(errs, "note: map 1 of "+in+" is constant (every pixel 3): no anisotropy summary for all 2 maps") || !strings.Contains(errs, "0/0") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	arrs, err := datasets.ReadNPZ(out)
	if err != nil {
		t.Fatal(err)
	}
	coeffs := false
	for _, a := range arrs {
		if strings.HasPrefix(a.Name, "anisotropy_") {
			t.Errorf("%s written for a batch with a constant map", a.Name)
		}
		coeffs = coeffs || a.Name == "coeffs"
	}
	if !coeffs {
		t.Error("no coeffs member")
	}
	js := filepath.Join(dir, "w.json")
	if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--kind", "wph", "-o", js); code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(js); strings.Contains(string(b), `"anisotropy"`) {
		t.Error(`the JSON holds "anisotropy" for a batch with a constant map`)
	}
	// map 0 alone: the summary, finite
	one := stlayer.NewMaps(1, 32, 32)
	copy(one.Data, m.Map(0))
	g := filepath.Join(dir, "g.npy")
	if err := datasets.WriteMaps(g, one); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(dir, "g.npz")
	if code, _, errs := runCLI(t, "stats", g, "-J", "3", "--kind", "wph", "-o", out); code != 0 || strings.Contains(errs, "no anisotropy") {
		t.Fatalf("varying map: exit %d: %s", code, errs)
	}
	for _, name := range []string{"anisotropy_noise_rms", "anisotropy_noise_floor", "anisotropy_amplitude"} {
		a, err := datasets.ReadNPZMember(out, name)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range a.Float64 {
			if math.IsNaN(v) || v <= 0 {
				t.Errorf("varying map: %s[%d] = %g, want > 0", name, j, v)
			}
		}
	}
}
