package infer

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
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
