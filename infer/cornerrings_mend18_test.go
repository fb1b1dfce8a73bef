package infer

import (
	"testing"
)

// TestMend18CornerRings pins the ring sizes the docs quote (the outer ring
// holds about a quarter of the corner, not half).
func TestMend18CornerRings(t *testing.T) {
	for _, c := range []struct{ p, outer, all int }{{32, 61, 231}, {64, 225, 891}} {
		h, e := float64(c.p)/2, cornerRingEdge(c.p, c.p)
		var cnt [2]int
		for i := 0; i < c.p; i++ {
			for j := 0; j < c.p; j++ {
				if k := modeK(i, j, c.p, c.p); k >= e {
					cnt[1]++
				} else if k >= h {
					cnt[0]++
				}
			}
		}
		if cnt[1] != c.outer || cnt[0]+cnt[1] != c.all {
			t.Errorf("%d²: rings hold %v modes, want outer %d of %d", c.p, cnt, c.outer, c.all)
		}
	}
}
