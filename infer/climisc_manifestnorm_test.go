package infer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// manifestNorm reads spec.norm as manifest.json stores it.
func manifestNorm(t *testing.T, dir string) (string, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	spec, _ := doc["spec"].(map[string]any)
	norm, _ := spec["norm"].(string)
	return norm, doc
}

// TestManifestNormStoredAsPrinted: the model manifest stored the dataset's
// scov spec.norm "none" while `stkit export` (Spec.String) printed norm=p00;
// it stores "p00", reads it back unchanged, and reads an older manifest's
// "none" as "p00" (the same statistic and labels).
func TestManifestNormStoredAsPrinted(t *testing.T) {
	fx := tinyRun(t)
	// the dataset records "p00" too since stats.Spec.WithDefaults resolves it
	// (pyfix20); the older "none" is converted below
	if n := fx.features.Manifest.Spec.Norm; n != "p00" {
		t.Fatalf("fixture dataset spec.norm %q, want the default \"p00\"", n)
	}
	dir := t.TempDir()
	ms, err := ExportModels(fx.run, "", dir, ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := manifestNorm(t, dir); got != "p00" {
		t.Errorf("manifest.json spec.norm %q, want \"p00\"", got)
	}
	if s := ms.Manifest.Spec.String(); !strings.Contains(s, "norm=p00") || ms.Manifest.Spec.Norm != "p00" {
		t.Errorf("exported spec %q prints %q, want norm p00 both", ms.Manifest.Spec.Norm, s)
	}
	got, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Spec != ms.Manifest.Spec {
		t.Errorf("round trip: spec %+v, exported %+v", got.Manifest.Spec, ms.Manifest.Spec)
	}

	// A manifest written before stores "none": it still loads, as p00.
	_, doc := manifestNorm(t, dir)
	doc["spec"].(map[string]any)["norm"] = "none"
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(filepath.Join(dir, ModelManifestFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if n, _ := manifestNorm(t, dir); n != "none" {
		t.Fatalf("old manifest: spec.norm %q, want \"none\"", n)
	}
	old, err := LoadModels(dir)
	if err != nil {
		t.Fatalf("old manifest with spec.norm \"none\": %v", err)
	}
	if old.Manifest.Spec != ms.Manifest.Spec {
		t.Errorf("old manifest: spec %+v, want %+v", old.Manifest.Spec, ms.Manifest.Spec)
	}
	op, err := old.Op()
	if err != nil {
		t.Fatal(err)
	}
	if n := op.Labels().Len(); n != ms.Manifest.NCoeffs {
		t.Errorf("old manifest: %d coefficients, want %d", n, ms.Manifest.NCoeffs)
	}

	// Other families and other normalisations keep their spelling.
	for _, c := range []struct{ in, want stats.Spec }{
		{stats.Spec{Kind: stats.Spectra, Norm: "none"}, stats.Spec{Kind: stats.Spectra, Norm: "p00"}},
		{stats.Spec{Kind: stats.SCov, Norm: "p11"}, stats.Spec{Kind: stats.SCov, Norm: "p11"}},
		{stats.Spec{Kind: stats.WPH, Norm: "none"}, stats.Spec{Kind: stats.WPH, Norm: "none"}},
		{stats.Spec{Kind: stats.WST, Norm: "none"}, stats.Spec{Kind: stats.WST, Norm: "none"}},
	} {
		if g := manifestSpec(c.in); g != c.want {
			t.Errorf("manifestSpec(%+v) = %+v, want %+v", c.in, g, c.want)
		}
	}
}
