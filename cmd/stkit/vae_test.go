package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// Model and training flags of the CLI tests: a tiny network and short runs.
var tinyTrain = []string{"--z", "4", "--h", "32", "--layers", "1", "--batch", "32", "--lr-final", "0", "--drop", "^C11"}

// twoSourceMaps writes two 128×128 map batches (2 maps each) to dir: white noise and a smooth
// Gaussian random field with P(k) ∝ k^−3. Their patches are easy to tell apart.
func twoSourceMaps(t *testing.T, dir string) (noise, smooth string) {
	t.Helper()
	write := func(name string, gen func(seed uint64) ([]float64, error)) string {
		m := stlayer.NewMaps(2, 128, 128)
		for b := 0; b < 2; b++ {
			x, err := gen(uint64(10 + b))
			if err != nil {
				t.Fatal(err)
			}
			copy(m.Map(b), x)
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise = write("noise.npy", func(s uint64) ([]float64, error) { return datasets.WhiteNoise(128, 128, s) })
	smooth = write("smooth.npy", func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(128, 128, -3, s) })
	return noise, smooth
}

var (
	tinyOnce sync.Once
	tinyDir  string
	tinyErr  string
)

// tinyDataset builds (once per test binary) a patch dataset of 32² patches, stride 16, from the two
// sources: 2 × 2 × 49 = 196 patches with the default features (scov iso synthesis, J = 3).
// TestMain removes the shared fixtures (the tiny dataset and the models
// fixture, each built once per test binary) when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{tinyDir, modelsDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

func tinyDataset(t *testing.T) string {
	t.Helper()
	tinyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stkit-vae-test-")
		if err != nil {
			tinyErr = err.Error()
			return
		}
		tinyDir = dir
		noise, smooth := twoSourceMaps(t, dir)
		code, _, errs := runCLI(t, "patches", noise, smooth, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16")
		if code != 0 {
			tinyErr = errs
		}
	})
	if tinyErr != "" {
		t.Fatalf("building the tiny dataset: %s", tinyErr)
	}
	return filepath.Join(tinyDir, "ds")
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// train → clusters on two easy sources: the clusters are the sources (best-match accuracy ≥ 0.95,
// no cluster under 5 %), and every output file is written.
func TestTrainThenClusters(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	// The seed matters: this tiny model separates the two sources in few seeds (accuracy ≥ 0.95
	// for seeds 3, 5, 9, 11 of 1–12 with the random validation split; 6 of 1–12 since the
	// validation patches overlap no training patch, clustersfix20_split.go, which trains on 154
	// patches instead of 176).
	args := append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "15", "--seed", "6"}, tinyTrain...)
	code, out, errs := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, errs)
	}
	t.Logf("train:\n%s", out)
	for _, f := range []string{"run.json", "metrics.csv", "metrics.json", "loss.png"} {
		if st, err := os.Stat(filepath.Join(run, f)); err != nil || st.Size() == 0 {
			t.Errorf("run lacks %s", f)
		}
	}
	rows := readCSV(t, filepath.Join(run, "metrics.csv"))
	if len(rows) != 16 || rows[0][0] != "epoch" || rows[15][0] != "15" || !strings.Contains(strings.Join(rows[0], ","), "occ_1") {
		t.Errorf("metrics.csv: %d rows, header %v", len(rows), rows[0])
	}
	// Validation in evaluation mode with recomputed batch-norm statistics stays close to the
	// training loss from the first epoch on (the running averages alone gave ratios up to ~1e7).
	col := map[string]int{}
	for j, name := range rows[0] {
		col[name] = j
	}
	for _, r := range rows[1:] {
		tl, _ := strconv.ParseFloat(r[col["loss"]], 64)
		vl, err := strconv.ParseFloat(r[col["val_loss"]], 64)
		if err != nil || !(vl < 3*tl) {
			t.Errorf("epoch %s: validation loss %s, training loss %g (want < 3×)", r[0], r[col["val_loss"]], tl)
		}
	}
	// The checkpoint carries what inference needs.
	mgr, _ := checkpoints.Open(filepath.Join(run, "checkpoints"), 0)
	c, _, err := mgr.Latest()
	if err != nil {
		t.Fatal(err)
	}
	var meta runMeta
	if err := c.DecodeMetadata(&meta); err != nil {
		t.Fatal(err)
	}
	man, _ := datasets.ReadManifest(ds)
	if meta.Spec != man.Spec || meta.DatasetFingerprint != man.Fingerprint || len(meta.Mean) != len(meta.Columns) ||
		len(meta.Std) != len(meta.Columns) || len(meta.History) != 15 || c.State.Epoch != 15 || canonJSON(meta.Reference) != canonJSON(man.Reference) {
		t.Errorf("checkpoint metadata: spec %v (dataset %v), fingerprint %q (dataset %q), %d means for %d columns, %d history rows, epoch %d, reference %q",
			meta.Spec, man.Spec, meta.DatasetFingerprint, man.Fingerprint, len(meta.Mean), len(meta.Columns), len(meta.History), c.State.Epoch, meta.Reference)
	}
	// --drop '^C11': every dataset column but the C11 block, in dataset order.
	var want []datasets.FeatureColumn
	for _, col := range man.Columns {
		if !strings.HasPrefix(col.Name, "C11") {
			want = append(want, col)
		}
	}
	if len(want) == man.Dim || len(meta.Columns) != len(want) {
		t.Fatalf("run reads %d of %d columns, want the %d that are not C11", len(meta.Columns), man.Dim, len(want))
	}
	for i := range want {
		if meta.Columns[i] != want[i] {
			t.Errorf("run column %d is %v, want %v", i, meta.Columns[i], want[i])
		}
	}

	outCSV := filepath.Join(t.TempDir(), "assignments.csv")
	code, out, errs = runCLI(t, "clusters", run, ds, "-o", outCSV)
	if code != 0 {
		t.Fatalf("clusters: exit %d\n%s", code, errs)
	}
	t.Logf("clusters:\n%s", out)
	if !strings.Contains(out, "confusion") || !strings.Contains(out, "best-match accuracy") {
		t.Errorf("clusters printed no confusion table / accuracy:\n%s", out)
	}
	rows = readCSV(t, outCSV)
	if len(rows) != man.N+1 || strings.Join(rows[0][:9], ",") != "id,source,map,row,col,rot,flip,cluster,confidence" {
		t.Fatalf("assignments.csv: %d rows, header %v", len(rows), rows[0])
	}
	// Accuracy recomputed from the CSV (sources as labels).
	stem := strings.TrimSuffix(outCSV, ".csv")
	src := map[string]int{}
	var truth, pred []int
	for _, r := range rows[1:] {
		if _, ok := src[r[1]]; !ok {
			src[r[1]] = len(src)
		}
		c, _ := strconv.Atoi(r[7])
		p, _ := strconv.ParseFloat(r[8], 64)
		if c < 0 || c > 1 || p < 0.5 || p > 1 {
			t.Fatalf("row %v: cluster %d, confidence %g", r, c, p)
		}
		truth, pred = append(truth, src[r[1]]), append(pred, c)
	}
	_, _, acc := bestMatch(truth, pred, 2, 2)
	var sum clusterSummary
	b, _ := os.ReadFile(stem + "_summary.json")
	if err := json.Unmarshal(b, &sum); err != nil || sum.Accuracy == nil {
		t.Fatalf("summary: %v %s", err, b)
	}
	if acc < 0.95 || *sum.Accuracy != acc {
		t.Errorf("best-match accuracy %.3f (summary %.3f), want ≥ 0.95; confusion %v", acc, *sum.Accuracy, sum.Confusion)
	}
	for k, n := range sum.Counts {
		if float64(n) < 0.05*float64(man.N) {
			t.Errorf("cluster %d holds %d of %d patches", k, n, man.N)
		}
	}
	for _, f := range []string{"_mosaic.png", "_latent_pca.png"} {
		if st, err := os.Stat(stem + f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written", stem+f)
		}
	}
}

// TestHelperProcess is not a test: it runs stkit in a subprocess of the test binary (see killable).
func TestHelperProcess(t *testing.T) {
	if os.Getenv("STKIT_HELPER_PROCESS") != "1" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv("STKIT_HELPER_ARGS")), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(args, os.Stdout, os.Stderr))
}

// Resume after kill -9: a training subprocess is killed once it has checkpointed 2 epochs; the run
// resumed in-process ends with exactly the variables and per-epoch losses of an uninterrupted run.
func TestTrainResumeAfterKill(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	const epochs = 16
	base := append([]string{"train", ds, "--clusters", "2", "--epochs", strconv.Itoa(epochs), "--seed", "5", "--keep", "2"}, tinyTrain...)

	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	argsJSON, _ := json.Marshal(append(base, "-o", killed))
	cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	mgr, _ := checkpoints.Open(filepath.Join(killed, "checkpoints"), 0)
	deadline := time.Now().Add(40 * time.Second)
	for {
		if c, _, err := mgr.Latest(); err == nil && c.State.Epoch >= 2 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("training subprocess ended before it was killed: %v\n%s", err, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no checkpoint of epoch 2 after 40 s\n%s", stderr.String())
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	<-done
	c, _, err := mgr.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Epoch >= epochs {
		t.Fatalf("the subprocess finished all %d epochs before the kill", epochs)
	}
	t.Logf("killed at epoch %d", c.State.Epoch)

	// Resume: only --resume is needed, the rest (--epochs included, b388b80) comes from the run.
	code, out, errs := runCLI(t, "train", ds, "-o", killed, "--resume")
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s", code, errs)
	}
	if want := fmt.Sprintf("resuming %s after epoch %d of %d", killed, c.State.Epoch, epochs); !strings.Contains(errs, want) {
		t.Errorf("resume did not say %q: %s", want, errs)
	}
	t.Log(out)
	ref := filepath.Join(dir, "ref")
	if code, _, errs := runCLI(t, append(base, "-o", ref)...); code != 0 {
		t.Fatalf("reference: exit %d\n%s", code, errs)
	}
	last := func(run string) *checkpoints.Checkpoint {
		m, _ := checkpoints.Open(filepath.Join(run, "checkpoints"), 0)
		c, _, err := m.Latest()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := last(killed), last(ref)
	if a.State.Epoch != epochs || b.State.Epoch != epochs || a.State.Step != b.State.Step {
		t.Errorf("state: resumed %+v, uninterrupted %+v", a.State, b.State)
	}
	names, namesB := a.VariableNames(), b.VariableNames()
	sort.Strings(names)
	sort.Strings(namesB)
	if len(names) == 0 || strings.Join(names, ",") != strings.Join(namesB, ",") {
		t.Fatalf("variables differ: %v vs %v", names, namesB)
	}
	for _, n := range names {
		i := strings.LastIndex(n, "/")
		scope := n[:i]
		if scope == "" {
			scope = "/"
		}
		ta, tb := a.Tensor(scope, n[i+1:]), b.Tensor(scope, n[i+1:])
		if ta == nil || tb == nil || !bytes.Equal(tensorBytes(ta), tensorBytes(tb)) {
			t.Errorf("variable %s differs between the resumed and the uninterrupted run: %v vs %v", n, ta, tb)
		}
	}
	// metrics.csv: the same epochs and losses (wall times aside), each epoch once.
	ra, rb := readCSV(t, filepath.Join(killed, "metrics.csv")), readCSV(t, filepath.Join(ref, "metrics.csv"))
	if len(ra) != epochs+1 || len(rb) != epochs+1 {
		t.Fatalf("metrics.csv rows: resumed %d, uninterrupted %d, want %d", len(ra), len(rb), epochs+1)
	}
	for i := range ra {
		ra[i][4], rb[i][4] = "", "" // seconds
		if strings.Join(ra[i], ",") != strings.Join(rb[i], ",") {
			t.Errorf("metrics row %d: resumed %v, uninterrupted %v", i, ra[i], rb[i])
		}
	}
}

func tensorBytes(t *tensors.Tensor) []byte {
	var b []byte
	_ = t.ConstBytes(func(x []byte) { b = append(b, x...) })
	return b
}

// Bad input exits with code 2 and names the problem.
func TestTrainClustersBadInput(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	run := filepath.Join(dir, "run")
	if code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "2"}, tinyTrain...)...); code != 0 {
		t.Fatalf("train: %s", errs)
	}
	// A dataset of the same patches with another ST configuration (J = 2).
	noise, smooth := twoSourceMaps(t, dir)
	other := filepath.Join(dir, "other")
	if code, _, errs := runCLI(t, "patches", noise, smooth, "-o", other, "--size", "32", "--stride", "16", "-J", "2"); code != 0 {
		t.Fatalf("patches: %s", errs)
	}
	csvOut := filepath.Join(dir, "a.csv")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", empty, "-o", filepath.Join(dir, "r1"), "--clusters", "2"}, "not a patch dataset"},
		{[]string{"train", filepath.Join(dir, "missing"), "-o", filepath.Join(dir, "r2"), "--clusters", "2"}, "dataset"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r3"), "--clusters", "1"}, "--clusters must be ≥ 2"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r4")}, "--clusters K is required"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r5"), "--clusters", "2", "--val", "1"}, "--val"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r6"), "--clusters", "2", "--preset", "huge"}, "--preset"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r6b"), "--clusters", "2", "--bn-batches", "-1"}, "--bn-batches"},
		{[]string{"train", ds}, "-o RUN"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r7"), "--clusters", "2", "--drop", "("}, "--drop"},
		{[]string{"train", ds, "-o", filepath.Join(dir, "r8"), "--clusters", "2", "--features", "^nomatch"}, "leave none"},
		{[]string{"train", ds, "-o", run, "--resume", "--drop", ""}, "reads the features"},
		{[]string{"train", ds, "-o", run, "--resume", "--drop", "^C01"}, "reads the features"},
		{[]string{"train", ds, "-o", run, "--clusters", "2"}, "already holds a run"},
		{[]string{"train", other, "-o", run, "--resume"}, "ST configuration"},
		{[]string{"train", ds, "-o", run, "--resume", "--wcat", "0.7"}, "other settings"},
		{[]string{"clusters", run, other, "-o", csvOut}, "ST configuration"},
		{[]string{"clusters", run, empty, "-o", csvOut}, "not a patch dataset"},
		{[]string{"clusters", empty, ds, "-o", csvOut}, "not a training run"},
		{[]string{"clusters", run, ds, "-o", filepath.Join(dir, "nodir", "a.csv")}, "does not exist"},
		{[]string{"clusters", run, ds, "-o", csvOut, "--labels", "("}, "--labels"},
		{[]string{"clusters", run, ds, "-o", csvOut, "--labels", "nomatch"}, "does not match"},
		{[]string{"clusters", run, ds}, "-o FILE"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), stderr %q (want %q)", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(csvOut); err == nil {
		t.Error("an assignments file was written despite bad input")
	}
	// --labels with a group: the captured text names each source's label.
	if code, out, errs := runCLI(t, "clusters", run, ds, "-o", csvOut, "--labels", "(noise|smooth)", "--no-plots"); code != 0 || !strings.Contains(out, "best-match") {
		t.Errorf("--labels with groups: exit %d %s %s", code, out, errs)
	} else if strings.Contains(out+errs, "_*.png") {
		t.Errorf("--no-plots: the closing line names PNGs it did not write: %s %s", out, errs)
	}
	// A truncated newest checkpoint: clusters uses the previous one and says
	// so (it fell back silently).
	mgr, _ := checkpoints.Open(filepath.Join(run, "checkpoints"), 0)
	list, _ := mgr.List()
	if len(list) < 2 {
		t.Fatalf("run has %d checkpoints, want 2", len(list))
	}
	newest := list[len(list)-1]
	b, _ := os.ReadFile(newest)
	os.WriteFile(newest, b[:len(b)/2], 0o644)
	code, out, errs := runCLI(t, "clusters", run, ds, "-o", csvOut, "--no-plots")
	if code != 0 || !strings.Contains(errs, "skipping unreadable checkpoint") || !strings.Contains(errs, filepath.Base(newest)) || !strings.Contains(out, filepath.Base(list[len(list)-2])) {
		t.Errorf("clusters with a truncated newest checkpoint: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	// export too: it warns, and the manifest records the skipped checkpoint
	// beside the one the models come from.
	models := filepath.Join(dir, "models_skip")
	code, _, errs = runCLI(t, "export", run, "-o", models, "--samples", "4")
	if code != 0 || !strings.Contains(errs, "skipped an unreadable checkpoint") || !strings.Contains(errs, filepath.Base(newest)) {
		t.Errorf("export with a truncated newest checkpoint: exit %d\nstderr %s", code, errs)
	}
	ms, err := infer.LoadModels(models)
	if err != nil {
		t.Fatal(err)
	}
	if src := ms.Manifest.Source; len(src.SkippedCheckpoints) != 1 || !strings.Contains(src.SkippedCheckpoints[0], filepath.Base(newest)) || src.Checkpoint != filepath.Base(list[len(list)-2]) {
		t.Errorf("manifest source: checkpoint %s, skipped %q", src.Checkpoint, src.SkippedCheckpoints)
	}
}

// surrogate writes one Gaussian twin per input map (the batch of all inputs, in order) with the
// same mean and variance (the DFT modulus is kept); bad input exits 2.
func TestSurrogate(t *testing.T) {
	dir := t.TempDir()
	noise, smooth := twoSourceMaps(t, dir)
	out := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, "surrogate", noise, smooth, "-o", out, "--seed", "4"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.B != 4 || got.M != 128 || got.N != 128 {
		t.Fatalf("surrogates [%d, %d, %d], want [4, 128, 128]", got.B, got.M, got.N)
	}
	var in []float64
	for _, p := range []string{noise, smooth} {
		m, _ := datasets.ReadMaps(p)
		in = append(in, m.Data...)
	}
	moments := func(x []float64) (mean, v float64) {
		for _, a := range x {
			mean += a / float64(len(x))
		}
		for _, a := range x {
			v += (a - mean) * (a - mean) / float64(len(x))
		}
		return
	}
	for b := 0; b < 4; b++ {
		mi, vi := moments(in[b*128*128 : (b+1)*128*128])
		mo, vo := moments(got.Map(b))
		if math.Abs(mi-mo) > 1e-9 || math.Abs(vi-vo) > 1e-9*vi {
			t.Errorf("map %d: mean %g → %g, variance %g → %g", b, mi, mo, vi, vo)
		}
		same := 0
		for i, v := range got.Map(b) {
			if v == in[b*128*128+i] {
				same++
			}
		}
		if same > 100 {
			t.Errorf("map %d: %d pixels unchanged", b, same)
		}
	}
	for _, c := range [][]string{
		{"surrogate", noise},
		{"surrogate", noise, "-o", out, "--kind", "wavelet"},
		{"surrogate", filepath.Join(dir, "missing.npy"), "-o", out},
		{"surrogate", noise, "-o", filepath.Join(dir, "nodir", "s.npy")},
	} {
		if code, _, _ := runCLI(t, c...); code != 2 {
			t.Errorf("%v: exit %d, want 2", c, code)
		}
	}
}
