package infer

import (
	"errors"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// checkMaps returns an input error (ErrModelInput, and stlayer.ErrSize)
// when x is nil, has a non-positive B, M or N, or holds a Data slice whose
// length is not B·M·N; with b > 0 it also requires exactly b maps. name
// says which argument it is.
func checkMaps(name string, x *stlayer.Maps, b int) error {
	switch {
	case x == nil:
		return sizeInputErrorf("%s: no maps (nil)", name)
	case x.B < 1 || x.M < 1 || x.N < 1:
		return sizeInputErrorf("%s: empty batch [%d, %d, %d] (B, M and N must be ≥ 1)", name, x.B, x.M, x.N)
	case len(x.Data) != x.B*x.M*x.N:
		return sizeInputErrorf("%s: %d values for a batch [%d, %d, %d] of %d pixels", name, len(x.Data), x.B, x.M, x.N, x.B*x.M*x.N)
	case b > 0 && x.B != b:
		return sizeInputErrorf("%s: %d maps, want %d", name, x.B, b)
	}
	return nil
}

// checkFiniteMaps is checkMaps followed by checkPixels.
func checkFiniteMaps(name string, x *stlayer.Maps, b int) error {
	if err := checkMaps(name, x, b); err != nil {
		return err
	}
	return checkPixels(name, x)
}

// checkPixels returns an input error (ErrModelInput, and
// stlayer.ErrNonFinite) naming the first non-finite pixel of x, or, when every pixel is finite, the error of
// datasets.CheckUnseen for pixels holding HEALPix's UNSEEN value −1.6375e30
// (missing data, finite: the statistics would take it for a value):
// "name: 1 pixel of 256 holds -1.6375e30, HEALPix's UNSEEN value for
// missing data (first: map 0 at row 3, column 5; …); the statistics would
// take them for values. Fill them first …", which wraps the
// *datasets.ValidationError (errors.As finds it, with its Unseen count).
// x must have passed checkMaps.
func checkPixels(name string, x *stlayer.Maps) error {
	if err := finite(name, x); err != nil {
		return asInput(stlayer.WithKind(err, stlayer.ErrNonFinite))
	}
	var ve *datasets.ValidationError
	if err := datasets.CheckUnseen(x); errors.As(err, &ve) {
		return asInput(&unseenError{name: name, ve: ve})
	}
	return nil
}

// unseenError is datasets.CheckUnseen's error for the argument name,
// without datasets' "datasets: " prefix.
type unseenError struct {
	name string
	ve   *datasets.ValidationError
}

func (e *unseenError) Error() string {
	s := e.ve.Msg
	if e.name != "" {
		s = e.name + ": " + s
	}
	if e.ve.Hint != "" {
		s += ". " + e.ve.Hint
	}
	return s
}

func (e *unseenError) Unwrap() error { return e.ve }
