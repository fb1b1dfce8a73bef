package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func sizes19Maps(M, N int) *stlayer.Maps {
	x := stlayer.NewMaps(1, M, N)
	for i := range x.Data {
		x.Data[i] = 1 + float64(i%7)*0.1
	}
	return x
}

// validateSpec: the statistic's own size rule (any size from 2^(J+1), even
// sides for the global wst, scov and spectra), bad input (exit 2) naming
// the largest J, or the crop to even sides.
func TestSizes19ValidateSpec(t *testing.T) {
	for _, c := range []struct {
		M, N  int
		spec  stats.Spec
		given bool
		rule  string
		want  []string // nil: accepted
	}{
		{500, 500, stats.Spec{Kind: stats.SCov, J: 6}, true, "", nil},
		{500, 500, stats.Spec{Kind: stats.WST, J: 7}, false, defaultJRule, nil},
		{100, 100, stats.Spec{Kind: stats.WPH, J: 4}, true, "", nil},
		{96, 160, stats.Spec{Kind: stats.Spectra, J: 5}, true, "", nil},
		{501, 501, stats.Spec{Kind: stats.WPH, J: 6}, true, "", nil},
		{501, 501, stats.Spec{Kind: stats.SCov, J: 5}, true, "", []string{
			"m.npy: scov needs maps with even sides (Cheng's cropped Fourier grids); got 501×501. Crop the maps to 500×500 pixels (numpy: x[:500, :500]"}},
		{100, 100, stats.Spec{Kind: stats.WPH, J: 7}, true, "", []string{
			"J=7 needs maps of at least 256×256 pixels for wph (2^(J+1)); got 100×100 (use -J 5 or less for 100×100 maps)"}},
		{101, 101, stats.Spec{Kind: stats.SCov, J: 6}, false, "log2(min(M,N)) − 1", []string{
			"the default J=6 (log2(min(M,N)) − 1) needs maps of at least 128×128 pixels with even sides for scov (2^(J+1)); got 101×101; give -J 5 or less, cropped to 100×100 pixels"}},
		{15, 15, stats.Spec{Kind: stats.SCov, J: 1}, true, "", []string{
			"(15×15 maps allow no J ≥ 1: scov needs maps of at least 16×16 pixels with even sides)"}},
		{40, 40, stats.Spec{Kind: stats.WPH, J: 3, Pad: "crop", Cut: 2.5}, true, "", []string{
			"J=3 needs maps of at least 41×41 pixels for wph (more than twice the 20-pixel border that Pad crop cuts); got 40×40 (use -J 2 or less for 40×40 maps)"}},
	} {
		err := validateSpec("m.npy", sizes19Maps(c.M, c.N), c.spec, c.given, c.rule)
		name := fmt.Sprintf("%v on %d×%d", c.spec, c.M, c.N)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		var bi badInput
		if !errors.As(err, &bi) {
			t.Errorf("%s: %v (%T), want bad input", name, err, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s:\n%s\nlacks %q", name, err, w)
			}
		}
	}
	// the pixel checks keep their messages
	x := sizes19Maps(100, 100)
	x.Data[3] = math.NaN()
	if err := validateSpec("m.npy", x, stats.Spec{Kind: stats.WPH, J: 4}, true, ""); err == nil || !strings.Contains(err.Error(), "1 non-finite pixel") || !strings.Contains(err.Error(), "No stkit option masks pixels") {
		t.Errorf("NaN: %v", err)
	}
	x.Data[3] = datasets.Unseen
	if err := validateSpec("m.npy", x, stats.Spec{Kind: stats.WPH, J: 4}, true, ""); err == nil || !strings.Contains(err.Error(), "HEALPix's UNSEEN value") {
		t.Errorf("UNSEEN: %v", err)
	}
	// the kind-less rule (validateSized with no spec): 2^(J+1), any parity
	if err := validateSized("m.npy", sizes19Maps(129, 131), 6, nil, true, ""); err != nil {
		t.Errorf("129×131 J=6, no kind: %v", err)
	}
	if err := validateSized("m.npy", sizes19Maps(64, 64), 6, nil, true, ""); err == nil ||
		!strings.Contains(err.Error(), "J=6 needs maps of at least 128×128 pixels (2^(J+1)); got 64×64 (use -J 5 or less for 64×64 maps)") {
		t.Errorf("64×64 J=6, no kind: %v", err)
	}
}

// sizes19Uncovered counts, by marking every patch as datasets.CutPatches
// places them (corners every stride pixels from 0), the pixels of an M×N
// map in no patch and the rows and columns past the last patch.
func sizes19Uncovered(M, N, size, stride int) (pixels, rows, cols int) {
	in := make([]bool, M*N)
	lastR, lastC := 0, 0
	for r := 0; r+size <= M; r += stride {
		for c := 0; c+size <= N; c += stride {
			for i := r; i < r+size; i++ {
				for j := c; j < c+size; j++ {
					in[i*N+j] = true
				}
			}
			lastR, lastC = max(lastR, r+size), max(lastC, c+size)
		}
	}
	for _, v := range in {
		if !v {
			pixels++
		}
	}
	return pixels, M - lastR, N - lastC
}

// patches' border note: the rows and columns of the maps in no patch,
// counted as the grid of patches leaves them.
func TestSizes19PatchBorderNote(t *testing.T) {
	src := func(M, N int) datasets.Source { return datasets.Source{Name: "m", Maps: stlayer.NewMaps(1, M, N)} }
	for _, c := range [][4]int{{500, 500, 64, 64}, {500, 500, 64, 0}, {200, 264, 32, 24}, {100, 96, 32, 32}} {
		M, N, size, stride := c[0], c[1], c[2], c[3]
		st := stride
		if st == 0 {
			st = size / 2
		}
		px, rows, cols := sizes19Uncovered(M, N, size, st)
		got := patchBorderNote([]datasets.Source{src(M, N)}, size, stride)
		if px == 0 {
			if got != "" {
				t.Errorf("%d×%d --size %d --stride %d: every pixel is in a patch, got %q", M, N, size, stride, got)
			}
			continue
		}
		want := []string{fmt.Sprintf("patches: note: --size %d --stride %d leaves the last", size, st),
			fmt.Sprintf("of the %d×%d maps in no patch (%d of %d pixels per map, %.1f%%)", M, N, px, M*N, 100*float64(px)/float64(M*N))}
		if rows > 0 {
			want = append(want, plural(rows, "row"))
		}
		if cols > 0 {
			want = append(want, plural(cols, "column"))
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%d×%d --size %d --stride %d: %q lacks %q", M, N, size, stride, got, w)
			}
		}
	}
	if got := patchBorderNote([]datasets.Source{src(500, 500)}, 64, 64); !strings.Contains(got, "the last 52 rows and 52 columns of the 500×500 maps") {
		t.Errorf("500×500 --size 64 --stride 64: %q", got)
	}
	if got := patchBorderNote([]datasets.Source{src(64, 64), src(64, 64)}, 32, 32); got != "" {
		t.Errorf("64×64 tiled by 32: %q", got)
	}
	two := patchBorderNote([]datasets.Source{src(100, 100), src(64, 64), src(70, 64)}, 32, 32)
	if !strings.Contains(two, "of the 100×100 maps") || !strings.Contains(two, "; the last 6 rows of the 70×64 maps") || strings.Contains(two, "64×64") {
		t.Errorf("maps of several sizes: %q", two)
	}
}

// stkit patches prints the note.
func TestSizes19PatchesPrintsBorder(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 80, 72)
	x, err := datasets.LogNormalField(80, 72, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	copy(m.Data, x)
	mp := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(mp, m); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "patches", mp, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "32", "--kind", "wst", "-J", "2")
	px, _, _ := sizes19Uncovered(80, 72, 32, 32)
	want := fmt.Sprintf("patches: note: --size 32 --stride 32 leaves the last 16 rows and 8 columns of the 80×72 maps in no patch (%d of 5760 pixels per map", px)
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("exit %d, want 0 and %q:\n%s", code, want, errs)
	}
}

// validateSetSpec: a problem of pixels is the file's, one of size the set's
// (as validateSetJ), with the statistic's own rule.
func TestSizes19ValidateSetSpec(t *testing.T) {
	n := filepath.Join(t.TempDir(), "n")
	writeGRFSet(t, n, 2, 95, 1)
	m := stlayer.NewMaps(1, 32, 32)
	m.Data[37] = math.NaN()
	if err := datasets.WriteMaps(filepath.Join(n, "nan64.npy"), m); err != nil {
		t.Fatal(err)
	}
	in, err := readStatsInput("MAP", n)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(n, "nan64.npy") + ": 1 non-finite pixel (first: NaN in map 0 at row 1, column 5)"
	if err := validateSetSpec(n, in.set, in.set.Maps, stats.Spec{Kind: stats.SCov, J: 2}, true, ""); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("validateSetSpec: %v, want %q", err, want)
	}
	if err := validateSetSpec(n, in.set, in.set.Maps, stats.Spec{Kind: stats.SCov, J: 5}, true, ""); err == nil || !strings.Contains(err.Error(), n+": J=5 needs maps of at least 64×64 pixels for scov (2^(J+1)); got 32×32") {
		t.Errorf("validateSetSpec J=5: %v, want the folder's size error", err)
	}
}
