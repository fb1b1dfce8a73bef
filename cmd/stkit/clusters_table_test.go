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

// TestClustersHelpDocuments: clusters --help says what each CSV column is
// (id ↔ the dataset's row and the mosaic's #id, map, top-left row/col,
// rot/flip, p_k), the confusion table's rows and columns, the matching
// (Hungarian, one-to-one, unmatched clusters when K exceeds the labels) and
// the accuracy's definition and chance level; it listed the column names only.
func TestClustersHelpDocuments(t *testing.T) {
	_, errs, _ := runCLI(t, "clusters", "--help") // help is on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"id the patch's index in DATASET (its row in features.npy and patches.npy; the #id of the mosaic)",
		"row, col the patch's first row and column in that map (0-based array indices; stkit's figures draw row 0 at the bottom)",
		"rot, flip augmentation (stkit patches --augment)",
		"p_0 … p_{K−1} q(y=k|x), the cluster probabilities (they sum to 1)",
		"rows = source labels, columns = clusters, entries = numbers of patches",
		"with more clusters than labels the extra clusters stay unmatched",
		"the fraction of all patches that lie in the cluster matched to their label",
		"about 1/max(K, number of labels)",
		"training_dataset",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("clusters --help lacks %q:\n%s", want, errs)
		}
	}
}
