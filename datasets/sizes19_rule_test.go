package datasets

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/filters"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// sizes19Specs are the statistics whose size rule is checked: every family,
// with the variants that change the rule (local wst, Pad crop).
var sizes19Specs = []stats.Spec{
	{Kind: stats.WST},
	{Kind: stats.WST, Local: true},
	{Kind: stats.WPH},
	{Kind: stats.WPH, Pad: "crop"},
	{Kind: stats.SCov},
	{Kind: stats.SCov, Iso: true},
	{Kind: stats.SCov, Pad: "crop", Cut: 1.5},
	{Kind: stats.Spectra},
}

// sizes19Map is a periodic, non-Gaussian test map: the exponential of a sum
// of Fourier modes with integer frequencies on the M×N torus.
func sizes19Map(M, N int) *stlayer.Maps {
	r := rand.New(rand.NewSource(7))
	x := stlayer.NewMaps(1, M, N)
	for k := 0; k < 40; k++ {
		ky, kx := r.Intn(M/2)-M/4, r.Intn(N/2)-N/4
		a := r.NormFloat64() / (1 + math.Hypot(float64(ky)/float64(M), float64(kx)/float64(N))*20)
		ph := 2 * math.Pi * r.Float64()
		for i := 0; i < M; i++ {
			for j := 0; j < N; j++ {
				x.Data[i*N+j] += a * math.Cos(2*math.Pi*(float64(ky*i)/float64(M)+float64(kx*j)/float64(N))+ph)
			}
		}
	}
	for i, v := range x.Data {
		x.Data[i] = math.Exp(v)
	}
	return x
}

func sizes19Roll(x *stlayer.Maps, dr, dc int) *stlayer.Maps {
	y := stlayer.NewMaps(1, x.M, x.N)
	for i := 0; i < x.M; i++ {
		for j := 0; j < x.N; j++ {
			y.Data[(i+dr)%x.M*x.N+(j+dc)%x.N] = x.Data[i*x.N+j]
		}
	}
	return y
}

// relL2 is ‖a − b‖ / ‖a‖.
func sizes19RelL2(a, b []complex128) float64 {
	var na, nd float64
	for i := range a {
		d := cmplx.Abs(a[i] - b[i])
		na += cmplx.Abs(a[i]) * cmplx.Abs(a[i])
		nd += d * d
	}
	return math.Sqrt(nd / na)
}

// The rule never accepts a size the family refuses (stats.Build), and
// accepts 500×500 for J = 6 and 100×100 for J = 4 with every family.
func TestSizes19RuleAgreesWithBuild(t *testing.T) {
	sides := []int{15, 16, 17, 24, 31, 32, 33, 40, 50, 63, 64}
	for _, s := range sizes19Specs {
		for J := 1; J <= 5; J++ {
			s.J = J
			for _, M := range sides {
				for _, N := range []int{M, 64} {
					if !RuleFor(s, M, N).Fits(M, N) {
						continue
					}
					if _, err := stats.Build(s, M, N); err != nil {
						t.Errorf("%v on %d×%d: the rule accepts it, stats.Build refuses: %v", s, M, N, err)
					}
				}
			}
		}
		if s.Cut != 0 {
			continue // a wide Pad crop border asks for more (TestSizes19Messages)
		}
		for _, c := range [][3]int{{500, 500, 6}, {100, 100, 4}, {96, 160, 5}, {200, 200, 5}, {1000, 1000, 7}, {256, 512, 7}} {
			s.J = c[2]
			if err := RuleFor(s, c[0], c[1]).Check(c[0], c[1]); err != nil {
				t.Errorf("%v on %d×%d: %v", s, c[0], c[1], err)
			}
		}
	}
}

// Statistics of a periodic map at a size not divisible by 2^J are
// invariant under circular shifts as at a divisible size: to round-off for
// wph, scov, spectra and the classic wst; the fast global wst (Fourier
// cropping) to about 1e-4, as on 32×32 maps.
func TestSizes19ShiftInvariance(t *testing.T) {
	eng := cpu.New()
	for _, sz := range [][3]int{{40, 40, 4}, {36, 52, 3}, {32, 32, 4}} {
		M, N, J := sz[0], sz[1], sz[2]
		x := sizes19Map(M, N)
		shifted := []*stlayer.Maps{sizes19Roll(x, 1, 0), sizes19Roll(x, 7, 3)}
		for _, c := range []struct {
			s   stats.Spec
			tol float64
		}{
			{stats.Spec{Kind: stats.WPH}, 1e-12},
			{stats.Spec{Kind: stats.SCov}, 1e-12},
			{stats.Spec{Kind: stats.SCov, Iso: true}, 1e-12},
			{stats.Spec{Kind: stats.Spectra}, 1e-12},
			{stats.Spec{Kind: stats.WST, Classic: true}, 1e-12},
			{stats.Spec{Kind: stats.WST}, 5e-3},
		} {
			c.s.J = J
			if err := ValidateMapsFor(x, c.s); err != nil {
				t.Fatalf("%v %d×%d: %v", c.s, M, N, err)
			}
			op, err := stats.Build(c.s, M, N)
			if err != nil {
				t.Fatalf("%v %d×%d: %v", c.s, M, N, err)
			}
			a, err := eng.Forward(op.Key(), op.Stat(), x)
			if err != nil {
				t.Fatal(err)
			}
			for i, y := range shifted {
				b, err := eng.Forward(op.Key(), op.Stat(), y)
				if err != nil {
					t.Fatal(err)
				}
				if d := sizes19RelL2(a.Data, b.Data); !(d < c.tol) {
					t.Errorf("%v on %d×%d, shift %d: relative change %.2g, want < %g", c.s, M, N, i, d, c.tol)
				}
			}
		}
	}
}

// Why 2^(J+1): the coarsest wavelets (j = J−1) are sampled correctly from
// 2^(J+1) pixels a side (the squared norm of the discrete filter within 2%
// of a large map's) and not at 2^J (off by more than 25%).
func TestSizes19MinSideWavelets(t *testing.T) {
	norm := func(f *stlayer.FilterBank, k int) float64 {
		s := 0.0
		for _, v := range f.Data[k*f.H*f.W : (k+1)*f.H*f.W] {
			s += v * v
		}
		return s / float64(f.H*f.W)
	}
	J, L := 4, 4
	k := (J - 1) * L
	for _, w := range []struct {
		name string
		bank func(M int) *stlayer.FilterBank
	}{
		{"morlet", func(M int) *stlayer.FilterBank { return filters.MorletCheng(M, M, J, L) }},
		{"bump", func(M int) *stlayer.FilterBank { return filters.BumpSteerable(M, M, J, L) }},
	} {
		big := norm(w.bank(16<<J), k)
		if r := norm(w.bank(2<<J), k) / big; math.Abs(r-1) > 0.02 {
			t.Errorf("%s at 2^(J+1): norm ratio %.3f, want within 2%% of 1", w.name, r)
		}
		if r := norm(w.bank(1<<J), k) / big; math.Abs(r-1) < 0.25 {
			t.Errorf("%s at 2^J: norm ratio %.3f, want off by more than 25%% (the reason for 2^(J+1))", w.name, r)
		}
		if RuleFor(stats.Spec{Kind: stats.WPH, J: J}, 1<<J, 1<<J).Fits(1<<J, 1<<J) {
			t.Errorf("the rule accepts 2^J pixels a side")
		}
	}
}

// Messages: too small names the minimum; odd sides give the crop; Pad crop
// names its border; ValidateMaps keeps its divisibility rule and message.
func TestSizes19Messages(t *testing.T) {
	m := func(M, N int) *stlayer.Maps {
		x := stlayer.NewMaps(1, M, N)
		for i := range x.Data {
			x.Data[i] = float64(i % 5)
		}
		return x
	}
	for _, c := range []struct {
		x    *stlayer.Maps
		s    stats.Spec
		want []string // "" : accepted
	}{
		{m(500, 500), stats.Spec{Kind: stats.SCov, J: 6}, nil},
		{m(500, 500), stats.Spec{Kind: stats.WST, J: 7}, nil},
		{m(501, 501), stats.Spec{Kind: stats.WPH, J: 7}, nil},
		{m(501, 499), stats.Spec{Kind: stats.WST, Local: true, J: 5}, nil},
		{m(100, 100), stats.Spec{Kind: stats.WPH, J: 6}, []string{"J=6 needs maps of at least 128×128 pixels for wph (2^(J+1)); got 100×100"}},
		{m(100, 100), stats.Spec{Kind: stats.SCov, J: 6}, []string{"J=6 needs maps of at least 128×128 pixels for scov (2^(J+1)); got 100×100"}},
		{m(101, 100), stats.Spec{Kind: stats.SCov, J: 6}, []string{"J=6 needs maps of at least 128×128 pixels with even sides for scov (2^(J+1)); got 101×100"}},
		{m(501, 501), stats.Spec{Kind: stats.SCov, J: 5}, []string{"scov needs maps with even sides", "got 501×501", "Crop the maps to 500×500 pixels (numpy: x[:500, :500]"}},
		{m(501, 500), stats.Spec{Kind: stats.WST, J: 5}, []string{"wst needs maps with even sides", "Crop the maps to 500×500"}},
		{m(12, 12), stats.Spec{Kind: stats.Spectra, J: 1}, []string{"J=1 needs maps of at least 16×16 pixels for spectra (at least 16 for Cheng's cropped Fourier grids); got 12×12"}},
		{m(40, 40), stats.Spec{Kind: stats.WPH, J: 3, Pad: "crop", Cut: 2.5}, []string{"J=3 needs maps of at least 41×41 pixels for wph", "20-pixel border that Pad crop cuts"}},
		{m(500, 500), stats.Spec{Kind: stats.SCov, J: 31}, []string{"J=31 out of range 0..30"}},
		{m(500, 500), stats.Spec{Kind: stats.WPH, J: -1}, []string{"J=-1 out of range 0..30"}},
	} {
		err := ValidateMapsFor(c.x, c.s)
		if c.want == nil {
			if err != nil {
				t.Errorf("%v %d×%d: %v", c.s, c.x.M, c.x.N, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%v %d×%d: %v, want a *ValidationError", c.s, c.x.M, c.x.N, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v %d×%d: %q lacks %q", c.s, c.x.M, c.x.N, err, w)
			}
		}
	}
	// ValidateMaps: the divisibility contract, unchanged.
	err := ValidateMaps(m(500, 500), 5)
	if want := "datasets: J=5 needs maps of at least 64×64 pixels divisible by 32; got 500×500"; err == nil || err.Error() != want {
		t.Errorf("ValidateMaps(500×500, 5) = %v, want %q", err, want)
	}
	for _, J := range []int{-1, 31} {
		if err := ValidateMaps(m(480, 480), J); err == nil || !strings.Contains(err.Error(), "out of range 0..30") {
			t.Errorf("ValidateMaps J=%d: %v", J, err)
		}
		if err := ValidateMapsRule(m(480, 480), MinSideRule(J)); err == nil || !strings.Contains(err.Error(), "out of range 0..30") {
			t.Errorf("MinSideRule J=%d: %v", J, err)
		}
	}
	if err := ValidateMaps(m(480, 480), 5); err != nil {
		t.Error(err)
	}
	// the pixel checks come after the size, as in ValidateMaps
	x := m(100, 100)
	x.Data[5] = math.NaN()
	if err := ValidateMapsFor(x, stats.Spec{Kind: stats.WPH, J: 4}); err == nil || !strings.Contains(err.Error(), "1 non-finite pixel") {
		t.Errorf("NaN: %v", err)
	}
	x.Data[5] = Unseen
	var ve *ValidationError
	if err := ValidateMapsFor(x, stats.Spec{Kind: stats.WPH, J: 4}); !errors.As(err, &ve) || ve.Unseen != 1 {
		t.Errorf("UNSEEN: %v", err)
	}
	if err := ValidateMapsRule(m(100, 100), MinSideRule(6)); err == nil || !strings.HasSuffix(err.Error(), "J=6 needs maps of at least 128×128 pixels (2^(J+1)); got 100×100") {
		t.Errorf("MinSideRule: %v", err)
	}
	if err := ValidateMapsRule(m(2, 2), MinSideRule(0)); err != nil {
		t.Errorf("MinSideRule(0) on 2×2: %v", err)
	}
	if err := ValidateMapsFor(nil, stats.Spec{Kind: stats.WPH, J: 4}); err == nil || !strings.Contains(err.Error(), "no maps") {
		t.Errorf("nil: %v", err)
	}
}

// LargestJ per family; J = 0 is the default for the size.
func TestSizes19LargestJ(t *testing.T) {
	for _, c := range []struct {
		s    stats.Spec
		M, N int
		want int
	}{
		{stats.Spec{Kind: stats.SCov}, 500, 500, 7},
		{stats.Spec{Kind: stats.SCov}, 501, 501, 0},
		{stats.Spec{Kind: stats.WPH}, 501, 501, 7},
		{stats.Spec{Kind: stats.WST}, 256, 512, 7},
		{stats.Spec{Kind: stats.WST, Local: true}, 15, 15, 2},
		{stats.Spec{Kind: stats.WPH}, 3, 3, 0},
		{stats.Spec{Kind: stats.WPH, Pad: "crop", Cut: 2}, 100, 100, 4}, // 2·⌊2·2^J⌋ < 100
	} {
		if got := LargestJ(c.s, c.M, c.N); got != c.want {
			t.Errorf("LargestJ(%v, %d, %d) = %d, want %d", c.s, c.M, c.N, got, c.want)
		}
		if c.want > 0 {
			s := c.s
			s.J = c.want
			if !RuleFor(s, c.M, c.N).Fits(c.M, c.N) {
				t.Errorf("%v: J=%d does not fit %d×%d", c.s, c.want, c.M, c.N)
			}
		}
	}
	// the default J of a 500×500 map (⌊log2 500⌋ − 2 = 6) fits every family
	for _, s := range sizes19Specs {
		if err := ValidateMapsFor(sizes19Map(64, 64), s); err != nil {
			t.Errorf("%v 64×64 default J: %v", s, err)
		}
		if r := RuleFor(s, 500, 500); r.J != 6 || !r.Fits(500, 500) {
			t.Errorf("%v 500×500: default rule %+v", s, r)
		}
	}

}

// A *ValidationError matches the stlayer sentinel of its refusal.
func TestSizes19Sentinels(t *testing.T) {
	m := func(M, N int) *stlayer.Maps { return sizes19Map(M, N) }
	nan := m(64, 64)
	nan.Data[9] = math.Inf(1)
	unseen := m(64, 64)
	unseen.Data[9] = Unseen
	oneD := stlayer.NewMaps(1, 1, 64)
	ragged := stlayer.NewMaps(1, 8, 8)
	ragged.Data = ragged.Data[:10]
	for _, c := range []struct {
		name string
		err  error
		want error // nil: none of them
	}{
		{"nil", ValidateMaps(nil, 2), stlayer.ErrSize},
		{"1-D", ValidateMapsFor(oneD, stats.Spec{Kind: stats.WPH, J: 1}), stlayer.ErrSize},
		{"ragged", ValidateMaps(ragged, 1), stlayer.ErrSize},
		{"odd sides", ValidateMapsFor(m(65, 64), stats.Spec{Kind: stats.SCov, J: 2}), stlayer.ErrSize},
		{"too small", ValidateMapsFor(m(64, 64), stats.Spec{Kind: stats.WPH, J: 6}), stlayer.ErrScales},
		{"not divisible", ValidateMaps(m(100, 100), 4), stlayer.ErrScales},
		{"J out of range", ValidateMapsFor(m(64, 64), stats.Spec{Kind: stats.WPH, J: 40}), stlayer.ErrScales},
		{"Inf", ValidateMapsFor(nan, stats.Spec{Kind: stats.WPH, J: 2}), stlayer.ErrNonFinite},
		{"UNSEEN", ValidateMaps(unseen, 2), nil},
	} {
		var ve *ValidationError
		if !errors.As(c.err, &ve) {
			t.Errorf("%s: %v, want a *ValidationError", c.name, c.err)
			continue
		}
		for _, s := range []error{stlayer.ErrSize, stlayer.ErrScales, stlayer.ErrNonFinite, stlayer.ErrKind} {
			if got := errors.Is(c.err, s); got != (s == c.want) {
				t.Errorf("%s (%v): errors.Is(%v) = %v", c.name, c.err, s, got)
			}
		}
	}
}
