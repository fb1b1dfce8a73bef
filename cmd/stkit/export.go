package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/vae"
)

func init() {
	register(&command{name: "export", summary: "export per-component ST models (decoded statistics) from a trained run", run: runExport})
}

func runExport(g *globals, args []string) error {
	fs := newFlagSet(g, "export", "RUN", `Turn a trained GM-VAE run (stkit train) into per-component ST models: for
each cluster k, S latents z are drawn (--latent) and decoded, and the
decoded features un-normalised (the z-scoring of the run is undone), and their mean, std and covariance
are stored with the cluster's weight (fraction of the dataset's patches
assigned to k by argmax q(y|x)), the indices of those patches and a few data
summaries (power spectrum, pixel moments, χ² of the patches under the model).
Each decoded sample carries the observation noise of the cluster's
reconstruction residuals (x = decoder(z) + ε, --no-residual: ε = 0).
The decoded features are then calibrated on the cluster's patches
(--calibrate, default moments: per feature, the samples' mean and std set to
the patches'; correlations kept): the decoder of a GM-VAE is biased on its
own clusters (fin_s1, 64² dust I patches: +0.4 in mean log P00, +50 % power).
Each cluster's patches are checked for spectrum outliers: patches whose log
power spectrum lies far from the others' (median over the bins k ≥ 2 of
|log P − median|/(1.4826 MAD) above 5), a few patches of another family the
VAE put in the cluster (2 dust patches among 128 Quijote ones: every
log-space moment of the model is the mixture's and its samples follow
neither). A warning names the component, the dataset rows and their source
files: recluster with more --clusters (stkit train), or leave them out of
the component's moments with --drop-outliers (they stay in its patch_index
and weight). A cluster more than 20 % of whose patches come from source
files whose patches mostly went to other clusters is warned about too,
naming the files and counts (a 3-cluster run of dust I, dust Q and CIB
patches: 13 dust Q and 4 dust I among 52 CIB-cluster patches, of which the
spectrum check flagged 1): its model mixes the families.
Latents (--latent): posterior (default) draws z from the Gaussian fitted to
the encoder means of the cluster's patches; prior draws z ~ p(z|y=k) as Lei
et al. 2025, but the facvae prior variances are ≥ 1 by construction and can be
far wider than the cluster's latent region, so decoded prior samples may miss
the cluster (check "typical χ²" below and the sample reports).

MODELDIR (format version 1, readable with numpy alone; see README.md,
"Per-component model format"):
  manifest.json        format, version, ST configuration and reference, patch
                       size and window, label table, feature columns and
                       normalisation, clusters with weights, the
                       export's options (export_options), provenance
                       (with the training patches' BUNIT and pixel scale
                       when the dataset records them: source.bunit,
                       source.pixel_scale; separate --models compares
                       DATA's with them)
  component_<k>.npz    mean, std, cov, samples, latents, coeff_mean, coeff_std,
                       data_mean, data_std, residual_std, patch_index,
                       data_chi2, data_chi2_amp, ps, ps_k, ps_logmean,
                       ps_logstd, pixel_moments, ps_corner_log,
                       ps_corner_rings (cov as
                       --cov says; the manifest's npz_members describes
                       each member)

RUN is the folder stkit train wrote or its checkpoints/ folder; the newest
readable checkpoint is used. The dataset is the one recorded in the run (or
--dataset); it must be the dataset the run was trained on (same fingerprint)
unless --force. A dataset whose patches were cut with another --window or
--alpha than the run's is refused so, naming both windows, and warned about
with --force (as stkit clusters warns): the window changes every feature.
MODELDIR must be new, empty, an earlier export (its other files are kept,
its component files the new export does not have are removed) or a folder
holding only component_<k>.npz files; another folder is refused. The models
are written into a hidden temporary folder beside MODELDIR
(.MODELDIR.export-*) and moved into it when complete: an export that
fails or is interrupted before that leaves an earlier export in MODELDIR as
it was (moving the files in is a series of renames, the manifest last: a
rename failing there, rare, is an error and leaves MODELDIR without a
manifest until the next export), and the next export to MODELDIR removes
the temporary folder a killed one left.
Ctrl-C (or SIGTERM) stops the export within an EM iteration of a patch
prior or a step of a feature filter, writing nothing (exit 1); once the
final write of the models has begun it finishes (a note says so; the
folder is complete, exit 0). A second Ctrl-C quits at once.
While export runs it holds the lock file .MODELDIR.lock beside MODELDIR: a
second stkit writing MODELDIR is refused at once (exit 2), naming the first
one's process id and command (a lock left by a process that no longer runs
is taken over).`)
	out := fs.String("o", "", "output model folder (required)")
	dataset := fs.String("dataset", "", "dataset folder (default: the one recorded in the run)")
	samples := fs.Int("samples", 300, "decoded samples per component")
	seed := fs.Uint64("seed", 1, "seed of the latent draws (component k uses seed + k)")
	cov := fs.String("cov", "auto", "store the covariance of the decoded samples: auto (when ≤ 2048 features), yes, no")
	latent := fs.String("latent", infer.LatentPosterior, "law of the decoded latents: posterior (Gaussian fitted to the encoder means of the cluster's patches) or prior (z ~ p(z|y=k), Lei et al.)")
	noResidual := fs.Bool("no-residual", false, "decoded samples without the observation noise of the reconstruction residuals")
	recenter := fs.Bool("recenter", false, "same as --calibrate mean")
	calibrate := fs.String("calibrate", "", "correct the decoded features against the cluster's patches: none (the VAE's own), mean (shift onto the patches' mean: removes the decoder's bias) or moments (mean and std per feature; default, mean with --recenter)")
	dropOutliers := fs.Bool("drop-outliers", false, "build each component's moments (latent law, residual noise, calibration, data moments, spectra) without its spectrum outliers, the patches whose power spectrum lies far from its other patches' (they stay in its patch_index and weight); without it they are only warned about")
	force := fs.Bool("force", false, "accept a dataset whose fingerprint, statistic or patch window differs from the run's record (another window: with a warning)")
	patchPrior := fs.Bool("patch-prior", false, "also fit each component a pixel patch prior (Gaussian mixture over 6×6 sub-patches of its training patches; patch_prior_<k>.npz) for `stkit separate --models`: on the held-out dust + Quijote benchmark the worst-bin r rose from 0.645/0.673 to 0.775/0.802 (stkit separate --models uses them by default); 10–90 s per component with the defaults on 2 cores")
	ppK := fs.Int("patch-prior-k", 20, "mixture components of each patch prior (with --patch-prior; a prior on fewer than k·37 training rows takes one per 37 rows, and says so)")
	ppRows := fs.Int("patch-prior-rows", 30000, "at most this many training sub-patches per patch prior (with --patch-prior; fewer: faster, coarser)")
	ffPairs, ffMix := exportFeatureFilterFlags(fs) // ffilt: --feature-filter a,b
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return badInputf("export needs one RUN folder and -o MODELDIR")
	}
	// kcap25: a prior takes ⌊rows/37⌋ components on fewer than k·37 rows
	// (infer.PatchPriorOptions.KFor), so rows ≥ 2·k no longer matters;
	// fewer than 37 rows fit none
	if need := (infer.PatchPriorOptions{K: *ppK, MaxRows: *ppRows}).MinRows(); *ppK < 1 || *ppRows < need {
		return badInputf("--patch-prior-k %d, --patch-prior-rows %d: want k ≥ 1 and rows ≥ %d (each mixture component must hold P² + 1 = %d training rows of 6×6 pixels; fewer than k·%d rows fit fewer components)", *ppK, *ppRows, need, need, need)
	}
	var ppOpt *infer.PatchPriorOptions
	if *patchPrior {
		ppOpt = &infer.PatchPriorOptions{K: *ppK, MaxRows: *ppRows}
	}
	pairs, err := parseExportFeatureFilter(*ffPairs, *patchPrior, *ffMix)
	if err != nil {
		return err
	}
	if *samples < 2 {
		return badInputf("--samples %d: want ≥ 2 decoded samples per component (their std is stored)", *samples)
	}
	if *latent != infer.LatentPrior && *latent != infer.LatentPosterior {
		return badInputf("--latent %q: want prior or posterior", *latent)
	}
	switch *calibrate {
	case "", infer.CalibrateNone, infer.CalibrateMean, infer.CalibrateMoments:
	default:
		return badInputf("--calibrate %q: want none, mean or moments", *calibrate)
	}
	if *recenter && *calibrate != "" && *calibrate != infer.CalibrateMean {
		return badInputf("--recenter is --calibrate mean; it contradicts --calibrate %s", *calibrate)
	}
	switch *cov {
	case "auto", "yes", "no":
	default:
		return badInputf("--cov %q: want auto, yes or no", *cov)
	}
	run := pos[0]
	if st, err := os.Stat(run); err != nil || !st.IsDir() {
		return badInputf("run %s is not a folder (make one with stkit train)", run)
	}
	// A folder that is no run (a patch dataset, a model folder, an empty
	// one) failed as "run DS: checkpoints: DS: no checkpoint found". RUN is
	// a run folder (RUN/checkpoints/) or a folder of checkpoint files.
	if ck, _ := filepath.Glob(filepath.Join(run, "ckpt-*.stkc")); len(ck) == 0 {
		if err := checkRunFolder(run); err != nil {
			return err
		}
	}
	if *dataset != "" {
		if _, err := os.Stat(filepath.Join(*dataset, "manifest.json")); err != nil {
			return badInputf("%s is not a patch dataset (no manifest.json)", *dataset)
		}
	}
	if *dataset == "" {
		if err := checkRecordedDataset(run); err != nil {
			return err
		}
	}
	if err := checkExportFits(run, *samples); err != nil {
		return err
	}
	// The model folder is created by the export itself (manifest last), so a
	// failed export leaves no empty or partial folder behind; check now that
	// it can be made.
	if err := checkOutputDir("-o", *out); err != nil {
		return err
	}
	if err := checkFolderFor("-o", *out, modelFolder); err != nil {
		return err
	}
	// Two exports into one MODELDIR both said "wrote" (the later one's
	// models won): the lock file .MODELDIR.lock beside it is held for the
	// whole export (outputlock.go; inside, it would be a foreign file of the
	// model folder).
	lock, err := lockOutputBeside("-o", *out, "export", args)
	if err != nil {
		return err
	}
	defer lock.Release()
	b, err := modelsBackend(g)
	if err != nil {
		return err
	}
	// infer.ModelSet.Write builds the models in a temporary folder beside
	// MODELDIR and moves them in once complete: an export that fails or is
	// stopped before that (disk full, an error, Ctrl-C during the fits)
	// leaves an earlier export in MODELDIR as it was. Moving them into an
	// existing MODELDIR is a series of renames after its old manifest is
	// removed: a failed rename there is an error matching
	// infer.ErrModelFolderIncomplete and a killed process leaves MODELDIR
	// without a manifest.json until the models are written again (Ctrl-C is
	// not seen there: the write finishes, exportLateInterruptNote).
	// fixa23: Ctrl-C ended export at once ("stkit: interrupt: stopped",
	// the lock file left behind); it now stops the fits (the patch priors
	// between EM iterations) through the context and says where.
	ctx, stop := runContext(g.stderr, exportStopSaving(*out))
	defer stop()
	created, _ := sourceDateEpoch() // zero when unset: the time of the export (expx24)
	ffProgress, ffEnd := featureFilterProgress(g)
	ms, err := exportModels(run, *dataset, *out, infer.ExportOptions{Created: created, Samples: *samples, Seed: *seed, Covariance: *cov, Backend: b, Force: *force, Latent: *latent, NoResidual: *noResidual, Recenter: *recenter, Calibrate: *calibrate,
		DropOutliers: *dropOutliers, PatchPrior: ppOpt, PatchPriorProgress: patchPriorProgress(g),
		FeatureFilter: pairs, FeatureFilterOptions: infer.FeatureFilterOptions{Mixtures: *ffMix, Progress: ffProgress},
		Warn: func(msg string) { fmt.Fprintf(g.stderr, "export: warning: %s\n", exportWarnText(msg)) }, Context: ctx})
	ffEnd() // a feature-filter bar left open by a stopped fit: cleared, "… stopped at k of n" (fixy24)
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled):
		return exportInterruptedError(*out, err)
	case errors.Is(err, infer.ErrModelInput):
		return exportInputError(err)
	case errors.Is(err, infer.ErrModelFolderIncomplete):
		return fmt.Errorf("export into %s failed: %w", *out, err)
	case err != nil:
		return fmt.Errorf("export into %s failed, nothing in it was changed: %w", *out, err)
	}
	man := ms.Manifest
	fmt.Fprintf(g.stderr, "export: %s, %d² patches, %d features (%d coefficients), %s per component (latents from the %s); dataset %s\n",
		man.Spec, man.PatchSize, man.Features.Dim, man.NCoeffs, plural(man.SamplesPerComponent, "decoded sample"), man.Latent, man.Source.Dataset)
	srcOf, sources := datasetProvenance(man.Source.Dataset)
	for _, c := range man.Clusters {
		comp := ms.Components[c.K]
		fmt.Fprintf(g.stderr, "  %s\n", exportComponentLine(c, comp))
		if s := clusterComposition(comp.PatchIndex, srcOf, sources); s != "" {
			fmt.Fprintf(g.stderr, "    its patches come from %s\n", s)
		}
	}
	fmt.Fprintf(g.stderr, "  (%s)\n", typicalChi2Note)
	if line := patchPriorExportLine(ms); line != "" {
		fmt.Fprintf(g.stderr, "  %s\n", line)
	}
	for _, l := range featureFilterExportLines(man) {
		fmt.Fprintf(g.stderr, "  %s\n", l)
	}
	for _, e := range man.Source.SkippedCheckpoints {
		fmt.Fprintf(g.stderr, "export: warning: skipped an unreadable checkpoint of the run (models from %s): %s\n", man.Source.Checkpoint, e)
	}
	if !man.Source.DataFingerprintMatch {
		fmt.Fprintf(g.stderr, "export: note: the run's training matrix is not the dataset's z-scored features (another selection or normalisation?)\n")
	}
	// manifest.json gets the provenance (prov19_provenance.go: stkit's
	// commit, the command line, the SHA-256 of the run folder and of the
	// dataset), which infer.ModelManifest has no member for
	// The dataset as given (fixd23: its absolute path was recorded as
	// given), the run's recorded one as found when none was.
	provData := *dataset
	if provData == "" {
		provData = man.Source.Dataset
	}
	if err := addProvenanceJSON(filepath.Join(*out, infer.ModelManifestFile), newProvenance(run, provData)); err != nil {
		fmt.Fprintf(g.stderr, "export: warning: the models are written, but not their provenance: %v\n", err)
	}
	if ctx.Err() != nil {
		// the interrupt came after infer's last check, during
		// ModelSet.Write (built in a temporary folder, then moved in with
		// the manifest last: never stopped half-way), or after it
		fmt.Fprintf(g.stderr, "export: note: %s\n", exportLateInterruptNote(*out))
	}
	fmt.Fprintf(g.stderr, "export: wrote %s\n", *out)
	return nil
}

// patchPriorExportLine is export's summary of the folder's patch priors
// ("" without them): "patch priors: K 20 Gaussians on 6×6 sub-patches,
// ≤ 30000 rows per component (patch_prior_0.npz, patch_prior_1.npz)",
// naming the components that got none after the files ("(patch_prior_2.npz;
// none for components 0, 1 and 3)"), and "patch priors: none fitted (…)"
// when no component got one. fixb25: the files were joined as recorded, ""
// where a component has none, so such exports printed "(, , , )" or
// "(, , patch_prior_2.npz, )" (measured: 8² wph patches, one per
// component, 32 training rows each, fewer than the 37 a prior needs).
func patchPriorExportLine(ms *infer.ModelSet) string {
	pp := ms.Manifest.PatchPriors
	if pp == nil {
		return ""
	}
	var files, none []string
	for k, f := range pp.Files {
		if f == "" {
			none = append(none, strconv.Itoa(k))
		} else {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return fmt.Sprintf("patch priors: none fitted (K %d Gaussians asked on %d×%d sub-patches, ≤ %d rows per component: the warnings above say why each component got none)", pp.K, pp.P, pp.P, pp.MaxRows)
	}
	list := strings.Join(files, ", ")
	switch len(none) {
	case 0:
	case 1:
		list += "; none for component " + none[0]
	default:
		list += "; none for components " + andList(none)
	}
	return fmt.Sprintf("patch priors: %s on %d×%d sub-patches, ≤ %d rows per component (%s)", patchPriorExportK(ms), pp.P, pp.P, pp.MaxRows, list)
}

// datasetProvenance reads the source file of every patch of a dataset
// (index.json) and the source names (manifest.json); nil when either cannot
// be read.
func datasetProvenance(dir string) (srcOf []int, sources []string) {
	man, err := datasets.ReadManifest(dir)
	if err != nil {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, nil
	}
	var idx []datasets.Patch
	if json.Unmarshal(b, &idx) != nil {
		return nil, nil
	}
	srcOf = make([]int, len(idx))
	for i, p := range idx {
		if p.Source < 0 || p.Source >= len(man.Sources) {
			return nil, nil
		}
		srcOf[i] = p.Source
	}
	return srcOf, shortNames(man.Sources)
}

// clusterComposition counts a cluster's patches (dataset rows idx) per
// source file: "dust.npy (118), quijote.npy (47)", largest first; "" when
// the provenance is unknown or the cluster empty.
func clusterComposition(idx, srcOf []int, sources []string) string {
	if srcOf == nil || len(idx) == 0 {
		return ""
	}
	count := make([]int, len(sources))
	for _, i := range idx {
		if i < 0 || i >= len(srcOf) {
			return ""
		}
		count[srcOf[i]]++
	}
	order := make([]int, len(sources))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return count[order[a]] > count[order[b]] })
	var parts []string
	for _, s := range order {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d)", sources[s], count[s]))
		}
	}
	return strings.Join(parts, ", ")
}

// typicalChi2Note says how to read export's "typical χ² of its patches".
const typicalChi2Note = "typical χ²: the median over a cluster's patches of the mean of (Φ − μ)²/σ² over the coefficients, μ and σ those of its model: about 1 when the patches look like the model's own draws, well above 1 when the model misses them, below 1 when it is wider than they are"

// exportInputError is export's exit error (bad input, exit 2) for an input
// error of infer.ExportModels, whose messages name an option as the Go
// field, then the flag ("ExportOptions.Force, --force, accepts it"): the
// command line names the flag only ("--force, accepts it").
func exportInputError(err error) error {
	msg := strings.ReplaceAll(err.Error(), "ExportOptions.Force, --force,", "--force,")
	if msg == err.Error() {
		return asBadInput(err)
	}
	return badInputf("%s", msg)
}

// exportFewRowsRE matches infer.FitPatchPrior's error for training maps
// that give fewer rows than one mixture component needs: "patch prior: the
// training maps (b of m×n) give … rows (…), fewer than …: the smallest
// inputs that work are N maps of m×n or one map of s×s (give more or
// larger training patches)". Export's maps are a component's training
// patches, of the dataset's size: fixc25, the warning named a larger map
// the user cannot give there; exportWarnText keeps the count of patches
// (TestFixc25ExportFewRowsWords).
var exportFewRowsRE = regexp.MustCompile(`patch prior: the training maps \((\d+) of (\d+)×(\d+)\) give (.+?): the smallest inputs that work are (\d+) maps of \d+×\d+ or one map of \d+×\d+ \(give more or larger training patches\)`)

// exportModels is infer.ExportModels; tests replace it.
var exportModels = infer.ExportModels

// exportWarnText names export's flags, not infer's options, in infer's
// warnings, and words a component's too few training rows for a patch
// prior in export's terms (exportFewRowsRE).
func exportWarnText(msg string) string {
	msg = exportFewRowsRE.ReplaceAllString(msg, "patch prior: the component's training patches (${1} of ${2}×${3}) give ${4}: a prior needs more training patches in the component (at least ${5} of ${2}×${3})")
	msg = strings.ReplaceAll(msg, "ExportOptions.DropOutliers, --drop-outliers", "--drop-outliers")
	msg = strings.ReplaceAll(msg, "PatchPriorOptions.MaxRows, --patch-prior-rows", "--patch-prior-rows") // kcap25
	return strings.ReplaceAll(msg, "PatchPriorOptions.K, --patch-prior-k", "--patch-prior-k")            // patchfix
}

// modelError marks the input problems of the infer models functions as bad
// input (exit code 2).
func modelError(err error) error {
	if errors.Is(err, infer.ErrModelInput) {
		return asBadInput(err)
	}
	return err
}

// modelsBackend returns the GoMLX backend of the global flags for the VAE.
func modelsBackend(g *globals) (backends.Backend, error) {
	if g.backend == "" {
		b, _, err := backend.Default()
		return b, userBackendErr("", err)
	}
	b, _, err := backend.New(g.backend)
	if err != nil {
		return nil, userBackendErr(g.backend, err)
	}
	return b, nil
}

// checkExportFits refuses a --samples count whose decoded samples (samples ×
// clusters × input dimension float64 values) cannot fit in memory, reading
// the model size from RUN/run.json; without a readable run.json the export
// itself reports the problem.
func checkExportFits(run string, samples int) error {
	b, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Model vae.Config `json:"model"`
	}
	if json.Unmarshal(b, &doc) != nil || doc.Model.K < 1 || doc.Model.InputDim() < 1 {
		return nil
	}
	return checkResultFits(fmt.Sprintf("--samples %d", samples), 8*float64(samples)*float64(doc.Model.K)*float64(doc.Model.InputDim()))
}

// checkRecordedDataset refuses, when --dataset is not given, a run whose
// recorded dataset (RUN/run.json) is found neither as recorded nor beside
// the run folder (where infer.ExportModels looks for a relative path): the
// export failed with "export: dataset: DS/manifest.json: not found", which
// did not say that DS came from the run nor what to do. Without a readable
// run.json nothing is checked (the export reports the problem).
func checkRecordedDataset(run string) error {
	b, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Run struct {
			Dataset string `json:"dataset"`
		} `json:"run"`
	}
	if json.Unmarshal(b, &doc) != nil || doc.Run.Dataset == "" {
		return nil
	}
	ds := doc.Run.Dataset
	candidates := []string{ds}
	if !filepath.IsAbs(ds) {
		candidates = append(candidates, filepath.Join(filepath.Dir(filepath.Clean(run)), ds))
	}
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, "manifest.json")); err == nil {
			return nil
		}
	}
	return badInputf("run %s was trained on the dataset %s (recorded in %s), which is not found (moved or deleted?): give the dataset folder with --dataset", run, ds, filepath.Join(run, "run.json"))
}
