package engine

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// primCase is a statistic built for maps of M×N.
type primCase struct {
	name string
	ok   func(M, N int) bool // nil: any size
	stat func(M, N int) stlayer.Stat
}

func randBankF(rng *rand.Rand, k, h, w int) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: k, H: h, W: w, Data: make([]float64, k*h*w), Name: fmt.Sprintf("rand%dx%d", h, w)}
	for i := range f.Data {
		f.Data[i] = rng.NormFloat64()
	}
	return f
}

// blobBank returns 2 filters vanishing outside discs (wrapping around the
// grid) around two frequencies, dense or as runs.
func blobBank(M, N int, sparse bool) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: 2, H: M, W: N, Name: fmt.Sprintf("blob%dx%d", M, N)}
	centres := [][3]float64{{0, float64(N) / 5, float64(max(M, N)) / 5}, {float64(M) * 0.7, float64(N) * 0.9, float64(max(M, N)) / 4}}
	d := make([]float64, 2*M*N)
	for k, c := range centres {
		for i := 0; i < M; i++ {
			for j := 0; j < N; j++ {
				di := math.Abs(float64(i) - c[0])
				di = math.Min(di, float64(M)-di)
				dj := math.Abs(float64(j) - c[1])
				dj = math.Min(dj, float64(N)-dj)
				r2 := (di*di + dj*dj) / (c[2] * c[2])
				if r2 < 1 {
					d[(k*M+i)*N+j] = math.Exp(-2*r2) * (1 + 0.3*math.Sin(float64(i+2*j)))
				}
			}
		}
	}
	if !sparse {
		f.Data = d
		return f
	}
	f.Runs = make([][]stlayer.FilterRun, 2)
	for k := 0; k < 2; k++ {
		for i := 0; i < M; i++ {
			row := d[(k*M+i)*N : (k*M+i+1)*N]
			for j := 0; j < N; {
				if row[j] == 0 {
					j++
					continue
				}
				e := j
				for e < N && row[e] != 0 {
					e++
				}
				f.Runs[k] = append(f.Runs[k], stlayer.FilterRun{Row: i, Col: j, Vals: append([]float64(nil), row[j:e]...)})
				j = e
			}
		}
		if f.Runs[k] == nil {
			f.Runs[k] = []stlayer.FilterRun{}
		}
	}
	return f
}

// primCases exercises each primitive on real input maps of any size (the
// CPU engine's real-field, Hermitian and lazy paths).
func primCases(rng *rand.Rand, bankKind int) []primCase {
	banks := map[[2]int]*stlayer.FilterBank{}
	bank := func(M, N int) *stlayer.FilterBank {
		if b, ok := banks[[2]int{M, N}]; ok {
			return b
		}
		var b *stlayer.FilterBank
		switch bankKind {
		case 0:
			b = randBankF(rng, 2, M, N)
		case 1:
			b = blobBank(M, N, false)
		default:
			b = blobBank(M, N, true)
		}
		banks[[2]int{M, N}] = b
		return b
	}
	weights := func(n, seed int) []float64 {
		m := make([]float64, n)
		for i := range m {
			m[i] = math.Sin(float64(i*seed) + 0.3)
		}
		return m
	}
	even := func(M, N int) bool { return M%2 == 0 && N%2 == 0 }
	return []primCase{
		{"FFT2", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.FFT2(x) }
		}},
		{"IFFT2 real", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.IFFT2(x) }
		}},
		{"IFFT2∘MulFilters", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.IFFT2(p.MulFilters(p.FFT2(x), f)) }
		}},
		{"Mean|IFFT2∘MulFilter|", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Mean(p.Modulus(p.IFFT2(p.MulFilter(p.FFT2(x), f, []int{1}))))
			}
		}},
		{"CropFreq", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.IFFT2(p.CropFreq(p.FFT2(x), (M+1)/2, (N+1)/2))
			}
		}},
		{"CropFreq odd/even", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.CropFreq(p.FFT2(x), max(M-1, 1), max(N-2, 1))
			}
		}},
		{"CropFreq∘MulFilters", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.IFFT2(p.CropFreq(p.MulFilters(p.FFT2(x), f), (M+1)/2, max(N/2, 1)))
			}
		}},
		{"Mean Mod CropFreq∘MulFilters", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Mean(p.Modulus(p.IFFT2(p.CropFreq(p.MulFilters(p.FFT2(x), f), (M+1)/2, max(N/2, 1)))))
			}
		}},
		{"Periodise", even, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.IFFT2(p.Periodise(p.FFT2(x), M/2, N/2))
			}
		}},
		{"Periodise∘MulFilters", even, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Periodise(p.MulFilters(p.FFT2(x), f), M/2, N/2)
			}
		}},
		{"PadFreq", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.IFFT2(p.PadFreq(p.FFT2(x), 2*M, N+2))
			}
		}},
		{"PhaseHarmonic 2", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Mean(p.PhaseHarmonic(p.IFFT2(p.MulFilters(p.FFT2(x), f)), 2))
			}
		}},
		{"PhaseHarmonic -3", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.PhaseHarmonic(p.IFFT2(p.MulFilters(p.FFT2(x), f)), -3)
			}
		}},
		{"Pow 1.5", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Mean(p.Pow(p.IFFT2(p.MulFilters(p.FFT2(x), f)), 1.5))
			}
		}},
		{"FFT2 Pow 2", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.FFT2(p.Pow(p.IFFT2(p.MulFilters(p.FFT2(x), f)), 2))
			}
		}},
		{"FFT2 Modulus", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.FFT2(p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), f))))
			}
		}},
		{"MulConj means", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.IFFT2(p.MulFilters(p.FFT2(x), f))
				a, b := p.Channels(u, []int{0, 1, 1}), p.Channels(u, []int{1, 0, 1})
				return p.Concat(p.Mean(p.MulConj(a, b)), p.Mean(p.Mul(a, b)))
			}
		}},
		{"MulConj spectra", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				Y := p.FFT2(p.Modulus(p.IFFT2(p.MulFilters(X, f))))
				return p.WeightedMeans(p.MulConj(Y, X), [][]float64{weights(M*N, 3), weights(M*N, 7)})
			}
		}},
		{"Mean spectrum product", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				Y := p.FFT2(p.Modulus(p.IFFT2(p.MulFilters(X, f))))
				return p.Mean(p.MulConj(Y, X))
			}
		}},
		{"WeightedMean", nil, func(M, N int) stlayer.Stat {
			m := weights(M*N, 5)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				return p.Concat(p.WeightedMean(p.FFT2(x), m), p.WeightedMean(p.Pow(x, 2), m))
			}
		}},
		{"MulConst", nil, func(M, N int) stlayer.Stat {
			m := weights(M*N, 2)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.FFT2(p.MulConst(x, m)) }
		}},
		{"centred", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				xc := p.Sub(x, p.Mean(x))
				return p.Mean(p.Modulus(p.FFT2(xc)))
			}
		}},
		{"Div Log Sqrt", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				s := p.Add(p.Pow(x, 2), p.Scale(p.Mean(p.Pow(x, 2)), 0.5))
				return p.Concat(p.Mean(p.Log(s)), p.Mean(p.Sqrt(s)), p.Mean(p.Div(x, s)))
			}
		}},
		{"Shifts", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.IFFT2(p.MulFilters(p.FFT2(x), f))
				return p.Shifts(p.MulConj(u, p.Channels(u, []int{1, 0})), [][2]int{{0, 0}, {1, -1}, {-2, 3}, {M + 1, 2 * N}})
			}
		}},
		{"Crop PadReflect Subsample", func(M, N int) bool { return M >= 3 && N >= 3 }, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				y := p.PadReflect(p.Crop(x, 1, 0, M-1, N-1), 2, 1, 0, 2)
				return p.FFT2(p.Subsample(y, 2))
			}
		}},
		{"lazy products", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			h, w := (M+1)/2, max(N/2, 1)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				Y := p.FFT2(p.Modulus(p.IFFT2(p.MulFilters(X, f))))
				Xc := p.Channels(X, []int{0, 0})
				prod := p.MulConj(Y, Xc)
				c := p.CropFreq(prod, h, w)
				return p.Concat(p.Mean(c), p.WeightedMeans(c, [][]float64{weights(h*w, 2), weights(h*w, 9)}),
					p.Mean(p.Modulus(p.IFFT2(c))), p.Mean(p.Modulus(p.IFFT2(p.Mul(Y, Xc)))))
			}
		}},
		{"lazy products even crop", even, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				Y := p.FFT2(p.Modulus(p.IFFT2(p.MulFilters(X, f))))
				c := p.CropFreq(p.MulConj(Y, X), M/2, N/2)
				h2, w2 := max(M/4, 1), max(N/4, 1)
				cc := p.CropFreq(c, h2, w2)
				return p.Concat(p.Mean(c), p.WeightedMeans(cc, [][]float64{weights(h2*w2, 4)}), p.WeightedMeans(c, [][]float64{weights(M*N/4, 6)}))
			}
		}},
		{"Periodise products", even, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				Y := p.FFT2(p.Pow(p.IFFT2(p.MulFilters(X, f)), 0.8))
				return p.Periodise(p.Mul(Y, X), M/2, N/2)
			}
		}},
		{"PH products", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.IFFT2(p.MulFilters(p.FFT2(x), f))
				a := p.PhaseHarmonic(u, 2)
				b := p.PhaseHarmonic(u, 0)
				return p.Concat(p.Mean(p.MulConj(a, p.Channels(u, []int{1, 0}))), p.Mean(p.Mul(b, u)),
					p.Mean(p.MulConj(p.Channels(u, []int{1, 1}), a)), p.Shifts(p.MulConj(a, u), [][2]int{{1, 1}, {0, -1}}))
			}
		}},
		{"bcast", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), f)))
				uc := p.Sub(u, p.Mean(u))
				v := p.Div(p.Mul(uc, p.Sub(x, p.Mean(x))), p.Add(p.Mean(p.Pow(u, 2)), p.Mean(x)))
				return p.Concat(p.Mean(v), p.Mean(p.MulConj(uc, x)), p.Mean(p.Pow(p.FFT2(uc), 2)))
			}
		}},
		{"Real Conj Scale", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.IFFT2(p.MulFilters(p.FFT2(x), f))
				r := p.Real(p.Scale(u, complex(0.3, -1.2)))
				return p.Concat(p.FFT2(r), p.FFT2(p.Conj(p.Scale(r, 2i))))
			}
		}},
		{"Channels many runs", nil, func(M, N int) stlayer.Stat {
			f := bank(M, N)
			idx := []int{1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1}
			idx2 := make([]int, 0, 40)
			for i := 0; i < 40; i++ {
				idx2 = append(idx2, (i*7)%20)
			}
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				u := p.IFFT2(p.MulFilters(p.FFT2(x), f))
				v := p.Channels(p.Concat(u, p.Modulus(u)), append(idx, 3, 2, 3, 2, 2))
				m := p.Mean(p.MulConj(v, p.Channels(u, idx[:1])))
				return p.Concat(p.Channels(m, idx2), p.Reshape(p.Channels(p.Mean(v), []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7}), 14, 1, 1))
			}
		}},
		{"PadReflect wide", nil, func(M, N int) stlayer.Stat {
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				return p.Subsample(p.PadReflect(p.Concat(x, p.Channels(X, []int{0})), 2*M+1, M, N, 3*N+2), 3)
			}
		}},
		{"Linear spatial", nil, func(M, N int) stlayer.Stat {
			A := []complex128{1, 2i, -1 + 1i, 0.5, 3, -2}
			Ar := []complex128{1, 2, -1, 0.5, 3, -2}
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				y := p.Concat(X, p.Conj(X), p.Real(X))
				r := p.Concat(x, p.Pow(x, 2), p.Scale(x, 3))
				return p.Concat(p.Linear(y, A, 2), p.Linear(r, A, 2), p.Linear(r, Ar, 2), p.Linear(y, Ar, 2))
			}
		}},
		{"Linear Reshape", nil, func(M, N int) stlayer.Stat {
			A := []complex128{1, 2i, -1 + 1i, 0.5, 3, -2}
			return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
				X := p.FFT2(x)
				y := p.Concat(X, p.Conj(X), p.Real(X))
				return p.Reshape(p.Linear(y, A, 2), 2*M, N, 1)
			}
		}},
	}
}

// TestPrimitivesAgree compares the CPU and graph engines primitive by
// primitive on real maps of non-square, odd and non-power-of-two sizes and
// batches > 1 (TestEnginesAgree covers whole statistics on 32×32 only).
func TestPrimitivesAgree(t *testing.T) {
	cpuE, _ := New("cpu", "")
	grE, err := New("graph", "")
	if err != nil {
		t.Fatal(err)
	}
	for kind := 0; kind < 3; kind++ {
		testPrimitivesAgree(t, cpuE.Engine, grE.Engine, kind)
	}
}

func testPrimitivesAgree(t *testing.T, cpuE, grE stlayer.Engine, kind int) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := primCases(rng, kind)
	sizes := [][3]int{{2, 6, 10}, {1, 5, 7}, {3, 4, 9}, {1, 1, 8}, {2, 8, 1}, {1, 12, 20}, {2, 2, 2}, {1, 2, 6}, {1, 7, 1}}
	if !testing.Short() {
		// Sizes where the engines' FFTs take other paths (four-step stages,
		// radix-3 rows, mixed radix, vector kernels).
		sizes = append(sizes, [][3]int{{2, 48, 64}, {1, 17, 34}, {1, 36, 100}, {1, 130, 24}, {2, 96, 96}, {1, 3, 256}, {1, 24, 192}, {1, 160, 6}, {1, 64, 128}}...)
	}
	for _, sz := range sizes {
		B, M, N := sz[0], sz[1], sz[2]
		x := stlayer.NewMaps(B, M, N)
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		for _, c := range cases {
			if c.ok != nil && !c.ok(M, N) {
				continue
			}
			name := fmt.Sprintf("bank%d %s %dx%dx%d", kind, c.name, B, M, N)
			s := c.stat(M, N)
			key := fmt.Sprintf("prim|%d|%s", kind, c.name)
			a, err := cpuE.Forward(key, s, x)
			if err != nil {
				t.Errorf("%s cpu: %v", name, err)
				continue
			}
			b, err := grE.Forward(key, s, x)
			if err != nil {
				t.Errorf("%s graph: %v", name, err)
				continue
			}
			if a.B != b.B || a.K != b.K || a.H != b.H || a.W != b.W {
				t.Errorf("%s: cpu dims %d %d %d %d, graph %d %d %d %d", name, a.B, a.K, a.H, a.W, b.B, b.K, b.H, b.W)
				continue
			}
			testutil.CompareScaled(t, name+" forward", b.Data, a.Data, 1e-4, 1e-5)
			_, ga, err := cpuE.LossGrad(key, s, x, stlayer.SumAbs2)
			if err != nil {
				t.Errorf("%s cpu grad: %v", name, err)
				continue
			}
			_, gb, err := grE.LossGrad(key, s, x, stlayer.SumAbs2)
			if err != nil {
				t.Errorf("%s graph grad: %v", name, err)
				continue
			}
			ca, cb := make([]complex128, len(ga)), make([]complex128, len(gb))
			for i := range ga {
				ca[i], cb[i] = complex(ga[i], 0), complex(gb[i], 0)
			}
			testutil.CompareScaled(t, name+" gradient", cb, ca, 1e-3, 1e-4)
		}
	}
}

// TestPrimitivesAgreeZeroMaps compares the engines on zero maps (moduli,
// phase harmonics and powers at 0, whose gradients are defined as 0).
func TestPrimitivesAgreeZeroMaps(t *testing.T) {
	cpuE, _ := New("cpu", "")
	grE, err := New("graph", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []float64{0} {
		rng := rand.New(rand.NewPCG(11, 12))
		cases := primCases(rng, 1)
		B, M, N := 2, 8, 12
		x := stlayer.NewMaps(B, M, N)
		for i := range x.Data {
			x.Data[i] = sc * rng.NormFloat64()
		}
		for _, c := range cases {
			if c.ok != nil && !c.ok(M, N) || c.name == "Div Log Sqrt" { // log 0
				continue
			}
			name := fmt.Sprintf("scale %g %s", sc, c.name)
			s := c.stat(M, N)
			key := fmt.Sprintf("prims|%g|%s", sc, c.name)
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
			testutil.CompareScaled(t, name+" forward", b.Data, a.Data, 1e-4, 1e-5)
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
			testutil.CompareScaled(t, name+" gradient", cb, ca, 1e-3, 1e-4)
		}
	}
}

// caseDegree is the homogeneity degree of each primCase (0: not homogeneous).
var caseDegree = map[string]float64{
	"FFT2": 1, "IFFT2 real": 1, "IFFT2∘MulFilters": 1, "Mean|IFFT2∘MulFilter|": 1, "CropFreq": 1,
	"CropFreq odd/even": 1, "CropFreq∘MulFilters": 1, "Mean Mod CropFreq∘MulFilters": 1, "Periodise": 1,
	"Periodise∘MulFilters": 1, "PadFreq": 1, "PhaseHarmonic 2": 1, "PhaseHarmonic -3": 1, "Pow 1.5": 1.5,
	"FFT2 Pow 2": 2, "FFT2 Modulus": 1, "MulConj means": 2, "MulConj spectra": 2, "Mean spectrum product": 2,
	"MulConst": 1, "centred": 1, "Shifts": 2, "Crop PadReflect Subsample": 1, "Linear Reshape": 1,
	"lazy products": 2, "lazy products even crop": 2, "Periodise products": 1.8, "PH products": 2,
	"Real Conj Scale": 1,
}

// TestCPUHomogeneous checks the CPU engine's values and gradients on maps
// scaled by extreme powers of two against the homogeneity of each case.
func TestCPUHomogeneous(t *testing.T) {
	cpuE, _ := New("cpu", "")
	e := cpuE.Engine
	for _, sz := range [][3]int{{2, 8, 12}, {1, 5, 7}, {1, 32, 48}} {
		B, M, N := sz[0], sz[1], sz[2]
		for kind := 0; kind < 3; kind++ {
			rng := rand.New(rand.NewPCG(11, 12))
			cases := primCases(rng, kind)
			x := stlayer.NewMaps(B, M, N)
			for i := range x.Data {
				x.Data[i] = rng.NormFloat64()
			}
			for _, c := range cases {
				d := caseDegree[c.name]
				if d == 0 || (c.ok != nil && !c.ok(M, N)) {
					continue
				}
				s := c.stat(M, N)
				loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
					g := make([]complex128, len(c.Data))
					for i := range g {
						g[i] = complex(math.Sin(float64(i)), math.Cos(float64(i)))
					}
					return 0, g, nil
				}
				a, err := e.Forward("h|"+c.name, s, x)
				if err != nil {
					t.Fatal(err)
				}
				_, ga, err := e.LossGrad("h|"+c.name, s, x, loss)
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range []int{-200, -70, 70, 150} {
					name := fmt.Sprintf("bank%d %s %dx%dx%d 2^%d", kind, c.name, B, M, N, ex)
					sc := math.Ldexp(1, ex)
					xs := stlayer.NewMaps(B, M, N)
					for i, v := range x.Data {
						xs.Data[i] = v * sc
					}
					b, err := e.Forward("h|"+c.name, s, xs)
					if err != nil {
						t.Fatal(err)
					}
					_, gb, err := e.LossGrad("h|"+c.name, s, xs, loss)
					if err != nil {
						t.Fatal(err)
					}
					f := math.Pow(sc, d)
					want := make([]complex128, len(a.Data))
					for i, v := range a.Data {
						want[i] = v * complex(f, 0)
					}
					testutil.CompareScaled(t, name+" forward", b.Data, want, 1e-9, 1e-10)
					fg := math.Pow(sc, d-1)
					cw, cb := make([]complex128, len(ga)), make([]complex128, len(gb))
					for i := range ga {
						cw[i], cb[i] = complex(ga[i]*fg, 0), complex(gb[i], 0)
					}
					testutil.CompareScaled(t, name+" gradient", cb, cw, 1e-9, 1e-10)
				}
			}
		}
	}
}

// TestCPUPoisonedPool: results do not depend on what the engine's pooled
// buffers held before. The engines refuse NaN maps (686828c), so the pool is
// poisoned by maps of ±MaxFloat64, whose sums overflow to ±Inf and whose
// differences then fill the buffers with NaN.
func TestCPUPoisonedPool(t *testing.T) {
	poisoned := 0
	defer func() {
		if poisoned == 0 {
			t.Errorf("no run on ±MaxFloat64 maps gave a non-finite value: the pool was not poisoned")
		}
	}()
	for _, sz := range [][3]int{{2, 8, 12}, {1, 5, 7}, {1, 32, 48}, {1, 1, 16}} {
		B, M, N := sz[0], sz[1], sz[2]
		for kind := 0; kind < 3; kind++ {
			rng := rand.New(rand.NewPCG(11, 12))
			cases := primCases(rng, kind)
			x := stlayer.NewMaps(B, M, N)
			nan := stlayer.NewMaps(B, M, N)
			for i := range x.Data {
				x.Data[i] = rng.NormFloat64()
				nan.Data[i] = math.MaxFloat64 * float64(1-2*(i%2))
			}
			for _, c := range cases {
				if c.ok != nil && !c.ok(M, N) {
					continue
				}
				name := fmt.Sprintf("bank%d %s %dx%dx%d", kind, c.name, B, M, N)
				s := c.stat(M, N)
				loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
					g := make([]complex128, len(c.Data))
					for i := range g {
						g[i] = complex(math.Sin(float64(i)), math.Cos(float64(i)))
					}
					return 0, g, nil
				}
				run := func(e stlayer.Engine, x *stlayer.Maps) ([]complex128, []complex128) {
					a, err := e.Forward("p|"+c.name, s, x)
					if err != nil {
						t.Fatal(err)
					}
					_, g, err := e.LossGrad("p|"+c.name, s, x, loss)
					if err != nil {
						t.Fatal(err)
					}
					cg := make([]complex128, len(g))
					for i, v := range g {
						cg[i] = complex(v, 0)
					}
					return a.Data, cg
				}
				fresh, _ := New("cpu", "")
				wa, wg := run(fresh.Engine, x)
				used, _ := New("cpu", "")
				pa, pg := run(used.Engine, nan)
				for _, v := range append(pa, pg...) {
					if cmplx.IsNaN(v) || cmplx.IsInf(v) {
						poisoned++
						break
					}
				}
				run(used.Engine, nan)
				ga, gg := run(used.Engine, x)
				testutil.CompareScaled(t, name+" forward", ga, wa, 1e-12, 1e-12)
				testutil.CompareScaled(t, name+" gradient", gg, wg, 1e-12, 1e-12)
			}
		}
	}
}

// TestConcurrentEngines: one CPU and one graph engine serve different
// statistics, shapes and banks from several goroutines at once, with the
// results of sequential calls (run with -race).
func TestConcurrentEngines(t *testing.T) {
	cpuE, _ := New("cpu", "")
	grE, err := New("graph", "")
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		name string
		s    stlayer.Stat
		x    *stlayer.Maps
		want map[string][]complex128
	}
	var jobs []*job
	for _, sz := range [][3]int{{2, 8, 12}, {1, 6, 6}} {
		for kind := 0; kind < 3; kind++ {
			rng := rand.New(rand.NewPCG(uint64(kind), 12))
			x := stlayer.NewMaps(sz[0], sz[1], sz[2])
			for i := range x.Data {
				x.Data[i] = rng.NormFloat64()
			}
			for _, c := range primCases(rng, kind) {
				if c.ok != nil && !c.ok(sz[1], sz[2]) {
					continue
				}
				jobs = append(jobs, &job{name: fmt.Sprintf("c|%d|%s", kind, c.name), s: c.stat(sz[1], sz[2]), x: x, want: map[string][]complex128{}})
			}
		}
	}
	engines := map[string]stlayer.Engine{"cpu": cpuE.Engine, "graph": grE.Engine}
	eval := func(e stlayer.Engine, j *job) ([]complex128, error) {
		c, err := e.Forward(j.name, j.s, j.x)
		if err != nil {
			return nil, err
		}
		_, g, err := e.LossGrad(j.name, j.s, j.x, stlayer.SumAbs2)
		if err != nil {
			return nil, err
		}
		out := append([]complex128(nil), c.Data...)
		for _, v := range g {
			out = append(out, complex(v, 0))
		}
		return out, nil
	}
	for en, e := range engines {
		for _, j := range jobs {
			v, err := eval(e, j)
			if err != nil {
				t.Fatal(err)
			}
			j.want[en] = v
		}
	}
	errs := make(chan error, 100)
	done := make(chan struct{})
	const G = 4
	for gi := 0; gi < G; gi++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for it := 0; it < len(jobs); it++ {
				j := jobs[(it*G+gi*7)%len(jobs)]
				en := "cpu"
				if (it+gi)%2 == 1 {
					en = "graph"
				}
				v, err := eval(engines[en], j)
				if err != nil {
					errs <- err
					return
				}
				for i := range v {
					if v[i] != j.want[en][i] && !(math.IsNaN(real(v[i])) && math.IsNaN(real(j.want[en][i]))) {
						errs <- fmt.Errorf("%s %s: value %d is %v, sequential %v", en, j.name, i, v[i], j.want[en][i])
						return
					}
				}
			}
		}()
	}
	for range G {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
