package infer

import (
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestExpwarn18ComponentOutliers: a cluster of 6 white-noise patches and one
// 1000× louder (dataset rows 2, 4, 5, 7, 8, 9 and 6 of 10; the loud one's
// source "b.npy"): componentSpectrumOutliers flags row 6 with its source,
// keeps every row without drop and all but 6 with it; the warning names
// the row, its file and the advice (with K + 1 clusters). Fewer than 3
// patches are not checked.
func TestExpwarn18ComponentOutliers(t *testing.T) {
	const p = 16
	ps := &datasets.PatchSet{Sources: []string{"a.npy", "b.npy"}, Size: p, Patches: make([]datasets.Patch, 10), Data: make([]float64, 10*p*p)}
	for i := range ps.Patches {
		x, err := datasets.WhiteNoise(p, p, uint64(100+i))
		if err != nil {
			t.Fatal(err)
		}
		if i == 6 {
			ps.Patches[i].Source = 1
			for j := range x {
				x[j] *= 1000
			}
		}
		copy(ps.Patch(i), x)
	}
	rows := []int{2, 4, 5, 6, 7, 8, 9}
	o, build := componentSpectrumOutliers(ps, rows, false)
	if o == nil || !slices.Equal(o.Rows, []int{6}) || !slices.Equal(o.Sources, []string{"b.npy"}) || o.Patches != 7 || o.Dropped || !(o.Z[0] > SpectrumOutlierZ) {
		t.Fatalf("outliers %+v", o)
	}
	if !slices.Equal(build, rows) {
		t.Errorf("without drop the moments come from %v, want %v", build, rows)
	}
	msg := o.message(1, 2)
	for _, want := range []string{"component 1: 1 of its 7 training patches", "dataset rows 6 (b.npy)", "stkit train --clusters 3", "ExportOptions.DropOutliers, --drop-outliers", "mix them in"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	o, build = componentSpectrumOutliers(ps, rows, true)
	if o == nil || !o.Dropped || !slices.Equal(build, []int{2, 4, 5, 7, 8, 9}) {
		t.Fatalf("drop: outliers %+v, moments from %v", o, build)
	}
	if msg := o.message(1, 2); !strings.Contains(msg, "left out of the component's moments") || !strings.Contains(msg, "the other 6 patches") {
		t.Errorf("drop message: %s", msg)
	}
	if o, build := componentSpectrumOutliers(ps, []int{5, 6}, true); o != nil || !slices.Equal(build, []int{5, 6}) {
		t.Errorf("2 patches: outliers %+v, moments from %v", o, build)
	}
}
