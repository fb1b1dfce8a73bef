package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// The demo's step 6 sampled every component; since 41ed408 stkit sample
// refuses one exported from an empty cluster, which would have failed the
// step. demoEmptyComponents names those components so the demo skips them.
func TestLead20DemoEmptyComponents(t *testing.T) {
	fx := modelsFixture(t)
	models := filepath.Join(t.TempDir(), "models")
	copyTree(t, filepath.Join(fx, "models"), models)
	if e := demoEmptyComponents(models); len(e) != 0 {
		t.Fatalf("fixture: empty components %v, want none", e)
	}
	testutil.EditJSON(t, filepath.Join(models, "manifest.json"), func(m map[string]any) {
		c := m["clusters"].([]any)[0].(map[string]any)
		c["count"], c["weight"] = 0, 0
	})
	if e := demoEmptyComponents(models); len(e) != 1 || !e[0] {
		t.Fatalf("empty components %v, want component 0 only", e)
	}
	if e := demoEmptyComponents(filepath.Join(t.TempDir(), "none")); e != nil {
		t.Fatalf("missing folder: %v, want nil", e)
	}
}
