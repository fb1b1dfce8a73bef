package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

func init() {
	register(&command{name: "sample", summary: "synthesise maps from a per-component ST model (stkit export)", run: runSample})
}

func runSample(g *globals, args []string) error {
	fs := newFlagSet(g, "sample", "MODELDIR", `Draw ST statistics from component k of a model folder (stkit export) and
synthesise maps whose statistics match them: L-BFGS on the pixels minimising
Σ_c |Φ_c(x) − t_c|²/(K' σ_c²), with σ the model's std (coefficients with
σ_c ≈ 0 masked, K' the others) and t the drawn statistic:
  --draw decoded  (default) one of the model's decoded samples per map (a
                  joint draw from the VAE, correlations kept)
  --draw mean     the model mean for every map
  --draw noise    mean + std ⊙ ε (diagonal Gaussian)
The statistic is defined on the patch size of the training (the statistic
of a larger map is not that of a patch). With --size larger than the patch,
every patch-size tile of the map (tiles every --stride pixels, default half
a patch, plus flush tiles at the right and bottom edges) is matched to the
map's drawn statistic: the map is a mosaic of overlapping patch-like regions
without seams. Windowed training patches (Tukey) are compared windowed;
with models of periodic components (patches --window moisan) each tile
of a map larger than the patch enters (and --report compares it) as its
periodic component, as the training patches did.
Starting maps: a Gaussian field with the cluster's power spectrum and pixel
moments, one per map (--init grf), or white noise (--init white).

--report DIR compares the samples (their patch-size tiles side by side, the
last one flush with the edge, overlapping its neighbour when the size is not a
multiple of the patch) with
the cluster's training patches (read from the dataset recorded in the models,
or --patches DATASET): maps.png, power_spectrum.png, histogram.png,
minkowski.png, loss.png (log axis: the loss of the starting maps at
iteration 0, then after each L-BFGS iteration; the maps are optimised one
after the other, so point i adds up every map's loss after its own i-th
iteration, a map that stopped earlier counting with its last loss),
metrics.json (PS ratio per bin, W1 of the histograms against the pooled
training patches next to that of one training patch against the pool of
the others, Minkowski functionals; under "settings", the RMS of
(Φ − μ)/σ over the model's coefficients of the sample tiles' statistics,
stat_chi_samples, about 1 for a draw of the model's own process, next to
that of the training patches, stat_chi_training_patches, and the sampling
noise of the spectrum comparison, ps_null: the same comparison for as many
real training patches against the others, median and 90th percentile of
200 random draws, and ps_verdict: each spectrum figure within that noise,
at or below its 90th percentile, or outside it; sample_checks: every check,
the spectrum also below k = 2, W1, each tile's mean, std, skewness and
kurtosis against the patches' 5–95 % range, the Minkowski functionals, each
against what as many maps drawn from the patches and the tiles pooled score,
and the verdict of them all, the limits set together so that 5 % of such
draws fail any check (false_alarm_rate), printed as 'report: check …' and
'report: verdict: …' lines: within, outside, or undecided when no check
fails but too few patches or maps let the checks flag even the most extreme
map at 5 % — sample_checks.decidable, smallest_rate, blind_checks; more maps
(-n) or patches decide it). FITS maps
carry the training patches' BUNIT and pixel scale (the model manifest's).

Output OUT: [N, size, size] float32, or float64 with --dtype float64 (.npy,
.npz or .fits by the extension). A name that does not say the format
(-o /dev/stdout, /dev/fd/N, a named pipe) needs --format npy, npz or fits
and is written through the descriptor, so that '-o /dev/stdout --format npy
>> log' appends; a --format the extension contradicts is refused.
Ctrl-C or SIGTERM (or an error during the optimisation) writes the maps
worked on: the maps finished and the one running (unfinished; one L-BFGS per
map, in sequence), not the maps not started, and says which. They go to
OUT's partial file, OUT with .partial before its extension (s.npy →
s.partial.npy; for /dev/stdout or a named pipe sample.partial.EXT in the
working folder), never to OUT, which only a run that finishes every map
writes (an OUT already there is left as it was); with --report DIR, the
report of those maps, marked interrupted (metrics.json settings.interrupted,
settings.ended, settings.maps_reported), goes to DIR.partial beside DIR.
Exit status 1; a second Ctrl-C quits at once without writing them. A file
already there under the partial file's name, or a folder DIR.partial, that
stkit did not record writing (see below) is never written to: the maps then
go to the first free name s.partial-2.npy, s.partial-3.npy, …, the report to
DIR.partial-2, …, and the message says so. A later run that finishes removes
the partial file and DIR.partial (and those alternates) of its OUT and DIR,
each only when it is the one a run stopped early wrote (recorded in
.NAME.stkit-partial beside it: the file's SHA-256, DIR.partial's
metrics.json and files); another file or folder of that name is left, with a
note. The partial file of /dev/stdout or a pipe is removed only by a run
with the same arguments, an .npz member's partial archive only when it holds
that member alone.`)
	compF := &requiredInt{v: -1}
	fs.Var(compF, "component", "component `k` to sample (required)")
	comp := &compF.v
	n := fs.Int("n", 1, "number of maps")
	out := fs.String("o", "", "output [N, size, size] (float32 unless --dtype): .npy, .npz or .fits (required), or /dev/stdout (a descriptor, a named pipe) with --format")
	format := fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe): npy, npz or fits (default: from the -o extension)")
	dtype := fs.String("dtype", "float32", "stored type of the output: float32 (FITS BITPIX −32) or float64 (BITPIX −64); float32 is refused before the optimisation when 2 × (|mean| + 10 std) of the component's training pixels exceeds its range, 3.4e38; maps that go beyond it all the same are written as float64 to OUT.float64.npy (.fits, …) beside OUT, exit status 1")
	size := fs.Int("size", 0, "map side in pixels (default: the patch size); one that the models' statistic does not take (an odd side for the global wst, scov and spectra) is sampled with a warning naming the nearest that it takes: stkit stats refuses such maps")
	stride := fs.Int("stride", 0, "tile stride for maps larger than the patch (default patch/2)")
	draw := fs.String("draw", "decoded", "target statistics: decoded, mean or noise")
	initKind := fs.String("init", "grf", "starting maps: grf or white")
	steps := fs.Int("steps", 300, "maximum L-BFGS iterations per map")
	history := fs.Int("history", 20, "L-BFGS memory")
	seed := fs.Uint64("seed", 1, "random seed (draws and starting maps)")
	report := fs.String("report", "", "write a validation report against the cluster's training patches into this directory")
	patches := fs.String("patches", "", "dataset folder holding the training patches (default: the models' dataset)")
	maxPatches := fs.Int("max-patches", 256, "at most this many training patches in the report (0 = all)")
	logEvery := fs.Int("log-every", 0, "print a progress line every N iterations instead of the progress bar")
	boxFlag := fs.String("box", "none", "pixel range of the samples: none, positive ([0, +inf)) or LO,HI (±inf: an open side), kept by a quadratic penalty of weight --box-weight/var (the cluster's pixels; not a hard bound), the starting maps clipped into it")
	// 1e3 (separate's; synth's is 1): measured on the models fixture (2 maps of
	// 32², 60 iterations, box at the 1 % quantile of a free sample), W = 1 left
	// 10–18 pixels below it, the lowest 0.18–0.30σ, W = 1e3 0–1 and 0.008σ,
	// at the same spectrum, W1 and RMS (Φ−μ)/σ
	boxWeight := fs.Float64("box-weight", infer.DefaultBoxWeight, boxWeightUsage("the component's training-pixel variance",
		"the default 1e3 (separate's) holds the pixels close to the box at no measured cost to the statistics (synth's default is 1, measured for synth)"))
	outerRing := fs.Bool("outer-ring", false, "also match the log power of the corner's outer ring, |k| ≥ 2^¼·p/2 (models exported with ps_corner_rings): places the corner power where the patches have it (32²: outer ring 4.6× the patches' → 0.89×), at some cost to the statistic's match")
	allowEmpty := fs.Bool("allow-empty", false, "draw from a component whose cluster got no training patch (refused without it: its model describes no process)")
	psScatter := fs.Bool("ps-scatter", true, "give each map's power-spectrum target the per-bin scatter of the patches' spectra that the drawn statistic does not explain (false: every map gets the expected spectrum)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if compF.set && *comp < 0 {
		return badInputf("--component %d: components are numbered from 0", *comp)
	}
	if len(pos) != 1 || *out == "" || *comp < 0 {
		fs.Usage()
		return badInputf("sample needs one MODELDIR, --component k and -o OUT.npy")
	}
	if *n < 1 {
		return badInputf("-n %d: the number of maps must be ≥ 1", *n)
	}
	// One message each: they shared "--size, --stride must be ≥ 0 and
	// --steps ≥ 1", which did not say which value was wrong.
	if *size < 0 {
		return badInputf("--size %d: the map side must be ≥ the models' patch size (0: the patch size)", *size)
	}
	if *stride < 0 {
		return badInputf("--stride %d: the tile stride must be ≥ 1 (0: half a patch)", *stride)
	}
	if *steps < 1 {
		return badInputf("--steps %d: the number of L-BFGS iterations must be ≥ 1", *steps)
	}
	dm, err := infer.ParseDrawMode(*draw)
	if err != nil {
		return badInputf("--draw: %v", err)
	}
	box, err := parseBoxFlag("box", *boxFlag)
	if err != nil {
		return err
	}
	if err := checkBoxWeight(*boxWeight, isSet(fs, "box-weight"), box); err != nil {
		return err
	}
	opt := infer.SampleOptions{N: *n, Size: *size, Stride: *stride, Draw: dm, Seed: *seed, NoPSScatter: !*psScatter, OuterRing: *outerRing, Box: box, BoxWeight: *boxWeight,
		SynthConfig: infer.SynthConfig{Steps: *steps, History: *history}}
	switch *initKind {
	case "grf":
		opt.Init = infer.InitGRF
	case "white":
		opt.Init = infer.InitWhiteNoise
	default:
		return badInputf("unknown --init %q (want grf or white)", *initKind)
	}
	for _, c := range []error{checkMin("history", *history, 1), checkMin("log-every", *logEvery, 0), checkMin("max-patches", *maxPatches, 0), checkDType(*dtype)} {
		if c != nil {
			return c
		}
	}
	if err := checkSynthOutput(*out, *format); err != nil {
		return err
	}
	if err := checkOutputDir("--report", *report); err != nil {
		return err
	}
	if err := checkOutputFile("-o "+*out, *out); err != nil { // the model and dataset files: checkNotOwned
		return err
	}
	// synthout20: where a run stopped early writes its maps (not OUT)
	ext := formatExt(*out, *format)
	partial := partialPath("sample", *out, ext)
	if err := checkOutputFile("-o "+*out+": its partial file "+partial+" (the maps of a run stopped early)", partial); err != nil {
		return err
	}
	if err := checkReportFolder("--report", *report); err != nil {
		return err
	}
	if err := checkReportNotOutput(*report, *out); err != nil {
		return err
	}
	// pipefix19: one writer per report folder (exit 2 while another holds it)
	reportLock, lerr := lockReport(*report, "sample", args)
	if lerr != nil {
		return lerr
	}
	defer reportLock.Release()
	if err := checkModelFolder(pos[0]); err != nil {
		return err
	}
	ms, err := infer.LoadModels(pos[0])
	if err != nil {
		return modelError(err)
	}
	cm, err := ms.Component(*comp)
	if err != nil {
		return modelError(err)
	}
	if err := checkComponentNotEmpty(ms, pos[0], "sample", *comp, *allowEmpty); err != nil {
		return err
	}
	// The model records no pixel extremes: |mean| + 10 std of the
	// component's training pixels stands for the samples' largest |pixel|.
	if mu, sd := cm.PixelMoments[0], cm.PixelMoments[1]; sd >= 0 {
		if err := checkFloat32Range(*dtype, pos[0], fmt.Sprintf("the training pixels of component %d have mean %.4g and std %.4g, so the samples' largest |pixel| is about |mean| + 10 std = %.4g",
			*comp, mu, sd, math.Abs(mu)+10*sd), math.Abs(mu)+10*sd); err != nil {
			return err
		}
	}
	// the samples could not match the component's statistics inside a box
	// that leaves out its pixels' mean
	if mu := cm.PixelMoments[0]; box != nil && (mu < box.Lo || mu > box.Hi) {
		return badInputf("--box %s: the training pixels of component %d have the mean %.6g, outside the box %v: its samples cannot match its statistics inside it; widen the box or leave --box out", *boxFlag, *comp, mu, box)
	}
	p := ms.Manifest.PatchSize
	if opt.Size == 0 {
		opt.Size = p
	}
	if opt.Size < p {
		return badInputf("--size %d is smaller than the models' patch size %d", opt.Size, p)
	}
	if err := checkTileStride(opt.Stride, p); err != nil {
		return err
	}
	// a size the models' statistic does not take (odd for scov): the maps are
	// sampled all the same (tiles of the patch size), but stats refuses them
	sizeNote := sampleSizeNote(opt.Size, ms.Manifest.Spec)
	if err := checkResultFits(fmt.Sprintf("-n %d --size %d", opt.N, opt.Size), 8*float64(opt.N)*float64(opt.Size)*float64(opt.Size)); err != nil {
		return err
	}
	// The report folder is made by the report itself (checkOutputDir has
	// checked that it can be): a refused input leaves no empty folder.
	// Read the training patches first: a missing dataset fails before any work.
	var target *stlayer.Maps
	if *report != "" {
		if target, err = ms.ClusterPatches(*comp, *patches, *maxPatches); err != nil {
			if *patches == "" && ms.Manifest.Source.Dataset != "" && errors.Is(err, infer.ErrModelInput) {
				if _, serr := os.Stat(filepath.Join(ms.Manifest.Source.Dataset, "manifest.json")); serr != nil {
					return badInputf("--report: the report compares the samples with component %d's training patches, read from the dataset the models record (%s, in %s): it is not there; give the dataset with --patches DATASET (a copy of it, or its new location; fingerprint %s), or leave out --report",
						*comp, ms.Manifest.Source.Dataset, filepath.Join(pos[0], "manifest.json"), ms.Manifest.Source.DatasetFingerprint)
				}
			}
			return modelError(fmt.Errorf("report: %w", err))
		}
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	cluster := ms.Manifest.Clusters[*comp]
	fmt.Fprintf(g.stderr, "sample: component %d (weight %.3f) of %s: %s of %d², statistic %s on %d² patches (%d coefficients), draw %s%s, %d steps, engine %s\n",
		*comp, cluster.Weight, pos[0], plural(opt.N, "map"), opt.Size, ms.Manifest.Spec, p, ms.Manifest.NCoeffs, dm, boxNote(box, opt.BoxWeight), opt.Steps, ch.Name)
	if sizeNote != "" {
		fmt.Fprintf(g.stderr, "sample: warning: %s\n", sizeNote)
	}
	if spec := ms.Manifest.Spec; spec.Pad == "crop" {
		fmt.Fprintf(g.stderr, "sample: %s\n", cropWindowsNote(opt.Size, opt.Size, p, opt.Stride, spec.CutPixels(), " and through the power-spectrum term (each whole tile, matched to the training patches' periodic spectra)"))
	}
	// The bar's count and loss are of the same iteration (a Describe before
	// the Set drew iteration 1's loss next to 0/N).
	var bar *stepBar
	if *logEvery <= 0 {
		bar = newStepBar(g.stderr, opt.N*opt.Steps, "L-BFGS")
	}
	opt.Progress = func(pr infer.Progress) {
		if bar != nil {
			bar.StepTo(pr.Run*opt.Steps+pr.Iter, fmt.Sprintf("map %d loss %.4g", pr.Run, pr.Loss))
		} else if pr.Iter%*logEvery == 0 || pr.Iter == 1 {
			fmt.Fprintf(g.stderr, "sample: map %d iteration %d loss %.5g evaluations %d %.1f s\n", pr.Run, pr.Iter, pr.Loss, pr.Evals, pr.Elapsed.Seconds())
		}
	}
	saving := "the maps reached are written to " + firstOf(partialDest(partial)) // not OUT (synthout20), as synth and separate say; partial2: not a user's file of that name
	if *report != "" {
		saving += " and reported"
	}
	ctx, stop := runContext(g.stderr, saving)
	defer stop()
	res, err := infer.SampleComponent(ctx, ch.Engine, ms, *comp, opt)
	if bar != nil {
		endBar(bar, err != nil)
	}
	if res == nil || res.Maps == nil {
		return modelError(err)
	}
	// One L-BFGS per map, in sequence: after an error the last result is the
	// map whose run stopped, the ones before it finished.
	maps, st := res.Maps, stopState{k: opt.N, steps: opt.Steps, perMap: opt.N > 1}
	nw := opt.N
	if err != nil {
		if r := len(res.Results); r > 0 {
			st.stopped, st.iters = r-1, res.Results[r-1].Iters
		}
		if nw = st.written(); nw == 0 { // nothing done: the starting maps are no result
			fmt.Fprintf(g.stderr, "sample: %s%s\n", st.describe(err, *out), earlierPartialNote(partial)) // partialsafe20
			if errors.Is(err, context.Canceled) {
				return st.err(err, *out)
			}
			return modelError(err)
		}
		maps = &stlayer.Maps{B: nw, M: maps.M, N: maps.N, Data: maps.Data[:nw*maps.M*maps.N]}
	}
	// synthout20: the maps of a run stopped early go to the partial file,
	// their report to DIR.partial; OUT and DIR only get a finished run's
	dest, repDir, destNote := *out, *report, ""
	if err != nil {
		// partial2: not over a file or folder of those names stkit did not write
		var stopNote string
		dest, repDir, stopNote = stoppedDests(partial, *report)
		destNote = partialNote(*out) + stopNote
	}
	loss0, loss1, iters := 0.0, 0.0, 0
	for _, r := range res.Results[:min(nw, len(res.Results))] {
		loss0 += r.InitialLoss
		loss1 += r.Loss
		iters += r.Iters
	}
	// the provenance (stkit's commit, the command line, the SHA-256 of the
	// model folder and, with --report, of the dataset of the training
	// patches) in the FITS HISTORY and the report; DATE and ORIGIN
	provIn := []string{pos[0]}
	if *report != "" {
		provIn = append(provIn, firstNonEmpty(*patches, ms.Manifest.Source.Dataset))
	}
	prov := newProvenance(provIn...)
	// "the model folder models", not "the models models" (a folder named
	// models)
	hist := historyCards(fmt.Sprintf("stkit sample: %s of %dx%d synthesised to match statistics (%s on %dx%d patches) drawn from component %d of the model folder %s (--draw %s, --init %s%s, --steps %d, --seed %d)",
		plural(maps.B, "map"), maps.M, maps.N, ms.Manifest.Spec, p, p, *comp, filepath.Base(filepath.Clean(pos[0])), *draw, *initKind, boxNote(box, opt.BoxWeight), opt.Steps, *seed))
	hist = provFITSOf(append(sampleUnitCards(ms), hist...), prov) // samplecheck20: BUNIT, pixel scale
	if written, werr := writeStreamMaps(dest, maps, datasets.MapsWriteOptions{DType: *dtype, Batch: true, Cards: hist, Format: *format}); werr != nil {
		if err != nil && written != "" { // stopped early, and written as float64 elsewhere
			fmt.Fprintf(g.stderr, "sample: %s%s\n", st.describe(err, written), destNote)
		}
		return werr
	}
	if err != nil { // partialsafe20: a later run removes only a partial file it can tell stkit wrote
		recordPartial(g.stderr, "sample", args, *out, dest)
	}
	over := " (sum over maps)"
	if nw < opt.N {
		over = " (sum over the " + mapRange(0, nw-1) + " written)"
	}
	if opt.N == 1 {
		over = ""
	}
	fmt.Fprintf(g.stderr, "sample: %d tile(s) per map; loss %.4g → %.4g%s in %d iterations; wrote %s\n", res.Tiles, loss0, loss1, over, iters, dest)
	if err == nil {
		removeStalePartialLocked(g.stderr, "sample", args, *out, *report, ext)
	}
	if box != nil {
		fmt.Fprintf(g.stderr, "sample: --box %s: %s\n", *boxFlag, boxOutside(*box, maps.Data))
	}
	// An interrupted run (Ctrl-C) is reported too: the report of the maps
	// written, marked interrupted (settings interrupted, ended,
	// maps_reported), as separate --models does; an error is not.
	interrupted := err != nil && errors.Is(err, context.Canceled)
	if err != nil {
		fmt.Fprintf(g.stderr, "sample: %s%s\n", st.describe(err, dest), destNote)
		if !interrupted {
			return modelError(st.err(err, dest))
		}
	}
	// sepout20: DIR.partial under its own lock; held by another run, the
	// maps are in the partial file but no report is written (reportErr)
	partialLock, repDir, reportErr := lockPartialReport("sample", *report, repDir, args)
	defer partialLock.Release()
	if repDir != "" {
		settings := map[string]any{"models": pos[0], "component": *comp, "weight": cluster.Weight, "draw": dm.String(), "maps": opt.N,
			"size": opt.Size, "patch_size": p, "tiles_per_map": res.Tiles, "stride": *stride, "steps": opt.Steps, "seed": *seed,
			"init": *initKind, "engine": ch.Name, "spec": effectiveNormSpec(ms.Manifest.Spec), "dataset": firstNonEmpty(*patches, ms.Manifest.Source.Dataset),
			"box": boxSetting(box), "box_weight": boxWeightSetting(box, opt.BoxWeight), "provenance": prov}
		st.interruptSettings(settings, err)
		rres := res
		if interrupted { // the maps written and their runs, not the maps not started
			rres = writtenSamples(res, maps, nw)
		}
		// physscale19: the dataset's pixel scale on power_spectrum.png's k axis
		var ps *datasets.PixelScale
		if man, merr := datasets.ReadManifest(firstNonEmpty(*patches, ms.Manifest.Source.Dataset)); merr == nil {
			ps = man.PixelScale
		}
		vm, err := infer.SampleReportScaled(repDir, ch.Engine, ms, *comp, rres, target, settings, ps)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		recordPartialReport(g.stderr, "sample", args, *report, repDir) // fixpartial21: DIR.partial is stkit's
		gp, _ := settings["geometric_ps"].(infer.GeometricPS)
		fmt.Fprintf(g.stderr, "report: %s (mean PS max |ratio−1| for k ≥ 2: %.3f, mean %.3f; geometric-mean PS max |ratio−1| %.3f%s; W1 %.3f σ vs %.3f σ of one training patch against the others pooled; RMS (Φ−μ)/σ samples %.2f, training patches %.2f)\n",
			filepath.Join(repDir, "metrics.json"), vm.PSMaxDev, vm.PSMeanDev, gp.MaxDev, geoZNote(gp), vm.W1Mean, vm.W1Pool, settings["stat_chi_samples"], settings["stat_chi_training_patches"])
		if nl, ok := settings["ps_null"].(infer.PSNull); ok {
			others, note := nullOthers(nl, len(ms.Components[*comp].PatchIndex), *maxPatches)
			fmt.Fprintf(g.stderr, "report: sampling noise of %s vs %s (%smedian / 90th percentile of %d draws): mean PS max |ratio−1| %.3f / %.3f, geometric-mean %.3f / %.3f\n",
				plural(nl.N, "real patch"), others, note, nl.Draws, nl.ArithMedian, nl.ArithP90, nl.GeoMedian, nl.GeoP90)
		}
		// samplecheck20: every check of the report and the verdict of them all
		if v, ok := settings["ps_verdict"].(map[string]infer.PSVerdict); !printSampleChecks(g.stderr, settings) && ok {
			a, gm := v["arithmetic_mean"], v["geometric_mean"]
			fmt.Fprintf(g.stderr, "report: verdict: mean PS %.3f: %s; geometric-mean PS %.3f: %s\n", a.Value, a.Verdict, gm.Value, gm.Verdict)
		}
		if cp, ok := settings["corner_ps"].(infer.CornerPS); ok && len(cp.Ratio) == 2 {
			fmt.Fprintf(g.stderr, "report: power beyond the bins (|k| %.3g–%.3g and %.3g–%.3g cycles per patch, corner_ps): %.3g and %.3g × the patches'\n",
				cp.Edges[0], cp.Edges[1], cp.Edges[1], cp.Edges[2], cp.Ratio[0], cp.Ratio[1])
		}
		if so, ok := settings["training_spectrum_outliers"].(infer.SpectrumOutliers); ok && len(so.Index) > 0 {
			rows := ""
			if len(so.Rows) > 0 {
				rows = fmt.Sprintf(" (dataset rows %v)", so.Rows)
			}
			fmt.Fprintf(g.stderr, "report: warning%s: %s\n", rows, so.Note)
		}
	}
	if interrupted {
		if reportErr != nil {
			return fmt.Errorf("%w; their report not written: %v", st.err(err, dest), reportErr)
		}
		return st.reportedErr(err, dest, repDir)
	}
	return nil
}

// geoZNote words GeometricPS.MaxZ for stkit sample's report line: " (bin
// furthest off: 1.8 standard errors of the tiles' against the patches' mean
// log P, both sets' map-to-map scatter counted)", with "; one tile: its
// scatter taken as the patches'" when there is one tile, and "" when there
// is no standard error. It was "max 13.8 standard errors per bin" beside a
// verdict "within the sampling noise": the standard error of one tile then
// left out the tile's own scatter, and one real patch lay about √N of them
// from the others' mean (GeometricPS).
func geoZNote(gp infer.GeometricPS) string {
	if gp.MaxZ < 0 || len(gp.SE) == 0 {
		return ""
	}
	one := ""
	if gp.SEScatter == infer.GeoSESynthFromTarget {
		one = "; one tile: its scatter taken as the patches'"
	}
	return fmt.Sprintf(" (bin furthest off: %.1f standard errors of the tiles' against the patches' mean log P, both sets' map-to-map scatter counted%s)", gp.MaxZ, one)
}

// writtenSamples is the part of an interrupted sampling result res that was
// written: the maps (the first n of res.Maps), their runs (Results[:n]),
// drawn statistics and spectrum targets; the rest of res is shared.
func writtenSamples(res *infer.SampleResult, maps *stlayer.Maps, n int) *infer.SampleResult {
	w := *res
	w.Maps = maps
	w.Results = res.Results[:min(n, len(res.Results))]
	if len(res.Targets) > n {
		w.Targets = res.Targets[:n]
	}
	if len(res.PSTargets) > n {
		w.PSTargets = res.PSTargets[:n]
	}
	if len(res.PSOuterTargets) > n {
		w.PSOuterTargets = res.PSOuterTargets[:n]
	}
	return &w
}

// nullOthers names the patches that the sampling-noise yardstick compares
// its real patches with: "the other 30 of the cluster's 32 patches", or,
// when --max-patches read only some of the cluster's, "252 of the cluster's
// 979 patches" with the note "256 read, --max-patches 256; ".
func nullOthers(nl infer.PSNull, cluster, maxPatches int) (others, note string) {
	if cluster > nl.Patches {
		return fmt.Sprintf("%d of the cluster's %d patches", nl.Patches-nl.N, cluster), fmt.Sprintf("%d read, --max-patches %d; ", nl.Patches, maxPatches)
	}
	return fmt.Sprintf("the other %d of the cluster's %d patches", nl.Patches-nl.N, cluster), ""
}

// checkModelFolder refuses, with the reason, a MODELDIR that cannot be a
// model folder of stkit export: a path that does not exist ("PATH: no such
// file or directory", not "not a model folder (no manifest.json …)"), a
// file (not "open PATH/manifest.json: not a directory"), or a patch dataset
// of stkit patches (not "unsupported per-component model format: format
// \"\""). Other folders are left to infer.LoadModels.
func checkModelFolder(dir string) error {
	st, err := statInput(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return badInputf("%s is a file, not a model folder (make one with `stkit export RUN -o MODELDIR`)", dir)
	}
	if m, err := datasets.ReadManifest(dir); err == nil && m != nil {
		return badInputf("%s holds a patch dataset (stkit patches), not models: train on it with `stkit train %s -o RUN --clusters K`, then `stkit export RUN -o MODELDIR`", dir, dir)
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// requiredInt is an int flag whose --help line shows no default (a required
// flag: v keeps its initial value, e.g. −1, until the flag is given).
type requiredInt struct {
	v   int
	set bool
}

func (f *requiredInt) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.Itoa(f.v)
}

func (f *requiredInt) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not an integer")
	}
	f.v, f.set = v, true
	return nil
}
