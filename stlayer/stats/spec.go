// Package stats is the front door to stkit's statistics families: a Spec (a
// small, JSON-serialisable description of a statistic — family, J, L, options)
// builds the operator of the right family for a map size. Specs are what the
// command line parses, what feature caches and checkpoints record, and what
// per-component model files store.
//
// Every built Op maps maps [B, 1, M, N] (pairs stacked to [B, 1, 2M, N] for
// Cross and Complex) to coefficients [B, K, H, W] whose rows are described by Labels. The
// formulas, index orders and normalisations are those of the family packages;
// a Spec selects among them as follows (defaults: WithDefaults).
//
//	Kind     options            statistic (family method)                  normalisation
//	wst      —                  global WST of Cheng (wst.Op.Stat)          raw
//	wst      Classic (+ any)    the same, Cheng's algorithm='classic'      as without Classic
//	wst      Iso                isotropic WST + s21, s22 (wst.Op.IsoStat)  raw; s21, s22 ratios
//	wst      Synthesis [+Iso]   for_synthesis(_iso) (wst.Op.SynthesisStat) natural logs
//	wst      Local              Kymatio's local WST maps [B, K, h, w]      raw
//	wph      [DN, Pad, Cross]   PyWPH moments (wph.Op.Stat)                Norm "none": raw; "auto": norm='auto'
//	wph      Complex [DN, Pad]  PyWPH cplx=True moments of z = Q + iU      as wph
//	scov     [Pad]              raw mean, var, P00, S1, C01, C11           raw
//	scov     Synthesis or Iso   for_synthesis(_iso) (scov.Op.Synthesis)    logs; C01, C11 ÷ √(P00·P00) (or P11)
//	scov     Cross              raw cross moments (scov.CrossOp.Stat)      raw
//	spectra  —                  scattering spectra (scov.Op.SpectraStat)   as scov Iso, then orthogonal map
//
// For scov, Iso alone already selects the isotropic synthesis vector
// for_synthesis_iso (there is no raw isotropic scov statistic). Pad "crop"
// applies to every scov and spectra variant, cross included, and to wph; Cut
// sets its border there (c = ⌊Cut·2^J⌋ pixels per side, default 1/2).
//
// The wph operator is PyWPH's default model (wph.DefaultConfig) with J, L, DN
// and Cross from the Spec: all scale pairs and DL = L/2 for any J and L (513
// coefficients for J = 7, L = 4, as PyWPH). With L = 1, DL = 0 leaves no
// C01 orientation pair, so the vector has no C01 row (PyWPH's definition,
// see package wph); use L ≥ 2 for C01.
//
// Complex is PyWPH's cplx=True (wph.Config.Complex) for a complex field z =
// Q + iU, e.g. linear polarisation: the operator takes the pair (Q, U)
// stacked by rows (StackPair: Q in rows 0…M−1, U in rows M…2M−1, so
// 2M×N inputs for M×N maps, as Cross), uses 2L orientations θ_t = t·π/L
// over [0, 2π) (label columns l1, l2 run over 0…2L−1) and adds the pseudo
// moments (label column pseudo = 1: pseudo S11 and pseudo L). J = 7, L =
// 4, DN = 0 gives 1720 coefficients. Complex exists for wph only and is
// refused with Cross, Iso and Synthesis. Under Norm "auto" the reference
// is measured on z: CheckConstant refuses only a pair with z ≡ 0 (Q and U
// both identically zero); a constant Q with a varying U is valid.
//
// # Build or BuildWithRef
//
// Some statistics are normalised by a reference: Build(spec, M, N) makes an
// operator without one, BuildWithRef(spec, eng, ref) measures it on the maps
// ref, BuildStored reloads one saved with Reference. Per family:
//
//   - scov synthesis vectors (Synthesis or Iso) and spectra: the reference
//     is the wavelet power P00 (and P11 with Norm "p11") averaged over the
//     ref maps; it divides C01 and C11 (C01/√(P00·P00) or /√(P00·P11),
//     C11 likewise) and nothing else (mean/std, log P00, log S1 are not
//     normalised). Build divides each map's C01, C11 by that map's own P00
//     (Cheng's use_ref=False): on the reference map itself the two give the
//     same vector, on any other map (a synthesis on its way) they differ,
//     and so do the loss and its gradient. With several ref maps the
//     reference is one for all, the P00 averaged over them.
//   - wph Norm "auto" (PyWPH's norm='auto'): the reference is the factor
//     means μ and variances σ² averaged over the ref maps (wph.Op.FitNorm);
//     every moment is ⟨(a − μ_a)·conj(b − μ_b)⟩/(σ_a σ_b) with the
//     reference's μ and σ, a correlation coefficient on the reference map.
//     Build refuses it (there is nothing to normalise by).
//   - every other statistic (wst, raw scov, scov cross, wph Norm "none")
//     has no reference: BuildWithRef is Build for the size of ref.
//
// For synthesis build the operator with the target as its reference,
// BuildWithRef(spec, eng, target), as stkit synth does and as Cheng's
// scattering covariance (st.add_ref(target), use_ref=True) and PyWPH's
// norm='auto' (set on the first call, on the target) do: the normalisers
// are then constants of the target, fixed during the optimisation. For
// features of many maps to be compared (stkit patches, the VAE) Build
// normalises each map by itself; stkit stats uses BuildWithRef on its
// input batch. Either way an operator is built for one map size (its
// InputSize, Sized): build one per size.
package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// Kind names a statistics family.
type Kind string

// The families.
const (
	WST     Kind = "wst"     // wavelet scattering (Cheng global / Kymatio local)
	WPH     Kind = "wph"     // wavelet phase harmonics (PyWPH)
	SCov    Kind = "scov"    // scattering covariance (Cheng)
	Spectra Kind = "spectra" // reduced scattering spectra (Cheng's pipeline)
)

// Spec describes a statistic. Zero values mean the family's defaults.
type Spec struct {
	// Kind is the family (WithDefaults: scov).
	Kind Kind `json:"kind"`
	// J is the number of dyadic scales j = 0…J−1 (0: from the map size, see
	// WithDefaults), L the number of orientations in [0, π) (0: 4).
	J int `json:"J"`
	L int `json:"L"`
	// Iso selects the isotropic reduction where the family has one.
	Iso bool `json:"iso,omitempty"`
	// Synthesis selects the family's synthesis vector (Cheng's
	// for_synthesis(_iso): logs and normalised covariances) rather than the raw
	// moments; it is what synthesis and the VAE features use.
	Synthesis bool `json:"synthesis,omitempty"`
	// Cross selects the cross-statistics of a pair of maps (scov, wph): the
	// operator takes pairs stacked by rows (StackPair), i.e. 2M×N inputs for
	// M×N maps.
	Cross bool `json:"cross,omitempty"`
	// Complex selects the WPH of the complex field z = Q + iU (wph only:
	// PyWPH cplx=True, wph.Config.Complex): the operator takes (Q, U)
	// stacked by rows (StackPair), 2M×N inputs for M×N maps, has 2L
	// orientations over [0, 2π) and the pseudo moments (label pseudo = 1).
	// Refused with Cross, Iso, Synthesis and for other families.
	Complex bool `json:"complex,omitempty"`
	// WST options: Local selects Kymatio's local WST maps (wst.Config.Local);
	// StrictJ2 keeps only the second-order pairs j2 > j1 of the global WST
	// (wst.Config.StrictJ2; default j2 ≥ j1, Cheng's); Classic selects
	// Cheng's algorithm='classic' for the global WST (wst.Config.Classic:
	// every convolution on the full M×N grid, no Fourier cropping; slower,
	// exactly covariant under circular shifts and 90° rotations; default
	// false, Cheng's 'fast'). StrictJ2 and Classic are refused elsewhere.
	Local    bool `json:"local,omitempty"`
	StrictJ2 bool `json:"strict_j2,omitempty"`
	Classic  bool `json:"classic,omitempty"`
	// DN is PyWPH's Δn, the number of radial τ steps of the WPH moments
	// (wph.Config.DN; 0: τ = 0 only).
	DN int `json:"dn,omitempty"`
	// Wavelet names the band-pass: each family has exactly one, "morlet" for
	// wst, scov and spectra (Cheng's Morlet; Kymatio's for the local WST),
	// "bump" (PyWPH's bump-steerable) for wph; "" selects it and any other
	// value is refused.
	Wavelet string `json:"wavelet,omitempty"`
	// Norm: wph "none" (default) or "auto" (PyWPH's norm='auto'); scov and
	// spectra "p00" (default; "none" is read as p00) or "p11" (Cheng's
	// normalization of C01/C11); wst "none" only. Either case is accepted
	// (WithDefaults lower-cases it). WithDefaults writes a scov or spectra
	// "none" (or "") as "p00", and UnmarshalJSON reads a stored scov or
	// spectra "none" (files written before) as "p00", so that every file
	// records the normalisation in effect and old and new files compare equal.
	Norm string `json:"norm,omitempty"`
	// Pad: "periodic" (default), "reflect" (wst Local, Kymatio; the default
	// there) or "crop": wph, PyWPH's pbc=False (wph.Config.NonPeriodic); scov
	// and spectra, every mean taken over the interior rows and columns
	// [c, M−c), c = ⌊Cut·2^J⌋ (CutPixels), the convolutions staying periodic
	// (scov.Config.NonPeriodic); the global wst is periodic only.
	Pad string `json:"pad,omitempty"`
	// Cut is the half-width of the border Pad "crop" leaves out, in units of
	// 2^J: c = ⌊Cut·2^J⌋ pixels per side (scov.Config.Cut, wph.Config.Cut:
	// PyWPH's cut_x_param = cut_y_param). 0 is the default 1/2 (c = ⌊2^J/2⌋),
	// and WithDefaults stores an explicit 1/2 as 0, so that specs of the same
	// operator compare equal. Only with Pad "crop" for wph, scov and spectra;
	// refused elsewhere, and when negative or not finite. A cut that leaves
	// nothing of the map (2c ≥ min(M, N)) is refused by the family.
	Cut float64 `json:"cut,omitempty"`
}

// CutPixels returns the number of pixels c = ⌊Cut·2^J⌋ (Cut 0: 1/2) that
// Pad "crop" leaves out on each side, 0 for any other Pad. s must have its
// defaults filled in (WithDefaults) and J ≥ 0.
func (s Spec) CutPixels() int {
	if s.Pad != "crop" {
		return 0
	}
	cut := s.Cut
	if cut == 0 {
		cut = 0.5
	}
	return int(math.Floor(cut * float64(int(1)<<s.J)))
}

// Op is a built statistic: what synthesis, separation and feature extraction
// need (it satisfies infer.StatOp).
type Op interface {
	// Stat is the differentiable statistic, evaluated by an engine.
	Stat() stlayer.Stat
	// Key identifies the statistic (configuration, map size, reference);
	// engines cache compiled graphs by it.
	Key() string
	// Labels describes the output coefficients, one row per channel, in order.
	Labels() *stlayer.Labels
}

// Sized is implemented by every operator Build, BuildWithRef and
// BuildStored return: InputSize is the size rows × cols of the maps its
// Stat takes, M×N for the M×N maps it was built for, 2M×N for a cross
// operator's pairs and a complex one's (Q, U) stacked by rows (StackPair). An operator evaluated on
// maps of another size fails with an *stlayer.ErrShape naming both sizes
// (the filters are built for one size): build one per map size.
type Sized interface {
	InputSize() (rows, cols int)
}

// InputSize returns the size of the maps o takes (Sized) and true, or
// false for an operator that does not say (not built by this package).
func InputSize(o Op) (rows, cols int, ok bool) {
	if s, yes := o.(Sized); yes {
		rows, cols = s.InputSize()
		return rows, cols, true
	}
	return 0, 0, false
}

// sizeChecked returns st preceded by a check of its input's shape: maps
// [B, 1, nm·m, n] (nm = 2 for stacked pairs), else a panic with an
// *stlayer.ErrShape, which the engines return as an error from Forward and
// LossGrad. Without it, a scov operator given maps of another size failed
// deep inside with its filter bank's size ('filter bank "morlet-cheng j0 L4
// 64x64" is K=4 64x64 …, field is 256x256'); wst and wph check their input
// themselves.
func sizeChecked(st stlayer.Stat, what string, nm, m, n int) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		if b, c, h, w := x.Dims(); c != 1 || h != nm*m || w != n {
			pairs := ""
			if nm == 2 {
				pairs = " stacked by rows in pairs"
			}
			panic(&stlayer.ErrShape{Msg: fmt.Sprintf("%s: statistic built for maps of %dx%d%s ([B,1,%d,%d]), got [%d,%d,%d,%d]: build the operator for the maps' size (stats.Build, or stats.BuildWithRef on the maps)",
				what, m, n, pairs, nm*m, n, b, c, h, w), Kind: stlayer.ErrSize})
		}
		return st(p, x)
	}
}

// String renders the spec compactly, e.g. "wst J=6 L=4 iso". It shows the
// normalisation in effect: a scov or spectra Norm "none" reads "norm=p00".
func (s Spec) String() string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s J=%d L=%d", s.Kind, s.J, s.L)
	for _, f := range []struct {
		on   bool
		name string
	}{{s.Iso, "iso"}, {s.Synthesis, "synthesis"}, {s.Cross, "cross"}, {s.Complex, "complex"}, {s.Local, "local"}, {s.StrictJ2, "j2>j1"}, {s.Classic, "classic"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	if s.DN > 0 {
		fmt.Fprintf(b, " dn=%d", s.DN)
	}
	norm := resolvedNorm(s.Kind, s.Norm) // what "none" means there (Spec.Norm)
	for _, kv := range [][2]string{{"wavelet", s.Wavelet}, {"norm", norm}, {"pad", s.Pad}} {
		if kv[1] != "" {
			fmt.Fprintf(b, " %s=%s", kv[0], kv[1])
		}
	}
	if s.Cut != 0 {
		fmt.Fprintf(b, " cut=%g", s.Cut)
	}
	return b.String()
}

// JSON returns the spec as JSON.
func (s Spec) JSON() []byte { b, _ := json.Marshal(s); return b }

// resolvedNorm returns the normalisation in effect for a Norm of family
// kind: a scov or spectra "none" (either case) is "p00" (Spec.Norm: the
// statistic is the same; stats --kind scov wrote "coeffs_norm": "none" and
// datasets "norm": "none" beside "norm=p00" in words); anything else is
// norm unchanged.
func resolvedNorm(kind Kind, norm string) string {
	if (kind == SCov || kind == Spectra) && strings.EqualFold(norm, "none") {
		return "p00"
	}
	return norm
}

// UnmarshalJSON reads a spec, its scov or spectra Norm "none" (dataset,
// model and run manifests written before WithDefaults resolved it) as
// "p00", the same statistic: such a file reads as the spec a new run
// writes, so resuming, training on or exporting it is no configuration
// change. Other fields and families are read as they are.
func (s *Spec) UnmarshalJSON(b []byte) error {
	type plain Spec // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = Spec(p)
	s.Norm = resolvedNorm(s.Kind, s.Norm)
	return nil
}

// WithDefaults fills zero fields with the defaults: Kind scov; J from the map
// size when J = 0, ⌊log2(min(M,N))⌋ − 2, at least 1 (6 for 256² maps); L = 4;
// Wavelet "bump" for wph, "morlet" otherwise; Pad "reflect" for a local wst,
// "periodic" otherwise; Norm the family's default normalisation, "p00" for
// scov and spectra (where "none" is read as, and becomes, "p00"), "none"
// otherwise (see Spec.Norm). Norm is lower-cased: either case is accepted
// ("P11", "Auto", "NONE"), for every family. A Cut of 1/2 (the default)
// becomes 0.
func (s Spec) WithDefaults(m, n int) Spec {
	if s.Kind == "" {
		s.Kind = SCov
	}
	if s.J == 0 {
		j := 0
		for (2 << j) <= min(m, n) {
			j++
		}
		s.J = max(1, j-2)
	}
	if s.L == 0 {
		s.L = 4
	}
	if s.Wavelet == "" {
		if s.Kind == WPH {
			s.Wavelet = "bump"
		} else {
			s.Wavelet = "morlet"
		}
	}
	if s.Pad == "" {
		if s.Local && s.Kind == WST {
			s.Pad = "reflect"
		} else {
			s.Pad = "periodic"
		}
	}
	s.Norm = strings.ToLower(s.Norm)
	if s.Norm == "" {
		s.Norm = "none"
	}
	s.Norm = resolvedNorm(s.Kind, s.Norm)
	if s.Cut == 0.5 {
		s.Cut = 0 // the default: one spec per operator
	}
	return s
}

// Build returns the operator of spec s for M×N maps, without a reference
// normalisation: scov synthesis vectors and spectra normalise each map's
// C01 and C11 by its own P00 (Cheng's use_ref=False), and wph Norm "auto",
// which needs one, is refused (see the package doc, "Build or
// BuildWithRef"; for synthesis use BuildWithRef with the target).
// Unsupported combinations are errors naming the option. An unknown Kind
// matches stlayer.ErrKind (errors.Is); a J, L or DN the family cannot use
// on M×N maps, stlayer.ErrScales; a map size it cannot take whatever its
// scales (odd or too small sides), stlayer.ErrSize.
func Build(s Spec, m, n int) (Op, error) {
	s = s.WithDefaults(m, n)
	if err := checkFamilyOptions(s); err != nil {
		return nil, err
	}
	switch s.Kind {
	case WST:
		return buildWST(s, m, n)
	case WPH:
		return buildWPH(s, m, n)
	case SCov, Spectra:
		return buildSCov(s, m, n)
	}
	return nil, stlayer.WithKind(fmt.Errorf("unknown statistics kind %q (want wst, wph, scov or spectra)", s.Kind), stlayer.ErrKind)
}

// wstView adapts a wst.Op to one of its statistics (raw, isotropic,
// synthesis vector).
type wstView struct {
	op     *wst.Op
	stat   stlayer.Stat
	labels *stlayer.Labels
	suffix string
	m, n   int
}

func (v *wstView) Stat() stlayer.Stat          { return v.stat }
func (v *wstView) Key() string                 { return v.op.Key() + v.suffix }
func (v *wstView) Labels() *stlayer.Labels     { return v.labels }
func (v *wstView) InputSize() (rows, cols int) { return v.m, v.n }

// WSTOp returns the underlying wst.Op of a WST spec's operator, if any.
func WSTOp(o Op) (*wst.Op, bool) {
	v, ok := o.(*wstView)
	if !ok {
		return nil, false
	}
	return v.op, true
}

func buildWST(s Spec, m, n int) (Op, error) {
	if s.Wavelet != "morlet" {
		return nil, fmt.Errorf("wst: only the Morlet wavelet is implemented (got %q)", s.Wavelet)
	}
	if s.Local && s.Pad != "reflect" {
		return nil, fmt.Errorf("wst --local uses Kymatio's reflect padding (got --pad %s)", s.Pad)
	}
	if !s.Local && s.Pad != "periodic" {
		return nil, fmt.Errorf("global wst is periodic (got --pad %s)", s.Pad)
	}
	if s.Norm != "none" {
		return nil, fmt.Errorf("wst has no %q normalisation (use the synthesis vector for logs)", s.Norm)
	}
	op, err := wst.New(wst.Config{J: s.J, L: s.L, Local: s.Local, StrictJ2: s.StrictJ2, Classic: s.Classic}, m, n)
	if err != nil {
		return nil, err
	}
	switch {
	case s.Local:
		if s.Iso || s.Synthesis {
			return nil, fmt.Errorf("wst --local has no isotropic or synthesis reduction")
		}
		return &wstView{op: op, stat: op.Stat(), labels: op.Labels(), m: m, n: n}, nil
	case s.Synthesis:
		return &wstView{op: op, stat: op.SynthesisStat(s.Iso), labels: op.SynthesisLabels(s.Iso), suffix: fmt.Sprintf("/synth iso=%v", s.Iso), m: m, n: n}, nil
	case s.Iso:
		return &wstView{op: op, stat: op.IsoStat(), labels: op.IsoLabels(), suffix: "/iso", m: m, n: n}, nil
	}
	return &wstView{op: op, stat: op.Stat(), labels: op.Labels(), m: m, n: n}, nil
}

// BuildWithRef builds the operator for maps of ref's size and, for
// statistics normalised by a reference, measures it on the maps ref with
// engine eng: scov synthesis vectors (Synthesis or Iso) and spectra, the
// P00 (and P11) averaged over ref, which divides C01 and C11 (Cheng's
// add_ref + use_ref=True); wph Norm "auto", the factor means and variances
// averaged over ref (wph.Op.FitNorm). For other statistics it is Build.
// Synthesis passes the target as ref (stkit synth, Cheng, PyWPH): the
// normalisers are then constants of the target during the optimisation;
// see the package doc, "Build or BuildWithRef". Reference returns what was
// measured, for BuildStored.
//
// For cross statistics ref holds pairs stacked by rows (StackPair), so the
// map size is (ref.M/2)×ref.N; likewise for Complex, whose ref holds (Q, U)
// stacked by rows (the norm auto reference is measured on z = Q + iU).
//
// Refused with an error: nil ref maps, a batch without maps, sides < 1, a
// Data length other than B·M·N, an odd number of rows for cross and
// complex statistics;
// and, when a reference is measured, a nil engine, a NaN or infinite value
// in ref (named by map, row and column), pixels holding HEALPix's UNSEEN
// value −1.6375e30 (missing data; finite, so the reference would take it for
// a value: refused with datasets.CheckUnseen's wording, "reference maps: 1
// pixel of 1024 holds -1.6375e30, HEALPix's UNSEEN value for missing data
// (first: …)"), a constant map on which the statistic is undefined
// (CheckConstant's *ConstantMapError), or, for wph norm auto, a reference
// whose maps are all constant (for Cross, whose first maps are all
// constant or whose second maps are) (CheckConstantRef's
// *ConstantMapError with Ref: its σ is 0 or round-off, and the
// coefficients would be ratios of round-off).
func BuildWithRef(s Spec, eng stlayer.Engine, ref *stlayer.Maps) (Op, error) {
	if err := checkMaps(ref, "reference"); err != nil {
		return nil, err
	}
	m := ref.M
	switch {
	case s.Cross:
		if m%2 != 0 {
			return nil, stlayer.WithKind(fmt.Errorf("cross statistics take pairs stacked by rows: the reference maps need an even number of rows, got %d", m), stlayer.ErrSize)
		}
		m /= 2
	case s.Complex:
		if m%2 != 0 {
			return nil, stlayer.WithKind(fmt.Errorf("complex wph takes (Q, U) stacked by rows (StackPair): the reference maps need an even number of rows, got %d", m), stlayer.ErrSize)
		}
		m /= 2
	}
	s = s.WithDefaults(m, ref.N)
	if err := checkFamilyOptions(s); err != nil {
		return nil, err
	}
	if measuresRef(s) {
		if eng == nil {
			return nil, fmt.Errorf("%s: measuring the reference needs an engine (got nil)", s.Kind)
		}
		if err := ref.CheckFinite(); err != nil {
			return nil, fmt.Errorf("reference maps: %w", err)
		}
		if err := checkUnseen(ref); err != nil {
			return nil, fmt.Errorf("reference maps: %w", err)
		}
		if err := CheckConstant(s, ref); err != nil {
			return nil, err
		}
		if err := CheckConstantRef(s, ref); err != nil {
			return nil, err
		}
	}
	switch s.Kind {
	case SCov, Spectra:
		return buildSCovRef(s, eng, ref)
	case WPH:
		return buildWPHRef(s, eng, ref)
	}
	return Build(s, m, ref.N)
}

// measuresRef reports whether BuildWithRef measures a reference on the maps
// for spec s (defaults filled in).
func measuresRef(s Spec) bool {
	switch s.Kind {
	case SCov, Spectra:
		return !s.Cross && (s.Synthesis || s.Iso || s.Kind == Spectra)
	case WPH:
		return s.Norm == "auto"
	}
	return false
}

// checkMaps refuses nil maps, a batch without maps, sides < 1 and a Data
// length other than B·M·N (stlayer.Maps.Check); what names the maps in the
// message.
func checkMaps(x *stlayer.Maps, what string) error {
	if x != nil && x.B < 1 {
		return stlayer.WithKind(fmt.Errorf("%s batch holds no maps (B=%d)", what, x.B), stlayer.ErrSize)
	}
	if err := x.Check(); err != nil {
		return fmt.Errorf("%s maps: %w", what, err)
	}
	return nil
}

// Referenced is implemented by operators that carry a reference
// normalisation measured on maps (BuildWithRef); Reference returns it as JSON
// (nil when there is none) so that it can be stored and given back to
// BuildStored.
type Referenced interface {
	// Reference returns the stored reference as JSON, nil when there is none.
	Reference() (json.RawMessage, error)
}

// Reference returns the stored reference of o as JSON, or nil.
func Reference(o Op) (json.RawMessage, error) {
	if r, ok := o.(Referenced); ok {
		return r.Reference()
	}
	return nil, nil
}

// BuildStored builds the operator of s with a reference stored earlier
// (Reference); an empty ref means none. Options are checked as by Build
// (e.g. StrictJ2 or Classic outside the global wst, Cross outside scov and wph are
// refused). A reference measured with another Pad (scov, spectra and wph) or
// at another map size (scov and spectra: scov.Ref's M, N; wph: Norm's M, N)
// is refused; references stored before the boundary and size were
// recorded are accepted (see scov.Ref and wph.Norm).
func BuildStored(s Spec, m, n int, ref json.RawMessage) (Op, error) {
	s = s.WithDefaults(m, n)
	if err := checkFamilyOptions(s); err != nil {
		return nil, err
	}
	switch s.Kind {
	case SCov, Spectra:
		return buildSCovStored(s, m, n, ref)
	case WPH:
		return buildWPHStored(s, m, n, ref)
	}
	return Build(s, m, n)
}

// StackPair stacks two batches of M×N maps into the 2M×N pair maps that cross
// operators take (a in the top rows, b in the bottom rows). Nil maps, maps
// whose Data length is not B·M·N and batches of different shapes are errors.
func StackPair(a, b *stlayer.Maps) (*stlayer.Maps, error) {
	for _, x := range []*stlayer.Maps{a, b} {
		if x == nil {
			return nil, stlayer.WithKind(fmt.Errorf("StackPair: nil maps"), stlayer.ErrSize)
		}
		if x.B < 0 || x.M < 0 || x.N < 0 || len(x.Data) != x.B*x.M*x.N {
			return nil, stlayer.WithKind(fmt.Errorf("StackPair: maps [%d, %d, %d] hold %d values, want B·M·N", x.B, x.M, x.N, len(x.Data)), stlayer.ErrSize)
		}
	}
	if a.B != b.B || a.M != b.M || a.N != b.N {
		return nil, stlayer.WithKind(fmt.Errorf("pair shapes differ: [%d, %d, %d] and [%d, %d, %d]", a.B, a.M, a.N, b.B, b.M, b.N), stlayer.ErrSize)
	}
	out := stlayer.NewMaps(a.B, 2*a.M, a.N)
	mn := a.M * a.N
	for i := 0; i < a.B; i++ {
		copy(out.Data[2*i*mn:], a.Map(i))
		copy(out.Data[(2*i+1)*mn:], b.Map(i))
	}
	return out, nil
}

// checkFamilyOptions refuses options of s (defaults filled in) that its
// family does not have: Cross outside scov and wph, Complex outside wph or
// with Cross, Iso or Synthesis, StrictJ2 and Classic
// outside the global wst, a Cut other than 0 without Pad "crop" (so outside
// wph, scov and spectra) or negative or not finite. Build, BuildWithRef and
// BuildStored call it first.
func checkFamilyOptions(s Spec) error {
	if s.Cross && s.Kind != SCov && s.Kind != WPH {
		return fmt.Errorf("cross-statistics exist for scov and wph, not %s", s.Kind)
	}
	if s.Complex {
		if s.Kind != WPH {
			return fmt.Errorf("complex data (z = Q + iU, --imag) exist for --kind wph only (PyWPH cplx=True), not %s: use --kind wph, or give the real maps Q and U separately", s.Kind)
		}
		var given []string
		for _, f := range []struct {
			on   bool
			flag string
		}{{s.Cross, "--cross"}, {s.Iso, "--iso"}, {s.Synthesis, "--synthesis"}} {
			if f.on {
				given = append(given, f.flag)
			}
		}
		if len(given) > 0 {
			return fmt.Errorf("complex wph (z = Q + iU, --imag) has no %s variant (the cross, isotropic and synthesis wph take real maps): leave %s out for PyWPH's cplx=True moments", strings.Join(given, " or "), strings.Join(given, " and "))
		}
	}
	if s.StrictJ2 && (s.Kind != WST || s.Local) {
		what := string(s.Kind)
		if s.Local {
			what += " --local (it always has j2 > j1)"
		}
		return fmt.Errorf("--strict-j2 (second-order pairs j2 > j1 only) applies to the global wst, not %s", what)
	}
	if s.Classic && (s.Kind != WST || s.Local) {
		what := string(s.Kind)
		if s.Local {
			what += " --local (Kymatio's algorithm has no fast/classic choice)"
		}
		return fmt.Errorf("--classic (Cheng's algorithm='classic', full-grid convolutions) applies to the global wst, not %s: leave --classic out", what)
	}
	if s.Cut != 0 {
		switch {
		case math.IsNaN(s.Cut) || math.IsInf(s.Cut, 0) || s.Cut < 0:
			return fmt.Errorf("--cut %g: want a finite number > 0, the border in units of 2^J (c = ⌊cut·2^J⌋ pixels per side), or 0 for the default 1/2 (⌊2^J/2⌋ pixels)", s.Cut)
		case s.Kind == WST:
			return fmt.Errorf("--cut (the border --pad crop leaves out) applies to wph, scov and spectra, not wst, which has no --pad crop: leave --cut out")
		case s.Pad != "crop":
			return fmt.Errorf("--cut %g sets the border --pad crop leaves out, but the boundary is --pad %s: add --pad crop or leave --cut out", s.Cut, s.Pad)
		}
	}
	return nil
}
