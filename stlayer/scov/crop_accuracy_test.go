package scov_test

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// TestCropWindowAccuracy: on 64×64 patches cut from a periodic 256×256
// Gaussian random field (P ∝ k⁻³, whose patches have large wrap-around
// jumps), the non-periodic P00 and S1 of a patch alone estimate those of
// the same window inside the whole field (convolutions over the 256² map,
// means over the patch's interior [8, 56)², J = 4) far better than the
// periodic statistic estimates the window mean over the whole patch: the
// mean relative error per scale over 16 patches and 4 orientations must be
// at most a quarter of the periodic one at every scale, and below 10 %.
// The whole field is rolled so that each patch sits in its centre; its
// windows are then centred ones (Cut = 6.5 and 6 at J = 4 on 256²).
func TestCropWindowAccuracy(t *testing.T) {
	const big, n, J, L = 256, 64, 4, 4
	grf, err := datasets.GaussianRandomField(big, big, -3, 7)
	if err != nil {
		t.Fatal(err)
	}
	var offs [][2]int
	for r := 0; r < big; r += n {
		for c := 0; c < big; c += n {
			offs = append(offs, [2]int{r, c})
		}
	}
	B := len(offs)
	rolled := stlayer.NewMaps(B, big, big)
	patches := stlayer.NewMaps(B, n, n)
	mid := (big - n) / 2
	for b, o := range offs {
		m := rolled.Map(b)
		for i := 0; i < big; i++ {
			for j := 0; j < big; j++ {
				m[i*big+j] = grf[((i+o[0]-mid+big)%big)*big+(j+o[1]-mid+big)%big]
			}
		}
		p := patches.Map(b)
		for i := 0; i < n; i++ {
			copy(p[i*n:(i+1)*n], m[(mid+i)*big+mid:(mid+i)*big+mid+n])
		}
	}
	eng := cpu.New()
	results := func(cfg scov.Config, x *stlayer.Maps) []*scov.Result {
		t.Helper()
		op, err := scov.New(cfg, x.M, x.N)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := op.Results(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	crop := scov.Config{J: J, L: L, NonPeriodic: true}                    // c = 8
	truthInterior := scov.Config{J: J, L: L, NonPeriodic: true, Cut: 6.5} // c = 104 = mid + 8
	truthPatch := scov.Config{J: J, L: L, NonPeriodic: true, Cut: 6}      // c = 96 = mid
	tc, tp := results(truthInterior, rolled), results(truthPatch, rolled)
	gc, gp := results(crop, patches), results(scov.Config{J: J, L: L}, patches)
	for _, class := range []string{"P00", "S1"} {
		for j := 0; j < J; j++ {
			var ec, ep float64
			for b := range offs {
				for l := 0; l < L; l++ {
					get := func(r *scov.Result) float64 {
						if class == "P00" {
							return r.P00[j*L+l]
						}
						return r.S1[j*L+l]
					}
					ec += math.Abs(get(gc[b])/get(tc[b]) - 1)
					ep += math.Abs(get(gp[b])/get(tp[b]) - 1)
				}
			}
			ec /= float64(B * L)
			ep /= float64(B * L)
			t.Logf("%s j=%d: mean relative error non-periodic %.2e, periodic %.2e (ratio %.2g)", class, j, ec, ep, ec/ep)
			if ec > ep/4 || ec > 0.1 {
				t.Errorf("%s j=%d: non-periodic error %.4f not ≤ min(periodic %.4f / 4, 0.1)", class, j, ec, ep)
			}
		}
	}
	// The normalised isotropic C01 and C11 (logged, not asserted): mean |Δ|
	// over the coefficients and patches.
	for _, class := range []string{"C01Iso", "C11Iso"} {
		var ec, ep float64
		count := 0
		for b := range offs {
			get := func(r *scov.Result) []float64 {
				if class == "C01Iso" {
					return r.C01Iso
				}
				return r.C11Iso
			}
			for i, v := range get(tc[b]) {
				if math.IsNaN(v) {
					continue
				}
				ec += math.Abs(get(gc[b])[i] - v)
				ep += math.Abs(get(gp[b])[i] - get(tp[b])[i])
				count++
			}
		}
		t.Logf("%s: mean |Δ| non-periodic %.2e, periodic %.2e", class, ec/float64(count), ep/float64(count))
	}
}
