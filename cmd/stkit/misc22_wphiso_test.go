package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stats --kind wph --iso's class_doc ended every moment's text with "real at
// τ = 0 …, complex only at τ ≠ 0", S00 and S01 included. S00's two factors
// are moduli, so it is real at every τ (on this 64² map |im| ≤ 1e-20 at
// τ ≠ 0 for |re| ~ 1e-5), and S01 has τ = 0 alone. Their class_doc now says
// so; S11, C01 and Cphase, complex at τ ≠ 0 (checked here), keep the note.
func TestMisc22WPHIsoS00S01Real(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	jp := filepath.Join(dir, "w.json")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "wph", "--iso", "--dn", "1", "-J", "3", "-o", jp); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config struct {
			ClassDoc map[string]string `json:"class_doc"`
		} `json:"config"`
		Coefficients []map[string]any `json:"coefficients"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	maxRe, maxIm := map[string]float64{}, map[string]float64{}
	tau := map[string]bool{}
	for i, c := range doc.Coefficients {
		cl := c["class"].(string)
		re, im := math.Abs(c["re"].(float64)), math.Abs(c["im"].(float64))
		n, _ := c["n"].(float64)
		if n != 0 {
			tau[cl] = true
			maxRe[cl], maxIm[cl] = math.Max(maxRe[cl], re), math.Max(maxIm[cl], im)
		} else if im != 0 && cl != "L" {
			t.Errorf("row %d (%s, τ = 0): im %g, want 0", i, cl, im)
		}
	}
	if !tau["S00"] || maxIm["S00"] > 1e-12*maxRe["S00"] {
		t.Errorf("S00 at τ ≠ 0: max |im| %g, max |re| %g; want rows, real to round-off", maxIm["S00"], maxRe["S00"])
	}
	if tau["S01"] {
		t.Errorf("S01 has rows at τ ≠ 0")
	}
	for _, c := range []string{"S11", "C01", "Cphase"} {
		if maxIm[c] < 0.01*maxRe[c] {
			t.Errorf("%s at τ ≠ 0: max |im| %g, max |re| %g; want complex rows", c, maxIm[c], maxRe[c])
		}
	}
	cd := doc.Config.ClassDoc
	const head = "(column l2; column l1 is 0): "
	for c, want := range map[string]string{
		"S00":    head + "real at every τ, as without --iso (im written as 0 at τ = 0, round-off at τ ≠ 0; --dn ≥ 1: one row per pair ±τ)",
		"S01":    head + "real (τ = 0 alone; im written as 0: the real part of the mean over l1, whose imaginary part is dropped)",
		"S11":    head + "real at τ = 0 (im written as 0: the real part of the mean over l1, whose imaginary part is dropped), complex only at τ ≠ 0",
		"C01":    head + "real at τ = 0 (im written as 0: the real part of the mean over l1, whose imaginary part is dropped), complex only at τ ≠ 0",
		"Cphase": head + "real at τ = 0 (im written as 0: the real part of the mean over l1, whose imaginary part is dropped), complex only at τ ≠ 0",
	} {
		if !strings.Contains(cd[c], want) {
			t.Errorf("class_doc[%s] = %q\nwant it to contain %q", c, cd[c], want)
		}
	}
	for _, c := range []string{"S00", "S01"} {
		if strings.Contains(cd[c], "complex") {
			t.Errorf("class_doc[%s] = %q: calls the row complex", c, cd[c])
		}
	}
	if want := "the modulus' autocovariance at τ, real (both factors are moduli; the im column holds round-off, ~1e-15 of re) (unit squared; raw: --norm none); C = "; !strings.Contains(cd["S00"], want) {
		t.Errorf("class_doc[S00] = %q, want it to contain %q", cd["S00"], want)
	}
}
