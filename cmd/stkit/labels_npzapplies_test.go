package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats -o x.npz wrote the label table as "label_rows" only, −1 both where a
// column does not apply and where −1 is its value (wph L at j1 = j2 = −1,
// spectra C11 at b = −1): only the JSON told them apart. "label_applies"
// (bool [K, columns], Labels.Has) now says which; both are checked against
// the operator's Labels, and on a wph L row and a spectra b = −1 row.
func TestStatsNPZLabelApplies(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	for _, c := range []struct {
		kind     stats.Kind
		class    string
		valueCol string // a column whose −1 is a value in rows of class
		absent   string // a column that does not apply to those rows
	}{
		{stats.WPH, "L", "j1", "l1"},
		{stats.Spectra, "C11", "b", "j"},
	} {
		op := filepath.Join(dir, string(c.kind)+".npz")
		if code, _, errs := runCLI(t, "stats", mp, "--kind", string(c.kind), "-J", "3", "-o", op); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.kind, code, tail(errs, 600))
		}
		rows, err := datasets.ReadNPZMember(op, "label_rows")
		if err != nil {
			t.Fatal(err)
		}
		applies, err := datasets.ReadNPZMember(op, "label_applies")
		if err != nil {
			t.Fatal(err)
		}
		o, err := stats.Build(stats.Spec{Kind: c.kind, J: 3}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		lab := o.Labels()
		nc := len(lab.Columns)
		if applies.DType != "bool" || len(applies.Shape) != 2 || applies.Shape[0] != lab.Len() || applies.Shape[1] != nc ||
			len(rows.Shape) != 2 || rows.Shape[0] != lab.Len() || rows.Shape[1] != nc {
			t.Fatalf("%s: label_applies %s %v, label_rows %v; want bool [%d, %d]", c.kind, applies.DType, applies.Shape, rows.Shape, lab.Len(), nc)
		}
		valueCol, absent := -1, -1
		for ci, col := range lab.Columns {
			switch col {
			case c.valueCol:
				valueCol = ci
			case c.absent:
				absent = ci
			}
		}
		if valueCol < 0 || absent < 0 {
			t.Fatalf("%s: columns %v lack %s or %s", c.kind, lab.Columns, c.valueCol, c.absent)
		}
		found := 0
		for k := range lab.Len() {
			for ci, col := range lab.Columns {
				want := 0.0
				if lab.Has(k, col) {
					want = 1
				}
				if got := applies.Float64[k*nc+ci]; got != want {
					t.Fatalf("%s row %d (%s) column %s: label_applies %v, Labels.Has %v", c.kind, k, lab.String(k), col, got, want)
				}
				if got := rows.Float64[k*nc+ci]; got != float64(lab.Rows[k][ci]) {
					t.Fatalf("%s row %d column %s: label_rows %v, Labels %d", c.kind, k, col, got, lab.Rows[k][ci])
				}
			}
			if lab.Class[k] == c.class && lab.Rows[k][valueCol] == -1 {
				// the ambiguous case: −1 a value here, −1 absent in the other column
				if applies.Float64[k*nc+valueCol] != 1 || rows.Float64[k*nc+absent] != -1 || applies.Float64[k*nc+absent] != 0 {
					t.Fatalf("%s row %d (%s): %s applies %v, %s = %v applies %v; want 1, −1 and 0", c.kind, k, lab.String(k),
						c.valueCol, applies.Float64[k*nc+valueCol], c.absent, rows.Float64[k*nc+absent], applies.Float64[k*nc+absent])
				}
				found++
			}
		}
		if found == 0 {
			t.Errorf("%s: no %s row with %s = −1: the test no longer covers the ambiguity", c.kind, c.class, c.valueCol)
		}
	}
}
