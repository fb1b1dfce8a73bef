package filters

import (
	"fmt"
	"math"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

// TruncTol is the relative magnitude below which Truncated treats a filter
// value as zero: |v| ≤ TruncTol·max|f| becomes 0 (max over the filter's own
// values). It equals the CPU engine's support threshold (stlayer/cpu
// supportTol, pinned by a test there), so the CPU engine evaluates a
// Truncated bank bit for bit as it evaluates the dense bank it came from.
const TruncTol = 1e-14

// runGap is the longest stretch of zeros inside a row that Truncated keeps
// inside a run (stored as +0) rather than starting a new run; it equals the
// CPU engine's mergeGap, so the engine's runs lie inside the bank's.
const runGap = 8

// Truncated returns the sparse bank (stlayer.FilterBank.Runs) of the filters
// of f truncated at tol relative to each filter's peak: the value v of
// filter k is kept if |v| > tol·max|f_k|, and is +0 otherwise. A run is a
// maximal stretch of a row whose kept values are at most runGap (8) zeros
// apart; the zeros inside a run are stored (+0). tol = 0 keeps every
// nonzero value (lossless). f may be dense or sparse; the result shares no
// storage with f and is not cached. Name: f.Name + " trunc <tol>".
// Panics (programming errors, as the constructors) for a nil or invalid
// bank (stlayer.FilterBank.Valid) and for tol outside [0, 1), NaN included.
func Truncated(f *stlayer.FilterBank, tol float64) *stlayer.FilterBank {
	if f == nil || !f.Valid() {
		panic("filters.Truncated: invalid bank")
	}
	if !(tol >= 0) || tol >= 1 {
		panic(fmt.Sprintf("filters.Truncated: tol %g outside [0, 1)", tol))
	}
	out := &stlayer.FilterBank{K: f.K, H: f.H, W: f.W, Name: fmt.Sprintf("%s trunc %g", f.Name, tol), Runs: make([][]stlayer.FilterRun, f.K)}
	H, W := f.H, f.W
	var buf []float64
	if f.Runs != nil {
		buf = make([]float64, H*W)
	}
	for k := 0; k < f.K; k++ {
		src := buf
		if f.Runs == nil {
			src = f.Data[k*H*W : (k+1)*H*W]
		} else {
			f.FilterInto(k, buf)
		}
		out.Runs[k] = truncRuns(src, H, W, tol, nil)
	}
	return out
}

// truncRuns is Truncated's sparse rows of one dense H×W filter src. With
// cols ≠ nil (ascending column indices) only those columns of src are read
// and every other value counts as 0: the runs are those of src with its
// other columns set to 0, bit for bit (a 0 is never kept and never raises
// the maximum).
func truncRuns(src []float64, H, W int, tol float64, cols []int) []stlayer.FilterRun {
	mx := 0.0
	if cols == nil {
		for _, v := range src {
			mx = max(mx, math.Abs(v))
		}
	} else {
		for h := 0; h < H; h++ {
			row := src[h*W : (h+1)*W]
			for _, c := range cols {
				mx = max(mx, math.Abs(row[c]))
			}
		}
	}
	thr := tol * mx
	keep := func(v float64) bool { return math.Abs(v) > thr }
	// Two passes: the runs' extents, then their values in one backing array.
	type ext struct{ row, c0, c1 int }
	var exts []ext
	n := 0
	for h := 0; h < H; h++ {
		row := src[h*W : (h+1)*W]
		start, last := -1, -1
		for i := range W {
			c := i
			if cols != nil {
				if i >= len(cols) {
					break
				}
				c = cols[i]
			}
			if v := row[c]; !keep(v) {
				continue
			}
			if start >= 0 && c-last-1 > runGap {
				exts = append(exts, ext{h, start, last + 1})
				n += last + 1 - start
				start = -1
			}
			if start < 0 {
				start = c
			}
			last = c
		}
		if start >= 0 {
			exts = append(exts, ext{h, start, last + 1})
			n += last + 1 - start
		}
	}
	vals := make([]float64, n)
	runs := make([]stlayer.FilterRun, len(exts))
	for i, e := range exts {
		m := e.c1 - e.c0
		v := vals[:m:m]
		vals = vals[m:]
		if cols != nil {
			for _, c := range cols[sort.SearchInts(cols, e.c0):] {
				if c >= e.c1 {
					break
				}
				if x := src[e.row*W+c]; keep(x) {
					v[c-e.c0] = x
				}
			}
		} else {
			for t, x := range src[e.row*W+e.c0 : e.row*W+e.c1] {
				if keep(x) {
					v[t] = x
				}
			}
		}
		runs[i] = stlayer.FilterRun{Row: e.row, Col: e.c0, Vals: v}
	}
	return runs
}

// MorletChengBandTruncated returns Truncated(MorletChengBand(M, N, j, L, M,
// N), TruncTol): the L full-size Morlets of scale j with the values below
// 1e−14 of each filter's peak dropped, as a sparse bank. The dense band is
// built one filter at a time (without the FFTs of the grid columns whose
// values are provably all dropped, morletBandTrunc) and not kept, so only the sparse bank
// stays in memory: at 2048², L = 4, the band of j = 2 stores 75 MB, j = 3
// 19 MB, j ≥ 4 5 MB or less, instead of 134 MB each. The CPU engine
// computes the same bits with it as with the dense band (it truncates
// filters at TruncTol itself); engines that use every value (stlayer/graph)
// see tails below 1e−14 relative set to zero. Cached per (M, N, j, L);
// panics as MorletChengBand for invalid arguments.
func MorletChengBandTruncated(M, N, j, L int) *stlayer.FilterBank {
	name := bandName("MorletChengBandTruncated", "morlet-cheng", M, N, j, L, M, N) + " trunc"
	return cached(name, func() *stlayer.FilterBank {
		fb, _, _ := morletBandTrunc(M, N, L, -1, 0, math.Pi, true, seq(j*L, L), TruncTol, M, N, name, "")
		return fb
	})
}

// MorletChengBandSplit returns MorletChengBandTruncated(M, N, j, L) and
// MorletChengBand(M, N, j, L, h, w) (the dense h×w low-frequency crop of the
// same filters, untruncated), bit for bit, building the dense full-size band
// once for both when neither is cached yet (one filter at a time, only the
// crop's columns and those holding values Truncated keeps; morletBandTrunc).
// Each is otherwise a full build: at 2048² the crops of j ≥ 2 cost about as
// much as the bands. Both are
// cached as by their own constructors. 1 ≤ h ≤ M, 1 ≤ w ≤ N.
func MorletChengBandSplit(M, N, j, L, h, w int) (trunc, crop *stlayer.FilterBank) {
	tname := bandName("MorletChengBandSplit", "morlet-cheng", M, N, j, L, M, N) + " trunc"
	cname := bandName("MorletChengBandSplit", "morlet-cheng", M, N, j, L, h, w)
	var built *stlayer.FilterBank
	trunc = cached(tname, func() *stlayer.FilterBank {
		cn := ""
		if h != M || w != N {
			cn = cname
		}
		var fb *stlayer.FilterBank
		fb, built, _ = morletBandTrunc(M, N, L, -1, 0, math.Pi, true, seq(j*L, L), TruncTol, h, w, tname, cn)
		return fb
	})
	if h == M && w == N {
		return trunc, MorletChengBand(M, N, j, L, M, N)
	}
	crop = cached(cname, func() *stlayer.FilterBank {
		if built != nil {
			return built
		}
		return morletBank(M, N, L, -1, 0, math.Pi, true, seq(j*L, L), h, w, cname)
	})
	return trunc, crop
}
