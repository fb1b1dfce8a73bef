package infer

import (
	"math"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// periodicOp is Moisan's periodic component p(u) = u − s(u) of m×n maps
// (datasets.PeriodicSmooth, whose conventions it follows) written on
// stlayer.Prim, so that engines differentiate through it: p is linear, and
// the gradient of a loss ℒ(p(u)) with respect to u is pᵀ∇ℒ, which the
// engines' adjoints of the primitives below compute exactly. With the
// border differences d_j = u(m−1, j) − u(0, j) and e_i = u(i, n−1) − u(i, 0),
//
//	v = rowMask ⊙ [d broadcast over the rows] + colMask ⊙ [e broadcast over the columns]
//
// (rowMask +1 on row 0, −1 on row m−1; colMask likewise on columns 0 and
// n−1; datasets.PeriodicSmooth's boundary image), ŝ = v̂ · invL with
// invL(q, r) = 1/(2cos(2πq/m) + 2cos(2πr/n) − 4) and invL(0, 0) = 0 (Δ_per⁻¹ on the
// zero-mean maps), s = Re IFFT2(ŝ), p = u − s. The broadcasts pad a
// one-pixel axis in reflect mode, which repeats the pixel.
type periodicOp struct {
	m, n             int
	rowMask, colMask []float64
	invL             []float64
}

// newPeriodicOp precomputes the masks and Δ_per⁻¹ of m×n maps (m, n ≥ 1).
func newPeriodicOp(m, n int) *periodicOp {
	o := &periodicOp{m: m, n: n, rowMask: make([]float64, m*n), colMask: make([]float64, m*n), invL: make([]float64, m*n)}
	for j := 0; j < n; j++ {
		o.rowMask[j] += 1
		o.rowMask[(m-1)*n+j] -= 1
	}
	for i := 0; i < m; i++ {
		o.colMask[i*n] += 1
		o.colMask[i*n+n-1] -= 1
	}
	for q := 0; q < m; q++ {
		cq := 2*math.Cos(2*math.Pi*float64(q)/float64(m)) - 4
		for r := 0; r < n; r++ {
			if q == 0 && r == 0 {
				continue
			}
			o.invL[q*n+r] = 1 / (cq + 2*math.Cos(2*math.Pi*float64(r)/float64(n)))
		}
	}
	return o
}

// apply returns p(x) of x [B, C, m, n] (real).
func (o *periodicOp) apply(pr stlayer.Prim, x stlayer.Field) stlayer.Field {
	m, n := o.m, o.n
	if m < 2 && n < 2 {
		return x // one pixel: v = 0, s = 0
	}
	d := pr.Sub(pr.Crop(x, m-1, 0, 1, n), pr.Crop(x, 0, 0, 1, n))
	e := pr.Sub(pr.Crop(x, 0, n-1, m, 1), pr.Crop(x, 0, 0, m, 1))
	v := pr.Add(pr.MulConst(pr.PadReflect(d, 0, m-1, 0, 0), o.rowMask),
		pr.MulConst(pr.PadReflect(e, 0, 0, 0, n-1), o.colMask))
	s := pr.Real(pr.IFFT2(pr.MulConst(pr.FFT2(v), o.invL)))
	return pr.Sub(x, s)
}

// NewPeriodicTileOp is NewTileOp (no window) for models of periodic
// components (ModelManifest.Window "moisan"): every tile t enters the base
// statistic as its periodic component p(t) (datasets.PeriodicSmooth), as
// the training patches did, Φ_tile(x) = [Φ(p(x[t_0])), Φ(p(x[t_1])), …].
// A tile is a cut of the map, not periodic: its periodic extension jumps at
// the tile's border, a jump the training patches (p of cuts of larger maps)
// do not have. p applies to a tile of one as well (an m×n map of the patch
// size): ModelSet.tileOp leaves p out there.
func NewPeriodicTileOp(base StatOp, m, n, p, stride int) (*TileOp, error) {
	t, err := NewTileOp(base, m, n, p, stride, nil)
	if err != nil {
		return nil, err
	}
	t.periodic = newPeriodicOp(p, p)
	t.key += " moisan"
	return t, nil
}

// periodicTiles reports whether the models' training patches were the
// periodic components of their cuts (ModelManifest.Window "moisan").
func (ms *ModelSet) periodicTiles() bool {
	return ms.Manifest != nil && ms.Manifest.Window == "moisan"
}

// tileOp returns SampleComponent's tiled statistic of base on m×n maps for
// these models: NewTileOp with the training window (Tukey) or, for models
// of periodic components (Window "moisan") and maps larger than the patch,
// NewPeriodicTileOp, whose tiles enter as their periodic components: a
// tile is a cut of the map, as the training patches were before p. A map
// of the patch size is matched as drawn (p left out): it is not a cut but
// a stand-in for a training patch, a periodic component already (p of it
// would apply p twice, and p is not a projection: p(p(u)) ≠ p(u)).
func (ms *ModelSet) tileOp(base StatOp, m, n, stride int) (*TileOp, error) {
	p := ms.Manifest.PatchSize
	if ms.periodicTiles() && (m != p || n != p) {
		return NewPeriodicTileOp(base, m, n, p, stride)
	}
	return NewTileOp(base, m, n, p, stride, ms.Window())
}

// periodicTilesInPlace replaces every map of x by its periodic component
// (datasets.PeriodicSmooth), the host counterpart of periodicOp.
func periodicTilesInPlace(x *stlayer.Maps) {
	for b := 0; b < x.B; b++ {
		mp := x.Map(b)
		p, _ := datasets.PeriodicSmooth(mp, x.M, x.N)
		copy(mp, p)
	}
}
