package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --box-weight W sets the box penalty's weight (it was fixed at 1e3):
// on a positive 32² log-normal target (shifted to min 0.05, std 1; preset
// cheng, 40 iterations) W = 1e-6 leaves the map as free as without a box
// (measured: 86 pixels < 0, min −0.478), W = 1 keeps it ≥ −0.02 (measured:
// 5 pixels < 0, min −0.0051; W = 1e3: 7, −0.0078, and a final loss 0.0123
// against 3.5e-5). The weight is in the summary line and metrics.json
// (settings.box_weight). A weight ≤ 0 or not finite, and one without
// --box, exit 2.
func TestInterrupts18SynthBoxWeight(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.LogNormalField(32, 32, -2.5, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	lo := slices.Min(x)
	for i := range x {
		x[i] += 0.05 - lo
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	synth := func(out string, extra ...string) (int, string) {
		args := append([]string{"synth", target, "--preset", "cheng", "-n", "1", "--steps", "40", "--log-every", "100", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		return code, errs
	}
	minOf := func(path string) float64 {
		m, err := datasets.ReadMaps(path)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Min(m.Data)
	}
	weak := filepath.Join(dir, "weak.npy")
	if code, errs := synth(weak, "--box", "positive", "--box-weight", "1e-6"); code != 0 || !strings.Contains(errs, "box [0, +Inf) of weight 1e-06") {
		t.Fatalf("--box-weight 1e-6: exit %d, or no 'of weight 1e-06' in the summary:\n%s", code, tail(errs, 800))
	}
	soft, rep := filepath.Join(dir, "soft.npy"), filepath.Join(dir, "rep")
	if code, errs := synth(soft, "--box", "positive", "--box-weight", "1", "--report", rep); code != 0 || !strings.Contains(errs, "box [0, +Inf) of weight 1,") {
		t.Fatalf("--box-weight 1: exit %d, or no 'of weight 1' in the summary:\n%s", code, tail(errs, 800))
	}
	mw, ms := minOf(weak), minOf(soft)
	if mw > -0.1 || ms < -0.02 {
		t.Errorf("smallest pixel with --box-weight 1e-6 %.4g (want < −0.1: the penalty hardly acts), with 1 %.4g (want ≥ −0.02)", mw, ms)
	}
	if st := readSepMetrics(t, rep)["settings"].(map[string]any); st["box_weight"] != 1.0 {
		t.Errorf("metrics.json settings.box_weight %v, want 1", st["box_weight"])
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--box", "positive", "--box-weight", "0"}, "--box-weight 0: want a finite weight > 0"},
		{[]string{"--box", "positive", "--box-weight", "-3"}, "--box-weight -3: want a finite weight > 0"},
		{[]string{"--box", "positive", "--box-weight", "inf"}, "--box-weight +Inf: want a finite weight > 0"},
		{[]string{"--box", "positive", "--box-weight", "NaN"}, "--box-weight NaN: want a finite weight > 0"},
		{[]string{"--box-weight", "10"}, "--box-weight 10 weighs the --box penalty: give --box positive or --box LO,HI with it"},
	} {
		out := filepath.Join(dir, "bad.npy")
		code, errs := synth(out, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), want %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
}

// sample --box-weight W: the weight reaches the sampling (summary line
// 'box [-100, +Inf) of weight 5'); a weight ≤ 0 and one without --box exit 2.
func TestInterrupts18SampleBoxWeight(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	out := filepath.Join(t.TempDir(), "s.npy")
	base := []string{"sample", models, "--component", "0", "-n", "1", "--steps", "1", "--log-every", "100", "-o", out}
	code, _, errs := runCLI(t, append(base, "--box", "-100,inf", "--box-weight", "5")...)
	if code != 0 || !strings.Contains(errs, "box [-100, +Inf) of weight 5,") {
		t.Errorf("--box-weight 5: exit %d, want 0 and 'box [-100, +Inf) of weight 5' in\n%s", code, tail(errs, 800))
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--box", "positive", "--box-weight", "0"}, "--box-weight 0: want a finite weight > 0"},
		{[]string{"--box-weight", "5"}, "--box-weight 5 weighs the --box penalty"},
	} {
		code, _, errs := runCLI(t, append(base, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), want %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
	}
}
