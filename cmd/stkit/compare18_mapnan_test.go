package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// A NaN map in a folder given as MAP, --cross or --compare's A was reported
// as "datasets: DIR: … NaN in map 2" (its place in the whole set): stats
// now names the file and the map within it (validateSetJ).
func TestCompare18MapNaNNamesFile(t *testing.T) {
	root := t.TempDir()
	a, n := filepath.Join(root, "a"), filepath.Join(root, "n")
	writeGRFSet(t, a, 3, 91, 1)
	writeGRFSet(t, n, 2, 95, 1)
	m := stlayer.NewMaps(1, 32, 32)
	m.Data[37] = math.NaN()
	if err := datasets.WriteMaps(filepath.Join(n, "nan64.npy"), m); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(n, "nan64.npy") + ": 1 non-finite pixel (first: NaN in map 0 at row 1, column 5)"
	for _, args := range [][]string{{n}, {n, "--compare", a}, {a, "--cross", n}, {a, "--imag", n, "--kind", "wph"}} {
		code, _, errs := runCLI(t, append(append([]string{"stats"}, args...), "-J", "2")...)
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", args, code, want, errs)
		}
	}
}
