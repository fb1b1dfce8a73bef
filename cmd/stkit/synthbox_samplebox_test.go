package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// TestSampleBoxFlag: sample --box LO,inf, LO the 5 % quantile of an
// unconstrained sample's pixels (component 0 of the CLI models fixture, one
// 32² map, 30 iterations), keeps the boxed sample ≥ LO − 0.01 σ, σ the
// unconstrained sample's pixel std (measured: LO −1.716, σ 0.91, min
// −2.22 without the box, LO + 1e-4 σ with it: no pixel below), and records the box in the
// FITS HISTORY and metrics.json; a box that leaves out the training pixels'
// mean and LO ≥ HI exit 2 before any output.
func TestSampleBoxFlag(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	tmp := t.TempDir()
	sample := func(out string, extra ...string) (int, string) {
		args := append([]string{"sample", models, "--component", "0", "-n", "1", "--steps", "30", "--seed", "4", "--log-every", "100", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		return code, errs
	}
	read := func(path string) []float64 {
		a, err := datasets.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return a.Float64
	}
	free := filepath.Join(tmp, "free.npy")
	if code, errs := sample(free); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	x := read(free)
	_, sd, _, _ := infer.Moments(x)
	s := slices.Sorted(slices.Values(x))
	lo := s[len(s)/20]
	out, rep := filepath.Join(tmp, "box.fits"), filepath.Join(tmp, "rep")
	box := strconv.FormatFloat(lo, 'g', -1, 64) + ",inf"
	code, errs := sample(out, "--box", box, "--report", rep)
	if code != 0 {
		t.Fatalf("--box %s: exit %d: %s", box, code, tail(errs, 400))
	}
	mb := slices.Min(read(out))
	t.Logf("LO %.4g (σ %.4g): min without the box %.4g, with %.4g (%.3g σ below LO)", lo, sd, s[0], mb, (lo-mb)/sd)
	if mb < lo-0.01*sd {
		t.Errorf("--box %s: smallest pixel %g, want ≥ LO − 0.01σ = %g", box, mb, lo-0.01*sd)
	}
	if !strings.Contains(errs, "sample: --box "+box+": ") {
		t.Errorf("stderr does not say how many pixels ended outside the box:\n%s", tail(errs, 600))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var history string
	for _, c := range a.Header {
		if c.Key == "HISTORY" {
			history += c.Comment
		}
	}
	if !strings.Contains(history, "box [") {
		t.Errorf("FITS HISTORY does not record the box: %q", history)
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
	if bs, _ := vm.Settings["box"].(string); !strings.HasPrefix(bs, "[") || !strings.HasSuffix(bs, ", +Inf)") || vm.Settings["box_weight"] != 1000.0 {
		t.Errorf("metrics.json settings box %v, box_weight %v", vm.Settings["box"], vm.Settings["box_weight"])
	}
	for _, c := range []struct{ box, want string }{
		{"1,0", "not below the upper bound"},
		{"1e9,inf", "outside the box"},
	} {
		bad := filepath.Join(tmp, "bad.npy")
		code, errs := sample(bad, "--box", c.box)
		if code != 2 || !strings.Contains(errs, "--box") || !strings.Contains(errs, c.want) {
			t.Errorf("--box %s: exit %d, want 2 saying %q: %s", c.box, code, c.want, tail(errs, 300))
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("--box %s: wrote %s", c.box, bad)
		}
	}
}
