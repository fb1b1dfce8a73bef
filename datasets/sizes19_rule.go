package datasets

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The kinds of refusal a *ValidationError records (Unwrap).
const (
	causeNone      = iota
	causeSize      // the maps' shape: nil, empty, 1-D, odd sides, not divisible
	causeScales    // J out of range, or too large for the map size
	causeNonFinite // NaN or ±Inf pixels
)

// evenMinSide is the smallest side of the statistics computed on Cheng's
// cropped Fourier grids (the global wst, scov, spectra): twice
// filters.ChengMinHalfCrop, which the families check themselves.
const evenMinSide = 16

// SizeRule is what a statistic asks of the size of the M×N maps it takes
// (RuleFor), or ValidateMaps' stricter rule (DivisibleRule). The smallest
// side for J scales is 2^(J+1) for every family: the wavelets of the
// coarsest scale j = J−1 are sampled correctly from there on (the squared
// norm of the discrete filter is within 1% of its value on a large map at
// 2^(J+1) pixels a side; at 2^J it is 0.35 times it for the Morlet, 1.4
// times for the bump-steerable wavelet, and all of it on the lowest
// frequencies |k| ≤ 1). No family needs the sides divisible by 2^J: the
// statistics of a periodic map are invariant under circular shifts to
// round-off at any size (wph, scov, spectra, the classic wst; the fast
// global wst to the same 1e-4 as at divisible sizes, its Fourier cropping
// working on ⌈M/2^j⌉ modes).
type SizeRule struct {
	// Name is what the rule is for in messages ("scov", "wst local", …).
	Name string
	// J is the number of dyadic scales.
	J int
	// MinSide is the smallest side: 2^(J+1), at least 16 with Even, above
	// twice the border Pad "crop" cuts (Cut), or ValidateMaps' 2^(J+1).
	MinSide int
	// Even: both sides must be even (the global wst, scov and spectra,
	// whose cropped Fourier grids need it).
	Even bool
	// Divisible: both sides must be multiples of 2^J (ValidateMaps only).
	Divisible bool
	// Cut is the border in pixels per side that Pad "crop" leaves out (0
	// without it): the map must keep pixels inside it.
	Cut int
}

// DivisibleRule is ValidateMaps' rule for J scales: sides multiples of 2^J
// and min(M, N) > 2^J, i.e. at least 2^(J+1) pixels.
func DivisibleRule(J int) SizeRule {
	return SizeRule{Name: fmt.Sprintf("J=%d", J), J: J, MinSide: minSide(J), Divisible: true}
}

// minSide is 2^(J+1), or 0 for a J out of 0…30 (which Check refuses).
func minSide(J int) int {
	if J < 0 || J > maxJ {
		return 0
	}
	return 2 << J
}

// MinSideRule is the size rule every family shares for J scales: maps of
// at least 2^(J+1) pixels a side, any parity (wph's and the local wst's
// rule; the global wst, scov and spectra also need even sides: RuleFor).
// J = 0 asks for 2×2 maps, as ValidateMaps.
func MinSideRule(J int) SizeRule { return SizeRule{J: J, MinSide: minSide(J)} }

// RuleFor returns the size rule of statistic s on M×N maps (pairs stacked
// by rows for Cross or Complex count as M×N: the rule is per map). J = 0
// in s is the default for the map size (stats.Spec.WithDefaults), as is an
// empty Kind (scov). Every family needs min(M, N) ≥ 2^(J+1); the global
// wst, scov and spectra (any variant) also even sides, at least 16 pixels;
// wph and the local wst take any parity. With Pad "crop" (wph, scov,
// spectra) the sides must also exceed twice the cut border
// (Spec.CutPixels).
func RuleFor(s stats.Spec, M, N int) SizeRule {
	s = s.WithDefaults(M, N)
	r := SizeRule{Name: string(s.Kind), J: s.J, MinSide: minSide(s.J)}
	switch {
	case s.Kind == stats.WST && s.Local:
		r.Name = "wst local"
	case s.Kind == stats.WST, s.Kind == stats.SCov, s.Kind == stats.Spectra:
		r.Even = true
	}
	if s.Pad == "crop" && s.Kind != stats.WST && r.MinSide > 0 {
		r.Cut = s.CutPixels()
		r.MinSide = max(r.MinSide, 2*r.Cut+1)
	}
	if r.Even {
		r.MinSide = max(r.MinSide, evenMinSide)
		r.MinSide += r.MinSide % 2
	}
	return r
}

// Fits reports whether M×N maps satisfy the rule.
func (r SizeRule) Fits(M, N int) bool { return r.Check(M, N) == nil }

// Check returns nil when M×N maps satisfy the rule, else a
// *ValidationError: "J=6 needs maps of at least 128×128 pixels for scov
// (2^(J+1)); got 100×100" (too small: a crop cannot help, a smaller J
// can), or "scov needs maps with even sides (Cheng's cropped Fourier
// grids); got 501×501" with the Hint "Crop the maps to 500×500 pixels
// (numpy: x[:500, :500]; any 500×500 window will do)"; a J out of 0…30 is
// refused ("J=31 out of range 0..30"). For DivisibleRule
// it is ValidateMaps' message, "J=5 needs maps of at least 64×64 pixels
// divisible by 32; got 500×500". M and N must be ≥ 1.
func (r SizeRule) Check(M, N int) error {
	if r.J < 0 || r.J > maxJ {
		return &ValidationError{Msg: fmt.Sprintf("J=%d out of range 0..%d", r.J, maxJ), cause: causeScales}
	}
	step := 1 << r.J
	small := min(M, N) < r.MinSide
	odd := r.Even && (M%2 != 0 || N%2 != 0)
	notDiv := r.Divisible && (M%step != 0 || N%step != 0)
	if !small && !odd && !notDiv {
		return nil
	}
	if r.Divisible {
		return &ValidationError{Msg: fmt.Sprintf("J=%d needs maps of at least %d×%d pixels divisible by %d; got %d×%d", r.J, r.MinSide, r.MinSide, step, M, N), cause: causeScales}
	}
	if small {
		even := ""
		if odd {
			even = " with even sides"
		}
		why := "2^(J+1)"
		if r.Cut > 0 && 2*r.Cut+1 > 2<<r.J {
			why = fmt.Sprintf("more than twice the %d-pixel border that Pad crop cuts", r.Cut)
		} else if r.Even && r.MinSide > 2<<r.J {
			why = fmt.Sprintf("at least %d for Cheng's cropped Fourier grids", evenMinSide)
		}
		what := ""
		if r.Name != "" {
			what = " for " + r.Name
		}
		return &ValidationError{Msg: fmt.Sprintf("J=%d needs maps of at least %d×%d pixels%s%s (%s); got %d×%d", r.J, r.MinSide, r.MinSide, even, what, why, M, N), cause: causeScales}
	}
	return &ValidationError{Msg: fmt.Sprintf("%s needs maps with even sides (Cheng's cropped Fourier grids); got %d×%d", r.Name, M, N),
		Hint: cropHint(M&^1, N&^1), cause: causeSize}
}

// cropHint is the advice to crop the maps to m×n pixels.
func cropHint(m, n int) string {
	return fmt.Sprintf("Crop the maps to %d×%d pixels (numpy: x[:%d, :%d], or x[:, :%d, :%d] for a batch; any %d×%d window will do)", m, n, m, n, m, n, m, n)
}

// LargestJ returns the largest J ≥ 1 that statistic s allows on M×N maps
// (RuleFor with that J fits), or 0 when none does (maps below 4 pixels a
// side, odd sides where even ones are needed, or a Pad "crop" border too
// wide even for J = 1).
func LargestJ(s stats.Spec, M, N int) int {
	best := 0
	for J := 1; J <= maxJ && 2<<J <= min(M, N); J++ {
		s.J = J
		if RuleFor(s, M, N).Fits(M, N) {
			best = J
		}
	}
	return best
}

// ValidateMapsFor is ValidateMaps with the size rule of statistic s
// (RuleFor: any size from 2^(J+1) pixels a side; even sides for the global
// wst, scov and spectra; more than twice the border of Pad "crop") instead
// of divisibility by 2^J: a 500×500 map passes for J = 6 with every
// family. The other checks are ValidateMaps' (a batch of 2-D maps, J in
// 0…30, finite pixels, no HEALPix UNSEEN value). J = 0 in s is the
// default for the map size (stats.Spec.WithDefaults). The error is a
// *ValidationError (SizeRule.Check's for the size).
func ValidateMapsFor(m *stlayer.Maps, s stats.Spec) error {
	if err := checkBatch(m); err != nil {
		return err
	}
	return ValidateMapsRule(m, RuleFor(s, m.M, m.N))
}

// ValidateMapsRule is ValidateMaps with the size rule r (RuleFor,
// MinSideRule, DivisibleRule(J), which gives ValidateMaps itself): a
// batch of 2-D maps of a size r accepts (SizeRule.Check), r.J in 0…30,
// finite pixels, no HEALPix UNSEEN value. The error is a *ValidationError.
func ValidateMapsRule(m *stlayer.Maps, r SizeRule) error {
	if err := checkBatch(m); err != nil {
		return err
	}
	if err := r.Check(m.M, m.N); err != nil {
		return err
	}
	return checkPixels(m)
}
