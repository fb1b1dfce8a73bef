package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// stkit train --h 100000000 died in vae.New with "fatal error: runtime: out of memory" and a Go
// stack trace. It is now refused before anything is built or written (exit 2), naming the flags
// that size the model, the parameter count, train.MemoryLowerBound and the available memory
// (STKIT_MEM_AVAILABLE stands in for /proc/meminfo, as for export's --samples check).
func TestTrainmem19HugeModelRefused(t *testing.T) {
	ds := tinyDataset(t)
	man, err := datasets.ReadManifest(ds)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := train.Split(man.N, 0.1, 1) // the defaults --val 0.1, --seed 1
	const avail = 8 << 30
	t.Setenv("STKIT_MEM_AVAILABLE", strconv.Itoa(avail))
	dir := t.TempDir()
	for _, c := range []struct {
		args      []string
		h, layers int
		what      string
		hint      string
	}{
		{[]string{"--h", "100000000"}, 100_000_000, 2, "--h 100000000:", "lower --h"},
		{[]string{"--preset", "default", "--h", "60000", "--batch", "64"}, 60000, 4, "--preset default --h 60000 --batch 64:", "lower --h, --batch"},
		{[]string{"--layers", "30000", "--h", "1000"}, 1000, 30000, "--h 1000 --layers 30000:", "lower --h, --layers"},
	} {
		run := filepath.Join(dir, fmt.Sprintf("run%d", c.h))
		code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "3"}, c.args...)...)
		cfg := vae.SmallConfig(3, man.Dim)
		cfg.H, cfg.Layers = c.h, c.layers
		batch := 128
		if c.layers == 4 {
			cfg.Z, batch = 32, 64
		}
		need := train.MemoryLowerBound(cfg, min(batch, len(tr)))
		total, _ := train.ParamCount(cfg)
		for _, want := range []string{"stkit: " + c.what, fmt.Sprintf("has %.3g parameters", total), "needs at least " + fmtBytes(need) + " of memory",
			"8.0 GiB is available", c.hint} {
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("train %v: exit %d, want 2 and %q in:\n%s", c.args, code, want, tail(errs, 800))
			}
		}
		if strings.Contains(errs, "fatal error") || strings.Contains(errs, "goroutine") {
			t.Errorf("train %v: a crash:\n%s", c.args, tail(errs, 800))
		}
		if _, err := os.Stat(run); !os.IsNotExist(err) {
			t.Errorf("train %v: the refusal left %s (stat: %v)", c.args, run, err)
		}
	}

	// A resume keeps the run's model: with too little memory for it, the refusal says so.
	run := filepath.Join(dir, "small")
	if code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "1"}, tinyTrain...)...); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, tail(errs, 600))
	}
	t.Setenv("STKIT_MEM_AVAILABLE", "1000")
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", "2")
	if want := "is available: the run's model cannot train in the memory available now: free memory, or resume the run on a machine with more\n"; code != 2 || !strings.HasPrefix(errs, "stkit: the model (K=2, Z=4, H=32, 1 layers,") || !strings.HasSuffix(errs, want) {
		t.Errorf("resume with 1000 bytes: exit %d, want 2 and %q:\n%s", code, want, tail(errs, 800))
	}

	// The bound itself: refused one byte below it, accepted at it; a model of the preset with
	// no size flag names the features.
	cfg := vae.SmallConfig(3, 369)
	need := train.MemoryLowerBound(cfg, 100)
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.Int("h", 0, "")
	t.Setenv("STKIT_MEM_AVAILABLE", strconv.FormatInt(int64(need), 10))
	if err := checkTrainFits(fs, cfg, 128, 100, false); err != nil {
		t.Errorf("at the bound (%g bytes): %v", need, err)
	}
	t.Setenv("STKIT_MEM_AVAILABLE", strconv.FormatInt(int64(need)-1, 10))
	err = checkTrainFits(fs, cfg, 128, 100, false)
	if !isBadInput(err) || !strings.HasPrefix(err.Error(), "the model (K=3, Z=8, H=128, 2 layers, 369 input features) has") ||
		!strings.Contains(err.Error(), "a batch of 100 rows") || !strings.Contains(err.Error(), "read fewer features (--features, --drop)") {
		t.Errorf("one byte below the bound: %v", err)
	}
	// a resume keeps the run's model: no flag to lower
	if err := checkTrainFits(fs, cfg, 128, 100, true); !isBadInput(err) || !strings.HasSuffix(err.Error(), "the run's model cannot train in the memory available now: free memory, or resume the run on a machine with more") {
		t.Errorf("resumed, one byte below the bound: %v", err)
	}
}

// isBadInput reports whether err carries exit status 2.
func isBadInput(err error) bool {
	var b badInput
	return errors.As(err, &b)
}

// --tau-min 1e-40 passed the CLI's "> 0" check and failed inside package train, after run.json
// was written, with "stkit: train: --tau-min = 1e-40 is below 1.1754943508222875e-38 …". The
// float32 range of τ is now checked with the other flags: exit 2, the bound written readably,
// nothing written.
func TestTrainmem19TemperatureRange(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	for _, c := range []struct {
		flag, v, want string
	}{
		{"--tau-min", "1e-40", "stkit: --tau-min 1e-40: the final Gumbel-softmax temperature must be at least 1.18e-38, the smallest normal float32"},
		{"--tau0", "1e39", "stkit: --tau0 1e+39: a Gumbel-softmax temperature must be at most 3.4e+38, the largest float32"},
		{"--tau-min", "4e38", "stkit: --tau-min 4e+38: a Gumbel-softmax temperature must be at most 3.4e+38"},
	} {
		run := filepath.Join(dir, "run"+c.v)
		code, _, errs := runCLI(t, "train", ds, "-o", run, "--clusters", "2", c.flag, c.v)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Contains(errs, "train: ") {
			t.Errorf("%s %s: exit %d, want 2 and %q:\n%s", c.flag, c.v, code, c.want, tail(errs, 600))
		}
		if _, err := os.Stat(run); !os.IsNotExist(err) {
			t.Errorf("%s %s: the refusal left %s (stat: %v)", c.flag, c.v, run, err)
		}
	}
	for _, c := range []struct {
		tau0, tauMin float64
		ok           bool
	}{
		{1, float64(vae.MinTemperature), true}, {1, math.Nextafter(float64(vae.MinTemperature), 0), false},
		{float64(vae.MaxTemperature), 0.5, true}, {math.Nextafter(float64(vae.MaxTemperature), math.Inf(1)), 0.5, false},
		{1e-45, 0.5, true}, // τ = max(τ0·2^(−e/50), τmin) never goes below τmin
	} {
		if err := checkTemperatures(c.tau0, c.tauMin); (err == nil) != c.ok {
			t.Errorf("checkTemperatures(%g, %g) = %v, want ok %v", c.tau0, c.tauMin, err, c.ok)
		}
	}
}

// stkit clusters with a run trained on maps of one scale and a dataset of the same maps ×1e30
// failed with "non-finite input value +Inf at row 0 column 13", exit 1. It now says the
// features are far outside the run's training scale, asks about the units of the maps and exits
// 2; the run's own dataset is assigned as before.
func TestTrainmem19ClustersFarScale(t *testing.T) {
	dir := t.TempDir()
	small := writeTestMap(t, dir, "m.npy", 2)
	m, err := datasets.ReadMaps(small)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Data {
		m.Data[i] *= 1e30
	}
	big := filepath.Join(dir, "big.npy")
	if err := datasets.WriteMaps(big, &stlayer.Maps{B: m.B, M: m.M, N: m.N, Data: m.Data}); err != nil {
		t.Fatal(err)
	}
	patch := []string{"--size", "32", "--stride", "16", "--kind", "wst", "-J", "2"}
	run := filepath.Join(dir, "run")
	for _, a := range [][]string{
		append([]string{"patches", small, "-o", filepath.Join(dir, "dsS")}, patch...),
		append([]string{"patches", big, "-o", filepath.Join(dir, "dsB")}, patch...),
		{"train", filepath.Join(dir, "dsS"), "-o", run, "--clusters", "2", "--epochs", "1", "--batch", "4", "--val", "0", "--h", "16", "--z", "2"},
	} {
		if code, _, errs := runCLI(t, a...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", a[0], code, errs)
		}
	}
	code, _, errs := runCLI(t, "clusters", run, filepath.Join(dir, "dsB"), "-o", filepath.Join(dir, "big.csv"), "--no-plots")
	for _, want := range []string{"stkit: dataset " + filepath.Join(dir, "dsB") + ": its features are far outside the training scale of run " + run,
		"were its maps (big.npy) given in other units than the run's training maps (m.npy)"} {
		if code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "non-finite") {
			t.Errorf("clusters on maps ×1e30: exit %d, want 2 and %q:\n%s", code, want, tail(errs, 800))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "big.csv")); !os.IsNotExist(err) {
		t.Errorf("the refusal wrote big.csv (stat: %v)", err)
	}
	if code, _, errs := runCLI(t, "clusters", run, filepath.Join(dir, "dsS"), "-o", filepath.Join(dir, "small.csv"), "--no-plots"); code != 0 {
		t.Errorf("clusters on the training dataset: exit %d\n%s", code, tail(errs, 600))
	}

	// The two refusals of checkTrainingScale on a table of 4 patches × 2 features (training
	// mean 10, std 2): a feature at ≥ farScale standard deviations in half the patches, a single
	// patch beyond float32; farScale itself and a few far patches pass.
	meta := &runMeta{Columns: []datasets.FeatureColumn{{Name: "S1(j1=0)"}, {Name: "S1(j1=1)"}}, Mean: []float64{10, 10}, Std: []float64{2, 2},
		Sources: []string{"/a/train.npy"}}
	table := func(rows ...[2]float64) *datasets.Features {
		f := &datasets.Features{Manifest: &datasets.DatasetManifest{N: len(rows), Dim: 2, Sources: []string{"/b/new.fits"}}}
		for _, r := range rows {
			f.X = append(f.X, r[0], r[1])
		}
		return f
	}
	far := 10 + 2*farScale
	for _, c := range []struct {
		name string
		f    *datasets.Features
		want string // "" = accepted
	}{
		{"at farScale", table([2]float64{far, 10}, [2]float64{far, 10}, [2]float64{far, 11}, [2]float64{far, 9}), ""},
		{"one far patch", table([2]float64{10, 1e30}, [2]float64{11, 10}, [2]float64{9, 12}, [2]float64{10, 10}), ""},
		{"half far", table([2]float64{10, 1e7}, [2]float64{11, 3e7}, [2]float64{9, 12}, [2]float64{10, 10}),
			"1 of the 2 features the run reads lie more than 10000 training standard deviations from the training mean in half the patches or more; the farthest, S1(j1=1), whose training patches had 10 ± 2, has median 1e+07 over the dataset's 4 patches (5e+06 standard deviations away): were its maps (new.fits) given in other units than the run's training maps (train.npy)"},
		{"beyond float32", table([2]float64{10, 10}, [2]float64{11, 10}, [2]float64{9, 1e39}, [2]float64{10, 10}),
			"patch 2 is far outside the training scale of run R: its feature S1(j1=1), whose training patches had 10 ± 2, is 1e+39, which z-scores beyond the float32 range (±3.4e+38) of the model's input"},
	} {
		err := checkTrainingScale("D", "R", c.f, []int{0, 1}, meta)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !isBadInput(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v\nwant %q", c.name, err, c.want)
		}
	}
}

// A model that passes the bound can still need several times it on the pure-Go backend
// (measured: 4.6–6.3 times): train warns when pureGoTrainFactor × the bound exceeds the
// available memory, and trains; not otherwise, nor on other backends.
func TestTrainmem19MemoryWarning(t *testing.T) {
	ds := tinyDataset(t)
	man, err := datasets.ReadManifest(ds)
	if err != nil {
		t.Fatal(err)
	}
	features := 0
	for _, c := range man.Columns {
		if !strings.HasPrefix(c.Name, "C11") { // tinyTrain's --drop '^C11'
			features++
		}
	}
	tr, _ := train.Split(man.N, 0.1, 1)
	cfg := vae.SmallConfig(2, features)
	cfg.Z, cfg.H, cfg.Layers = 4, 32, 1 // tinyTrain
	bound := train.MemoryLowerBound(cfg, min(32, len(tr)))
	dir := t.TempDir()
	for i, c := range []struct {
		avail float64
		warn  bool
	}{{2 * bound, true}, {pureGoTrainFactor*bound + 1, false}} {
		t.Setenv("STKIT_MEM_AVAILABLE", strconv.FormatInt(int64(c.avail), 10))
		args := append([]string{"--backend", "go", "train", ds, "-o", filepath.Join(dir, strconv.Itoa(i)), "--clusters", "2", "--epochs", "1"}, tinyTrain...)
		code, _, errs := runCLI(t, args...)
		want := fmt.Sprintf("train: warning: the model (H=32, Z=4, 1 layers) needs at least %s of memory to train and, on the pure-Go backend, typically 4.5 times that (%s); %s is available: the run may be killed for memory (lower --h or --layers)\n",
			fmtBytes(bound), fmtBytes(pureGoTrainFactor*bound), fmtBytes(float64(int64(c.avail))))
		if code != 0 || strings.Contains(errs, want) != c.warn || strings.Contains(errs, "killed for memory") != c.warn {
			t.Errorf("available %g (bound %g): exit %d, warning %v, want exit 0 and %v:\n%s", c.avail, bound, code, !c.warn, c.warn, tail(errs, 800))
		}
	}
	t.Setenv("STKIT_MEM_AVAILABLE", strconv.FormatInt(int64(2*bound), 10))
	if w := trainMemoryWarning(cfg, 32, len(tr), false); w != "" {
		t.Errorf("another backend: %q", w)
	}
}
