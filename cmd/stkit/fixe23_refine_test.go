package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// TestFixe23PatchRefinePairedNoise: separate --patch-refine with both
// --contaminant (3 maps) and --noise (2 maps of mean −0.5) refines with
// priors on the paired samples c_i + n_i (c1 + n1, c2 + n2, c3 + n1, built
// here by hand): the maps written equal infer.RefineWithPatchPriors on them
// and the run's own separation without the flag, and differ from a
// refinement on the contaminant samples alone. Its stderr says which map
// each figure is of (fixe23; before, the refined run printed the
// separation's lines unchanged): the final terms are "the separation's s̃,
// before the refinement", and the mean line says the refined map is given
// the separation's mean(DATA) − m too (refx24).
func TestFixe23PatchRefinePairedNoise(t *testing.T) {
	const n = 16
	dir := t.TempDir()
	s, err := datasets.LogNormalField(n, n, -3, 0.6, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs, ns := stlayer.NewMaps(4, n, n), stlayer.NewMaps(3, n, n)
	for i := range 4 {
		c, err := datasets.LogNormalField(n, n, -1, 0.3, uint64(10+i))
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range c {
			cs.Map(i)[j] = 0.3 * v
		}
	}
	for i := range 3 {
		w, err := datasets.WhiteNoise(n, n, uint64(20+i))
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range w {
			ns.Map(i)[j] = -0.5 + 0.05*v
		}
	}
	d := stlayer.NewMaps(1, n, n)
	for j := range d.Data {
		d.Data[j] = s[j] + cs.Data[j] + ns.Data[j] // c0 + n0 in d
	}
	c := &stlayer.Maps{B: 3, M: n, N: n, Data: cs.Data[n*n:]}
	nz := &stlayer.Maps{B: 2, M: n, N: n, Data: ns.Data[n*n:]}
	data, cp, np := filepath.Join(dir, "d.npy"), filepath.Join(dir, "c.npy"), filepath.Join(dir, "n.npy")
	for p, m := range map[string]*stlayer.Maps{data: d, cp: c, np: nz} {
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
	}
	plain, out := filepath.Join(dir, "plain.npy"), filepath.Join(dir, "out.npy")
	args := []string{"separate", data, "--contaminant", cp, "--noise", np, "-J", "2", "--steps", "2,2,1"}
	code, _, perrs := runCLI(t, append(args, "-o", plain)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, perrs)
	}
	code, _, errs := runCLI(t, append(args, "-o", out, "--patch-refine")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	st, got := pref23Read(t, plain), pref23Read(t, out)
	paired := stlayer.NewMaps(3, n, n)
	for i := range 3 {
		for j := range paired.Map(i) {
			paired.Map(i)[j] = c.Map(i)[j] + nz.Map(i % 2)[j]
		}
	}
	stS := &stlayer.Maps{B: 1, M: n, N: n, Data: st.Map(0)}
	want, err := infer.RefineWithPatchPriors(d, stS, paired, infer.PatchRefineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Data {
		if math.Abs(got.Data[i]-v) > 1e-9 {
			t.Fatalf("value %d: %.10g, infer.RefineWithPatchPriors on c_i + n_i %.10g", i, got.Data[i], v)
		}
	}
	alone, err := infer.RefineWithPatchPriors(d, stS, c, infer.PatchRefineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var diff float64
	for i, v := range alone.Map(0) {
		diff = max(diff, math.Abs(got.Data[i]-v))
	}
	if diff < 1e-3 {
		t.Errorf("max |refined − refined on the contaminant samples alone| %.3g: the test does not tell the samples apart", diff)
	}
	// the stderr lines: the plain run's shift, the refined run's lines
	sh := regexp.MustCompile(`s̃ shifted by (\S+) to mean\(DATA\) − m \(m = (\S+), the samples' mean\)`).FindStringSubmatch(perrs)
	if sh == nil {
		t.Fatalf("the plain run has no mean line:\n%s", perrs)
	}
	md, _, _, _ := infer.Moments(d.Data)
	m := infer.SampleMean(c) + infer.SampleMean(nz)
	if sh[2] != fmt.Sprintf("%.4g", m) {
		t.Errorf("m = %s, the samples' %.4g", sh[2], m)
	}
	mg, _, _, _ := infer.Moments(got.Map(0))
	for _, w := range []string{
		"; final terms data ", " (the separation's s̃, before the refinement); wrote " + out + " (s̃ refined with patch priors in ",
		fmt.Sprintf("separate: note: the statistics do not see the mean: s̃ shifted by %s to mean(DATA) − m (m = %s, the samples' mean); the refined s̃ (--patch-refine) is given that mean too\n", sh[1], sh[2]),
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, tail(errs, 1500))
		}
	}
	if strings.Contains(perrs, "before the refinement") || strings.Contains(perrs, "--patch-refine") {
		t.Errorf("the plain run prints the refined one's lines:\n%s", tail(perrs, 600))
	}
	// refx24: the refined map has the separation's mean, mean(DATA) − m
	// (before, the patch separation's: 0.01044 against −0.0002349; the
	// truth's is 0)
	if math.Abs(mg-(md-m)) > 1e-9 {
		t.Errorf("the refined map's mean %.6g, want mean(DATA) − m %.6g", mg, md-m)
	}
}
