package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestReview19PixelMeanSDRatio: SynthSpread.PixelMeanSDRatio is the ratio
// of the unbiased (n − 1) stds of the maps' pixel means, syntheses over
// targets, computed here directly from the means (6 targets and 4
// syntheses of different sizes, so that the n/(n − 1) factors differ; the
// maps' pixel means shifted apart).
func TestReview19PixelMeanSDRatio(t *testing.T) {
	const s = 32
	set := synthsetSet(10, s) // pixel means 1 each: shift them apart
	for b := 0; b < set.B; b++ {
		for i := range set.Map(b) {
			set.Map(b)[i] += 0.01 * float64((b*b)%7)
		}
	}
	target := &stlayer.Maps{B: 6, M: s, N: s, Data: set.Data[:6*s*s]}
	synth := &stlayer.Maps{B: 4, M: s, N: s, Data: set.Data[6*s*s:]}
	unbiasedSD := func(x *stlayer.Maps) float64 {
		m := make([]float64, x.B)
		mean := 0.0
		for b := range m {
			for _, v := range x.Map(b) {
				m[b] += v
			}
			m[b] /= float64(s * s)
			mean += m[b] / float64(x.B)
		}
		ss := 0.0
		for _, v := range m {
			ss += (v - mean) * (v - mean)
		}
		return math.Sqrt(ss / float64(x.B-1))
	}
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 3, Iso: true, Synthesis: true}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSynthSpread(eng, op, target, synth)
	if err != nil {
		t.Fatal(err)
	}
	want := unbiasedSD(synth) / unbiasedSD(target)
	if math.Abs(sp.PixelMeanSDRatio-want) > 1e-9*want {
		t.Errorf("PixelMeanSDRatio %.12g, want the unbiased stds' ratio %.12g (population ratio × √(K(N−1)/((K−1)N)))", sp.PixelMeanSDRatio, want)
	}
}
