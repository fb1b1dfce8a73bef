package wst

import (
	"errors"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// New's local bound: 2^J = min(M, N) is refused (Kymatio's reflect padding
// would be 2^J pixels per side of a 2^J-pixel axis), 2^J + 2 pixels are
// accepted with P = 3·2^J and 2^J − 1 pixels of padding per side
// (KymatioPaddedSize), and the output has P/2^J − 2 = 1 pixel per side.
func TestLocalScaleBound(t *testing.T) {
	var es *stlayer.ErrShape
	if _, err := New(Config{J: 5, L: 4, Local: true}, 32, 32); !errors.As(err, &es) {
		t.Errorf("J = 5 on 32²: %v (%T), want *stlayer.ErrShape", err, err)
	}
	op, err := New(Config{J: 5, L: 4, Local: true}, 34, 40)
	if err != nil {
		t.Fatal(err)
	}
	P, Q := op.PaddedSize()
	h, w := op.OutputSize()
	if P != 96 || Q != 96 || KymatioPaddedSize(34, 5) != 96 || h != 1 || w != 1 {
		t.Errorf("34×40, J = 5: padded %d×%d, output %d×%d, want 96×96 and 1×1", P, Q, h, w)
	}
	if top := (P - 34) / 2; top != 31 {
		t.Errorf("34 rows, J = 5: %d rows of padding on top, want 2^J − 1 = 31", top)
	}
}
