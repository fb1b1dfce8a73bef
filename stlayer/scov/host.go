package scov

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
)

// Result holds Cheng's scattering_cov dictionary for ONE map, computed on the
// host (float64) from the raw coefficients. Arrays are row-major with Cheng's
// shapes (without the leading image axis); entries that Cheng does not compute
// are NaN (C01 with j1 > j2, C11 outside j1 ≤ j2 ≤ j3, P11 with j1 > j2, and
// the isotropic entries built from them).
type Result struct {
	J, L       int          // the operator's J and L
	Mean, Var  float64      // ⟨I⟩ and the unbiased variance
	P00, S1    []float64    // [J, L]
	C01        []complex128 // [J, J, L, L] normalised
	C11PreNorm []complex128 // [J, J, J, L, L, L]
	C11        []complex128 // [J, J, J, L, L, L] normalised
	P11        []float64    // [J, J, L, L]

	P00Iso, S1Iso []float64 // [J]
	C01Iso        []float64 // [J, J, L] (j1, j2, Δ)
	C11PreNormIso []float64 // [J, J, J, L, L] (j1, j2, j3, Δ2, Δ3)
	C11Iso        []float64 // [J, J, J, L, L]
	P11Iso        []float64 // [J, J, L]
	// ForSynthesis and ForSynthesisIso are Cheng's flattened vectors
	// for_synthesis and for_synthesis_iso, in the order of
	// IndexForSynthesis(false) and IndexForSynthesis(true) (see the package
	// documentation); Op.Synthesis computes the same vectors on an engine.
	ForSynthesis    []float64
	ForSynthesisIso []float64
}

// Results computes Cheng's dictionary for every map of the raw coefficients
// raw (Op.Stat output), normalised with the operator's Normalization and ref
// (nil: self normalisation, Cheng's use_ref=False).
func (op *Op) Results(raw *stlayer.Coeffs, ref *Ref) ([]*Result, error) {
	lay := op.idx.layout(1)
	if raw == nil || raw.K != lay.total || raw.H != 1 || raw.W != 1 {
		return nil, fmt.Errorf("scov: Results needs [B, %d, 1, 1] raw coefficients", lay.total)
	}
	if err := raw.Check(); err != nil {
		return nil, fmt.Errorf("scov: Results: %w", err)
	}
	if ref != nil {
		if err := ref.check(op); err != nil {
			return nil, err
		}
	}
	out := make([]*Result, raw.B)
	for b := range out {
		out[b] = op.result(raw.Row(b), ref)
	}
	return out, nil
}

func (op *Op) result(row []complex128, ref *Ref) *Result {
	J, L := op.cfg.J, op.cfg.L
	t := op.idx
	lay := t.layout(1)
	nan := math.NaN()
	cnan := cmplx.NaN()
	r := &Result{J: J, L: L, Mean: real(row[lay.mean]), Var: real(row[lay.vr])}
	r.P00 = make([]float64, J*L)
	r.S1 = make([]float64, J*L)
	for k := range r.P00 {
		r.P00[k] = real(row[lay.p00+k])
		r.S1[k] = real(row[lay.s1+k])
	}
	i2 := func(j1, j2, l1, l2 int) int { return ((j1*J+j2)*L+l1)*L + l2 }
	r.C01 = make([]complex128, J*J*L*L)
	r.P11 = make([]float64, J*J*L*L)
	for i := range r.C01 {
		r.C01[i], r.P11[i] = cnan, nan
	}
	r.C11PreNorm = make([]complex128, J*J*J*L*L*L)
	r.C11 = make([]complex128, len(r.C11PreNorm))
	for i := range r.C11 {
		r.C11PreNorm[i], r.C11[i] = cnan, cnan
	}
	for i, c := range t.thr {
		r.C11PreNorm[t.flat3(c.j1, c.j2, c.j3, c.l1, c.l2, c.l3)] = row[lay.C11(0, i)]
	}
	for _, c := range t.two {
		r.P11[i2(c.j1, c.j2, c.l1, c.l2)] = real(r.C11PreNorm[t.flat3(c.j1, c.j1, c.j2, c.l1, c.l1, c.l2)])
	}
	P00, P11 := r.P00, r.P11
	if ref != nil {
		P00 = ref.P00
		P11 = ref.P11
	}
	p11 := op.cfg.Normalization == NormP11
	for i, c := range t.two {
		var den float64
		if p11 {
			den = math.Sqrt(P00[c.j2*L+c.l2] * P11[i2(c.j1, c.j2, c.l1, c.l2)])
		} else {
			den = math.Sqrt(P00[c.j2*L+c.l2] * P00[c.j1*L+c.l1])
		}
		r.C01[i2(c.j1, c.j2, c.l1, c.l2)] = row[lay.C01(0, i)] / complex(den, 0)
	}
	for _, c := range t.thr {
		var den float64
		if p11 {
			den = math.Sqrt(P11[i2(c.j1, c.j3, c.l1, c.l3)] * P11[i2(c.j2, c.j3, c.l2, c.l3)])
		} else {
			den = math.Sqrt(P00[c.j1*L+c.l1] * P00[c.j2*L+c.l2])
		}
		f := t.flat3(c.j1, c.j2, c.j3, c.l1, c.l2, c.l3)
		r.C11[f] = r.C11PreNorm[f] / complex(den, 0)
	}

	// Isotropic reductions (NaN propagates as in Cheng's code).
	r.P00Iso = make([]float64, J)
	r.S1Iso = make([]float64, J)
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			r.P00Iso[j] += r.P00[j*L+l] / float64(L)
			r.S1Iso[j] += r.S1[j*L+l] / float64(L)
		}
	}
	r.C01Iso = make([]float64, J*J*L)
	r.P11Iso = make([]float64, J*J*L)
	for j1 := 0; j1 < J; j1++ {
		for j2 := 0; j2 < J; j2++ {
			for l1 := 0; l1 < L; l1++ {
				for l2 := 0; l2 < L; l2++ {
					d := ((l2-l1)%L + L) % L
					r.C01Iso[(j1*J+j2)*L+d] += real(r.C01[i2(j1, j2, l1, l2)]) / float64(L)
					r.P11Iso[(j1*J+j2)*L+d] += r.P11[i2(j1, j2, l1, l2)] / float64(L)
				}
			}
		}
	}
	r.C11Iso = make([]float64, J*J*J*L*L)
	r.C11PreNormIso = make([]float64, J*J*J*L*L)
	for j1 := 0; j1 < J; j1++ {
		for j2 := 0; j2 < J; j2++ {
			for j3 := 0; j3 < J; j3++ {
				base := ((j1*J+j2)*J + j3) * L * L
				for l1 := 0; l1 < L; l1++ {
					for l2 := 0; l2 < L; l2++ {
						for l3 := 0; l3 < L; l3++ {
							d2, d3 := ((l2-l1)%L+L)%L, ((l3-l1)%L+L)%L
							f := t.flat3(j1, j2, j3, l1, l2, l3)
							r.C11Iso[base+d2*L+d3] += real(r.C11[f]) / float64(L)
							r.C11PreNormIso[base+d2*L+d3] += real(r.C11PreNorm[f]) / float64(L)
						}
					}
				}
			}
		}
	}

	// Flattened vectors, in the order of IndexForSynthesis.
	ms := r.Mean / math.Sqrt(r.Var)
	for _, e := range op.synthIndex(false) {
		var v float64
		switch e[0] {
		case TypeMean:
			v = ms
		case TypeP00:
			v = math.Log(r.P00[e[1]*L+e[4]])
		case TypeS1:
			v = math.Log(r.S1[e[1]*L+e[4]])
		case TypeC01re:
			v = real(r.C01[i2(e[1], e[2], e[4], e[5])])
		case TypeC01im:
			v = imag(r.C01[i2(e[1], e[2], e[4], e[5])])
		case TypeC11re:
			v = real(r.C11[t.flat3(e[1], e[2], e[3], e[4], e[5], e[6])])
		case TypeC11im:
			v = imag(r.C11[t.flat3(e[1], e[2], e[3], e[4], e[5], e[6])])
		case TypeP11:
			v = math.Log(r.P11[i2(e[1], e[2], e[4], e[5])])
		}
		r.ForSynthesis = append(r.ForSynthesis, v)
	}
	for _, e := range op.synthIndex(true) {
		var v float64
		switch e[0] {
		case TypeMean:
			v = ms
		case TypeP00:
			v = math.Log(r.P00Iso[e[1]])
		case TypeS1:
			v = math.Log(r.S1Iso[e[1]])
		case TypeC01re:
			v = r.C01Iso[(e[1]*J+e[2])*L+e[5]]
		case TypeC11re:
			v = r.C11Iso[((e[1]*J+e[2])*J+e[3])*L*L+e[5]*L+e[6]]
		case TypeP11:
			v = math.Log(r.P11Iso[(e[1]*J+e[2])*L+e[5]])
		}
		r.ForSynthesisIso = append(r.ForSynthesisIso, v)
	}
	return r
}

// Array is one named array of a reference-library export (e.g. an .npz
// member): Shape is row-major; exactly one of Real, Complex, Int is set.
type Array struct {
	Name    string       // Cheng's dictionary key, e.g. "C01_iso"
	Shape   []int        // row-major shape, leading image axis included
	Real    []float64    // real arrays (NaN where Cheng computes nothing)
	Complex []complex128 // complex arrays (C01, C11, …)
	Int     []int64      // integer arrays (index_for_synthesis)
}

// stackReal stacks get(r) of every result into one array named name of shape
// [len(rs), shape...] (the leading image axis of Cheng's dictionaries).
func stackReal[R any](rs []R, name string, get func(R) []float64, shape ...int) Array {
	a := Array{Name: name, Shape: append([]int{len(rs)}, shape...)}
	for _, r := range rs {
		a.Real = append(a.Real, get(r)...)
	}
	return a
}

// stackComplex is stackReal for complex arrays.
func stackComplex[R any](rs []R, name string, get func(R) []complex128, shape ...int) Array {
	a := Array{Name: name, Shape: append([]int{len(rs)}, shape...)}
	for _, r := range rs {
		a.Complex = append(a.Complex, get(r)...)
	}
	return a
}

// ChengDict returns the arrays of Cheng's scattering_cov dictionary for the
// maps of rs (one Result per map), with Cheng's names and shapes including
// the leading image axis: mean [B], var [B], P00/S1 [B,J,L], P00_iso/S1_iso
// [B,J], C01 [B,J,J,L,L] (complex), C01_iso [B,J,J,L], C11, C11_pre_norm
// [B,J,J,J,L,L,L] (complex), C11_iso, C11_pre_norm_iso [B,J,J,J,L,L],
// P11 [B,J,J,L,L], P11_iso [B,J,J,L], for_synthesis(_iso) [B,n] and
// index_for_synthesis(_iso) [7,n] (int64).
func (op *Op) ChengDict(rs []*Result) []Array {
	J, L := op.cfg.J, op.cfg.L
	realArr := func(name string, get func(r *Result) []float64, shape ...int) Array {
		return stackReal(rs, name, get, shape...)
	}
	cplxArr := func(name string, get func(r *Result) []complex128, shape ...int) Array {
		return stackComplex(rs, name, get, shape...)
	}
	out := []Array{
		realArr("mean", func(r *Result) []float64 { return []float64{r.Mean} }),
		realArr("var", func(r *Result) []float64 { return []float64{r.Var} }),
		realArr("P00", func(r *Result) []float64 { return r.P00 }, J, L),
		realArr("P00_iso", func(r *Result) []float64 { return r.P00Iso }, J),
		realArr("S1", func(r *Result) []float64 { return r.S1 }, J, L),
		realArr("S1_iso", func(r *Result) []float64 { return r.S1Iso }, J),
		cplxArr("C01", func(r *Result) []complex128 { return r.C01 }, J, J, L, L),
		realArr("C01_iso", func(r *Result) []float64 { return r.C01Iso }, J, J, L),
		cplxArr("C11_pre_norm", func(r *Result) []complex128 { return r.C11PreNorm }, J, J, J, L, L, L),
		realArr("C11_pre_norm_iso", func(r *Result) []float64 { return r.C11PreNormIso }, J, J, J, L, L),
		cplxArr("C11", func(r *Result) []complex128 { return r.C11 }, J, J, J, L, L, L),
		realArr("C11_iso", func(r *Result) []float64 { return r.C11Iso }, J, J, J, L, L),
		realArr("P11", func(r *Result) []float64 { return r.P11 }, J, J, L, L),
		realArr("P11_iso", func(r *Result) []float64 { return r.P11Iso }, J, J, L),
	}
	n, ni := op.NumSynthesis(false), op.NumSynthesis(true)
	out = append(out,
		realArr("for_synthesis", func(r *Result) []float64 { return r.ForSynthesis }, n),
		realArr("for_synthesis_iso", func(r *Result) []float64 { return r.ForSynthesisIso }, ni),
	)
	for _, iso := range []bool{false, true} {
		idx := op.IndexForSynthesis(iso)
		name := "index_for_synthesis"
		if iso {
			name += "_iso"
		}
		a := Array{Name: name, Shape: []int{7, len(idx[0])}}
		for _, row := range idx {
			for _, v := range row {
				a.Int = append(a.Int, int64(v))
			}
		}
		out = append(out, a)
	}
	return out
}
