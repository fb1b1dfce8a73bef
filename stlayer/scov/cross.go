package scov

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// CrossOp computes the scattering covariance of PAIRS of maps (Cheng's
// scattering_cov_2fields).
//
// Input convention: a Stat takes one real Field [B, 1, H, W], so a pair
// (a, b) of M×N maps is passed as ONE 2M×N map with a in rows 0…M−1 and b in
// rows M…2M−1 (StackPair builds such a batch). The statistic reshapes it to
// [B, 2, M, N] (channel 0 = a, channel 1 = b); no Prim mixes batch entries,
// which is why the pair cannot be spread over B.
//
// Raw moments per pair (Labels: columns f for one-field moments, fa, fb for
// cross moments), with the formulas of the package documentation applied to
// the fields named by f, fa, fb:
//
//	mean[a], mean[b], var[a], var[b], P00[a](j,l), P00[b], S1[a], S1[b],
//	C00(j,l) = ⟨(a⋆ψ_{j,l})·conj(b⋆ψ_{j,l})⟩,
//	C01[kind](j1 ≤ j2, l1, l2) = Σ_k Î_fa conj(Û_fb,{j1,l1}) ψ̂_{j2,l2} / (MN)²   (ψ̂² with S3Cov),
//	C11[kind](j1 ≤ j2 ≤ j3, l1, l2, l3) = Σ_k Û_fa,{j1,l1} conj(Û_fb,{j2,l2}) ψ̂²_{j3,l3} / (MN)²,
//
// with kinds (fa, fb) in Cheng's order (a,a), (b,b), (a,b), (b,a). For a = b
// every kind equals the auto statistics of Op. With Config.NonPeriodic every
// mean is the window mean of the package documentation ("Non-periodic
// maps"), on each field's own M×N map.
type CrossOp struct {
	op     *Op
	labels *stlayer.Labels
}

// NewCross returns the cross operator for pairs of M×N maps (input maps are
// 2M×N, see CrossOp).
func NewCross(cfg Config, M, N int) (*CrossOp, error) {
	op, err := New(cfg, M, N)
	if err != nil {
		return nil, err
	}
	return &CrossOp{op: op, labels: rawLabels(op.idx, 2)}, nil
}

// StackPair stacks a and b (same B, M, N) into the 2M×N pair maps expected by
// CrossOp: map i has a.Map(i) in its top half and b.Map(i) in its bottom half.
func StackPair(a, b *stlayer.Maps) (*stlayer.Maps, error) {
	for _, x := range []*stlayer.Maps{a, b} {
		if err := x.Check(); err != nil {
			return nil, &stlayer.ErrShape{Msg: "scov: StackPair: " + err.Error(), Kind: stlayer.ErrSize}
		}
	}
	if a.B != b.B || a.M != b.M || a.N != b.N {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("scov: StackPair of [%d,%d,%d] and [%d,%d,%d]", a.B, a.M, a.N, b.B, b.M, b.N), Kind: stlayer.ErrSize}
	}
	out := stlayer.NewMaps(a.B, 2*a.M, a.N)
	n := a.M * a.N
	for i := 0; i < a.B; i++ {
		copy(out.Data[2*i*n:], a.Map(i))
		copy(out.Data[(2*i+1)*n:], b.Map(i))
	}
	return out, nil
}

// Op returns the single-field operator with the same configuration.
func (c *CrossOp) Op() *Op { return c.op }

// Config returns the configuration.
func (c *CrossOp) Config() Config { return c.op.cfg }

// Key identifies the cross statistic.
func (c *CrossOp) Key() string { return c.op.Key() + "/cross" }

// Labels returns the label table of the raw cross statistic.
func (c *CrossOp) Labels() *stlayer.Labels { return c.labels }

// NumRaw returns the number of raw coefficients per pair.
func (c *CrossOp) NumRaw() int { return c.op.idx.numRaw(2) }

// Stat maps pair maps x [B, 1, 2M, N] to the raw cross moments [B, NumRaw(), 1, 1].
func (c *CrossOp) Stat() stlayer.Stat {
	op := c.op
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		// Only pairs stacked by rows: a Reshape alone took M×2N maps
		// (side by side) for 2M×N ones.
		op.mustFit(x, 2)
		return op.rawStat(p, p.Reshape(x, 2, op.M, op.N), 2)
	}
}

// CrossRef holds the references of the two fields (Cheng's add_ref_ab): A
// normalises the moments of field a (the top rows of a pair), B those of
// field b. Each is an ordinary Ref of the single-field operator (NewRef on
// maps of a, resp. b).
type CrossRef struct{ A, B *Ref }

// CrossResult holds Cheng's scattering_cov_2fields dictionary for one pair
// (host, float64); kind axes follow Cheng's order (a,a), (b,b), (a,b), (b,a).
// NaN marks entries Cheng does not compute.
type CrossResult struct {
	J, L                     int          // the operator's J and L
	MeanA, MeanB, VarA, VarB float64      // ⟨a⟩, ⟨b⟩ and their unbiased variances
	P00A, P00B               []float64    // [J, L]
	C00, Corr00              []complex128 // [J, L]; Corr00 = C00/√(P00A·P00B) (own P00, as Cheng)
	C01                      []complex128 // [4, J, J, L, L] normalised
	C11                      []complex128 // [4, J, J, J, L, L, L] not normalised (Cheng's 'C11')
	Corr11                   []complex128 // [4, J, J, J, L, L, L] normalised
	P11A, P11B               []float64    // [J, J, L, L]
	P00AIso, P00BIso         []float64    // [J]
	Corr00Iso                []complex128 // [J]
	C01Iso                   []float64    // [4, J, J, L]
	C11Iso, Corr11Iso        []float64    // [4, J, J, J, L, L]
}

// Results computes the cross dictionary for every pair of raw (CrossOp.Stat
// output). Normalisation of kind (fa, fb): NormP00 divides C01 by
// √(P00_fa[j2,l2]·P00_fb[j1,l1]) and C11 by √(P00_fa[j1,l1]·P00_fb[j2,l2]);
// NormP11 divides C01 by √(P00_fa[j2,l2]·P11_fb[j1,j2,l1,l2]) and C11 by
// √(P11_fa[j1,j3,l1,l3]·P11_fb[j2,j3,l2,l3]), using ref when non-nil.
func (c *CrossOp) Results(raw *stlayer.Coeffs, ref *CrossRef) ([]*CrossResult, error) {
	op := c.op
	lay := op.idx.layout(2)
	if raw == nil || raw.K != lay.total || raw.H != 1 || raw.W != 1 {
		return nil, fmt.Errorf("scov: cross Results needs [B, %d, 1, 1] raw coefficients", lay.total)
	}
	if err := raw.Check(); err != nil {
		return nil, fmt.Errorf("scov: cross Results: %w", err)
	}
	if ref != nil {
		if ref.A == nil || ref.B == nil {
			return nil, fmt.Errorf("scov: cross reference needs both fields")
		}
		if err := ref.A.check(op); err != nil {
			return nil, err
		}
		if err := ref.B.check(op); err != nil {
			return nil, err
		}
	}
	out := make([]*CrossResult, raw.B)
	for b := range out {
		out[b] = c.result(raw.Row(b), ref)
	}
	return out, nil
}

func (c *CrossOp) result(row []complex128, ref *CrossRef) *CrossResult {
	op := c.op
	J, L := op.cfg.J, op.cfg.L
	t := op.idx
	lay := t.layout(2)
	nan := math.NaN()
	cnan := complex(nan, nan)
	r := &CrossResult{J: J, L: L,
		MeanA: real(row[lay.mean]), MeanB: real(row[lay.mean+1]),
		VarA: real(row[lay.vr]), VarB: real(row[lay.vr+1])}
	P00 := [2][]float64{make([]float64, J*L), make([]float64, J*L)}
	for f := 0; f < 2; f++ {
		for k := 0; k < J*L; k++ {
			P00[f][k] = real(row[lay.p00+f*J*L+k])
		}
	}
	r.P00A, r.P00B = P00[0], P00[1]
	r.C00 = make([]complex128, J*L)
	r.Corr00 = make([]complex128, J*L)
	for k := range r.C00 {
		r.C00[k] = row[lay.c00+k]
		r.Corr00[k] = r.C00[k] / complex(math.Sqrt(P00[0][k]*P00[1][k]), 0)
	}
	i2 := func(j1, j2, l1, l2 int) int { return ((j1*J+j2)*L+l1)*L + l2 }
	n2, n3 := J*J*L*L, J*J*J*L*L*L
	r.C11 = make([]complex128, 4*n3)
	r.Corr11 = make([]complex128, 4*n3)
	r.C01 = make([]complex128, 4*n2)
	for i := range r.C11 {
		r.C11[i], r.Corr11[i] = cnan, cnan
	}
	for i := range r.C01 {
		r.C01[i] = cnan
	}
	for q := 0; q < 4; q++ {
		for i, cf := range t.thr {
			r.C11[q*n3+t.flat3(cf.j1, cf.j2, cf.j3, cf.l1, cf.l2, cf.l3)] = row[lay.C11(q, i)]
		}
	}
	P11 := [2][]float64{make([]float64, n2), make([]float64, n2)}
	for f := 0; f < 2; f++ {
		for i := range P11[f] {
			P11[f][i] = nan
		}
		for _, cf := range t.two {
			P11[f][i2(cf.j1, cf.j2, cf.l1, cf.l2)] = real(r.C11[f*n3+t.flat3(cf.j1, cf.j1, cf.j2, cf.l1, cf.l1, cf.l2)])
		}
	}
	r.P11A, r.P11B = P11[0], P11[1]
	NP00, NP11 := P00, P11
	if ref != nil {
		NP00 = [2][]float64{ref.A.P00, ref.B.P00}
		NP11 = [2][]float64{ref.A.P11, ref.B.P11}
	}
	p11 := op.cfg.Normalization == NormP11
	for q, k := range kinds(2) {
		fa, fb := k[0], k[1]
		for i, cf := range t.two {
			var den float64
			if p11 {
				den = math.Sqrt(NP00[fa][cf.j2*L+cf.l2] * NP11[fb][i2(cf.j1, cf.j2, cf.l1, cf.l2)])
			} else {
				den = math.Sqrt(NP00[fa][cf.j2*L+cf.l2] * NP00[fb][cf.j1*L+cf.l1])
			}
			r.C01[q*n2+i2(cf.j1, cf.j2, cf.l1, cf.l2)] = row[lay.C01(q, i)] / complex(den, 0)
		}
		for _, cf := range t.thr {
			var den float64
			if p11 {
				den = math.Sqrt(NP11[fa][i2(cf.j1, cf.j3, cf.l1, cf.l3)] * NP11[fb][i2(cf.j2, cf.j3, cf.l2, cf.l3)])
			} else {
				den = math.Sqrt(NP00[fa][cf.j1*L+cf.l1] * NP00[fb][cf.j2*L+cf.l2])
			}
			f := q*n3 + t.flat3(cf.j1, cf.j2, cf.j3, cf.l1, cf.l2, cf.l3)
			r.Corr11[f] = r.C11[f] / complex(den, 0)
		}
	}
	// Isotropic reductions.
	r.P00AIso, r.P00BIso = make([]float64, J), make([]float64, J)
	r.Corr00Iso = make([]complex128, J)
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			r.P00AIso[j] += P00[0][j*L+l] / float64(L)
			r.P00BIso[j] += P00[1][j*L+l] / float64(L)
			r.Corr00Iso[j] += r.Corr00[j*L+l] / complex(float64(L), 0)
		}
	}
	r.C01Iso = make([]float64, 4*J*J*L)
	r.C11Iso = make([]float64, 4*J*J*J*L*L)
	r.Corr11Iso = make([]float64, 4*J*J*J*L*L)
	for q := 0; q < 4; q++ {
		for j1 := 0; j1 < J; j1++ {
			for j2 := 0; j2 < J; j2++ {
				for l1 := 0; l1 < L; l1++ {
					for l2 := 0; l2 < L; l2++ {
						d := ((l2-l1)%L + L) % L
						r.C01Iso[((q*J+j1)*J+j2)*L+d] += real(r.C01[q*n2+i2(j1, j2, l1, l2)]) / float64(L)
					}
				}
				for j3 := 0; j3 < J; j3++ {
					base := (((q*J+j1)*J+j2)*J + j3) * L * L
					for l1 := 0; l1 < L; l1++ {
						for l2 := 0; l2 < L; l2++ {
							for l3 := 0; l3 < L; l3++ {
								d2, d3 := ((l2-l1)%L+L)%L, ((l3-l1)%L+L)%L
								f := q*n3 + t.flat3(j1, j2, j3, l1, l2, l3)
								r.C11Iso[base+d2*L+d3] += real(r.C11[f]) / float64(L)
								r.Corr11Iso[base+d2*L+d3] += real(r.Corr11[f]) / float64(L)
							}
						}
					}
				}
			}
		}
	}
	return r
}

// ChengDict returns the arrays of Cheng's scattering_cov_2fields dictionary
// for the pairs of rs (one CrossResult per pair), with its names and shapes
// including the leading image axis: mean_a, mean_b, var_a, var_b [B];
// P00_a, P00_b [B,J,L]; P00_a_iso, P00_b_iso [B,J]; C00, Corr00 [B,J,L] and
// Corr00_iso [B,J] (complex); C01 [B,4,J,J,L,L] (complex, normalised);
// C01_iso [B,4,J,J,L]; P11_a, P11_b [B,J,J,L,L]; P11_a_iso, P11_b_iso
// [B,J,J,L]; C11, Corr11 [B,4,J,J,J,L,L,L] (complex); C11_iso, Corr11_iso
// [B,4,J,J,J,L,L]. Kinds (axis 1 of C01, C11, Corr11) are (a,a), (b,b),
// (a,b), (b,a); NaN marks entries that are not computed (C01 for j1 > j2,
// C11 outside j1 ≤ j2 ≤ j3), as in Cheng's arrays.
//
// Conventions are those of CrossResult, i.e. of the auto statistics of this
// package (Cheng's scattering_cov at the pinned commit of the parity
// fixtures): C01 carries one ψ̂ with S3Cheng (ψ̂² with S3Cov), and the
// isotropic arrays keep real parts. Some versions of Cheng's
// scattering_cov_2fields use ψ̂² and complex isotropic arrays instead; with
// a = b every kind here equals Op's auto statistics.
func (c *CrossOp) ChengDict(rs []*CrossResult) []Array {
	J, L := c.op.cfg.J, c.op.cfg.L
	real1 := func(name string, get func(r *CrossResult) float64) Array {
		return stackReal(rs, name, func(r *CrossResult) []float64 { return []float64{get(r)} })
	}
	realArr := func(name string, get func(r *CrossResult) []float64, shape ...int) Array {
		return stackReal(rs, name, get, shape...)
	}
	cplxArr := func(name string, get func(r *CrossResult) []complex128, shape ...int) Array {
		return stackComplex(rs, name, get, shape...)
	}
	p11Iso := func(p []float64) []float64 {
		out := make([]float64, J*J*L)
		for j1 := 0; j1 < J; j1++ {
			for j2 := 0; j2 < J; j2++ {
				for l1 := 0; l1 < L; l1++ {
					for l2 := 0; l2 < L; l2++ {
						d := ((l2-l1)%L + L) % L
						out[(j1*J+j2)*L+d] += p[((j1*J+j2)*L+l1)*L+l2] / float64(L)
					}
				}
			}
		}
		return out
	}
	return []Array{
		real1("mean_a", func(r *CrossResult) float64 { return r.MeanA }),
		real1("mean_b", func(r *CrossResult) float64 { return r.MeanB }),
		real1("var_a", func(r *CrossResult) float64 { return r.VarA }),
		real1("var_b", func(r *CrossResult) float64 { return r.VarB }),
		realArr("P00_a", func(r *CrossResult) []float64 { return r.P00A }, J, L),
		realArr("P00_a_iso", func(r *CrossResult) []float64 { return r.P00AIso }, J),
		realArr("P00_b", func(r *CrossResult) []float64 { return r.P00B }, J, L),
		realArr("P00_b_iso", func(r *CrossResult) []float64 { return r.P00BIso }, J),
		cplxArr("C00", func(r *CrossResult) []complex128 { return r.C00 }, J, L),
		cplxArr("Corr00", func(r *CrossResult) []complex128 { return r.Corr00 }, J, L),
		cplxArr("Corr00_iso", func(r *CrossResult) []complex128 { return r.Corr00Iso }, J),
		cplxArr("C01", func(r *CrossResult) []complex128 { return r.C01 }, 4, J, J, L, L),
		realArr("C01_iso", func(r *CrossResult) []float64 { return r.C01Iso }, 4, J, J, L),
		realArr("P11_a", func(r *CrossResult) []float64 { return r.P11A }, J, J, L, L),
		realArr("P11_a_iso", func(r *CrossResult) []float64 { return p11Iso(r.P11A) }, J, J, L),
		realArr("P11_b", func(r *CrossResult) []float64 { return r.P11B }, J, J, L, L),
		realArr("P11_b_iso", func(r *CrossResult) []float64 { return p11Iso(r.P11B) }, J, J, L),
		cplxArr("C11", func(r *CrossResult) []complex128 { return r.C11 }, 4, J, J, J, L, L, L),
		realArr("C11_iso", func(r *CrossResult) []float64 { return r.C11Iso }, 4, J, J, J, L, L),
		cplxArr("Corr11", func(r *CrossResult) []complex128 { return r.Corr11 }, 4, J, J, J, L, L, L),
		realArr("Corr11_iso", func(r *CrossResult) []float64 { return r.Corr11Iso }, 4, J, J, J, L, L),
	}
}
