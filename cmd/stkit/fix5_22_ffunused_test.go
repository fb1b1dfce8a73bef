package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// fix5: with --feature-filter auto (the default) on a folder with a filter
// for the pair, --patch-prior start or off left the filter unused (it
// refines the patch-prior estimate alone) without a word, and metrics.json
// recorded settings.feature_filter "auto" as if it applied. The method line
// now says so, and the setting reads "auto (unused: --patch-prior start)".
// So with auto and a --start; --feature-filter off keeps its words.
func TestFix5FeatureFilterUnused(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ff := filepath.Join(work, "ff")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", ff, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 1500))
	}
	mix := filepath.Join(dir, "mix.npy")
	for i, c := range []struct {
		args    []string
		line    string
		setting string
	}{
		{[]string{"--patch-prior", "start"}, "separate: method: patch prior + statistics (the L-BFGS stages started from the patch-prior estimate; the folder's feature filter refines the patch prior alone, not used with --patch-prior start)\n", "auto (unused: --patch-prior start)"},
		{[]string{"--patch-prior", "off"}, "separate: method: statistics (the folder's feature filter refines the patch prior alone, not used with --patch-prior off)\n", "auto (unused: --patch-prior off)"},
		{[]string{"--patch-prior", "off", "--feature-filter", "off"}, "separate: method: statistics\n", "off"},
		// auto with a --start (the first case's maps) runs the statistics
		{[]string{"--start", filepath.Join(work, "rep0.npy")}, "drop --start to separate with them; the folder's feature filter refines the patch prior alone, not used with --start)\n", "auto (unused: --start)"},
	} {
		rep := filepath.Join(work, fmt.Sprintf("rep%d", i))
		args := append([]string{"separate", mix, "--models", ff, "--components", "0,1", "--steps", "0,2", "--log-every", "10", "-o", rep + ".npy", "--report", rep}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.args, code, tail(errs, 1500))
		}
		if !strings.Contains(errs, c.line) {
			t.Errorf("%v: stderr lacks %q\n%s", c.args, c.line, errs)
		}
		st := pfixcliSettings(t, rep)
		if st["feature_filter"] != c.setting || st["feature_filter_used"] != nil {
			t.Errorf("%v: settings.feature_filter %v (used %v), want %q", c.args, st["feature_filter"], st["feature_filter_used"], c.setting)
		}
	}
	if got := featureFilterUnusedLine("method: statistics", ""); got != "method: statistics" {
		t.Errorf("no reason: %q", got)
	}
}
