package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
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
// deg (from the column axis toward the row axis): power is concentrated on
// wave vectors perpendicular to deg... for s > 1 the field varies slowly
// along deg, so the wave vector of maximum power is at deg + 90°.
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
			if f := float64(below) / float64(all); f < 0.85 {
				t.Errorf("%s slope %g: A below the floor in %d of %d maps × scales (%.0f %%), want ≥ 85 %%", kind, slope, below, all, 100*f)
			}
		}
	}
}
