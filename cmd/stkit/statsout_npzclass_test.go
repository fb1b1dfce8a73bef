package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// decodeU reads a stringArray member as numpy's a.view('<U{w}')[:, 0]
// does: each row of uint32 code points, trailing NULs dropped.
func decodeU(t *testing.T, a *datasets.Array) []string {
	t.Helper()
	if a.DType != "uint32" || len(a.Shape) != 2 {
		t.Fatalf("string member %s %v, want uint32 [n, w]", a.DType, a.Shape)
	}
	n, w := a.Shape[0], a.Shape[1]
	out := make([]string, n)
	for i := range n {
		rs := make([]rune, 0, w)
		for _, v := range a.Float64[i*w : (i+1)*w] {
			rs = append(rs, rune(v))
		}
		for len(rs) > 0 && rs[len(rs)-1] == 0 {
			rs = rs[:len(rs)-1]
		}
		out[i] = string(rs)
	}
	return out
}

// stats -o x.npz had "coeffs", "label_rows" and "label_applies" but neither
// the class of a row nor the column names, so the archive alone could not be
// decoded: for scov, rows of different classes have equal label_rows (mean
// and var all −1; P00(j, l) and S1(j, l)). It now has "label_class" (int64
// [K], index into "label_class_names") and "label_columns", the names as
// numpy '<U' strings (uint32 code points, as datasets writes numeric dtypes
// only). Read back, they give every row's class and the JSON's columns, and
// (class, label_rows) is unique where label_rows alone is not.
func TestStatsNPZLabelClass(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	for _, c := range []struct {
		args []string
		spec stats.Spec
	}{
		{[]string{"--kind", "scov", "-J", "3"}, stats.Spec{Kind: stats.SCov, J: 3}},
		{[]string{"--kind", "spectra", "-J", "3"}, stats.Spec{Kind: stats.Spectra, J: 3}}, // its "im" column is the JSON's "label_im"
		{[]string{"--kind", "wph", "-J", "2"}, stats.Spec{Kind: stats.WPH, J: 2}},
	} {
		zp, jp := filepath.Join(dir, "s.npz"), filepath.Join(dir, "s.json")
		for _, out := range []string{zp, jp} {
			if code, _, errs := runCLI(t, append(append([]string{"stats", mp}, c.args...), "-o", out)...); code != 0 {
				t.Fatalf("%v: exit %d: %s", c.args, code, tail(errs, 600))
			}
		}
		member := func(name string) *datasets.Array {
			a, err := datasets.ReadNPZMember(zp, name)
			if err != nil {
				t.Fatalf("%v: %v", c.args, err)
			}
			return a
		}
		class, names, cols, rows := member("label_class"), decodeU(t, member("label_class_names")), decodeU(t, member("label_columns")), member("label_rows")
		o, err := stats.Build(c.spec, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		lab := o.Labels()
		if class.DType != "int64" || !slices.Equal(class.Shape, []int{lab.Len()}) {
			t.Fatalf("%v: label_class %s %v, want int64 [%d]", c.args, class.DType, class.Shape, lab.Len())
		}
		for k, v := range class.Float64 {
			if int(v) < 0 || int(v) >= len(names) || names[int(v)] != lab.Class[k] {
				t.Fatalf("%v: row %d: label_class %v of names %q, want %s", c.args, k, v, names, lab.Class[k])
			}
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config struct {
				Columns []string `json:"label_columns"`
			} `json:"config"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cols, doc.Config.Columns) || len(cols) != rows.Shape[1] {
			t.Errorf("%v: label_columns %q, the JSON's %q, label_rows has %d columns", c.args, cols, doc.Config.Columns, rows.Shape[1])
		}
		// label_rows alone repeats rows (scov: mean and var, P00 and S1);
		// with the class no row repeats
		nc := rows.Shape[1]
		seen, seenClass := map[string]bool{}, map[string]bool{}
		dup, dupClass := 0, 0
		for k := range lab.Len() {
			r := fmt.Sprint(rows.Float64[k*nc : (k+1)*nc])
			if seen[r] {
				dup++
			}
			seen[r] = true
			rc := names[int(class.Float64[k])] + r
			if seenClass[rc] {
				dupClass++
			}
			seenClass[rc] = true
		}
		if dupClass != 0 || (c.spec.Kind == stats.SCov && dup == 0) {
			t.Errorf("%v: %d rows repeat in label_rows, %d with the class; want some (scov) and none", c.args, dup, dupClass)
		}
	}
}
