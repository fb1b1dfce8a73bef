package infer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportMoisanWindow: a dataset cut with stkit patches --window moisan
// (each patch its periodic component) was exported with no window in the
// manifest (only a Tukey window was recorded), and a manifest saying
// "moisan" was refused by LoadModels ('window "moisan": want none or
// tukey'). The export records window "moisan" with no α, LoadModels reads
// it back, and the models taper nothing (Window() nil: their patches are
// periodic, as sample and separate draw at the patch size); a run trained
// on Tukey-windowed patches is refused on such a dataset, naming both.
func TestExportMoisanWindow(t *testing.T) {
	fx := tinyRun(t)
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := *fx.features
	man := *f.Manifest
	man.Patch.Window, man.Patch.Alpha = "moisan", 0
	f.Manifest = &man
	dir := t.TempDir()
	ms, err := exportFrom(tr, &f, fx.dataset, dir, ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if ms.Manifest.Window != "moisan" || ms.Manifest.WindowAlpha != 0 {
		t.Errorf("exported manifest window %q α %g, want \"moisan\" and 0", ms.Manifest.Window, ms.Manifest.WindowAlpha)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"window": "moisan"`) || strings.Contains(s, "window_alpha") {
		t.Errorf("manifest.json records the window as %q…, want \"window\": \"moisan\" and no window_alpha", s[strings.Index(s, `"window`):][:40])
	}
	got, err := LoadModels(dir)
	if err != nil {
		t.Fatalf("LoadModels refused the moisan manifest: %v", err)
	}
	if got.Manifest.Window != "moisan" || got.Window() != nil {
		t.Errorf("loaded window %q, taper %v: want \"moisan\" and no taper (nil)", got.Manifest.Window, got.Window())
	}
	// a run trained on Tukey patches, this dataset: refused, naming both
	rp := man.Patch
	rp.Window, rp.Alpha = "tukey", 0.5
	tr.Meta.Patch = &rp
	_, err = exportFrom(tr, &f, "ds", t.TempDir(), ExportOptions{Samples: 8, Seed: 7})
	if want := "dataset ds's patches were cut with the periodic component (Moisan), the run's training patches with a Tukey window (α = 0.5)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("run tukey, dataset moisan: %v, want a refusal with %q", err, want)
	}
}
