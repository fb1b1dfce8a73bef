package stats

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// liberr19Kinds lists the stlayer sentinels err matches.
func liberr19Kinds(err error) []error {
	var k []error
	for _, s := range []error{stlayer.ErrNonFinite, stlayer.ErrSize, stlayer.ErrScales, stlayer.ErrKind} {
		if errors.Is(err, s) {
			k = append(k, s)
		}
	}
	return k
}

// A program could not tell stats' refusals apart: NaN maps gave an untyped
// "stlayer: non-finite value …", maps of another size than the operator's
// an untyped error from stats.Forward (an *ErrShape with no kind from
// eng.Forward), nil or ragged maps an *ErrShape with no kind, an unknown
// Kind an untyped error. Each now matches exactly one sentinel
// (errors.Is): stlayer.ErrNonFinite, ErrSize or ErrKind, with the message
// unchanged and *stlayer.ErrShape still found where it was.
func TestLiberr19StatsKinds(t *testing.T) {
	eng := cpu.New()
	x := testMaps(1, 32)
	nan := testMaps(1, 32)
	nan.Data[40] = math.NaN()
	wstOp, err := Build(Spec{Kind: WST, J: 2}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	scovOp, err := Build(Spec{Kind: SCov, J: 2}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	small := testMaps(1, 16)
	fwd := func(op Op, x *stlayer.Maps) func() error {
		return func() error { _, _, err := Forward(eng, op, x); return err }
	}
	engFwd := func(op Op, x *stlayer.Maps) func() error {
		return func() error { _, err := eng.Forward(op.Key(), op.Stat(), x); return err }
	}
	for _, c := range []struct {
		name  string
		f     func() error
		kind  error
		msg   string // whole message, when given
		shape bool   // an *stlayer.ErrShape
	}{
		{"NaN via stats.Forward", fwd(wstOp, nan), stlayer.ErrNonFinite, "stats.Forward: maps: stlayer: non-finite value NaN in map 0 at row 1, column 8", false},
		{"NaN via eng.Forward", engFwd(wstOp, nan), stlayer.ErrNonFinite, "cpu: non-finite value NaN in map 0 at row 1, column 8", false},
		{"NaN reference", func() error { _, err := BuildWithRef(Spec{Kind: WPH, J: 2, Norm: "auto"}, eng, nan); return err },
			stlayer.ErrNonFinite, "reference maps: stlayer: non-finite value NaN in map 0 at row 1, column 8", false},
		{"wrong size via stats.Forward", fwd(wstOp, small), stlayer.ErrSize,
			"stats.Forward: the operator was built for maps of 32×32, the maps are 16×16: build it for their size (stats.BuildWithRef(spec, eng, x))", false},
		{"wrong size scov via eng.Forward", engFwd(scovOp, small), stlayer.ErrSize, "", true},
		{"ragged via stats.Forward", fwd(wstOp, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Data[:100]}), stlayer.ErrSize,
			"stats.Forward: maps: stlayer: maps [1, 32, 32] with 100 values (need B, M, N ≥ 1 and B·M·N values)", true},
		{"nil maps", fwd(wstOp, nil), stlayer.ErrSize, "stats.Forward: maps: stlayer: nil maps", true},
		{"empty batch", fwd(wstOp, stlayer.NewMaps(0, 32, 32)), stlayer.ErrSize, "stats.Forward: batch holds no maps (B=0)", false},
		{"unknown kind", func() error { _, err := Build(Spec{Kind: "foo"}, 32, 32); return err }, stlayer.ErrKind,
			`unknown statistics kind "foo" (want wst, wph, scov or spectra)`, false},
		{"unknown kind stored", func() error { _, err := BuildStored(Spec{Kind: "foo"}, 32, 32, nil); return err }, stlayer.ErrKind, "", false},
		{"unknown kind with ref", func() error { _, err := BuildWithRef(Spec{Kind: "foo"}, eng, x); return err }, stlayer.ErrKind, "", false},
		{"cross odd rows", func() error {
			_, err := BuildWithRef(Spec{Kind: SCov, J: 2, Cross: true}, eng, &stlayer.Maps{B: 1, M: 31, N: 32, Data: x.Data[:31*32]})
			return err
		}, stlayer.ErrSize, "cross statistics take pairs stacked by rows: the reference maps need an even number of rows, got 31", false},
		{"StackPair nil", func() error { _, err := StackPair(x, nil); return err }, stlayer.ErrSize, "StackPair: nil maps", false},
		{"StackPair shapes", func() error { _, err := StackPair(x, small); return err }, stlayer.ErrSize, "", false},
	} {
		err := c.f()
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if k := liberr19Kinds(err); len(k) != 1 || k[0] != c.kind {
			t.Errorf("%s: %v matches %v, want only %v", c.name, err, k, c.kind)
		}
		if c.msg != "" && err.Error() != c.msg {
			t.Errorf("%s: message %q, want %q", c.name, err, c.msg)
		}
		var es *stlayer.ErrShape
		if errors.As(err, &es) != c.shape {
			t.Errorf("%s: %v: *stlayer.ErrShape found %v, want %v", c.name, err, !c.shape, c.shape)
		}
	}
}
