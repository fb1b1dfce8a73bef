package stlayer

import (
	"errors"
	"fmt"
	"math"
)

// Sentinel errors: the refusals of the engines (Forward, LossGrad), of
// package stats (Forward, Build, BuildWithRef, BuildStored) and of the
// statistics' constructors match one of them with errors.Is, whatever
// wraps them (infer's input errors keep the chain), so that a program can
// tell the kinds apart without reading the messages, which are unchanged:
//
//	c, err := eng.Forward(op.Key(), op.Stat(), x)
//	switch {
//	case errors.Is(err, stlayer.ErrNonFinite): // NaN or ±Inf in the maps
//	case errors.Is(err, stlayer.ErrSize):      // maps of a size that cannot be used
//	}
//
// An *ErrShape carries its sentinel in its Kind field (errors.As still finds
// the *ErrShape); an invalid primitive argument met by an engine (a bug in a
// statistic) is an *ErrShape matching none of them.
var (
	// ErrNonFinite: the maps hold a NaN or ±Inf value (the message names the
	// first one: map, row, column). Fill or cut out masked regions first.
	ErrNonFinite = errors.New("non-finite value in the maps")
	// ErrSize: the maps' shape is unusable: nil maps, an empty batch, a Data
	// length other than B·M·N, an odd number of rows for pairs stacked by
	// rows, a map size the statistic cannot take whatever its scales (odd
	// sides, below its smallest size), or another size than the operator was
	// built for.
	ErrSize = errors.New("maps of a size that cannot be used")
	// ErrScales: the number of scales J, of orientations L or the shift step
	// DN is out of range, on its own (J < 1, L above the family's limit) or
	// for the map size (2^J too large for the maps: lower J or give larger
	// maps).
	ErrScales = errors.New("scales or orientations out of range for the map size")
	// ErrKind: an unknown statistics family (stats.Spec.Kind other than wst,
	// wph, scov or spectra).
	ErrKind = errors.New("unknown statistics kind")
)

// Unwrap returns e.Kind (ErrSize, ErrScales, …; nil when unset), so that
// errors.Is(err, ErrSize) holds for a shape error of that kind.
func (e *ErrShape) Unwrap() error { return e.Kind }

// WithKind returns an error with err's message that matches kind (errors.Is)
// and still everything err matches (errors.Is, errors.As): kind is one of
// the sentinels above. It returns nil for a nil err.
func WithKind(err, kind error) error {
	if err == nil {
		return nil
	}
	return &kindError{err: err, kind: kind}
}

type kindError struct{ err, kind error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// NonFiniteError returns the error refusing a non-finite value at index i
// of x.Data (x must pass Check), matching ErrNonFinite: prefix, then
// "non-finite value NaN in map 0 at row 1, column 36" (CheckFinite's
// wording).
func NonFiniteError(prefix string, x *Maps, i int) error {
	mn := x.M * x.N
	return WithKind(fmt.Errorf("%snon-finite value %g in map %d at row %d, column %d", prefix, x.Data[i], i/mn, i%mn/x.N, i%x.N), ErrNonFinite)
}

// ScanMaps returns, in one pass over x (which must pass Check), the index
// in x.Data of its first NaN or ±Inf value (−1 when all are finite) and,
// as SmallMap, the first map whose largest |value| amax is positive and
// below floor (small = −1 when there is none, or when a value is not
// finite: the scan stops there).
func ScanMaps(x *Maps, floor float64) (bad, small int, amax float64) {
	bad, small = -1, -1
	mn := x.M * x.N
	for b := 0; b < x.B; b++ {
		m := 0.0
		for j, v := range x.Data[b*mn : (b+1)*mn] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return b*mn + j, -1, 0
			}
			m = max(m, math.Abs(v))
		}
		if small < 0 && m > 0 && m < floor {
			small, amax = b, m
		}
	}
	return bad, small, amax
}
