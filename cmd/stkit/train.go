package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/backend"
	_ "github.com/stkit-org/stkit/internal/gomlxfix" // fast matmul VJPs for every graph built here
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

func init() {
	register(&command{name: "train", summary: "train the GM-VAE (Gaussian-mixture prior) on a patch dataset's ST features", run: runTrain})
}

// runFormat is the version of the run metadata written by `stkit train`.
const runFormat = 1

// runUser is the part of a run's configuration that `stkit train` adds to train.RunConfig (the
// "user" key, compared on resume): the statistic the features come from and the dataset identity.
type runUser struct {
	Spec               stats.Spec      `json:"spec"`
	Reference          json.RawMessage `json:"reference,omitempty"`
	Size               int             `json:"patch_size"`
	Dim                int             `json:"dim"`
	Features           string          `json:"features,omitempty"`
	Drop               string          `json:"drop,omitempty"`
	DatasetFingerprint string          `json:"dataset_fingerprint"`
	ModelSeed          int64           `json:"model_seed"`
}

// runMeta is the metadata stored in every checkpoint of a `stkit train` run: with the weights, it
// is all that inference (`stkit clusters`) needs. Columns are the dataset features the model reads,
// in input order (those whose name matches the Features regexp, all if empty, and not the Drop
// regexp); Mean and Std are
// their z-scoring on the training dataset (x_norm = (x − Mean)/Std), applied unchanged to any
// dataset assigned later.
// History holds the per-epoch metrics up to the checkpoint's epoch.
type runMeta struct {
	Format             int                      `json:"stkit_run_format"`
	Dataset            string                   `json:"dataset"`
	DatasetFingerprint string                   `json:"dataset_fingerprint"`
	Spec               stats.Spec               `json:"spec"`
	Reference          json.RawMessage          `json:"reference,omitempty"`
	Patch              datasets.PatchConfig     `json:"patch"`
	Size               int                      `json:"patch_size"`
	Sources            []string                 `json:"sources"`
	Features           string                   `json:"features,omitempty"`
	Drop               string                   `json:"drop,omitempty"`
	Columns            []datasets.FeatureColumn `json:"columns"`
	Mean               []float64                `json:"mean"`
	Std                []float64                `json:"std"`
	ModelSeed          int64                    `json:"model_seed"`
	// Epochs, Keep, EarlyStop and BNBatches are the run's --epochs, --keep, --early-stop and
	// --bn-batches, which a --resume without those flags takes, as it takes the other flags
	// from the run (nil in runs written before they were recorded: the flags' defaults then).
	Epochs    *int `json:"epochs,omitempty"`
	Keep      *int `json:"keep,omitempty"`
	EarlyStop *int `json:"early_stop,omitempty"`
	BNBatches *int `json:"bn_batches,omitempty"`
	// BUnit, BUnits, PixelScale and PixelScales are the training dataset's
	// (its manifest's fields of the same names), which clusters compares
	// with a new dataset's (clustersUnitWarnings); absent in older runs and
	// for maps without them.
	BUnit       string                 `json:"bunit,omitempty"`
	BUnits      []string               `json:"bunits,omitempty"`
	PixelScale  *datasets.PixelScale   `json:"pixel_scale,omitempty"`
	PixelScales []*datasets.PixelScale `json:"pixel_scales,omitempty"`
	// ValSplit is --val-split: "blocks" for the validation split of
	// blockSplit (no validation patch overlaps a training patch), "random"
	// for train.Split's random rows, as in runs written before it ("");
	// ValSplitDesc says what blocks gave.
	ValSplit     string     `json:"val_split,omitempty"`
	ValSplitDesc string     `json:"val_split_desc,omitempty"`
	History      []epochRow `json:"history,omitempty"`
}

// epochRow is one line of RUN/metrics.csv (and one object of metrics.json): Epoch counts completed
// epochs (1-based); loss terms are batch means (Loss = w_rec·Rec + w_gauss·Gauss + w_cat·Cat +
// w_balance·Balance, Balance = KL(q̄ ‖ uniform) of the batch-mean posterior; see train.TermMeans);
// Occupancy[k] is the fraction of rows whose argmax q(y|x) is k (training batches, training-mode
// batch norm); the Val* fields are the validation split in evaluation mode with the batch-norm
// statistics recomputed over the training batches (train.Options.BNBatches; absent when not
// evaluated that epoch).
type epochRow struct {
	Epoch        int       `json:"epoch"`
	Step         int64     `json:"step"`
	Tau          float64   `json:"tau"`
	LR           float64   `json:"lr"`
	Seconds      float64   `json:"seconds"`
	Loss         float64   `json:"loss"`
	Rec          float64   `json:"rec"`
	Gauss        float64   `json:"gauss"`
	Cat          float64   `json:"cat"`
	Balance      float64   `json:"balance"`
	Occupancy    []float64 `json:"occupancy"`
	ValLoss      *float64  `json:"val_loss,omitempty"`
	ValRec       *float64  `json:"val_rec,omitempty"`
	ValGauss     *float64  `json:"val_gauss,omitempty"`
	ValCat       *float64  `json:"val_cat,omitempty"`
	ValBalance   *float64  `json:"val_balance,omitempty"`
	ValOccupancy []float64 `json:"val_occupancy,omitempty"`
}

func rowFromMetrics(em train.EpochMetrics) epochRow {
	r := epochRow{Epoch: em.Epoch + 1, Step: em.Step, Tau: em.Tau, LR: em.LR, Seconds: em.Seconds,
		Loss: em.Train.Loss, Rec: em.Train.Rec, Gauss: em.Train.Gauss, Cat: em.Train.Cat, Balance: em.Train.Balance,
		Occupancy: em.Train.Occupancy}
	if v := em.Val; v != nil {
		r.ValLoss, r.ValRec, r.ValGauss, r.ValCat, r.ValBalance = &v.Loss, &v.Rec, &v.Gauss, &v.Cat, &v.Balance
		r.ValOccupancy = v.Occupancy
	}
	return r
}

// CLI defaults of `stkit train`, tuned on real ST features (see the command help).
const (
	defEpochs  = 60
	defBatch   = 128
	defLR      = 1e-2
	defLRFinal = 1e-3
	defWRec    = 0.15
	defWCat    = 0.3
	defWBal    = 0.3
	defDrop    = ""
	defTauMin  = 0.5
)

// runBackend returns the GoMLX backend of the global flags (the shared process-wide default when
// none is given).
func runBackend(g *globals) (backends.Backend, error) {
	if g.backend == "" {
		b, cfg, err := backend.Default()
		if err == nil {
			slog.Info("backend", "backend", backend.Description(b, cfg))
		}
		return b, userBackendErr("", err)
	}
	b, cfg, err := backend.New(g.backend)
	if err != nil {
		return nil, userBackendErr(g.backend, err)
	}
	slog.Info("backend", "backend", backend.Description(b, cfg))
	return b, nil
}

// loadDataset reads a complete patch dataset; a missing, empty or unfinished folder is bad input.
func loadDataset(dir string) (*datasets.Features, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, badInputf("dataset %s: %v", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, badInputf("dataset %s is not a folder (make one with stkit patches)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return nil, badInputf("%s is not a patch dataset (no manifest.json; make one with stkit patches)", dir)
	}
	f, err := datasets.LoadFeatures(dir)
	if err != nil {
		return nil, asBadInput(err)
	}
	if f.Manifest.N < 1 || f.Manifest.Dim < 1 {
		return nil, badInputf("dataset %s holds no feature rows", dir)
	}
	return f, nil
}

// sameSpec compares two statistic configurations (with their stored references) as canonical JSON.
func sameSpec(a stats.Spec, aref json.RawMessage, b stats.Spec, bref json.RawMessage) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb) && canonJSON(aref) == canonJSON(bref)
}

func canonJSON(b json.RawMessage) string {
	if len(b) == 0 {
		return "null"
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	c, _ := json.Marshal(v)
	return string(c)
}

// checkDatasetForRun refuses a dataset whose features cannot feed a run (another statistic
// configuration, patch size or feature layout) and returns, for each input column of the run,
// its index among the dataset's columns.
func checkDatasetForRun(dsDir string, f *datasets.Features, runDir string, meta *runMeta) ([]int, error) {
	man := f.Manifest
	if !sameSpec(man.Spec, man.Reference, meta.Spec, meta.Reference) {
		return nil, badInputf("dataset %s was built with ST configuration %q, but run %s was trained on %q: rebuild the dataset with the run's configuration (stkit patches …) or train a new run",
			dsDir, man.Spec.String(), runDir, meta.Spec.String())
	}
	if man.Size != meta.Size {
		return nil, badInputf("dataset %s has %d² patches, run %s was trained on %d² patches", dsDir, man.Size, runDir, meta.Size)
	}
	if len(meta.Mean) != len(meta.Columns) || len(meta.Std) != len(meta.Columns) || len(meta.Columns) == 0 {
		return nil, fmt.Errorf("run %s: normalisation has %d/%d entries for %d features", runDir, len(meta.Mean), len(meta.Std), len(meta.Columns))
	}
	// columns are matched by coefficient and part, and their names must agree
	// as written now or as written before −1 label values were printed
	// (datasets.SameFeature: a run trained on an older wph dataset still reads
	// a dataset built now, and the other way round)
	type part struct {
		coeff int
		part  string
	}
	at := make(map[part]int, len(man.Columns))
	for i, c := range man.Columns {
		at[part{c.Coeff, c.Part}] = i
	}
	idx := make([]int, len(meta.Columns))
	for i, c := range meta.Columns {
		j, ok := at[part{c.Coeff, c.Part}]
		if !ok || !datasets.SameFeature(c, man.Columns[j]) {
			return nil, badInputf("dataset %s has no feature %s (%s part of coefficient %d), which run %s reads", dsDir, c.Name, c.Part, c.Coeff, runDir)
		}
		idx[i] = j
	}
	return idx, nil
}

// selectColumns returns the indices of the columns whose name matches keep (any when nil) and
// does not match drop (none when nil).
func selectColumns(cols []datasets.FeatureColumn, keep, drop *regexp.Regexp) []int {
	var idx []int
	for i, c := range cols {
		if (keep == nil || keep.MatchString(c.Name)) && (drop == nil || !drop.MatchString(c.Name)) {
			idx = append(idx, i)
		}
	}
	return idx
}

// normalise gathers the columns idx of the raw feature rows x (n × dim) and z-scores them with
// mean and std (one entry per selected column) into float32 rows (n × len(idx)).
func normalise(x []float64, dim int, idx []int, mean, std []float64) []float32 {
	n, d := len(x)/dim, len(idx)
	out := make([]float32, n*d)
	for i := 0; i < n; i++ {
		row := x[i*dim : (i+1)*dim]
		for k, j := range idx {
			s := std[k]
			if !(s > 0) {
				s = 1
			}
			out[i*d+k] = float32((row[j] - mean[k]) / s)
		}
	}
	return out
}

func runTrain(g *globals, args []string) error {
	fs := newFlagSet(g, "train", "DATASET -o RUN --clusters K", `Train the Gaussian-mixture VAE (docs/methods.md §4; package vae) on the
z-scored ST features of a patch dataset made by stkit patches. RUN is a folder:

  checkpoints/ckpt-<step>.stkc  atomic checkpoints (every epoch; the last
                                --keep kept): weights, optimiser and RNG state,
                                the run configuration and the metadata
                                inference needs (ST spec and reference, feature
                                normalisation mean/std, dataset fingerprint,
                                feature columns, model config)
  run.json                      the same configuration, for reading
  metrics.csv, metrics.json     per-epoch loss terms and cluster occupancy
  loss.png                      loss curves and occupancy

--resume continues from the newest readable checkpoint (after Ctrl-C or a
kill); flags not given are taken from the run, --epochs may be raised (with
--lr-final the decay is recomputed for the new total). Ctrl-C stops after
the current epoch with a checkpoint (exit status 1); a second Ctrl-C quits
at once, keeping the last checkpoint. While train runs, RUN holds the lock
file .stkit.lock: a second stkit writing RUN is refused at once (exit 2),
naming the first one's process id and command (a lock left by a process
that no longer runs is taken over).

Validation and checkpoints use batch-norm statistics recomputed at the end of
the epoch over up to --bn-batches training batches: the running averages of
the training steps lag far behind the weights in the first epochs (after one
epoch of the default preset they gave a validation loss of 2.6e9 against 62
with recomputed statistics). This adds one forward pass over those batches
per epoch (about a quarter of an epoch's time when the epoch has no more
batches than --bn-batches).

Validation (--val, 10 %): for each source, the last patches in (map, row)
order, whole patch rows (whole maps of a batch first, then the last rows of
patches of a map, augmented copies with their block), and every other patch
of that map overlapping one of them is left out of training: no validation
patch overlaps a training patch, so the validation loss is that of unseen
data (a random 10 % overlapped training patches by half their area with the
default stride). The start line and run.json (val_split_desc) give the
numbers; a source that would keep no training patch gives no validation
patch. --val-split random takes random patches instead (the split of runs
made before --val-split, which a --resume keeps).

Defaults, tuned on 64² patches of dust I, dust Q, Quijote log-density and
Gaussian surrogates of Quijote (scov iso synthesis features, J = 4):
  * features: all of the dataset's. For clustering scattering-covariance
    features, leave out the C11 block with --drop '^C11': at J = 4 its 320
    noisy coefficients (of 369) swamp the z-scored geometry (a GMM on the PCA
    of all features: 0.72 best-match accuracy on the 4 sources above, 0.64–0.91
    for this VAE; without C11: 1.00 for the GMM, 0.999–1.000 for this VAE
    over 3 seeds).
    --features REGEXP keeps only the matching features. stkit export
    completes the statistic vectors of such runs: the left-out features of
    each decoded sample come from a random patch of the cluster.
  * the CPU preset "small" (Z=8, H=128, 2 layers); w_rec 0.15, w_gauss 1,
    w_cat 0.3 (facvae's w_cat = 1 merges clusters in short runs);
  * --wbalance 0.3: a penalty on uneven cluster occupancy (KL of the
    batch-mean q(y|x) from uniform; not in facvae) that revives empty
    clusters — without it one cluster often dies in the first epochs and
    two sources share another;
  * Adam lr 1e-2 decaying to 1e-3 (facvae's schedule a(b+t)^(−1/3), t the
    epoch: most of the fall is early, `+fmt.Sprintf("%.2g in the 2nd of %d epochs", train.LearningRate(1, defEpochs, defLR, defLRFinal), defEpochs)+`;
    the start line gives the rates of the run), batch 128, 60 epochs,
    Gumbel τ from 1 halving every 50 epochs down to 0.5.
Preset "default" is the published size (Z=32, H=1024, 4 layers).`)
	out := fs.String("o", "", "run folder (required)")
	k := fs.Int("clusters", 0, "number of clusters K ≥ 2 (required for a new run)")
	preset := fs.String("preset", "small", "model size: small (Z=8, H=128, 2 layers) or default (Z=32, H=1024, 4 layers)")
	zdim := fs.Int("z", 0, "latent size Z (0 = preset)")
	hdim := fs.Int("h", 0, "hidden width H (0 = preset)")
	layers := fs.Int("layers", 0, "hidden layers per MLP (0 = preset)")
	wrec := fs.Float64("wrec", defWRec, "reconstruction weight w_rec")
	wgauss := fs.Float64("wgauss", 1, "Gaussian KL weight w_gauss")
	wcat := fs.Float64("wcat", defWCat, "categorical KL weight w_cat (per-row KL(q(y|x) ‖ uniform))")
	wbal := fs.Float64("wbalance", defWBal, "balance weight: KL(batch-mean q(y|x) ‖ uniform), against empty clusters (0: off, as facvae)")
	epochs := fs.Int("epochs", defEpochs, "total number of epochs")
	batch := fs.Int("batch", defBatch, "batch size")
	lr := fs.Float64("lr", defLR, "initial Adam learning rate")
	// The schedule reaches --lr-final at t = --epochs (t the 0-based epoch), just after the last
	// epoch, which runs at lr(epochs−1): the help says so, with that rate for the defaults.
	lrFinal := fs.Float64("lr-final", defLRFinal, fmt.Sprintf("learning rate the decay reaches at the end of the run, just after the last epoch (facvae decay a(b+t)^(−1/3), t = 0 in the first epoch; the last epoch runs slightly above it: %.5g with the defaults, %d epochs from --lr %g); 0 or = --lr: constant",
		train.LearningRate(defEpochs-1, defEpochs, defLR, defLRFinal), defEpochs, defLR))
	clip := fs.Float64("clip", 20, "gradient clipping by value (negative: none)")
	tau0 := fs.Float64("tau0", 1, "initial Gumbel-softmax temperature")
	tauMin := fs.Float64("tau-min", defTauMin, "final Gumbel-softmax temperature (τ halves every 50 epochs down to it)")
	val := fs.Float64("val", 0.1, "validation fraction (0: none)")
	valSplit := fs.String("val-split", valSplitBlocks, "how the validation patches are chosen: blocks (the last patch rows of each source; training patches overlapping them left out) or random (random patches, which overlap training patches at stride < size: not held out)")
	seed := fs.Int64("seed", 1, "seed of the initial weights, the in-graph noise, the shuffling and the --val-split random split (blocks does not depend on it)")
	resume := fs.Bool("resume", false, "continue the run in RUN from its newest checkpoint")
	patience := fs.Int("early-stop", 0, "stop after N validation evaluations without improvement (0: off)")
	bnBatches := fs.Int("bn-batches", train.DefaultBNBatches, "training batches over which batch-norm statistics are recomputed before each validation and checkpoint (0: keep the lagging running averages)")
	keep := fs.Int("keep", 3, "number of checkpoints kept (0: all)")
	features := fs.String("features", "", "regexp: keep only the dataset features whose name matches (e.g. '^(mean|P00|S1|C01)'); default all")
	drop := fs.String("drop", defDrop, "regexp: leave out the features whose name matches, e.g. '^C11' (recommended for clustering scov features)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return badInputf("train needs exactly one DATASET argument and -o RUN")
	}
	if *epochs < 1 {
		return badInputf("--epochs must be ≥ 1, got %d", *epochs)
	}
	if *val < 0 || *val >= 1 {
		return badInputf("--val must be in [0, 1), got %g", *val)
	}
	for _, c := range []struct {
		name   string
		v      float64
		nonNeg bool
	}{{"wrec", *wrec, true}, {"wgauss", *wgauss, true}, {"wcat", *wcat, true}, {"wbalance", *wbal, true}, {"lr", *lr, true},
		{"lr-final", *lrFinal, true}, {"clip", *clip, false}, {"tau0", *tau0, true}, {"tau-min", *tauMin, true}, {"val", *val, true}} {
		if err := checkFinite(c.name, c.v, c.nonNeg); err != nil {
			return err
		}
	}
	for _, c := range []error{checkMin("early-stop", *patience, 0), checkMin("bn-batches", *bnBatches, 0), checkMin("keep", *keep, 0), checkMin("z", *zdim, 0), checkMin("h", *hdim, 0), checkMin("layers", *layers, 0)} {
		if c != nil {
			return c
		}
	}
	// Each flag its own message: they shared "need --batch ≥ 2 and positive
	// --lr, --tau0, --tau-min", which did not say which value was wrong.
	if *batch < 2 {
		return badInputf("--batch %d: the batch size must be ≥ 2 (batch normalisation needs two rows; default %d)", *batch, defBatch)
	}
	if *lr <= 0 {
		return badInputf("--lr %g: the initial learning rate must be > 0 (default %g)", *lr, defLR)
	}
	// The rates are float32 in the graph: a positive one outside float32's
	// normal range would train at 0 or +Inf (train.Options.Validate refuses
	// it too, but only once the run has started).
	for _, c := range []struct {
		name string
		v    float64
	}{{"lr", *lr}, {"lr-final", *lrFinal}} {
		if c.v > 0 && (c.v < train.MinLearningRate || c.v > train.MaxLearningRate) {
			return badInputf("--%s %g: a learning rate must lie in [%.4g, %.4g] (it is stored as a float32)", c.name, c.v, float64(train.MinLearningRate), float64(train.MaxLearningRate))
		}
	}
	if *tau0 <= 0 {
		return badInputf("--tau0 %g: the initial Gumbel-softmax temperature must be > 0 (default 1)", *tau0)
	}
	if *tauMin <= 0 {
		return badInputf("--tau-min %g: the final Gumbel-softmax temperature must be > 0 (default %g)", *tauMin, defTauMin)
	}
	if err := checkTemperatures(*tau0, *tauMin); err != nil {
		return err
	}
	if *tau0 < *tauMin {
		// τ(e) = max(τ0·exp(−rate·e), τmin): the run trains at τmin throughout.
		fmt.Fprintf(g.stderr, "train: warning: --tau0 %g is below --tau-min %g: the temperature stays at %g for the whole run (τ(e) = max(τ0·2^(−e/50), τmin)); lower --tau-min for a decreasing schedule\n", *tau0, *tauMin, *tauMin)
	}
	// package train takes ClipValue 0 as its default, 20: --clip 0 trained
	// with clipping at 20 while run.json recorded 0.
	if *clip == 0 {
		return badInputf("--clip 0 would clip every gradient to 0: give a positive bound, or a negative value for no clipping")
	}
	if *patience > 0 && *val == 0 {
		return badInputf("--early-stop needs a validation split (--val > 0)")
	}
	if *valSplit != valSplitBlocks && *valSplit != valSplitRandom {
		return badInputf("--val-split %q: want blocks or random", *valSplit)
	}
	dsDir, runDir := pos[0], *out
	ckDir := filepath.Join(runDir, "checkpoints")
	if err := checkOutputDir("-o", runDir); err != nil {
		return err
	}
	if sameFolder(runDir, dsDir) {
		return badInputf("-o %s is the dataset folder: write the run to a folder of its own", runDir)
	}
	if err := checkFolderFor("-o", runDir, runFolder); err != nil {
		return err
	}
	// Two trainings into one RUN both said they were done while RUN held
	// the checkpoints of one (whichever wrote last): RUN is locked for the
	// whole run (outputlock.go), before it is looked at.
	lock, err := lockOutputDir("-o", runDir, "train", args)
	if err != nil {
		return err
	}
	defer lock.Release()

	// An existing run: resume it or refuse to overwrite it.
	var prev *checkpoints.Checkpoint
	if _, err := os.Stat(ckDir); err == nil {
		mgr, err := checkpoints.Open(ckDir, *keep)
		if err != nil {
			return err
		}
		c, skipped, err := mgr.Latest()
		for _, s := range skipped {
			fmt.Fprintf(g.stderr, "train: warning: skipping unreadable checkpoint: %s\n", userMessage(s.Error()))
		}
		switch {
		case errors.Is(err, checkpoints.ErrNoCheckpoint):
		case err != nil:
			return fmt.Errorf("run %s: %w", runDir, err)
		case !*resume:
			return badInputf("%s already holds a run (epoch %d): pass --resume to continue it, or choose another -o", runDir, c.State.Epoch)
		default:
			prev = c
		}
	}
	if *resume && prev == nil {
		// --resume --clusters K starts the run when there is none yet (a job
		// that may be restarted); without --clusters, a misspelt RUN is the
		// likelier mistake: say so instead of asking for --clusters.
		if *k == 0 {
			why := "it has no checkpoint"
			if lock.Made() { // the folder did not exist before the lock
				why = "no such folder"
			}
			return badInputf("--resume: no run to continue in %s (%s); check -o, or give --clusters K to start a new run there", runDir, why)
		}
		fmt.Fprintf(g.stderr, "train: note: no checkpoint in %s: starting a new run\n", runDir)
	}

	f, err := loadDataset(dsDir)
	if err != nil {
		return err
	}
	man := f.Manifest

	// Model and training configuration: flags, or the resumed run's values for flags not given.
	var cfg vae.Config
	var rec train.Record
	var meta runMeta
	var cols []int // dataset columns read by the model
	if prev != nil {
		var rc train.RunConfig
		if err := prev.DecodeConfig(&rc); err != nil {
			return fmt.Errorf("run %s: %w", runDir, err)
		}
		if err := prev.DecodeMetadata(&meta); err != nil || meta.Format != runFormat {
			return badInputf("run %s was not written by stkit train (metadata format %d, error %v)", runDir, meta.Format, err)
		}
		if err := json.Unmarshal(rc.Train, &rec); err != nil {
			return fmt.Errorf("run %s: training record: %w", runDir, err)
		}
		// --epochs, --keep, --early-stop and --bn-batches not given: the run's (a 100-epoch
		// run resumed after Ctrl-C went on to the default 60 epochs, its learning-rate decay
		// recomputed for them; one started with --keep 0 lost its older checkpoints to the
		// default 3, one with --bn-batches 0 went on with 32)
		for _, o := range []struct {
			name     string
			flag     *int
			recorded *int
		}{{"epochs", epochs, meta.Epochs}, {"keep", keep, meta.Keep}, {"early-stop", patience, meta.EarlyStop}, {"bn-batches", bnBatches, meta.BNBatches}} {
			if o.recorded != nil && !isSet(fs, o.name) {
				*o.flag = *o.recorded
			}
		}
		if cols, err = checkDatasetForRun(dsDir, f, runDir, &meta); err != nil {
			return err
		}
		if (isSet(fs, "features") && *features != meta.Features) || (isSet(fs, "drop") && *drop != meta.Drop) {
			return badInputf("run %s reads the features --features %q --drop %q", runDir, meta.Features, meta.Drop)
		}
		runSplit := meta.ValSplit
		if runSplit == "" {
			runSplit = valSplitRandom // runs made before --val-split
		}
		if isSet(fs, "val-split") && *valSplit != runSplit {
			return badInputf("run %s was made with --val-split %s: a resume keeps its split (leave --val-split out)", runDir, runSplit)
		}
		if man.Fingerprint != meta.DatasetFingerprint {
			// checkDatasetForRun compares the statistic and the patch size; a dataset cut with
			// another window (patches --window, --alpha) was refused by fingerprint alone.
			why := ""
			if windowName(man.Patch) != windowName(meta.Patch) {
				why = fmt.Sprintf("; its patches were cut with %s, the run's with %s (stkit patches --window, --alpha)", windowName(man.Patch), windowName(meta.Patch))
			}
			return badInputf("dataset %s is not the dataset run %s was trained on (%s; fingerprint %.12s…, run's %.12s…)%s",
				dsDir, runDir, meta.Dataset, man.Fingerprint, meta.DatasetFingerprint, why)
		}
		cfg = rc.VAE
		if isSet(fs, "preset") {
			p, err := presetConfig(*preset, cfg.K, cfg.Features)
			if err != nil {
				return err
			}
			cfg.Z, cfg.H, cfg.Layers = p.Z, p.H, p.Layers
		}
	} else {
		if *k == 0 && !isSet(fs, "clusters") {
			fs.Usage()
			return badInputf("--clusters K is required for a new run")
		}
		if *k < 2 {
			return badInputf("--clusters must be ≥ 2, got %d", *k)
		}
		var keepRE, dropRE *regexp.Regexp
		if *features != "" {
			if keepRE, err = regexp.Compile(*features); err != nil {
				return badInputf("--features: %v", err)
			}
		}
		if *drop != "" {
			if dropRE, err = regexp.Compile(*drop); err != nil {
				return badInputf("--drop: %v", err)
			}
		}
		cols = selectColumns(man.Columns, keepRE, dropRE)
		if len(cols) == 0 {
			return badInputf("--features %q / --drop %q leave none of the %d features of %s", *features, *drop, man.Dim, dsDir)
		}
		cfg, err = presetConfig(*preset, *k, len(cols))
		if err != nil {
			return err
		}
		cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = *wrec, *wgauss, *wcat, *wbal
		vf := *val
		rec = train.Record{BatchSize: *batch, LearningRate: *lr, LearningRateFinal: *lrFinal, ClipValue: *clip,
			Tau0: *tau0, TauMin: *tauMin, TauRate: train.DefaultTauRate, Seed: *seed, ValFraction: vf}
		meta = runMeta{Format: runFormat, Spec: man.Spec, Reference: man.Reference, Patch: man.Patch, Size: man.Size,
			Sources: man.Sources, Features: *features, Drop: *drop, ModelSeed: *seed, DatasetFingerprint: man.Fingerprint,
			BUnit: man.BUnit, BUnits: man.BUnits, PixelScale: man.PixelScale, PixelScales: man.PixelScales, ValSplit: *valSplit}
		for _, j := range cols {
			meta.Columns = append(meta.Columns, man.Columns[j])
			meta.Mean = append(meta.Mean, f.Mean[j])
			meta.Std = append(meta.Std, f.Std[j])
		}
	}
	meta.Dataset = dsDir
	// Explicit flags override (on a resume a changed value is refused by the configuration check).
	if isSet(fs, "clusters") {
		if *k < 2 {
			return badInputf("--clusters must be ≥ 2, got %d", *k)
		}
		cfg.K = *k
	}
	for _, o := range []struct {
		name string
		dst  *int
		v    int
	}{{"z", &cfg.Z, *zdim}, {"h", &cfg.H, *hdim}, {"layers", &cfg.Layers, *layers}, {"batch", &rec.BatchSize, *batch}} {
		// 0 is the preset's (--z, --h, --layers: "0 = preset"), given or not
		if o.v > 0 && (isSet(fs, o.name) || prev == nil) {
			*o.dst = o.v
		}
	}
	for _, o := range []struct {
		name string
		dst  *float64
		v    float64
	}{{"wrec", &cfg.WRec, *wrec}, {"wgauss", &cfg.WGauss, *wgauss}, {"wcat", &cfg.WCat, *wcat}, {"wbalance", &cfg.WBalance, *wbal}, {"lr", &rec.LearningRate, *lr},
		{"lr-final", &rec.LearningRateFinal, *lrFinal}, {"clip", &rec.ClipValue, *clip}, {"tau0", &rec.Tau0, *tau0},
		{"tau-min", &rec.TauMin, *tauMin}, {"val", &rec.ValFraction, *val}} {
		if isSet(fs, o.name) {
			*o.dst = o.v
		}
	}
	if isSet(fs, "seed") {
		rec.Seed = *seed
	}
	// the run's length: --epochs, or the epochs done when a resume asks for fewer (nothing to do;
	// run.json recorded the lower --epochs)
	runEpochs := *epochs
	if prev != nil {
		runEpochs = max(runEpochs, int(prev.State.Epoch))
	}
	meta.Epochs, meta.Keep, meta.EarlyStop, meta.BNBatches = &runEpochs, keep, patience, bnBatches
	if err := cfg.Validate(); err != nil {
		return badInputf("model configuration: %v", err)
	}
	// The flags were checked above; only a resumed run's record can fail here.
	if rec.BatchSize < 2 || rec.LearningRate <= 0 || rec.Tau0 <= 0 || rec.TauMin <= 0 {
		return badInputf("the checkpoint of run %s records batch size %d, learning rate %g, τ₀ %g, τ_min %g (want a batch ≥ 2 and positive rates and temperatures): it cannot be resumed; start a new run with another -o",
			runDir, rec.BatchSize, rec.LearningRate, rec.Tau0, rec.TauMin)
	}
	if man.N < 4 {
		return badInputf("dataset %s has %d patches; training needs more", dsDir, man.N)
	}
	if cfg.K > man.N {
		return badInputf("--clusters %d exceeds the number of patches (%d)", cfg.K, man.N)
	}
	tr, va := train.Split(man.N, rec.ValFraction, rec.Seed)
	var splitRows func(int) ([]int, []int)
	if meta.ValSplit == valSplitBlocks {
		var dropped int
		var kept []int
		tr, va, dropped, kept = blockSplit(f.Patches.Patches, man.Size, rec.ValFraction)
		if len(kept) > 0 {
			names := make([]string, len(kept))
			for i, src := range kept {
				names[i] = man.Sources[src]
			}
			if len(va) == 0 {
				return badInputf("--val %g leaves no training patch of %s once its validation patches and those overlapping them are held out; training needs at least 2 patches of each source: lower --val", rec.ValFraction, nameList(names))
			}
			fmt.Fprintf(g.stderr, "train: warning: --val %g would leave no training patch of %s (its last patch rows and those overlapping them held out): its patches all train, none validates\n", rec.ValFraction, nameList(names))
		}
		splitRows = func(int) ([]int, []int) { return tr, va }
		meta.ValSplitDesc = valSplitDesc(len(tr), len(va), dropped)
	}
	if *patience > 0 && len(va) == 0 {
		return badInputf("--early-stop needs validation patches: --val %g holds out none of the %d patches of %s (each source keeps its training patches)", rec.ValFraction, man.N, dsDir)
	}
	if len(tr) < 2 {
		return badInputf("--val %g leaves %d of the %d patches of %s for training; training needs at least 2", rec.ValFraction, len(tr), man.N, dsDir)
	}
	if err := checkTrainFits(fs, cfg, rec.BatchSize, len(tr), prev != nil); err != nil {
		return err
	}

	data := train.Data{X: normalise(f.X, man.Dim, cols, meta.Mean, meta.Std), N: man.N, D: len(cols)}
	be, err := runBackend(g)
	if err != nil {
		return err
	}
	if w := trainMemoryWarning(cfg, rec.BatchSize, len(tr), backend.IsPureGo(be)); w != "" {
		fmt.Fprintf(g.stderr, "train: warning: %s\n", w)
	}
	model, err := vae.New(be, cfg, meta.ModelSeed)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	mgr, err := checkpoints.Open(ckDir, *keep)
	if err != nil {
		return err
	}
	user := runUser{Spec: meta.Spec, Reference: meta.Reference, Size: meta.Size, Dim: len(cols), Features: meta.Features, Drop: meta.Drop,
		DatasetFingerprint: meta.DatasetFingerprint, ModelSeed: meta.ModelSeed}
	valFrac := rec.ValFraction
	if valFrac == 0 {
		valFrac = -1 // package train: negative = no validation split
	}
	bnb := *bnBatches
	if bnb == 0 {
		bnb = -1 // package train: negative = off
	}
	if prev != nil {
		meta.History = trimHistory(meta.History, prev.State.Epoch)
		// State.Epoch counts the completed epochs: the next one, as the progress line numbers
		// it, is State.Epoch+1 ("at epoch N of E" read as the epoch about to run).
		// A run that has done --epochs has nothing to do: "resuming RUN after epoch 2 of 1"
		// read as nonsense; it says so, naming where --epochs came from (given, or the run's).
		msg := fmt.Sprintf("train: resuming %s after epoch %d of %d", runDir, prev.State.Epoch, *epochs)
		switch {
		case prev.State.Epoch < *epochs:
			msg += fmt.Sprintf(", at epoch %d/%d", prev.State.Epoch+1, *epochs)
		default: // the run has done --epochs or more
			from := "--epochs"
			if !isSet(fs, "epochs") {
				from = "the run's --epochs"
			}
			// fixbad21: and what to pass instead (the banner's schedule over
			// --epochs, less than the run's, is not printed)
			msg = fmt.Sprintf("train: note: %s has already done %d epochs (≥ %s %d): nothing to do; to train further, pass --resume --epochs N with N > %d (e.g. --epochs %d)",
				runDir, prev.State.Epoch, from, *epochs, prev.State.Epoch, 2*prev.State.Epoch)
		}
		fmt.Fprintln(g.stderr, msg)
	}
	// run.json describes the run: on a resume it is rewritten only once the
	// checkpoint has accepted the requested settings (a refused resume must
	// not leave the refused values in it).
	runJSONDone := false
	writeRun := func() error {
		if runJSONDone {
			return nil
		}
		runJSONDone = true
		return writeRunJSON(runDir, cfg, rec, meta, newProvenance(dsDir))
	}
	if prev == nil {
		if err := writeRun(); err != nil {
			return err
		}
	}

	ctx, cancel := interruptible(g.stderr, "after the current epoch, with a checkpoint")
	defer cancel()
	start := 0
	if prev != nil {
		start = prev.State.Epoch
	}
	nothingToDo := prev != nil && prev.State.Epoch >= *epochs // fixbad21: the note alone
	if !nothingToDo {
		fmt.Fprintf(g.stderr, "train: %d patches × %d of %d features (%s), K=%d, Z=%d, H=%d, %d layers; batch %d, %s, w_rec %g w_gauss %g w_cat %g w_balance %g\n",
			man.N, len(cols), man.Dim, meta.Spec.String(), cfg.K, cfg.Z, cfg.H, cfg.Layers, rec.BatchSize, lrSchedDesc(rec.LearningRate, rec.LearningRateFinal, *epochs), cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance)
	}
	if prev == nil {
		srcs := make([]int, len(f.Patches.Patches))
		for i, p := range f.Patches.Patches {
			srcs[i] = p.Source
		}
		if w := sourceImbalanceWarning(sourceCounts(srcs, len(man.Sources)), man.Sources, cfg.WBalance); w != "" {
			fmt.Fprintf(g.stderr, "train: warning: %s\n", w)
		}
	}
	if meta.ValSplit == valSplitBlocks && rec.ValFraction > 0 && !nothingToDo {
		fmt.Fprintf(g.stderr, "train: validation: %s\n", meta.ValSplitDesc)
	}
	bar := newStepBar(g.stderr, max(1, *epochs-start), "train")
	lastPlot := time.Now()
	opt := train.Options{
		Epochs: *epochs, BatchSize: rec.BatchSize, LearningRate: rec.LearningRate, LearningRateFinal: rec.LearningRateFinal,
		ClipValue: rec.ClipValue, Tau0: rec.Tau0, TauMin: rec.TauMin, TauRate: rec.TauRate, Seed: rec.Seed,
		ValFraction: valFrac, SplitRows: splitRows, Patience: *patience, BNBatches: bnb, Checkpoints: mgr, CheckpointEvery: 1, Resume: prev != nil,
		Config: resumeUser(prev, user), Metadata: &meta,
		Logf: func(format string, a ...any) { slog.Debug(fmt.Sprintf(format, a...)) },
		Stop: func() bool { return ctx.Err() != nil },
		OnEpoch: func(em train.EpochMetrics) error {
			if err := writeRun(); err != nil {
				return err
			}
			meta.History = append(meta.History, rowFromMetrics(em))
			desc := fmt.Sprintf("epoch %d/%d loss %.4g rec %.4g gauss %.4g cat %.3g", em.Epoch+1, *epochs, em.Train.Loss, em.Train.Rec, em.Train.Gauss, em.Train.Cat)
			if em.Val != nil {
				desc += fmt.Sprintf(" val %.4g", em.Val.Loss)
			}
			bar.Step(desc)
			if err := writeMetrics(runDir, cfg.K, meta.History); err != nil {
				return err
			}
			if time.Since(lastPlot) > 10*time.Second {
				lastPlot = time.Now()
				if err := plotLoss(filepath.Join(runDir, "loss.png"), cfg, meta.History); err != nil {
					return err
				}
			}
			return nil
		},
	}
	t0 := time.Now()
	res, err := train.Run(model, data, opt)
	endBar(bar, err != nil || res == nil || res.Stopped || res.EarlyStopped)
	if err != nil {
		if errors.Is(err, checkpoints.ErrConfigMismatch) {
			return badInputf("run %s was made with other settings: %v (leave the flags out to take the run's values)", runDir, err)
		}
		return trainErrFlags(err, rec, prev != nil)
	}
	if err := writeRun(); err != nil {
		return err
	}
	if len(res.History) > 0 || prev != nil {
		if err := writeMetrics(runDir, cfg.K, meta.History); err != nil {
			return err
		}
		if err := plotLoss(filepath.Join(runDir, "loss.png"), cfg, meta.History); err != nil {
			return err
		}
	}
	elapsed := time.Since(t0).Seconds()
	summariseRun(g, runDir, res, meta.History, elapsed)
	if !res.Stopped && !res.EarlyStopped && len(res.History) > 0 {
		if note := lossStillFallingNote(meta.History, runEpochs); note != "" {
			fmt.Fprintf(g.stderr, "train: note: %s\n", note)
		}
	}
	return interruptedRunError(res, *epochs)
}

// interruptedRunError is train's exit error: an interrupted run (Ctrl-C:
// Options.Stop) says where it stopped and to resume; a run that early
// stopping ended in the same epoch is complete (train sets both flags then,
// and a resume would do nothing): no error.
func interruptedRunError(res *train.Result, epochs int) error {
	if res.Stopped && !res.EarlyStopped {
		return fmt.Errorf("interrupted after epoch %d of %d (checkpoint saved; continue with --resume)", res.StartEpoch+len(res.History), epochs)
	}
	return nil
}

// flagNamedErr is an error of package train whose text names the CLI's flags instead of
// train.Options fields; it still wraps the original error.
type flagNamedErr struct {
	msg string
	err error
}

func (e *flagNamedErr) Error() string { return e.msg }
func (e *flagNamedErr) Unwrap() error { return e.err }

// trainErrFlags rewrites the train.Options names in an error of train.Run (e.g. the hint "lower
// Options.LearningRate or Options.ClipValue" of a non-finite loss) as the flags of stkit train
// that set them, with this run's values of --lr and --clip, keeping the rest of the message.
// resumed says the run was resumed: its --lr and --clip cannot change (the checkpoint's
// configuration is compared), so a hint to change them points to a new run.
func trainErrFlags(err error, rec train.Record, resumed bool) error {
	msg := err.Error()
	if !strings.Contains(msg, "Options.") {
		return err
	}
	clip := fmt.Sprintf("--clip (%g in this run)", rec.ClipValue)
	if rec.ClipValue < 0 {
		clip = fmt.Sprintf("set a positive --clip (--clip %g: this run does not clip the gradients)", rec.ClipValue)
	}
	// Longer names first: a Replacer tries the old strings in argument order. The CLI's
	// --bn-batches 0 is package train's BNBatches < 0 (off), so "≥ 0" there is "≥ 1" here.
	out := strings.NewReplacer(
		"Options.BNBatches ≥ 0", "--bn-batches ≥ 1",
		"Options.BNBatches", "--bn-batches",
		"Options.LearningRateFinal", "--lr-final",
		"Options.LearningRate", fmt.Sprintf("--lr (%g in this run)", rec.LearningRate),
		"Options.ClipValue", clip,
		"Options.ValFraction", "--val",
		"Options.BatchSize", "--batch",
		"Options.Epochs", "--epochs",
		"Options.Patience", "--early-stop",
		"Options.TauMin", "--tau-min",
		"Options.Tau0", "--tau0",
		"Options.Resume", "--resume",
	).Replace(msg)
	if resumed && (strings.Contains(out, "--lr (") || strings.Contains(out, "--clip")) {
		out += "; a resumed run keeps the --lr and --clip it was started with: change them in a new run (another -o)"
	}
	return &flagNamedErr{msg: out, err: err}
}

// presetConfig returns the model sizes of a preset.
func presetConfig(name string, k, features int) (vae.Config, error) {
	switch name {
	case "small":
		return vae.SmallConfig(k, features), nil
	case "default":
		return vae.DefaultConfig(k, features), nil
	}
	return vae.Config{}, badInputf("unknown --preset %q (want small or default)", name)
}

// trimHistory keeps the rows of the first epochs completed epochs.
func trimHistory(h []epochRow, epochs int) []epochRow {
	out := h[:0:0]
	for _, r := range h {
		if r.Epoch <= epochs {
			out = append(out, r)
		}
	}
	return out
}

// writeRunJSON writes RUN/run.json: the model and training configuration and the metadata without
// the history (a readable copy of what every checkpoint holds; its spec with the normalisation in
// effect and "coeffs_norm", that of the features, runSpecNorm), and the provenance of the command
// (prov19_provenance.go: stkit's commit, the command line, the dataset's SHA-256). A resume
// rewrites it: the provenance is then the resume's, and those of the earlier commands that wrote
// the run, read from the run.json it replaces, are kept in order in provenance_earlier.
func writeRunJSON(dir string, cfg vae.Config, rec train.Record, meta runMeta, prov *provenance) error {
	meta.History = nil
	var old struct {
		Prov    json.RawMessage   `json:"provenance"`
		Earlier []json.RawMessage `json:"provenance_earlier"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "run.json")); err == nil && json.Unmarshal(b, &old) == nil && len(old.Prov) > 0 {
		old.Earlier = append(old.Earlier, old.Prov)
	}
	// the statistic as the features have it: the normalisation in effect
	// and that of the feature values (runSpecNorm; the checkpoints keep the
	// dataset's spec, which a resume compares)
	type runDoc struct {
		runMeta
		CoeffsNorm string `json:"coeffs_norm"`
	}
	rd := runDoc{runMeta: meta}
	rd.Spec, rd.CoeffsNorm = runSpecNorm(meta.Spec)
	doc := struct {
		Model    vae.Config        `json:"model"`
		Training train.Record      `json:"training"`
		Meta     runDoc            `json:"run"`
		Prov     *provenance       `json:"provenance"`
		Earlier  []json.RawMessage `json:"provenance_earlier,omitempty"`
	}{cfg, rec, rd, prov, old.Earlier}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return checkpoints.WriteFileAtomic(filepath.Join(dir, "run.json"), append(b, '\n'), 0o644)
}

// writeMetrics writes RUN/metrics.csv and RUN/metrics.json from the history.
func writeMetrics(dir string, K int, h []epochRow) error {
	var sb strings.Builder
	sb.WriteString("epoch,step,tau,lr,seconds,loss,rec,gauss,cat,balance")
	for k := 0; k < K; k++ {
		fmt.Fprintf(&sb, ",occ_%d", k)
	}
	sb.WriteString(",val_loss,val_rec,val_gauss,val_cat,val_balance")
	for k := 0; k < K; k++ {
		fmt.Fprintf(&sb, ",val_occ_%d", k)
	}
	sb.WriteByte('\n')
	g := func(v float64) string { return fmt.Sprintf("%.8g", v) }
	for _, r := range h {
		fmt.Fprintf(&sb, "%d,%d,%s,%s,%.3f,%s,%s,%s,%s,%s", r.Epoch, r.Step, g(r.Tau), g(r.LR), r.Seconds, g(r.Loss), g(r.Rec), g(r.Gauss), g(r.Cat), g(r.Balance))
		for k := 0; k < K; k++ {
			sb.WriteString("," + g(at(r.Occupancy, k)))
		}
		for _, p := range []*float64{r.ValLoss, r.ValRec, r.ValGauss, r.ValCat, r.ValBalance} {
			sb.WriteByte(',')
			if p != nil {
				sb.WriteString(g(*p))
			}
		}
		for k := 0; k < K; k++ {
			sb.WriteByte(',')
			if r.ValOccupancy != nil {
				sb.WriteString(g(at(r.ValOccupancy, k)))
			}
		}
		sb.WriteByte('\n')
	}
	if err := checkpoints.WriteFileAtomic(filepath.Join(dir, "metrics.csv"), []byte(sb.String()), 0o644); err != nil {
		return err
	}
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	return checkpoints.WriteFileAtomic(filepath.Join(dir, "metrics.json"), append(b, '\n'), 0o644)
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return math.NaN()
}

func summariseRun(g *globals, dir string, res *train.Result, h []epochRow, elapsed float64) {
	w := g.stdout
	switch {
	case res.EarlyStopped:
		fmt.Fprintf(w, "early stop at epoch %d (best validation loss %.5g at epoch %d)\n", res.StartEpoch+len(res.History), res.BestValLoss, res.BestEpoch+1)
	case len(res.History) == 0:
		fmt.Fprintf(w, "nothing to do: the run already completed %d epochs (to train further: --resume --epochs N, N > %d)\n", res.StartEpoch, res.StartEpoch)
	}
	if len(res.History) > 0 {
		fmt.Fprintf(w, "trained epochs %d–%d in %.1f s (%.3f s/epoch)\n", res.StartEpoch+1, res.StartEpoch+len(res.History), elapsed, elapsed/float64(len(res.History)))
	}
	if len(h) > 0 {
		r := h[len(h)-1]
		fmt.Fprintf(w, "epoch %d: loss %.5g (rec %.5g, gauss %.5g, cat %.4g); occupancy %s\n", r.Epoch, r.Loss, r.Rec, r.Gauss, r.Cat, fmtFracs(r.Occupancy))
		if r.ValLoss != nil {
			fmt.Fprintf(w, "validation: loss %.5g (rec %.5g, gauss %.5g, cat %.4g); occupancy %s\n", *r.ValLoss, *r.ValRec, *r.ValGauss, *r.ValCat, fmtFracs(r.ValOccupancy))
		}
	}
	if res.Checkpoint != "" {
		fmt.Fprintf(w, "checkpoint: %s\n", res.Checkpoint)
	}
	fmt.Fprintf(w, "metrics: %s, %s\n", filepath.Join(dir, "metrics.csv"), filepath.Join(dir, "loss.png"))
}

func fmtFracs(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.3f", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// lrDesc renders the ends of the learning-rate schedule: "lr A→B" for a
// decay, "lr A constant" when --lr-final is 0 or equal to --lr (a constant
// rate, not a decay to 0).
func lrDesc(lr, final float64) string {
	if final == 0 || final == lr {
		return fmt.Sprintf("lr %g constant", lr)
	}
	return fmt.Sprintf("lr %g→%g", lr, final)
}

// lrSchedDesc renders the learning-rate schedule of the train start line
// for a run of epochs epochs: lrDesc, and for a decay the rates the epochs
// run at (train.LearningRate, a(b+t)^(−1/3) with t the 0-based epoch: one
// rate per epoch, whatever the number of steps in it): "lr 0.01→0.001
// (a(b+t)^(−1/3) by epoch: 0.01 in epoch 1, 0.0027 in epoch 2, …, 0.00102
// in epoch 20)". "lr 0.01→0.001" alone hid that the rate falls most in the
// first epochs (0.01 → 0.0027 after the first of 20, a single step on a
// small dataset), and that the last epoch runs above --lr-final.
func lrSchedDesc(lr, final float64, epochs int) string {
	d := lrDesc(lr, final)
	if final == 0 || final == lr || epochs < 1 {
		return d
	}
	at := func(e int) string {
		return fmt.Sprintf("%.3g in epoch %d", train.LearningRate(e-1, epochs, lr, final), e)
	}
	rates := []string{at(1)}
	if epochs >= 2 {
		rates = append(rates, at(2))
	}
	if epochs >= 4 {
		rates = append(rates, "…")
	}
	if epochs >= 3 {
		rates = append(rates, at(epochs))
	}
	return fmt.Sprintf("%s (a(b+t)^(−1/3) by epoch: %s)", d, strings.Join(rates, ", "))
}
