package stats

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Spec.Norm is read in either case for every family: scov lower-cased it
// ("P11" was accepted) while wph refused "Auto" ('want none or auto').
// WithDefaults lower-cases it, so "Auto" measures the same reference and
// gives the same coefficients as "auto", "P11" the same statistic as "p11",
// "NONE" is wst's and wph's default; CheckConstant reads "Auto" as auto.
func TestNormEitherCase(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := stlayer.NewMaps(1, 16, 16)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	eng := cpu.New()
	if got := (Spec{Kind: WPH, Norm: "Auto"}).WithDefaults(16, 16).Norm; got != "auto" {
		t.Errorf("WithDefaults kept Norm %q, want auto", got)
	}
	coeffs := func(s Spec) (*stlayer.Coeffs, string) {
		t.Helper()
		op, err := BuildWithRef(s, eng, x)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return c, op.Key()
	}
	for _, pair := range [][2]Spec{
		{{Kind: WPH, J: 2, Norm: "auto"}, {Kind: WPH, J: 2, Norm: "Auto"}},
		{{Kind: WPH, J: 2, Norm: "none"}, {Kind: WPH, J: 2, Norm: "NONE"}},
		{{Kind: SCov, J: 2, Synthesis: true, Norm: "p11"}, {Kind: SCov, J: 2, Synthesis: true, Norm: "P11"}},
		{{Kind: WST, J: 2, Norm: "none"}, {Kind: WST, J: 2, Norm: "None"}},
	} {
		want, wk := coeffs(pair[0])
		got, gk := coeffs(pair[1])
		if gk != wk {
			t.Errorf("%s: key %q, %s: %q", pair[1], gk, pair[0], wk)
		}
		if len(got.Data) != len(want.Data) || len(want.Data) == 0 {
			t.Fatalf("%s: %d coefficients, %s: %d", pair[1], len(got.Data), pair[0], len(want.Data))
		}
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("%s: coefficient %d = %v, %s gives %v", pair[1], i, got.Data[i], pair[0], want.Data[i])
			}
		}
	}
	// "Auto" without reference maps asks for one, as "auto" does
	testutil.Refused(t, "Build wph Auto", func() error { _, err := Build(Spec{Kind: WPH, J: 2, Norm: "Auto"}, 16, 16); return err }, "needs reference maps")
	testutil.Refused(t, "Build wph other", func() error { _, err := Build(Spec{Kind: WPH, J: 2, Norm: "P11"}, 16, 16); return err }, "want none or auto")
	zero := stlayer.NewMaps(1, 16, 16)
	var ce *ConstantMapError
	if err := CheckConstant(Spec{Kind: WPH, J: 2, Norm: "Auto"}, zero); !errors.As(err, &ce) {
		t.Errorf("CheckConstant wph Auto on a zero map: %v, want a *ConstantMapError", err)
	}
}
