package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "separate", summary: "statistical component separation of one map with ST statistics and contaminant/noise samples", run: runSeparate})
}

func runSeparate(g *globals, args []string) error {
	if wantsModels(args) { // separation with learned per-component models (separate_models.go)
		return runSeparateModels(g, args)
	}
	fs, f := sepSampleFlags(g)
	nm := nanmaskFlags(fs, g, "separate") // nanmask19: --crop
	other, _ := sepModelFlags(g)
	pos, err := parseSeparateFlags(g, fs, other, false, args)
	if err != nil {
		return err
	}
	spec, out, contPath, noisePath, tmplPath, truthPath := f.spec, f.out, f.contPath, f.noisePath, f.tmplPath, f.truthPath
	report, form, weights, steps, batch, history := f.report, f.form, f.weights, f.steps, f.batch, f.history
	ps, box, frozenPath, seed, startPath := f.ps, f.box, f.frozenPath, f.seed, f.startPath
	if len(pos) > 1 && *out != "" {
		// "separate -o x.npy mix.npy c.npy": the second map is most likely
		// the samples
		return badInputf("separate takes one DATA map, got %d arguments (%s): give the samples of what is to be removed with a flag, --contaminant %s (or --noise %s); several sample files as a folder or a comma-separated list",
			len(pos), strings.Join(pos, ", "), strings.Join(pos[1:], ","), strings.Join(pos[1:], ","))
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return badInputf("separate needs one DATA map and -o OUT")
	}
	if *contPath == "" && *noisePath == "" {
		return badInputf("separate needs samples of what is to be removed from DATA: --contaminant FILE (≥ 2 maps [K, M, N] of the contaminant c, the size of DATA; or a folder or comma-separated list of map files) and/or --noise FILE (≥ 2 noise maps); or, with learned models, --models MODELDIR --components a,b")
	}
	if *f.patchRefine {
		if err := checkPatchRefine(*frozenPath, *box); err != nil {
			return err
		}
	}
	if !isSet(fs, "iso") {
		spec.Iso = true
	}
	var opt infer.SeparationOptions
	switch *form {
	case "br":
		opt.Form = infer.FormBR
	case "jmd":
		opt.Form = infer.FormJMD
	default:
		return badInputf("unknown --form %q (want br or jmd)", *form)
	}
	if opt.Weights, err = infer.ParseSepWeights(*weights); err != nil {
		return badInputf("--weights: %v", err)
	}
	if opt.Stages, err = parseSepSteps(*steps); err != nil {
		return badInputf("--steps: %v", err)
	}
	if *batch < 0 || *batch == 1 {
		return badInputf("--batch %d: want 0 (automatic) or ≥ 2 residual samples per estimate", *batch)
	}
	for _, c := range []error{checkMin("history", *history, 1), checkMin("log-every", *f.logEvery, 0)} {
		if c != nil {
			return c
		}
	}
	opt.Batch, opt.History, opt.Seed = *batch, *history, *seed
	if err := checkSynthOutput(*out, *f.format); err != nil {
		return err
	}
	if err := checkOutputDir("--report", *report); err != nil {
		return err
	}
	if err := checkReportNotOutput(*report, *out); err != nil {
		return err
	}
	ins := append([]string{pos[0], *tmplPath, *truthPath, *frozenPath, *startPath}, splitList(*contPath)...)
	inputs := inputFiles(append(ins, splitList(*noisePath)...)...)
	if err := checkOutputFile("-o "+*out, *out, inputs...); err != nil {
		return err
	}
	// sepout20: where a run stopped early writes its maps and report (not
	// OUT, DIR)
	partial, perr := checkSepPartialFormat(*out, *f.format, *report, inputs...)
	if perr != nil {
		return perr
	}
	// an output written into a folder of samples became a sample of the
	// next run on the folder
	if err := checkOutputNotInMapFolders("-o "+*out, *out, mapFolderInput{"--contaminant", *contPath}, mapFolderInput{"--noise", *noisePath}); err != nil {
		return err
	}
	if err := checkReportFolder("--report", *report); err != nil {
		return err
	}
	// pipefix19: one writer per report folder (exit 2 while another holds it)
	reportLock, lerr := lockReport(*report, "separate", args)
	if lerr != nil {
		return lerr
	}
	defer reportLock.Release()
	d, cards, err := readMapsCardsKeep(pos[0], nm.cuts()) // misc2 (s22): UNSEEN pixels cut as NaN
	if err == nil {
		d, cards, err = nm.cropMapsCards(g, "DATA "+pos[0], d, cards, &spec) // nanmask19: --crop
	}
	if err != nil {
		return err
	}
	if d.B != 1 {
		return badInputf("%s: DATA must be one map, got a batch of %d%s", pos[0], d.B, oneMapHint(pos[0], d.B))
	}
	if err := checkDataNotConstant(pos[0], d); err != nil {
		return err
	}
	if *f.patchRefine { // pref23: before the separation, not after it
		if err := patchRefineOptions().CheckSize(d.M, d.N); err != nil {
			return badInputf("--patch-refine: %s: %v", pos[0], err)
		}
	}
	jGiven := spec.J != 0
	spec = spec.WithDefaults(d.M, d.N)
	if err := checkSpec(spec); err != nil {
		return err
	}
	if err := validateSpec(pos[0], d, spec, jGiven, defaultJRule); err != nil {
		return err
	}
	readSet := func(path, what string, minB int) (*stlayer.Maps, error) {
		if path == "" {
			return nil, nil
		}
		read := func(p string) (*stlayer.Maps, error) {
			m, _, err := readMapsCardsKeep(p, nm.cuts())
			return m, err
		}
		if minB >= 2 {
			// samples: a batch file, a folder of map files or a
			// comma-separated list of files, as synth's TARGET
			read = func(p string) (*stlayer.Maps, error) {
				s, err := readMapSetCardsKeep(p, nm.cuts())
				if err != nil {
					return nil, err
				}
				return s.Maps, nil
			}
		}
		m, err := read(path)
		if err == nil {
			m, _, err = nm.cropMapsCards(g, path+" ("+what+")", m, nil, &spec) // nanmask19: --crop
		}
		if err != nil {
			return nil, err
		}
		if m.M != d.M || m.N != d.N {
			return nil, badInputf("%s (%s): maps of %d×%d, DATA is %d×%d", path, what, m.M, m.N, d.M, d.N)
		}
		if m.B < minB {
			return nil, badInputf("%s (%s): %d map(s), need at least %d (the loss is whitened by the std over the samples)", path, what, m.B, minB)
		}
		if err := validateSpec(path, m, spec, jGiven, defaultJRule); err != nil {
			return nil, err
		}
		return m, nil
	}
	p := &infer.SeparationProblem{Data: d}
	if p.Contaminant, err = readSet(*contPath, "contaminant samples", 2); err != nil {
		return err
	}
	if p.Noise, err = readSet(*noisePath, "noise samples", 2); err != nil {
		return err
	}
	if p.Template, err = readSet(*tmplPath, "template", 1); err != nil {
		return err
	}
	if p.Template != nil && p.Template.B != 1 {
		return badInputf("%s: the template must be one map", *tmplPath)
	}
	// units19: samples or a template in other units (noise in mK beside
	// DATA in K) or at another pixel scale were used silently
	warnSeparateUnits(g.stderr, pos[0], cards, [2]string{"--contaminant", *contPath}, [2]string{"--noise", *noisePath}, [2]string{"--template", *tmplPath})
	fmt.Fprint(g.stderr, separateNoScaleNote(pos[0], cards, *report)) // misc2: the report's k axis has no sky unit
	truth, err := readSet(*truthPath, "truth", 1)
	if err != nil {
		return err
	}
	if truth != nil && truth.B != 1 {
		return badInputf("%s: the truth must be one map", *truthPath)
	}
	warnStartKeyword(g.stderr, *startPath) // robust19_start.go
	switch *startPath {
	case "", "data":
	case "wiener":
		opt.WienerStart = true
	default:
		sm, err := readSet(*startPath, "start", 1)
		if err != nil {
			return err
		}
		if sm.B > 2 {
			return badInputf("%s: the start must be one map or an earlier OUT [2, M, N], got %d maps", *startPath, sm.B)
		}
		opt.Start = &stlayer.Maps{B: 1, M: d.M, N: d.N, Data: sm.Map(0)}
	}
	switch *box {
	case "none":
	case "positive":
		opt.BoxLo = stlayer.NewMaps(1, d.M, d.N)
	case "data":
		opt.BoxLo, opt.BoxHi = stlayer.NewMaps(1, d.M, d.N), d
	default:
		return badInputf("unknown --box %q (want none, positive or data)", *box)
	}
	if *frozenPath != "" {
		fm, err := readSet(*frozenPath, "frozen-pixel mask", 1)
		if err != nil {
			return err
		}
		opt.Frozen = make([]bool, d.M*d.N)
		for i := range opt.Frozen {
			opt.Frozen[i] = fm.Data[i] != 0
		}
		if !slices.Contains(opt.Frozen, false) {
			return badInputf("--frozen %s: every pixel is frozen (≠ 0): nothing is left to separate", *frozenPath)
		}
	}
	if p.Stats, err = infer.NewSepStats(spec, d.M, d.N, *ps); err != nil {
		return badInputf("%v", err)
	}
	if err := p.Validate(); err != nil {
		return badInputf("%v", err)
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	setup, err := infer.BuildSeparation(ch.Engine, p, opt)
	if err != nil {
		return badInputf("%v", err)
	}
	if setup.RequestedBatch > 0 {
		// The samples of a batch are distinct: the whole pool is the most
		// there is (with both --contaminant and --noise, the pool is the
		// product of their counts).
		fmt.Fprintf(g.stderr, "separate: warning: --batch %d is more than the %d distinct residual samples; using %d\n", setup.RequestedBatch, setup.Pool, setup.Batch)
	}
	fmt.Fprintf(g.stderr, "separate: %s%s, %s form, %d auto / %d cross coefficients, batch %d of %d samples, engine %s%s\n",
		spec, map[bool]string{true: " + power spectrum"}[*ps], opt.Form, p.Stats.Auto.Labels().Len(), p.Stats.Cross.Labels().Len(), setup.Batch, setup.Pool, ch.Name, map[bool]string{true: "; then the patch-prior refinement (--patch-refine)"}[*f.patchRefine])
	if spec.Pad == "crop" {
		// The statistics average over the interior window (c = ⌊cut·2^J⌋
		// pixels in from each edge, --cut, default 1/2: Spec.CutPixels, as
		// scov.Config.Cut and wph.Config.Cut); the border pixels enter them
		// only through the filters reaching into it. Measured on a 64²
		// log-normal mixture (J = 3, cut 1/2, 50 steps): the border of s̃
		// moved 0.019 rms from DATA with --ps=false, 0.10 with --ps, against
		// 0.15 in the interior.
		c := spec.CutPixels()
		psNote := ""
		if *ps {
			psNote = " (the power spectrum, --ps, uses the whole map)"
		}
		if c == 0 {
			// a --cut below 2^−J leaves no pixel out: there is no border
			fmt.Fprintf(g.stderr, "separate: --pad crop --cut %g leaves out ⌊cut·2^J⌋ = 0 pixels per side: the statistics are means over the whole map\n", spec.Cut)
		} else {
			fmt.Fprintf(g.stderr, "separate: --pad crop: the statistics are means over rows [%d, %d) and columns [%d, %d); the %d-pixel border enters them only through the wavelets that reach into that window%s, so it is less constrained and keeps more of its starting values: judge the separation on the interior OUT[:, %d:%d, %d:%d]\n",
				c, d.M-c, c, d.N-c, c, psNote, c, d.M-c, c, d.N-c)
		}
	}
	for _, s := range setup.Summary {
		fmt.Fprintf(g.stderr, "  %s\n", s)
	}
	// samples far weaker or stronger than DATA in every bin (other units?)
	// ran to "final terms data 0.002" with DATA itself as the output
	what := "the --contaminant samples"
	switch {
	case p.Contaminant == nil:
		what = "the --noise samples"
	case p.Noise != nil:
		what = "the --contaminant and --noise samples (their mean spectra summed)"
	}
	if note := sampleAmplitudeNote(d, what, p.Contaminant, p.Noise); note != "" {
		fmt.Fprintf(g.stderr, "separate: warning: %s\n", note)
	}
	// The bar's count and description are of the same iteration (stepBar:
	// a Describe before the Set drew iteration 1's loss next to 0/N).
	var bar *stepBar
	if *f.logEvery <= 0 {
		bar = newStepBar(g.stderr, setup.TotalSteps, "separate")
	}
	var last infer.SepProgress // the last iteration reached (Iter 0: none)
	opt.Progress = func(pr infer.SepProgress) {
		last = pr
		if bar == nil {
			if pr.Iter%*f.logEvery == 0 || pr.Iter == 1 {
				fmt.Fprintf(g.stderr, "separate: iteration %d of %d, %s, %.1f s\n", pr.Iter, setup.TotalSteps, sepProgressDesc(pr), pr.Elapsed.Seconds())
			}
			return
		}
		bar.StepTo(min(pr.Iter, setup.TotalSteps), sepProgressDesc(pr))
	}
	saving := "the maps reached are written to " + firstOf(partialDest(partial, inputs...)) // sepout20: not OUT; partial2: not a user's file of that name
	if *report != "" {
		saving += " and reported to " + firstOf(partialReportDest(*report)) // partial2
	}
	if *f.patchRefine { // refx24: a stop during the refinement writes no refined map
		saving += sepRefineStopSaving
	}
	// runContext (interruptible): tests replace it to interrupt the run
	ctx, stop := runContext(g.stderr, saving)
	defer stop()
	res, err := infer.RunSeparation(ctx, ch.Engine, p, opt)
	if bar != nil {
		endBar(bar, err != nil)
	}
	if res == nil || res.S == nil {
		return modelError(err)
	}
	if err != nil && !errors.Is(err, context.Canceled) && (res.Evals == 0 || errors.Is(err, infer.ErrModelInput)) {
		// nothing done: the starting point is no result (an input error
		// after evaluations, e.g. a stage stuck at s̃ = d, left s̃ = d)
		if errors.Is(err, infer.ErrNonFinite) {
			return badInputf("%s: the statistics are not finite at the starting point (%v): are the values of the data or samples too large (max |d| = %g)?", pos[0], err, maxAbs(d.Data))
		}
		return modelError(err) // input errors found by the separation (identical samples, …): exit 2
	}
	// pref23: --patch-refine, on a finished separation only
	var refine *patchRefineRun
	if *f.patchRefine {
		if err != nil {
			fmt.Fprintf(g.stderr, "separate: --patch-refine not run: the separation did not finish\n")
		} else {
			fmt.Fprintf(g.stderr, "separate: %d evaluations, %.1f s; refining s̃ with patch priors (--patch-refine)\n", res.Evals, res.Elapsed.Seconds())
			rs, perr := infer.PairedSamples(p.Contaminant, p.Noise)
			if perr != nil {
				return badInputf("%v", perr)
			}
			if truth != nil {
				var eo infer.SepReportOptions
				if spec.Pad == "crop" {
					eo.Interior = spec.CutPixels() // as the figures after it
				}
				if m0, merr := infer.EvaluateSeparationWith(d, res.S, rs, truth, eo); merr == nil {
					fmt.Fprintf(g.stderr, "separate: before the refinement, against --truth: min r where P_c ≤ P_s %.3f, pixel correlation %.3f\n", m0.RMin, m0.PixelCorr)
				}
			}
			var rerr error
			if refine, rerr = runPatchRefine(ctx, g, d, res, rs); rerr != nil {
				// interrupted or failed: the finished separation's maps
				// are written as a stopped run's (OUT's partial file), not
				// lost with the refinement's error
				err = rerr
				if !errors.Is(rerr, context.Canceled) {
					err = modelError(fmt.Errorf("%w; the maps written are the finished separation's, not refined", rerr))
				}
			} else {
				res = refine.res
			}
		}
	}
	both := stlayer.NewMaps(2, d.M, d.N)
	copy(both.Map(0), res.S.Data)
	copy(both.Map(1), res.Residual.Data)
	// the output stacks 2 planes on DATA's grid (NAXIS = 3): DATA's WCS gets
	// the plane axis, so that it describes 3 axes (WCSAXES = 3, CTYPE3)
	cards = datasets.PlaneAxisCards(cards, "1 = separated component s, 2 = DATA - s")
	hist := sepHistory(pos[0], spec, *ps, opt.Form, *contPath, *noisePath, *steps, *seed)
	if refine != nil {
		hist += ", refined with patch priors (--patch-refine)"
	}
	cards = append(cards, historyCards(hist)...)
	cards = provFITS(cards, pos[0], *contPath, *noisePath, *tmplPath, *truthPath, *startPath, *frozenPath) // provenance, DATE, ORIGIN
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
	if werr := datasets.WriteMapsWith(dest, both, datasets.MapsWriteOptions{Cards: cards, Format: *f.format}); werr != nil {
		return werr
	}
	if err != nil { // partialsafe20: a later run removes only a partial file it can tell stkit wrote
		recordPartial(g.stderr, sepPartialCmd, args, *out, dest)
	}
	wrote := "(s̃, d − s̃)"
	if refine != nil {
		wrote = fmt.Sprintf("(s̃ refined with patch priors in %.1f s, d − s̃)", refine.elapsed.Seconds())
	} else if *f.patchRefine {
		wrote = "(s̃ of the separation, not refined, d − s̃)"
	}
	terms := termValues(res.Terms, res.Parts)
	if refine != nil { // fixe23: the terms are the separation's, not the refined map's
		terms += " (the separation's s̃, before the refinement)"
	}
	fmt.Fprintf(g.stderr, "separate: %d evaluations, %.1f s (%.3f s/evaluation); final terms %s; wrote %s %s\n",
		res.Evals, res.Elapsed.Seconds(), res.SecondsPerEval(), terms, dest, wrote)
	// Say so when the shift matters (> 1 % of DATA's pixel std); zero-mean
	// samples give a shift of their sampling error only.
	if _, sd, _, _ := infer.Moments(d.Data); res.MeanShift > 0.01*sd || -res.MeanShift > 0.01*sd {
		if refine != nil { // fixe23: the shift was the separation's s̃'s; refx24: the refined s̃ is given its mean
			fmt.Fprint(g.stderr, sepRefinedMeanNote(res.MeanShift, res.ContaminantMean))
		} else {
			fmt.Fprint(g.stderr, sepMeanShiftNote(res.MeanShift, res.ContaminantMean)) // physscale19: no "− -0.19"
		}
	}
	// An interrupted run (Ctrl-C) is reported too (--report, --truth): the
	// maps reached, marked interrupted (settings interrupted, ended), as
	// separate --models does; an error is not.
	interrupted := err != nil && errors.Is(err, context.Canceled)
	if err != nil && !interrupted {
		return fmt.Errorf("%w (wrote the maps reached before the error to %s%s)", err, dest, destNote)
	}
	ended := ""
	if interrupted {
		ended = sepInterruptedAt(last, setup.TotalSteps)
		var stopped *patchRefineStopped
		if errors.As(err, &stopped) {
			ended = stopped.ended
		}
		fmt.Fprintf(g.stderr, "separate: %s\n", ended)
	}
	// the report's residual samples: c_i + n_i with both (their mean
	// spectrum is P_c + P_n), else the one kind given
	samples, perr := infer.PairedSamples(p.Contaminant, p.Noise)
	if perr != nil {
		return badInputf("%v", perr)
	}
	var sm *infer.SeparationMetrics
	// the report's Φ checks on the separation's statistic and engine; the
	// pixel unit of a FITS DATA (BUNIT) on its figures
	ropt := infer.SepReportOptions{Engine: ch.Engine, Stats: p.Stats.Auto, Unit: mapUnit(cards), PixelScale: datasets.PixelScaleOf(cards)}
	if spec.Pad == "crop" {
		// score the window the statistics constrain (the --pad crop note
		// above), not the border that keeps much of its starting values
		ropt.Interior = spec.CutPixels()
	}
	if repDir != "" {
		// sepout20: DIR.partial under its own lock (lockPartialReport)
		l, _, lerr := lockPartialReport("separate", *report, repDir, args)
		if lerr != nil {
			return fmt.Errorf("interrupted: wrote the current maps to %s%s; their report not written: %v", dest, destNote, lerr)
		}
		defer l.Release()
		settings := map[string]any{"spec": effectiveNormSpec(spec), "ps": *ps, "form": opt.Form.String(), "weights": opt.Weights, "steps": *steps,
			"batch": setup.Batch, "box": *box, "seed": *seed, "data": pos[0], "contaminant": *contPath, "noise": *noisePath, "template": *tmplPath, "truth": *truthPath, "start": *startPath,
			"interrupted": interrupted}
		settings["provenance"] = newProvenance(pos[0], *contPath, *noisePath, *tmplPath, *truthPath, *startPath, *frozenPath)
		cropSetting(settings, nm) // misc2: the --crop window
		if *f.patchRefine {
			settings["patch_refine"] = patchRefineSetting(refine)
		}
		if interrupted {
			settings["ended"] = ended
		}
		if setup.RequestedBatch > 0 {
			settings["batch_requested"] = setup.RequestedBatch // --batch, reduced to batch (the pool)
		}
		var rerr error
		if sm, rerr = infer.WriteSeparationReportWith(repDir, d, res, nil, samples, truth, settings, ropt); rerr != nil {
			return fmt.Errorf("report: %w", rerr)
		}
		recordPartialReport(g.stderr, sepPartialCmd, args, *report, repDir) // fixpartial21: DIR.partial is stkit's
	} else if truth != nil {
		// --truth without --report: the figures are printed all the same.
		var terr error
		if sm, terr = infer.EvaluateSeparationWith(d, res.S, samples, truth, ropt); terr != nil {
			return terr
		}
	}
	if sm != nil {
		var figures string
		if truth != nil {
			floor := ""
			if sm.PSFloor != nil {
				// the largest deviation/σ is over all those bins, not
				// necessarily the bin of the largest deviation
				floor = fmt.Sprintf(" at k = %.3g (%.1fσ of that bin's realisation floor; the largest deviation/σ over those bins is %.1f, at k = %.3g)", sm.PSMaxDevK, sm.PSMaxDevAtSigma, sm.PSMaxDevSigma, sm.PSMaxDevSigmaK)
				if sm.PSMaxDevK == sm.PSMaxDevSigmaK {
					floor = fmt.Sprintf(" at k = %.3g (%.1fσ of that bin's realisation floor, the largest deviation/σ over those bins)", sm.PSMaxDevK, sm.PSMaxDevAtSigma)
				}
			}
			// With no bin where the contaminant is that weak, the summary
			// numbers are placeholders (0 and −1): they read as a perfect
			// spectrum and an anticorrelation, so say there is no such bin.
			ps := "no k bin has P_c ≤ 10 P_s"
			if len(sm.BinsPS) > 0 {
				ps = fmt.Sprintf("max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: %.3f%s, data %.3f", sm.PSMaxDev, floor, sm.PSMaxDevData)
			}
			r := "no k bin has P_c ≤ P_s"
			if len(sm.BinsR) > 0 {
				r = fmt.Sprintf("min r where P_c ≤ P_s: %.3f, data %.3f", sm.RMin, sm.RMinData)
			}
			figures = ps + "; " + r
			if !math.IsNaN(sm.PixelCorrWiener) { // NaN: no Wiener baseline (infer.SeparationMetrics)
				figures += fmt.Sprintf("; pixel correlation %.3f, data %.3f, Wiener filter %.3f", sm.PixelCorr, sm.PixelCorrData, sm.PixelCorrWiener)
			}
			if sm.Window != nil {
				figures = "on the interior window " + sm.Window.String() + ", Hann-tapered spectra: " + figures
			}
		}
		if sm.PhiVerdict != "" {
			fmt.Fprintf(g.stderr, "separate: no-truth check: %s\n", sm.PhiVerdict)
			r := sm.PhiResidual
			fmt.Fprintf(g.stderr, "separate: Phi(d - sep) against the samples: chi2/dof %.3g (the samples, each left out: up to %.3g; no verdict: a good separation can keep part of the contaminant), worst classes %s\n", r.Chi2PerDof, r.SamplesChi2Max, r.Worst(3))
		}
		switch {
		case repDir == "":
			fmt.Fprintf(g.stderr, "separate: against --truth: %s\n", figures)
		case figures != "":
			fmt.Fprintf(g.stderr, "report: %s (%s)\n", filepath.Join(repDir, "metrics.json"), figures)
		default:
			fmt.Fprintf(g.stderr, "report: %s\n", filepath.Join(repDir, "metrics.json"))
		}
	}
	if interrupted {
		if repDir != "" {
			return fmt.Errorf("interrupted: wrote the current maps to %s and their report (marked interrupted) to %s%s", dest, repDir, destNote)
		}
		return fmt.Errorf("interrupted: wrote the current maps to %s%s", dest, destNote)
	}
	removeSepStalePartial(g.stderr, args, *out, *f.format, *report, inputs...) // sepout20
	return nil
}

// sepInterruptedAt says where an interrupted separation stopped, from its
// last progress report: "interrupted at iteration 7 of 130 (stage 2/2,
// epoch 1)", or "interrupted before the first iteration" (Iter 0: no
// report yet).
func sepInterruptedAt(last infer.SepProgress, total int) string {
	if last.Iter == 0 {
		return "interrupted before the first iteration"
	}
	return fmt.Sprintf("interrupted at iteration %d of %d (stage %d/%d, epoch %d)", last.Iter, total, last.Stage+1, last.NumStages, last.Epoch+1)
}

// sepSampleUsage and sepSampleText are the usage line and the text of
// separate's --help in this mode (parseSeparateFlags adds the flags of both
// modes).
const sepSampleUsage = "DATA"

const sepSampleText = `Separate the map DATA = s + c (+ n) into the component s and the rest, given
samples of the contaminant c (--contaminant) and/or of a noise n (--noise):
L-BFGS on the pixels of s̃, starting from DATA (or --start), minimising (Régaldo-Saint
Blancard 2021, Delouis 2022, Auclair 2024; methods.md §3.8)

  data          Φ(s̃ + r_i) ≈ Φ(d) over a batch of residual samples r_i (BR, one
                engine call per evaluation), or its bias-corrected form
                Φ(s̃) ≈ Φ(d) − [⟨Φ(s̃₀ + r_i)⟩ − Φ(s̃₀)] (--form jmd, one map);
  contaminant   Φ(d − s̃) ≈ ⟨Φ(r_i)⟩;
  independence  Φ(s̃, d − s̃) ≈ ⟨Φ(s̃₀, r_i)⟩ (cross moments only);
  template      Φ(T, s̃ + r_i) ≈ Φ(T, d) with --template T;

each the mean over its coefficients of (ΔΦ_k/σ_k)², σ_k the std over the
samples (coefficients with σ_k = 0 are masked); r_i = c_i, n_i, or c_i + n_j
(random pairs) with both sample sets. Default weights: data 1, template 1,
contaminant 0, independence 0 (on the dust/Quijote and dust/white-noise
benchmarks the last two lowered the correlation of s̃ with the truth at the
same spectrum accuracy; switch them on with --weights).

Before the run, the samples' mean power spectrum is compared with DATA's:
samples holding less than 1 % of DATA's power in every k bin, or more than
2× it in every bin, are warned of (samples in other units than DATA?).

Stages (--steps S1,S2,EPOCHS): S1 iterations of the data term alone on the
power-spectrum-like coefficients, then S2 iterations of all terms in EPOCHS
epochs; every epoch redraws the samples and recomputes σ, the bias and the
independence target at the current s̃. A single number N means S1 = ⌊N/4⌋,
S2 = N − S1 in min(4, max(1, ⌊S2/5⌋)) epochs (4 from N = 26 on: an epoch
has at least 5 iterations). More iterations fit the statistics better but can
lower the correlation with the truth: the default 10,50,4 ends as close or
closer than 30,100,4 on the 256² benchmarks (dust + white noise worst-bin r
0.828 vs 0.824, dust + Quijote 0.785 both) in half the evaluations.

Φ (default): PyWPH's default model (bump-steerable wavelets, S11, S00, S01,
C01, Cphase, L), isotropic (averaged over the global rotations of the full
circle: real at τ = 0, see stats --help), J = log2(size)
− 2, L = 4, dn = 0, plus the binned power spectrum (--ps=false drops it).
--kind scov uses Cheng's raw scattering-covariance moments instead: about
15 % less time per evaluation, a slightly lower correlation with the truth
and a worse spectrum on the 256² benchmarks (worst bin where the
contaminant ≤ the signal: r 0.823 vs 0.828 for dust + white noise, 0.782 vs
0.785 for dust + Quijote; spectrum error 0.101 vs 0.070 and 0.970 vs 0.893;
the README has the full figures).

Output OUT: [2, M, N] float64 (.npy, .npz or .fits): OUT[0] = s̃ (the separated
component), OUT[1] = d − s̃ (contaminant + noise estimate); a FITS output
keeps the WCS, units and other content cards of a FITS DATA, plus HISTORY
cards naming the planes; a WCS gets a third, linear axis for the planes
(WCSAXES = 3, CTYPE3 = 'PLANE', CNAME3 naming them). --report DIR
writes maps.png, power_spectrum.png (spectra, ratios, r(k) when --truth is
given), loss.png and metrics.json (per-bin spectrum ratios, r(k), and the
quality summary: max |P_s̃/P_s − 1| where P_c ≤ 10 P_s, min r where P_c ≤ P_s),
and, with 2 or more samples (with both --contaminant and --noise, the
pairs c_i + n_i), the realisation floor of the spectrum (ps_floor: the 1σ
scatter of P_d − ⟨P_r⟩ from the samples' spectrum variance and the chance
s × r cross-spectrum, shaded around P_s̃). Without a truth, with 3 or more
samples: Φ(d) against Φ(s̃ + r_i) and Φ(d − s̃) against Φ(r_i), as
χ²/dof per class beside the samples' own (each left out), and the
residual's spectrum over the samples' own range per bin; phi_verdict (also
printed) fails when Φ(d) is further from s̃ + r_i than any of them from the
others: samples too strong or of another kind, or a run stopped early. It
does not see samples that are too weak, nor tell a good separation from a
poor one. A FITS DATA's BUNIT labels the figures (metrics.json: unit). With
--pad crop every figure (and those --truth prints) is the interior window's,
⌊cut·2^J⌋ pixels in from each edge, where the statistics constrain s̃: spectra
and r(k) of the Hann-tapered window (metrics.json: window, window_note).
Ctrl-C or SIGTERM (or an error after the first iterations) writes the
current maps before exiting, prints the --truth figures and, with --report,
writes the report of those maps, marked interrupted (metrics.json
settings.interrupted, settings.ended: the iteration reached); an error
writes no report. The maps go to OUT's partial file, OUT with .partial
before its extension (sep.npy → sep.partial.npy, a.npz:m → a.partial.npz:m;
for -o /dev/stdout or a named pipe separate.partial.EXT in the working
folder), the report to DIR.partial beside DIR: OUT and DIR, which only a run
that finishes writes, are left as they were. Exit status 1; a second Ctrl-C
quits at once without writing them. A file already there under the partial
file's name, or a folder DIR.partial, that stkit did not record writing (see
below) is never written to: the maps then go to the first free name
sep.partial-2.npy, sep.partial-3.npy, …, the report to DIR.partial-2, …, and
the message says so. A later run that finishes removes the partial file and
DIR.partial (when its metrics.json says interrupted), and those alternates,
of its OUT and DIR, each only when it is the one a run stopped early wrote
(recorded in .NAME.stkit-partial beside it: the file's SHA-256,
DIR.partial's metrics.json and files); another file or folder of that name
is left, with a note. The partial file of /dev/stdout or a pipe is removed
only by a run with the same arguments, an .npz member's partial archive only
when it holds that member alone.

--start wiener starts s̃ from the Wiener filter of DATA built from the
samples, max(P_d − ⟨P_r⟩, 0)/P_d per |k| annulus (on the benchmarks about as
good as the start from DATA, ±0.01 in the worst bin; better on small maps at
low SNR: 0.716 against 0.577 on a 64² dust map at SNR 0.3); "data" and
"wiener" are keywords, so a start file of that name needs a path (./data).
--start FILE starts s̃ from one map of DATA's size, or from plane 0 of an
earlier OUT [2, M, N] (to continue or refine a separation: the statistics
fit the truth as well as they fit the map reached from DATA, so the start
chooses among equally good solutions; see the README's separation quality).

--patch-refine (opt-in) refines the finished s̃ with pixel patch priors
(infer.RefineWithPatchPriors): 6×6 Gaussian-mixture priors (K 20; fewer
on maps below 39×39, ⌊rows/37⌋, a note says so; DATA needs 37 training
rows, 11×11 square, or 10×11, 6×19: the error names the smallest) fitted
on the samples (with both --contaminant and --noise, the pairs c_i + n_i)
and on s̃, the patch separation of DATA given s̃'s binned spectrum, then
one round of the prior refitted on that map; OUT[0] is the result, with
s̃'s binned spectrum and mean and the patch maps' phases (the final
terms printed are the separation's, before the refinement). On the 256²
dust + Quijote benchmark it raised min r where P_c ≤ P_s from 0.785 to 0.807 (0.771 to
0.791 on a second draw), the pixel correlation from 0.817 to 0.842; on
dust + white noise less, 0.828 to 0.839 and 0.836 to 0.844 on two draws
(pixel 0.935 to 0.940); the spectrum stays s̃'s. It takes 2–3.5 minutes
more at 256² on a loaded 2-core machine. It cannot be combined
with --frozen or --box (it re-estimates every pixel, unbounded); a
Ctrl-C during it writes the finished separation's maps, not refined, as
a stopped run's (metrics.json settings.ended says so), and so does an
error in it (OUT's partial file, exit 2).

Example:
  stkit separate mix.npy --contaminant cib_samples.npy -o sep.npy --report rep --truth dust.npy

With --models MODELDIR --components a,b[,c] the map is split into components
described by learned per-component models (stkit export) instead: its flags
are listed below those of this mode, and stkit separate --models MODELDIR
--help describes it.`

// sepSampleArgs holds the flags of separation with contaminant/noise samples.
type sepSampleArgs struct {
	spec                                                                             stats.Spec
	out, contPath, noisePath, tmplPath, truthPath, report, form, weights, steps, box *string
	format                                                                           *string
	frozenPath, startPath                                                            *string
	batch, history, logEvery                                                         *int
	ps, patchRefine                                                                  *bool
	seed                                                                             *uint64
}

// sepSampleFlags returns the flag set of separation with contaminant/noise
// samples (stkit separate DATA --contaminant/--noise …).
func sepSampleFlags(g *globals) (*flag.FlagSet, *sepSampleArgs) {
	fs := newFlagSet(g, "separate", sepSampleUsage, sepSampleText)
	f := &sepSampleArgs{}
	specFlags(fs, &f.spec, "wph")
	fs.Lookup("iso").Usage += " (default here: on; --iso=false for the anisotropic statistic)"
	f.out = fs.String("o", "", "output [2, M, N]: s̃ then d − s̃ (required): .npy, .npz or .fits, or /dev/stdout (a descriptor, a named pipe) with --format; written only by a run that finishes (a run stopped early writes OUT's partial file, sep.npy → sep.partial.npy, for /dev/stdout or a pipe separate.partial.EXT in the working folder: see above)")
	f.format = fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe), written through the descriptor ('>> log' appends): npy, npz or fits (default: from the -o extension)")
	f.contPath = fs.String("contaminant", "", "contaminant samples, K ≥ 2 maps of DATA's size: a file [K, M, N], a folder of map files or a comma-separated list of files (their maps together)")
	f.noisePath = fs.String("noise", "", "noise samples, K ≥ 2 maps of DATA's size: a file [K, M, N], a folder of map files or a comma-separated list of files")
	f.tmplPath = fs.String("template", "", "ancillary template map T correlated with s (adds the template term)")
	f.truthPath = fs.String("truth", "", "true s: prints the spectrum and r(k) figures against it (and --report plots them)")
	f.report = fs.String("report", "", "write a report (PNGs + metrics.json) into this directory")
	f.form = fs.String("form", "jmd", "data term: jmd (bias-corrected, one map per evaluation) or br (batch of s̃ + r_i)")
	f.weights = fs.String("weights", "", "term weights, e.g. data=1,contaminant=1,independence=1,template=1 (default data=1,template=1, others 0)")
	f.steps = fs.String("steps", "10,50,4", "S1,S2[,EPOCHS] L-BFGS iterations of the two stages, or one total N (with --models, --steps is A,B[,E] and takes no single total)")
	f.batch = fs.Int("batch", 0, "residual samples per σ/bias estimate, and per evaluation of the br and template terms (0 = min(pool, 20) for jmd without --template, else min(pool, 10)); the pool is the distinct residual samples: the maps of --contaminant or --noise, the product of their counts with both; a larger value is reduced to the pool, with a warning")
	f.history = fs.Int("history", 20, "L-BFGS memory")
	f.ps = fs.Bool("ps", true, "append the binned power spectrum to Φ: half-octave bins of |k| < min(M, N)/2 and two rings of the corner modes |k| ≥ min(M, N)/2")
	f.box = fs.String("box", "none", "pixel bounds on s̃: none, positive (s̃ ≥ 0) or data (0 ≤ s̃ ≤ d)")
	f.frozenPath = fs.String("frozen", "", "mask map: pixels ≠ 0 keep the data's value")
	f.seed = fs.Uint64("seed", 1, "random seed (sample draws)")
	f.startPath = fs.String("start", "", "starting s̃: data (DATA itself, the default), wiener (the Wiener filter of DATA built from the samples), or a file: one map, or an earlier OUT [2, M, N] (its plane 0)")
	f.patchRefine = fs.Bool("patch-refine", false, "after the separation, refine s̃ with pixel patch priors (opt-in; infer.RefineWithPatchPriors): 6×6 priors (K 20) fitted on the samples and on s̃, the patch separation of DATA given s̃'s binned spectrum, one refit round; the spectrum stays s̃'s. On the 256² dust + Quijote benchmark min r where P_c ≤ P_s "+patchRefineFigures+"; costs 3 prior fits and 2 patch separations (minutes at 256²)")
	f.logEvery = fs.Int("log-every", 0, "print a plain progress line every N iterations (and the first) instead of the progress bar (for logs)")
	return fs, f
}

// parseSepSteps accepts infer.ParseSepSteps' "S1,S2[,EPOCHS]" or one total N
// (S1 = N/4, S2 = N − S1, 4 epochs).
func parseSepSteps(s string) ([]infer.SepStage, error) {
	if !strings.Contains(s, ",") {
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 1 || fmt.Sprint(n) != strings.TrimSpace(s) {
			return nil, fmt.Errorf("%q: want S1,S2[,EPOCHS] or a positive total", s)
		}
		s = fmt.Sprintf("%d,%d,%d", n/4, n-n/4, min(4, max(1, (n-n/4)/5)))
	}
	return infer.ParseSepSteps(s)
}

// sepProgressDesc is the progress bar's description of a separation: the
// stage numbered as in --steps and in the stage summary printed before the
// run (pr.Stage indexes the stages asked for, NumStages counts them, a
// skipped stage included), the epoch within it and the loss.
func sepProgressDesc(pr infer.SepProgress) string {
	return fmt.Sprintf("stage %d/%d epoch %d loss %.4g", pr.Stage+1, pr.NumStages, pr.Epoch+1, pr.Loss)
}

func termValues(names []string, vals []float64) string {
	var b strings.Builder
	for i, n := range names {
		if i < len(vals) {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %.3g", n, vals[i])
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// sepHistory is the FITS HISTORY text of a separation's output: what the
// planes are, the data and samples (file names), and the settings that
// made them (statistic, power-spectrum term, form, --steps, --seed).
func sepHistory(data string, spec stats.Spec, ps bool, form infer.DataForm, cont, noise, steps string, seed uint64) string {
	h := "stkit separate: plane 1 = the separated component s, plane 2 = DATA - s; data " + filepath.Base(data)
	if cont != "" {
		h += "; contaminant samples " + baseNames(cont)
	}
	if noise != "" {
		h += "; noise samples " + baseNames(noise)
	}
	h += "; statistic " + spec.String()
	if ps {
		h += " + power spectrum"
	}
	return h + fmt.Sprintf(", %s form, --steps %s, --seed %d", form, steps, seed)
}

// checkDataNotConstant refuses a constant DATA map (every pixel equal, e.g.
// all zeros) before any work: it has no fluctuations to split. Without this
// check, separation with samples stopped after its setup with an L-BFGS
// message about a zero gradient and API options, and with learned models
// after its setup with a non-finite loss (exit 1).
func checkDataNotConstant(path string, d *stlayer.Maps) error {
	v, ok := stlayer.ConstantValue(d.Data)
	if !ok {
		return nil
	}
	return badInputf("%s: DATA is %s: there is nothing to separate", path, stlayer.ConstantWords(v))
}
