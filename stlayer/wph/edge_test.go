package wph

import (
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestC01OrientationPairs pins PyWPH's C01 orientation pairs (load_model:
// dl = L // 2, t2 in range(t1 − dl, t1 + dl)): l2 = l1−DL … l1+DL−1 mod L,
// i.e. every orientation for even L, all but l1 + DL for odd L, and none for
// L = 1, where DL = 0: a model with L = 1 has no C01 (nor C00, C10)
// coefficient — a consequence of the definition, not a bug — while the other
// classes are there and finite. DL = 1 with L = 1 is refused naming L ≥ 2.
func TestC01OrientationPairs(t *testing.T) {
	const J = 3 // scale pairs j1 < j2: 3
	for L := 1; L <= 5; L++ {
		op := newOp(t, Config{J: J, L: L, Classes: []string{"S11", "S00", "C00", "S01", "C01", "S10", "C10", "Cphase", "L"}}, 32, 32)
		count := map[string]int{}
		pairs := map[[2]int]bool{}
		for _, m := range op.Moments() {
			count[m.Class]++
			if m.Class == "C01" {
				pairs[[2]int{m.L1, m.L2}] = true
			}
		}
		dl := L / 2
		if got, want := count["C01"], 3*L*2*dl; got != want {
			t.Errorf("L=%d: %d C01 coefficients, want 3 scale pairs × %d l1 × %d l2 = %d", L, got, L, 2*dl, want)
		}
		for _, c := range []string{"C00", "C10"} {
			if count[c] != count["C01"] {
				t.Errorf("L=%d: %d %s coefficients, want %d as C01", L, count[c], c, count["C01"])
			}
		}
		for l1 := range L {
			for l2 := range L {
				d := ((l2-l1)%L + L) % L // l2 = l1 + d mod L
				want := d < dl || d >= L-dl
				if pairs[[2]int{l1, l2}] != want {
					t.Errorf("L=%d: C01 pair (l1=%d, l2=%d) present %v, want %v", L, l1, l2, !want, want)
				}
			}
		}
		for _, c := range []string{"S11", "S00", "S01", "S10", "Cphase"} {
			want := J * L
			if c == "Cphase" {
				want = 3 * L
			}
			if count[c] != want {
				t.Errorf("L=%d: %d %s coefficients, want %d", L, count[c], c, want)
			}
		}
	}

	// PyWPH's default model with L = 1: S11, S00, S01, Cphase (3 each) and
	// 6 scaling moments, finite.
	op := newOp(t, Config{J: J, L: 1}, 32, 32)
	if n := op.Labels().Len(); n != 18 {
		t.Errorf("default model J=3 L=1: %d coefficients, want 18 (no C01)", n)
	}
	if idx := op.Labels().Select("C01", nil); len(idx) != 0 {
		t.Errorf("default model J=3 L=1: %d C01 rows, want 0", len(idx))
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), crop(testutil.Dust256(t), 32, 32))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range c.Data {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) || v == 0 {
			t.Errorf("L=1 %s = %v, want finite and non-zero", op.Labels().String(i), v)
		}
	}

	testutil.Refused(t, "DL=1 with L=1", func() error { _, err := New(Config{J: J, L: 1, DL: 1}, 32, 32); return err }, "L = 1", "L ≥ 2", "DL = 0")
	testutil.Refused(t, "DL=3 with L=4", func() error { _, err := New(Config{J: J, L: 4, DL: 3}, 32, 32); return err }, "DL = 3 > L/2 = 2", "DL ≤ 2")
}
