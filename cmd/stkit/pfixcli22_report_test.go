package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// pfixcliBigMix writes the models fixture's 32² mixture tiled 2 × 2 (a 64²
// map) to work/big.npy.
func pfixcliBigMix(t *testing.T, dir, work string) string {
	t.Helper()
	mix, err := datasets.ReadMaps(filepath.Join(dir, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	big := stlayer.NewMaps(1, 64, 64)
	for r := 0; r < 64; r++ {
		for c := 0; c < 64; c++ {
			big.Data[r*64+c] = mix.Data[(r%32)*32+c%32]
		}
	}
	p := filepath.Join(work, "big.npy")
	if err := datasets.WriteMaps(p, big); err != nil {
		t.Fatal(err)
	}
	return p
}

// pfixcliSettings reads a report's metrics.json settings.
func pfixcliSettings(t *testing.T, rep string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings map[string]any `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Settings
}

// pfixcli22: separate --models --report did not record --crop (synth and
// separate with samples write settings.crop since edaca20): the report
// could not be traced to its pixels. settings.crop holds stats' fields;
// none without --crop.
func TestPfixcli22ModelsCropRecorded(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	big := pfixcliBigMix(t, dir, work)
	models := filepath.Join(dir, "models")
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", big, "--models", models, "--components", "0,1", "--steps", "0,1", "--crop", "0:48,8:64", "-o", filepath.Join(work, "a.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("separate --models --crop: exit %d\n%s", code, tail(errs, 1500))
	}
	want := map[string]any{"rows": []any{0.0, 48.0}, "cols": []any{8.0, 64.0}, "map_shape_read": []any{64.0, 64.0},
		"numpy": "x[0:48, 8:64]", "fits_section": "[9:64,1:48]"}
	if c := pfixcliSettings(t, rep)["crop"]; !reflect.DeepEqual(c, want) {
		t.Errorf("--crop 0:48,8:64: settings.crop %v, want %v", c, want)
	}
	rep2 := filepath.Join(work, "rep2")
	if code, _, errs = runCLI(t, "separate", big, "--models", models, "--components", "0,1", "--steps", "0,1", "-o", filepath.Join(work, "b.npy"), "--report", rep2); code != 0 {
		t.Fatalf("separate --models: exit %d\n%s", code, tail(errs, 1500))
	}
	if c, ok := pfixcliSettings(t, rep2)["crop"]; ok {
		t.Errorf("without --crop: settings.crop %v", c)
	}
}

// separate --models --help says --crop is recorded (as synth's and
// separate with samples' --crop help do).
func TestPfixcli22ModelsCropHelp(t *testing.T) {
	_, out, errs := runCLI(t, "separate", "--models", "m", "--help")
	if !strings.Contains(out+errs, "The pixels outside the window are left out; --report's metrics.json records the window as settings.crop") {
		t.Errorf("separate --models --help: --crop does not say it is recorded\n%s", tail(out+errs, 3000))
	}
}

// pfixcli22: the metrics.json of a run with the patch prior alone recorded
// settings no stage used (steps "0,300", init "wiener", gauss_prior 30 and
// its gauss_prior_term, stopped_early and stage_ends null, positive). Only
// what applied is recorded: tau stays, with stop_levels (τ × the
// typical_levels), the yardstick of the terms at the estimate.
func TestPfixcli22PriorOnlyReportSettings(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix := filepath.Join(dir, "mix.npy")
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "a.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("patch prior: exit %d\n%s", code, tail(errs, 1500))
	}
	unused := []string{"steps", "init", "gauss_prior", "gauss_prior_term", "stopped_early", "stage_ends", "positive"}
	s := pfixcliSettings(t, rep)
	for _, k := range unused {
		if v, ok := s[k]; ok {
			t.Errorf("patch prior alone: settings.%s = %v recorded, though no stage used it", k, v)
		}
	}
	for _, k := range []string{"method", "tau", "stop_levels", "typical_levels", "ended"} {
		if _, ok := s[k]; !ok {
			t.Errorf("patch prior alone: settings.%s missing", k)
		}
	}
	if s["method"] != "patch prior" || s["ended"] != "no L-BFGS stage (patch prior)" {
		t.Errorf("patch prior alone: method %v, ended %v", s["method"], s["ended"])
	}
	rep2 := filepath.Join(work, "rep2")
	if code, _, errs = runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--report", rep2, "--patch-prior", "start", "--steps", "0,1"); code != 0 {
		t.Fatalf("--patch-prior start: exit %d\n%s", code, tail(errs, 1500))
	}
	s = pfixcliSettings(t, rep2)
	for _, k := range unused {
		if _, ok := s[k]; !ok {
			t.Errorf("--patch-prior start (the stages ran): settings.%s missing", k)
		}
	}
}
