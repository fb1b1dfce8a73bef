package infer

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

func TestWriteSynthReport(t *testing.T) {
	const n = 64
	target := stlayer.NewMaps(2, n, n)
	synth := stlayer.NewMaps(2, n, n)
	for b := 0; b < 2; b++ {
		x, _ := smoothGRF(n, 2, uint64(10+b))
		copy(target.Map(b), x)
		y, _ := smoothGRF(n, 2, uint64(20+b))
		copy(synth.Map(b), y)
	}
	dir := t.TempDir()
	vm, err := WriteSynthReport(dir, target, synth, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"maps.png", "power_spectrum.png", "histogram.png", "minkowski.png", "metrics.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	var back ValidationMetrics
	b, _ := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	// Two independent realisations of one Gaussian process: spectra agree to
	// sampling error, W1 is comparable with the target-to-target W1.
	if vm.PSMaxDev > 0.6 {
		t.Errorf("PS max deviation %g between realisations of one process", vm.PSMaxDev)
	}
	if vm.W1Ref == 0 || vm.W1[0] > 4*vm.W1Ref+0.05 {
		t.Errorf("W1 %v vs between-target %g", vm.W1, vm.W1Ref)
	}
	if len(back.MFDevSigma[0]) != len(MinkowskiThresholds) {
		t.Errorf("metrics.json lacks MF deviations")
	}
	// A map compared with itself: ratio exactly 1, W1 zero.
	one := &stlayer.Maps{B: 1, M: n, N: n, Data: target.Map(0)}
	self, _ := Validate(one, one)
	if self.PSMaxDev > 1e-12 || self.W1[0] > 1e-12 {
		t.Errorf("self-comparison: PS dev %g, W1 %g", self.PSMaxDev, self.W1[0])
	}
}

// TestPSMaxDevDefinition pins the power-spectrum criterion: mean of the
// syntheses' binned spectra of mean-subtracted maps over the target's, max
// |ratio − 1| over the bins whose lower edge is ≥ 2 cycles per map.
func TestPSMaxDevDefinition(t *testing.T) {
	const n = 64
	x, _ := smoothGRF(n, 2, 5)
	target := &stlayer.Maps{B: 1, M: n, N: n, Data: x}
	synth := stlayer.NewMaps(2, n, n)
	// Map 0: amplitude ×1.1 plus a constant (removed by the mean
	// subtraction); map 1: the target with the modes of the bin [√2, 2)
	// amplified ×3 (a bin below k = 2, outside the criterion).
	for i, v := range x {
		synth.Map(0)[i] = 1.1*v + 7
	}
	f := fft2(x, n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			k := math.Hypot(float64(freq(i, n)), float64(freq(j, n)))
			if k >= math.Sqrt2 && k < 2 {
				f[i*n+j] *= 3
			}
		}
	}
	copy(synth.Map(1), ifft2Real(f, n, n))
	vm, err := Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	want := (1.21+1)/2 - 1
	if math.Abs(vm.PSMaxDev-want) > 1e-9 || math.Abs(vm.PSMeanDev-want) > 1e-9 {
		t.Errorf("PS max %g mean %g, want %g for both", vm.PSMaxDev, vm.PSMeanDev, want)
	}
	if b := 1; math.Abs(vm.PSEdges[b]-math.Sqrt2) > 1e-12 || math.Abs(vm.PSRatio[b]-(1.21+9)/2) > 1e-9 {
		t.Errorf("bin [%g, %g): ratio %g, want %g", vm.PSEdges[b], vm.PSEdges[b+1], vm.PSRatio[b], (1.21+9)/2)
	}
}

// TestValidateReferenceSet checks the yardsticks taken from a separate
// reference set: mean pairwise W1, per-threshold MF std, PS relative spread.
func TestValidateReferenceSet(t *testing.T) {
	const n = 64
	ref := stlayer.NewMaps(3, n, n)
	for b := 0; b < 3; b++ {
		x, _ := smoothGRF(n, 2, uint64(30+b))
		copy(ref.Map(b), x)
	}
	target := &stlayer.Maps{B: 1, M: n, N: n, Data: ref.Map(0)}
	y, _ := smoothGRF(n, 2, 40)
	synth := &stlayer.Maps{B: 1, M: n, N: n, Data: y}
	plain, err := Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	if plain.SpreadMaps != 0 || plain.W1Ref != 0 || plain.MFMaxSigma != 0 || plain.MFDevSigma != nil {
		t.Errorf("one target, no reference: spreads should be absent: %d %g %g", plain.SpreadMaps, plain.W1Ref, plain.MFMaxSigma)
	}
	vm, err := ValidateWith(target, synth, ValidateOptions{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	_, sd, _, _ := Moments(target.Data)
	w := (Wasserstein1(ref.Map(0), ref.Map(1)) + Wasserstein1(ref.Map(0), ref.Map(2)) + Wasserstein1(ref.Map(1), ref.Map(2))) / 3 / sd
	if vm.SpreadMaps != 3 || math.Abs(vm.W1Ref-w) > 1e-12 {
		t.Errorf("W1 between reference maps %g, want %g (%d maps)", vm.W1Ref, w, vm.SpreadMaps)
	}
	mu := mean(target.Data)
	const ti = 6 // ν = 1
	var v [3]float64
	for b := 0; b < 3; b++ {
		v[b] = MinkowskiFunctionals(ref.Map(b), n, n, mu, sd, MinkowskiThresholds).V1[ti]
	}
	m := (v[0] + v[1] + v[2]) / 3
	s := math.Sqrt(((v[0]-m)*(v[0]-m) + (v[1]-m)*(v[1]-m) + (v[2]-m)*(v[2]-m)) / 2)
	if math.Abs(vm.MFSpread[1][ti]-s) > 1e-12 {
		t.Errorf("V1 spread at ν=1: %g, want %g", vm.MFSpread[1][ti], s)
	}
	if d := (vm.MFSynth[1][ti] - vm.MFTarget[1][ti]) / s; math.Abs(vm.MFDevSigma[1][ti]-d) > 1e-9 {
		t.Errorf("V1 deviation %g σ, want %g", vm.MFDevSigma[1][ti], d)
	}
	if len(vm.PSTargetSpread) != len(vm.PSTarget) || vm.PSTargetSpread[len(vm.PSTargetSpread)-1] <= 0 {
		t.Errorf("PS spread %v", vm.PSTargetSpread)
	}
	if _, err := ValidateWith(target, synth, ValidateOptions{Reference: &stlayer.Maps{B: 1, M: n, N: n, Data: y}}); err == nil {
		t.Error("a one-map reference set was accepted")
	}
	if _, err := ValidateWith(target, synth, ValidateOptions{Reference: stlayer.NewMaps(2, 32, 32)}); err == nil {
		t.Error("a reference set of another size was accepted")
	}
}
