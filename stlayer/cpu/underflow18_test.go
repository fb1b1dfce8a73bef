package cpu

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// Maps ×1e-160 gave all-zero C01 and C11 (and P00 0.6 % off) on the cpu
// engine, exit 0: their degree-2 moments (~1e-320) underflow float64.
// Forward and LossGrad now refuse maps whose largest |value| is below
// MinMapScale (≈ 1.49e-150) with an ErrFloat64Range error giving the
// factor to multiply by; just above the floor, at 2⁻⁴⁹⁰ ≈ 3.1e-148, every
// coefficient is still the scale-1 one times 2^(−490·degree) to 1e-12, and
// zero maps are still accepted.
func TestUnderflow18CPURefusesTinyMaps(t *testing.T) {
	e := New()
	for _, n := range []int{16, 32} {
		op, err := scov.New(scov.Config{J: 3, L: 4}, n, n)
		if err != nil {
			t.Fatal(err)
		}
		base := testutil.RandMaps(rand.New(rand.NewPCG(uint64(n), 160)), 2, n, n)
		amax := 0.0 // of map 0, the one named
		for _, v := range base.Map(0) {
			amax = max(amax, math.Abs(v))
		}
		if amax < 1 || amax >= 10 {
			t.Fatalf("premise: largest |value| of the Gaussian maps %g, want in [1, 10)", amax)
		}
		scaled := func(s float64) *stlayer.Maps {
			x := stlayer.NewMaps(base.B, n, n)
			for i, v := range base.Data {
				x.Data[i] = s * v
			}
			return x
		}
		tiny := scaled(1e-160)
		want := []string{"float64", "map 0 of 2: largest |value| is " + underflowG(1e-160*amax), "below the cpu engine's floor 1.49e-150",
			"underflow", "multiply the maps by a constant first, e.g. 1e160", "degree 2"}
		_, err = e.Forward(op.Key(), op.Stat(), tiny)
		if !errors.Is(err, ErrFloat64Range) {
			t.Fatalf("%d²: Forward at 1e-160: error %v, want ErrFloat64Range", n, err)
		}
		testutil.Refused(t, "Forward at 1e-160", func() error { return err }, want...)
		_, _, err = e.LossGrad(op.Key(), op.Stat(), tiny, testutil.SumAbs2)
		if !errors.Is(err, ErrFloat64Range) {
			t.Fatalf("%d²: LossGrad at 1e-160: error %v, want ErrFloat64Range", n, err)
		}
		testutil.Refused(t, "LossGrad at 1e-160", func() error { return err }, want...)

		// Just above the floor: homogeneous to round-off.
		const k = -490
		c1, err := e.Forward(op.Key(), op.Stat(), base)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := e.Forward(op.Key(), op.Stat(), scaled(math.Ldexp(1, k)))
		if err != nil {
			t.Fatalf("%d²: Forward at 2^%d: %v", n, k, err)
		}
		worst := 0.0
		for i, v := range c1.Data {
			if v == 0 {
				continue
			}
			best := math.Inf(1)
			for d := 0; d <= 2; d++ {
				w := v * complex(math.Ldexp(1, k*d), 0)
				best = min(best, cmplx.Abs(cs.Data[i]-w)/cmplx.Abs(w))
			}
			worst = max(worst, best)
		}
		if worst > 1e-12 {
			t.Errorf("%d²: at 2^%d a coefficient is %.3g off the scale-1 one times 2^(%d·degree)", n, k, worst, k)
		}
	}

	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	x := stlayer.NewMaps(1, 4, 4)
	for _, c := range []struct {
		v  float64
		ok bool
	}{{MinMapScale, true}, {MinMapScale * (1 - 1e-12), false}, {0, true}, {-5e-324, false}} {
		clear(x.Data)
		x.Data[5] = c.v
		_, err := e.Forward("underflow18-mean", mean, x)
		if c.ok && err != nil {
			t.Errorf("largest |value| %g: %v, want accepted", c.v, err)
		}
		if !c.ok && !errors.Is(err, ErrFloat64Range) {
			t.Errorf("largest |value| %g: error %v, want ErrFloat64Range", c.v, err)
		}
	}

	// Each map is checked: a tiny map next to a normal one is refused by
	// name, a zero one is not.
	batch := stlayer.NewMaps(2, 4, 4)
	for i := range 16 {
		batch.Data[i] = float64(i%5) - 2
		batch.Data[16+i] = 1e-200 * batch.Data[i]
	}
	_, err := e.Forward("underflow18-mean", mean, batch)
	if !errors.Is(err, ErrFloat64Range) {
		t.Errorf("batch [normal, tiny]: error %v, want ErrFloat64Range", err)
	}
	testutil.Refused(t, "batch [normal, tiny]", func() error { return err }, "map 1 of 2: largest |value| is 2e-200", "e.g. 1e200")
	clear(batch.Data[16:])
	if _, err := e.Forward("underflow18-mean", mean, batch); err != nil {
		t.Errorf("batch [normal, zero]: %v, want accepted", err)
	}
}

func underflowG(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
