package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// BuildFeatures with a complex WPH spec (0d3b571) wrote manifest.json,
// index.json, patches.npy and features/ before failing on the first chunk
// with a shape error; it is refused before anything is written.
func TestBuildFeaturesRefusesComplexSpec(t *testing.T) {
	x := stlayer.NewMaps(1, 32, 32)
	f, _ := LogNormalField(32, 32, -2, 0.6, 3)
	copy(x.Map(0), f)
	cfg := PatchConfig{Size: 16, Stride: 16, Seed: 1}
	ps, err := CutPatches([]Source{{Name: "a", Maps: x}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ds")
	spec := stats.Spec{Kind: stats.WPH, J: 2, L: 4, Complex: true}.WithDefaults(16, 16)
	_, err = BuildFeatures(dir, ps, cfg, spec, cpu.New(), 5, nil)
	if err == nil || !strings.Contains(err.Error(), "real maps") {
		t.Errorf("complex spec: %v, want a refusal saying patch features take real maps", err)
	}
	if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
		t.Errorf("the refused build left %s (%v)", dir, serr)
	}
}
