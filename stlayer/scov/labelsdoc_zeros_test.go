package scov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// At J = 5, L = 4 fifteen spectra entries were identically zero (|v| <
// 4e-18, all C11 with a = 0, h1 = 1, im = 1) and nothing said why. The
// Spectra doc now derives them: at a = 0 (j1 = j2) swapping the two moduli
// conjugates C11, so F(h1, h2) = F((−h1−h2) mod L, h2); F(h1, 0) is then
// real and its √2·Im rows vanish, and the other a = 0 harmonics repeat in
// pairs. Checked on an anisotropic non-Gaussian map for (J, L) = (4, 4) and
// (3, 6): exactly the rows C11(a=0, h2=0, im=1) with h1 ≠ 0, L/2 are below
// 1e-13 of the largest C11 (J(J+1)/2·(⌈L/2⌉−1) of them: 10 and 12), and
// every a = 0 row equals its partner ((−h1−h2) mod L, h2) (the Im part of
// a partner stored as its conjugate with the opposite sign) to 1e-12.
func TestSpectraStructuralZeros(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	x := powerLawMap(rng, 64, 64, 2.5)
	sd := 0.0
	for _, v := range x.Data {
		sd += v * v / float64(len(x.Data))
	}
	sd = math.Sqrt(sd)
	for i := range x.Data {
		r, c := float64(i/64), float64(i%64)
		x.Data[i] = math.Exp(x.Data[i]/sd + 0.5*math.Cos(2*math.Pi*(2*r+c)/32))
	}
	for _, jl := range [][2]int{{4, 4}, {3, 6}} {
		J, L := jl[0], jl[1]
		op, err := New(Config{J: J, L: L}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		so, err := op.SpectraStat(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cpu.New().Forward(so.Key(), so.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		lb := so.Labels()
		scale := 0.0
		for _, i := range lb.Select("C11", nil) {
			scale = max(scale, math.Abs(real(c.Data[i])))
		}
		type key struct{ a, b, k, h1, h2, im int }
		val := map[key]float64{}
		for _, i := range lb.Select("C11", nil) {
			val[key{lb.Get(i, "a"), lb.Get(i, "b"), lb.Get(i, "k"), lb.Get(i, "h1"), lb.Get(i, "h2"), lb.Get(i, "im")}] = real(c.Data[i])
		}
		zeros := 0
		for i := 0; i < lb.Len(); i++ {
			cl := lb.Class[i]
			if cl != "C01" && cl != "C11" {
				continue
			}
			structural := cl == "C11" && lb.Get(i, "a") == 0 && lb.Get(i, "h2") == 0 && lb.Get(i, "im") == 1
			small := math.Abs(real(c.Data[i])) <= 1e-13*scale
			if structural {
				zeros++
			}
			if structural != small {
				t.Errorf("J=%d L=%d: %s = %g (scale %g): structural %v, below 1e-13 of the scale %v", J, L, lb.String(i), real(c.Data[i]), scale, structural, small)
			}
		}
		if want := J * (J + 1) / 2 * ((L+1)/2 - 1); zeros != want {
			t.Errorf("J=%d L=%d: %d structural zeros, want J(J+1)/2·(⌈L/2⌉−1) = %d", J, L, zeros, want)
		}
		// the a = 0 repeats F(h1, h2) = F((−h1−h2) mod L, h2)
		pairs := 0
		for q, v := range val {
			if q.a != 0 {
				continue
			}
			p1, sign := ((-q.h1-q.h2)%L+L)%L, 1.0
			p := key{0, q.b, q.k, p1, q.h2, q.im}
			w, ok := val[p]
			if !ok { // stored as its conjugate −p
				p = key{0, q.b, q.k, (L - p1) % L, (L - q.h2) % L, q.im}
				if w, ok = val[p]; !ok {
					if q.im == 0 {
						t.Errorf("J=%d L=%d: no row for the partner of %+v", J, L, q)
					}
					continue // a self-conjugate partner has no Im row: v is a structural zero
				}
				if q.im == 1 {
					sign = -1
				}
			}
			if math.Abs(v-sign*w) > 1e-12*scale {
				t.Errorf("J=%d L=%d: C11%+v = %g, its partner %+v = %g (sign %g)", J, L, q, v, p, w, sign)
			}
			if p != q {
				pairs++
			}
		}
		if pairs == 0 {
			t.Errorf("J=%d L=%d: no repeated harmonic at a = 0", J, L)
		}
	}
}
