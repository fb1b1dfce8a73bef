package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// compare2WriteSet writes n 32×32 GRFs (slope −2, unit variance, seeds
// seed0+i) plus (1+i)·off as dir/g<i>.npy: off = 0 gives maps of zero
// mean up to float64 round-off (~1e-17).
func compare2WriteSet(t *testing.T, dir string, n int, seed0 uint64, off float64) {
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
			m.Data[p] = v + float64(1+i)*off
		}
		if err := datasets.WriteMaps(filepath.Join(dir, fmt.Sprintf("g%02d.npy", i)), m); err != nil {
			t.Fatal(err)
		}
	}
}

// The mean row of zero-mean maps (wst S0, scov and spectra "mean") holds
// round-off, ~1e-17 (spread 1e-16 on these GRFs), a class of one row whose
// scale is that round-off, so constantPart kept it and its z was noise
// (reported: 0.067 on the CPU engine, −1.99 on the graph engine; measured
// −0.10 and 0.23, S0 ~1e-17 and ~1e-9, on two sets of 8 32² GRFs). When every map's |mean| ≤ 1e-6 × its rms, the row is left out,
// named in skipped_zero_mean and the summary, and not counted in
// skipped_constant; maps with a mean (offsets 0.25-0.75 and 0.3-0.9) keep it, and so does
// --pad crop (a mean over the interior, not zero).
func TestCompare2ZeroMeanRowSkipped(t *testing.T) {
	// zeroMeanMaps: the threshold is relative to each map's rms
	m := &stlayer.Maps{B: 2, M: 2, N: 2, Data: []float64{1, -1, 2, -2, 3, -3, 1e-3, -1e-3}}
	if !zeroMeanMaps(m) {
		t.Error("maps of mean 0 exactly: want zero mean")
	}
	m.Data[7] += 1e-9 // map 1: mean 2.5e-10, rms 2.1: 1.2e-10 of its rms
	if !zeroMeanMaps(m) {
		t.Error("a mean at 1.2e-10 of the rms: want zero mean (round-off)")
	}
	m.Data[0] += 1e-4 // map 0: mean 2.5e-5, rms 1.6
	if zeroMeanMaps(m) {
		t.Error("a mean at 1.6e-5 of the rms: want a mean")
	}
	if zeroMeanMaps(&stlayer.Maps{B: 1, M: 1, N: 2, Data: []float64{0, 0}}) {
		t.Error("a map that is 0 everywhere: want false (no rms to judge against)")
	}

	// compareSetsZero on a graph-like row: S0 at float32 round-off
	const nA, nB, K = 4, 5, 3
	rng := rand.New(rand.NewPCG(5, 6))
	c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
	lab := stlayer.NewLabels("j1")
	lab.Add("S0", nil)
	lab.Add("S1", map[string]int{"j1": 0})
	lab.Add("S1", map[string]int{"j1": 1})
	for m := range nA + nB {
		row := c.Data[m*K : (m+1)*K]
		row[0] = complex(3e-8*rng.NormFloat64(), 0)
		row[1] = complex(1+0.1*rng.NormFloat64(), 0)
		row[2] = complex(2+0.1*rng.NormFloat64(), 0)
	}
	for _, zm := range []bool{false, true} {
		r := compareSetsZero(c, lab, nA, nB, compareRoundoff("graph:go"), zm)
		var got []string
		for _, p := range r.Parts {
			got = append(got, p.Class)
		}
		want, wantZero := "S0 S1 S1", []string(nil)
		if zm {
			want, wantZero = "S1 S1", []string{"S0"}
		}
		if strings.Join(got, " ") != want || !slices.Equal(r.ZeroMean, wantZero) || r.Skipped != 0 || r.Dof != len(got) {
			t.Errorf("zeroMean %v: parts %v, ZeroMean %v, skipped %d, dof %d; want %s, %v, 0", zm, got, r.ZeroMean, r.Skipped, r.Dof, want, wantZero)
		}
	}

	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	ao, bo := filepath.Join(root, "ao"), filepath.Join(root, "bo")
	compare2WriteSet(t, a, 3, 71, 0)
	compare2WriteSet(t, b, 3, 81, 0)
	compare2WriteSet(t, ao, 3, 71, 0.25)
	compare2WriteSet(t, bo, 3, 81, 0.3)
	classes := func(doc map[string]any) map[string]int {
		n := map[string]int{}
		for _, p := range doc["parts"].([]any) {
			n[p.(map[string]any)["class"].(string)]++
		}
		return n
	}
	for _, c := range []struct {
		kind, meanClass string
		extra           []string
	}{{"wst", "S0", nil}, {"spectra", "mean", nil}, {"scov", "mean", []string{"--pad", "crop"}}} {
		args := append([]string{a, "--compare", b, "--kind", c.kind, "-J", "2"}, c.extra...)
		code, out, errs, doc := compare18Run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		zero, _ := doc["skipped_zero_mean"].([]any)
		n := classes(doc)
		if c.extra != nil { // --pad crop: the interior's mean is compared
			if zero != nil || n[c.meanClass] != 1 || strings.Contains(out, "not compared") {
				t.Errorf("%s --pad crop: skipped_zero_mean %v, %d %s parts; want none skipped, the row compared", c.kind, zero, n[c.meanClass], c.meanClass)
			}
			continue
		}
		if len(zero) != 1 || zero[0] != c.meanClass || n[c.meanClass] != 0 {
			t.Errorf("%s zero-mean maps: skipped_zero_mean %v, %d %s parts; want [%s] and none", c.kind, zero, n[c.meanClass], c.meanClass, c.meanClass)
		}
		want := fmt.Sprintf("not compared: %s (the maps' mean): every map has zero mean up to round-off (|mean| ≤ 1e-6 × its rms)", c.meanClass)
		if !strings.Contains(out, want) {
			t.Errorf("%s: summary lacks %q:\n%s", c.kind, want, out)
		}
		dof := int(doc["dof"].(float64))
		// the same fields with a mean: the row is compared, one more dof
		code, out, errs, doc = compare18Run(t, ao, "--compare", bo, "--kind", c.kind, "-J", "2")
		if code != 0 {
			t.Fatalf("%s with a mean: exit %d: %s", c.kind, code, errs)
		}
		if doc["skipped_zero_mean"] != nil || classes(doc)[c.meanClass] != 1 || int(doc["dof"].(float64)) != dof+1 || strings.Contains(out, "not compared") {
			t.Errorf("%s, maps with means: skipped_zero_mean %v, %d %s parts, dof %v; want the row compared, dof %d", c.kind, doc["skipped_zero_mean"], classes(doc)[c.meanClass], c.meanClass, doc["dof"], dof+1)
		}
		for _, p := range doc["parts"].([]any) {
			if q := p.(map[string]any); q["class"] == c.meanClass && (math.IsNaN(q["z"].(float64)) || q["z"].(float64) == 0) {
				t.Errorf("%s, maps with means: %s z = %v", c.kind, c.meanClass, q["z"])
			}
		}
	}
}
