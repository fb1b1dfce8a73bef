package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats -o x.npz had "coeffs", "label_rows" and "label_applies" but neither
// the class of a row nor the column names, so the archive alone could not be
// decoded: for scov, rows of different classes have equal label_rows (mean
// and var all −1; P00(j, l) and S1(j, l)). a59684b added them as uint32 code
// points (numpy: a.view(f"<U{a.shape[1]}")[:, 0], an index array into the
// class names), datasets writing numeric dtypes only; now "label_class"
// [K] holds each row's class and "label_columns" the JSON's columns, both
// numpy string arrays ('<U', read back as datasets' "str"), whose header a
// numpy user gets as is. Read back, they give every row's class and the
// JSON's columns, and (class, label_rows) is unique where label_rows alone
// is not; reading the archive as maps (stats x.npz) skips them.
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
		class, colsA, rows := member("label_class"), member("label_columns"), member("label_rows")
		o, err := stats.Build(c.spec, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		lab := o.Labels()
		if !class.IsString() || !slices.Equal(class.Shape, []int{lab.Len()}) || !slices.Equal(class.Strings, lab.Class) {
			t.Fatalf("%v: label_class %s %v %q, want str [%d] %q", c.args, class.DType, class.Shape, class.Strings, lab.Len(), lab.Class)
		}
		if !colsA.IsString() || !slices.Equal(colsA.Shape, []int{rows.Shape[1]}) {
			t.Fatalf("%v: label_columns %s %v, want str [%d]", c.args, colsA.DType, colsA.Shape, rows.Shape[1])
		}
		if _, err := datasets.ReadNPZMember(zp, "label_class_names"); err == nil {
			t.Errorf("%v: label_class_names is still written", c.args)
		}
		// numpy's header for the names: '<U{w}', w the longest class name
		w := 0
		for _, s := range lab.Class {
			w = max(w, utf8.RuneCountInString(s))
		}
		raw := npzMemberBytes(t, zp, "label_class")
		if descr := fmt.Sprintf("'descr': '<U%d'", w); !strings.Contains(string(raw[:min(len(raw), 128)]), descr) {
			t.Errorf("%v: label_class header %q, want %s", c.args, raw[:min(len(raw), 128)], descr)
		}
		cols := colsA.Strings
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
			rc := class.Strings[k] + r
			if seenClass[rc] {
				dupClass++
			}
			seenClass[rc] = true
		}
		if dupClass != 0 || (c.spec.Kind == stats.SCov && dup == 0) {
			t.Errorf("%v: %d rows repeat in label_rows, %d with the class; want some (scov) and none", c.args, dup, dupClass)
		}
	}
	// The archive read as maps: its first member is the family's dict, never
	// a string member.
	if code, _, errs := runCLI(t, "stats", filepath.Join(dir, "s.npz:label_class"), "-J", "1"); code != 2 || !strings.Contains(errs, "holds strings") {
		t.Errorf("stats on the label_class member: exit %d: %s", code, tail(errs, 400))
	}
}

// npzMemberBytes returns the raw .npy bytes of a member of the archive.
func npzMemberBytes(t *testing.T, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name+".npy" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s: no member %s", path, name)
	return nil
}
