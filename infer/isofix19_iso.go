package infer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// IsoOptions configure the isotropic reduction of NewIsoOp and
// IsoGroupsFullCircle.
type IsoOptions struct {
	// L is the number of wavelet orientations over [0, π): the reduction
	// averages over rotations by multiples of π/L.
	L int
	// A is the number of WPH τ directions over a half turn (α = a·π/A; the
	// label column a runs over 0…2A−1 where the model has 2A directions);
	// 0 means PyWPH's 4. Unused for a table without the columns n and a.
	A int
	// Keep, if non-nil, selects the base coefficients taken into account.
	Keep func(i int) bool
	// Cross marks a statistic of two fields (the first factor of every
	// moment from the first field, the second from the second: stats.Spec
	// Cross). It decides the rows whose τ-reversed partner the table does
	// not hold (S11, S00 at τ ≠ 0): of one field they are already
	// invariant and kept as they are; of two fields their partner is the
	// moment of the swapped pair, and they are left out.
	Cross bool
	// PyWPH selects PyWPH's convention (WPH.to_isopar without the parity
	// average): the plain mean over the L rotations of IsoGroups, complex
	// values and every τ kept. For a real map it is not invariant under a
	// rotation by a multiple of π/L (see IsoGroupsFullCircle).
	PyWPH bool
}

// IsoGroupsFullCircle is the isotropic reduction over the full circle of a
// label table of moments of real maps: the mean over the 2L rotations by
// multiples of π/L instead of IsoGroups' L. For a real map x the wavelet at
// θ + π gives x⋆ψ_{θ+π} = conj(x⋆ψ_θ) (Morlet and bump-steerable alike) and
// a WPH shift τ, given relative to the second wavelet's direction, turns
// into −τ, i.e. the label a into a + A modulo 2A; so a rotation that carries
// an orientation past π turns a moment into the conjugate of the moment at
// −τ. Each member of an IsoGroups group X̄(τ) appears once in each form over
// the 2L rotations, and the full-circle mean is
//
//	½ (X̄(τ) + conj X̄(−τ)),
//
// which at τ = 0 and for the scattering covariance (no τ) is Re X̄: its
// imaginary part is exactly 0 and is kept as a zero. The two rows τ and −τ
// of a pair are conjugates of each other, so only the first (a < A) is
// kept: the table has fewer rows than IsoGroups' (for the default WPH,
// dn = 1, J = 5, L = 4: the C01 and Cphase rows at n = 1 halve). S11 and
// S00 at τ ≠ 0 have no −τ row (PyWPH stores half of the directions): of one
// field X(−τ) = conj X(τ), so the row is its own full-circle mean and is
// kept as IsoGroups gives it; of a pair of fields (opt.Cross) the partner is
// a moment of the swapped pair and the row is left out. Two fields under a
// rotation by π behave as one (both factors are conjugated): the cross
// moments get the same reduction. The result is invariant under rotations
// of the map by multiples of π/2 (and by π/L where the pixel grid allows)
// to round-off.
//
// It returns the groups (indices into lb) in the order of their first
// member, for each group its partner group (averaged conjugated; the group
// itself for a real part) and the labels (orientations relative to l1 = 0
// as IsoGroups). Complex-data tables (a row with pseudo = 1 or an
// orientation ≥ L: PyWPH's cplx=True) are refused with an input error: for
// complex maps the wavelet at θ + π is a distinct statistic and IsoGroups'
// mean over 2L orientations is the rotation average. opt.PyWPH gives
// IsoGroups' groups with no partner (nil) for any table, complex ones
// included (with L the number of orientations of the table).
func IsoGroupsFullCircle(lb *stlayer.Labels, opt IsoOptions) (groups, partners [][]int, out *stlayer.Labels, err error) {
	if lb == nil || opt.L < 1 {
		return nil, nil, nil, inputErrorf("isotropic reduction: no label table or L = %d < 1", opt.L)
	}
	if opt.PyWPH {
		g, glb := IsoGroups(lb, opt.L, opt.Keep)
		return g, nil, glb, nil
	}
	col := func(name string) int { return slices.Index(lb.Columns, name) }
	if c := col("pseudo"); c >= 0 {
		for i := range lb.Class {
			if lb.Rows[i][c] == 1 {
				return nil, nil, nil, inputErrorf("isotropic reduction: row %d (%s) is a pseudo moment of complex data; the full-circle reduction assumes real maps", i, lb.String(i))
			}
		}
	}
	for c, name := range lb.Columns {
		if len(name) == 2 && name[0] == 'l' && name[1] >= '1' && name[1] <= '9' {
			for i := range lb.Class {
				if lb.Rows[i][c] >= opt.L {
					return nil, nil, nil, inputErrorf("isotropic reduction: row %d (%s) has orientation %s = %d ≥ L = %d (complex data, 2L orientations); the full-circle reduction assumes real maps", i, lb.String(i), name, lb.Rows[i][c], opt.L)
				}
			}
		}
	}
	g, glb := IsoGroups(lb, opt.L, opt.Keep)
	A := opt.A
	if A <= 0 {
		A = 4
	}
	cn, ca := slices.Index(glb.Columns, "n"), slices.Index(glb.Columns, "a")
	cj1, cj2 := slices.Index(glb.Columns, "j1"), slices.Index(glb.Columns, "j2")
	cl1, cl2 := slices.Index(glb.Columns, "l1"), slices.Index(glb.Columns, "l2")
	cp1, cp2 := slices.Index(glb.Columns, "p1"), slices.Index(glb.Columns, "p2")
	key := func(class string, row []int) string {
		var b strings.Builder
		b.WriteString(class)
		for _, v := range row {
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(v))
		}
		return b.String()
	}
	index := make(map[string]int, len(g))
	for k := range g {
		index[key(glb.Class[k], glb.Rows[k])] = k
	}
	// oneField: a moment of one wavelet factor with itself (S11, S00),
	// whose value at −τ is the conjugate of that at τ for one field
	oneField := func(row []int) bool {
		return cj1 >= 0 && cj2 >= 0 && cl1 >= 0 && cl2 >= 0 && cp1 >= 0 && cp2 >= 0 &&
			row[cj1] == row[cj2] && row[cl2] == 0 && row[cp1] == row[cp2]
	}
	used := make([]bool, len(g))
	out = stlayer.NewLabels(glb.Columns...)
	out.MergeValues(glb)
	partner := make([]int, len(glb.Columns))
	for k := range g {
		if used[k] {
			continue
		}
		row := glb.Rows[k]
		h := k
		if cn >= 0 && ca >= 0 && row[cn] >= 1 && row[ca] >= 0 {
			copy(partner, row)
			partner[ca] = (row[ca] + A) % (2 * A)
			var ok bool
			h, ok = index[key(glb.Class[k], partner)]
			if !ok {
				if opt.Cross || !oneField(row) {
					continue // left out: its partner is not in the table
				}
				h = -1 // invariant as it is
			}
		}
		used[k] = true
		var p []int
		if h >= 0 {
			used[h] = true
			p = g[h]
		}
		groups = append(groups, g[k])
		partners = append(partners, p)
		addRow(out, glb, k)
	}
	return groups, partners, out, nil
}

// NewIsoOp is the isotropic reduction of base (a statistic of real maps
// with orientation labels: the WPH, the scattering covariance, their cross
// versions) over the full circle of rotations, IsoGroupsFullCircle: each
// row ½ (X̄(τ) + conj X̄(−τ)), the real part where there is no τ. With
// opt.PyWPH it is IsoGroups' mean over L rotations (PyWPH's to_isopar
// convention, not rotation invariant for real maps). Errors are input
// errors (ErrModelInput).
func NewIsoOp(base StatOp, opt IsoOptions, name string) (*ReducedOp, error) {
	if base == nil {
		return nil, inputErrorf("isotropic statistic %s: no base statistic (nil)", name)
	}
	g, conj, lb, err := IsoGroupsFullCircle(base.Labels(), opt)
	if err != nil {
		return nil, err
	}
	return newReducedOp(base, g, conj, lb, name)
}
