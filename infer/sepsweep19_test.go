package infer

import (
	"context"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSepsweep19DefaultSchedule pins the default schedule (10 + 50 steps in
// 4 epochs, DefaultSepStages) and what it was chosen for: on the 64² dust +
// white noise case of the separation issue (SNR 1, 20 noise samples, WPH iso
// + PS, JMD) it ends with a higher min r where noise ≤ dust than the former
// 30 + 100 steps, with fewer evaluations and the spectrum as good (measured:
// min r 0.804 vs 0.796, 82 vs 151 evaluations, spectrum 0.133 both).
func TestSepsweep19DefaultSchedule(t *testing.T) {
	const size = 64
	d, s, samples, _ := sepQualityCase(t, "noise", size)
	spec := stats.Spec{Kind: stats.WPH, L: 4, Iso: true}.WithDefaults(size, size)
	ss, err := NewSepStats(spec, size, size, true)
	if err != nil {
		t.Fatal(err)
	}
	p := &SeparationProblem{Data: d, Noise: samples, Stats: ss}
	eng := cpu.New()
	st, err := BuildSeparation(eng, p, SeparationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, want := st.Options.Stages, DefaultSepStages(10, 50, 4)
	if len(got) != 2 || got[0].Steps != want[0].Steps || !got[0].PSOnly || got[0].Epochs != 1 || got[1].Steps != want[1].Steps || got[1].Epochs != want[1].Epochs {
		t.Fatalf("default stages %+v, want %+v", got, want)
	}
	run := func(stages []SepStage) (*SeparationMetrics, int) {
		res, err := RunSeparation(context.Background(), eng, p, SeparationOptions{Seed: 1, Stages: stages})
		if err != nil {
			t.Fatal(err)
		}
		m, err := EvaluateSeparation(d, res.S, samples, s)
		if err != nil {
			t.Fatal(err)
		}
		return m, res.Evals
	}
	mNew, eNew := run(nil)
	mOld, eOld := run(DefaultSepStages(30, 100, 4))
	t.Logf("default: min r %.3f, spectrum %.3f, pixel corr %.3f, %d evaluations; 30,100,4: %.3f, %.3f, %.3f, %d", mNew.RMin, mNew.PSMaxDev, mNew.PixelCorr, eNew, mOld.RMin, mOld.PSMaxDev, mOld.PixelCorr, eOld)
	if !(mNew.RMin > mOld.RMin) {
		t.Errorf("min r where noise ≤ dust: default %.3f, want above 30,100,4's %.3f", mNew.RMin, mOld.RMin)
	}
	if !(float64(eNew) < 0.7*float64(eOld)) {
		t.Errorf("evaluations: default %d, want < 0.7 × 30,100,4's %d", eNew, eOld)
	}
	if !(mNew.PSMaxDev < mOld.PSMaxDev+0.02) || !(mNew.PixelCorr > mOld.PixelCorr-0.005) {
		t.Errorf("spectrum %.3f (30,100,4: %.3f), pixel corr %.3f (%.3f): want no worse", mNew.PSMaxDev, mOld.PSMaxDev, mNew.PixelCorr, mOld.PixelCorr)
	}
}
