package wph

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// FitNorm with Cross excepted the reference check (s22): a pair whose
// first or second map is constant throughout the batch was fitted, that
// map's factors had σ of round-off (5.5e-17 for a map of 0, whose wavelet
// transform leaks round-off from its partner), and every cross moment
// correlated the other map with round-off: 32² white noise against a map
// of 0 or 0.001, J = 3, L = 4: S11(j=0, l=0) = 0.645, |C| up to 0.78,
// where NormNone gives 1e-17. Such a batch is refused now (ErrConstantRef);
// a batch where one first map and one second map vary is fitted.
func TestFixb23CrossConstantRef(t *testing.T) {
	const M = 32
	noise := func(seed float64) []float64 {
		d := make([]float64, M*M)
		for i := range d {
			d[i] = math.Sin(seed*float64(i)*0.37+math.Cos(float64(i)*seed)) + 0.3*math.Cos(float64(i*i)*seed*0.01)
		}
		return d
	}
	fill := func(v float64) []float64 {
		d := make([]float64, M*M)
		for i := range d {
			d[i] = v
		}
		return d
	}
	pairs := func(p ...[2][]float64) *stlayer.Maps {
		x := stlayer.NewMaps(len(p), 2*M, M)
		for b, q := range p {
			copy(x.Map(b), q[0])
			copy(x.Map(b)[M*M:], q[1])
		}
		return x
	}
	v, w := noise(1.3), noise(2.9)
	c, c2, z := fill(0.001), fill(0.002), fill(0)
	e := cpu.New()
	for _, k := range []struct {
		name          string
		x             *stlayer.Maps
		first, second bool
		msg           string
	}{
		{"both constant", pairs([2][]float64{c, c2}), true, true, "the first map (x1) of the pair is constant (every pixel 0.001)"},
		{"first constant", pairs([2][]float64{c, v}), true, false, "the first map (x1) of the pair is constant (every pixel 0.001)"},
		{"second constant", pairs([2][]float64{v, c}), false, true, "the second map (x2) of the pair is constant (every pixel 0.001)"},
		{"second zero", pairs([2][]float64{v, z}), false, true, "the second map (x2) of the pair is identically zero"},
		{"second constant in both pairs", pairs([2][]float64{v, c}, [2][]float64{w, c2}), false, true, "every second map (x2) of the 2 pairs is constant (pair 0: every pixel 0.001)"},
		{"varying", pairs([2][]float64{v, w}), false, false, ""},
		{"one varying map each side", pairs([2][]float64{c, w}, [2][]float64{v, c2}), false, false, ""},
	} {
		f, s := IsConstantCrossRef(k.x)
		if f != k.first || s != k.second {
			t.Errorf("%s: IsConstantCrossRef = %v, %v, want %v, %v", k.name, f, s, k.first, k.second)
		}
		op, err := New(Config{J: 3, L: 4, Norm: NormAuto, Cross: true}, M, M)
		if err != nil {
			t.Fatal(err)
		}
		err = op.FitNorm(e, k.x)
		if k.msg == "" {
			if err != nil {
				t.Errorf("%s: FitNorm: %v", k.name, err)
				continue
			}
			co, err := op.Forward(e, k.x)
			if err != nil {
				t.Fatalf("%s: %v", k.name, err)
			}
			for _, v := range co.Data {
				if math.IsNaN(real(v)) || math.IsNaN(imag(v)) {
					t.Fatalf("%s: NaN coefficient", k.name)
				}
			}
			continue
		}
		want := "wph: NormAuto reference maps: " + k.msg + ": a constant reference has no fluctuations to normalise: each map of a cross pair is normalised by its own factors' σ"
		if !errors.Is(err, ErrConstantRef) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: FitNorm error %v, want ErrConstantRef: %q…", k.name, err, want)
		}
	}
	// odd rows are not pairs; nil is nothing
	if f, s := IsConstantCrossRef(stlayer.NewMaps(1, 3, 4)); f || s {
		t.Errorf("odd rows: %v, %v", f, s)
	}
	if f, s := IsConstantCrossRef(nil); f || s {
		t.Errorf("nil: %v, %v", f, s)
	}
}
