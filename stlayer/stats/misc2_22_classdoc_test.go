package stats

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Plain wph's class_doc called S11 "complex", but at τ = 0 it is the
// variance ⟨|x⋆ψ − ⟨x⋆ψ⟩|²⟩, real (|im| ≤ 1.7e-19 for |re| ~ 0.03 on a
// 64² log-normal map); it now says "real at τ = 0 …, complex at τ ≠ 0".
// Cross (two maps) and complex data with pseudo = 1 are complex at τ = 0
// too, and say so; --iso keeps its own note. The values are checked here
// against the words.
func TestMisc2WPHS11RealAtTau0(t *testing.T) {
	eng := cpu.New()
	field := func(ph float64) *stlayer.Maps {
		x := stlayer.NewMaps(1, 32, 32)
		for i := range x.Data {
			r, c := float64(i/32), float64(i%32)
			x.Data[i] = math.Exp(math.Sin(0.5*r+ph) + math.Cos(0.3*(r+2*c)+ph) + 0.4*math.Sin(1.3*c-0.7*r))
		}
		return x
	}
	x, y := field(0), field(1)
	pair, err := StackPair(x, y)
	if err != nil {
		t.Fatal(err)
	}
	const plain = "the wavelet's autocovariance at τ, real at τ = 0 (the variance ⟨|x⋆ψ_{j1,l1} − ⟨x⋆ψ_{j1,l1}⟩|²⟩; the im column holds round-off), complex at τ ≠ 0 (unit squared; raw: --norm none); C = "
	for _, c := range []struct {
		name     string
		s        Spec
		x        *stlayer.Maps
		want     string
		realTau0 func(pseudo int) bool // which τ = 0 rows are real
	}{
		{"plain", Spec{Kind: WPH, J: 2, L: 4, DN: 1}, x, plain, func(int) bool { return true }},
		{"norm auto", Spec{Kind: WPH, J: 2, L: 4, DN: 1, Norm: "auto"}, x, "complex at τ ≠ 0 (dimensionless", func(int) bool { return true }},
		{"cross", Spec{Kind: WPH, J: 2, L: 4, DN: 1, Cross: true}, pair, "the wavelet's autocovariance at τ, complex (at τ = 0 too: a and b are the wavelet transforms of two maps) (unit squared", func(int) bool { return false }},
		{"complex", Spec{Kind: WPH, J: 2, L: 4, DN: 1, Complex: true}, pair, "real at τ = 0 with pseudo = 0 (the variance ⟨|z⋆ψ_{j1,l1} − ⟨z⋆ψ_{j1,l1}⟩|²⟩; the im column holds round-off), complex at τ ≠ 0 and with pseudo = 1 (unit squared", func(p int) bool { return p != 1 }},
	} {
		op, err := BuildWithRef(c.s, eng, c.x)
		if err != nil {
			t.Fatal(err)
		}
		lab := op.Labels()
		doc := ClassDoc(c.s.WithDefaults(32, 32), lab)["S11"]
		if !strings.Contains(doc, c.want) {
			t.Errorf("%s: class_doc[S11] = %q\nwant it to contain %q", c.name, doc, c.want)
		}
		co, err := eng.Forward(op.Key(), op.Stat(), c.x)
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, n := range lab.Columns {
			col[n] = i
		}
		// max |im|/|re| over the real-said rows at τ = 0, the others at
		// τ = 0 and the rows at τ ≠ 0
		var realMax, cplxMax, tauMax float64
		for k, cl := range lab.Class {
			if cl != "S11" {
				continue
			}
			r, v := lab.Rows[k], co.Data[k]
			q := math.Abs(imag(v)) / math.Abs(real(v))
			switch {
			case r[col["n"]] != 0 || r[col["a"]] != 0:
				tauMax = max(tauMax, q)
			case c.realTau0(r[col["pseudo"]]):
				realMax = max(realMax, q)
			default:
				cplxMax = max(cplxMax, q)
			}
		}
		if realMax > 1e-12 {
			t.Errorf("%s: S11 at τ = 0 said real: max |im|/|re| %g", c.name, realMax)
		}
		if tauMax < 0.01 {
			t.Errorf("%s: S11 at τ ≠ 0 said complex: max |im|/|re| %g", c.name, tauMax)
		}
		if c.name == "cross" || c.name == "complex" {
			if cplxMax < 0.01 {
				t.Errorf("%s: S11 at τ = 0 said complex: max |im|/|re| %g", c.name, cplxMax)
			}
		}
	}
	// --iso (infer's operator; its classes are plain wph's): its own note,
	// no per-τ words before it
	op, err := Build(Spec{Kind: WPH, J: 2, L: 4, DN: 1}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	d := ClassDoc(Spec{Kind: WPH, J: 2, L: 4, DN: 1, Iso: true}.WithDefaults(32, 32), op.Labels())["S11"]
	if want := "the wavelet's autocovariance at τ (unit squared; raw: --norm none); C = "; !strings.Contains(d, want) || strings.Contains(d, "im column") {
		t.Errorf("--iso: class_doc[S11] = %q\nwant it to contain %q", d, want)
	}
}
