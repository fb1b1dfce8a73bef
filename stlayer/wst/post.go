package wst

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// This file holds the post-processing of the global (Cheng) WST: isotropic
// reductions, the reduced s21/s22 coefficients, Cheng's flattened
// `for_synthesis(_iso)` vectors (all differentiable, written with Prim on top
// of Stat), and host-side export layouts (ChengDict, KymatioArray).

// isoRows builds the fixed linear maps from the raw global vector to
//
//	S1_iso[j]       = (1/L) Σ_l S1[j, l]                      (J rows)
//	P00_iso[j]      = (1/L) Σ_l P00[j, l]                     (J rows)
//	S2_iso[j1,j2,Δ] = (1/L) Σ_l1 S2[j1, j2, l1, (l1+Δ) mod L]  (pairs·L rows, order j1, j2, Δ)
//	P11_iso[j1,j2,Δ] likewise
//
// (Cheng's averages over l1 at fixed Δl = l2 − l1 mod L).
func (op *Op) isoS1(off int) [][]float64 {
	J, L := op.cfg.J, op.cfg.L
	K := op.labels.Len()
	rows := make([][]float64, J)
	for j := range J {
		r := make([]float64, K)
		for l := range L {
			r[off+j*L+l] = 1 / float64(L)
		}
		rows[j] = r
	}
	return rows
}

func (op *Op) isoS2(off int) [][]float64 {
	L := op.cfg.L
	K := op.labels.Len()
	var rows [][]float64
	for p := range op.pairs {
		for d := range L {
			r := make([]float64, K)
			for l1 := range L {
				r[off+(p*L+l1)*L+(l1+d)%L] += 1 / float64(L)
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func flatten(rows ...[][]float64) ([]complex128, int) {
	var a []complex128
	n := 0
	for _, rs := range rows {
		for _, r := range rs {
			for _, v := range r {
				a = append(a, complex(v, 0))
			}
			n++
		}
	}
	return a, n
}

// reducedRows returns the numerator (mean over Δl of S2_iso) and denominator
// (S1_iso[j1]) rows of s21, and numerator (S2_iso[Δl=0]) / denominator
// (S2_iso[Δl=L/2]) rows of s22, one row per (j1, j2) pair.
func (op *Op) reducedRows() (n21, d21, n22, d22 [][]float64) {
	L := op.cfg.L
	s1 := op.isoS1(op.offS1())
	s2 := op.isoS2(op.offS2())
	K := op.labels.Len()
	for p, pr := range op.pairs {
		r := make([]float64, K)
		for d := range L {
			for k, v := range s2[p*L+d] {
				r[k] += v / float64(L)
			}
		}
		n21 = append(n21, r)
		d21 = append(d21, s1[pr[0]])
		n22 = append(n22, s2[p*L])
		d22 = append(d22, s2[p*L+L/2])
	}
	return
}

func (op *Op) mustGlobal(what string) {
	if op.cfg.Local {
		panic(fmt.Sprintf("wst: %s is defined for the global (Cheng) WST only", what))
	}
}

// IsoStat returns the isotropic reduction of the global WST, [B, K_iso, 1, 1]:
// S0, S1_iso (j1), P00_iso (j1), S2_iso (j1, j2, Δl), P11_iso (j1, j2, Δl),
// s21 (j1, j2), s22 (j1, j2), with
//
//	s21[j1,j2] = ⟨S2_iso[j1,j2,Δl]⟩_Δl / S1_iso[j1],
//	s22[j1,j2] = S2_iso[j1,j2,0] / S2_iso[j1,j2,⌊L/2⌋]
//
// (Cheng's definitions; pairs (j1, j2) as in Stat). Labels: IsoLabels.
// A constant map has S1 = S2 = 0, so its s21 and s22 are 0/0 = NaN, as in
// Cheng's code (and its SynthesisStat logarithms are −Inf). Panics
// for a local operator.
func (op *Op) IsoStat() stlayer.Stat {
	op.mustGlobal("IsoStat")
	K := op.labels.Len()
	first := make([]float64, K)
	first[0] = 1
	a, rows := flatten([][]float64{first}, op.isoS1(op.offS1()), op.isoS1(op.offP00()), op.isoS2(op.offS2()), op.isoS2(op.offP11()))
	n21, d21, n22, d22 := op.reducedRows()
	an21, r := flatten(n21)
	ad21, _ := flatten(d21)
	an22, _ := flatten(n22)
	ad22, _ := flatten(d22)
	raw := op.globalStat
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		c := raw(p, x)
		lin := p.Linear(c, a, rows)
		if r == 0 { // no second-order pair (J = 1 with StrictJ2): no s21, s22
			return p.Real(lin)
		}
		s21 := p.Div(p.Linear(c, an21, r), p.Linear(c, ad21, r))
		s22 := p.Div(p.Linear(c, an22, r), p.Linear(c, ad22, r))
		return p.Real(p.Concat(lin, s21, s22))
	}
}

// IsoLabels is the label table of IsoStat (classes S0, S1_iso, P00_iso,
// S2_iso, P11_iso, s21, s22; S2_iso/P11_iso carry Δl = (l2 − l1) mod L in
// column l2, not an orientation: S2_iso(j1, j2, Δl) = (1/L)·Σ_{l1}
// S2(j1, l1, j2, (l1 + Δl) mod L); see labelColumns).
func (op *Op) IsoLabels() *stlayer.Labels {
	op.mustGlobal("IsoLabels")
	lab := stlayer.NewLabels(labelColumns...)
	lab.Add("S0", nil)
	for _, class := range []string{"S1_iso", "P00_iso"} {
		for j := range op.cfg.J {
			lab.Add(class, map[string]int{"j1": j})
		}
	}
	for _, class := range []string{"S2_iso", "P11_iso"} {
		for _, pr := range op.pairs {
			for d := range op.cfg.L {
				lab.Add(class, map[string]int{"j1": pr[0], "j2": pr[1], "l2": d})
			}
		}
	}
	for _, class := range []string{"s21", "s22"} {
		for _, pr := range op.pairs {
			lab.Add(class, map[string]int{"j1": pr[0], "j2": pr[1]})
		}
	}
	return lab
}

// SynthesisStat returns Cheng's flattened synthesis vector, [B, K, 1, 1]:
// iso = false: `for_synthesis` = (log S1[j1,l1] for j1, l1; log S2[j1,j2,l1,l2]
// for the pairs, order j1, j2, l1, l2); iso = true: `for_synthesis_iso` =
// (log S1_iso[j1]; log S2_iso[j1,j2,Δl] for the pairs, order j1, j2, Δl).
// Natural logarithms. Labels: SynthesisLabels. A constant map has S1 =
// S2 = 0, so its logarithms are −Inf (stats.CheckConstant refuses such maps
// for this statistic). Panics for a local operator.
func (op *Op) SynthesisStat(iso bool) stlayer.Stat {
	op.mustGlobal("SynthesisStat")
	raw := op.globalStat
	if !iso {
		idx := append(seq(op.offS1(), op.nS1), seq(op.offS2(), op.nS2)...)
		return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
			return p.Log(p.Channels(raw(p, x), idx))
		}
	}
	a, rows := flatten(op.isoS1(op.offS1()), op.isoS2(op.offS2()))
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Log(p.Linear(raw(p, x), a, rows))
	}
}

// SynthesisLabels is the label table of SynthesisStat(iso): classes logS1,
// logS2 (iso: logS1_iso, logS2_iso with Δl = (l2 − l1) mod L in column l2,
// not an orientation; see labelColumns). The values are natural logarithms.
func (op *Op) SynthesisLabels(iso bool) *stlayer.Labels {
	op.mustGlobal("SynthesisLabels")
	lab := stlayer.NewLabels(labelColumns...)
	if !iso {
		for i := range op.nS1 {
			lab.Add("logS1", rowMap(op.labels, op.offS1()+i))
		}
		for i := range op.nS2 {
			lab.Add("logS2", rowMap(op.labels, op.offS2()+i))
		}
		return lab
	}
	for j := range op.cfg.J {
		lab.Add("logS1_iso", map[string]int{"j1": j})
	}
	for _, pr := range op.pairs {
		for d := range op.cfg.L {
			lab.Add("logS2_iso", map[string]int{"j1": pr[0], "j2": pr[1], "l2": d})
		}
	}
	return lab
}

func rowMap(l *stlayer.Labels, i int) map[string]int {
	m := map[string]int{}
	for c, name := range l.Columns {
		if v := l.Rows[i][c]; v != -1 {
			m[name] = v
		}
	}
	return m
}

// Array is a named host array for export (e.g. to .npz): C-order Data with
// the given Shape (len(Data) = Π Shape). Entries Cheng leaves uncomputed are NaN.
type Array struct {
	Shape []int     // row-major shape, leading map axis B included
	Data  []float64 // C-order values, len(Data) = Π Shape
}

func newArray(shape ...int) *Array {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return &Array{Shape: shape, Data: make([]float64, n)}
}

// ChengDict converts global WST coefficients (the output of op.Stat() for a
// batch of B maps) into the arrays of Cheng's scattering_coef dictionary, with
// his shapes: S0, mean [B,1]; S1, P00 [B,J,L]; S1_iso, P00_iso [B,J]; S2, P11
// [B,J,J,L,L] (index j1, j2, l1, l2; NaN where not computed); S2_iso, P11_iso
// [B,J,J,L] (j1, j2, Δl; NaN where not computed); s21, s22 [B,J,J] (NaN where
// not computed); for_synthesis [B, J·L + #S2], for_synthesis_iso
// [B, J + #S2_iso]. Real parts are used. Deviation: Cheng's `var` (the
// unbiased variance of the map) is not part of the WST and is not returned
// (TestChengDictOmitsVar).
func ChengDict(op *Op, c *stlayer.Coeffs) (map[string]*Array, error) {
	if op == nil {
		return nil, fmt.Errorf("wst: ChengDict needs an operator (nil)")
	}
	if op.cfg.Local {
		return nil, fmt.Errorf("wst: ChengDict needs a global (Cheng) operator")
	}
	K := op.labels.Len()
	if c == nil || c.K != K || c.H != 1 || c.W != 1 {
		return nil, fmt.Errorf("wst: ChengDict: coefficients must be [B, %d, 1, 1]", K)
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("wst: ChengDict: %w", err)
	}
	B, J, L := c.B, op.cfg.J, op.cfg.L
	nan := math.NaN()
	d := map[string]*Array{
		"S0": newArray(B, 1), "mean": newArray(B, 1),
		"S1": newArray(B, J, L), "P00": newArray(B, J, L),
		"S1_iso": newArray(B, J), "P00_iso": newArray(B, J),
		"S2": newArray(B, J, J, L, L), "P11": newArray(B, J, J, L, L),
		"S2_iso": newArray(B, J, J, L), "P11_iso": newArray(B, J, J, L),
		"s21": newArray(B, J, J), "s22": newArray(B, J, J),
		"for_synthesis":     newArray(B, op.nS1+op.nS2),
		"for_synthesis_iso": newArray(B, J+len(op.pairs)*L),
	}
	for _, k := range []string{"S2", "P11", "S2_iso", "P11_iso", "s21", "s22"} {
		for i := range d[k].Data {
			d[k].Data[i] = nan
		}
	}
	for b := range B {
		row := c.Row(b)
		v := func(i int) float64 { return real(row[i]) }
		d["S0"].Data[b] = v(0)
		d["mean"].Data[b] = v(0)
		fs := d["for_synthesis"].Data[b*(op.nS1+op.nS2):]
		fsi := d["for_synthesis_iso"].Data[b*(J+len(op.pairs)*L):]
		for j := range J {
			var s, q float64
			for l := range L {
				s1, p0 := v(op.offS1()+j*L+l), v(op.offP00()+j*L+l)
				d["S1"].Data[(b*J+j)*L+l] = s1
				d["P00"].Data[(b*J+j)*L+l] = p0
				fs[j*L+l] = math.Log(s1)
				s += s1
				q += p0
			}
			d["S1_iso"].Data[b*J+j] = s / float64(L)
			d["P00_iso"].Data[b*J+j] = q / float64(L)
			fsi[j] = math.Log(s / float64(L))
		}
		for p, pr := range op.pairs {
			j1, j2 := pr[0], pr[1]
			iso2 := make([]float64, L)
			isoP := make([]float64, L)
			for l1 := range L {
				for l2 := range L {
					i := (p*L+l1)*L + l2
					s2, p11 := v(op.offS2()+i), v(op.offP11()+i)
					at := (((b*J+j1)*J+j2)*L+l1)*L + l2
					d["S2"].Data[at] = s2
					d["P11"].Data[at] = p11
					fs[op.nS1+i] = math.Log(s2)
					iso2[(l2-l1+L)%L] += s2 / float64(L)
					isoP[(l2-l1+L)%L] += p11 / float64(L)
				}
			}
			var mean float64
			for dl := range L {
				at := ((b*J+j1)*J+j2)*L + dl
				d["S2_iso"].Data[at] = iso2[dl]
				d["P11_iso"].Data[at] = isoP[dl]
				fsi[J+p*L+dl] = math.Log(iso2[dl])
				mean += iso2[dl] / float64(L)
			}
			d["s21"].Data[(b*J+j1)*J+j2] = mean / d["S1_iso"].Data[b*J+j1]
			d["s22"].Data[(b*J+j1)*J+j2] = iso2[0] / iso2[L/2]
		}
	}
	return d, nil
}

// KymatioArray returns local WST coefficients (the output of op.Stat() for a
// local operator) as Kymatio's array [B, K, h, w] (real parts; channel order
// as KymatioLabelRows).
func KymatioArray(op *Op, c *stlayer.Coeffs) (*Array, error) {
	if op == nil {
		return nil, fmt.Errorf("wst: KymatioArray needs an operator (nil)")
	}
	if !op.cfg.Local {
		return nil, fmt.Errorf("wst: KymatioArray needs a local (Kymatio) operator")
	}
	if c == nil || c.K != op.nLocal || c.H != op.outH || c.W != op.outW {
		return nil, fmt.Errorf("wst: KymatioArray: coefficients must be [B, %d, %d, %d]", op.nLocal, op.outH, op.outW)
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("wst: KymatioArray: %w", err)
	}
	a := newArray(c.B, c.K, c.H, c.W)
	for i, z := range c.Data {
		a.Data[i] = real(z)
	}
	return a, nil
}
