package infer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

// TileOp evaluates a statistic defined on P×P patches on every P×P tile of
// M×N maps and concatenates the results:
//
//	Φ_tile(x) = [Φ(w(x[t_0])), Φ(w(x[t_1])), …]   (T·K coefficients per map)
//
// where x[t] is the P×P window of x whose top-left corner is origin t (rows
// and columns at multiples of the stride, plus a last tile flush with the
// bottom/right edge so that every pixel is covered; tiles never wrap
// around), and w is the identity or, with a window, the apodisation of the
// training patches, w(y) = ⟨y⟩ + (y − ⟨y⟩)·window (datasets.PatchConfig
// "tukey"), or, for models of periodic components (NewPeriodicTileOp),
// w(y) = p(y), Moisan's periodic component (datasets.PeriodicSmooth). Tile
// t's coefficients occupy positions t·K … t·K + K − 1. It is written on
// stlayer.Prim (Crop, Mean, Sub, MulConst, Add, Concat; for p also reflect
// padding, FFT2, IFFT2 and Real), so every engine differentiates it.
//
// It lets patch-size models constrain maps larger than the patch (per-tile
// statistics, as the training patches were cut from larger maps), and
// applies the training window to patch-size maps.
type TileOp struct {
	base    StatOp
	m, n, p int
	origins [][2]int
	window  []float64
	// periodic, when non-nil, replaces each tile by its periodic
	// component (NewPeriodicTileOp).
	periodic *periodicOp
	labels   *stlayer.Labels
	key      string
}

// TileOrigins returns the tile corners along an axis of length m for tiles
// of size p and the given stride (≤ 0: p/2): 0, stride, 2·stride, … while
// the tile fits, plus m − p if the last tile does not end at m. With p < 1
// or p > m there is no tile (nil). A stride > p leaves gaps between tiles
// (NewTileOp refuses it).
func TileOrigins(m, p, stride int) []int {
	if p < 1 || p > m {
		return nil
	}
	if stride <= 0 {
		stride = max(1, p/2)
	}
	var o []int
	for r := 0; r+p <= m; r += stride {
		o = append(o, r)
	}
	if len(o) > 0 && o[len(o)-1]+p < m {
		o = append(o, m-p)
	}
	return o
}

// NewTileOp builds the tiled statistic of base (defined on p×p maps) for m×n
// maps, with tiles every stride pixels (≤ 0: p/2) and an optional window
// (len p·p, nil for none). A nil base, maps smaller than a tile, a stride
// larger than the tile (it would leave pixels in no tile, unconstrained) and
// a window of another length are input errors (ErrModelInput).
func NewTileOp(base StatOp, m, n, p, stride int, window []float64) (*TileOp, error) {
	if base == nil {
		return nil, inputErrorf("tiled statistic: no base statistic (nil)")
	}
	if p < 1 || m < p || n < p {
		return nil, inputErrorf("maps of %d×%d cannot hold %d×%d tiles", m, n, p, p)
	}
	if stride > p {
		return nil, inputErrorf("tile stride %d is larger than the %d×%d tiles: pixels between tiles would be in none (want a stride ≤ %d)", stride, p, p, p)
	}
	if window != nil && len(window) != p*p {
		return nil, inputErrorf("window has %d values, want %d", len(window), p*p)
	}
	t := &TileOp{base: base, m: m, n: n, p: p, window: window}
	for _, r := range TileOrigins(m, p, stride) {
		for _, c := range TileOrigins(n, p, stride) {
			t.origins = append(t.origins, [2]int{r, c})
		}
	}
	bl := base.Labels()
	lab := &stlayer.Labels{Columns: append(append([]string(nil), bl.Columns...), "tile")}
	lab.MergeValues(bl)
	for ti := range t.origins {
		for i := 0; i < bl.Len(); i++ {
			lab.Class = append(lab.Class, bl.Class[i])
			lab.Rows = append(lab.Rows, append(append([]int(nil), bl.Rows[i]...), ti))
		}
	}
	t.labels = lab
	win := "none"
	if window != nil {
		win = fmt.Sprintf("w%x", hashFloats(window))
	}
	t.key = fmt.Sprintf("tiles(%s) %dx%d p%d s%d %s", base.Key(), m, n, p, stride, win)
	return t, nil
}

// Tiles returns the number of tiles T.
func (t *TileOp) Tiles() int { return len(t.origins) }

// Origins returns the tile corners (row, column).
func (t *TileOp) Origins() [][2]int { return t.origins }

// Key implements StatOp.
func (t *TileOp) Key() string { return t.key }

// Labels implements StatOp: the base labels repeated per tile, with a "tile"
// column.
func (t *TileOp) Labels() *stlayer.Labels { return t.labels }

// Stat implements StatOp.
func (t *TileOp) Stat() stlayer.Stat {
	bs := t.base.Stat()
	return func(pr stlayer.Prim, x stlayer.Field) stlayer.Field {
		outs := make([]stlayer.Field, len(t.origins))
		for i, o := range t.origins {
			tile := x
			if t.m != t.p || t.n != t.p {
				tile = pr.Crop(x, o[0], o[1], t.p, t.p)
			}
			if t.window != nil {
				mu := pr.Mean(tile)
				tile = pr.Add(pr.MulConst(pr.Sub(tile, mu), t.window), mu)
			}
			if t.periodic != nil {
				tile = t.periodic.apply(pr, tile)
			}
			outs[i] = bs(pr, tile)
		}
		if len(outs) == 1 {
			return outs[0]
		}
		return pr.Concat(outs...)
	}
}

// cutTiles returns the tiles of maps as a batch of p×p maps (map-major, then
// tile order of origins), apodised with window when non-nil.
func cutTiles(x *stlayer.Maps, origins [][2]int, p int, window []float64) *stlayer.Maps {
	out := stlayer.NewMaps(x.B*len(origins), p, p)
	for b := 0; b < x.B; b++ {
		src := x.Map(b)
		for ti, o := range origins {
			dst := out.Map(b*len(origins) + ti)
			for i := 0; i < p; i++ {
				copy(dst[i*p:(i+1)*p], src[(o[0]+i)*x.N+o[1]:(o[0]+i)*x.N+o[1]+p])
			}
			applyWindow(dst, window)
		}
	}
	return out
}

// applyWindow apodises a patch in place: y ← ⟨y⟩ + (y − ⟨y⟩)·w (no-op for a
// nil window).
func applyWindow(y, w []float64) {
	if w == nil {
		return
	}
	mu := 0.0
	for _, v := range y {
		mu += v
	}
	mu /= float64(len(y))
	for i := range y {
		y[i] = mu + (y[i]-mu)*w[i]
	}
}

func hashFloats(x []float64) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range x {
		u := math.Float64bits(v)
		for i := 0; i < 8; i++ {
			h ^= (u >> (8 * i)) & 0xff
			h *= 1099511628211
		}
	}
	return h
}

// spectrumAt evaluates a binned isotropic spectrum (values ps at mean
// frequencies psk, in cycles per pixel) at frequency f (cycles per pixel) by
// linear interpolation of log P in log f, constant beyond the ends. Bins with
// non-positive power are ignored; with none it returns 0.
func spectrumAt(psk, ps []float64, f float64) float64 {
	var xs, ys []float64
	for i := range ps {
		if ps[i] > 0 && psk[i] > 0 {
			xs = append(xs, math.Log(psk[i]))
			ys = append(ys, math.Log(ps[i]))
		}
	}
	if len(xs) == 0 {
		return 0
	}
	if f <= 0 {
		return math.Exp(ys[0])
	}
	lf := math.Log(f)
	if lf <= xs[0] {
		return math.Exp(ys[0])
	}
	if lf >= xs[len(xs)-1] {
		return math.Exp(ys[len(ys)-1])
	}
	i := sort.SearchFloat64s(xs, lf)
	t := (lf - xs[i-1]) / (xs[i] - xs[i-1])
	return math.Exp(ys[i-1] + t*(ys[i]-ys[i-1]))
}

// spectrumGrid returns P(|k|) on the m×n DFT grid (fftfreq order) from a
// binned spectrum given per patch of side p (psk in cycles per patch): the
// PSD |X|²/(MN) of a stationary field does not depend on the map size, so
// the patch spectrum is read at f = |k|/size cycles per pixel. The k = 0 entry
// is 0.
func spectrumGrid(psk, ps []float64, p, m, n int) []float64 {
	k := make([]float64, len(psk))
	for i, v := range psk {
		k[i] = v / float64(p)
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		fi := float64(freq(i, m)) / float64(m)
		for j := 0; j < n; j++ {
			if i == 0 && j == 0 {
				continue
			}
			fj := float64(freq(j, n)) / float64(n)
			out[i*n+j] = spectrumAt(k, ps, math.Hypot(fi, fj))
		}
	}
	return out
}

// fieldWithSpectrum returns an m×n Gaussian random field whose expected
// |FFT|²/(MN) is the grid spectrum pg (spectrumGrid), rescaled to pixel mean
// mu and std sd (when sd > 0), from the random stream (seed, stream).
func fieldWithSpectrum(pg []float64, m, n int, mu, sd float64, seed, stream uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, stream))
	x := make([]float64, m*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	f := fft2(x, m, n)
	for i := range f {
		f[i] *= complex(math.Sqrt(pg[i]), 0)
	}
	y := ifft2Real(f, m, n)
	_, s, _, _ := Moments(y)
	for i := range y {
		if sd > 0 && s > 0 {
			y[i] = mu + y[i]*sd/s
		} else {
			y[i] += mu
		}
	}
	return y
}
