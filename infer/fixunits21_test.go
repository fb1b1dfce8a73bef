package infer

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// The model manifest's class_doc kept stats.ClassDoc's placeholders ("(unit
// squared)", "(in its unit)") although source.bunit records the training
// patches' BUNIT; it is datasets.ClassDocBUnit's now, with the BUNIT named.
// The tiny fixture's scov synthesis vector has no entry with a unit (logs
// and normalised classes), so this passes on the old code too: the naming
// itself is checked on the dataset manifest (datasets'
// TestFixunits21DatasetClassDocBUnit).
func TestFixunits21ModelClassDocBUnit(t *testing.T) {
	fx := tinyRun(t)
	work := t.TempDir()
	ds := filepath.Join(work, "ds")
	testutil.CopyTree(t, fx.dataset, ds)
	testutil.EditJSON(t, filepath.Join(ds, "manifest.json"), func(m map[string]any) { m["bunit"] = "MJy/sr" })
	ms, err := ExportModels(fx.run, ds, filepath.Join(work, "models"), ExportOptions{Samples: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m := ms.Manifest
	lab := &stlayer.Labels{Columns: m.Labels.Columns, Class: m.Labels.Class, Rows: m.Labels.Rows, Values: m.Labels.Values}
	if want := datasets.ClassDocBUnit(m.Spec, lab, "MJy/sr"); !reflect.DeepEqual(m.ClassDoc, want) {
		t.Errorf("class_doc %v, want %v", m.ClassDoc, want)
	}
}

// ExportModels said nothing of a cluster that got no patch (stkit export
// warned on its own, so Go users never saw it). The run of the tiny fixture
// (two processes, two clusters) exported with a dataset of its first
// process only leaves component 1 with 0 of 48 patches: ExportModels now
// reports it to ExportOptions.Warn (EmptyComponentsWarning).
func TestFixunits21ExportWarnsEmpty(t *testing.T) {
	fx := tinyRun(t)
	var maps [][]float64
	for i := 0; i < 48; i++ {
		maps = append(maps, tinyProcess(t, 0, uint64(i+1)))
	}
	m, err := datasets.StackMaps(32, 32, maps...)
	if err != nil {
		t.Fatal(err)
	}
	cfg := datasets.PatchConfig{Size: 32, Stride: 32}
	ps, err := datasets.CutPatches([]datasets.Source{{Name: "grf", Maps: m}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	ds := filepath.Join(work, "ds")
	if _, err := datasets.BuildFeatures(ds, ps, cfg, fx.features.Manifest.Spec, cpu.New(), 64, nil); err != nil {
		t.Fatal(err)
	}
	var warns []string
	ms, err := ExportModels(fx.run, ds, filepath.Join(work, "models"), ExportOptions{Samples: 8, Seed: 7, Force: true,
		Warn: func(msg string) { warns = append(warns, msg) }})
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, c := range ms.Manifest.Clusters {
		counts = append(counts, c.Count)
	}
	empty := -1
	for k, c := range counts {
		if c == 0 {
			empty = k
		}
	}
	if empty < 0 {
		t.Fatalf("counts %v: no empty cluster to warn of", counts)
	}
	want := fmt.Sprintf("component %d got no patch: the run learned fewer clusters than --clusters 2 asked for", empty)
	found := false
	for _, w := range warns {
		found = found || strings.HasPrefix(w, want)
	}
	if !found {
		t.Errorf("counts %v: Warn got %q, want one starting %q", counts, warns, want)
	}
}

// The wording of EmptyClusterWarning and EmptyComponentsWarning (moved
// from stkit's clusters and export, which call them now): the README
// chain's counts 980, 1205, 0, 225 of 2410; 9 of 1000 (0.9 %) is under 1 %,
// 10 is not; several clusters are named with the plural word, each kind
// once (export's copy turned only the first "cluster" into "component").
func TestFixunits21EmptyWording(t *testing.T) {
	msg := EmptyClusterWarning([]int{980, 1205, 0, 225}, 2410)
	for _, want := range []string{"cluster 2 got no patch", "--clusters 4", "another --seed", "fewer --clusters"} {
		if !strings.Contains(msg, want) {
			t.Errorf("warning lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "cluster 3") || strings.Contains(msg, "cluster 0") {
		t.Errorf("warning names a populated cluster: %s", msg)
	}
	msg = EmptyClusterWarning([]int{491, 9, 0, 500}, 1000)
	if !strings.HasPrefix(msg, "cluster 2 got no patch; cluster 1 (9 of 1000 patches) under 1 % of the patches: ") {
		t.Errorf("mixed warning: %s", msg)
	}
	if msg = EmptyClusterWarning([]int{0, 0, 1000}, 1000); !strings.HasPrefix(msg, "clusters 0, 1 got no patch: ") {
		t.Errorf("two empty: %s", msg)
	}
	if msg := EmptyClusterWarning([]int{490, 10, 500}, 1000); msg != "" {
		t.Errorf("10 of 1000 patches warned about: %s", msg)
	}
	cl := []ModelCluster{{K: 0, Count: 491}, {K: 1, Count: 9}, {K: 2}, {K: 3, Count: 500}}
	if msg := EmptyComponentsWarning(cl); !strings.HasPrefix(msg, "component 2 got no patch; component 1 (9 of 1000 patches) under 1 % of the patches: the run learned fewer clusters than --clusters 4 asked for") {
		t.Errorf("components: %s", msg)
	}
	if msg := EmptyComponentsWarning([]ModelCluster{{Count: 10}, {Count: 990}}); msg != "" {
		t.Errorf("no empty component, warned: %q", msg)
	}
}
