package stats

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// ConstantMapError is CheckConstant's and CheckConstantRef's error: map
// Map of the batch (counted from 0; for Cross the pair, Second telling
// which of its two maps; for Complex the pair (Q, U), both maps) holds one
// value everywhere, and the statistic spec is undefined on it. Ref marks
// CheckConstantRef's refusal (wph norm auto whose reference maps are all
// constant): Why then says which reference it is (e.g. "the map is its own
// reference"), and the message adds why such a reference is undefined.
type ConstantMapError struct {
	Spec   Spec
	Map    int     // index of the map (of the pair for Cross) in the batch
	Second bool    // Cross: the second map of the pair (x2) is the constant one
	Value  float64 // the map's one value (Complex with Ref: Q's)
	Imag   float64 // Complex with Ref: U's one value
	Ref    bool    // CheckConstantRef: every map of the reference (Cross: every first, or every second, map) is constant
	Why    string  // what is undefined, e.g. "s21 = ⟨S2⟩/S1 and s22 are 0/0"
}

// constantRefWhy is why a wph norm auto reference of constant maps is
// undefined (ConstantMapError with Ref).
const constantRefWhy = "the σ that norm auto divides by is 0 (counted as 1) or round-off, so its coefficients are ratios of round-off (up to 2.9 on a 64² map of 0.001), not a shape; a reference with maps that vary is defined"

// constantCrossRefWhy is constantRefWhy for Cross pairs (a first or second
// map constant throughout the reference).
const constantCrossRefWhy = "the σ that norm auto divides its factors by is 0 (counted as 1) or round-off, so every cross moment correlates the other map with round-off (S11 0.645, |C| up to 0.78 for a 32² white-noise map against a map of 0.001 or of 0, where the raw moments are 1e-17), not a cross statistic; a reference whose first maps vary, and whose second maps vary, is defined"

func (e *ConstantMapError) Error() string {
	if e.Ref {
		why := e.Why + ": " + constantRefWhy
		if e.Spec.Cross {
			why = e.Why + ": " + constantCrossRefWhy
		}
		if e.Spec.Complex {
			return fmt.Sprintf("the complex map z = Q + iU of pair %d is constant (Q = %g, U = %g everywhere): complex wph with norm auto is undefined on it (%s); give maps that vary",
				e.Map, e.Value, e.Imag, why)
		}
		e2 := *e
		e2.Ref, e2.Why = false, why
		return e2.Error()
	}
	which := fmt.Sprintf("map %d", e.Map)
	if e.Spec.Complex {
		which = fmt.Sprintf("the complex map z = Q + iU of pair %d", e.Map)
	}
	if e.Spec.Cross {
		which = fmt.Sprintf("the first map of pair %d", e.Map)
		if e.Second {
			which = fmt.Sprintf("the second map of pair %d", e.Map)
		}
	}
	return fmt.Sprintf("%s is %s: %s is undefined on it (%s); give maps that vary, or use a raw statistic (wst, wph with norm none, scov), which is finite there (0 for every fluctuation coefficient)",
		which, stlayer.ConstantWords(e.Value), e.Spec.Kind.describe(e.Spec), e.Why)
}

// describe names the statistic of s for ConstantMapError.
func (k Kind) describe(s Spec) string {
	switch {
	case k == WST && s.Synthesis:
		return "the wst synthesis vector"
	case k == WST:
		return "the isotropic wst"
	case k == WPH && s.Complex:
		return "complex wph with norm auto"
	case k == WPH:
		return "wph with norm auto"
	case k == Spectra:
		return "the scattering spectra"
	}
	return "the normalised scov (iso or synthesis)"
}

// CheckConstant returns a *ConstantMapError when a map of x (for s.Cross,
// pairs stacked by rows as StackPair builds them; for s.Complex the pair
// (Q, U) stacked by rows, as one complex map) holds a single value and
// the statistic s is undefined on such a map, nil otherwise. A constant map
// has no fluctuation: every wavelet coefficient is 0 (the band-pass filters
// have no DC), so
//
//   - wst raw and local, wph with norm none, scov raw and cross are finite
//     on it (S0 and scov's mean are its value, every other coefficient 0):
//     not refused;
//   - wst Iso: s21 = ⟨S2_iso⟩/S1_iso and s22 are 0/0 (NaN, as Cheng's code);
//     wst Synthesis: log S1, log S2 are −Inf: refused;
//   - scov Iso or Synthesis and spectra: log P00, log S1 are −Inf and the
//     mean/std entry is c/0: refused (with the map as its own reference,
//     BuildWithRef's P00 would be 0);
//   - wph norm auto: NaN on an identically zero map (first map of a pair
//     for Cross), see wph.NormAuto: refused. A constant non-zero map is
//     not refused here: normalised by a reference with maps that vary, its
//     coefficients are defined (not 0: the factors are centred on the
//     reference's means, so S00 and L are not; up to 12 in L for a map of
//     0.001 batched with a log-normal map); but when every map of the
//     reference is constant, the σ norm auto divides by is 0 (counted as
//     1, PyWPH's convention) or round-off, and the coefficients are ratios
//     of round-off (L up to 1.0 on 32², −2.89 on 64² of 0.001), which
//     CheckConstantRef refuses. For Complex the pair (Q, U) is tested as
//     the one complex map z = Q + iU (the reference constants enter
//     through ⟨|z|⟩): refused only when z ≡ 0, i.e. Q and U both
//     identically zero; a constant Q with a varying U (or Q ≡ 0) is a
//     varying z and valid.
//
// Exact equality is tested: a map with any variation passes (its values
// may still be huge, e.g. log S1 of a nearly constant map). An empty Kind is
// scov, as in WithDefaults; Norm is read in either case.
func CheckConstant(s Spec, x *stlayer.Maps) error {
	if x == nil {
		return nil
	}
	if s.Kind == "" {
		s.Kind = SCov // WithDefaults' family
	}
	var why string
	zeroOnly := false
	switch {
	case s.Kind == WST && !s.Local && s.Synthesis:
		why = "S1 = S2 = 0, so log S1 and log S2 are −Inf"
	case s.Kind == WST && !s.Local && s.Iso:
		why = "S1 = S2 = 0, so s21 = ⟨S2_iso⟩/S1_iso and s22 = S2_iso(Δl=0)/S2_iso(Δl=L/2) are 0/0"
	case s.Kind == WPH && strings.EqualFold(s.Norm, "auto"):
		why, zeroOnly = "PyWPH norm auto's reference constants enter through ⟨|x|⟩/⟨|x|⟩ = 0/0, so every coefficient is NaN", true
	case (s.Kind == SCov || s.Kind == Spectra) && !s.Cross && (s.Iso || s.Synthesis || s.Kind == Spectra):
		why = "P00 = S1 = 0 and the standard deviation is 0, so log P00, log S1 are −Inf and mean/std is a division by 0"
	default:
		return nil
	}
	n := x.M * x.N
	rows := x.M
	if s.Cross {
		rows = x.M / 2
	}
	if s.Complex {
		// z = Q + iU is one map: the stacked pair is zero everywhere or not
		rows = x.M
	}
	for b := 0; b < x.B && (b+1)*n <= len(x.Data); b++ {
		m := x.Data[b*n : (b+1)*n]
		parts := 1
		if s.Cross {
			parts = 2
		}
		for h := 0; h < parts; h++ {
			if s.Cross && s.Kind == WPH && h == 1 {
				continue // the second map of a wph pair does not enter ⟨|x|⟩
			}
			v, constant := stlayer.ConstantValue(m[h*rows*x.N : (h+1)*rows*x.N])
			if constant && (!zeroOnly || v == 0) {
				return &ConstantMapError{Spec: s, Map: b, Second: h == 1, Value: v, Why: why}
			}
		}
	}
	return nil
}

// CheckConstantRef refuses x as the reference of wph norm auto (the maps
// whose factor means and σ the statistic divides by; stkit stats' batch
// itself) when every map of it is constant (for Complex, every z = Q + iU
// of its pairs): the σ is then 0 (counted as 1) or round-off, and the
// coefficients are ratios of round-off, not a shape (64² of 0.001: L(j=0,
// p=0, 0) = −2.89, every other coefficient ≤ 4e-23; 32², J = 2: 1.0).
// For Cross the two maps of a pair are normalised apart, each by the
// factors of its own side of the batch: it refuses a batch whose first
// maps are all constant, or whose second maps are (wph.IsConstantCrossRef;
// Second set for the latter), where every cross moment correlates the
// other map with round-off (32² white noise against a map of 0.001 or 0,
// J = 3: S11(j=0, l=0) = 0.645, |C| up to 0.78, where the raw moments are
// 1e-17). BuildWithRef calls it on its reference, so stkit stats' batch,
// synth's target and stats --compare-ref pooled's two sets together are
// refused alike. It returns a *ConstantMapError with Ref set for map 0
// (for Complex with Imag, U's value, beside Q's; for Cross Value is the
// constant map's), nil for other statistics and when one map of x varies
// (for Cross, one first map and one second map; wph.IsConstantRef and
// IsConstantCrossRef, which wph's FitNorm asks too). CheckConstant's tests
// still apply: call both. A spec that BuildWithRef refuses for its options
// (e.g. complex wph with Cross, Iso or Synthesis) gets BuildWithRef's error
// (fixa25: it was answered as if valid, "the complex map z = Q + iU of
// pair 0 is constant (Q = 0.001, U = 0 everywhere)" for Cross, a U never
// read). The options are checked with the defaults set (Spec.WithDefaults),
// as BuildWithRef checks them: --cut 0.5 is the default border and the
// default --pad is named (rev1 s25: the raw spec's check refused Cut 0.5,
// which BuildWithRef builds, and named "--pad " for its periodic default).
func CheckConstantRef(s Spec, x *stlayer.Maps) error {
	if x == nil || s.Kind != WPH || !strings.EqualFold(s.Norm, "auto") {
		return nil
	}
	// the sizes set only J, which checkFamilyOptions does not read
	if err := checkFamilyOptions(s.WithDefaults(x.M, x.N)); err != nil {
		return err
	}
	if s.Cross {
		first, second := wph.IsConstantCrossRef(x)
		if !first && !second {
			return nil
		}
		which, off := "first", 0
		if !first {
			which, off = "second", x.M*x.N/2
		}
		why := fmt.Sprintf("every %s map of the batch's pairs, their reference, is constant", which)
		if x.B == 1 {
			why = "the map is its own reference"
		}
		why += ", and the pair's maps are normalised apart"
		return &ConstantMapError{Spec: s, Map: 0, Second: !first, Value: x.Data[off], Ref: true, Why: why}
	}
	if !wph.IsConstantRef(x, s.Complex) {
		return nil
	}
	which := "every map of the batch, its reference, is constant"
	if x.B == 1 {
		which = "the map is its own reference"
	}
	e := &ConstantMapError{Spec: s, Map: 0, Value: x.Data[0], Ref: true, Why: which}
	if s.Complex {
		e.Imag = x.Data[x.M*x.N/2] // U's first pixel: Q and U stacked by rows (StackPair)
	}
	return e
}
