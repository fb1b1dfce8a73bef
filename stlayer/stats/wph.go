package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// wphView is a WPH statistic (PyWPH's default model), optionally normalised
// with a stored reference (norm = "auto").
type wphView struct {
	op    *wph.Op
	cross bool // Cross or Complex: pairs stacked by rows
}

func (v *wphView) Stat() stlayer.Stat      { return v.op.Stat() }
func (v *wphView) Key() string             { return v.op.Key() }
func (v *wphView) Labels() *stlayer.Labels { return v.op.Labels() }

// InputSize returns the size of the maps the operator takes (Sized): 2M×N
// for a cross operator's stacked pairs and a complex one's (Q, U).
func (v *wphView) InputSize() (rows, cols int) {
	if v.cross {
		return 2 * v.op.M, v.op.N
	}
	return v.op.M, v.op.N
}

// Reference returns the stored normalisation as JSON (nil without norm auto).
func (v *wphView) Reference() (json.RawMessage, error) {
	n := v.op.Norm()
	if n == nil {
		return nil, nil
	}
	var b bytes.Buffer
	if err := n.WriteJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WPHOp returns the underlying wph.Op of a WPH operator built by this package.
func WPHOp(o Op) (*wph.Op, bool) {
	v, ok := o.(*wphView)
	if !ok {
		return nil, false
	}
	return v.op, true
}

func wphConfig(s Spec) (wph.Config, error) {
	cfg := wph.DefaultConfig()
	cfg.J, cfg.L, cfg.DN, cfg.Cross, cfg.Complex = s.J, s.L, s.DN, s.Cross, s.Complex
	if s.Complex && (s.Cross || s.Iso || s.Synthesis) {
		return cfg, checkFamilyOptions(s) // says which option
	}
	if s.Wavelet != "bump" {
		return cfg, fmt.Errorf("wph uses PyWPH's bump-steerable wavelets (got --wavelet %s)", s.Wavelet)
	}
	switch s.Pad {
	case "periodic":
	case "crop":
		cfg.NonPeriodic = true
		cfg.Cut = s.Cut // ⌊Cut·2^J⌋ pixels per side (wph.Config.Cut; 0: 1/2)
	default:
		return cfg, fmt.Errorf("wph boundary %q: want periodic or crop", s.Pad)
	}
	switch s.Norm {
	case "none":
		cfg.Norm = wph.NormNone
	case "auto":
		cfg.Norm = wph.NormAuto
	default:
		return cfg, fmt.Errorf("wph normalisation %q: want none or auto", s.Norm)
	}
	var given []string
	for _, f := range []struct {
		on   bool
		flag string
	}{{s.Iso, "--iso"}, {s.Synthesis, "--synthesis"}, {s.Local, "--local"}} {
		if f.on {
			given = append(given, f.flag)
		}
	}
	if len(given) > 0 {
		err := fmt.Errorf("wph has no --iso, --synthesis or --local variant (got %s): leave it out for the raw PyWPH coefficients, or use --kind scov or wst", strings.Join(given, " "))
		if s.Iso {
			// the isotropic WPH exists, outside this package: separate's
			// default Φ (infer imports stats, not the other way round)
			err = fmt.Errorf("%w. The isotropic WPH (PyWPH's raw moments averaged over the global rotations of the full circle) is separate's default statistic, built by infer.NewSepStats with infer.NewIsoOp, not a stats.Spec one: stkit stats --kind wph --iso computes it", err)
		}
		return cfg, err
	}
	return cfg, nil
}

func buildWPH(s Spec, m, n int) (Op, error) {
	if s.Norm == "auto" {
		return nil, fmt.Errorf("wph norm=auto needs reference maps (stats.BuildWithRef) or a stored normalisation (stats.BuildStored)")
	}
	return newWPH(s, m, n)
}

func newWPH(s Spec, m, n int) (Op, error) {
	cfg, err := wphConfig(s)
	if err != nil {
		return nil, err
	}
	op, err := wph.New(cfg, m, n)
	if err != nil {
		return nil, err
	}
	return &wphView{op: op, cross: s.Cross || s.Complex}, nil
}

// buildWPHRef builds a wph operator whose norm auto reference is measured
// on ref. An identically zero reference map (the first of a pair for Cross;
// z = Q + iU ≡ 0 for Complex) is refused (CheckConstant): its coefficients
// are NaN under norm auto, and a reference without fluctuation leaves every
// σ at PyWPH's 1.
func buildWPHRef(s Spec, eng stlayer.Engine, ref *stlayer.Maps) (Op, error) {
	if err := CheckConstant(s, ref); err != nil {
		return nil, err
	}
	m := ref.M
	if s.Cross || s.Complex {
		m /= 2
	}
	o, err := newWPH(s, m, ref.N)
	if err != nil || s.Norm != "auto" {
		return o, err
	}
	if err := o.(*wphView).op.FitNorm(eng, ref); err != nil {
		return nil, err
	}
	return o, nil
}

func buildWPHStored(s Spec, m, n int, ref json.RawMessage) (Op, error) {
	if len(ref) == 0 {
		return buildWPH(s, m, n)
	}
	o, err := newWPH(s, m, n)
	if err != nil {
		return nil, err
	}
	nm, err := wph.ReadNorm(bytes.NewReader(ref))
	if err != nil {
		return nil, fmt.Errorf("stored WPH normalisation: %w", err)
	}
	if err := o.(*wphView).op.SetNorm(nm); err != nil {
		return nil, err
	}
	return o, nil
}
