package wph

import (
	"fmt"
	"math/bits"
	"math/cmplx"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

type mode int

const (
	modeCoeffs mode = iota // the coefficients
	modeFit                // per-factor means and variances (normalisation fit)
)

// fkey identifies a factor [x_m⋆ψ_{j,l}]^p (sm=false) or [(x_m−μ)⋆φ_j]^p
// (sm=true; p = −1 is x_m itself, used for its mean).
type fkey struct {
	sm         bool
	m, j, l, p int
}

// factorField is a factor [B, K, h, w] (K channels keyed by keys), raw
// (not centred), with its spatial mean and centred version built on demand.
type factorField struct {
	f        stlayer.Field
	keys     []fkey
	mean     stlayer.Field // Mean(f) [B, K, 1, 1]
	centered stlayer.Field
	zero     bool // f is a band-pass field: its mean is exactly 0 (f may be nil)
	// conj: f is the complex conjugate of the factor keyed by keys (the
	// second factor of a pseudo-moment): its reference means are conjugated.
	conj bool
}

// builder emits the Prim graph of one evaluation of the statistic.
type builder struct {
	op   *Op
	p    stlayer.Prim
	mode mode
	nm   int // number of maps (2 for Cross)
	m2   int // map of the second factor

	x   stlayer.Field // [B, nm, M, N]
	one stlayer.Field // [B, 1, 1, 1] ones (NormAuto only)

	X     stlayer.Field         // FFT2(x)
	zf    map[int]stlayer.Field // band spectrum of z_j: [B, nm·L, M/band, N/band]
	zon   map[[2]int]stlayer.Field
	fac   map[[4]int]*factorField
	facF  map[[3]int]stlayer.Field
	facFc map[[4]int]stlayer.Field

	s00raw map[*group]stlayer.Field // s00Raw

	pieces []stlayer.Field
	rows   []int

	// modeFit
	fitKeys  []fkey
	fitMean  []stlayer.Field
	fitVar   []stlayer.Field
	recorded map[fkey]bool
}

func (op *Op) build(p stlayer.Prim, x stlayer.Field, md mode) stlayer.Field {
	f, _ := op.buildWithKeys(p, x, md)
	return f
}

func (op *Op) buildWithKeys(p stlayer.Prim, x stlayer.Field, md mode) (stlayer.Field, []fkey) {
	B, C, H, W := x.Dims()
	nm := 1
	if op.cfg.Cross {
		nm = 2
	}
	rows := nm * op.M
	if op.cfg.Complex {
		rows = 2 * op.M
	}
	if C != 1 || H != rows || W != op.N {
		panic(&stlayer.ErrShape{Msg: fmt.Sprintf("wph: statistic built for %d map(s) of %dx%d stacked vertically ([B,1,%d,%d]), got [%d,%d,%d,%d]",
			rows/op.M, op.M, op.N, rows, op.N, B, C, H, W), Kind: stlayer.ErrSize})
	}
	b := &builder{op: op, p: p, mode: md, nm: nm,
		zf: map[int]stlayer.Field{}, zon: map[[2]int]stlayer.Field{}, fac: map[[4]int]*factorField{},
		facF: map[[3]int]stlayer.Field{}, facFc: map[[4]int]stlayer.Field{}, recorded: map[fkey]bool{},
		s00raw: map[*group]stlayer.Field{}}
	if nm == 2 {
		b.m2 = 1
		x = p.Reshape(x, 2, op.M, op.N)
	}
	if op.cfg.Complex {
		// z = Q + iU from the pair (Q, U) stacked vertically.
		x = p.Linear(p.Reshape(x, 2, op.M, op.N), []complex128{1, 1i}, 1)
	}
	b.x = x
	if b.auto() {
		m := p.Mean(p.Modulus(x))
		if nm == 2 {
			m = p.Channels(m, []int{0})
		}
		b.one = p.Div(m, m)
	}
	if len(op.moments) > 0 {
		b.wph()
	}
	if len(op.sms) > 0 {
		b.scaling()
	}
	if md == modeFit {
		all := append(append([]stlayer.Field{}, b.fitMean...), b.fitVar...)
		return p.Concat(all...), b.fitKeys
	}
	return b.finish(), nil
}

// auto reports whether the stored normalisation is applied.
func (b *builder) auto() bool { return b.mode == modeCoeffs && b.op.cfg.Norm == NormAuto }

// constVec returns the [B, len(v), 1, 1] field of constants v.
func (b *builder) constVec(v []complex128) stlayer.Field {
	return b.p.Linear(b.one, v, len(v))
}

func (b *builder) refMeans(keys []fkey) []complex128 {
	mu := make([]complex128, len(keys))
	for i, k := range keys {
		mu[i] = b.op.norm.stat(k).mean()
	}
	return mu
}

// newFactor wraps a raw factor; in modeFit it records the mean and variance
// ⟨|f − ⟨f⟩|²⟩ of every key not seen before.
func (b *builder) newFactor(f stlayer.Field, keys []fkey) *factorField {
	ff := &factorField{f: f, keys: keys}
	if b.mode != modeFit {
		return ff
	}
	var idx []int
	for i, k := range keys {
		if !b.recorded[k] {
			b.recorded[k] = true
			idx = append(idx, i)
			b.fitKeys = append(b.fitKeys, k)
		}
	}
	if len(idx) > 0 {
		p := b.p
		mu := b.meanOf(ff)
		v := p.Sub(p.Mean(p.MulConj(f, f)), p.MulConj(mu, mu))
		b.fitMean = append(b.fitMean, b.channels(mu, idx))
		b.fitVar = append(b.fitVar, b.channels(v, idx))
	}
	return ff
}

func (b *builder) meanOf(ff *factorField) stlayer.Field {
	if ff.mean == nil {
		ff.mean = b.p.Mean(ff.f)
	}
	return ff.mean
}

// centredOf returns f minus its own mean (NormNone) or minus the stored
// reference mean (NormAuto).
func (b *builder) centredOf(ff *factorField) stlayer.Field {
	if ff.centered == nil {
		if b.auto() {
			mu := b.refMeans(ff.keys)
			if ff.conj {
				conjAll(mu)
			}
			ff.centered = b.p.Sub(ff.f, b.constVec(mu))
		} else {
			ff.centered = b.p.Sub(ff.f, b.meanOf(ff))
		}
	}
	return ff.centered
}

// correct turns raw correlations ⟨a(r+τ)·conj(b(r))⟩ of uncentred periodic
// factors into covariances. Row r uses channel i1[r] of factor fa and i2[r]
// of factor fb; a factor marked zero has zero mean exactly (a band-pass
// field). NormNone: raw − ā·conj(b̄); NormAuto (reference means μ):
// raw − μa·conj(b̄) − ā·conj(μb) + μa·conj(μb).
func (b *builder) correct(raw stlayer.Field, fa *factorField, i1 []int, fb *factorField, i2 []int) stlayer.Field {
	p := b.p
	if !b.auto() {
		if fa.zero || fb.zero {
			return raw
		}
		return p.Sub(raw, p.MulConj(b.channels(b.meanOf(fa), i1), b.channels(b.meanOf(fb), i2)))
	}
	ka, kb := make([]fkey, len(i1)), make([]fkey, len(i2))
	for r := range i1 {
		ka[r], kb[r] = fa.keys[i1[r]], fb.keys[i2[r]]
	}
	mua, mub := b.refMeans(ka), b.refMeans(kb)
	if fa.conj {
		conjAll(mua)
	}
	if fb.conj {
		conjAll(mub)
	}
	c := make([]complex128, len(mua))
	for r := range c {
		c[r] = mua[r] * cmplx.Conj(mub[r])
	}
	out := raw
	if !fb.zero {
		out = p.Sub(out, p.MulConj(b.constVec(mua), b.channels(b.meanOf(fb), i2)))
	}
	if !fa.zero {
		out = p.Sub(out, p.MulConj(b.channels(b.meanOf(fa), i1), b.constVec(mub)))
	}
	return p.Add(out, b.constVec(c))
}

// conjAll conjugates v in place.
func conjAll(v []complex128) {
	for i := range v {
		v[i] = cmplx.Conj(v[i])
	}
}

// conjOf returns the conjugate of the factor ff (the second factor of a
// pseudo-moment): conj(f), same keys, reference means conjugated.
func (b *builder) conjOf(ff *factorField) *factorField {
	return &factorField{f: b.p.Conj(ff.f), keys: ff.keys, zero: ff.zero, conj: !ff.conj}
}

// channels is Prim.Channels, skipped when idx is the identity.
func (b *builder) channels(f stlayer.Field, idx []int) stlayer.Field {
	return stlayer.Gather(b.p, f, idx)
}

// emit stores an output piece [B, len(rows), 1, 1]; with NormAuto it divides
// each row by σ1·σ2 of its two factors.
func (b *builder) emit(piece stlayer.Field, rows []int, k1, k2 []fkey) {
	if b.mode != modeCoeffs {
		return
	}
	if b.auto() {
		w := make([]complex128, len(rows))
		for i := range rows {
			w[i] = complex(1/(b.op.norm.stat(k1[i]).std()*b.op.norm.stat(k2[i]).std()), 0)
		}
		piece = b.p.Mul(piece, b.constVec(w))
	}
	b.pieces = append(b.pieces, piece)
	b.rows = append(b.rows, rows...)
}

// finish concatenates the pieces and puts the rows in coefficient order.
func (b *builder) finish() stlayer.Field {
	all := b.p.Concat(b.pieces...)
	K := b.op.NumCoeffs()
	if len(b.rows) != K {
		panic(fmt.Sprintf("wph: internal error: %d coefficients computed, %d expected", len(b.rows), K))
	}
	perm := make([]int, K)
	seen := make([]bool, K)
	for pos, r := range b.rows {
		if seen[r] {
			panic(fmt.Sprintf("wph: internal error: coefficient %d computed twice", r))
		}
		seen[r] = true
		perm[r] = pos
	}
	return b.channels(all, perm)
}

// ---------------------------------------------------------------- wavelets

// sizes of a grid subsampled by s.
func (b *builder) dims(s int) (int, int) { return b.op.M / s, b.op.N / s }

// spectrum returns FFT2(x) (once).
func (b *builder) spectrum() stlayer.Field {
	if b.X == nil {
		b.X = b.p.FFT2(b.x)
	}
	return b.X
}

// zband returns the spectrum of z_j = x⋆ψ_j on its exact band crop
// [B, nm·L, M/band_j, N/band_j] (channel m·L + l): CropFreq(X)·ψ̂ (cropped).
func (b *builder) zband(j int) stlayer.Field {
	if f, ok := b.zf[j]; ok {
		return f
	}
	h, w := b.dims(b.op.band[j])
	X := b.spectrum()
	if h != b.op.M || w != b.op.N {
		X = b.p.CropFreq(X, h, w)
	}
	f := b.p.MulFilters(X, b.op.psiBand[j])
	b.zf[j] = f
	return f
}

// zOn returns z_j sampled on the grid subsampled by s (s ≤ band_j; exact):
// [B, nm·L, M/s, N/s]. In NonPeriodic mode (s = 1) the field is cut.
func (b *builder) zOn(j, s int) stlayer.Field {
	k := [2]int{j, s}
	if f, ok := b.zon[k]; ok {
		return f
	}
	f := b.zband(j)
	h, w := b.dims(s)
	if _, _, fh, fw := f.Dims(); fh != h || fw != w {
		f = b.p.PadFreq(f, h, w)
	}
	f = b.p.IFFT2(f)
	if b.op.cfg.NonPeriodic {
		f = b.p.Crop(f, b.op.cut[0], b.op.cut[1], b.op.M-2*b.op.cut[0], b.op.N-2*b.op.cut[1])
	}
	b.zon[k] = f
	return f
}

// mapChannels returns the channels of map m among nm·K channels.
func (b *builder) mapChannels(f stlayer.Field, m, K int) stlayer.Field {
	if b.nm == 1 {
		return f
	}
	idx := make([]int, K)
	for i := range idx {
		idx[i] = m*K + i
	}
	return b.p.Channels(f, idx)
}

func (b *builder) wkeys(m, j, pw int) []fkey {
	keys := make([]fkey, b.op.nt)
	for l := range keys {
		keys[l] = fkey{m: m, j: j, l: l, p: pw}
	}
	return keys
}

// factor returns the factor [x_m⋆ψ_{j,l}]^p, l = 0…nt−1 (nt = L, or 2L with
// Complex), on the grid subsampled by s: [B, nt, M/s, N/s] (or the cut window
// in NonPeriodic mode).
func (b *builder) factor(m, j, pw, s int) *factorField {
	k := [4]int{m, j, pw, s}
	if f, ok := b.fac[k]; ok {
		return f
	}
	f := b.mapChannels(b.zOn(j, s), m, b.op.nt)
	switch pw {
	case 1:
	case 0:
		f = b.p.Modulus(f)
	default:
		f = b.p.PhaseHarmonic(f, pw)
	}
	ff := b.newFactor(f, b.wkeys(m, j, pw))
	// z_j has mean exactly 0 on a periodic grid (ψ̂(0) = 0): no centring.
	ff.zero = pw == 1 && !b.op.cfg.NonPeriodic
	b.fac[k] = ff
	return ff
}

// hasFFT reports whether the spectrum of factor(m, j, pw, grid_j) is built.
func (b *builder) hasFFT(m, j, pw int) bool {
	_, ok := b.facF[[3]int{m, j, pw}]
	return ok
}

// factorFFTCrop returns FFT2 of factor(m, j, pw, grid_j) cropped to the band of
// scale jb: [B, L, M/band_jb, N/band_jb].
func (b *builder) factorFFTCrop(m, j, pw, jb int) stlayer.Field {
	k := [4]int{m, j, pw, jb}
	if f, ok := b.facFc[k]; ok {
		return f
	}
	kf := [3]int{m, j, pw}
	F, ok := b.facF[kf]
	if !ok {
		F = b.p.FFT2(b.factor(m, j, pw, b.op.grid[j]).f)
		b.facF[kf] = F
	}
	h, w := b.dims(b.op.band[jb])
	if _, _, fh, fw := F.Dims(); fh != h || fw != w {
		F = b.p.CropFreq(F, h, w)
	}
	b.facFc[k] = F
	return F
}

// group is a set of covariances evaluated together.
type group struct {
	class  string
	j1, j2 int
	pseudo int // PyWPH's pseudo-moments (Complex): conjugated second factor
	covs   []*cov
}

func (b *builder) wph() {
	type gkey struct {
		class          string
		j1, j2, pseudo int
	}
	var groups []*group
	idx := map[gkey]*group{}
	for _, c := range b.op.covs {
		k := gkey{c.class, c.j1, c.j2, c.pseudo}
		g, ok := idx[k]
		if !ok {
			g = &group{class: c.class, j1: c.j1, j2: c.j2, pseudo: c.pseudo}
			idx[k] = g
			groups = append(groups, g)
		}
		g.covs = append(g.covs, c)
	}
	// Cross-scale groups first: their spectra of |z_j| let S01 use Parseval.
	var cross, same []*group
	for _, g := range groups {
		if g.j1 != g.j2 {
			cross = append(cross, g)
		} else {
			same = append(same, g)
		}
	}
	done := map[*group]bool{}
	if b.streamed() {
		done = b.streamCross(cross, same)
	} else {
		for _, g := range cross {
			b.evalGroup(g)
		}
	}
	for _, g := range same {
		if !done[g] {
			b.evalGroup(g)
		}
	}
}

// streamed reports whether the cross-scale groups are streamed over the
// scales (streamCross): for the coefficients (not the normalisation fit,
// whose factor order is stored) of periodic maps with PyWPH's default
// classes, all of them but maybe L (C01 builds z_j at step j, before the
// same-scale groups of scale j), where streamCross's argument that no bit changes holds
// (and is tested). Otherwise the groups go class by class.
func (b *builder) streamed() bool {
	if b.mode != modeCoeffs || b.op.cfg.NonPeriodic || classOrder {
		return false
	}
	for _, c := range b.op.cfg.Classes {
		if !hasClass(DefaultClasses, c) {
			return false
		}
	}
	for _, c := range DefaultClasses {
		if c != "L" && !hasClass(b.op.cfg.Classes, c) {
			return false
		}
	}
	return true
}

// streamCross evaluates the cross-scale groups scale by scale rather than
// class by class, so that fewer full-grid fields are live at once (the
// engines free a field after its last reader, e.g. stlayer/cpu's Forward),
// and returns the same-scale groups it evaluated too.
//
// Step j evaluates the C01 groups of j1 = j (which read the spectrum of
// |z_j|), then the Cphase groups of j2 = j (which read z_{j1} and [z_j]^p on
// the grid), each step in PyWPH's order. It ends with what the same-scale
// groups of scale j read from the spectra: S11 and S01 (Parseval in the band
// of z_j) and the band part of S00 (s00Raw). So the spectra of scale j (of
// the full grid size for j ≤ 1 and for |z_j|) are freed at step j; what
// stays live is z_j on the grid, read by the Cphase of the coarser scales
// and by the means ⟨|z_j|⟩ of S00, which are left to the end (as the rest
// of S00 with DN > 0 or Cross, and S01 of j = J−1, on the grid).
//
// Every field keeps its readers in the class order's order (cross-scale
// groups C01 then Cphase, then the same-scale groups S11, S00, S01): that
// holds for the spectra of |z_j| (the C01 crops, then S01), for z_{j2}'s band
// spectrum (C01 of j1 < j2 at earlier steps, z_{j2} at step j2, then S11,
// S00, S01), and for z_j on the grid (|z_j|, Cphase, then S00's mean at the
// end). So the coefficients and the gradient (whose sums over the readers
// of a field run in reverse reader order) are bit-identical to the class
// order's: TestStreamedOrderSameBits.
func (b *builder) streamCross(cross, same []*group) map[*group]bool {
	step := func(g *group) int {
		if b.path(g) == pathBandA {
			return g.j1 // C01: the spectrum of |z_{j1}|
		}
		return max(g.j1, g.j2) // Cphase: z_{j1}, [z_{j2}]^p
	}
	sort.SliceStable(cross, func(a, c int) bool { return step(cross[a]) < step(cross[c]) })
	done := map[*group]bool{}
	for i, g := range cross {
		b.evalGroup(g)
		j := step(g)
		if i+1 < len(cross) && step(cross[i+1]) == j {
			continue
		}
		// End of step j: the same-scale groups of scale j evaluated by
		// Parseval (S11, S01), and the band part of S00 after evalGroup's
		// first reads (with Subsample, z_j on its own grid is new for
		// j = J−1).
		for _, s := range same {
			if s.j1 != j {
				continue
			}
			if b.path(s) == pathBandA {
				b.evalGroup(s)
				done[s] = true
			} else if b.s00BandCase(s) {
				c0 := s.covs[0]
				b.factor(0, s.j1, c0.p1, b.op.grid[s.j1])
				b.factor(b.m2, s.j2, c0.p2, b.op.grid[s.j2])
				if diag, _ := s00Split(s); len(diag) > 0 {
					b.s00Raw(s, diag)
				}
			}
		}
	}
	return done
}

// classOrder makes modeCoeffs evaluate the groups in modeFit's order
// (PyWPH's, cross-scale groups first) instead of streaming over the scales:
// for the tests that check that both orders give the same bits.
var classOrder = false

// Evaluation paths of a group (evalGroup).
const (
	pathGrid  = iota // both factors on the grid of the finer scale
	pathBandA        // Parseval in the band of z_{j2} (C01, S11, S01)
	pathBandB        // Parseval in the band of z_{j1} (C10, S10)
)

// path returns the evaluation path of g.
func (b *builder) path(g *group) int {
	c0 := g.covs[0]
	p1, p2 := c0.p1, c0.p2
	periodic := !b.op.cfg.NonPeriodic
	switch {
	case g.pseudo != 0:
		return pathGrid // conjugated second factor: on the grid
	case periodic && p2 == 1 && p1 <= 1 && (g.j1 < g.j2 || g.j1 == g.j2 && (p1 == 1 || b.hasFFT(0, g.j1, p1))):
		return pathBandA
	case periodic && p1 == 1 && p2 <= 1 && (g.j1 > g.j2 || g.j1 == g.j2 && b.hasFFT(b.m2, g.j2, p2)):
		return pathBandB
	}
	return pathGrid
}

// rowsOf lists, for the covariances cs, the coefficient rows and for each row
// the channel of each factor (l1, l2) and the factor keys.
func (b *builder) rowsOf(cs []*cov) (rows, i1, i2 []int, k1, k2 []fkey) {
	for _, c := range cs {
		for _, r := range c.rows {
			rows = append(rows, r)
			i1 = append(i1, c.l1)
			i2 = append(i2, c.l2)
			k1 = append(k1, fkey{m: 0, j: c.j1, l: c.l1, p: c.p1})
			k2 = append(k2, fkey{m: b.m2, j: c.j2, l: c.l2, p: c.p2})
		}
	}
	return
}

// evalGroup computes the covariances of one group (same class, j1, j2).
func (b *builder) evalGroup(g *group) {
	op := b.op
	c0 := g.covs[0]
	p1, p2 := c0.p1, c0.p2
	for _, c := range g.covs {
		if c.p1 != p1 || c.p2 != p2 {
			panic("wph: internal error: mixed harmonics in a group")
		}
	}
	periodic := !op.cfg.NonPeriodic
	L := op.nt
	switch b.path(g) {
	case pathBandA:
		// C01, S11 (and S01 when the spectrum of |z_j| is at hand): Parseval
		// in the band of z_{j2}.
		fb := &factorField{keys: b.wkeys(b.m2, g.j2, 1), zero: true}
		if b.mode == modeFit {
			b.factor(0, g.j1, p1, op.grid[g.j1]) // records the statistics
			b.factor(b.m2, g.j2, 1, op.grid[g.j2])
			return
		}
		fa := &factorField{keys: b.wkeys(0, g.j1, 1), zero: true}
		if p1 != 1 {
			fa = b.factor(0, g.j1, p1, op.grid[g.j1])
		}
		var A stlayer.Field
		if p1 == 1 {
			A = b.mapChannels(b.zband(g.j1), 0, L)
			if g.j1 != g.j2 {
				h, w := b.dims(op.band[g.j2])
				A = b.p.CropFreq(A, h, w)
			}
		} else {
			A = b.factorFFTCrop(0, g.j1, p1, g.j2)
		}
		Bf := b.mapChannels(b.zband(g.j2), b.m2, L)
		b.bandPairs(g, A, Bf, op.band[g.j2], fa, fb)
	case pathBandB:
		// C10 (and S10): Parseval in the band of z_{j1}.
		fa := &factorField{keys: b.wkeys(0, g.j1, 1), zero: true}
		fb := b.factor(b.m2, g.j2, p2, op.grid[g.j2])
		if b.mode == modeFit {
			b.factor(0, g.j1, 1, op.grid[g.j1])
			return
		}
		A := b.mapChannels(b.zband(g.j1), 0, L)
		Bf := b.factorFFTCrop(b.m2, g.j2, p2, g.j1)
		b.bandPairs(g, A, Bf, op.band[g.j1], fa, fb)
	default:
		// Both factors on the finer grid of the two scales.
		s := op.grid[min(g.j1, g.j2)]
		fa := b.factor(0, g.j1, p1, s)
		fb := b.factor(b.m2, g.j2, p2, s)
		if b.mode == modeFit {
			return
		}
		if g.pseudo != 0 {
			fb = b.conjOf(fb)
		}
		if b.s00BandCase(g) {
			// S00 at τ = 0: ⟨|z|·|z|⟩ = ⟨|z|²⟩ = Σ_k |ẑ(k)|²/n² on the band
			// (exact), so only ⟨|z|⟩ is needed from the grid.
			g = b.s00Band(g, fa)
			if g == nil {
				return
			}
		}
		var l1s, l2s []int
		var taus [][][2]int
		for _, c := range g.covs {
			l1s = append(l1s, c.l1)
			l2s = append(l2s, c.l2)
			taus = append(taus, c.taus)
		}
		rows, i1, i2, k1, k2 := b.rowsOf(g.covs)
		if periodic {
			raw := b.covPeriodic(b.channels(fa.f, l1s), b.channels(fb.f, l2s), taus)
			b.emit(b.correct(raw, fa, i1, fb, i2), rows, k1, k2)
		} else {
			A := b.channels(b.centredOf(fa), l1s)
			B := b.channels(b.centredOf(fb), l2s)
			b.emit(b.covNonPeriodic(A, B, taus), rows, k1, k2)
		}
	}
}

// s00BandCase reports whether g is an S00 group of the auto statistic on a
// periodic grid, whose τ = 0 diagonal s00Band evaluates from the band.
func (b *builder) s00BandCase(g *group) bool {
	c0 := g.covs[0]
	return !b.op.cfg.NonPeriodic && b.nm == 1 && c0.p1 == 0 && c0.p2 == 0 && g.j1 == g.j2 && g.pseudo == 0
}

// s00Split splits the covariances of an S00 group into the τ = 0, l1 = l2
// ones (diag) and the others.
func s00Split(g *group) (diag, rest []*cov) {
	for _, c := range g.covs {
		if c.l1 == c.l2 && allZero([][][2]int{c.taus}) {
			diag = append(diag, c)
		} else {
			rest = append(rest, c)
		}
	}
	return
}

// s00Raw returns ⟨|z|²⟩ = Σ_k |ẑ(k)|²/n² on the band of z_j for the
// covariances diag of the S00 group g (once: streamCross takes it early).
func (b *builder) s00Raw(g *group, diag []*cov) stlayer.Field {
	if f, ok := b.s00raw[g]; ok {
		return f
	}
	p := b.p
	var ls []int
	for _, c := range diag {
		ls = append(ls, c.l1)
	}
	Z := b.channels(b.zband(g.j1), ls)
	h, w := b.dims(b.op.band[g.j1])
	raw := p.Scale(p.Mean(p.MulConj(Z, Z)), complex(1/float64(h*w), 0))
	b.s00raw[g] = raw
	return raw
}

// s00Band evaluates the τ = 0, l1 = l2 covariances of an S00 group (auto
// statistic) from the band spectrum of z_j and returns the group of the
// remaining covariances (nil if none).
func (b *builder) s00Band(g *group, fa *factorField) *group {
	diag, rest := s00Split(g)
	if len(diag) > 0 {
		raw := b.s00Raw(g, diag)
		rows, i1, i2, k1, k2 := b.rowsOf(diag)
		b.emit(b.correct(raw, fa, i1, fa, i2), rows, k1, k2)
	}
	if len(rest) == 0 {
		return nil
	}
	return &group{class: g.class, j1: g.j1, j2: g.j2, covs: rest}
}

// bandPairs evaluates the covariances of g from the spectra A (first factor)
// and Bf (second factor), [B, L, h, w] on the band grid of subsampling s,
// channel l. Covariances with shifts use aligned channel lists; the others
// (τ = 0) are computed for all first-factor orientations at once, broadcasting
// one second-factor channel at a time (no gathers of full fields).
func (b *builder) bandPairs(g *group, A, Bf stlayer.Field, s int, fa, fb *factorField) {
	p := b.p
	h, w := b.dims(s)
	n := h * w
	L := b.op.nt
	var shifted, plain []*cov
	for _, c := range g.covs {
		if allZero([][][2]int{c.taus}) {
			plain = append(plain, c)
		} else {
			shifted = append(shifted, c)
		}
	}
	if len(shifted) > 0 {
		var l1s, l2s []int
		var taus [][][2]int
		for _, c := range shifted {
			l1s = append(l1s, c.l1)
			l2s = append(l2s, c.l2)
			taus = append(taus, c.taus)
		}
		raw := b.fromSpectrum(p.MulConj(b.channels(A, l1s), b.channels(Bf, l2s)), n, taus)
		rows, i1, i2, k1, k2 := b.rowsOf(shifted)
		b.emit(b.correct(raw, fa, i1, fb, i2), rows, k1, k2)
	}
	if len(plain) == 0 {
		return
	}
	var l2list []int
	pos := map[int]int{}
	for _, c := range plain {
		if _, ok := pos[c.l2]; !ok {
			pos[c.l2] = len(l2list)
			l2list = append(l2list, c.l2)
		}
	}
	rows, i1, i2, k1, k2 := b.rowsOf(plain)
	if len(plain) < len(l2list)*L/2 {
		// Few pairs (e.g. l1 = l2): gather aligned channel lists.
		var l1s, l2s []int
		for _, c := range plain {
			l1s = append(l1s, c.l1)
			l2s = append(l2s, c.l2)
		}
		raw := p.Scale(p.Mean(p.MulConj(b.channels(A, l1s), b.channels(Bf, l2s))), complex(1/float64(n), 0))
		b.emit(b.correct(raw, fa, i1, fb, i2), rows, k1, k2)
		return
	}
	var sum stlayer.Field // [B, len(l2list)·L, 1, 1], channel i·L + l1
	if stlayer.Stacks(p) {
		// One product and one mean for every l2 (fewer graph operations):
		// A stacked len(l2list) times against Bf's channel l2 repeated L times.
		lefts := make([]stlayer.Field, len(l2list))
		var rep []int
		for i, l2 := range l2list {
			lefts[i] = A
			for range L {
				rep = append(rep, l2)
			}
		}
		left := A
		if len(lefts) > 1 {
			left = p.Concat(lefts...)
		}
		sum = p.Mean(p.MulConj(left, p.Channels(Bf, rep)))
	} else {
		parts := make([]stlayer.Field, len(l2list))
		for i, l2 := range l2list {
			parts[i] = p.Mean(p.MulConj(A, p.Channels(Bf, []int{l2})))
		}
		sum = p.Concat(parts...)
	}
	all := p.Scale(sum, complex(1/float64(n), 0))
	var sel []int
	for _, c := range plain {
		sel = append(sel, pos[c.l2]*L+c.l1)
	}
	b.emit(b.correct(b.channels(all, sel), fa, i1, fb, i2), rows, k1, k2)
}

func allZero(taus [][][2]int) bool {
	for _, ts := range taus {
		for _, t := range ts {
			if t != [2]int{} {
				return false
			}
		}
	}
	return true
}

// covPeriodic returns ⟨a(r+τ)·conj(b(r))⟩ for a, b [B, G, h, w] on a periodic
// grid of n = h·w points, for every τ of taus[g] (rows in order).
func (b *builder) covPeriodic(a, bb stlayer.Field, taus [][][2]int) stlayer.Field {
	if allZero(taus) {
		return b.p.Mean(b.p.MulConj(a, bb))
	}
	_, _, h, w := a.Dims()
	return b.fromSpectrum(b.p.MulConj(b.p.FFT2(a), b.p.FFT2(bb)), h*w, taus)
}

// fromSpectrum returns (1/n²)·Σ_k P(k)·e^{ik·τ} for each channel g of the
// cross spectrum P [B, G, h, w] (n = h·w, the size of the grid the two spectra
// were taken on) and each τ in taus[g]: the correlation at shift τ. For τ ≠ 0
// the spectrum is zero-padded to M×N (exact interpolation to integer shifts of
// a band-limited correlation) and inverse transformed.
func (b *builder) fromSpectrum(P stlayer.Field, n int, taus [][][2]int) stlayer.Field {
	inv := complex(1/float64(n), 0)
	if allZero(taus) {
		return b.p.Scale(b.p.Mean(P), inv)
	}
	_, _, h, w := P.Dims()
	if h != b.op.M || w != b.op.N {
		P = b.p.PadFreq(P, b.op.M, b.op.N)
	}
	Q := b.p.Scale(b.p.IFFT2(P), inv)
	return b.gather(Q, taus, nil)
}

// gather picks Q[g, τ] for every τ of taus[g] (in order) from Q [B, G, H, W];
// with weights (one per output row) it also multiplies by them.
func (b *builder) gather(Q stlayer.Field, taus [][][2]int, weights []float64) stlayer.Field {
	var U [][2]int
	pos := map[[2]int]int{}
	for _, ts := range taus {
		for _, t := range ts {
			if _, ok := pos[t]; !ok {
				pos[t] = len(U)
				U = append(U, t)
			}
		}
	}
	S := b.p.Shifts(Q, U)
	var idx []int
	for g, ts := range taus {
		for _, t := range ts {
			idx = append(idx, g*len(U)+pos[t])
		}
	}
	if weights == nil {
		return b.channels(S, idx)
	}
	cin := len(taus) * len(U)
	A := make([]complex128, len(idx)*cin)
	for i, c := range idx {
		A[i*cin+c] = complex(weights[i], 0)
	}
	return b.p.Linear(S, A, len(idx))
}

// covNonPeriodic returns the covariances of centred a, b [B, G, h, w] living
// on a non-periodic window: for each τ the sum over the overlap of the window
// and its shift divided by the overlap area (PyWPH pbc=False).
func (b *builder) covNonPeriodic(a, bb stlayer.Field, taus [][][2]int) stlayer.Field {
	if allZero(taus) {
		return b.p.Mean(b.p.MulConj(a, bb))
	}
	_, _, h, w := a.Dims()
	ph, pw := padTo(h, b.op.maxTau[0]), padTo(w, b.op.maxTau[1])
	H, W := h+ph, w+pw
	mask := make([]float64, H*W)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			mask[r*W+c] = 1
		}
	}
	pad := func(f stlayer.Field) stlayer.Field {
		return b.p.MulConst(b.p.PadReflect(f, 0, ph, 0, pw), mask)
	}
	// IFFT2(FFT2(a)·conj(FFT2(b)))[τ] = Σ_r a(r+τ)·conj(b(r)) (linear correlation
	// since the padding exceeds |τ|).
	Q := b.p.IFFT2(b.p.MulConj(b.p.FFT2(pad(a)), b.p.FFT2(pad(bb))))
	var wts []float64
	for _, ts := range taus {
		for _, t := range ts {
			wts = append(wts, 1/float64((h-abs(t[0]))*(w-abs(t[1]))))
		}
	}
	return b.gather(Q, taus, wts)
}

// padTo returns a zero-padding p ≥ need for a window of n pixels (p < n, as
// Prim.PadReflect requires), rounded up so that n+p is a power of two when
// that is possible.
func padTo(n, need int) int {
	if need == 0 {
		return 0
	}
	if t := 1 << bits.Len(uint(n+need-1)); t-n < n {
		return t - n
	}
	return need
}

// ------------------------------------------------------------ scaling moments

func (b *builder) scaling() {
	op := b.op
	p := b.p
	nphi := len(op.phiJ)
	// x − ⟨x⟩ per map (PyWPH _sm_normalization_1).
	xkeys := make([]fkey, b.nm)
	for m := range xkeys {
		xkeys[m] = fkey{sm: true, m: m, j: 0, l: -1, p: -1}
	}
	xc := b.centredOf(b.newFactor(b.x, xkeys))
	Y := p.IFFT2(p.MulFilters(p.FFT2(xc), op.phi)) // [B, nm·nphi, M, N], channel m·nphi + i
	if op.cfg.NonPeriodic {
		Y = p.Crop(Y, op.cut[0], op.cut[1], op.M-2*op.cut[0], op.N-2*op.cut[1])
		if op.cfg.Norm == NormNone {
			// PyWPH 1.1 centres the cut x⋆φ on its own window mean before
			// the harmonic ("Kill the mean"); the mean of x over the whole
			// map, subtracted above, is not the window's (periodic maps:
			// ⟨(x − ⟨x⟩)⋆φ⟩ = 0 already).
			Y = p.Sub(Y, p.Mean(Y))
		}
	}
	facs := map[[2]int]*factorField{}
	factor := func(m, pw int) *factorField {
		if f, ok := facs[[2]int{m, pw}]; ok {
			return f
		}
		f := b.mapChannels(Y, m, nphi)
		switch pw {
		case 1:
		case 0:
			f = p.Modulus(f)
		default:
			f = p.PhaseHarmonic(f, pw)
		}
		ks := make([]fkey, nphi)
		for i, j := range op.phiJ {
			ks[i] = fkey{sm: true, m: m, j: j, l: -1, p: pw}
		}
		ff := b.newFactor(f, ks)
		facs[[2]int{m, pw}] = ff
		return ff
	}
	phiIdx := map[int]int{}
	for i, j := range op.phiJ {
		phiIdx[j] = i
	}
	// Group the scaling moments by (p1, p2).
	type pg struct {
		p1, p2 int
		pseudo int
		idx    []int // phi indices
		rows   []int
	}
	var pgs []*pg
	for i, s := range op.sms {
		var g *pg
		for _, q := range pgs {
			if q.p1 == s.P1 && q.p2 == s.P2 && q.pseudo == s.Pseudo {
				g = q
			}
		}
		if g == nil {
			g = &pg{p1: s.P1, p2: s.P2, pseudo: s.Pseudo}
			pgs = append(pgs, g)
		}
		g.idx = append(g.idx, phiIdx[s.J])
		g.rows = append(g.rows, len(op.moments)+i)
	}
	for _, g := range pgs {
		fa, fb := factor(0, g.p1), factor(b.m2, g.p2)
		if b.mode == modeFit {
			continue
		}
		if g.pseudo != 0 {
			fb = b.conjOf(fb)
		}
		var k1, k2 []fkey
		for _, i := range g.idx {
			k1 = append(k1, fa.keys[i])
			k2 = append(k2, fb.keys[i])
		}
		var piece stlayer.Field
		if op.cfg.NonPeriodic {
			piece = p.Mean(p.MulConj(b.channels(b.centredOf(fa), g.idx), b.channels(b.centredOf(fb), g.idx)))
		} else {
			raw := p.Mean(p.MulConj(b.channels(fa.f, g.idx), b.channels(fb.f, g.idx)))
			piece = b.correct(raw, fa, g.idx, fb, g.idx)
		}
		b.emit(piece, g.rows, k1, k2)
	}
}
