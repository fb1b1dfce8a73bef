package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --components 0,0 split the map into two copies of one model ("0
// iterations (73 evaluations)… final terms [9.008 9.008]", exit 0). A
// component named twice is refused (exit 2) before any work: here the data
// file does not even exist, and nothing is written.
func TestModelsepDuplicateComponents(t *testing.T) {
	work := t.TempDir()
	o := filepath.Join(work, "o.npy")
	for _, c := range []struct{ list, want string }{
		{"0,0", "model 0 is named twice (positions 0 and 1)"},
		{"1, 2,1", "model 1 is named twice (positions 0 and 2)"},
		{"noise:0.1,0,noise:0.2", "two white-noise components (positions 0 and 2)"},
		{"0,x", `"x" is neither a model index nor noise:SIGMA`},
		{"0,noise:0", "want noise:SIGMA with SIGMA > 0"},
	} {
		code, _, errs := runCLI(t, "separate", filepath.Join(work, "nope.npy"), "--models", filepath.Join(work, "nomodels"), "--components", c.list, "-o", o)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Contains(errs, "nope.npy") {
			t.Errorf("--components %s: exit %d, want 2 with %q before reading the data\n%s", c.list, code, c.want, errs)
		}
	}
	if ents, _ := os.ReadDir(work); len(ents) != 0 {
		t.Errorf("refused runs left %d files", len(ents))
	}
	for _, ok := range [][]string{{"0", "1"}, {"0", "noise:0.1"}, {"2", "0", "noise:1"}} {
		if err := checkComponentList(ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}
