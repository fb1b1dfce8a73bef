package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// scovView is a scattering-covariance statistic: the raw moments, Cheng's
// synthesis vector (for_synthesis or for_synthesis_iso) or the scattering
// spectra, with an optional stored reference normalisation.
type scovView struct {
	op   *scov.Op
	ref  *scov.Ref
	stat Op
	raw  bool
	kind Kind // scov or spectra, for messages
}

func (v *scovView) Stat() stlayer.Stat {
	if v.raw {
		return sizeChecked(v.op.Stat(), string(v.kind), 1, v.op.M, v.op.N)
	}
	return sizeChecked(v.stat.Stat(), string(v.kind), 1, v.op.M, v.op.N)
}

// InputSize returns the size of the maps the operator takes (Sized).
func (v *scovView) InputSize() (rows, cols int) { return v.op.M, v.op.N }
func (v *scovView) Key() string {
	if v.raw {
		return v.op.Key()
	}
	return v.stat.Key()
}
func (v *scovView) Labels() *stlayer.Labels {
	if v.raw {
		return v.op.Labels()
	}
	return v.stat.Labels()
}

// Reference returns the stored reference normalisation as JSON (nil when the
// statistic is self-normalised or raw).
func (v *scovView) Reference() (json.RawMessage, error) {
	if v.ref == nil {
		return nil, nil
	}
	var b bytes.Buffer
	if err := v.ref.WriteJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SCovOp returns the underlying scov.Op and reference of a scattering
// covariance operator built by this package.
func SCovOp(o Op) (*scov.Op, *scov.Ref, bool) {
	v, ok := o.(*scovView)
	if !ok {
		return nil, nil, false
	}
	return v.op, v.ref, true
}

// SCovCrossOp returns the underlying scov.CrossOp of a cross scattering
// covariance operator built by this package (Spec.Cross); its output is the
// raw cross moments.
func SCovCrossOp(o Op) (*scov.CrossOp, bool) {
	v, ok := o.(*scovCross)
	if !ok {
		return nil, false
	}
	return v.op, true
}

// IsRaw reports whether o is a single-map scattering-covariance operator
// (SCovOp) whose output is the raw moments of scov.Op.Stat, so that Cheng's
// dictionary can be assembled on the host from its output (scov.Op.Results);
// false for the synthesis, isotropic and spectra variants and for any other
// operator, cross ones included (their raw cross moments go to
// scov.CrossOp.Results, see SCovCrossOp).
func IsRaw(o Op) bool {
	v, ok := o.(*scovView)
	return ok && v.raw
}

func scovConfig(s Spec) (scov.Config, error) {
	cfg := scov.Config{J: s.J, L: s.L}
	if s.Wavelet != "morlet" {
		return cfg, fmt.Errorf("%s: only Cheng's Morlet wavelets are implemented (got %q)", s.Kind, s.Wavelet)
	}
	if s.Local {
		return cfg, fmt.Errorf("%s has no --local variant (local maps are wst only)", s.Kind)
	}
	switch s.Pad {
	case "periodic":
	case "crop":
		cfg.NonPeriodic = true // ⌊Cut·2^J⌋ pixels per side (scov.Config.NonPeriodic; Cut 0: 1/2)
		cfg.Cut = s.Cut
	default:
		return cfg, fmt.Errorf("%s boundary %q: want periodic or crop", s.Kind, s.Pad)
	}
	switch strings.ToLower(s.Norm) {
	case "none", "p00", "":
		cfg.Normalization = scov.NormP00
	case "p11":
		if s.Kind == Spectra {
			// checked here, before BuildWithRef measures a reference
			return cfg, fmt.Errorf("scattering spectra need the P00 normalisation (got --norm %s): leave --norm out or give p00, or use --kind scov for the P11-normalised synthesis vectors", s.Norm)
		}
		cfg.Normalization = scov.NormP11
	default:
		return cfg, fmt.Errorf("%s normalisation %q: want p00 (default) or p11", s.Kind, s.Norm)
	}
	return cfg, nil
}

// scovCross is the raw cross scattering covariance of pairs of m×n maps.
type scovCross struct {
	op   *scov.CrossOp
	m, n int
}

func (v *scovCross) Stat() stlayer.Stat {
	return sizeChecked(v.op.Stat(), "scov --cross", 2, v.m, v.n)
}
func (v *scovCross) Key() string                 { return v.op.Key() }
func (v *scovCross) Labels() *stlayer.Labels     { return v.op.Labels() }
func (v *scovCross) InputSize() (rows, cols int) { return 2 * v.m, v.n }

func buildSCovWith(s Spec, m, n int, ref *scov.Ref) (Op, error) {
	cfg, err := scovConfig(s)
	if err != nil {
		return nil, err
	}
	if s.Cross {
		if s.Kind == Spectra || s.Synthesis || s.Iso {
			return nil, fmt.Errorf("cross scattering covariance has raw moments only (no --iso, --synthesis or spectra)")
		}
		c, err := scov.NewCross(cfg, m, n)
		if err != nil {
			return nil, err
		}
		return &scovCross{op: c, m: m, n: n}, nil
	}
	op, err := scov.New(cfg, m, n)
	if err != nil {
		return nil, err
	}
	v := &scovView{op: op, ref: ref, kind: s.Kind}
	switch {
	case s.Kind == Spectra:
		st, err := op.SpectraStat(ref, nil)
		if err != nil {
			return nil, err
		}
		v.stat = st
	case s.Synthesis || s.Iso:
		st, err := op.Synthesis(ref, s.Iso)
		if err != nil {
			return nil, err
		}
		v.stat = st
	default:
		v.raw = true
		v.ref = nil
	}
	return v, nil
}

func buildSCov(s Spec, m, n int) (Op, error) { return buildSCovWith(s, m, n, nil) }

func buildSCovRef(s Spec, eng stlayer.Engine, maps *stlayer.Maps) (Op, error) {
	if s.Cross {
		return buildSCov(s, maps.M/2, maps.N)
	}
	if !(s.Synthesis || s.Iso || s.Kind == Spectra) {
		return buildSCov(s, maps.M, maps.N)
	}
	cfg, err := scovConfig(s)
	if err != nil {
		return nil, err
	}
	op, err := scov.New(cfg, maps.M, maps.N)
	if err != nil {
		return nil, err
	}
	ref, err := op.NewRef(eng, maps)
	if err != nil {
		return nil, err
	}
	return buildSCovWith(s, maps.M, maps.N, ref)
}

func buildSCovStored(s Spec, m, n int, ref json.RawMessage) (Op, error) {
	if len(ref) == 0 {
		return buildSCov(s, m, n)
	}
	r, err := scov.ReadRef(bytes.NewReader(ref))
	if err != nil {
		return nil, fmt.Errorf("stored scattering-covariance reference: %w", err)
	}
	return buildSCovWith(s, m, n, r)
}
