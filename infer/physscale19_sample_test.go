package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// sample --report drew power_spectrum.png with k only in cycles per patch:
// SampleReportScaled takes the dataset's pixel scale (k_scale: p pixels
// of 1.5 arcmin); SampleReport (nil scale) leaves it out.
func TestPhysscale19SampleReportScaled(t *testing.T) {
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	patches, sampled := stlayer.NewMaps(4, p, p), stlayer.NewMaps(2, p, p)
	for i := 0; i < 4; i++ {
		copy(patches.Map(i), fx.features.Patches.Patch(i))
	}
	for i := 0; i < 2; i++ {
		copy(sampled.Map(i), fx.features.Patches.Patch(4+i))
	}
	ps := &datasets.PixelScale{X: 1.5, Y: 1.5, Unit: "arcmin"}
	vm, err := SampleReportScaled(t.TempDir(), cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil, ps)
	if err != nil {
		t.Fatal(err)
	}
	if k := vm.KScale; k == nil || k.SidePx != p || math.Abs(k.Side-1.5*float64(p)) > 1e-9 || k.Unit != "arcmin" {
		t.Errorf("k_scale %+v, want %d px = %g arcmin", k, p, 1.5*float64(p))
	}
	vm, err = SampleReport(t.TempDir(), cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil)
	if err != nil || vm.KScale != nil {
		t.Errorf("SampleReport: k_scale %+v (%v), want none", vm.KScale, err)
	}
}
