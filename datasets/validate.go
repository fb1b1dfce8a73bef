package datasets

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// ValidationError reports maps that cannot be used: wrong shape for the
// requested number of scales, non-finite pixels, pixels holding HEALPix's
// UNSEEN value, an array that is not a map. Path names the file when the
// maps came from one.
type ValidationError struct {
	Path string
	Msg  string
	// Unseen is the number of pixels holding HEALPix's UNSEEN value when
	// the maps are refused for them (CheckUnseen), else 0.
	Unseen int
	// Hint, when not empty, says what to do; Error prints it after Msg.
	// CheckUnseen sets it, so that a program can replace it with advice in
	// its own terms (its flags) and keep Msg.
	Hint string
	// cause is the kind of refusal (causeSize, …), for Unwrap.
	cause int
}

// Unwrap returns the stlayer sentinel the refusal matches (errors.Is), as
// the statistics' own refusals do: stlayer.ErrSize for maps whose shape no
// statistic can take (nil, empty, Data of another length, 1-D, odd sides
// where even ones are needed), stlayer.ErrScales for a J out of range or
// too large for the maps (ValidateMaps' divisibility by 2^J included),
// stlayer.ErrNonFinite for NaN or ±Inf pixels; nil for HEALPix's UNSEEN
// value (finite: no sentinel says it) and for errors made elsewhere.
func (e *ValidationError) Unwrap() error {
	switch e.cause {
	case causeSize:
		return stlayer.ErrSize
	case causeScales:
		return stlayer.ErrScales
	case causeNonFinite:
		return stlayer.ErrNonFinite
	}
	return nil
}

func (e *ValidationError) Error() string {
	s := "datasets: " + e.Msg
	if e.Path != "" {
		s = "datasets: " + e.Path + ": " + e.Msg
	}
	if e.Hint != "" {
		s += ". " + e.Hint
	}
	return s
}

// Unseen is HEALPix's UNSEEN value (healpy.UNSEEN), which marks missing
// pixels in HEALPix maps (Planck's among them) and in the flat patches
// projected from them (healpy.gnomview, reproject keep it). It is finite, so
// that without a check the statistics would take it for a value (means of
// −3·10²⁶ and variances of 10⁵⁶ on a map with a few such pixels). It is
// stlayer.Unseen, the one definition (package stats checks its reference
// maps with it too).
const Unseen = stlayer.Unseen

// IsUnseen reports whether x is Unseen with healpy's tolerance (mask_bad:
// |x − UNSEEN| ≤ 1e-8 + 1e-5·|UNSEEN|), so that the value rounded to float32
// (a BITPIX −32 image, a float32 .npy) is caught too: stlayer.IsUnseen.
func IsUnseen(x float64) bool { return stlayer.IsUnseen(x) }

// CountUnseen returns how many pixels of m hold HEALPix's UNSEEN value
// (IsUnseen) and the flat index in m.Data of the first (−1 for none):
// stlayer.CountUnseen.
func CountUnseen(m *stlayer.Maps) (n, first int) { return stlayer.CountUnseen(m) }

// unseenHint is what CheckUnseen's error (ValidationError.Hint) tells to do.
const unseenHint = "Fill them first (e.g. by inpainting) or cut out a region without them; " +
	"CutPatches with PatchConfig.SkipNaN leaves out the patches that hold them"

// CheckUnseen refuses maps that hold HEALPix's UNSEEN value (IsUnseen) with
// a *ValidationError whose Unseen is their number: "3 pixels of 16384 hold
// -1.6375e30, HEALPix's UNSEEN value for missing data (first: map 0 at row
// 5, column 7; indices count from 0 as in numpy, FITS pixel x=8, y=6); the
// statistics would take them for values", then the Hint (fill them or cut
// out a region without them; CutPatches with SkipNaN leaves out the patches
// that hold them). ValidateMaps calls it; nil maps pass (ValidateMaps
// refuses them).
func CheckUnseen(m *stlayer.Maps) error {
	n, first := CountUnseen(m)
	if n == 0 {
		return nil
	}
	verb := "hold"
	if n == 1 {
		verb = "holds"
	}
	return &ValidationError{
		Msg: fmt.Sprintf("%d pixel%s of %d %s -1.6375e30, HEALPix's UNSEEN value for missing data (first: %s); the statistics would take them for values",
			n, plural(n), len(m.Data), verb, PixelAt(m, first)),
		Unseen: n,
		Hint:   unseenHint,
	}
}

// PixelAt names pixel i (flat index into m.Data) of a batch as the package's
// errors do: "map 0 at row 12, column 5; indices count from 0 as in numpy,
// FITS pixel x=6, y=13", with the FITS plane for a batch of several maps.
func PixelAt(m *stlayer.Maps, i int) string {
	b, r, c := i/(m.M*m.N), i/m.N%m.M, i%m.N
	fits := fmt.Sprintf("x=%d, y=%d", c+1, r+1)
	if m.B > 1 {
		fits += fmt.Sprintf(" of plane %d", b+1)
	}
	return fmt.Sprintf("map %d at row %d, column %d; indices count from 0 as in numpy, FITS pixel %s", b, r, c, fits)
}

// maxJ bounds the number of scales ValidateMaps accepts (2^30 pixels a side).
const maxJ = 30

// ValidateMaps checks that a batch of maps can go through an operator with J
// dyadic scales (j = 0 … J−1): B ≥ 1; len(Data) = B·M·N; M, N ≥ 2 (no empty,
// 1-pixel or 1-D maps); M and N divisible by 2^J and min(M, N) > 2^J, i.e.
// both at least 2^(J+1); every pixel finite and none holding HEALPix's
// UNSEEN value −1.6375e30 (missing data, see CheckUnseen). J = 0 only asks
// for 2×2 maps or larger. The error (a *ValidationError) says what is wrong,
// e.g. "J=7 needs maps of at least 256×256 pixels divisible by 128; got
// 100×100" or "3 non-finite pixels (first: NaN in map 0 at row 12, column
// 5); …" (0-based, with the FITS pixel and what to do); for UNSEEN pixels
// it is CheckUnseen's.
//
// The divisibility by 2^J is this function's contract, stricter than any
// statistic needs: every family (wst, wph, scov, spectra, with either
// engine) takes maps of any size from 2^(J+1) pixels a side, and the global
// wst, scov and spectra only ask for even sides (measured: translation
// invariance and agreement between the engines are the same on 100×100
// maps as on 128×128). One engine limit remains: the graph engine's
// four-step FFT (the pure-Go backend's) refuses a side with a prime factor
// above 128, e.g. 262 = 2·131 or 501 = 3·167, with an error matching
// stlayer.ErrSize; the cpu engine and XLA's native FFT take it.
// ValidateMapsFor checks the rule of one statistic, and is what stkit's
// commands use.
func ValidateMaps(m *stlayer.Maps, J int) error { return ValidateMapsRule(m, DivisibleRule(J)) }

// checkBatch refuses what no statistic can take whatever its scales: nil
// maps, an empty batch, Data of another length than B·M·N, 1×1 and 1-D
// maps (ValidateMaps' first checks).
func checkBatch(m *stlayer.Maps) error {
	fail := func(format string, a ...any) error {
		return &ValidationError{Msg: fmt.Sprintf(format, a...), cause: causeSize}
	}
	if m == nil {
		return fail("no maps (nil)")
	}
	if m.B < 1 || m.M < 1 || m.N < 1 {
		return fail("empty batch of maps: B=%d, M=%d, N=%d", m.B, m.M, m.N)
	}
	if m.B > math.MaxInt/m.M/m.N || len(m.Data) != m.B*m.M*m.N {
		return fail("maps declare B×M×N = %d×%d×%d but hold %d values", m.B, m.M, m.N, len(m.Data))
	}
	if m.M == 1 && m.N == 1 {
		return fail("maps of 1×1 pixel")
	}
	if m.N == 1 && m.B > 1 {
		return fail("maps of %d×1 pixels are 1-D; 2-D maps are needed (an array of shape (%d, %d, 1) is read as %d maps of %d×1 pixels: "+
			"for one %d×%d map with a trailing channel axis, save x[..., 0])", m.M, m.B, m.M, m.B, m.M, m.B, m.M)
	}
	if m.M == 1 || m.N == 1 {
		return fail("maps of %d×%d pixels are 1-D; 2-D maps are needed", m.M, m.N)
	}
	return nil
}

// checkPixels refuses non-finite pixels and HEALPix's UNSEEN value
// (ValidateMaps' last checks); m must pass checkBatch.
func checkPixels(m *stlayer.Maps) error {
	bad, first := 0, -1
	for i, x := range m.Data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		x := m.Data[first]
		b, r, c := first/(m.M*m.N), first/m.N%m.M, first%m.N
		fits := fmt.Sprintf("x=%d, y=%d", c+1, r+1)
		if m.B > 1 {
			fits += fmt.Sprintf(" of plane %d", b+1)
		}
		return &ValidationError{Msg: fmt.Sprintf("%d non-finite pixel%s (first: %v in map %d at row %d, column %d); indices count from 0 as in numpy (FITS pixel %s). "+
			"The maps must be finite: fill or cut out masked (NaN) regions first, e.g. with np.nan_to_num or by inpainting",
			bad, plural(bad), x, b, r, c, fits), cause: causeNonFinite}
	}
	return CheckUnseen(m)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
