package wph

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer/filters"
)

// The Op keeps each scale's bump-steerable filters at the size of that
// scale's band crop (bit for bit the crop of the full bank), not the full
// bank, which Psi builds on demand.
func TestOpKeepsBandCroppedFilters(t *testing.T) {
	const M, N, J, L = 64, 32, 4, 4
	for _, c := range []struct {
		name string
		cfg  Config
		band []int
	}{
		{"periodic", Config{J: J, L: L}, []int{1, 1, 2, 4}},
		{"non-periodic", Config{J: J, L: L, NonPeriodic: true, Cut: 0.1}, []int{1, 1, 1, 1}},
	} {
		op := newOp(t, c.cfg, M, N)
		full := op.Psi()
		if full != filters.BumpSteerable(M, N, J, L) {
			t.Fatalf("%s: Psi is not filters.BumpSteerable(M, N, J, L)", c.name)
		}
		stored := 0
		for j, f := range op.psiBand {
			h, w := M/c.band[j], N/c.band[j]
			if f.K != L || f.H != h || f.W != w {
				t.Fatalf("%s: scale %d filters K=%d %dx%d, want %d %dx%d", c.name, j, f.K, f.H, f.W, L, h, w)
			}
			stored += len(f.Data)
			ks := []int{j * L, j*L + 1, j*L + 2, j*L + 3}
			want := filters.Cropped(filters.Subset(full, ks), h, w)
			for i, v := range f.Data {
				if v != want.Data[i] {
					t.Fatalf("%s: scale %d value %d = %v, crop of Psi %v", c.name, j, i, v, want.Data[i])
				}
			}
		}
		want := L * M * N * (2 + 1.0/4 + 1.0/16)
		if c.cfg.NonPeriodic {
			want = J * L * M * N
		}
		if stored != int(want) {
			t.Errorf("%s: the Op stores %d filter values, want %d", c.name, stored, int(want))
		}
	}
}
