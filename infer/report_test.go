package infer

import (
	"encoding/json"
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
