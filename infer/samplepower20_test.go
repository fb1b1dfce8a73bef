package infer

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// samplepower20Checks runs the sample checks of tiles against patches as
// MeasureSampleChecksFalseAlarm does.
func samplepower20Checks(t *testing.T, tiles, patches *stlayer.Maps) SampleChecks {
	t.Helper()
	settings := map[string]any{"box": "none"}
	samplePSVerdict(tiles, patches, settings)
	vm, err := ValidateWith(patches, tiles, ValidateOptions{Reference: patches})
	if err != nil {
		t.Fatal(err)
	}
	return newSampleChecks(vm, tiles, patches, 0, settings)
}

// With 15 patches and one map every map of the pool is drawn about 1/16
// of the time (TestDemoTiny's component 0, 23 patches: skewness 0.00
// against the patches' 1.48–2.47, Minkowski 32 σ, "within the sampling
// noise of one real patch on all 9 checks"): no common tail count flags
// any map at ≤ 5 %, so a tile of the opposite skewness passed every check
// and was called "within". It is now undecided, with the smallest rate.
func TestSamplepower20SmallPoolUndecided(t *testing.T) {
	patches := samplecheck20Maps(15, 16, 11, false, 0)
	tile := samplecheck20Maps(1, 16, 12, true, 0) // skewness ≈ −1.7 against ≈ +1.7
	sc := samplepower20Checks(t, tile, patches)
	t.Logf("verdict %q, smallest rate %.3f, false alarm %.3f, failed %v", sc.Verdict, sc.SmallestRate, sc.FalseAlarm, sc.Failed())
	if sc.Within || strings.Contains(sc.Verdict, "within") {
		t.Errorf("verdict %q (within %v), want no 'within' when no check can fail", sc.Verdict, sc.Within)
	}
	if sc.Decidable || sc.SmallestRate <= sampleChecksAlpha || sc.FalseAlarm != 0 {
		t.Errorf("decidable %v, smallest rate %v, false alarm %v: want undecidable, smallest > 0.05, 0", sc.Decidable, sc.SmallestRate, sc.FalseAlarm)
	}
	if len(sc.Failed()) == 0 && !strings.HasPrefix(sc.Verdict, "undecided: the tiles are the most extreme of the patches and tiles on W1 of the histograms, pixel mean, pixel std, skewness, Minkowski functionals, and with 15 patches and 1 map those checks cannot flag them at 5 % false alarms (the smallest rate that would: 5.6 %)") {
		t.Errorf("verdict %q, want undecided", sc.Verdict)
	}
	if !strings.Contains(strings.Join(sc.Advice, "\n"), "compare more maps (-n 4 or more)") {
		t.Errorf("advice %q, want more maps", sc.Advice)
	}
}

// With 200 patches one map can be flagged at ≤ 5 % (each map of the pool
// is drawn about 5 times in 1000): an ordinary tile is still "within",
// an extreme one "outside".
func TestSamplepower20LargePoolDecides(t *testing.T) {
	patches := samplecheck20Maps(200, 16, 11, false, 0)
	sc := samplepower20Checks(t, samplecheck20Maps(1, 16, 12, false, 0), patches)
	t.Logf("ordinary: verdict %q, smallest rate %.3f, false alarm %.3f", sc.Verdict, sc.SmallestRate, sc.FalseAlarm)
	if !sc.Decidable || sc.SmallestRate > sampleChecksAlpha || !sc.Within || !strings.HasPrefix(sc.Verdict, "within the sampling noise of one real patch on all") {
		t.Errorf("ordinary tile: decidable %v smallest %v within %v %q, want within", sc.Decidable, sc.SmallestRate, sc.Within, sc.Verdict)
	}
	sc = samplepower20Checks(t, samplecheck20Maps(1, 16, 12, true, 0), patches)
	t.Logf("extreme: verdict %q", sc.Verdict)
	if sc.Within || !sc.Decidable || !strings.HasPrefix(sc.Verdict, "outside: ") {
		t.Errorf("extreme tile: %q, want outside", sc.Verdict)
	}
}

// smallestJointRate: the first common tail count at which a draw fails.
// One check whose largest value is drawn 40 times in 1000 (one map of 25,
// n = 1) cannot flag it below 4 %; two such checks with different maxima,
// 8 %.
func TestSamplepower20SmallestJointRate(t *testing.T) {
	const D = 1000
	a, b := make([]float64, D), make([]float64, D)
	for d := range a {
		a[d], b[d] = float64(d%25), float64((d+1)%25)
	}
	if r := smallestJointRate([]*jointCheck{{draws: a}}); r != 0.04 {
		t.Errorf("one check: %v, want 0.04", r)
	}
	if r := smallestJointRate([]*jointCheck{{draws: a}, {draws: b}}); r != 0.08 {
		t.Errorf("two checks: %v, want 0.08", r)
	}
	c := make([]float64, D)
	for d := range c {
		c[d] = float64(d)
	}
	if r := smallestJointRate([]*jointCheck{{draws: a}, {draws: c}}); r != 0.001 {
		t.Errorf("with a check of distinct draws: %v, want 0.001", r)
	}
	if r := smallestJointRate([]*jointCheck{{draws: make([]float64, D)}}); r != 1 {
		t.Errorf("all tie: %v, want 1", r)
	}
}
