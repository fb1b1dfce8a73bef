package stats

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestFixa25ConstantRefInvalidSpec: CheckConstantRef (exported) with a
// spec BuildWithRef refuses, complex wph with Cross, answered as if the
// spec were valid: "the complex map z = Q + iU of pair 0 is constant (Q =
// 0.001, U = 0 everywhere) …", a U it never read (Imag is set only
// without Cross) and Cross's round-off reason. It now gives the spec's own
// error, BuildWithRef's, for such specs (Complex with Cross, Iso or
// Synthesis); valid specs are answered as before.
func TestFixa25ConstantRefInvalidSpec(t *testing.T) {
	const M = 16
	x := stlayer.NewMaps(2, M, M) // a pair of constant maps, 0.001 and 0.002
	for b, v := range []float64{0.001, 0.002} {
		for i := range x.Map(b) {
			x.Map(b)[i] = v
		}
	}
	eng := cpu.New()
	for _, s := range []Spec{
		{Kind: WPH, J: 2, L: 4, Norm: "auto", Complex: true, Cross: true},
		{Kind: WPH, J: 2, L: 4, Norm: "auto", Complex: true, Iso: true},
	} {
		_, berr := BuildWithRef(s, eng, x)
		err := CheckConstantRef(s, x)
		if berr == nil || err == nil || err.Error() != berr.Error() || !strings.HasPrefix(err.Error(), "complex wph (z = Q + iU, --imag) has no ") {
			t.Errorf("%+v: CheckConstantRef %v, want BuildWithRef's %v", s, err, berr)
		}
	}
	// a valid complex spec: the constant-reference refusal as before
	s := Spec{Kind: WPH, J: 2, L: 4, Norm: "auto", Complex: true}
	q, u := stlayer.NewMaps(1, M, M), stlayer.NewMaps(1, M, M)
	for i := range q.Data {
		q.Data[i], u.Data[i] = 0.001, 0.002
	}
	z, err := StackPair(q, u)
	if err != nil {
		t.Fatal(err)
	}
	want := "the complex map z = Q + iU of pair 0 is constant (Q = 0.001, U = 0.002 everywhere)"
	if err := CheckConstantRef(s, z); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("valid complex spec: %v, want it to start %q", err, want)
	}
}
