package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stats --help listed a JSON entry's fields as map, class, labels, re, im;
// every entry also has "index" (its position in the label table and
// "coeffs"), and with --local one entry per pixel carries "row" and "col".
// The help now says so, and the files agree.
func TestStatsJSONFieldsAsHelp(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	if h := out + errs; !strings.Contains(h, `[{"map", "index", "class", "j1", ..., "re", "im"}]}`) ||
		!strings.Contains(h, `("index": the position in the label table and "coeffs"; with --local
        one entry per pixel, with its "row" and "col";`) {
		t.Errorf("stats --help does not list index, row and col:\n%s", h)
	}
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 2)
	for _, c := range []struct {
		args []string
		hw   int // entries per coefficient and map
	}{
		{[]string{"--kind", "scov", "-J", "3"}, 1},
		{[]string{"--kind", "wst", "--local", "-J", "3"}, 8 * 8}, // 64/2^3 per side
	} {
		jp := filepath.Join(dir, "s.json")
		if code, _, errs := runCLI(t, append(append([]string{"stats", mp}, c.args...), "-o", jp)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, tail(errs, 600))
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config struct {
				Columns []string `json:"label_columns"`
			} `json:"config"`
			Coefficients []map[string]any `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		n := len(doc.Coefficients)
		if n == 0 || n%(2*c.hw) != 0 {
			t.Fatalf("%v: %d entries, want a multiple of 2 maps × %d", c.args, n, c.hw)
		}
		k := n / (2 * c.hw)
		for i, e := range doc.Coefficients {
			m, idx := i/(k*c.hw), (i/c.hw)%k
			if e["map"] != float64(m) || e["index"] != float64(idx) {
				t.Fatalf("%v: entry %d has map %v index %v, want %d and %d", c.args, i, e["map"], e["index"], m, idx)
			}
			for _, f := range []string{"class", "re", "im"} {
				if _, ok := e[f]; !ok {
					t.Fatalf("%v: entry %d lacks %q: %v", c.args, i, f, e)
				}
			}
			_, row := e["row"]
			_, col := e["col"]
			if c.hw > 1 {
				p := i % c.hw
				if e["row"] != float64(p/8) || e["col"] != float64(p%8) {
					t.Fatalf("%v: entry %d row %v col %v, want %d %d", c.args, i, e["row"], e["col"], p/8, p%8)
				}
			} else if row || col {
				t.Fatalf("%v: entry %d has row/col without --local", c.args, i)
			}
		}
	}
}
