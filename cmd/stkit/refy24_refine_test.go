package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// refy24Inputs writes DATA (an n×n slope −3 Gaussian field plus white
// noise) and 3 white-noise contaminant samples into dir.
func refy24Inputs(t *testing.T, dir string, n int) (data, samples string) {
	t.Helper()
	s, err := datasets.GaussianRandomField(n, n, -3, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs := stlayer.NewMaps(4, n, n)
	for i := range 4 {
		c, err := datasets.WhiteNoise(n, n, uint64(10+i))
		if err != nil {
			t.Fatal(err)
		}
		copy(cs.Map(i), c)
	}
	d := stlayer.NewMaps(1, n, n)
	for j := range d.Data {
		d.Data[j] = s[j] + cs.Data[j]
	}
	data, samples = filepath.Join(dir, "d.npy"), filepath.Join(dir, "c.npy")
	if err := datasets.WriteMaps(data, d); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteMaps(samples, &stlayer.Maps{B: 3, M: n, N: n, Data: cs.Data[n*n:]}); err != nil {
		t.Fatal(err)
	}
	return data, samples
}

// TestRefy24PatchRefineSmallMaps: separate --patch-refine on small maps
// (refy24). A 16² map with the default steps passed the size check, ran
// the whole separation, then failed (exit 2, the maps to the partial file:
// "prior of the ST estimate: … EM: no mixture component holds 36 rows … of
// the 128 training rows"); it now refines with priors of PriorK's
// components (K 3 on one map, 10 on the 3 samples), says so in a note and
// in settings.patch_refine, and writes the library's maps. The smallest
// size accepted, 11², runs the refinement (it failed the same way); a 10²
// map is refused before anything runs, naming the smallest size, with
// nothing written.
func TestRefy24PatchRefineSmallMaps(t *testing.T) {
	dir := t.TempDir()
	data, samples := refy24Inputs(t, dir, 16)
	plain, out, rep := filepath.Join(dir, "plain.npy"), filepath.Join(dir, "out.npy"), filepath.Join(dir, "rep")
	args := []string{"separate", data, "--contaminant", samples}
	if code, _, errs := runCLI(t, append(args, "-o", plain)...); code != 0 {
		t.Fatalf("plain run: exit %d: %s", code, errs)
	}
	code, _, errs := runCLI(t, append(args, "-o", out, "--patch-refine", "--report", rep)...)
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, tail(errs, 1500))
	}
	note := "separate: note: --patch-refine on a 16×16 map: its patch priors take fewer mixture components than K = 20, each of which must hold P² + 1 = 37 training rows (one map gives 128): K = 3 for those fitted on one map (s̃, each round's map), 10 for the one on the 3 sample maps (maps of 39×39 and more keep K = 20)\n"
	if !slices.Contains(strings.SplitAfter(errs, "\n"), note) {
		t.Errorf("stderr lacks the line\n%q:\n%s", note, tail(errs, 1500))
	}
	d, st, cs, got := pref23Read(t, data), pref23Read(t, plain), pref23Read(t, samples), pref23Read(t, out)
	want, err := infer.RefineWithPatchPriors(d, &stlayer.Maps{B: 1, M: 16, N: 16, Data: st.Map(0)}, cs, infer.PatchRefineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Data {
		if math.Abs(got.Data[i]-v) > 1e-9 {
			t.Fatalf("value %d: %.10g, infer.RefineWithPatchPriors on the unrefined run %.10g", i, got.Data[i], v)
		}
	}
	var mj struct {
		Settings struct {
			PatchRefine map[string]any `json:"patch_refine"`
		} `json:"settings"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil || json.Unmarshal(b, &mj) != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	if pr := mj.Settings.PatchRefine; pr["applied"] != true || pr["k"] != 20.0 || pr["k_map"] != 3.0 || pr["k_samples"] != 10.0 {
		t.Errorf("settings.patch_refine %v; want k 20, k_map 3, k_samples 10", pr)
	}

	// the smallest size accepted runs the refinement
	dir11 := t.TempDir()
	data, samples = refy24Inputs(t, dir11, 11)
	out = filepath.Join(dir11, "out.npy")
	if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "--steps", "2,2,1", "-o", out, "--patch-refine"); code != 0 {
		t.Fatalf("11²: exit %d, want 0:\n%s", code, tail(errs, 1500))
	}
	if m := pref23Read(t, out); m.B != 2 || m.M != 11 || m.N != 11 {
		t.Errorf("11²: OUT [%d, %d, %d], want [2, 11, 11]", m.B, m.M, m.N)
	}

	// one pixel less: refused up front, nothing written
	dir10 := t.TempDir()
	data, samples = refy24Inputs(t, dir10, 10)
	code, so, errs := runCLI(t, "separate", data, "--contaminant", samples, "-o", filepath.Join(dir10, "out.npy"), "--patch-refine", "--report", filepath.Join(dir10, "rep"))
	wantErr := "stkit: --patch-refine: " + data + ": patch refinement: a 10×10 map gives 32 training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = 37 one mixture component needs (it must hold P² rows): the smallest maps that work for these options are 11×11 (10×11 for 10 pixel rows)\n"
	if code != 2 || errs != wantErr || so != "" {
		t.Errorf("10²: exit %d, stdout %q, stderr\n%q\nwant exit 2 and\n%q", code, so, errs, wantErr)
	}
	ents, _ := os.ReadDir(dir10)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"c.npy", "d.npy"}) {
		t.Errorf("10²: the folder holds %v, want only the inputs", names)
	}
}
