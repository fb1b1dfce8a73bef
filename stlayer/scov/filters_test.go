package scov

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer/filters"
)

// The Op's filters are those of filters.MorletCheng, bit for bit: per scale
// the L full-size filters of the first layer (built per scale, no J·L bank)
// and their Cheng crops (psiC; psi2C their squares), with and without the
// crop.
func TestOpFiltersAreMorletCheng(t *testing.T) {
	const M, N, J, L = 64, 48, 4, 4
	full := filters.MorletCheng(M, N, J, L)
	for _, fr := range []bool{false, true} {
		op, err := New(Config{J: J, L: L, FullResolution: fr}, M, N)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < J; j++ {
			fb := op.bank[j]
			if fb.K != L || fb.H != M || fb.W != N {
				t.Fatalf("full=%t scale %d: bank K=%d %dx%d", fr, j, fb.K, fb.H, fb.W)
			}
			want := full.Data[j*L*M*N : (j+1)*L*M*N]
			for i, v := range fb.Data {
				if math.Float64bits(v) != math.Float64bits(want[i]) {
					t.Fatalf("full=%t scale %d value %d = %v, MorletCheng %v", fr, j, i, v, want[i])
				}
			}
			h, w := op.crops[j][0], op.crops[j][1]
			crop := filters.Cropped(filters.Subset(full, []int{j * L, j*L + 1, j*L + 2, j*L + 3}), h, w)
			for l := 0; l < L; l++ {
				c, c2, ref := op.psiC[j][l], op.psi2C[j][l], crop.Filter(l)
				if len(c) != h*w || len(c2) != h*w {
					t.Fatalf("full=%t scale %d: %d and %d weights, want %d", fr, j, len(c), len(c2), h*w)
				}
				for i, v := range ref {
					if math.Float64bits(c[i]) != math.Float64bits(v) || math.Float64bits(c2[i]) != math.Float64bits(v*v) {
						t.Fatalf("full=%t scale %d l=%d value %d: psiC %v psi2C %v, crop of MorletCheng %v", fr, j, l, i, c[i], c2[i], v)
					}
				}
			}
		}
	}
}
