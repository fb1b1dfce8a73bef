package wst

import (
	"math"
	"math/cmplx"
	"testing"
)

// TestIsoStatWithoutPairs: J = 1 with StrictJ2 (Cheng's 'j2>j1') has no
// second-order pair, hence no S2_iso, P11_iso, s21 or s22. New accepts it;
// IsoStat must then give S0, S1_iso and P00_iso (IsoLabels' rows) rather
// than failing on an empty linear map.
func TestIsoStatWithoutPairs(t *testing.T) {
	op, err := New(Config{J: 1, L: 4, StrictJ2: true}, 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	x := randomMaps(5, 2, 16, 32)
	c := forward(t, op, op.IsoStat(), x)
	raw := forward(t, op, op.Stat(), x)
	if c.K != op.IsoLabels().Len() || c.K != 3 {
		t.Fatalf("IsoStat gave %d coefficients, IsoLabels %d, want 3", c.K, op.IsoLabels().Len())
	}
	for b := 0; b < x.B; b++ {
		r := raw.Row(b)
		var s1, p00 complex128
		for l := 0; l < 4; l++ {
			s1 += r[op.offS1()+l] / 4
			p00 += r[op.offP00()+l] / 4
		}
		for i, want := range []complex128{r[0], s1, p00} {
			if got := c.Row(b)[i]; cmplx.Abs(got-want) > 1e-12*math.Max(1, cmplx.Abs(want)) {
				t.Errorf("map %d %s: %v, want %v", b, op.IsoLabels().String(i), got, want)
			}
		}
	}
}
