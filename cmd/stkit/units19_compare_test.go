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

// units19Compare is the part of stats --compare's JSON the tests read.
type units19Compare struct {
	Config struct {
		InputsAImag []string `json:"inputs_a_imag"`
	} `json:"config"`
	Chi2      float64       `json:"chi2_per_dof"`
	Dof       int           `json:"dof"`
	Identical []string      `json:"skipped_identical"`
	PermP     float64       `json:"p_permutation"`
	Max       comparePart   `json:"max_abs_z"`
	Parts     []comparePart `json:"parts"`
}

func units19ReadCompare(t *testing.T, path string) units19Compare {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c units19Compare
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func units19WriteNPY(t *testing.T, path string, m *stlayer.Maps) string {
	t.Helper()
	if err := datasets.WriteMaps(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

// stats --compare of maps against their own phase surrogates counted the
// rows identical by construction (P00, the maps' mean and variance: the
// surrogates keep the DFT modulus) as degrees of freedom with z ≈ 1e-15,
// diluting χ²/dof. They are now left out and listed (skipped_identical),
// from χ²/dof, its dof and the permutation test alike.
func TestUnits19CompareIdentical(t *testing.T) {
	dir := t.TempDir()
	x := anisoGRF(t, 4, 32, 30, 3, 40)
	for b := range x.B {
		for i := range x.Map(b) {
			x.Map(b)[i] += 2 + 0.1*float64(b) // a mean row that is not round-off, nor constant
		}
	}
	a := units19WriteNPY(t, filepath.Join(dir, "a.npy"), x)
	s := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, "surrogate", a, "--kind", "phase", "--seed", "7", "-o", s); code != 0 {
		t.Fatalf("surrogate: exit %d: %s", code, errs)
	}
	jp := filepath.Join(dir, "c.json")
	code, out, errs := runCLI(t, "stats", a, "--compare", s, "-J", "3", "--permutations", "60", "-o", jp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c := units19ReadCompare(t, jp)
	classes := map[string]int{}
	for _, l := range c.Identical {
		cl, _, _ := strings.Cut(l, "(")
		classes[cl]++
	}
	p00 := 0
	for _, p := range c.Parts {
		if p.Class == "P00" || p.Class == "mean" || p.Class == "var" {
			t.Errorf("part %s %s (z = %g) compared: identical by construction", p.Label, p.Part, p.Z)
		}
		if math.Abs(p.Z) < 1e-6 {
			t.Errorf("part %s %s: z = %g, round-off", p.Label, p.Part, p.Z)
		}
	}
	// J = 3, L = 4: 12 P00 rows, the mean and the variance
	if p00 = classes["P00"]; p00 != 12 || classes["mean"] != 1 || classes["var"] != 1 || len(c.Identical) != 14 {
		t.Errorf("identical: %v (%d); want 12 P00, mean, var", classes, len(c.Identical))
	}
	sum := 0.0
	for _, p := range c.Parts {
		sum += p.Z * p.Z
	}
	if c.Dof != len(c.Parts) || math.Abs(sum/float64(c.Dof)-c.Chi2) > 1e-12*c.Chi2 {
		t.Errorf("χ²/dof %g over %d dof, mean z² of the parts %g over %d", c.Chi2, c.Dof, sum/float64(len(c.Parts)), len(c.Parts))
	}
	if !(c.PermP > 0 && c.PermP <= 1) {
		t.Errorf("permutation p %g", c.PermP)
	}
	if !strings.Contains(out, "identical by construction, left out: 14 parts") {
		t.Errorf("stdout lacks the identical rows:\n%s", out)
	}
	// the rule does not fire between two sets of distinct maps
	y := anisoGRF(t, 4, 32, 30, 3, 80)
	b := units19WriteNPY(t, filepath.Join(dir, "b.npy"), y)
	if code, _, errs = runCLI(t, "stats", a, "--compare", b, "-J", "3", "-o", jp); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if c = units19ReadCompare(t, jp); len(c.Identical) != 0 {
		t.Errorf("distinct maps: identical %v", c.Identical)
	}
}

// --compare refused --imag ("takes real maps"), so sets of Q + iU maps could
// not be compared. With --compare-imag it compares the complex WPH of
// z_A = MAP + i·IMAG and z_B = SET_B + i·COMPARE_IMAG, the real and
// imaginary parts of each coefficient as two rows; the z of the largest
// part is recomputed here from stats --imag of each set (raw WPH
// moments: one map's do not depend on the others).
func TestUnits19CompareImag(t *testing.T) {
	dir := t.TempDir()
	w := func(name string, seed uint64, deg float64) string {
		return units19WriteNPY(t, filepath.Join(dir, name), anisoGRF(t, 3, 32, deg, 3, seed))
	}
	qa, ua, qb, ub := w("qa.npy", 1, 0), w("ua.npy", 11, 45), w("qb.npy", 21, 90), w("ub.npy", 31, 45)
	jp := filepath.Join(dir, "c.json")
	code, _, errs := runCLI(t, "stats", qa, "--imag", ua, "--compare", qb, "--compare-imag", ub, "--kind", "wph", "-J", "2", "-o", jp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c := units19ReadCompare(t, jp)
	nIm := 0
	for _, p := range c.Parts {
		if p.Part == "im" {
			nIm++
		}
	}
	if nIm == 0 || len(c.Config.InputsAImag) != 1 || c.Config.InputsAImag[0] != ua {
		t.Fatalf("%d imaginary parts, inputs_a_imag %q", nIm, c.Config.InputsAImag)
	}
	// z of the largest part from the two sets' own coefficients
	values := func(q, u string) []float64 {
		t.Helper()
		p := filepath.Join(dir, filepath.Base(q)+".json")
		if code, _, errs := runCLI(t, "stats", q, "--imag", u, "--kind", "wph", "-J", "2", "-o", p); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Coefficients []map[string]any `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, e := range raw.Coefficients {
			if int(e["index"].(float64)) == c.Max.Index {
				out = append(out, e[c.Max.Part].(float64))
			}
		}
		return out
	}
	va, vb := values(qa, ua), values(qb, ub)
	ma, sa := meanVar(va)
	mb, sb := meanVar(vb)
	z := (ma - mb) / math.Sqrt(sa/3+sb/3)
	if len(va) != 3 || math.Abs(z-c.Max.Z) > 1e-9*math.Abs(z) {
		t.Errorf("largest part %d %s: z %g, recomputed %g from %d values", c.Max.Index, c.Max.Part, c.Max.Z, z, len(va))
	}
	// B's imaginary part is needed, and only with --imag
	if code, _, errs = runCLI(t, "stats", qa, "--imag", ua, "--compare", qb, "--kind", "wph", "-J", "2"); code != 2 || !strings.Contains(errs, "add --compare-imag U_B") {
		t.Errorf("no --compare-imag: exit %d, %s", code, errs)
	}
	if code, _, errs = runCLI(t, "stats", qa, "--compare", qb, "--compare-imag", ub, "--kind", "wph", "-J", "2"); code != 2 || !strings.Contains(errs, "without --imag") {
		t.Errorf("no --imag: exit %d, %s", code, errs)
	}
}
