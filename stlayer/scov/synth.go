package scov

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// Type codes of Cheng's index_for_synthesis (row 0).
const (
	TypeMean  = 0 // mean/std
	TypeP00   = 1 // log P00
	TypeS1    = 2 // log S1
	TypeC01re = 3
	TypeC01im = 4
	TypeC11re = 5
	TypeC11im = 6
	TypeP11   = 7 // log P11 (NormP11 only)
)

var typeNames = []string{"mean", "P00", "S1", "C01re", "C01im", "C11re", "C11im", "P11"}

// synthEntry describes one entry of a flattened vector: Cheng's type code
// and its indices (−1 where absent), in Cheng's row order type, j1, j2, j3,
// l1, l2, l3.
type synthEntry [7]int

// synthIndex builds Cheng's index_for_synthesis (iso = false) or
// index_for_synthesis_iso (iso = true) for this configuration.
func (op *Op) synthIndex(iso bool) []synthEntry {
	J, L := op.cfg.J, op.cfg.L
	t := op.idx
	p11 := op.cfg.Normalization == NormP11
	var out []synthEntry
	out = append(out, synthEntry{TypeMean, -1, -1, -1, -1, -1, -1})
	if !iso {
		for _, ty := range []int{TypeP00, TypeS1} {
			for j := 0; j < J; j++ {
				for l := 0; l < L; l++ {
					out = append(out, synthEntry{ty, j, -1, -1, l, -1, -1})
				}
			}
		}
		for _, ty := range []int{TypeC01re, TypeC01im} {
			for _, c := range t.two {
				out = append(out, synthEntry{ty, c.j1, c.j2, -1, c.l1, c.l2, -1})
			}
		}
		for _, ty := range []int{TypeC11re, TypeC11im} {
			for _, c := range t.thr {
				if p11 && c.j1 == c.j2 && c.l1 == c.l2 {
					continue
				}
				out = append(out, synthEntry{ty, c.j1, c.j2, c.j3, c.l1, c.l2, c.l3})
			}
		}
		if p11 {
			for _, c := range t.two {
				out = append(out, synthEntry{TypeP11, c.j1, c.j2, -1, c.l1, c.l2, -1})
			}
		}
		return out
	}
	for _, ty := range []int{TypeP00, TypeS1} {
		for j := 0; j < J; j++ {
			out = append(out, synthEntry{ty, j, -1, -1, -1, -1, -1})
		}
	}
	for _, c := range t.i2 {
		out = append(out, synthEntry{TypeC01re, c.j1, c.j2, -1, -1, c.d, -1})
	}
	for _, c := range t.i3 {
		if p11 && c.j1 == c.j2 && c.d2 == 0 {
			continue
		}
		out = append(out, synthEntry{TypeC11re, c.j1, c.j2, c.j3, -1, c.d2, c.d3})
	}
	if p11 {
		for _, c := range t.i2 {
			out = append(out, synthEntry{TypeP11, c.j1, c.j2, -1, -1, c.d, -1})
		}
	}
	return out
}

// IndexForSynthesis returns Cheng's index_for_synthesis (iso = false) or
// index_for_synthesis_iso (iso = true): 7 rows (type, j1, j2, j3, l1, l2, l3)
// of one entry per coefficient of the flattened vector, −1 where an index does
// not apply. Type codes: TypeMean … TypeP11. In the isotropic rows, l2 and l3
// hold the angle differences Δ2 = (l2−l1) mod L and Δ3 = (l3−l1) mod L.
func (op *Op) IndexForSynthesis(iso bool) [7][]int {
	e := op.synthIndex(iso)
	var out [7][]int
	for r := range out {
		out[r] = make([]int, len(e))
		for i := range e {
			out[r][i] = e[i][r]
		}
	}
	return out
}

// SynthesisLabels returns the label table of the flattened vector: classes
// "mean", "P00", "S1", "C01re", "C01im", "C11re", "C11im", "P11", columns
// j1, j2, j3, l1, l2, l3 (as IndexForSynthesis). The classes are not the
// raw moments of the same names (Op.Labels): "mean" is mean/std of the map,
// "P00", "S1" and "P11" are natural logarithms (log P00 …), "C01re" … the
// normalised covariances (real and imaginary parts). For iso = true, l1 is
// absent and l2, l3 hold the angle DIFFERENCES Δ2 = (l2 − l1) mod L and
// Δ3 = (l3 − l1) mod L (averaged over l1), not orientations; the column
// names stay l2, l3 so that feature names built from the labels do not
// change. Orientation l is θ_l = filters.MorletTheta(l, L), measured from
// the row axis.
func (op *Op) SynthesisLabels(iso bool) *stlayer.Labels {
	lb := stlayer.NewLabels("j1", "j2", "j3", "l1", "l2", "l3")
	names := []string{"j1", "j2", "j3", "l1", "l2", "l3"}
	for _, e := range op.synthIndex(iso) {
		m := map[string]int{}
		for i, n := range names {
			if e[i+1] >= 0 {
				m[n] = e[i+1]
			}
		}
		lb.Add(typeNames[e[0]], m)
	}
	return lb
}

// NumSynthesis returns the length of for_synthesis (iso = false) or
// for_synthesis_iso (iso = true).
func (op *Op) NumSynthesis(iso bool) int { return len(op.synthIndex(iso)) }

// SynthOp is the statistic whose output is Cheng's flattened vector
// for_synthesis(_iso), normalised with the operator's Normalization and a
// fixed reference (use_ref = True) or, when the reference is nil, with the
// map's own P00/P11 (use_ref = False). It is differentiable end to end.
type SynthOp struct {
	op     *Op
	ref    *Ref
	iso    bool
	labels *stlayer.Labels
	key    string
}

// Synthesis returns the flattened-vector statistic. ref may be nil (self
// normalisation, Cheng's use_ref=False); for synthesis use the target's Ref
// (Cheng's `st.add_ref(target)` + `use_ref=True`).
func (op *Op) Synthesis(ref *Ref, iso bool) (*SynthOp, error) {
	if ref != nil {
		if err := ref.check(op); err != nil {
			return nil, err
		}
	}
	s := &SynthOp{op: op, ref: ref, iso: iso, labels: op.SynthesisLabels(iso)}
	s.key = fmt.Sprintf("%s/synth/iso=%t/norm=%s/ref=%s", op.Key(), iso, op.cfg.Normalization, ref.hash())
	return s, nil
}

// SynthesisIso is Synthesis(ref, true): the usual synthesis target,
// for_synthesis_iso with use_ref normalisation.
func (op *Op) SynthesisIso(ref *Ref) (*SynthOp, error) { return op.Synthesis(ref, true) }

// Stat maps x [B, 1, M, N] to the flattened vector [B, NumSynthesis(iso), 1, 1]
// (real values stored as complex with zero imaginary part).
func (s *SynthOp) Stat() stlayer.Stat {
	raw := s.op.Stat()
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return s.op.Assemble(p, raw(p, x), s.ref, s.iso)
	}
}

// Labels returns the label table (Op.SynthesisLabels).
func (s *SynthOp) Labels() *stlayer.Labels { return s.labels }

// Key identifies the statistic, including a digest of the reference.
func (s *SynthOp) Key() string { return s.key }

// Config returns the operator's configuration.
func (s *SynthOp) Config() Config { return s.op.cfg }

// Op returns the underlying operator.
func (s *SynthOp) Op() *Op { return s.op }

// Ref returns the reference normalisation (nil for self normalisation).
func (s *SynthOp) Ref() *Ref { return s.ref }

// Iso reports whether the statistic is for_synthesis_iso.
func (s *SynthOp) Iso() bool { return s.iso }

// Assemble turns the raw statistic raw [B, NumRaw(), 1, 1] (Op.Stat) into
// Cheng's for_synthesis (iso = false) or for_synthesis_iso (iso = true), on
// Prim (differentiable): mean/std, log P00, log S1, normalised C01 and C11
// (real and imaginary parts, or isotropic real parts), and log P11 with
// NormP11. ref = nil normalises with the map's own P00/P11.
func (op *Op) Assemble(p stlayer.Prim, raw stlayer.Field, ref *Ref, iso bool) stlayer.Field {
	J, L := op.cfg.J, op.cfg.L
	t := op.idx
	lay := t.layout(1)
	ch := func(idx []int) stlayer.Field { return p.Channels(raw, idx) }
	seq := func(start, n int) []int {
		d := make([]int, n)
		for i := range d {
			d[i] = start + i
		}
		return d
	}
	p11 := op.cfg.Normalization == NormP11

	ms := p.Div(ch([]int{lay.mean}), p.Sqrt(ch([]int{lay.vr})))
	P00 := ch(seq(lay.p00, J*L))
	S1 := ch(seq(lay.s1, J*L))
	C01 := ch(seq(lay.c01, lay.n2))
	C11 := ch(seq(lay.c11, lay.n3))
	// diag[i] = raw index of P11 for two-scale coefficient i: Re C11[j1,j1,j2,l1,l1,l2].
	diag := make([]int, len(t.two))
	for i, c := range t.two {
		diag[i] = lay.C11(0, t.p3(c.j1, c.j1, c.j2, c.l1, c.l1, c.l2))
	}
	p00 := func(j, l int) int { return lay.P00(0, j, l, L) }

	var C01n, C11n stlayer.Field
	switch {
	case ref != nil:
		f01 := make([]float64, len(t.two))
		for i, c := range t.two {
			if p11 {
				f01[i] = 1 / math.Sqrt(ref.P00[c.j2*L+c.l2]*ref.p11(J, L, c.j1, c.j2, c.l1, c.l2))
			} else {
				f01[i] = 1 / math.Sqrt(ref.P00[c.j2*L+c.l2]*ref.P00[c.j1*L+c.l1])
			}
		}
		f11 := make([]float64, len(t.thr))
		for i, c := range t.thr {
			if p11 {
				f11[i] = 1 / math.Sqrt(ref.p11(J, L, c.j1, c.j3, c.l1, c.l3)*ref.p11(J, L, c.j2, c.j3, c.l2, c.l3))
			} else {
				f11[i] = 1 / math.Sqrt(ref.P00[c.j1*L+c.l1]*ref.P00[c.j2*L+c.l2])
			}
		}
		C01n = scaleChannels(p, C01, f01)
		C11n = scaleChannels(p, C11, f11)
	case !p11:
		a, b := make([]int, len(t.two)), make([]int, len(t.two))
		for i, c := range t.two {
			a[i], b[i] = p00(c.j2, c.l2), p00(c.j1, c.l1)
		}
		C01n = p.Div(C01, p.Sqrt(p.Mul(ch(a), ch(b))))
		a, b = make([]int, len(t.thr)), make([]int, len(t.thr))
		for i, c := range t.thr {
			a[i], b[i] = p00(c.j1, c.l1), p00(c.j2, c.l2)
		}
		C11n = p.Div(C11, p.Sqrt(p.Mul(ch(a), ch(b))))
	default: // self P11
		a := make([]int, len(t.two))
		for i, c := range t.two {
			a[i] = p00(c.j2, c.l2)
		}
		C01n = p.Div(C01, p.Sqrt(p.Mul(ch(a), p.Real(ch(diag)))))
		a, b := make([]int, len(t.thr)), make([]int, len(t.thr))
		for i, c := range t.thr {
			a[i] = diag[t.p2(c.j1, c.j3, c.l1, c.l3)]
			b[i] = diag[t.p2(c.j2, c.j3, c.l2, c.l3)]
		}
		C11n = p.Div(C11, p.Sqrt(p.Mul(p.Real(ch(a)), p.Real(ch(b)))))
	}
	imag := func(z stlayer.Field) stlayer.Field { return p.Real(p.Scale(z, complex(0, -1))) }

	if !iso {
		parts := []stlayer.Field{ms, p.Log(P00), p.Log(S1), p.Real(C01n), imag(C01n)}
		if p11 {
			var keep []int
			for i, c := range t.thr {
				if !(c.j1 == c.j2 && c.l1 == c.l2) {
					keep = append(keep, i)
				}
			}
			// keep is empty for J = 1, L = 1: every C11 is then a P11.
			if len(keep) > 0 {
				sel := p.Channels(C11n, keep)
				parts = append(parts, p.Real(sel), imag(sel))
			}
			parts = append(parts, p.Log(p.Real(ch(diag))))
		} else {
			parts = append(parts, p.Real(C11n), imag(C11n))
		}
		return p.Concat(parts...)
	}

	// Isotropic reduction: averages over l1 at fixed angle differences.
	gj := make([][]int, J)
	for j := range gj {
		for l := 0; l < L; l++ {
			gj[j] = append(gj[j], j*L+l)
		}
	}
	g2 := make([][]int, len(t.i2))
	for i, c := range t.i2 {
		for l1 := 0; l1 < L; l1++ {
			g2[i] = append(g2[i], t.p2(c.j1, c.j2, l1, (l1+c.d)%L))
		}
	}
	var g3 [][]int
	for _, c := range t.i3 {
		if p11 && c.j1 == c.j2 && c.d2 == 0 {
			continue
		}
		var g []int
		for l1 := 0; l1 < L; l1++ {
			g = append(g, t.p3(c.j1, c.j2, c.j3, l1, (l1+c.d2)%L, (l1+c.d3)%L))
		}
		g3 = append(g3, g)
	}
	parts := []stlayer.Field{
		ms,
		p.Log(avgGroups(p, P00, gj)),
		p.Log(avgGroups(p, S1, gj)),
		avgGroups(p, p.Real(C01n), g2),
	}
	if len(g3) > 0 { // empty with NormP11 for J = 1, L = 1
		parts = append(parts, avgGroups(p, p.Real(C11n), g3))
	}
	if p11 {
		parts = append(parts, p.Log(avgGroups(p, p.Real(ch(diag)), g2)))
	}
	return p.Concat(parts...)
}

// avgGroups returns out[i] = mean over c ∈ groups[i] of x[c] for an H = W = 1
// field; all groups must have the same size.
func avgGroups(p stlayer.Prim, x stlayer.Field, groups [][]int) stlayer.Field {
	n := len(groups[0])
	var sum stlayer.Field
	for t := 0; t < n; t++ {
		idx := make([]int, len(groups))
		for i, g := range groups {
			idx[i] = g[t]
		}
		c := p.Channels(x, idx)
		if sum == nil {
			sum = c
		} else {
			sum = p.Add(sum, c)
		}
	}
	return p.Scale(sum, complex(1/float64(n), 0))
}
