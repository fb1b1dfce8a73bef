package infer

import (
	"errors"
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// sizeInputErrorf formats an input error (ErrModelInput) about the shape or
// size of maps, which also matches stlayer.ErrSize (errors.Is), as the
// engines' and package stats' refusals of such maps do.
func sizeInputErrorf(format string, a ...any) error {
	return modelInputError{stlayer.WithKind(fmt.Errorf(format, a...), stlayer.ErrSize)}
}

// termError is the error of Loss.Eval and SepLoss.Eval when the engine
// refuses to evaluate term name on the maps: "term name: " and the engine's
// message. A refusal of non-finite maps (stlayer.ErrNonFinite: the
// optimiser's iterate left the finite numbers, or Eval was given NaN maps)
// also matches ErrNonFinite, as the NaN loss the engines computed on such
// maps before they refused them did, so that Minimize and the separations
// still stop as diverged and keep the best maps; a shape error is an input
// error (shapeAsInput).
func termError(name string, err error) error {
	err = fmt.Errorf("term %s: %w", name, err)
	if errors.Is(err, stlayer.ErrNonFinite) {
		return nonFiniteMapsError{err}
	}
	return shapeAsInput(err)
}

type nonFiniteMapsError struct{ err error }

func (e nonFiniteMapsError) Error() string        { return e.err.Error() }
func (e nonFiniteMapsError) Unwrap() error        { return e.err }
func (e nonFiniteMapsError) Is(target error) bool { return target == ErrNonFinite }
