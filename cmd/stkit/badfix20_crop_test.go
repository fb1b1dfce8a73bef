package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// within runs f and fails the test when it has not returned after d (the
// --crop valid hang at J=1: cropRule's probe loop never ended).
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still running after %v", what, d)
	}
}

// cropRule at J=1 returned never (it looked for an even side that 2 does
// not divide); now it returns the divisible-by-2 rule, for every family.
func TestBadfix20CropRuleJ1(t *testing.T) {
	for _, k := range []stats.Kind{stats.WST, stats.SCov, stats.Spectra, stats.WPH} {
		var r datasets.SizeRule
		within(t, 5*time.Second, "cropRule J=1 "+string(k), func() { r = cropRule(stats.Spec{Kind: k, J: 1}, 64, 64) })
		if r.J != 1 || !r.Divisible || sideOf(r)(63) != 62 || sideOf(r)(64) != 64 {
			t.Errorf("%s: rule %+v, sides 63→%d 64→%d, want J=1 divisible 62, 64", k, r, sideOf(r)(63), sideOf(r)(64))
		}
	}
}

// stats --crop valid -J 1 on a clean 64² map (it hung) keeps the whole map;
// with no -J, maps whose NaN leave no window (all NaN; NaN every other
// pixel; NaN every 8th row and column) hung at J=1 and now get the exit-2
// no-window message that -J 3 gives.
func TestBadfix20CropValidNoHang(t *testing.T) {
	dir := t.TempDir()
	clean := writeTestMap(t, dir, "g64.npy", 1)
	within(t, 20*time.Second, "stats --crop valid -J 1", func() {
		code, _, errs := runCLI(t, "stats", clean, "--crop", "valid", "-J", "1", "--kind", "wst", "-o", filepath.Join(dir, "o.json"))
		if code != 0 || !strings.Contains(errs, "kept rows 0–63, columns 0–63 (64×64, 100 %") || !strings.Contains(errs, "J=1") {
			t.Errorf("clean map, -J 1: exit %d: %s", code, errs)
		}
	})
	mk := func(name string, M int, nan func(r, c int) bool) string {
		m := stlayer.NewMaps(1, M, M)
		for r := 0; r < M; r++ {
			for c := 0; c < M; c++ {
				m.Data[r*M+c] = float64(r*M + c)
				if nan(r, c) {
					m.Data[r*M+c] = math.NaN()
				}
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		path, want string
	}{
		{mk("allnan16.npy", 16, func(r, c int) bool { return true }), "no pixel of the 16×16 maps is finite in every map"},
		{mk("checker.npy", 64, func(r, c int) bool { return (r+c)%2 == 0 }), "is 1×1 pixels"},
		{mk("grid8.npy", 64, func(r, c int) bool { return r%8 == 0 || c%8 == 0 }), "rows 1–7, columns 1–7, is 7×7 pixels"},
	}
	for _, c := range cases {
		for _, j := range [][]string{nil, {"-J", "1"}, {"-J", "3"}} {
			args := append([]string{"stats", c.path, "--crop", "valid", "--kind", "wst", "-o", filepath.Join(dir, "x.json")}, j...)
			within(t, 20*time.Second, strings.Join(args, " "), func() {
				code, _, errs := runCLI(t, args...)
				if code != 2 || !strings.Contains(errs, "--crop valid: ") || !strings.Contains(errs, c.want) {
					t.Errorf("%v: exit %d, want 2 and %q: %s", args, code, c.want, errs)
				}
			})
		}
	}
}
