package infer

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// ReducedOp is a statistic derived from a base statistic by averaging groups
// of its coefficients:
//
//	Φ'_g(x) = (1/|G_g|) Σ_{i ∈ G_g} Φ_i(x)
//
// (complex values are kept), or, for the isotropic reduction of NewIsoOp,
// by averaging a group with the conjugate of its partner group H_g:
//
//	Φ'_g(x) = ½ (1/|G_g|) Σ_{i ∈ G_g} Φ_i(x) + ½ conj((1/|H_g|) Σ_{i ∈ H_g} Φ_i(x)).
//
// A group of one coefficient selects it, so a
// ReducedOp also expresses subsets (e.g. the cross moments of a two-field
// statistic). It is evaluated on Prim (gathers, sums and a scale), so every
// engine differentiates it. The output order is: groups of equal size
// together, sizes in increasing order (within one size: real parts first,
// then plain means, then means with a conjugated partner, by the partner's
// size), and within one such bucket the order of groups given (Labels
// follows the same order; the label of a group is that of its first
// member, with the orientation columns rewritten by IsoGroups).
type ReducedOp struct {
	base    StatOp
	buckets []reducedBucket
	labels  *stlayer.Labels
	key     string
}

type reducedBucket struct {
	size int
	idx  [][]int // idx[t][g]: member t of group g
	// csize, cidx: the partner groups whose conjugate mean is averaged with
	// the group's mean (NewIsoOp); csize 0: none. real: every group is its
	// own partner, ½ (m + conj m) = Re m.
	csize int
	cidx  [][]int
	real  bool
}

// NewReducedOp builds the reduction of base by the groups (indices into
// base's coefficients, each group non-empty). labels, if non-nil, gives one
// row per group in the order of groups; nil takes the base's label of each
// group's first member. A nil base, no group, an empty group, an index out
// of range and labels of another length are input errors (ErrModelInput).
func NewReducedOp(base StatOp, groups [][]int, labels *stlayer.Labels, name string) (*ReducedOp, error) {
	return newReducedOp(base, groups, nil, labels, name)
}

// newReducedOp is NewReducedOp with partner groups: conj[g], if non-empty,
// is averaged conjugated with groups[g] (½ mean + ½ conj mean; nil conj:
// none for any group).
func newReducedOp(base StatOp, groups, conj [][]int, labels *stlayer.Labels, name string) (*ReducedOp, error) {
	if base == nil {
		return nil, inputErrorf("reduced statistic %s: no base statistic (nil)", name)
	}
	if len(groups) == 0 {
		return nil, inputErrorf("reduced statistic %s: no coefficients selected", name)
	}
	if labels != nil && labels.Len() != len(groups) {
		return nil, inputErrorf("reduced statistic %s: %d labels for %d groups", name, labels.Len(), len(groups))
	}
	if conj != nil && len(conj) != len(groups) {
		return nil, inputErrorf("reduced statistic %s: %d partner groups for %d groups", name, len(conj), len(groups))
	}
	nb := base.Labels().Len()
	// csize −1: the group is its own partner (the real part)
	type sizeKey struct{ size, csize int }
	bySize := map[sizeKey][]int{}
	var sizes []sizeKey
	h := fnv.New64a()
	check := func(grp []int) error {
		for _, i := range grp {
			if i < 0 || i >= nb {
				return inputErrorf("reduced statistic %s: coefficient %d out of range [0, %d)", name, i, nb)
			}
			h.Write([]byte(strconv.Itoa(i)))
			h.Write([]byte{','})
		}
		return nil
	}
	for g, grp := range groups {
		if len(grp) == 0 {
			return nil, inputErrorf("reduced statistic %s: empty group %d", name, g)
		}
		if err := check(grp); err != nil {
			return nil, err
		}
		k := sizeKey{size: len(grp)}
		if conj != nil && len(conj[g]) > 0 {
			h.Write([]byte{'*'})
			if err := check(conj[g]); err != nil {
				return nil, err
			}
			k.csize = len(conj[g])
			if slices.Equal(conj[g], grp) {
				k.csize = -1
			}
		}
		h.Write([]byte{';'})
		if _, ok := bySize[k]; !ok {
			sizes = append(sizes, k)
		}
		bySize[k] = append(bySize[k], g)
	}
	slices.SortFunc(sizes, func(a, b sizeKey) int {
		if a.size != b.size {
			return a.size - b.size
		}
		return a.csize - b.csize
	})
	r := &ReducedOp{base: base, key: fmt.Sprintf("%s/reduced:%s:%x", base.Key(), name, h.Sum64())}
	src := labels
	if src == nil {
		src = base.Labels()
	}
	r.labels = stlayer.NewLabels(src.Columns...)
	r.labels.MergeValues(src)
	for _, s := range sizes {
		bk := reducedBucket{size: s.size, idx: make([][]int, s.size), real: s.csize < 0}
		if s.csize > 0 {
			bk.csize, bk.cidx = s.csize, make([][]int, s.csize)
		}
		for _, g := range bySize[s] {
			for t := 0; t < s.size; t++ {
				bk.idx[t] = append(bk.idx[t], groups[g][t])
			}
			for t := 0; t < s.csize; t++ {
				bk.cidx[t] = append(bk.cidx[t], conj[g][t])
			}
			row := g
			if labels == nil {
				row = groups[g][0]
			}
			addRow(r.labels, src, row)
		}
		r.buckets = append(r.buckets, bk)
	}
	return r, nil
}

func addRow(dst, src *stlayer.Labels, i int) {
	vals := map[string]int{}
	for c, name := range src.Columns {
		if v := src.Rows[i][c]; v >= 0 {
			vals[name] = v
		}
	}
	dst.Add(src.Class[i], vals)
}

// Key implements StatOp.
func (r *ReducedOp) Key() string { return r.key }

// Labels implements StatOp.
func (r *ReducedOp) Labels() *stlayer.Labels { return r.labels }

// Base returns the statistic that is reduced.
func (r *ReducedOp) Base() StatOp { return r.base }

// Stat implements StatOp.
func (r *ReducedOp) Stat() stlayer.Stat {
	base := r.base.Stat()
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := base(p, x)
		parts := make([]stlayer.Field, 0, len(r.buckets))
		mean := func(idx [][]int, size int) stlayer.Field {
			var sum stlayer.Field
			for t := 0; t < size; t++ {
				c := p.Channels(y, idx[t])
				if sum == nil {
					sum = c
				} else {
					sum = p.Add(sum, c)
				}
			}
			if size > 1 {
				sum = p.Scale(sum, complex(1/float64(size), 0))
			}
			return sum
		}
		for _, bk := range r.buckets {
			m := mean(bk.idx, bk.size)
			switch {
			case bk.real:
				// its own partner: ½ (m + conj m) = Re m, imaginary part
				// exactly 0
				m = p.Real(m)
			case bk.csize > 0:
				m = p.Scale(p.Add(m, p.Conj(mean(bk.cidx, bk.csize))), 0.5)
			}
			parts = append(parts, m)
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return p.Concat(parts...)
	}
}

// IsoGroups groups the coefficients of a label table into isotropic averages:
// coefficients whose rows are equal after replacing every orientation column
// (l1, l2, l3) by its difference with l1 modulo L (and l1 by 0) form one
// group, i.e. the average over the L rotations by multiples of π/L that keep
// the orientations in [0, π) (PyWPH's to_isopar without its parity average;
// Cheng's isotropic reduction without taking real parts). For a real map
// this mean is not rotation invariant: a rotation that carries an
// orientation past π conjugates the moment (and reverses a WPH τ), so a
// rotation of the map by 90° changed the imaginary parts and, with τ
// shifts, the real parts of the means. The separation statistics
// (NewSepStats) and stats --kind wph --iso use IsoGroupsFullCircle, which
// combines each group with the conjugate of its partner; IsoGroups stays
// PyWPH's convention (IsoOptions.PyWPH), which for complex data with 2L
// orientations (IsoGroups with 2L for L) is the full-circle mean.
// Coefficients without an orientation (l1 < 0) are groups of one. keep, if
// non-nil,
// selects the coefficients taken into account. It returns the groups, in the
// order of their first member, and their labels (orientations relative to
// l1 = 0). Nil labels or L < 1 (no rotation group) give no group (nil, nil),
// which NewReducedOp refuses.
func IsoGroups(lb *stlayer.Labels, L int, keep func(i int) bool) ([][]int, *stlayer.Labels) {
	if lb == nil || L < 1 {
		return nil, nil
	}
	l1 := slices.Index(lb.Columns, "l1")
	var ls []int
	for c, name := range lb.Columns {
		if len(name) == 2 && name[0] == 'l' && name[1] >= '1' && name[1] <= '9' {
			ls = append(ls, c)
		}
	}
	index := map[string]int{}
	var groups [][]int
	out := stlayer.NewLabels(lb.Columns...)
	out.MergeValues(lb)
	row := make([]int, len(lb.Columns))
	for i := range lb.Class {
		if keep != nil && !keep(i) {
			continue
		}
		copy(row, lb.Rows[i])
		if l1 >= 0 && row[l1] >= 0 {
			base := row[l1]
			for _, c := range ls {
				if row[c] >= 0 {
					row[c] = ((row[c]-base)%L + L) % L
				}
			}
		}
		var b strings.Builder
		b.WriteString(lb.Class[i])
		for _, v := range row {
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(v))
		}
		k := b.String()
		g, ok := index[k]
		if !ok {
			g = len(groups)
			index[k] = g
			groups = append(groups, nil)
			vals := map[string]int{}
			for c, name := range lb.Columns {
				if row[c] >= 0 {
					vals[name] = row[c]
				}
			}
			out.Add(lb.Class[i], vals)
		}
		groups[g] = append(groups[g], i)
	}
	return groups, out
}

// SepStats are the statistics a separation matches: Auto on M×N maps, Cross
// on pairs (a, b) stacked by rows into (2M)×N maps (scov.StackPair,
// wph.StackPair) and reduced to the moments that mix the two fields (nil: no
// independence and template terms). PS[k] marks the power-spectrum-like
// coefficients of Auto (used alone in the first stage, Auclair 2024); nil
// means all.
type SepStats struct {
	Auto, Cross StatOp
	PS          []bool
	// Spec is the specification the statistics were built from (informative).
	Spec stats.Spec
	// M, N is the map size the statistics were built for (NewSepStats sets
	// it; 0 × 0: unknown, not checked by SeparationProblem.Validate).
	M, N int
}

// NewSepStats builds the separation statistics of a spec for M×N maps.
//
//   - scov: the raw scattering-covariance moments (mean, var, P00, S1, C01,
//     C11; stats.Build of the spec without Synthesis/Iso) and the cross
//     moments of a pair (spec.Cross) restricted to those that mix the fields
//     (C00 and the (a,b), (b,a) kinds of C01 and C11). Raw moments are used rather than Cheng's synthesis vector
//     because they stay finite at the zero map (the residual d − s̃ starts at
//     0) and are whitened per coefficient anyway. With spec.Iso both are
//     averaged over the global rotations of the full circle
//     (IsoGroupsFullCircle): the real parts of IsoGroups' means.
//     PS-like: mean, var, P00.
//   - wph: PyWPH's default model (norm none, spec.DN shifts, periodic or
//     crop boundary) and its cross version (all coefficients mix the two
//     fields). With spec.Iso both
//     are averaged over the global rotations of the full circle
//     (IsoGroupsFullCircle: ½ (X̄(τ) + conj X̄(−τ)), real at τ = 0, one row
//     per pair ±τ; cross S11 and S00 at τ ≠ 0 left out). PS-like: S11 and
//     the scaling moments L.
//
// With ps, the binned power spectrum with its two corner rings
// (NewBinnedPSOpCorner) is appended to Auto and the binned cross spectrum
// with them to Cross: the wavelets integrate the power over octave-wide
// bands, the spectrum resolves it per half-octave (Cheng's synthesis
// `ps=True` option plays the same role), and the rings constrain the modes
// |k| ≥ min(M, N)/2 that the half-octave bins leave out. Without the rings
// (dust + white noise, 128², SNR 1) s̃ had 1.07/1.24× more power on the
// diagonals than on the axes at |k| 30–45/45–64 (truth 0.89/0.81), with
// them 0.94/0.93. Its coefficients count as PS-like.
//
// Other kinds (wst, spectra) and the synthesis vectors are refused. Every
// error (those kinds, a normalisation that does not apply, map sizes the
// spec cannot handle, e.g. 2^J > min(M, N)) is an input error
// (ErrModelInput).
func NewSepStats(spec stats.Spec, m, n int, ps bool) (*SepStats, error) {
	ss, err := newSepStats(spec, m, n, ps)
	return ss, asInput(err)
}

func newSepStats(spec stats.Spec, m, n int, ps bool) (*SepStats, error) {
	spec = spec.WithDefaults(m, n)
	if spec.Synthesis {
		return nil, fmt.Errorf("separation matches the raw moments of %s (whitened per coefficient); the synthesis vector is not supported", spec.Kind)
	}
	if spec.Complex {
		// IsoGroups and the cross statistics assume real maps (orientations
		// l < L, no pseudo moments)
		return nil, fmt.Errorf("separation takes real maps; the complex WPH of a (Q, U) pair (Spec.Complex) is a statistic of stkit stats only")
	}
	ss := &SepStats{Spec: spec, M: m, N: n}
	var psClasses []string
	crossKeep := func(int) bool { return true }
	switch spec.Kind {
	case stats.SCov:
		if n := strings.ToLower(spec.Norm); n != "none" && n != "p00" {
			return nil, fmt.Errorf("scov separation uses the raw moments; normalisation %q does not apply", spec.Norm)
		}
		psClasses = []string{"mean", "var", "P00"}
	case stats.WPH:
		if spec.Norm != "none" {
			return nil, fmt.Errorf("wph separation whitens each coefficient by its std over the samples; --norm %s does not apply", spec.Norm)
		}
		psClasses = []string{"S11", "L"}
	default:
		return nil, fmt.Errorf("separation supports statistics of kind scov or wph, not %s", spec.Kind)
	}
	base := spec
	base.Iso, base.Cross = false, false
	auto, err := stats.Build(base, m, n)
	if err != nil {
		return nil, err
	}
	base.Cross = true
	cross, err := stats.Build(base, m, n)
	if err != nil {
		return nil, err
	}
	if spec.Kind == stats.SCov {
		lb := cross.Labels()
		crossKeep = func(i int) bool {
			switch lb.Class[i] {
			case "C00":
				return true
			case "C01", "C11":
				return lb.Get(i, "fa") != lb.Get(i, "fb")
			}
			return false
		}
	}
	if spec.Iso {
		// over the full circle (IsoGroupsFullCircle): invariant under the
		// rotations of real maps by multiples of π/2
		opt := IsoOptions{L: spec.L, A: wph.DefaultConfig().A}
		if auto, err = NewIsoOp(auto, opt, "iso"); err != nil {
			return nil, err
		}
		opt.Keep, opt.Cross = crossKeep, true
		if cross, err = NewIsoOp(cross, opt, "cross-iso"); err != nil {
			return nil, err
		}
	} else if spec.Kind == stats.SCov {
		var g [][]int
		for i := range cross.Labels().Class {
			if crossKeep(i) {
				g = append(g, []int{i})
			}
		}
		if cross, err = NewReducedOp(cross, g, nil, "cross"); err != nil {
			return nil, err
		}
	}
	if ps {
		auto = NewConcatOp(auto, NewBinnedPSOpCorner(m, n, false))
		cross = NewConcatOp(cross, NewBinnedPSOpCorner(m, n, true))
		psClasses = append(psClasses, "PS")
	}
	lb := auto.Labels()
	ss.PS = make([]bool, lb.Len())
	for i, c := range lb.Class {
		ss.PS[i] = slices.Contains(psClasses, c)
	}
	ss.Auto, ss.Cross = auto, cross
	return ss, nil
}

// BinnedPSOp is the isotropic power spectrum, or for pairs the real cross
// spectrum, as a statistic on Prim, in the half-octave bins of
// IsoPowerSpectrum (physical frequency, k = 0 excluded; psBins):
//
//	P_b = (1/n_b) Σ_{k ∈ bin b} Re[X̂(k) conj(Ŷ(k))] / (M N)
//
// with X = Y the map (auto) or X, Y the two halves of a (2M)×N pair map
// (cross, the layout of scov.StackPair). It is linear in the power, so the
// spectra of independent fields add (P(s + n) ≈ P(s) + P(n)), and finite at
// the zero map. Classes "PS" (auto) and "PSx" (cross), column "bin".
// NewBinnedPSOpCorner adds two bins for the modes beyond the last one.
type BinnedPSOp struct {
	m, n   int
	cross  bool
	corner bool        // NewBinnedPSOpCorner: two corner rings after the bins
	masks  [][]float64 // per bin: weight 1/(n_b·M·N) on its modes
	labels *stlayer.Labels
}

// NewBinnedPSOp builds the operator for M×N maps (pairs when cross).
func NewBinnedPSOp(m, n int, cross bool) *BinnedPSOp {
	var edges []float64
	var bin []int
	if min(m, n) >= 2 {
		edges, bin, _ = psBins(m, n)
	}
	nb := max(len(edges)-1, 0)
	o := &BinnedPSOp{m: m, n: n, cross: cross, labels: stlayer.NewLabels("bin")}
	class := "PS"
	if cross {
		class = "PSx"
	}
	for b := 0; b < nb; b++ {
		o.masks = append(o.masks, make([]float64, m*n))
		o.labels.Add(class, map[string]int{"bin": b})
	}
	count := make([]int, nb)
	for _, b := range bin {
		if b >= 0 {
			count[b]++
		}
	}
	for p, b := range bin {
		if b >= 0 {
			o.masks[b][p] = 1 / float64(count[b]*m*n)
		}
	}
	return o
}

// Key implements StatOp.
func (o *BinnedPSOp) Key() string {
	if o.corner {
		return fmt.Sprintf("binnedps %dx%d cross=%t corner", o.m, o.n, o.cross)
	}
	return fmt.Sprintf("binnedps %dx%d cross=%t", o.m, o.n, o.cross)
}

// Labels implements StatOp.
func (o *BinnedPSOp) Labels() *stlayer.Labels { return o.labels }

// Stat implements StatOp.
func (o *BinnedPSOp) Stat() stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		var pw stlayer.Field
		if o.cross {
			f := p.FFT2(p.Reshape(x, 2, o.m, o.n))
			pw = p.Real(p.MulConj(p.Channels(f, []int{0}), p.Channels(f, []int{1})))
		} else {
			f := p.FFT2(x)
			pw = p.Real(p.MulConj(f, f))
		}
		parts := make([]stlayer.Field, len(o.masks))
		for b, m := range o.masks {
			parts[b] = p.WeightedMean(pw, m)
		}
		return p.Concat(parts...)
	}
}

// ConcatOp evaluates several statistics on the same maps and concatenates
// their coefficients (in the order given; labels concatenated, columns
// merged).
type ConcatOp struct {
	ops    []StatOp
	labels *stlayer.Labels
	key    string
}

// NewConcatOp concatenates ops.
func NewConcatOp(ops ...StatOp) *ConcatOp {
	var cols []string
	keys := make([]string, len(ops))
	for i, op := range ops {
		keys[i] = op.Key()
		for _, c := range op.Labels().Columns {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	c := &ConcatOp{ops: ops, labels: stlayer.NewLabels(cols...), key: "concat(" + strings.Join(keys, " | ") + ")"}
	for _, op := range ops {
		lb := op.Labels()
		c.labels.MergeValues(lb)
		for i := range lb.Class {
			addRow(c.labels, lb, i)
		}
	}
	return c
}

// Key implements StatOp.
func (c *ConcatOp) Key() string { return c.key }

// Labels implements StatOp.
func (c *ConcatOp) Labels() *stlayer.Labels { return c.labels }

// Stat implements StatOp.
func (c *ConcatOp) Stat() stlayer.Stat {
	stats := make([]stlayer.Stat, len(c.ops))
	for i, op := range c.ops {
		stats[i] = op.Stat()
	}
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		parts := make([]stlayer.Field, len(stats))
		for i, s := range stats {
			parts[i] = s(p, x)
		}
		return p.Concat(parts...)
	}
}
