package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestPolfix19Surrogate: surrogate writes float32 (BITPIX −32) when every
// input is float32 and float64 otherwise (pol's report: Qs.fits was
// BITPIX −64, 8.4 MB, from float32 Q.fits); --joint warns when its
// inputs' pixel scales differ (surrogate Q.fits I_K_2arcmin.fits --joint
// shared one phase field across 5′ and 2′ pixels silently), not when they
// agree; and the HISTORY of a cube's channels counts FITS planes from 1
// ("IQU.fits plane 2", not "map 1").
func TestPolfix19Surrogate(t *testing.T) {
	dir := t.TempDir()
	w := func(name, dtype string, b int, cdelt float64, seed float64) string {
		m := stlayer.NewMaps(b, 16, 16)
		for i := range m.Data {
			m.Data[i] = math.Sin(0.37*float64(i)+seed) + 0.3*math.Cos(1.3*float64(i*i%97))
		}
		p := filepath.Join(dir, name)
		cards := []datasets.Card{{Key: "CTYPE1", Value: "RA---CAR"}, {Key: "CTYPE2", Value: "DEC--CAR"},
			{Key: "CDELT1", Value: -cdelt}, {Key: "CDELT2", Value: cdelt}, {Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "deg"}}
		if err := datasets.WriteMapsWith(p, m, datasets.MapsWriteOptions{DType: dtype, Cards: cards}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dtypeOf := func(p string) string {
		a, err := datasets.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		return a.DType
	}
	q32, u32 := w("q.fits", "float32", 1, 5.0/60, 0), w("u.fits", "float32", 1, 5.0/60, 1)
	i64 := w("i.fits", "float64", 1, 5.0/60, 2)
	fine := w("f.fits", "float32", 1, 2.0/60, 3)
	// each output file in the precision of the inputs it holds
	for _, tc := range []struct {
		in   []string
		want []string
		warn bool
	}{
		{[]string{q32}, []string{"float32"}, false},
		{[]string{i64}, []string{"float64"}, false},
		{[]string{q32, u32, "--joint"}, []string{"float32", "float32"}, false},
		{[]string{q32, i64, "--joint"}, []string{"float32", "float64"}, false},
		{[]string{q32, fine, "--joint"}, []string{"float32", "float32"}, true},
	} {
		outs := []string{filepath.Join(dir, "a.fits")}
		if len(tc.in) > 1 {
			outs = append(outs, filepath.Join(dir, "b.fits"))
		}
		code, _, errs := runCLI(t, append(append([]string{"surrogate"}, tc.in...), "-o", strings.Join(outs, ","))...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.in, code, errs)
		}
		for k, o := range outs {
			if got := dtypeOf(o); got != tc.want[k] {
				t.Errorf("%v: %s stored as %s, want %s", tc.in, filepath.Base(o), got, tc.want[k])
			}
		}
		warned := strings.Contains(errs, "warning: --joint inputs of different pixel scales") && strings.Contains(errs, "f.fits")
		if warned != tc.warn {
			t.Errorf("%v: pixel-scale warning %v, want %v: %s", tc.in, warned, tc.warn, errs)
		}
	}
	// a float32 cube's channels, one file each: HISTORY names FITS planes
	cube := w("iqu.fits", "float32", 3, 5.0/60, 4)
	outs := []string{filepath.Join(dir, "I.fits"), filepath.Join(dir, "Q.fits"), filepath.Join(dir, "U.fits")}
	surr19Run(t, cube, "--joint", "-o", strings.Join(outs, ","))
	_, cards, err := datasets.ReadMapsHeader(outs[1])
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	for _, c := range cards {
		if c.Key == "HISTORY" {
			h = append(h, c.Comment)
		}
	}
	if got := strings.Join(h, " "); !strings.Contains(got, "the surrogates of iqu.fits plane 2") || strings.Contains(got, "iqu.fits map 1") {
		t.Errorf("Q's HISTORY names its channel as %q", got)
	}
	if dtypeOf(outs[1]) != "float32" {
		t.Errorf("cube channel stored as %s", dtypeOf(outs[1]))
	}
}
