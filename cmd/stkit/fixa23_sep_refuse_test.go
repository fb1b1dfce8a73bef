package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixa23FiltersWithoutPriorsRefused: on a model folder whose manifest
// lists a feature filter but no patch_priors (a hand edit), separate
// --models with the default --patch-prior auto and --feature-filter auto,
// and with --patch-prior on or start, is refused (exit 2) with infer's
// error before anything else is printed: no header, no method line, nothing
// on stdout; --patch-prior on with --feature-filter off is refused as on a
// folder without priors, before the header too; --patch-prior off or
// --feature-filter off separate with the statistics. Fails on the old code
// (auto ran the statistics, ignoring the filter, exit 0; on and start
// printed the header, then failed on the missing priors).
func TestFixa23FiltersWithoutPriorsRefused(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ff := filepath.Join(work, "ff")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", ff, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 1500))
	}
	// the hand edit: patch_priors out of the manifest, their files removed
	man := filepath.Join(ff, "manifest.json")
	b, err := os.ReadFile(man)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["patch_priors"] == nil || doc["feature_filters"] == nil {
		t.Fatalf("the export has no patch_priors or feature_filters: %v", doc)
	}
	delete(doc, "patch_priors")
	if b, err = json.MarshalIndent(doc, "", " "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(man, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"patch_prior_0.npz", "patch_prior_1.npz"} {
		if err := os.Remove(filepath.Join(ff, f)); err != nil {
			t.Fatal(err)
		}
	}
	mix := filepath.Join(dir, "mix.npy")
	filterErr := "stkit: " + man + ": feature_filters feature_filter_0_1.npz without patch_priors: a filter refines the patch-prior estimate (re-export the models with --patch-prior and --feature-filter, or separate with --feature-filter off)\n"
	priorErr := "stkit: --patch-prior on: the model folder " + ff + " has no patch priors for components 0 and 1 (export them with `stkit export --patch-prior`); use the statistics alone (--patch-prior off)\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, filterErr},
		{[]string{"--patch-prior", "auto", "--feature-filter", "auto"}, filterErr},
		{[]string{"--patch-prior", "on"}, filterErr},
		{[]string{"--patch-prior", "start"}, filterErr},
		{[]string{"--patch-prior", "on", "--feature-filter", "off"}, priorErr},
	} {
		out := filepath.Join(work, "s.npy")
		args := append([]string{"separate", mix, "--models", ff, "--components", "0,1", "--steps", "0,2", "-o", out}, c.args...)
		code, stdout, errs := runCLI(t, args...)
		if code != 2 || errs != c.want || stdout != "" {
			t.Errorf("%v: exit %d (want 2), stdout %q, stderr\n%s\nwant only\n%s", c.args, code, stdout, errs, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: %s written", c.args, out)
		}
	}
	for i, extra := range [][]string{{"--patch-prior", "off"}, {"--feature-filter", "off"}} {
		out := filepath.Join(work, "ok"+string(rune('0'+i))+".npy")
		args := append([]string{"separate", mix, "--models", ff, "--components", "0,1", "--steps", "0,2", "--log-every", "10", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		if code != 0 || !strings.Contains(errs, "separate: method: statistics") {
			t.Errorf("%v: exit %d, want 0 and the statistics\n%s", extra, code, tail(errs, 1500))
		}
	}
}
