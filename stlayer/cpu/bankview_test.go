package cpu

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// truncRef is the engine's truncation of filter k of f written out densely
// (the engine's former cached copy): v if |v| > supportTol·max|f_k|, else +0.
func truncRef(f *stlayer.FilterBank, k int) []float64 {
	n := f.H * f.W
	src := f.Data[k*n : (k+1)*n]
	mx := 0.0
	for _, v := range src {
		mx = max(mx, math.Abs(v))
	}
	out := make([]float64, n)
	for i, v := range src {
		if math.Abs(v) > supportTol*mx {
			out[i] = v
		}
	}
	return out
}

// tailBank is a random K×H×W bank whose filters are O(1) on a band of rows
// and columns and carry sub-threshold tails (±1e−16…1e−20, −0) elsewhere, a
// few of them inside the band, so that the engine's view packs some runs
// and aliases others.
func tailBank(rng *rand.Rand, K, H, W int) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: K, H: H, W: W, Data: make([]float64, K*H*W), Name: "tails"}
	for k := 0; k < K; k++ {
		for h := 0; h < H; h++ {
			for w := 0; w < W; w++ {
				v := math.Copysign(math.Pow(10, -16-4*rng.Float64()), rng.NormFloat64())
				switch {
				case rng.IntN(13) == 0:
					v = math.Copysign(0, -1)
				case (h+k)%H < H/2 && (w+2*k)%W < W/3 && rng.IntN(9) != 0:
					v = rng.NormFloat64()
				}
				f.Data[(k*H+h)*W+w] = v
			}
		}
	}
	return f
}

// TestBankViewBits: the engine's compact view of a bank (runs and their
// values, aliased or packed) holds the truncated filters bit for bit: the
// dense plane rebuilt from it is the dense truncation, the support is the one
// scanned from that plane, gather reads it at crop indices, and runs alias
// the bank's Data exactly where truncation leaves their bits alone.
func TestBankViewBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	banks := viewTestBanks(rng)
	e := New()
	var aliased, packed int
	for _, f := range banks {
		bi := e.bank(f)
		H, W, n := f.H, f.W, f.H*f.W
		lo := uintptr(unsafe.Pointer(&f.Data[0]))
		hi := lo + uintptr(8*len(f.Data))
		for k := 0; k < f.K; k++ {
			ref := truncRef(f, k)
			su := &bi.sup[k]
			want := newSupport(H, W, func(h int) []float64 { return ref[h*W : (h+1)*W] })
			if !reflect.DeepEqual([]any{su.rows, su.rowIdx, su.runOff, su.runs, su.cols, su.nnz, su.ncols, su.dense},
				[]any{want.rows, want.rowIdx, want.runOff, want.runs, want.cols, want.nnz, want.ncols, want.dense}) {
				t.Fatalf("%s filter %d: support differs from the one of the dense truncation", f.Name, k)
			}
			got := make([]float64, n)
			for h := 0; h < H; h++ {
				runs, vals := su.row(h)
				for r, run := range runs {
					if len(vals[r]) != int(run[1]-run[0]) {
						t.Fatalf("%s filter %d row %d: run %v holds %d values", f.Name, k, h, run, len(vals[r]))
					}
					copy(got[h*W+int(run[0]):], vals[r])
					p := uintptr(unsafe.Pointer(&vals[r][0]))
					inBank := p >= lo && p < hi
					a := h*W + int(run[0])
					same := true
					for t, v := range f.Data[k*n+a : k*n+a+len(vals[r])] {
						same = same && math.Float64bits(v) == math.Float64bits(ref[a+t])
					}
					if inBank != same {
						t.Fatalf("%s filter %d row %d run %v: aliases the bank = %v, truncation leaves its bits = %v", f.Name, k, h, run, inBank, same)
					}
					if inBank {
						aliased++
					} else {
						packed++
					}
				}
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
					t.Fatalf("%s filter %d: value %d is %g, truncation %g", f.Name, k, i, got[i], ref[i])
				}
			}
			ri, ci := freqIndex(max(H/2, 1), H), freqIndex(max(W/2+1, 1), W)
			row := make([]float64, len(ci))
			for _, R := range ri {
				su.gather(R, ci, row)
				for j, C := range ci {
					if math.Float64bits(row[j]) != math.Float64bits(ref[R*W+C]) {
						t.Fatalf("%s filter %d: gather (%d, %d) = %g, truncation %g", f.Name, k, R, C, row[j], ref[R*W+C])
					}
				}
			}
		}
	}
	if aliased == 0 || packed == 0 {
		t.Fatalf("the banks exercise %d aliased and %d packed runs, want both", aliased, packed)
	}
}

// TestBankViewSameBits: the filter-product kernels (IFFT2, Periodise and
// CropFreq of MulFilters/MulFilter, a materialised product, and all their
// adjoints) give the same bits with a bank carrying sub-threshold tails
// (packed runs) as with its truncation (every run aliases the bank).
func TestBankViewSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(93, 94))
	const M, N = 16, 24
	raw := tailBank(rng, 3, M, N)
	tr := &stlayer.FilterBank{K: raw.K, H: M, W: N, Name: "truncated"}
	for k := 0; k < raw.K; k++ {
		tr.Data = append(tr.Data, truncRef(raw, k)...)
	}
	x := testutil.RandMaps(rng, 2, M, N)
	sameBankBits(t, x, []*stlayer.FilterBank{tr, raw}, func(e *Engine, bank *stlayer.FilterBank) {
		if np := e.bank(bank).packed; (np == 0) != (bank == tr) {
			t.Fatalf("bank %s: %d packed values (want 0 for the truncated bank only)", bank.Name, np)
		}
	})
}

// viewTestBanks are the banks of the filter-view tests: full-size Morlet bands
// (square and not), banks with sub-threshold tails, and a random bank.
func viewTestBanks(rng *rand.Rand) []*stlayer.FilterBank {
	return []*stlayer.FilterBank{
		filters.MorletChengBand(64, 64, 0, 4, 64, 64),
		filters.MorletChengBand(64, 64, 3, 4, 64, 64),
		filters.MorletChengBand(48, 80, 1, 3, 48, 80),
		tailBank(rng, 3, 16, 24),
		tailBank(rng, 2, 9, 7),
		randBank(rng, 2, 6, 10),
	}
}

// bankKernelStat exercises every filter-product kernel of the engine (IFFT2,
// Periodise and CropFreq of MulFilters/MulFilter, a materialised product
// read through Channels) on M×N maps.
func bankKernelStat(bank *stlayer.FilterBank, M, N int) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		X := p.FFT2(x)
		a := p.Mean(p.Modulus(p.IFFT2(p.MulFilters(X, bank))))
		b := p.Mean(p.Modulus(p.IFFT2(p.Periodise(p.MulFilter(X, bank, []int{2}), M/4, N/3))))
		c := p.Mean(p.Modulus(p.IFFT2(p.CropFreq(p.MulFilters(X, bank), M/2, N/2))))
		d := p.Mean(p.Modulus(p.Channels(p.MulFilters(X, bank), []int{1, 0})))
		return p.Concat(a, b, c, d)
	}
}

// sameBankBits evaluates bankKernelStat and its Σ|c|² gradient on x with
// each bank (a fresh engine each; check, if non-nil, inspects the engine
// after the evaluations) and fails unless every bank gives the first bank's
// bits.
func sameBankBits(t *testing.T, x *stlayer.Maps, banks []*stlayer.FilterBank, check func(*Engine, *stlayer.FilterBank)) {
	t.Helper()
	var c0 *stlayer.Coeffs
	var g0 []float64
	for i, bank := range banks {
		e := New()
		stat := bankKernelStat(bank, x.M, x.N)
		c, err := e.Forward("s", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		_, g, err := e.LossGrad("s", stat, x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		if check != nil {
			check(e, bank)
		}
		if i == 0 {
			c0, g0 = c, g
			continue
		}
		if !reflect.DeepEqual(c.Data, c0.Data) || !reflect.DeepEqual(g, g0) {
			t.Fatalf("bank %s: results differ from bank %s's (coeffs %.3g)", bank.Name, banks[0].Name, cabsDiff(c.Data, c0.Data))
		}
	}
}

// TestBankViewMemory pins the memory of the engine's filter views on the
// scattering covariance's full-size Morlet banks (per-scale
// MorletChengBand(M, N, j, L, M, N), j < J): most runs alias the bank, so
// the view holds a few per cent of the dense truncated copy it replaced
// (measured: 5.9 % at 256², J = 5; 2.7 % at 2048², J = 8, 27 MB for 1 GB).
func TestBankViewMemory(t *testing.T) {
	const M, J, L = 256, 6, 4
	e := New()
	view, dense := 0, 0
	for j := 0; j < J; j++ {
		f := filters.MorletChengBand(M, M, j, L, M, M)
		view += e.bank(f).bytes()
		dense += 8 * len(f.Data)
	}
	t.Logf("%d² J=%d L=%d: view %d bytes, dense truncated copy %d bytes (%.2f %%)", M, J, L, view, dense, 100*float64(view)/float64(dense))
	if view*10 > dense {
		t.Fatalf("the filter views take %d bytes, more than a tenth of the %d of dense copies", view, dense)
	}
}
