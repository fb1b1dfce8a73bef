package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// separate --models printed only correlations (blind to the mean: the CIB
// estimate of personavae's mix_QC was 3.7 true stds off) and metrics.json
// had no moments nor the coefficients the --min-fraction mask kept.
func TestSepmodelscheck20SeparateCLI(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	rep, out := filepath.Join(work, "rep"), filepath.Join(work, "s.npy")
	code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1",
		"-o", out, "--steps", "0,3", "--tau", "-1", "--truth", filepath.Join(dir, "truth.npy"), "--report", rep, "--log-every", "100")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	est, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := infer.LoadModels(filepath.Join(dir, "models"))
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 2; c++ {
		if want := "  component " + string(rune('0'+c)) + ": pixel mean "; !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, errs)
		}
	}
	if !strings.Contains(errs, "; truth mean ") || !strings.Contains(errs, "true stds") {
		t.Errorf("stderr lacks the mean error\n%s", errs)
	}
	st := readSepMetrics(t, rep)["settings"].(map[string]any)
	mo, _ := st["component_moments"].([]any)
	if len(mo) != 2 {
		t.Fatalf("component_moments %v", st["component_moments"])
	}
	for c, v := range mo {
		m := v.(map[string]any)
		mu, _, _, _ := infer.Moments(est.Map(c))
		if got := m["mean"].(float64); math.Abs(got-mu) > 1e-12*math.Max(1, math.Abs(mu)) {
			t.Errorf("component %d: mean %g, the output's %g", c, got, mu)
		}
		if got := m["model_mean"].(float64); got != ms.Components[c].PixelMoments[0] {
			t.Errorf("component %d: model_mean %g, pixel_moments %v", c, got, ms.Components[c].PixelMoments)
		}
		if _, ok := m["mean_error"].(float64); !ok {
			t.Errorf("component %d: no mean_error in %v", c, m)
		}
	}
	kept := st["kept_coefficients"].(map[string]any)["per_component"].(map[string]any)
	for _, name := range []string{"component 0", "component 1"} {
		k := kept[name].(map[string]any)
		if !(k["kept"].(float64) >= 1) || k["of"].(float64) != float64(ms.Manifest.NCoeffs) && k["of"].(float64) > float64(ms.Manifest.NCoeffs) {
			t.Errorf("%s kept %v", name, k)
		}
	}
}
