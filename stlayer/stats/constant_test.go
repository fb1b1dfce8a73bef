package stats

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// A constant map gave −Inf or NaN in some variants (wst iso s21/s22, wst and
// scov synthesis logs, spectra, wph norm auto on a zero map) with no word
// of why. CheckConstant now says, per spec, whether the statistic is
// undefined on a constant map. The sweep pins its verdict on a constant
// 64×64 map (value 3 and 0) against the statistic itself, evaluated with a
// non-constant reference: refused ⇔ some coefficient is not finite. With
// the constant map as its own reference (stkit stats), a variant that is
// not refused builds and is finite, except wph norm auto, which
// BuildWithRef refuses with CheckConstant's ConstantMapError on a zero
// reference and with CheckConstantRef's on any other constant one.
func TestConstantMapSweep(t *testing.T) {
	const M = 64
	eng := cpu.New()
	field := func(phase float64) *stlayer.Maps {
		x := stlayer.NewMaps(1, M, M)
		for i := range x.Data {
			r, c := float64(i/M), float64(i%M)
			x.Data[i] = math.Exp(math.Sin(0.4*r+phase) + math.Cos(0.3*(r+2*c)))
		}
		return x
	}
	ref, ref2 := field(0), field(1)
	refPair, err := StackPair(ref, ref2)
	if err != nil {
		t.Fatal(err)
	}
	specs := []Spec{
		{Kind: WST}, {Kind: WST, Iso: true}, {Kind: WST, Synthesis: true}, {Kind: WST, Synthesis: true, Iso: true},
		{Kind: WST, StrictJ2: true, Iso: true}, {Kind: WST, Local: true},
		{Kind: WPH}, {Kind: WPH, DN: 2}, {Kind: WPH, Pad: "crop"}, {Kind: WPH, Norm: "auto"}, {Kind: WPH, Norm: "auto", Pad: "crop"},
		{Kind: WPH, Cross: true}, {Kind: WPH, Cross: true, Norm: "auto"},
		{Kind: SCov}, {Kind: SCov, Norm: "p11"}, {Kind: SCov, Iso: true}, {Kind: SCov, Synthesis: true},
		{Kind: SCov, Synthesis: true, Iso: true}, {Kind: SCov, Synthesis: true, Norm: "p11"}, {Kind: SCov, Cross: true},
		{Kind: Spectra}, {Kind: Spectra, Iso: true},
		{Kind: SCov, Pad: "crop"}, {Kind: SCov, Pad: "crop", Synthesis: true},
	}
	refused := 0
	for _, val := range []float64{3, 0} {
		c := stlayer.NewMaps(1, M, M)
		for i := range c.Data {
			c.Data[i] = val
		}
		for _, s := range specs {
			inputs := map[string]*stlayer.Maps{"": c}
			goodRef := ref
			if s.Cross {
				a, _ := StackPair(c, ref2)
				b, _ := StackPair(ref, c)
				inputs = map[string]*stlayer.Maps{" (constant, field)": a, " (field, constant)": b}
				goodRef = refPair
			}
			for suffix, x := range inputs {
				name := fmt.Sprintf("%s on a constant %g%s", s, val, suffix)
				check := CheckConstant(s, x)
				// the statistic on x, its reference measured on varying maps
				op, err := BuildWithRef(s, eng, goodRef)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				co, err := eng.Forward(op.Key(), op.Stat(), x)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				bad := nonFiniteCount(co.Data)
				if (check != nil) != (bad > 0) {
					t.Errorf("%s: CheckConstant = %v, but %d of %d coefficients are not finite", name, check, bad, len(co.Data))
				}
				if check != nil {
					refused++
					var ce *ConstantMapError
					msg := check.Error()
					if !errors.As(check, &ce) || ce.Value != val || ce.Map != 0 ||
						!(strings.Contains(msg, "constant (every pixel 3)") || strings.Contains(msg, "identically zero")) || !strings.Contains(msg, "undefined") {
						t.Errorf("%s: error %q (%T)", name, msg, check)
					}
				}
				// the map as its own reference, as stkit stats does
				sop, err := BuildWithRef(s, eng, x)
				refCheck := CheckConstantRef(s, x) // misc2 (s22): wph norm auto, every map constant
				switch {
				case check == nil && refCheck != nil:
					if err == nil || err.Error() != refCheck.Error() {
						t.Errorf("%s: self-referenced: BuildWithRef error %v, want CheckConstantRef's %q", name, err, refCheck)
					}
				case check == nil && err != nil:
					t.Errorf("%s: not refused by CheckConstant, but BuildWithRef: %v", name, err)
				case check == nil:
					if co, err := eng.Forward(sop.Key(), sop.Stat(), x); err != nil || nonFiniteCount(co.Data) > 0 {
						t.Errorf("%s: self-referenced: err %v, %d non-finite", name, err, nonFiniteCount(co.Data))
					}
				case s.Kind == WPH && err == nil:
					t.Errorf("%s: BuildWithRef accepted the zero reference", name)
				case s.Kind == WPH && err.Error() != check.Error():
					t.Errorf("%s: BuildWithRef error %q, want CheckConstant's %q", name, err, check)
				}
			}
		}
		if err := CheckConstant(Spec{Synthesis: true}, c); err == nil {
			t.Errorf("Spec{Synthesis: true} (scov by default) on a constant %g: not refused", val)
		}
		// one pixel off: not constant
		c.Data[5] += 1
		for _, s := range specs {
			x := c
			if s.Cross {
				x, _ = StackPair(c, c)
			}
			if err := CheckConstant(s, x); err != nil {
				t.Errorf("%s, a map with one different pixel: %v", s, err)
			}
		}
	}
	// refused: wst iso ×2, synthesis ×2; scov normalised ×5 (one cropped),
	// spectra ×2 (both values); wph norm auto ×2 and cross auto (zero first
	// map) for 0 only
	if want := 2*(4+5+2) + 3; refused != want {
		t.Errorf("%d refusals, want %d", refused, want)
	}
}

func nonFiniteCount(d []complex128) int {
	n := 0
	for _, v := range d {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			n++
		}
	}
	return n
}
