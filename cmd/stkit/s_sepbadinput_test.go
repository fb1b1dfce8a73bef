package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// A constant DATA map (all zeros, or any single value) is refused before
// any work, with exit 2, by separate with samples and with learned models.
// Before, the first stopped after its setup with an L-BFGS zero-gradient
// message naming API options (exit 2, but its advice — a data weight > 0 and
// a first stage S1 > 0 — was already in force), the second with "initial
// loss: loss or gradient is not finite" (exit 1).
func TestSeparateConstantDataRefused(t *testing.T) {
	dir := t.TempDir()
	_, samples, _ := sepInputs(t, dir)
	for _, v := range []float64{0, 2.5} {
		z := stlayer.NewMaps(1, 32, 32)
		for i := range z.Data {
			z.Data[i] = v
		}
		data := filepath.Join(dir, "const.npy")
		if err := datasets.WriteMaps(data, z); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out.npy")
		for _, args := range [][]string{
			{"separate", data, "--contaminant", samples, "-J", "3", "-o", out},
			{"separate", data, "--models", filepath.Join(modelsFixture(t), "models"), "--components", "0,1", "-o", out},
		} {
			code, _, errs := runCLI(t, args...)
			want := "stkit: " + data + ": DATA is " + map[float64]string{0: "identically zero", 2.5: "constant (every pixel 2.5)"}[v] + ": there is nothing to separate\n"
			if code != 2 || errs != want {
				t.Errorf("%v: exit %d, stderr %q; want 2 and only %q", args[2], code, tail(errs, 600), want)
			}
			wantBadInput(t, args, "nothing to separate", out)
		}
	}
}

// --positive on the last of 3 components (DATA minus the others; its box
// penalty exists for two components only, as the help says) is refused
// while the flags are read, before the models are loaded or a noise
// component measured (before, after both, with a power-share warning).
func TestSeparateModelsPositiveLastOfThree(t *testing.T) {
	dir := modelsFixture(t)
	out := filepath.Join(t.TempDir(), "o.npy")
	args := []string{"separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1,noise:0.1", "--positive", "2", "--steps", "0,2", "-o", out}
	code, _, errs := runCLI(t, args...)
	const want = "stkit: --positive 2: positivity of the last component (noise:0.1) needs exactly two components\n"
	if code != 2 || errs != want {
		t.Errorf("exit %d, stderr %q; want 2 and only %q", code, errs, want)
	}
	wantBadInput(t, args, "needs exactly two components", out)
	// Positions 0 and 1 of three, and the last of two, are accepted.
	for _, c := range [][]string{{"0,1,noise:0.1", "0,1"}, {"0,1", "1"}} {
		if code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", c[0], "--positive", c[1], "--steps", "0,2", "-o", out); code != 0 {
			t.Errorf("--components %s --positive %s: exit %d: %s", c[0], c[1], code, tail(errs, 600))
		}
	}
}

// A --report folder that is the output file (or inside it) is refused
// before any work, in both modes; before, the output was written and the
// report failed after the whole separation (exit 1: "mkdir …: not a
// directory").
func TestSeparateReportIsOutputRefused(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	md := modelsFixture(t)
	for _, c := range []struct{ out, report string }{
		{"o.npy", "o.npy"}, {"o.npy", filepath.Join("o.npy", "rep")}, {"o.npz:s", "o.npz"},
	} {
		out, rep := filepath.Join(dir, c.out), filepath.Join(dir, c.report)
		want := "stkit: --report " + rep + " is the output file -o " + out + " or lies inside it: choose another folder"
		wantBadInput(t, []string{"separate", data, "--contaminant", samples, "-J", "3", "--steps", "1,1,1", "-o", out, "--report", rep}, want, filepath.Join(dir, "o.npy"), filepath.Join(dir, "o.npz"))
		wantBadInput(t, []string{"separate", filepath.Join(md, "mix.npy"), "--models", filepath.Join(md, "models"), "--components", "0,1", "--steps", "0,1", "-o", out, "--report", rep}, want, filepath.Join(dir, "o.npy"), filepath.Join(dir, "o.npz"))
	}
	// A report folder beside the output is fine.
	if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "1,1,1", "-o", filepath.Join(dir, "o.npy"), "--report", filepath.Join(dir, "o.npy.rep")); code != 0 {
		t.Errorf("report beside the output: exit %d: %s", code, tail(errs, 600))
	}
}

// --weights naming a term twice is refused (before, the last value won
// silently); a mask that freezes every pixel is refused before any work
// (before, L-BFGS stopped after the setup with a zero-gradient message
// about the start s̃ = d and API options).
func TestSeparateWeightsTwiceAndAllFrozen(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out := filepath.Join(dir, "o.npy")
	wantBadInput(t, []string{"separate", data, "--contaminant", samples, "-J", "3", "-o", out, "--weights", "data=1,contaminant=1, data=2"},
		`stkit: --weights: weight "data=2": the data term is given twice (also "data=1"); give each term once`, out)
	mask := stlayer.NewMaps(1, 32, 32)
	for i := range mask.Data {
		mask.Data[i] = 1
	}
	mp := filepath.Join(dir, "mask.npy")
	if err := datasets.WriteMaps(mp, mask); err != nil {
		t.Fatal(err)
	}
	args := []string{"separate", data, "--contaminant", samples, "-J", "3", "-o", out, "--frozen", mp}
	wantBadInput(t, args, "stkit: --frozen "+mp+": every pixel is frozen (≠ 0): nothing is left to separate", out)
	// One pixel left free: accepted, and the frozen pixels keep the data's value.
	mask.Data[33] = 0
	if err := datasets.WriteMaps(mp, mask); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, append(args, "--steps", "2,2,1")...); code != 0 {
		t.Fatalf("one free pixel: exit %d: %s", code, tail(errs, 600))
	}
	o, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range o.Map(0) {
		if i != 33 && v != d.Data[i] {
			t.Fatalf("frozen pixel %d: s̃ %g, data %g", i, v, d.Data[i])
		}
	}
}
