package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// gridOffsetUsage is patches' --grid-offset help.
const gridOffsetUsage = "where the patch grid starts: DY,DX (the first patch's row and column, counted from 0; default 0,0), or auto: the offset, 0 to stride−1 in both axes, " +
	"that keeps the most patches without NaN, ±Inf or UNSEEN pixels, printed; a NaN edge or mask then costs fewer patches. " +
	"The rows and columns in no patch are those before the offset and past the last patch; the index keeps the patches' places in the whole maps. " +
	"Without it, a --skip-nan run that leaves patches out says how many a shifted grid would keep. " +
	"auto without --skip-nan (where one patch with NaN fails the run) takes only the offsets whose grid holds no such patch, when there is one"

// gridOffset is a patch grid's first row and column.
type gridOffset struct{ DY, DX int }

// badPrefix returns the 2-D prefix sums of a map's pixels that no patch
// may hold (NaN, ±Inf, HEALPix's UNSEEN): p[(r)*(N+1)+c] counts those in
// rows < r, columns < c.
func badPrefix(x []float64, M, N int) []int32 {
	p := make([]int32, (M+1)*(N+1))
	for r := 0; r < M; r++ {
		var row int32
		for c := 0; c < N; c++ {
			if v := x[r*N+c]; math.IsNaN(v) || math.IsInf(v, 0) || datasets.IsUnseen(v) {
				row++
			}
			p[(r+1)*(N+1)+c+1] = p[r*(N+1)+c+1] + row
		}
	}
	return p
}

// srcsHoldUnseen reports whether a map of srcs holds HEALPix's UNSEEN
// value.
func srcsHoldUnseen(srcs []datasets.Source) bool {
	for _, s := range srcs {
		if s.Maps == nil {
			continue
		}
		for _, v := range s.Maps.Data {
			if datasets.IsUnseen(v) {
				return true
			}
		}
	}
	return false
}

// gridCounts returns, for every offset (dy, dx) with 0 ≤ dy, dx < stride
// (and ≤ the smallest map side less size), the number of patches of side
// size every stride pixels from it that hold no NaN, ±Inf or UNSEEN
// pixel, over all maps of all sources (at most maxPer per source when
// maxPer > 0, as datasets.CutPatches keeps), indexed [dy*stride+dx]; −1
// for offsets beyond a map.
func gridCounts(srcs []datasets.Source, size, stride, maxPer int) []int {
	counts := make([]int, stride*stride)
	lim := math.MaxInt
	for _, s := range srcs {
		lim = min(lim, s.Maps.M-size, s.Maps.N-size)
	}
	for i := range counts {
		if i/stride > lim || i%stride > lim {
			counts[i] = -1
		}
	}
	perSrc := make([]int, len(counts))
	for _, s := range srcs {
		m := s.Maps
		clear(perSrc)
		for b := 0; b < m.B; b++ {
			p := badPrefix(m.Map(b), m.M, m.N)
			W := m.N + 1
			for dy := 0; dy < stride && dy <= lim; dy++ {
				for dx := 0; dx < stride && dx <= lim; dx++ {
					n := 0
					for r := dy; r+size <= m.M; r += stride {
						for c := dx; c+size <= m.N; c += stride {
							if p[(r+size)*W+c+size]-p[r*W+c+size]-p[(r+size)*W+c]+p[r*W+c] == 0 {
								n++
							}
						}
					}
					perSrc[dy*stride+dx] += n
				}
			}
		}
		for i, n := range perSrc {
			if counts[i] < 0 {
				continue
			}
			if maxPer > 0 {
				n = min(n, maxPer)
			}
			counts[i] += n
		}
	}
	return counts
}

// bestOffset returns the offset with the most patches (the first in row
// order among equals: 0,0 when it is as good as any).
func bestOffset(counts []int, stride int) (gridOffset, int) {
	best, bi := -1, 0
	for i, n := range counts {
		if n > best {
			best, bi = n, i
		}
	}
	return gridOffset{bi / stride, bi % stride}, best
}

// nanmaskCutPatches is datasets.CutPatches with patches' --grid-offset (of
// the run of g): the sources' maps lose the rows and columns before the
// offset (srcs is changed in place, so that what follows sees the maps the
// grid is cut from), and the patches' rows and columns are put back in
// the whole maps' terms. Without an offset, a --skip-nan run that left
// patches out notes the offset that would keep the most.
func nanmaskCutPatches(g *globals, srcs []datasets.Source, cfg datasets.PatchConfig) (*datasets.PatchSet, error) {
	v, _ := nanmaskRuns.LoadAndDelete(g)
	nm, _ := v.(*nanmaskOpts)
	arg := ""
	if nm != nil && nm.gridOffset != nil {
		arg = strings.TrimSpace(*nm.gridOffset)
	}
	stride := cfg.Stride
	if stride == 0 {
		stride = max(1, cfg.Size/2)
	}
	if cfg.Size < 8 || cfg.Stride < 0 || len(srcs) == 0 || arg == "" || arg == "0,0" {
		ps, err := datasets.CutPatches(srcs, cfg)
		if err == nil && cfg.SkipNaN && ps.Skipped > 0 && cfg.Size >= 8 {
			counts := gridCounts(srcs, cfg.Size, stride, cfg.MaxPerSource)
			if off, n := bestOffset(counts, stride); n > counts[0] {
				kept := "NaN-free patches"
				if srcsHoldUnseen(srcs) { // misc3 (s22): gridCounts leaves them out as NaN
					kept = "patches without NaN, ±Inf or UNSEEN (-1.6375e30) pixels"
				}
				fmt.Fprintf(g.stderr, "patches: note: a grid starting at row %d, column %d would keep %d %s instead of %d: add --grid-offset auto (or --grid-offset %d,%d)\n", off.DY, off.DX, n, kept, counts[0], off.DY, off.DX)
			}
		}
		return ps, err
	}
	var off gridOffset
	if arg == "auto" {
		counts := gridCounts(srcs, cfg.Size, stride, cfg.MaxPerSource)
		at0 := counts[0]
		clean := false
		if !cfg.SkipNaN {
			// one patch with NaN fails the run: only grids without one
			// (badfix20)
			counts, clean = cleanGridCounts(srcs, cfg.Size, stride, cfg.MaxPerSource, counts)
		}
		var n int
		off, n = bestOffset(counts, stride)
		if n < 0 { // a map smaller than a patch: CutPatches says so
			return datasets.CutPatches(srcs, cfg)
		}
		than := fmt.Sprintf("%d at 0,0", at0)
		switch {
		case clean && counts[0] < 0:
			than = "the grid at 0,0 holds a patch with NaN, ±Inf or UNSEEN pixels (refused without --skip-nan)"
		case off == (gridOffset{}):
			than = "no offset keeps more"
		}
		fmt.Fprintf(g.stderr, "patches: note: --grid-offset auto: the grid starts at row %d, column %d (offsets 0–%d tried in both axes): %s without NaN, ±Inf or UNSEEN pixels, %s\n", off.DY, off.DX, stride-1, plural(n, "patch"), than)
	} else {
		parts := strings.Split(arg, ",")
		var err1, err2 error
		if len(parts) == 2 {
			off.DY, err1 = strconv.Atoi(strings.TrimSpace(parts[0]))
			off.DX, err2 = strconv.Atoi(strings.TrimSpace(parts[1]))
		}
		if len(parts) != 2 || err1 != nil || err2 != nil || off.DY < 0 || off.DX < 0 {
			return nil, badInputf("--grid-offset %s: want auto, or DY,DX: the first patch's row and column, counted from 0 (e.g. 16,8)", arg)
		}
		for _, s := range srcs {
			if s.Maps.M-off.DY < cfg.Size || s.Maps.N-off.DX < cfg.Size {
				return nil, badInputf("--grid-offset %s: %s holds maps of %d×%d, which from row %d, column %d hold no %d×%d patch", arg, s.Name, s.Maps.M, s.Maps.N, off.DY, off.DX, cfg.Size, cfg.Size)
			}
		}
	}
	if off != (gridOffset{}) {
		for i := range srcs {
			m := srcs[i].Maps
			srcs[i].Maps = cropMaps(m, cropWin{off.DY, m.M, off.DX, m.N})
		}
	}
	ps, err := datasets.CutPatches(srcs, cfg)
	if err != nil {
		return nil, err
	}
	for i := range ps.Patches {
		ps.Patches[i].Row += off.DY
		ps.Patches[i].Col += off.DX
	}
	return ps, nil
}
