package wph

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Forward with NormAuto and no stored normalisation fitted it on a batch of
// constant maps and returned ratios of round-off (32² of 0.001, J = 2: up to
// 1.0; 64²: −2.89) where stats.BuildWithRef refuses such a reference. FitNorm
// (so Forward) refuses it now, wrapping ErrConstantRef; a batch with one
// varying map is fitted as before; Cross: see TestFixb23CrossConstantRef.
func TestMisc3ConstantRefRefused(t *testing.T) {
	const M = 32
	constant := func(rows int, vals ...float64) *stlayer.Maps {
		x := stlayer.NewMaps(len(vals), rows, M)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
			}
		}
		return x
	}
	e := cpu.New()
	tail := ": a constant reference has no fluctuations to normalise: the σ of every factor would be 0 (counted as 1) or round-off, and the coefficients ratios of round-off; fit the normalisation on maps that vary (FitNorm, SetNorm)"
	pair := constant(2*M, 0.001)
	for i := M * M; i < 2*M*M; i++ {
		pair.Data[i] = 0.002
	}
	for _, c := range []struct {
		name string
		cfg  Config
		x    *stlayer.Maps
		want string
	}{
		{"one map", Config{J: 2, L: 4, Norm: NormAuto}, constant(M, 0.001), "wph: NormAuto reference maps: the map is constant (every pixel 0.001)" + tail},
		{"two maps", Config{J: 2, L: 4, Norm: NormAuto}, constant(M, 0.001, 0.002), "wph: NormAuto reference maps: every map of the 2 is constant (map 0: every pixel 0.001)" + tail},
		{"complex", Config{J: 2, L: 4, Norm: NormAuto, Complex: true}, pair, "wph: NormAuto reference maps: the complex map z = Q + iU is constant (Q = 0.001, U = 0.002 everywhere)" + tail},
	} {
		op, err := New(c.cfg, M, M)
		if err != nil {
			t.Fatal(err)
		}
		coeffs, err := op.Forward(e, c.x)
		if err == nil {
			t.Errorf("%s: Forward fitted its norm on constant maps: first coefficient %v", c.name, coeffs.Data[0])
			continue
		}
		if err.Error() != c.want || !errors.Is(err, ErrConstantRef) {
			t.Errorf("%s: Forward: %q\nwant %q (wrapping ErrConstantRef)", c.name, err, c.want)
		}
		if op.Norm() != nil {
			t.Errorf("%s: a norm was stored", c.name)
		}
		if err := op.FitNorm(e, c.x); err == nil || err.Error() != c.want {
			t.Errorf("%s: FitNorm: %v", c.name, err)
		}
	}
	// one varying map makes the batch a defined reference
	rng := rand.New(rand.NewPCG(3, 4))
	x := constant(M, 0.001, 0)
	copy(x.Map(1), smoothField(rng, M, M))
	op, err := New(Config{J: 2, L: 4, Norm: NormAuto}, M, M)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Forward(e, x); err != nil {
		t.Errorf("a batch with one varying map: %v", err)
	}
	// Cross: the two maps are normalised apart, each refused when constant
	// throughout the batch (fixb23; TestFixb23CrossConstantRef)
	op, err = New(Config{J: 2, L: 4, Norm: NormAuto, Cross: true}, M, M)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.FitNorm(e, constant(2*M, 0.001)); !errors.Is(err, ErrConstantRef) {
		t.Errorf("cross: %v, want ErrConstantRef", err)
	}
}
