package scov

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// Ref is a stored reference normalisation (Cheng's `add_ref` +
// `use_ref=True`): the wavelet power P00 and the P11 of a reference map (or
// the average over a set of reference maps). It is a plain struct that
// round-trips through JSON (WriteJSON / ReadRef).
type Ref struct {
	// J and L are those of the operator that measured the reference; Results,
	// Synthesis and SpectraStat refuse a Ref of another J or L.
	J int `json:"J"`
	L int `json:"L"`
	// P00[j·L + l] = ⟨|I⋆ψ_{j,l}|²⟩ of the reference.
	P00 []float64 `json:"P00"`
	// P11[((j1·J + j2)·L + l1)·L + l2] = ⟨|U_{j1,l1}⋆ψ_{j2,l2}|²⟩ of the
	// reference for j1 ≤ j2 (Cheng's P11 array), 0 for j1 > j2.
	P11 []float64 `json:"P11"`
	// M, N are the rows and columns of the reference maps and Boundary the
	// window their means were taken over: "periodic", or "crop=c" for
	// Config.NonPeriodic (c = ⌊Cut·2^J⌋ pixels cut per side, Op.Cut). The
	// filters and the window change P00 and P11, so Results, Synthesis and
	// SpectraStat refuse a Ref of another size or boundary, naming it.
	// References written before these fields existed have none (M = N = 0,
	// Boundary ""): they are not checked (old datasets and models still
	// load). RefFromCoeffs and NewRef record them.
	M        int    `json:"M,omitempty"`
	N        int    `json:"N,omitempty"`
	Boundary string `json:"boundary,omitempty"`
}

// boundary is Ref.Boundary for op.
func (op *Op) boundary() string {
	if op.win == nil {
		return "periodic"
	}
	return fmt.Sprintf("crop=%d", op.win.c)
}

func (r *Ref) p11(J, L, j1, j2, l1, l2 int) float64 {
	return r.P11[((j1*J+j2)*L+l1)*L+l2]
}

func (r *Ref) check(op *Op) error {
	J, L := op.cfg.J, op.cfg.L
	if r.J != J || r.L != L || len(r.P00) != J*L || len(r.P11) != J*J*L*L {
		return fmt.Errorf("scov: reference for J=%d L=%d (%d P00, %d P11) does not match J=%d L=%d", r.J, r.L, len(r.P00), len(r.P11), J, L)
	}
	if (r.M != 0 || r.N != 0) && (r.M != op.M || r.N != op.N) {
		return fmt.Errorf("scov: reference measured on %d×%d maps does not fit an operator for %d×%d maps (its P00 and P11 come from other filters): measure it at the operator's size", r.M, r.N, op.M, op.N)
	}
	if b := op.boundary(); r.Boundary != "" && r.Boundary != b {
		return fmt.Errorf("scov: reference measured with boundary %s does not fit this operator's boundary %s (Config.NonPeriodic, Cut; stats Spec.Pad): measure it with the operator's boundary", r.Boundary, b)
	}
	for _, v := range r.P00 {
		if !(v > 0) {
			return fmt.Errorf("scov: reference P00 must be positive, got %g", v)
		}
	}
	if op.cfg.Normalization == NormP11 {
		for _, c := range op.idx.two {
			if v := r.p11(J, L, c.j1, c.j2, c.l1, c.l2); !(v > 0) {
				return fmt.Errorf("scov: reference P11 must be positive, got %g", v)
			}
		}
	}
	return nil
}

func (r *Ref) hash() string {
	if r == nil {
		return "self"
	}
	return hashFloats(r.P00, r.P11)
}

// RefFromCoeffs builds a reference from raw coefficients (the output of
// Op.Stat on one or several reference maps), averaging P00 and P11 over the
// maps (for a single map this is exactly Cheng's add_ref). Coefficients of
// another shape or length and non-finite P00/P11 are refused with an error.
func (op *Op) RefFromCoeffs(raw *stlayer.Coeffs) (*Ref, error) {
	J, L := op.cfg.J, op.cfg.L
	lay := op.idx.layout(1)
	if raw == nil || raw.K != lay.total || raw.H != 1 || raw.W != 1 || raw.B < 1 {
		return nil, fmt.Errorf("scov: RefFromCoeffs needs [B, %d, 1, 1] raw coefficients", lay.total)
	}
	if err := raw.Check(); err != nil {
		return nil, fmt.Errorf("scov: RefFromCoeffs: %w", err)
	}
	r := &Ref{J: J, L: L, P00: make([]float64, J*L), P11: make([]float64, J*J*L*L), M: op.M, N: op.N, Boundary: op.boundary()}
	inv := 1 / float64(raw.B)
	for b := 0; b < raw.B; b++ {
		row := raw.Row(b)
		for k := 0; k < J*L; k++ {
			r.P00[k] += real(row[lay.p00+k]) * inv
		}
		for _, c := range op.idx.two {
			v := real(row[lay.C11(0, op.idx.p3(c.j1, c.j1, c.j2, c.l1, c.l1, c.l2))])
			r.P11[((c.j1*J+c.j2)*L+c.l1)*L+c.l2] += v * inv
		}
	}
	for _, v := range append(r.P00[:len(r.P00):len(r.P00)], r.P11...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("scov: reference from non-finite coefficients (P00/P11 = %g): are the reference maps finite?", v)
		}
	}
	return r, nil
}

// NewRef evaluates the raw statistic on the reference maps with eng and
// returns their (batch-averaged) reference normalisation. A nil engine,
// maps of another size than M×N (or ragged) and maps holding NaN or ±Inf
// are refused with an error.
func (op *Op) NewRef(eng stlayer.Engine, maps *stlayer.Maps) (*Ref, error) {
	if err := op.CheckMaps(maps); err != nil {
		return nil, err
	}
	if err := maps.CheckFinite(); err != nil {
		return nil, fmt.Errorf("scov: reference maps: %w", err)
	}
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), maps, 0, nil)
	if err != nil {
		return nil, err
	}
	return op.RefFromCoeffs(c)
}

// WriteJSON stores the reference as JSON.
func (r *Ref) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(r)
}

// CheckMaps returns an *stlayer.ErrShape error unless x is a usable batch of
// M×N maps, the size the operator was built for.
func (op *Op) CheckMaps(x *stlayer.Maps) error {
	if err := x.Check(); err != nil {
		return &stlayer.ErrShape{Msg: "scov: " + err.Error(), Kind: stlayer.ErrSize}
	}
	if x.M != op.M || x.N != op.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("scov: operator for %d×%d maps got maps of %d×%d", op.M, op.N, x.M, x.N), Kind: stlayer.ErrSize}
	}
	return nil
}

// ReadRef loads a reference written by WriteJSON, or one of the older form
// without M, N and Boundary. A size with one side given, or not positive, and
// a Boundary other than "periodic" or "crop=c" (c ≥ 0) are refused.
func ReadRef(rd io.Reader) (*Ref, error) {
	var r Ref
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("scov: reading reference: %w", err)
	}
	if r.J < 1 || r.L < 1 || len(r.P00) != r.J*r.L || len(r.P11) != r.J*r.J*r.L*r.L {
		return nil, fmt.Errorf("scov: malformed reference (J=%d L=%d, %d P00, %d P11)", r.J, r.L, len(r.P00), len(r.P11))
	}
	if (r.M != 0 || r.N != 0) && (r.M < 1 || r.N < 1) {
		return nil, fmt.Errorf("scov: malformed reference map size %d×%d", r.M, r.N)
	}
	if r.Boundary != "" && r.Boundary != "periodic" {
		c, ok := strings.CutPrefix(r.Boundary, "crop=")
		if n, err := strconv.Atoi(c); !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("scov: malformed reference boundary %q (want periodic or crop=c)", r.Boundary)
		}
	}
	return &r, nil
}
