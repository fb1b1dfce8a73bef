package stats

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// Pad "crop" builds the non-periodic scattering covariance (scov.Config
// NonPeriodic, Cut 1/2) for every scov and spectra variant: its keys differ
// from the periodic ones, its raw moments are those of scov.New with
// NonPeriodic, and a crop statistic differs from the periodic one on a map
// with a wrap-around jump. Other boundaries are refused naming both.
func TestSCovCropPad(t *testing.T) {
	const n = 32
	x := stlayer.NewMaps(2, n, n)
	for i := range x.Data {
		r, c := (i/n)%n, i%n
		x.Data[i] = math.Exp(0.02*float64(r+c) + 0.3*math.Sin(0.7*float64(r)+0.3*float64(c*c%11)))
	}
	pair := stlayer.NewMaps(2, 2*n, n)
	for i := range pair.Data {
		pair.Data[i] = x.Data[i%len(x.Data)] * (1 + 0.1*math.Cos(float64(i)))
	}
	eng := cpu.New()
	for _, sp := range []Spec{
		{Kind: SCov, J: 3},
		{Kind: SCov, J: 3, Iso: true},
		{Kind: SCov, J: 3, Synthesis: true, Norm: "p11"},
		{Kind: Spectra, J: 3},
		{Kind: SCov, J: 3, Cross: true},
	} {
		per := sp
		per.Pad = "periodic"
		crop := sp
		crop.Pad = "crop"
		in := x
		if sp.Cross {
			in = pair
		}
		a, err := BuildWithRef(per.WithDefaults(n, n), eng, in)
		if err != nil {
			t.Fatalf("%v: %v", per, err)
		}
		b, err := BuildWithRef(crop.WithDefaults(n, n), eng, in)
		if err != nil {
			t.Fatalf("%v: %v", crop, err)
		}
		if a.Key() == b.Key() || !strings.Contains(b.Key(), "/crop=4") {
			t.Errorf("%v: keys %q and %q", crop, a.Key(), b.Key())
		}
		if !strings.Contains(crop.WithDefaults(n, n).String(), "pad=crop") {
			t.Errorf("%v: String() does not name the boundary", crop)
		}
		ca, err := eng.Forward(a.Key(), a.Stat(), in)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := eng.Forward(b.Key(), b.Stat(), in)
		if err != nil {
			t.Fatal(err)
		}
		diff := 0.0
		for i := range ca.Data {
			d := cb.Data[i] - ca.Data[i]
			diff = math.Max(diff, math.Hypot(real(d), imag(d)))
			if math.IsNaN(real(cb.Data[i])) || math.IsInf(real(cb.Data[i]), 0) {
				t.Fatalf("%v: coefficient %d = %v", crop, i, cb.Data[i])
			}
		}
		if diff == 0 {
			t.Errorf("%v: crop gives the periodic coefficients", crop)
		}
		t.Logf("%v: %d coefficients, largest |crop − periodic| %.3g", crop, len(ca.Data), diff)
	}
	// The raw statistic is scov's NonPeriodic one.
	b, err := Build(Spec{Kind: SCov, J: 3, Pad: "crop"}.WithDefaults(n, n), n, n)
	if err != nil {
		t.Fatal(err)
	}
	op, err := scov.New(scov.Config{J: 3, L: 4, NonPeriodic: true, Cut: 0.5}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	if b.Key() != op.Key() {
		t.Errorf("key %q, want scov's %q", b.Key(), op.Key())
	}
	for _, k := range []Kind{SCov, Spectra} {
		_, err := Build(Spec{Kind: k, J: 3, Pad: "reflect"}.WithDefaults(n, n), n, n)
		if err == nil || !strings.Contains(err.Error(), "reflect") || !strings.Contains(err.Error(), "crop") {
			t.Errorf("%s pad reflect: error %v, want one naming reflect and crop", k, err)
		}
	}
	// J = 5 on 32² cuts 16 pixels per side: nothing is left.
	if _, err := Build(Spec{Kind: SCov, J: 5, Pad: "crop"}.WithDefaults(n, n), n, n); err == nil || !strings.Contains(err.Error(), "cut of 16 pixels") {
		t.Errorf("J = 5 crop on 32²: error %v, want the cut named", err)
	}
}
