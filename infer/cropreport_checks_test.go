package infer

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// readChecks returns metrics.json's "checks" in dir (nil when absent).
func readChecks(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	c, _ := js["checks"].(map[string]any)
	return c
}

// TestSynthReportChecks checks ValidateOptions.Fitted: metrics.json marks
// the power spectrum and the histogram (W1, moments) "fitted" when the
// loss had the matching term and "out-of-sample" otherwise, the Minkowski
// functionals always "out-of-sample", and the figures' titles say the
// same; without Fitted (terms unknown) nothing is marked.
func TestSynthReportChecks(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 17))
	target, synth := cropreportMaps(r, 2, 16, 16), cropreportMaps(r, 2, 16, 16)
	for _, c := range []struct {
		f            FittedTerms
		ps, hist, mf string
	}{
		{FittedTerms{PS: true, Hist: true}, CheckFitted, CheckFitted, CheckOutOfSample},
		{FittedTerms{PS: true}, CheckFitted, CheckOutOfSample, CheckOutOfSample},
		{FittedTerms{Hist: true}, CheckOutOfSample, CheckFitted, CheckOutOfSample},
		{FittedTerms{}, CheckOutOfSample, CheckOutOfSample, CheckOutOfSample},
	} {
		dir := t.TempDir()
		vm, err := WriteSynthReportWith(dir, target, synth, nil, ValidateOptions{Fitted: &c.f}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ch := readChecks(t, dir)
		if ch["power_spectrum"] != c.ps || ch["histogram_w1_moments"] != c.hist || ch["minkowski"] != c.mf || ch["note"] == nil {
			t.Errorf("%+v: checks %v, want power spectrum %s, histogram %s, Minkowski %s and a note", c.f, ch, c.ps, c.hist, c.mf)
		}
		p, _, err := spectraPlots(vm, "target", "synthesis")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Title.Text, c.ps+":") {
			t.Errorf("%+v: spectrum title %q does not say %s", c.f, p.Title.Text, c.ps)
		}
	}
	dir := t.TempDir()
	vm, err := WriteSynthReportWith(dir, target, synth, nil, ValidateOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch := readChecks(t, dir); ch != nil || vm.Checks != nil {
		t.Errorf("terms unknown: checks %v, want none", ch)
	}
	if p, _, _ := spectraPlots(vm, "target", "synthesis"); p.Title.Text != "isotropic power spectrum" {
		t.Errorf("terms unknown: spectrum title %q, want it unmarked", p.Title.Text)
	}
}

// TestSampleReportChecks checks that SampleReport marks the power spectrum
// fitted when the sampling had a power-spectrum term (PSTargets) and
// out-of-sample when not, the histogram (no such term in sampling) and the
// Minkowski functionals out-of-sample.
func TestSampleReportChecks(t *testing.T) {
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
	for _, c := range []struct {
		ps   [][]float64
		want string
	}{{[][]float64{{1}, {1}}, CheckFitted}, {nil, CheckOutOfSample}} {
		dir := t.TempDir()
		if _, err := SampleReport(dir, cpu.New(), ms, 0, &SampleResult{Maps: sampled, PSTargets: c.ps}, patches, nil); err != nil {
			t.Fatal(err)
		}
		ch := readChecks(t, dir)
		if ch["power_spectrum"] != c.want || ch["histogram_w1_moments"] != CheckOutOfSample || ch["minkowski"] != CheckOutOfSample {
			t.Errorf("PSTargets %v: checks %v, want power spectrum %s, histogram and Minkowski %s", c.ps, ch, c.want, CheckOutOfSample)
		}
	}
}

// TestSampleReportCropWindow checks that SampleReport computes the pixel
// figures on the interior window [c, p−c)² of tiles and patches for models
// of a --pad crop statistic (c = Spec.CutPixels()), and on the whole
// patches for periodic ones.
func TestSampleReportCropWindow(t *testing.T) {
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
	vm, err := SampleReport(t.TempDir(), cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil)
	if err != nil {
		t.Fatal(err)
	}
	if vm.Window != nil {
		t.Errorf("periodic models: window %+v, want none", vm.Window)
	}
	// the same models read as a crop statistic's (the report only needs the
	// cut; the statistic distance, which needs the real operator, is left
	// out when it fails)
	ms.Manifest.Spec.Pad = "crop"
	c := ms.Manifest.Spec.CutPixels()
	if c < 1 || 2*c >= p {
		t.Fatalf("cut %d pixels of %d² patches: the test needs 1 ≤ c < p/2", c, p)
	}
	vm, err = SampleReport(t.TempDir(), cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := PixelWindow{Border: c, Rows: [2]int{c, p - c}, Cols: [2]int{c, p - c}}
	if vm.Window == nil || *vm.Window != want {
		t.Fatalf("crop models: window %+v, want %+v", vm.Window, want)
	}
	w, err := ValidateWith(patches, sampled, ValidateOptions{Reference: patches, Interior: c})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vm.W1, w.W1) || !reflect.DeepEqual(vm.MFSynth, w.MFSynth) {
		t.Errorf("crop models: W1 %v, Minkowski V1 %v; want the window's %v, %v", vm.W1, vm.MFSynth[1], w.W1, w.MFSynth[1])
	}
}
