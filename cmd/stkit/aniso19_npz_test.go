package main

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestAniso19NPZArrays: stats -o x.npz carries the anisotropy summary the
// JSON has (it had none: the "anisotropy" was JSON- and table-only), as
// [B, J] arrays equal entry by entry to the JSON's, for a set of two
// stripe maps (wave vectors at 30° and 120°) and for one map ([1, J]), for
// scov (S1) and wph (S11); and stats --help documents the members.
func TestAniso19NPZArrays(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"scov", "wph"} {
		for _, deg := range [][]float64{{30, 120}, {60}} {
			mp := writeAnisoMaps(t, filepath.Join(dir, "m.npy"), stripeMaps(32, 4, deg))
			js := statsAniso(t, mp, "--kind", kind, "-J", "3")
			if js.Anisotropy == nil || len(js.Anisotropy.Maps) != len(deg) {
				t.Fatalf("%s: JSON anisotropy %+v", kind, js.Anisotropy)
			}
			np := filepath.Join(dir, "m.npz")
			if code, _, errs := runCLI(t, "stats", mp, "--kind", kind, "-J", "3", "-o", np); code != 0 {
				t.Fatalf("stats -o npz: exit %d: %s", code, tail(errs, 400))
			}
			got := map[string]*datasets.Array{}
			members, err := datasets.ReadNPZ(np)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				got[m.Name] = m.Array
			}
			B, J := len(deg), 3
			for _, name := range []string{"anisotropy_amplitude", "anisotropy_direction_deg", "anisotropy_stripe_direction_deg", "anisotropy_noise_rms", "anisotropy_noise_floor", "anisotropy_significant"} {
				a := got[name]
				if a == nil || len(a.Shape) != 2 || a.Shape[0] != B || a.Shape[1] != J {
					t.Fatalf("%s %v: member %s = %+v, want shape [%d, %d]", kind, deg, name, a, B, J)
				}
			}
			if got["anisotropy_significant"].DType != "bool" {
				t.Errorf("anisotropy_significant dtype %s, want bool", got["anisotropy_significant"].DType)
			}
			if c := got["anisotropy_class"]; c == nil || len(c.Strings) != 1 || c.Strings[0] != js.Anisotropy.Class {
				t.Errorf("anisotropy_class %+v, want %q", c, js.Anisotropy.Class)
			}
			if c := got["anisotropy_measured_from"]; c == nil || len(c.Strings) != 1 || !strings.HasPrefix(c.Strings[0], "column axis") {
				t.Errorf("anisotropy_measured_from %+v", c)
			}
			n := 0
			for b, m := range js.Anisotropy.Maps {
				for _, s := range m.Scales {
					i := b*J + s.J
					n++
					for name, want := range map[string]float64{
						"anisotropy_amplitude": s.Amplitude, "anisotropy_direction_deg": s.DirectionDeg,
						"anisotropy_stripe_direction_deg": s.StripeDirectionDeg,
						"anisotropy_noise_rms":            s.NoiseRMS, "anisotropy_noise_floor": s.NoiseFloor,
					} {
						if v := got[name].Float64[i]; math.Abs(v-want) > 1e-12*max(1, math.Abs(want)) {
							t.Errorf("%s map %d j=%d: %s = %g, JSON %g", kind, b, s.J, name, v, want)
						}
					}
					if sig := got["anisotropy_significant"].Float64[i] == 1; sig != s.Significant {
						t.Errorf("%s map %d j=%d: significant %v, JSON %v", kind, b, s.J, sig, s.Significant)
					}
				}
			}
			if n != B*J {
				t.Errorf("%s: %d JSON scale entries, want %d", kind, n, B*J)
			}
			// the stripes at f = 4 cycles per 32 pixels are in band j = 1:
			// the npz direction there is the stripes' (within 3°)
			for b, d := range deg {
				if v := got["anisotropy_direction_deg"].Float64[b*J+1]; angDiff(v, d) > 3 {
					t.Errorf("%s map %d: direction at j=1 %.1f°, want %.0f°", kind, b, v, d)
				}
			}
		}
	}
	// a statistic without the summary writes no anisotropy members
	mp := writeAnisoMaps(t, filepath.Join(dir, "m.npy"), stripeMaps(32, 4, []float64{30}))
	np := filepath.Join(dir, "iso.npz")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "scov", "--iso", "-J", "3", "-o", np); code != 0 {
		t.Fatalf("stats --iso: exit %d: %s", code, tail(errs, 400))
	}
	members, err := datasets.ReadNPZ(np)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if strings.HasPrefix(m.Name, "anisotropy") {
			t.Errorf("scov --iso wrote %s", m.Name)
		}
	}
	_, hout, herr := runCLI(t, "stats", "--help")
	help := hout + herr
	for _, want := range []string{`"anisotropy_amplitude"`, `"anisotropy_noise_floor"`, "--plot draws A_j"} {
		if !strings.Contains(help, want) {
			t.Errorf("stats --help lacks %s", want)
		}
	}
}

// TestAniso19DashboardPanels: the anisotropy panels (anisoPanels) of one
// map draw A_j filled above its floor and open below, the floor as a band
// from 0, ψ_j on a 0°–180° axis; of a set, the axial mean direction
// (10° and 170° average to 0°, not 90°) with its circular σ, the mean
// amplitude with ±σ; and stats --plot draws them (the scov dashboard grows
// a fourth row: 17 inches tall instead of 13).
func TestAniso19DashboardPanels(t *testing.T) {
	one := &anisotropyDoc{Class: "S1", Maps: []anisotropyAt{{Map: 0, Scales: []anisoScaleDoc{
		{J: 0, Amplitude: 0.01, DirectionDeg: 15, NoiseFloor: 0.02},
		{J: 1, Amplitude: 0.3, DirectionDeg: 30, NoiseFloor: 0.05, Significant: true},
	}}}}
	ps, err := anisoPanels(one)
	if err != nil || len(ps) != 2 {
		t.Fatalf("anisoPanels: %d panels, %v", len(ps), err)
	}
	for i, e := range anisoBySet(one) {
		if e.filled() != (i == 1) {
			t.Errorf("one map, j=%d: filled %v (A %.2f, floor %.2f)", e.j, e.filled(), e.amp, e.floor)
		}
	}
	if ps[1].Y.Min > 0 || ps[1].Y.Max < 180 {
		t.Errorf("direction axis %g…%g, want 0…180 inside", ps[1].Y.Min, ps[1].Y.Max)
	}
	if ps[0].Y.Min != 0 || ps[0].Y.Max < 0.3 {
		t.Errorf("amplitude axis %g…%g", ps[0].Y.Min, ps[0].Y.Max)
	}
	set := &anisotropyDoc{Class: "S1", Maps: []anisotropyAt{
		{Map: 0, Scales: []anisoScaleDoc{{J: 0, Amplitude: 0.2, DirectionDeg: 10, NoiseFloor: 0.05, Significant: true}}},
		{Map: 1, Scales: []anisoScaleDoc{{J: 0, Amplitude: 0.4, DirectionDeg: 170, NoiseFloor: 0.07, Significant: true}}},
	}}
	sc := anisoBySet(set)
	if len(sc) != 1 {
		t.Fatalf("anisoBySet: %d scales", len(sc))
	}
	e := sc[0]
	if angDiff(e.dir, 0) > 1e-9 || math.Abs(e.dirSD-10) > 0.2 {
		t.Errorf("axial mean of 10° and 170°: %.3f° ± %.3f°, want 0° ± ~10°", e.dir, e.dirSD)
	}
	if math.Abs(e.amp-0.3) > 1e-12 || math.Abs(e.ampSD-math.Sqrt(0.02)) > 1e-12 || math.Abs(e.floor-0.06) > 1e-12 || e.significant != 2 {
		t.Errorf("set scale %+v", e)
	}
	// through the CLI: scov (a fourth row) and wph (two more panels)
	dir := t.TempDir()
	mp := writeAnisoMaps(t, filepath.Join(dir, "m.npy"), stripeMaps(32, 4, []float64{30, 40}))
	for _, tc := range []struct {
		kind string
		h    float64 // inches
	}{{"scov", 17}, {"wph", 3*3.5 + 0.4}} {
		pp := filepath.Join(dir, tc.kind+".png")
		if code, _, errs := runCLI(t, "stats", mp, "--kind", tc.kind, "-J", "3", "--plot", pp); code != 0 {
			t.Fatalf("stats --plot: exit %d: %s", code, tail(errs, 400))
		}
		f, err := os.Open(pp)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// wph J=3: S11, S00, S01, C01, Cphase, L + 2 anisotropy panels = 3 rows
		if want := tc.h * float64(cfg.Width) / widthInches(tc.kind); math.Abs(float64(cfg.Height)-want) > 2 {
			t.Errorf("%s dashboard %d×%d px, want height %.0f (%.1f in)", tc.kind, cfg.Width, cfg.Height, want, tc.h)
		}
	}
}

// widthInches is the width of the stats dashboards the test draws: the
// scov one 12 in, the per-class one 3 panels of 4.5 in.
func widthInches(kind string) float64 {
	if kind == "scov" {
		return 12
	}
	return 13.5
}
