package infer

import (
	"testing"
)

// The model manifest records the dataset's source map files and, per
// component, how many of its patches came from each (largest first), so a
// colleague can tell which maps a component was learned from without the
// dataset (export printed it; the manifest did not keep it). The counts
// add up to the component's patch count and survive LoadModels.
func TestExportRecordsClusterSources(t *testing.T) {
	fx := tinyRun(t)
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ms, err := exportFrom(tr, fx.features, fx.dataset, dir, ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ps := fx.features.Patches
	if got, want := len(ms.Manifest.Source.Sources), len(ps.Sources); got != want || want == 0 {
		t.Fatalf("manifest source files %v, dataset %v", ms.Manifest.Source.Sources, ps.Sources)
	}
	loaded, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	for ci, c := range loaded.Manifest.Clusters {
		want := map[string]int{}
		for _, i := range ms.Components[c.K].PatchIndex {
			want[ps.Sources[ps.Patches[i].Source]]++
		}
		total := 0
		for j, sc := range c.Sources {
			total += sc.Count
			if want[sc.File] != sc.Count {
				t.Errorf("component %d: %s counted %d, want %d", c.K, sc.File, sc.Count, want[sc.File])
			}
			if j > 0 && sc.Count > c.Sources[j-1].Count {
				t.Errorf("component %d: sources not largest first: %v", c.K, c.Sources)
			}
		}
		if total != c.Count || len(c.Sources) != len(want) {
			t.Errorf("component %d (cluster %d): sources %v sum to %d, count %d", c.K, ci, c.Sources, total, c.Count)
		}
	}
}
