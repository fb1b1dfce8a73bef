package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "synth", summary: "synthesise maps with the ST statistics of a target (microcanonical model)", run: runSynth})
}

func runSynth(g *globals, args []string) error {
	fs := newFlagSet(g, "synth", "TARGET", `Generate new maps whose ST statistics match those of TARGET (one map, or the
mean over several): L-BFGS on the pixels from a random start until
Φ(x̃) ≈ Φ(x) (microcanonical model). TARGET is a map file (.npy, .npz or
.npz:member, FITS) holding a map [M, N] or a batch [B, M, N], a folder (every
map file in it, sorted by name; hidden ones, named .*, such as macOS's ._x.npy,
skipped) or a comma-separated list of files, read as
--reference-set reads them; all maps must have one size, and their maps
together form the target batch (the summary line says how many, from where).
The loss is Σ_k w_k |Φ_k(x̃) − Φ_k(x)|², with w_k = 1/K (one target map) or
1/(K σ_k²) with σ_k the std over the target maps (--weights std, needs ≥ 2;
the default, auto, with ≥ 2 target maps: each synthesis then matches the mean
of Φ over them, and synth says so); with one target map a raw statistic
(--kind wph --norm none, --synthesis=false, wst) has w_k = 1/(K s_c²), s_c the
RMS of the target's coefficients of k's class: each class counts by its
relative error, whatever the map's units,
plus optional terms: --ps W matches the log isotropic power spectrum in
half-octave bins (each bin weighs W/K, with --weights std W/(K σ_b²), σ_b the
std of the bin's log power over the target maps), --hist W the pixel
histogram ((W/K) × the mean squared difference of sorted pixels and target
quantiles, in units of the target's σ, with --weights std of the target maps'
own quantile spread).
Default statistic: Cheng's scattering covariance synthesis vector, isotropic
(--kind scov --synthesis --iso), J = log2(size) − 1 (Cheng's synthesis
default), L = 4, normalised by the target's P00 (Cheng's use_ref; for a batch,
by the P00 averaged over its maps, one reference for all of them).
The isotropic vector can leave faint regions of strongly skewed fields
under-constrained (faceted, sharp-edged low-value areas); --iso=false keeps
the orientation information at the same cost: on the demo's 23 log-normal
128² maps (σ = 1), Minkowski functionals within 1.1–1.3 σ of the maps' spread
against 3.6–5.0 σ with --iso.
--pad crop (scov, spectra, wph) suits a TARGET cut from a larger map: the
statistics are means over the interior, c = ⌊cut·2^J⌋ pixels in from each edge
(--cut, default 1/2: ⌊2^J/2⌋), so the cut's wrap-around jump is not recorded
and the syntheses have no facets from it; their border of that width is only
weakly constrained: use their interior (synth prints its rows and columns).
The GRF start (--init grf) and the --ps term then use the spectrum of the map
(minus its weighted mean) times a Hann window sin²(π(i+½)/M)·sin²(π(j+½)/N),
the --ps bins divided by the window's power 9/64, instead of the periodic
spectrum, which for a cut map holds the jump as excess power along the axes
(streaks parallel to the edges). The --hist term still uses all pixels.
--periodise suits the same targets with the periodic statistics: the target
maps (and the --reference-set maps) are replaced by their periodic component
(Moisan's periodic-plus-smooth decomposition, 2011: the map less a smooth
ramp that carries the wrap-around jump) before their statistics, so the
syntheses are periodic maps without facets from the jump; the report
compares them with the periodised target. It and --pad crop are two remedies
for the same thing: give one. Without either, synth notes a target whose wrap
jump is large (rms of the differences across the wrap, row 0 vs row M−1 and
column 0 vs N−1, above 2× the rms of neighbour differences inside the map).
--box positive (or LO,HI; ±inf for an open side) keeps the pixels of a
positive field (intensity, density) in that range: a quadratic penalty
W × mean((distance outside the box / target σ)²) per map, W = --box-weight,
default 1 (separate's --box has the same form and weight 1e3, measured
too stiff for a synthesis: see --box-weight), and the starting maps clipped
into it. A penalty, not a hard bound: pixels held at the box by the statistics can end a little
outside (synth prints how many and how far); the target must lie inside.
With --periodise the target as read must lie in the box; its periodic
component, whose statistics the syntheses match, may leave it a little (that
of a positive map dips below 0 where the smooth ramp is large, near the
edges): the box is then widened to the periodic component's range (e.g.
[−0.08, +Inf)), and synth says so, how many pixels and how far; the
syntheses, realisations of the periodised field, can reach that far.
--pad crop instead keeps the target as read and the box as given.

Presets (--preset; explicit flags override them):
  quality  (default) GRF start with the target's 2D power spectrum (--init grf: a
           Gaussian draw from the target maps' mean periodogram, averaged over
           cells of unit |k| and 11.25°, so that no synthesis copies one map's modes),
           --ps 1, --hist 10, 300 iterations, one L-BFGS per map (--independent). Tuned so
           that the mean power spectrum of 4 syntheses of a 256² Quijote or dust
           map is within 5 % of the target's on all half-octave bins k ≥ 2.
  cheng    the reference codes' defaults: white-noise start, no extra terms,
           300 iterations, all maps in one L-BFGS.
--reference-set DIR|FILES gives other realisations of the target's process for
the report's yardsticks (spread of the power spectrum, W1 of one map against
the others pooled, as the syntheses are scored against the pooled target, and
between two maps, σ of the Minkowski functionals); without it a TARGET batch of ≥ 2 maps is its
own yardstick (the summary line says "target maps"), and one target map has
none. Maps of the set equal to a target map (a folder that holds the target)
are left out, with a note, unless fewer than 2 would be left.
Ctrl-C or SIGTERM (or an error during the optimisation) writes the maps
worked on before exiting, and says which: with one L-BFGS per map, the maps
finished and the one running (unfinished), not the maps not started; with one
L-BFGS on all maps, all of them (none before the first iteration). They go to
OUT's partial file, OUT with .partial before its extension (s.npy →
s.partial.npy; for -o /dev/stdout or a pipe synth.partial.EXT in the working
folder), never to OUT, which only a run that finishes every map writes (an
OUT already there is left as it was). After Ctrl-C, --report DIR reports the
maps written, marked interrupted (metrics.json settings.interrupted,
settings.ended, settings.maps_reported), in DIR.partial beside DIR. Exit
status 1; a second Ctrl-C quits at once without writing them. A file already
there under the partial file's name, or a folder DIR.partial, that stkit did
not record writing (see below) is never written to: the maps then go to the
first free name s.partial-2.npy, s.partial-3.npy, …, the report to
DIR.partial-2, …, and the message says so. A later run that finishes removes
the partial file and DIR.partial (and those alternates) of its OUT and DIR
(they hold an unfinished attempt at what OUT then holds), each only when it
is the one a run stopped early wrote (recorded in .NAME.stkit-partial beside
it: the file's SHA-256, DIR.partial's metrics.json and files); another file
or folder of that name is left, with a note. The partial file of /dev/stdout
or a pipe is removed only by a run with the same arguments, an .npz member's
partial archive only when it holds that member alone.
-o /dev/stdout (or /dev/fd/N, a named pipe) writes the maps to that
descriptor, in the format given by --format npy, npz or fits.`)
	var spec stats.Spec
	specFlags(fs, &spec, "scov")
	fs.Lookup("J").Usage = "number of dyadic scales (0 = log2(min(M,N)) − 1 for scov and spectra, Cheng's synthesis default; log2(min(M,N)) − 2 for wst and wph)"
	fs.Lookup("synthesis").Usage += " (default here: on for scov and wst; --synthesis=false for the raw coefficients)"
	fs.Lookup("iso").Usage += " (default here: on with the scov and wst synthesis vectors; --iso=false for the anisotropic one)"
	out := fs.String("o", "", "output [K, M, N] (float32 unless --dtype): .npy, .npz or .fits (required), or /dev/stdout (a descriptor, a named pipe) with --format; written only when every map finishes (a run stopped early writes OUT's partial file, see above); a FITS output's HISTORY holds the HISTORY of a one-file FITS target, each line prefixed \"[target] \", then synth's own")
	format := fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe): npy, npz or fits (default: from the -o extension)")
	dtype := fs.String("dtype", "float32", "stored type of the output: float32 (FITS BITPIX −32) or float64 (BITPIX −64); float32 is refused before the optimisation when 2 × the target's largest |pixel| exceeds its range, 3.4e38; maps that go beyond it all the same are written as float64 to OUT.float64.npy (.fits, …) beside OUT, exit status 1")
	preset := fs.String("preset", infer.PresetQuality, "settings preset: quality or cheng")
	k := fs.Int("n", 1, "number of maps to synthesise (independent seeds)")
	seed := fs.Uint64("seed", 1, "random seed (same seed, same maps, same bytes but for a FITS output's DATE card)")
	steps := fs.Int("steps", 300, "maximum L-BFGS iterations (per map with --independent)")
	history := fs.Int("history", 20, "L-BFGS memory")
	initKind := fs.String("init", "grf", "starting point: white (white noise with the target's mean and std) or grf (preset quality: grf, cheng: white)")
	weights := fs.String("weights", "auto", "per-coefficient weights: auto (std if ≥ 2 targets, else mean), mean or std")
	psWeight := fs.Float64("ps", 1, "relative weight of the log power-spectrum term: each half-octave bin, and one bin of the modes beyond k = N/2 (the Fourier corners), weighs W/K, K the statistic's coefficients (with --weights std W/(K σ_b²), σ_b the bin's log-power std over the target maps; 0 = off; preset quality: 1, cheng: 0)")
	histWeight := fs.Float64("hist", 10, "relative weight of the histogram term: W/K × mean squared quantile difference in target σ (with --weights std, in the target maps' quantile spread; 0 = off; preset quality: 10, cheng: 0)")
	indep := fs.Bool("independent", true, "one L-BFGS per map instead of one on all maps' pixels stacked (preset quality: true, cheng: false)")
	report := fs.String("report", "", "write a validation report (PNGs + metrics.json) into this directory")
	refSet := fs.String("reference-set", "", "other realisations of the target's process for the report's spreads: a folder of map files (.npy, .npz, FITS), a comma-separated list of files, or one batch file")
	boxFlag := fs.String("box", "none", "pixel range of the syntheses: none, positive ([0, +inf)) or LO,HI (±inf: an open side), kept by a quadratic penalty (not a hard bound), the starting maps clipped into it; the target must lie in it")
	boxWeight := fs.Float64("box-weight", synthBoxWeight, boxWeightUsage("the target's pixel variance", synthBoxWeightNote))
	periodise := fs.Bool("periodise", false, "replace the target maps (and --reference-set maps) by their periodic component (Moisan 2011) before their statistics: for targets cut out of larger maps, whose wrap-around jump makes periodic syntheses faceted; not with --pad crop")
	logEvery := fs.Int("log-every", 0, "print a plain progress line every N iterations instead of the progress bar (for logs)")
	nm := nanmaskFlags(fs, g, "synth") // nanmask19: --crop
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 && *out != "" {
		return badInputf("synth takes one TARGET, got %d arguments (%s, %s, …): give several target maps as one folder or one comma-separated list (a shell pattern such as DIR/*.npy gives one argument per file)", len(pos), pos[0], pos[1])
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return badInputf("synth needs one TARGET and -o OUT.npy")
	}
	// scov and wst: the isotropic synthesis vector unless the flags say
	// otherwise (--synthesis alone keeps --iso on; --synthesis=false gives
	// the raw coefficients, anisotropic unless --iso).
	if spec.Kind == stats.SCov || spec.Kind == stats.WST || spec.Kind == "" {
		synthesisDefaults(fs, &spec)
	}
	if *k < 1 {
		return badInputf("-n %d: the number of maps must be ≥ 1", *k)
	}
	if *periodise && spec.Pad == "crop" {
		return badInputf("--periodise and --pad crop are two remedies for the same thing (a target cut from a larger map, whose wrap-around jump the periodic statistics record): give one, --periodise (periodic statistics of the maps' periodic component) or --pad crop (statistics over the interior)")
	}
	cfg, err := infer.Preset(*preset, *k, *seed)
	if err != nil {
		return badInputf("%v", err)
	}
	if isSet(fs, "steps") {
		cfg.Steps = *steps
	}
	if isSet(fs, "history") {
		cfg.History = *history
	}
	if isSet(fs, "ps") {
		cfg.PSWeight = *psWeight
	}
	if isSet(fs, "hist") {
		cfg.HistWeight = *histWeight
	}
	if isSet(fs, "independent") {
		cfg.Independent = *indep
	}
	if isSet(fs, "init") {
		switch *initKind {
		case "white":
			cfg.Init = infer.InitWhiteNoise
		case "grf":
			cfg.Init = infer.InitGRF
		default:
			return badInputf("unknown --init %q (want white or grf)", *initKind)
		}
	}
	box, err := parseBoxFlag("box", *boxFlag)
	if err != nil {
		return err
	}
	if err := checkBoxWeight(*boxWeight, isSet(fs, "box-weight"), box); err != nil {
		return err
	}
	cfg.Box, cfg.BoxWeight = box, *boxWeight
	askedBox := box
	if *steps < 1 { // as sample says it
		return badInputf("--steps %d: the number of L-BFGS iterations must be ≥ 1", *steps)
	}
	for _, c := range []error{checkMin("history", *history, 1), checkMin("log-every", *logEvery, 0),
		checkFinite("ps", *psWeight, true), checkFinite("hist", *histWeight, true), checkDType(*dtype)} {
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
	synthInputs := inputFiles(append(append([]string{pos[0]}, splitList(pos[0])...), splitList(*refSet)...)...)
	if err := checkOutputFile("-o "+*out, *out, synthInputs...); err != nil {
		return err
	}
	// synthout20: where a run stopped early writes its maps (not OUT)
	ext := formatExt(*out, *format)
	partial := partialPath("synth", *out, ext)
	if err := checkOutputFile("-o "+*out+": its partial file "+partial+" (the maps of a run stopped early)", partial, synthInputs...); err != nil {
		return err
	}
	// an output written into the target's folder (or the reference set's)
	// became a target map of the next run on it
	if err := checkOutputNotInMapFolders("-o "+*out, *out, mapFolderInput{"TARGET", pos[0]}, mapFolderInput{"--reference-set", *refSet}); err != nil {
		return err
	}
	if err := checkReportFolder("--report", *report); err != nil {
		return err
	}
	if err := checkReportNotOutput(*report, *out); err != nil {
		return err
	}
	// pipefix19: one writer per report folder (exit 2 while another holds it)
	reportLock, lerr := lockReport(*report, "synth", args)
	if lerr != nil {
		return lerr
	}
	defer reportLock.Release()
	targetSet, err := readMapSetCardsKeep(pos[0], nm.cuts()) // misc2 (s22): UNSEEN pixels cut as NaN
	if err == nil {
		err = nm.cropSet(g, "TARGET "+pos[0], targetSet, &spec) // nanmask19: --crop
	}
	if err != nil {
		return err
	}
	target, targetCards := targetSet.Maps, targetSet.Cards
	warnSynthTargetUnits(g.stderr, "TARGET "+pos[0], targetSet) // units19: a set mixing BUNITs or pixel scales
	if n := noPixelScaleNote(targetCards); n != "" && *report != "" {
		// misc21: the report's k axis had no scale on the sky, without a word
		kept := "the output's CDELT1/2 and CUNIT1/2 keep each axis's own"
		if datasets.PixelScaleCards(targetCards) == nil {
			kept = "nor has the output CDELT1/2: the header's PC or CD matrix mixes the two axes"
		}
		fmt.Fprintf(g.stderr, "synth: note: TARGET %s: %s: the report's power spectrum gives k in cycles per map only (%s)\n", pos[0], n, kept)
	}
	if err := checkResultFits(fmt.Sprintf("-n %d maps of %d×%d", *k, target.M, target.N), 8*float64(*k)*float64(target.M)*float64(target.N)); err != nil {
		return err
	}
	var reference *stlayer.Maps
	refLeftOut, refHasTarget, refNote := 0, false, ""
	if *refSet != "" {
		refMaps, err := readMapSetCardsKeep(*refSet, nm.cuts())
		if err == nil {
			err = nm.cropSet(g, "--reference-set "+*refSet, refMaps, &spec) // nanmask19: --crop
		}
		if err != nil {
			return err
		}
		reference = refMaps.Maps
		if reference.M != target.M || reference.N != target.N || reference.B < 2 {
			return badInputf("--reference-set: want ≥ 2 maps of %d×%d, got %d of %d×%d", target.M, target.N, reference.B, reference.M, reference.N)
		}
		if err := datasets.ValidateMaps(reference, 0); err != nil {
			return badInputf("--reference-set %s: %v", *refSet, strings.TrimPrefix(err.Error(), "datasets: "))
		}
		// maps of the set that are target maps (the README's example passes
		// the folder that holds its target) would put the target itself in
		// the yardsticks' spread: left out
		reference, refLeftOut, refHasTarget, refNote = withoutTargetMaps(refMaps, targetSet)
	}
	// the wrap-around jump of the (raw) target, across the wrap vs inside
	wrapRatio := wrapJumpRatio(target)
	// --box says where the field's pixels lie: the target as read must lie
	// in it. Its periodic component (--periodise) can leave it a little (a
	// positive map less a smooth ramp dips below 0 near the edges): that is
	// noted below, not refused.
	if err := checkTargetInBox("box", *boxFlag, box, pos[0], target); err != nil {
		return err
	}
	if *periodise {
		// Moisan's periodic component: the statistics, the loss's extra
		// terms, the start and the report all see the periodised maps
		if target, err = datasets.PeriodicComponent(target); err != nil {
			return badInputf("--periodise: %s: %v", pos[0], err)
		}
		if reference != nil {
			if reference, err = datasets.PeriodicComponent(reference); err != nil {
				return badInputf("--periodise: --reference-set %s: %v", *refSet, err)
			}
		}
	}
	jGiven, jRule := spec.J != 0, defaultJRule
	if spec.J == 0 && (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) {
		spec.J, jRule = synthDefaultJ(target.M, target.N), "log2(min(M,N)) − 1"
	}
	spec = spec.WithDefaults(target.M, target.N)
	if err := checkSpec(spec); err != nil {
		return err
	}
	if err := validateSpec(pos[0], target, spec, jGiven, jRule); err != nil {
		return err
	}
	targetName := pos[0]
	if *periodise {
		targetName += " (periodised)"
	}
	boxPeriodisedNote := ""
	if *periodise && box != nil {
		// the syntheses match the periodic component's statistics: the box
		// is widened to hold its pixels (NewSynthLoss refuses a target
		// outside the box)
		var wide infer.PixelBox
		if wide, boxPeriodisedNote = periodisedBox(*box, target); boxPeriodisedNote != "" {
			box = &wide
			cfg.Box = box
		}
	}
	if big, at := largestPixel(target); big > 0 {
		if err := checkFloat32Range(*dtype, pos[0], fmt.Sprintf("the target's largest |pixel| is %.4g (%s)", big, at), big); err != nil {
			return err
		}
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	switch *weights {
	case "auto":
		if target.B >= 2 {
			cfg.Weights = infer.WeightStd
		}
	case "mean":
	case "std":
		cfg.Weights = infer.WeightStd
		if target.B < 2 {
			return badInputf("--weights std needs a target batch of at least 2 maps")
		}
	default:
		return badInputf("unknown --weights %q", *weights)
	}

	// A non-periodic statistic (means over the interior): the GRF start and
	// the power-spectrum term use the Hann-apodised spectrum.
	cfg.Apodise = spec.Pad == "crop"
	if _, err := infer.InitialMapsApodised(cfg.Init, target, 1, cfg.Seed, cfg.Apodise); err != nil {
		return badInputf("%s: %v", pos[0], err)
	}
	// Statistics normalised by a reference (scov synthesis vectors, WPH
	// norm=auto) use the target as the reference, as Cheng's synthesis does.
	op, err := stats.BuildWithRef(spec, ch.Engine, target)
	why := "the target is the reference of norm auto, and every map of it is constant" // misc2 (s22)
	if target.B == 1 {
		why = "the target map is the reference of norm auto"
	}
	if e := refConstantError(err, pos[0], why); e != nil {
		return e
	}
	if err != nil {
		return badInputf("%v", err)
	}
	loss, err := infer.NewSynthLoss(ch.Engine, string(spec.Kind), op, target, cfg)
	if err != nil {
		// one map given several times (a.npy,a.npy): nothing varies over
		// the maps; say so and what to do
		if cfg.Weights == infer.WeightStd && allMapsIdentical(target.Data, target.B, target.M*target.N) {
			err = fmt.Errorf("%w: the %d target maps are all the same map (%s): give it once, other realisations, or --weights mean", err, target.B, targetSet.source())
		}
		return synthLossError(targetName, err)
	}
	mode := "one L-BFGS on all maps"
	switch {
	case cfg.K == 1:
		mode = "one L-BFGS"
	case cfg.Independent:
		mode = "one L-BFGS per map"
	}
	fmt.Fprintf(g.stderr, "synth: %s, %s of %d×%d to match %s, %s, engine %s; preset %s, init %s, ps %g, hist %g%s, %d steps, %s\n",
		spec, plural(cfg.K, "map"), target.M, target.N, targetSet.matched()+map[bool]string{true: " (periodised)"}[*periodise], plural(len(loss.Terms[0].Target), "coefficient"), ch.Name,
		*preset, initName(cfg.Init), cfg.PSWeight, cfg.HistWeight, boxNote(box, cfg.BoxWeight), cfg.Steps, mode)
	if target.B > 1 {
		fmt.Fprintf(g.stderr, "synth: note: %s\n", averagedNote(target.B, cfg, loss.Terms[0].Weight))
	}
	if refNote != "" {
		fmt.Fprintf(g.stderr, "synth: note: %s\n", refNote)
	}
	switch {
	case *periodise:
		what := "the target maps are"
		if reference != nil {
			what = "the target and --reference-set maps are"
		}
		fmt.Fprintf(g.stderr, "synth: --periodise: %s replaced by their periodic component (Moisan 2011) before their statistics (the target's wrap jump was %.3g× its neighbour differences); the report compares the syntheses with the periodised target\n", what, wrapRatio)
		if boxPeriodisedNote != "" {
			fmt.Fprintf(g.stderr, "synth: --periodise --box %s: %s\n", *boxFlag, boxPeriodisedNote)
		}
	case spec.Pad != "crop" && wrapRatio > wrapJumpNoteRatio:
		fmt.Fprintf(g.stderr, "synth: note: the target's wrap-around jump is large (rms of the differences across the wrap %.3g× that of neighbour differences inside the maps): a map cut from a larger one? its periodic statistics record the jump and the syntheses may be faceted; --periodise or --pad crop removes it\n", wrapRatio)
	}
	if spec.Pad == "crop" {
		// the statistics average over the interior window, c = ⌊cut·2^J⌋ pixels
		// in from each edge (--cut; it said ⌊2^J/2⌋ whatever --cut)
		if c := spec.CutPixels(); c > 0 {
			fmt.Fprintf(g.stderr, "synth: --pad crop: the statistics are means over rows [%d, %d) and columns [%d, %d); the %d-pixel border is only weakly constrained (it keeps much of its starting values): use the interior x[:, %d:%d, %d:%d]\n",
				c, target.M-c, c, target.N-c, c, c, target.M-c, c, target.N-c)
		} else {
			fmt.Fprintf(g.stderr, "synth: --pad crop --cut %g: ⌊cut·2^J⌋ = 0, the statistics are means over every pixel (no border left out)\n", spec.Cut)
		}
		if cfg.Init == infer.InitGRF || cfg.PSWeight > 0 {
			fmt.Fprintf(g.stderr, "synth: --pad crop: the GRF start and the --ps term use the Hann-apodised spectrum (not the periodic one, which holds the cut's edge jump)\n")
		}
	}
	total := cfg.Steps
	if cfg.Independent {
		total *= cfg.K
	}
	// The bar's count and loss are of the same iteration (a Describe before
	// the Set drew iteration 1's loss next to 0/N).
	var bar *stepBar
	if *logEvery <= 0 {
		bar = newStepBar(g.stderr, total, "L-BFGS")
	}
	saving := "the maps reached are written to " + firstOf(partialDest(partial, synthInputs...)) // not OUT (synthout20), as separate says; partial2: not a user's file of that name
	if *report != "" {
		saving += " and reported"
	}
	ctx, stop := runContext(g.stderr, saving)
	defer stop()
	cfg.Progress = func(p infer.Progress) {
		done := p.Iter
		if cfg.Independent {
			done += p.Run * cfg.Steps
		}
		perMap := cfg.Independent && cfg.K > 1
		if bar != nil {
			desc := fmt.Sprintf("L-BFGS loss %.4g", p.Loss)
			if perMap {
				desc = fmt.Sprintf("map %d (of %d) loss %.4g", p.Run, cfg.K, p.Loss)
			}
			bar.StepTo(done, desc)
		} else if p.Iter%*logEvery == 0 || p.Iter == 1 {
			where := ""
			if perMap {
				where = fmt.Sprintf("map %d ", p.Run)
			}
			fmt.Fprintf(g.stderr, "synth: %siteration %d loss %.5g parts %.3g evaluations %d %.1f s\n", where, p.Iter, p.Loss, p.Parts, p.Evals, p.Elapsed.Seconds())
		}
	}
	res, err := infer.Generate(ctx, loss, target, cfg)
	if bar != nil {
		endBar(bar, err != nil)
	}
	if res == nil || res.Maps == nil {
		return err
	}
	maps, st := res.Maps, stopState{k: cfg.K, steps: cfg.Steps, perMap: cfg.Independent && cfg.K > 1}
	if err != nil {
		st.stopped = res.MapsDone
		if st.perMap && st.stopped < len(res.MapIters) {
			st.iters = res.MapIters[st.stopped]
		} else if !st.perMap {
			st.iters = res.Iters
		}
		n := st.written()
		if n == 0 { // nothing done: the starting maps are no result
			// partialsafe20: an earlier run's partial file is not this one's
			fmt.Fprintf(g.stderr, "synth: %s%s\n", st.describe(err, *out), earlierPartialNote(partial))
			return st.err(err, *out)
		}
		maps = &stlayer.Maps{B: n, M: maps.M, N: maps.N, Data: maps.Data[:n*maps.M*maps.N]}
	}
	// synthout20: the maps of a run stopped early go to the partial file,
	// their report to DIR.partial; OUT and DIR only get a finished run's
	dest, repDir, destNote := *out, *report, ""
	if err != nil {
		// partial2: not over a file or folder of those names stkit did not write
		var stopNote string
		dest, repDir, stopNote = stoppedDests(partial, *report, synthInputs...)
		destNote = partialNote(*out) + stopNote
	}
	// the unit and the pixel scale hold for a new realisation of the field;
	// the rest of the WCS (its place on the sky) does not
	cards := append(unitCards(targetCards), datasets.PixelScaleCards(targetCards)...)
	// the target's own HISTORY ("[target] …") before the synthesis's
	cards = append(datasets.PlaneAxisCards(cards, "synthesis number"), targetHistory(targetCards)...)
	cards = append(cards, historyCards(fmt.Sprintf("stkit synth: %s synthesised to match %s (%s; preset %s, init %s, ps %g, hist %g%s, --steps %d, seed %d). "+
		"New realisations of the field, not the sky of the target: its WCS is not kept, only its pixel scale (CDELT1/2, CUNIT1/2, linear axes).",
		plural(maps.B, "map"), targetSet.matched()+periodisedNote(*periodise), spec, *preset, initName(cfg.Init), cfg.PSWeight, cfg.HistWeight, boxNote(box, cfg.BoxWeight), cfg.Steps, cfg.Seed))...)
	cards = provFITS(cards, pos[0], *refSet) // provenance (prov19_provenance.go), DATE, ORIGIN
	if written, werr := writeStreamMaps(dest, maps, datasets.MapsWriteOptions{DType: *dtype, Batch: true, Cards: cards, Format: *format}); werr != nil {
		if err != nil && written != "" { // stopped early, and written as float64 elsewhere
			fmt.Fprintf(g.stderr, "synth: %s%s\n", st.describe(err, written), destNote)
		}
		return werr
	}
	if err != nil { // partialsafe20: a later run removes only a partial file it can tell stkit wrote
		recordPartial(g.stderr, "synth", args, *out, dest)
	}
	fmt.Fprintf(g.stderr, "synth: loss %.4g → %.4g%s in %d iterations (%d evaluations, %.1f s, %.3f s/evaluation, loop overhead %.1f %%); wrote %s\n",
		res.InitialLoss, res.Loss, st.sumOver(err != nil), res.Iters, res.Evals, res.Elapsed.Seconds(), res.EvalTime.Seconds()/float64(max(1, res.Evals)), 100*res.LoopOverhead(), dest)
	if err == nil {
		removeStalePartialLocked(g.stderr, "synth", args, *out, *report, ext, synthInputs...)
	}
	if box != nil {
		// against the box asked for (--periodise may have widened the one
		// the loss holds)
		fmt.Fprintf(g.stderr, "synth: --box %s: %s\n", *boxFlag, boxOutside(*askedBox, maps.Data))
	}
	// An interrupted run (Ctrl-C) is reported too: the report of the maps
	// written, marked interrupted (settings interrupted, ended,
	// maps_reported), as separate --models does; an error is not.
	interrupted := err != nil && errors.Is(err, context.Canceled)
	if err != nil {
		fmt.Fprintf(g.stderr, "synth: %s%s\n", st.describe(err, dest), destNote)
		if !interrupted {
			return st.err(err, dest)
		}
	}
	// sepout20: DIR.partial under its own lock; held by another run, the
	// maps are in the partial file but no report is written (reportErr)
	partialLock, repDir, reportErr := lockPartialReport("synth", *report, repDir, args)
	defer partialLock.Release()
	if repDir != "" {
		settings := map[string]any{
			"spec": effectiveNormSpec(spec), "preset": *preset, "maps": cfg.K, "seed": cfg.Seed, "steps": cfg.Steps, "history": cfg.History,
			"init": initName(cfg.Init), "apodised": cfg.Apodise, "ps_weight": cfg.PSWeight, "hist_weight": cfg.HistWeight, "independent": cfg.Independent,
			// the pixel range ("none", or an interval such as "[0, +Inf)": a
			// penalty, not a hard bound) and its relative weight
			"box": boxSetting(box), "box_weight": boxWeightSetting(box, cfg.BoxWeight),
			"engine": ch.Name, "target": pos[0], "periodised": *periodise, "reference_set": *refSet, "reference_left_out": refLeftOut, "reference_includes_target": refHasTarget,
			// the statistic term: the mean of Φ over the target maps, with
			// these per-coefficient weights (weights_zero of them 0)
			"target_maps": target.B, "weights": weightsName(cfg.Weights), "weights_zero": zeroWeights(loss.Terms[0].Weight),
			"provenance": newProvenance(pos[0], *refSet),
		}
		cropSetting(settings, nm) // misc2: the --crop window
		st.interruptSettings(settings, err)
		spread := synthSpread(g, ch.Engine, op, target, reference, maps)
		vm, err := infer.WriteSynthReportWith(repDir, target, maps, res, infer.ValidateOptions{
			Spread:    spread,
			Reference: reference, Apodise: cfg.Apodise,
			// with --pad crop the histogram, W1, moments and Minkowski
			// functionals are scored on the window the statistics constrain
			Interior: spec.CutPixels(),
			// which comparisons the loss itself fitted
			Fitted: &infer.FittedTerms{PS: cfg.PSWeight > 0, Hist: cfg.HistWeight > 0},
			// the PS term fits the mean log spectrum of a target set:
			// compare geometric means (the arithmetic ones kept beside)
			GeometricPS: true,
			// a FITS target's BUNIT on the colour bars and axes
			Unit: mapUnit(targetCards),
			// physscale19: its pixel scale on power_spectrum.png's k axis
			PixelScale: datasets.PixelScaleOf(targetCards),
		}, settings)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		recordPartialReport(g.stderr, "synth", args, *report, repDir) // fixpartial21: DIR.partial is stkit's
		if *periodise {
			yard := ""
			if reference != nil {
				yard = ", the yardsticks come from the periodised --reference-set"
			}
			fmt.Fprintf(g.stderr, "report: --periodise: the syntheses are compared with the periodised target%s\n", yard)
		}
		fmt.Fprintf(g.stderr, "report: %s (PS max |ratio−1| for k ≥ 2: %s, mean %s; W1 %s σ", filepath.Join(repDir, "metrics.json"), fmtDev(vm.PSMaxDev), fmtDev(vm.PSMeanDev), fmtDev(vm.W1Mean))
		if vm.SpreadMaps > 0 {
			// the yardsticks' maps: the --reference-set, else the target batch itself
			whose := "reference"
			if reference == nil {
				whose = "target"
			}
			// like for like: the syntheses are scored against the pooled
			// target maps, as W1Pool scores one map of the set against the
			// others pooled; W1Ref (one map against one map) is larger
			fmt.Fprintf(g.stderr, " vs %s σ of one %s map against the others pooled (like for like) and vs %s σ between two %s maps; %s",
				fmtDev(vm.W1Pool), whose, fmtDev(vm.W1Ref), whose, mfSummary(vm, whose))
		}
		fmt.Fprintln(g.stderr, ")")
	}
	if interrupted {
		if reportErr != nil {
			return fmt.Errorf("%w; their report not written: %v", st.err(err, dest), reportErr)
		}
		return st.reportedErr(err, dest, repDir)
	}
	return nil
}

// synthLossError marks the input errors of infer.NewSynthLoss (ErrModelInput:
// a target batch of identical maps with std weights, a target without
// power in a band of the statistic or of the --ps term, …) as bad input,
// exit 2, naming the target; other errors are returned as they are.
func synthLossError(target string, err error) error {
	if err == nil || !errors.Is(err, infer.ErrModelInput) {
		return err
	}
	return badInput{fmt.Errorf("%s: %w", target, err)}
}

// wrapJumpNoteRatio is the ratio of wrapJumpRatio above which synth notes
// the target's wrap-around jump (periodic maps give about 1; a 32² cut of a
// 64² Gaussian random field 5.35 in helper moisan's measurement).
const wrapJumpNoteRatio = 2

// wrapJumpRatio is the rms of the differences across the periodic wrap of
// the maps of x (row 0 − row M−1 and column 0 − column N−1, every map)
// divided by the rms of the neighbour differences inside them (x(i+1, j) −
// x(i, j) and x(i, j+1) − x(i, j) within the map): about 1 for a periodic
// map, well above for one cut out of a larger map. 0 when the maps are
// smaller than 2×2 or constant inside.
func wrapJumpRatio(x *stlayer.Maps) float64 {
	m, n := x.M, x.N
	if m < 2 || n < 2 {
		return 0
	}
	var wrap, in float64
	var nw, ni int
	for b := 0; b < x.B; b++ {
		mp := x.Map(b)
		for j := 0; j < n; j++ {
			d := mp[j] - mp[(m-1)*n+j]
			wrap += d * d
			nw++
		}
		for i := 0; i < m; i++ {
			d := mp[i*n] - mp[i*n+n-1]
			wrap += d * d
			nw++
			for j := 0; j < n; j++ {
				if j+1 < n {
					d := mp[i*n+j+1] - mp[i*n+j]
					in += d * d
					ni++
				}
				if i+1 < m {
					d := mp[(i+1)*n+j] - mp[i*n+j]
					in += d * d
					ni++
				}
			}
		}
	}
	if in == 0 {
		return 0
	}
	return math.Sqrt((wrap / float64(nw)) / (in / float64(ni)))
}

// periodisedNote is the --periodise part of the FITS HISTORY ("" without it).
func periodisedNote(on bool) string {
	if on {
		return ", periodised (--periodise: their periodic component, Moisan 2011)"
	}
	return ""
}

// synthDefaultJ is Cheng's synthesis default J = log2(min(M, N)) − 1.
func synthDefaultJ(m, n int) int {
	j := 0
	for (2 << j) <= min(m, n) {
		j++
	}
	return max(1, j-1)
}

// withoutTargetMaps returns the maps of the reference set ref that are not
// equal, pixel for pixel (exact float64 equality), to a map of the target
// set, how many were left out, whether the maps returned still hold target
// maps, and a note saying which were found ("" when none). When leaving them
// out would leave fewer than 2 maps, too few for a spread, the set is kept
// whole (the yardsticks then include the target; before, every set was used
// as it was) and the note says so.
func withoutTargetMaps(ref, target *mapSet) (maps *stlayer.Maps, leftOut int, includesTarget bool, note string) {
	r, t := ref.Maps, target.Maps
	mn := r.M * r.N
	kept := &stlayer.Maps{M: r.M, N: r.N}
	var found []string
	for b := 0; b < r.B; b++ {
		x := r.Data[b*mn : (b+1)*mn]
		same := -1
		for c := 0; c < t.B && same < 0; c++ {
			if slices.Equal(x, t.Data[c*mn:(c+1)*mn]) {
				same = c
			}
		}
		if same < 0 {
			kept.Data = append(kept.Data, x...)
			kept.B++
			continue
		}
		if len(found) < 3 {
			found = append(found, fmt.Sprintf("%s = target %s", ref.mapName(b), target.mapName(same)))
		} else if len(found) == 3 {
			found = append(found, "…")
		}
	}
	n := r.B - kept.B
	if n == 0 {
		return r, 0, false, ""
	}
	same := "identical to a target map"
	if n > 1 {
		same = "identical to target maps"
	}
	if kept.B < 2 {
		return r, 0, true, fmt.Sprintf("--reference-set: %d of its %d maps are %s (%s); leaving them out would leave %s, too few for a spread: kept, so the yardsticks include the target itself (give ≥ 2 other realisations)",
			n, r.B, same, strings.Join(found, ", "), plural(kept.B, "map"))
	}
	return kept, n, false, fmt.Sprintf("--reference-set: left out %d of its %d maps, %s (%s), so that the yardsticks do not include the target itself; they come from the other %s",
		n, r.B, same, strings.Join(found, ", "), plural(kept.B, "map"))
}

// creationCards are the FITS cards saying when and by what a file was
// written: DATE, the UTC time now to the second ('2026-11-29T11:30:00',
// FITS 4.0 §4.4.2.1), and ORIGIN = 'stkit'.
func creationCards(now time.Time) []datasets.Card {
	return []datasets.Card{
		{Key: "DATE", Value: now.UTC().Format("2006-01-02T15:04:05"), Comment: "UTC date and time the file was written"},
		{Key: "ORIGIN", Value: "stkit", Comment: "software that wrote the file"},
	}
}

// weightsName is the --weights value of a weight mode: "std" or "mean".
func weightsName(w infer.WeightMode) string {
	if w == infer.WeightStd {
		return "std"
	}
	return "mean"
}

// zeroWeights counts the coefficients of weight 0 (with std weights, those
// constant over the target maps: infer.NewTarget leaves them out).
func zeroWeights(w []float64) int {
	n := 0
	for _, v := range w {
		if v == 0 {
			n++
		}
	}
	return n
}

// averagedNote says what synth does with a target of b ≥ 2 maps
// (infer.NewSynthLoss): every synthesis matches the mean of Φ over them
// with the weights of cfg.Weights (w, the statistic term's), the --ps
// term their mean log spectrum, the --hist term their pooled pixels, the
// GRF start a Gaussian draw from their mean 2D spectrum.
func averagedNote(b int, cfg infer.GenerateConfig, w []float64) string {
	msg := fmt.Sprintf("target of %d maps: each synthesis matches the mean of Φ over them (not any one map), ", b)
	if cfg.Weights == infer.WeightStd {
		msg += fmt.Sprintf("coefficient k weighted 1/(K σ_k²), K = %d coefficients, σ_k its std over the %d maps (--weights std, the default with ≥ 2 target maps", len(w), b)
		if z := zeroWeights(w); z > 0 {
			msg += fmt.Sprintf("; %d of %d coefficients, constant over the maps, weigh 0", z, len(w))
		}
		msg += ")"
	} else {
		msg += fmt.Sprintf("every coefficient weighted 1/K, K = %d coefficients (--weights mean)", len(w))
	}
	var more []string
	if cfg.PSWeight > 0 {
		more = append(more, "the --ps term matches their mean log power spectrum")
	}
	if cfg.HistWeight > 0 {
		more = append(more, "the --hist term their pooled pixel quantiles")
	}
	if cfg.Init == infer.InitGRF {
		more = append(more, "the GRF start is a Gaussian draw from their mean 2D power spectrum (and the mean and std of all)")
	}
	if len(more) > 0 {
		msg += "; " + strings.Join(more, ", ")
	}
	return msg
}

// parseBoxFlag reads a pixel-range flag (synth's and sample's --box): none
// (nil), positive ([0, +Inf)) or LO,HI with LO < HI, each a number or ±inf
// (an open side). A value that does not parse, a NaN bound and LO ≥ HI are
// bad input naming the flag.
func parseBoxFlag(flag, v string) (*infer.PixelBox, error) {
	switch v {
	case "none":
		return nil, nil
	case "positive":
		b := infer.PositiveBox()
		return &b, nil
	}
	lo, hi, ok := strings.Cut(v, ",")
	if !ok || strings.Contains(hi, ",") {
		return nil, badInputf("--%s %q: want none, positive or LO,HI (two numbers, e.g. 0,inf or -1,1)", flag, v)
	}
	var b [2]float64
	for i, f := range []string{lo, hi} {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, badInputf("--%s %q: %q is not a number (want none, positive or LO,HI, e.g. 0,inf or -1,1)", flag, v, strings.TrimSpace(f))
		}
		if math.IsNaN(x) {
			return nil, badInputf("--%s %q: a bound is NaN (want numbers, ±inf for an open side)", flag, v)
		}
		b[i] = x
	}
	if !(b[0] < b[1]) {
		return nil, badInputf("--%s %q: the lower bound %g is not below the upper bound %g (want LO < HI)", flag, v, b[0], b[1])
	}
	return &infer.PixelBox{Lo: b[0], Hi: b[1]}, nil
}

// checkTargetInBox refuses a target with pixels outside the box (the
// syntheses could not match its statistics inside it), naming the flag.
func checkTargetInBox(flag, v string, box *infer.PixelBox, path string, target *stlayer.Maps) error {
	if box == nil {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range target.Data {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if lo < box.Lo || hi > box.Hi {
		return badInputf("--%s %s: the pixels of %s span [%.6g, %.6g], outside the box %v: syntheses cannot match its statistics inside it; widen the box or leave --%s out", flag, v, path, lo, hi, box, flag)
	}
	return nil
}

// synthBoxWeight is the default --box-weight of synth (sample and separate
// keep infer.DefaultBoxWeight, 1e3): 1, in
// units of the statistic term's mean chi² per unit mean squared distance
// outside the box (in pixel σ). It was infer.DefaultBoxWeight, 1e3
// (separate's), which was measured too stiff for a synthesis: on a 64²
// log-normal map shifted to min 0.05σ (preset cheng, 4 maps, --box
// positive, seeds 1 and 2) W = 1e3 left the power spectrum at max
// |ratio − 1| 0.41/0.51 and the Minkowski functionals 8.9/6.1σ off, W = 1
// at 0.22/0.24 and 2.9/3.2σ, with 2/11 pixels below 0, the lowest −0.0043;
// with preset quality W ≤ 100 matched the spectrum as well as no box, 1e3
// worse.
const synthBoxWeight = 1.0

// boxNote is the box's part of the summary line and the FITS HISTORY
// ("" without one): ", box [0, +Inf) of weight 1" (w, the --box-weight).
func boxNote(box *infer.PixelBox, w float64) string {
	if box == nil {
		return ""
	}
	return fmt.Sprintf(", box %v of weight %g", box, w)
}

// synthBoxWeightNote is what synth's --box-weight help says of its default.
const synthBoxWeightNote = "the default 1 leaves a few pixels a little outside the box (a 64² log-normal map: ≤ 11 of 4 × 4096 below 0, the lowest −0.004σ); a larger W holds them closer but distorts the statistics (1e3, separate's weight: power spectrum and Minkowski functionals about twice as far from the target's)"

// boxWeightUsage is the help of --box-weight (synth's and sample's); of
// names the variance: "the target's pixel variance"; def says what the
// default does.
func boxWeightUsage(of, def string) string {
	return "weight W of the --box penalty W × mean((distance outside the box)²)/var per map, var " + of + ", against the statistic term's mean chi² of O(1): " + def
}

// checkBoxWeight refuses a --box-weight w that is not finite and > 0, or
// that is given (set) without a box.
func checkBoxWeight(w float64, set bool, box *infer.PixelBox) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || w <= 0 {
		return badInputf("--box-weight %g: want a finite weight > 0 (default: synth 1, sample 1e3)", w)
	}
	if set && box == nil {
		return badInputf("--box-weight %g weighs the --box penalty: give --box positive or --box LO,HI with it", w)
	}
	return nil
}

// boxSetting is the box in metrics.json ("none" or the interval: JSON has
// no infinities).
func boxSetting(box *infer.PixelBox) string {
	if box == nil {
		return "none"
	}
	return box.String()
}

// boxWeightSetting is the box penalty's relative weight w (--box-weight)
// in metrics.json (nil without a box).
func boxWeightSetting(box *infer.PixelBox, w float64) any {
	if box == nil {
		return nil
	}
	return w
}

// boxOutside says how many pixels of x lie outside the box and how far the
// farthest is (the box is a penalty, not a hard bound).
func boxOutside(box infer.PixelBox, x []float64) string {
	n, far := 0, 0.0
	for _, v := range x {
		d := math.Max(box.Lo-v, v-box.Hi)
		if d > 0 {
			n++
			far = math.Max(far, d)
		}
	}
	if n == 0 {
		return fmt.Sprintf("all %d pixels in %v", len(x), box)
	}
	return fmt.Sprintf("%d of %d pixels outside %v, the farthest by %.3g (a penalty, not a hard bound)", n, len(x), box, far)
}

func initName(k infer.InitKind) string {
	if k == infer.InitGRF {
		return "grf"
	}
	return "white"
}

// readMapSet reads a set of maps: every map file of a directory (.npy, .npz,
// .fits, .fit, .fts, also gzip-compressed FITS; sorted by name), a
// comma-separated list of files, or one (batch) file; all are concatenated
// into one batch (readMapSetCards).
func readMapSet(spec string) (*stlayer.Maps, error) {
	s, err := readMapSetCards(spec)
	if err != nil {
		return nil, err
	}
	return s.Maps, nil
}

// mapSet is a set of maps read by readMapSetCards: the maps of its files
// concatenated into one batch [B, M, N].
type mapSet struct {
	Maps *stlayer.Maps
	// Files are the files read, in order; FileOf[b] is the index in Files of
	// the file that map b comes from.
	Files  []string
	FileOf []int
	// Folder is the folder the files were listed from ("" for a list or one
	// file).
	Folder string
	// Cards are the FITS content cards (readMapsCards) that every file of
	// the set has with the same value, in the first file's order: all of
	// them for one file, none when a file of the set is .npy or .npz.
	Cards []datasets.Card
}

// readMapSetCards reads a set of maps named by spec: a folder (every map
// file directly in it, folderMapFile: hidden files skipped, sorted by name), an existing file (a map
// or a batch; a name holding a comma is that file), or a comma-separated
// list of files. Each file is read as readMapsCards reads it (UNSEEN pixels
// refused, FITS cards kept); the maps must all have one size. Problems are
// bad input naming the file.
func readMapSetCards(spec string) (*mapSet, error) {
	return readMapSetCardsKeep(spec, false)
}

// readMapSetCardsKeep is readMapSetCards; with keepUnseen, UNSEEN pixels
// are not refused on reading (readMapsCardsKeep): an input that --crop cuts.
func readMapSetCardsKeep(spec string, keepUnseen bool) (*mapSet, error) {
	set := &mapSet{}
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		ents, err := os.ReadDir(spec)
		if err != nil {
			return nil, badInputf("%s: %v", spec, err)
		}
		for _, e := range ents {
			if !e.IsDir() && folderMapFile(e.Name()) { // dotfiles skipped
				set.Files = append(set.Files, filepath.Join(spec, e.Name()))
			}
		}
		if len(set.Files) == 0 {
			return nil, badInputf("%s: the folder holds no map files (.npy, .npz, .fits, .fit, .fts, or those with .gz)", spec)
		}
		set.Folder = spec
	} else {
		files, err := mapList(spec) // patches.go: the one splitter of map lists
		if err != nil {
			return nil, err
		}
		set.Files = files
	}
	var all *stlayer.Maps
	for i, p := range set.Files {
		m, cards, err := readMapsCardsKeep(p, keepUnseen)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = &stlayer.Maps{M: m.M, N: m.N}
			set.Cards = cards
		} else {
			if m.M != all.M || m.N != all.N {
				return nil, badInputf("%s holds maps of %d×%d, but %s (the set's first file) %d×%d: the maps of a set must all have one size", p, m.M, m.N, set.Files[0], all.M, all.N)
			}
			set.Cards = commonCards(set.Cards, cards)
		}
		all.Data = append(all.Data, m.Data...)
		all.B += m.B
		for range m.B {
			set.FileOf = append(set.FileOf, i)
		}
	}
	set.Maps = all
	return set, nil
}

// commonCards returns the cards of a that b holds too with the same key and
// value (a BUNIT: the same unit, sameBUnitValue; commentary cards, HISTORY
// and COMMENT, are left out), in a's order.
func commonCards(a, b []datasets.Card) []datasets.Card {
	var out []datasets.Card
	for _, c := range a {
		if c.Commentary {
			continue
		}
		for _, d := range b {
			if !d.Commentary && d.Key == c.Key && (d.Value == c.Value || c.Key == "BUNIT" && sameBUnitValue(c.Value, d.Value)) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// sameBUnitValue: two BUNIT card values that are spellings of one unit
// ("JY/BEAM", "Jy/beam": datasets.SameBUnit), so that a set's common cards
// keep its BUNIT (as the first file spells it; unitfits20).
func sameBUnitValue(a, b any) bool {
	x, ok1 := a.(string)
	y, ok2 := b.(string)
	return ok1 && ok2 && datasets.SameBUnit(x, y)
}

// source says where the set's maps come from, for messages and HISTORY
// cards: "t.npy" (one file), "folder DIR (20 files)", or the base names of
// a list ("a.npy, b.npy"; more than 4: the first 3, "…" and the count).
func (s *mapSet) source() string {
	switch {
	case s.Folder != "":
		return fmt.Sprintf("folder %s (%s)", strings.TrimRight(s.Folder, string(filepath.Separator)), plural(len(s.Files), "file"))
	case len(s.Files) == 1:
		return filepath.Base(s.Files[0])
	}
	var names []string
	for i, f := range s.Files {
		if len(s.Files) > 4 && i == 3 {
			names = append(names, fmt.Sprintf("… (%d files)", len(s.Files)))
			break
		}
		names = append(names, filepath.Base(f))
	}
	return strings.Join(names, ", ")
}

// matched says what a synthesis of the set matches: "the statistics of
// t.npy" (one map), "the mean statistics of the 3 maps of t.npy", "… of the
// 20 maps of folder DIR (20 files)", "… of the 2 maps of a.npy, b.npy".
func (s *mapSet) matched() string {
	if s.Maps.B == 1 {
		return "the statistics of " + s.source()
	}
	return fmt.Sprintf("the mean statistics of the %d maps of %s", s.Maps.B, s.source())
}

// mapName names map b of the set by its file: "a.npy" when the file holds
// one map, else "a.npy map 2" (counted from 0 in the file).
func (s *mapSet) mapName(b int) string {
	f := s.FileOf[b]
	first := slices.Index(s.FileOf, f)
	last := first
	for last+1 < len(s.FileOf) && s.FileOf[last+1] == f {
		last++
	}
	name := filepath.Base(s.Files[f])
	if first == last {
		return name
	}
	return fmt.Sprintf("%s map %d", name, b-first)
}

// runContext is interruptible (Ctrl-C cancels the context); tests replace it
// to cancel a run at a chosen point.
var runContext = interruptible

// stopState says how far a batch of k maps got when its optimisation
// stopped early (Ctrl-C or an error), and which maps are worth writing.
type stopState struct {
	k      int  // maps asked for
	steps  int  // iteration cap (per map when perMap)
	perMap bool // one L-BFGS per map, in sequence (else one on all maps)
	// stopped is, when perMap, the map whose run stopped (the maps before it
	// finished); iters the iterations of that map, or of the joint run.
	stopped, iters int
}

// written is the number of maps to write, a prefix of the batch: per map, the
// finished ones and the stopped one if it had an iteration; with one
// optimisation on all maps, all of them if it had an iteration. The starting
// maps are no result.
func (s stopState) written() int {
	if !s.perMap {
		if s.iters > 0 {
			return s.k
		}
		return 0
	}
	if s.iters > 0 {
		return s.stopped + 1
	}
	return s.stopped
}

// mapRange names maps a..b: "map 2" or "maps 0–3".
func mapRange(a, b int) string {
	if a == b {
		return fmt.Sprintf("map %d", a)
	}
	return fmt.Sprintf("maps %d–%d", a, b)
}

// what is "interrupted" for a cancellation, else "stopped by an error".
func stopWhat(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	return "stopped by an error"
}

// ended says where the run stopped, e.g. "interrupted at map 1 (72 of 300
// iterations)" or "interrupted at iteration 4 of 12 (one L-BFGS on all
// maps)": the start of describe, and the "ended" setting of the report of
// an interrupted run.
func (s stopState) ended(err error) string {
	var at string
	switch {
	case s.perMap && s.iters > 0:
		at = fmt.Sprintf("at map %d (%d of %d iterations)", s.stopped, s.iters, s.steps)
	case s.perMap:
		at = fmt.Sprintf("at map %d (before its first iteration)", s.stopped)
	case s.iters > 0:
		at = fmt.Sprintf("at iteration %d of %d", s.iters, s.steps)
	default:
		at = "before the first iteration"
	}
	if !s.perMap && s.k > 1 {
		at += " (one L-BFGS on all maps)"
	}
	return stopWhat(err) + " " + at
}

// describe says where the run stopped and what is written to out, e.g.
// "interrupted at map 1 (72 of 300 iterations): wrote maps 0–1 to o.npy (map
// 1 unfinished); maps 2–3 not started, not written".
func (s stopState) describe(err error, out string) string {
	n := s.written()
	msg := s.ended(err) + ": "
	if n == 0 {
		msg += "nothing written"
	} else {
		msg += "wrote " + mapRange(0, n-1) + " to " + out
		switch {
		case s.perMap && s.iters > 0:
			msg += fmt.Sprintf(" (map %d unfinished)", s.stopped)
		case s.perMap:
		case s.k > 1:
			msg += " (all unfinished)"
		default:
			msg += " (unfinished)"
		}
	}
	if n < s.k {
		if s.perMap && n > 0 {
			msg += "; " + mapRange(n, s.k-1) + " not started, not written"
		} else if s.k > 1 {
			msg += " (" + plural(s.k, "map") + " asked for)"
		}
	}
	return msg
}

// sumOver labels a loss summed over the maps: "" for one map,
// " (sum over maps)" for a complete batch, " (sum over maps 0–s)" (the maps
// started) for one stopped early with one L-BFGS per map.
func (s stopState) sumOver(stopped bool) string {
	switch {
	case s.k <= 1:
		return ""
	case stopped && s.perMap:
		return " (sum over " + mapRange(0, s.stopped) + ")"
	}
	return " (sum over maps)"
}

// reportedErr is err's error for a run interrupted with a report of the
// maps written: "interrupted: wrote maps 0–1 of 4 to OUT and their report
// (marked interrupted) to DIR" (report "": err's).
func (s stopState) reportedErr(err error, out, report string) error {
	e := s.err(err, out)
	if report == "" || s.written() == 0 || !errors.Is(err, context.Canceled) {
		return e
	}
	return fmt.Errorf("%w and their report (marked interrupted) to %s", e, report)
}

// interruptSettings marks the report of a run (its metrics.json settings):
// "interrupted" (false for a run that ended by itself) and, when
// interrupted, "ended" (ended's words, e.g. "interrupted at map 1 (3 of 12
// iterations)") and "maps_reported", the number of maps written and
// reported (a prefix of the maps asked for).
func (s stopState) interruptSettings(settings map[string]any, err error) {
	interrupted := err != nil && errors.Is(err, context.Canceled)
	settings["interrupted"] = interrupted
	if interrupted {
		settings["ended"] = s.ended(err)
		settings["maps_reported"] = s.written()
	}
}

// err is the command's error after a run stopped early: it names what was
// written to out.
func (s stopState) err(err error, out string) error {
	n := s.written()
	if errors.Is(err, context.Canceled) {
		if n == 0 {
			return errors.New("interrupted before the first iteration: nothing written")
		}
		return fmt.Errorf("interrupted: wrote %s of %d to %s", mapRange(0, n-1), s.k, out)
	}
	if n == 0 {
		return err
	}
	return fmt.Errorf("%w (wrote %s of %d, reached before the error, to %s)", err, mapRange(0, n-1), s.k, out)
}

// refConstantError re-words BuildWithRef's refusal of a constant norm-auto
// reference (a *stats.ConstantMapError with Ref set) for the command that
// chose the reference: a copy of the error whose Why is why, as bad input
// prefixed with name ("name: map K is constant (…): …"). For any other err
// (nil included) it returns nil, and the caller handles err as before.
// synth (the target is the reference) and stats --compare (the two sets
// pooled) use it.
func refConstantError(err error, name, why string) error {
	var ce *stats.ConstantMapError
	if !errors.As(err, &ce) || !ce.Ref {
		return nil
	}
	e := *ce
	e.Why = why
	return badInputf("%s: %v", name, &e)
}
