package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// RUN/run.json wrote the dataset's Spec: "norm": "none" for the default
// scov synthesis vectors (/work/stkit-try/run2/run.json; "p00" since
// 442e031 resolved it in stats.Spec), and for raw scov moments, which are
// unnormalised whatever the norm, "p00" as well: nothing said what the
// features the model was trained on are. run.json now also writes
// "coeffs_norm", the normalisation of the features (as stats' config does):
// p00 for the default patches (scov --iso --synthesis: each patch's C01,
// C11 divided by its own P00), none for raw scov (--synthesis=false).
func TestSynthout20RunJSONNorm(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	noise, smooth := twoSourceMaps(t, dir)
	raw := filepath.Join(dir, "raw")
	if code, _, errs := runCLI(t, "patches", noise, smooth, "-o", raw, "--size", "32", "--stride", "32", "--synthesis=false", "-J", "2"); code != 0 {
		t.Fatalf("raw patches: exit %d\n%s", code, tail(errs, 800))
	}
	for _, c := range []struct {
		ds, norm, coeffs string
	}{{ds, "p00", "p00"}, {raw, "p00", "none"}} {
		run := filepath.Join(dir, "run-"+filepath.Base(c.ds))
		args := []string{"train", c.ds, "-o", run, "--clusters", "2", "--epochs", "1", "--seed", "2", "--z", "4", "--h", "32", "--layers", "1", "--batch", "16", "--lr-final", "0"}
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("train %s: exit %d\n%s", c.ds, code, tail(errs, 800))
		}
		b, err := os.ReadFile(filepath.Join(run, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Run struct {
				CoeffsNorm string `json:"coeffs_norm"`
			} `json:"run"`
		}
		var rawDoc struct {
			Run struct {
				Spec map[string]any `json:"spec"`
			} `json:"run"`
		}
		if err := json.Unmarshal(b, &doc); err != nil || json.Unmarshal(b, &rawDoc) != nil {
			t.Fatalf("run.json: %v", err)
		}
		if rawDoc.Run.Spec["norm"] != c.norm || doc.Run.CoeffsNorm != c.coeffs {
			t.Errorf("%s: run.json spec.norm %v, coeffs_norm %q; want %s, %s", filepath.Base(c.ds), rawDoc.Run.Spec["norm"], doc.Run.CoeffsNorm, c.norm, c.coeffs)
		}
	}
	for _, c := range []struct {
		s            stats.Spec
		norm, coeffs string
	}{
		{stats.Spec{Kind: stats.SCov, Iso: true, Synthesis: true, Norm: "none"}, "p00", "p00"},
		{stats.Spec{Kind: stats.SCov, Synthesis: true, Norm: "p11"}, "p11", "p11"},
		{stats.Spec{Kind: stats.SCov, Norm: "none"}, "p00", "none"},
		{stats.Spec{Kind: stats.SCov, Norm: "p11"}, "p11", "none"},
		{stats.Spec{Kind: stats.Spectra, Norm: "none"}, "p00", "p00"},
		{stats.Spec{Kind: stats.WPH, Norm: "auto"}, "auto", "auto"},
		{stats.Spec{Kind: stats.WST, Norm: "none"}, "none", "none"},
	} {
		s, coeffs := runSpecNorm(c.s)
		if s.Norm != c.norm || coeffs != c.coeffs {
			t.Errorf("runSpecNorm(%s norm %s): %s, %s; want %s, %s", c.s.Kind, c.s.Norm, s.Norm, coeffs, c.norm, c.coeffs)
		}
	}
}
