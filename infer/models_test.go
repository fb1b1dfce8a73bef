package infer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/stkit-org/stkit/internal/testutil"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// tinyProcess returns one 32×32 map of the test processes: 0 is a Gaussian
// random field (P ∝ k^−2, std 1, mean 0), 1 a filamentary field (8 arcs of
// width 0.8 pixel; std 1, mean 0): their spectra overlap, their
// non-Gaussianity differs.
func tinyProcess(t testing.TB, proc int, seed uint64) []float64 {
	t.Helper()
	const s = 32
	var x []float64
	var err error
	if proc == 0 {
		x, err = datasets.GaussianRandomField(s, s, tinySlope, seed)
	} else {
		x, err = datasets.Filamentary(s, s, tinyCount, tinyWidth, seed)
	}
	if err != nil {
		t.Fatal(err)
	}
	mu, sd, _, _ := Moments(x)
	want := [2][2]float64{{0, 1}, {0, 1}}[proc]
	for i := range x {
		x[i] = want[0] + (x[i]-mu)/sd*want[1]
	}
	return x
}

var (
	tinySlope = -2.0
	tinyCount = 8
	tinyWidth = 0.8
)

// tinyRunFixture is a trained two-cluster run on 32² maps of the two test
// processes: dataset folder, run folder, the process of every patch.
type tinyRunFixture struct {
	dataset, run string
	truth        []int
	features     *datasets.Features
}

var (
	tinyOnce sync.Once
	tinyFix  *tinyRunFixture
	tinyErr  error
)

// TestMain removes the shared tiny run (built once per test binary) when the
// tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if tinyRoot != "" {
		os.RemoveAll(tinyRoot)
	}
	os.Exit(code)
}

var tinyRoot string

// tinyRun builds (once per test binary) the dataset and the training run.
func tinyRun(t testing.TB) *tinyRunFixture {
	t.Helper()
	tinyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stkit-models-test-")
		if err != nil {
			tinyErr = err
			return
		}
		tinyRoot = dir
		tinyFix, tinyErr = buildTinyRun(t, dir)
	})
	if tinyErr != nil {
		t.Fatalf("tiny run: %v", tinyErr)
	}
	return tinyFix
}

func buildTinyRun(t testing.TB, dir string) (*tinyRunFixture, error) {
	const s, per = 32, 48
	var srcs []datasets.Source
	var truth []int
	for proc := 0; proc < 2; proc++ {
		var maps [][]float64
		for i := 0; i < per; i++ {
			maps = append(maps, tinyProcess(t, proc, uint64(1000*proc+i+1)))
			truth = append(truth, proc)
		}
		m, err := datasets.StackMaps(s, s, maps...)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, datasets.Source{Name: []string{"grf", "filaments"}[proc], Maps: m})
	}
	cfg := datasets.PatchConfig{Size: s, Stride: s}
	ps, err := datasets.CutPatches(srcs, cfg)
	if err != nil {
		return nil, err
	}
	spec := stats.Spec{Kind: stats.SCov, Synthesis: true, Iso: true}
	dsDir := filepath.Join(dir, "dataset")
	f, err := datasets.BuildFeatures(dsDir, ps, cfg, spec, cpu.New(), 64, nil)
	if err != nil {
		return nil, err
	}
	b, _, err := backend.Default()
	if err != nil {
		return nil, err
	}
	vc := vae.SmallConfig(2, f.Manifest.Dim)
	model, err := vae.New(b, vc, 3)
	if err != nil {
		return nil, err
	}
	runDir := filepath.Join(dir, "run")
	mgr, err := checkpoints.Open(runDir, 2)
	if err != nil {
		return nil, err
	}
	data := train.Data{X: f.Normalised(), N: f.Manifest.N, D: f.Manifest.Dim}
	meta := map[string]any{"dataset": dsDir, "dataset_fingerprint": f.Manifest.Fingerprint, "spec": f.Manifest.Spec,
		"feature_mean": f.Mean, "feature_std": f.Std}
	_, err = train.Run(model, data, train.Options{Epochs: 40, BatchSize: 32, Seed: 5, ValFraction: -1,
		Checkpoints: mgr, Metadata: meta, Config: map[string]any{"spec": f.Manifest.Spec}})
	if err != nil {
		return nil, err
	}
	return &tinyRunFixture{dataset: dsDir, run: runDir, truth: truth, features: f}, nil
}

func TestExportLoadRoundTrip(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	ms, err := ExportModels(fx.run, "", dir, ExportOptions{Samples: 64, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	man := ms.Manifest
	if man.Version != ModelFormatVersion || man.Format != ModelFormatName || len(ms.Components) != 2 || man.PatchSize != 32 {
		t.Fatalf("manifest %+v", man)
	}
	if !man.Source.DataFingerprintMatch {
		t.Errorf("the run trained on the dataset's z-scored features, but the fingerprints differ")
	}
	// Weights: fractions of the dataset's patches, summing to 1, matching the counts.
	sum := 0.0
	for _, c := range man.Clusters {
		sum += c.Weight
		if c.Count != len(ms.Components[c.K].PatchIndex) || math.Abs(c.Weight-float64(c.Count)/float64(fx.features.Manifest.N)) > 1e-12 {
			t.Errorf("cluster %d: weight %g, count %d, %d indices", c.K, c.Weight, c.Count, len(ms.Components[c.K].PatchIndex))
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %g", sum)
	}
	acc, _, _, err := train.BestMatchAccuracy(fx.truth, assignments(ms, fx.features.Manifest.N), 2)
	if err != nil || acc < 0.95 {
		t.Errorf("cluster accuracy %g (%v): the fixture's processes should be separated", acc, err)
	}
	// Labels: the statistic's own label table.
	op, _ := ms.Op()
	lab := op.Labels()
	if man.NCoeffs != lab.Len() || strings.Join(man.Labels.Class, ",") != strings.Join(lab.Class, ",") {
		t.Errorf("labels: %d coefficients vs %d", man.NCoeffs, lab.Len())
	}

	got, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(ms.Manifest)
	b, _ := json.Marshal(got.Manifest)
	if string(a) != string(b) {
		t.Errorf("manifest differs after the round trip:\n%s\n%s", a, b)
	}
	for k, c := range ms.Components {
		g := got.Components[k]
		for name, pair := range map[string][2][]float64{
			"mean": {c.Mean, g.Mean}, "std": {c.Std, g.Std}, "cov": {c.Cov, g.Cov}, "samples": {c.Samples, g.Samples},
			"data_mean": {c.DataMean, g.DataMean}, "data_std": {c.DataStd, g.DataStd}, "ps": {c.PS, g.PS}, "ps_k": {c.PSK, g.PSK},
			"pixel_moments": {c.PixelMoments[:], g.PixelMoments[:]}, "coeff_std": {c.CoeffStd, g.CoeffStd},
		} {
			if len(pair[0]) != len(pair[1]) || len(pair[0]) == 0 {
				t.Errorf("component %d %s: %d vs %d values", k, name, len(pair[0]), len(pair[1]))
				continue
			}
			for i := range pair[0] {
				if pair[0][i] != pair[1][i] {
					t.Errorf("component %d %s[%d]: %g vs %g", k, name, i, pair[0][i], pair[1][i])
					break
				}
			}
		}
		for i := range c.Latents {
			if float64(float32(c.Latents[i])) != g.Latents[i] {
				t.Fatalf("component %d latents[%d]: %g vs %g", k, i, c.Latents[i], g.Latents[i])
			}
		}
		if len(c.PatchIndex) != len(g.PatchIndex) {
			t.Errorf("patch_index: %d vs %d", len(c.PatchIndex), len(g.PatchIndex))
		}
		for i := range c.CoeffMean {
			if c.CoeffMean[i] != g.CoeffMean[i] {
				t.Fatalf("coeff_mean[%d]: %v vs %v", i, c.CoeffMean[i], g.CoeffMean[i])
			}
		}
	}

	// The archives are plain numpy: an independent reader (npyio) sees the members.
	f, err := npz.Open(filepath.Join(dir, "component_1.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var mean []float64
	if err := f.Read("mean.npy", &mean); err != nil {
		t.Fatal(err)
	}
	for i, v := range mean {
		if v != ms.Components[1].Mean[i] {
			t.Fatalf("npyio mean[%d] = %g, want %g", i, v, ms.Components[1].Mean[i])
		}
	}
	var cm []complex128
	if err := f.Read("coeff_mean.npy", &cm); err != nil || len(cm) != man.NCoeffs {
		t.Fatalf("npyio coeff_mean: %v (%d values)", err, len(cm))
	}
}

// assignments returns the cluster of every dataset row from the models'
// patch_index lists.
func assignments(ms *ModelSet, n int) []int {
	out := make([]int, n)
	for k, c := range ms.Components {
		for _, i := range c.PatchIndex {
			out[i] = k
		}
	}
	return out
}

func TestExportUnnormalisesDecodedStatistics(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	const S = 40
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: S, Seed: 11, Covariance: "yes", NoResidual: true, Latent: LatentPrior, Calibrate: CalibrateNone})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := fx.features
	d := f.Manifest.Dim
	for k, c := range ms.Components {
		// Without residual noise, the stored samples are the decoder's z-scored
		// outputs mapped back with the dataset's feature mean and std (the run's
		// z-scoring), for the same latents.
		xs, zs, err := tr.Model.SamplePrior(k, S, 11+uint64(k))
		if err != nil {
			t.Fatal(err)
		}
		for i := range zs {
			if float64(zs[i]) != c.Latents[i] {
				t.Fatalf("component %d: latent %d differs", k, i)
			}
		}
		for i, v := range xs {
			j := i % d
			want := float64(v)*f.Std[j] + f.Mean[j]
			if math.Abs(c.Samples[i]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("component %d sample value %d: %g, want %g", k, i, c.Samples[i], want)
			}
		}
		// mean, std, covariance of the samples (ddof 1), computed independently.
		for j := 0; j < d; j++ {
			m, v := 0.0, 0.0
			for s := 0; s < S; s++ {
				m += c.Samples[s*d+j] / S
			}
			for s := 0; s < S; s++ {
				v += (c.Samples[s*d+j] - m) * (c.Samples[s*d+j] - m) / (S - 1)
			}
			if math.Abs(c.Mean[j]-m) > 1e-9*math.Max(1, math.Abs(m)) || math.Abs(c.Std[j]-math.Sqrt(v)) > 1e-9*math.Max(1e-3, math.Sqrt(v)) {
				t.Fatalf("component %d feature %d: mean %g std %g, want %g %g", k, j, c.Mean[j], c.Std[j], m, math.Sqrt(v))
			}
			if math.Abs(c.Cov[j*d+j]-v) > 1e-9*math.Max(1e-6, v) {
				t.Fatalf("component %d: cov[%d,%d] = %g, want the variance %g", k, j, j, c.Cov[j*d+j], v)
			}
		}
		for _, pair := range [][2]int{{1, 2}, {5, 40}, {0, d - 1}} {
			a, b := pair[0], pair[1]
			cv := 0.0
			for s := 0; s < S; s++ {
				cv += (c.Samples[s*d+a] - c.Mean[a]) * (c.Samples[s*d+b] - c.Mean[b]) / (S - 1)
			}
			if math.Abs(c.Cov[a*d+b]-cv) > 1e-9*math.Max(1e-6, math.Abs(cv)) || c.Cov[a*d+b] != c.Cov[b*d+a] {
				t.Fatalf("component %d: cov[%d,%d] = %g (sym %g), want %g", k, a, b, c.Cov[a*d+b], c.Cov[b*d+a], cv)
			}
		}
		// The un-normalised model describes its cluster's raw features: log P00 of
		// the decoded mean is closer to the cluster's data than to the other cluster's.
		other := ms.Components[1-k]
		near, far := 0.0, 0.0
		for j := 0; j < d; j++ {
			near += math.Abs(c.Mean[j]-c.DataMean[j]) / f.Std[j]
			far += math.Abs(c.Mean[j]-other.DataMean[j]) / f.Std[j]
		}
		if !(near < 0.5*far) {
			t.Errorf("component %d: distance to its data %g, to the other cluster's %g", k, near/float64(d), far/float64(d))
		}
	}
}

func TestExportResidualNoiseAndPosteriorLaw(t *testing.T) {
	fx := tinyRun(t)
	const S = 400
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := fx.features
	d := f.Manifest.Dim
	plain, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: S, Seed: 5, NoResidual: true, Latent: LatentPrior, Calibrate: CalibrateNone})
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: S, Seed: 5, Latent: LatentPrior, Calibrate: CalibrateNone})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Manifest.Residual || !noisy.Manifest.Residual || noisy.Manifest.Latent != LatentPrior {
		t.Fatalf("manifest flags: residual %v/%v, latent %q", plain.Manifest.Residual, noisy.Manifest.Residual, noisy.Manifest.Latent)
	}
	xn := f.Normalised()
	for k := range noisy.Components {
		c, c0 := noisy.Components[k], plain.Components[k]
		// residual_std: the std (ddof 1, about its mean: the decoder's bias is
		// not noise) of x − decoder(μ_q(x)) over the cluster's patches, un-normalised.
		rows := c.PatchIndex
		sel := make([]float32, 0, len(rows)*d)
		for _, i := range rows {
			sel = append(sel, xn[i*d:(i+1)*d]...)
		}
		mu, _ := tr.Model.Encode(sel)
		rec, _ := tr.Model.Decode(mu)
		for _, j := range []int{0, 1, d / 2, d - 1} {
			r, mr := 0.0, 0.0
			for i := range rows {
				mr += float64(sel[i*d+j]-rec[i*d+j]) / float64(len(rows))
			}
			for i := range rows {
				e := float64(sel[i*d+j]-rec[i*d+j]) - mr
				r += e * e / float64(len(rows)-1)
			}
			want := math.Sqrt(r) * f.Std[j]
			if math.Abs(c.ResidualStd[j]-want) > 1e-9*math.Max(want, 1e-12) {
				t.Errorf("component %d feature %d: residual std %g, want %g", k, j, c.ResidualStd[j], want)
			}
		}
		// The noisy samples are the plain ones (same latents) plus N(0, r²) noise:
		// the standardised difference has mean ≈ 0 and std ≈ 1.
		m, v, n := 0.0, 0.0, 0
		for i := 0; i < S*d; i++ {
			r := c.ResidualStd[i%d]
			if r == 0 {
				continue
			}
			e := (c.Samples[i] - c0.Samples[i]) / r
			m += e
			v += e * e
			n++
		}
		m /= float64(n)
		v = v/float64(n) - m*m
		if n < S*d/2 || math.Abs(m) > 0.02 || math.Abs(v-1) > 0.03 {
			t.Errorf("component %d: standardised residual noise mean %.4f variance %.4f over %d values", k, m, v, n)
		}
	}
	// Posterior law: latents drawn from the Gaussian fitted to the encoder means of
	// the cluster, so their mean is the encoded mean.
	post, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: S, Seed: 5, Latent: LatentPosterior, Calibrate: CalibrateNone})
	if err != nil {
		t.Fatal(err)
	}
	Z := tr.Model.Cfg.Z
	for k, c := range post.Components {
		rows := c.PatchIndex
		sel := make([]float32, 0, len(rows)*d)
		for _, i := range rows {
			sel = append(sel, xn[i*d:(i+1)*d]...)
		}
		mu, _ := tr.Model.Encode(sel)
		for j := 0; j < Z; j++ {
			em, es, lm := 0.0, 0.0, 0.0
			for i := range rows {
				em += float64(mu[i*Z+j]) / float64(len(rows))
			}
			for i := range rows {
				es += math.Pow(float64(mu[i*Z+j])-em, 2) / float64(len(rows)-1)
			}
			for i := 0; i < S; i++ {
				lm += c.Latents[i*Z+j] / S
			}
			if math.Abs(lm-em) > 4*math.Sqrt(es/S)+1e-3 {
				t.Errorf("component %d latent %d: sample mean %.4f, encoded mean %.4f (std %.4f)", k, j, lm, em, math.Sqrt(es))
			}
		}
		// A well-calibrated model: the cluster's own patches are typical under it.
		if tc := c.TypicalChi2(false); !(tc > 0.2 && tc < 5) {
			t.Errorf("component %d: median χ² of its patches under the posterior model %.3f", k, tc)
		}
	}
	// Recentring puts the model mean on the cluster's data mean, spread unchanged.
	rc, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: S, Seed: 5, Latent: LatentPosterior, Recenter: true})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range rc.Components {
		for j := 0; j < d; j++ {
			if math.Abs(c.Mean[j]-c.DataMean[j]) > 1e-9*math.Max(1, math.Abs(c.DataMean[j])) || math.Abs(c.Std[j]-post.Components[k].Std[j]) > 1e-9*math.Max(1, c.Std[j]) {
				t.Fatalf("recentred component %d feature %d: mean %g (data %g), std %g (plain %g)", k, j, c.Mean[j], c.DataMean[j], c.Std[j], post.Components[k].Std[j])
			}
		}
	}
	if rc.Manifest.Calibration != CalibrateMean || !rc.Manifest.Recentred {
		t.Errorf("recentred manifest: calibration %q, recentred %v", rc.Manifest.Calibration, rc.Manifest.Recentred)
	}
	// Moment calibration: mean and std of every decoded feature are the
	// cluster's data mean and std; the correlations of the samples are kept.
	mc, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: S, Seed: 5, Latent: LatentPosterior, Calibrate: CalibrateMoments})
	if err != nil {
		t.Fatal(err)
	}
	if mc.Manifest.Calibration != CalibrateMoments {
		t.Errorf("manifest calibration %q", mc.Manifest.Calibration)
	}
	corr := func(c *ComponentModel, a, b int) float64 {
		return c.Cov[a*d+b] / (c.Std[a] * c.Std[b])
	}
	for k, c := range mc.Components {
		for j := 0; j < d; j++ {
			if math.Abs(c.Mean[j]-c.DataMean[j]) > 1e-9*math.Max(1, math.Abs(c.DataMean[j])) || math.Abs(c.Std[j]-c.DataStd[j]) > 1e-9*math.Max(1e-12, c.DataStd[j]) {
				t.Fatalf("moment-calibrated component %d feature %d: mean %g (data %g), std %g (data %g)", k, j, c.Mean[j], c.DataMean[j], c.Std[j], c.DataStd[j])
			}
		}
		p := post.Components[k]
		for _, ab := range [][2]int{{0, 1}, {1, d / 2}, {2, d - 1}} {
			if p.Std[ab[0]] == 0 || p.Std[ab[1]] == 0 {
				continue
			}
			if got, want := corr(c, ab[0], ab[1]), corr(p, ab[0], ab[1]); math.Abs(got-want) > 1e-9 {
				t.Errorf("component %d: correlation of features %v %.6f after calibration, %.6f before", k, ab, got, want)
			}
		}
	}
	if _, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Latent: "other"}); !errors.Is(err, ErrModelInput) {
		t.Errorf("unknown latent law: %v", err)
	}
	if _, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Calibrate: "other"}); !errors.Is(err, ErrModelInput) {
		t.Errorf("unknown calibration: %v", err)
	}
}

// TestCalibrateSamplesDecodedOnly checks calibrateSamples on a small matrix:
// only the decoded columns move; their mean and std become the data's.
func TestCalibrateSamplesDecodedOnly(t *testing.T) {
	samples := []float64{1, 10, 100, 3, 20, 100, 5, 30, 100, 7, 40, 100} // 4 × 3
	data := []float64{0, 0, 7, 2, 0, 9, 4, 0, 8}                         // 3 × 3
	orig := append([]float64(nil), samples...)
	calibrateSamples(samples, 4, 3, data, 3, []int{0}, true)
	for i := 0; i < 4; i++ {
		// column 0: data mean 2, data std 2; samples mean 4, std sqrt(20/3)
		want := 2 + (orig[i*3]-4)*2/math.Sqrt(20.0/3)
		if math.Abs(samples[i*3]-want) > 1e-12 {
			t.Errorf("row %d column 0: %g, want %g", i, samples[i*3], want)
		}
		if samples[i*3+1] != orig[i*3+1] || samples[i*3+2] != orig[i*3+2] {
			t.Errorf("row %d: a column that is not decoded moved: %v", i, samples[i*3:i*3+3])
		}
	}
	// mean only, all columns; a constant column (std 0) is shifted only.
	samples = append([]float64(nil), orig...)
	calibrateSamples(samples, 4, 3, data, 3, nil, false)
	for i := 0; i < 4; i++ {
		if w := orig[i*3+1] - 25; math.Abs(samples[i*3+1]-w) > 1e-12 {
			t.Errorf("row %d column 1: %g, want %g", i, samples[i*3+1], w)
		}
		if samples[i*3+2] != 8 {
			t.Errorf("row %d column 2: %g, want 8", i, samples[i*3+2])
		}
	}
}

// TestPSNullCompare: the sampling noise of a mean spectrum over n maps of
// white noise shrinks like 1/√n; for maps whose power varies by a factor e
// (log-normal amplitudes, std of log P = 1) it is far larger.
func TestPSNullCompare(t *testing.T) {
	const p, B = 32, 120
	rng := rand.New(rand.NewPCG(3, 4))
	white := stlayer.NewMaps(B, p, p)
	logn := stlayer.NewMaps(B, p, p)
	for b := 0; b < B; b++ {
		a := math.Exp(0.5 * rng.NormFloat64()) // std of log P = 1
		for i := 0; i < p*p; i++ {
			v := rng.NormFloat64()
			white.Map(b)[i] = v
			logn.Map(b)[i] = a * v
		}
	}
	w4, ok := PSNullCompare(white, 4, 100, 1)
	if !ok {
		t.Fatal("PSNullCompare refused 4 of 120 maps")
	}
	w36, _ := PSNullCompare(white, 36, 100, 1)
	l36, _ := PSNullCompare(logn, 36, 100, 1)
	t.Logf("white n=4 %+v\nwhite n=36 %+v\nlog-normal n=36 %+v", w4, w36, l36)
	if w36.ArithMedian >= w4.ArithMedian/2 || w36.GeoMedian >= w4.GeoMedian/2 {
		t.Errorf("white noise: median max |ratio−1| %.3f (n=4) → %.3f (n=36), want about a third", w4.ArithMedian, w36.ArithMedian)
	}
	if w36.ArithP90 < w36.ArithMedian || w36.GeoP90 < w36.GeoMedian {
		t.Errorf("p90 below the median: %+v", w36)
	}
	for i, s := range l36.LogStd {
		if s < 0.8 || s > 1.3 {
			t.Errorf("log-normal maps: std of log P in bin %d = %.3f, want ≈ 1", i, s)
		}
	}
	if l36.GeoMedian < 2*w36.GeoMedian {
		t.Errorf("log-normal amplitudes: geometric null %.3f, white %.3f", l36.GeoMedian, w36.GeoMedian)
	}
	if _, ok := PSNullCompare(white, B-1, 10, 1); ok {
		t.Error("PSNullCompare accepted n = B − 1")
	}
}

func TestLoadModelsRejectsOtherVersions(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ModelManifestFile)
	orig, _ := os.ReadFile(path)
	edit := func(key string, v any) {
		var m map[string]any
		if err := json.Unmarshal(orig, &m); err != nil {
			t.Fatal(err)
		}
		m[key] = v
		b, _ := json.Marshal(m)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("version", 2)
	_, err := LoadModels(dir)
	if !errors.Is(err, ErrModelVersion) || !strings.Contains(err.Error(), "version 2") || !strings.Contains(err.Error(), "reads version 1") {
		t.Errorf("version 2: got %v", err)
	}
	edit("format", "something-else")
	if _, err := LoadModels(dir); !errors.Is(err, ErrModelVersion) {
		t.Errorf("other format: got %v", err)
	}
	edit("patch_size", 4)
	if _, err := LoadModels(dir); err == nil || errors.Is(err, ErrModelVersion) {
		t.Errorf("bad patch size: got %v", err)
	}
	os.WriteFile(path, orig, 0o644)
	if _, err := LoadModels(dir); err != nil {
		t.Fatalf("restored manifest: %v", err)
	}
	// A truncated manifest says so.
	os.WriteFile(path, orig[:len(orig)/2], 0o644)
	if _, err := LoadModels(dir); err == nil || !strings.Contains(err.Error(), "truncated or damaged") {
		t.Errorf("truncated manifest: got %v", err)
	}
	os.WriteFile(path, orig, 0o644)
	// A component file that is a folder cannot be written over: refused
	// before anything is written.
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	c1 := filepath.Join(dir, "component_1.npz")
	c1b, _ := os.ReadFile(c1)
	os.Remove(c1)
	if err := os.MkdirAll(filepath.Join(c1, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ms.Write(dir); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("Write over a directory named component_1.npz: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(orig) {
		t.Error("the refused Write changed the manifest")
	}
	os.RemoveAll(c1)
	os.WriteFile(c1, c1b, 0o644)
	if err := ms.Write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Fatalf("rewritten models: %v", err)
	}
	// A missing member is named.
	os.Remove(filepath.Join(dir, "component_1.npz"))
	if _, err := LoadModels(dir); err == nil || !strings.Contains(err.Error(), "component_1.npz") {
		t.Errorf("missing archive: got %v", err)
	}
	if _, err := LoadModels(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a model folder") {
		t.Errorf("empty folder: got %v", err)
	}
}

func TestTileOpMatchesCutTiles(t *testing.T) {
	eng := cpu.New()
	const p = 16
	spec := stats.Spec{Kind: stats.SCov, Synthesis: true, Iso: true, J: 2, L: 4}.WithDefaults(p, p)
	base, err := stats.Build(spec, p, p)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := datasets.GaussianRandomField(40, 36, 2, 3)
	maps := &stlayer.Maps{B: 1, M: 40, N: 36, Data: x}
	win := datasets.TukeyWindow(p, 0.3)
	op, err := NewTileOp(base, 40, 36, p, 8, win)
	if err != nil {
		t.Fatal(err)
	}
	// rows 0,8,16,24 (24+16 = 40), columns 0,8,16,20 (flush last tile)
	if op.Tiles() != 16 || op.Origins()[3] != [2]int{0, 20} {
		t.Fatalf("tiles %d, origins %v", op.Tiles(), op.Origins())
	}
	got, err := eng.Forward(op.Key(), op.Stat(), maps)
	if err != nil {
		t.Fatal(err)
	}
	tiles := cutTiles(maps, op.Origins(), p, win)
	want, err := eng.Forward(base.Key(), base.Stat(), tiles)
	if err != nil {
		t.Fatal(err)
	}
	if got.PerMap() != op.Tiles()*want.PerMap() {
		t.Fatalf("%d coefficients, want %d", got.PerMap(), op.Tiles()*want.PerMap())
	}
	for i, v := range got.Row(0) {
		w := want.Data[i]
		if d := v - w; math.Hypot(real(d), imag(d)) > 1e-9*math.Max(1, math.Hypot(real(w), imag(w))) {
			t.Fatalf("coefficient %d (%s): %v, want %v", i, op.Labels().String(i), v, w)
		}
	}
	// The window is the datasets' Tukey window: a windowed patch cut by
	// datasets.CutPatches equals cutTiles' tile.
	src := []datasets.Source{{Name: "x", Maps: maps}}
	ps, err := datasets.CutPatches(src, datasets.PatchConfig{Size: p, Stride: 8, Window: "tukey", Alpha: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range ps.Patches {
		if pt.Col == 20 {
			t.Fatalf("datasets cut a flush tile too: adapt the comparison")
		}
		ti := -1
		for j, o := range op.Origins() {
			if o == [2]int{pt.Row, pt.Col} {
				ti = j
			}
		}
		if ti < 0 {
			continue
		}
		a, b := ps.Patch(i), tiles.Map(ti)
		for j := range a {
			if math.Abs(a[j]-b[j]) > 1e-12 {
				t.Fatalf("patch (%d,%d) pixel %d: datasets %g, tile %g", pt.Row, pt.Col, j, a[j], b[j])
			}
		}
	}
	// Gradient of a loss through the tiles: finite differences.
	target := make([]complex128, got.PerMap())
	wts := make([]float64, got.PerMap())
	for i := range wts {
		wts[i] = 1 / float64(len(wts))
		target[i] = got.Row(0)[i] * 1.01
	}
	loss := &Loss{Engine: eng, Terms: []*Term{{Name: "tiles", Op: op, Target: target, Weight: wts, Scale: 1}}}
	f0, _, g, err := loss.Eval(maps)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 37, 40*36/2 + 5, 40*36 - 1} {
		h := 1e-5
		xp := &stlayer.Maps{B: 1, M: 40, N: 36, Data: append([]float64(nil), x...)}
		xp.Data[i] += h
		fp, _, _, _ := loss.Eval(xp)
		xp.Data[i] -= 2 * h
		fm, _, _, _ := loss.Eval(xp)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-4*math.Max(math.Abs(fd), 1e-3*f0) {
			t.Errorf("pixel %d: gradient %g, finite difference %g", i, g[i], fd)
		}
	}
}

// tinyModels exports the fixture's run with the posterior latent law and
// returns the models with, for each test process, its component index.
func tinyModels(t *testing.T) (*ModelSet, [2]int) {
	t.Helper()
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 200, Seed: 3, Latent: LatentPosterior})
	if err != nil {
		t.Fatal(err)
	}
	var compOf [2]int
	for k, c := range ms.Components {
		n1 := 0
		for _, i := range c.PatchIndex {
			n1 += fx.truth[i]
		}
		compOf[boolInt(2*n1 > len(c.PatchIndex))] = k
	}
	if compOf[0] == compOf[1] {
		t.Fatalf("both processes map to component %d", compOf[0])
	}
	return ms, compOf
}

// TestSeparateWithLearnedModels separates 32² mixtures of unseen maps of the
// two fixture processes (a k^−2 Gaussian field and filaments, with
// overlapping spectra) with their learned models.
func TestSeparateWithLearnedModels(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	names := []string{"grf", "filaments"}
	var good, swapped, overfit float64
	var rmins [2]float64
	for _, seed := range []uint64{90001, 90002, 90003} {
		a, b := tinyProcess(t, 0, seed), tinyProcess(t, 1, seed+77)
		d := make([]float64, len(a))
		for i := range d {
			d[i] = a[i] + b[i]
		}
		data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
		truth := &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(append([]float64(nil), a...), b...)}
		comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
		// Without the Gaussian prior (tested in TestSeparateWithModelsGaussPrior):
		// the discrepancy stop is then always reached on these mixtures.
		opt := ModelSepOptions{AmpSteps: 30, Steps: 150, GaussPrior: -1}
		res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, opt)
		if err != nil {
			t.Fatal(err)
		}
		// The components sum to the data.
		for i := range d {
			if e := res.Components.Data[i] + res.Components.Data[1024+i] - d[i]; math.Abs(e) > 1e-12 {
				t.Fatalf("pixel %d: components sum to data %+g", i, e)
			}
		}
		// The discrepancy stop: the last stage ended with every term at or below its
		// level (the median χ² of the component's own training patches).
		if !res.StoppedEarly[len(res.StoppedEarly)-1] {
			t.Errorf("seed %d: the full stage ran all its steps (terms %v, levels %v)", seed, res.Parts, res.StopLevels)
		}
		for c := range comps {
			if res.Parts[c] > res.StopLevels[c]*1.0001 {
				t.Errorf("seed %d %s: final χ² %.3f above its level %.3f", seed, names[c], res.Parts[c], res.StopLevels[c])
			}
			if chi0 := comps[c].Model.Chi2(mustStats(t, eng, ms, res.Init.Map(c)), nil); !(chi0 > res.Parts[c]) {
				t.Errorf("seed %d %s: χ² at the start %.3f, at the end %.3f", seed, names[c], chi0, res.Parts[c])
			}
		}
		mf, _ := EvaluateModelSeparation(res.Components, truth, names)
		mi, _ := EvaluateModelSeparation(res.Init, truth, names)
		t.Logf("seed %d: pixel correlation at the (Wiener) start %.3f %.3f", seed, mi[0].PixelCorr, mi[1].PixelCorr)
		for c := range mf {
			rmin := 2.0
			for bi, f := range mf[c].PowerFraction {
				if f >= 0.5 {
					rmin = math.Min(rmin, mf[c].R[bi])
				}
			}
			t.Logf("seed %d %s: min r where it holds ≥ 50 %% of the power %.3f; pixel correlation %.3f; r %s; fraction %s", seed, names[c], rmin, mf[c].PixelCorr, fmtS(mf[c].R), fmtS(mf[c].PowerFraction))
			rmins[c] += rmin / 3
			good += mf[c].PixelCorr / 6
		}
		// The models drive the result: swapping them ruins it.
		sw := []SepComponent{{Name: "grf", Model: ms.Components[compOf[1]]}, {Name: "filaments", Model: ms.Components[compOf[0]]}}
		rs, err := SeparateWithModels(context.Background(), eng, ms, data, sw, opt)
		if err != nil {
			t.Fatal(err)
		}
		ms2, _ := EvaluateModelSeparation(rs.Components, truth, names)
		swapped += (ms2[0].PixelCorr + ms2[1].PixelCorr) / 6
		// Without the discrepancy stop, the terms go far below the level of real
		// realisations (the maps over-fit the model means).
		opt.Tau = -1
		ro, err := SeparateWithModels(context.Background(), eng, ms, data, comps, opt)
		if err != nil {
			t.Fatal(err)
		}
		overfit += (ro.Parts[0]/res.StopLevels[0] + ro.Parts[1]/res.StopLevels[1]) / 6
	}
	t.Logf("mean pixel correlation %.3f with the right models, %.3f swapped; χ²/level without the stop %.3f", good, swapped, overfit)
	// Each component is recovered on the scales it dominates (mean over the
	// mixtures of the smallest r(k) where it holds ≥ 50 % of the power).
	for c, r := range rmins {
		if r < 0.55 {
			t.Errorf("%s: mean min r(k) on the scales it dominates %.3f < 0.55", names[c], r)
		}
	}
	if !(good > 0.7 && good > swapped+0.3) {
		t.Errorf("pixel correlation %.3f with the right models, %.3f with swapped ones", good, swapped)
	}
	if !(overfit < 0.5) {
		t.Errorf("without the stop the terms reach %.3f × their levels", overfit)
	}
}

// mustStats returns the statistic of one patch-size map under ms (windowed as
// the training patches).
func mustStats(t *testing.T, eng stlayer.Engine, ms *ModelSet, x []float64) []complex128 {
	t.Helper()
	op, err := ms.Op()
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	tiles := ms.SampleTiles(&stlayer.Maps{B: 1, M: p, N: p, Data: x})
	co, err := eng.Forward(op.Key(), op.Stat(), tiles)
	if err != nil {
		t.Fatal(err)
	}
	return co.Row(0)
}

func TestSampleComponent(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	k := compOf[1]
	c := ms.Components[k]
	res, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 2, Seed: 4, SynthConfig: SynthConfig{Steps: 80}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Maps.B != 2 || res.Maps.M != 32 || res.Tiles != 1 || len(res.PSTargets) != 2 {
		t.Fatalf("result: %d maps of %d², %d tiles, %d PS targets", res.Maps.B, res.Maps.M, res.Tiles, len(res.PSTargets))
	}
	d := ms.Manifest.Features.Dim
	for b, tgt := range res.Targets {
		// decoded draws: the target is one of the model's samples
		found := false
		for i := 0; i < c.S && !found; i++ {
			x := ms.Coefficients(c.Samples[i*d : (i+1)*d])
			found = true
			for j := range x {
				if x[j] != tgt[j] {
					found = false
					break
				}
			}
		}
		if !found {
			t.Errorf("map %d: the target is not a decoded sample", b)
		}
		r := res.Results[b]
		if !(r.Loss < 0.05*r.InitialLoss) {
			t.Errorf("map %d: loss %.4g from %.4g", b, r.Loss, r.InitialLoss)
		}
		// The synthesis matches its drawn statistic well within the model's spread.
		phi := mustStats(t, eng, ms, res.Maps.Map(b))
		s, n := 0.0, 0
		w := modelWeights(c.CoeffStd, 1e-9, nil)
		for j := range phi {
			if w[j] > 0 {
				e := phi[j] - tgt[j]
				s += (real(e)*real(e) + imag(e)*imag(e)) / (c.CoeffStd[j] * c.CoeffStd[j])
				n++
			}
		}
		if rms := math.Sqrt(s / float64(n)); rms > 0.8 {
			t.Errorf("map %d: RMS (Φ − t)/σ = %.3f", b, rms)
		}
	}
	// Mean draws: every target is the model mean.
	rm, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 1, Draw: DrawMean, SynthConfig: SynthConfig{Steps: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for j := range c.CoeffMean {
		if rm.Targets[0][j] != c.CoeffMean[j] {
			t.Fatalf("mean draw: target %d is %v, mean %v", j, rm.Targets[0][j], c.CoeffMean[j])
		}
	}
	// Larger maps are constrained tile by tile: tiles at 0 and 16 (stride 16) per axis.
	rb, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 1, Size: 48, Seed: 2, SynthConfig: SynthConfig{Steps: 60}})
	if err != nil {
		t.Fatal(err)
	}
	if rb.Tiles != 4 || rb.Maps.M != 48 {
		t.Fatalf("48² map: %d tiles", rb.Tiles)
	}
	if r := rb.Results[0]; !(r.Loss < 0.1*r.InitialLoss) {
		t.Errorf("48² map: loss %.4g from %.4g", r.Loss, r.InitialLoss)
	}
	if _, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{Size: 16}); !errors.Is(err, ErrModelInput) {
		t.Errorf("size below the patch: %v", err)
	}
	if _, err := SampleComponent(context.Background(), eng, ms, 7, SampleOptions{}); !errors.Is(err, ErrModelInput) {
		t.Errorf("component 7: %v", err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fmtS(x []float64) string {
	var s []string
	for _, v := range x {
		s = append(s, strconv.FormatFloat(v, 'f', 2, 64))
	}
	return strings.Join(s, " ")
}

// oneMap returns map b of x as a batch of one (no copy).
func oneMap(x *stlayer.Maps, b int) *stlayer.Maps {
	return &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: x.Map(b)}
}

func TestSolveSpectrumShares(t *testing.T) {
	// A tight component keeps its model power; the broad one takes the rest.
	mu := []float64{math.Log(2), math.Log(1)}
	u := solveSpectrumShares(mu, []float64{1 / (0.01 * 0.01), 1}, math.Log(10))
	if s := math.Exp(u[0]) + math.Exp(u[1]); math.Abs(s-10) > 1e-3 {
		t.Errorf("powers sum to %g, want 10", s)
	}
	if math.Abs(math.Exp(u[0])-2) > 0.01 {
		t.Errorf("tight component at %g, model 2", math.Exp(u[0]))
	}
	// Equal spreads: the log powers move by the same amount (stationarity:
	// w_c (u_c − μ_c) ∝ e^{u_c}, so equal shifts only when the powers are equal;
	// check the first-order condition directly).
	mu = []float64{math.Log(3), math.Log(1), math.Log(0.5)}
	w := []float64{1, 4, 0.25}
	u = solveSpectrumShares(mu, w, math.Log(2))
	s := 0.0
	for _, v := range u {
		s += math.Exp(v)
	}
	if math.Abs(s-2) > 1e-3 {
		t.Fatalf("powers sum to %g, want 2", s)
	}
	lam := w[0] * (u[0] - mu[0]) / math.Exp(u[0])
	for c := range u {
		if l := w[c] * (u[c] - mu[c]) / math.Exp(u[c]); math.Abs(l-lam) > 1e-3*math.Max(1, math.Abs(lam)) {
			t.Errorf("component %d: multiplier %g, component 0 %g", c, l, lam)
		}
	}
}

// TestPSScatter: the per-bin scatter of the power-spectrum target is the part
// of the patches' log-power variance that the model's samples do not carry,
// it is added to every map's target (and not with NoPSScatter).
func TestPSScatter(t *testing.T) {
	ms, compOf := tinyModels(t)
	k := compOf[0]
	c := ms.Components[k]
	d := ms.Manifest.Features.Dim
	s := ms.psScatter(c)
	if len(s) != len(c.PS) {
		t.Fatalf("%d scatter values for %d bins", len(s), len(c.PS))
	}
	nb := len(s)
	m, v := make([]float64, nb), make([]float64, nb)
	for i := 0; i < c.S; i++ {
		for b, x := range ms.psTarget(c, c.Samples[i*d:(i+1)*d]) {
			m[b] += x / float64(c.S)
			v[b] += x * x
		}
	}
	nonzero := 0
	for b := range s {
		u := (v[b] - float64(c.S)*m[b]*m[b]) / float64(c.S-1)
		want := math.Sqrt(math.Max(0, c.PSLogStd[b]*c.PSLogStd[b]-u))
		if math.Abs(s[b]-want) > 1e-9 {
			t.Errorf("bin %d: scatter %.6f, want %.6f (patches' log std %.4f, model variance %.4g)", b, s[b], want, c.PSLogStd[b], u)
		}
		if s[b] > 0.05 {
			nonzero++
		}
	}
	// The lowest bins hold few modes: their χ² scatter is not in the statistic.
	if nonzero == 0 || s[0] < 0.3 {
		t.Errorf("scatter %v: want the low-k bins to scatter (χ² of few modes)", fmtS(s))
	}
	// A model whose samples are all the mean explains nothing: s = ps_logstd.
	c2 := *c
	c2.Samples = make([]float64, 0, 3*d)
	for i := 0; i < 3; i++ {
		c2.Samples = append(c2.Samples, c.Mean...)
	}
	c2.S = 3
	for b, x := range ms.psScatter(&c2) {
		if math.Abs(x-c.PSLogStd[b]) > 1e-12 {
			t.Errorf("constant samples, bin %d: scatter %.6f, want ps_logstd %.6f", b, x, c.PSLogStd[b])
		}
	}
	// Every map's target is psTarget of its draw plus the scatter (DrawMean:
	// the same draw for all maps); NoPSScatter gives psTarget itself.
	base := ms.psTarget(c, c.Mean)
	for _, off := range []bool{false, true} {
		res, err := SampleComponent(context.Background(), cpu.New(), ms, k, SampleOptions{N: 3, Seed: 2, Draw: DrawMean, NoPSScatter: off, SynthConfig: SynthConfig{Steps: 1}})
		if err != nil {
			t.Fatal(err)
		}
		for i, pt := range res.PSTargets {
			// the corner (models with ps_corner_log): shifted as the last
			// bin, without scatter
			if nb := len(base); len(pt) == nb+1 {
				if want := c.PSCornerLog[0] + base[nb-1] - c.PSLogMean[nb-1]; math.Abs(pt[nb]-want) > 1e-12 {
					t.Errorf("map %d: corner target %g, want %g", i, pt[nb], want)
				}
			}
			for b := range base {
				dev := pt[b] - base[b]
				if off && dev != 0 || !off && s[b] == 0 && dev != 0 {
					t.Fatalf("NoPSScatter %v, map %d bin %d: target offset %g (scatter %g)", off, i, b, dev, s[b])
				}
				if !off && s[b] > 0 && (dev == 0 || math.Abs(dev) > 6*s[b]) {
					t.Errorf("map %d bin %d: target offset %g for a scatter %g", i, b, dev, s[b])
				}
			}
		}
	}
}

// TestModelSepRData: r_data is the r(k) of the data (sum of the truths) with
// each truth — the r of any bin-by-bin filter of the data — and about
// √(power fraction) for independent components.
func TestModelSepRData(t *testing.T) {
	const p = 64
	rng := rand.New(rand.NewPCG(8, 9))
	truth := stlayer.NewMaps(2, p, p)
	est := stlayer.NewMaps(2, p, p)
	for i := 0; i < p*p; i++ {
		a, b := rng.NormFloat64(), math.Sqrt(3)*rng.NormFloat64()
		truth.Map(0)[i], truth.Map(1)[i] = a, b
		est.Map(0)[i], est.Map(1)[i] = 0.3*(a+b), 0.7*(a+b) // constant filters of the data
	}
	ms, err := EvaluateModelSeparation(est, truth, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range []float64{0.5, math.Sqrt(0.75)} {
		mc := ms[c]
		for b := range mc.R {
			if math.Abs(mc.R[b]-mc.RData[b]) > 1e-9 {
				t.Errorf("component %d bin %d: r %.6f of a filtered data map, r_data %.6f", c, b, mc.R[b], mc.RData[b])
			}
			if mc.Edges[b] >= 8 && math.Abs(mc.RData[b]-want) > 0.08 {
				t.Errorf("component %d bin %d: r_data %.3f, want ≈ %.3f (power fraction %.3f)", c, b, mc.RData[b], want, mc.PowerFraction[b])
			}
		}
		if mc.DominantBins == 0 || math.Abs(mc.RMinDominantData-mc.RMinDominant) > 1e-9 {
			t.Errorf("component %d: min r over %d dominant bins %.4f, data %.4f", c, mc.DominantBins, mc.RMinDominant, mc.RMinDominantData)
		}
	}
}

// TestGeometricPSConstantTarget: bins where the target maps have no power
// get the −1 marker and stay out of MaxDev (a constant target gave ratios
// near 1e299 through the log floor).
func TestGeometricPSConstantTarget(t *testing.T) {
	synth := stlayer.NewMaps(2, 16, 16)
	for i := range synth.Data {
		synth.Data[i] = math.Sin(float64(i) * 0.7)
	}
	target := stlayer.NewMaps(2, 16, 16)
	for i := range target.Data {
		target.Data[i] = 3
	}
	g := GeometricPSCompare(synth, target)
	if len(g.Ratio) == 0 {
		t.Fatal("no bins")
	}
	for i, r := range g.Ratio {
		if r != -1 || g.SE[i] != -1 {
			t.Errorf("bin %d: ratio %g, se %g, want −1 (no target power)", i, r, g.SE[i])
		}
	}
	if g.MaxDev != 0 || g.MaxZ != 0 {
		t.Errorf("MaxDev %g, MaxZ %g, want 0 (no comparable bin)", g.MaxDev, g.MaxZ)
	}
	same := GeometricPSCompare(synth, synth)
	for i, r := range same.Ratio {
		if math.Abs(r-1) > 1e-12 {
			t.Errorf("self comparison bin %d: ratio %g", i, r)
		}
	}
}

// ModelSet.Write (and so ExportModels) builds the model folder beside its
// target and installs it when complete. Before, it wrote into the target
// itself after removing its manifest.json — any folder's: a write that failed
// half-way (disk full) left the earlier models without their manifest, and a
// patch dataset lost its manifest. A failure injected at the second
// component now leaves the earlier export loadable and byte for byte as it
// was; a complete re-export replaces the components, drops stale ones and
// keeps other files; temporaries of killed writes to the same folder are
// removed, nothing else; foreign folders are refused.
func TestWriteModelFolderAtomic(t *testing.T) {
	fx := tinyRun(t)
	root := t.TempDir()
	dir := filepath.Join(root, "models")
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ms.Dir != dir {
		t.Errorf("ModelSet.Dir = %s, want %s", ms.Dir, dir)
	}
	snapshot := testutil.DirFiles
	names := func(d string) []string {
		var out []string
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	if got := names(root); len(got) != 1 {
		t.Errorf("beside a new model folder: %v, want only models", got)
	}
	c0, _ := os.ReadFile(filepath.Join(dir, "component_0.npz"))
	os.WriteFile(filepath.Join(dir, "component_7.npz"), c0, 0o644) // a stale component
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, ".manifest.json.tmp123"), []byte("half"), 0o644) // older stkit, killed
	os.WriteFile(filepath.Join(dir, ".notes.txt.tmp1"), []byte("not ours"), 0o644)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stale := []string{fmt.Sprintf(".models.export-%d-5", dead.Process.Pid), ".models.export-77"}
	kept := []string{fmt.Sprintf(".models.export-%d-9", os.Getpid()), ".models.export-x", ".other.export-1-2", ".models.export-8-8.txt"}
	for _, n := range append(slices.Clone(stale), kept...) {
		os.MkdirAll(filepath.Join(root, n, "sub"), 0o755)
	}
	before := snapshot(dir)

	// A failure at the second component (a full disk).
	var wrote []string
	writeHook = func(p string) error {
		wrote = append(wrote, p)
		if filepath.Base(p) == "component_1.npz" {
			return &os.PathError{Op: "write", Path: p, Err: syscall.ENOSPC}
		}
		return nil
	}
	t.Cleanup(func() { writeHook = nil })
	ms.Manifest.Seed = 99
	if err := ms.Write(dir); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("injected failure: %v", err)
	}
	if len(wrote) != 2 || filepath.Dir(wrote[0]) == dir || filepath.Dir(filepath.Dir(wrote[0])) != root {
		t.Errorf("wrote %v, want two files in a temporary folder beside %s", wrote, dir)
	}
	after := snapshot(dir)
	delete(before, ".manifest.json.tmp123")
	if len(after) != len(before) {
		t.Errorf("after a failed write the folder holds %v, want %v", slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
	}
	for n, b := range before {
		if after[n] != b {
			t.Errorf("a failed write changed %s", n)
		}
	}
	if got, err := LoadModels(dir); err != nil || got.Manifest.Seed != 1 {
		t.Errorf("after a failed write: %v (want the earlier models, seed 1)", err)
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(root, n)); err == nil {
			t.Errorf("stale temporary %s of a killed write was kept", n)
		}
	}
	want := append([]string{"models"}, kept...)
	if got := names(root); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("beside the model folder after a failed write: %v, want %v", got, want)
	}
	// Missing parents made by a failed write are removed.
	fresh := filepath.Join(root, "a", "b", "models")
	if err := ms.Write(fresh); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("injected failure: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "a")); err == nil {
		t.Error("a failed write left the parent folders it made")
	}

	// A complete re-export: components replaced, the stale one dropped,
	// other files kept, no temporary folder left.
	writeHook = nil
	if err := ms.Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadModels(dir)
	if err != nil || got.Manifest.Seed != 99 {
		t.Fatalf("re-export: %v", err)
	}
	wantFiles := []string{".notes.txt.tmp1", "component_0.npz", "component_1.npz", "manifest.json", "notes.txt"}
	if got := names(dir); !slices.Equal(got, wantFiles) {
		t.Errorf("after a re-export the folder holds %v, want %v", got, wantFiles)
	}
	if got := names(root); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("beside the model folder after a re-export: %v, want %v", got, want)
	}
	if err := ms.Write(fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(fresh); err != nil {
		t.Fatalf("new folder with new parents: %v", err)
	}

	// Folders that are not model folders are refused, unchanged.
	other := filepath.Join(root, "other")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	damagedAlone := filepath.Join(root, "damaged")
	os.Mkdir(damagedAlone, 0o755)
	os.WriteFile(filepath.Join(damagedAlone, "manifest.json"), []byte(`{"form`), 0o644)
	file := filepath.Join(root, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct{ dir, want string }{
		{fx.dataset, "a patch dataset's"},
		{fx.run, "holds other files"},
		{other, "holds other files (notes.txt)"},
		{damagedAlone, "not valid JSON"},
		{file, "is a file"},
		{filepath.Join(file, "models"), "a parent is a file"},
	} {
		before := snapshot(c.dir)
		err := ms.Write(c.dir)
		if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Write into %s: %v, want an input error saying %q", c.dir, err, c.want)
		}
		if after := snapshot(c.dir); !maps.Equal(before, after) {
			t.Errorf("the refused Write changed %s", c.dir)
		}
	}
	if _, err := ExportModels(fx.run, fx.dataset, other, ExportOptions{Samples: 8}); !errors.Is(err, ErrModelInput) {
		t.Errorf("ExportModels into a folder of other files: %v", err)
	}
	// A folder holding only component files (a model folder whose manifest
	// was lost), an empty one and a damaged manifest beside components are
	// written.
	lost := filepath.Join(root, "lost")
	os.Mkdir(lost, 0o755)
	os.WriteFile(filepath.Join(lost, "component_4.npz"), c0, 0o644)
	empty := t.TempDir()
	damaged := filepath.Join(root, "damaged2")
	os.Mkdir(damaged, 0o755)
	os.WriteFile(filepath.Join(damaged, "manifest.json"), []byte(`{"form`), 0o644)
	os.WriteFile(filepath.Join(damaged, "component_0.npz"), c0, 0o644)
	for _, d := range []string{lost, empty, damaged} {
		if err := ms.Write(d); err != nil {
			t.Errorf("Write into %s: %v", d, err)
		} else if _, err := LoadModels(d); err != nil {
			t.Errorf("models written into %s: %v", d, err)
		}
	}
	if _, err := os.Stat(filepath.Join(lost, "component_4.npz")); err == nil {
		t.Error("the stale component_4.npz of a folder without manifest was kept")
	}
}

// Writing into "." (the working directory) puts the temporary folder beside
// it, not inside.
func TestWriteModelFolderDot(t *testing.T) {
	fx := tinyRun(t)
	root := t.TempDir()
	dir := filepath.Join(root, "models")
	ms, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var wrote []string
	writeHook = func(p string) error { wrote = append(wrote, p); return nil }
	t.Cleanup(func() { writeHook = nil })
	if err := ms.Write("."); err != nil {
		t.Fatal(err)
	}
	if len(wrote) == 0 || filepath.Dir(filepath.Dir(wrote[0])) != root {
		t.Errorf("wrote %v, want a temporary folder in %s", wrote, root)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Error(err)
	}
}

// TestSeparateWithModelsStart: ModelSepOptions.Start replaces Init (the
// last map is d minus the others), and a start of the wrong shape or with
// NaN pixels is an input error.
func TestSeparateWithModelsStart(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	a, b := tinyProcess(t, 0, 90011), tinyProcess(t, 1, 90088)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	// The last start map is ignored: give it garbage.
	start := &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(append([]float64(nil), a...), make([]float64, len(b))...)}
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Start: start, AmpSteps: -1, Steps: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if res.Init.Data[i] != a[i] || math.Abs(res.Init.Data[1024+i]-b[i]) > 1e-12 {
			t.Fatalf("pixel %d: start (%g, %g), want (%g, %g)", i, res.Init.Data[i], res.Init.Data[1024+i], a[i], b[i])
		}
	}
	w, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 2})
	if err != nil {
		t.Fatal(err)
	}
	if w.Init.Data[0] == a[0] {
		t.Errorf("the default (Wiener) start equals the truth at pixel 0")
	}
	bad := []*stlayer.Maps{
		{B: 1, M: 32, N: 32, Data: append([]float64(nil), a...)},
		{B: 2, M: 16, N: 64, Data: append(append([]float64(nil), a...), b...)},
		{B: 2, M: 32, N: 32, Data: append(append([]float64(nil), a...), math.NaN())},
		{B: 2, M: 32, N: 32, Data: append(append(append([]float64(nil), a[:5]...), math.NaN()), append(a[6:], b...)...)},
	}
	for i, s := range bad {
		if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Start: s, AmpSteps: -1, Steps: 2}); !errors.Is(err, ErrModelInput) {
			t.Errorf("bad start %d: error %v, want an input error", i, err)
		}
	}
}
