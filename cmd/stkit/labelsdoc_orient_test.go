package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// writePlaneWave writes the 64×64 map cos(2π(kr·i + kc·j)/64) (i the row,
// j the column) plus a faint irregular term (so that no statistic is
// degenerate): its wave vector is (kr, kc) in (row, column) coordinates.
func writePlaneWave(t *testing.T, dir string, kr, kc int) string {
	t.Helper()
	a := &datasets.Array{DType: "float64", Shape: []int{64, 64}}
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			a.Float64 = append(a.Float64, math.Cos(2*math.Pi*float64(kr*i+kc*j)/64)+0.01*math.Sin(float64(i*7+j*13)))
		}
	}
	p := filepath.Join(dir, "wave.npy")
	if err := datasets.WriteNPY(p, a); err != nil {
		t.Fatal(err)
	}
	return p
}

// The labels gave bare orientation indices, and l1 = 0 is a different
// direction in the Morlet families (wst, scov: θ_l = (3−l)π/8 at L = 8 from
// the row axis) and in wph (θ_l = lπ/L from the column axis): horizontal
// stripes peak at wst l1 = 3 but at wph l1 = 2 (L = 4), and nothing the CLI
// wrote said which angle an l is. The JSON config now has "orientation"
// (theta_deg per l, measured_from, a convention sentence): for plane waves
// along the rows, the columns and an oblique (2, 1) direction, the θ of the
// l1 at which each family peaks is the wave vector's direction measured as
// measured_from says, within half an orientation step.
func TestStatsJSONOrientationMatchesStripes(t *testing.T) {
	dir := t.TempDir()
	const L = 8
	for _, w := range []struct{ kr, kc int }{{8, 0}, {0, 8}, {8, 4}} {
		mp := writePlaneWave(t, dir, w.kr, w.kc)
		for _, f := range []struct{ kind, class string }{{"wst", "S1"}, {"scov", "S1"}, {"wph", "S11"}} {
			jp := filepath.Join(dir, f.kind+".json")
			if code, _, errs := runCLI(t, "stats", mp, "--kind", f.kind, "-J", "3", "-L", "8", "-o", jp); code != 0 {
				t.Fatalf("%s: exit %d: %s", f.kind, code, tail(errs, 600))
			}
			b, err := os.ReadFile(jp)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Config struct {
					Orientation *struct {
						L            int       `json:"L"`
						ThetaDeg     []float64 `json:"theta_deg"`
						MeasuredFrom string    `json:"measured_from"`
						Convention   string    `json:"convention"`
					} `json:"orientation"`
				} `json:"config"`
				Coefficients []map[string]any `json:"coefficients"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			o := doc.Config.Orientation
			if o == nil || o.L != L || len(o.ThetaDeg) != L || o.Convention == "" {
				t.Fatalf("%s: config.orientation %+v, want L = 8 angles and a convention", f.kind, o)
			}
			// the l1 of the largest coefficient of the class
			best, bl := -1.0, -1
			for _, e := range doc.Coefficients {
				if e["class"] != f.class {
					continue
				}
				if v := math.Abs(e["re"].(float64)); v > best {
					best, bl = v, int(e["l1"].(float64))
				}
			}
			var want float64 // the wave vector's direction, in degrees
			switch {
			case strings.HasPrefix(o.MeasuredFrom, "row axis"):
				want = math.Atan2(float64(w.kc), float64(w.kr)) * 180 / math.Pi
			case strings.HasPrefix(o.MeasuredFrom, "column axis"):
				want = math.Atan2(float64(w.kr), float64(w.kc)) * 180 / math.Pi
			default:
				t.Fatalf("%s: measured_from %q names no axis", f.kind, o.MeasuredFrom)
			}
			d := math.Mod(math.Abs(o.ThetaDeg[bl]-want), 180)
			if d = min(d, 180-d); d > 90.0/L+1e-9 {
				t.Errorf("%s, wave vector (%d, %d): peak at l1 = %d, θ = %g°, but the wave vector is at %.2f° from the %s (off by %.2f°)",
					f.kind, w.kr, w.kc, bl, o.ThetaDeg[bl], want, o.MeasuredFrom, d)
			}
		}
	}
	// the conventions as the help and the issue state them
	morlet, bump := thetaDeg(stats.Spec{Kind: stats.WST, L: 8}), thetaDeg(stats.Spec{Kind: stats.WPH, L: 4})
	if morlet[3] != 0 || morlet[0] != 67.5 || morlet[7] != -90 || bump[2] != 90 || bump[1] != 45 {
		t.Errorf("theta_deg: Morlet L=8 %v, bump L=4 %v", morlet, bump)
	}
	if s := thetaLabel(stats.Spec{Kind: stats.WST, L: 8}, "l1", 3); s != "l1=3 (θ=0°)" {
		t.Errorf("legend %q, want l1=3 (θ=0°)", s)
	}
	_, out, errs := runCLI(t, "stats", "--help")
	if h := out + errs; !strings.Contains(h, "θ_l = (⌊L/2⌋−1−l)·180°/L measured from\n             the ROW axis") || !strings.Contains(h, "θ_l = l·180°/L measured from the COLUMN") {
		t.Errorf("stats --help does not give the orientation conventions:\n%s", h)
	}
}
