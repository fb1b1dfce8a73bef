package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// The --plot anisotropy panels of a set take their means and σ from
// stats.AnisotropyOverMaps: on the per-map anisotropy that stats writes to
// its JSON (3 maps 32², scov and wph, J = 3), anisoBySet equals the
// library bit for bit, and equals the arithmetic it did itself before
// (mean and n − 1 σ of A_j and the floor, circStat of the doubled angles
// 2ψ·π/180, halved and reduced to [0°, 180°)); the dashboards of such a
// set were pixel-identical before and after the move.
func TestTidy20AnisoSetLibraryMatchesCLI(t *testing.T) {
	dir := t.TempDir()
	mp := writeAnisoMaps(t, filepath.Join(dir, "m.npy"), stripeMaps(32, 3, []float64{30, 40, 55}))
	for _, kind := range []string{"scov", "wph"} {
		out := filepath.Join(dir, kind+".json")
		if code, _, errs := runCLI(t, "stats", mp, "--kind", kind, "-J", "3", "-o", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", kind, code, tail(errs, 400))
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Anisotropy *anisotropyDoc `json:"anisotropy"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Anisotropy == nil || len(doc.Anisotropy.Maps) != 3 {
			t.Fatalf("%s: anisotropy of %d maps, %v", kind, len(doc.Anisotropy.Maps), err)
		}
		d := doc.Anisotropy
		var maps [][]stats.AnisotropyScale
		for _, m := range d.Maps {
			var row []stats.AnisotropyScale
			for _, s := range m.Scales {
				row = append(row, stats.AnisotropyScale{J: s.J, Amplitude: s.Amplitude, DirectionDeg: s.DirectionDeg, NoiseFloor: s.NoiseFloor, Significant: s.Significant})
			}
			maps = append(maps, row)
		}
		lib := stats.AnisotropyOverMaps(maps)
		cli := anisoBySet(d)
		if len(lib) != 3 || len(cli) != 3 {
			t.Fatalf("%s: %d library and %d CLI scales, want 3", kind, len(lib), len(cli))
		}
		for i, e := range cli {
			l := lib[i]
			if e.j != l.J || e.amp != l.Amplitude || e.ampSD != l.AmplitudeSD || e.floor != l.NoiseFloor || e.dir != l.DirectionDeg || e.dirSD != l.DirectionSD || e.significant != l.Significant || e.measured != l.Measured {
				t.Errorf("%s j=%d: CLI %+v, library %+v", kind, l.J, e, l)
			}
			// the arithmetic anisoBySet did itself before the move
			var a, f, ph []float64
			for _, m := range d.Maps {
				s := m.Scales[i]
				a, f, ph = append(a, s.Amplitude), append(f, s.NoiseFloor), append(ph, 2*s.DirectionDeg*math.Pi/180)
			}
			amp, ampSD := meanStd(a)
			floor, _ := meanStd(f)
			var c, sn float64
			for _, v := range ph {
				c, sn = c+math.Cos(v), sn+math.Sin(v)
			}
			r := math.Hypot(c, sn) / float64(len(ph))
			dir, dirSD := deg180(math.Atan2(sn, c)/2*180/math.Pi), math.Sqrt(max(0, -2*math.Log(min(r, 1))))/2*180/math.Pi
			if amp != l.Amplitude || ampSD != l.AmplitudeSD || floor != l.NoiseFloor || dir != l.DirectionDeg || dirSD != l.DirectionSD {
				t.Errorf("%s j=%d: library %+v, before the move A %v ± %v floor %v ψ %v ± %v", kind, l.J, l, amp, ampSD, floor, dir, dirSD)
			}
			if l.Measured != 3 || l.DirectionSD <= 0 || l.AmplitudeSD <= 0 {
				t.Errorf("%s j=%d: %+v: want 3 maps of different directions", kind, l.J, l)
			}
		}
	}
}
