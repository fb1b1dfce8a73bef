package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// --skip-nan's refusal said "1 of the 1 maps of MAP x are holding NaN or
// ±Inf"; now "the map of MAP x holds NaN or ±Inf", "all 3 maps of MAP y
// hold NaN or ±Inf", and skipCountPhrase's other counts.
func TestBadfix20SkipNaNGrammar(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, B int) string {
		m := stlayer.NewMaps(B, 32, 32)
		for b := 0; b < B; b++ {
			for i := range m.Map(b) {
				m.Map(b)[i] = float64(i % 5)
			}
			m.Map(b)[b] = math.NaN()
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one, three := write("one.npy", 1), write("three.npy", 3)
	for p, want := range map[string]string{
		one:   "--skip-nan: the map of MAP " + one + " holds NaN or ±Inf (",
		three: "--skip-nan: all 3 maps of MAP " + three + " hold NaN or ±Inf (",
	} {
		code, _, errs := runCLI(t, "stats", p, "--skip-nan", "-J", "2", "-o", filepath.Join(dir, "x.json"))
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d, want 2 and %q: %s", p, code, want, errs)
		}
	}
	for _, c := range []struct {
		n, B int
		half bool
		want string
	}{
		{1, 3, false, "1 of the 3 maps of S holds NaN or ±Inf"},
		{2, 3, false, "2 of the 3 maps of S hold NaN or ±Inf"},
		{1, 1, true, "the map of S is more than half NaN or ±Inf (--crop valid cuts the others)"},
		{2, 2, true, "all 2 maps of S are more than half NaN"},
	} {
		if got := skipCountPhrase(c.n, c.B, "S", c.half); !strings.HasPrefix(got, c.want) {
			t.Errorf("skipCountPhrase(%d, %d, %v) = %q, want %q", c.n, c.B, c.half, got, c.want)
		}
	}
}

// stats --compare named a constant map of --compare by its index in the
// two sets stacked: map 0 of a 4-map B was "map 4"; now "--compare B: map
// 0 is constant", and a constant map of MAP is "MAP A: map K".
func TestBadfix20CompareConstantIndex(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 4)
	m := stlayer.NewMaps(3, 64, 64)
	x, err := datasets.ReadMaps(a)
	if err != nil {
		t.Fatal(err)
	}
	copy(m.Data, x.Data) // maps 1, 2 vary
	for i := range m.Map(0) {
		m.Map(0)[i] = 1 // map 0 constant
	}
	b := filepath.Join(dir, "b.npy")
	if err := datasets.WriteMaps(b, m); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "stats", a, "--compare", b, "-J", "2", "--kind", "spectra", "-o", filepath.Join(dir, "c.json"))
	if want := "--compare " + b + ": map 0 is constant (every pixel 1)"; code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "map 4") {
		t.Errorf("B's map 0 constant: exit %d, want 2 and %q: %s", code, want, errs)
	}
	code, _, errs = runCLI(t, "stats", b, "--compare", a, "-J", "2", "--kind", "spectra", "-o", filepath.Join(dir, "c.json"))
	if want := "MAP " + b + ": map 0 is constant"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("MAP's map 0 constant: exit %d, want 2 and %q: %s", code, want, errs)
	}
}
