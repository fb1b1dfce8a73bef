package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// anisoJSON is the part of stats' JSON the anisotropy tests read.
type anisoJSON struct {
	Config struct {
		BUnit     string `json:"bunit"`
		BUnitImag string `json:"bunit_imag"`
	} `json:"config"`
	Anisotropy *anisotropyDoc `json:"anisotropy"`
}

// writeAnisoMaps writes maps as a [B, M, N] .npy (a 2D one for B = 1).
func writeAnisoMaps(t *testing.T, path string, x *stlayer.Maps) string {
	t.Helper()
	a := &datasets.Array{DType: "float64", Shape: []int{x.B, x.M, x.N}, Float64: x.Data}
	if x.B == 1 {
		a.Shape = a.Shape[1:]
	}
	if err := datasets.WriteNPY(path, a); err != nil {
		t.Fatal(err)
	}
	return path
}

// statsAniso runs stats MAP args… -o JSON and returns its anisotropy.
func statsAniso(t *testing.T, mp string, args ...string) *anisoJSON {
	t.Helper()
	jp := filepath.Join(filepath.Dir(mp), "aniso.json")
	a := append([]string{"stats", mp}, args...)
	if code, _, errs := runCLI(t, append(a, "-o", jp)...); code != 0 {
		t.Fatalf("stats %v: exit %d: %s", args, code, tail(errs, 600))
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var d anisoJSON
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// stripeMaps returns B = len(deg) N×N maps cos(k·x) with |k| = 2π·f/N and the
// wave vector at deg[b] from the column axis toward the row axis (x[i, j] =
// cos(k_col·j + k_row·i), i the row), plus faint white noise.
func stripeMaps(n int, f float64, deg []float64) *stlayer.Maps {
	x := stlayer.NewMaps(len(deg), n, n)
	for b, d := range deg {
		kc, kr := 2*math.Pi*f/float64(n)*math.Cos(d*math.Pi/180), 2*math.Pi*f/float64(n)*math.Sin(d*math.Pi/180)
		m := x.Map(b)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				m[i*n+j] = math.Cos(kc*float64(j)+kr*float64(i)) + 0.01*math.Sin(float64(i*7+j*13+b))
			}
		}
	}
	return x
}

// angDiff is |a − b| modulo 180°, in [0, 90].
func angDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 180)
	return min(d, 180-d)
}

// grfMaps returns B isotropic Gaussian random fields (P ∝ k^slope).
func grfMaps(t *testing.T, b, n int, slope float64, seed0 uint64) *stlayer.Maps {
	t.Helper()
	x := stlayer.NewMaps(b, n, n)
	for i := 0; i < b; i++ {
		g, err := datasets.GaussianRandomField(n, n, slope, seed0+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Map(i), g)
	}
	return x
}

// anisoGRF returns B Gaussian random fields whose spectrum is stretched:
// P(k) ∝ (k_par²/s² + k_perp²)^(slope/2) with k_par the component along
// deg (from the column axis toward the row axis): for s > 1 the field
// varies slowly along deg (its structures run along deg), so the wave
// vector of maximum power is at deg + 90°.
func anisoGRF(t *testing.T, b, n int, deg, s float64, seed0 uint64) *stlayer.Maps {
	t.Helper()
	x := stlayer.NewMaps(b, n, n)
	c, si := math.Cos(deg*math.Pi/180), math.Sin(deg*math.Pi/180)
	for i := 0; i < b; i++ {
		w, err := datasets.WhiteNoise(n, n, seed0+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		z := testutil.FFT2(testutil.ToComplex(w), n, n, false)
		for r := 0; r < n; r++ {
			for q := 0; q < n; q++ {
				kr, kc := float64(fftFreqSigned(r, n)), float64(fftFreqSigned(q, n))
				par, perp := kc*c+kr*si, -kc*si+kr*c
				k2 := par*par*s*s + perp*perp
				if k2 == 0 {
					z[r*n+q] = 0
					continue
				}
				z[r*n+q] *= complex(math.Pow(k2, -0.75), 0) // P ∝ k^−3
			}
		}
		z = testutil.FFT2(z, n, n, true)
		for p := range z {
			x.Map(i)[p] = real(z[p])
		}
	}
	return x
}

// Stripes cos(k·x) with the wave vector at known angles: direction_deg is
// the wave vector's angle from the column axis toward the row axis and
// stripe_direction_deg that + 90°, within 3° at the scale where the stripes'
// wavelength sits (j = 1 for 64/8 = 8-pixel stripes, wavelength ≈ 2.35–2.7·2^j),
// for wst, scov and wph at L = 4 and 8; the amplitude there is far above the floor.
func TestAnisotropyStripesDirection(t *testing.T) {
	dir := t.TempDir()
	degs := []float64{0, 20, 45, 70, 100, 135, 160}
	mp := writeAnisoMaps(t, filepath.Join(dir, "stripes.npy"), stripeMaps(64, 8, degs))
	for _, kind := range []string{"wst", "scov", "wph"} {
		for _, L := range []string{"4", "8"} {
			d := statsAniso(t, mp, "--kind", kind, "-J", "3", "-L", L)
			if d.Anisotropy == nil || len(d.Anisotropy.Maps) != len(degs) {
				t.Fatalf("%s L=%s: anisotropy %+v, want %d maps", kind, L, d.Anisotropy, len(degs))
			}
			for b, want := range degs {
				s := d.Anisotropy.Maps[b].Scales[1]
				if s.J != 1 {
					t.Fatalf("%s: scale %+v, want j = 1", kind, s)
				}
				if e := angDiff(s.DirectionDeg, want); e > 3 {
					t.Errorf("%s L=%s: wave vector at %g°: direction_deg %.2f (off by %.2f°)", kind, L, want, s.DirectionDeg, e)
				}
				if e := angDiff(s.StripeDirectionDeg, want+90); e > 3 {
					t.Errorf("%s L=%s: stripes along %g°: stripe_direction_deg %.2f", kind, L, want+90, s.StripeDirectionDeg)
				}
				if s.DirectionDeg < 0 || s.DirectionDeg >= 180 || s.StripeDirectionDeg < 0 || s.StripeDirectionDeg >= 180 {
					t.Errorf("%s: angles %+v outside [0, 180)", kind, s)
				}
				if !s.Significant || s.Amplitude < 0.4 || s.Amplitude > 1 || s.Amplitude < 3*s.NoiseFloor {
					t.Errorf("%s L=%s, %g°: amplitude %.3f, floor %.3f: want a significant A in [0.4, 1]", kind, L, want, s.Amplitude, s.NoiseFloor)
				}
			}
			t.Logf("%s L=%s: A(j=1) of the stripes at %g°: %.3f", kind, L, degs[0], d.Anisotropy.Maps[0].Scales[1].Amplitude)
		}
	}
}

// Isotropic Gaussian random fields: A_j stays below noise_floor in ≥ 85 %
// of the 24 maps × scales (the floor is the 95 % level), and the rms of A_j
// over the maps is within a factor 1.6 of noise_rms (the prediction from the
// wavelets and the map's spectrum) at every scale, for wst (S1, amplitude)
// and wph (S11, power), white and red spectra.
func TestAnisotropyGRFNoiseFloor(t *testing.T) {
	dir := t.TempDir()
	const B = 24
	for _, slope := range []float64{0, -3} {
		mp := writeAnisoMaps(t, filepath.Join(dir, "grf.npy"), grfMaps(t, B, 64, slope, 100))
		for _, kind := range []string{"wst", "wph"} {
			d := statsAniso(t, mp, "--kind", kind, "-J", "4", "-L", "4")
			a := d.Anisotropy
			if a == nil || len(a.Maps) != B {
				t.Fatalf("%s: anisotropy %+v", kind, a)
			}
			below, all := 0, 0
			for j := range a.Maps[0].Scales {
				var ss, pred float64
				for _, m := range a.Maps {
					s := m.Scales[j]
					ss += s.Amplitude * s.Amplitude
					pred += s.NoiseRMS / B
					if s.Amplitude < s.NoiseFloor {
						below++
					}
					all++
				}
				rms := math.Sqrt(ss / B)
				t.Logf("%s slope %g j=%d: rms A %.4f, predicted noise_rms %.4f (ratio %.2f), floor %.4f", kind, slope, j, rms, pred, rms/pred, a.Maps[0].Scales[j].NoiseFloor)
				if r := rms / pred; r > 1.6 || r < 1/1.6 {
					t.Errorf("%s slope %g j=%d: rms of A over %d GRFs %.4f, noise_rms %.4f: ratio %.2f, want within 1.6", kind, slope, j, B, rms, pred, r)
				}
			}
			t.Logf("%s slope %g: A below the floor in %d of %d maps × scales", kind, slope, below, all)
			if f := float64(below) / float64(all); f < 0.85 {
				t.Errorf("%s slope %g: A below the floor in %d of %d maps × scales (%.0f %%), want ≥ 85 %%", kind, slope, below, all, 100*f)
			}
		}
	}
}

// A 90° rotation of the map (testutil.Rot90: transpose and flip) turns the
// wave vector by 90°: direction_deg moves by 90° mod 180° (within 2°) at
// every scale where the anisotropy is significant, and the amplitude stays
// (within 0.03), for wst and wph; an anisotropic GRF at 30°.
func TestAnisotropyRotation90(t *testing.T) {
	dir := t.TempDir()
	x := anisoGRF(t, 2, 64, 30, 3, 7)
	mp := writeAnisoMaps(t, filepath.Join(dir, "x.npy"), x)
	rp := writeAnisoMaps(t, filepath.Join(dir, "rot.npy"), testutil.Rot90(x))
	for _, kind := range []string{"wst", "wph"} {
		a := statsAniso(t, mp, "--kind", kind, "-J", "3").Anisotropy
		r := statsAniso(t, rp, "--kind", kind, "-J", "3").Anisotropy
		n := 0
		for b := range a.Maps {
			for j, s := range a.Maps[b].Scales {
				sr := r.Maps[b].Scales[j]
				if !s.Significant {
					continue
				}
				n++
				if e := angDiff(sr.DirectionDeg, s.DirectionDeg+90); e > 2 {
					t.Errorf("%s map %d j=%d: ψ %.2f°, rotated %.2f°: want a 90° turn (off by %.2f°)", kind, b, j, s.DirectionDeg, sr.DirectionDeg, e)
				}
				if math.Abs(sr.Amplitude-s.Amplitude) > 0.03 {
					t.Errorf("%s map %d j=%d: A %.3f, rotated %.3f", kind, b, j, s.Amplitude, sr.Amplitude)
				}
			}
		}
		if n < 4 {
			t.Errorf("%s: only %d significant scales of 6: the test field is not anisotropic enough", kind, n)
		}
	}
}

// WST (Morlet S1, orientations from the row axis) and WPH (bump S11, from
// the column axis) give one direction_deg for the same anisotropic field
// (a GRF stretched along 30°: power on wave vectors near 120°): within 5° of
// each other and within 10° of 120° at every scale, with a significant
// amplitude; scov agrees with wst (the same S1, to 1e-4 at j = 2 here).
func TestAnisotropyFamiliesAgree(t *testing.T) {
	dir := t.TempDir()
	mp := writeAnisoMaps(t, filepath.Join(dir, "x.npy"), anisoGRF(t, 3, 64, 30, 3, 11))
	w := statsAniso(t, mp, "--kind", "wst", "-J", "3").Anisotropy
	p := statsAniso(t, mp, "--kind", "wph", "-J", "3").Anisotropy
	s := statsAniso(t, mp, "--kind", "scov", "-J", "3").Anisotropy
	for b := range w.Maps {
		for j, ws := range w.Maps[b].Scales {
			ps, ss := p.Maps[b].Scales[j], s.Maps[b].Scales[j]
			t.Logf("map %d j=%d: wst ψ %.1f° A %.3f (floor %.3f); wph ψ %.1f° A %.3f (floor %.3f)", b, j, ws.DirectionDeg, ws.Amplitude, ws.NoiseFloor, ps.DirectionDeg, ps.Amplitude, ps.NoiseFloor)
			if !ws.Significant || !ps.Significant {
				t.Errorf("map %d j=%d: wst %+v, wph %+v: want significant", b, j, ws, ps)
			}
			if e := angDiff(ws.DirectionDeg, ps.DirectionDeg); e > 5 {
				t.Errorf("map %d j=%d: wst ψ %.2f°, wph ψ %.2f°: differ by %.2f°", b, j, ws.DirectionDeg, ps.DirectionDeg, e)
			}
			for _, d := range []float64{ws.DirectionDeg, ps.DirectionDeg} {
				if e := angDiff(d, 120); e > 10 {
					t.Errorf("map %d j=%d: ψ %.2f°, want ≈ 120° (off by %.2f°)", b, j, d, e)
				}
			}
			if math.Abs(ss.Amplitude-ws.Amplitude) > 1e-3 || math.Abs(ss.DirectionDeg-ws.DirectionDeg) > 0.1 {
				t.Errorf("map %d j=%d: scov %+v differs from wst %+v", b, j, ss, ws)
			}
		}
	}
}

// The printed table (no -o) ends with one "# anisotropy j=…" line per scale,
// giving the JSON's amplitude, floor and angles of map 0; the statistics
// without per-orientation coefficients (--iso, spectra, wph --norm auto)
// have neither the lines nor the JSON object; wst --synthesis (logS1) and
// scov --synthesis (log S1) give the direction of plain wst, --local
// (averaged over the grid) within 6°.
func TestAnisotropyTextAndVariants(t *testing.T) {
	dir := t.TempDir()
	mp := writeAnisoMaps(t, filepath.Join(dir, "x.npy"), anisoGRF(t, 1, 64, 30, 3, 5))
	d := statsAniso(t, mp, "--kind", "wst", "-J", "3").Anisotropy
	code, out, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var lines []string
	for _, ln := range strings.Split(out, "\n") {
		if strings.HasPrefix(ln, "# anisotropy j=") {
			lines = append(lines, ln)
		}
	}
	if len(lines) != 3 || !strings.Contains(out, "# anisotropy of map 0 from S1") {
		t.Fatalf("want 3 '# anisotropy j=' lines and a key line, got:\n%s", tail(out, 1500))
	}
	for j, ln := range lines {
		s := d.Maps[0].Scales[j]
		want := fmt.Sprintf("j=%d: A = %.3f (floor %.3f, significant)  ψ = %.1f°  stripes at %.1f°", j, s.Amplitude, s.NoiseFloor, s.DirectionDeg, s.StripeDirectionDeg)
		if !strings.HasSuffix(ln, want) {
			t.Errorf("line %q, want it to end %q (the JSON's values)", ln, want)
		}
	}
	if last := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]); last != lines[2] {
		t.Errorf("last line %q, want the j=2 anisotropy line", last)
	}
	for _, args := range [][]string{{"--kind", "wst", "--iso"}, {"--kind", "scov", "--iso"}, {"--kind", "spectra"}, {"--kind", "wph", "--norm", "auto"}, {"--kind", "wph", "--iso"}} {
		if a := statsAniso(t, mp, append(args, "-J", "3")...).Anisotropy; a != nil {
			t.Errorf("%v: anisotropy %+v, want none", args, a)
		}
		if _, out, _ := runCLI(t, append([]string{"stats", mp, "-J", "3"}, args...)...); strings.Contains(out, "# anisotropy") {
			t.Errorf("%v: the table has anisotropy lines", args)
		}
	}
	for _, args := range [][]string{{"--kind", "wst", "--synthesis"}, {"--kind", "wst", "--local"}, {"--kind", "scov", "--synthesis"}} {
		a := statsAniso(t, mp, append(args, "-J", "3")...).Anisotropy
		if a == nil || len(a.Maps) != 1 || len(a.Maps[0].Scales) != 3 {
			t.Fatalf("%v: anisotropy %+v, want 3 scales", args, a)
		}
		for j, s := range a.Maps[0].Scales {
			w := d.Maps[0].Scales[j]
			tol := 1e-6
			switch {
			case args[1] == "scov":
				tol = 0.1 // scov's S1 differs from wst's by ~1e-4
			case args[2] == "--local":
				// Kymatio's Morlets averaged over the 8×8 grid, and
				// reflect padding, which mirrors the field at the edges
				// (4° toward the axes on this 64² map)
				tol = 6
			}
			if angDiff(s.DirectionDeg, w.DirectionDeg) > tol || !s.Significant {
				t.Errorf("%v j=%d: ψ %.3f° (significant %v), plain wst %.3f°", args, j, s.DirectionDeg, s.Significant, w.DirectionDeg)
			}
		}
	}
}

// Complex WPH (z = Q + iU over 2L orientations): U = 0 gives plain wph's
// A and ψ (for real z the 2L sum is the L sum twice); z = e^{ik·x}, one
// complex wave with the wave vector at 50°, gives ψ = 50° within 3°.
func TestAnisotropyComplexWPH(t *testing.T) {
	dir := t.TempDir()
	q := anisoGRF(t, 1, 64, 30, 3, 9)
	qp := writeAnisoMaps(t, filepath.Join(dir, "q.npy"), q)
	zero := writeAnisoMaps(t, filepath.Join(dir, "zero.npy"), stlayer.NewMaps(1, 64, 64))
	real := statsAniso(t, qp, "--kind", "wph", "-J", "3").Anisotropy
	cplx := statsAniso(t, qp, "--kind", "wph", "-J", "3", "--imag", zero).Anisotropy
	for j, s := range cplx.Maps[0].Scales {
		r := real.Maps[0].Scales[j]
		if math.Abs(s.Amplitude-r.Amplitude) > 1e-6 || angDiff(s.DirectionDeg, r.DirectionDeg) > 1e-4 {
			t.Errorf("j=%d: complex with U = 0: A %.4f ψ %.3f°; real: A %.4f ψ %.3f°", j, s.Amplitude, s.DirectionDeg, r.Amplitude, r.DirectionDeg)
		}
	}
	// z = cos(k·x) + i·sin(k·x): all power at +k, none at −k
	c := stripeMaps(64, 8, []float64{50})
	s := stlayer.NewMaps(1, 64, 64)
	kc, kr := 2*math.Pi*8/64*math.Cos(50*math.Pi/180), 2*math.Pi*8/64*math.Sin(50*math.Pi/180)
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			s.Data[i*64+j] = math.Sin(kc*float64(j) + kr*float64(i))
		}
	}
	cp := writeAnisoMaps(t, filepath.Join(dir, "c.npy"), c)
	sp := writeAnisoMaps(t, filepath.Join(dir, "s.npy"), s)
	a := statsAniso(t, cp, "--kind", "wph", "-J", "3", "--imag", sp).Anisotropy
	if a == nil {
		t.Fatal("no anisotropy for complex data")
	}
	if w := a.Maps[0].Scales[1]; angDiff(w.DirectionDeg, 50) > 3 || !w.Significant {
		t.Errorf("z = e^{ik·x}, k at 50°: j=1 %+v, want ψ ≈ 50° significant", w)
	}
}

// --imag: the JSON recorded MAP's BUNIT only; it now records the imaginary
// map's as bunit_imag, and stats warns on stderr when the two differ (and
// not when they agree).
func TestStatsImagBUnit(t *testing.T) {
	dir := t.TempDir()
	x := anisoGRF(t, 1, 64, 30, 3, 3)
	write := func(name, unit string) string {
		p := filepath.Join(dir, name)
		if err := datasets.WriteMapsCards(p, x, datasets.Card{Key: "BUNIT", Value: unit}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	q, u, uu := write("q.fits", "K_CMB"), write("u.fits", "K_CMB"), write("uu.fits", "uK_CMB")
	jp := filepath.Join(dir, "o.json")
	for _, c := range []struct {
		imag, unit string
		warn       bool
	}{{u, "K_CMB", false}, {uu, "uK_CMB", true}} {
		code, _, errs := runCLI(t, "stats", q, "--kind", "wph", "-J", "3", "--imag", c.imag, "-o", jp)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var d anisoJSON
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if d.Config.BUnit != "K_CMB" || d.Config.BUnitImag != c.unit {
			t.Errorf("--imag %s: bunit %q, bunit_imag %q; want K_CMB, %s", c.imag, d.Config.BUnit, d.Config.BUnitImag, c.unit)
		}
		warned := strings.Contains(errs, `BUNIT "K_CMB" but --imag`) && strings.Contains(errs, `"uK_CMB"`)
		if warned != c.warn {
			t.Errorf("--imag %s (BUNIT %s): warned %v, want %v; stderr:\n%s", c.imag, c.unit, warned, c.warn, errs)
		}
	}
}

// fftFreqSigned is the signed frequency of position a of an axis of length
// h in fftfreq order (a for a < ⌈h/2⌉, a − h above).
func fftFreqSigned(a, h int) int {
	if a < (h+1)/2 {
		return a
	}
	return a - h
}
