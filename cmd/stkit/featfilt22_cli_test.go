package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFfiltCLI: stkit export --patch-prior --feature-filter 0,1 (scaled
// down: K 3, 8 mixtures per fold) writes feature_filter_0_1.npz and says
// so; separate --models then runs "patch prior + feature filter" (method
// line, metrics.json settings.method, feature_filter, feature_filter_used),
// --feature-filter off the patch prior alone (other maps); bad values and
// a filter without --patch-prior are refused.
func TestFfiltCLI(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ff := filepath.Join(work, "ff")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", ff, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8")
	if code != 0 || !strings.Contains(errs, "  feature filter of component 0 against 1: features d,pp,du,ev,rw (14 channels), α ") ||
		!strings.Contains(errs, ", 8 training mixtures per fold, held-aside worst-bin r ") || !strings.Contains(errs, "(feature_filter_0_1.npz)\n") {
		t.Fatalf("export --feature-filter: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(ff, "feature_filter_0_1.npz")); err != nil {
		t.Fatal(err)
	}
	mix := filepath.Join(dir, "mix.npy")
	rep := filepath.Join(work, "rep")
	a, off := filepath.Join(work, "a.npy"), filepath.Join(work, "off.npy")
	code, _, errs = runCLI(t, "separate", mix, "--models", ff, "--components", "0,1", "-o", a, "--report", rep, "--log-every", "10")
	if code != 0 || !strings.Contains(errs, "separate: method: patch prior + feature filter (the two-source posterior mean under the components' 3-Gaussian priors of 6×6 pixel patches, stride 1, refined by the feature filter feature_filter_0_1.npz of component 0: features d,pp,du,ev,rw, learned on 8 × 2 synthetic training mixtures; --feature-filter off for the patch prior alone; no L-BFGS stage") {
		t.Fatalf("separate with the filter: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "coefficients), the patch-prior estimate refined by the feature filter (no L-BFGS stage: steps, tau and init unused), engine ") {
		t.Errorf("separate with the filter: the first line should say the filter refines the estimate\n%s", errs)
	}
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
	used, _ := m.Settings["feature_filter_used"].(map[string]any)
	feats, _ := json.Marshal(used["features"])
	if m.Settings["method"] != "patch prior + feature filter" || m.Settings["feature_filter"] != "auto" || used["file"] != "feature_filter_0_1.npz" ||
		used["a"] != 0.0 || used["b"] != 1.0 || string(feats) != `["d","pp","du","ev","rw"]` || used["alpha"] == nil || m.Settings["steps"] != nil {
		t.Errorf("metrics.json settings: method %v, feature_filter %v, used %s, steps %v", m.Settings["method"], m.Settings["feature_filter"], used, m.Settings["steps"])
	}
	code, _, errs = runCLI(t, "separate", mix, "--models", ff, "--components", "0,1", "-o", off, "--feature-filter", "off", "--log-every", "10")
	if code != 0 || !strings.Contains(errs, "separate: method: patch prior (the two-source") || !strings.Contains(errs, "the patch-prior estimate alone (no L-BFGS") {
		t.Fatalf("--feature-filter off: exit %d\n%s", code, errs)
	}
	ba, _ := os.ReadFile(a)
	bo, _ := os.ReadFile(off)
	if len(ba) == 0 || bytes.Equal(ba, bo) {
		t.Errorf("the maps with and without the filter are the same (%d bytes)", len(ba))
	}
	// the help names the flags' values (a backquoted phrase in the usage would replace "string")
	_, so, se := runCLI(t, "export", "-h")
	if !strings.Contains(so+se, "  -feature-filter string\n") || !strings.Contains(so+se, "  -feature-filter-mixtures int\n") {
		t.Errorf("export -h lacks '-feature-filter string' and '-feature-filter-mixtures int':\n%s%s", so, se)
	}
	wantBadInput(t, []string{"separate", mix, "--models", ff, "--components", "0,1", "-o", filepath.Join(work, "x.npy"), "--feature-filter", "on"}, `--feature-filter "on": want auto or off`)
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "y"), "--feature-filter", "0,1"}, "--feature-filter 0,1 refines the patch-prior estimate: it needs --patch-prior")
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "z"), "--patch-prior", "--feature-filter", "0"}, `--feature-filter: feature filter pair "0": want a,b`)
}
