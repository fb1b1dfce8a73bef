package infer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadModelsRejectsOtherLabels: a manifest whose coefficient labels are
// not those of the statistic it rebuilds (same count, another order or
// class: models of another coefficient layout) is refused, not loaded with
// every per-class use (amplitude mask, P00 spectrum shift, MinFraction
// mask) reading the wrong coefficients.
func TestLoadModelsRejectsOtherLabels(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ModelManifestFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var man ModelManifest
	if err := json.Unmarshal(orig, &man); err != nil {
		t.Fatal(err)
	}
	// Swap two coefficients of different classes.
	cl := man.Labels.Class
	j := -1
	for i := 1; i < len(cl); i++ {
		if cl[i] != cl[0] {
			j = i
			break
		}
	}
	if j < 0 {
		t.Fatal("one class only")
	}
	cl[0], cl[j] = cl[j], cl[0]
	man.Labels.Rows[0], man.Labels.Rows[j] = man.Labels.Rows[j], man.Labels.Rows[0]
	b, _ := json.Marshal(&man)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(dir); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "label") {
		t.Errorf("labels of another layout: got %v, want an input error naming the labels", err)
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Fatalf("restored manifest: %v", err)
	}
}

// TestLoadModelsRejectsDuplicateFeature: a manifest whose feature table names
// the same coefficient part twice (the same label in two feature columns)
// is refused with an error naming the columns and the label, not loaded
// with that coefficient's mean and std summed twice.
func TestLoadModelsRejectsDuplicateFeature(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ModelManifestFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var man ModelManifest
	if err := json.Unmarshal(orig, &man); err != nil {
		t.Fatal(err)
	}
	cols := man.Features.Columns
	if len(cols) < 3 {
		t.Fatalf("%d feature columns", len(cols))
	}
	cols[2] = cols[0]
	b, _ := json.Marshal(&man)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadModels(dir)
	want := fmt.Sprintf("feature columns 0 and 2 are both %q (the %s part of coefficient %d", cols[0].Name, cols[0].Part, cols[0].Coeff)
	if !errors.Is(err, ErrModelInput) || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("duplicate feature column: got %v, want an input error containing %q", err, want)
	}
}
