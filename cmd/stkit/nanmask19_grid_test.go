package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// nanBorderSource is a 104×112 map with NaN in its first 6 rows and first
// 9 columns and one NaN at (70, 50): the 16-pixel grid from 0,0 loses its
// first row and column of patches.
func nanBorderSource(t *testing.T) datasets.Source {
	t.Helper()
	x, err := datasets.LogNormalField(104, 112, -2.5, 0.8, 5)
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r < 104; r++ {
		for c := 0; c < 112; c++ {
			if r < 6 || c < 9 || r == 70 && c == 50 {
				x[r*112+c] = math.NaN()
			}
		}
	}
	return datasets.Source{Name: "edge.npy", Maps: &stlayer.Maps{B: 1, M: 104, N: 112, Data: x}}
}

// gridCounts counts what datasets.CutPatches keeps at every offset (the
// maps cut by the offset, --skip-nan); --grid-offset auto takes the
// offset with the most, says so, and the patches' rows and columns are
// those of the whole map (the pixels there are the patch's); the note
// without --grid-offset names that offset.
func TestNanmask19GridOffset(t *testing.T) {
	src := nanBorderSource(t)
	cfg := datasets.PatchConfig{Size: 16, Stride: 16, SkipNaN: true}
	counts := gridCounts([]datasets.Source{src}, 16, 16, 0)
	best := -1
	for dy := 0; dy < 16; dy++ {
		for dx := 0; dx < 16; dx++ {
			s := datasets.Source{Name: src.Name, Maps: cropMaps(src.Maps, cropWin{dy, 104, dx, 112})}
			ps, err := datasets.CutPatches([]datasets.Source{s}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := counts[dy*16+dx]; got != len(ps.Patches) {
				t.Fatalf("offset %d,%d: gridCounts %d, CutPatches %d", dy, dx, got, len(ps.Patches))
			}
			best = max(best, len(ps.Patches))
		}
	}
	if best <= counts[0] {
		t.Fatalf("the test map should gain from an offset: best %d, at 0,0 %d", best, counts[0])
	}
	var errb bytes.Buffer
	g := &globals{stdout: io.Discard, stderr: &errb}
	nm := nanmaskFlags(newFlagSet(g, "patches", "", ""), g, "patches")
	*nm.gridOffset = "auto"
	srcs := []datasets.Source{src}
	whole := src.Maps
	ps, err := nanmaskCutPatches(g, srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != best {
		t.Errorf("auto kept %d patches, the best offset %d", len(ps.Patches), best)
	}
	off, _ := bestOffset(counts, 16)
	if want := fmt.Sprintf("the grid starts at row %d, column %d", off.DY, off.DX); !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), fmt.Sprintf("%d at 0,0", counts[0])) {
		t.Errorf("auto line %q lacks %q", errb.String(), want)
	}
	for i, p := range ps.Patches {
		for r := 0; r < 16; r++ {
			for c := 0; c < 16; c++ {
				if ps.Patch(i)[r*16+c] != whole.Data[(p.Row+r)*112+p.Col+c] {
					t.Fatalf("patch %d at row %d, column %d: its pixels are not the whole map's there", i, p.Row, p.Col)
				}
			}
		}
	}
	// the CLI: a note without --grid-offset; the offset given explicitly
	dir := t.TempDir()
	in := filepath.Join(dir, "edge.npy")
	if err := datasets.WriteMaps(in, whole); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "patches", in, "--size", "16", "--stride", "16", "--skip-nan", "-J", "2", "-o", filepath.Join(dir, "ds0"))
	if code != 0 || !strings.Contains(errs, fmt.Sprintf("would keep %d NaN-free patches instead of %d: add --grid-offset auto (or --grid-offset %d,%d)", best, counts[0], off.DY, off.DX)) {
		t.Errorf("note: exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "patches", in, "--size", "16", "--stride", "16", "--skip-nan", "-J", "2", "--grid-offset", fmt.Sprintf("%d,%d", off.DY, off.DX), "-o", filepath.Join(dir, "ds1"))
	if code != 0 || !strings.Contains(strings.Replace(errs, "patches: note: ", "patches: ", 1), fmt.Sprintf("patches: %d patches", best)) {
		t.Errorf("--grid-offset %d,%d: exit %d: %s", off.DY, off.DX, code, errs)
	}
	if code, _, errs := runCLI(t, "patches", in, "--size", "16", "--grid-offset", "90,0", "--skip-nan", "-J", "2", "-o", filepath.Join(dir, "ds2")); code != 2 || !strings.Contains(errs, "hold no 16×16 patch") {
		t.Errorf("--grid-offset 90,0: exit %d: %s", code, errs)
	}
}
