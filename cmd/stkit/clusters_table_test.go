package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestConfusionColumnsAligned: in the confusion table each cluster number
// stands over its column's counts (right-aligned on the same character) and
// "total" over the totals; the header's numbers sat one character to the
// right of the counts (over the '*' marks).
func TestConfusionColumnsAligned(t *testing.T) {
	var buf bytes.Buffer
	printConfusion(&buf, []string{"d/gaussian.npy", "d/lognormal.npy"}, [][]int{{0, 1200, 3}, {150, 0, 7}}, []int{1, 0, -1})
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want title, header and 2 rows:\n%s", buf.String())
	}
	head, row1, row2 := lines[1], lines[2], lines[3]
	// column ends of the header's cluster numbers and "total"
	for _, tok := range []string{"0", "1", "2", "total"} {
		end := strings.Index(head, " "+tok+" ")
		if tok == "total" {
			end = strings.LastIndex(head, tok)
		}
		if end < 0 {
			t.Fatalf("header %q lacks %q", head, tok)
		}
		end += len(tok)
		if tok != "total" {
			end++ // past the leading space
		}
		for _, r := range []string{row1, row2} {
			if end > len(r) || r[end-1] == ' ' || (end < len(r) && r[end] != ' ' && r[end] != '*') {
				t.Errorf("column %q ends at %d in the header\n%s\nbut not in the row\n%s", tok, end, head, r)
			}
		}
	}
	if !strings.Contains(row1, "1200*") || !strings.Contains(row2, " 150*") || strings.Contains(row1+row2, "3*") {
		t.Errorf("matched pairs not marked:\n%s", buf.String())
	}
}
