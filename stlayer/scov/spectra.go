package scov

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// RealDFTBasis returns the real orthonormal DFT basis over d angle axes of
// length L as an L^d × L^d row-major matrix (rows: basis vectors; columns:
// the angle multi-index Δ in row-major order), together with the frequency
// q (d values) and part (0: √2·Re / Re, 1: √2·Im) of each row. Rows are
// ordered by q lexicographically, the Re row before the Im row.
func RealDFTBasis(L, d int) (R []float64, freq [][]int, part []int) {
	n := 1
	for i := 0; i < d; i++ {
		n *= L
	}
	multi := func(i int) []int {
		q := make([]int, d)
		for a := d - 1; a >= 0; a-- {
			q[a] = i % L
			i /= L
		}
		return q
	}
	flat := func(q []int) int {
		i := 0
		for _, v := range q {
			i = i*L + v
		}
		return i
	}
	norm := 1 / math.Sqrt(float64(n))
	for i := 0; i < n; i++ {
		q := multi(i)
		nq := make([]int, d)
		for a := range q {
			nq[a] = (L - q[a]) % L
		}
		j := flat(nq)
		phase := func(delta int) float64 {
			dd := multi(delta)
			s := 0
			for a := range q {
				s += q[a] * dd[a]
			}
			return 2 * math.Pi * float64(s%L) / float64(L)
		}
		switch {
		case j == i:
			row := make([]float64, n)
			for c := range row {
				row[c] = norm * math.Cos(phase(c))
			}
			R = append(R, row...)
			freq = append(freq, q)
			part = append(part, 0)
		case i < j:
			re, im := make([]float64, n), make([]float64, n)
			for c := range re {
				re[c] = math.Sqrt2 * norm * math.Cos(phase(c))
				im[c] = -math.Sqrt2 * norm * math.Sin(phase(c))
			}
			R = append(R, re...)
			R = append(R, im...)
			freq = append(freq, q, q)
			part = append(part, 0, 1)
		}
	}
	return R, freq, part
}

// DCTBasis returns the orthonormal DCT-II matrix D (N×N, row-major):
// D[k,n] = √(2/N)·cos(πk(n+½)/N) for k ≥ 1 and √(1/N) for k = 0.
func DCTBasis(N int) []float64 {
	D := make([]float64, N*N)
	for k := 0; k < N; k++ {
		s := math.Sqrt(2 / float64(N))
		if k == 0 {
			s = math.Sqrt(1 / float64(N))
		}
		for n := 0; n < N; n++ {
			D[k*N+n] = s * math.Cos(math.Pi*float64(k)*(float64(n)+0.5)/float64(N))
		}
	}
	return D
}

// spectraBlock maps the input entries in (indices into for_synthesis_iso) to
// the output entries out (indices into the spectra vector) by the
// len(out)×len(in) row-major matrix A.
type spectraBlock struct {
	in, out []int
	A       []float64
	Ac      []complex128 // A as complex, for Prim.Linear
}

// Spectra is the scattering-spectra transform of an operator: Cheng's
// prepare_threshold_func pipeline with
// FourierAngle and FourierScale (statistics.md §2.4), applied to the
// isotropic vector for_synthesis_iso (NormP00):
//
//  1. angular harmonics: for every (j1, j2) the L values C01_iso[j1,j2,Δ] and
//     for every (j1, j2, j3) the L² values C11_iso[j1,j2,j3,Δ2,Δ3] are mapped
//     by the REAL orthonormal DFT basis R (RealDFTBasis): for a frequency q
//     with q ≠ −q (mod L) the pair √2·Re F(q), √2·Im F(q) of the orthonormal
//     DFT F(q) = L^(−d/2) Σ_Δ v(Δ) exp(−2πi q·Δ/L) is kept (for the
//     lexicographically smaller of q, −q), for q = −q only Re F(q). This is
//     the non-redundant, real, orthonormal form of Cheng's
//     torch.fft.fftn(norm='ortho') over the angle-difference axes.
//  2. scale transform: coefficients are re-indexed by scale differences,
//     a = j2 − j1 ≥ 0 for C01 (j1 inside the modulus, j2 the outer wavelet),
//     a = j2 − j1 ≥ 0 and b = j2 − j3 ≤ 0 for C11, and the orthonormal DCT-II
//     D[k,n] = √(2/N)·cos(πk(n+½)/N) (row k = 0: √(1/N)) is applied along the
//     absolute scale n = j1 = 0…N−1 at fixed (a, b, angular harmonic), with
//     N = J − a (C01) and N = J − a + b (C11). For a self-similar field only
//     the k = 0 mode (the mean over scales) is non-zero.
//  3. threshold (Threshold): keep the coefficients whose |mean|/std over an
//     ensemble of realisations exceeds a threshold (mean, and optionally P00
//     and S1, always kept).
//
// mean/std, log P00_iso and log S1_iso pass through unchanged. The whole map
// is a fixed orthogonal matrix (block-diagonal after permutation, one block
// D_N ⊗ R per (type, a, b)), applied on Prim with Prim.Linear per block.
//
// Index order of the spectra vector (Labels): the pass-through entries first
// (mean/std; log P00_iso for j = 0…J−1; log S1_iso for j), then one block per
// C01 scale difference a = 0…J−1, then one block per C11 pair (a, b) with
// a = 0…J−1 outer and b = a−(J−1)…0 inner. Inside a block the angular
// harmonic (the rows of RealDFTBasis: frequency q lexicographic, Re before
// Im) is the outer index and the DCT mode k = 0…N−1 the inner, fastest one.
//
// Structural zeros and repeats. At a = 0 (j1 = j2) the two moduli of C11
// play symmetric roles: swapping them conjugates C11, so the isotropic real
// part v(Δ2, Δ3) = v(−Δ2, Δ3 − Δ2) and its DFT F(h1, h2) =
// F((−h1−h2) mod L, h2). For h2 = 0 this makes F(h1, 0) real: the rows
// C11(a=0, b, k, h1, h2=0, im=1), h1 = 1 … ⌈L/2⌉−1, are identically zero for
// every map (their computed values are rounding noise, |v| ~ 1e-18 for
// values of order 1): J(J+1)/2·(⌈L/2⌉−1) rows, 15 at J = 5, L = 4, 45 at
// L = 8. For h2 ≠ 0 it makes harmonics repeat in pairs at a = 0 (L = 4:
// (0,1) and (1,3) with opposite Im parts, (1,1) and (2,1), (0,2) and (2,2)).
// They are kept: the spectra stay one orthogonal matrix of the length of
// for_synthesis_iso (Cheng's complex FFT keeps such entries too, and more
// zero imaginary parts). Threshold's |mean|/std of rounding noise is not
// reliably small: leave these rows out explicitly where they matter
// (TestSpectraStructuralZeros pins the set).
//
// Deviation from Cheng: his FourierAngle applies the complex
// torch.fft.fftn(norm='ortho') and stores real and imaginary parts; for real
// input the harmonics q and −q are complex conjugates, so here each such pair
// is stored once as the real orthonormal pair (√2·Re, √2·Im). The whole map is
// then one orthogonal matrix (Matrix; TestSpectraBasesOrthonormal) and the
// spectra vector has the length of for_synthesis_iso; entries differ from
// Cheng's by that √2 and by their packing order. No Cheng fixture of the
// reduced spectra exists in shared/reference: the transform is checked by its
// own properties (orthonormality, scale invariance of a power law), not by
// parity.
type Spectra struct {
	op     *Op
	n      int
	pass   []int // pass-through entries (mean, P00_iso, S1_iso): out[i] = in[i]
	blocks []spectraBlock
	labels *stlayer.Labels
}

// Spectra builds the scattering-spectra transform (NormP00 only: with
// NormP11 some C11_iso entries are dropped and the angular blocks are not
// complete).
func (op *Op) Spectra() (*Spectra, error) {
	if op.cfg.Normalization != NormP00 {
		return nil, fmt.Errorf("scov: scattering spectra need NormP00")
	}
	J, L := op.cfg.J, op.cfg.L
	idx := op.synthIndex(true)
	pos := map[synthEntry]int{}
	for i, e := range idx {
		pos[e] = i
	}
	s := &Spectra{op: op, n: len(idx)}
	lb := stlayer.NewLabels("j", "a", "b", "k", "h1", "h2", "im")
	// b = j2 − j3 ≤ 0: its −1 (j3 = j2 + 1) is a value, not "absent".
	lb.MarkValues("C11", "b")
	for i, e := range idx {
		if e[0] > TypeS1 {
			break
		}
		s.pass = append(s.pass, i)
		m := map[string]int{}
		if e[0] != TypeMean {
			m["j"] = e[1]
		}
		lb.Add(typeNames[e[0]], m)
	}
	out := len(s.pass)
	R1, f1, p1 := RealDFTBasis(L, 1)
	R2, f2, p2 := RealDFTBasis(L, 2)
	addBlock := func(class string, a, b int, in []int, N int, R []float64, freq [][]int, part []int) {
		D := DCTBasis(N)
		na := len(in) / N // number of angle entries
		blk := spectraBlock{in: in}
		blk.A = make([]float64, len(in)*len(in))
		for r := 0; r < na; r++ {
			for k := 0; k < N; k++ {
				row := r*N + k
				blk.out = append(blk.out, out+row)
				for nn := 0; nn < N; nn++ {
					for d := 0; d < na; d++ {
						blk.A[row*len(in)+nn*na+d] = D[k*N+nn] * R[r*na+d]
					}
				}
				m := map[string]int{"a": a, "k": k, "h1": freq[r][0], "im": part[r]}
				if class == "C11" {
					m["b"], m["h2"] = b, freq[r][1]
				}
				lb.Add(class, m)
			}
		}
		blk.Ac = make([]complex128, len(blk.A))
		for i, v := range blk.A {
			blk.Ac[i] = complex(v, 0)
		}
		out += len(in)
		s.blocks = append(s.blocks, blk)
	}
	for a := 0; a < J; a++ {
		N := J - a
		var in []int
		for j1 := 0; j1 < N; j1++ {
			for d := 0; d < L; d++ {
				in = append(in, pos[synthEntry{TypeC01re, j1, j1 + a, -1, -1, d, -1}])
			}
		}
		addBlock("C01", a, 0, in, N, R1, f1, p1)
	}
	for a := 0; a < J; a++ {
		for b := a - (J - 1); b <= 0; b++ {
			N := J - a + b
			var in []int
			for j1 := 0; j1 < N; j1++ {
				for d2 := 0; d2 < L; d2++ {
					for d3 := 0; d3 < L; d3++ {
						in = append(in, pos[synthEntry{TypeC11re, j1, j1 + a, j1 + a - b, -1, d2, d3}])
					}
				}
			}
			addBlock("C11", a, b, in, N, R2, f2, p2)
		}
	}
	if out != s.n {
		return nil, fmt.Errorf("scov: internal error: spectra cover %d of %d coefficients", out, s.n)
	}
	s.labels = lb
	return s, nil
}

// Len returns the length of the spectra vector (= NumSynthesis(true)).
func (s *Spectra) Len() int { return s.n }

// Labels returns the label table of the spectra vector: classes "mean",
// "P00", "S1" (column j), "C01" (a, k, h1, im) and "C11" (a, b, k, h1, h2,
// im). The class names are those of for_synthesis_iso, whose values pass
// through: "mean" is mean/std of the map (not the raw mean of Op.Labels'
// "mean"), "P00" and "S1" are natural logs, log P00_iso(j) and log
// S1_iso(j) (means over l taken before the log). Columns: j the scale of
// P00, S1; a = j2 − j1 ≥ 0 and, for C11, b = j2 − j3 ≤ 0 the scale
// differences; k the DCT-II mode along the absolute scale j1 (k = 0: √N
// times the mean over scales); h1 (h2) the angular frequency along
// Δ = (l2 − l1) mod L (Δ2, Δ3 = (l3 − l1) mod L) of the real orthonormal
// DFT; im = 0 for the Re part of that harmonic (√2·Re for a harmonic paired
// with its conjugate), 1 for its √2·Im part — a label, not the imaginary
// part of the value (every spectra value is real; stats writes the column
// as label_im). b = j2 − j3 runs from a − (J−1) to 0, so −1 in column b of
// a "C11" row is a value (Labels.Values["C11"] = ["b"]: Has is true and
// String prints b=-1). Some C11 rows at a = 0 are zero for every map (see
// Spectra: structural zeros).
func (s *Spectra) Labels() *stlayer.Labels { return s.labels }

// Matrix returns the whole transform as a dense Len()×Len() row-major
// orthogonal matrix T (spectra = T · for_synthesis_iso).
func (s *Spectra) Matrix() []float64 {
	T := make([]float64, s.n*s.n)
	for i, c := range s.pass {
		T[i*s.n+c] = 1
	}
	for _, b := range s.blocks {
		for r, o := range b.out {
			for c, in := range b.in {
				T[o*s.n+in] = b.A[r*len(b.in)+c]
			}
		}
	}
	return T
}

// Apply maps one for_synthesis_iso vector to its spectra on the host; it
// panics when len(v) ≠ Len().
func (s *Spectra) Apply(v []float64) []float64 {
	if len(v) != s.n {
		panic(fmt.Sprintf("scov: Spectra.Apply: %d values, want %d", len(v), s.n))
	}
	out := make([]float64, s.n)
	for i, c := range s.pass {
		out[i] = v[c]
	}
	for _, b := range s.blocks {
		for r, o := range b.out {
			var acc float64
			for c, in := range b.in {
				acc += b.A[r*len(b.in)+c] * v[in]
			}
			out[o] = acc
		}
	}
	return out
}

// Transform applies the spectra map on Prim to fsi [B, Len(), 1, 1]
// (for_synthesis_iso), one Prim.Linear per block.
func (s *Spectra) Transform(p stlayer.Prim, fsi stlayer.Field) stlayer.Field {
	parts := []stlayer.Field{p.Channels(fsi, s.pass)}
	for _, b := range s.blocks {
		parts = append(parts, p.Linear(p.Channels(fsi, b.in), b.Ac, len(b.out)))
	}
	return p.Concat(parts...)
}

// Threshold returns the mask of Cheng's prepare_threshold_func: samples[r] is
// the spectra vector (Spectra.Apply) of realisation r (at least 2); entry i is
// kept when |mean_i| / std_i > threshold, with std the unbiased (ddof = 1)
// standard deviation over realisations (Cheng's code multiplies torch's
// unbiased std by a further √(R/(R−1)); we do not). The "mean" entry is always
// kept, and the P00 / S1 entries when keepP00 / keepS1 (Cheng's all_P00,
// all_S1, default true). A zero std keeps the entry iff its mean is non-zero.
// Fewer than 2 samples, samples of another length, non-finite values and a
// NaN threshold are refused with an error.
func (s *Spectra) Threshold(samples [][]float64, threshold float64, keepP00, keepS1 bool) ([]bool, error) {
	R := len(samples)
	if R < 2 {
		return nil, fmt.Errorf("scov: Threshold needs at least 2 realisations, got %d", R)
	}
	if math.IsNaN(threshold) {
		return nil, fmt.Errorf("scov: Threshold: NaN threshold")
	}
	for r, v := range samples {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("scov: Threshold: sample %d has a non-finite value %g at %d", r, x, i)
			}
		}
	}
	mask := make([]bool, s.n)
	for i := 0; i < s.n; i++ {
		var m float64
		for _, v := range samples {
			if len(v) != s.n {
				return nil, fmt.Errorf("scov: Threshold: sample of length %d, want %d", len(v), s.n)
			}
			m += v[i]
		}
		m /= float64(R)
		var ss float64
		for _, v := range samples {
			ss += (v[i] - m) * (v[i] - m)
		}
		sd := math.Sqrt(ss / float64(R-1))
		mask[i] = math.Abs(m) > threshold*sd && m != 0
		switch s.labels.Class[i] {
		case "mean":
			mask[i] = true
		case "P00":
			mask[i] = mask[i] || keepP00
		case "S1":
			mask[i] = mask[i] || keepS1
		}
	}
	return mask, nil
}

// SpectraOp is the statistic x → (masked) scattering spectra of
// for_synthesis_iso, normalised with a fixed reference (or self when nil).
type SpectraOp struct {
	sp     *Spectra
	ref    *Ref
	keep   []int
	labels *stlayer.Labels
	key    string
}

// SpectraStat returns the spectra statistic; mask (len Spectra().Len(), or
// nil for all coefficients) selects the kept entries, e.g. from Threshold.
func (op *Op) SpectraStat(ref *Ref, mask []bool) (*SpectraOp, error) {
	sp, err := op.Spectra()
	if err != nil {
		return nil, err
	}
	if ref != nil {
		if err := ref.check(op); err != nil {
			return nil, err
		}
	}
	if mask != nil && len(mask) != sp.n {
		return nil, fmt.Errorf("scov: mask of length %d, want %d", len(mask), sp.n)
	}
	so := &SpectraOp{sp: sp, ref: ref}
	lb := stlayer.NewLabels(sp.labels.Columns...)
	lb.MergeValues(sp.labels)
	mk := make([]float64, sp.n)
	for i := 0; i < sp.n; i++ {
		if mask == nil || mask[i] {
			so.keep = append(so.keep, i)
			m := map[string]int{}
			for c, name := range sp.labels.Columns {
				if v := sp.labels.Rows[i][c]; sp.labels.Has(i, name) {
					m[name] = v
				}
			}
			lb.Add(sp.labels.Class[i], m)
			mk[i] = 1
		}
	}
	if len(so.keep) == 0 {
		return nil, fmt.Errorf("scov: empty mask")
	}
	so.labels = lb
	so.key = fmt.Sprintf("%s/spectra/ref=%s/mask=%s", op.Key(), ref.hash(), hashFloats(mk))
	return so, nil
}

// Stat maps x [B, 1, M, N] to the kept spectra [B, len(kept), 1, 1].
func (so *SpectraOp) Stat() stlayer.Stat {
	op := so.sp.op
	raw := op.Stat()
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := so.sp.Transform(p, op.Assemble(p, raw(p, x), so.ref, true))
		if len(so.keep) == so.sp.n {
			return y
		}
		return p.Channels(y, so.keep)
	}
}

// Labels returns the labels of the kept entries.
func (so *SpectraOp) Labels() *stlayer.Labels { return so.labels }

// Key identifies the statistic (configuration, reference and mask).
func (so *SpectraOp) Key() string { return so.key }

// Config returns the operator's configuration.
func (so *SpectraOp) Config() Config { return so.sp.op.cfg }

// Spectra returns the underlying transform.
func (so *SpectraOp) Spectra() *Spectra { return so.sp }
