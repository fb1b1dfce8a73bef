package main

import (
	"strings"
	"testing"
)

// TestMosaicPicksSpreadCluster: the cluster mosaic showed the --top most confident patches, and a
// cluster of 196 Quijote + 47 dust patches showed 8 dust tiles (the misassigned dust had the
// highest q(y|x)) and no Quijote patch. mosaicPicks ranks the members by latent distance to the
// cluster's mean and takes evenly spaced ranks: on 196 latent means near 0 and 47 near (3, 3),
// the 8 tiles start with the most typical member, hold 6 or 7 of the majority and 1 or 2 of the
// minority (8·47/243 = 1.5), and end with the least typical; with fewer members than tiles all
// are shown. The tile title carries the source label.
func TestMosaicPicksSpreadCluster(t *testing.T) {
	const z = 2
	var members []int
	var mu []float32
	for i := 0; i < 243; i++ {
		members = append(members, i)
		// deterministic jitter, the majority within ±0.2 of (0, 0), the minority of (3, 3)
		j := float32(i%17)/17*0.4 - 0.2
		c := float32(0)
		if i >= 196 {
			c = 3
		}
		mu = append(mu, c+j, c-j)
	}
	mu[0], mu[1] = 0.55, 0.55 // member 0 is the closest to the centroid (≈ 0.58, 0.58)
	picks := mosaicPicks(members, mu, z, 8)
	if len(picks) != 8 {
		t.Fatalf("%d picks, want 8", len(picks))
	}
	minority := 0
	for _, i := range picks {
		if i >= 196 {
			minority++
		}
	}
	if minority < 1 || minority > 2 {
		t.Errorf("picks %v hold %d of the 47 minority members, want 1 or 2 (their share of 8 tiles: 1.5)", picks, minority)
	}
	if picks[0] != 0 {
		t.Errorf("first pick %d, want 0 (the member closest to the cluster's mean)", picks[0])
	}
	if picks[7] < 196 {
		t.Errorf("last pick %d, want a minority member (the farthest from the mean)", picks[7])
	}
	if got := mosaicPicks([]int{5, 9, 2}, make([]float32, 10*z), z, 8); len(got) != 3 {
		t.Errorf("3 members, top 8: got %v, want all 3", got)
	}
	if got := mosaicPicks(nil, nil, z, 8); len(got) != 0 {
		t.Errorf("empty cluster: got %v", got)
	}
	if s := mosaicTileTitle(12, 0.9876, "quijote"); s != "#12 p=0.988\nquijote" {
		t.Errorf("tile title %q", s)
	}
	if s := mosaicTileTitle(12, 0.9876, ""); strings.Contains(s, "\n") {
		t.Errorf("tile title without label %q has a second line", s)
	}
}
