package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/train"
)

// clustersfix20Maps writes b 64² maps (white noise or a smooth field, by
// kind) as FITS with BUNIT unit and 1′ pixels.
func clustersfix20Maps(t *testing.T, path, kind, unit string, b int, seed uint64) {
	t.Helper()
	m := stlayer.NewMaps(b, 64, 64)
	for i := 0; i < b; i++ {
		var x []float64
		var err error
		if kind == "noise" {
			x, err = datasets.WhiteNoise(64, 64, seed+uint64(i))
		} else {
			x, err = datasets.GaussianRandomField(64, 64, -3, seed+uint64(i))
		}
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	cards := []datasets.Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
		{Key: "CDELT1", Value: -1.0 / 60}, {Key: "CDELT2", Value: 1.0 / 60}, {Key: "BUNIT", Value: unit}}
	if err := datasets.WriteMapsCards(path, m, cards...); err != nil {
		t.Fatal(err)
	}
}

// TestClustersfix20UnitsLabelsImbalance, the CLI end to end on a tiny run:
//   - train warns that the sources hold 36 and 9 patches (80/20 %) under
//     the default --wbalance, naming --wbalance 0 and --max-per-source 9
//     (it said nothing of a 45/10/45 % dataset whose small source's cluster
//     took 17 foreign patches), and not with --wbalance 0;
//   - clusters on a dataset of the same maps with BUNIT Jy/sr warns that
//     the run's training maps were MJy/sr (it assigned a ×1e6 CIB patch to a
//     dust cluster with confidence 1.000 and no word); the same maps in
//     MJy/sr get no warning;
//   - on a dataset that is not the training one, a note says the * pairs are
//     matched within the new labels, the clusters are named by the training
//     dataset, and with --labels naming both datasets' processes alike the
//     accuracy against those training clusters is printed and stored
//     (training_accuracy equals the count from assignments.csv).
func TestClustersfix20UnitsLabelsImbalance(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"train", "jy", "same"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	clustersfix20Maps(t, filepath.Join(dir, "train", "noise.fits"), "noise", "MJy/sr", 4, 10)
	clustersfix20Maps(t, filepath.Join(dir, "train", "smooth.fits"), "smooth", "MJy/sr", 1, 20)
	clustersfix20Maps(t, filepath.Join(dir, "jy", "noise.fits"), "noise", "Jy/sr", 1, 50)
	clustersfix20Maps(t, filepath.Join(dir, "jy", "smooth.fits"), "smooth", "Jy/sr", 1, 60)
	clustersfix20Maps(t, filepath.Join(dir, "same", "noise.fits"), "noise", "MJy/sr", 1, 50)
	clustersfix20Maps(t, filepath.Join(dir, "same", "smooth.fits"), "smooth", "MJy/sr", 1, 60)
	for _, sub := range []string{"train", "jy", "same"} {
		code, _, errs := runCLI(t, "patches", filepath.Join(dir, sub, "noise.fits"), filepath.Join(dir, sub, "smooth.fits"),
			"-o", filepath.Join(dir, "ds-"+sub), "--size", "32", "--stride", "16")
		if code != 0 {
			t.Fatalf("patches %s: exit %d: %s", sub, code, errs)
		}
	}
	tiny := []string{"--clusters", "2", "--epochs", "3", "--z", "4", "--h", "16", "--layers", "1", "--batch", "16", "--lr-final", "0"}
	run := filepath.Join(dir, "run")
	code, _, errs := runCLI(t, append([]string{"train", filepath.Join(dir, "ds-train"), "-o", run}, tiny...)...)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errs)
	}
	if want := "train: warning: the sources hold very different numbers of patches (noise.fits 36 (80 %), smooth.fits 9 (20 %)), while --wbalance 0.3 pushes"; !strings.Contains(errs, want) ||
		!strings.Contains(errs, "try --wbalance 0, or the same number of patches per source (stkit patches --max-per-source 9)") {
		t.Errorf("train on 36/9 patches: no imbalance warning %q in\n%s", want, errs)
	}
	_, _, errs0 := runCLI(t, append([]string{"train", filepath.Join(dir, "ds-train"), "-o", filepath.Join(dir, "run0"), "--wbalance", "0"}, tiny...)...)
	if strings.Contains(errs0, "very different numbers of patches") {
		t.Errorf("--wbalance 0 still warns:\n%s", errs0)
	}

	clusters := func(sub string, extra ...string) (string, string, clusterSummary) {
		t.Helper()
		out := filepath.Join(dir, "a-"+sub+".csv")
		code, stdout, errs := runCLI(t, append([]string{"clusters", run, filepath.Join(dir, "ds-"+sub), "-o", out, "--no-plots"}, extra...)...)
		if code != 0 {
			t.Fatalf("clusters %s: exit %d: %s", sub, code, errs)
		}
		b, err := os.ReadFile(strings.TrimSuffix(out, ".csv") + "_summary.json")
		if err != nil {
			t.Fatal(err)
		}
		var s clusterSummary
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		return stdout, errs, s
	}
	_, errs, _ = clusters("jy")
	if want := `clusters: warning: the dataset's maps have BUNIT "Jy/sr", the run's training maps "MJy/sr": `; !strings.Contains(errs, want) {
		t.Errorf("Jy/sr dataset: no warning %q in\n%s", want, errs)
	}
	if strings.Contains(errs, "pixel scale") {
		t.Errorf("same pixel scale, yet:\n%s", errs)
	}
	stdout, errs, s := clusters("same")
	if strings.Contains(errs, "warning") {
		t.Errorf("MJy/sr dataset warned:\n%s", errs)
	}
	if !strings.Contains(stdout, "note: this is not the training dataset: the * pairs and the best-match accuracy above match the clusters to this dataset's labels by this table alone") {
		t.Errorf("no note on the matching in\n%s", stdout)
	}
	if len(s.TrainingClusters) != 2 || !strings.Contains(stdout, "clusters in the training run (its dataset's labels, best-match accuracy ") {
		t.Errorf("training_clusters %q; stdout\n%s", s.TrainingClusters, stdout)
	}
	if s.TrainingAccuracy != nil || !strings.Contains(stdout, "none of this dataset's labels is a training label") {
		t.Errorf("file labels of other folders tied to the training ones (accuracy %v):\n%s", s.TrainingAccuracy, stdout)
	}
	// --labels naming the processes: the new labels are the training labels.
	stdout, _, s = clusters("same", "--labels", `(noise|smooth)\.fits`)
	if s.TrainingAccuracy == nil {
		t.Fatalf("no training_accuracy with --labels; stdout\n%s", stdout)
	}
	// the accuracy by hand: patch i is right when TrainingClusters[cluster] is its label
	b, err := os.ReadFile(filepath.Join(dir, "a-same.csv"))
	if err != nil {
		t.Fatal(err)
	}
	hit, n := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ",")
		lab := strings.TrimSuffix(filepath.Base(f[1]), ".fits")
		var k int
		if err := json.Unmarshal([]byte(f[7]), &k); err != nil {
			t.Fatal(err)
		}
		n++
		if s.TrainingClusters[k] == lab {
			hit++
		}
	}
	if n != 18 || *s.TrainingAccuracy != float64(hit)/float64(n) {
		t.Errorf("training_accuracy %v, by hand %d/%d", *s.TrainingAccuracy, hit, n)
	}
	if !strings.Contains(stdout, "accuracy against the training run's clusters (patches whose label is a training label, 18 of 18, in the cluster of that label): ") {
		t.Errorf("no accuracy line in\n%s", stdout)
	}
}

// TestClustersfix20UnitWarningsOldRun: a run written before its metadata
// held units is compared through its training dataset's manifest (when it
// is still there with the run's fingerprint); a pixel scale of 2′ against
// 1′ warns, a dataset without BUNIT gets a note, unknown units nothing.
func TestClustersfix20UnitWarningsOldRun(t *testing.T) {
	dir := t.TempDir()
	one := &datasets.PixelScale{X: 1, Y: 1, Unit: "arcmin"}
	man := datasets.DatasetManifest{Version: datasets.FeatureVersion, ChunkSize: 1, Sources: []string{"a.fits", "b.fits"}, Fingerprint: "f00d", BUnit: "MJy/sr", PixelScale: one, Complete: true}
	b, _ := json.Marshal(man)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	meta := runMeta{Dataset: dir, DatasetFingerprint: "f00d", Sources: man.Sources}
	ds := &datasets.DatasetManifest{Sources: []string{"c.fits"}, Size: 32, BUnit: "MJY/SR", PixelScale: &datasets.PixelScale{X: 2, Y: 2, Unit: "arcmin"}}
	w, n := clustersUnitWarnings(&meta, ds)
	if len(w) != 1 || len(n) != 0 || !strings.HasPrefix(w[0], "the dataset's maps have pixel scale 2 arcmin, the run's training maps 1 arcmin: patches of 32 pixels span other angles") {
		t.Errorf("2′ against 1′ (MJY/SR = MJy/sr): warnings %q notes %q", w, n)
	}
	ds = &datasets.DatasetManifest{Sources: []string{"c.npy"}, Size: 32}
	if w, n = clustersUnitWarnings(&meta, ds); len(w) != 0 || len(n) != 2 || !strings.HasPrefix(n[0], `the dataset's maps have no BUNIT, the run's training maps "MJy/sr"`) {
		t.Errorf("no units: warnings %q notes %q", w, n)
	}
	meta.DatasetFingerprint = "beef" // the dataset at meta.Dataset is another one now: units unknown
	ds = &datasets.DatasetManifest{Sources: []string{"c.fits"}, Size: 32, BUnit: "K"}
	if w, n = clustersUnitWarnings(&meta, ds); len(w)+len(n) != 0 {
		t.Errorf("unknown run units: warnings %q notes %q", w, n)
	}
	meta.BUnits = []string{"K", "Jy/sr"} // recorded per source: K is one of them
	if w, n = clustersUnitWarnings(&meta, ds); len(w)+len(n) != 0 {
		t.Errorf("K among the run's K, Jy/sr: warnings %q notes %q", w, n)
	}
}

// TestClustersfix20LossStillFalling: the last 10 % of 60 epochs 3.5 % below
// the 10 % before (the personavae run, 2.204 → 2.127) gets the note, a
// level loss (±1 % noise) none.
func TestClustersfix20LossStillFalling(t *testing.T) {
	h := make([]epochRow, 60)
	for i := range h {
		h[i] = epochRow{Epoch: i + 1, Loss: 2.204}
		if i >= 54 {
			h[i].Loss = 2.127
		}
	}
	note := lossStillFallingNote(h, 60)
	if want := "the training loss was still falling at the end: mean 2.204 over epochs 49–54, 2.127 over epochs 55–60 (−3.5 %); more --epochs may help (continue this run with --resume --epochs 90)"; note != want {
		t.Errorf("note %q\nwant %q", note, want)
	}
	for i := range h {
		h[i].Loss = 2.1 * (1 + 0.01*float64(i%2*2-1))
	}
	if note := lossStillFallingNote(h, 60); note != "" {
		t.Errorf("level loss: %q", note)
	}
	if note := lossStillFallingNote(h[:3], 3); note != "" {
		t.Errorf("3 epochs: %q", note)
	}
}

// clustersfix20Overlaps counts the (validation, training) pairs of patches
// of one source and map less than size apart in rows and columns.
func clustersfix20Overlaps(p []datasets.Patch, size int, tr, val []int) int {
	n := 0
	for _, v := range val {
		for _, i := range tr {
			a, b := p[v], p[i]
			if a.Source == b.Source && a.Map == b.Map && absInt(a.Row-b.Row) < size && absInt(a.Col-b.Col) < size {
				n++
			}
		}
	}
	return n
}

// TestClustersfix20ValidationNoOverlap: with the default stride (size/2)
// the random 10 % validation rows of train.Split overlapped training
// patches (validation loss below the training loss throughout); blockSplit
// holds out the last patch rows of each source and leaves out the training
// patches overlapping them: no overlap, every source validated and trained,
// augmented copies with their block. The CLI records the split in run.json.
func TestClustersfix20ValidationNoOverlap(t *testing.T) {
	const size = 64
	var p []datasets.Patch
	for r := 0; r <= 7*32; r += 32 { // source 0: one 288² map, 8×8 patches, each with a turned copy
		for c := 0; c <= 7*32; c += 32 {
			p = append(p, datasets.Patch{Source: 0, Row: r, Col: c}, datasets.Patch{Source: 0, Row: r, Col: c, Rot: 1})
		}
	}
	for m := 0; m < 4; m++ { // source 1: four 128² maps, 3×3 patches
		for r := 0; r <= 64; r += 32 {
			for c := 0; c <= 64; c += 32 {
				p = append(p, datasets.Patch{Source: 1, Map: m, Row: r, Col: c})
			}
		}
	}
	oldTr, oldVal := train.Split(len(p), 0.1, 1)
	if o := clustersfix20Overlaps(p, size, oldTr, oldVal); o == 0 {
		t.Fatalf("the random split overlaps nothing here: the test shows nothing")
	}
	tr, val, dropped, kept := blockSplit(p, size, 0.1)
	if o := clustersfix20Overlaps(p, size, tr, val); o != 0 {
		t.Errorf("%d validation–training overlaps", o)
	}
	// source 0: 128 patches, 13 wanted: the last row (16 with the copies), its
	// neighbour row dropped (16); source 1: 36 patches, 4 wanted: the last
	// two rows of map 3 (6), the first row of map 3 dropped (3)
	if len(val) != 22 || dropped != 19 || len(tr) != len(p)-41 || len(kept) != 0 {
		t.Errorf("train %d val %d dropped %d kept %v (want %d, 22, 19, none)", len(tr), len(val), dropped, kept, len(p)-41)
	}
	for _, v := range val {
		if q := p[v]; (q.Source == 0 && q.Row != 224) || (q.Source == 1 && (q.Map != 3 || q.Row < 32)) {
			t.Errorf("validation patch %+v", q)
		}
	}
	// a source of one row of patches keeps them all for training
	one := []datasets.Patch{{Row: 0, Col: 0}, {Row: 0, Col: 32}, {Row: 0, Col: 64}}
	if tr, val, d, k := blockSplit(one, size, 0.5); len(tr) != 3 || len(val) != 0 || d != 0 || len(k) != 1 || k[0] != 0 {
		t.Errorf("one row: train %v val %v dropped %d kept %v", tr, val, d, k)
	}

	// the CLI: run.json says what the split gave, as blockSplit on the dataset
	dir := t.TempDir()
	clustersfix20Maps(t, filepath.Join(dir, "noise.fits"), "noise", "MJy/sr", 2, 10)
	clustersfix20Maps(t, filepath.Join(dir, "smooth.fits"), "smooth", "MJy/sr", 2, 20)
	ds, run := filepath.Join(dir, "ds"), filepath.Join(dir, "run")
	if code, _, errs := runCLI(t, "patches", filepath.Join(dir, "noise.fits"), filepath.Join(dir, "smooth.fits"), "-o", ds, "--size", "32"); code != 0 {
		t.Fatalf("patches: %s", errs)
	}
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--clusters", "2", "--epochs", "1", "--z", "4", "--h", "16", "--layers", "1", "--batch", "16")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errs)
	}
	f, err := datasets.LoadFeatures(ds)
	if err != nil {
		t.Fatal(err)
	}
	tr, val, dropped, _ = blockSplit(f.Patches.Patches, 32, 0.1)
	if o := clustersfix20Overlaps(f.Patches.Patches, 32, tr, val); o != 0 || len(val) == 0 {
		t.Errorf("dataset: %d overlaps, %d validation patches", o, len(val))
	}
	b, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Run struct {
			ValSplit     string `json:"val_split"`
			ValSplitDesc string `json:"val_split_desc"`
		} `json:"run"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := valSplitDesc(len(tr), len(val), dropped)
	if doc.Run.ValSplit != "blocks" || doc.Run.ValSplitDesc != want || !strings.Contains(errs, "train: validation: "+want) {
		t.Errorf("run.json val_split %q desc %q, want blocks, %q; stderr\n%s", doc.Run.ValSplit, doc.Run.ValSplitDesc, want, errs)
	}
	// a resume keeps the split; --val-split random is the old split; a bad value exit 2
	wantBadInput(t, []string{"train", ds, "-o", run, "--resume", "--epochs", "2", "--val-split", "random"}, "was made with --val-split blocks: a resume keeps its split")
	wantBadInput(t, []string{"train", ds, "-o", filepath.Join(dir, "bad"), "--clusters", "2", "--val-split", "rows"}, `--val-split "rows": want blocks or random`, filepath.Join(dir, "bad"))
	rnd := filepath.Join(dir, "rnd")
	code, _, errs = runCLI(t, "train", ds, "-o", rnd, "--clusters", "2", "--epochs", "1", "--z", "4", "--h", "16", "--layers", "1", "--batch", "16", "--val-split", "random")
	if b, err = os.ReadFile(filepath.Join(rnd, "run.json")); code != 0 || err != nil {
		t.Fatalf("--val-split random: exit %d (%v): %s", code, err, errs)
	}
	doc.Run.ValSplit, doc.Run.ValSplitDesc = "", ""
	if err := json.Unmarshal(b, &doc); err != nil || doc.Run.ValSplit != "random" || doc.Run.ValSplitDesc != "" || strings.Contains(errs, "train: validation:") {
		t.Errorf("--val-split random: val_split %q desc %q (%v); stderr\n%s", doc.Run.ValSplit, doc.Run.ValSplitDesc, err, errs)
	}
}
