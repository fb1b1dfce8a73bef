package infer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/vae"
)

// Per-component model format, version 1 (the folder ExportModels writes and
// LoadModels reads; readable with numpy alone):
//
//	MODELDIR/manifest.json       ModelManifest (JSON)
//	MODELDIR/component_<k>.npz   one archive per cluster k = 0…K−1
//	MODELDIR/patch_prior_<k>.npz optional: component k's pixel patch prior
//	                             (PatchPrior: weights [K], means [K, P, P],
//	                             covs [K, P², P²]; manifest.patch_priors)
//
// Every statistic vector in the files lives in the UN-normalised feature space
// of the training dataset (the feature z-scoring of the run is undone): feature
// f is the real ("re") or imaginary ("im") part of coefficient
// manifest.features.columns[f].coeff of the statistic manifest.spec evaluated
// on patch_size × patch_size maps (with the stored reference normalisation,
// and after the Tukey window when manifest.window is "tukey"). Members of
// component_<k>.npz (D features, C complex coefficients, S decoded samples,
// Z latent dimensions, n_k patches assigned to the cluster, nb PS bins):
//
//	mean          [D]    float64  mean of the decoded samples
//	std           [D]    float64  std of the decoded samples (ddof 1)
//	cov           [D, D] float64  covariance of the decoded samples (ddof 1; only when manifest.covariance)
//	samples       [S, D] float64  decoded samples x = μ_f + σ_f·(decoder(z) + ε), z drawn from the
//	                              law manifest.latent ("prior": p(z|y=k); "posterior": the Gaussian
//	                              fitted to the encoder means of the cluster's patches), ε ~ N(0,
//	                              diag r²) when manifest.residual_noise (else ε = 0); with
//	                              manifest.calibration "mean" (manifest.recentred), shifted so that
//	                              their mean is data_mean; "moments": also their std data_std
//	residual_std  [D]    float64  σ_f·r_f: std (ddof 1) of the reconstruction residual of the cluster's patches
//	                              (un-normalised; zeros without residual noise)
//	latents       [S, Z] float32  the latents z of the samples
//	coeff_mean    [C]    complex128  mean as complex coefficients (re + i·im, im = 0 without an "im" column)
//	coeff_std     [C]    float64  σ_c = sqrt(std_re² + std_im²) per complex coefficient
//	data_mean     [D]    float64  mean of the training features of the patches assigned to k (n_k ≥ 1)
//	data_std      [D]    float64  their std (ddof 1; zeros when n_k < 2)
//	patch_index   [n_k]  int64    rows of the dataset assigned to k (argmax q(y|x))
//	data_chi2     [n_k]  float64  χ² of each assigned patch under the model: the mean over the kept
//	                              coefficients (σ_c > 1e−9·max σ) of |Φ_c − μ_c|²/σ_c², μ = coeff_mean, σ = coeff_std
//	data_chi2_amp [n_k]  float64  the same over the amplitude coefficients only (AmplitudeClasses)
//	ps            [nb]   float64  mean isotropic power spectrum of those patches (IsoPowerSpectrum
//	                              convention, bins manifest.ps_bin_edges in cycles per patch)
//	ps_k          [nb]   float64  mean |k| of the modes of each bin (cycles per patch)
//	ps_logmean    [nb]   float64  mean over those patches of log P per bin (geometric-mean spectrum)
//	ps_logstd     [nb]   float64  std (ddof 1) over those patches of log P per bin
//	ps_corner_log [2]    float64  optional: mean and std (ddof 1) over those patches of log of
//	                              the mean |FFT|²/p² over the modes outside the bins, |k| ≥ p/2
//	                              (the Nyquist axes and corners of the Fourier plane; NewPSOpCorner)
//	ps_corner_rings [2, 2] float64 optional: per ring of that corner (row 0: p/2 ≤ |k| < 2^¼·p/2,
//	                              row 1: |k| ≥ 2^¼·p/2; CornerPS), the mean and std (ddof 1) over
//	                              those patches of log of the ring's mean |FFT|²/p² (NewPSOpOuterCorner
//	                              is row 1's statistic)
//	pixel_moments [4]    float64  mean, std, skewness, excess kurtosis of the pixels of those
//	                              patches pooled into one sample (population moments,
//	                              Moments: std with ddof 0, unlike the other stds here), not
//	                              per-patch moments averaged
//
// The PS and pixel moments are data summaries of the cluster (used only for
// starting points); when a cluster has no patch they are those of the whole
// dataset (manifest.clusters[k].ps_from = "all"). When
// manifest.clusters[k].spectrum_outliers.dropped, the cluster's spectrum
// outliers (its rows) are left out of data_mean, data_std, the ps members,
// ps_corner_log, pixel_moments, the posterior latent law, residual_std and
// the calibration; patch_index, data_chi2 and the weight keep them.
const (
	// ModelFormatName is the "format" field of a model manifest.
	ModelFormatName = "stkit-component-models"
	// ModelFormatVersion is the version this package writes and reads.
	ModelFormatVersion = 1
	// ModelManifestFile is the manifest's file name inside a model folder.
	ModelManifestFile = "manifest.json"
)

// ErrModelVersion is wrapped by LoadModels' error for a manifest of another
// format version (or another format).
var ErrModelVersion = errors.New("unsupported per-component model format")

// ErrModelFolderIncomplete is matched (errors.Is) by the error of
// ModelSet.Write and ExportModels when moving a complete model set into an
// existing folder failed after its old manifest was removed (a rename in
// the folder failed: rare, since everything was written before): the folder
// has no manifest and LoadModels refuses it until the models are written
// again. Any other error of theirs leaves the folder as it was.
var ErrModelFolderIncomplete = errors.New("the model folder was left without a manifest")

// ErrModelInput matches (errors.Is) the errors of ExportModels, LoadModels,
// SampleComponent and SeparateWithModels that are caused by their inputs —
// missing or malformed files, mismatched datasets, sizes, component indices —
// rather than by a failure of the computation (a command line maps them to
// "bad input"). The argument checks of the other entry points (RunSeparation,
// BuildSeparation, Separate, SeparationProblem.Validate, Generate, Minimize,
// InitialMaps, NewTarget, NewSynthLoss, Loss.Eval, SepLoss.Eval, StatsOf,
// Validate, EvaluateSeparation, the report writers, ModelSet.Write, …: nil
// arguments, maps whose Data length is not B·M·N, non-finite pixels or
// weights, constant maps where a std is the unit, unknown enum values,
// sizes that disagree) match it too.
var ErrModelInput = errors.New("invalid input to the per-component models")

type modelInputError struct{ err error }

func (e modelInputError) Error() string        { return e.err.Error() }
func (e modelInputError) Unwrap() error        { return e.err }
func (e modelInputError) Is(target error) bool { return target == ErrModelInput }

// inputErrorf formats an error that matches ErrModelInput.
func inputErrorf(format string, a ...any) error {
	return modelInputError{fmt.Errorf(format, a...)}
}

// asInput marks err (if non-nil) as an input error.
func asInput(err error) error {
	if err == nil {
		return nil
	}
	return modelInputError{err}
}

// shapeAsInput marks err as an input error (ErrModelInput) when it is the
// engine's or a statistic's shape error (*stlayer.ErrShape: maps of another
// size or count than the statistic was built for); other errors pass
// unchanged.
func shapeAsInput(err error) error {
	var es *stlayer.ErrShape
	if errors.As(err, &es) {
		return asInput(err)
	}
	return err
}

// ModelManifest is the JSON document of a model folder (see the format above).
type ModelManifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Created string `json:"created,omitempty"`
	// Spec is the statistic (stats.Spec with defaults filled in; a scov or
	// spectra norm is "p00", as printed, where older manifests have "none":
	// manifestSpec) and Reference its stored reference normalisation (stats.BuildStored; the member is
	// left out of manifest.json when there is none: the statistic is
	// self-normalised).
	Spec      stats.Spec      `json:"spec"`
	Reference json.RawMessage `json:"reference,omitempty"`
	// PatchSize is the side of the square maps the statistic was evaluated on.
	PatchSize int `json:"patch_size"`
	// Window is "tukey" when training patches were apodised: x ↦ ⟨x⟩ + (x −
	// ⟨x⟩)·w with the separable Tukey window w of parameter WindowAlpha.
	// It is "moisan" when each training patch was replaced by its periodic
	// component (datasets.PeriodicSmooth, PatchConfig.Window "moisan"; no
	// parameter, WindowAlpha 0): the models describe periodic patch-size
	// maps (no taper: Window() is nil). sample's tiles of a map larger than
	// the patch enter as their periodic components (NewPeriodicTileOp; a
	// patch-size sample is matched as drawn); separate takes its tiles as
	// cut (periodic tiles measured worse there: see SeparateWithModels).
	Window      string  `json:"window,omitempty"`
	WindowAlpha float64 `json:"window_alpha,omitempty"`
	// NCoeffs is the number of complex coefficients of the statistic; Labels
	// has one row per coefficient.
	NCoeffs int         `json:"n_coefficients"`
	Labels  ModelLabels `json:"labels"`
	// ClassDoc ("class_doc") says what the coefficients, and so the
	// features, of each label class are (stats.ClassDoc, as stats' JSON
	// config): "P00(j1=0)" of a scov synthesis vector is the natural log of
	// the mean over l of P00, "mean()" is mean/std, …; with the training
	// patches' BUNIT named where they share one (datasets.ClassDocBUnit:
	// "(in K)", "(K²)"). Absent in manifests written before it existed.
	ClassDoc map[string]string `json:"class_doc,omitempty"`
	// Features maps features to coefficients and records the run's z-scoring.
	Features ModelFeatures `json:"features"`
	// Clusters lists every component with its weight.
	Clusters []ModelCluster `json:"clusters"`
	// SamplesPerComponent is S; Seed the seed of the latent draws (cluster k
	// uses Seed + k).
	SamplesPerComponent int    `json:"samples_per_component"`
	Seed                uint64 `json:"seed"`
	// Covariance tells whether component files hold "cov".
	Covariance bool `json:"covariance"`
	// Latent is the law of the decoded latents: "prior" (z ~ p(z|y=k)) or
	// "posterior" (the Gaussian fitted to the encoder means of the cluster's
	// patches); see ExportOptions.Latent.
	Latent string `json:"latent"`
	// Residual tells whether the decoded samples carry the observation noise
	// of the reconstruction residuals (see ExportOptions.NoResidual).
	Residual bool `json:"residual_noise"`
	// Recentred tells whether the samples were shifted onto the cluster's
	// data mean: Calibration "mean" or "moments" (ExportOptions.Calibrate;
	// ExportOptions.Recenter is "mean").
	Recentred bool `json:"recentred,omitempty"`
	// Calibration is ExportOptions.Calibrate: "none", "mean" (Recentred) or
	// "moments" (mean and std of the decoded features set to the data's).
	Calibration string `json:"calibration,omitempty"`
	// PSBinEdges are the half-octave bin edges of "ps" (cycles per patch).
	PSBinEdges []float64 `json:"ps_bin_edges"`
	// Source records where the models come from.
	Source ModelSource `json:"source"`
	// Members describes the members of component_<k>.npz (documentation).
	Members map[string]string `json:"npz_members,omitempty"`
	// PatchPriors lists the components' pixel patch priors
	// (patch_prior_<k>.npz, PatchPrior; written when ExportOptions.PatchPrior
	// is set). Optional: absent in folders exported without them or
	// before them, which load and separate as before; the format version
	// is unchanged.
	PatchPriors *ModelPatchPriors `json:"patch_priors,omitempty"`
	// FeatureFilters lists the folder's feature filters
	// (feature_filter_<a>_<b>.npz, FeatureFilter; written when
	// ExportOptions.FeatureFilter is set). Optional like PatchPriors; a
	// filter refines the patch-prior estimate, so records without
	// PatchPriors are refused when used (LoadFeatureFilters, and separation
	// in patch-prior mode auto) and by Write; LoadModels loads the folder.
	FeatureFilters []ModelFeatureFilter `json:"feature_filters,omitempty"`
	// Export records the options the folder was exported with
	// (ModelExportOptions, key "export_options": dataset as given, samples,
	// seed, covariance, latent, residual noise, calibration, outliers,
	// force, patch-prior and feature-filter options), written by
	// ExportModels so that the folder can be exported again. Optional: nil
	// in folders exported before it (fixd23) and in hand-written ones,
	// which load as before; the format version is unchanged.
	Export *ModelExportOptions `json:"export_options,omitempty"`
}

// ModelLabels is the label table of the statistic (stlayer.Labels): Columns
// names the integer columns, Rows[i] their values for coefficient i (−1 where
// a column does not apply) and Class[i] its class. Values lists, per class,
// the columns in which −1 is a value rather than "does not apply" (wph's
// scaling moments "L" at j1 = j2 = −1; stlayer.Labels.Values); absent in
// manifests written before it existed, which then read as none.
type ModelLabels struct {
	Columns []string            `json:"columns"`
	Class   []string            `json:"class"`
	Rows    [][]int             `json:"rows"`
	Values  map[string][]string `json:"values,omitempty"`
}

// ModelFeatures describes the feature vector: Columns[f] names feature f
// (coefficient index and part), and Mean, Std are the per-feature z-scoring of
// the run (normalised = (x − Mean)/Std).
type ModelFeatures struct {
	Dim     int                      `json:"dim"`
	Columns []datasets.FeatureColumn `json:"columns"`
	Mean    []float64                `json:"mean"`
	Std     []float64                `json:"std"`
	// Decoded lists the features the VAE was trained on (and decodes) when
	// the run used a subset of the dataset's features (stkit train
	// --features/--drop); the other features of each sample are those of a
	// random patch of the cluster. Absent when the run used every feature.
	Decoded []int `json:"decoded,omitempty"`
}

// ModelCluster is one component: its index K, weight (fraction of the
// dataset's patches assigned to it by argmax q(y|x)), Count (their number),
// MeanConfidence (mean of max_k q(y|x) over them), File (the archive) and
// PSFrom ("cluster" or "all", see the format).
type ModelCluster struct {
	K              int     `json:"k"`
	Weight         float64 `json:"weight"`
	Count          int     `json:"count"`
	MeanConfidence float64 `json:"mean_confidence"`
	File           string  `json:"file"`
	PSFrom         string  `json:"ps_from"`
	// Sources counts the component's patches per source map file of the
	// dataset (ModelSource.Sources), largest first: which maps the
	// component was learned from, readable without the dataset (absent in
	// manifests written before it, and for an empty component).
	Sources []SourceCount `json:"sources,omitempty"`
	// SpectrumOutliers are the component's patches whose power spectrum lies
	// far from its other patches' (ExportModels; rows, source files, robust
	// distances, and whether they were left out of its moments,
	// ExportOptions.DropOutliers); absent when none, and in manifests
	// written before it.
	SpectrumOutliers *ComponentSpectrumOutliers `json:"spectrum_outliers,omitempty"`
}

// SourceCount is a number of patches cut from one source map file.
type SourceCount struct {
	File  string `json:"file"`
	Count int    `json:"count"`
}

// clusterSources counts the patches rows of ps per source file, largest
// first (ties in the dataset's source order).
func clusterSources(ps *datasets.PatchSet, rows []int) []SourceCount {
	if ps == nil || len(rows) == 0 {
		return nil
	}
	count := make([]int, len(ps.Sources))
	for _, i := range rows {
		if i < 0 || i >= len(ps.Patches) || ps.Patches[i].Source < 0 || ps.Patches[i].Source >= len(count) {
			return nil
		}
		count[ps.Patches[i].Source]++
	}
	var out []SourceCount
	for s, n := range count {
		if n > 0 {
			out = append(out, SourceCount{File: ps.Sources[s], Count: n})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Count > out[b].Count })
	return out
}

// ModelSource records the training run and dataset of the models.
type ModelSource struct {
	Run        string `json:"run"`
	Checkpoint string `json:"checkpoint"`
	Epoch      int    `json:"epoch"`
	Step       int64  `json:"step"`
	// Dataset is the dataset folder (absolute path when known);
	// DatasetFingerprint its manifest fingerprint.
	Dataset            string `json:"dataset"`
	DatasetFingerprint string `json:"dataset_fingerprint"`
	// Sources are the dataset's source map files, as its manifest records
	// them (absent in manifests written before it).
	Sources []string `json:"sources,omitempty"`
	// BUnit and PixelScale are the training patches' FITS BUNIT and pixel
	// scale, copied by ExportModels from the dataset manifest
	// (datasets.DatasetManifest's fields of the same names and JSON keys)
	// when every source has the same; else BUnits and PixelScales, one per
	// source in Sources' order ("" and null where a source has none).
	// Absent when no source has one (.npy, .npz sources) and in manifests
	// written before them, which load all the same (TrainingUnits then
	// reads the dataset's manifest). Optional keys: the format version is
	// unchanged, and readers that ignore unknown keys read the manifest as
	// before.
	BUnit       string                 `json:"bunit,omitempty"`
	BUnits      []string               `json:"bunits,omitempty"`
	PixelScale  *datasets.PixelScale   `json:"pixel_scale,omitempty"`
	PixelScales []*datasets.PixelScale `json:"pixel_scales,omitempty"`
	// DataFingerprintMatch tells whether the run's recorded training-matrix
	// fingerprint equals that of the dataset's z-scored features (false when
	// the run trained on another selection or normalisation).
	DataFingerprintMatch bool `json:"data_fingerprint_match"`
	// VAE is the model configuration of the run.
	VAE vae.Config `json:"vae"`
	// SkippedCheckpoints: the errors of newer checkpoints of the run that
	// could not be read and were passed over (absent when none).
	SkippedCheckpoints []string `json:"skipped_checkpoints,omitempty"`
}

// ComponentModel is one component's learned model in memory (the arrays of
// component_<k>.npz; see the format above for units and shapes).
type ComponentModel struct {
	K           int
	Mean, Std   []float64 // [D]
	Cov         []float64 // [D·D] row-major, nil when not stored
	Samples     []float64 // [S·D]
	ResidualStd []float64 // [D]
	S           int
	Latents     []float64 // [S·Z]
	CoeffMean   []complex128
	CoeffStd    []float64
	DataMean    []float64
	DataStd     []float64
	PatchIndex  []int
	DataChi2    []float64
	DataChi2Amp []float64
	PS, PSK     []float64
	PSLogMean   []float64
	PSLogStd    []float64
	// PSCornerLog is nil or [mean, std] of the log corner power of the
	// cluster's patches (member ps_corner_log; models exported before it
	// lack it).
	PSCornerLog []float64
	// PSCornerRings is nil or [mean₀, std₀, mean₁, std₁] of the log power
	// of the corner's two rings (member ps_corner_rings [2, 2], row r = ring
	// r; models exported before it lack it).
	PSCornerRings []float64
	PixelMoments  [4]float64
}

// ModelSet is a loaded model folder.
type ModelSet struct {
	Dir        string
	Manifest   *ModelManifest
	Components []*ComponentModel
	// PatchPriors[k] is component k's patch prior (nil: none). Write writes
	// those that are non-nil (Manifest.PatchPriors names their files);
	// LoadModels leaves it nil: LoadPatchPriors reads them.
	PatchPriors []*PatchPrior
	// FeatureFilters[i] is the filter of Manifest.FeatureFilters[i];
	// LoadModels leaves it nil: LoadFeatureFilters reads them.
	FeatureFilters []*FeatureFilter
}

// Component returns component k (an error names the valid range).
func (ms *ModelSet) Component(k int) (*ComponentModel, error) {
	if ms == nil || ms.Manifest == nil {
		return nil, inputErrorf("no models (nil model set or manifest)")
	}
	if k < 0 || k >= len(ms.Components) {
		return nil, inputErrorf("component %d does not exist (the models have components 0…%d)", k, len(ms.Components)-1)
	}
	return ms.Components[k], nil
}

// Op rebuilds the statistic of the models for patch_size² maps, with the
// stored reference normalisation.
func (ms *ModelSet) Op() (stats.Op, error) {
	if ms == nil || ms.Manifest == nil {
		return nil, inputErrorf("no models (nil model set or manifest)")
	}
	p := ms.Manifest.PatchSize
	return stats.BuildStored(ms.Manifest.Spec, p, p, ms.Manifest.Reference)
}

// Labels returns the label table as stlayer.Labels.
func (ms *ModelSet) Labels() *stlayer.Labels {
	l := ms.Manifest.Labels
	return &stlayer.Labels{Columns: l.Columns, Class: l.Class, Rows: l.Rows, Values: l.Values}
}

// Window returns the apodisation window of the training patches (nil: none,
// and for Window "moisan", which tapers nothing: its patches are periodic
// components, see ModelManifest.Window).
func (ms *ModelSet) Window() []float64 {
	if ms.Manifest.Window != "tukey" {
		return nil
	}
	return datasets.TukeyWindow(ms.Manifest.PatchSize, ms.Manifest.WindowAlpha)
}

// Coefficients turns a feature vector (len D, un-normalised) into the complex
// coefficient vector (len NCoeffs): c = x_re + i·x_im, with x_im = 0 for
// coefficients without an "im" column.
func (ms *ModelSet) Coefficients(x []float64) []complex128 {
	return featuresToCoeffs(ms.Manifest.Features.Columns, ms.Manifest.NCoeffs, x)
}

func featuresToCoeffs(cols []datasets.FeatureColumn, nc int, x []float64) []complex128 {
	c := make([]complex128, nc)
	for f, col := range cols {
		if col.Part == "im" {
			c[col.Coeff] += complex(0, x[f])
		} else {
			c[col.Coeff] += complex(x[f], 0)
		}
	}
	return c
}

// coeffStd returns σ_c = sqrt(Σ_parts std_f²) per complex coefficient.
func coeffStd(cols []datasets.FeatureColumn, nc int, std []float64) []float64 {
	v := make([]float64, nc)
	for f, col := range cols {
		v[col.Coeff] += std[f] * std[f]
	}
	for i := range v {
		v[i] = math.Sqrt(v[i])
	}
	return v
}

// LoadModels reads a model folder written by ExportModels (or any writer of
// the format). A manifest of another format or version gives an error wrapping
// ErrModelVersion; missing members, inconsistent shapes, labels other than
// the statistic's and a feature table naming a coefficient part twice are
// errors naming the file. Every error matches ErrModelInput.
func LoadModels(dir string) (*ModelSet, error) {
	ms, err := loadModels(dir)
	return ms, asInput(err)
}

func loadModels(dir string) (*ModelSet, error) {
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: not a model folder (no %s; make one with `stkit export`)", dir, ModelManifestFile)
		}
		return nil, err
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s: %w (truncated or damaged file? re-export the models with `stkit export`)", filepath.Join(dir, ModelManifestFile), err)
	}
	if head.Format != ModelFormatName {
		return nil, fmt.Errorf("%s: %w: format %q, want %q", filepath.Join(dir, ModelManifestFile), ErrModelVersion, head.Format, ModelFormatName)
	}
	if head.Version != ModelFormatVersion {
		return nil, fmt.Errorf("%s: %w: version %d, this stkit reads version %d (re-export the models with this stkit's `stkit export`)",
			filepath.Join(dir, ModelManifestFile), ErrModelVersion, head.Version, ModelFormatVersion)
	}
	var man ModelManifest
	if err := json.Unmarshal(b, &man); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ModelManifestFile), err)
	}
	man.Spec = manifestSpec(man.Spec) // older manifests store scov/spectra norm "none"
	if err := man.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ModelManifestFile), err)
	}
	ms := &ModelSet{Dir: dir, Manifest: &man}
	op, err := ms.Op()
	if err != nil {
		return nil, fmt.Errorf("%s: statistic %s: %w", filepath.Join(dir, ModelManifestFile), man.Spec, err)
	}
	if n := op.Labels().Len(); n != man.NCoeffs {
		return nil, fmt.Errorf("%s: statistic %s has %d coefficients, the manifest %d", filepath.Join(dir, ModelManifestFile), man.Spec, n, man.NCoeffs)
	}
	// The per-class uses of the labels (amplitude mask, P00 spectrum shift,
	// scale masks) read the manifest's table: it must be the statistic's,
	// not merely as long (models of another coefficient layout).
	if err := sameLabels(op.Labels(), &man.Labels); err != nil {
		return nil, fmt.Errorf("%s: the labels do not match statistic %s: %w (models of another coefficient layout? re-export them with this stkit's `stkit export`)", filepath.Join(dir, ModelManifestFile), man.Spec, err)
	}
	for i, cl := range man.Clusters {
		c, err := readComponent(filepath.Join(dir, cl.File), &man)
		if err != nil {
			return nil, err
		}
		c.K = i
		ms.Components = append(ms.Components, c)
	}
	return ms, nil
}

// sameLabels returns an error naming the first difference between the
// label table of a statistic and that of a manifest.
func sameLabels(op *stlayer.Labels, man *ModelLabels) error {
	if !slices.Equal(op.Columns, man.Columns) {
		return fmt.Errorf("label columns %v, the statistic's %v", man.Columns, op.Columns)
	}
	for i := range op.Class {
		if op.Class[i] != man.Class[i] || !slices.Equal(op.Rows[i], man.Rows[i]) {
			return fmt.Errorf("label %d is %s %v, the statistic's %s %v", i, man.Class[i], man.Rows[i], op.Class[i], op.Rows[i])
		}
	}
	return nil
}

// manifestSpec returns s with its normalisation spelled as it is meant and
// printed: for scov and spectra a Norm "none" (or "") is the P00
// normalisation (stats.Spec.Norm) and becomes "p00", the form Spec.String
// and `stkit export` show; other values and other families are unchanged.
// ExportModels stores this form; LoadModels applies it to what it reads, so a
// manifest written before (spec.norm "none") reads as "p00" too.
func manifestSpec(s stats.Spec) stats.Spec {
	if (s.Kind == stats.SCov || s.Kind == stats.Spectra) && (s.Norm == "none" || s.Norm == "") {
		s.Norm = "p00"
	}
	return s
}

func (m *ModelManifest) check() error {
	d := m.Features.Dim
	switch {
	case m.PatchSize < 8:
		return fmt.Errorf("patch_size %d", m.PatchSize)
	case d < 1 || len(m.Features.Columns) != d || len(m.Features.Mean) != d || len(m.Features.Std) != d:
		return fmt.Errorf("features: dim %d with %d columns, %d means, %d stds", d, len(m.Features.Columns), len(m.Features.Mean), len(m.Features.Std))
	case m.NCoeffs < 1 || len(m.Labels.Rows) != m.NCoeffs || len(m.Labels.Class) != m.NCoeffs:
		return fmt.Errorf("labels: %d rows and %d classes for %d coefficients", len(m.Labels.Rows), len(m.Labels.Class), m.NCoeffs)
	case len(m.Clusters) == 0:
		return fmt.Errorf("no clusters")
	case len(m.PSBinEdges) < 2:
		return fmt.Errorf("ps_bin_edges has %d entries", len(m.PSBinEdges))
	case m.Window != "" && m.Window != "none" && m.Window != "tukey" && m.Window != "moisan":
		return fmt.Errorf("window %q: want none, tukey or moisan", m.Window)
	case !(m.WindowAlpha >= 0 && m.WindowAlpha <= 1):
		return fmt.Errorf("window_alpha %g is outside [0, 1]", m.WindowAlpha)
	}
	// The spectra are matched bin by bin with PSOp on patches: the bins must
	// be those of IsoPowerSpectrum at the patch size.
	ref := IsoPowerSpectrum(make([]float64, m.PatchSize*m.PatchSize), m.PatchSize, m.PatchSize).Edges
	if len(ref) != len(m.PSBinEdges) {
		return fmt.Errorf("ps_bin_edges has %d entries, the half-octave bins of %d² patches %d", len(m.PSBinEdges), m.PatchSize, len(ref))
	}
	for i, e := range m.PSBinEdges {
		if !(math.Abs(e-ref[i]) <= 1e-9*ref[i]) {
			return fmt.Errorf("ps_bin_edges[%d] = %g, the half-octave bins of %d² patches have %g", i, e, m.PatchSize, ref[i])
		}
	}
	// Each coefficient part is one feature: a part named twice would be
	// added twice into the coefficient (featuresToCoeffs, coeffStd), its
	// mean and std doubled and the model wrong without any sign.
	first := map[datasets.FeatureColumn]int{}
	for f, c := range m.Features.Columns {
		if c.Coeff < 0 || c.Coeff >= m.NCoeffs || (c.Part != "re" && c.Part != "im") {
			return fmt.Errorf("feature column %d (%+v) does not name a coefficient part", f, c)
		}
		key := datasets.FeatureColumn{Coeff: c.Coeff, Part: c.Part}
		if g, ok := first[key]; ok {
			return fmt.Errorf("feature columns %d and %d are both %q (the %s part of coefficient %d, class %s): each coefficient part may be one feature only (a damaged or hand-edited manifest? re-export the models with `stkit export`)",
				g, f, c.Name, c.Part, c.Coeff, m.Labels.Class[c.Coeff])
		}
		first[key] = f
	}
	for i, c := range m.Clusters {
		if c.K != i || c.File == "" || filepath.Base(c.File) != c.File {
			return fmt.Errorf("cluster %d: k %d, file %q", i, c.K, c.File)
		}
	}
	return nil
}

func readComponent(path string, man *ModelManifest) (*ComponentModel, error) {
	arrs, err := datasets.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	byName := map[string]*datasets.Array{}
	for _, a := range arrs {
		byName[a.Name] = a.Array
	}
	d := man.Features.Dim
	nb := len(man.PSBinEdges) - 1
	get := func(name string, optional bool, shape ...int) ([]float64, []int, error) {
		a, ok := byName[name]
		if !ok {
			if optional {
				return nil, nil, nil
			}
			return nil, nil, fmt.Errorf("%s: member %q is missing", path, name)
		}
		// A string member (numpy '<U', Array.Strings) has no Float64 data:
		// taken as numbers it would be a required member read as empty or
		// an optional one read as absent.
		if a.IsString() {
			return nil, nil, fmt.Errorf("%s: member %q holds strings (numpy '<U', shape %v), want real numbers (a damaged or hand-edited model file? re-export the models with `stkit export`)", path, name, a.Shape)
		}
		if a.IsComplex() {
			return nil, nil, fmt.Errorf("%s: member %q is complex, want real", path, name)
		}
		if len(a.Shape) != len(shape) {
			return nil, nil, fmt.Errorf("%s: member %q has shape %v, want %d dimensions", path, name, a.Shape, len(shape))
		}
		for i, s := range shape {
			if s >= 0 && a.Shape[i] != s {
				return nil, nil, fmt.Errorf("%s: member %q has shape %v, want %v (−1: any)", path, name, a.Shape, shape)
			}
		}
		// Corrupt values are refused here rather than met later as a NaN
		// loss or a silently ignored spectrum bin.
		for i, v := range a.Float64 {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("%s: member %q holds %v at flat index %d", path, name, v, i)
			}
			if nonNegativeMembers[name] && v < 0 {
				return nil, nil, fmt.Errorf("%s: member %q holds %v at flat index %d, want ≥ 0", path, name, v, i)
			}
			if name == "patch_index" && v != math.Trunc(v) {
				return nil, nil, fmt.Errorf("%s: member %q holds %v at flat index %d, want an integer", path, name, v, i)
			}
		}
		return a.Float64, a.Shape, nil
	}
	c := &ComponentModel{}
	if c.Mean, _, err = get("mean", false, d); err != nil {
		return nil, err
	}
	if c.Std, _, err = get("std", false, d); err != nil {
		return nil, err
	}
	if c.Cov, _, err = get("cov", !man.Covariance, d, d); err != nil {
		return nil, err
	}
	var sh []int
	if c.Samples, sh, err = get("samples", false, -1, d); err != nil {
		return nil, err
	}
	c.S = sh[0]
	if c.Latents, _, err = get("latents", true, c.S, -1); err != nil {
		return nil, err
	}
	if c.ResidualStd, _, err = get("residual_std", true, d); err != nil {
		return nil, err
	}
	if c.DataMean, _, err = get("data_mean", true, d); err != nil {
		return nil, err
	}
	if c.DataStd, _, err = get("data_std", true, d); err != nil {
		return nil, err
	}
	idx, _, err := get("patch_index", true, -1)
	if err != nil {
		return nil, err
	}
	for _, v := range idx {
		c.PatchIndex = append(c.PatchIndex, int(v))
	}
	if c.DataChi2, _, err = get("data_chi2", true, len(idx)); err != nil {
		return nil, err
	}
	if c.DataChi2Amp, _, err = get("data_chi2_amp", true, len(idx)); err != nil {
		return nil, err
	}
	if c.PS, _, err = get("ps", false, nb); err != nil {
		return nil, err
	}
	if c.PSK, _, err = get("ps_k", false, nb); err != nil {
		return nil, err
	}
	if c.PSLogMean, _, err = get("ps_logmean", true, nb); err != nil {
		return nil, err
	}
	if c.PSLogStd, _, err = get("ps_logstd", true, nb); err != nil {
		return nil, err
	}
	if c.PSCornerLog, _, err = get("ps_corner_log", true, 2); err != nil {
		return nil, err
	}
	if c.PSCornerRings, _, err = get("ps_corner_rings", true, 2, 2); err != nil {
		return nil, err
	}
	if c.PSLogMean == nil {
		for _, v := range c.PS {
			c.PSLogMean = append(c.PSLogMean, math.Log(math.Max(v, 1e-300)))
		}
	}
	pm, _, err := get("pixel_moments", false, 4)
	if err != nil {
		return nil, err
	}
	copy(c.PixelMoments[:], pm)
	// coeff_mean / coeff_std are derived; recompute them from mean/std so that
	// a writer need not provide them (and they cannot disagree).
	c.CoeffMean = featuresToCoeffs(man.Features.Columns, man.NCoeffs, c.Mean)
	c.CoeffStd = coeffStd(man.Features.Columns, man.NCoeffs, c.Std)
	for i, v := range c.Mean {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(c.Std[i]) || c.Std[i] < 0 {
			return nil, fmt.Errorf("%s: mean/std of feature %d (%s) is not finite", path, i, man.Features.Columns[i].Name)
		}
	}
	return c, nil
}

// nonNegativeMembers are the members of a component file that hold stds,
// powers or indices.
var nonNegativeMembers = map[string]bool{"std": true, "residual_std": true, "data_std": true, "ps": true, "ps_k": true,
	"ps_logstd": true, "coeff_std": true, "patch_index": true, "data_chi2": true, "data_chi2_amp": true}

// checkComponent verifies that component i of the set can be written in the
// format (the shapes LoadModels reads back).
func (ms *ModelSet) checkComponent(i int, c *ComponentModel) error {
	man := ms.Manifest
	d, nb := man.Features.Dim, len(man.PSBinEdges)-1
	switch {
	case c == nil:
		return fmt.Errorf("component %d: nil", i)
	case len(c.Mean) != d || len(c.Std) != d:
		return fmt.Errorf("component %d: %d means and %d stds for %d features", i, len(c.Mean), len(c.Std), d)
	case c.S < 0 || len(c.Samples) != c.S*d:
		return fmt.Errorf("component %d: %d sample values for %d samples of %d features", i, len(c.Samples), c.S, d)
	case man.Covariance && len(c.Cov) != d*d:
		return fmt.Errorf("component %d: covariance has %d entries, want %d", i, len(c.Cov), d*d)
	case c.ResidualStd != nil && len(c.ResidualStd) != d:
		return fmt.Errorf("component %d: %d residual stds for %d features", i, len(c.ResidualStd), d)
	case c.DataMean != nil && (len(c.DataMean) != d || len(c.DataStd) != d):
		return fmt.Errorf("component %d: %d data means and %d data stds for %d features", i, len(c.DataMean), len(c.DataStd), d)
	case len(c.Latents) > 0 && (c.S == 0 || len(c.Latents)%c.S != 0):
		return fmt.Errorf("component %d: %d latent values for %d samples", i, len(c.Latents), c.S)
	case len(c.PS) != nb || len(c.PSK) != nb || (c.PSLogMean != nil && len(c.PSLogMean) != nb):
		return fmt.Errorf("component %d: %d spectrum values, %d mean |k| and %d log means for %d bins", i, len(c.PS), len(c.PSK), len(c.PSLogMean), nb)
	}
	return nil
}

// Write writes the model set into the model folder dir: manifest.json and
// one component file (ModelCluster.File, component_<k>.npz by ExportModels)
// per component. Derived members (coeff_mean, coeff_std) are recomputed from
// Mean and Std; a nil PSLogMean is derived from PS as LoadModels does.
//
// The files are written into a hidden temporary folder beside dir
// (".<name>.export-<pid>-<n>", on the same filesystem; missing parent
// folders are created) and installed only once all of them are complete. A
// new dir is that folder renamed, one step: a write that fails before it
// leaves no dir and removes the parent folders it made (a killed one leaves
// them, and its temporary folder, removed by the next write). Into an
// existing folder the install is a series of steps: the old manifest is
// removed, the new component (and patch-prior, feature-filter) files are
// renamed in one by one, those of the old set the new one does not have are
// removed and the new manifest is renamed in last, so that no reader sees
// the old manifest over new components; the folder's other files are kept.
// A write that fails or is killed before that install (disk full, an error
// while writing the temporary folder) leaves dir as it was, an earlier
// export loadable; so does a failure to remove the old manifest. Once the
// old manifest is removed, dir has no manifest.json until the new one is
// renamed in: a failed rename returns an error matching
// ErrModelFolderIncomplete, and a process killed there leaves dir without a
// manifest (with some new files renamed in), which LoadModels refuses until
// the models are written again.
// Temporaries left behind by a killed write to the same dir (folders
// ".<name>.export-<pid>-<n>" whose process no longer runs beside dir, files
// ".manifest.json.tmp<n>" and ".component_<k>.npz.tmp<n>" of older versions
// inside it) are removed first; nothing else is.
//
// dir must be new, empty, a model folder (a manifest.json of format
// ModelFormatName, any version, or a damaged manifest.json beside
// component_<k>.npz files) or a folder holding only component_<k>.npz,
// patch_prior_<k>.npz and feature_filter_<a>_<b>.npz files (a model folder
// whose manifest was lost, or an install stopped as above). Any other folder — a patch
// dataset, a training run, another tool's manifest.json, a folder of other
// files — is refused with an error matching ErrModelInput, before anything
// is written, as are a nil manifest, a manifest that LoadModels would refuse,
// component file names that are not distinct plain names, a number of
// components other than of clusters and component arrays of the wrong
// lengths.
//
// ms.Manifest is not changed: the manifest written is a copy, with the
// format and version set (ModelFormatName, ModelFormatVersion), npz_members
// filled in where nil, and no patch_priors record for a set without its
// priors (ModelSet.PatchPriors nil and Manifest.PatchPriors nil or naming
// no file). A manifest naming prior files that the set has not loaded and
// cannot read (Dir "") is refused, naming them; with a Dir they are read
// from it and written too.
func (ms *ModelSet) Write(dir string) error {
	if ms == nil || ms.Manifest == nil {
		return inputErrorf("model set: no manifest (nil)")
	}
	if err := ms.Manifest.check(); err != nil {
		return inputErrorf("model manifest: %w", err)
	}
	if len(ms.Components) != len(ms.Manifest.Clusters) {
		return inputErrorf("model set: %d components for %d clusters", len(ms.Components), len(ms.Manifest.Clusters))
	}
	files := map[string]bool{}
	for _, cl := range ms.Manifest.Clusters {
		if cl.File == ModelManifestFile || strings.HasPrefix(cl.File, ".") || files[cl.File] {
			return inputErrorf("model manifest: cluster %d: file %q (want a distinct name other than %s, not starting with a dot)", cl.K, cl.File, ModelManifestFile)
		}
		files[cl.File] = true
	}
	for i, c := range ms.Components {
		if err := ms.checkComponent(i, c); err != nil {
			return inputErrorf("model set: %w", err)
		}
	}
	target, err := checkModelDir(dir)
	if err != nil {
		return err
	}
	removeStaleModelTemps(target)
	tmp, cleanup, err := newModelTemp(target)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := ms.writeFiles(tmp); err != nil {
		return err
	}
	return installModelDir(tmp, target, dir)
}

// writeHook, when set (by tests), is called with the path of every file
// Write is about to write into its temporary folder; an error fails the
// write there, as a full disk would.
var writeHook func(path string) error

// writeFiles writes the component files and the manifest (last) into dir.
// The manifest written is a copy of ms.Manifest (writeManifest): what
// Write fills in or leaves out there (format and version, npz_members,
// patch_priors without loaded priors) leaves the caller's manifest as it was.
func (ms *ModelSet) writeFiles(dir string) error {
	write := func(name string, f func(path string) error) error {
		path := filepath.Join(dir, name)
		if writeHook != nil {
			if err := writeHook(path); err != nil {
				return err
			}
		}
		return f(path)
	}
	man := ms.writeManifest()
	if man.Members == nil {
		man.Members = modelMembersDoc
	}
	d := man.Features.Dim
	for i, c := range ms.Components {
		cl := man.Clusters[i]
		f64 := func(name string, v []float64, shape ...int) datasets.NamedArray {
			return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: "float64", Shape: shape, Float64: v}}
		}
		arrs := []datasets.NamedArray{
			f64("mean", c.Mean, d),
			f64("std", c.Std, d),
		}
		if man.Covariance {
			arrs = append(arrs, f64("cov", c.Cov, d, d))
		}
		arrs = append(arrs, f64("samples", c.Samples, c.S, d))
		if len(c.ResidualStd) == d {
			arrs = append(arrs, f64("residual_std", c.ResidualStd, d))
		}
		if c.S > 0 && len(c.Latents) > 0 {
			arrs = append(arrs, datasets.NamedArray{Name: "latents", Array: &datasets.Array{DType: "float32", Shape: []int{c.S, len(c.Latents) / c.S}, Float64: c.Latents}})
		}
		arrs = append(arrs,
			datasets.NamedArray{Name: "coeff_mean", Array: &datasets.Array{DType: "complex128", Shape: []int{man.NCoeffs}, Complex128: featuresToCoeffs(man.Features.Columns, man.NCoeffs, c.Mean)}},
			f64("coeff_std", coeffStd(man.Features.Columns, man.NCoeffs, c.Std), man.NCoeffs))
		if c.DataMean != nil {
			arrs = append(arrs, f64("data_mean", c.DataMean, d), f64("data_std", c.DataStd, d))
		}
		idx := make([]float64, len(c.PatchIndex))
		for j, v := range c.PatchIndex {
			idx[j] = float64(v)
		}
		logMean := c.PSLogMean
		if logMean == nil {
			for _, v := range c.PS {
				logMean = append(logMean, math.Log(math.Max(v, 1e-300)))
			}
		}
		arrs = append(arrs,
			datasets.NamedArray{Name: "patch_index", Array: &datasets.Array{DType: "int64", Shape: []int{len(idx)}, Float64: idx}},
			f64("ps", c.PS, len(c.PS)), f64("ps_k", c.PSK, len(c.PSK)), f64("ps_logmean", logMean, len(logMean)),
			f64("pixel_moments", c.PixelMoments[:], 4))
		if len(c.PSLogStd) == len(c.PS) {
			arrs = append(arrs, f64("ps_logstd", c.PSLogStd, len(c.PSLogStd)))
		}
		if len(c.PSCornerLog) == 2 {
			arrs = append(arrs, f64("ps_corner_log", c.PSCornerLog, 2))
		}
		if len(c.PSCornerRings) == 4 {
			arrs = append(arrs, f64("ps_corner_rings", c.PSCornerRings, 2, 2))
		}
		if len(c.DataChi2) == len(idx) && len(c.DataChi2Amp) == len(idx) {
			arrs = append(arrs, f64("data_chi2", c.DataChi2, len(idx)), f64("data_chi2_amp", c.DataChi2Amp, len(idx)))
		}
		if err := write(cl.File, func(p string) error { return datasets.WriteNPZ(p, arrs, false) }); err != nil {
			return err
		}
	}
	if err := ms.writePatchPriors(man, dir, write); err != nil {
		return err
	}
	if err := ms.writeFeatureFilters(man, dir, write); err != nil {
		return err
	}
	b, err := json.MarshalIndent(man, "", " ")
	if err != nil {
		return err
	}
	return write(ModelManifestFile, func(p string) error { return plotx.WriteFileAtomic(p, append(b, '\n')) })
}

// writeManifest returns the copy of ms.Manifest that Write fills in and
// writes (format and version set; its patch_priors record and
// feature_filters records copied too, as writePatchPriors and
// writeFeatureFilters change them).
func (ms *ModelSet) writeManifest() *ModelManifest {
	man := *ms.Manifest
	man.Format, man.Version = ModelFormatName, ModelFormatVersion
	if man.PatchPriors != nil {
		pr := *man.PatchPriors
		man.PatchPriors = &pr
	}
	man.FeatureFilters = slices.Clone(man.FeatureFilters)
	return &man
}

// componentRE matches the component files ExportModels writes.
var componentRE = regexp.MustCompile(`^component_\d+\.npz$`)

// IsComponentFile reports whether a file name (base name, no folder) is a
// component file of a model folder, component_<k>.npz (the other file of the
// folder is ModelManifestFile).
func IsComponentFile(name string) bool { return componentRE.MatchString(name) }

// staleInsideRE matches the temporary files that atomic writes of a
// manifest or component file directly into a model folder (stkit before the
// temporary folder) left when killed.
var staleInsideRE = regexp.MustCompile(`^\.(manifest\.json|component_\d+\.npz)\.tmp\d+$`)

// checkModelDir checks that Write may install a model set in dir (see Write)
// and returns the folder to install into: dir with symbolic links resolved
// (so that the temporary folder lies on its filesystem), made absolute.
func checkModelDir(dir string) (string, error) {
	if dir == "" {
		return "", inputErrorf("model folder: empty name")
	}
	target := filepath.Clean(dir)
	if r, err := filepath.EvalSymlinks(target); err == nil {
		target = r
	}
	if a, err := filepath.Abs(target); err == nil {
		target = a // "." has a parent to put the temporary folder in
	}
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(target); lerr == nil {
			return "", inputErrorf("model folder %s is a symbolic link to a missing folder", dir)
		}
		return target, nil
	case errors.Is(err, syscall.ENOTDIR):
		return "", inputErrorf("model folder %s: a parent is a file, not a folder", dir)
	case err != nil:
		return "", fmt.Errorf("model folder %s: %w", dir, err)
	case !st.IsDir():
		return "", inputErrorf("model folder %s is a file, not a folder", dir)
	}
	ents, err := os.ReadDir(target)
	if err != nil {
		return "", fmt.Errorf("model folder %s: %w", dir, err)
	}
	components := false
	var others []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case n == ModelManifestFile || IsComponentFile(n) || isPatchPriorFile(n) || isFeatureFilterFile(n):
			// a model folder's files: also what an install stopped after
			// removing the old manifest leaves (rev3 review: the priors'
			// and filters' files made such a folder "other files")
			if e.IsDir() {
				return "", inputErrorf("model folder %s: %s is a folder; the models cannot be written over it (remove or rename it)", dir, n)
			}
			components = components || n != ModelManifestFile
		case staleInsideRE.MatchString(n):
		default:
			others = append(others, n)
		}
	}
	b, err := os.ReadFile(filepath.Join(target, ModelManifestFile))
	switch {
	case err == nil:
		var head struct {
			Format string `json:"format"`
		}
		if json.Unmarshal(b, &head) == nil && head.Format == ModelFormatName {
			return target, nil
		}
		if !json.Valid(b) && components {
			return target, nil // a damaged manifest of a model folder: rewriting repairs it
		}
		return "", inputErrorf("%s holds a manifest.json that is not a model folder's (%s): not replacing it; write the models into another folder", dir, foreignManifest(b))
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("model folder %s: %w", dir, err)
	}
	if len(others) > 0 {
		sort.Strings(others)
		list := strings.Join(others[:min(3, len(others))], ", ")
		if len(others) > 3 {
			list += ", …"
		}
		return "", inputErrorf("%s is not a model folder (no %s) and holds other files (%s): not writing models into it; choose a new or empty folder", dir, ModelManifestFile, list)
	}
	return target, nil
}

// foreignManifest says whose the manifest.json b (not a model folder's)
// looks like.
func foreignManifest(b []byte) string {
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return "not valid JSON, and no component files beside it"
	}
	_, fp := keys["fingerprint"]
	_, cs := keys["chunk_size"]
	if fp && cs {
		return "a patch dataset's"
	}
	var format string
	if json.Unmarshal(keys["format"], &format) == nil && format != "" {
		return fmt.Sprintf("format %q", format)
	}
	return "another tool's"
}

// tempPrefix is the name prefix of the temporary folders of Write for the
// model folder target.
func tempPrefix(target string) string { return "." + filepath.Base(target) + ".export-" }

// removeStaleModelTemps removes what a killed Write to target left behind:
// the temporary folders beside target (".<name>.export-<pid>-<n>" whose
// process no longer runs, and ".<name>.export-<n>" of stkit versions that
// did not record the process) and the temporary files of older versions
// inside it (staleInsideRE). Nothing else is touched; errors are ignored (a
// leftover is only clutter).
func removeStaleModelTemps(target string) {
	parent := filepath.Dir(target)
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(tempPrefix(target)) + `(?:(\d+)-)?\d+$`)
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		m := re.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		if m[1] != "" {
			if pid, err := strconv.Atoi(m[1]); err != nil || processAlive(pid) {
				continue
			}
		}
		os.RemoveAll(filepath.Join(parent, e.Name()))
	}
	ents, _ = os.ReadDir(target)
	for _, e := range ents {
		if staleInsideRE.MatchString(e.Name()) && e.Type().IsRegular() {
			os.Remove(filepath.Join(target, e.Name()))
		}
	}
}

// processAlive reports whether process pid may still run (conservative: an
// unknown answer is "yes").
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}

// newModelTemp makes the temporary folder of a Write to target, beside it
// (same filesystem, so that installing renames), creating target's missing
// parent folders. cleanup removes the temporary folder if it is still there
// and, when target was not installed, the parent folders made here (those
// still empty).
func newModelTemp(target string) (tmp string, cleanup func(), err error) {
	parent := filepath.Dir(target)
	var made []string // missing parents, innermost first
	for p := parent; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		made = append(made, p)
	}
	removeMade := func() {
		for _, p := range made {
			if os.Remove(p) != nil {
				break
			}
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		removeMade()
		return "", nil, fmt.Errorf("model folder %s: %w", target, err)
	}
	for i := 0; ; i++ {
		tmp = filepath.Join(parent, fmt.Sprintf("%s%d-%d", tempPrefix(target), os.Getpid(), rand.Uint32()))
		err = os.Mkdir(tmp, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i == 100 {
			removeMade()
			return "", nil, fmt.Errorf("model folder %s: making a temporary folder beside it: %w", target, err)
		}
	}
	return tmp, func() {
		os.RemoveAll(tmp)
		if _, err := os.Lstat(target); err != nil {
			removeMade()
		}
	}, nil
}

// installModelDir moves the complete model set of the temporary folder tmp
// into target (see Write); dir is target as the caller named it, for
// messages. Only renames and removals are left to do here.
func installModelDir(tmp, target, dir string) error {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, target); err != nil {
			return fmt.Errorf("model folder %s: %w", dir, err)
		}
		syncDir(filepath.Dir(target))
		return nil
	}
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	manifest := filepath.Join(target, ModelManifestFile)
	if err := os.Remove(manifest); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("model folder %s: removing the old manifest: %w (nothing was changed)", dir, err)
	}
	fresh := map[string]bool{}
	for _, e := range ents {
		if n := e.Name(); n != ModelManifestFile {
			fresh[n] = true
			if err := os.Rename(filepath.Join(tmp, n), filepath.Join(target, n)); err != nil {
				return fmt.Errorf("model folder %s: moving the new %s into place: %w (%w: write the models again)", dir, n, err, ErrModelFolderIncomplete)
			}
		}
	}
	old, _ := os.ReadDir(target)
	for _, e := range old {
		if n := e.Name(); (IsComponentFile(n) || isPatchPriorFile(n) || isFeatureFilterFile(n)) && !fresh[n] {
			os.Remove(filepath.Join(target, n))
		}
	}
	if err := os.Rename(filepath.Join(tmp, ModelManifestFile), manifest); err != nil {
		return fmt.Errorf("model folder %s: moving the new manifest into place: %w (%w: write the models again)", dir, err, ErrModelFolderIncomplete)
	}
	syncDir(target)
	return nil
}

// syncDir flushes a folder's entries (best effort: not every filesystem
// supports it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

var modelMembersDoc = map[string]string{
	"mean":            "[D] float64: mean of the decoded samples, un-normalised features (the statistic's values before the run's z-scoring: logs, ratios and normalisations as the manifest's class_doc says per label class)",
	"std":             "[D] float64: std of the decoded samples (ddof 1)",
	"cov":             "[D,D] float64: covariance of the decoded samples (ddof 1), when covariance is true",
	"samples":         "[S,D] float64: decoded samples, un-normalised features (as mean: see the manifest's class_doc)",
	"latents":         "[S,Z] float32: latents z of the samples (law: manifest latent)",
	"residual_std":    "[D] float64: std (ddof 1) of the reconstruction residual of the cluster's patches, un-normalised (observation noise of the samples when residual_noise)",
	"coeff_mean":      "[C] complex128: mean as complex coefficients (re + i im)",
	"coeff_std":       "[C] float64: sqrt(std_re^2 + std_im^2) per coefficient",
	"data_mean":       "[D] float64: mean of the training features of the patches assigned to the cluster",
	"data_std":        "[D] float64: their std (ddof 1)",
	"patch_index":     "[n_k] int64: dataset rows assigned to the cluster",
	"data_chi2":       "[n_k] float64: chi2 of each assigned patch under the model (mean over kept coefficients of |phi-mu|^2/sigma^2)",
	"data_chi2_amp":   "[n_k] float64: the same over the amplitude coefficients",
	"ps":              "[nb] float64: mean isotropic power spectrum of those patches (bins ps_bin_edges, cycles per patch)",
	"ps_k":            "[nb] float64: mean |k| per bin (cycles per patch)",
	"ps_logmean":      "[nb] float64: mean over the patches of log P per bin",
	"ps_logstd":       "[nb] float64: std over the patches of log P per bin",
	"ps_corner_log":   "[2] float64: mean and std over the patches of the log mean power of the modes with |k| >= p/2 (outside the bins)",
	"ps_corner_rings": "[2, 2] float64: per ring of those modes (row 0: p/2 <= |k| < 2^(1/4) p/2, row 1: |k| >= 2^(1/4) p/2), mean and std over the patches of the log mean power of the ring's modes",
	"pixel_moments":   "[4] float64: mean, std, skewness, excess kurtosis of the pixels of those patches pooled into one sample (population moments: std = sqrt(m2) with ddof 0, unlike the other stds here, skewness m3/m2^1.5, excess kurtosis m4/m2^2 - 3, m_p the central moments over all the pixels); not per-patch moments averaged",
}

// Chi2 returns the χ² of a coefficient vector under the component model:
// the mean over the kept coefficients (σ_c > 1e−9·max σ, and keep[c] when
// keep is non-nil) of |x_c − μ_c|²/σ_c². It is NaN when x, or a non-nil
// keep, does not have one entry per coefficient of the model.
func (c *ComponentModel) Chi2(x []complex128, keep []bool) float64 {
	if len(x) != len(c.CoeffMean) || len(c.CoeffStd) != len(c.CoeffMean) || (keep != nil && len(keep) != len(c.CoeffStd)) {
		return math.NaN()
	}
	w := modelWeights(c.CoeffStd, 1e-9, keep)
	s := 0.0
	for i, v := range x {
		if w[i] != 0 {
			d := v - c.CoeffMean[i]
			s += w[i] * (real(d)*real(d) + imag(d)*imag(d))
		}
	}
	return s
}

// TypicalChi2 returns the median χ² of the component's training patches
// (over all kept coefficients, or the amplitude ones with amp), or 1 when the
// model has none.
func (c *ComponentModel) TypicalChi2(amp bool) float64 {
	v := c.DataChi2
	if amp {
		v = c.DataChi2Amp
	}
	if len(v) == 0 {
		return 1
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// amplitudeMask marks the coefficients of AmplitudeClasses in the labels.
func (ms *ModelSet) amplitudeMask() []bool {
	amp := make([]bool, ms.Manifest.NCoeffs)
	for i, cl := range ms.Manifest.Labels.Class {
		amp[i] = AmplitudeClasses[cl]
	}
	return amp
}
