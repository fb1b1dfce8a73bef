package wph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/stkit-org/stkit/stlayer"
)

// NormVersion is the format version of Norm.
const NormVersion = 1

// FactorStat is the reference mean and standard deviation of one factor.
//
// Kind "wph": the factor [x_Map⋆ψ_{J,L}]^P (Map 0 = x1, 1 = x2 for Cross),
// Kind "sm": the scaling-moment factor [(x_Map − μ)⋆φ_J]^P, or for P = −1 the
// map x_Map itself (its mean μ is the reference mean subtracted before the
// low-pass; its Std is unused). Std = √⟨|f − ⟨f⟩|²⟩ (0 is replaced by 1 when
// used, as PyWPH does), measured on the grid where the operator evaluates the
// factor; for a reference batch of several maps, means and variances are
// averaged over the batch.
type FactorStat struct {
	// Kind is "wph" (a wavelet factor) or "sm" (a scaling-moment factor).
	Kind string `json:"kind"`
	// Map is 0 for x (x1 with Cross), 1 for x2.
	Map int `json:"map"`
	// J is the scale of ψ_{j,l} ("wph") or of φ_J ("sm"; 0 for P = −1);
	// L is the orientation INDEX l of ψ_{j,l} (θ = l·π/L; l < 2L with
	// Config.Complex), −1 for "sm".
	J int `json:"j"`
	L int `json:"l"`
	// P is the phase harmonic of the factor (−1: the map itself, "sm" only).
	P int `json:"p"`
	// MeanRe, MeanIm are the real and imaginary parts of the mean μ_f, Std
	// the standard deviation σ_f (see above).
	MeanRe float64 `json:"mean_re"`
	MeanIm float64 `json:"mean_im"`
	Std    float64 `json:"std"`
}

func (f FactorStat) mean() complex128 { return complex(f.MeanRe, f.MeanIm) }

func (f FactorStat) std() float64 {
	if f.Std == 0 {
		return 1
	}
	return f.Std
}

// Norm is a stored normalisation (PyWPH norm='auto'): plain data,
// JSON-serialisable (encoding/json), exportable with Op.Norm and reloadable
// with Op.SetNorm.
type Norm struct {
	// Version is the format version, NormVersion.
	Version int `json:"version"`
	// J, L, M, N, Cross describe the operator the normalisation belongs to.
	J     int  `json:"J"`
	L     int  `json:"L"`
	M     int  `json:"M"`
	N     int  `json:"N"`
	Cross bool `json:"cross"`
	// Complex: the operator's Config.Complex (factors of z = Q + iU, 2L
	// orientations); absent (false) for real maps.
	Complex bool `json:"complex,omitempty"`
	// Config is the fitting operator's configuration string (informative;
	// SetNorm reads its boundary and sampling settings from it when Boundary
	// and Grid are absent, see below).
	Config string `json:"config"`
	// Boundary is the window the factor statistics were measured on:
	// "periodic", or "crop=c" for Config.NonPeriodic (c = ⌊Cut·2^J⌋ pixels
	// cut on each side). Grid[j] is the subsampling of the grid on which the
	// factors of scale j were evaluated, j = 0…J−1 (all 1 unless
	// Config.Subsample; then it depends on Margin and the map size). Both
	// change the statistics (the σ of a periodic and a cropped fit differ by
	// up to 42 % on a 32² white-noise map, J = 4), so SetNorm refuses a normalisation whose
	// Boundary or Grid differs from the operator's, naming the setting.
	// Normalisations written before these fields existed have neither; for
	// them SetNorm derives both from the nonper=, cut=, subsample= and
	// margin= settings of Config, and accepts the normalisation when Config
	// does not name them. DN, A, TauGrid, DJ, DL and the classes select which
	// covariances are taken, not the factors' statistics: a normalisation
	// fitted with one DN serves any other (TestNormBoundaryAndGrid).
	Boundary string `json:"boundary,omitempty"`
	Grid     []int  `json:"grid,omitempty"`
	// Factors holds one entry per factor the statistic reads (FitNorm's
	// list; SetNorm accepts extra entries).
	Factors []FactorStat `json:"factors"`
}

func keyOf(f FactorStat) fkey {
	return fkey{sm: f.Kind == "sm", m: f.Map, j: f.J, l: f.L, p: f.P}
}

func (n *Norm) stat(k fkey) FactorStat {
	for _, f := range n.Factors {
		if keyOf(f) == k {
			return f
		}
	}
	// An error value: the engines return it from Forward and LossGrad
	// (SetNorm refuses incomplete normalisations, so this is a safeguard).
	panic(fmt.Errorf("wph: the stored normalisation has no factor %s", k))
}

func (n *Norm) fingerprint() string {
	b, _ := json.Marshal(n)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// WriteJSON writes n as JSON.
func (n *Norm) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(n)
}

// ReadNorm reads a normalisation written by WriteJSON. Malformed or truncated
// JSON, another format version, no factors, unknown kinds or maps,
// negative standard deviations and a Grid that does not list J scales ≥ 1 are
// refused with an error.
func ReadNorm(r io.Reader) (*Norm, error) {
	var n Norm
	if err := json.NewDecoder(r).Decode(&n); err != nil {
		return nil, fmt.Errorf("wph: reading normalisation: %w", err)
	}
	if n.Version != NormVersion {
		return nil, fmt.Errorf("wph: normalisation format version %d, want %d", n.Version, NormVersion)
	}
	if err := n.checkValues(); err != nil {
		return nil, err
	}
	return &n, nil
}

// checkValues refuses factors of an unknown kind or map and non-finite or
// negative statistics (a NaN would turn every coefficient into NaN).
func (n *Norm) checkValues() error {
	if len(n.Factors) == 0 {
		return fmt.Errorf("wph: normalisation without factors")
	}
	if n.Grid != nil {
		if len(n.Grid) != n.J {
			return fmt.Errorf("wph: normalisation grid lists %d scales, J = %d", len(n.Grid), n.J)
		}
		for j, g := range n.Grid {
			if g < 1 {
				return fmt.Errorf("wph: normalisation grid of scale %d is %d (want ≥ 1)", j, g)
			}
		}
	}
	maps := 1
	if n.Cross {
		maps = 2
	}
	for i, f := range n.Factors {
		if f.Kind != "wph" && f.Kind != "sm" {
			return fmt.Errorf("wph: normalisation factor %d has unknown kind %q (wph or sm)", i, f.Kind)
		}
		if f.Map < 0 || f.Map >= maps {
			return fmt.Errorf("wph: normalisation factor %d is for map %d (cross=%v)", i, f.Map, n.Cross)
		}
		for _, v := range []float64{f.MeanRe, f.MeanIm, f.Std} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("wph: normalisation factor %d (%s j=%d l=%d p=%d) has a non-finite value %g", i, f.Kind, f.J, f.L, f.P, v)
			}
		}
		if f.Std < 0 {
			return fmt.Errorf("wph: normalisation factor %d (%s j=%d l=%d p=%d) has a negative std %g", i, f.Kind, f.J, f.L, f.P, f.Std)
		}
	}
	return nil
}

func (n *Norm) clone() *Norm {
	c := *n
	c.Factors = append([]FactorStat(nil), n.Factors...)
	if n.Grid != nil {
		c.Grid = append([]int(nil), n.Grid...)
	}
	return &c
}

// boundary is Norm.Boundary for the filled configuration cfg.
func boundary(cfg Config) string {
	if !cfg.NonPeriodic {
		return "periodic"
	}
	return fmt.Sprintf("crop=%d", int(math.Floor(cfg.Cut*float64(int(1)<<cfg.J))))
}

// fitSettings returns the Boundary and Grid the normalisation n was measured
// with: its fields, or for a normalisation written before they existed the
// settings named in its Config string (on op's J and map size); ok = false
// when neither tells.
func (op *Op) fitSettings(n *Norm) (bnd string, grid []int, ok bool) {
	if n.Boundary != "" || n.Grid != nil {
		return n.Boundary, n.Grid, true
	}
	cfg := op.cfg
	var seen [4]bool
	for _, f := range strings.Fields(n.Config) {
		k, v, _ := strings.Cut(f, "=")
		var err error
		switch k {
		case "nonper":
			cfg.NonPeriodic, err = strconv.ParseBool(v)
			seen[0] = true
		case "cut":
			cfg.Cut, err = strconv.ParseFloat(v, 64)
			seen[1] = true
		case "subsample":
			cfg.Subsample, err = strconv.ParseBool(v)
			seen[2] = true
		case "margin":
			cfg.Margin, err = strconv.Atoi(v)
			seen[3] = true
		}
		if err != nil {
			return "", nil, false
		}
	}
	if seen != [4]bool{true, true, true, true} {
		return "", nil, false
	}
	_, grid = sampling(cfg, op.M, op.N)
	return boundary(cfg), grid, true
}

// checkSettings refuses a normalisation measured with another boundary or
// factor grid than op's (Norm.Boundary, Norm.Grid).
func (op *Op) checkSettings(n *Norm) error {
	bnd, grid, ok := op.fitSettings(n)
	if !ok {
		return nil
	}
	if want := boundary(op.cfg); bnd != "" && bnd != want {
		return fmt.Errorf("wph: normalisation measured with boundary %s does not fit this operator's boundary %s (Config.NonPeriodic, Cut: PyWPH's pbc and cut_x_param): refit it with the operator's boundary", bnd, want)
	}
	if grid != nil && !slices.Equal(grid, op.grid) {
		return fmt.Errorf("wph: normalisation measured on factor grids subsampled by %v (per scale j) does not fit this operator's %v (Config.Subsample, Margin): refit it with the operator's sampling", grid, op.grid)
	}
	return nil
}

var opCounter atomic.Int64

// FitNorm measures the reference means and standard deviations of every
// factor on ref (all maps of the batch averaged; PyWPH uses the first map
// passed with norm='auto') with engine e and stores them in the Op, replacing
// any previous normalisation. The statistic's Key changes accordingly. A
// reference whose maps are all constant is refused (an error wrapping
// ErrConstantRef; for Cross, a batch whose first maps are all constant or
// whose second maps are, IsConstantCrossRef): its σ are 0 or round-off.
func (op *Op) FitNorm(e stlayer.Engine, ref *stlayer.Maps) error {
	if err := op.CheckMaps(ref); err != nil {
		return err
	}
	if err := ref.CheckFinite(); err != nil {
		return fmt.Errorf("wph: reference maps: %w", err)
	}
	if err := checkConstantRef(ref, op.cfg.Cross, op.cfg.Complex); err != nil { // misc3 (s22)
		return err
	}
	if op.fitID == 0 {
		op.fitID = opCounter.Add(1)
	}
	var keys []fkey
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		f, k := op.buildWithKeys(p, x, modeFit)
		keys = k
		return f
	}
	key := fmt.Sprintf("%s normfit#%d", op.baseKey(), op.fitID)
	c, err := stlayer.ForwardChunked(e, key, stat, ref, 0, nil)
	if err != nil {
		return err
	}
	if keys == nil {
		keys = op.fitKeys // graph engines may reuse a compiled graph
	}
	op.fitKeys = keys
	F := len(keys)
	if c.PerMap() != 2*F {
		return fmt.Errorf("wph: internal error: normalisation fit returned %d values for %d factors", c.PerMap(), F)
	}
	n := &Norm{Version: NormVersion, J: op.cfg.J, L: op.cfg.L, M: op.M, N: op.N, Cross: op.cfg.Cross, Complex: op.cfg.Complex, Config: op.baseKey(),
		Boundary: boundary(op.cfg), Grid: append([]int(nil), op.grid...)}
	for i, k := range keys {
		var mu complex128
		var v float64
		for b := 0; b < c.B; b++ {
			row := c.Row(b)
			mu += row[i]
			v += real(row[F+i])
		}
		mu /= complex(float64(c.B), 0)
		v /= float64(c.B)
		kind := "wph"
		if k.sm {
			kind = "sm"
		}
		n.Factors = append(n.Factors, FactorStat{Kind: kind, Map: k.m, J: k.j, L: k.l, P: k.p,
			MeanRe: real(mu), MeanIm: imag(mu), Std: math.Sqrt(math.Max(v, 0))})
	}
	op.norm = n
	return nil
}

// Norm returns a copy of the stored normalisation (nil if none).
func (op *Op) Norm() *Norm {
	if op.norm == nil {
		return nil
	}
	return op.norm.clone()
}

// SetNorm installs a normalisation (e.g. read with ReadNorm). It must come
// from an operator with the same J, L, map size, Cross and Complex
// settings, have been measured with the same boundary and factor grids (Norm.Boundary, Grid:
// NonPeriodic, Cut, Subsample, Margin; see there for normalisations that
// predate them), hold
// finite values (Std ≥ 0) for known kinds and maps, and have an entry for
// every factor the statistic reads (those FitNorm measures: each (map, j, p)
// of a moment's factors, all L orientations; each scaling-moment factor
// (map, p) at every scaling scale, and the mean of each map), else it is
// refused with an error (naming the missing factors) and the stored
// normalisation is kept. Extra entries are accepted and ignored.
func (op *Op) SetNorm(n *Norm) error {
	if n == nil {
		return fmt.Errorf("wph: nil normalisation")
	}
	if n.Version != NormVersion {
		return fmt.Errorf("wph: normalisation format version %d, want %d", n.Version, NormVersion)
	}
	if n.J != op.cfg.J || n.L != op.cfg.L || n.M != op.M || n.N != op.N || n.Cross != op.cfg.Cross {
		return fmt.Errorf("wph: normalisation for J=%d L=%d %dx%d cross=%v does not fit J=%d L=%d %dx%d cross=%v",
			n.J, n.L, n.M, n.N, n.Cross, op.cfg.J, op.cfg.L, op.M, op.N, op.cfg.Cross)
	}
	if n.Complex != op.cfg.Complex {
		return fmt.Errorf("wph: normalisation fitted with complex=%v does not fit an operator with complex=%v (Config.Complex): refit it on maps of the operator's kind", n.Complex, op.cfg.Complex)
	}
	if err := n.checkValues(); err != nil {
		return err
	}
	if err := op.checkSettings(n); err != nil {
		return err
	}
	if err := op.checkComplete(n); err != nil {
		return err
	}
	op.norm = n.clone()
	return nil
}

// normKeys lists the factors whose reference statistics the statistic reads
// (the factors FitNorm records), in model order without repeats: for every
// covariance, [x_0⋆ψ_{j1,l}]^{p1} and [x_{m2}⋆ψ_{j2,l}]^{p2} for l = 0…L−1
// (0…2L−1 with Complex)
// (m2 = 1 for Cross, else 0); with scaling moments, the mean of each map and
// [(x_m − μ)⋆φ_j]^p for j over the scaling scales, (m, p) = (0, P1) and
// (m2, P2) of each moment.
func (op *Op) normKeys() []fkey {
	var keys []fkey
	seen := map[fkey]bool{}
	add := func(k fkey) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	m2 := 0
	if op.cfg.Cross {
		m2 = 1
	}
	for _, c := range op.covs {
		for l := 0; l < op.nt; l++ {
			add(fkey{m: 0, j: c.j1, l: l, p: c.p1})
			add(fkey{m: m2, j: c.j2, l: l, p: c.p2})
		}
	}
	if len(op.sms) > 0 {
		for m := 0; m <= m2; m++ {
			add(fkey{sm: true, m: m, j: 0, l: -1, p: -1})
		}
	}
	for _, s := range op.sms {
		for _, j := range op.phiJ {
			add(fkey{sm: true, m: 0, j: j, l: -1, p: s.P1})
			add(fkey{sm: true, m: m2, j: j, l: -1, p: s.P2})
		}
	}
	return keys
}

// checkComplete returns an error naming the factors op needs that n lacks.
func (op *Op) checkComplete(n *Norm) error {
	have := make(map[fkey]bool, len(n.Factors))
	for _, f := range n.Factors {
		have[keyOf(f)] = true
	}
	var missing []string
	need := op.normKeys()
	for _, k := range need {
		if !have[k] {
			missing = append(missing, k.String())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	const show = 6
	list := strings.Join(missing[:min(len(missing), show)], ", ")
	if len(missing) > show {
		list += fmt.Sprintf(", … (%d more)", len(missing)-show)
	}
	return fmt.Errorf("wph: the normalisation lacks %d of the %d factors this operator needs: %s", len(missing), len(need), list)
}

// String names the factor as the Norm's entries do: "wph map=0 j=2 l=1 p=0",
// "sm map=0 j=-1 p=1", or "sm map=0 mean" for the map's own mean.
func (k fkey) String() string {
	switch {
	case !k.sm:
		return fmt.Sprintf("wph map=%d j=%d l=%d p=%d", k.m, k.j, k.l, k.p)
	case k.p == -1:
		return fmt.Sprintf("sm map=%d mean", k.m)
	}
	return fmt.Sprintf("sm map=%d j=%d p=%d", k.m, k.j, k.p)
}

// ClearNorm removes the stored normalisation.
func (op *Op) ClearNorm() { op.norm = nil }
