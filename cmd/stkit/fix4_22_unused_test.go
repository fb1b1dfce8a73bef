package main

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// fix4: with the patch prior alone, separate --models --positive 0,1
// --gauss-prior 5 exited 0 with negative pixels in component 0, a header
// saying only "steps, tau and init unused" and no trace of either flag in
// metrics.json (cfb5dba dropped settings.positive). The header now names
// them, one warning says they went unused, and settings.unused keeps the
// request; the maps are those of the run without the flags.
func TestFix4PatchPriorUnusedFlags(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix := filepath.Join(dir, "mix.npy")
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "--positive", "0,1", "--gauss-prior", "5",
		"-o", filepath.Join(work, "a.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 1500))
	}
	for _, want := range []string{
		"the patch-prior estimate alone (no L-BFGS stage: steps, tau, init, --positive 0,1 and --gauss-prior 5 unused)",
		"separate: warning: --positive 0,1 (nothing keeps those components ≥ 0) and --gauss-prior 5: unused, no L-BFGS stage runs (they act only there); --patch-prior off runs the statistics with them\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, errs)
		}
	}
	st := pfixcliSettings(t, rep)
	if u, want := st["unused"], map[string]any{"positive": "0,1", "gauss_prior": "5"}; !reflect.DeepEqual(u, want) {
		t.Errorf("settings.unused %v, want %v", u, want)
	}
	if _, ok := st["positive"]; ok {
		t.Errorf("settings.positive %v recorded as if applied", st["positive"])
	}
	// what runs is unchanged: the same maps as without the flags
	code, _, errs2 := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--report", filepath.Join(work, "rep2"))
	if code != 0 {
		t.Fatalf("without the flags: exit %d\n%s", code, tail(errs2, 1500))
	}
	if !strings.Contains(errs2, "(no L-BFGS stage: steps, tau and init unused)") || strings.Contains(errs2, "warning: --positive") {
		t.Errorf("without the flags: header or warning changed\n%s", errs2)
	}
	if u, ok := pfixcliSettings(t, filepath.Join(work, "rep2"))["unused"]; ok {
		t.Errorf("without the flags: settings.unused %v", u)
	}
	a, err := datasets.ReadMaps(filepath.Join(work, "a.npy"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := datasets.ReadMaps(filepath.Join(work, "b.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, b.Data) {
		t.Errorf("--positive/--gauss-prior changed the patch-prior maps")
	}
	if slices.Min(a.Map(0)) >= 0 {
		t.Errorf("component 0: min %g; the test wants a map with negative pixels", slices.Min(a.Map(0)))
	}
}

// fix4: the same with the feature filter refining the patch prior (method
// "patch prior + feature filter", no L-BFGS stage either): --positive 0
// alone is named, settings.unused holds it and no gauss_prior (not given).
func TestFix4FeatureFilterUnusedFlags(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ff := filepath.Join(work, "ff")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", ff, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 1500))
	}
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", ff, "--components", "0,1", "--positive", "0", "-o", filepath.Join(work, "a.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("separate: exit %d\n%s", code, tail(errs, 1500))
	}
	for _, want := range []string{
		"the patch-prior estimate refined by the feature filter (no L-BFGS stage: steps, tau, init and --positive 0 unused)",
		"separate: warning: --positive 0 (nothing keeps those components ≥ 0): unused, no L-BFGS stage runs (they act only there); --patch-prior off runs the statistics with them\n",
		"separate: method: patch prior + feature filter",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, errs)
		}
	}
	st := pfixcliSettings(t, rep)
	if u, want := st["unused"], map[string]any{"positive": "0"}; !reflect.DeepEqual(u, want) {
		t.Errorf("settings.unused %v, want %v", u, want)
	}
	if w, _ := st["warnings"].([]any); !slices.Contains(w, any("--positive 0 (nothing keeps those components ≥ 0): unused, no L-BFGS stage runs (they act only there); --patch-prior off runs the statistics with them")) {
		t.Errorf("settings.warnings %v lacks the unused warning", st["warnings"])
	}
}
