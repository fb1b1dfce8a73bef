package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// libcompare20Maps writes the 32×32 log-normal maps of the given seeds to
// dir/name, each rolled periodically by shift pixels down and 2·shift right.
func libcompare20Maps(t *testing.T, dir, name string, shift int, seeds ...uint64) string {
	t.Helper()
	m := stlayer.NewMaps(len(seeds), 32, 32)
	for i, s := range seeds {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, s)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 32 {
			for c := range 32 {
				m.Map(i)[r*32+c] = x[((r+shift)%32)*32+(c+2*shift)%32]
			}
		}
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two sets whose statistics are identical coefficient by coefficient: maps
// 1, 2, 1 against 1, 2, 2 (every map of each a map of the other, so
// checkSharedMaps let them through), maps against periodically shifted
// copies, and, with --compare-ref each, maps against ×1.05 copies under
// wph --norm auto. stats --compare printed "χ²/dof = 0 (mean z² over 0
// dof …" and "nothing to compare" and exited 0 (measured: stkit stats
// a121.npy --compare b122.npy, rc 0); it refuses now, exit 2, before
// printing a χ², and writes no JSON.
func TestLibcompare20IdenticalRefused(t *testing.T) {
	dir := t.TempDir()
	a121 := libcompare20Maps(t, dir, "a121.npy", 0, 1, 2, 1)
	b122 := libcompare20Maps(t, dir, "b122.npy", 0, 1, 2, 2)
	a := libcompare20Maps(t, dir, "a.npy", 0, 1, 2, 3)
	roll := libcompare20Maps(t, dir, "roll.npy", 5, 1, 2, 3)
	scaled := cmpsetMaps(t, dir, "scaled.npy", 3, 1, 1.05, 1)
	plain := cmpsetMaps(t, dir, "plain.npy", 3, 1, 1, 1)
	jp := filepath.Join(dir, "c.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{a121, "--compare", b122, "-J", "3"}, "repeated or in another order"},
		{[]string{a, "--compare", roll, "-J", "3", "--kind", "spectra"}, "shifted periodically"},
		{[]string{plain, "--compare", scaled, "-J", "3", "--kind", "wph", "--norm", "auto", "--compare-ref", "each"}, "--compare-ref pooled keeps it"},
	} {
		code, out, errs := runCLI(t, append(append([]string{"stats"}, c.args...), "-o", jp)...)
		if code != 2 || !strings.Contains(errs, "identical coefficient by coefficient") || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", c.args, code, c.want, errs)
		}
		if _, err := os.Stat(jp); strings.Contains(out, "χ²") || err == nil {
			t.Errorf("%v: printed a χ² or wrote the JSON:\n%s", c.args, out)
		}
	}
	// parts that differ only by a constant: z = ±∞, no spread (measured:
	// "χ²/dof = 0 … over 0 dof", exit 0)
	paired := cmpsetMaps(t, dir, "paired.npy", 3, 1, 1.05, 1)
	m1 := libcompare20Maps(t, dir, "m1.npy", 0, 1)
	m1r := libcompare20Maps(t, dir, "m1r.npy", 7, 1)
	var twice []float64
	for _, p := range []string{m1, m1r} {
		m, err := datasets.ReadMaps(p)
		if err != nil {
			t.Fatal(err)
		}
		twice = append(twice, m.Data...)
	}
	one := filepath.Join(dir, "one.npy")
	two := filepath.Join(dir, "two.npy")
	if err := datasets.WriteMaps(one, &stlayer.Maps{B: 2, M: 32, N: 32, Data: twice}); err != nil {
		t.Fatal(err)
	}
	for i := range twice {
		twice[i] *= 2
	}
	if err := datasets.WriteMaps(two, &stlayer.Maps{B: 2, M: 32, N: 32, Data: twice}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{plain, "--compare", paired, "-J", "3", "--kind", "spectra", "--compare-ref", "each", "--paired"}, "paired differences A_i − B_i are one value"},
		{[]string{one, "--compare", two, "-J", "3", "--kind", "spectra"}, "constant within each set with different values in A and B"},
	} {
		code, out, errs := runCLI(t, append(append([]string{"stats"}, c.args...), "-o", jp)...)
		if code != 2 || !strings.Contains(errs, "no part is left to compare") || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", c.args, code, c.want, errs)
		}
		if _, err := os.Stat(jp); strings.Contains(out, "χ²") || err == nil {
			t.Errorf("%v: printed a χ² or wrote the JSON:\n%s", c.args, out)
		}
	}
	// one map differing: compared as before
	a123 := libcompare20Maps(t, dir, "a123.npy", 0, 1, 2, 3)
	if code, out, errs := runCLI(t, "stats", a121, "--compare", a123, "-J", "3", "--permutations", "0"); code != 0 || !strings.Contains(out, "χ²/dof = ") {
		t.Errorf("1, 2, 1 against 1, 2, 3: exit %d\n%s%s", code, out, errs)
	}
}
