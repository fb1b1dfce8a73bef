package datasets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestPyfix20DatasetNormP00: a scov dataset's manifest said spec.norm
// "none" while its "statistic" said norm=p00 (stkit patches … -J 4:
// ds/manifest.json), which a Python reader takes for raw moments. It now
// says "p00"; the fingerprint is the one datasets had before (the default
// hashed as "none"), and an older folder whose manifest says "none", or one
// built with an explicit --norm p00 (fingerprint of "p00"), continues with no
// configuration change; p11 is still a change.
func TestPyfix20DatasetNormP00(t *testing.T) {
	ps, cfg := logNormalPatches32(t)
	spec := stats.Spec{Kind: stats.SCov, J: 2, L: 4, Iso: true, Synthesis: true}
	dir := t.TempDir()
	ft, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "manifest.json")
	read := func() map[string]any {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		return raw
	}
	raw := read()
	if n := raw["spec"].(map[string]any)["norm"]; n != "p00" || ft.Manifest.Spec.Norm != "p00" {
		t.Errorf("manifest spec.norm %v (read %q), want \"p00\" as its statistic %v says", n, ft.Manifest.Spec.Norm, raw["statistic"])
	}
	full := spec.WithDefaults(32, 32)
	legacy := full
	legacy.Norm = "none"
	if want := fingerprintHash(legacy, cfg, ps.Sources, ps.Data); ft.Manifest.Fingerprint != want {
		t.Errorf("fingerprint %s, want %s (that of the spec with norm \"none\", as before)", ft.Manifest.Fingerprint, want)
	}
	write := func(raw map[string]any) {
		b, _ := json.Marshal(raw)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// an older manifest: norm "none"
	raw["spec"].(map[string]any)["norm"] = "none"
	write(raw)
	old, err := ReadManifest(dir)
	if err != nil || old.Spec.Norm != "p00" {
		t.Fatalf("older manifest read as norm %q, %v; want p00", old.Spec.Norm, err)
	}
	if _, same, change := compareDataset(dir, ps, cfg, full); !same || change != nil {
		t.Errorf("older manifest (norm none): same %v, change %v", same, change)
	}
	if _, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 64, nil); err != nil {
		t.Errorf("continuing the older folder: %v", err)
	}
	// an older dataset built with an explicit --norm p00 hashed "p00"
	raw = read()
	raw["fingerprint"] = fingerprintHash(full, cfg, ps.Sources, ps.Data)
	write(raw)
	if _, same, change := compareDataset(dir, ps, cfg, full); !same || change != nil {
		t.Errorf("older --norm p00 fingerprint: same %v, change %v", same, change)
	}
	p11 := full
	p11.Norm = "p11"
	if _, same, change := compareDataset(dir, ps, cfg, p11); same || change == nil {
		t.Errorf("p11 against a p00 dataset: same %v, change %v; want a configuration change", same, change)
	}
}

// TestPyfix20DatasetClassDoc: the dataset manifest named its features
// ("P00(j1=0)", "mean()") but never said what they are; it now has
// class_doc (stats.ClassDoc) with an entry for the class of every feature.
func TestPyfix20DatasetClassDoc(t *testing.T) {
	ps, cfg := logNormalPatches32(t)
	dir := t.TempDir()
	if _, err := BuildFeatures(dir, ps, cfg, stats.Spec{Kind: stats.SCov, J: 2, Iso: true, Synthesis: true}, cpu.New(), 64, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		ClassDoc map[string]string `json:"class_doc"`
		Columns  []FeatureColumn   `json:"columns"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	op, _ := stats.Build(stats.Spec{Kind: stats.SCov, J: 2, Iso: true, Synthesis: true}, 32, 32)
	lab := op.Labels()
	if len(man.Columns) == 0 {
		t.Fatal("no feature columns")
	}
	for _, c := range man.Columns {
		if cl := lab.Class[c.Coeff]; man.ClassDoc[cl] == "" {
			t.Errorf("feature %s: class %q has no class_doc entry", c.Name, cl)
		}
	}
	if d := man.ClassDoc["mean"]; !strings.HasPrefix(d, "mean/std") {
		t.Errorf("class_doc mean %q, want mean/std", d)
	}
	if d := man.ClassDoc["P00"]; !strings.Contains(d, "natural log") {
		t.Errorf("class_doc P00 %q, want a natural log", d)
	}
}
