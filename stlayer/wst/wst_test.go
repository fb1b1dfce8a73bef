package wst

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

func randomMaps(seed uint64, b, m, n int) *stlayer.Maps {
	r := rand.New(rand.NewPCG(seed, 7))
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = r.NormFloat64()
	}
	return x
}

func forward(t *testing.T, op *Op, s stlayer.Stat, x *stlayer.Maps) *stlayer.Coeffs {
	t.Helper()
	c, err := cpu.New().Forward(op.Key(), s, x)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewValidation(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		m, n int
	}{
		{Config{J: 6, L: 4}, 64, 64},              // 2^(J+1) > 64
		{Config{J: 3, L: 4}, 33, 32},              // odd side
		{Config{J: 0, L: 4}, 64, 64},              // J < 1
		{Config{J: 3, L: 0}, 64, 64},              // L < 1
		{Config{J: 5, L: 8, Local: true}, 32, 64}, // 2^J ≥ M
	} {
		_, err := New(tc.cfg, tc.m, tc.n)
		var es *stlayer.ErrShape
		if !errors.As(err, &es) {
			t.Errorf("New(%+v, %d, %d): err = %v, want *stlayer.ErrShape", tc.cfg, tc.m, tc.n, err)
		}
	}
	if _, err := New(Config{J: 7, L: 4}, 256, 256); err != nil {
		t.Errorf("J=7 on 256²: %v", err)
	}
}

func TestLabelsAndSizes(t *testing.T) {
	for _, strict := range []bool{false, true} {
		J, L := 5, 4
		op, err := New(Config{J: J, L: L, StrictJ2: strict}, 128, 64)
		if err != nil {
			t.Fatal(err)
		}
		np := J * (J + 1) / 2
		if strict {
			np = J * (J - 1) / 2
		}
		if got, want := op.Labels().Len(), 1+2*J*L+2*np*L*L; got != want {
			t.Errorf("strict=%v: %d labels, want %d", strict, got, want)
		}
		c := forward(t, op, op.Stat(), randomMaps(1, 1, 128, 64))
		if c.K != op.Labels().Len() || c.H != 1 || c.W != 1 {
			t.Errorf("output [%d,%d,%d,%d]", c.B, c.K, c.H, c.W)
		}
		for i, cl := range op.Labels().Class {
			if cl == "S2" && op.Labels().Get(i, "j2") < op.Labels().Get(i, "j1")+boolInt(strict) {
				t.Errorf("S2 label %s violates the j-criterion", op.Labels().String(i))
			}
		}
	}
	// Crop sizes (Cheng's get_dxdy): 256 → 256, 256, 128, 64, 32, 16, 16.
	want := []int{256, 256, 128, 64, 32, 16, 16}
	op0, err := New(Config{J: 7, L: 4}, 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	for j, w := range want {
		if op0.cropH[j] != w || op0.cropW[j] != w {
			t.Errorf("crop of scale %d: %d×%d, want %d×%d", j, op0.cropH[j], op0.cropW[j], w, w)
		}
	}
	op, err := New(Config{J: 6, L: 8, Local: true}, 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	if P, Q := op.PaddedSize(); P != 384 || Q != 384 {
		t.Errorf("padded %d×%d, want 384×384", P, Q)
	}
	if h, w := op.OutputSize(); h != 4 || w != 4 {
		t.Errorf("output %d×%d, want 4×4", h, w)
	}
	if op.Labels().Len() != 1009 || KymatioChannels(6, 8) != 1009 {
		t.Errorf("%d channels, want 1009", op.Labels().Len())
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func circShift(x *stlayer.Maps, dr, dc int) *stlayer.Maps {
	y := stlayer.NewMaps(x.B, x.M, x.N)
	for b := range x.B {
		for i := range x.M {
			for j := range x.N {
				y.Data[(b*x.M+(i+dr)%x.M)*x.N+(j+dc)%x.N] = x.Data[(b*x.M+i)*x.N+j]
			}
		}
	}
	return y
}

func maxRelDiff(a, b []complex128) float64 {
	scale := 0.0
	for _, v := range b {
		scale = math.Max(scale, math.Abs(real(v)))
	}
	w := 0.0
	for i := range a {
		w = math.Max(w, math.Abs(real(a[i])-real(b[i]))/math.Max(math.Abs(real(b[i])), 1e-3*scale))
	}
	return w
}

// Global coefficients are invariant under circular shifts. With Cheng's
// 'classic' algorithm (no cropping) this holds to round-off for every shift.
// With 'fast', the cropped grids of scale j have spacing 64/h_j ≤ 4 pixels:
// shifts by multiples of 4 are exact; other shifts are sub-pixel shifts on the
// coarse grids, where the modulus of a band-limited field is not sampled
// identically, so they agree only approximately (measured ≤ 1.1e-2 on white
// noise; bound 3e-2).
func TestTranslationInvariance(t *testing.T) {
	x := randomMaps(2, 1, 64, 64)
	for _, classic := range []bool{true, false} {
		op, err := New(Config{J: 4, L: 4, Classic: classic}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		c0 := forward(t, op, op.Stat(), x)
		for _, tc := range []struct {
			dr, dc int
			exact  bool
		}{{8, 12, true}, {4, 60, true}, {5, 13, false}, {1, 0, false}} {
			tol := 1e-12
			if !classic && !tc.exact {
				tol = 3e-2
			}
			c := forward(t, op, op.Stat(), circShift(x, tc.dr, tc.dc))
			d := maxRelDiff(c.Data, c0.Data)
			t.Logf("classic=%v shift (%d,%d): max rel. difference %.2e", classic, tc.dr, tc.dc, d)
			if d > tol {
				t.Errorf("classic=%v shift (%d,%d): max rel. difference %.2e > %.0e", classic, tc.dr, tc.dc, d, tol)
			}
		}
	}
}

// A 90° rotation of a square map permutes the orientations of Cheng's Morlet
// bank: l → l + L/2 (mod L), i.e. a rotation by (L/2)·π/L; for L = 2 this is
// the rotation by π/L itself (l → l+1). With the 'classic' algorithm this holds
// to round-off. With 'fast', the crop keeps each cropped grid's Nyquist
// row/column from the negative frequency only (not rotation-symmetric), so it
// holds approximately (measured 1.0e-3 for L = 2, 1.7e-3 for L = 4 with the
// rotation about pixel (0, 0); bound 1e-2).
func TestRotationPermutesOrientations(t *testing.T) {
	x := randomMaps(3, 1, 64, 64)
	xr := testutil.Rot90(x)
	for _, classic := range []bool{true, false} {
		for _, L := range []int{2, 4} {
			op, err := New(Config{J: 4, L: L, Classic: classic}, 64, 64)
			if err != nil {
				t.Fatal(err)
			}
			c0 := forward(t, op, op.Stat(), x)
			c1 := forward(t, op, op.Stat(), xr)
			idx, _ := testutil.MovedIndex(t, op.Labels(), func(_ string, vals map[string]int) bool {
				for _, k := range []string{"l1", "l2"} {
					if v := vals[k]; v >= 0 {
						vals[k] = (v + L/2) % L
					}
				}
				return false // moduli only: no linear factor
			})
			perm := make([]complex128, len(idx))
			for i, j := range idx {
				perm[i] = c1.Data[j]
			}
			d := maxRelDiff(perm, c0.Data)
			// Without the permutation the coefficients differ at O(1).
			dn := maxRelDiff(c1.Data, c0.Data)
			tol := 1e-12
			if !classic {
				tol = 1e-2
			}
			t.Logf("classic=%v L=%d: rotated+permuted max rel. difference %.2e (unpermuted %.2e)", classic, L, d, dn)
			if d > tol {
				t.Errorf("classic=%v L=%d: rotated+permuted max rel. difference %.2e > %.0e", classic, L, d, tol)
			}
			if dn < 0.1 {
				t.Errorf("classic=%v L=%d: unpermuted difference %.2e unexpectedly small", classic, L, dn)
			}
		}
	}
}

// A batch of two maps gives the two single-map results.
func TestBatchEqualsSingles(t *testing.T) {
	for _, local := range []bool{false, true} {
		op, err := New(Config{J: 3, L: 4, Local: local}, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		x := randomMaps(4, 2, 32, 32)
		cb := forward(t, op, op.Stat(), x)
		for b := range 2 {
			xb := &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(b)}
			cs := forward(t, op, op.Stat(), xb)
			if d := maxRelDiff(cb.Row(b), cs.Data); d > 1e-12 {
				t.Errorf("local=%v map %d: batch vs single rel. difference %.2e", local, b, d)
			}
		}
	}
}

// Central finite differences of ℒ = Σ_k w_k c_k (random weights) at a few
// pixels of a 32² map agree with the engine's gradient.
func TestFiniteDifferenceGradient(t *testing.T) {
	x := randomMaps(5, 1, 32, 32)
	for _, tc := range []struct {
		name string
		cfg  Config
		stat func(*Op) stlayer.Stat
	}{
		{"global", Config{J: 3, L: 4}, (*Op).Stat},
		{"global-strict", Config{J: 3, L: 4, StrictJ2: true}, (*Op).Stat},
		{"iso", Config{J: 3, L: 4}, (*Op).IsoStat},
		{"synthesis-iso", Config{J: 3, L: 4}, func(o *Op) stlayer.Stat { return o.SynthesisStat(true) }},
		{"local", Config{J: 3, L: 4, Local: true}, (*Op).Stat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, err := New(tc.cfg, 32, 32)
			if err != nil {
				t.Fatal(err)
			}
			s := tc.stat(op)
			e := cpu.New()
			r := rand.New(rand.NewPCG(6, 8))
			var w []float64
			loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
				if w == nil {
					w = make([]float64, len(c.Data))
					for i := range w {
						w[i] = r.NormFloat64()
					}
				}
				var l float64
				g := make([]complex128, len(c.Data))
				for i, z := range c.Data {
					l += w[i] * real(z)
					g[i] = complex(w[i], 0)
				}
				return l, g, nil
			}
			_, g, err := e.LossGrad(op.Key(), s, x, loss)
			if err != nil {
				t.Fatal(err)
			}
			gnorm := 0.0
			for _, v := range g {
				gnorm = math.Max(gnorm, math.Abs(v))
			}
			const h = 1e-5
			for _, px := range []int{0, 17, 32*5 + 9, 32*31 + 31, 500} {
				xp := &stlayer.Maps{B: 1, M: 32, N: 32, Data: append([]float64(nil), x.Data...)}
				xp.Data[px] += h
				lp, _, err := e.LossGrad(op.Key(), s, xp, loss)
				if err != nil {
					t.Fatal(err)
				}
				xp.Data[px] -= 2 * h
				lm, _, err := e.LossGrad(op.Key(), s, xp, loss)
				if err != nil {
					t.Fatal(err)
				}
				fd := (lp - lm) / (2 * h)
				if d := math.Abs(fd - g[px]); d > 1e-5*math.Max(math.Abs(fd), gnorm) {
					t.Errorf("pixel %d: gradient %.10g, finite difference %.10g", px, g[px], fd)
				}
			}
		})
	}
}

func ExampleChengDict() {
	op, _ := New(Config{J: 3, L: 4}, 32, 32)
	c, _ := cpu.New().Forward(op.Key(), op.Stat(), randomMaps(1, 1, 32, 32))
	d, _ := ChengDict(op, c)
	fmt.Println(d["S1"].Shape, d["S2"].Shape, d["s21"].Shape, d["for_synthesis_iso"].Shape)
	// Output: [1 3 4] [1 3 3 4 4] [1 3 3] [1 27]
}

// TestLowpassSpatial: the separable real-space low-pass of the second order
// equals Kymatio's Fourier low-pass (cdgmm with φ, subsample_fourier, ifft,
// real, unpad) of the same field.
func TestLowpassSpatial(t *testing.T) {
	for _, c := range []struct{ J, L, M, N int }{{6, 8, 256, 256}, {4, 2, 64, 48}, {3, 2, 40, 56}} {
		op, err := New(Config{J: c.J, L: c.L, Local: true}, c.M, c.N)
		if err != nil {
			t.Fatal(err)
		}
		for res := 1; res < c.J; res++ {
			if op.sepRow[res] == nil {
				t.Fatalf("J=%d %dx%d res %d: φ̂ not found separable", c.J, c.M, c.N, res)
			}
			h, w := op.padM>>res, op.padN>>res
			x := randomMaps(uint64(res), 2, h, w)
			stat := func(spatial bool) stlayer.Stat {
				return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
					u := p.Reshape(p.Concat(x, p.Scale(x, 2)), 2, h, w)
					if spatial {
						return op.lowpassSpatial(p, u, res)
					}
					return op.lowpass(p, p.FFT2(u), res)
				}
			}
			a, b := forward(t, op, stat(true), x), forward(t, op, stat(false), x)
			scale := 0.0
			for _, v := range b.Data {
				scale = math.Max(scale, math.Abs(real(v)))
			}
			for i := range a.Data {
				if d := math.Abs(real(a.Data[i]) - real(b.Data[i])); d > 1e-12*scale || imag(a.Data[i]) != 0 {
					t.Fatalf("J=%d %dx%d res %d: value %d: spatial %v, Fourier %v", c.J, c.M, c.N, res, i, a.Data[i], b.Data[i])
				}
			}
		}
	}
}
