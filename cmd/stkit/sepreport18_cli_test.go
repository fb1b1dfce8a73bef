package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestSepreport18SeparateReportBoth: separate --contaminant and --noise
// --report dropped the samples' spectrum, the residual ratio, the floor
// and the debiased curve (no samples were passed to the report); they are
// now the pairs c_i + n_i (3 of them: max(3, 3)). A FITS DATA's BUNIT is
// metrics.json's "unit"; the no-truth Φ checks and their verdict are
// there and on stderr; the floor line names the bin of the largest
// deviation.
func TestSepreport18SeparateReportBoth(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	fits := filepath.Join(dir, "d.fits")
	if err := datasets.WriteMapsCards(fits, d, datasets.Card{Key: "BUNIT", Value: "MJy/sr"}); err != nil {
		t.Fatal(err)
	}
	noise := stlayer.NewMaps(3, 32, 32)
	for i := range noise.Data {
		noise.Data[i] = 0.01 * float64((i*7919)%13-6)
	}
	np := filepath.Join(dir, "n.npy")
	if err := datasets.WriteMaps(np, noise); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "separate", fits, "--contaminant", samples, "--noise", np, "-J", "3", "--steps", "2,2,1", "--truth", truth, "--report", rep, "-o", filepath.Join(dir, "out.npy"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Unit     string                 `json:"unit"`
		Samples  []float64              `json:"ps_samples_mean"`
		Ratio    []float64              `json:"ps_residual_over_samples"`
		Floor    []float64              `json:"ps_relative_floor"`
		Debiased []float64              `json:"ps_ratio_debiased_data_over_truth"`
		Verdict  string                 `json:"phi_verdict"`
		PhiResid *struct{ Samples int } `json:"phi_residual_vs_samples"`
		MaxDevK  float64                `json:"ps_max_abs_ratio_minus_1_k"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Unit != "MJy/sr" || len(m.Samples) == 0 || len(m.Ratio) == 0 || len(m.Floor) == 0 || len(m.Debiased) == 0 {
		t.Errorf("metrics.json: unit %q, %d samples' bins, %d ratios, %d floors, %d debiased", m.Unit, len(m.Samples), len(m.Ratio), len(m.Floor), len(m.Debiased))
	}
	if m.PhiResid == nil || m.PhiResid.Samples != 3 || m.Verdict == "" || m.MaxDevK <= 0 {
		t.Errorf("metrics.json: Φ checks %+v, verdict %q, k of the largest deviation %g", m.PhiResid, m.Verdict, m.MaxDevK)
	}
	for _, want := range []string{"separate: no-truth check: ", "Phi(d - sep) against the samples: chi2/dof", "of that bin's realisation floor"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}
