package stats

import (
	"errors"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// BuildWithRef refuses a constant reference on which the measured reference
// is undefined with CheckConstant's *ConstantMapError (scov iso and spectra
// said 'reference P00 must be positive, got 0'); a raw statistic, which
// measures no reference, still builds.
func TestBuildWithRefConstantReference(t *testing.T) {
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		x.Data[i] = 3
	}
	for _, s := range []Spec{{Kind: SCov, J: 3, Iso: true}, {Kind: Spectra, J: 3}, {Kind: SCov, J: 3, Synthesis: true}} {
		_, err := BuildWithRef(s, cpu.New(), x)
		var ce *ConstantMapError
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want a *ConstantMapError", s, err)
		}
	}
	if _, err := BuildWithRef(Spec{Kind: SCov, J: 3}, cpu.New(), x); err != nil {
		t.Errorf("scov raw: %v", err)
	}
}
