package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestPolfix19DashUnits: the complex and cross dashboards' y units (pol's
// report: stats Q.fits --imag I_K.fits --kind wph --plot labelled
// [(MJy/sr)²] with U in K; --cross wrote "MJy/sr·K", which reads as
// MJy/(sr·K); a set mixing BUNITs dropped the unit silently). Now: Q and U
// in one unit give [(MJy/sr)²]; in two, no unit and a title line "units
// differ (MAP "MJy/sr", --imag "K")"; --cross of two units
// [(MJy/sr)·K]; a set mixing BUNITs a line "units differ (BUNIT …)"; the
// CLI draws each.
func TestPolfix19DashUnits(t *testing.T) {
	kinds, phase := map[string]string{"|C01|": "C01", "arg C01": "C01", "S11": "S11"}, map[string]bool{"arg C01": true}
	cplx := stats.Spec{Kind: stats.WPH, J: 3, L: 4, Complex: true}
	for _, tc := range []struct {
		spec               stats.Spec
		o                  dashOpts
		class, want, wantN string
	}{
		{cplx, dashOpts{imagUnit: "MJy/sr"}, "S11", " [(MJy/sr)²]", ""},
		{cplx, dashOpts{}, "|C01|", " [(MJy/sr)²]", ""}, // --imag without BUNIT: MAP's
		{cplx, dashOpts{imagUnit: "K"}, "S11", "", `units differ (MAP "MJy/sr", --imag "K"): the axes name no unit`},
		{cplx, dashOpts{imagUnit: "K"}, "arg C01", "", "units differ"},
		{stats.Spec{Kind: stats.WPH, J: 3, L: 4, Cross: true}, dashOpts{crossUnit: "K"}, "|C01|", " [(MJy/sr)·K]", ""},
		{stats.Spec{Kind: stats.WPH, J: 3, L: 4, Cross: true}, dashOpts{crossUnit: "MJy/sr"}, "|C01|", " [(MJy/sr)²]", ""},
		{stats.Spec{Kind: stats.WPH, J: 3, L: 4, Cross: true}, dashOpts{}, "|C01|", "", ""},
	} {
		f, note := cplxUnitOf(tc.spec, "MJy/sr", tc.o, kinds, phase)
		if got := f(tc.class); got != tc.want || !strings.HasPrefix(note, tc.wantN) || (tc.wantN == "") != (note == "") {
			t.Errorf("%+v %s: unit %q note %q, want %q %q", tc.o, tc.class, got, note, tc.want, tc.wantN)
		}
	}
	if got := crossUnitProduct("K", "MJy/sr"); got != "K·(MJy/sr)" {
		t.Errorf("crossUnitProduct(K, MJy/sr) = %q", got)
	}
	// a set mixing BUNITs, and the CLI's dashboards
	dir := t.TempDir()
	w := func(name, bunit string, f float64) string {
		m := stripeMaps(32, f, []float64{30})
		p := filepath.Join(dir, name)
		arr := &datasets.Array{DType: "float64", Shape: []int{m.M, m.N}, Float64: m.Data}
		if err := datasets.WriteFITS(p, arr, datasets.Card{Key: "BUNIT", Value: bunit}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := w("a.fits", "MJy/sr", 3), w("b.fits", "K", 5)
	in, err := readStatsInput("MAP", a+","+b)
	if err != nil {
		t.Fatal(err)
	}
	if n := setUnitsNote(in); !strings.Contains(n, `"MJy/sr" (a.fits)`) || !strings.Contains(n, `"K" (b.fits)`) || !strings.Contains(n, "no unit") {
		t.Errorf("setUnitsNote %q", n)
	}
	if one, err := readStatsInput("MAP", a); err != nil || setUnitsNote(one) != "" {
		t.Errorf("one file: %q %v", setUnitsNote(one), err)
	}
	for _, args := range [][]string{
		{a + "," + b, "--kind", "wph"},
		{a, "--imag", b, "--kind", "wph"},
		{a, "--cross", b, "--kind", "wph"},
	} {
		args = append(append([]string{"stats"}, args...), "-J", "2", "--plot", filepath.Join(dir, "d.png"))
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, tail(errs, 300))
		}
	}
}
