package stats

import (
	"encoding/json"
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// cplxPair returns a 16×16 (Q, U) pair of smooth non-constant fields and
// their stacking [1, 32, 16].
func cplxPair(t *testing.T) (q, u, x *stlayer.Maps) {
	t.Helper()
	const M = 16
	q, u = stlayer.NewMaps(1, M, M), stlayer.NewMaps(1, M, M)
	for i := range q.Data {
		r, c := float64(i/M), float64(i%M)
		q.Data[i] = math.Sin(0.5*r)*math.Cos(0.2*(c+r)) + 0.3
		u.Data[i] = math.Cos(0.3*c)*math.Sin(0.4*(c-r)) - 0.1
	}
	x, err := StackPair(q, u)
	if err != nil {
		t.Fatal(err)
	}
	return q, u, x
}

// Spec.Complex had no way through stats: wph.Config.Complex (PyWPH
// cplx=True) existed, but stats.Build always built the real-map operator.
// Build of a complex spec is now exactly wph.New with Config.Complex on the
// (Q, U) pair: same key, labels and coefficients (bit for bit), the input
// size 2M×N, "complex" in String and JSON; without Complex the key differs.
func TestComplexSpecBuildEqualsWPH(t *testing.T) {
	eng := cpu.New()
	_, _, x := cplxPair(t)
	s := Spec{Kind: WPH, J: 3, L: 4, DN: 1, Complex: true}
	op, err := Build(s, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	cfg := wph.DefaultConfig()
	cfg.J, cfg.L, cfg.DN, cfg.Complex = 3, 4, 1, true
	ref, err := wph.New(cfg, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if op.Key() != ref.Key() || !strings.Contains(op.Key(), "complex=true") {
		t.Errorf("key %q, wph.New's %q", op.Key(), ref.Key())
	}
	if r, c, ok := InputSize(op); !ok || r != 32 || c != 16 {
		t.Errorf("InputSize = %d×%d (%v), want 32×16", r, c, ok)
	}
	got, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Forward(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	if got.K != want.K || got.K != op.Labels().Len() || got.K != ref.NumCoeffs() {
		t.Fatalf("K = %d, wph %d, labels %d", got.K, want.K, op.Labels().Len())
	}
	for i := range got.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("coefficient %d (%s) = %v, wph.New's %v", i, op.Labels().String(i), got.Data[i], want.Data[i])
		}
	}
	lb, wl := op.Labels(), ref.Labels()
	for i := 0; i < lb.Len(); i++ {
		if lb.String(i) != wl.String(i) {
			t.Fatalf("label %d = %s, wph.New's %s", i, lb.String(i), wl.String(i))
		}
	}
	// pseudo S11 per scale: t1 = 0…L−1, one τ = 0 entry and 2A shifts (DN = 1)
	if n, want := len(lb.Select("S11", map[string]int{"pseudo": 1})), 3*4*(1+2*cfg.A); n != want {
		t.Errorf("%d pseudo S11 rows, want %d", n, want)
	}
	maxL := 0
	for i := 0; i < lb.Len(); i++ {
		maxL = max(maxL, lb.Get(i, "l1"))
	}
	if maxL != 2*4-1 {
		t.Errorf("largest l1 = %d, want 2L−1 = 7 (orientations over [0, 2π))", maxL)
	}
	if str := s.WithDefaults(16, 16).String(); str != "wph J=3 L=4 complex dn=1 wavelet=bump norm=none pad=periodic" {
		t.Errorf("String = %q", str)
	}
	var back Spec
	if err := json.Unmarshal(s.JSON(), &back); err != nil || !back.Complex || !strings.Contains(string(s.JSON()), `"complex":true`) {
		t.Errorf("JSON %s read back as %+v (%v)", s.JSON(), back, err)
	}
	if strings.Contains(string(Spec{Kind: WPH}.JSON()), "complex") {
		t.Errorf("a real spec's JSON names complex: %s", Spec{Kind: WPH}.JSON())
	}
	real, err := Build(Spec{Kind: WPH, J: 3, L: 4, DN: 1}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if real.Key() == op.Key() {
		t.Error("complex and real operators share a key")
	}
	if o, ok := WPHOp(op); !ok || o.Key() != op.Key() {
		t.Error("WPHOp of a complex operator")
	}
}

// BuildWithRef of a complex norm auto spec: the reference rows are halved
// (map size 16×16 from the 32×16 pairs), the normalisation is wph's FitNorm
// on the pair, the non-pseudo S11 at τ = 0 are correlation coefficients (1)
// on the reference, and the stored reference reloads (BuildStored) to the
// same coefficients while a real spec refuses it.
func TestComplexSpecBuildWithRefNormAuto(t *testing.T) {
	eng := cpu.New()
	_, _, x := cplxPair(t)
	s := Spec{Kind: WPH, J: 3, L: 4, Norm: "auto", Complex: true}
	op, err := BuildWithRef(s, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	cfg := wph.DefaultConfig()
	cfg.J, cfg.L, cfg.Complex, cfg.Norm = 3, 4, true, wph.NormAuto
	ref, err := wph.New(cfg, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.FitNorm(eng, x); err != nil {
		t.Fatal(err)
	}
	got, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Forward(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	if op.Key() != ref.Key() || got.K != want.K {
		t.Fatalf("key %q K %d, wph's %q K %d", op.Key(), got.K, ref.Key(), want.K)
	}
	lb := op.Labels()
	ones := 0
	for i := range got.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("coefficient %d (%s) = %v, wph's %v", i, lb.String(i), got.Data[i], want.Data[i])
		}
		if lb.Class[i] == "S11" && lb.Get(i, "pseudo") != 1 {
			ones++
			if cmplx.Abs(got.Data[i]-1) > 1e-10 {
				t.Errorf("%s = %v on the reference, want 1", lb.String(i), got.Data[i])
			}
		}
	}
	if ones != 3*8 {
		t.Errorf("%d non-pseudo S11, want J·2L = 24", ones)
	}
	stored, err := Reference(op)
	var rec struct {
		Complex bool `json:"complex"`
	}
	if err != nil || json.Unmarshal(stored, &rec) != nil || !rec.Complex {
		t.Fatalf("stored reference %.200s… (%v) does not record complex", stored, err)
	}
	back, err := BuildStored(s, 16, 16, stored)
	if err != nil {
		t.Fatal(err)
	}
	again, err := eng.Forward(back.Key(), back.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Data {
		if again.Data[i] != got.Data[i] {
			t.Fatalf("stored: coefficient %d = %v, want %v", i, again.Data[i], got.Data[i])
		}
	}
	realSpec := s
	realSpec.Complex = false
	testutil.Refused(t, "complex reference for a real spec", func() error { _, err := BuildStored(realSpec, 16, 16, stored); return err }, "complex=true")
	// Build has no reference: refused as for real maps.
	testutil.Refused(t, "Build norm auto", func() error { _, err := Build(s, 16, 16); return err }, "BuildWithRef")
}

// Complex is a wph option: other families, and wph with Cross, Iso or
// Synthesis, are refused by Build, BuildWithRef and BuildStored naming
// the option; a pair with an odd number of rows is refused.
func TestComplexSpecRefusals(t *testing.T) {
	eng := cpu.New()
	_, _, x := cplxPair(t)
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: WST, J: 2, Complex: true}, "--kind wph only (PyWPH cplx=True), not wst"},
		{Spec{Kind: SCov, J: 2, Complex: true}, "not scov"},
		{Spec{Kind: Spectra, J: 2, Complex: true}, "not spectra"},
		{Spec{J: 2, Complex: true}, "not scov"}, // the default family
		{Spec{Kind: WPH, J: 2, Complex: true, Cross: true}, "has no --cross variant"},
		{Spec{Kind: WPH, J: 2, Complex: true, Iso: true}, "has no --iso variant"},
		{Spec{Kind: WPH, J: 2, Complex: true, Synthesis: true}, "has no --synthesis variant"},
		{Spec{Kind: WPH, J: 2, Complex: true, Iso: true, Cross: true}, "has no --cross or --iso variant"},
	} {
		name := c.s.String()
		testutil.Refused(t, name+": Build", func() error { _, err := Build(c.s, 16, 16); return err }, c.want)
		testutil.Refused(t, name+": BuildWithRef", func() error { _, err := BuildWithRef(c.s, eng, x); return err }, c.want)
		testutil.Refused(t, name+": BuildStored", func() error { _, err := BuildStored(c.s, 16, 16, nil); return err }, c.want)
	}
	odd := stlayer.NewMaps(1, 31, 16)
	for i := range odd.Data {
		odd.Data[i] = float64(i % 7)
	}
	for _, norm := range []string{"none", "auto"} {
		testutil.Refused(t, "odd rows, norm "+norm, func() error {
			_, err := BuildWithRef(Spec{Kind: WPH, J: 2, Norm: norm, Complex: true}, eng, odd)
			return err
		}, "complex wph takes (Q, U) stacked by rows", "even number of rows, got 31")
	}
	// a real map of the pair's size given to the complex operator
	op, err := Build(Spec{Kind: WPH, J: 2, Complex: true}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Forward(op.Key(), op.Stat(), stlayer.NewMaps(1, 16, 16)); err == nil {
		t.Error("a 16×16 map given to the complex 16×16 operator (wants 32×16): no error")
	}
}

// CheckConstant tested Q and U as two maps, or the stack as one real map;
// for Complex the statistic sees z = Q + iU. Under norm auto only z ≡ 0 is
// undefined (its coefficients are NaN, the constants enter through ⟨|z|⟩):
// a constant Q with varying U, Q ≡ 0 with varying U, and a constant
// non-zero z are valid and finite, measured with the map as its own
// reference (as stkit stats) and with a varying reference; z ≡ 0 is
// refused by CheckConstant and BuildWithRef with the same error, and gives
// NaN coefficients under a varying reference. Norm none is never refused.
func TestComplexCheckConstant(t *testing.T) {
	eng := cpu.New()
	q, u, good := cplxPair(t)
	fill := func(v float64) *stlayer.Maps {
		c := stlayer.NewMaps(1, 16, 16)
		for i := range c.Data {
			c.Data[i] = v
		}
		return c
	}
	stack := func(a, b *stlayer.Maps) *stlayer.Maps {
		x, err := StackPair(a, b)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	auto := Spec{Kind: WPH, J: 3, L: 4, Norm: "auto", Complex: true}
	refOp, err := BuildWithRef(auto, eng, good)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		x       *stlayer.Maps
		refused bool
	}{
		{"constant Q = 3, varying U", stack(fill(3), u), false},
		{"Q ≡ 0, varying U", stack(fill(0), u), false},
		{"varying Q, U ≡ 0", stack(q, fill(0)), false},
		{"constant z = 3 + 5i", stack(fill(3), fill(5)), false},
		{"constant z = 2 + 2i (one value in the stack)", stack(fill(2), fill(2)), false},
		{"z ≡ 0", stack(fill(0), fill(0)), true},
	} {
		err := CheckConstant(auto, c.x)
		if err := CheckConstant(Spec{Kind: WPH, J: 3, Complex: true}, c.x); err != nil {
			t.Errorf("%s, norm none: %v", c.name, err)
		}
		co, ferr := eng.Forward(refOp.Key(), refOp.Stat(), c.x)
		if ferr != nil {
			t.Fatal(ferr)
		}
		bad := nonFiniteCount(co.Data)
		if (err != nil) != c.refused || (bad > 0) != c.refused {
			t.Errorf("%s: CheckConstant = %v, %d of %d coefficients not finite under a varying reference", c.name, err, bad, len(co.Data))
		}
		_, berr := BuildWithRef(auto, eng, c.x)
		if rerr := CheckConstantRef(auto, c.x); !c.refused && rerr != nil {
			// misc2 (s22): a constant z as its own reference (σ of round-off)
			if berr == nil || berr.Error() != rerr.Error() {
				t.Errorf("%s: BuildWithRef %v, want CheckConstantRef's %q", c.name, berr, rerr)
			}
			continue
		}
		if !c.refused {
			if berr != nil {
				t.Errorf("%s: BuildWithRef: %v", c.name, berr)
				continue
			}
			self, _ := BuildWithRef(auto, eng, c.x)
			co, ferr := eng.Forward(self.Key(), self.Stat(), c.x)
			if ferr != nil || nonFiniteCount(co.Data) > 0 {
				t.Errorf("%s, its own reference: %v, %d non-finite", c.name, ferr, nonFiniteCount(co.Data))
			}
			continue
		}
		var ce *ConstantMapError
		if !errors.As(err, &ce) || ce.Value != 0 || ce.Map != 0 || ce.Second {
			t.Errorf("%s: error %#v", c.name, err)
		}
		const want = "the complex map z = Q + iU of pair 0 is identically zero: complex wph with norm auto is undefined on it"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, want)
		}
		if berr == nil || err == nil || berr.Error() != err.Error() {
			t.Errorf("%s: BuildWithRef error %v, want CheckConstant's %v", c.name, berr, err)
		}
	}
}
