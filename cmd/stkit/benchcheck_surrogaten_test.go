package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestSurrogateN: surrogate had no -n for several surrogates of one map (the
// workaround was to repeat the input). -n K writes [B·K, M, N], map-major:
// surrogate k of input map b is map b·K + k with seed --seed + k·B + b, so
// that -n 1 is the earlier output and, for one input map, -n K is the
// repeated-input workaround. Checked against -n 1 runs at the seeds the help
// gives; -n 0, -n -1 and a -n whose maps exceed the available memory are
// exit 2 before any output.
func TestSurrogateN(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 2) // B = 2 distinct 64×64 maps
	read := func(p string) [][]float64 {
		t.Helper()
		m, err := datasets.ReadMaps(p)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]float64, m.B)
		for i := range out {
			out[i] = m.Map(i)
		}
		return out
	}
	run := func(out string, args ...string) {
		t.Helper()
		if code, _, errs := runCLI(t, append([]string{"surrogate", "-o", out}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, tail(errs, 600))
		}
	}
	got := filepath.Join(dir, "n3.npy")
	run(got, a, "-n", "3", "--seed", "5")
	g := read(got)
	if len(g) != 6 {
		t.Fatalf("-n 3 of 2 maps: %d maps, want 6", len(g))
	}
	// -n 1 at --seed 5 + k·2 gives surrogate k of maps 0 and 1
	for k := 0; k < 3; k++ {
		ref := filepath.Join(dir, "ref.npy")
		run(ref, a, "--seed", string(rune('5'+2*k)))
		r := read(ref)
		for b := 0; b < 2; b++ {
			if !slices.Equal(g[b*3+k], r[b]) {
				t.Errorf("map %d (input %d, surrogate %d) is not the -n 1 surrogate at seed %d", b*3+k, b, k, 5+2*k+b)
			}
		}
	}
	for i := range g {
		for j := range i {
			if slices.Equal(g[i], g[j]) {
				t.Errorf("maps %d and %d are the same", j, i)
			}
		}
	}
	// one input map: -n 3 is the repeated-input workaround
	one := writeTestMap(t, dir, "one.npy", 1)
	rep, n3 := filepath.Join(dir, "rep.npy"), filepath.Join(dir, "one3.npy")
	run(rep, one, one, one)
	run(n3, one, "-n", "3")
	if r, n := read(rep), read(n3); len(n) != 3 || !slices.Equal(r[0], n[0]) || !slices.Equal(r[2], n[2]) {
		t.Errorf("-n 3 of one map differs from the input given 3 times")
	}

	// the FITS HISTORY says the order and the seeds, in ASCII
	fits := filepath.Join(dir, "n3.fits")
	run(fits, a, "-n", "3", "--seed", "5")
	arr, err := datasets.Read(fits)
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	for _, c := range arr.Header {
		if c.Key == "HISTORY" {
			h = append(h, c.Comment)
		}
	}
	if got, want := strings.Join(h, " "), "stkit surrogate --kind phase -n 3: 3 Gaussian random fields with the DFT modulus (phases randomised) of each input map (2 maps), in input order (a.npy): map b*3 + k is surrogate k of input map b, with seed 5 + k*2 + b (seeds 5 to 10). Not the sky of the inputs: their WCS is not kept."; !strings.HasPrefix(got, want+" stkit ") { // then the provenance (provFITS)
		t.Errorf("HISTORY\n%q, want\n%q", got, want)
	}

	bad := filepath.Join(dir, "bad.npy")
	for _, c := range []struct {
		n, want string
	}{
		{"0", "stkit: -n 0: want at least 1 surrogate per input map"},
		{"-1", "stkit: -n -1: want at least 1 surrogate per input map"},
		// 2 maps × 10⁶ × 64² × 8 B = 61 GiB, 1 GiB available
		{"1000000", "stkit: -n 1000000 (2 input maps × 1000000 surrogates of 64×64): the result alone needs 61.0 GiB of memory and 1.0 GiB is available"},
	} {
		t.Setenv("STKIT_MEM_AVAILABLE", "1073741824")
		code, _, errs := runCLI(t, "surrogate", a, "-n", c.n, "-o", bad)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("-n %s: exit %d (want 2)\n%s\nwant %q", c.n, code, tail(errs, 600), c.want)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("-n %s left %s", c.n, bad)
		}
	}
	_, errs, _ := runCLI(t, "surrogate", "--help") // help asked for: on stdout
	if help := strings.Join(strings.Fields(errs), " "); !strings.Contains(help, "Surrogate k (0 ≤ k < K) of input map b (b counted over all B input maps) uses the seed --seed + k·B + b") || !strings.Contains(help, "as one batch [B·K, M, N]: the K surrogates of input map b are maps b·K to b·K + K − 1") {
		t.Errorf("surrogate --help lacks the -n order and seeds:\n%s", errs)
	}
}
