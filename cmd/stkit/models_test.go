package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// runModelsCLI is runCLI (kept as one place to route the learned-models
// commands).
func runModelsCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, args...)
}

var (
	modelsOnce sync.Once
	modelsDir  string // holds ds/, run/, models/, mix.npy, truth.npy
	modelsErr  string
)

// modelsFixture builds (once per test binary) a dataset of 32² patches of two
// easy sources (white noise, smooth GRF), a short two-cluster training run and
// its exported models, all through the command line.
func modelsFixture(t *testing.T) string {
	t.Helper()
	modelsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stkit-models-cli-")
		if err != nil {
			modelsErr = err.Error()
			return
		}
		modelsDir = dir
		write := func(name string, b int, gen func(seed uint64) ([]float64, error)) string {
			m := stlayer.NewMaps(b, 64, 64)
			for i := 0; i < b; i++ {
				x, err := gen(uint64(20 + i))
				if err != nil {
					t.Fatal(err)
				}
				copy(m.Map(i), x)
			}
			p := filepath.Join(dir, name)
			if err := datasets.WriteMaps(p, m); err != nil {
				t.Fatal(err)
			}
			return p
		}
		noise := write("noise.npy", 3, func(s uint64) ([]float64, error) { return datasets.WhiteNoise(64, 64, s) })
		smooth := write("smooth.npy", 3, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(64, 64, -3, s) })
		steps := [][]string{
			{"patches", noise, smooth, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16"},
			// --val-split random: the split the fixture's numbers were measured with
			{"train", filepath.Join(dir, "ds"), "-o", filepath.Join(dir, "run"), "--clusters", "2", "--epochs", "12", "--seed", "3",
				"--z", "4", "--h", "32", "--layers", "1", "--batch", "32", "--lr-final", "0", "--val-split", "random"},
			{"export", filepath.Join(dir, "run"), "-o", filepath.Join(dir, "models"), "--samples", "40", "--latent", "posterior"},
		}
		for _, args := range steps {
			if code, _, errs := runCLI(t, args...); code != 0 {
				modelsErr = strings.Join(args[:1], " ") + ": " + errs
				return
			}
		}
		// A 32² mixture of an unseen noise patch and an unseen smooth patch.
		a, _ := datasets.WhiteNoise(32, 32, 901)
		b, _ := datasets.GaussianRandomField(32, 32, -3, 902)
		d := make([]float64, len(a))
		for i := range d {
			d[i] = a[i] + b[i]
		}
		datasets.WriteMaps(filepath.Join(dir, "mix.npy"), &stlayer.Maps{B: 1, M: 32, N: 32, Data: d})
		datasets.WriteMaps(filepath.Join(dir, "truth.npy"), &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(a, b...)})
	})
	if modelsErr != "" {
		t.Fatalf("models fixture: %s", modelsErr)
	}
	return modelsDir
}

func TestExportSampleSeparateCLI(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	ms, err := infer.LoadModels(models)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Components) != 2 || ms.Manifest.Latent != "posterior" || !ms.Manifest.Residual || ms.Manifest.SamplesPerComponent != 40 {
		t.Fatalf("manifest: %d components, latent %q, residual %v, %d samples", len(ms.Components), ms.Manifest.Latent, ms.Manifest.Residual, ms.Manifest.SamplesPerComponent)
	}
	// Component order is the training's; find which one holds the noise patches
	// (the dataset's first source).
	man, _ := datasets.ReadManifest(filepath.Join(dir, "ds"))
	var idx []struct{ Source int }
	b, _ := os.ReadFile(filepath.Join(dir, "ds", "index.json"))
	json.Unmarshal(b, &idx)
	noiseK := 0
	if n := len(ms.Components[1].PatchIndex); n > 0 && idx[ms.Components[1].PatchIndex[0]].Source == 0 {
		noiseK = 1
	}
	if man.N != len(ms.Components[0].PatchIndex)+len(ms.Components[1].PatchIndex) {
		t.Errorf("patch indices do not cover the dataset")
	}

	work := t.TempDir()
	out := filepath.Join(work, "s.npy")
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "sample", models, "--component", "1", "-n", "2", "-o", out, "--steps", "15", "--report", rep, "--log-every", "5")
	if code != 0 {
		t.Fatalf("sample: exit %d\n%s", code, errs)
	}
	m, err := datasets.ReadMaps(out)
	if err != nil || m.B != 2 || m.M != 32 {
		t.Fatalf("sample output: %v %+v", err, m)
	}
	for _, f := range []string{"maps.png", "power_spectrum.png", "histogram.png", "minkowski.png", "loss.png", "metrics.json"} {
		if st, err := os.Stat(filepath.Join(rep, f)); err != nil || st.Size() == 0 {
			t.Errorf("sample report lacks %s", f)
		}
	}
	// sample --help lists exactly the files of the report (it left out
	// loss.png).
	var written []string
	ents, _ := os.ReadDir(rep)
	for _, e := range ents {
		written = append(written, e.Name())
	}
	_, help, _ := runCLI(t, "sample", "--help")
	para := help[strings.Index(help, "--report DIR"):]
	para = para[:strings.Index(para, "\n\n")]
	listed := regexp.MustCompile(`[a-z_]+\.(?:png|json)`).FindAllString(para, -1)
	sort.Strings(listed)
	if strings.Join(listed, " ") != strings.Join(written, " ") {
		t.Errorf("sample --help lists the report files %v, the report holds %v", listed, written)
	}
	if !strings.Contains(errs, "sampling noise of 2 real patches") {
		t.Errorf("sample report: no sampling-noise yardstick in\n%s", errs)
	}
	// Larger maps: tiles of the patch size.
	code, _, errs = runCLI(t, "sample", models, "--component", "0", "-o", filepath.Join(work, "big.npy"), "--size", "48", "--steps", "5", "--log-every", "5")
	if code != 0 || !strings.Contains(errs, "4 tile(s) per map") {
		t.Fatalf("sample --size 48: exit %d\n%s", code, errs)
	}

	sep := filepath.Join(work, "sep.npy")
	srep := filepath.Join(work, "srep")
	comps := []string{"0", "1"}
	if noiseK == 1 {
		comps = []string{"1", "0"}
	}
	code, _, errs = runModelsCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", strings.Join(comps, ","),
		"-o", sep, "--steps", "10,30", "--report", srep, "--truth", filepath.Join(dir, "truth.npy"), "--log-every", "10")
	if code != 0 {
		t.Fatalf("separate --models: exit %d\n%s", code, errs)
	}
	const bigNote = "models trained on patches as large as the map separate better"
	if strings.Contains(errs, bigNote) {
		t.Errorf("a map of the patch size got the note for larger maps:\n%s", errs)
	}
	s, err := datasets.ReadMaps(sep)
	if err != nil || s.B != 2 {
		t.Fatalf("separation output: %v", err)
	}
	d, _ := datasets.ReadMaps(filepath.Join(dir, "mix.npy"))
	for i := range d.Data {
		if diff := s.Data[i] + s.Data[1024+i] - d.Data[i]; diff*diff > 1e-20 {
			t.Fatalf("components do not sum to the data at pixel %d", i)
		}
	}
	var rp infer.ModelSepReport
	b, _ = os.ReadFile(filepath.Join(srep, "metrics.json"))
	if err := json.Unmarshal(b, &rp); err != nil || len(rp.Metrics) != 2 {
		t.Fatalf("separation metrics: %v", err)
	}
	// White noise against a k^−3 field: each holds the scales it dominates.
	for _, mc := range rp.Metrics {
		if mc.DominantBins == 0 || mc.RMinDominant < 0.5 {
			t.Errorf("%s: min r over %d dominant bins %.3f", mc.Name, mc.DominantBins, mc.RMinDominant)
		}
	}
	for _, f := range []string{"maps.png", "power_spectrum.png", "r.png"} {
		if st, err := os.Stat(filepath.Join(srep, f)); err != nil || st.Size() == 0 {
			t.Errorf("separation report lacks %s", f)
		}
	}
	// --start: from the true components the separation ends closer to them
	// than from the Wiener start (without the Gaussian prior, whose minimum is
	// the Wiener split whatever the start).
	sepT := filepath.Join(work, "sep_truth.npy")
	code, _, errs = runModelsCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", strings.Join(comps, ","),
		"-o", sepT, "--steps", "10,30", "--start", filepath.Join(dir, "truth.npy"), "--log-every", "10", "--gauss-prior", "0",
		"--truth", filepath.Join(dir, "truth.npy"))
	if code != 0 {
		t.Fatalf("separate --models --start: exit %d\n%s", code, errs)
	}
	// --truth without --report: the figures are printed all the same.
	if strings.Count(errs, "where it holds ≥ 30 % of the power") != 2 {
		t.Errorf("--truth without --report: want the two components' figures\n%s", errs)
	}
	tr, _ := datasets.ReadMaps(filepath.Join(dir, "truth.npy"))
	st, _ := datasets.ReadMaps(sepT)
	var eW, eT float64
	for i, v := range tr.Data {
		eW += (s.Data[i] - v) * (s.Data[i] - v)
		eT += (st.Data[i] - v) * (st.Data[i] - v)
	}
	if !(eT < 0.5*eW) {
		t.Errorf("squared error from the truth start %.4g, from the Wiener start %.4g", eT, eW)
	}
	// noise:SIGMA components.
	code, _, errs = runModelsCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", comps[1]+",noise:1",
		"-o", filepath.Join(work, "sepn.npy"), "--steps", "0,5", "--log-every", "10")
	if code != 0 {
		t.Fatalf("separate with a noise component: exit %d\n%s", code, errs)
	}
	// A map twice the patch size is constrained tile by tile, with a note.
	big, _ := datasets.WhiteNoise(64, 64, 903)
	bigPath := filepath.Join(work, "big_mix.npy")
	if err := datasets.WriteMaps(bigPath, &stlayer.Maps{B: 1, M: 64, N: 64, Data: big}); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runModelsCLI(t, "separate", bigPath, "--models", models, "--components", strings.Join(comps, ","),
		"-o", filepath.Join(work, "sep_big.npy"), "--steps", "0,3", "--log-every", "10")
	if code != 0 || !strings.Contains(errs, "separate: note: the map is 64×64 and the models describe 32² patches") || !strings.Contains(errs, bigNote) {
		t.Errorf("separate on a 64² map with 32² models: exit %d, want the note on patch size\n%s", code, errs)
	}
}

func TestModelsCLIBadInput(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	work := t.TempDir()
	mix := filepath.Join(dir, "mix.npy")
	big := writeTestMap(t, work, "big.npy", 1)
	small := filepath.Join(work, "small.npy")
	datasets.WriteMaps(small, stlayer.NewMaps(1, 16, 16))
	// a model folder with another format version
	bad := filepath.Join(work, "badmodels")
	os.MkdirAll(bad, 0o755)
	mb, _ := os.ReadFile(filepath.Join(models, "manifest.json"))
	os.WriteFile(filepath.Join(bad, "manifest.json"), []byte(strings.Replace(string(mb), `"version": 1`, `"version": 7`, 1)), 0o644)
	o := filepath.Join(work, "o.npy")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"export no args", []string{"export"}, "needs one RUN"},
		{"export missing run", []string{"export", filepath.Join(work, "nope"), "-o", filepath.Join(work, "m")}, "not a folder"},
		{"export not a run", []string{"export", work, "-o", filepath.Join(work, "m")}, "no checkpoint"},
		{"export bad latent", []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "m"), "--latent", "x"}, "--latent"},
		{"export bad calibration", []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "m"), "--calibrate", "x"}, "--calibrate"},
		{"export recenter vs calibrate", []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "m"), "--recenter", "--calibrate", "moments"}, "contradicts"},
		{"export bad dataset", []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "m"), "--dataset", work}, "not a patch dataset"},
		{"sample no component", []string{"sample", models, "-o", o}, "--component"},
		{"sample bad component", []string{"sample", models, "--component", "5", "-o", o}, "does not exist"},
		{"sample bad version", []string{"sample", bad, "--component", "0", "-o", o}, "version 7"},
		{"sample not models", []string{"sample", work, "--component", "0", "-o", o}, "not a model folder"},
		{"sample small size", []string{"sample", models, "--component", "0", "--size", "16", "-o", o}, "smaller than"},
		{"sample bad draw", []string{"sample", models, "--component", "0", "--draw", "x", "-o", o}, "--draw"},
		{"sample no outdir", []string{"sample", models, "--component", "0", "-o", filepath.Join(work, "no", "o.npy")}, "does not exist"},
		{"separate one component", []string{"separate", mix, "--models", models, "--components", "0", "-o", o}, "2 or 3"},
		{"separate bad component", []string{"separate", mix, "--models", models, "--components", "0,9", "-o", o}, "does not exist"},
		{"separate bad noise", []string{"separate", mix, "--models", models, "--components", "0,noise:-1", "-o", o}, "noise:SIGMA"},
		{"separate bad version", []string{"separate", mix, "--models", bad, "--components", "0,1", "-o", o}, "version 7"},
		{"separate small data", []string{"separate", small, "--models", models, "--components", "0,1", "-o", o}, "smaller than"},
		{"separate bad truth", []string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--truth", big}, "--truth"},
		{"separate bad steps", []string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--steps", "5"}, "--steps"},
		{"separate bad positive", []string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--positive", "4"}, "--positive"},
		{"separate start and init", []string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--start", filepath.Join(dir, "truth.npy"), "--init", "equal"}, "--start and --init"},
		{"separate bad start", []string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--start", big}, "--start"},
		{"separate missing data", []string{"separate", filepath.Join(work, "nope.npy"), "--models", models, "--components", "0,1", "-o", o}, "nope.npy"},
	}
	// separate --models --help prints the learned-models usage.
	if code, out, _ := runModelsCLI(t, "separate", "--models", models, "--help"); code != 0 || !strings.Contains(out, "--components") {
		t.Errorf("separate --models --help: exit %d\n%s", code, out)
	}
	for _, c := range cases {
		code, _, errs := runModelsCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d (want 2), stderr lacks %q:\n%s", c.name, code, c.want, errs)
		}
	}
}

// A run trained on a subset of the features (train --drop) exports complete
// models: the decoded features come from the VAE, the others from the
// cluster's own patches, and sample works on them.
func TestExportFeatureSubsetRun(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	run := filepath.Join(work, "run")
	if code, _, errs := runCLI(t, "train", filepath.Join(dir, "ds"), "-o", run, "--clusters", "2", "--epochs", "4", "--seed", "3",
		"--z", "4", "--h", "32", "--layers", "1", "--batch", "32", "--lr-final", "0", "--drop", "^C11"); code != 0 {
		t.Fatalf("train --drop: %s", errs)
	}
	models := filepath.Join(work, "models")
	if code, _, errs := runCLI(t, "export", run, "-o", models, "--samples", "20"); code != 0 {
		t.Fatalf("export of a feature-subset run: %s", errs)
	}
	b, err := os.ReadFile(filepath.Join(models, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Features struct {
			Dim     int   `json:"dim"`
			Decoded []int `json:"decoded"`
		} `json:"features"`
		Calibration string `json:"calibration"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.Calibration != "moments" {
		t.Errorf("manifest calibration %q, want the default moments", man.Calibration)
	}
	if len(man.Features.Decoded) == 0 || len(man.Features.Decoded) >= man.Features.Dim {
		t.Fatalf("manifest: %d decoded of %d features", len(man.Features.Decoded), man.Features.Dim)
	}
	out := filepath.Join(work, "s.npy")
	if code, _, errs := runCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "5", "-o", out); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
}

// sample's FITS output had the structural cards only; it now has HISTORY
// cards saying what the maps are and the settings that made them.
func TestSampleFITSHistory(t *testing.T) {
	dir := modelsFixture(t)
	out := filepath.Join(t.TempDir(), "s.fits")
	if code, _, errs := runCLI(t, "sample", filepath.Join(dir, "models"), "--component", "0", "-n", "2", "--steps", "2", "--seed", "5", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	for _, c := range a.Header {
		if c.Key == "HISTORY" {
			h = append(h, c.Comment)
		}
	}
	for _, w := range []string{"stkit sample: 2 maps of 32x32 synthesised to match statistics (scov J=3 L=4 iso synthesis",
		"on 32x32 patches) drawn from component 0 of the model folder models (--draw decoded, --init grf, --steps 2, --seed 5)"} {
		if !strings.Contains(strings.Join(h, " "), w) {
			t.Errorf("HISTORY lacks %q: %q", w, h)
		}
	}
}

// sample's report line said "sampling noise of 1 real patches" when the cluster's null
// comparison used one patch (a one-tile sample); it uses plural now.
func TestSampleNullPatchesPlural(t *testing.T) {
	for n, want := range map[int]string{1: "1 real patch", 2: "2 real patches"} {
		if got := plural(n, "real patch"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
