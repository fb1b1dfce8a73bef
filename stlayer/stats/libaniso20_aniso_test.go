package stats_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A map of stripes cos(k·x) whose wave vector points 30° from the column
// axis toward the row axis (8-pixel wavelength, j = 1): AnisotropyFromCoeffs
// finds ψ = 30° and stripes running along 120°, with the amplitude the
// Morlet S1 gives a pure stripe pattern at L = 4 (not 1: the wavelets'
// angular windows overlap; 0.48 here, 0.52 for a wave vector along an axis).
func ExampleAnisotropyFromCoeffs() {
	const n = 64
	x := stlayer.NewMaps(1, n, n)
	k := 2 * math.Pi / 8
	kc, kr := k*math.Cos(math.Pi/6), k*math.Sin(math.Pi/6)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x.Data[i*n+j] = math.Cos(kc*float64(j) + kr*float64(i))
		}
	}
	spec := stats.Spec{Kind: stats.WST, J: 3, L: 4}.WithDefaults(n, n)
	op, err := stats.Build(spec, n, n)
	if err != nil {
		panic(err)
	}
	c, lab, err := stats.Forward(cpu.New(), op, x)
	if err != nil {
		panic(err)
	}
	s, err := stats.AnisotropyFromCoeffs(spec, lab, c)
	if err != nil {
		panic(err)
	}
	e := s.Maps[0][1]
	fmt.Printf("%s, j=%d: A = %.2f, ψ = %.1f°, stripes along %.1f°\n", s.Class, e.J, e.Amplitude, e.DirectionDeg, e.StripeDirectionDeg)
	// Output:
	// S1, j=1: A = 0.48, ψ = 30.0°, stripes along 120.0°
}

// AngularHarmonic2 of responses s_l = 1 + a·cos(2(φ_l − ψ0)) at L ≥ 3
// equally spaced directions φ_l = l·π/L is exactly A = a/2, ψ = ψ0 (the
// harmonics 0 and ±2 of a cosine do not alias onto each other for L ≥ 3);
// a flat response gives A = 0; a zero sum gives 0, 0.
func TestLibaniso20Harmonic2Known(t *testing.T) {
	for _, L := range []int{3, 4, 8} {
		for _, psi0 := range []float64{0, 17, 90, 135.5, 179} {
			phi, s := make([]float64, L), make([]float64, L)
			for l := range phi {
				phi[l] = float64(l) * math.Pi / float64(L)
				s[l] = 1 + 0.6*math.Cos(2*(phi[l]-psi0*math.Pi/180))
			}
			a, psi := stats.AngularHarmonic2(s, phi)
			if math.Abs(a-0.3) > 1e-12 || math.Abs(psi-psi0) > 1e-9 {
				t.Errorf("L=%d ψ0=%g: A %.15g ψ %.12g, want 0.3, %g", L, psi0, a, psi, psi0)
			}
		}
		flat := make([]float64, L)
		phi := stats.OrientationDirections(stats.Spec{Kind: stats.WPH, L: L}, L)
		for l := range flat {
			flat[l] = 2.5
		}
		if a, _ := stats.AngularHarmonic2(flat, phi); a > 1e-15 {
			t.Errorf("L=%d: flat response A = %g, want 0", L, a)
		}
	}
	if a, psi := stats.AngularHarmonic2([]float64{0, 0}, []float64{0, 1}); a != 0 || psi != 0 {
		t.Errorf("zero response: %g, %g", a, psi)
	}
	for in, want := range map[float64]float64{-30: 150, 180: 0, 359.5: 179.5, 540: 0, 179.9999999999: 0, 45: 45} {
		if got := stats.Deg180(in); math.Abs(got-want) > 1e-9 {
			t.Errorf("Deg180(%g) = %g, want %g", in, got, want)
		}
	}
}

// OrientationDirections puts every family in one convention, degrees from
// the column axis toward the row axis: wph θ_l = l·180°/L (2L of them for
// complex WPH), the Morlet families 90° − Cheng's θ_l (θ_l = (⌊L/2⌋−1−l)·180°/L
// from the row axis): 45°, 90°, 135°, 180° at L = 4.
func TestLibaniso20OrientationDirections(t *testing.T) {
	deg := func(s stats.Spec, nl int) []float64 {
		var out []float64
		for _, p := range stats.OrientationDirections(s, nl) {
			out = append(out, math.Round(p*180/math.Pi*1e9)/1e9)
		}
		return out
	}
	for _, tc := range []struct {
		spec stats.Spec
		nl   int
		want []float64
	}{
		{stats.Spec{Kind: stats.WPH, L: 4}, 4, []float64{0, 45, 90, 135}},
		{stats.Spec{Kind: stats.WPH, L: 4, Complex: true}, 8, []float64{0, 45, 90, 135, 180, 225, 270, 315}},
		{stats.Spec{Kind: stats.WST, L: 4}, 4, []float64{45, 90, 135, 180}},
		{stats.Spec{Kind: stats.SCov, L: 8}, 8, []float64{22.5, 45, 67.5, 90, 112.5, 135, 157.5, 180}},
	} {
		if got := deg(tc.spec, tc.nl); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: φ %v°, want %v°", tc.spec, got, tc.want)
		}
	}
}

// Statistics without per-orientation first-order coefficients are refused
// with ErrNoAnisotropy and the reason; wst's rows are S1(j1, l1) in label
// order, scov --synthesis's are logs.
func TestLibaniso20Rows(t *testing.T) {
	for _, s := range []stats.Spec{
		{Kind: stats.WST, J: 3, Iso: true},
		{Kind: stats.WPH, J: 3, Norm: "auto"},
		{Kind: stats.Spectra, J: 3},
		{Kind: stats.SCov, J: 3, Cross: true},
	} {
		full := s.WithDefaults(32, 32)
		plain := full
		plain.Norm, plain.Cross = "", false // labels of the buildable variant: the spec alone refuses
		op, err := stats.Build(plain, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := stats.AnisotropyRows(full, op.Labels()); !errors.Is(err, stats.ErrNoAnisotropy) {
			t.Errorf("%s: err %v, want ErrNoAnisotropy", full, err)
		}
	}
	if _, _, _, err := stats.AnisotropyRows(stats.Spec{Kind: stats.WST}, &stlayer.Labels{}); !errors.Is(err, stats.ErrNoAnisotropy) {
		t.Errorf("spec without defaults: err %v", err)
	}
	for _, tc := range []struct {
		spec  stats.Spec
		class string
		logs  bool
	}{
		{stats.Spec{Kind: stats.WST, J: 3}, "S1", false},
		{stats.Spec{Kind: stats.WST, J: 3, Synthesis: true}, "logS1", true},
		{stats.Spec{Kind: stats.SCov, J: 3, Synthesis: true}, "S1", true},
		{stats.Spec{Kind: stats.WPH, J: 3}, "S11", false},
	} {
		full := tc.spec.WithDefaults(32, 32)
		op, err := stats.Build(full, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		lab := op.Labels()
		rows, class, logs, err := stats.AnisotropyRows(full, lab)
		if err != nil || class != tc.class || logs != tc.logs || len(rows) != 3 || len(rows[0]) != 4 {
			t.Fatalf("%s: class %q logs %v err %v rows %v", full, class, logs, err, rows)
		}
		for j, r := range rows {
			for l, i := range r {
				if i < 0 || lab.Class[i] != tc.class || lab.Get(i, "j1") != j || lab.Get(i, "l1") != l {
					t.Errorf("%s: rows[%d][%d] = %d (%s)", full, j, l, i, lab.String(max(i, 0)))
				}
			}
		}
	}
}
