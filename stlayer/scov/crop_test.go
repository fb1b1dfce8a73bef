package scov

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// cropTestMaps returns b positive, skewed random M×N maps (a lognormal field
// smoothed by nothing: the statistics then have non-trivial C01/C11).
func cropTestMaps(seed uint64, b, M, N int) *stlayer.Maps {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	x := testutil.RandMaps(rng, b, M, N)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.6 * x.Data[i])
	}
	return x
}

// With a cut of 0 pixels the window is the whole map: the non-periodic
// statistic (real-space products on each scale's grid, pre-windowed C01) must
// equal the periodic one (Fourier-space Parseval sums), for both C01
// conventions, both normalisations' raw moments and the cross statistics.
func TestCropZeroCutEqualsPeriodic(t *testing.T) {
	x := cropTestMaps(11, 2, 64, 48)
	pair, err := StackPair(x, cropTestMaps(12, 2, 64, 48))
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	for _, cfg := range []Config{{J: 4, L: 4}, {J: 3, L: 3, S3: S3Cov}, {J: 3, L: 4, FullResolution: true}} {
		np := cfg
		np.NonPeriodic, np.Cut = true, 0.01 // ⌊0.01·2^J⌋ = 0
		a, err := New(cfg, 64, 48)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(np, 64, 48)
		if err != nil {
			t.Fatal(err)
		}
		if b.Cut() != 0 || a.Key() == b.Key() {
			t.Fatalf("%+v: cut %d, keys %q and %q", np, b.Cut(), a.Key(), b.Key())
		}
		ra, err := eng.Forward(a.Key(), a.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := eng.Forward(b.Key(), b.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		w := testutil.CompareScaled(t, fmt.Sprintf("%+v", cfg), rb.Data, ra.Data, 1e-10, 1e-12)
		t.Logf("%+v: worst relative difference %.2e over %d coefficients", cfg, w, len(ra.Data))

		ca, _ := NewCross(cfg, 64, 48)
		cb, _ := NewCross(np, 64, 48)
		xa, err := eng.Forward(ca.Key(), ca.Stat(), pair)
		if err != nil {
			t.Fatal(err)
		}
		xb, err := eng.Forward(cb.Key(), cb.Stat(), pair)
		if err != nil {
			t.Fatal(err)
		}
		w = testutil.CompareScaled(t, fmt.Sprintf("%+v cross", cfg), xb.Data, xa.Data, 1e-10, 1e-12)
		t.Logf("%+v cross: worst relative difference %.2e", cfg, w)
	}
}

// bruteCrop computes the non-periodic raw moments by their definitions at
// full resolution: every filtered field U_{j1,l1}⋆ψ_{j3,l3} (and I⋆ψ) is
// brought to the M×N grid (crop(j3) of its spectrum, times the crop-size
// filter, zero-padded to M×N) and the products are averaged over the window
// pixels (Crop + Mean). It returns (mean, var, P00[j][l], S1[j][l],
// C01[(j1,j2,l1,l2)], C11[(j1,j2,j3,l1,l2,l3)]) for map 0 of x as one
// coefficient vector in the raw order of op.
func bruteCrop(t *testing.T, op *Op, x *stlayer.Maps) []complex128 {
	t.Helper()
	J, L, M, N, c := op.cfg.J, op.cfg.L, op.M, op.N, op.Cut()
	h, w := M-2*c, N-2*c
	lay := op.idx.layout(1)
	idx := make([]int, 0)
	s := func(p stlayer.Prim, xf stlayer.Field) stlayer.Field {
		idx = idx[:0] // the engine may call s more than once (planning)
		var outs []stlayer.Field
		put := func(f stlayer.Field, d ...int) {
			outs = append(outs, f)
			idx = append(idx, d...)
		}
		win := func(f stlayer.Field) stlayer.Field { return p.Mean(p.Crop(f, c, c, h, w)) }
		mean := win(xf)
		xc := p.Sub(xf, mean)
		n := float64(h * w)
		put(mean, lay.mean)
		put(p.Scale(win(p.Pow(xc, 2)), complex(n/(n-1), 0)), lay.vr)
		X := p.FFT2(xf)
		Uh := make([]stlayer.Field, J)
		for j := 0; j < J; j++ {
			Z := p.IFFT2(p.MulFilters(X, op.bank[j]))
			U := p.Modulus(Z)
			for l := 0; l < L; l++ {
				put(win(p.Pow(p.Channels(Z, []int{l}), 2)), lay.P00(0, j, l, L))
				put(win(p.Channels(U, []int{l})), lay.S1(0, j, l, L))
			}
			Uh[j] = p.FFT2(U)
		}
		// fine returns y (an M×N spectrum) filtered by ψ̂_{j3} of the crop
		// of j3 and brought back to the M×N grid: channel ch·L + l3.
		fine := func(y stlayer.Field, j3 int) stlayer.Field {
			hc, wc := op.crops[j3][0], op.crops[j3][1]
			return p.IFFT2(p.PadFreq(p.MulFilters(p.CropFreq(y, hc, wc), op.bankC[j3]), M, N))
		}
		for j3 := 0; j3 < J; j3++ {
			V := make([]stlayer.Field, j3+1)
			for j1 := 0; j1 <= j3; j1++ {
				V[j1] = fine(Uh[j1], j3)
			}
			var left stlayer.Field
			if op.cfg.S3 == S3Cov {
				left = fine(X, j3)
			}
			for j1 := 0; j1 <= j3; j1++ {
				for l1 := 0; l1 < L; l1++ {
					for l3 := 0; l3 < L; l3++ {
						b := p.Channels(V[j1], []int{l1*L + l3})
						a := xc
						if left != nil {
							a = p.Channels(left, []int{l3})
						}
						put(win(p.MulConj(a, b)), lay.C01(0, op.idx.p2(j1, j3, l1, l3)))
					}
				}
				for j2 := j1; j2 <= j3; j2++ {
					for l1 := 0; l1 < L; l1++ {
						for l2 := 0; l2 < L; l2++ {
							for l3 := 0; l3 < L; l3++ {
								a := p.Channels(V[j1], []int{l1*L + l3})
								b := p.Channels(V[j2], []int{l2*L + l3})
								put(win(p.MulConj(a, b)), lay.C11(0, op.idx.p3(j1, j2, j3, l1, l2, l3)))
							}
						}
					}
				}
			}
		}
		return p.Concat(outs...)
	}
	one := stlayer.NewMaps(1, M, N)
	copy(one.Data, x.Map(0))
	res, err := cpu.New().Forward(op.Key()+"|brute", s, one)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]complex128, lay.total)
	for i, d := range idx {
		out[d] = res.Data[i]
	}
	return out
}

// The non-periodic statistic equals its definition evaluated at full
// resolution (bruteCrop): window means of I, (I − ⟨I⟩_W)², |I⋆ψ|², |I⋆ψ|,
// (I − ⟨I⟩_W)·conj(U⋆ψ) (or (I⋆ψ)·conj(U⋆ψ) with S3Cov) and
// (U1⋆ψ)·conj(U2⋆ψ), to 1e-10. This pins the quadrature on the coarse
// grids (axisWeights) and the pre-windowed Parseval form of C01, including
// a map size whose grids do not divide it (48×40, J = 4: the products of
// j3 = 3 on a 32×32 grid, 1.5 and 1.25 pixels apart).
func TestCropEqualsBruteForce(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		M, N int
	}{
		{Config{J: 4, L: 4, NonPeriodic: true}, 64, 64},
		{Config{J: 3, L: 3, S3: S3Cov, NonPeriodic: true, Cut: 0.75}, 64, 48},
		{Config{J: 4, L: 2, NonPeriodic: true}, 48, 40},
	} {
		op, err := New(c.cfg, c.M, c.N)
		if err != nil {
			t.Fatal(err)
		}
		x := cropTestMaps(21, 1, c.M, c.N)
		got, err := cpu.New().Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteCrop(t, op, x)
		w := testutil.CompareScaled(t, fmt.Sprintf("%+v %dx%d", c.cfg, c.M, c.N), got.Data, want, 1e-10, 1e-12)
		t.Logf("%+v %dx%d (cut %d, crops %v): worst relative difference %.2e", c.cfg, c.M, c.N, op.Cut(), op.crops, w)
	}
}

// The stacked products (graph engine) give the coefficients and gradients
// of the unstacked ones (CPU engine), auto and cross: coefficients to 1e-12
// (floor 1e-14 of the largest), Σ|Φ|² to 1e-12, gradients to 1e-10 with a
// floor of 1e-6 of the largest |gradient|, i.e. an absolute 1e-16 of it
// (testutil.CompareStacked's floor of 1e-14 is below the rounding of the
// cross gradient's border pixels: one at 1e-7 of the largest, a sum of
// cancelling terms, differs by 1e-17 of the largest between the two orders).
func TestCropStackedSameValues(t *testing.T) {
	x := cropTestMaps(5, 2, 64, 64)
	pair, err := StackPair(x, cropTestMaps(6, 2, 64, 64))
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	for _, cfg := range []Config{{J: 4, L: 4, NonPeriodic: true}, {J: 3, L: 3, S3: S3Cov, NonPeriodic: true}} {
		op, err := New(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		cop, err := NewCross(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, key string
			s         stlayer.Stat
			x         *stlayer.Maps
		}{{"auto", op.Key(), op.Stat(), x}, {"cross", cop.Key(), cop.Stat(), pair}} {
			name := fmt.Sprintf("%+v %s", cfg, c.name)
			a, err := eng.Forward(c.key, c.s, c.x)
			if err != nil {
				t.Fatal(err)
			}
			b, err := eng.Forward(c.key+"|stacked", testutil.Stacked(c.s), c.x)
			if err != nil {
				t.Fatal(err)
			}
			testutil.CompareScaled(t, name+" coefficients", b.Data, a.Data, 1e-12, 1e-14)
			la, ga, err := eng.LossGrad(c.key, c.s, c.x, stlayer.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			lb, gb, err := eng.LossGrad(c.key+"|stacked", testutil.Stacked(c.s), c.x, stlayer.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(la-lb) > 1e-12*math.Abs(la) {
				t.Errorf("%s: loss %v stacked vs %v", name, lb, la)
			}
			w := testutil.CompareFloor(t, name+" gradient", gb, ga, 1e-10, 1e-6)
			t.Logf("%s: worst gradient difference %.2e", name, w)
		}
	}
}

// Central-difference checks of the non-periodic gradients: raw moments (real
// and imaginary parts weighted), the isotropic synthesis vector with a P11
// reference, S3Cov, and the cross moments.
func TestCropGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	eng := cpu.New()
	x := cropTestMaps(33, 1, 32, 32)
	pair := cropTestMaps(34, 1, 64, 32)
	for _, c := range []struct {
		name  string
		cfg   Config
		cross bool
		synth bool
	}{
		{"raw", Config{J: 3, L: 4, NonPeriodic: true}, false, false},
		{"raw S3Cov", Config{J: 3, L: 3, S3: S3Cov, NonPeriodic: true, Cut: 0.75}, false, false},
		{"iso P11 ref", Config{J: 3, L: 4, Normalization: NormP11, NonPeriodic: true}, false, true},
		{"cross", Config{J: 3, L: 4, NonPeriodic: true}, true, false},
	} {
		op, err := New(c.cfg, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		key, s, in := op.Key(), op.Stat(), x
		switch {
		case c.cross:
			cop, err := NewCross(c.cfg, 32, 32)
			if err != nil {
				t.Fatal(err)
			}
			key, s, in = cop.Key(), cop.Stat(), pair
		case c.synth:
			ref, err := op.NewRef(eng, x)
			if err != nil {
				t.Fatal(err)
			}
			so, err := op.Synthesis(ref, true)
			if err != nil {
				t.Fatal(err)
			}
			key, s = so.Key(), so.Stat()
		}
		first, err := eng.Forward(key, s, in)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]complex128, len(first.Data))
		for i := range w {
			w[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		lin := func(out *stlayer.Coeffs) (float64, []complex128, error) {
			l := 0.0
			for i, c := range out.Data {
				l += real(w[i])*real(c) + imag(w[i])*imag(c)
			}
			return l, append([]complex128(nil), w...), nil
		}
		v := testutil.RandMaps(rng, 1, in.M, in.N)
		dir, fd := directional(t, eng, key, s, in, v, lin)
		rel := math.Abs(fd-dir) / math.Abs(fd)
		t.Logf("%s: ⟨∇ℒ,v⟩ = %.10g, central difference %.10g, rel err %.2e", c.name, dir, fd, rel)
		if rel > 1e-6 {
			t.Errorf("%s: gradient %.10g vs central difference %.10g (rel %.2e)", c.name, dir, fd, rel)
		}
	}
}

// Refusals: a cut that leaves no window, a non-finite Cut; the defaults.
func TestCropConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		M, N int
		want string
	}{
		{Config{J: 5, L: 4, NonPeriodic: true}, 32, 64, "16 pixels per side"},   // c = 16: 32 − 2·16 = 0 rows
		{Config{J: 3, L: 4, NonPeriodic: true, Cut: 2}, 64, 32, "64×32 map"},    // c = 16: no columns
		{Config{J: 3, L: 4, NonPeriodic: true, Cut: 1e300}, 64, 64, "per side"}, // overflow of ⌊Cut·2^J⌋
		{Config{J: 3, L: 4, NonPeriodic: true, Cut: math.NaN()}, 64, 64, "Cut"},
		{Config{J: 3, L: 4, NonPeriodic: true, Cut: math.Inf(1)}, 64, 64, "Cut"},
	} {
		_, err := New(c.cfg, c.M, c.N)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v on %d×%d: error %v, want one containing %q", c.cfg, c.M, c.N, err, c.want)
			continue
		}
		var es *stlayer.ErrShape
		if c.want != "Cut" && !errors.As(err, &es) {
			t.Errorf("%+v on %d×%d: %T, want *stlayer.ErrShape", c.cfg, c.M, c.N, err)
		}
		t.Logf("%+v on %d×%d: %v", c.cfg, c.M, c.N, err)
	}
	for _, c := range []struct {
		cfg  Config
		want int
	}{{Config{J: 4, L: 4, NonPeriodic: true}, 8}, {Config{J: 4, L: 4, NonPeriodic: true, Cut: -1}, 8}, {Config{J: 4, L: 4, NonPeriodic: true, Cut: 0.3}, 4}, {Config{J: 4, L: 4, Cut: 0.3}, 0}} {
		op, err := New(c.cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		if op.Cut() != c.want {
			t.Errorf("%+v: Cut() = %d, want %d", c.cfg, op.Cut(), c.want)
		}
	}
}

// The window of a square map is symmetric under a rotation by 90°, so the
// non-periodic statistic keeps the periodic one's rotation rule (see
// TestRotationPermutesOrientations: orientations move by L/2, the linear
// factor's conjugated where it wraps past θ = 0), to round-off with
// FullResolution. It is not translation invariant: a cyclic shift moves the
// wrap-around jump into the window (control: P00 changes by > 10 % while the
// periodic P00 is unchanged to 1e-10).
func TestCropRotationAndShift(t *testing.T) {
	const L = 4
	x := cropTestMaps(51, 1, 64, 64)
	// make it anisotropic and non-periodic: a ramp along rows
	for r := 0; r < 64; r++ {
		for c := 0; c < 64; c++ {
			x.Data[r*64+c] += 0.05 * float64(c)
		}
	}
	// testutil.Rot90 turns about pixel (0, 0); one row more turns about the
	// map's centre, which maps the window onto itself: xr[r, c] = x[c, 63 − r].
	r90 := testutil.Rot90(x)
	xr := stlayer.NewMaps(1, 64, 64)
	for r := 0; r < 64; r++ {
		copy(xr.Data[r*64:(r+1)*64], r90.Data[((r+1)%64)*64:((r+1)%64+1)*64])
	}
	eng := cpu.New()
	op, err := New(Config{J: 4, L: L, FullResolution: true, NonPeriodic: true}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	a, _, perm := rotatedCoeffs(t, eng, op, x, xr)
	w := testutil.CompareScaled(t, "rotated+permuted", perm, a, 0, 1e-10)
	t.Logf("rotation by 90°: worst relative deviation after the permutation %.2e", w)

	// Cyclic shift by 20 rows and 9 columns.
	xs := stlayer.NewMaps(1, 64, 64)
	for r := 0; r < 64; r++ {
		for c := 0; c < 64; c++ {
			xs.Data[((r+20)%64)*64+(c+9)%64] = x.Data[r*64+c]
		}
	}
	per, err := New(Config{J: 4, L: L, FullResolution: true}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*Op{per, op} {
		u, err := eng.Forward(o.Key(), o.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		v, err := eng.Forward(o.Key(), o.Stat(), xs)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for _, i := range op.Labels().Select("P00", nil) {
			worst = math.Max(worst, cmplx.Abs(v.Data[i]-u.Data[i])/cmplx.Abs(u.Data[i]))
		}
		t.Logf("non-periodic %v: shifted map's P00 differ by up to %.2e (relative)", o.cfg.NonPeriodic, worst)
		if o.cfg.NonPeriodic && worst < 0.1 {
			t.Errorf("non-periodic P00 moved by only %.2e under a shift that brings the border jump into the window", worst)
		}
		if !o.cfg.NonPeriodic && worst > 1e-10 {
			t.Errorf("periodic P00 not shift invariant: %.2e", worst)
		}
	}
}
