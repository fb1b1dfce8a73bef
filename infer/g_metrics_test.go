package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// gNoise returns an m×n map of unit white noise.
func gNoise(m, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, m*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// TestPSRatioStatsDifferentEdges: spectra of 60² and 64² maps have 10 bins
// each, the last ending at 30 and at 32 cycles per map; PSRatioStats
// compared them bin by bin (ratio ≈ 1 of unrelated bins). Different edges
// are different binnings: nil ratio, NaN deviations. Spectra of the same
// binning, or a hand-made one without edges of the same bin count, are
// still compared.
func TestPSRatioStatsDifferentEdges(t *testing.T) {
	a := IsoPowerSpectrum(gNoise(60, 60, 1), 60, 60)
	b := IsoPowerSpectrum(gNoise(64, 64, 2), 64, 64)
	if len(a.P) != 10 || len(b.P) != 10 || a.Edges[10] != 30 || b.Edges[10] != 32 {
		t.Fatalf("bins: %d (last edge %g) and %d (last edge %g), want 10 each, ending at 30 and 32", len(a.P), a.Edges[len(a.Edges)-1], len(b.P), b.Edges[len(b.Edges)-1])
	}
	if r, mx, mn := PSRatioStats(a, b, 2); r != nil || !math.IsNaN(mx) || !math.IsNaN(mn) {
		t.Errorf("60² against 64²: ratio %v, max %g, mean %g; want nil, NaN, NaN", r, mx, mn)
	}
	c := IsoPowerSpectrum(gNoise(64, 64, 3), 64, 64)
	r, mx, mn := PSRatioStats(c, b, 2)
	if len(r) != 10 || math.IsNaN(mx) || !(mx >= mn) || !(mn > 0) {
		t.Fatalf("64² against 64²: ratio %v, max %g, mean %g", r, mx, mn)
	}
	// 64×128 and 128×64 maps have the same bins (physical frequency).
	d := IsoPowerSpectrum(gNoise(64, 128, 4), 64, 128)
	e := IsoPowerSpectrum(gNoise(128, 64, 5), 128, 64)
	if r, _, _ := PSRatioStats(d, e, 2); len(r) != len(e.P) {
		t.Errorf("64×128 against 128×64: %d ratios for %d bins", len(r), len(e.P))
	}
	// No edges on the synthesis side: the bin counts decide.
	h := &PowerSpectrum{P: append([]float64(nil), c.P...)}
	r2, mx2, mn2 := PSRatioStats(h, b, 2)
	if len(r2) != 10 || mx2 != mx || mn2 != mn {
		t.Errorf("edge-less copy: ratio %v, max %g, mean %g; want %v, %g, %g", r2, mx2, mn2, r, mx, mn)
	}
}

// TestMFDeviationDoc pins ValidationMetrics' Minkowski deviations:
// MFDevSigma = (MFSynth − MFTarget)/MFSpread, MFMaxSigma its largest
// |value|, and 0 (not ±Inf) where the spread set's maps are identical
// (MFSpread 0, below 1e−6/(M·N)), which the doc did not say.
func TestMFDeviationDoc(t *testing.T) {
	const m = 32
	target, synth := gMaps(m, 11, 12, 13), gMaps(m, 14, 15)
	for i := range synth.Data {
		synth.Data[i] *= 1.3
	}
	vm, err := Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	mx := 0.0
	for f := 0; f < 3; f++ {
		for i := range MinkowskiThresholds {
			want := (vm.MFSynth[f][i] - vm.MFTarget[f][i]) / vm.MFSpread[f][i]
			if vm.MFSpread[f][i] <= 1e-6/float64(m*m) {
				want = 0
			}
			if got := vm.MFDevSigma[f][i]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("V%d at ν = %g: deviation %g, want %g", f, MinkowskiThresholds[i], got, want)
			}
			mx = math.Max(mx, math.Abs(want))
		}
	}
	if vm.MFMaxSigma != mx || !(mx > 1) {
		t.Errorf("MFMaxSigma %g, want the largest |deviation| %g (> 1 for a 1.3× wider synthesis)", vm.MFMaxSigma, mx)
	}
	// Two identical target maps: no spread, deviations 0 although the
	// synthesis differs.
	same := stlayer.NewMaps(2, m, m)
	copy(same.Map(0), target.Map(0))
	copy(same.Map(1), target.Map(0))
	vm, err = Validate(same, synth)
	if err != nil {
		t.Fatal(err)
	}
	differs := false
	for f := 0; f < 3; f++ {
		for i := range MinkowskiThresholds {
			if vm.MFSpread[f][i] != 0 || vm.MFDevSigma[f][i] != 0 {
				t.Errorf("identical targets, V%d at ν = %g: spread %g, deviation %g; want 0, 0", f, MinkowskiThresholds[i], vm.MFSpread[f][i], vm.MFDevSigma[f][i])
			}
			differs = differs || vm.MFSynth[f][i] != vm.MFTarget[f][i]
		}
	}
	if vm.MFMaxSigma != 0 || !differs {
		t.Errorf("identical targets: MFMaxSigma %g (want 0), synthesis differs from the target: %v", vm.MFMaxSigma, differs)
	}
}

// TestValidatePSDevSkipsBelow2 pins ValidationMetrics' PS deviations: bins
// [1, √2) and [√2, 2) (4 modes each on 64²) are left out of PSMaxDev and
// PSMeanDev — a synthesis whose power there is 9× the target's but equal
// elsewhere scores 0 — and a change at 2 ≤ |k| counts.
func TestValidatePSDevSkipsBelow2(t *testing.T) {
	const m = 64
	target := gMaps(m, 21)
	scaled := func(kmin, kmax, f float64) *stlayer.Maps {
		x := target.Map(0)
		fx := fft2(x, m, m)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				if k := modeK(i, j, m, m); k >= kmin && k < kmax {
					fx[i*m+j] *= complex(f, 0)
				}
			}
		}
		return &stlayer.Maps{B: 1, M: m, N: m, Data: ifft2Real(fx, m, m)}
	}
	ps := IsoPowerSpectrum(target.Map(0), m, m)
	if ps.Count[0] != 4 || ps.Count[1] != 4 || ps.Edges[2] != 2 {
		t.Fatalf("bins below 2: counts %v, edges %v", ps.Count[:2], ps.Edges[:3])
	}
	vm, err := Validate(target, scaled(1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if vm.PSMaxDev > 1e-9 || vm.PSMeanDev > 1e-9 || math.Abs(vm.PSRatio[0]-9) > 1e-9 || math.Abs(vm.PSRatio[1]-9) > 1e-9 {
		t.Errorf("power ×9 below k = 2: max dev %g, mean %g, ratios %v; want 0, 0, 9, 9", vm.PSMaxDev, vm.PSMeanDev, vm.PSRatio[:2])
	}
	vm, err = Validate(target, scaled(2, 2.5, 3))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(vm.PSMaxDev-8) > 1e-9 {
		t.Errorf("power ×9 in [2, 2.83): max dev %g, want 8", vm.PSMaxDev)
	}
}

// TestSeparationPixelScores pins SeparationMetrics' pixel scores (their
// doc did not define them): Pearson correlation with s, rms error over the
// std of s, for s̃ and for d, by hand; 0 for a constant separated map.
func TestSeparationPixelScores(t *testing.T) {
	const m = 32
	s, c := gMaps(m, 31), gMaps(m, 32)
	d := stlayer.NewMaps(1, m, m)
	sep := stlayer.NewMaps(1, m, m)
	for i := range d.Data {
		d.Data[i] = s.Data[i] + 0.8*c.Data[i] + 0.3
		sep.Data[i] = 0.9*s.Data[i] + 0.2*c.Data[i] - 0.1
	}
	sm, err := EvaluateSeparation(d, sep, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	corr := func(a, b []float64) float64 {
		ma, sa, _, _ := Moments(a)
		mb, sb, _, _ := Moments(b)
		v := 0.0
		for i := range a {
			v += (a[i] - ma) * (b[i] - mb)
		}
		return v / float64(len(a)) / (sa * sb)
	}
	relRMS := func(a []float64) float64 {
		_, ss, _, _ := Moments(s.Data)
		v := 0.0
		for i := range a {
			e := a[i] - s.Data[i]
			v += e * e
		}
		return math.Sqrt(v/float64(len(a))) / ss
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"PixelCorr", sm.PixelCorr, corr(sep.Data, s.Data)}, {"PixelCorrData", sm.PixelCorrData, corr(d.Data, s.Data)},
		{"RelRMSError", sm.RelRMSError, relRMS(sep.Data)}, {"RelRMSErrorData", sm.RelRMSErrorData, relRMS(d.Data)},
	} {
		if math.Abs(c.got-c.want) > 1e-12 || !(c.want > 0) {
			t.Errorf("%s = %.12g, by hand %.12g", c.name, c.got, c.want)
		}
	}
	flat := stlayer.NewMaps(1, m, m)
	sm, err = EvaluateSeparation(d, flat, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(sm.PixelCorr) || !(sm.RelRMSError > 0) {
		t.Errorf("constant s̃: pixel correlation %g (want NaN: undefined), rms error %g", sm.PixelCorr, sm.RelRMSError)
	}
}

// TestValidateMomentsAndW1PerMap pins ValidationMetrics' per-map entries:
// Moments[b] and MomentsTgt[b] are Moments of synthesis b and target map
// b (undocumented before), W1[b] the W1 of synthesis b against the pooled
// target pixels over the target's std, W1Mean their mean.
func TestValidateMomentsAndW1PerMap(t *testing.T) {
	const m = 16
	target, synth := gMaps(m, 41, 42), gMaps(m, 43, 44, 45)
	for i := range synth.Data {
		synth.Data[i] = 2*synth.Data[i] + 1
	}
	vm, err := Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	_, sd, _, _ := Moments(target.Data)
	w1 := 0.0
	for b := 0; b < 3; b++ {
		a, s, k, u := Moments(synth.Map(b))
		if vm.Moments[b] != [4]float64{a, s, k, u} {
			t.Errorf("synthesis %d: moments %v, want %v", b, vm.Moments[b], [4]float64{a, s, k, u})
		}
		if want := Wasserstein1(synth.Map(b), target.Data) / sd; vm.W1[b] != want {
			t.Errorf("synthesis %d: W1 %g, want %g", b, vm.W1[b], want)
		}
		w1 += vm.W1[b] / 3
	}
	for b := 0; b < 2; b++ {
		a, s, k, u := Moments(target.Map(b))
		if vm.MomentsTgt[b] != [4]float64{a, s, k, u} {
			t.Errorf("target %d: moments %v", b, vm.MomentsTgt[b])
		}
	}
	if math.Abs(vm.W1Mean-w1) > 1e-15 || len(vm.Moments) != 3 || len(vm.MomentsTgt) != 2 {
		t.Errorf("W1 mean %g, want %g; %d and %d moment rows", vm.W1Mean, w1, len(vm.Moments), len(vm.MomentsTgt))
	}
}
