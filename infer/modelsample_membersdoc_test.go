package infer

import (
	"strconv"
	"strings"
	"testing"
)

// TestExportMembersDocPSConvention: the model manifest described "ps" as "mean isotropic power
// spectrum of those patches" with no normalisation or unit, while the plots say mean|FFT|²/MN.
// The exported npz_members now give the convention (|FFT2(x − mean x)|²/(M·N) at the patch size,
// white noise of variance s² → P = s², Parseval) and the units of the spectrum and pixel members;
// the library's generic documentation is left as it was.
func TestExportMembersDocPSConvention(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	loaded, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc := loaded.Manifest.Members
	for _, w := range []string{"|FFT2(x - mean x)|^2/(M*N)", "M = N = " + strconv.Itoa(p) + " (the patch size)", "P = s^2 in every bin", "the maps' unit squared"} {
		if !strings.Contains(doc["ps"], w) {
			t.Errorf("npz_members.ps lacks %q: %q", w, doc["ps"])
		}
	}
	if !strings.Contains(doc["ps_logmean"], "natural log") || !strings.Contains(doc["pixel_moments"], "the maps' unit") {
		t.Errorf("ps_logmean %q, pixel_moments %q: want the log and the unit named", doc["ps_logmean"], doc["pixel_moments"])
	}
	if strings.Contains(modelMembersDoc["ps"], "FFT2") {
		t.Errorf("the generic documentation was changed: %q", modelMembersDoc["ps"])
	}
}
