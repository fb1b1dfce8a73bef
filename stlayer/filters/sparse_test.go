package filters

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// truncDense is the truncation rule of Truncated written out densely: v if
// |v| > tol·max|f_k|, else +0.
func truncDense(f *stlayer.FilterBank, k int, tol float64) []float64 {
	src := f.Filter(k)
	mx := 0.0
	for _, v := range src {
		mx = max(mx, math.Abs(v))
	}
	out := make([]float64, len(src))
	for i, v := range src {
		if math.Abs(v) > tol*mx {
			out[i] = v
		}
	}
	return out
}

// checkTruncated checks s = Truncated(f, tol): a valid sparse bank whose dense
// view is f's truncation bit for bit, whose runs start and end on kept values
// and are more than runGap zeros apart, with at most runGap zeros in a row
// inside a run.
func checkTruncated(t *testing.T, f, s *stlayer.FilterBank, tol float64) {
	t.Helper()
	if !s.Valid() || !s.IsSparse() || s.K != f.K || s.H != f.H || s.W != f.W {
		t.Fatalf("%s: Truncated is not a valid sparse bank of f's shape", f.Name)
	}
	for k := 0; k < f.K; k++ {
		want, got := truncDense(f, k, tol), s.Filter(k)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s tol %g filter %d value %d: %g, truncation %g", f.Name, tol, k, i, got[i], want[i])
			}
		}
		prevRow, prevEnd := -1, 0
		for _, r := range s.Runs[k] {
			v := r.Vals
			if len(v) == 0 || v[0] == 0 || v[len(v)-1] == 0 {
				t.Fatalf("%s filter %d: run at (%d, %d) of %d values does not start and end on kept values", f.Name, k, r.Row, r.Col, len(v))
			}
			if r.Row == prevRow && r.Col-prevEnd <= runGap {
				t.Fatalf("%s filter %d row %d: runs %d zeros apart (≤ %d: one run)", f.Name, k, r.Row, r.Col-prevEnd, runGap)
			}
			zeros := 0
			for _, x := range v {
				if x == 0 {
					zeros++
					if zeros > runGap {
						t.Fatalf("%s filter %d row %d: %d zeros inside a run", f.Name, k, r.Row, zeros)
					}
				} else {
					zeros = 0
				}
			}
			prevRow, prevEnd = r.Row, r.Col+len(v)
		}
	}
}

// TestTruncated: Truncated's dense view is the truncation of the bank at tol
// bit for bit (tol 0: the bank itself, with −0 stored as +0), for Morlet
// bands, a random bank with gaps and tails, and a sparse input.
func TestTruncated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gappy := &stlayer.FilterBank{K: 3, H: 7, W: 40, Name: "gappy", Data: make([]float64, 3*7*40)}
	for i := range gappy.Data {
		switch rng.IntN(4) {
		case 0:
			gappy.Data[i] = rng.NormFloat64()
		case 1:
			gappy.Data[i] = 1e-16 * rng.NormFloat64()
		case 2:
			gappy.Data[i] = math.Copysign(0, -1)
		}
		if (i/40)%7 == 3 || (i%40 > 5 && i%40 < 20 && rng.IntN(3) > 0) {
			gappy.Data[i] = 0 // an empty row and long gaps
		}
	}
	banks := []*stlayer.FilterBank{
		MorletChengBand(64, 64, 0, 4, 64, 64),
		MorletChengBand(64, 64, 3, 4, 64, 64),
		MorletChengBand(48, 80, 2, 3, 48, 80),
		gappy,
	}
	for _, f := range banks {
		for _, tol := range []float64{TruncTol, 1e-3, 0} {
			s := Truncated(f, tol)
			checkTruncated(t, f, s, tol)
			checkTruncated(t, f, Truncated(s, tol), tol) // sparse input: idempotent
		}
	}
	zero := &stlayer.FilterBank{K: 1, H: 2, W: 3, Data: make([]float64, 6)}
	if s := Truncated(zero, TruncTol); len(s.Runs[0]) != 0 || !s.Valid() {
		t.Fatalf("a zero filter gives %d runs", len(s.Runs[0]))
	}
}

// TestMorletChengBandTruncated: the sparse full-size band is the truncation of
// MorletChengBand(M, N, j, L, M, N) at TruncTol bit for bit, cached, and
// small for the coarse scales (stored values / dense at 256², L = 4:
// j = 2: 56 %, 3: 14 %, 4: 3.5 %, 5: 0.85 %; at 2048², j = 2…8: 0.94 GB →
// 0.10 GB); its Subset shares its runs.
func TestMorletChengBandTruncated(t *testing.T) {
	const M, L = 256, 4
	limit := map[int]float64{2: 0.6, 3: 0.15, 4: 0.04, 5: 0.01}
	for j := 2; j <= 5; j++ {
		s := MorletChengBandTruncated(M, M, j, L)
		if MorletChengBandTruncated(M, M, j, L) != s {
			t.Fatalf("j=%d: not cached", j)
		}
		checkTruncated(t, MorletChengBand(M, M, j, L, M, M), s, TruncTol)
		frac := float64(s.StoredValues()) / float64(s.K*s.H*s.W)
		if frac > limit[j] {
			t.Fatalf("j=%d: the sparse band stores %.2f %% of the dense values (want ≤ %.0f %%)", j, 100*frac, 100*limit[j])
		}
		sub := Subset(s, []int{3, 1})
		if !sub.Valid() || &sub.Runs[0][0] != &s.Runs[3][0] || &sub.Runs[1][0] != &s.Runs[1][0] {
			t.Fatalf("j=%d: Subset of the sparse band does not share its runs", j)
		}
		// Cropped reads a sparse bank through its dense view.
		c := Cropped(s, 32, 32)
		want := Cropped(&stlayer.FilterBank{K: s.K, H: M, W: M, Data: denseOf(s), Name: "dense view"}, 32, 32)
		for i := range c.Data {
			if math.Float64bits(c.Data[i]) != math.Float64bits(want.Data[i]) {
				t.Fatalf("j=%d: Cropped of the sparse band differs at %d", j, i)
			}
		}
	}
}

func denseOf(f *stlayer.FilterBank) []float64 {
	d := make([]float64, f.K*f.H*f.W)
	for i, v := range f.All() {
		d[i] = v
	}
	return d
}

// TestMorletChengBandSplit: the pair is MorletChengBandTruncated and
// MorletChengBand's crop bit for bit and shares their caches, whichever is
// built first.
func TestMorletChengBandSplit(t *testing.T) {
	const M, N, L = 96, 64, 3
	for _, c := range []struct{ j, h, w int }{{2, 48, 32}, {3, 24, 16}, {1, M, N}} {
		tr, cr := MorletChengBandSplit(M, N, c.j, L, c.h, c.w)
		if tr != MorletChengBandTruncated(M, N, c.j, L) || cr != MorletChengBand(M, N, c.j, L, c.h, c.w) {
			t.Fatalf("j=%d: the split does not share the constructors' caches", c.j)
		}
		checkTruncated(t, MorletChengBand(M, N, c.j, L, M, N), tr, TruncTol)
		ref := Cropped(MorletChengBand(M, N, c.j, L, M, N), c.h, c.w)
		for i := range ref.Data {
			if math.Float64bits(cr.Data[i]) != math.Float64bits(ref.Data[i]) {
				t.Fatalf("j=%d: crop value %d is %v, Cropped %v", c.j, i, cr.Data[i], ref.Data[i])
			}
		}
	}
	// Built after the constructors: their banks.
	a, b := MorletChengBandTruncated(M, N, 4, L), MorletChengBand(M, N, 4, L, 12, 8)
	if tr, cr := MorletChengBandSplit(M, N, 4, L, 12, 8); tr != a || cr != b {
		t.Fatal("the split does not return the cached banks")
	}
}

// TestMorletBandTrunc: the column-skipping build (morletBandTrunc) gives,
// bit for bit, Truncated of morletBank's full-grid filters and their crop
// (cropBank), at several tolerances, grids (square, non-square, odd) and
// scales, and it does skip columns (else the test would not exercise the
// bound).
func TestMorletBandTrunc(t *testing.T) {
	for _, c := range []struct{ M, N, L, j, h, w int }{
		{128, 128, 4, 2, 64, 64}, {128, 128, 4, 4, 16, 16}, {96, 160, 3, 3, 24, 40}, {81, 67, 4, 2, 41, 33}, {64, 64, 8, 3, 16, 16}, {128, 128, 4, 0, 128, 128},
	} {
		ks := seq(c.j*c.L, c.L)
		full := morletBank(c.M, c.N, c.L, -1, 0, math.Pi, true, ks, c.M, c.N, "full")
		want := cropBank(full, c.h, c.w, "crop")
		for _, tol := range []float64{TruncTol, 1e-8, 0} {
			b, crop, skipped := morletBandTrunc(c.M, c.N, c.L, -1, 0, math.Pi, true, ks, tol, c.h, c.w, "trunc", "crop")
			if tol == TruncTol && c.j >= 2 && skipped == 0 {
				t.Fatalf("%+v: no column skipped", c)
			}
			for i := range want.Data {
				if math.Float64bits(want.Data[i]) != math.Float64bits(crop.Data[i]) {
					t.Fatalf("%+v tol %g: crop value %d = %v, want %v", c, tol, i, crop.Data[i], want.Data[i])
				}
			}
			if !b.Valid() || b.Name != "trunc" {
				t.Fatalf("%+v tol %g: invalid bank", c, tol)
			}
			a := Truncated(full, tol)
			da, db := denseOf(a), denseOf(b)
			for i := range da {
				if math.Float64bits(da[i]) != math.Float64bits(db[i]) {
					t.Fatalf("%+v tol %g: truncated value %d = %v, want %v", c, tol, i, db[i], da[i])
				}
			}
			for k := range a.Runs {
				if len(a.Runs[k]) != len(b.Runs[k]) {
					t.Fatalf("%+v tol %g: filter %d has %d runs, want %d", c, tol, k, len(b.Runs[k]), len(a.Runs[k]))
				}
				for i := range a.Runs[k] {
					if a.Runs[k][i].Row != b.Runs[k][i].Row || a.Runs[k][i].Col != b.Runs[k][i].Col || len(a.Runs[k][i].Vals) != len(b.Runs[k][i].Vals) {
						t.Fatalf("%+v tol %g: filter %d run %d differs", c, tol, k, i)
					}
				}
			}
			t.Logf("%+v tol %g: %d of %d columns skipped", c, tol, skipped, c.L*c.N)
		}
		// One worker: every filter reuses the buffer the previous ones
		// wrote (stale values in the columns it skips must not be read).
		prev := runtime.GOMAXPROCS(1)
		tb, crop, _ := morletBandTrunc(c.M, c.N, c.L, -1, 0, math.Pi, true, ks, TruncTol, c.M, c.N, "trunc", "")
		runtime.GOMAXPROCS(prev)
		if crop != nil || !tb.Valid() {
			t.Fatalf("%+v: without a crop name: crop %v", c, crop)
		}
		da, db := denseOf(Truncated(full, TruncTol)), denseOf(tb)
		for i := range da {
			if math.Float64bits(da[i]) != math.Float64bits(db[i]) {
				t.Fatalf("%+v, one worker: truncated value %d = %v, want %v", c, i, db[i], da[i])
			}
		}
	}
}

// TestTruncRunsCols: truncRuns reading only the columns cols gives the runs
// of the filter with every other column set to 0, bit for bit, whatever the
// other columns hold (here large values, which would be kept and raise the
// maximum if read); cols include columns inside runs' gaps.
func TestTruncRunsCols(t *testing.T) {
	const H, W = 7, 40
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, H*W)
	zeroed := make([]float64, H*W)
	var cols []int
	for c := 0; c < W; c++ {
		if c%5 != 2 && c != 17 {
			cols = append(cols, c)
		}
	}
	in := make([]bool, W)
	for _, c := range cols {
		in[c] = true
	}
	for i := range src {
		v := rng.NormFloat64() * math.Pow(10, -20*rng.Float64())
		if rng.IntN(4) == 0 {
			v = 0
		}
		if in[i%W] {
			src[i], zeroed[i] = v, v
		} else {
			src[i] = 1e3 // garbage: must not be read
		}
	}
	for _, tol := range []float64{1e-14, 1e-6, 0} {
		want := Truncated(&stlayer.FilterBank{K: 1, H: H, W: W, Data: zeroed, Name: "z"}, tol)
		got := &stlayer.FilterBank{K: 1, H: H, W: W, Name: "g", Runs: [][]stlayer.FilterRun{truncRuns(src, H, W, tol, cols)}}
		if !got.Valid() || len(got.Runs[0]) != len(want.Runs[0]) {
			t.Fatalf("tol %g: %d runs, want %d", tol, len(got.Runs[0]), len(want.Runs[0]))
		}
		dw, dg := denseOf(want), denseOf(got)
		for i := range dw {
			if math.Float64bits(dw[i]) != math.Float64bits(dg[i]) {
				t.Fatalf("tol %g: value %d = %v, want %v", tol, i, dg[i], dw[i])
			}
		}
	}
}
