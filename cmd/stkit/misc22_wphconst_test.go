package main

import (
	"encoding/json"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --kind wph --norm auto on a 64² map of 0.001 (its own reference)
// exited 0 printing ratios of round-off, L(j1=0,p1=0,j2=0,p2=0) = −2.89
// (1.0 on 32²), where stats.CheckConstant's doc said "finite (0)". It is
// refused now (exit 2) as --compare-ref each refuses it, and so are a batch
// of constant maps and complex data whose Q and U are both constant; a
// constant map in a batch whose other maps vary (a defined reference) is
// not.
func TestMisc22WPHAutoConstantRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, vals ...float64) string {
		x := stlayer.NewMaps(len(vals), 64, 64)
		for b, v := range vals {
			if math.IsNaN(v) { // a varying map
				w, err := datasets.LogNormalField(64, 64, -2.5, 0.8, 1)
				if err != nil {
					t.Fatal(err)
				}
				copy(x.Map(b), w)
				continue
			}
			for i := range x.Map(b) {
				x.Map(b)[i] = v
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := write("c.npy", 0.001)
	code, out, errs := runCLI(t, "stats", c, "--kind", "wph", "--norm", "auto", "-J", "2")
	want := c + ": map 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (the map is its own reference: the σ that norm auto divides by is 0 (counted as 1) or round-off, so its coefficients are ratios of round-off (up to 2.9 on a 64² map of 0.001), not a shape; a reference with maps that vary is defined)"
	if code != 2 || !strings.Contains(errs, want) || out != "" {
		t.Errorf("one constant map: exit %d, stdout %d bytes, stderr %q; want exit 2 and %q", code, len(out), errs, want)
	}
	cc := write("cc.npy", 0.001, 0.002)
	if code, _, errs = runCLI(t, "stats", cc, "--kind", "wph", "--norm", "auto", "-J", "2"); code != 2 || !strings.Contains(errs, "(every map of the batch, its reference, is constant:") {
		t.Errorf("two constant maps: exit %d, stderr %q", code, errs)
	}
	u := write("u.npy", 0.002)
	if code, _, errs = runCLI(t, "stats", c, "--imag", u, "--kind", "wph", "--norm", "auto", "-J", "2"); code != 2 || !strings.Contains(errs, "the complex map z = Q + iU of pair 0 is constant (Q = 0.001, U = 0.002 everywhere): complex wph with norm auto is undefined on it") {
		t.Errorf("complex constant: exit %d, stderr %q", code, errs)
	}
	if code, _, errs = runCLI(t, "stats", c, "--kind", "wph", "-J", "2"); code != 0 {
		t.Errorf("norm none: exit %d, stderr %q", code, errs)
	}
	// a defined reference: the constant map's coefficients are finite, not 0
	// (S00 up to 0.46 here: the factors are centred on the reference's means)
	mix := write("mix.npy", 0.001, math.NaN())
	jp := filepath.Join(dir, "mix.json")
	if code, _, errs = runCLI(t, "stats", mix, "--kind", "wph", "--norm", "auto", "-J", "2", "-o", jp); code != 0 {
		t.Fatalf("constant + varying: exit %d, stderr %q", code, errs)
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Coefficients []struct {
			Map int     `json:"map"`
			Re  float64 `json:"re"`
			Im  float64 `json:"im"`
		} `json:"coefficients"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range doc.Coefficients {
		if e.Map == 0 {
			n++
			if z := complex(e.Re, e.Im); cmplx.IsNaN(z) || cmplx.IsInf(z) {
				t.Errorf("constant map in a batch with a varying one: coefficient %v", z)
			}
		}
	}
	if n != 50 {
		t.Errorf("constant map in a batch with a varying one: %d coefficients, want 50", n)
	}
}
