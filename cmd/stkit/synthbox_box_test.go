package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestSynthBoxFlag: synth --box positive on a positive 32² target (a
// log-normal map shifted to min 0.05, std 1; preset cheng, 1 map, 100
// iterations) keeps the map ≥ −0.02 (measured: min −0.0048 with the box,
// −0.52 without; −0.0008 to −0.004 for 2 maps: the result moves with
// rounding-level changes of the loss), says how many pixels ended outside, and records the box
// in metrics.json (settings box, box_weight) and the FITS HISTORY; bad
// --box values and a target outside the box exit 2 before any output.
func TestSynthBoxFlag(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.LogNormalField(32, 32, -2.5, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	lo := slices.Min(x)
	for i := range x {
		x[i] += 0.05 - lo
	}
	target := filepath.Join(dir, "target.fits")
	if err := datasets.WriteMaps(target, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	synth := func(out string, extra ...string) (int, string) {
		args := append([]string{"synth", target, "--preset", "cheng", "-n", "1", "--steps", "100", "--log-every", "100", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		return code, errs
	}
	minOf := func(path string) float64 {
		a, err := datasets.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Min(a.Float64)
	}
	free := filepath.Join(dir, "free.npy")
	if code, errs := synth(free); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	out, rep := filepath.Join(dir, "box.fits"), filepath.Join(dir, "rep")
	code, errs := synth(out, "--box", "positive", "--report", rep)
	if code != 0 {
		t.Fatalf("--box positive: exit %d: %s", code, tail(errs, 400))
	}
	mf, mb := minOf(free), minOf(out)
	t.Logf("min without the box %.4g, with %.4g", mf, mb)
	if mf > -0.1 || mb < -0.02 {
		t.Errorf("smallest pixel without the box %g (want < −0.1), with --box positive %g (want ≥ −0.02)", mf, mb)
	}
	if !strings.Contains(errs, "box [0, +Inf)") || !strings.Contains(errs, "synth: --box positive: ") {
		t.Errorf("stderr does not give the box and how many pixels ended outside it:\n%s", tail(errs, 800))
	}
	var vm struct {
		Settings map[string]any `json:"settings"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	if vm.Settings["box"] != "[0, +Inf)" || vm.Settings["box_weight"] != 1.0 {
		t.Errorf("metrics.json settings box %v, box_weight %v; want [0, +Inf) and the default 1 (it was 1e3, separate's weight, measured too stiff for syntheses)", vm.Settings["box"], vm.Settings["box_weight"])
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var history string
	for _, c := range datasets.FITSUserCards(a.Header) {
		if c.Key == "HISTORY" {
			history += c.Comment
		}
	}
	if !strings.Contains(history, "box [0, +Inf)") {
		t.Errorf("FITS HISTORY does not record the box: %q", history)
	}

	// an interval: [0.01, 100]; bad values and a target outside the box
	if code, errs := synth(filepath.Join(dir, "range.npy"), "--box", "0.01,100", "--steps", "2"); code != 0 {
		t.Errorf("--box 0.01,100: exit %d: %s", code, tail(errs, 400))
	}
	for _, c := range []struct{ box, want string }{
		{"1,0", "not below the upper bound"},
		{"1,1", "not below the upper bound"},
		{"inf,inf", "not below the upper bound"},
		{"nan,1", "NaN"},
		{"0,abc", `"abc" is not a number`},
		{"0", "want none, positive or LO,HI"},
		{"0,1,2", "want none, positive or LO,HI"},
		{"positiv", "want none, positive or LO,HI"},
		{"0.1,inf", "outside the box [0.1, +Inf)"},
		{"-inf,1", "outside the box (-Inf, 1]"},
	} {
		bad := filepath.Join(dir, "bad.npy")
		code, errs := synth(bad, "--box", c.box)
		if code != 2 || !strings.Contains(errs, "--box") || !strings.Contains(errs, c.want) {
			t.Errorf("--box %s: exit %d, want 2 saying %q: %s", c.box, code, c.want, tail(errs, 300))
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("--box %s: wrote %s", c.box, bad)
		}
	}
}
