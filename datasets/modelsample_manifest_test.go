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

// TestManifestRecordsStrideAndStatistic: a dataset cut with the default stride recorded
// "Stride": 0 (astro3 ds2: the patches were cut every 32 pixels of 64² patches) and a scov spec
// with "norm": "none" where every print says norm=p00. The manifest now records the stride used
// ("stride": 16 for 32² patches) and the statistic in words ("statistic", with norm=p00), the
// fingerprint unchanged (the patch configuration as given), and the dataset continues under the
// default or the explicit stride. A manifest written before these fields existed reads
// PatchStride as its Patch.Stride or Size/2.
func TestManifestRecordsStrideAndStatistic(t *testing.T) {
	ps, cfg := logNormalPatches32(t)
	spec := stats.Spec{Kind: stats.SCov, J: 2, L: 4, Iso: true, Synthesis: true}
	dir := t.TempDir()
	ft, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["stride"] != float64(16) || ft.Manifest.PatchStride() != 16 {
		t.Errorf("manifest stride %v, PatchStride %d; want 16 (the default, half of 32)", raw["stride"], ft.Manifest.PatchStride())
	}
	if st, _ := raw["statistic"].(string); !strings.Contains(st, "norm=p00") || !strings.HasPrefix(st, "scov J=2") {
		t.Errorf("manifest statistic %q, want the spec in words with norm=p00", st)
	}
	spec = spec.WithDefaults(32, 32)
	if ft.Manifest.Fingerprint != fingerprint(spec, cfg, ps.Sources, ps.Data) {
		t.Errorf("fingerprint %s is not that of the configuration as given", ft.Manifest.Fingerprint)
	}
	// the dataset continues (same, no change error) under the default and the explicit stride
	for _, c := range []PatchConfig{cfg, {Size: 32, Stride: 16}} {
		if old, same, change := compareDataset(dir, ps, c, spec); !same || change != nil || old == nil {
			t.Errorf("stride %d: same %v, change %v", c.Stride, same, change)
		}
	}
	// an older manifest: no "stride", Patch.Stride 0 or given
	old := DatasetManifest{Size: 64, Patch: PatchConfig{Size: 64}}
	if got := old.PatchStride(); got != 32 {
		t.Errorf("old manifest, Stride 0: PatchStride %d, want 32", got)
	}
	old.Patch.Stride = 8
	if got := old.PatchStride(); got != 8 {
		t.Errorf("old manifest, Stride 8: PatchStride %d, want 8", got)
	}
	var rd DatasetManifest
	if err := json.Unmarshal([]byte(`{"version":1,"patch":{"Size":64,"Stride":0},"size":64,"n":3}`), &rd); err != nil || rd.PatchStride() != 32 || rd.Statistic != "" {
		t.Errorf("old manifest JSON: %v, PatchStride %d, statistic %q", err, rd.PatchStride(), rd.Statistic)
	}
}
