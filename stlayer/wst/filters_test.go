package wst

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer/filters"
)

// The global Op keeps each scale's filters at its crop (Cheng's crop, or the
// full grid with Classic), bit for bit the crop of filters.MorletCheng's
// filters of that scale, and never the J·L full-size bank.
func TestGlobalOpFiltersAreCroppedMorletCheng(t *testing.T) {
	const M, N, J, L = 96, 64, 4, 4
	full := filters.MorletCheng(M, N, J, L)
	for _, classic := range []bool{false, true} {
		op, err := New(Config{J: J, L: L, Classic: classic}, M, N)
		if err != nil {
			t.Fatal(err)
		}
		crops := filters.Crops(M, N, J)
		stored := 0
		for j, fb := range op.psiCrop {
			h, w := crops[j][0], crops[j][1]
			if classic {
				h, w = M, N
			}
			if fb.K != L || fb.H != h || fb.W != w {
				t.Fatalf("classic=%t scale %d: bank K=%d %dx%d, want %d %dx%d", classic, j, fb.K, fb.H, fb.W, L, h, w)
			}
			stored += len(fb.Data)
			want := filters.Cropped(filters.Subset(full, seq(j*L, L)), h, w)
			for i, v := range fb.Data {
				if math.Float64bits(v) != math.Float64bits(want.Data[i]) {
					t.Fatalf("classic=%t scale %d value %d = %v, crop of MorletCheng %v", classic, j, i, v, want.Data[i])
				}
			}
		}
		if want := L * (2*M*N + M*N/4 + M*N/16); !classic && stored != want {
			t.Errorf("the Op stores %d filter values, want %d", stored, want)
		}
	}
}
