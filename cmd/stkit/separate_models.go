package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
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

// runSeparateModels is `stkit separate DATA --models MODELDIR …`.
func runSeparateModels(g *globals, args []string) error {
	fs := newFlagSet(g, "separate", "DATA --models MODELDIR --components a,b[,c]", `Separate the map DATA into 2 or 3 components, each described by a learned
per-component ST model (stkit export): the unknowns are the first C − 1
components, the last is DATA minus their sum, and L-BFGS on the pixels
minimises, with the separation framework (infer.SepLoss/Separate),

  Σ_c w_c · mean over the kept coefficients and tiles of |Φ(x_c) − μ_c|²/σ_c²

μ_c and σ_c the model's mean and std (coefficients with σ ≈ 0 masked). The
statistic is that of the models, on their patch size: a larger DATA is
constrained tile by tile (tiles every --stride pixels, default half a patch).
Stage 1 (--steps A,B[,E]: A iterations) matches the amplitude coefficients
(mean, P00, S1, …) only; stage 2 (B iterations in E epochs) all of them.
Each stage stops as soon as every component's term is at most --tau × the
median of that term over the component's own training patches: a real
realisation does not match its model's mean exactly, and pushing further
only moves the maps away from the data's realisation (--tau −1: run all
iterations). Start (--init): wiener (default; the data's Fourier modes
shared in proportion to the clusters' mean power spectra), wiener-cal (those
spectra first calibrated per half-octave bin on the data's power: the most
probable powers under the clusters' spread of patch spectra that add up to
the data's) or equal (d/C each).

--min-fraction F (default 0.2) drops from each component's term the
coefficients of the wavelet scales where that component holds less than F of
the data's power (calibrated spectra): there its statistics cannot be
recovered, and matching them only makes up structure.

Components (--components): model indices (e.g. 0,2), or noise:SIGMA for
Gaussian white noise of std SIGMA (its model is measured on noise patches),
e.g. 0,2,noise:0.05. --positive 0,1 keeps those components ≥ 0 (box
penalty; on the last component with two components only).

Output OUT: [C, M, N] float64 (.npy, .npz or .fits), the components in the
order given (they sum to DATA); a FITS output keeps the WCS, units and other
content cards of a FITS DATA, plus HISTORY cards naming the planes. --report DIR writes maps.png,
power_spectrum.png, loss.png and metrics.json; with --truth (a [C, M, N]
batch or C comma-separated files) also r.png and per-component metrics: r(k),
P_est/P_true and the power fraction per half-octave bin, min r(k) over the
bins where the component holds ≥ 30 % of the power, and the same for the
data itself (r_data: the r(k) of any bin-by-bin filter of the data, the
Wiener filter with the true spectra included; ≈ √(power fraction)).

Example:
  stkit separate mix.npy --models models --components 0,1 -o sep.npy --report rep --truth dust.npy,quijote.npy`)
	modelsDir := fs.String("models", "", "model folder (stkit export) (required)")
	compList := fs.String("components", "", "components: model indices and/or noise:SIGMA, 2 or 3 of them (required)")
	out := fs.String("o", "", "output [C, M, N] (required)")
	weights := fs.String("weights", "", "term weight per component, comma-separated (default 1 each)")
	positive := fs.String("positive", "", "components kept ≥ 0, comma-separated positions in --components (e.g. 0,1)")
	steps := fs.String("steps", "50,300", "A,B[,E]: amplitude-stage iterations, full-stage iterations, epochs")
	tau := fs.Float64("tau", 1, "discrepancy stop: × the median χ² of the training patches (negative: never stop early)")
	initKind := fs.String("init", "wiener", "starting point: wiener (the clusters' mean spectra), wiener-cal (spectra calibrated on the data) or equal")
	minFrac := fs.Float64("min-fraction", 0.2, "mask, per component, the coefficients of wavelet scales where it holds less than this fraction of the data's power (scov; 0 = no mask)")
	stride := fs.Int("stride", 0, "tile stride for maps larger than the patch (default patch/2)")
	history := fs.Int("history", 20, "L-BFGS memory")
	truthPath := fs.String("truth", "", "true components for the report: a [C, M, N] batch or C comma-separated files")
	report := fs.String("report", "", "write a report (PNGs + metrics.json) into this directory")
	seed := fs.Uint64("seed", 1, "random seed (noise components)")
	startPath := fs.String("start", "", "starting components [C, M, N] (e.g. an earlier OUT; the last plane is not used: it is DATA minus the others) instead of --init")
	logEvery := fs.Int("log-every", 0, "print a progress line every N iterations instead of the progress bar")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" || *modelsDir == "" || *compList == "" {
		fs.Usage()
		return badInputf("separate --models needs one DATA map, --models MODELDIR, --components a,b[,c] and -o OUT")
	}
	names := strings.Split(*compList, ",")
	if len(names) < 2 || len(names) > 3 {
		return badInputf("--components: want 2 or 3 components, got %d", len(names))
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
			opt.Positive[i] = true
		}
	}
	st := strings.Split(*steps, ",")
	if len(st) < 2 || len(st) > 3 {
		return badInputf("--steps: want A,B or A,B,E")
	}
	var sv [3]int
	sv[2] = 1
	for i, s := range st {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || (i > 0 && v < 1) {
			return badInputf("--steps: %q is not a valid count", s)
		}
		sv[i] = v
	}
	opt.AmpSteps, opt.Steps, opt.Epochs = sv[0], sv[1], sv[2]
	if opt.AmpSteps == 0 {
		opt.AmpSteps = -1
	}
	opt.Tau, opt.Init, opt.Stride, opt.History, opt.Seed, opt.MinFraction = *tau, *initKind, *stride, *history, *seed, *minFrac
	if *minFrac < 0 || *minFrac >= 1 {
		return badInputf("--min-fraction must be in [0, 1)")
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
	if err := checkMapsOutput(*out); err != nil {
		return err
	}
	if err := checkOutputDir("--report", *report); err != nil {
		return err
	}
	if *startPath != "" && isSet(fs, "init") {
		return badInputf("--start and --init both give the starting point: keep one")
	}
	if err := checkOutputFile("-o "+*out, *out, append([]string{pos[0], *startPath}, inputFiles(splitList(*truthPath)...)...)...); err != nil {
		return err
	}
	if err := checkReportFolder("--report", *report); err != nil {
		return err
	}
	d, cards, err := readMapsCards(pos[0])
	if err != nil {
		return err
	}
	if d.B != 1 {
		return badInputf("%s: DATA must be one map, got a batch of %d", pos[0], d.B)
	}
	ms, err := infer.LoadModels(*modelsDir)
	if err != nil {
		return modelError(err)
	}
	p := ms.Manifest.PatchSize
	if d.M < p || d.N < p {
		return badInputf("%s is %d×%d, smaller than the models' %d² patches", pos[0], d.M, d.N, p)
	}
	if err := validate(pos[0], d, 0); err != nil {
		return err
	}
	var truth *stlayer.Maps
	if *truthPath != "" {
		if truth, err = readMapSet(*truthPath); err != nil {
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
		sm, err := readMaps(*startPath)
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
		if rest, ok := strings.CutPrefix(name, "noise:"); ok {
			sigma, err := strconv.ParseFloat(rest, 64)
			if err != nil || !(sigma > 0) || math.IsInf(sigma, 0) {
				return badInputf("--components: %q: want noise:SIGMA with SIGMA > 0", name)
			}
			c, err := infer.NoiseComponent(ch.Engine, ms, sigma, 32, *seed)
			if err != nil {
				return modelError(err)
			}
			comps[i] = infer.SepComponent{Name: name, Model: c}
			continue
		}
		k, err := strconv.Atoi(name)
		if err != nil {
			return badInputf("--components: %q is neither a model index nor noise:SIGMA", name)
		}
		c, err := ms.Component(k)
		if err != nil {
			return modelError(err)
		}
		comps[i] = infer.SepComponent{Name: "component " + name, Model: c}
	}
	fmt.Fprintf(g.stderr, "separate: %d×%d map into %s with learned models %s (statistic %s on %d² patches, %d coefficients), steps %d+%d in %d epoch(s), tau %g, init %s, engine %s\n",
		d.M, d.N, *compList, *modelsDir, ms.Manifest.Spec, p, ms.Manifest.NCoeffs, max(0, opt.AmpSteps), opt.Steps, opt.Epochs, opt.Tau, opt.Init, ch.Name)
	var bar interface {
		Describe(string)
		Set(int) error
		Finish() error
		Exit() error
	}
	total := max(0, opt.AmpSteps) + opt.Steps
	if *logEvery <= 0 {
		bar = newBar(g.stderr, total, "L-BFGS")
	}
	opt.Progress = func(pr infer.Progress) {
		if bar != nil {
			bar.Describe(fmt.Sprintf("loss %.4g", pr.Loss))
			bar.Set(pr.Iter)
		} else if pr.Iter%*logEvery == 0 || pr.Iter == 1 {
			fmt.Fprintf(g.stderr, "separate: iteration %d loss %.5g terms %.3g %.1f s\n", pr.Iter, pr.Loss, pr.Parts, pr.Elapsed.Seconds())
		}
	}
	ctx, stop := interruptible(g.stderr, "the maps reached are written")
	defer stop()
	res, err := infer.SeparateWithModels(ctx, ch.Engine, ms, d, comps, opt)
	if bar != nil {
		endBar(bar, err != nil)
	}
	if res == nil || res.Components == nil {
		return modelError(err)
	}
	iters, evals := 0, 0
	for _, e := range res.Epochs {
		iters += e.Iters
		evals += e.Evals
	}
	if err != nil && !errors.Is(err, context.Canceled) && iters == 0 {
		return modelError(err) // nothing done: the starting point is no result
	}
	cards = append(cards, historyCards(fmt.Sprintf("stkit separate --models: planes = components %s in order (the last is DATA minus the others); data %s", *compList, filepath.Base(pos[0])))...)
	if werr := datasets.WriteMapsCards(*out, res.Components, cards...); werr != nil {
		return werr
	}
	fmt.Fprintf(g.stderr, "separate: %d iterations (%d evaluations, %.1f s, %d tile(s)); final terms %s (stop levels %s, stopped early %v); wrote %s\n",
		iters, evals, res.Elapsed.Seconds(), res.Tiles, fmtFloats(res.Parts), fmtFloats(res.StopLevels), res.StoppedEarly, *out)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: wrote the current maps to %s", *out)
		}
		return modelError(fmt.Errorf("%w (wrote the maps reached before the error to %s)", err, *out))
	}
	if *report != "" {
		rep := &infer.ModelSepReport{Terms: res.Terms, FinalParts: res.Parts, Iterations: iters, Evals: evals, Seconds: res.Elapsed.Seconds(), Tiles: res.Tiles,
			Settings: map[string]any{"data": pos[0], "models": *modelsDir, "components": *compList, "weights": opt.Weights, "positive": *positive,
				"steps": *steps, "tau": opt.Tau, "stop_levels": res.StopLevels, "stopped_early": res.StoppedEarly, "init": opt.Init, "start": *startPath,
				"stride": opt.Stride, "min_fraction": opt.MinFraction, "engine": ch.Name, "spec": ms.Manifest.Spec, "truth": *truthPath}}
		for _, c := range comps {
			rep.Components = append(rep.Components, c.Name)
		}
		if truth != nil {
			if rep.Metrics, err = infer.EvaluateModelSeparation(res.Components, truth, rep.Components); err != nil {
				return err
			}
			if rep.InitMetric, err = infer.EvaluateModelSeparation(res.Init, truth, rep.Components); err != nil {
				return err
			}
			for i, mc := range rep.Metrics {
				if mc.DominantBins == 0 {
					// no bin to take a minimum over (the metrics hold −1 there)
					fmt.Fprintf(g.stderr, "  %s: holds ≥ 30 %% of the power in no bin (no min r(k)); pixel correlation %.3f (start %.3f)\n",
						mc.Name, mc.PixelCorr, rep.InitMetric[i].PixelCorr)
					continue
				}
				fmt.Fprintf(g.stderr, "  %s: min r(k) over the %s where it holds ≥ 30 %% of the power %.3f (start %.3f; the data itself %.3f, as any bin-by-bin filter of it); pixel correlation %.3f (start %.3f)\n",
					mc.Name, plural(mc.DominantBins, "bin"), mc.RMinDominant, rep.InitMetric[i].RMinDominant, mc.RMinDominantData, mc.PixelCorr, rep.InitMetric[i].PixelCorr)
			}
		}
		if err := infer.WriteModelSepReport(*report, d, res, truth, rep); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		fmt.Fprintf(g.stderr, "report: %s\n", filepath.Join(*report, "metrics.json"))
	}
	return nil
}

func fmtFloats(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}
