package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// Plain stats --kind scov wrote "norm": "p00" (or "p11") in the JSON config
// while its coefficients are the raw moments for every --norm (p00, p11 and
// none gave identical coeffs; only the .npz dict's C01, C11, … change). The
// config now says what the numbers are: "coeffs_norm" none there, with
// "norm_applies_to" naming the dict, and the normalisation in effect where
// the coefficients are normalised (scov --iso, spectra, wph --norm auto).
func TestStatsJSONCoeffsNorm(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	type result struct {
		norm, coeffsNorm, scope string
		re                      []float64
		coeffs                  []complex128
		c01                     []complex128
	}
	run := func(args ...string) result {
		t.Helper()
		jp, zp := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.npz")
		var r result
		for _, out := range []string{jp, zp} {
			if code, _, errs := runCLI(t, append([]string{"stats", mp, "-J", "3", "-o", out}, args...)...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
			}
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config       map[string]any   `json:"config"`
			Coefficients []map[string]any `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		r.norm, _ = doc.Config["norm"].(string)
		r.coeffsNorm, _ = doc.Config["coeffs_norm"].(string)
		r.scope, _ = doc.Config["norm_applies_to"].(string)
		for _, e := range doc.Coefficients {
			r.re = append(r.re, e["re"].(float64))
		}
		c, err := datasets.ReadNPZMember(zp, "coeffs")
		if err != nil {
			t.Fatal(err)
		}
		r.coeffs = c.Complex128
		if a, err := datasets.ReadNPZMember(zp, "C01"); err == nil {
			r.c01 = a.Complex128
		}
		return r
	}
	p00, p11, none := run("--norm", "p00"), run("--norm", "p11"), run("--norm", "none")
	for _, r := range []result{p00, p11, none} {
		if r.coeffsNorm != "none" || !strings.Contains(r.scope, "C01, C11") || !strings.Contains(r.scope, "raw moments") {
			t.Errorf("raw scov norm %s: coeffs_norm %q, norm_applies_to %q; want none and the dict named", r.norm, r.coeffsNorm, r.scope)
		}
	}
	// the claim is true: the coefficients are the same raw moments for
	// every --norm, the dict's C01 is not
	if len(p00.re) == 0 || !slices.Equal(p00.re, p11.re) || !slices.Equal(p00.re, none.re) || !slices.Equal(p00.coeffs, p11.coeffs) {
		t.Errorf("raw scov coefficients differ between --norm p00, p11 and none")
	}
	if len(p00.c01) == 0 || slices.Equal(p00.c01, p11.c01) {
		t.Errorf("the .npz dict's C01 is the same for --norm p00 and p11 (%d values): norm_applies_to is wrong", len(p00.c01))
	}
	cross := run("--cross", mp)
	if cross.coeffsNorm != "none" || !strings.Contains(cross.scope, "raw cross moments") {
		t.Errorf("--cross: coeffs_norm %q, norm_applies_to %q", cross.coeffsNorm, cross.scope)
	}
	// where --norm changes the coefficients, coeffs_norm is it
	i00, i11 := run("--iso", "--norm", "p00"), run("--iso", "--norm", "p11")
	if i00.coeffsNorm != "p00" || i11.coeffsNorm != "p11" || i00.scope != "" || i11.scope != "" || slices.Equal(i00.re, i11.re) {
		t.Errorf("--iso: coeffs_norm %q and %q, norm_applies_to %q %q; want p00, p11, none, and different coefficients", i00.coeffsNorm, i11.coeffsNorm, i00.scope, i11.scope)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "spectra"}, "p00"},
		{[]string{"--kind", "wph", "--norm", "auto"}, "auto"},
		{[]string{"--kind", "wph"}, "none"},
		{[]string{"--kind", "wst"}, "none"},
	} {
		if r := run(c.args...); r.coeffsNorm != c.want || r.scope != "" {
			t.Errorf("%v: coeffs_norm %q, norm_applies_to %q; want %s", c.args, r.coeffsNorm, r.scope, c.want)
		}
	}
}
