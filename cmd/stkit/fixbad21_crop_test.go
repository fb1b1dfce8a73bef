package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --pad crop -J 4 on a 32×32 map took its means over the 16×16
// interior (c = 8 per side, 25 % of the pixels) without a word; now a note
// says so (also under -q, also for --compare). 64×64 at J = 4 (48×48, 56 %)
// gets none.
func TestFixbad21CropInteriorNote(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(2, 32, 32)
	for i := range m.Data {
		m.Data[i] = math.Sin(float64(i)/3) + 0.1*float64(i%5)
	}
	small := filepath.Join(dir, "s.npy")
	if err := datasets.WriteMaps(small, m); err != nil {
		t.Fatal(err)
	}
	want := "stats: note: --pad crop leaves out c = ⌊cut·2^J⌋ = 8 pixels on each side of the 32×32 maps (J = 4, --cut 1/2, the default): the statistics are means over the 16×16 interior, rows [8, 24) and columns [8, 24), 25 % of the pixels"
	code, _, errs := runCLI(t, "-q", "stats", small, "-J", "4", "--pad", "crop", "-o", filepath.Join(dir, "s.json"))
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("32×32, J = 4: exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "stats", small, "-J", "2", "--pad", "crop", "--cut", "2", "-o", filepath.Join(dir, "c.json"))
	if code != 0 || !strings.Contains(errs, "(J = 2, --cut 2)") || !strings.Contains(errs, "16×16 interior") {
		t.Errorf("32×32, J = 2, --cut 2: exit %d: %s", code, errs)
	}
	g := writeTestMap(t, dir, "g.npy", 1)
	code, _, errs = runCLI(t, "stats", g, "-J", "4", "--pad", "crop", "-o", filepath.Join(dir, "g.json"))
	if code != 0 || strings.Contains(errs, "--pad crop leaves out") {
		t.Errorf("64×64, J = 4: exit %d: %s", code, errs)
	}
}
