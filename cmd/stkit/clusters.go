package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

func init() {
	register(&command{name: "clusters", summary: "assign the patches of a dataset to the clusters of a trained GM-VAE run", run: runClusters})
}

// clusterSummary is written beside the assignments (<stem>_summary.json).
type clusterSummary struct {
	Run        string `json:"run"`
	Checkpoint string `json:"checkpoint"`
	Dataset    string `json:"dataset"`
	K          int    `json:"k"`
	N          int    `json:"n"`
	// TrainingDataset: Dataset is the one the run was trained on (same
	// fingerprint); false for other maps cut with the run's configuration.
	TrainingDataset bool `json:"training_dataset"`
	// MeanConf[k] is the mean confidence of cluster k's patches, 0 for an
	// empty cluster (printed "—").
	Counts   []int     `json:"counts"`
	MeanConf []float64 `json:"mean_confidence"`
	// Labels are the source labels (rows of Confusion); Confusion[l][k] counts patches of label l
	// assigned to cluster k; Match[k] is the label matched to cluster k (−1: none) by the Hungarian
	// algorithm on the zero-padded square confusion matrix; Accuracy = matched patches / N.
	Labels    []string `json:"labels,omitempty"`
	Confusion [][]int  `json:"confusion,omitempty"`
	Match     []int    `json:"match,omitempty"`
	Accuracy  *float64 `json:"accuracy,omitempty"`
	// TrainingClusters (another dataset than the training one): per cluster
	// the training-dataset label matched to it on the training dataset
	// ("" none), absent when that dataset cannot be read; TrainingAccuracy:
	// the fraction of the patches whose label is one of those names that lie
	// in its cluster (clustersfix20_labels.go).
	TrainingClusters []string `json:"training_clusters,omitempty"`
	TrainingAccuracy *float64 `json:"training_accuracy,omitempty"`
	// Prov: stkit's commit, the command line, the checkpoint's and the
	// dataset's SHA-256 (prov19_provenance.go)
	Prov *provenance `json:"provenance,omitempty"`
}

func runClusters(g *globals, args []string) error {
	fs := newFlagSet(g, "clusters", "RUN DATASET -o assignments.csv", `Assign every patch of DATASET to a cluster of the GM-VAE trained in RUN
(stkit train): cluster = argmax_k q(y=k|x), confidence = max_k q(y=k|x),
q(y|x) = softmax of the encoder's logits (the Gumbel temperature τ does not
enter), with the features z-scored by the run's normalisation. DATASET is
the run's training dataset, or another one built with the run's ST
configuration and patch size (new maps; a line says so, and a warning when
its patches have another --window or --alpha than the run's). RUN is the
folder stkit train wrote, its checkpoints/ folder (the newest readable
checkpoint is used) or one checkpoint file (ckpt-<step>.stkc).

Outputs (the PNG and JSON names derive from -o):
  assignments.csv            one row per patch, with the columns
      id             the patch's index in DATASET (its row in features.npy
                     and patches.npy; the #id of the mosaic)
      source         the source file the patch was cut from
      map            the map's index in that file's batch (0 for one map)
      row, col       the patch's first row and column in that map (0-based
                     array indices; stkit's figures draw row 0 at the
                     bottom)
      rot, flip      augmentation (stkit patches --augment): the patch is
                     the block turned by rot clockwise quarter turns, then
                     mirrored left–right when flip is true
      cluster        argmax_k p_k
      confidence     max_k p_k
      p_0 … p_{K−1}  q(y=k|x), the cluster probabilities (they sum to 1)
  assignments_mosaic.png     --top patches of each cluster (one row per
                             cluster), from the most typical to the least:
                             the members ranked by the distance of their
                             latent mean to the cluster's mean, taken at
                             evenly spaced ranks, so that the row samples the
                             whole cluster ("#id p=confidence", and the
                             source label with two labels or more)
  assignments_latent_pca.png 2D PCA of the latent means μ_q(x, y) at
                             y = softmax(logits/τ), τ = the run's final
                             temperature; colour = cluster, marker = source
                             label
  assignments_summary.json   run, checkpoint, dataset, training_dataset, k,
                             n, counts and mean_confidence per cluster; with
                             two labels or more also labels, confusion
                             [label][cluster], match (per cluster the index
                             of its label in labels, −1 for none), accuracy

With two source labels or more the confusion table is printed: rows = source
labels, columns = clusters, entries = numbers of patches. Clusters are matched
one-to-one to labels so that the matched pairs hold the most patches
(Hungarian algorithm; * marks the matched pairs; with more clusters than
labels the extra clusters stay unmatched, with fewer some labels do). The
best-match accuracy is the fraction of all patches that lie in the cluster
matched to their label: 1 = clusters are the labels; a random assignment of
equal-sized labels gets about 1/max(K, number of labels). Labels are the
source files, or with --labels REGEXP the regexp's match in each source path
(its first group if it has one), so that files of one process share a label,
e.g. --labels 'I_1|Q_1|logdensity|grf'.

-o /dev/stdout (/dev/fd/N, a named pipe) needs --format csv: the table is
written through the descriptor, so that '-o /dev/stdout --format csv >> log'
appends. The summary and figures, which cannot be named after a stream,
then go to clusters_summary.json, clusters_mosaic.png and
clusters_latent_pca.png in the working folder, and when the table goes to
standard output the printed tables and lines go to stderr (also under -q,
which leaves them alone on standard output).`)
	out := fs.String("o", "", "assignments CSV file, named .csv (required); /dev/stdout (a descriptor, a named pipe) with --format csv")
	format := fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe): csv (default: from the -o extension, .csv)")
	top := fs.Int("top", 8, "patches per cluster in the mosaic (spread from the most typical to the least)")
	labelRE := fs.String("labels", "", "regexp naming the label of each source path (default: one label per source file)")
	noPlots := fs.Bool("no-plots", false, "skip the PNG figures")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || *out == "" {
		fs.Usage()
		return badInputf("clusters needs RUN and DATASET arguments and -o FILE")
	}
	if *top < 1 {
		return badInputf("--top %d: want ≥ 1 patch per cluster in the mosaic", *top)
	}
	var re *regexp.Regexp
	if *labelRE != "" {
		if re, err = regexp.Compile(*labelRE); err != nil {
			return badInputf("--labels: %v", err)
		}
	}
	runDir, dsDir := pos[0], pos[1]
	if err := checkOutput("-o", *out); err != nil {
		return err
	}
	// The assignments and the files named after them replace neither an
	// input nor a file of the run or dataset folders.
	outStem := clustersStem(*out)
	var inputs []string // a checkpoint file given as RUN; the folders' own files are checked by checkNotOwned
	if st, err := os.Stat(runDir); err == nil && !st.IsDir() {
		inputs = append(inputs, runDir)
	}
	// The dataset's source maps are inputs too (its manifest names them; a
	// missing or damaged manifest is reported when the dataset is loaded):
	// -o on one of them replaced the map with CSV text, exit 0.
	if m, err := datasets.ReadManifest(dsDir); err == nil {
		inputs = append(inputs, m.Sources...)
	}
	if err := checkOutputFile("-o "+*out, *out, inputs...); err != nil {
		return err
	}
	// The assignments are CSV text: any other name (a map's .npy, a .json)
	// got CSV text under it, exit 0.
	if err := checkClustersOutput(*out, *format); err != nil {
		return err
	}
	derived := []string{outStem + "_summary.json"}
	if !*noPlots {
		derived = append(derived, outStem+"_mosaic.png", outStem+"_latent_pca.png")
	}
	for _, p := range derived {
		if err := checkPlotOutput("-o "+*out+": "+filepath.Base(p), p); err != nil {
			return err
		}
		if err := checkOutputFile("-o "+*out+": "+filepath.Base(p), p, inputs...); err != nil {
			return err
		}
	}
	ck, err := latestRunCheckpoint(g, runDir)
	if err != nil {
		return err
	}
	var rc train.RunConfig
	var meta runMeta
	if err := ck.DecodeConfig(&rc); err != nil {
		return fmt.Errorf("run %s: %w", runDir, err)
	}
	if err := ck.DecodeMetadata(&meta); err != nil || meta.Format != runFormat {
		return badInputf("run %s was not written by stkit train (metadata format %d, error %v)", runDir, meta.Format, err)
	}
	f, err := loadDataset(dsDir)
	if err != nil {
		return err
	}
	cols, err := checkDatasetForRun(dsDir, f, runDir, &meta)
	if err != nil {
		return err
	}
	if err := checkTrainingScale(dsDir, runDir, f, cols, &meta); err != nil {
		return err
	}
	man := f.Manifest

	// Labels of the sources.
	labelOf := make([]int, len(man.Sources))
	var labelNames []string
	seen := map[string]int{}
	for s, name := range man.Sources {
		lab, ok := sourceLabel(name, re)
		if !ok && !re.MatchString(name) {
			stem := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
			return badInputf("--labels %q does not match source %s: every source file needs a label, so the regexp must match part of each source path (e.g. add an alternative for this one: --labels '%s|%s')", *labelRE, name, *labelRE, regexp.QuoteMeta(stem))
		}
		// A regexp that can match nothing ('z*', 'o?') matched the empty
		// string at the start of every path: all sources got the label
		// "", silently.
		if !ok {
			return badInputf("--labels %q matches the empty string in source %s, which names no label: give a regexp that matches part of each path (e.g. 'I_1|Q_1|logdensity|grf')", *labelRE, name)
		}
		labelOf[s] = labelID(seen, &labelNames, lab)
	}

	be, err := runBackend(g)
	if err != nil {
		return err
	}
	model, err := vae.New(be, rc.VAE, 0)
	if err != nil {
		return err
	}
	if err := ck.Restore(model.Ctx); err != nil {
		return fmt.Errorf("run %s: restoring %s: %w", runDir, ck.Path, err)
	}
	x := normalise(f.X, man.Dim, cols, meta.Mean, meta.Std)
	pred, conf, probs, err := model.Assign(x)
	if err != nil {
		return err
	}
	K, n := rc.VAE.K, man.N

	// Assignments CSV.
	var sb strings.Builder
	sb.WriteString("id,source,map,row,col,rot,flip,cluster,confidence")
	for k := 0; k < K; k++ {
		fmt.Fprintf(&sb, ",p_%d", k)
	}
	sb.WriteByte('\n')
	for i, p := range f.Patches.Patches {
		fmt.Fprintf(&sb, "%d,%s,%d,%d,%d,%d,%t,%d,%.6f", i, csvField(man.Sources[p.Source]), p.Map, p.Row, p.Col, p.Rot, p.Flip, pred[i], conf[i])
		for k := 0; k < K; k++ {
			fmt.Fprintf(&sb, ",%.6f", probs[i*K+k])
		}
		sb.WriteByte('\n')
	}
	if err := checkpoints.WriteFileAtomic(*out, []byte(sb.String()), 0o644); err != nil {
		return err
	}

	sum := clusterSummary{Run: runDir, Checkpoint: ck.Path, Dataset: dsDir, K: K, N: n, Prov: newProvenance(ck.Path, dsDir),
		TrainingDataset: man.Fingerprint == meta.DatasetFingerprint,
		Counts:          make([]int, K), MeanConf: make([]float64, K)}
	byCluster := make([][]int, K)
	for i, c := range pred {
		sum.Counts[c]++
		sum.MeanConf[c] += float64(conf[i])
		byCluster[c] = append(byCluster[c], i)
	}
	w := clustersTextWriter(g, *out)
	fmt.Fprintf(w, "%d patches, K=%d (checkpoint %s, epoch %d)\n", n, K, filepath.Base(ck.Path), ck.State.Epoch)
	if !sum.TrainingDataset {
		fmt.Fprintf(w, "dataset %s is not the dataset run %s was trained on (%s): its patches are assigned with the trained model (new data, same ST configuration)\n", dsDir, runDir, meta.Dataset)
		if note := patchWindowNote(meta.Patch, man.Patch); note != "" {
			fmt.Fprintf(g.stderr, "clusters: warning: %s\n", note)
		}
		warns, notes := clustersUnitWarnings(&meta, man)
		for _, m := range warns {
			fmt.Fprintf(g.stderr, "clusters: warning: %s\n", m)
		}
		for _, m := range notes {
			fmt.Fprintf(g.stderr, "clusters: note: %s\n", m)
		}
	}
	for k := 0; k < K; k++ {
		if sum.Counts[k] > 0 {
			sum.MeanConf[k] /= float64(sum.Counts[k])
		}
	}
	printClusterTable(w, sum.Counts, sum.MeanConf, n)
	if msg := infer.EmptyClusterWarning(sum.Counts, n); msg != "" {
		fmt.Fprintf(g.stderr, "clusters: warning: %s\n", msg)
	}

	labels := make([]int, n)
	for i, p := range f.Patches.Patches {
		labels[i] = labelOf[p.Source]
	}
	if len(labelNames) > 1 {
		conf, match, acc := bestMatch(labels, pred, len(labelNames), K)
		sum.Labels, sum.Confusion, sum.Match, sum.Accuracy = labelNames, conf, match, &acc
		printConfusion(w, labelNames, conf, match)
		fmt.Fprintf(w, "best-match accuracy (fraction of the patches in the cluster matched to their label, 1 = perfect): %.4f\n", acc)
	} else {
		how := "the dataset has one source file"
		if len(man.Sources) > 1 {
			how = fmt.Sprintf("--labels gives its %d source files the same label: change it to tell the processes apart", len(man.Sources))
		}
		fmt.Fprintf(w, "one source label (%s): no confusion table or accuracy, which need patches of two labels or more (%s)\n", labelNames[0], how)
	}
	if !sum.TrainingDataset {
		names, tacc, why := trainingClusterNames(model, &meta, runDir, K, re)
		sum.TrainingClusters = names
		sum.TrainingAccuracy = printTrainingIdentities(w, names, tacc, why, labelNames, labels, pred)
	}

	stem := outStem
	sj, _ := json.MarshalIndent(sum, "", " ")
	if err := checkpoints.WriteFileAtomic(stem+"_summary.json", append(sj, '\n'), 0o644); err != nil {
		return err
	}
	if !*noPlots {
		mu, err := model.Encode(x)
		if err != nil {
			return err
		}
		idx := make([][]int, K)
		for k, l := range byCluster {
			idx[k] = mosaicPicks(l, mu, rc.VAE.Z, *top)
		}
		var tileLabel func(i int) string
		if len(labelNames) > 1 {
			short := shortNames(labelNames)
			tileLabel = func(i int) string { return short[labels[i]] }
		}
		if err := plotMosaic(stem+"_mosaic.png", f.Patches.Patch, man.Size, idx, conf, sum.Counts, tileLabel); err != nil {
			return err
		}
		pc, frac := pca2(mu, n, rc.VAE.Z)
		var lab []int
		if len(labelNames) > 1 {
			lab = labels
		}
		if err := plotPCA(stem+"_latent_pca.png", pc, frac, pred, K, lab, shortNames(labelNames)); err != nil {
			return err
		}
	}
	if *noPlots {
		fmt.Fprintf(w, "wrote %s (and %s_summary.json)\n", *out, stem)
		// figures of an earlier run under the same -o are now out of date:
		// say so rather than delete them
		var stale []string
		for _, p := range []string{stem + "_mosaic.png", stem + "_latent_pca.png"} {
			if _, err := os.Stat(p); err == nil {
				stale = append(stale, p)
			}
		}
		if len(stale) > 0 {
			verb := "are"
			if len(stale) == 1 {
				verb = "is"
			}
			fmt.Fprintf(g.stderr, "clusters: note: %s %s from an earlier run, not rewritten with --no-plots (out of date: remove, or run without --no-plots)\n", strings.Join(stale, " and "), verb)
		}
	} else {
		fmt.Fprintf(w, "wrote %s (and %s_*.png, %s_summary.json)\n", *out, stem, stem)
	}
	return nil
}

// printClusterTable prints the patches, fraction and mean confidence of each
// cluster; an empty cluster has no mean confidence: "—" (it printed 0.000,
// which reads as a cluster of unsure patches).
func printClusterTable(w io.Writer, counts []int, meanConf []float64, n int) {
	fmt.Fprintln(w, "cluster  patches  fraction  mean confidence")
	for k, c := range counts {
		mc := "—"
		if c > 0 {
			mc = fmt.Sprintf("%.3f", meanConf[k])
		}
		fmt.Fprintf(w, "%7d  %7d  %8.3f  %15s\n", k, c, float64(c)/float64(max(n, 1)), mc)
	}
}

// latestRunCheckpoint reads the newest readable checkpoint of a run folder (RUN/checkpoints), of a
// folder of checkpoint files (RUN/checkpoints itself) or a checkpoint file given directly. Newer
// checkpoints that cannot be read (truncated, damaged) are skipped with a warning on stderr naming
// them.
func latestRunCheckpoint(g *globals, run string) (*checkpoints.Checkpoint, error) {
	st, err := os.Stat(run)
	if err != nil {
		return nil, badInputf("run %s: %v", run, errors.Unwrap(err))
	}
	if !st.IsDir() {
		c, err := checkpoints.Read(run)
		if err != nil {
			return nil, asBadInput(err)
		}
		return c, nil
	}
	// RUN is a run folder or, as for export, its checkpoints/ folder.
	dir := filepath.Join(run, "checkpoints")
	if ck, _ := filepath.Glob(filepath.Join(run, "ckpt-*.stkc")); len(ck) > 0 {
		dir = run
	} else if err := checkRunFolder(run); err != nil {
		return nil, err
	}
	mgr, err := checkpoints.Open(dir, 0)
	if err != nil {
		return nil, err
	}
	c, skipped, err := mgr.Latest()
	for _, s := range skipped {
		fmt.Fprintf(g.stderr, "clusters: warning: skipping unreadable checkpoint: %s\n", userMessage(s.Error()))
	}
	if err != nil {
		return nil, badInputf("run %s: %v", run, err)
	}
	return c, nil
}

// checkRunFolder refuses a folder without a checkpoints/ folder as a
// training run, saying what it is when it is another stkit folder (a patch
// dataset, a model folder) and what to run.
func checkRunFolder(run string) error {
	if st, err := os.Stat(filepath.Join(run, "checkpoints")); err == nil && st.IsDir() {
		return nil
	}
	what := "is not a training run"
	for _, k := range stkitFolders(run) {
		if k.name != runFolder.name {
			what = "is " + k.name + ", not a training run"
		}
	}
	return badInputf("run %s %s (no checkpoints/ folder; make one with stkit train)", run, what)
}

// bestMatch builds the label × cluster confusion matrix and matches clusters to labels one-to-one
// (Hungarian algorithm on the zero-padded square matrix, maximising matched patches). match[k] is
// the label of cluster k or −1 when K exceeds the number of labels and k is left unmatched.
func bestMatch(labels, pred []int, L, K int) (confusion [][]int, match []int, acc float64) {
	confusion = make([][]int, L)
	for l := range confusion {
		confusion[l] = make([]int, K)
	}
	for i, l := range labels {
		confusion[l][pred[i]]++
	}
	s := max(L, K)
	cost := make([][]float64, s)
	for k := 0; k < s; k++ {
		cost[k] = make([]float64, s)
		for l := 0; l < s; l++ {
			if k < K && l < L {
				cost[k][l] = -float64(confusion[l][k])
			}
		}
	}
	assign := train.Hungarian(cost)
	match = make([]int, K)
	hit := 0
	for k := 0; k < K; k++ {
		match[k] = -1
		if l := assign[k]; l < L {
			match[k] = l
			hit += confusion[l][k]
		}
	}
	return confusion, match, float64(hit) / float64(max(1, len(labels)))
}

func printConfusion(w interface{ Write([]byte) (int, error) }, names []string, conf [][]int, match []int) {
	short := shortNames(names)
	width := 6
	for _, s := range short {
		width = max(width, len(s))
	}
	fmt.Fprintf(w, "confusion (rows: source label, columns: cluster; * = matched pair)\n%-*s", width, "")
	for k := range match {
		fmt.Fprintf(w, " %6d ", k) // over the counts, not their '*' marks
	}
	fmt.Fprintf(w, " %7s\n", "total")
	for l, row := range conf {
		fmt.Fprintf(w, "%-*s", width, short[l])
		tot := 0
		for k, c := range row {
			mark := " "
			if match[k] == l {
				mark = "*"
			}
			fmt.Fprintf(w, " %6d%s", c, mark)
			tot += c
		}
		fmt.Fprintf(w, " %7d\n", tot)
	}
}

// shortNames drops the longest common directory prefix of the label names.
func shortNames(names []string) []string {
	if len(names) < 2 {
		return names
	}
	prefix := filepath.Dir(names[0]) + string(filepath.Separator)
	for _, s := range names[1:] {
		for !strings.HasPrefix(s, prefix) && prefix != "" {
			d := filepath.Dir(strings.TrimSuffix(prefix, string(filepath.Separator)))
			if d == "." || d == string(filepath.Separator) || d+string(filepath.Separator) == prefix {
				prefix = ""
				break
			}
			prefix = d + string(filepath.Separator)
		}
	}
	out := make([]string, len(names))
	for i, s := range names {
		out[i] = strings.TrimPrefix(s, prefix)
	}
	return out
}

// csvField quotes a CSV field when needed.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// windowName describes the apodisation of a patch configuration: "no window"
// (Window "" or "none") or "a Tukey window (α = 0.3)" (α 0: 0.3).
func windowName(c datasets.PatchConfig) string {
	if c.Window == "" || c.Window == "none" {
		return "no window"
	}
	if c.Window == "tukey" {
		// α 0 is datasets' default 0.3 (CutPatches), recorded as given in the
		// manifest of a dataset built by a library caller that left it unset
		a := c.Alpha
		if a == 0 {
			a = 0.3
		}
		return fmt.Sprintf("a Tukey window (α = %g)", a)
	}
	return fmt.Sprintf("window %q", c.Window)
}

// patchWindowNote says, for a dataset whose patches were apodised otherwise
// than the run's training patches (stkit patches --window, --alpha), that
// their features differ systematically from those the model learned, so its
// assignments are not comparable; "" when the windows agree. clusters takes
// such a dataset (the statistic and the patch size agree), and said only
// "same ST configuration".
func patchWindowNote(run, ds datasets.PatchConfig) string {
	if windowName(run) == windowName(ds) {
		return ""
	}
	return fmt.Sprintf("the dataset's patches were cut with %s, the run's training patches with %s (stkit patches --window, --alpha): the window changes the features systematically, so they are not distributed as those the model learned and its assignments are not comparable; rebuild the dataset with the run's window", windowName(ds), windowName(run))
}
