package main

import (
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// writeGRFSet writes n 32×32 Gaussian random fields (slope −2, unit
// variance, seeds seed0+i) times amp as dir/g<i>.npy.
func writeGRFSet(t *testing.T, dir string, n int, seed0 uint64, amp float64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		x, err := datasets.GaussianRandomField(32, 32, -2, seed0+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		m := stlayer.NewMaps(1, 32, 32)
		for p, v := range x {
			m.Data[p] = amp * v
		}
		if err := datasets.WriteMaps(filepath.Join(dir, fmt.Sprintf("g%02d.npy", i)), m); err != nil {
			t.Fatal(err)
		}
	}
}

type compareDoc struct {
	Chi2    float64 `json:"chi2_per_dof"`
	Dof     int     `json:"dof"`
	Skipped int     `json:"skipped_constant"`
	Over3   int     `json:"n_abs_z_over_3"`
	Max     struct {
		Class string  `json:"class"`
		Z     float64 `json:"z"`
	} `json:"max_abs_z"`
	Classes []struct {
		Class string  `json:"class"`
		Dof   int     `json:"dof"`
		Chi2  float64 `json:"chi2_per_dof"`
	} `json:"classes"`
	Parts []struct {
		Z float64 `json:"z"`
	} `json:"parts"`
	Note string `json:"note"`
}

// There was no way to compare two sets of maps. stats --compare computes
// z = (mean_A − mean_B)/sqrt(var_A/n_A + var_B/n_B) per coefficient. Two
// sets of 8 GRFs of one process (32², J=3, wst) give χ²/dof in a loose
// band around 1 (measured 0.96 for the seeds here; 0.74, 0.97, 1.31 for three
// other seed groups; spectra 0.98–1.07; scov 1.17–1.27: the coefficients are correlated, so
// the spread exceeds a χ² of 216 dof), and a set of the same fields of
// doubled amplitude gives χ²/dof ≫ 1 (measured 97) with the S1, P00, S2
// classes flagged. The GRFs have zero mean (~1e-17): their S0 row is
// round-off and not compared (compareSetsZero). The JSON holds every z and the
// caveat; --plot writes a PNG.
func TestStatsCompareSets(t *testing.T) {
	root := t.TempDir()
	a, b, d := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "d")
	writeGRFSet(t, a, 8, 100, 1)
	writeGRFSet(t, b, 8, 300, 1)
	writeGRFSet(t, d, 8, 500, 2)
	run := func(setB string, extra ...string) (compareDoc, string) {
		t.Helper()
		jp := filepath.Join(root, "c.json")
		args := append([]string{"stats", a, "--compare", setB, "--kind", "wst", "-J", "3", "-o", jp}, extra...)
		code, out, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		bts, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc compareDoc
		if err := json.Unmarshal(bts, &doc); err != nil {
			t.Fatal(err)
		}
		return doc, out
	}
	same, out := run(b)
	if same.Chi2 < 0.5 || same.Chi2 > 2 {
		t.Errorf("one process: χ²/dof = %.3g, want within [0.5, 2]", same.Chi2)
	}
	if same.Dof != 216 || len(same.Parts) != same.Dof || same.Skipped != 0 {
		t.Errorf("one process: dof %d, %d parts, %d skipped; want 216 (wst J=3 L=4: 217, all real and varying, less the zero-mean S0)", same.Dof, len(same.Parts), same.Skipped)
	}
	mean := 0.0
	for _, p := range same.Parts {
		mean += p.Z * p.Z
	}
	if mean /= float64(len(same.Parts)); mean-same.Chi2 > 1e-9*same.Chi2 || same.Chi2-mean > 1e-9*same.Chi2 {
		t.Errorf("χ²/dof %v is not the mean z² of the parts %v", same.Chi2, mean)
	}
	for _, w := range []string{fmt.Sprintf("χ²/dof = %.4g", same.Chi2), "over 216 dof", "not compared: S0", "largest |z|", "|z| > 3:", "not a calibrated test"} {
		if !strings.Contains(out, w) {
			t.Errorf("printed summary lacks %q:\n%s", w, out)
		}
	}
	// the normalised spectra take one reference over A and B (else a
	// doubled amplitude would be normalised away); the config says so
	jp := filepath.Join(root, "sp.json")
	if code, _, errs := runCLI(t, "stats", a, "--compare", d, "--kind", "spectra", "-J", "3", "-o", jp); code != 0 {
		t.Fatalf("spectra: exit %d: %s", code, errs)
	}
	var sp struct {
		Config struct {
			CoeffsNorm string `json:"coeffs_norm"`
			Reference  string `json:"reference"`
		} `json:"config"`
		compareDoc
	}
	if bts, err := os.ReadFile(jp); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(bts, &sp); err != nil {
		t.Fatal(err)
	}
	if sp.Config.CoeffsNorm != "p00" || !strings.Contains(sp.Config.Reference, "A and B together") || sp.Chi2 < 10 {
		t.Errorf("spectra, doubled amplitude: coeffs_norm %q reference %q χ²/dof %.3g; want p00, A and B together, ≫ 1", sp.Config.CoeffsNorm, sp.Config.Reference, sp.Chi2)
	}
	if !strings.Contains(same.Note, "correlated") {
		t.Errorf("JSON note %q does not say the coefficients are correlated", same.Note)
	}
	png1 := filepath.Join(root, "z.png")
	doubled, _ := run(d, "--plot", png1)
	if doubled.Chi2 < 20 {
		t.Errorf("doubled amplitude: χ²/dof = %.3g, want ≫ 1 (> 20)", doubled.Chi2)
	}
	class := map[string]float64{}
	for _, c := range doubled.Classes {
		class[c.Class] = c.Chi2
	}
	for _, c := range []string{"S1", "P00", "S2"} {
		if class[c] < 20 {
			t.Errorf("doubled amplitude: class %s χ²/dof = %.3g, want > 20 (classes %v)", c, class[c], class)
		}
	}
	if _, ok := class["S0"]; ok {
		t.Errorf("doubled amplitude: S0 (the mean, 0 for both maps up to round-off) compared, χ²/dof = %.3g; want it left out", class["S0"])
	}
	if c := doubled.Max.Class; (c != "S1" && c != "P00" && c != "S2" && c != "P11") || doubled.Max.Z > -5 {
		t.Errorf("doubled amplitude: largest |z| %.3g in class %s, want a negative z (B larger) of an amplitude class", doubled.Max.Z, c)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("--plot %s: %v", png1, err)
	}
}

// --compare's bad input exits 2 naming the flag: a set of one map, an -o
// that is not JSON, --cross, --local, sets of two map sizes.
func TestStatsCompareRefusals(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	writeGRFSet(t, a, 2, 1, 1)
	one := filepath.Join(a, "g00.npy")
	small := stlayer.NewMaps(2, 16, 16)
	for i := range small.Data {
		small.Data[i] = float64(i % 5)
	}
	sp := filepath.Join(root, "small.npy")
	if err := datasets.WriteMaps(sp, small); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{a, "--compare", one}, "g00.npy holds 1 map: --compare needs at least 2 maps"},
		{[]string{one, "--compare", a}, "MAP " + one + " holds 1 map"},
		{[]string{a, "--compare", a, "-o", filepath.Join(root, "c.npy")}, "--compare writes its summary and per-coefficient z as JSON"},
		{[]string{a, "--compare", a, "--cross", a}, "--compare and --cross"},
		{[]string{a, "--compare", a, "--kind", "wst", "--local"}, "--compare and --local"},
		{[]string{a, "--compare", sp}, "holds maps of 16×16"},
	} {
		args := append(append([]string{"stats"}, c.args...), "-J", "2")
		code, _, errs := runCLI(t, args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "c.npy")); err == nil {
		t.Error("wrote c.npy after refusing")
	}
}
