package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// TestMisc2OwnRefConstantWPHAuto: CoeffsOwnRef under wph norm auto took a
// constant non-zero map without a word (spectra refuses it), giving
// coefficients that are 0 (a map of 3) or ratios of round-off (up to 1.0
// for a map of 0.001): the map is its own reference, σ = 0. It is refused
// now, naming the map; wph norm none and a pooled reference are untouched.
func TestMisc2OwnRefConstantWPHAuto(t *testing.T) {
	eng := cpu.New()
	spec := stats.Spec{Kind: stats.WPH, J: 2, Norm: "auto"}
	w, err := datasets.WhiteNoise(32, 32, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{3, 1e-3} {
		x := stlayer.NewMaps(2, 32, 32)
		copy(x.Map(0), w)
		for i := range x.Map(1) {
			x.Map(1)[i] = v
		}
		// the map as its own reference: stats.BuildWithRef refuses it
		// (misc2, session 22), and so does wph's own norm auto fitted on it
		// (wph.ErrConstantRef, c15a98d); before, both gave finite ratios of
		// round-off (0 for v = 3, ~1 for v = 0.001)
		one := &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(1)}
		var ce *stats.ConstantMapError
		if _, err := stats.BuildWithRef(spec, eng, one); !errors.As(err, &ce) || !ce.Ref {
			t.Errorf("v = %g: stats.BuildWithRef on the constant map: %v, want CheckConstantRef's refusal", v, err)
		}
		op, err := wph.New(wph.Config{J: 2, L: 4, Norm: wph.NormAuto}, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := op.Forward(eng, one); !errors.Is(err, wph.ErrConstantRef) {
			t.Errorf("v = %g: wph norm auto fitted on the constant map: %v, want wph.ErrConstantRef", v, err)
		}
		_, err = CoeffsOwnRef(eng, spec, x)
		want := "map 1 is constant (every pixel " + map[float64]string{3: "3", 1e-3: "0.001"}[v] + "): wph with norm auto is undefined on it (with the map as its own reference"
		if !errors.Is(err, ErrModelInput) || !errors.As(err, &ce) || ce.Map != 1 || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--compare-ref pooled") {
			t.Errorf("v = %g: %v; want ErrModelInput, a ConstantMapError of map 1, %q", v, err, want)
		}
		// wph norm none: finite and defined (0): kept
		if _, err := CoeffsOwnRef(eng, stats.Spec{Kind: stats.WPH, J: 2}, x); err != nil {
			t.Errorf("v = %g, wph norm none: %v", v, err)
		}
	}
	// complex: the pair (Q, U) stacked by rows, both constant
	z := stlayer.NewMaps(1, 64, 32)
	for i := range z.Data {
		z.Data[i] = 2
		if i >= 32*32 {
			z.Data[i] = -1
		}
	}
	cs := stats.Spec{Kind: stats.WPH, J: 2, Norm: "auto", Complex: true}
	if _, err := CoeffsOwnRef(eng, cs, z); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "the complex map z = Q + iU of pair 0 is constant (Q = 2, U = -1 everywhere)") {
		t.Errorf("complex constant z: %v", err)
	}
	// a constant Q with a varying U is a varying z: kept
	copy(z.Data[32*32:], w)
	if _, err := CoeffsOwnRef(eng, cs, z); err != nil {
		t.Errorf("complex, Q constant, U varying: %v", err)
	}
}
