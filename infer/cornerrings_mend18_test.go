package infer

import (
	"math"
	"testing"
)

// TestMend18CornerRings pins the ring sizes the docs quote (the outer ring
// holds about a quarter of the corner, not half) and checks cornerRings
// against the ring definition on square and rectangular maps.
func TestMend18CornerRings(t *testing.T) {
	for _, c := range []struct{ p, outer, all int }{{32, 61, 231}, {64, 225, 891}} {
		_, cnt := cornerRings(c.p, c.p)
		if cnt[1] != c.outer || cnt[0]+cnt[1] != c.all {
			t.Errorf("%d²: rings hold %v modes, want outer %d of %d", c.p, cnt, c.outer, c.all)
		}
	}
	for _, sz := range [][2]int{{32, 32}, {16, 24}, {24, 10}, {1, 5}, {0, 3}} {
		m, n := sz[0], sz[1]
		ring, cnt := cornerRings(m, n)
		if len(ring) != m*n {
			t.Fatalf("%d×%d: %d ring entries", m, n, len(ring))
		}
		h := float64(min(m, n)) / 2
		e := h * math.Pow(2, 0.25)
		var want [2]int
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				k, r := modeK(i, j, m, n), -1
				if k >= h && k < e {
					r = 0
				} else if k >= e {
					r = 1
				}
				if r >= 0 {
					want[r]++
				}
				if ring[i*n+j] != r {
					t.Fatalf("%d×%d mode (%d,%d) |k|=%g: ring %d, want %d", m, n, i, j, k, ring[i*n+j], r)
				}
			}
		}
		if cnt != want {
			t.Errorf("%d×%d: counts %v, want %v", m, n, cnt, want)
		}
	}
	// The outer-ring operator averages exactly ring 1.
	op := NewPSOpOuterCorner(32, 32)
	nz := 0
	for _, w := range op.bins[0] {
		if w != 0 {
			nz++
			if want := 1 / float64(61*32*32); math.Abs(w-want) > 1e-18 {
				t.Fatalf("outer-ring weight %g, want %g", w, want)
			}
		}
	}
	if nz != 61 {
		t.Errorf("NewPSOpOuterCorner(32, 32) weighs %d modes, want 61", nz)
	}
}
