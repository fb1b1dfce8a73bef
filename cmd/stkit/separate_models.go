package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// wantsModels reports whether separate's arguments select the learned-models
// mode (--models given).
func wantsModels(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		for _, p := range []string{"--models", "-models"} {
			if a == p || strings.HasPrefix(a, p+"=") {
				return true
			}
		}
	}
	return false
}

// sepModelUsage and sepModelText are the usage line and the text of
// separate's --help in this mode (parseSeparateFlags adds the flags of both
// modes).
const sepModelUsage = "DATA --models MODELDIR --components a,b[,c]"

const sepModelText = `Separate the map DATA into 2 or 3 components, each described by a learned
per-component ST model (stkit export): the unknowns are the first C − 1
components, the last is DATA minus their sum, and L-BFGS on the pixels
minimises, with the separation framework (infer.SepLoss/Separate),

  Σ_c w_c · mean over the kept coefficients and tiles of |Φ(x_c) − μ_c|²/σ_c²

μ_c and σ_c the model's mean and std (coefficients with σ ≈ 0 masked). The
statistic is that of the models, on their patch size: a larger DATA is
constrained tile by tile (tiles every --stride pixels, default half a patch).
Before the run, each model's mean patch spectrum is compared with DATA's
(the mean spectrum of its patch-size tiles): a model above 5× DATA's power
in the median bin, or the models together below 0.2 of it, are warned of
(DATA in other units, or a part scaled otherwise than its training patches).
So is a FITS DATA whose BUNIT or pixel scale differs from the training
patches' (as the model manifest records them, or for models exported
before it did, the manifest.json of their dataset when it can be read).
With --steps A,B[,E], an optional stage 1 of A iterations (default 0: none)
matches the amplitude coefficients (mean, P00, S1, …) only, as Auclair
2024's first stage; stage 2 (B iterations in E epochs) all of them. On 30
held-out dust + Quijote mixtures 50 amplitude steps took the mean worst-bin
r(k) of the Quijote component from 0.611 to 0.379 (at --tau 1) (they trade the largest
scales to fit the models' mean amplitudes), hence the default.
Each stage stops as soon as every component's term is at most --tau × the
median of that term over the component's own training patches: a real
realisation does not match its model's mean exactly, and pushing further
only moves the maps away from the data's realisation (--tau −1: run all
iterations). On the 30 held-out mixtures the Quijote component's mean
worst-bin r is 0.673 with --tau 2 (the default), 0.611 with 1 and 0.575
with −1 (Wiener start 0.667). Start (--init): wiener (default; the data's Fourier modes
shared in proportion to the clusters' mean power spectra), wiener-cal (those
spectra first calibrated per half-octave bin on the data's power: the most
probable powers under the clusters' spread of patch spectra that add up to
the data's) or equal (d/C each).

--min-fraction F (default 0.2) drops from each component's term the
coefficients of the wavelet scales where that component holds less than F of
the data's power (calibrated spectra): there its statistics cannot be
recovered, and matching them only makes up structure. A component left
fewer than a quarter of its coefficients is warned about: its term, however
small, then says little (metrics.json settings.kept_coefficients).

--gauss-prior F (default 30; 0: none) adds each component's Gaussian-field
prior (its clusters' mean power spectrum, or the calibrated one with --init
wiener-cal; smallest at the Wiener split) with F times, per Fourier mode,
the weight a statistic term gives each coefficient when it keeps them all.
It keeps the few-mode largest scales from being traded between the
components to fit the models' amplitudes: on 30 held-out 64² dust I (×10) +
Quijote mixtures the mean pixel correlation with the truth is 0.635/0.890
with it and 0.625/0.882 without (Wiener start 0.631/0.887; with an
amplitude stage and --tau 1 0.639/0.884 and 0.567/0.826). With it, the
discrepancy stop may not be reached (all steps run), and a --start is
pulled toward the Wiener split like any other start (--gauss-prior 0 to
continue from it under the statistic terms alone).

Components (--components): model indices (e.g. 0,2), or noise:SIGMA for
Gaussian white noise of std SIGMA (its model is measured on noise patches),
e.g. 0,2,noise:0.05. --positive 0,1 keeps those components ≥ 0 (box
penalty; on the last component with two components only). It and
the --gauss-prior act in the L-BFGS stages: with the patch prior alone they
are unused (the first line and a warning say so; metrics.json
settings.unused).

--crop valid cuts DATA to its largest rectangle without NaN, ±Inf or UNSEEN
(-1.6375e30) pixels with sides of at least one patch (or --crop R0:R1,C0:C1
to that window; --truth and --start are cut to it; a FITS DATA's CRPIX1,
CRPIX2 are shifted for OUT).

Output OUT: [C, M, N] float64 (.npy, .npz or .fits), the components in the
order given (they sum to DATA); a FITS output keeps the WCS, units and other
content cards of a FITS DATA (its WCS gets a third, plane axis: WCSAXES = 3,
CTYPE3 = 'PLANE', CNAME3 naming the components), plus HISTORY cards naming
the planes. --report DIR writes maps.png,
power_spectrum.png, loss.png and metrics.json; with --truth (a [C, M, N]
batch or C comma-separated files) also r.png and per-component metrics: r(k),
P_est/P_true and the power fraction per half-octave bin, min r(k) over the
bins where the component holds ≥ 30 % of the power, and the same for the
data itself (r_data: the r(k) of any bin-by-bin filter of the data, the
Wiener filter with the true spectra included; ≈ √(power fraction)).

After the run each component's pixel mean and std are printed against its
model's (pooled over its cluster's patches) and, with --truth, the truth's:
pixel correlation and r(k) do not see the mean, which the models' pixel
means split. A mean more than 2 stds off, a std more than 4× off or an
estimate mostly outside its truth's colour scale is warned about
(metrics.json settings.component_moments); so is, before the run, a model
whose cluster mixes source files (stkit export warns of it too).
power_spectrum.png draws each model's spectrum (its cluster's patches,
± 1 std), loss.png each term, the total and the stop levels.

Ctrl-C (SIGINT, SIGTERM) stops the run: the maps reached are written, the
--truth figures printed and, with --report, the report written, marked
interrupted (metrics.json settings.interrupted, settings.ended); exit 1. A
stop during the patch-prior estimate (--patch-prior) writes no map and no
report: the estimate is all or nothing (with the patch prior alone, a stop
after it lets the run finish). An error after the first
iterations writes the maps reached, no report. They go to OUT's partial
file, OUT with .partial before its extension (sep.npy → sep.partial.npy,
a.npz:m → a.partial.npz:m; for -o /dev/stdout or a named
pipe separate.partial.EXT in the working folder), the report to DIR.partial
beside DIR: OUT and DIR, which only a run that finishes writes (the
discrepancy stop is a finish), are left as they were. A file already there
under the partial file's name, or a folder DIR.partial, that stkit did not
record writing (see below) is never written to: the maps then go to the
first free name sep.partial-2.npy, sep.partial-3.npy, …, the report to
DIR.partial-2, …, and the message says so. A later run that finishes removes
the partial file and DIR.partial (when its metrics.json says interrupted),
and those alternates, of its OUT and DIR, each only when it is the one a run
stopped early wrote (recorded in .NAME.stkit-partial beside it: the file's
SHA-256, DIR.partial's metrics.json and files); another file or folder of
that name is left, with a note. The partial file of /dev/stdout or a pipe is
removed only by a run with the same arguments, an .npz member's partial
archive only when it holds that member alone.

Example:
  stkit separate mix.npy --models models --components 0,1 -o sep.npy --report rep --truth dust.npy,quijote.npy`

// sepModelArgs holds the flags of separation with learned models.
type sepModelArgs struct {
	modelsDir *string
	compList  *string
	out       *string
	format    *string
	weights   *string
	positive  *string
	steps     *string
	tau       *float64
	initKind  *string
	minFrac   *float64
	gprior    *float64
	stride    *int
	history   *int
	truthPath *string
	report    *string
	seed      *uint64
	startPath *string
	logEvery  *int
	// allowEmpty (--allow-empty): accept a component whose cluster got no
	// training patch (emptyclu20_empty.go)
	allowEmpty *bool
}

// sepModelFlags returns the flag set of separation with learned models
// (stkit separate DATA --models MODELDIR --components a,b[,c] …).
func sepModelFlags(g *globals) (*flag.FlagSet, *sepModelArgs) {
	fs := newFlagSet(g, "separate", sepModelUsage, sepModelText)
	f := &sepModelArgs{}
	f.modelsDir = fs.String("models", "", "model folder (stkit export) (required)")
	f.compList = fs.String("components", "", "components: model indices and/or noise:SIGMA, 2 or 3 of them (required)")
	f.out = fs.String("o", "", "output [C, M, N] (required): .npy, .npz or .fits, or /dev/stdout (a descriptor, a named pipe) with --format; written only by a run that finishes (a run stopped early writes OUT's partial file, sep.npy → sep.partial.npy, for /dev/stdout or a pipe separate.partial.EXT in the working folder: see above)")
	f.format = fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe), written through the descriptor ('>> log' appends): npy, npz or fits (default: from the -o extension)")
	f.weights = fs.String("weights", "", "term weight per component, comma-separated (default 1 each)")
	f.positive = fs.String("positive", "", "components kept ≥ 0, comma-separated positions in --components (e.g. 0,1)")
	f.steps = fs.String("steps", "0,300", "A,B[,E]: amplitude-stage iterations (0: no such stage), full-stage iterations, epochs; two or three numbers (a single total N is separation with samples' form, not this one's)")
	f.tau = fs.Float64("tau", 2, "discrepancy stop: × the median χ² of the training patches (negative: never stop early)")
	f.initKind = fs.String("init", "wiener", "starting point: wiener (the clusters' mean spectra), wiener-cal (spectra calibrated on the data) or equal")
	f.gprior = fs.Float64("gauss-prior", infer.DefaultGaussPrior, "weight of the components' Gaussian-field prior per Fourier mode, relative to the statistic's per coefficient (0: none)")
	f.minFrac = fs.Float64("min-fraction", 0.2, "mask, per component, the coefficients of wavelet scales where it holds less than this fraction of the data's power (scov; 0 = no mask)")
	f.stride = fs.Int("stride", 0, "tile stride for maps larger than the patch (default patch/2)")
	f.history = fs.Int("history", 20, "L-BFGS memory")
	f.truthPath = fs.String("truth", "", "true components (prints r(k) and the pixel correlation against them; --report plots them): a [C, M, N] batch or C comma-separated files")
	f.report = fs.String("report", "", "write a report (PNGs + metrics.json) into this directory")
	f.seed = fs.Uint64("seed", 1, "random seed (noise components)")
	f.startPath = fs.String("start", "", "starting components [C, M, N] (e.g. an earlier OUT; the last plane is not used: it is DATA minus the others) instead of --init")
	f.allowEmpty = fs.Bool("allow-empty", false, "accept a model component whose cluster got no training patch (refused without it: its model describes no process)")
	f.logEvery = fs.Int("log-every", 0, "print a progress line every N iterations instead of the progress bar")
	return fs, f
}

// runSeparateModels is `stkit separate DATA --models MODELDIR …`.
func runSeparateModels(g *globals, args []string) error {
	fs, f := sepModelFlags(g)
	nm := sepModelCropFlag(fs)              // tail19: --crop, as separation with samples has
	ppMode := sepModelPatchPriorFlag(fs)    // patchint: --patch-prior
	ffMode := sepModelFeatureFilterFlag(fs) // ffilt: --feature-filter
	other, _ := sepSampleFlags(g)
	pos, err := parseSeparateFlags(g, fs, other, true, args)
	if err != nil {
		return err
	}
	modelsDir, compList, out, weights, positive, steps := f.modelsDir, f.compList, f.out, f.weights, f.positive, f.steps
	tau, initKind, minFrac, stride, history, logEvery := f.tau, f.initKind, f.minFrac, f.stride, f.history, f.logEvery
	truthPath, report, seed, startPath := f.truthPath, f.report, f.seed, f.startPath
	if len(pos) != 1 || *out == "" || *modelsDir == "" || *compList == "" {
		fs.Usage()
		return badInputf("separate --models needs one DATA map, --models MODELDIR, --components a,b[,c] and -o OUT")
	}
	names := strings.Split(*compList, ",")
	if len(names) < 2 || len(names) > 3 {
		return badInputf("--components: want 2 or 3 components, got %d", len(names))
	}
	if err := checkComponentList(names); err != nil {
		return err
	}
	var opt infer.ModelSepOptions
	if *weights != "" {
		ws := strings.Split(*weights, ",")
		if len(ws) != len(names) {
			return badInputf("--weights: %d values for %d components", len(ws), len(names))
		}
		for _, w := range ws {
			v, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				return badInputf("--weights: %q is not a positive number", w)
			}
			opt.Weights = append(opt.Weights, v)
		}
	}
	if *positive != "" {
		opt.Positive = make([]bool, len(names))
		for _, s := range strings.Split(*positive, ",") {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || i < 0 || i >= len(names) {
				return badInputf("--positive: %q is not a position in --components (0…%d)", s, len(names)-1)
			}
			if i == len(names)-1 && len(names) != 2 {
				// the last component is DATA minus the others: its box penalty is
				// implemented for two components only (infer refused it after the
				// models were loaded and a noise component measured)
				return badInputf("--positive %d: positivity of the last component (%s) needs exactly two components", i, strings.TrimSpace(names[i]))
			}
			opt.Positive[i] = true
		}
	}
	st := strings.Split(*steps, ",")
	if len(st) < 2 || len(st) > 3 {
		if len(st) == 1 {
			// separation with samples takes one total N: not this mode
			return badInputf("--steps %s: with --models want A,B or A,B,E (amplitude-stage iterations, 0 for none; full-stage iterations; epochs), e.g. --steps 0,%s; a single total is the form of separation with samples", *steps, strings.TrimSpace(*steps))
		}
		return badInputf("--steps %s: want A,B or A,B,E (amplitude-stage iterations, 0 for none; full-stage iterations; epochs)", *steps)
	}
	var sv [3]int
	sv[2] = 1
	for i, s := range st {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return badInputf("--steps %s: %q is not a whole number", *steps, s)
		}
		if what := [...]string{"A (amplitude-stage iterations) must be ≥ 0 (0: no such stage)", "B (full-stage iterations) must be ≥ 1", "E (epochs) must be ≥ 1"}[i]; v < 0 || (i > 0 && v < 1) {
			return badInputf("--steps %s: %s, got %d", *steps, what, v)
		}
		sv[i] = v
	}
	opt.AmpSteps, opt.Steps, opt.Epochs = sv[0], sv[1], sv[2]
	if opt.AmpSteps == 0 {
		opt.AmpSteps = -1
	}
	opt.Tau, opt.Init, opt.Stride, opt.History, opt.Seed, opt.MinFraction = *tau, *initKind, *stride, *history, *seed, *minFrac
	if g := *f.gprior; g < 0 || math.IsNaN(g) || math.IsInf(g, 0) {
		return badInputf("--gauss-prior %g: want a finite weight ≥ 0 (0: none)", g)
	}
	opt.GaussPrior = *f.gprior
	if opt.GaussPrior == 0 {
		opt.GaussPrior = -1 // none
	}
	// !(in range) also refuses NaN, which passed "< 0 || ≥ 1" unchanged.
	if !(*minFrac >= 0 && *minFrac < 1) {
		return badInputf("--min-fraction %g: want a fraction in [0, 1) (0: no mask)", *minFrac)
	}
	if *minFrac == 0 {
		opt.MinFraction = -1
	}
	if opt.Tau == 0 || math.IsNaN(opt.Tau) || math.IsInf(opt.Tau, 0) {
		return badInputf("--tau must be positive (or negative to disable the stop), got %g", opt.Tau)
	}
	for _, c := range []error{checkMin("stride", *stride, 0), checkMin("history", *history, 1), checkMin("log-every", *logEvery, 0)} {
		if c != nil {
			return c
		}
	}
	if opt.Init != "wiener" && opt.Init != "wiener-cal" && opt.Init != "equal" {
		return badInputf("unknown --init %q (want wiener, wiener-cal or equal)", opt.Init)
	}
	if err := checkSynthOutput(*out, *f.format); err != nil {
		return err
	}
	if err := checkOutputDir("--report", *report); err != nil {
		return err
	}
	if err := checkReportNotOutput(*report, *out); err != nil {
		return err
	}
	// pipefix19: one writer per report folder (exit 2 while another holds it)
	reportLock, lerr := lockReport(*report, "separate", args)
	if lerr != nil {
		return lerr
	}
	defer reportLock.Release()
	if *startPath != "" && isSet(fs, "init") {
		return badInputf("--start and --init both give the starting point: keep one")
	}
	inputs := append([]string{pos[0], *startPath}, inputFiles(splitList(*truthPath)...)...)
	if err := checkOutputFile("-o "+*out, *out, inputs...); err != nil {
		return err
	}
	// sepout20: where a run stopped early writes its maps and report (not
	// OUT, DIR)
	partial, perr := checkSepPartialFormat(*out, *f.format, *report, inputs...)
	if perr != nil {
		return perr
	}
	if err := checkReportFolder("--report", *report); err != nil {
		return err
	}
	d, cards, err := readMapsCardsKeep(pos[0], nm.cuts()) // misc2 (s22): UNSEEN pixels cut as NaN
	if err != nil {
		return err
	}
	if d.B != 1 {
		return badInputf("%s: DATA must be one map, got a batch of %d%s", pos[0], d.B, oneMapHint(pos[0], d.B))
	}
	if err := checkModelFolder(*modelsDir); err != nil {
		return err
	}
	ms, err := infer.LoadModels(*modelsDir)
	if err != nil {
		return modelError(err)
	}
	p := ms.Manifest.PatchSize
	if d, cards, err = nm.cropModelData(g, "DATA "+pos[0], d, cards, p); err != nil { // tail19: --crop
		return err
	}
	if d.M < p || d.N < p {
		return badInputf("%s is %d×%d, smaller than the models' %d² patches", pos[0], d.M, d.N, p)
	}
	if err := checkTileStride(*stride, p); err != nil {
		return err
	}
	if err := validate(pos[0], d, 0); err != nil {
		return err
	}
	if err := checkDataNotConstant(pos[0], d); err != nil {
		return err
	}
	var truth *stlayer.Maps
	if *truthPath != "" {
		ts, err := readMapSetCardsKeep(*truthPath, nm.cuts())
		if err != nil {
			return err
		}
		truth = ts.Maps
		if truth, err = nm.cropModelInput(g, "--truth "+*truthPath, truth); err != nil { // tail19: --crop
			return err
		}
		if truth.B != len(names) || truth.M != d.M || truth.N != d.N {
			return badInputf("--truth: want %d maps of %d×%d, got %d of %d×%d", len(names), d.M, d.N, truth.B, truth.M, truth.N)
		}
		if err := datasets.ValidateMaps(truth, 0); err != nil {
			return badInputf("--truth %s: %v", *truthPath, strings.TrimPrefix(err.Error(), "datasets: "))
		}
	}
	if *startPath != "" {
		sm, _, err := readMapsCardsKeep(*startPath, nm.cuts())
		if err == nil {
			sm, err = nm.cropModelInput(g, "--start "+*startPath, sm) // tail19: --crop
		}
		if err != nil {
			return err
		}
		if sm.B != len(names) || sm.M != d.M || sm.N != d.N {
			return badInputf("--start %s: want %d maps of %d×%d (one per component), got %d of %d×%d", *startPath, len(names), d.M, d.N, sm.B, sm.M, sm.N)
		}
		if err := datasets.ValidateMaps(sm, 0); err != nil {
			return badInputf("--start %s: %v", *startPath, strings.TrimPrefix(err.Error(), "datasets: "))
		}
		opt.Start, opt.Init = sm, "start"
	}
	// The report folder is made by the report itself (checkOutputDir has
	// checked that it can be): a refused input leaves no empty folder.
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	comps := make([]infer.SepComponent, len(names))
	for i, name := range names {
		name = strings.TrimSpace(name)
		k, sigma, err := parseComponent(name)
		if err != nil {
			return err
		}
		if sigma > 0 {
			c, err := infer.NoiseComponent(ch.Engine, ms, sigma, 32, *seed)
			if err != nil {
				return modelError(err)
			}
			comps[i] = infer.SepComponent{Name: name, Model: c}
			continue
		}
		c, err := ms.Component(k)
		if err != nil {
			return modelError(err)
		}
		if err := checkComponentNotEmpty(ms, *modelsDir, "separate", k, *f.allowEmpty); err != nil {
			return err
		}
		comps[i] = infer.SepComponent{Name: "component " + name, Model: c}
	}
	// patchint: the folder's patch priors (stkit export --patch-prior)
	if opt.PatchPrior, err = resolvePatchPrior(*ppMode, ms, comps, *startPath != ""); err != nil {
		return err
	}
	if opt.FeatureFilter, err = resolveFeatureFilter(*ffMode); err != nil {
		return err
	}
	if err := sepModelsPriorRefusal(ms, comps, *ppMode, opt.PatchPrior, opt.FeatureFilter, *startPath != ""); err != nil { // fixa23: before the header
		return err
	}
	runs := fmt.Sprintf("steps %d+%d in %d epoch(s), tau %g, init %s", max(0, opt.AmpSteps), opt.Steps, opt.Epochs, opt.Tau, opt.Init)
	var unused map[string]string  // fix4: --positive, --gauss-prior given but not applied
	if opt.PatchPrior == "only" { // patchrev: no L-BFGS stage, no Wiener start
		unused = patchPriorUnusedFlags(*positive, *f.gprior, isSet(fs, "gauss-prior"))
		unused = patchPriorUnusedStatFlags(fs, unused) // fix5: --stride, --min-fraction on record only
		unusedWords := sepUnusedWords(unused)          // fixa23: and named
		runs = "the patch-prior estimate alone (no L-BFGS stage: " + unusedWords + " unused)"
		if featureFilterApplies(ms, comps, opt.FeatureFilter) { // ffilt
			runs = "the patch-prior estimate refined by the feature filter (no L-BFGS stage: " + unusedWords + " unused)"
		}
	}
	fmt.Fprintf(g.stderr, "separate: %d×%d map into %s with learned models %s (statistic %s on %d² patches, %d coefficients), %s, engine %s\n",
		d.M, d.N, *compList, *modelsDir, ms.Manifest.Spec, p, ms.Manifest.NCoeffs, runs, ch.Name)
	if spec := ms.Manifest.Spec; spec.Pad == "crop" && opt.PatchPrior != "only" { // pfixcli22: no statistic is minimised with the patch prior alone
		fmt.Fprintf(g.stderr, "separate: %s\n", modelCropNote(d.M, d.N, p, *stride, spec.CutPixels(), opt.GaussPrior > 0))
	}
	if note := patchPriorAbsentNote(ms, comps, *ppMode, *startPath != ""); note != "" { // pfixcli22: priors would separate better
		fmt.Fprintf(g.stderr, "separate: note: %s\n", note)
	}
	// unitfits20: DATA's BUNIT and pixel scale against the training
	// patches' (the models' dataset manifest)
	unitWarns := warnModelUnits(g.stderr, pos[0], cards, ms)
	if w := sepUnusedWarning(unused); w != "" { // fix4; fixa23: every flag given
		unitWarns = append(unitWarns, w)
		fmt.Fprintf(g.stderr, "separate: warning: %s\n", w)
	}
	// sepmodelscheck20: a component whose model mixes source families
	for _, s := range sepMixtureWarnings(ms, comps) {
		unitWarns = append(unitWarns, s)
		fmt.Fprintf(g.stderr, "separate: warning: %s\n", s)
	}
	if min(d.M, d.N) >= 2*p && opt.PatchPrior != "only" { // patchfix: no tile is constrained with the patch prior alone
		// Measured (README, "Larger patches"): on 128² held-out mixtures,
		// models of 64² patches applied tile by tile stayed at their Wiener
		// start, models of 128² patches gained +0.09 in worst-bin r.
		fmt.Fprintf(g.stderr, "separate: note: the map is %d×%d and the models describe %d² patches (constrained tile by tile); models trained on patches as large as the map separate better (stkit patches --size)\n", d.M, d.N, p)
	}
	// A component that holds a negligible share of the power in every bin
	// cannot be told from the data: its separation says nothing, silently.
	shareK, shares := powerShares(comps)
	shareMax := map[string]float64{}
	for i, c := range comps {
		m := maxShare(shares[i])
		shareMax[c.Name] = m
		if len(shareK) > 0 && m < minUsefulShare {
			fmt.Fprintf(g.stderr, "separate: warning: %s holds at most %s of the power in every spectrum bin of the models (their mean patch spectra): its separation will be poor, the data carry almost none of its power\n", c.Name, fmtShare(m))
		}
	}
	// a component's model far stronger than DATA, or all of them far weaker
	// (DATA in other units, or a part scaled otherwise than its training
	// patches): measured silent without --truth
	for _, note := range modelAmplitudeNotes(d, p, comps) {
		fmt.Fprintf(g.stderr, "separate: warning: %s\n", note)
	}
	var bar interface {
		Describe(string)
		Set(int) error
		Finish() error
		Exit() error
		ChangeMax(int)
	}
	total := max(0, opt.AmpSteps) + opt.Steps
	if *logEvery <= 0 && opt.PatchPrior != "only" { // patchint: no L-BFGS stage then
		bar = newBar(g.stderr, total, "L-BFGS")
	}
	var endPriorBar func()                                                        // pfixcli22: a stopped estimate's bar is closed
	opt.PatchPriorProgress, endPriorBar = patchPriorSepProgress(g, *logEvery > 0) // patchrev: minutes for a large map
	opt.Progress = func(pr infer.Progress) {
		if bar != nil {
			bar.Describe(fmt.Sprintf("loss %.4g", pr.Loss))
			bar.Set(pr.Iter)
		} else if pr.Iter%*logEvery == 0 || pr.Iter == 1 {
			fmt.Fprintf(g.stderr, "separate: iteration %d loss %.5g terms %.3g %.1f s\n", pr.Iter, pr.Loss, pr.Parts, pr.Elapsed.Seconds())
		}
	}
	saving := "the maps reached are written to " + firstOf(partialDest(partial, inputs...)) // sepout20: not OUT; partial2: not a user's file of that name
	if *report != "" {
		saving += " and reported to " + firstOf(partialReportDest(*report)) // partial2
	}
	saving = patchPriorSaving(saving, opt.PatchPrior, *out, *report) // pfixcli22: a stop during the estimate writes nothing
	ctx, stop := runContext(g.stderr, saving)
	defer stop()
	res, err := infer.SeparateWithModels(ctx, ch.Engine, ms, d, comps, opt)
	endPriorBar()
	iters, evals := 0, 0
	if res != nil {
		for _, e := range res.Epochs {
			iters += e.Iters
			evals += e.Evals
		}
	}
	if bar != nil {
		if err != nil {
			endBar(bar, true)
		} else {
			endBarAt(bar, iters, total, fmt.Sprintf("stopped at iteration %d of %d: %s", iters, total, stageEndWords(res.StageEnds)))
		}
	}
	if res == nil && errors.Is(err, context.Canceled) { // patchfix: stopped in SeparateWithPatchPriors, before any map
		return fmt.Errorf("stopped during the patch-prior estimate: no map written (%s not written, nor a partial file: the estimate is all or nothing; %v)", *out, err)
	}
	if res == nil || res.Components == nil {
		return modelError(err)
	}
	ffUnused := featureFilterUnusedWhy(ms, comps, opt.FeatureFilter, *ppMode, *startPath != "")                                          // fix5: a filter the method does not use
	fmt.Fprintf(g.stderr, "separate: %s\n", featureFilterUnusedLine(sepMethodLine(res, ms, comps, *ppMode, *startPath != ""), ffUnused)) // patchint; pfixcli22: why --start ran the statistics
	if err != nil && !errors.Is(err, context.Canceled) && iters == 0 && !patchPriorOnly(res.Method) {
		return modelError(err) // nothing done: the starting point is no result
	}
	// the output stacks the components on DATA's grid (NAXIS = 3): DATA's WCS
	// gets the plane axis (WCSAXES = 3, CTYPE3 = 'PLANE', CNAME3 naming them)
	cards = datasets.PlaneAxisCards(cards, "components "+*compList+" in order")
	// what made the planes (as the sample-based separate's HISTORY says:
	// the statistic, the iterations and the seed, which draws the noise
	// components' statistics and so changes the result), when (DATE,
	// ORIGIN) and the provenance (stkit's commit, the command line, the
	// inputs' SHA-256)
	prov := newProvenance(pos[0], *modelsDir, *truthPath, *startPath)
	start := "--init " + opt.Init
	if *startPath != "" {
		start = "--start " + filepath.Base(*startPath)
	}
	cards = append(cards, historyCards(fmt.Sprintf("stkit separate --models: planes = components %s in order (the last is DATA minus the others); data %s; model folder %s (%s); --steps %s (%d iterations made), %s, seed %d",
		*compList, filepath.Base(pos[0]), filepath.Base(filepath.Clean(*modelsDir)), ms.Manifest.Spec, *steps, iters, start, *seed))...)
	cards = provFITSOf(cards, prov)
	// sepout20: the maps of a run stopped early (Ctrl-C, SIGTERM, an error)
	// go to OUT's partial file, their report to DIR.partial; OUT and DIR
	// only get a finished run's
	dest, repDir, destNote := *out, *report, ""
	if err != nil {
		// partial2: not over a file or folder of those names stkit did not write
		var stopNote string
		dest, repDir, stopNote = stoppedDests(partial, *report, inputs...)
		destNote = sepNotWritten(*out, *report) + stopNote
	}
	if werr := datasets.WriteMapsWith(dest, res.Components, datasets.MapsWriteOptions{Cards: cards, Format: *f.format}); werr != nil {
		return werr
	}
	if err != nil { // partialsafe20: a later run removes only a partial file it can tell stkit wrote
		recordPartial(g.stderr, sepPartialCmd, args, *out, dest)
	}
	interrupted := err != nil && errors.Is(err, context.Canceled)
	ended := stoppedEarlyWords(res.StoppedEarly)
	if interrupted {
		ended = fmt.Sprintf("interrupted at iteration %d of %d", iters, total)
	}
	if patchPriorOnly(res.Method) { // patchint: no L-BFGS stage ran
		ended = "no L-BFGS stage (" + res.Method + ")"
		fmt.Fprintf(g.stderr, "separate: patch-prior estimate in %.1f s; the models' statistic terms at it %s (stop levels %s, not used); wrote %s\n",
			res.Elapsed.Seconds(), fmtFloats(res.Parts), fmtFloats(res.StopLevels), dest)
	} else {
		fmt.Fprintf(g.stderr, "separate: %d iterations (%d evaluations, %.1f s, %d tile(s)); final terms %s (start %s; stop levels %s; %s); wrote %s\n",
			iters, evals, res.Elapsed.Seconds(), res.Tiles, fmtFloats(res.Parts), fmtFloats(res.InitParts), fmtFloats(res.StopLevels), ended, dest)
	}
	if err != nil && !interrupted {
		return modelError(fmt.Errorf("%w (wrote the maps reached before the error to %s%s)", err, dest, destNote))
	}
	if !interrupted && len(res.StageEnds) > 0 {
		fmt.Fprintf(g.stderr, "separate: %s\n", stageEndDetail(res))
	}
	if len(res.PriorEnd) > 0 && !patchPriorOnly(res.Method) {
		// the rest of the loss (loss.png, the progress bar): the statistic
		// terms are a small part of it with the default --gauss-prior
		fmt.Fprintf(g.stderr, "separate: %s; the Gaussian-field prior per component %s → %s (--gauss-prior %g)\n",
			infer.ModelSepLossNote(res), fmtFloats(res.PriorStart), fmtFloats(res.PriorEnd), *f.gprior)
	}
	warnings := unitWarns // in the report's "warnings" with those below
	warn := func(s string) {
		warnings = append(warnings, s)
		fmt.Fprintf(g.stderr, "separate: warning: %s\n", s)
	}
	var far []farWarning
	if iters >= farMinIters {
		far = farFromModel(comps, res, opt.Tau)
	}
	for _, w := range far {
		warn(w.text)
	}
	// --truth: the metrics are printed with or without --report.
	var compNames []string
	for _, c := range comps {
		compNames = append(compNames, c.Name)
	}
	var metrics, initMetrics []infer.SepComponentMetrics
	if truth != nil {
		// with the truth planes seemingly out of order, the comparisons
		// with the start are meaningless too
		orderWarning := truthOrderWarning(res.Components, truth, names)
		if orderWarning != "" {
			warn(orderWarning)
		}
		var merr error
		if metrics, merr = infer.EvaluateModelSeparation(res.Components, truth, compNames); merr != nil {
			return merr
		}
		if initMetrics, merr = infer.EvaluateModelSeparation(res.Init, truth, compNames); merr != nil {
			return merr
		}
		for i, mc := range metrics {
			if mc.DominantBins == 0 {
				// no bin to take a minimum over (the metrics hold −1 there)
				fmt.Fprintf(g.stderr, "  %s: holds ≥ 30 %% of the power in no bin (no min r(k)); pixel correlation %.3f (start %.3f)\n",
					mc.Name, mc.PixelCorr, initMetrics[i].PixelCorr)
				continue
			}
			fmt.Fprintf(g.stderr, "  %s: min r(k) over the %s where it holds ≥ 30 %% of the power %.3f (start %.3f; the data itself %.3f, as any bin-by-bin filter of it); pixel correlation %.3f (start %.3f)\n",
				mc.Name, plural(mc.DominantBins, "bin"), mc.RMinDominant, initMetrics[i].RMinDominant, mc.RMinDominantData, mc.PixelCorr, initMetrics[i].PixelCorr)
		}
		if orderWarning == "" {
			for _, w := range worseThanStart(metrics, initMetrics) {
				warn(w)
			}
		}
	}
	// sepmodelscheck20: each component's pixel mean and std against its
	// model's (and the truth's), the coefficients the --min-fraction mask left
	checked := res
	if patchPriorOnly(res.Method) { // patchfix: no statistic term was minimised, the --min-fraction mask did not apply
		c := *res
		c.KeptCoeffs = nil
		checked = &c
	}
	moments := sepModelChecks(g.stderr, checked, comps, truth, *minFrac, warn)
	for _, w := range emptyEstimateWarnings(d, res.Components, comps) { // fixd23: a (nearly) empty estimate
		warn(w)
	}
	if repDir != "" {
		// sepout20: DIR.partial under its own lock (lockPartialReport)
		l, _, lerr := lockPartialReport("separate", *report, repDir, args)
		if lerr != nil {
			return fmt.Errorf("interrupted at iteration %d of %d: wrote the maps reached to %s%s; their report not written: %v", iters, total, dest, destNote, lerr)
		}
		defer l.Release()
		rep := &infer.ModelSepReport{Terms: res.Terms, FinalParts: res.Parts, InitParts: res.InitParts, Iterations: iters, Evals: evals, Seconds: res.Elapsed.Seconds(), Tiles: res.Tiles,
			Settings: map[string]any{"data": pos[0], "models": *modelsDir, "components": *compList, "weights": opt.Weights, "positive": *positive,
				"steps": *steps, "tau": opt.Tau, "gauss_prior": *f.gprior, "stop_levels": res.StopLevels, "typical_levels": res.TypicalLevels,
				"stopped_early": res.StoppedEarly, "stage_ends": res.StageEnds, "interrupted": interrupted, "ended": ended,
				"init": opt.Init, "start": *startPath, "method": res.Method, "patch_prior": *ppMode,
				"stride": opt.Stride, "min_fraction": opt.MinFraction, "engine": ch.Name, "spec": effectiveNormSpec(ms.Manifest.Spec), "truth": *truthPath,
				"seed": *seed, "provenance": prov}}
		cropSetting(rep.Settings, nm) // pfixcli22: the --crop window, as synth and separate with samples record it
		ffSetting := *ffMode
		if ffUnused != "" { // fix5: the filter did not apply
			ffSetting += " (unused: " + ffUnused + ")"
		}
		featureFilterSettings(rep.Settings, ffSetting, featureFilterUsed(res, ms, comps))
		if patchPriorOnly(res.Method) {
			// pfixcli22: no L-BFGS stage ran, so no step, start, Gaussian-field
			// prior or positivity penalty applied (settings.method says which
			// method ran); tau stays with the stop levels, the yardstick of
			// the terms at the estimate
			// fix5: nor the statistic's tile stride or --min-fraction mask
			for _, k := range []string{"steps", "init", "gauss_prior", "stopped_early", "stage_ends", "positive", "stride", "min_fraction"} {
				delete(rep.Settings, k)
			}
			if len(unused) > 0 { // fix4: the request stays on record
				rep.Settings["unused"] = unused
			}
		}
		if len(res.PriorEnd) > 0 && !patchPriorOnly(res.Method) {
			rep.Settings["gauss_prior_term"] = map[string]any{"start": res.PriorStart, "end": res.PriorEnd,
				"note": "per component, the value of its Gaussian-field prior term in the loss (--gauss-prior); the loss is the statistic terms (initial_term_values, final_term_values) plus these"}
		}
		if len(far) > 0 {
			var fs []map[string]any
			for _, w := range far {
				fs = append(fs, map[string]any{"component": w.name, "final_term": w.final, "stop_level": w.level, "ratio": w.ratio})
			}
			rep.Settings["far_from_model"] = fs
		}
		if len(warnings) > 0 {
			rep.Settings["warnings"] = warnings
		}
		if len(shareK) > 0 {
			byName := map[string][]float64{}
			for i, c := range comps {
				byName[c.Name] = shares[i]
			}
			rep.Settings["power_shares"] = map[string]any{"k": shareK, "share": byName, "max": shareMax,
				"note": "each component's share of the summed mean patch spectra of the models per bin (|k| in cycles per patch); below 0.05 in every bin its separation is poor"}
		}
		sepModelReportExtras(rep.Settings, moments, res, comps) // sepmodelscheck20
		rep.Components = compNames
		rep.Metrics, rep.InitMetric = metrics, initMetrics
		if err := infer.WriteModelSepReport(repDir, d, res, truth, rep); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		// loss.png again, each term drawn, its title splitting the loss
		// into the statistic terms and the prior; power_spectrum.png with
		// each model's spectrum (sepmodelscheck20)
		if err := sepModelReportPlots(repDir, d, truth, res, comps, p); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		recordPartialReport(g.stderr, sepPartialCmd, args, *report, repDir) // fixpartial21: DIR.partial is stkit's
		fmt.Fprintf(g.stderr, "report: %s\n", filepath.Join(repDir, "metrics.json"))
	}
	if interrupted {
		if repDir != "" {
			return fmt.Errorf("interrupted at iteration %d of %d: wrote the maps reached to %s and their report (marked interrupted) to %s%s", iters, total, dest, repDir, destNote)
		}
		return fmt.Errorf("interrupted at iteration %d of %d: wrote the maps reached to %s%s", iters, total, dest, destNote)
	}
	removeSepStalePartial(g.stderr, args, *out, *f.format, *report, inputs...) // sepout20
	return nil
}

// checkComponentList refuses, before any work, a --components list whose
// entries are not model indices or noise:SIGMA, or that names a component
// twice (the same model index, e.g. "0,0", or two noise components): two
// components with the same model cannot be told apart, and any split of
// the data between them matches both models equally ("0,0" ran, 0
// iterations, and wrote two copies of the same component).
func checkComponentList(names []string) error {
	seen := map[int]int{}
	noise := -1
	for i, name := range names {
		k, sigma, err := parseComponent(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		if sigma > 0 {
			if noise >= 0 {
				return badInputf("--components %s: two white-noise components (positions %d and %d): their sum is white noise, any split between them fits both; give one noise:SIGMA with the total σ", strings.Join(names, ","), noise, i)
			}
			noise = i
			continue
		}
		if j, ok := seen[k]; ok {
			return badInputf("--components %s: model %d is named twice (positions %d and %d): two components with one model cannot be told apart; name each model once", strings.Join(names, ","), k, j, i)
		}
		seen[k] = i
	}
	return nil
}

// parseComponent reads one entry of --components (trimmed): a model index
// k (sigma 0) or white noise "noise:SIGMA" (sigma > 0, k −1); anything else
// is an input error.
func parseComponent(name string) (k int, sigma float64, err error) {
	if rest, ok := strings.CutPrefix(name, "noise:"); ok {
		sigma, err := strconv.ParseFloat(rest, 64)
		if err != nil || !(sigma > 0) || math.IsInf(sigma, 0) {
			return -1, 0, badInputf("--components: %q: want noise:SIGMA with SIGMA > 0", name)
		}
		return -1, sigma, nil
	}
	k, err = strconv.Atoi(name)
	if err != nil {
		return -1, 0, badInputf("--components: %q is neither a model index nor noise:SIGMA", name)
	}
	return k, 0, nil
}

// stageEndWords says how the last stage of a learned-model separation
// ended (infer.ModelSepResult.StageEnds), for the progress bar's last line.
func stageEndWords(ends []string) string {
	if len(ends) == 0 {
		return "no stage ran"
	}
	switch e := ends[len(ends)-1]; e {
	case "discrepancy stop":
		return "discrepancy stop reached (every term ≤ its stop level)"
	case "converged":
		return "L-BFGS converged"
	case "iteration limit":
		return "all iterations run"
	default:
		return e
	}
}

// stageEndDetail says per stage how the separation ended, naming the terms
// and stop levels for the discrepancy stop: "discrepancy stop reached:
// every term ≤ its stop level (terms [0.5 0.549] ≤ levels [1.34 0.612],
// --tau × the median over each model's training patches)", "L-BFGS
// converged (the loss stopped decreasing) before the discrepancy stop" or
// "all iterations run without reaching the discrepancy stop".
func stageEndDetail(res *infer.ModelSepResult) string {
	words := func(e string) string {
		switch e {
		case "discrepancy stop":
			return fmt.Sprintf("discrepancy stop reached: every term ≤ its stop level (terms %s ≤ levels %s, --tau × the median over each model's training patches)", fmtFloats(res.Parts), fmtFloats(res.StopLevels))
		case "converged":
			return fmt.Sprintf("L-BFGS converged (the loss stopped decreasing) with terms %s, not all ≤ their stop levels %s", fmtFloats(res.Parts), fmtFloats(res.StopLevels))
		case "iteration limit":
			return fmt.Sprintf("all iterations run without reaching the discrepancy stop (terms %s, stop levels %s)", fmtFloats(res.Parts), fmtFloats(res.StopLevels))
		}
		return e
	}
	if len(res.StageEnds) == 1 {
		return "ended: " + words(res.StageEnds[0])
	}
	var parts []string
	for i, e := range res.StageEnds {
		w := words(e)
		if i < len(res.StageEnds)-1 && e == "discrepancy stop" {
			w = "discrepancy stop reached on its amplitude terms"
		} else if i < len(res.StageEnds)-1 {
			w = e
		}
		parts = append(parts, fmt.Sprintf("stage %d %s", i+1, w))
	}
	return "ended: " + strings.Join(parts, "; ")
}

// farWarning is a component whose final statistic term is far above its
// model's level (farFromModel).
type farWarning struct {
	name                string
	final, level, ratio float64
	text                string
}

// farFactor is how far above its stop level a component's final term
// must be for farFromModel to warn; separate warns only after at least
// farMinIters iterations: before, the terms are still falling from the
// start (--steps 0,1: 8.39 → 4.65 in one), and the warning is about where
// the optimisation settles.
const (
	farFactor   = 2.0
	farMinIters = 20
)

// farFromModel returns the components whose final statistic term exceeds
// farFactor × their stop level (tau × the median χ² over the model's
// training patches; with tau < 0, no stop, the default tau 2's level): a
// component whose statistics stay that far from its model is not a
// realisation of it, and the split may be poor (on a held-out dust +
// Quijote mixture the Quijote term ended at 1.86, 2.3× its stop level
// 0.815, its worst-bin r 0.129 from 0.419 at the start, unsaid).
func farFromModel(comps []infer.SepComponent, res *infer.ModelSepResult, tau float64) []farWarning {
	var out []farWarning
	for i, c := range comps {
		if i >= len(res.Parts) || i >= len(res.TypicalLevels) {
			break
		}
		lv, what := res.StopLevels[i], fmt.Sprintf("its stop level %.3g (--tau %g × the median over its model's training patches, %.3g)", res.StopLevels[i], tau, res.TypicalLevels[i])
		if tau < 0 {
			lv = 2 * res.TypicalLevels[i]
			what = fmt.Sprintf("the default stop level %.3g (2 × the median over its model's training patches, %.3g)", lv, res.TypicalLevels[i])
		}
		if !(lv > 0) || !(res.Parts[i] > farFactor*lv) {
			continue
		}
		r := res.Parts[i] / lv
		out = append(out, farWarning{name: c.Name, final: res.Parts[i], level: lv, ratio: r,
			text: fmt.Sprintf("%s ends at %.3g, %.2g× %s: its statistics are not those of the model; the split may be poor", c.Name, res.Parts[i], r, what)})
	}
	return out
}

// worseTol is how much lower than at the start a component's pixel
// correlation or worst-bin r(k) must end for worseThanStart to warn (below
// it, rounding-level moves such as 0.942 → 0.939 pass).
const worseTol = 0.005

// worseThanStart returns a warning per component that ends with a pixel
// correlation or worst-bin r(k) with its truth lower by more than worseTol
// than the start's (the optimisation made it worse).
func worseThanStart(end, start []infer.SepComponentMetrics) []string {
	var out []string
	for i, e := range end {
		if i >= len(start) {
			break
		}
		s := start[i]
		var what []string
		if e.DominantBins > 0 && s.DominantBins > 0 && e.RMinDominant < s.RMinDominant-worseTol {
			what = append(what, fmt.Sprintf("worst-bin r %.3f (start %.3f)", e.RMinDominant, s.RMinDominant))
		}
		if e.PixelCorr < s.PixelCorr-worseTol {
			what = append(what, fmt.Sprintf("pixel correlation %.3f (start %.3f)", e.PixelCorr, s.PixelCorr))
		}
		if len(what) > 0 {
			out = append(out, fmt.Sprintf("%s ends worse than its start against the truth: %s; the starting point (--init) was the better estimate of it", e.Name, strings.Join(what, ", ")))
		}
	}
	return out
}

// truthOrderWarning returns a warning when the estimates correlate better
// (pixel correlation, summed over the components) with the --truth planes
// taken in another order than the one given: the truth planes are then
// likely not in the order of --components ("" when the given order is the
// best, or C > 3).
func truthOrderWarning(est, truth *stlayer.Maps, names []string) string {
	c := est.B
	if truth.B != c || c > 3 {
		return ""
	}
	corr := make([][]float64, c)
	for i := range corr {
		corr[i] = make([]float64, c)
		for j := range corr[i] {
			corr[i][j] = infer.PixelCorrelation(est.Map(i), truth.Map(j))
		}
	}
	perms := [][]int{{0, 1}, {1, 0}}
	if c == 3 {
		perms = [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	}
	score := func(p []int) float64 {
		s := 0.0
		for i, j := range p {
			s += corr[i][j]
		}
		return s
	}
	best := perms[0]
	for _, p := range perms[1:] {
		if score(p) > score(best)+1e-9 {
			best = p
		}
	}
	if slices.Equal(best, perms[0]) {
		return ""
	}
	var given, other, planes []string
	for i, j := range best {
		given = append(given, fmt.Sprintf("%.3f", corr[i][i]))
		other = append(other, fmt.Sprintf("%.3f", corr[i][j]))
		planes = append(planes, strconv.Itoa(j))
	}
	return fmt.Sprintf("--truth: the estimates match the truth planes %s best (pixel correlation %s; in the order given %s): the truth planes are likely in another order than --components %s; the figures below compare each estimate with the plane at its own position",
		strings.Join(planes, ","), strings.Join(other, ", "), strings.Join(given, ", "), strings.Join(names, ","))
}

// minUsefulShare is the share of the power below which, in every bin, a
// component is warned about (powerShares).
const minUsefulShare = 0.05

// powerShares returns the spectrum bins |k| (cycles per patch) of the
// components' models and, per component, its expected share of the power in
// each: PS_c / Σ_c' PS_c', the models' mean patch spectra (the shares the
// Wiener start gives the data's Fourier modes). The bins are the first
// component's; another component's spectrum given on other bins is
// interpolated linearly in log |k| (constant beyond its ends). Bins whose
// total is zero or not finite are left out; none when a model has no
// spectrum.
func powerShares(comps []infer.SepComponent) ([]float64, [][]float64) {
	shares := make([][]float64, len(comps))
	if len(comps) == 0 || comps[0].Model == nil || len(comps[0].Model.PSK) == 0 {
		return nil, shares
	}
	k0 := comps[0].Model.PSK
	ps := make([][]float64, len(comps))
	for c, comp := range comps {
		m := comp.Model
		if m == nil || len(m.PS) == 0 || len(m.PS) != len(m.PSK) {
			return nil, shares
		}
		ps[c] = make([]float64, len(k0))
		for b, k := range k0 {
			ps[c][b] = interpLogK(m.PSK, m.PS, k)
		}
	}
	var ks []float64
	for b, k := range k0 {
		tot := 0.0
		for c := range comps {
			tot += ps[c][b]
		}
		if !(tot > 0) || math.IsInf(tot, 0) {
			continue
		}
		ok := true
		for c := range comps {
			ok = ok && ps[c][b] >= 0
		}
		if !ok {
			continue
		}
		ks = append(ks, k)
		for c := range comps {
			shares[c] = append(shares[c], ps[c][b]/tot)
		}
	}
	return ks, shares
}

// interpLogK is y(k) from values y at increasing ks, linear in log k,
// constant beyond the ends (exact at a tabulated k).
func interpLogK(ks, y []float64, k float64) float64 {
	for i, v := range ks {
		if v == k {
			return y[i]
		}
	}
	switch {
	case k <= ks[0]:
		return y[0]
	case k >= ks[len(ks)-1]:
		return y[len(y)-1]
	}
	i := 1
	for ks[i] < k {
		i++
	}
	t := (math.Log(k) - math.Log(ks[i-1])) / (math.Log(ks[i]) - math.Log(ks[i-1]))
	return y[i-1] + t*(y[i]-y[i-1])
}

// maxShare is the largest share (0 for none).
func maxShare(s []float64) float64 {
	m := 0.0
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// fmtShare prints a share as a percentage with two significant digits.
func fmtShare(s float64) string {
	return strconv.FormatFloat(100*s, 'g', 2, 64) + " %"
}

func fmtFloats(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// parseSeparateFlags parses the arguments of one separation mode: own is its
// flag set (models: the learned-models one), other that of the other mode.
// A flag that only the other mode has is refused in one line saying why (it
// was "flag provided but not defined"); --help prints this mode's text and
// the flags of both modes, this mode's first.
func parseSeparateFlags(g *globals, own, other *flag.FlagSet, models bool, args []string) ([]string, error) {
	dropHelp(other)
	ownFlags := copyFlags(own)
	foreign := map[string]bool{}
	other.VisitAll(func(f *flag.Flag) {
		if own.Lookup(f.Name) == nil {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			own.Var(foreignFlag{isBool: ok && b.IsBoolFlag()}, f.Name, "")
			foreign[f.Name] = true
		}
	})
	usage, text, title, otherTitle := sepSampleUsage, sepSampleText,
		"Flags (separation with samples: --contaminant and/or --noise):",
		"Flags of separation with learned models (--models MODELDIR --components a,b[,c]; `stkit separate --models MODELDIR --help` describes it):"
	if models {
		usage, text, title, otherTitle = sepModelUsage, sepModelText,
			"Flags (separation with learned models: --models):",
			"Flags of separation with samples (--contaminant and/or --noise; `stkit separate --help` describes it):"
	}
	setHelp(own, func() {
		w := g.stdout // asked-for help is the command's output (newFlagSet)
		fmt.Fprintf(w, "Usage: stkit separate [flags] %s\n\n%s\n\n%s\n", usage, strings.TrimSpace(text), title)
		ownFlags.SetOutput(w)
		ownFlags.PrintDefaults()
		fmt.Fprintf(w, "\n%s\n", otherTitle)
		other.SetOutput(w)
		other.PrintDefaults()
	})
	pos, err := parseFlags(own, args)
	if err != nil {
		return nil, err
	}
	var given []string // sorted by name
	own.Visit(func(f *flag.Flag) {
		if foreign[f.Name] {
			given = append(given, f.Name)
		}
	})
	if len(given) == 0 {
		return pos, nil
	}
	return nil, badInputf("%s (run `stkit separate --help` for the flags)", sepForeignFlag(given[0], models, isSet(own, "contaminant") || isSet(own, "noise")))
}

// sepForeignFlag says why flag name, of the other separation mode, cannot be
// given in this one (models: the learned-models mode; samples: --contaminant
// or --noise was given).
func sepForeignFlag(name string, models, samples bool) string {
	if !models {
		if samples {
			return fmt.Sprintf("--%s cannot be combined with --contaminant/--noise: it is a flag of learned-model separation, --models MODELDIR --components a,b[,c]", name)
		}
		return fmt.Sprintf("--%s is a flag of learned-model separation: give --models MODELDIR with it", name)
	}
	why := "it is a flag of separation with --contaminant/--noise samples"
	switch name {
	case "contaminant":
		why = "learned-model separation takes no contaminant samples; the models describe every component"
	case "noise":
		why = "learned-model separation takes no noise samples; give white noise as a component, --components a,noise:SIGMA"
	case "patch-refine":
		why = "learned-model separation has its own pixel patch priors, --patch-prior (stkit export --patch-prior fits them); --patch-refine refines a separation with --contaminant/--noise samples"
	}
	if name == "ps" || isSpecFlag(name) {
		why = "learned-model separation uses the statistic the models were trained on (their manifest.json)"
	}
	return fmt.Sprintf("--%s cannot be combined with --models: %s", name, why)
}

// isSpecFlag reports whether name is one of the statistic flags that
// specFlags registers (--kind, -J, …, --classic, --cut), so that the list
// follows specFlags as flags are added.
func isSpecFlag(name string) bool {
	fs := flag.NewFlagSet("spec", flag.ContinueOnError)
	var s stats.Spec
	specFlags(fs, &s, "scov")
	return fs.Lookup(name) != nil
}

// foreignFlag stands in for a flag of the other separation mode, so that it
// parses (a bool one takes no value) and can be refused by name.
type foreignFlag struct{ isBool bool }

func (foreignFlag) String() string     { return "" }
func (foreignFlag) Set(string) error   { return nil }
func (f foreignFlag) IsBoolFlag() bool { return f.isBool }

// copyFlags returns a flag set with fs's flags (same values, defaults and
// usages), to print them without flags added later.
func copyFlags(fs *flag.FlagSet) *flag.FlagSet {
	c := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		c.Var(f.Value, f.Name, f.Usage)
		c.Lookup(f.Name).DefValue = f.DefValue
	})
	return c
}

// modelCropNote says which pixels of an m×n map the statistics of models
// with a non-periodic (--pad crop) statistic constrain: each p×p tile's
// statistics are means over its interior, c = ⌊2^J/2⌋ pixels in from its
// edges (scov.Config.Cut, wph.Config.Cut at their default), the tiles being
// those of infer.TileOrigins(·, p, stride); the border pixels enter them
// only through the filters reaching into a window, and through the
// Gaussian-field prior (whole map) when gauss. The union of the tile
// windows is rows [c, m−c) × columns [c, n−c) unless the stride exceeds
// p − 2c, which leaves bands between the windows: they are named.
func modelCropNote(m, n, p, stride, c int, gauss bool) string {
	also := ""
	if gauss {
		also = " and through the Gaussian-field prior (--gauss-prior, whole map)"
	}
	return cropWindowsNote(m, n, p, stride, c, also)
}

// cropWindowsNote is modelCropNote with the clause also (" and through …",
// or "") naming the terms other than the statistics that reach the pixels
// outside the windows; stkit sample's note uses it with its
// power-spectrum term.
func cropWindowsNote(m, n, p, stride, c int, also string) string {
	// gaps returns the uncovered intervals of [c, size−c) along one axis.
	gaps := func(size int) [][2]int {
		var out [][2]int
		next := c
		for _, o := range infer.TileOrigins(size, p, stride) {
			if o+c > next {
				out = append(out, [2]int{next, o + c})
			}
			next = max(next, o+p-c)
		}
		return out
	}
	var bands []string
	for _, ax := range []struct {
		name string
		g    [][2]int
	}{{"rows", gaps(m)}, {"columns", gaps(n)}} {
		for _, g := range ax.g {
			bands = append(bands, fmt.Sprintf("%s [%d, %d)", ax.name, g[0], g[1]))
		}
	}
	where := fmt.Sprintf("together rows [%d, %d) and columns [%d, %d) of the map", c, m-c, c, n-c)
	if m == p && n == p {
		where = fmt.Sprintf("rows [%d, %d) and columns [%d, %d) of this one-tile map", c, m-c, c, n-c)
	} else if len(bands) > 0 {
		where = fmt.Sprintf("within rows [%d, %d) and columns [%d, %d) of the map, less %s", c, m-c, c, n-c, strings.Join(bands, ", "))
	}
	s := fmt.Sprintf("--pad crop (the models' statistic): the statistics of each %d² tile are means over its interior, %d pixels in from its edges (%s); the pixels outside these windows enter them only through the wavelets that reach into them", p, c, where)
	s += also
	if len(bands) > 0 {
		s += fmt.Sprintf("; --stride %d > %d (the tile less twice the cut) leaves those bands between the tiles' windows: give --stride %d or less to cover them", stride, p-2*c, p-2*c)
	}
	return s
}

// stoppedEarlyWords says in words whether the stages of a learned-model
// separation stopped early on the discrepancy stop ("stopped early, per
// stage: [false]" read as a contradiction): "stopped early on the
// discrepancy stop: no", "…: yes", or per stage "stage 1 yes, stage 2 no".
func stoppedEarlyWords(stopped []bool) string {
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	const head = "stopped early on the discrepancy stop: "
	switch len(stopped) {
	case 0:
		return head + "no stage ran"
	case 1:
		return head + yn(stopped[0])
	}
	parts := make([]string, len(stopped))
	for i, b := range stopped {
		parts[i] = fmt.Sprintf("stage %d %s", i+1, yn(b))
	}
	return head + strings.Join(parts, ", ")
}
