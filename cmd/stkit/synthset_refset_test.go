package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --reference-set holding the target map (the README's example passes
// the folder of its target) was used as it was: the yardsticks' spread
// included the target itself (spread_maps 20 for 19 other Quijote maps).
// The maps equal to a target map are now left out with a note naming them;
// when that would leave fewer than 2 maps (no spread) the set is kept whole
// and the note says the yardsticks include the target. metrics.json records
// reference_left_out and reference_includes_target.
func TestSynthReferenceSetLeavesOutTarget(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	target := writeGRFMaps(t, dir, "t.npy", 1, n, 1)
	refs := filepath.Join(dir, "refs")
	tdir := filepath.Join(dir, "targets")
	for _, d := range []string{refs, tdir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeGRFMaps(t, refs, "a.npy", 2, n, 1) // map 0 is the target
	writeGRFMaps(t, refs, "b.npy", 1, n, 3)
	writeGRFMaps(t, tdir, "x.npy", 3, n, 10)
	other := writeGRFMaps(t, dir, "other.npy", 2, n, 20)
	for _, c := range []struct {
		name, target, refs string
		note               string // "" for none
		spread, left       int
		includes           bool
		whose              string
	}{
		{"target in set", target, refs, "synth: note: --reference-set: left out 1 of its 3 maps, identical to a target map (a.npy map 0 = target t.npy), so that the yardsticks do not include the target itself; they come from the other 2 maps\n", 2, 1, false, "reference"},
		{"set is the target", tdir, tdir, "synth: note: --reference-set: 3 of its 3 maps are identical to target maps (x.npy map 0 = target x.npy map 0, x.npy map 1 = target x.npy map 1, x.npy map 2 = target x.npy map 2); leaving them out would leave 0 maps, too few for a spread: kept, so the yardsticks include the target itself (give ≥ 2 other realisations)\n", 3, 0, true, "reference"},
		{"no target in set", target, other, "", 2, 0, false, "reference"},
	} {
		rep := filepath.Join(dir, "rep-"+strings.ReplaceAll(c.name, " ", ""))
		code, _, errs := runCLI(t, "--engine", "cpu", "synth", c.target, "-J", "2", "--steps", "1", "-o", rep+".npy", "--report", rep, "--reference-set", c.refs)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		if c.note != "" && !strings.Contains(errs, c.note) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, c.note, tail(errs, 1000))
		}
		if c.note == "" && strings.Contains(errs, "left out") {
			t.Errorf("%s: a note on maps left out:\n%s", c.name, tail(errs, 1000))
		}
		raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var vm struct {
			SpreadMaps int `json:"spread_maps"`
			Settings   struct {
				LeftOut  *int  `json:"reference_left_out"`
				Includes *bool `json:"reference_includes_target"`
			} `json:"settings"`
		}
		if err := json.Unmarshal(raw, &vm); err != nil {
			t.Fatal(err)
		}
		if s := vm.Settings; vm.SpreadMaps != c.spread || s.LeftOut == nil || *s.LeftOut != c.left || s.Includes == nil || *s.Includes != c.includes {
			t.Errorf("%s: spread_maps %d, reference_left_out %s, reference_includes_target %s; want %d, %d, %v", c.name, vm.SpreadMaps, show(s.LeftOut), show(s.Includes), c.spread, c.left, c.includes)
		}
		if want := "between two " + c.whose + " maps"; !strings.Contains(errs, want) {
			t.Errorf("%s: report line lacks %q:\n%s", c.name, want, tail(errs, 400))
		}
	}
}
