package scov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// The Op's filters are those of filters.MorletCheng, bit for bit: per scale
// the L full-size filters of the first layer (built per scale, no J·L bank;
// sparse and truncated at filters.TruncTol for the cropped scales) and their
// Cheng crops (psiC; psi2C their squares, untruncated), with and without the
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
			h, w := op.crops[j][0], op.crops[j][1]
			// Full-grid crops: the dense band; cropped scales: the sparse
			// band truncated at filters.TruncTol (the CPU engine's own
			// truncation, so its results are those of the dense band).
			if sparse := h != M || w != N; fb.IsSparse() != sparse {
				t.Fatalf("full=%t scale %d: sparse bank %t, want %t", fr, j, fb.IsSparse(), sparse)
			}
			for l := 0; l < L; l++ {
				want := full.Filter(j*L + l)
				mx := 0.0
				for _, v := range want {
					mx = max(mx, math.Abs(v))
				}
				for i, v := range fb.Filter(l) {
					ref := want[i]
					if fb.IsSparse() && !(math.Abs(ref) > filters.TruncTol*mx) {
						ref = 0
					}
					if math.Float64bits(v) != math.Float64bits(ref) {
						t.Fatalf("full=%t scale %d l=%d value %d = %v, MorletCheng %v (truncated %v)", fr, j, l, i, v, want[i], ref)
					}
				}
			}
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

// The sparse truncated banks of the cropped scales give the CPU engine's
// results of the dense banks bit for bit (forward and gradient), and hold a
// fraction of their values (64×48, J = 4: the banks of j = 2, 3 store 38 %).
func TestOpSparseBanksSameBits(t *testing.T) {
	const M, N, J, L = 64, 48, 4, 4
	op, err := New(Config{J: J, L: L}, M, N)
	if err != nil {
		t.Fatal(err)
	}
	dense := *op
	dense.bank = make([]*stlayer.FilterBank, J)
	stored, all := 0, 0
	for j := range J {
		dense.bank[j] = filters.MorletChengBand(M, N, j, L, M, N)
		if op.bank[j].IsSparse() {
			stored += op.bank[j].StoredValues()
			all += L * M * N
		}
	}
	if all == 0 || stored*2 > all {
		t.Fatalf("sparse banks store %d of %d values", stored, all)
	}
	x := testutil.RandMaps(rand.New(rand.NewPCG(3, 4)), 2, M, N)
	var c0 *stlayer.Coeffs
	var g0 []float64
	for i, o := range []*Op{&dense, op} {
		e := cpu.New()
		c, err := e.Forward("scov", o.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		_, g, err := e.LossGrad("scov", o.Stat(), x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			c0, g0 = c, g
			continue
		}
		for k := range c.Data {
			a, b := c.Data[k], c0.Data[k]
			if math.Float64bits(real(a)) != math.Float64bits(real(b)) || math.Float64bits(imag(a)) != math.Float64bits(imag(b)) {
				t.Fatalf("coefficient %d: %v with sparse banks, %v with dense", k, c.Data[k], c0.Data[k])
			}
		}
		for k := range g {
			if math.Float64bits(g[k]) != math.Float64bits(g0[k]) {
				t.Fatalf("gradient %d: %v with sparse banks, %v with dense", k, g[k], g0[k])
			}
		}
	}
}
