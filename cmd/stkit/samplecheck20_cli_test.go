package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
)

// stkit sample --report printed one verdict, the spectrum's ("report:
// verdict: mean PS …: within the sampling noise …"), and wrote FITS maps
// without BUNIT. It now prints every check of the report ("report: check
// NAME: pass|FAIL: …") and the verdict of them all, and the FITS output has
// the training patches' BUNIT and pixel scale from the model manifest.
func TestSamplecheck20SampleCLI(t *testing.T) {
	src := filepath.Join(modelsFixture(t), "models")
	dir := filepath.Join(t.TempDir(), "models")
	copyTree(t, src, dir)
	testutil.EditJSON(t, filepath.Join(dir, "manifest.json"), func(m map[string]any) {
		s := m["source"].(map[string]any)
		s["bunit"] = "MJy/sr"
		s["pixel_scale"] = map[string]any{"x": 0.5, "y": 0.5, "unit": "arcmin"}
	})
	out := t.TempDir()
	rep, fits := filepath.Join(out, "rep"), filepath.Join(out, "s.fits")
	code, _, errs := runCLI(t, "sample", dir, "--component", "0", "-n", "2", "--steps", "2", "-o", fits, "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"report: check spectrum k ≥ 2, mean PS: ", "report: check W1 of the histograms: ", "report: check skewness: ",
		"report: check Minkowski functionals: ", "report: verdict: "} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "report: verdict: mean PS") {
		t.Errorf("the spectrum-only verdict is still printed:\n%s", errs)
	}
	_, cards, err := readMapsCards(fits)
	if err != nil {
		t.Fatal(err)
	}
	bunit := ""
	for _, c := range cards {
		if c.Key == "BUNIT" {
			bunit, _ = c.Value.(string)
		}
	}
	if ps := datasets.PixelScaleOf(cards); strings.TrimSpace(bunit) != "MJy/sr" || ps == nil || ps.X != 0.5 || ps.Unit != "arcmin" {
		t.Errorf("FITS BUNIT %q, pixel scale %+v", bunit, ps)
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Unit     string         `json:"unit"`
		Settings map[string]any `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Unit != "MJy/sr" || m.Settings["sample_checks"] == nil || m.Settings["ps_verdict"] == nil {
		t.Errorf("metrics.json unit %q, sample_checks %v, ps_verdict %v", m.Unit, m.Settings["sample_checks"] != nil, m.Settings["ps_verdict"] != nil)
	}
}
