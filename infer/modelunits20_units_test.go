package infer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
)

// The model manifest recorded no units: separate --models could compare
// DATA's BUNIT and pixel scale with the training patches' only through the
// dataset's manifest, so a model folder moved away from its dataset (or
// whose dataset was removed) had none. ExportModels now copies the dataset
// manifest's bunit / pixel_scale (bunits / pixel_scales) into source, and
// TrainingUnits reads them there first, the dataset's for older folders.
func TestModelunits20ExportRecordsUnits(t *testing.T) {
	fx := tinyRun(t)
	work := t.TempDir()
	ds := filepath.Join(work, "ds")
	testutil.CopyTree(t, fx.dataset, ds)
	// one BUNIT for both sources, a pixel scale for the first only (as
	// datasets writes mixed scales: one per source, null where none)
	testutil.EditJSON(t, filepath.Join(ds, "manifest.json"), func(m map[string]any) {
		m["bunit"] = "Jy/beam"
		m["pixel_scales"] = []any{map[string]any{"x": 0.05, "y": 0.025, "unit": "deg"}, nil}
	})
	dir := filepath.Join(work, "models")
	ms, err := ExportModels(fx.run, ds, dir, ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Version int                        `json:"version"`
		Source  map[string]json.RawMessage `json:"source"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Version != 1 {
		t.Errorf("version %d, want 1 (optional keys: unchanged)", raw.Version)
	}
	if got := string(raw.Source["bunit"]); got != `"Jy/beam"` {
		t.Errorf("source.bunit %s, want \"Jy/beam\"", got)
	}
	var scales []*datasets.PixelScale
	if err := json.Unmarshal(raw.Source["pixel_scales"], &scales); err != nil {
		t.Fatalf("source.pixel_scales %s: %v", raw.Source["pixel_scales"], err)
	}
	want := []*datasets.PixelScale{{X: 0.05, Y: 0.025, Unit: "deg"}, nil}
	if !reflect.DeepEqual(scales, want) {
		t.Errorf("source.pixel_scales %s, want [{0.05 0.025 deg} null]", raw.Source["pixel_scales"])
	}
	for _, k := range []string{"bunits", "pixel_scale"} {
		if _, ok := raw.Source[k]; ok {
			t.Errorf("source.%s written (%s): only one of each pair", k, raw.Source[k])
		}
	}
	wantUnits := TrainingUnits{BUnits: []string{"Jy/beam"}, PixelScales: want, From: "manifest"}
	if got := ms.TrainingUnits(); !reflect.DeepEqual(got, wantUnits) {
		t.Errorf("TrainingUnits %+v, want %+v", got, wantUnits)
	}

	// the dataset gone: the folder still has them
	if err := os.RemoveAll(ds); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.TrainingUnits(); !reflect.DeepEqual(got, wantUnits) {
		t.Errorf("dataset removed: TrainingUnits %+v, want %+v", got, wantUnits)
	}

	// a folder exported before the fields existed still loads; its units
	// come from its dataset when that has the recorded fingerprint
	testutil.EditJSON(t, filepath.Join(dir, ModelManifestFile), func(m map[string]any) {
		src := m["source"].(map[string]any)
		delete(src, "bunit")
		delete(src, "pixel_scales")
	})
	old, err := LoadModels(dir)
	if err != nil {
		t.Fatalf("a manifest without units: %v", err)
	}
	if got := old.TrainingUnits(); !reflect.DeepEqual(got, TrainingUnits{}) {
		t.Errorf("no units, dataset gone: TrainingUnits %+v, want none", got)
	}
	testutil.CopyTree(t, fx.dataset, ds)
	testutil.EditJSON(t, filepath.Join(ds, "manifest.json"), func(m map[string]any) {
		m["bunits"] = []any{"K", "MJy/sr"}
		m["pixel_scale"] = map[string]any{"x": 0.01, "y": 0.01, "unit": "deg"}
	})
	wantDS := TrainingUnits{BUnits: []string{"K", "MJy/sr"}, PixelScales: []*datasets.PixelScale{{X: 0.01, Y: 0.01, Unit: "deg"}}, From: "dataset"}
	if got := old.TrainingUnits(); !reflect.DeepEqual(got, wantDS) {
		t.Errorf("no units, dataset back: TrainingUnits %+v, want %+v", got, wantDS)
	}
	// a dataset of other patches (another fingerprint) is not the training one
	testutil.EditJSON(t, filepath.Join(ds, "manifest.json"), func(m map[string]any) { m["fingerprint"] = "0000" })
	if got := old.TrainingUnits(); !reflect.DeepEqual(got, TrainingUnits{}) {
		t.Errorf("another fingerprint: TrainingUnits %+v, want none", got)
	}
}

// A dataset whose sources have no units (.npy): the model manifest records
// none of the four keys.
func TestModelunits20ExportNoUnits(t *testing.T) {
	fx := tinyRun(t)
	dir := filepath.Join(t.TempDir(), "models")
	ms, b := exportTinyManifest(t, fx.run, dir)
	var raw struct {
		Source map[string]json.RawMessage `json:"source"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"bunit", "bunits", "pixel_scale", "pixel_scales"} {
		if v, ok := raw.Source[k]; ok {
			t.Errorf("source.%s = %s for a dataset without units", k, v)
		}
	}
	if got := ms.TrainingUnits(); !reflect.DeepEqual(got, TrainingUnits{}) {
		t.Errorf("TrainingUnits %+v, want none", got)
	}
}
