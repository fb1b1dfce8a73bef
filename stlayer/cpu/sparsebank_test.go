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

// TestSparseBankView: the engine's view of a sparse bank (stlayer.FilterBank.Runs)
// is the view of the dense bank it stands for, bit for bit (same supports, same
// truncated values). For filters.Truncated at filters.TruncTol — the engine's own
// threshold and run merging — every run aliases the sparse bank's storage (no
// packed copy); a lossless sparse bank (tol 0) keeps the sub-threshold tails,
// which the engine packs as for the dense bank (fewer: the dense bank's −0
// values, stored +0 in runs or dropped, force packing there).
func TestSparseBankView(t *testing.T) {
	if supportTol != filters.TruncTol {
		t.Fatalf("supportTol %g ≠ filters.TruncTol %g: Truncated banks would not give the dense banks' bits", supportTol, filters.TruncTol)
	}
	rng := rand.New(rand.NewPCG(95, 96))
	dense := viewTestBanks(rng)
	e := New()
	for _, f := range dense {
		want := e.bank(f)
		for _, tol := range []float64{filters.TruncTol, 0} {
			s := filters.Truncated(f, tol)
			got := e.bank(s)
			for k := range f.K {
				a, b := &got.sup[k], &want.sup[k]
				if !reflect.DeepEqual([]any{a.rows, a.rowIdx, a.runOff, a.runs, a.cols, a.nnz, a.ncols, a.dense},
					[]any{b.rows, b.rowIdx, b.runOff, b.runs, b.cols, b.nnz, b.ncols, b.dense}) {
					t.Fatalf("%s tol %g filter %d: support differs from the dense bank's", f.Name, tol, k)
				}
				for r := range a.vals {
					for i := range a.vals[r] {
						if math.Float64bits(a.vals[r][i]) != math.Float64bits(b.vals[r][i]) {
							t.Fatalf("%s tol %g filter %d run %d: value %d is %g, dense view %g", f.Name, tol, k, r, i, a.vals[r][i], b.vals[r][i])
						}
					}
				}
			}
			if tol == filters.TruncTol {
				if got.packed != 0 {
					t.Fatalf("%s: the view of its Truncated bank packs %d values (want every run aliased)", f.Name, got.packed)
				}
				// Every run points into the sparse bank's runs.
				for k := range f.K {
					for r, v := range got.sup[k].vals {
						p := uintptr(unsafe.Pointer(&v[0]))
						in := false
						for _, run := range s.Runs[k] {
							lo := uintptr(unsafe.Pointer(&run.Vals[0]))
							in = in || (p >= lo && p < lo+uintptr(8*len(run.Vals)))
						}
						if !in {
							t.Fatalf("%s filter %d: view run %d does not alias the sparse bank", f.Name, k, r)
						}
					}
				}
			}
			if tol == 0 && got.packed > want.packed {
				t.Fatalf("%s: lossless sparse bank packs %d values, more than the dense bank's %d", f.Name, got.packed, want.packed)
			}
		}
	}
}

// TestSparseBankSameBits: every filter-product kernel (IFFT2, Periodise and
// CropFreq of MulFilters/MulFilter, a materialised product) and their adjoints
// give the same bits with the dense bank, its Truncated sparse bank and its
// lossless sparse bank.
func TestSparseBankSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(97, 98))
	const M, N = 16, 24
	raw := tailBank(rng, 3, M, N)
	x := testutil.RandMaps(rng, 2, M, N)
	sameBankBits(t, x, []*stlayer.FilterBank{raw, filters.Truncated(raw, filters.TruncTol), filters.Truncated(raw, 0)}, nil)
}

// TestSparseBankInvalid: MulFilters rejects a malformed sparse bank (runs out
// of order or outside the grid) with a shape panic.
func TestSparseBankInvalid(t *testing.T) {
	good := filters.Truncated(filters.MorletChengBand(16, 16, 1, 2, 16, 16), filters.TruncTol)
	bad := *good
	bad.Runs = append([][]stlayer.FilterRun(nil), good.Runs...)
	r := append([]stlayer.FilterRun(nil), good.Runs[1]...)
	r[0], r[1] = r[1], r[0]
	bad.Runs[1] = r
	x := testutil.RandMaps(rand.New(rand.NewPCG(1, 2)), 1, 16, 16)
	_, err := New().Forward("bad", func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Mean(p.Modulus(p.IFFT2(p.MulFilters(p.FFT2(x), &bad))))
	}, x)
	if err == nil {
		t.Fatal("a sparse bank with runs out of order was accepted")
	}
}
