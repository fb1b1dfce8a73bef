package scov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestThresholdUsesUnbiasedStd pins the documented deviation from Cheng's
// prepare_threshold_func: the std is the unbiased (ddof = 1) standard
// deviation, without Cheng's extra factor √(R/(R−1)). With the two samples
// 1 and 3 (mean 2, ddof-1 std √2) the ratio is √2 ≈ 1.41 here and 1 with
// Cheng's factor: kept at threshold 1.2, dropped at 1.5.
func TestThresholdUsesUnbiasedStd(t *testing.T) {
	op := &Op{cfg: Config{J: 2, L: 2}, idx: newIndexTables(2, 2)}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	a, b := make([]float64, sp.Len()), make([]float64, sp.Len())
	for i := range a {
		a[i], b[i] = 1, 3
	}
	for _, c := range []struct {
		threshold float64
		kept      bool
	}{{1.2, true}, {1.5, false}} {
		mask, err := sp.Threshold([][]float64{a, b}, c.threshold, false, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range mask {
			want := c.kept || sp.Labels().Class[i] == "mean"
			if m != want {
				t.Errorf("threshold %.1f: %s kept=%t, want %t", c.threshold, sp.Labels().String(i), m, want)
			}
		}
	}
}

// TestRefAveragesOverMaps pins the documented deviation from Cheng's
// add_ref (one reference map): a reference measured on several maps holds
// the batch averages of their P00 and P11.
func TestRefAveragesOverMaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	x := testutil.RandMaps(rng, 2, 32, 32)
	for i := range x.Data[:32*32] {
		x.Data[i] = math.Exp(x.Data[i])
	}
	op, err := New(Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	both, err := op.NewRef(e, x)
	if err != nil {
		t.Fatal(err)
	}
	var one [2]*Ref
	for b := range one {
		if one[b], err = op.NewRef(e, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(b)}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name string, got, r0, r1 []float64) {
		t.Helper()
		differ := false
		for i := range got {
			want := (r0[i] + r1[i]) / 2
			if math.Abs(got[i]-want) > 1e-12*math.Abs(want) {
				t.Errorf("%s[%d] = %g, want the average %g of %g and %g", name, i, got[i], want, r0[i], r1[i])
			}
			differ = differ || math.Abs(r0[i]-r1[i]) > 1e-3*math.Abs(r0[i])
		}
		if !differ {
			t.Errorf("%s: the two maps agree, the test cannot tell averaging from the first map", name)
		}
	}
	check("P00", both.P00, one[0].P00, one[1].P00)
	check("P11", both.P11, one[0].P11, one[1].P11)
}
