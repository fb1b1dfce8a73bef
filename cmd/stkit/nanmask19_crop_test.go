package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// bruteRect is largestRect's area by trying every rectangle.
func bruteRect(mask []bool, M, N int, side func(int) int) int {
	best := 0
	for r0 := 0; r0 < M; r0++ {
		for c0 := 0; c0 < N; c0++ {
			for r1 := r0 + 1; r1 <= M; r1++ {
				for c1 := c0 + 1; c1 <= N; c1++ {
					h, w := r1-r0, c1-c0
					if side(h) != h || side(w) != w || h*w <= best {
						continue
					}
					ok := true
					for r := r0; r < r1 && ok; r++ {
						for c := c0; c < c1 && ok; c++ {
							ok = mask[r*N+c]
						}
					}
					if ok {
						best = h * w
					}
				}
			}
		}
	}
	return best
}

// largestRect finds the largest all-true rectangle with accepted sides, as
// trying every rectangle does, on random masks and three size rules (any
// side; even sides ≥ 4; multiples of 4 ≥ 8), and the window it returns is
// all true and of accepted sides.
func TestNanmask19LargestRect(t *testing.T) {
	rules := map[string]func(int) int{
		"any":  anySide,
		"even": sideOf(datasets.SizeRule{J: 1, MinSide: 4, Even: true}),
		"div4": sideOf(datasets.SizeRule{J: 2, MinSide: 8, Divisible: true}),
	}
	rng := rand.New(rand.NewPCG(3, 19))
	for trial := 0; trial < 40; trial++ {
		M, N := 6+rng.IntN(12), 6+rng.IntN(12)
		mask := make([]bool, M*N)
		p := 0.02 + 0.1*rng.Float64()
		for i := range mask {
			mask[i] = rng.Float64() > p
		}
		for name, side := range rules {
			want := bruteRect(mask, M, N, side)
			w, ok := largestRect(mask, M, N, side)
			if !ok {
				if want != 0 {
					t.Fatalf("trial %d %s: none found, brute force %d", trial, name, want)
				}
				continue
			}
			if got := w.rows() * w.cols(); got != want {
				t.Fatalf("trial %d %s %d×%d: area %d (%+v), brute force %d", trial, name, M, N, got, w, want)
			}
			if side(w.rows()) != w.rows() || side(w.cols()) != w.cols() {
				t.Fatalf("trial %d %s: sides %d×%d not accepted", trial, name, w.rows(), w.cols())
			}
			for r := w.R0; r < w.R1; r++ {
				for c := w.C0; c < w.C1; c++ {
					if !mask[r*N+c] {
						t.Fatalf("trial %d %s: window %+v holds a masked pixel (%d, %d)", trial, name, w, r, c)
					}
				}
			}
		}
	}
}

// The window's line, numpy slice and FITS section; --crop R0:R1,C0:C1
// parsing; the CRPIX of every WCS shifted by the pixels cut before the
// window (columns for axis 1, rows for axis 2), NAXISn set.
func TestNanmask19WindowAndCards(t *testing.T) {
	w := cropWin{12, 492, 8, 488}
	got := w.describe(512, 512)
	want := "kept rows 12–491, columns 8–487 (480×480, 88 % of the map's pixels; numpy x[12:492, 8:488], FITS section [9:488,13:492])"
	if got != want {
		t.Errorf("describe:\n got %s\nwant %s", got, want)
	}
	if p, err := parseCropWin(" 12:492, 8:488"); err != nil || p != w {
		t.Errorf("parseCropWin: %+v %v", p, err)
	}
	for _, bad := range []string{"12:492", "10:5,0:4", "a:b,c:d", "1:2,3:3"} {
		if _, err := parseCropWin(bad); err == nil {
			t.Errorf("parseCropWin(%q) accepted", bad)
		}
	}
	cards := []datasets.Card{
		{Key: "CRPIX1", Value: 256.5}, {Key: "CRPIX2", Value: int64(256)}, {Key: "CRPIX1A", Value: datasets.RawValue("1.0D2")},
		{Key: "CRPIX3", Value: 1.0}, {Key: "NAXIS1", Value: int64(512)}, {Key: "CRVAL1", Value: 120.0}, {Key: "HISTORY", Comment: "CRPIX1 kept", Commentary: true},
	}
	out := cropCards(cards, w)
	wantV := map[string]any{"CRPIX1": 256.5 - 8, "CRPIX2": 256.0 - 12, "CRPIX1A": 100.0 - 8, "CRPIX3": 1.0, "NAXIS1": int64(480), "CRVAL1": 120.0}
	for _, c := range out {
		if v, ok := wantV[c.Key]; ok && c.Value != v {
			t.Errorf("%s = %v (%T), want %v", c.Key, c.Value, c.Value, v)
		}
	}
	if cards[0].Value != 256.5 {
		t.Errorf("the input cards changed: %v", cards[0].Value)
	}
}

var windowLine = regexp.MustCompile(`numpy x\[(\d+):(\d+), (\d+):(\d+)\]`)

// printedWindow parses the window of a --crop line.
func printedWindow(t *testing.T, stderr string) cropWin {
	t.Helper()
	m := windowLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no window printed:\n%s", stderr)
	}
	var v [4]int
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return cropWin{v[0], v[1], v[2], v[3]}
}

// nanEdgeMaps returns B log-normal maps of M×N pixels with NaN in the
// first top rows and the last right columns of every map, and at the
// pixels extra (row, column) of map 0.
func nanEdgeMaps(t *testing.T, B, M, N, top, right int, extra ...[2]int) *stlayer.Maps {
	t.Helper()
	m := stlayer.NewMaps(B, M, N)
	for b := 0; b < B; b++ {
		x, err := datasets.LogNormalField(M, N, -2.5, 0.8, uint64(b+7))
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < M; r++ {
			for c := 0; c < N; c++ {
				if r < top || c >= N-right {
					x[r*N+c] = math.NaN()
				}
			}
		}
		copy(m.Map(b), x)
	}
	for _, p := range extra {
		m.Data[p[0]*N+p[1]] = math.NaN()
	}
	return m
}

// stats --crop valid on a map with NaN edges: the window printed is
// NaN-free, of sides the statistic and the size check accept, as large as
// any such rectangle (brute force), and the coefficients are those of the
// map cut to it with numpy's slice (a file of its own); --crop R0:R1,C0:C1
// gives the same. A FITS map's section is printed; with no -J, the J
// chosen is the default of the window.
func TestNanmask19StatsCropValid(t *testing.T) {
	dir := t.TempDir()
	const M, N = 64, 64
	m := nanEdgeMaps(t, 1, M, N, 5, 4, [2]int{40, 30})
	in := filepath.Join(dir, "edge.fits")
	if err := datasets.WriteMapsCards(in, m, datasets.Card{Key: "BUNIT", Value: "K"}); err != nil {
		t.Fatal(err)
	}
	// without --crop: refused, as before
	if code, _, errs := runCLI(t, "stats", in, "-J", "3"); code != 2 || !strings.Contains(errs, "non-finite") {
		t.Fatalf("no --crop: exit %d, %s", code, errs)
	}
	a := filepath.Join(dir, "a.npy")
	code, _, errs := runCLI(t, "stats", in, "-J", "3", "--crop", "valid", "-o", a)
	if code != 0 {
		t.Fatalf("--crop valid: exit %d: %s", code, errs)
	}
	w := printedWindow(t, errs)
	if !strings.Contains(errs, "FITS section "+w.fitsSection()) || !strings.Contains(errs, "J=3") {
		t.Errorf("the line lacks the FITS section %s or J=3:\n%s", w.fitsSection(), errs)
	}
	mask, bad := finiteMask(m)
	if !strings.Contains(errs, plural(bad, "pixel")+" NaN or ±Inf") {
		t.Errorf("the line does not count the %d NaN pixels:\n%s", bad, errs)
	}
	spec := stats.Spec{J: 3}
	r := cropRule(spec, M, N)
	side := sideOf(r)
	if side(w.rows()) != w.rows() || side(w.cols()) != w.cols() {
		t.Errorf("window %+v: sides not of the rule %+v", w, r)
	}
	if want := bruteRect(mask, M, N, side); w.rows()*w.cols() != want {
		t.Errorf("window %+v: area %d, the largest NaN-free one of the rule %d", w, w.rows()*w.cols(), want)
	}
	cut := filepath.Join(dir, "cut.npy")
	if err := datasets.WriteMaps(cut, cropMaps(m, w)); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.npy")
	if code, _, errs := runCLI(t, "stats", cut, "-J", "3", "-o", b); code != 0 {
		t.Fatalf("stats of the cut map: exit %d: %s", code, errs)
	}
	c := filepath.Join(dir, "c.npy")
	win := fmt.Sprintf("%d:%d,%d:%d", w.R0, w.R1, w.C0, w.C1)
	if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--crop", win, "-o", c); code != 0 || !strings.Contains(errs, "--crop: MAP") {
		t.Fatalf("--crop %s: exit %d: %s", win, code, errs)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	bc, _ := os.ReadFile(c)
	if len(ba) == 0 || !bytes.Equal(ba, bb) || !bytes.Equal(ba, bc) {
		t.Errorf("coefficients differ: --crop valid %d bytes, cut file %d, --crop %s %d", len(ba), len(bb), win, len(bc))
	}
	// a window holding NaN is refused by the usual check; one beyond the map too
	if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--crop", "0:32,0:32"); code != 2 || !strings.Contains(errs, "non-finite") {
		t.Errorf("--crop over NaN: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, "stats", in, "-J", "3", "--crop", "0:32,0:65"); code != 2 || !strings.Contains(errs, "does not fit") {
		t.Errorf("--crop beyond the map: exit %d: %s", code, errs)
	}
	// no -J: the J is the default of the window's size
	code, _, errs = runCLI(t, "stats", in, "--crop", "valid", "-o", filepath.Join(dir, "d.json"))
	if code != 0 {
		t.Fatalf("--crop valid, no -J: exit %d: %s", code, errs)
	}
	wd := printedWindow(t, errs)
	if j := (stats.Spec{}).WithDefaults(wd.rows(), wd.cols()).J; !strings.Contains(errs, fmt.Sprintf("J=%d (the default", j)) {
		t.Errorf("no -J: want J=%d, the default of %d×%d:\n%s", j, wd.rows(), wd.cols(), errs)
	}
	// J too large for any NaN-free window: the largest rectangle is named
	code, _, errs = runCLI(t, "stats", in, "-J", "5", "--crop", "valid")
	if code != 2 || !strings.Contains(errs, "the largest NaN-free rectangle") || !strings.Contains(errs, "give a smaller -J") {
		t.Errorf("-J 5: exit %d: %s", code, errs)
	}
}

// cropCards is what --crop applies to the header cards a FITS input
// carries: read back from a file, CRPIX1 and CRPIX2 shifted by the window's
// first column and row, so that the pixel (R0, C0) of the cut map keeps
// the world position it had; the FITS section read by the reader gives
// the same cards.
func TestNanmask19CropKeepsWCS(t *testing.T) {
	dir := t.TempDir()
	m := nanEdgeMaps(t, 1, 40, 48, 3, 2)
	in := filepath.Join(dir, "w.fits")
	wcs := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"}, {Key: "CRPIX1", Value: 24.5}, {Key: "CRPIX2", Value: 20.5},
		{Key: "CRVAL1", Value: 120.0}, {Key: "CRVAL2", Value: 30.0}, {Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 0.025}}
	if err := datasets.WriteMapsCards(in, m, wcs...); err != nil {
		t.Fatal(err)
	}
	full, cards, err := readMapsCards(in)
	if err != nil {
		t.Fatal(err)
	}
	mask, _ := finiteMask(full)
	spec := stats.Spec{J: 2}
	w, err := chooseWindow(mask, nil, full.M, full.N, &spec, func(m, n int) int { return spec.WithDefaults(m, n).J })
	if err != nil {
		t.Fatal(err)
	}
	got := cropCards(cards, w)
	sec, secCards, err := readMapsCards(in + w.fitsSection())
	if err != nil {
		t.Fatal(err)
	}
	if sec.M != w.rows() || sec.N != w.cols() {
		t.Fatalf("the FITS section %s reads %d×%d, the window is %d×%d", w.fitsSection(), sec.M, sec.N, w.rows(), w.cols())
	}
	val := func(cs []datasets.Card, key string) float64 {
		for _, c := range cs {
			if c.Key == key {
				switch v := c.Value.(type) {
				case float64:
					return v
				case int64:
					return float64(v)
				}
			}
		}
		t.Fatalf("no %s", key)
		return 0
	}
	for _, k := range []string{"CRPIX1", "CRPIX2"} {
		shift := float64(w.C0)
		if k == "CRPIX2" {
			shift = float64(w.R0)
		}
		if g, o, s := val(got, k), val(cards, k), val(secCards, k); g != o-shift || g != s {
			t.Errorf("%s: cropped %g, input %g − %g, the FITS section's %g", k, g, o, shift, s)
		}
	}
	if !bytes.Equal(f64bytes(sec.Data), f64bytes(cropMaps(full, w).Data)) {
		t.Errorf("cropMaps differs from the FITS section's pixels")
	}
}

func f64bytes(x []float64) []byte {
	var b bytes.Buffer
	for _, v := range x {
		fmt.Fprintf(&b, "%x,", math.Float64bits(v))
	}
	return b.Bytes()
}
