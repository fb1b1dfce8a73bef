package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// stats --compare's JSON had no class_doc, label_columns or
// label_column_doc, and its parts no label columns: only "label", a
// string ("S1(j1=2,l1=3)") to parse. Now as plain stats' JSON: the config
// says what the classes and columns mean, and every part (max_abs_z
// too) carries its columns, after its own fields, under the keys of
// label_columns (the spectra's "im" as "label_im").
func TestFixcompare21CLIJSONLabels(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 4, 1, 1, 1)
	b := cmpsetMaps(t, dir, "b.npy", 4, 20, 1.3, 1)
	type doc struct {
		Config struct {
			Columns   []string          `json:"label_columns"`
			ColumnDoc map[string]string `json:"label_column_doc"`
			ClassDoc  map[string]string `json:"class_doc"`
		} `json:"config"`
		Max   map[string]any   `json:"max_abs_z"`
		Parts []map[string]any `json:"parts"`
	}
	for _, c := range []struct {
		kind     string
		cols     []string
		class    string
		partCols []string // those of class's rows (a row has the columns it uses)
	}{{"wst", []string{"j1", "l1", "j2", "l2"}, "S2", []string{"j1", "l1", "j2", "l2"}},
		{"spectra", []string{"j", "a", "b", "k", "h1", "h2", "label_im"}, "C11", []string{"a", "b", "k", "h1", "h2", "label_im"}}} {
		jp := filepath.Join(dir, c.kind+".json")
		if code, _, errs := runCLI(t, "stats", a, "--compare", b, "--kind", c.kind, "-J", "3", "--permutations", "0", "-o", jp); code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.kind, code, errs)
		}
		raw, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Config.Columns, c.cols) || d.Config.ClassDoc[c.class] == "" || len(d.Config.ColumnDoc) == 0 {
			t.Errorf("%s: label_columns %q, class_doc %q, label_column_doc %d entries", c.kind, d.Config.Columns, d.Config.ClassDoc, len(d.Config.ColumnDoc))
		}
		for _, p := range append(d.Parts, d.Max) {
			label, _ := p["label"].(string)
			if label == "" {
				t.Fatalf("%s: part without label: %v", c.kind, p)
			}
			if p["class"] == c.class {
				for _, col := range c.partCols {
					if _, ok := p[col]; !ok {
						t.Errorf("%s: part %s has no column %q: %v", c.kind, label, col, p)
					}
				}
			}
		}
	}
}
