package infer

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// RunMetadata is what ExportModels reads from a run's checkpoint metadata
// (checkpoints.Checkpoint.Metadata, written by train.Options.Metadata). Every
// field is optional: what is missing is taken from the dataset. Several key
// spellings are accepted (listed per field).
type RunMetadata struct {
	// Dataset is the dataset folder the run was trained on
	// ("dataset", "dataset_dir", "dataset_path").
	Dataset string
	// DatasetFingerprint is the dataset manifest's fingerprint
	// ("dataset_fingerprint").
	DatasetFingerprint string
	// Spec and Reference describe the statistic ("spec", "reference").
	Spec      *stats.Spec
	Reference json.RawMessage
	// Columns are the dataset features the run was trained on ("columns"),
	// nil for all of them.
	Columns []datasets.FeatureColumn
	// FeatureMean and FeatureStd are the z-scoring of the features
	// ("feature_mean"/"mean"/"norm_mean", "feature_std"/"std"/"norm_std", or
	// "norm": {"mean", "std"}).
	FeatureMean, FeatureStd []float64
	// PatchSize is the side of the training patches ("patch_size"; 0:
	// not recorded).
	PatchSize int
	// Patch is the patch configuration of the training dataset ("patch",
	// datasets.PatchConfig as stkit train records it; nil: not recorded):
	// its Window and Alpha are compared with the dataset's.
	Patch *datasets.PatchConfig
}

// parseRunMetadata reads the metadata document, accepting the spellings
// listed in RunMetadata.
func parseRunMetadata(raw json.RawMessage) (RunMetadata, error) {
	var md RunMetadata
	if len(raw) == 0 || string(raw) == "null" {
		return md, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return md, nil // not an object: nothing we can use
	}
	first := func(v any, keys ...string) error {
		for _, k := range keys {
			if r, ok := m[k]; ok && string(r) != "null" {
				if err := json.Unmarshal(r, v); err != nil {
					return fmt.Errorf("run metadata %q: %w", k, err)
				}
				return nil
			}
		}
		return nil
	}
	if err := first(&md.Dataset, "dataset", "dataset_dir", "dataset_path"); err != nil {
		return md, err
	}
	if err := first(&md.DatasetFingerprint, "dataset_fingerprint"); err != nil {
		return md, err
	}
	if r, ok := m["spec"]; ok && string(r) != "null" {
		var s stats.Spec
		if err := json.Unmarshal(r, &s); err != nil {
			return md, fmt.Errorf("run metadata \"spec\": %w", err)
		}
		md.Spec = &s
	}
	if r, ok := m["reference"]; ok && string(r) != "null" {
		md.Reference = r
	}
	if err := first(&md.Columns, "columns"); err != nil {
		return md, err
	}
	if err := first(&md.FeatureMean, "feature_mean", "mean", "norm_mean"); err != nil {
		return md, err
	}
	if err := first(&md.FeatureStd, "feature_std", "std", "norm_std"); err != nil {
		return md, err
	}
	if err := first(&md.PatchSize, "patch_size"); err != nil {
		return md, err
	}
	if r, ok := m["patch"]; ok && string(r) != "null" {
		var p datasets.PatchConfig
		if err := json.Unmarshal(r, &p); err != nil {
			return md, fmt.Errorf("run metadata \"patch\": %w", err)
		}
		md.Patch = &p
	}
	if r, ok := m["norm"]; ok && md.FeatureMean == nil {
		var n struct{ Mean, Std []float64 }
		if err := json.Unmarshal(r, &n); err == nil {
			md.FeatureMean, md.FeatureStd = n.Mean, n.Std
		}
	}
	return md, nil
}

// TrainedRun is a training run loaded for inference: its newest readable
// checkpoint, configuration, metadata and restored model. Skipped holds one
// error per newer checkpoint that could not be read (truncated, damaged) and
// was passed over; callers should tell the user.
type TrainedRun struct {
	Dir        string
	Checkpoint *checkpoints.Checkpoint
	Config     train.RunConfig
	Meta       RunMetadata
	Model      *vae.Model
	Skipped    []error
}

// OpenRun loads the newest readable checkpoint of the run folder dir (see
// checkpoints.Manager.Latest) and restores its GM-VAE on backend b (nil:
// the process-wide backend of the CLI's automatic choice, as
// graph.NewBackend(""), shared and never released; pass your own, e.g.
// from graph.NewBackend, to release it after use). The checkpoints are those of dir/checkpoints when that
// folder exists (the layout of `stkit train`), else those of dir itself.
func OpenRun(dir string, b backends.Backend) (*TrainedRun, error) {
	ckDir := dir
	if st, err := os.Stat(filepath.Join(dir, "checkpoints")); err == nil && st.IsDir() {
		ckDir = filepath.Join(dir, "checkpoints")
	} else if _, err := os.Stat(dir); err != nil {
		return nil, inputErrorf("run %s: %w", dir, err)
	}
	mgr, err := checkpoints.Open(ckDir, 0)
	if err != nil {
		return nil, err
	}
	c, skipped, err := mgr.Latest()
	if err != nil {
		return nil, inputErrorf("run %s: %w", dir, err)
	}
	var rc train.RunConfig
	if err := c.DecodeConfig(&rc); err != nil {
		return nil, inputErrorf("run %s: configuration: %w", dir, err)
	}
	if err := rc.VAE.Validate(); err != nil {
		return nil, inputErrorf("run %s: VAE configuration: %w", dir, err)
	}
	md, err := parseRunMetadata(c.Metadata)
	if err != nil {
		return nil, inputErrorf("run %s: %w", dir, err)
	}
	if b == nil {
		if b, _, err = backend.Default(); err != nil {
			return nil, err
		}
	}
	model, err := vae.New(b, rc.VAE, 0)
	if err != nil {
		return nil, err
	}
	if err := c.Restore(model.Ctx); err != nil {
		return nil, inputErrorf("run %s: %w", dir, err)
	}
	return &TrainedRun{Dir: dir, Checkpoint: c, Config: rc, Meta: md, Model: model, Skipped: skipped}, nil
}

// ExportOptions configure ExportModels. Zero values take the defaults stated
// per field.
type ExportOptions struct {
	// Samples is the number S of latents decoded per component (drawn from
	// the Latent law; default 300, stvae_ism's sample size; 1 is refused:
	// the std needs 2).
	Samples int
	// Seed of the latent draws (component k uses Seed + k).
	Seed uint64
	// Covariance stores the D×D covariance of the decoded samples: "auto"
	// (default: when D ≤ 2048), "yes" or "no".
	Covariance string
	// Backend runs the VAE (nil: backend.Default()).
	Backend backends.Backend
	// Force accepts a dataset whose fingerprint (or statistic, or patch
	// window) differs from the one recorded in the run's metadata. A dataset
	// of another patch size than the run's recorded patch_size is refused
	// even so. Refusals name it as the other options are named in infer's
	// errors: the Go field, then the command-line flag ("ExportOptions.Force,
	// --force"). A dataset whose patches were cut with another window or α
	// than the run's (RunMetadata.Patch) has features that differ
	// systematically from those the VAE learned: refused without Force, and
	// reported to Warn with it (stkit clusters warns likewise).
	Force bool
	// Warn, when not nil, receives the warnings of an export that goes on:
	// a patch window other than the run's, accepted by Force (one sentence,
	// no prefix).
	Warn func(msg string)
	// Latent selects the law of the decoded latents of cluster k:
	//
	//   - LatentPrior ("prior", Lei et al. 2025): z ~ p(z|y=e_k) = N(μ_k,
	//     diag σ²_k), the VAE's learned prior (vae.Model.SamplePrior);
	//   - LatentPosterior ("posterior"): z ~ N(m_k, C_k), the Gaussian fitted
	//     to the encoder means μ_q(x) of the patches assigned to k (the
	//     cluster's aggregate posterior; C_k full Z×Z, ddof 1, with a 1e−6
	//     diagonal jitter; diagonal when the cluster has ≤ Z patches, the prior
	//     when it has fewer than 2).
	//
	// The facvae prior has variances ≥ PriorVarOffset (1), often far wider
	// than the region the encoder maps a cluster to: decoded prior samples
	// then lie far from the cluster's features (64² dust I patches, 3-cluster
	// run: mean decoded log P00 3.8 above the data's, syntheses 40× too bright
	// in geometric-mean power), which the posterior law avoids. Default
	// LatentPosterior.
	Latent string
	// NoResidual switches off the observation noise of the decoded samples.
	// By default every decoded sample is x = decoder(z) + ε, ε ~ N(0,
	// diag r²), where r²_f is the variance of the reconstruction residual
	// x_f − decoder(μ_q(x))_f of feature f over the cluster's patches: the
	// decoder gives the mean of p(x|z), and without this noise the samples'
	// spread misses what the latents do not encode (the samples of a cluster
	// the encoder maps to a small region would have almost no spread).
	NoResidual bool
	// Recenter is Calibrate "mean" (kept for compatibility).
	Recenter bool
	// Calibrate corrects the decoded features of each cluster with ≥ 2
	// patches against the features of its patches (the features a run did
	// not decode are copied from patches and left alone):
	//
	//   - CalibrateNone ("none"): the model is the VAE's own;
	//   - CalibrateMean ("mean"): shift the samples by data mean − sample
	//     mean, so the model mean is the data mean (removes the decoder's
	//     bias; spread and correlations kept);
	//   - CalibrateMoments ("moments", default; "mean" when Recenter): also
	//     scale each feature's deviations from the mean by data std / sample
	//     std, so the model mean and std are the data's (correlations between
	//     features kept).
	//
	// Why: a GM-VAE trained with a small reconstruction weight decodes its
	// own clusters with a bias. fin_s1 (ds4 64² patches, 4 clusters, C11
	// dropped): the mean reconstruction decoder(μ_q(x)) of the dust I
	// patches has log P00 0.27–0.49 data σ above the patches' (≈ +0.4 in
	// log power, +50 % in power), dust Q 0.6–0.8 σ above with 1.3–1.6× the
	// patches' spread, the GRF cluster 9–11 σ below (σ of that cluster is
	// tiny); the latent law cannot fix a bias of the decoder itself. Samples
	// of the 4 clusters (16 maps each, stkit sample) against their patches,
	// geometric-mean spectrum max |ratio − 1| none → mean → moments: GRF
	// 0.36 → 0.04 → 0.04, Quijote 0.15 → 0.04 → 0.04, dust I 0.64 → 0.13 →
	// 0.16 (sampling noise of 16 patches ≈ 0.3), dust Q 0.76 → 0.13 → 0.06
	// (its decoded log P00 spread, 1.9× the patches', is the one "moments"
	// corrects; W1 0.30 → 0.28 → 0.22 σ).
	Calibrate string
	// DropOutliers leaves a cluster's spectrum outliers (the patches
	// FindSpectrumOutliers flags among those assigned to it; see
	// ComponentSpectrumOutliers) out of the component's moments: the
	// posterior latent law, the residual noise, the calibration, data_mean,
	// data_std and the spectrum and pixel summaries come from the other
	// patches. They stay assigned to the cluster (patch_index, data_chi2,
	// weight and count are unchanged). Without it they are kept and only
	// reported to Warn. Measured (a 2-cluster run of 64² Quijote and dust
	// patches; component 1 holds 128 Quijote and 2 dust patches with 10⁴–10⁵
	// times less power at k ≥ 16, robust distances 85 and 70): ps_logstd at
	// k = 16–22.6 1.31 → 0.063, the decoded std of log P00(j = 0) 1.18 →
	// 0.042; 2 samples of the component (stkit sample, defaults, seed 1)
	// had 0.063 and 0.110 of the patches' power at k = 16–22.6 and 22.6–32,
	// 0.92 and 0.96 with it (mean-PS max |ratio − 1| over k ≥ 2 0.94 → 0.16;
	// 2 real patches: 0.26 median, 0.46 90th percentile). Reclustering
	// (more clusters) gives the outliers a model of their own; dropping
	// leaves them without one.
	DropOutliers bool
	// PatchPrior, when non-nil, also fits every component with training
	// patches a pixel patch prior (FitPatchPrior on the patches assigned to
	// it, with these options; zero fields take FitPatchPrior's defaults),
	// written as patch_prior_<k>.npz and recorded in
	// ModelManifest.PatchPriors; SeparateWithModels' PatchPrior option uses
	// them. On BenchmarkModelSeparationHeldOut the patch-prior separation
	// gave a mean worst-bin r of 0.775/0.802 (dust/Quijote) against
	// 0.645/0.673 for the statistics alone. Not by default: a fit with the
	// defaults (K 20, 6×6, ≤ 30000 rows) takes 10–90 s per component on 2
	// busy cores (K 5, ≤ 3000 rows: about 2 s). PatchPriorProgress, if
	// non-nil, follows the fits (EM iterations, then each fit's time).
	PatchPrior         *PatchPriorOptions
	PatchPriorProgress func(PatchPriorStep)
	// FeatureFilter lists the component pairs (a, b) for which a
	// FeatureFilter estimating a is fitted (FitFeatureFilter with
	// FeatureFilterOptions, its PatchPrior set to PatchPrior's options),
	// written as feature_filter_<a>_<b>.npz and recorded in
	// ModelManifest.FeatureFilters; SeparateWithModels' FeatureFilter
	// option uses them. One direction per pair: a pair given twice or in
	// both directions (0,1 and 1,0) is refused. Needs PatchPrior. Cost
	// with the defaults on 2 cores for the benchmark's pair of 64²
	// clusters (four half priors, then 2 × 120 patch-prior estimates at
	// stride 1): 182 s at load 2 with the half priors fitted in parallel;
	// the 690 s measured at load 16 predates that (half priors one after
	// the other, 440 s of it).
	FeatureFilter        [][2]int
	FeatureFilterOptions FeatureFilterOptions
	// Context, if non-nil, stops the export when cancelled, with an error
	// wrapping the context's (not ErrModelInput) and nothing written: dir
	// keeps an earlier export as it was, and a new dir is not made. It is
	// checked before every component's decoding, before the patch priors,
	// the feature filters and the write, and it is the Context of the
	// patch-prior fits (PatchPriorOptions.Context: between EM iterations)
	// and of the feature-filter fits (FeatureFilterOptions.Context) where
	// PatchPrior's or FeatureFilterOptions' own is nil. nil: never stopped
	// (context.Background), as before. A cancel after the write
	// (ModelSet.Write) has begun is not seen: the export completes. That
	// write is not one atomic step: the files are written into a temporary
	// folder beside dir, which is renamed to dir when dir is new; into an
	// existing dir the old manifest is removed, the new component,
	// patch-prior and feature-filter files are renamed in one by one, the
	// old ones the new set lacks are removed, and the new manifest is
	// renamed in last. A process killed during those renames leaves dir
	// without a manifest.json, not loadable until written again (never an
	// old manifest over new files); a cancel is not seen there, so that it
	// cannot stop the write half-way (fixy24: this said "atomic").
	Context context.Context
	// Created is the time recorded as the manifest's "created"
	// (ModelManifest.Created, RFC 3339 in UTC); zero: the time of the
	// export. A fixed time (stkit export passes SOURCE_DATE_EPOCH's) lets
	// two exports of the same run write the same manifest.json, except
	// where patch priors or feature filters are fitted: their fit_seconds
	// (ModelPatchPriors.FitSeconds, ModelFeatureFilter.FitSeconds) are the
	// fits' wall times, different on every run (expx24: only the CLI could
	// set it, by rewriting the manifest after Write).
	Created time.Time
	// datasetGiven is ExportModels' dataset argument as given, for
	// ModelManifest.Export (exportRecord).
	datasetGiven string
}

// Calibration modes of ExportOptions.Calibrate.
const (
	CalibrateNone    = "none"
	CalibrateMean    = "mean"
	CalibrateMoments = "moments"
)

// Latent laws of ExportOptions.Latent.
const (
	LatentPrior     = "prior"
	LatentPosterior = "posterior"
)

// ExportModels turns a trained run into per-component models (the format of
// LoadModels) written into the model folder dir by ModelSet.Write (built
// beside dir and installed when complete: a failed export leaves an earlier
// one in dir loadable; a dir that is no model folder, new or empty is
// refused before the work), and returns them. dataset is the dataset
// folder the run was trained on ("" → the run metadata's "dataset").
//
// For every cluster k: S latents z drawn from ExportOptions.Latent's law
// (default the Gaussian fitted to the encoder means of the cluster's
// patches; "prior": p(z|y=e_k), vae.Model.SamplePrior) are decoded, given
// the observation noise of the reconstruction residuals (unless
// NoResidual), un-normalised with the run's feature z-scoring (x = μ_f +
// σ_f·x̂; from the run metadata, else the dataset's norm.json), calibrated
// against the cluster's patches (ExportOptions.Calibrate, default
// "moments") and summarised by their mean, std (ddof 1) and covariance. Every dataset row is assigned to
// argmax_k q(y=k|x); the cluster weight is the fraction of rows assigned to k,
// and the assigned patches give the data summaries (feature mean/std, power
// spectrum, pixel moments) and patch_index.
//
// The patches of each cluster are checked for spectrum outliers
// (componentSpectrumOutliers: FindSpectrumOutliers on the cluster's
// patches): a few patches of another family assigned to a cluster dominate
// every log-space moment of its model, so its samples follow neither
// population. Each component with outliers is reported to Warn (its index,
// the dataset rows and their source files, the advice to recluster or drop
// them), recorded in the manifest (ModelCluster.SpectrumOutliers) and,
// with ExportOptions.DropOutliers, left out of its moments. A component
// more than ForeignLimit of whose patches come from source files whose
// patches mostly went to other components (ClusterMixtures) is reported to
// Warn too, and so are clusters that got no patch or fewer than
// EmptyClusterFrac of them (EmptyComponentsWarning: their models describe
// no process; stkit sample and separate --models refuse such a component
// without --allow-empty).
func ExportModels(run, dataset, dir string, opt ExportOptions) (*ModelSet, error) {
	if err := exportStopped(opt.Context, "before it began"); err != nil {
		return nil, err
	}
	if opt.Samples <= 0 {
		opt.Samples = 300
	}
	if opt.Samples < 2 {
		return nil, inputErrorf("export: need at least 2 samples per component")
	}
	if err := checkFeatureFilterPairs(opt.FeatureFilter); err != nil {
		return nil, err
	}
	// Refuse a folder the models cannot go into before the work.
	if _, err := checkModelDir(dir); err != nil {
		return nil, err
	}
	tr, err := OpenRun(run, opt.Backend)
	if err != nil {
		return nil, err
	}
	opt.datasetGiven = dataset // fixd23: recorded in export_options
	if dataset == "" {
		dataset = tr.Meta.Dataset
		if dataset == "" {
			return nil, inputErrorf("export: run %s does not record its dataset; give the dataset folder", run)
		}
		if _, err := os.Stat(dataset); err != nil && !filepath.IsAbs(dataset) {
			// A relative path is relative to the training's working directory,
			// which is unknown: try it as given, then next to the run folder.
			if alt := filepath.Join(filepath.Dir(filepath.Clean(run)), dataset); alt != dataset {
				if _, err := os.Stat(alt); err == nil {
					dataset = alt
				}
			}
		}
	}
	f, err := datasets.LoadFeatures(dataset)
	if err != nil {
		return nil, inputErrorf("export: dataset: %w", err)
	}
	return exportFrom(tr, f, dataset, dir, opt)
}

func exportFrom(tr *TrainedRun, f *datasets.Features, dataset, dir string, opt ExportOptions) (*ModelSet, error) {
	man := f.Manifest
	d := man.Dim
	model := tr.Model
	dm := model.Cfg.InputDim()
	// Another patch window (stkit patches --window, --alpha) changes every
	// feature systematically; said before the fingerprint, which differs too.
	if rp := tr.Meta.Patch; rp != nil && patchWindowDesc(*rp) != patchWindowDesc(man.Patch) {
		msg := fmt.Sprintf("dataset %s's patches were cut with %s, the run's training patches with %s (stkit patches --window, --alpha): the window changes the features systematically: the VAE would assign, and the export calibrate the models on, features unlike those it learned", dataset, patchWindowDesc(man.Patch), patchWindowDesc(*rp))
		if !opt.Force {
			return nil, inputErrorf("export: %s; rebuild the dataset with the run's window (ExportOptions.Force, --force, accepts it)", msg)
		}
		if opt.Warn != nil {
			opt.Warn(msg)
		}
	}
	if fp := tr.Meta.DatasetFingerprint; fp != "" && fp != man.Fingerprint && !opt.Force {
		return nil, inputErrorf("export: dataset %s has fingerprint %s, the run was trained on %s (another dataset? ExportOptions.Force, --force, accepts it)", dataset, man.Fingerprint, fp)
	}
	spec := man.Spec
	ref := man.Reference
	if tr.Meta.Spec != nil && string(tr.Meta.Spec.JSON()) != string(spec.JSON()) && !opt.Force {
		return nil, inputErrorf("export: run statistic %s differs from dataset statistic %s (ExportOptions.Force, --force, accepts it)", *tr.Meta.Spec, spec)
	}
	// Patches of another size are another process scale for every
	// coefficient: the VAE's features would not be the dataset's, whatever
	// Force says.
	if ps := tr.Meta.PatchSize; ps > 0 && ps != man.Size {
		return nil, inputErrorf("export: dataset %s has %d² patches, the run was trained on %d² patches: its models would describe statistics of another scale (ExportOptions.Force, --force, accepts another dataset of the run's patch size only)", dataset, man.Size, ps)
	}
	// sel[j] is the dataset feature of model input j (nil: the identity).
	var sel []int
	if dm != d {
		if len(tr.Meta.Columns) != dm {
			return nil, inputErrorf("export: the run's VAE takes %d features, dataset %s has %d and the run does not record which", dm, dataset, d)
		}
		sel = make([]int, dm)
		for j, rc := range tr.Meta.Columns {
			sel[j] = -1
			for i, dc := range man.Columns {
				if dc.Coeff == rc.Coeff && dc.Part == rc.Part {
					sel[j] = i
					break
				}
			}
			if sel[j] < 0 {
				why := ""
				if tr.Meta.Spec != nil && string(tr.Meta.Spec.JSON()) != string(man.Spec.JSON()) {
					why = fmt.Sprintf(" (the run's statistic is %s, the dataset's %s)", *tr.Meta.Spec, man.Spec)
				}
				return nil, inputErrorf("export: run feature %s is not in dataset %s%s", rc.Name, dataset, why)
			}
		}
	}
	col := func(j int) int {
		if sel == nil {
			return j
		}
		return sel[j]
	}
	mean, std := append([]float64(nil), f.Mean...), append([]float64(nil), f.Std...)
	if tr.Meta.FeatureMean != nil || tr.Meta.FeatureStd != nil {
		if len(tr.Meta.FeatureMean) != dm || len(tr.Meta.FeatureStd) != dm {
			return nil, inputErrorf("export: run metadata normalisation has %d means and %d stds, the run's VAE takes %d features", len(tr.Meta.FeatureMean), len(tr.Meta.FeatureStd), dm)
		}
		for j := 0; j < dm; j++ {
			mu, sd := tr.Meta.FeatureMean[j], tr.Meta.FeatureStd[j]
			if math.IsNaN(mu) || math.IsInf(mu, 0) || !(sd > 0) || math.IsInf(sd, 0) {
				// A zero or NaN std would z-score the features into Inf/NaN
				// and assign every patch to an arbitrary cluster.
				return nil, inputErrorf("export: run metadata normalisation of feature %d: mean %v, std %v (want finite values, std > 0)", j, mu, sd)
			}
			mean[col(j)], std[col(j)] = mu, sd
		}
	}
	n := man.N
	// z-scored model inputs, n × dm
	xn := make([]float32, n*dm)
	for i := 0; i < n; i++ {
		for j := 0; j < dm; j++ {
			c := col(j)
			xn[i*dm+j] = float32((f.X[i*d+c] - mean[c]) / std[c])
		}
	}
	fpMatch := train.Fingerprint(train.Data{X: xn, N: n, D: dm}) == tr.Config.DataFingerprint
	labels, conf, _, err := model.Assign(xn)
	if err != nil {
		return nil, fmt.Errorf("export: assigning patches: %w", err)
	}
	op, err := stats.BuildStored(spec, man.Size, man.Size, ref)
	if err != nil {
		return nil, fmt.Errorf("export: statistic: %w", err)
	}
	lab := op.Labels()
	nc := lab.Len()
	for _, c := range man.Columns {
		if c.Coeff >= nc {
			return nil, inputErrorf("export: dataset column %s names coefficient %d, the statistic has %d", c.Name, c.Coeff, nc)
		}
	}
	K := model.Cfg.K
	cov := d <= 2048
	switch opt.Covariance {
	case "", "auto":
	case "yes":
		cov = true
	case "no":
		cov = false
	default:
		return nil, inputErrorf("export: covariance %q: want auto, yes or no", opt.Covariance)
	}
	absData, _ := filepath.Abs(dataset)
	absRun, _ := filepath.Abs(tr.Dir)
	latent := opt.Latent
	if latent == "" {
		latent = LatentPosterior
	}
	if latent != LatentPrior && latent != LatentPosterior {
		return nil, inputErrorf("export: latent law %q: want %s or %s", latent, LatentPrior, LatentPosterior)
	}
	calib := opt.Calibrate
	if calib == "" {
		calib = CalibrateMoments
		if opt.Recenter {
			calib = CalibrateMean
		}
	}
	switch calib {
	case CalibrateNone, CalibrateMean, CalibrateMoments:
	default:
		return nil, inputErrorf("export: calibration %q: want %s, %s or %s", calib, CalibrateNone, CalibrateMean, CalibrateMoments)
	}
	created := opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	mm := &ModelManifest{
		Format: ModelFormatName, Version: ModelFormatVersion, Created: created.UTC().Format(time.RFC3339),
		Spec: manifestSpec(spec), Reference: ref, PatchSize: man.Size, NCoeffs: nc,
		Labels:              ModelLabels{Columns: lab.Columns, Class: lab.Class, Rows: lab.Rows, Values: lab.Values},
		ClassDoc:            datasets.ClassDocBUnit(manifestSpec(spec), lab, man.BUnit),
		Features:            ModelFeatures{Dim: d, Columns: man.Columns, Mean: mean, Std: std, Decoded: sel},
		SamplesPerComponent: opt.Samples, Seed: opt.Seed, Covariance: cov, Latent: latent, Residual: !opt.NoResidual, Recentred: calib != CalibrateNone, Calibration: calib,
		Source: ModelSource{Run: absRun, Checkpoint: filepath.Base(tr.Checkpoint.Path), Epoch: tr.Checkpoint.State.Epoch,
			Step: tr.Checkpoint.State.Step, Dataset: absData, DatasetFingerprint: man.Fingerprint,
			DataFingerprintMatch: fpMatch, VAE: model.Cfg, Sources: append([]string(nil), f.Patches.Sources...),
			// the training patches' units, readable without the dataset
			// (separate --models compares DATA's with them)
			BUnit: man.BUnit, BUnits: append([]string(nil), man.BUnits...),
			PixelScale: man.PixelScale, PixelScales: append([]*datasets.PixelScale(nil), man.PixelScales...)},
		Members: exportMembersDoc(man.Size),
		Export:  exportRecord(opt, latent, calib),
	}
	for _, e := range tr.Skipped {
		mm.Source.SkippedCheckpoints = append(mm.Source.SkippedCheckpoints, e.Error())
	}
	if man.Patch.Window == "moisan" {
		mm.Window = "moisan" // no parameter: window_alpha stays 0 (omitted)
	}
	if man.Patch.Window == "tukey" {
		mm.Window = "tukey"
		mm.WindowAlpha = man.Patch.Alpha
		if mm.WindowAlpha == 0 {
			mm.WindowAlpha = 0.3
		}
	}
	p := man.Size
	amp := make([]bool, nc)
	for i, cl := range lab.Class {
		amp[i] = AmplitudeClasses[cl]
	}
	members := make([][]int, K)
	for i, l := range labels {
		members[l] = append(members[l], i)
	}
	if opt.PatchPrior != nil {
		// before the components' models and patch priors: a pair whose
		// half priors cannot be fitted failed after all of them (rev1 s25)
		if err := checkFeatureFilterRows(opt.FeatureFilter, members, p, *opt.PatchPrior); err != nil {
			return nil, err
		}
	}
	allIdx := make([]int, n)
	for i := range allIdx {
		allIdx[i] = i
	}
	ms := &ModelSet{Dir: dir, Manifest: mm}
	for k := 0; k < K; k++ {
		if err := exportStopped(opt.Context, fmt.Sprintf("before the model of component %d of %d", k, K)); err != nil {
			return nil, err
		}
		// build: the patches the component's moments come from (members[k]
		// less its spectrum outliers with DropOutliers).
		outl, build := componentSpectrumOutliers(f.Patches, members[k], opt.DropOutliers)
		if outl != nil && opt.Warn != nil {
			opt.Warn(outl.message(k, K))
		}
		var xs, zs []float32
		if latent == LatentPosterior && len(build) >= 2 {
			xs, zs, err = samplePosterior(model, xn, build, opt.Samples, opt.Seed+uint64(k), k)
		} else {
			xs, zs, err = model.SamplePrior(k, opt.Samples, opt.Seed+uint64(k))
		}
		if err != nil {
			return nil, fmt.Errorf("export: decoding component %d: %w", k, err)
		}
		c := &ComponentModel{K: k, S: opt.Samples, PatchIndex: members[k]}
		c.ResidualStd = make([]float64, d)
		if !opt.NoResidual && len(build) >= 2 {
			r, err := residualStd(model, xn, build)
			if err != nil {
				return nil, fmt.Errorf("export: component %d: reconstruction residuals: %w", k, err)
			}
			rng := rand.New(rand.NewPCG(opt.Seed+uint64(k), 0x5e5d))
			for i := range xs {
				xs[i] += float32(r[i%dm] * rng.NormFloat64())
			}
			for j := range r {
				c.ResidualStd[col(j)] = r[j] * std[col(j)]
			}
		}
		// Un-normalise the decoded features; with a feature subset, the other
		// features of each sample are those of a random patch of the cluster.
		c.Samples = make([]float64, opt.Samples*d)
		pick := rand.New(rand.NewPCG(opt.Seed+uint64(k), 0xf111))
		pool := build
		if len(pool) == 0 {
			pool = allIdx
		}
		for s := 0; s < opt.Samples; s++ {
			row := c.Samples[s*d : (s+1)*d]
			if sel != nil {
				copy(row, f.X[pool[pick.IntN(len(pool))]*d:])
			}
			for j := 0; j < dm; j++ {
				cj := col(j)
				row[cj] = float64(xs[s*dm+j])*std[cj] + mean[cj]
			}
		}
		if calib != CalibrateNone && len(build) >= 2 {
			calibrateSamples(c.Samples, opt.Samples, d, rowsOf(f.X, build, d), len(build), sel, calib == CalibrateMoments)
		}
		c.Latents = make([]float64, len(zs))
		for i, v := range zs {
			c.Latents[i] = float64(v)
		}
		c.Mean, c.Std, c.Cov = rowStats(c.Samples, opt.Samples, d, cov)
		for j, v := range c.Mean {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("export: component %d: decoded feature %s is not finite", k, man.Columns[j].Name)
			}
		}
		cl := ModelCluster{K: k, Weight: float64(len(members[k])) / float64(n), Count: len(members[k]),
			File: fmt.Sprintf("component_%d.npz", k), PSFrom: "cluster", Sources: clusterSources(f.Patches, members[k]), SpectrumOutliers: outl}
		rows := build
		if len(rows) > 0 {
			sum := 0.0
			for _, i := range members[k] {
				sum += float64(conf[i])
			}
			cl.MeanConfidence = sum / float64(len(members[k]))
			sel := make([]float64, 0, len(rows)*d)
			for _, i := range rows {
				sel = append(sel, f.X[i*d:(i+1)*d]...)
			}
			c.DataMean, c.DataStd, _ = rowStats(sel, len(rows), d, false)
		} else {
			rows = allIdx
			cl.PSFrom = "all"
		}
		maps := make([][]float64, len(rows))
		var pix []float64
		for j, i := range rows {
			maps[j] = f.Patches.Patch(i)
			pix = append(pix, maps[j]...)
		}
		ps := MeanPowerSpectrum(maps, p, p)
		c.PS, c.PSK = ps.P, ps.K
		c.PSLogMean = make([]float64, len(ps.P))
		c.PSLogStd = make([]float64, len(ps.P))
		for _, mp := range maps {
			for b, v := range IsoPowerSpectrum(mp, p, p).P {
				l := math.Log(math.Max(v, 1e-300))
				c.PSLogMean[b] += l / float64(len(maps))
				c.PSLogStd[b] += l * l
			}
		}
		for b := range c.PSLogStd {
			nm := float64(len(maps))
			c.PSLogStd[b] = math.Sqrt(math.Max(0, c.PSLogStd[b]/nm-c.PSLogMean[b]*c.PSLogMean[b]) * nm / math.Max(1, nm-1))
		}
		c.PSCornerLog = cornerLogStats(maps, p)
		c.PSCornerRings = cornerRingLogStats(maps, p)
		mm.PSBinEdges = ps.Edges
		mu, sd, sk, ku := Moments(pix)
		c.PixelMoments = [4]float64{mu, sd, sk, ku}
		c.CoeffMean = featuresToCoeffs(man.Columns, nc, c.Mean)
		c.CoeffStd = coeffStd(man.Columns, nc, c.Std)
		for _, i := range members[k] {
			x := featuresToCoeffs(man.Columns, nc, f.X[i*d:(i+1)*d])
			c.DataChi2 = append(c.DataChi2, c.Chi2(x, nil))
			c.DataChi2Amp = append(c.DataChi2Amp, c.Chi2(x, amp))
		}
		mm.Clusters = append(mm.Clusters, cl)
		ms.Components = append(ms.Components, c)
	}
	// A cluster that mixes source families (patches of files whose patches
	// mostly went elsewhere) gets a model of neither; the spectrum-outlier
	// check above flags only the farthest of them (personavae: 1 of the 17
	// dust patches among 35 CIB ones).
	if opt.Warn != nil {
		for _, m := range ClusterMixtures(mm.Clusters) {
			opt.Warn(m.Message())
		}
		if msg := EmptyComponentsWarning(mm.Clusters); msg != "" {
			opt.Warn(msg)
		}
	}
	if opt.PatchPrior != nil {
		if err := exportStopped(opt.Context, "before the patch priors"); err != nil {
			return nil, err
		}
		ppo := *opt.PatchPrior
		if ppo.Context == nil {
			ppo.Context = opt.Context
		}
		pps, rec, err := fitModelPatchPriors(members, f.Patches.Patch, p, ppo, opt.PatchPriorProgress, opt.Warn)
		if err != nil {
			return nil, exportStoppedIn(opt.Context, "the patch priors", err)
		}
		ms.PatchPriors, mm.PatchPriors = pps, rec
	}
	if len(opt.FeatureFilter) > 0 {
		if opt.PatchPrior == nil {
			return nil, inputErrorf("feature filters (ExportOptions.FeatureFilter) refine the patch-prior estimate: they need ExportOptions.PatchPrior (--patch-prior)")
		}
		if err := exportStopped(opt.Context, "before the feature filters"); err != nil {
			return nil, err
		}
		ffo := opt.FeatureFilterOptions
		if ffo.Context == nil {
			ffo.Context = opt.Context
		}
		fs, recs, err := fitModelFeatureFilters(opt.FeatureFilter, members, f.Patches.Patch, p, ms.PatchPriors, *opt.PatchPrior, ffo)
		if err != nil {
			return nil, exportStoppedIn(opt.Context, "the feature filters", err)
		}
		ms.FeatureFilters, mm.FeatureFilters = fs, recs
	}
	if err := exportStopped(opt.Context, "before writing the models"); err != nil {
		return nil, err
	}
	if err := ms.Write(dir); err != nil {
		return nil, err
	}
	return ms, nil
}

// EmptyClusterFrac is the share of a dataset's patches below which
// EmptyClusterWarning names a cluster as (nearly) empty: with stkit train
// --val-split blocks the README's first chain (--clusters 4 --drop '^C11',
// seed 1) left cluster 2 with 0 of 2410 patches.
const EmptyClusterFrac = 0.01

// EmptyClusterWarning says which clusters hold no patch or fewer than
// EmptyClusterFrac of the n patches (counts[k]: the patches assigned to
// cluster k), and what to try: "cluster 2 got no patch: the run learned
// fewer clusters than --clusters 4 asked for, …"; "" when none. stkit
// clusters prints it for a run's assignments.
func EmptyClusterWarning(counts []int, n int) string {
	return emptyWarning(counts, n, "cluster", "clusters")
}

// EmptyComponentsWarning is EmptyClusterWarning for the components of a
// model folder (clusters: ModelManifest.Clusters, their Count), naming
// components ("component 2 got no patch: …"); "" when every component
// holds EmptyClusterFrac of the patches or more. ExportModels reports it
// to ExportOptions.Warn; for a folder already written, call it on
// LoadModels' Manifest.Clusters.
func EmptyComponentsWarning(clusters []ModelCluster) string {
	counts := make([]int, len(clusters))
	n := 0
	for i, c := range clusters {
		counts[i] = c.Count
		n += c.Count
	}
	return emptyWarning(counts, n, "component", "components")
}

// emptyWarning is EmptyClusterWarning with one and many as the words for
// a cluster and for several.
func emptyWarning(counts []int, n int, one, many string) string {
	var empty, small []string
	for k, c := range counts {
		switch {
		case c == 0:
			empty = append(empty, fmt.Sprint(k))
		case float64(c) < EmptyClusterFrac*float64(n):
			small = append(small, fmt.Sprintf("%d (%d of %d patches)", k, c, n))
		}
	}
	if len(empty) == 0 && len(small) == 0 {
		return ""
	}
	word := func(k int) string {
		if k == 1 {
			return one
		}
		return many
	}
	var parts []string
	if len(empty) > 0 {
		parts = append(parts, word(len(empty))+" "+strings.Join(empty, ", ")+" got no patch")
	}
	if len(small) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s under %g %% of the patches", word(len(small)), strings.Join(small, ", "), 100*EmptyClusterFrac))
	}
	return fmt.Sprintf("%s: the run learned fewer clusters than --clusters %d asked for, and an exported model of such a cluster describes no (or hardly any) training patch; retrain (stkit train) with another --seed or fewer --clusters", strings.Join(parts, "; "), len(counts))
}

// rowStats returns the column means, stds (ddof 1; 0 for one row) and, when
// cov, the covariance (ddof 1, row-major d×d) of n rows of length d.
func rowStats(x []float64, n, d int, cov bool) (mean, std, c []float64) {
	mean = make([]float64, d)
	std = make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	den := float64(max(1, n-1))
	if cov {
		c = make([]float64, d*d)
	}
	cen := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			cen[j] = x[i*d+j] - mean[j]
			std[j] += cen[j] * cen[j] / den
		}
		if cov {
			for a := 0; a < d; a++ {
				ca := cen[a] / den
				if ca == 0 {
					continue
				}
				row := c[a*d : (a+1)*d]
				for b := a; b < d; b++ {
					row[b] += ca * cen[b]
				}
			}
		}
	}
	if cov {
		for a := 0; a < d; a++ {
			for b := 0; b < a; b++ {
				c[a*d+b] = c[b*d+a]
			}
		}
	}
	for j := range std {
		if n < 2 {
			std[j] = 0
		}
		std[j] = math.Sqrt(std[j])
	}
	return mean, std, c
}

// samplePosterior draws n latents from the Gaussian fitted to the encoder
// means of rows (of the z-scored matrix xn) and decodes them (see
// ExportOptions.Latent). The random stream is PCG(seed, k).
func samplePosterior(model *vae.Model, xn []float32, rows []int, n int, seed uint64, k int) (x, z []float32, err error) {
	d := model.Cfg.InputDim()
	Z := model.Cfg.Z
	sel := make([]float32, 0, len(rows)*d)
	for _, i := range rows {
		sel = append(sel, xn[i*d:(i+1)*d]...)
	}
	mu, err := model.Encode(sel)
	if err != nil {
		return nil, nil, err
	}
	nr := len(rows)
	m := make([]float64, Z)
	for i := 0; i < nr; i++ {
		for j := 0; j < Z; j++ {
			m[j] += float64(mu[i*Z+j]) / float64(nr)
		}
	}
	c := mat.NewSymDense(Z, nil)
	for a := 0; a < Z; a++ {
		for b := a; b < Z; b++ {
			if nr <= Z && a != b {
				continue
			}
			v := 0.0
			for i := 0; i < nr; i++ {
				v += (float64(mu[i*Z+a]) - m[a]) * (float64(mu[i*Z+b]) - m[b])
			}
			c.SetSym(a, b, v/float64(nr-1))
		}
		c.SetSym(a, a, c.At(a, a)+1e-6)
	}
	var ch mat.Cholesky
	if !ch.Factorize(c) {
		return nil, nil, fmt.Errorf("export: cluster %d: the covariance of the encoded patches is not positive definite", k)
	}
	var l mat.TriDense
	ch.LTo(&l)
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	z = make([]float32, n*Z)
	e := make([]float64, Z)
	for i := 0; i < n; i++ {
		for j := range e {
			e[j] = rng.NormFloat64()
		}
		for a := 0; a < Z; a++ {
			v := m[a]
			for b := 0; b <= a; b++ {
				v += l.At(a, b) * e[b]
			}
			z[i*Z+a] = float32(v)
		}
	}
	x, err = model.Decode(z)
	return x, z, err
}

// residualStd returns, per feature, the std (ddof 1) of the reconstruction
// residual e_f = x_f − decoder(μ_q(x))_f over the rows of the z-scored matrix
// xn (in z-scored units). The residual's mean (the decoder's bias on the
// cluster) is left out: it is not noise, and counting it (the RMS) gave the
// GRF cluster of fin_s1 decoded samples 9–11× the patches' spread in log P00.
func residualStd(model *vae.Model, xn []float32, rows []int) ([]float64, error) {
	d := model.Cfg.InputDim()
	sel := make([]float32, 0, len(rows)*d)
	for _, i := range rows {
		sel = append(sel, xn[i*d:(i+1)*d]...)
	}
	mu, err := model.Encode(sel)
	if err != nil {
		return nil, err
	}
	rec, err := model.Decode(mu)
	if err != nil {
		return nil, err
	}
	n := len(rows)
	m := make([]float64, d)
	for i, v := range sel {
		m[i%d] += float64(v-rec[i]) / float64(n)
	}
	r := make([]float64, d)
	for i, v := range sel {
		e := float64(v-rec[i]) - m[i%d]
		r[i%d] += e * e / float64(max(1, n-1))
	}
	for j := range r {
		r[j] = math.Sqrt(r[j])
	}
	return r, nil
}

// calibrateSamples corrects the decoded features (the dataset features
// listed in decoded; nil: all) of the s×d samples against the nd×d data rows:
// each feature is shifted so that its sample mean is the data mean and, with
// scale, its deviations are multiplied by data std / sample std (left as they
// are when the sample std is 0). See ExportOptions.Calibrate.
func calibrateSamples(samples []float64, s, d int, data []float64, nd int, decoded []int, scale bool) {
	dmu, dsd, _ := rowStats(data, nd, d, false)
	smu, ssd, _ := rowStats(samples, s, d, false)
	cols := decoded
	if cols == nil {
		cols = make([]int, d)
		for j := range cols {
			cols[j] = j
		}
	}
	for _, j := range cols {
		a := 1.0
		if scale && ssd[j] > 0 {
			a = dsd[j] / ssd[j]
		}
		for i := 0; i < s; i++ {
			v := &samples[i*d+j]
			*v = dmu[j] + a*(*v-smu[j])
		}
	}
}

// rowsOf copies the rows idx of the n×d matrix x.
func rowsOf(x []float64, idx []int, d int) []float64 {
	out := make([]float64, 0, len(idx)*d)
	for _, i := range idx {
		out = append(out, x[i*d:(i+1)*d]...)
	}
	return out
}

// cornerLogStats returns [mean, std (ddof 1)] over the p×p maps of log of
// their corner power: the mean |FFT|²/p² over the modes with |k| ≥ p/2
// (those IsoPowerSpectrum's bins leave out; NewPSOpCorner's last
// coefficient). Nil when there are no maps, no such mode, or a map without
// power there (its log would be −∞).
func cornerLogStats(maps [][]float64, p int) []float64 {
	if len(maps) == 0 {
		return nil
	}
	var sel []int
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			if math.Hypot(float64(freq(i, p)), float64(freq(j, p))) >= float64(p)/2 {
				sel = append(sel, i*p+j)
			}
		}
	}
	if len(sel) == 0 {
		return nil
	}
	var s, s2 float64
	for _, x := range maps {
		f := fft2(x, p, p)
		pw := 0.0
		for _, i := range sel {
			pw += real(f[i])*real(f[i]) + imag(f[i])*imag(f[i])
		}
		if !(pw > 0) {
			return nil // a band-limited patch: no corner power to match
		}
		l := math.Log(pw / float64(len(sel)*p*p))
		s += l
		s2 += l * l
	}
	n := float64(len(maps))
	m := s / n
	return []float64{m, math.Sqrt(math.Max(0, s2/n-m*m) * n / math.Max(1, n-1))}
}

// cornerRingLogStats returns [mean₀, std₀, mean₁, std₁] (std ddof 1) over
// the p×p maps of log of their mean power |FFT|²/p² in the two rings of the
// corner, p/2 ≤ |k| < 2^¼·p/2 and |k| ≥ 2^¼·p/2 (CornerPS's rings;
// cornerRings). Nil when there are no maps, a ring has no mode (p < 2)
// or a map has no power in a ring.
func cornerRingLogStats(maps [][]float64, p int) []float64 {
	if len(maps) == 0 || p < 2 {
		return nil
	}
	ring, cnt := cornerRings(p, p)
	if cnt[0] == 0 || cnt[1] == 0 {
		return nil
	}
	var s, s2 [2]float64
	for _, x := range maps {
		f := fft2(x, p, p)
		var pw [2]float64
		for i, r := range ring {
			if r >= 0 {
				pw[r] += real(f[i])*real(f[i]) + imag(f[i])*imag(f[i])
			}
		}
		for r := range pw {
			if !(pw[r] > 0) {
				return nil // no power in the ring: its log would be −∞
			}
			l := math.Log(pw[r] / float64(cnt[r]*p*p))
			s[r] += l
			s2[r] += l * l
		}
	}
	n := float64(len(maps))
	out := make([]float64, 0, 4)
	for r := range s {
		m := s[r] / n
		out = append(out, m, math.Sqrt(math.Max(0, s2[r]/n-m*m)*n/math.Max(1, n-1)))
	}
	return out
}

// patchWindowDesc describes the apodisation of a patch configuration: "no
// window" (Window "" or "none"), "a Tukey window (α = 0.3)" (α 0 is
// datasets' default 0.3, as the model manifest records it) or "the
// periodic component (Moisan)" (Window "moisan").
func patchWindowDesc(c datasets.PatchConfig) string {
	switch c.Window {
	case "", "none":
		return "no window"
	case "moisan":
		return "the periodic component (Moisan)"
	case "tukey":
		a := c.Alpha
		if a == 0 {
			a = 0.3
		}
		return fmt.Sprintf("a Tukey window (α = %g)", a)
	}
	return fmt.Sprintf("window %q", c.Window)
}

// exportMembersDoc is the npz_members documentation of a model folder of
// p×p patches: modelMembersDoc with the power-spectrum convention and the
// units spelled out in the spectrum and pixel members (the plots say
// "mean|FFT|²/MN"; the manifest said only "mean isotropic power spectrum").
// The dataset records no physical unit of the maps: "the maps' unit".
func exportMembersDoc(p int) map[string]string {
	m := make(map[string]string, len(modelMembersDoc))
	for k, v := range modelMembersDoc {
		m[k] = v
	}
	conv := fmt.Sprintf("P per bin = mean over the bin's Fourier modes of |FFT2(x - mean x)|^2/(M*N), M = N = %d (the patch size), in the maps' unit squared per (cycle/pixel)^2: white noise of variance s^2 has P = s^2 in every bin, and the mean of |FFT2|^2/(M*N) over all modes is the pixel variance (Parseval); the k = 0 mode and the modes with |k| >= %d (Nyquist) are in no bin", p, p/2)
	m["ps"] += "; " + conv
	m["ps_logmean"] += " (natural log of P as in ps)"
	m["ps_logstd"] += " (natural log of P as in ps)"
	m["ps_corner_log"] += " (natural log; power |FFT2|^2/(M*N) as in ps)"
	m["ps_corner_rings"] += " (natural log; power |FFT2|^2/(M*N) as in ps)"
	m["pixel_moments"] += " (mean and std in the maps' unit)"
	return m
}
