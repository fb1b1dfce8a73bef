package main

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// checkTrainFits refuses, before the model is built, a training whose model
// cannot fit in memory: `stkit train DS --h 100000000` died in vae.New with
// "fatal error: runtime: out of memory" and a Go stack trace. The bound is
// train.MemoryLowerBound (the float32 weights, Adam's two moments and one
// batch's layer outputs; batch = the batch size, at most the training rows),
// so passing is no promise, as with export's --samples check
// (checkResultFits); where the available memory is unknown nothing is
// checked. The refusal names the size flags given (fs: train's flags) with
// their values and says which to lower; with none given it points to the
// features (a new run) or to the memory (resumed: a resume keeps the run's
// model).
func checkTrainFits(fs *flag.FlagSet, cfg vae.Config, batch, trainRows int, resumed bool) error {
	need := train.MemoryLowerBound(cfg, min(batch, trainRows))
	avail := memAvailable()
	if avail <= 0 || need <= float64(avail) {
		return nil
	}
	var given, lower []string
	for _, name := range []string{"preset", "h", "z", "layers", "batch"} {
		if f := fs.Lookup(name); f != nil && isSet(fs, name) {
			given = append(given, fmt.Sprintf("--%s %s", name, f.Value.String()))
			if name != "preset" {
				lower = append(lower, "--"+name)
			}
		}
	}
	what := ""
	if len(given) > 0 {
		what = strings.Join(given, " ") + ": "
	}
	const presets = " (preset small: Z=8, H=128, 2 layers; default: Z=32, H=1024, 4 layers)"
	hint := "lower " + strings.Join(lower, ", ") + presets
	switch {
	case len(lower) > 0:
	case len(given) > 0: // --preset alone
		hint = "use --preset small or give a smaller --h" + presets
	case resumed:
		hint = "the run's model cannot train in the memory available now: free memory, or resume the run on a machine with more"
	default:
		hint = "read fewer features (--features, --drop) or give a smaller --h" + presets
	}
	total, _ := train.ParamCount(cfg)
	return badInputf("%sthe model (K=%d, Z=%d, H=%d, %d layers, %d input features) has %.3g parameters; training it needs at least %s of memory (its float32 weights and Adam's two moments, and the layer outputs of a batch of %d rows) and %s is available: %s",
		what, cfg.K, cfg.Z, cfg.H, cfg.Layers, cfg.InputDim(), total, fmtBytes(need), min(batch, trainRows), fmtBytes(float64(avail)), hint)
}

// farScale is the distance from the training mean, in training standard
// deviations, beyond which clusters refuses a feature that half a dataset's
// patches reach or exceed: the training patches' own median is at most √2
// (mean z² = 1), so a factor 10⁴ is another scale (units), not another
// process. Maps in K given to a run trained on µK put the mean() feature
// about 10⁶ standard deviations away.
const farScale = 1e4

// checkTrainingScale refuses a dataset whose features, z-scored with the
// run's normalisation (meta.Mean, meta.Std over the columns cols of f), lie
// far outside the training scale: a z-score beyond float32 in some patch (the
// model's input is float32: clusters failed with "non-finite input value
// +Inf at row 0 column 13", exit 1, on features 10³⁰ times the training
// ones), or a feature whose median |z| over the patches exceeds farScale
// (the model's assignments of such inputs come from saturated layers). The
// message names the feature, its values and the training's, and asks about
// the units of the maps.
func checkTrainingScale(dsDir, runDir string, f *datasets.Features, cols []int, meta *runMeta) error {
	dim, n := f.Manifest.Dim, f.Manifest.N
	if n < 1 || len(cols) != len(meta.Mean) || len(cols) != len(meta.Std) {
		return nil
	}
	abs := make([]float64, n)
	worst, worstMed, far := -1, 0.0, 0
	overRow, overCol := -1, -1
	for k, j := range cols {
		s := meta.Std[k]
		if !(s > 0) {
			s = 1 // as normalise
		}
		for i := 0; i < n; i++ {
			z := (f.X[i*dim+j] - meta.Mean[k]) / s
			abs[i] = math.Abs(z)
			if overRow < 0 && !(abs[i] <= math.MaxFloat32) {
				overRow, overCol = i, k
			}
		}
		sort.Float64s(abs)
		med := abs[n/2] // the upper median: > farScale when half the patches or more are
		if med > farScale {
			far++
		}
		if worst < 0 || med > worstMed {
			worst, worstMed = k, med
		}
	}
	units := fmt.Sprintf("were its maps (%s) given in other units than the run's training maps (%s), e.g. K for µK or Jy/sr for MJy/sr? Build the dataset (stkit patches) from maps in the training maps' units",
		nameList(f.Manifest.Sources), nameList(meta.Sources))
	col := func(k int) string {
		return fmt.Sprintf("%s, whose training patches had %.4g ± %.4g", meta.Columns[k].Name, meta.Mean[k], meta.Std[k])
	}
	if far > 0 {
		k := worst
		j := cols[k]
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = f.X[i*dim+j]
		}
		sort.Float64s(vals)
		return badInputf("dataset %s: its features are far outside the training scale of run %s: %d of the %d features the run reads lie more than %g training standard deviations from the training mean in half the patches or more; the farthest, %s, has median %.4g over the dataset's %d patches (%.3g standard deviations away): %s",
			dsDir, runDir, far, len(cols), farScale, col(k), vals[n/2], n, worstMed, units)
	}
	if overRow >= 0 {
		k := overCol
		return badInputf("dataset %s: patch %d is far outside the training scale of run %s: its feature %s, is %.4g, which z-scores beyond the float32 range (±%.3g) of the model's input: %s",
			dsDir, overRow, runDir, col(k), f.X[overRow*dim+cols[k]], math.MaxFloat32, units)
	}
	return nil
}

// nameList is the base names of paths, comma-separated, the first three
// and a count of the rest.
func nameList(paths []string) string {
	var b []string
	for i, p := range paths {
		if i == 3 {
			b = append(b, fmt.Sprintf("and %d more", len(paths)-3))
			break
		}
		b = append(b, filepath.Base(p))
	}
	return strings.Join(b, ", ")
}

// checkTemperatures refuses a --tau0 or --tau-min that the model cannot
// store: τ is a float32 (vae.Model.SetTemperature), so a final temperature
// below its smallest normal value, or either above its largest, is refused
// here, before the run folder is written. --tau-min 1e-40 passed the CLI's
// "> 0" check and failed in package train, after run.json was written, with
// "train: --tau-min = 1e-40 is below 1.1754943508222875e-38 …".
func checkTemperatures(tau0, tauMin float64) error {
	if tauMin > 0 && tauMin < vae.MinTemperature {
		return badInputf("--tau-min %g: the final Gumbel-softmax temperature must be at least %.3g, the smallest normal float32 (the model stores τ as a float32; default %g)", tauMin, float64(vae.MinTemperature), defTauMin)
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"tau0", tau0}, {"tau-min", tauMin}} {
		if c.v > vae.MaxTemperature {
			return badInputf("--%s %g: a Gumbel-softmax temperature must be at most %.3g, the largest float32 (the model stores τ as a float32)", c.name, c.v, float64(vae.MaxTemperature))
		}
	}
	return nil
}

// pureGoTrainFactor is the peak resident memory of a training on the pure-Go
// backend over train.MemoryLowerBound, measured with /usr/bin/time -v on
// `stkit train /work/stkit-try/ds2 --clusters 2 --epochs 1 --bn-batches 0`:
// 4.6 at --h 1024 (458 MiB, 66 MiB of it the process at --h 128) and 6.3 at
// --h 2048 (2.05 GiB); the lower of the two.
const pureGoTrainFactor = 4.5

// trainMemoryWarning is a warning (without the "train: warning: " prefix)
// when a training that passed checkTrainFits is still likely to run out of
// memory on the pure-Go backend (pureGo), whose peak memory is several times
// the bound (pureGoTrainFactor): such a run crashed with "fatal error:
// runtime: out of memory" or was killed, possibly after a long time. ""
// otherwise, and where the available memory is unknown.
func trainMemoryWarning(cfg vae.Config, batch, trainRows int, pureGo bool) string {
	bound := train.MemoryLowerBound(cfg, min(batch, trainRows))
	avail := memAvailable()
	if !pureGo || avail <= 0 || pureGoTrainFactor*bound <= float64(avail) {
		return ""
	}
	return fmt.Sprintf("the model (H=%d, Z=%d, %d layers) needs at least %s of memory to train and, on the pure-Go backend, typically %.1f times that (%s); %s is available: the run may be killed for memory (lower --h or --layers)",
		cfg.H, cfg.Z, cfg.Layers, fmtBytes(bound), pureGoTrainFactor, fmtBytes(pureGoTrainFactor*bound), fmtBytes(float64(avail)))
}
