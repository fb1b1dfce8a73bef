package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/stkit-org/stkit/vae"
)

// sourceLabel returns the label of a source path: the path itself, or with
// re the regexp's match (its first group when it has one); ok false when re
// does not match or matches the empty string.
func sourceLabel(name string, re *regexp.Regexp) (string, bool) {
	if re == nil {
		return name, true
	}
	m := re.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	lab := m[0]
	if len(m) > 1 && m[1] != "" {
		lab = m[1]
	}
	return lab, lab != ""
}

// labelID returns the number of label lab in order of first appearance,
// appending lab to *names (and seen) when it is new.
func labelID(seen map[string]int, names *[]string, lab string) int {
	id, ok := seen[lab]
	if !ok {
		id = len(*names)
		seen[lab] = id
		*names = append(*names, lab)
	}
	return id
}

// trainingClusterNames names the clusters of a run by its training dataset:
// the run's model assigns the training patches (the dataset at
// meta.Dataset, when it is still there with the run's fingerprint), the
// clusters are matched to the training source labels (labelled as the new
// dataset's, --labels included) as clusters does on the training dataset,
// and names[k] is the label matched to cluster k ("" for none). With
// another dataset, the confusion table's matching pairs clusters with the
// new labels by this table alone, which says nothing of which cluster is
// which: a held-out CIB patch in the dust-Q cluster was starred as the CIB
// cluster (accuracy 0.667 for 3 patches). why says why there are no names.
func trainingClusterNames(model *vae.Model, meta *runMeta, runDir string, K int, re *regexp.Regexp) (names []string, acc float64, why string) {
	if meta.Dataset == "" {
		return nil, 0, "the run does not name its training dataset"
	}
	tf, err := loadDataset(meta.Dataset)
	if err != nil {
		return nil, 0, fmt.Sprintf("its training dataset %s cannot be read (%v)", meta.Dataset, userMessage(err.Error()))
	}
	if tf.Manifest.Fingerprint != meta.DatasetFingerprint {
		return nil, 0, fmt.Sprintf("%s is no longer the dataset the run was trained on (another fingerprint)", meta.Dataset)
	}
	cols, err := checkDatasetForRun(meta.Dataset, tf, runDir, meta)
	if err != nil {
		return nil, 0, fmt.Sprintf("its training dataset %s does not fit the run (%v)", meta.Dataset, userMessage(err.Error()))
	}
	tm := tf.Manifest
	labelOf := make([]int, len(tm.Sources))
	var labelNames []string
	seen := map[string]int{}
	for s, name := range tm.Sources {
		lab, ok := sourceLabel(name, re)
		if !ok {
			return nil, 0, fmt.Sprintf("--labels does not label training source %s", name)
		}
		labelOf[s] = labelID(seen, &labelNames, lab)
	}
	if len(labelNames) < 2 {
		return nil, 0, "its training dataset has one source label"
	}
	x := normalise(tf.X, tm.Dim, cols, meta.Mean, meta.Std)
	pred, _, _, err := model.Assign(x)
	if err != nil {
		return nil, 0, fmt.Sprintf("assigning its training dataset failed (%v)", err)
	}
	labels := make([]int, tm.N)
	for i, p := range tf.Patches.Patches {
		labels[i] = labelOf[p.Source]
	}
	_, match, acc := bestMatch(labels, pred, len(labelNames), K)
	names = make([]string, K)
	for k, l := range match {
		if l >= 0 {
			names[k] = labelNames[l]
		}
	}
	return names, acc, ""
}

// printTrainingIdentities prints, for a dataset that is not the run's
// training dataset, that the confusion table's pairs are matched within
// this dataset, and which training label each cluster stands for; when the
// new labels are training labels too (--labels naming processes), the
// accuracy against those identities. It returns the per-cluster names and
// that accuracy (nil when it cannot be computed).
func printTrainingIdentities(w io.Writer, names []string, trainAcc float64, why string, newLabels []string, labels, pred []int) *float64 {
	if len(newLabels) > 1 {
		fmt.Fprintln(w, "note: this is not the training dataset: the * pairs and the best-match accuracy above match the clusters to this dataset's labels by this table alone, not to what each cluster holds in the training run")
	}
	if names == nil {
		fmt.Fprintf(w, "the clusters' identities in the training run are not known here: %s\n", why)
		return nil
	}
	short := shortNames(names)
	var parts []string
	for k, n := range names {
		if n == "" {
			parts = append(parts, fmt.Sprintf("%d = (none)", k))
		} else {
			parts = append(parts, fmt.Sprintf("%d = %s", k, filepath.ToSlash(short[k])))
		}
	}
	fmt.Fprintf(w, "clusters in the training run (its dataset's labels, best-match accuracy %.4f there): %s\n", trainAcc, strings.Join(parts, ", "))
	// The new labels tied to the training clusters by name.
	hit, tied := 0, 0
	for i, l := range labels {
		for k, n := range names {
			if n == newLabels[l] {
				tied++
				if pred[i] == k {
					hit++
				}
				break
			}
		}
	}
	if tied == 0 {
		fmt.Fprintln(w, "none of this dataset's labels is a training label (give both the same names with --labels, e.g. --labels 'dustI|dustQ|cib'), so no accuracy against the training clusters")
		return nil
	}
	acc := float64(hit) / float64(tied)
	fmt.Fprintf(w, "accuracy against the training run's clusters (patches whose label is a training label, %d of %d, in the cluster of that label): %.4f\n", tied, len(labels), acc)
	return &acc
}
