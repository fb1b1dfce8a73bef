package infer

import (
	"os"
	"path/filepath"
	"testing"
)

// exportTinyManifest exports the models of run (tinyRun's) to dir with 8
// samples and seed 7 and returns them and the text of their manifest.
func exportTinyManifest(t *testing.T, run, dir string) (*ModelSet, []byte) {
	t.Helper()
	ms, err := ExportModels(run, "", dir, ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	return ms, b
}
