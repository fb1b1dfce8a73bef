package stats_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func libdocMaps(b, m, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = math.Sin(0.37*float64(i)) + 0.5*math.Cos(0.011*float64(i*i))
	}
	return x
}

// TestOpInputSizeAndOtherSizeMessage: every operator says the size of the
// maps it takes (stats.InputSize: M×N, 2M×N for cross pairs), and a scov or
// spectra operator evaluated on maps of another size says so. A 64²-built
// scov operator given a 256² map failed inside the engine with its filter
// bank ('cpu: filter bank "morlet-cheng j0 L4 64x64" is K=4 64x64 (16384
// dense values, 0 run lists), field is 256x256'); it now answers
// 'scov: statistic built for maps of 32x32 ([B,1,32,32]), got
// [1,1,48,64]…' as an *stlayer.ErrShape naming the remedy.
func TestOpInputSizeAndOtherSizeMessage(t *testing.T) {
	const m, n = 32, 32
	eng := cpu.New()
	ref := libdocMaps(2, m, n)
	pair, err := stats.StackPair(libdocMaps(1, m, n), libdocMaps(1, m, n))
	if err != nil {
		t.Fatal(err)
	}
	other, otherPair := libdocMaps(1, 48, 64), libdocMaps(1, 96, 64)
	for _, c := range []struct {
		spec       stats.Spec
		rows       int
		checkedMsg string // the stats-level message ("" where the family checks itself)
	}{
		{stats.Spec{Kind: stats.SCov, J: 3, Iso: true}, m, "scov: statistic built for maps of 32x32 ([B,1,32,32]), got [1,1,48,64]"},
		{stats.Spec{Kind: stats.SCov, J: 3}, m, "scov: statistic built for maps of 32x32 ([B,1,32,32]), got [1,1,48,64]"},
		{stats.Spec{Kind: stats.Spectra, J: 3}, m, "spectra: statistic built for maps of 32x32 ([B,1,32,32]), got [1,1,48,64]"},
		{stats.Spec{Kind: stats.SCov, J: 3, Cross: true}, 2 * m, "scov --cross: statistic built for maps of 32x32 stacked by rows in pairs ([B,1,64,32]), got [1,1,96,64]"},
		{stats.Spec{Kind: stats.WPH, J: 3}, m, "wph: statistic built for"},
		{stats.Spec{Kind: stats.WPH, J: 3, Cross: true}, 2 * m, "wph: statistic built for"},
		{stats.Spec{Kind: stats.WST, J: 3}, m, "wst: statistic for [B, 1, 32, 32] maps"},
		{stats.Spec{Kind: stats.WST, J: 3, Synthesis: true, Iso: true}, m, "wst: statistic for [B, 1, 32, 32] maps"},
		{stats.Spec{Kind: stats.WST, J: 2, Local: true}, m, "wst: statistic for [B, 1, 32, 32] maps"},
	} {
		r := ref
		x := other
		if c.spec.Cross {
			r, x = pair, otherPair
		}
		op, err := stats.BuildWithRef(c.spec, eng, r)
		if err != nil {
			t.Fatalf("%v: %v", c.spec, err)
		}
		rows, cols, ok := stats.InputSize(op)
		if !ok || rows != c.rows || cols != n {
			t.Errorf("%v: InputSize %d×%d (ok %v), want %d×%d", c.spec, rows, cols, ok, c.rows, n)
		}
		if _, err := eng.Forward(op.Key(), op.Stat(), r); err != nil {
			t.Errorf("%v on its own size: %v", c.spec, err)
		}
		_, err = eng.Forward(op.Key(), op.Stat(), x)
		var se *stlayer.ErrShape
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.checkedMsg) || strings.Contains(err.Error(), "filter bank") {
			t.Errorf("%v on %d×%d maps: error %v, want an ErrShape containing %q", c.spec, x.M, x.N, err, c.checkedMsg)
		}
	}
	if _, _, ok := stats.InputSize(nil); ok {
		t.Errorf("InputSize(nil) says a size")
	}
}
