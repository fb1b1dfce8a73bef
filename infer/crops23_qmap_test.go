package infer

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// TestSepQualityCaseQMap checks STKIT_SEP_QMAP, the knob of
// BenchmarkSeparationQuality's quijote case choosing which Quijote map goes
// into d: the default keeps map 00 in d and 01…19 as the samples (the draw of
// the recorded figures); STKIT_SEP_QMAP=1 puts map 01 in d, scaled to the
// dust's standard deviation, and 00, 02…19 in order as the samples.
func TestSepQualityCaseQMap(t *testing.T) {
	const size = 64
	t.Setenv("STKIT_SEP_DUST", "sub")
	sh := testutil.SharedDir(t)
	var qs [][]float64
	for i := 0; i < 20; i++ {
		q, err := readMap(t, filepath.Join(sh, "data", "quijote", fmt.Sprintf("logdensity_%02d.npy", i)))
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, shrink(q.Map(0), 256, size))
	}
	for _, tc := range []struct {
		env     string
		inD     int
		samples []int
	}{
		{"", 0, []int{1, 2, 19}},
		{"1", 1, []int{0, 2, 19}},
		{"19", 19, []int{0, 1, 18}},
	} {
		t.Setenv("STKIT_SEP_QMAP", tc.env)
		d, s, samples, isNoise := sepQualityCase(t, "quijote", size)
		if isNoise || samples.B != 19 {
			t.Fatalf("QMAP=%q: noise %v, %d samples, want quijote with 19", tc.env, isNoise, samples.B)
		}
		_, sdS, _, _ := Moments(s.Map(0))
		_, sdQ, _, _ := Moments(qs[tc.inD])
		a := sdS / sdQ
		var dev float64
		for i, v := range d.Map(0) {
			dev = math.Max(dev, math.Abs(v-s.Map(0)[i]-a*qs[tc.inD][i]))
		}
		// The sample positions 0, 1 and 18 hold the maps tc.samples.
		for j, pos := range []int{0, 1, 18} {
			for i, v := range samples.Map(pos) {
				dev = math.Max(dev, math.Abs(v-a*qs[tc.samples[j]][i]))
			}
		}
		if dev > 1e-12*sdS {
			t.Errorf("QMAP=%q: d − s or the samples differ from map %d / maps %v scaled by %.4g: max |dev| %.3g", tc.env, tc.inD, tc.samples, a, dev)
		}
		_, sdC, _, _ := Moments(func() []float64 {
			c := make([]float64, size*size)
			for i, v := range d.Map(0) {
				c[i] = v - s.Map(0)[i]
			}
			return c
		}())
		if math.Abs(sdC/sdS-1) > 1e-9 {
			t.Errorf("QMAP=%q: σ(d − s)/σ_s = %.6f, want 1", tc.env, sdC/sdS)
		}
	}
}
