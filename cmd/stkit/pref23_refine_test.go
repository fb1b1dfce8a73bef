package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// TestPref23PatchRefineCLI: separate --patch-refine writes the ST
// separation refined by infer.RefineWithPatchPriors (defaults, the
// --contaminant samples): the same maps as the library on the run's own
// separation without the flag, with that separation's binned spectrum; the
// method line, the refinement's stages and metrics.json's
// settings.patch_refine say so, and --truth's figures are the refined map's.
func TestPref23PatchRefineCLI(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	plain, out := filepath.Join(dir, "plain.npy"), filepath.Join(dir, "out.npy")
	rep := filepath.Join(dir, "rep")
	args := []string{"separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "--truth", truth}
	if code, _, errs := runCLI(t, append(args, "-o", plain)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs := runCLI(t, append(args, "-o", out, "--patch-refine", "--report", rep)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"; then the patch-prior refinement (--patch-refine)\n", "refining s̃ with patch priors (--patch-refine)",
		"separate: before the refinement, against --truth: min r where P_c ≤ P_s ", "separate: patch refinement 1/5: patch prior of the contaminant samples (EM), ",
		"separate: patch refinement 5/5: round 1 separation, ", "wrote " + out + " (s̃ refined with patch priors in "} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	st, _ := datasets.ReadMaps(plain)
	got, _ := datasets.ReadMaps(out)
	d, _ := datasets.ReadMaps(data)
	cs, _ := datasets.ReadMaps(samples)
	want, err := infer.RefineWithPatchPriors(d, &stlayer.Maps{B: 1, M: 32, N: 32, Data: st.Map(0)}, cs, infer.PatchRefineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Data {
		if math.Abs(got.Data[i]-v) > 1e-9 {
			t.Fatalf("value %d: %.10g, infer.RefineWithPatchPriors on the unrefined run %.10g", i, got.Data[i], v)
		}
	}
	pg, ps := infer.IsoPowerSpectrum(got.Map(0), 32, 32), infer.IsoPowerSpectrum(st.Map(0), 32, 32)
	for b := range ps.P {
		if math.Abs(pg.P[b]/ps.P[b]-1) > 1e-9 {
			t.Errorf("bin %d: P %.8g, the unrefined separation's %.8g", b, pg.P[b], ps.P[b])
		}
	}
	var mj struct {
		RMin     float64 `json:"r_min"`
		Settings struct {
			PatchRefine map[string]any `json:"patch_refine"`
		} `json:"settings"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil || json.Unmarshal(b, &mj) != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	pr := mj.Settings.PatchRefine
	if pr["applied"] != true || pr["rounds"] != 1.0 || pr["p"] != 6.0 || pr["k"] != 20.0 || pr["stride"] != 1.0 {
		t.Errorf("settings.patch_refine %v", pr)
	}
	m, err := infer.EvaluateSeparation(d, &stlayer.Maps{B: 1, M: 32, N: 32, Data: want.Map(0)}, cs, pref23Read(t, truth))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(mj.RMin-m.RMin) > 1e-9 {
		t.Errorf("metrics.json r_min %.6f, the refined map's %.6f", mj.RMin, m.RMin)
	}
}

func pref23Read(t *testing.T, p string) *stlayer.Maps {
	t.Helper()
	m, err := datasets.ReadMaps(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPref23PatchRefineRefused: --patch-refine with --frozen, --box or
// --models is refused (exit 2) saying what applies instead.
func TestPref23PatchRefineRefused(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out := filepath.Join(dir, "o.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--contaminant", samples, "--frozen", data}, "--patch-refine cannot be combined with --frozen: the patch-prior refinement re-estimates every pixel"},
		{[]string{"--contaminant", samples, "--box", "positive"}, "--patch-refine cannot be combined with --box positive: the patch-prior refinement does not keep pixel bounds; run without --patch-refine, or with --box none"},
		{[]string{"--models", dir, "--components", "a,b"}, "--patch-refine cannot be combined with --models: learned-model separation has its own pixel patch priors, --patch-prior"},
		{[]string{"--contaminant", samples, "--crop", "0:10,0:10"}, "--patch-refine: DATA_CROP: patch refinement: a 10×10 map gives 32 training rows for the prior fitted on the ST estimate"},
	} {
		code, _, errs := runCLI(t, append([]string{"separate", data, "-o", out, "--patch-refine"}, c.args...)...)
		c.want = strings.ReplaceAll(c.want, "DATA_CROP", data)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, errs)
		}
	}
}

// cancelOnWriter cancels when a line containing at is written to it.
type cancelOnWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	at     string
	cancel context.CancelFunc
}

func (w *cancelOnWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.Contains(string(p), w.at) {
		w.cancel()
	}
	return w.buf.Write(p)
}

// TestPref23PatchRefineStopped: Ctrl-C during the refinement writes no
// refined map: the finished separation's maps go to OUT's partial file and
// their report to DIR.partial, marked interrupted with settings.ended
// saying so and settings.patch_refine.applied false; OUT is not written.
func TestPref23PatchRefineStopped(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	plain, out, rep := filepath.Join(dir, "plain.npy"), filepath.Join(dir, "out.npy"), filepath.Join(dir, "rep")
	if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", plain); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := runContext
	runContext = func(io.Writer, string) (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { runContext = old }()
	w := &cancelOnWriter{at: "refining s̃ with patch priors", cancel: cancel}
	var so bytes.Buffer
	code := run([]string{"separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", out, "--report", rep, "--patch-refine"}, &so, w)
	errs := w.buf.String()
	if code != 1 || !strings.Contains(errs, "interrupted during the patch-prior refinement (--patch-refine), before its first stage: the maps are the finished separation's, not refined") {
		t.Fatalf("exit %d, want 1 and the refinement's stop:\n%s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("OUT written by a stopped run")
	}
	part, err := datasets.ReadMaps(filepath.Join(dir, "out.partial.npy"))
	if err != nil {
		t.Fatal(err)
	}
	st := pref23Read(t, plain)
	for i, v := range st.Data {
		if part.Data[i] != v {
			t.Fatalf("partial value %d: %g, the separation's %g", i, part.Data[i], v)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "rep.partial", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Settings struct {
			Interrupted bool           `json:"interrupted"`
			Ended       string         `json:"ended"`
			PatchRefine map[string]any `json:"patch_refine"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	if !mj.Settings.Interrupted || !strings.HasPrefix(mj.Settings.Ended, "interrupted during the patch-prior refinement") || mj.Settings.PatchRefine["applied"] != false {
		t.Errorf("settings: interrupted %v, ended %q, patch_refine %v", mj.Settings.Interrupted, mj.Settings.Ended, mj.Settings.PatchRefine)
	}
}
