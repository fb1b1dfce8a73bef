package infer

import (
	"testing"
)

// BenchmarkSeparationQuality's noise case drew its noise map and samples
// from fixed streams, so STKIT_SEP_SEED (the separation's own draws) could
// not give another noise realisation. STKIT_SEP_NOISE_SEED now does; its
// default 0 keeps the draw of the recorded figures (the values pinned here
// were measured on the old code, 32² case).
func TestMisc22SepNoiseSeed(t *testing.T) {
	sum := func(x []float64) (a float64) {
		for _, v := range x {
			a += v
		}
		return
	}
	d, s, samples, isNoise := sepQualityCase(t, "noise", 32)
	if !isNoise || samples.B != 20 || d.Data[0] != 0.051012227756522484 || d.Data[1000] != 0.18709682127631044 ||
		sum(d.Data) != 113.38327830149585 || samples.Data[5] != 0.13938439320832488 || sum(samples.Data) != -4.2905426390381507 {
		t.Errorf("default draw changed: d[0] %.17g, d[1000] %.17g, Σd %.17g, samples[5] %.17g, Σsamples %.17g (%d samples)",
			d.Data[0], d.Data[1000], sum(d.Data), samples.Data[5], sum(samples.Data), samples.B)
	}
	t.Setenv("STKIT_SEP_NOISE_SEED", "1")
	d1, s1, samples1, _ := sepQualityCase(t, "noise", 32)
	if sum(s1.Data) != sum(s.Data) {
		t.Errorf("STKIT_SEP_NOISE_SEED changed the dust map s")
	}
	if d1.Data[0] == d.Data[0] || sum(d1.Data) == sum(d.Data) || sum(samples1.Data) == sum(samples.Data) {
		t.Errorf("STKIT_SEP_NOISE_SEED=1: the same draw as 0 (Σd %.17g, Σsamples %.17g)", sum(d1.Data), sum(samples1.Data))
	}
	for b := range samples1.B { // the data's noise is not one of the samples
		n0 := d1.Data[0] - s1.Data[0]
		if samples1.Map(b)[0] == n0 {
			t.Errorf("STKIT_SEP_NOISE_SEED=1: sample %d is the data's noise", b)
		}
	}
}
