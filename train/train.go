// Package train fits a vae.Model on an in-memory matrix of feature vectors with GoMLX's trainer
// (pkg/ml/train.Trainer): Adam, gradient clipping by value, the Gumbel temperature schedule,
// per-epoch metrics (loss terms and cluster occupancy), periodic validation, early stopping,
// atomic checkpoints with resume, and a progress bar on stderr. Validation, checkpoints and the
// returned model use batch-norm statistics recomputed over training batches at the end of the epoch
// (Options.BNBatches): the running averages lag far behind the weights in the first epochs.
//
// Determinism: with the same model seed (vae.New), Options.Seed and data, two runs produce the same
// variables. The train/validation split (unless Options.SplitRows gives it) and each epoch's row
// order are functions of (Seed, epoch) only; the in-graph noise (Gumbel, reparameterisation) comes
// from the context RNG state, which is a model variable and therefore checkpointed. Validation uses
// a separate seeded stream and never advances the training RNG.
package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	gtrain "github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/metrics"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/schollz/progressbar/v3"

	"github.com/stkit-org/stkit/checkpoints"
	_ "github.com/stkit-org/stkit/internal/gomlxfix" // fast matmul VJPs
	"github.com/stkit-org/stkit/vae"
)

// DefaultBNBatches is the default Options.BNBatches.
const DefaultBNBatches = 32

// MinLearningRate and MaxLearningRate bound a positive Options.LearningRate and LearningRateFinal
// (Validate): the optimiser holds the rate as a float32, and these are the smallest normal and the
// largest finite float32, as vae.MinTemperature and vae.MaxTemperature for τ.
const (
	MinLearningRate = 0x1p-126                // ≈ 1.1755e-38
	MaxLearningRate = 0x1p127 * (2 - 0x1p-23) // ≈ 3.4028e38
)

// Options configure Run. Zero values select the documented defaults (facvae/HI settings). A
// negative value is an error (Validate) except where a field's doc gives it a meaning.
type Options struct {
	// Epochs is the total number of epochs of the run (a resumed run continues up to Epochs). With
	// LearningRateFinal > 0 every epoch e runs at LearningRate(e, Epochs, …) of the current Epochs: a
	// run resumed with another Epochs runs its remaining epochs on the new schedule, its earlier ones
	// having run on the old (so it matches an uninterrupted run of neither length); τ does not depend
	// on Epochs.
	Epochs int
	// BatchSize is the number of rows per step (0: the default 512; ≥ 2 otherwise, as batch
	// normalisation needs two rows). The training rows are reshuffled every
	// epoch and the last incomplete batch is dropped, so every step has the same shape (one compiled
	// graph); if fewer training rows than BatchSize exist, the batch is all of them.
	BatchSize int
	// LearningRate is Adam's initial rate (0: the default 1e-3). LearningRateFinal > 0 enables the
	// facvae decay a·(b+e)^(−1/3), e the 0-based epoch (EpochMetrics.Epoch), from LearningRate at
	// e = 0 to LearningRateFinal at e = Epochs, i.e. just after the last epoch: the last epoch
	// (e = Epochs−1, "epoch Epochs/Epochs" in the log) runs at a slightly higher rate (1.0056e-3 for
	// 1e-2 → 1e-3 over 60 epochs). EpochMetrics.LR is the rate of each epoch. The rate is held as a
	// float32: positive values must lie in [MinLearningRate, MaxLearningRate].
	LearningRate, LearningRateFinal float64
	// ClipValue clips every gradient entry to [−ClipValue, ClipValue] before Adam (0: the default
	// 20; negative disables), as PyTorch's clip_grad_value_.
	ClipValue float64
	// Tau0, TauMin and TauRate define the Gumbel temperature τ(e) = max(Tau0·exp(−TauRate·e), TauMin)
	// of the 0-based epoch e (0 selects the defaults 1, 0.5, ln2/50): the first epoch runs at
	// max(Tau0, TauMin). A Tau0 below 0.5 with TauMin left 0 therefore trains at 0.5 throughout:
	// set TauMin too. TauMin ≥ Tau0 gives a constant τ = TauMin.
	Tau0, TauMin, TauRate float64
	// Seed drives the train/validation split (Split's; not one given by SplitRows) and the
	// per-epoch shuffling (the model's initial weights and in-graph noise are seeded by vae.New).
	Seed int64
	// ValFraction is the fraction of rows held out for validation (0: the default 0.1; negative for
	// none).
	ValFraction float64
	// SplitRows, if set, gives the training and validation rows of a data set of n rows instead of
	// Split(n, ValFraction, Seed): rows of neither list are left out (e.g. patches that overlap a
	// validation patch, so that validation is held out). Both lists must be sorted, disjoint and
	// within [0, n); ValFraction is then only recorded.
	SplitRows func(n int) (trainIdx, valIdx []int)
	// EvalEvery evaluates the validation split every EvalEvery epochs and after the last one
	// (0: the default 1).
	EvalEvery int
	// BNBatches is the number of training batches (the first of the epoch's order, BatchSize rows
	// each) over which the batch-normalisation statistics are recomputed with
	// vae.Model.RecomputeBNStats before every validation, before every checkpoint and at the end of
	// the run (0: the default 32; negative: off, leaving the running averages of the training steps, which
	// lag far behind the weights in the first epochs: validation losses of ~1e9 against a training
	// loss of ~100 after one epoch of the default preset). It changes the evaluation-mode statistics
	// only, never the training trajectory, and is not part of the recorded run configuration.
	BNBatches int
	// Patience > 0 enables early stopping (0 or negative: none): training stops after Patience
	// consecutive evaluations without a validation-loss improvement larger than MinDelta (≥ 0).
	Patience int
	MinDelta float64
	// Progress shows a progress bar on ProgressOut (default os.Stderr).
	Progress    bool
	ProgressOut io.Writer
	// Logf, if set, receives one line per epoch: "epoch e/E step s tau … loss … occ …" with e
	// 1-based (EpochMetrics.Epoch+1) and s the optimiser global step (EpochMetrics.Step). Run's
	// errors name epochs the same way.
	Logf func(format string, args ...any)
	// OnEpoch, if set, is called after every epoch (before its checkpoint is written, so state it
	// updates — e.g. a metrics history held by Metadata — is saved with that epoch); an error stops
	// training and is returned, and that epoch is not checkpointed.
	OnEpoch func(EpochMetrics) error
	// Stop, if set, is polled after every epoch but the last (after OnEpoch); when it returns true
	// the run ends cleanly: a checkpoint of that epoch is written (whatever CheckpointEvery says) and
	// Run returns with Result.Stopped set and a nil error (Result.EarlyStopped too if Patience ended
	// the run after the same epoch). Use it for Ctrl-C.
	Stop func() bool

	// Checkpoints, if set, receives a checkpoint every CheckpointEvery epochs (0: only at the end;
	// ≥ 0) and at the end of the run (including an early stop).
	Checkpoints     *checkpoints.Manager
	CheckpointEvery int
	// Resume restores the newest readable checkpoint of Checkpoints before training (a fresh start
	// if there is none); a checkpoint with another configuration is refused.
	Resume bool
	// Config is caller configuration (e.g. the ST configuration) recorded in the checkpoint's
	// configuration and compared on resume; Metadata is recorded but not compared (normalisation
	// mean/std, notes).
	Config, Metadata any
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 512
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 1e-3
	}
	if o.ClipValue == 0 {
		o.ClipValue = 20
	}
	if o.Tau0 <= 0 {
		o.Tau0 = 1
	}
	if o.TauMin <= 0 {
		o.TauMin = 0.5
	}
	if o.TauRate == 0 {
		o.TauRate = DefaultTauRate
	}
	if o.ValFraction == 0 {
		o.ValFraction = 0.1
	} else if o.ValFraction < 0 {
		o.ValFraction = 0
	}
	if o.EvalEvery <= 0 {
		o.EvalEvery = 1
	}
	if o.BNBatches == 0 {
		o.BNBatches = DefaultBNBatches
	}
	if o.ProgressOut == nil {
		o.ProgressOut = os.Stderr
	}
	return o
}

// TermMeans are batch-mean loss terms: Loss = WRec·Rec + WGauss·Gauss + WCat·Cat + WBalance·Balance.
// A term of weight 0 is not part of the objective and is left out of the Loss (so a NaN Balance
// with WBalance = 0, the default, leaves it finite): the validation Loss is computed so here, the
// training Loss is the graph's total (vae.Terms.Total), which leaves out terms of weight 0 too.
// Balance is KL(q̄ ‖ U(K)) of the mean posterior q̄ (vae.MarginalKLUniform): for training, the
// mean over the epoch's batches of the per-batch value; for validation, the value over the whole
// validation split.
type TermMeans struct {
	Loss, Rec, Gauss, Cat, Balance float64
	// Occupancy[k] is the fraction of rows whose argmax q(y|x) is k. Balance and Occupancy are NaN
	// when the logits of a row give no posterior (see Evaluate).
	Occupancy []float64
}

// EpochMetrics summarise one epoch.
type EpochMetrics struct {
	// Epoch is 0-based (messages and the Logf line show Epoch+1); Step the optimiser global step at
	// the end of the epoch.
	Epoch int
	Step  int64
	// Tau and LR are the temperature and learning rate used in this epoch.
	Tau, LR float64
	// Train holds the averages over the epoch's training batches (training-mode batch norm).
	Train TermMeans
	// Val holds the validation-split terms (evaluation mode, batch-norm statistics recomputed over
	// the training batches as Options.BNBatches says), nil when not evaluated this epoch.
	Val *TermMeans
	// Seconds is the wall time of the epoch (training and evaluation).
	Seconds float64
}

// Result is what Run returns.
type Result struct {
	// History holds the epochs run by this call. StartEpoch is the number of epochs completed
	// before it (the resumed checkpoint's State.Epoch, 0 for a fresh run), which is also the 0-based
	// EpochMetrics.Epoch of History[0].
	History    []EpochMetrics
	StartEpoch int
	// BestEpoch and BestValLoss track the best validation loss seen (−1 / +Inf without validation).
	// BestEpoch is 0-based like EpochMetrics.Epoch: the log line and messages call it
	// "epoch BestEpoch+1".
	BestEpoch   int
	BestValLoss float64
	// EarlyStopped is true if Patience ended the run. Stopped is true if Options.Stop returned true
	// (it is polled after every epoch but the last, including the epoch in which Patience ends the
	// run): when both happen after the same epoch both are true; when Stop returns true first the run
	// ends there and EarlyStopped stays false.
	EarlyStopped bool
	Stopped      bool
	// Checkpoint is the path of the last checkpoint written (empty if none).
	Checkpoint string
	// SkippedCheckpoints lists corrupt checkpoint files passed over on resume.
	SkippedCheckpoints []error
	// TrainIdx and ValIdx are the split used.
	TrainIdx, ValIdx []int
}

// Record is the part of Options that defines a run: RunConfig.Train holds it as JSON, and a
// resume compares it. Epochs, evaluation cadence, early stopping and checkpoint cadence are not
// part of it and may change between resumes (a new Epochs changes the
// learning-rate decay of the remaining epochs, see Options.Epochs). Callers that keep their own
// copy of a run's settings (the CLI's run.json) use this type so that the two documents cannot drift apart.
type Record struct {
	BatchSize         int     `json:"batch_size"`
	LearningRate      float64 `json:"learning_rate"`
	LearningRateFinal float64 `json:"learning_rate_final"`
	ClipValue         float64 `json:"clip_value"`
	Tau0              float64 `json:"tau0"`
	TauMin            float64 `json:"tau_min"`
	TauRate           float64 `json:"tau_rate"`
	Seed              int64   `json:"seed"`
	ValFraction       float64 `json:"val_fraction"`
}

// RunConfig is the configuration document a checkpoint of this package records and compares.
type RunConfig struct {
	VAE             vae.Config      `json:"vae"`
	Train           json.RawMessage `json:"train"`
	DataFingerprint string          `json:"data_fingerprint"`
	User            json.RawMessage `json:"user"`
}

func runConfig(cfg vae.Config, o Options, data Data) (RunConfig, error) {
	tr, _ := json.Marshal(Record{o.BatchSize, o.LearningRate, o.LearningRateFinal, o.ClipValue,
		o.Tau0, o.TauMin, o.TauRate, o.Seed, o.ValFraction})
	user := json.RawMessage("null")
	if o.Config != nil {
		b, err := json.Marshal(o.Config)
		if err != nil {
			return RunConfig{}, fmt.Errorf("train: encoding Options.Config: %w", err)
		}
		user = b
	}
	return RunConfig{VAE: cfg, Train: tr, DataFingerprint: Fingerprint(data), User: user}, nil
}

// clipOptimizer clips every gradient entry to [−clip, clip] and hands the gradients to the wrapped
// optimiser (which must implement gtrain.OptimizeWithGradients, as Adam does).
type clipOptimizer struct {
	inner optimizers.Interface
	clip  float64
}

func (c clipOptimizer) UpdateGraph(ctx *context.Context, g *graph.Graph, loss *graph.Node) {
	grads := ctx.BuildTrainableVariablesGradientsGraph(loss)
	for i, gr := range grads {
		grads[i] = graph.ClipScalar(gr, -c.clip, c.clip)
	}
	c.inner.(gtrain.OptimizeWithGradients).UpdateGraphWithGradients(ctx, grads, loss.DType())
}

func (c clipOptimizer) Clear(ctx *context.Context) error { return c.inner.Clear(ctx) }

// NewOptimizer returns Adam (lr, β = (0.9, 0.999), ε = 1e-7: GoMLX v0.26's defaults, no weight
// decay) with gradient clipping by value when clip > 0. PyTorch's Adam, which the facvae reference
// trains with, uses ε = 1e-8; the two differ only where a parameter's gradient RMS is near 1e-7.
func NewOptimizer(lr, clip float64) optimizers.Interface {
	adam := optimizers.Adam().LearningRate(lr).Done()
	if clip > 0 {
		return clipOptimizer{inner: adam, clip: clip}
	}
	return adam
}

// Validate reports the first option Run refuses: Epochs < 1; a NaN or infinite LearningRate,
// LearningRateFinal, ClipValue, Tau0, TauMin, TauRate, ValFraction or MinDelta; a BatchSize of 1
// or below 0; a negative LearningRate, LearningRateFinal, Tau0, TauMin, TauRate, EvalEvery,
// CheckpointEvery or MinDelta (fields whose defaults 0 selects used to take a negative value for
// 0); a TauMin below vae.MinTemperature or a Tau0 or TauMin above vae.MaxTemperature (τ is
// stored as a float32); a positive LearningRate or LearningRateFinal outside [MinLearningRate,
// MaxLearningRate] (the rate is stored as a float32 too); a ValFraction ≥ 1 (no training rows would
// be left); Resume without Checkpoints.
func (o Options) Validate() error {
	if o.Epochs < 1 {
		return fmt.Errorf("train: Epochs must be ≥ 1, got %d", o.Epochs)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"LearningRate", o.LearningRate}, {"LearningRateFinal", o.LearningRateFinal}, {"ClipValue", o.ClipValue},
		{"Tau0", o.Tau0}, {"TauMin", o.TauMin}, {"TauRate", o.TauRate}, {"ValFraction", o.ValFraction}, {"MinDelta", o.MinDelta}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("train: Options.%s must be finite, got %g", f.name, f.v)
		}
	}
	if o.BatchSize < 0 || o.BatchSize == 1 {
		return fmt.Errorf("train: Options.BatchSize must be ≥ 2 (batch normalisation needs two rows) or 0 for the default 512, got %d", o.BatchSize)
	}
	for _, f := range []struct {
		name, zero string
		v          float64
	}{{"LearningRate", "the default 1e-3", o.LearningRate}, {"LearningRateFinal", "constant rate", o.LearningRateFinal},
		{"Tau0", "the default 1", o.Tau0}, {"TauMin", "the default 0.5", o.TauMin},
		{"TauRate", "the default ln2/50; a negative rate would raise τ every epoch", o.TauRate},
		{"EvalEvery", "the default 1", float64(o.EvalEvery)}, {"CheckpointEvery", "only at the end", float64(o.CheckpointEvery)},
		{"MinDelta", "any decrease is an improvement", o.MinDelta}} {
		if f.v < 0 {
			return fmt.Errorf("train: Options.%s must be ≥ 0 (0: %s), got %g", f.name, f.zero, f.v)
		}
	}
	// τ is stored as a float32 (vae.Model.SetTemperature): a TauMin below float32's smallest
	// normal value or a Tau0 above its largest would be refused only at the epoch the schedule
	// reaches it (the first one for Tau0); refuse them here, before any epoch runs.
	if o.TauMin > 0 && o.TauMin < vae.MinTemperature {
		return fmt.Errorf("train: Options.TauMin = %g is below %g, the smallest Gumbel temperature the model stores (float32; 0: the default 0.5)", o.TauMin, float64(vae.MinTemperature))
	}
	if o.Tau0 > vae.MaxTemperature || o.TauMin > vae.MaxTemperature {
		return fmt.Errorf("train: Options.Tau0 = %g and TauMin = %g: the Gumbel temperature must be at most %g (float32)", o.Tau0, o.TauMin, float64(vae.MaxTemperature))
	}
	// The rate is held in a float32 variable (optimizers.LearningRateVar): below float32's smallest
	// normal value it would be a subnormal or 0 (1e-50 trained at rate 0, leaving the weights as
	// they were, with no error), above its largest +Inf. The schedule stays between LearningRate and
	// LearningRateFinal, so checking both covers every epoch.
	for _, f := range []struct {
		name, zero string
		v          float64
	}{{"LearningRate", "the default 1e-3", o.LearningRate}, {"LearningRateFinal", "constant rate", o.LearningRateFinal}} {
		if f.v > 0 && (f.v < MinLearningRate || f.v > MaxLearningRate) {
			return fmt.Errorf("train: Options.%s = %g is outside [%.5g, %.5g]: the learning rate is held as a float32 (0: %s)",
				f.name, f.v, float64(MinLearningRate), float64(MaxLearningRate), f.zero)
		}
	}
	if o.ValFraction >= 1 {
		return fmt.Errorf("train: Options.ValFraction must be < 1 (the rest of the rows train), got %g", o.ValFraction)
	}
	if o.Resume && o.Checkpoints == nil {
		return errors.New("train: Options.Resume needs Options.Checkpoints (the folder to resume from)")
	}
	return nil
}

// Run trains model on data. The model's Cfg.InputDim() must equal data.D.
//
// Refused before any step or checkpoint, with an error naming the problem (the model and the
// checkpoint folder are left untouched): a nil model or one without Ctx or Backend or with an
// invalid Cfg; data that fail Data.Validate or have another width than the model; options that
// fail Options.Validate; Patience > 0 without a validation split (ValFraction < 0, or too few rows
// to hold one out); fewer than 2 training rows left after the split. With Resume, a newest
// checkpoint of another configuration (checkpoints.ErrConfigMismatch) is refused before it is
// restored.
//
// A NaN or infinite loss ends the run with an error (and no checkpoint of that epoch): a training
// step's loss, naming the epoch ("epoch e/E", 1-based as in the Logf line), the batch within it and
// the global step, or a validation loss, naming the epoch and its terms; a
// non-finite validation loss is never taken as the best nor counted towards Patience.
func Run(model *vae.Model, data Data, opt Options) (*Result, error) {
	if err := model.Ready(); err != nil {
		return nil, err
	}
	if err := data.Validate(); err != nil {
		return nil, err
	}
	cfg := model.Cfg
	if data.D != cfg.InputDim() {
		return nil, fmt.Errorf("train: data have %d columns, model expects %d", data.D, cfg.InputDim())
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	res := &Result{BestEpoch: -1, BestValLoss: math.Inf(1)}
	if opt.SplitRows != nil {
		res.TrainIdx, res.ValIdx = opt.SplitRows(data.N)
		if err := checkSplit(data.N, res.TrainIdx, res.ValIdx); err != nil {
			return nil, err
		}
	} else {
		res.TrainIdx, res.ValIdx = Split(data.N, opt.ValFraction, opt.Seed)
	}
	if opt.Patience > 0 && len(res.ValIdx) == 0 {
		return nil, errors.New("train: early stopping (Patience > 0) needs a validation split")
	}
	nTrain := len(res.TrainIdx)
	batch := min(opt.BatchSize, nTrain)
	if batch < 2 {
		return nil, fmt.Errorf("train: need at least 2 training rows (batch normalisation), have %d of the %d rows after holding out %d for validation (Options.ValFraction)",
			nTrain, data.N, len(res.ValIdx))
	}
	steps := nTrain / batch
	rc, err := runConfig(cfg, opt, data)
	if err != nil {
		return nil, err
	}

	// Resume.
	badEvals := 0
	if opt.Resume && opt.Checkpoints != nil {
		c, skipped, err := opt.Checkpoints.Resume(model.Ctx, rc)
		res.SkippedCheckpoints = skipped
		switch {
		case errors.Is(err, checkpoints.ErrNoCheckpoint):
		case err != nil:
			return res, err
		default:
			res.StartEpoch = c.State.Epoch
			if c.State.Seed != opt.Seed {
				return res, fmt.Errorf("train: checkpoint seed %d ≠ requested %d", c.State.Seed, opt.Seed)
			}
			if v, ok := c.State.Extra["best_val_loss"]; ok && v != math.MaxFloat64 {
				res.BestValLoss = v
			}
			if v, ok := c.State.Extra["best_epoch"]; ok {
				res.BestEpoch = int(v)
			}
			if v, ok := c.State.Extra["bad_evals"]; ok {
				badEvals = int(v)
			}
			if v, ok := c.State.Extra["early_stopped"]; ok && v != 0 {
				res.EarlyStopped = true
			}
		}
	}
	if res.StartEpoch >= opt.Epochs || res.EarlyStopped {
		return res, nil
	}

	trainer, metricIdx := newTrainer(model, opt)
	ctx := model.Ctx
	lrVar := optimizers.LearningRateVar(ctx, dtypes.Float32, opt.LearningRate)

	var bar *progressbar.ProgressBar
	if opt.Progress {
		bar = progressbar.NewOptions((opt.Epochs-res.StartEpoch)*steps,
			progressbar.OptionSetWriter(opt.ProgressOut), progressbar.OptionSetDescription("train"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		defer func() { _ = bar.Finish() }()
	}

	// save writes a checkpoint after epoch completed epochs (State.Epoch counts them, so it equals
	// the 1-based number of the last epoch); Extra["best_epoch"] holds Result.BestEpoch, 0-based.
	save := func(epoch int) error {
		if opt.Checkpoints == nil {
			return nil
		}
		es := 0.0
		if res.EarlyStopped {
			es = 1
		}
		st := checkpoints.State{Epoch: epoch, Step: optimizers.GetGlobalStep(ctx), Seed: opt.Seed,
			Extra: map[string]float64{"best_val_loss": finiteOr(res.BestValLoss, math.MaxFloat64),
				"best_epoch": float64(res.BestEpoch), "bad_evals": float64(badEvals), "early_stopped": es}}
		p, err := opt.Checkpoints.Save(ctx, st, rc, opt.Metadata)
		if err != nil {
			return err
		}
		res.Checkpoint = p
		return nil
	}

	K := cfg.K
	xb := make([]float32, batch*data.D)
	for epoch := res.StartEpoch; epoch < opt.Epochs; epoch++ {
		t0 := time.Now()
		em := EpochMetrics{Epoch: epoch,
			Tau: Temperature(epoch, opt.Tau0, opt.TauMin, opt.TauRate),
			LR:  LearningRate(epoch, opt.Epochs, opt.LearningRate, opt.LearningRateFinal)}
		if err := model.SetTemperature(em.Tau); err != nil {
			return res, err
		}
		if err := lrVar.SetValue(tensors.FromScalar(float32(em.LR))); err != nil {
			return res, err
		}
		order := EpochOrder(res.TrainIdx, opt.Seed, epoch)
		em.Train.Occupancy = make([]float64, K)
		for s := 0; s < steps; s++ {
			for r, i := range order[s*batch : (s+1)*batch] {
				copy(xb[r*data.D:(r+1)*data.D], data.X[i*data.D:(i+1)*data.D])
			}
			in := tensors.FromFlatDataAndDimensions(append([]float32(nil), xb...), batch, data.D)
			ms, err := trainer.TrainStep(nil, []*tensors.Tensor{in}, nil)
			in.MustFinalizeAll()
			if err != nil {
				return res, fmt.Errorf("train: %s, batch %d of %d: %w", epochLabel(epoch, opt.Epochs), s+1, steps, err)
			}
			vals := make([]float64, len(ms))
			for i, m := range ms {
				vals[i] = shapes.ConvertTo[float64](m.Value())
				m.MustFinalizeAll()
			}
			loss := vals[0]
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return res, fmt.Errorf("train: %s, batch %d of %d (step %d): training loss is %v; lower Options.LearningRate or Options.ClipValue",
					epochLabel(epoch, opt.Epochs), s+1, steps, optimizers.GetGlobalStep(ctx), loss)
			}
			em.Train.Loss += loss
			em.Train.Rec += vals[metricIdx]
			em.Train.Gauss += vals[metricIdx+1]
			em.Train.Cat += vals[metricIdx+2]
			em.Train.Balance += vals[metricIdx+3]
			for k := 0; k < K; k++ {
				em.Train.Occupancy[k] += vals[metricIdx+4+k]
			}
			if bar != nil {
				bar.Describe(fmt.Sprintf("%s loss %.4g", epochLabel(epoch, opt.Epochs), loss))
				_ = bar.Add(1)
			}
		}
		inv := 1 / float64(steps)
		em.Train.Loss *= inv
		em.Train.Rec *= inv
		em.Train.Gauss *= inv
		em.Train.Cat *= inv
		em.Train.Balance *= inv
		for k := range em.Train.Occupancy {
			em.Train.Occupancy[k] *= inv
		}
		em.Step = optimizers.GetGlobalStep(ctx)

		// Evaluation mode (validation, checkpoints, the returned model) uses batch-norm statistics
		// recomputed for the weights reached, once per epoch when needed.
		recomputed := false
		recomputeBN := func() error {
			if recomputed || opt.BNBatches < 0 {
				return nil
			}
			recomputed = true
			nb := min(steps, opt.BNBatches)
			rows, err := data.Rows(order[:nb*batch])
			if err != nil {
				return err
			}
			if _, err := model.RecomputeBNStats(rows, batch, bnSeed(opt.Seed, epoch)); err != nil {
				return fmt.Errorf("train: %s: recomputing the batch-norm statistics: %w", epochLabel(epoch, opt.Epochs), err)
			}
			return nil
		}
		last := epoch == opt.Epochs-1
		if len(res.ValIdx) > 0 && ((epoch+1)%opt.EvalEvery == 0 || last) {
			if err := recomputeBN(); err != nil {
				return res, err
			}
			rows, err := data.Rows(res.ValIdx)
			if err != nil {
				return res, err
			}
			v, err := Evaluate(model, rows, opt.Seed)
			if err != nil {
				return res, fmt.Errorf("train: validation at %s: %w", epochLabel(epoch, opt.Epochs), err)
			}
			if math.IsNaN(v.Loss) || math.IsInf(v.Loss, 0) {
				// Never compared (NaN is no improvement and would only count towards Patience):
				// refused like a non-finite training loss.
				hint := "lower Options.LearningRate or Options.ClipValue"
				if opt.BNBatches < 0 {
					hint = "set Options.BNBatches ≥ 0 (evaluation used the lagging running batch-norm averages) or " + hint
				}
				return res, fmt.Errorf("train: validation at %s: loss is %v (rec %g, gauss %g, cat %g, balance %g) while the training loss was %g: the model gives non-finite values in evaluation mode; %s",
					epochLabel(epoch, opt.Epochs), v.Loss, v.Rec, v.Gauss, v.Cat, v.Balance, em.Train.Loss, hint)
			}
			em.Val = v
			if v.Loss < res.BestValLoss-opt.MinDelta {
				res.BestValLoss, res.BestEpoch, badEvals = v.Loss, epoch, 0
			} else {
				badEvals++
				if opt.Patience > 0 && badEvals >= opt.Patience {
					res.EarlyStopped = true
				}
			}
		}
		em.Seconds = time.Since(t0).Seconds()
		res.History = append(res.History, em)
		if opt.Logf != nil {
			line := fmt.Sprintf("%s step %d tau %.3f loss %.4g (rec %.4g gauss %.4g cat %.4g balance %.3g) occ %s",
				epochLabel(epoch, opt.Epochs), em.Step, em.Tau, em.Train.Loss, em.Train.Rec, em.Train.Gauss, em.Train.Cat, em.Train.Balance, fmtOcc(em.Train.Occupancy))
			if em.Val != nil {
				line += fmt.Sprintf(" | val loss %.4g occ %s", em.Val.Loss, fmtOcc(em.Val.Occupancy))
			}
			opt.Logf("%s", line)
		}
		if opt.OnEpoch != nil {
			if err := opt.OnEpoch(em); err != nil {
				return res, err
			}
		}
		stop := !last && opt.Stop != nil && opt.Stop()
		if last || stop || res.EarlyStopped || (opt.CheckpointEvery > 0 && (epoch+1)%opt.CheckpointEvery == 0) {
			if err := recomputeBN(); err != nil {
				return res, err
			}
			if err := save(epoch + 1); err != nil {
				return res, err
			}
		}
		// Both flags are set when Stop and Patience end the run after the same epoch.
		res.Stopped = stop
		if res.EarlyStopped || stop {
			break
		}
	}
	return res, nil
}

// epochLabel names epoch (0-based, as EpochMetrics.Epoch) of a run of epochs in every
// human-readable text of Run — the Logf line, the progress bar and the errors: "epoch e/E", 1-based,
// as the CLI's progress lines and metrics files (which count completed epochs) number them.
func epochLabel(epoch, epochs int) string { return fmt.Sprintf("epoch %d/%d", epoch+1, epochs) }

// bnSeed is the noise seed of the batch-norm recomputation of epoch (independent of the training
// RNG and of the validation stream, which is seeded by Seed + chunk).
func bnSeed(seed int64, epoch int) int64 { return seed + int64(epoch+1)*1_000_003 }

func finiteOr(v, alt float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return alt
	}
	return v
}

func fmtOcc(o []float64) string {
	s := "["
	for i, v := range o {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.2f", v)
	}
	return s + "]"
}

// newTrainer builds the GoMLX trainer whose step returns [loss, ~loss, rec, gauss, cat, balance, occ_0..occ_K−1];
// metricIdx is the index of rec.
func newTrainer(model *vae.Model, opt Options) (*gtrain.Trainer, int) {
	cfg := model.Cfg
	K := cfg.K
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		x := inputs[0]
		g := x.Graph()
		vctx := ctx.In(vae.Scope).Checked(false)
		tau := vae.TemperatureVar(vctx).ValueGraph(g)
		o := vae.Forward(vctx, cfg, x, tau, vae.ContextNoise(ctx))
		t := vae.Loss(cfg, x, o)
		gtrain.AddLoss(ctx, t.Total)
		preds := []*graph.Node{graph.ReduceAllMean(t.Rec), graph.ReduceAllMean(t.Gauss), graph.ReduceAllMean(t.Cat), t.Balance}
		occ := graph.ReduceMean(graph.OneHot(graph.ArgMax(o.Logits, -1), K, x.DType()), 0)
		for k := 0; k < K; k++ {
			preds = append(preds, graph.Reshape(graph.Slice(occ, graph.AxisElem(k))))
		}
		return preds
	}
	pass := func(i int) metrics.BaseMetricGraph {
		return func(_ *context.Context, _, predictions []*graph.Node) *graph.Node { return predictions[i] }
	}
	var ms []metrics.Interface
	ms = append(ms, metrics.NewBaseMetric("Reconstruction", "rec", "loss", pass(0), nil))
	ms = append(ms, metrics.NewBaseMetric("Gaussian KL", "gauss", "loss", pass(1), nil))
	ms = append(ms, metrics.NewBaseMetric("Categorical KL", "cat", "loss", pass(2), nil))
	ms = append(ms, metrics.NewBaseMetric("Balance KL", "balance", "loss", pass(3), nil))
	for k := 0; k < K; k++ {
		ms = append(ms, metrics.NewBaseMetric(fmt.Sprintf("Occupancy %d", k), fmt.Sprintf("occ%d", k), "occupancy", pass(4+k), nil))
	}
	tr := gtrain.NewTrainer(model.Backend, model.Ctx.Checked(false), modelFn, nil,
		NewOptimizer(opt.LearningRate, opt.ClipValue), ms, nil)
	return tr, len(tr.TrainMetrics()) - len(ms)
}

// Evaluate computes the validation terms of model on rows x (flat, n·D) in evaluation mode, with
// the in-graph noise seeded by seed. A nil or incomplete model (see Run), no rows, a length that is
// not a multiple of D and a NaN or infinite value are errors.
//
// A model that gives non-finite outputs on finite rows (a diverged one) is not an error here: the
// terms are returned as computed, NaN or ±Inf, and Loss with those of non-zero weight (see
// TermMeans; Run refuses a non-finite validation loss). Rows whose logits give no posterior q(y|x) (a NaN or +Inf logit, or all logits −Inf) make
// Balance and every Occupancy NaN; a −Inf logit among finite ones is probability 0.
func Evaluate(model *vae.Model, x []float32, seed int64) (*TermMeans, error) {
	if err := model.Ready(); err != nil {
		return nil, err
	}
	if len(x) == 0 {
		return nil, errors.New("train: Evaluate needs at least one row (got no rows)")
	}
	ev, err := model.EvaluateTerms(x, seed)
	if err != nil {
		return nil, err
	}
	cfg := model.Cfg
	n := len(ev.Rec)
	tm := &TermMeans{}
	for i := 0; i < n; i++ {
		tm.Rec += float64(ev.Rec[i])
		tm.Gauss += float64(ev.Gauss[i])
		tm.Cat += float64(ev.Cat[i])
	}
	inv := 1 / float64(n)
	tm.Rec *= inv
	tm.Gauss *= inv
	tm.Cat *= inv
	tm.Occupancy, tm.Balance = posteriorTerms(ev.Logits, cfg.K)
	tm.Loss = weightedLoss(cfg, tm)
	return tm, nil
}

// posteriorTerms returns the occupancy (fraction of rows whose argmax q(y|x) is k, ties to the
// lowest k) and KL(q̄ ‖ U(K)) of the mean posterior q̄ of the rows of logits [n·K], q(y|x) =
// softmax(logits). A row whose softmax is undefined — a NaN logit, a +Inf one, or all −Inf (a −Inf
// among finite logits is probability 0, as in the training graph) — makes every occupancy and the
// balance NaN: a diverged model is neither "balanced" (the balance used to stay at its log K start,
// the NaN probabilities being skipped) nor "all in cluster 0".
func posteriorTerms(logits []float32, K int) (occ []float64, balance float64) {
	occ = make([]float64, K)
	qbar := make([]float64, K)
	n := len(logits) / K
	for i := 0; i < n; i++ {
		row := logits[i*K : (i+1)*K]
		best := 0
		for k, v := range row {
			if math.IsNaN(float64(v)) {
				return nanSlice(K), math.NaN()
			}
			if v > row[best] {
				best = k
			}
		}
		mx := float64(row[best])
		if math.IsInf(mx, 0) {
			return nanSlice(K), math.NaN()
		}
		occ[best]++
		// softmax of the row, accumulated into the mean posterior
		z := 0.0
		for _, v := range row {
			z += math.Exp(float64(v - row[best]))
		}
		for k, v := range row {
			qbar[k] += math.Exp(float64(v-row[best])) / z
		}
	}
	inv := 1 / float64(n)
	balance = math.Log(float64(K))
	for k := range occ {
		occ[k] *= inv
		if q := qbar[k] * inv; q > 1e-30 {
			balance += q * math.Log(q)
		}
	}
	return occ, balance
}

// weightedLoss is TermMeans.Loss = WRec·Rec + WGauss·Gauss + WCat·Cat + WBalance·Balance with the
// terms of weight 0 left out of the sum, as the training graph (vae.Loss) leaves them out: a term that is not part of the objective cannot make the loss NaN (0·NaN, 0·Inf). With
// WBalance = 0 (the default) a validation split whose logits give no posterior has Balance NaN
// (see posteriorTerms) and a Loss made of the other terms.
func weightedLoss(cfg vae.Config, tm *TermMeans) float64 {
	loss := 0.0
	for _, t := range [...]struct{ w, v float64 }{{cfg.WRec, tm.Rec}, {cfg.WGauss, tm.Gauss}, {cfg.WCat, tm.Cat}, {cfg.WBalance, tm.Balance}} {
		if t.w != 0 {
			loss += t.w * t.v
		}
	}
	return loss
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// checkSplit refuses an Options.SplitRows result whose lists are not sorted, overlap or index
// outside [0, n).
func checkSplit(n int, tr, val []int) error {
	seen := make([]bool, n)
	for _, l := range [][]int{tr, val} {
		for i, r := range l {
			if r < 0 || r >= n {
				return fmt.Errorf("train: Options.SplitRows gave row %d, outside [0, %d)", r, n)
			}
			if i > 0 && r <= l[i-1] {
				return fmt.Errorf("train: Options.SplitRows gave an unsorted list (row %d after %d)", r, l[i-1])
			}
			if seen[r] {
				return fmt.Errorf("train: Options.SplitRows gave row %d to both training and validation", r)
			}
			seen[r] = true
		}
	}
	return nil
}
