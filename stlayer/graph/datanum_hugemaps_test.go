package graph

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// As in the cpu engine, a Maps header whose B·M·N overflows int passed
// checkMaps when the wrapped product equalled len(Data) ([2⁶²+1, 4, 1] with 4
// values, [2³², 2³², 1] with none); checkMaps now refuses an overflowing
// product and a batch whose complex128 field (16·B·M·N bytes) would not fit
// int, with an ErrShape. No batch is allocated.
func TestCheckMapsHugeDimensions(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(x)) }
	cases := []struct {
		name string
		x    *stlayer.Maps
		frag []string
	}{
		{"wraps to 4", &stlayer.Maps{B: 1<<62 + 1, M: 4, N: 1, Data: make([]float64, 4)}, []string{"graph: maps [4611686018427387905,4,1]", "B·M·N overflows int"}},
		{"wraps to 0", &stlayer.Maps{B: 1 << 32, M: 1 << 32, N: 1}, []string{"[4294967296,4294967296,1]", "B·M·N overflows int"}},
		{"field too large", &stlayer.Maps{B: 1 << 30, M: 1 << 30, N: 1 << 2}, []string{"[1073741824,1073741824,4]", "B·M·N = 4611686018427387904 values is too large", "16·B·M·N bytes"}},
		{"length", &stlayer.Maps{B: 2, M: 3, N: 4, Data: make([]float64, 23)}, []string{"[2,3,4] with 23 values", "want 24"}},
	}
	var es *stlayer.ErrShape
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Forward("huge", stat, c.x)
			if !errors.As(err, &es) {
				t.Fatalf("Forward: error %v (%T), want an ErrShape", err, err)
			}
			for _, f := range c.frag {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("Forward error %q does not contain %q", err, f)
				}
			}
			if _, _, err := e.LossGrad("huge", stat, c.x, testutil.SumAbs2); !errors.As(err, &es) {
				t.Errorf("LossGrad: error %v, want an ErrShape", err)
			}
		})
	}
}
