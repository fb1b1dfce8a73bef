package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// randomStat builds a random well-formed composition of primitives (seeded):
// the same program on both engines.
func randomStat(seed uint64, M, N int) stlayer.Stat {
	banks := map[[3]int]*stlayer.FilterBank{}
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		rng := rand.New(rand.NewPCG(seed, 99))
		bankFor := func(h, w int) *stlayer.FilterBank {
			kind := int(seed % 3)
			k := [3]int{h, w, kind}
			if b, ok := banks[k]; ok {
				return b
			}
			var b *stlayer.FilterBank
			switch kind {
			case 0:
				b = randBankF(rand.New(rand.NewPCG(uint64(h), uint64(w))), 2, h, w)
			default:
				b = blobBank(h, w, kind == 2)
			}
			banks[k] = b
			return b
		}
		pool := []stlayer.Field{x, p.FFT2(x)}
		var outs []stlayer.Field
		pick := func() stlayer.Field { return pool[rng.IntN(len(pool))] }
		for step := 0; step < 14; step++ {
			a := pick()
			B, C, H, W := a.Dims()
			_ = B
			var y stlayer.Field
			switch rng.IntN(16) {
			case 0:
				y = p.FFT2(a)
			case 1:
				y = p.IFFT2(a)
			case 2:
				y = p.MulFilters(a, bankFor(H, W))
			case 3:
				idx := make([]int, C)
				for i := range idx {
					idx[i] = rng.IntN(2)
				}
				y = p.MulFilter(a, bankFor(H, W), idx)
			case 4:
				h, w := H, W
				if H%2 == 0 {
					h = H / 2
				}
				if W%2 == 0 {
					w = W / 2
				}
				y = p.Periodise(a, h, w)
			case 5:
				y = p.CropFreq(a, 1+rng.IntN(H), 1+rng.IntN(W))
			case 6:
				y = p.Modulus(a)
			case 7:
				y = p.PhaseHarmonic(a, rng.IntN(6)-2)
			case 8:
				y = p.Pow(a, []float64{0.5, 1.5, 2, 3}[rng.IntN(4)])
			case 9:
				b := pick()
				_, cb, hb, wb := b.Dims()
				if (hb == H && wb == W || hb*wb == 1 || H*W == 1) && (cb == C || cb == 1 || C == 1) {
					switch rng.IntN(4) {
					case 0:
						y = p.Mul(a, b)
					case 1:
						y = p.MulConj(a, b)
					case 2:
						y = p.Add(a, b)
					default:
						y = p.Sub(a, b)
					}
				}
			case 10:
				y = p.Sub(a, p.Mean(a))
			case 11:
				if C > 1 || rng.IntN(2) == 0 {
					idx := make([]int, 1+rng.IntN(3))
					for i := range idx {
						idx[i] = rng.IntN(C)
					}
					y = p.Channels(a, idx)
				}
			case 12:
				y = p.Conj(p.Scale(a, complex(rng.NormFloat64(), rng.NormFloat64())))
			case 13:
				y = p.Real(a)
			case 14:
				m := make([]float64, H*W)
				for i := range m {
					m[i] = rng.Float64()
				}
				y = p.MulConst(a, m)
			case 15:
				if H > 2 && W > 2 {
					y = p.Crop(a, 1, 0, H-1, W-2)
				}
			}
			if y == nil {
				continue
			}
			pool = append(pool, y)
		}
		for _, f := range pool[2:] {
			_, _, H, W := f.Dims()
			m := make([]float64, H*W)
			for i := range m {
				m[i] = math.Cos(float64(i))
			}
			outs = append(outs, p.Mean(f), p.WeightedMeans(f, [][]float64{m}))
		}
		if len(outs) == 0 {
			return p.Mean(x)
		}
		var flat []stlayer.Field
		for _, o := range outs {
			_, c, _, _ := o.Dims()
			flat = append(flat, p.Reshape(o, c, 1, 1))
		}
		return p.Concat(flat...)
	}
}

// TestRandomPrograms compares the engines on random compositions of
// primitives (values and gradients) on small maps of several shapes.
func TestRandomPrograms(t *testing.T) {
	cpuE, _ := New("cpu", "")
	grE, err := New("graph", "")
	if err != nil {
		t.Fatal(err)
	}
	n := 300
	if testing.Short() {
		n = 30
	}
	for seed := uint64(0); seed < uint64(n); seed++ {
		sizes := [][3]int{{2, 8, 12}, {1, 6, 5}, {2, 1, 8}, {1, 10, 1}, {1, 16, 24}, {3, 4, 4}, {1, 9, 14}, {2, 32, 48}}
		sz := sizes[seed%uint64(len(sizes))]
		x := stlayer.NewMaps(sz[0], sz[1], sz[2])
		rng := rand.New(rand.NewPCG(seed, 5))
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		s := randomStat(seed, sz[1], sz[2])
		key := fmt.Sprintf("rand%d", seed)
		name := fmt.Sprintf("seed %d %v", seed, sz)
		a, err := cpuE.Engine.Forward(key, s, x)
		if err != nil {
			t.Errorf("%s cpu: %v", name, err)
			continue
		}
		b, err := grE.Engine.Forward(key, s, x)
		if err != nil {
			t.Errorf("%s graph: %v", name, err)
			continue
		}
		testutil.CompareScaled(t, name+" forward", b.Data, a.Data, 1e-3, 1e-4)
		loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
			g := make([]complex128, len(c.Data))
			for i := range g {
				g[i] = complex(math.Sin(float64(i)), math.Cos(float64(i)))
			}
			return 0, g, nil
		}
		_, ga, err := cpuE.Engine.LossGrad(key, s, x, loss)
		if err != nil {
			t.Errorf("%s cpu grad: %v", name, err)
			continue
		}
		_, gb, err := grE.Engine.LossGrad(key, s, x, loss)
		if err != nil {
			t.Errorf("%s graph grad: %v", name, err)
			continue
		}
		ca, cb := make([]complex128, len(ga)), make([]complex128, len(gb))
		for i := range ga {
			ca[i], cb[i] = complex(ga[i], 0), complex(gb[i], 0)
		}
		testutil.CompareScaled(t, name+" gradient", cb, ca, 1e-3, 1e-3)
	}
}
