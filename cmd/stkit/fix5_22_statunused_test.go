package main

import (
	"path/filepath"
	"reflect"
	"testing"
)

// fix5: a run with the patch prior alone recorded settings.stride (0: the
// statistic's tile stride) and settings.min_fraction in metrics.json
// although no statistic tile is constrained and no coefficient mask
// applies. Both are gone from what applied; given, they stay in
// settings.unused as given. The statistics keep recording them.
func TestFix5PatchPriorStatFlagsUnused(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix := filepath.Join(dir, "mix.npy")
	for _, c := range []struct {
		name   string
		args   []string
		unused any
	}{
		{"given", []string{"--stride", "8", "--min-fraction", "0.5"}, map[string]any{"stride": "8", "min_fraction": "0.5"}},
		{"default", nil, nil},
	} {
		rep := filepath.Join(work, c.name)
		args := append([]string{"separate", mix, "--models", pp, "--components", "0,1", "-o", rep + ".npy", "--report", rep}, c.args...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.name, code, tail(errs, 1500))
		}
		st := pfixcliSettings(t, rep)
		if st["method"] != "patch prior" {
			t.Fatalf("%s: method %v", c.name, st["method"])
		}
		for _, k := range []string{"stride", "min_fraction"} {
			if v, ok := st[k]; ok {
				t.Errorf("%s: settings.%s %v recorded as if applied", c.name, k, v)
			}
		}
		if u := st["unused"]; !reflect.DeepEqual(u, c.unused) {
			t.Errorf("%s: settings.unused %v, want %v", c.name, u, c.unused)
		}
	}
	rep := filepath.Join(work, "stat")
	if code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "--patch-prior", "off", "--steps", "0,2", "--min-fraction", "0.5",
		"-o", rep+".npy", "--report", rep); code != 0 {
		t.Fatalf("statistics: exit %d\n%s", code, tail(errs, 1500))
	}
	if st := pfixcliSettings(t, rep); st["stride"] != 0.0 || st["min_fraction"] != 0.5 || st["unused"] != nil {
		t.Errorf("statistics: stride %v, min_fraction %v, unused %v", st["stride"], st["min_fraction"], st["unused"])
	}
}
