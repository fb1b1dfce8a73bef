package infer

import (
	"math"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// ValidateOptions.Apodise: the report's spectra (target, syntheses,
// reference spread) are those of the Hann-tapered maps w·(x − x̄_w), power
// divided by ⟨w²⟩ — the convention of the apodised PS term that synth
// --pad crop matches, so that its report compares what it fitted (before,
// the periodic spectra of a cut target held its wrap-around jump: max
// |ratio − 1| 0.49 for syntheses whose tapered spectrum matched to 5e-4).
// Without it the spectra are unchanged.
func TestValidateApodisedSpectra(t *testing.T) {
	const m = 48
	mk := func(seeds ...uint64) *stlayer.Maps {
		x := stlayer.NewMaps(len(seeds), m, m)
		for i, s := range seeds {
			big, err := datasets.GaussianRandomField(2*m, 2*m, -3, s)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < m; r++ {
				copy(x.Map(i)[r*m:(r+1)*m], big[r*2*m:r*2*m+m]) // a corner cut: not periodic
			}
		}
		return x
	}
	target, synth, ref := mk(1), mk(2, 3), mk(4, 5, 6)
	plain, err := ValidateWith(target, synth, ValidateOptions{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	if want := MeanPowerSpectrum([][]float64{target.Map(0)}, m, m).P; !slices.Equal(plain.PSTarget, want) {
		t.Error("Apodise off: the target spectrum is not the periodic one")
	}
	apo, err := ValidateWith(target, synth, ValidateOptions{Reference: ref, Apodise: true})
	if err != nil {
		t.Fatal(err)
	}
	w := HannTaper(m, m)
	w2 := 0.0
	for _, v := range w {
		w2 += v * v / float64(len(w))
	}
	taper := func(x []float64) []float64 {
		sw, swx := 0.0, 0.0
		for i, v := range x {
			sw += w[i]
			swx += w[i] * v
		}
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = w[i] * (v - swx/sw) / math.Sqrt(w2)
		}
		return out
	}
	wantT := MeanPowerSpectrum([][]float64{taper(target.Map(0))}, m, m).P
	wantS := MeanPowerSpectrum([][]float64{taper(synth.Map(0)), taper(synth.Map(1))}, m, m).P
	for b := range wantT {
		if math.Abs(apo.PSTarget[b]-wantT[b]) > 1e-12*wantT[b] || math.Abs(apo.PSSynth[b]-wantS[b]) > 1e-12*wantS[b] {
			t.Fatalf("bin %d: target %g synth %g, want %g %g", b, apo.PSTarget[b], apo.PSSynth[b], wantT[b], wantS[b])
		}
	}
	if slices.Equal(apo.PSTarget, plain.PSTarget) || len(apo.PSTargetSpread) != len(plain.PSTargetSpread) {
		t.Error("Apodise on: spectra identical to the periodic ones, or no spread")
	}
	// the histogram and Minkowski figures use the maps as they are
	if apo.W1Mean != plain.W1Mean || apo.MFMaxSigma != plain.MFMaxSigma {
		t.Error("Apodise changed W1 or the Minkowski figures")
	}
}
