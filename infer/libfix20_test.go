package infer

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// MapAnisotropy with 5 maps for the coefficients of 6 returned map 5
// with NoiseRMS = NoiseFloor = 0, Significant false and no error; now an
// input error. So is an imaginary part of another shape.
func TestLibfix20AnisotropyMapsMismatch(t *testing.T) {
	x := libanisoStretched(t, 3, 32, 30, 2, 1, false)
	spec := stats.Spec{Kind: stats.SCov, J: 3}.WithDefaults(32, 32)
	op, err := stats.Build(spec, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	c, lab, err := stats.Forward(cpu.New(), op, x)
	if err != nil {
		t.Fatal(err)
	}
	two := &stlayer.Maps{B: 2, M: 32, N: 32, Data: x.Data[:2*32*32]}
	if s, err := MapAnisotropy(spec, lab, c, two, nil); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "2 maps for the coefficients of 3") {
		t.Fatalf("2 maps for 3 maps' coefficients: %v (summary %v)", err, s != nil)
	}
	if _, err := MapAnisotropy(spec, lab, c, x, two); !errors.Is(err, ErrModelInput) {
		t.Fatalf("imag of 2 maps for 3: %v", err)
	}
	s, err := MapAnisotropy(spec, lab, c, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for b, m := range s.Maps {
		for _, e := range m {
			if !(e.NoiseRMS > 0) || !(e.NoiseFloor > e.NoiseRMS) {
				t.Errorf("map %d j %d: noise rms %g floor %g", b, e.J, e.NoiseRMS, e.NoiseFloor)
			}
		}
	}
}

// CompareSets took labels of length 1 for K = 3 coefficients (classes "");
// now an input error naming both counts.
func TestLibfix20CompareLabelsLength(t *testing.T) {
	const n = 3
	c := &stlayer.Coeffs{B: 2 * n, K: 3, H: 1, W: 1, Data: make([]complex128, 2*n*3)}
	for m := range 2 * n {
		for k := range 3 {
			c.Row(m)[k] = complex(float64(1+k)+0.1*float64((7*m+3*k)%11), 0)
		}
	}
	one := stlayer.NewLabels("k")
	one.Add("P00", map[string]int{"k": 0})
	if _, err := CompareSets(c, one, n, n, CompareOptions{}); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "1 labels for 3 coefficients") {
		t.Fatalf("1 label for 3 coefficients: %v", err)
	}
	one.Add("P00", map[string]int{"k": 1})
	one.Add("P00", map[string]int{"k": 2})
	r, err := CompareSets(c, one, n, n, CompareOptions{})
	if err != nil || r.Dof != 3 || r.Parts[0].Class != "P00" {
		t.Fatalf("3 labels: dof %d, err %v", r.Dof, err)
	}
	if r, err := CompareSets(c, nil, n, n, CompareOptions{}); err != nil || r.Dof != 3 {
		t.Fatalf("nil labels: dof %d, err %v", r.Dof, err)
	}
}

// CoeffsOwnRef with x's map 1 constant said "map 1: map 0 is constant …"
// (the index of the one-map call inside); now "map 1 is constant".
func TestLibfix20OwnRefConstantIndex(t *testing.T) {
	x := stlayer.NewMaps(3, 32, 32)
	for i := range 3 {
		f, err := datasets.LogNormalField(32, 32, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Map(i), f)
	}
	for p := range x.Map(1) {
		x.Map(1)[p] = 1
	}
	_, err := CoeffsOwnRef(cpu.New(), stats.Spec{Kind: stats.Spectra, J: 3}.WithDefaults(32, 32), x)
	var ce *stats.ConstantMapError
	if !errors.Is(err, ErrModelInput) || !errors.As(err, &ce) || ce.Map != 1 || !strings.HasPrefix(err.Error(), "map 1 is constant (every pixel 1)") || strings.Contains(err.Error(), "map 0") {
		t.Fatalf("map 1 constant: %v", err)
	}
}

// CompareAlikeTail returned 1 for (NaN, 5), (1, 0), (1, −1); now NaN.
func TestLibfix20AlikeTailInvalid(t *testing.T) {
	for _, in := range [][2]float64{{math.NaN(), 5}, {1, 0}, {1, -1}, {-0.5, 3}, {1, math.NaN()}, {1, math.Inf(1)}} {
		if got := CompareAlikeTail(in[0], in[1]); !math.IsNaN(got) {
			t.Errorf("CompareAlikeTail(%g, %g) = %g, want NaN", in[0], in[1], got)
		}
	}
	if got := CompareAlikeTail(math.Inf(1), 3); got != 1 {
		t.Errorf("chi2 +Inf: %g, want 1", got)
	}
	if got, want := CompareAlikeTail(0.5, 2), -math.Expm1(-0.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("(0.5, 2): %g, want %g", got, want)
	}
}

// Permute given other maps' coefficients of the right shape ran the test
// on them (PermP 0.7 instead of 0.6 in the brief's probe); now the
// observed split must give r.Chi2 to round-off, else an input error, r
// unchanged. Paired sets too.
func TestLibfix20PermuteOtherCoeffs(t *testing.T) {
	const n = 4
	mk := func(shift float64) *stlayer.Coeffs {
		c := &stlayer.Coeffs{B: 2 * n, K: 2, H: 1, W: 1, Data: make([]complex128, 2*n*2)}
		for m := range 2 * n {
			c.Row(m)[0] = complex(1+0.3*math.Sin(float64(3*m)+shift), 0)
			c.Row(m)[1] = complex(2+0.2*math.Cos(float64(5*m*m)+shift), 0)
		}
		return c
	}
	c, other := mk(0), mk(1)
	for _, paired := range []bool{false, true} {
		r, err := CompareSets(c, nil, n, n, CompareOptions{Paired: paired})
		if err != nil {
			t.Fatal(err)
		}
		bad := r
		if err := bad.Permute(other, 1000, 1); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "not the coefficients compared") || bad.Perms != 0 {
			t.Errorf("paired %v, other coefficients: %v, perms %d", paired, err, bad.Perms)
		}
		if err := r.Permute(c, 1000, 1); err != nil || !r.PermExact || !(r.PermP > 0 && r.PermP <= 1) {
			t.Errorf("paired %v, its own coefficients: %v (exact %v, p %g)", paired, err, r.PermExact, r.PermP)
		}
	}
}
