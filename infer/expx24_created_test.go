package infer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExpx24ExportCreated: ExportOptions.Created is the manifest's
// "created" (in UTC, whatever the zone given), in the ModelSet returned and
// in manifest.json. Fails on the old code (no Created option: "created"
// was always the time of writing; only stkit export's rewrite of the
// manifest applied SOURCE_DATE_EPOCH).
func TestExpx24ExportCreated(t *testing.T) {
	fx := tinyRun(t)
	dir := filepath.Join(t.TempDir(), "models")
	at := time.Unix(1000000000, 0).In(time.FixedZone("x", 3600))
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Created: at})
	if err != nil {
		t.Fatal(err)
	}
	const want = "2001-09-09T01:46:40Z"
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Created string `json:"created"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if ms.Manifest.Created != want || doc.Created != want {
		t.Errorf("created %q in the set, %q in the file; want %q", ms.Manifest.Created, doc.Created, want)
	}
}
