package stats

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// edgeField is a log-normal white-noise map (positive, non-Gaussian, so that
// every class of coefficient is away from 0), pairs stacked for Cross.
func edgeField(m, n int, seed uint64) *stlayer.Maps {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := stlayer.NewMaps(1, m, n)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.5 * rng.NormFloat64())
	}
	return x
}

// edgeShift rolls each map (each half of a stacked pair when pair) by (dr, dc).
func edgeShift(x *stlayer.Maps, dr, dc int, pair bool) *stlayer.Maps {
	y := stlayer.NewMaps(x.B, x.M, x.N)
	h := x.M
	if pair {
		h /= 2
	}
	for off := 0; off < x.M; off += h {
		for r := range h {
			for c := range x.N {
				y.Data[(off+(r+dr)%h)*x.N+(c+dc)%x.N] = x.Data[(off+r)*x.N+c]
			}
		}
	}
	return y
}

// edgeRot turns an M×N map into the N×M map rotated by +90° (rot = 1) or the
// M×N map rotated by 180° (rot = 2), about the pixel (0, 0), periodically.
func edgeRot(x *stlayer.Maps, rot int) *stlayer.Maps {
	M, N := x.M, x.N
	if rot == 2 {
		y := stlayer.NewMaps(1, M, N)
		for r := range M {
			for c := range N {
				y.Data[r*N+c] = x.Data[((M-r)%M)*N+(N-c)%N]
			}
		}
		return y
	}
	y := stlayer.NewMaps(1, N, M)
	for r := range N {
		for c := range M {
			y.Data[r*M+c] = x.Data[c*N+(N-r)%N]
		}
	}
	return y
}

// edgeRefusal returns "" when family fam accepts M×N maps with J scales, else
// a fragment the refusal must contain (what is allowed).
func edgeRefusal(fam string, J, m, n int) string {
	p, lo := 1<<J, min(m, n)
	switch fam {
	case "wst", "scov":
		switch {
		case (m%2 != 0 || n%2 != 0) && m&^1 >= 16 && n&^1 >= 16:
			return fmt.Sprintf("e.g. %d×%d", m&^1, n&^1) // crop or pad to even sides
		case m%2 != 0 || n%2 != 0:
			return "even"
		case lo < 16:
			return "16"
		case fam == "wst" && 2*p > lo:
			return fmt.Sprintf("J ≤ %d", stlayer.Log2Floor(lo)-1)
		case fam == "scov" && p > lo:
			return fmt.Sprintf("J ≤ %d", stlayer.Log2Floor(lo))
		}
	case "wst local":
		if p >= lo {
			if lo < 3 {
				return "no J ≥ 1"
			}
			return fmt.Sprintf("J ≤ %d", stlayer.Log2Floor(lo-1))
		}
	case "wph dn1":
		// DN = 1's shifts reach 2 pixels: on a periodic side of 2 they
		// wrap onto τ = 0 (duplicate coefficients), refused naming DN = 0
		if r := edgeRefusal("wph", J, m, n); r != "" {
			return r
		}
		if lo == 2 {
			return "use DN = 0"
		}
	case "wph":
		if p > lo {
			if lo < 2 {
				return "no J ≥ 1"
			}
			return fmt.Sprintf("J ≤ %d", stlayer.Log2Floor(lo))
		}
	case "wph crop":
		if p >= lo { // cut 2^(J−1) pixels per side
			return "both sides must exceed"
		}
	}
	return ""
}

// TestEdgeCaseSizes sweeps every family through BuildWithRef (Build, and the
// reference measured where there is one) at J = 1 and 3, L = 1 and 2, on the
// smallest maps each J allows and one row less, non-square maps (32×64,
// 64×32) and odd sizes (63×63, 33×17). Refused cases get an error saying
// what is allowed: even sides (with the even size to crop or pad to), at
// least 16 pixels, the largest J, the non-periodic cut. Accepted cases give
// as many finite coefficients as labels, the same coefficients for the map
// and its circular translate, and, where the statistic does not depend on τ,
// the same moduli for the map rotated by π; the isotropic variants with L = 2
// give the same coefficients for the map rotated by π/2 = π/L (operator built
// for the rotated N×M shape). To 1e-9 of the largest coefficient for wph;
// 2e-2 for wst and scov, whose cropped ('fast') Fourier grids keep each
// Nyquist line from one side only (wst.Config.Classic, scov's
// TestRotationPermutesOrientations). Reflect-padded (wst local) and cropped
// (wph crop) statistics are checked for finiteness only.
func TestEdgeCaseSizes(t *testing.T) {
	eng := cpu.New()
	type sz struct{ m, n int }
	for _, J := range []int{1, 3} {
		p := 1 << J
		smallest := map[string]int{"wst": max(16, 2*p), "wst local": p + 1, "scov": max(16, p), "wph": p, "wph dn1": p, "wph crop": p + 1}
		for _, L := range []int{1, 2} {
			for _, c := range []struct {
				fam      string
				s        Spec
				rot, iso bool // π rotation (no τ); π/L rotation with L = 2
				pair     bool
				tol      float64
			}{
				{"wst", Spec{Kind: WST}, true, false, false, 2e-2},
				{"wst", Spec{Kind: WST, Iso: true, Synthesis: true}, true, true, false, 2e-2},
				{"wst local", Spec{Kind: WST, Local: true}, false, false, false, 0},
				{"scov", Spec{Kind: SCov}, true, false, false, 2e-2},
				{"scov", Spec{Kind: SCov, Iso: true}, true, true, false, 2e-2},
				{"scov", Spec{Kind: SCov, Cross: true}, false, false, true, 2e-2},
				{"scov", Spec{Kind: Spectra}, true, true, false, 2e-2},
				{"wph", Spec{Kind: WPH}, true, false, false, 1e-9},
				{"wph dn1", Spec{Kind: WPH, DN: 1}, false, false, false, 1e-9},
				{"wph", Spec{Kind: WPH, Norm: "auto"}, true, false, false, 1e-9},
				{"wph", Spec{Kind: WPH, Cross: true}, false, false, true, 1e-9},
				{"wph crop", Spec{Kind: WPH, Pad: "crop"}, false, false, false, 0},
			} {
				s := c.s
				s.J, s.L = J, L
				lo := smallest[c.fam]
				for _, size := range []sz{{lo, lo}, {lo - 1, lo}, {32, 64}, {64, 32}, {63, 63}, {33, 17}} {
					name := fmt.Sprintf("%s %d×%d", s, size.m, size.n)
					rows := size.m
					if c.pair {
						rows *= 2
					}
					x := edgeField(rows, size.n, uint64(7*J+L))
					if want := edgeRefusal(c.fam, J, size.m, size.n); want != "" {
						testutil.Refused(t, name, func() error { _, err := BuildWithRef(s, eng, x); return err }, want)
						continue
					}
					op, err := BuildWithRef(s, eng, x)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					a, err := eng.Forward(op.Key(), op.Stat(), x)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					if got, want := a.K, op.Labels().Len(); got != want {
						t.Errorf("%s: %d coefficients per map, %d labels", name, got, want)
					}
					for i, v := range a.Data {
						if cmplx.IsNaN(v) || cmplx.IsInf(v) {
							t.Errorf("%s: coefficient %d = %v", name, i, v)
							break
						}
					}
					if c.tol == 0 {
						continue
					}
					b, err := eng.Forward(op.Key(), op.Stat(), edgeShift(x, 3, 5, c.pair))
					if err != nil {
						t.Fatal(err)
					}
					testutil.CompareScaled(t, name+" translated", b.Data, a.Data, 0, c.tol)
					if c.rot {
						b, err := eng.Forward(op.Key(), op.Stat(), edgeRot(x, 2))
						if err != nil {
							t.Fatal(err)
						}
						ma, mb := make([]complex128, len(a.Data)), make([]complex128, len(a.Data))
						for i := range a.Data {
							ma[i], mb[i] = complex(cmplx.Abs(a.Data[i]), 0), complex(cmplx.Abs(b.Data[i]), 0)
						}
						testutil.CompareScaled(t, name+" rotated by π (moduli)", mb, ma, 0, c.tol)
					}
					if c.iso && L == 2 {
						xr := edgeRot(x, 1)
						opr, err := BuildWithRef(s, eng, xr)
						if err != nil {
							t.Fatalf("%s rotated: %v", name, err)
						}
						b, err := eng.Forward(opr.Key(), opr.Stat(), xr)
						if err != nil {
							t.Fatal(err)
						}
						testutil.CompareScaled(t, name+" rotated by π/L", b.Data, a.Data, 0, c.tol)
					}
				}
			}
		}
	}
}

// Scattering spectra with --norm p11 are refused naming the flag, what is
// allowed and the alternative, by Build and by BuildWithRef before any
// reference is measured.
func TestSpectraP11Refused(t *testing.T) {
	s := Spec{Kind: Spectra, J: 2, L: 2, Norm: "p11"}
	want := []string{"--norm p11", "p00", "--kind scov"}
	testutil.Refused(t, "Build", func() error { _, err := Build(s, 32, 32); return err }, want...)
	testutil.Refused(t, "BuildStored", func() error { _, err := BuildStored(s, 32, 32, nil); return err }, want...)
	testutil.Refused(t, "BuildWithRef", func() error { _, err := BuildWithRef(s, cpu.New(), edgeField(32, 32, 1)); return err }, want...)
}
