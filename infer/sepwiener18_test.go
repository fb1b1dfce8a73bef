package infer

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// sepwiener18Case: s a log-normal 32² field, d = s + n with white noise of
// std 0.5 plus an offset, and 8 noise samples with the same offset.
func sepwiener18Case(t *testing.T, offset float64) (d, s, noise *stlayer.Maps) {
	const m = 32
	s = mapsOf(m, field(t, m, -3, 0.6, 1, 1, 0))
	rng := rand.New(rand.NewPCG(18, 1))
	white := func(b int) *stlayer.Maps {
		x := stlayer.NewMaps(b, m, m)
		for i := range x.Data {
			x.Data[i] = offset + 0.5*rng.NormFloat64()
		}
		return x
	}
	n := white(1)
	d = stlayer.NewMaps(1, m, m)
	for i := range d.Data {
		d.Data[i] = s.Data[i] + n.Data[i]
	}
	return d, s, white(8)
}

func sepwiener18Means(x *stlayer.Maps) (mean, spread float64) {
	mn := x.M * x.N
	ms := make([]float64, x.B)
	for b := range ms {
		ms[b], _, _, _ = Moments(x.Data[b*mn : (b+1)*mn])
	}
	mean, spread, _, _ = Moments(ms)
	return mean, spread
}

// TestSepwiener18OffsetMean: the contaminant's mean is removed. With noise
// samples (and the data's noise) offset by +0.3, s̃ kept the mean of d
// before (WPH sees no mean: mean(s̃) − mean(s) = +0.30); now its mean is
// mean(d) − m_r, within the spread of the samples' means of the truth's.
// WPH: by the final shift (MeanShift ≈ −0.3); scov: through its mean
// coefficient (MeanShift 0).
func TestSepwiener18OffsetMean(t *testing.T) {
	const offset = 0.3
	d, s, noise := sepwiener18Case(t, offset)
	ms, _, _, _ := Moments(s.Data)
	mr, spread := sepwiener18Means(noise)
	tol := 3*spread + 0.5/32 // the samples' spread, and the data noise's own mean (σ/√MN)
	for _, kind := range []stats.Kind{stats.WPH, stats.SCov} {
		ss, err := NewSepStats(stats.Spec{Kind: kind, J: 3, L: 4, Iso: true}, 32, 32, true)
		if err != nil {
			t.Fatal(err)
		}
		p := &SeparationProblem{Data: d, Noise: noise, Stats: ss}
		res, err := RunSeparation(context.Background(), cpu.New(), p, SeparationOptions{Seed: 1, Stages: DefaultSepStages(5, 10, 2)})
		if err != nil {
			t.Fatal(err)
		}
		got, _, _, _ := Moments(res.S.Data)
		t.Logf("%s: mean s̃ %.4f, truth %.4f, d %.4f; m_r %.4f, shift %.4f, tol %.4f", kind, got, ms, ms+offset, res.ContaminantMean, res.MeanShift, tol)
		if math.Abs(got-ms) > tol {
			t.Errorf("%s: mean of s̃ %.4f, truth %.4f: off by more than %.4f", kind, got, ms, tol)
		}
		if math.Abs(res.ContaminantMean-mr) > 1e-12 {
			t.Errorf("%s: ContaminantMean %v, want the samples' mean %v", kind, res.ContaminantMean, mr)
		}
		rm, _, _, _ := Moments(res.Residual.Data)
		if math.Abs(rm-mr) > tol {
			t.Errorf("%s: mean of d − s̃ %.4f, want ≈ m_r %.4f", kind, rm, mr)
		}
		wantShift := kind == stats.WPH
		if (math.Abs(res.MeanShift+offset) < 0.1) != wantShift || (!wantShift && res.MeanShift != 0) {
			t.Errorf("%s: MeanShift %v (want ≈ −%g for WPH, 0 for scov)", kind, res.MeanShift, offset)
		}
	}
}

// TestSepwiener18WienerEstimate: W = max(P_d − ⟨P_r⟩, 0)/P_d per annulus
// and mean(d) − m_r at k = 0: samples of zero power give d itself, samples
// equal to d give the constant mean(d) − mean(d) = 0, and on the noisy
// case the estimate correlates better with s than d does, with the
// offset removed from its mean.
func TestSepwiener18WienerEstimate(t *testing.T) {
	d, s, noise := sepwiener18Case(t, 0.3)
	zero := stlayer.NewMaps(2, d.M, d.N)
	w, err := WienerEstimate(d, zero, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range w.Data {
		if math.Abs(v-d.Data[i]) > 1e-12 {
			t.Fatalf("zero samples: pixel %d is %v, want d's %v", i, v, d.Data[i])
		}
	}
	same := &stlayer.Maps{B: 2, M: d.M, N: d.N, Data: append(append([]float64{}, d.Data...), d.Data...)}
	if w, err = WienerEstimate(d, nil, same); err != nil {
		t.Fatal(err)
	}
	for i, v := range w.Data {
		if math.Abs(v) > 1e-12 {
			t.Fatalf("samples equal to d: pixel %d is %v, want 0", i, v)
		}
	}
	if w, err = WienerEstimate(d, nil, noise); err != nil {
		t.Fatal(err)
	}
	cw, cd := PixelCorrelation(w.Data, s.Data), PixelCorrelation(d.Data, s.Data)
	mw, _, _, _ := Moments(w.Data)
	md, _, _, _ := Moments(d.Data)
	mr, _ := sepwiener18Means(noise)
	t.Logf("pixel corr Wiener %.3f, data %.3f; mean %.4f = %.4f − %.4f", cw, cd, mw, md, mr)
	if !(cw > cd+0.05) {
		t.Errorf("pixel correlation of the Wiener estimate %.3f, data %.3f: want at least +0.05", cw, cd)
	}
	if math.Abs(mw-(md-mr)) > 1e-12 {
		t.Errorf("mean %v, want mean(d) − m_r = %v", mw, md-mr)
	}
	for _, bad := range []struct {
		name string
		c, n *stlayer.Maps
	}{{"no samples", nil, nil}, {"wrong size", stlayer.NewMaps(2, 16, 16), nil}} {
		if _, err := WienerEstimate(d, bad.c, bad.n); err == nil {
			t.Errorf("%s: no error", bad.name)
		}
	}
}

// TestSepwiener18WienerStart: SeparationOptions.WienerStart starts from
// the Wiener estimate: a first stage of the contaminant term alone, which
// is stuck at s̃ = d (zero residual), runs from it.
func TestSepwiener18WienerStart(t *testing.T) {
	d, _, noise := sepwiener18Case(t, 0)
	ss, err := NewSepStats(stats.Spec{Kind: stats.WPH, J: 3, L: 4, Iso: true}, 32, 32, true)
	if err != nil {
		t.Fatal(err)
	}
	p := &SeparationProblem{Data: d, Noise: noise, Stats: ss}
	opt := SeparationOptions{Seed: 1, Weights: SepWeights{Contaminant: 1}, Stages: DefaultSepStages(0, 4, 1)[1:]}
	if _, err := RunSeparation(context.Background(), cpu.New(), p, opt); err == nil {
		t.Fatal("from d: no error (the residual terms are stuck at s̃ = d)")
	}
	opt.WienerStart = true
	res, err := RunSeparation(context.Background(), cpu.New(), p, opt)
	if err != nil {
		t.Fatalf("from the Wiener estimate: %v", err)
	}
	if r := res.Epochs[0]; r.Iters == 0 || !(r.Loss < r.InitialLoss) {
		t.Errorf("from the Wiener estimate: %d iterations, loss %g → %g", r.Iters, r.InitialLoss, r.Loss)
	}
}
