package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
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
