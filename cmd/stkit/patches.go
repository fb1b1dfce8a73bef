package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "patches", summary: "cut patches from maps and compute their ST feature vectors (resumable)", run: runPatches})
}

func runPatches(g *globals, args []string) error {
	fs := newFlagSet(g, "patches", "MAPS… (files, directories or comma-separated lists of files)", `Cut square patches from the maps (files or directories of .npy/.npz/FITS, or
comma-separated lists of files, as stats and synth take) and compute the ST
feature vector of every patch, in chunks saved as they complete.
Re-running on DATASET with the same configuration (statistic, patch settings,
maps) reuses a complete dataset and resumes an interrupted one where it
stopped (with the dataset's --chunk); a DATASET of another configuration,
complete or interrupted, is refused (exit 2, naming what differs) unless
--force, which discards and recomputes it. Temporary files a killed run left
in DATASET are removed. DATASET is a folder (see datasets.DatasetManifest):
patches.npy, index.json, features.npy [n, dim], norm.json, manifest.json
and features/ (the chunks as they were computed, kept for resuming).
Default features: Cheng's isotropic scattering-covariance synthesis vector
(--kind scov --synthesis --iso), self-normalised, J = log2(size) − 2, L = 4.
A patch cut out of a larger map jumps between its opposite edges, which
periodic statistics (the default --pad) record as straight edges, and maps
synthesised from models of such patches (stkit sample) are faceted with
them: --window moisan stores each patch's periodic component instead.
Ctrl-C stops after the chunk of features being computed, keeps the chunks
saved and says how to continue (the same command resumes after the last
saved chunk); exit status 1. A second Ctrl-C quits at once (the chunk under
way is lost; the saved ones are kept). While patches runs, DATASET holds
the lock file .stkit.lock: a second stkit writing DATASET is refused at
once (exit 2), naming the first one's process id and command (a lock left
by a process that no longer runs is taken over).`)
	var spec stats.Spec
	specFlags(fs, &spec, "scov")
	fs.Lookup("synthesis").Usage += " (default here: on for scov; --synthesis=false for the raw coefficients)"
	fs.Lookup("iso").Usage += " (default here: on with the scov synthesis vector; --iso=false for the anisotropic one)"
	out := fs.String("o", "", "output dataset folder (required)")
	size := fs.Int("size", 64, "patch size in pixels")
	stride := fs.Int("stride", 0, "step between patches (default size/2)")
	augment := fs.Bool("augment", false, "random rotations by multiples of 90° and flips")
	window := fs.String("window", "none", "none, tukey or moisan (each patch replaced by its periodic component, Moisan 2011: removes the edge jump that periodic statistics record; keeps the mean; --alpha unused)")
	alpha := fs.Float64("alpha", 0.3, "Tukey window parameter α in (0, 1], the tapered fraction of the patch (1: Hann); with --window tukey only")
	maxPer := fs.Int("max-per-source", 0, "keep at most this many random patches per source file (0 = all)")
	skipNaN := fs.Bool("skip-nan", false, "skip patches with NaN/Inf pixels, or HEALPix's UNSEEN value -1.6375e30 (missing data), instead of failing (the two kinds counted apart)")
	skipConst := fs.Bool("skip-constant", false, "skip constant patches (all pixels equal: masked or saturated regions), whose self-normalised features are undefined")
	chunk := fs.Int("chunk", 64, "patches per engine call and per saved chunk")
	seed := fs.Uint64("seed", 1, "random seed")
	force := fs.Bool("force", false, "discard a dataset of another configuration in -o (complete or interrupted) and recompute it")
	nanmaskFlags(fs, g, "patches") // nanmask19: --grid-offset (nanmaskCutPatches)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || *out == "" {
		fs.Usage()
		return badInputf("patches needs at least one map and -o DATASET")
	}
	// "a.npy,b.npy" failed as "no such file or directory" although stats
	// and synth take such lists: each argument is split as they split theirs.
	var lists []string
	for _, p := range pos {
		l, err := mapList(p)
		if err != nil {
			return err
		}
		lists = append(lists, l...)
	}
	pos = lists
	// --chunk 0 was taken (the library's default, 64) and then reported as
	// "continued with its chunk size 64" on a new dataset.
	if err := checkMin("chunk", *chunk, 1); err != nil {
		return err
	}
	// --window tukey --alpha 0 was taken as the library's default α = 0.3
	// (manifest and features with 0.3), and --alpha without --window tukey
	// was ignored.
	// datasets' messages named no flag ("patch stride -3 is negative (0 = half the patch
	// size)", "at most -1 patches per source: want ≥ 0 (0 = all)")
	if *stride < 0 {
		return badInputf("--stride %d: patch stride %d is negative; give the step between patches in pixels (0 = half the patch size)", *stride, *stride)
	}
	if *maxPer < 0 {
		return badInputf("--max-per-source %d: want ≥ 0 patches per source file (0 = all)", *maxPer)
	}
	// datasets' messages named neither flag ("unknown window \"hann\" (want none or
	// tukey)", "Tukey window parameter 1.5 is outside [0, 1]")
	if *window != "" && *window != "none" && *window != "tukey" && *window != "moisan" {
		// (the wording before moisan is kept: TestPatchesWindowFlagsNamed pins it)
		return badInputf("--window: unknown window %q (want none or tukey; a Hann window is --window tukey --alpha 1), or moisan (each patch's periodic component)", *window)
	}
	if *window == "tukey" && (math.IsNaN(*alpha) || *alpha < 0 || *alpha > 1) {
		return badInputf("--alpha %g is outside [0, 1]: the Tukey window's α is the tapered fraction of the patch, in (0, 1] (1: Hann; default 0.3)", *alpha)
	}
	if *window == "tukey" && *alpha == 0 {
		return badInputf("--alpha 0: a Tukey window with α = 0 tapers nothing (a rectangular window): use --window none for that, or give α in (0, 1] (default 0.3)")
	}
	if isSet(fs, "alpha") && *window != "tukey" {
		return badInputf("--alpha %g is the Tukey window's parameter, but the window is %q: add --window tukey, or leave --alpha out", *alpha, *window)
	}
	if *window == "moisan" {
		*alpha = 0 // no α: the manifest records none (the window has no parameter)
	}
	if err := checkOutputDir("-o", *out); err != nil {
		return err
	}
	for _, in := range pos {
		if sameFolder(in, *out) {
			return badInputf("-o %s is also an input folder: its dataset files (patches.npy, features.npy) would be read as maps by the next run; write the dataset to another folder", *out)
		}
	}
	if err := checkFolderFor("-o", *out, datasetFolder); err != nil {
		return err
	}
	inputs := inputFiles(pos...)
	for _, n := range []string{"patches.npy", "features.npy", "index.json", "norm.json", "manifest.json"} {
		if err := checkNotInput(fmt.Sprintf("-o %s (its %s)", *out, n), filepath.Join(*out, n), inputs...); err != nil {
			return err
		}
	}
	// Two runs into one DATASET mixed their files (one run's manifest and
	// patches with the other's feature rows, both exit 0), or one removed
	// the other's temporary files as a killed run's: DATASET is locked for
	// the whole command (outputlock.go).
	lock, err := lockOutputDir("-o", *out, "patches", args)
	if err != nil {
		return err
	}
	defer lock.Release()
	// scov: the isotropic synthesis vector unless the flags say otherwise
	// (--synthesis alone keeps --iso on; --synthesis=false gives the raw
	// coefficients, anisotropic unless --iso).
	if spec.Kind == stats.SCov {
		synthesisDefaults(fs, &spec)
	}
	for _, in := range pos {
		if _, err := statInput(in); err != nil {
			return err
		}
	}
	srcs, err := datasets.LoadSources(pos)
	if err != nil {
		return asBadInput(err)
	}
	// HEALPix's UNSEEN pixels (−1.6375e30, finite) are missing data: with
	// --skip-nan datasets.CutPatches leaves out the patches holding them with
	// the NaN ones; without it they are refused, as NaN pixels are.
	for _, src := range srcs {
		if !*skipNaN {
			if err := checkUnseen(src.Name, src.Maps, "Leave out the patches that hold them with --skip-nan, or fill them first (e.g. by inpainting)"); err != nil {
				return err
			}
			continue
		}
		if n, _ := datasets.CountUnseen(src.Maps); n > 0 {
			fmt.Fprintf(g.stderr, "patches: note: %s: %s hold HEALPix's UNSEEN value -1.6375e30 (missing data): --skip-nan leaves out the patches that hold them, as for NaN\n", src.Name, plural(n, "pixel"))
		}
	}
	if err := checkDistinctSources(srcs); err != nil {
		return err
	}
	cfg := datasets.PatchConfig{Size: *size, Stride: *stride, Augment: *augment, Window: *window, Alpha: *alpha, MaxPerSource: *maxPer, SkipNaN: *skipNaN, SkipConstant: *skipConst, Seed: *seed}
	jGiven := spec.J != 0
	spec0 := spec // before the size's default J
	spec = spec.WithDefaults(*size, *size)
	if err := checkSpec(spec); err != nil {
		return err
	}
	// --size 0 (or any size under datasets' 8, or over a map) was refused
	// by datasets.CutPatches as "patch size 0 is too small (need ≥ 8)",
	// and 8 or 12 by the statistic ("scov: map 8×8: …"), naming neither
	// --size nor the sizes allowed.
	if hi := smallestSide(srcs); hi != math.MaxInt && (*size < 8 || *size > hi) {
		return patchSizeErr(*size, spec0, srcs)
	}
	// The patches are the maps of the statistic: the size rule of stats and
	// synth (datasets.RuleFor: at least 2^(J+1) pixels; even for the global
	// wst, scov and spectra) holds for them too (--size 32 -J 5 was computed).
	// (Patches below the statistic's own smallest, 16 for scov, get
	// patchSizeErr's range from stats.Build's refusal below.)
	r := datasets.RuleFor(spec, *size, *size)
	if small, odd := *size < 2<<spec.J, r.Even && *size%2 != 0 && *size > 16; *size >= 8 && (small || odd) {
		j := fmt.Sprintf("-J %d", spec.J)
		if !jGiven {
			j = fmt.Sprintf("the default J=%d (log2(size) − 2)", spec.J)
		}
		if small {
			hint := fmt.Sprintf("give --size %d or more", r.MinSide)
			if best := datasets.LargestJ(spec, *size&^1, *size&^1); best > 0 {
				hint = fmt.Sprintf("give -J %d or less, or --size %d or more", best, r.MinSide)
			}
			why := " (2^(J+1))"
			if r.MinSide != 2<<spec.J {
				why = ""
			}
			return badInputf("--size %d: %s needs patches of at least %d pixels%s; %s", *size, j, r.MinSide, why, hint)
		}
		return badInputf("--size %d: %s needs patches of even side; give --size %d or %d", *size, r.Name, *size-1, *size+1)
	}
	op, err := stats.Build(spec, *size, *size)
	if err != nil {
		var shape *stlayer.ErrShape
		if errors.As(err, &shape) {
			if _, ok := minPatchSize(spec0, *size); !ok {
				return patchSizeErr(*size, spec0, srcs) // below the statistic's smallest patch
			}
		}
		return badInputf("%v", err)
	}
	ps, err := nanmaskCutPatches(g, srcs, cfg) // nanmask19: --grid-offset
	if err != nil {
		if msg := err.Error(); !cfg.SkipNaN && strings.Contains(msg, "non-finite pixels") {
			// name the flag (the datasets message names PatchConfig.SkipNaN)
			if r := strings.Replace(msg, "set PatchConfig.SkipNaN", "use --skip-nan", 1); r != msg {
				return badInputf("%s", r)
			}
			return badInputf("%s (leave such patches out with --skip-nan)", msg)
		}
		return asBadInput(err)
	}
	// Computing features can take hours: a dataset of another configuration
	// is not discarded without --force.
	var change *datasets.ConfigChangeError
	chunkSize := *chunk // of the dataset built: a resumed one keeps its own
	reusing := false    // a complete dataset of this configuration is there
	if err := datasets.CheckBuild(*out, ps, cfg, spec); errors.As(err, &change) {
		if !*force {
			return badInputf("-o %s holds %s of another configuration (%s): recomputing would discard it; add --force to recompute it, or choose another -o",
				*out, change.Describe(), changeList(change.Changes))
		}
		fmt.Fprintf(g.stderr, "patches: note: --force: discarding %s of another configuration in %s (%s)\n", change.Describe(), *out, changeList(change.Changes))
	} else if err != nil {
		return asBadInput(err)
	} else if m, err := datasets.ReadManifest(*out); err == nil && m != nil {
		// the same configuration: BuildFeatures reuses or resumes it
		if m.Complete {
			reusing = true
			fmt.Fprintf(g.stderr, "patches: %s already holds this dataset, complete: reusing it (nothing is recomputed)\n", *out)
		} else {
			fmt.Fprintf(g.stderr, "patches: %s holds this dataset, interrupted: resuming it after its last saved chunk\n", *out)
			chunkSize = m.ChunkSize
		}
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	// A constant patch (masked or saturated region) has undefined
	// self-normalised features: find out on that patch alone, before the
	// whole dataset is computed.
	for i := range ps.Patches {
		if !ps.IsConstant(i) {
			continue
		}
		co, err := ch.Engine.Forward(op.Key(), op.Stat(), ps.Maps(i, i+1))
		if err != nil {
			return err
		}
		for _, v := range co.Data {
			if math.IsNaN(real(v)) || math.IsNaN(imag(v)) || math.IsInf(real(v), 0) || math.IsInf(imag(v), 0) {
				p := ps.Patches[i]
				return badInputf("%s: the patch at map %d, row %d, column %d is constant (value %g): its %s features are not finite; leave such patches out with --skip-constant",
					ps.Sources[p.Source], p.Map, p.Row, p.Col, ps.Patch(i)[0], spec.Kind)
			}
		}
		break // one constant patch tells for all: their features are the same up to the value
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// ps.Skipped counts the patches left out for NaN/Inf pixels and those
	// left out for UNSEEN ones (finite): "3 skipped for non-finite pixels"
	// named UNSEEN patches non-finite. They are counted apart.
	unseen := 0
	if cfg.SkipNaN {
		unseen = unseenOnlyPatches(srcs, cfg)
	}
	skipped := fmt.Sprintf("%d skipped for non-finite pixels", ps.Skipped-unseen)
	if unseen > 0 {
		skipped += fmt.Sprintf(", %d for UNSEEN pixels", unseen)
	}
	if *skipConst {
		skipped += fmt.Sprintf(", %d constant", ps.Constant)
	}
	// misc2: a FITS source whose axes have units that differ and are not
	// both angles has no pixel_scale in the manifest: say so, as stats does
	patchesNoScaleNotes(g.stderr, srcs, *out)
	label := "" // patches left out are a note: it stays under -q (quietWriter)
	if ps.Skipped > 0 || (*skipConst && ps.Constant > 0) {
		label = "note: "
	}
	fmt.Fprintf(g.stderr, "patches: %s%s from %s (%s); features %s\n", label, plural(len(ps.Patches), "patch"), plural(len(srcs), "source"), skipped, spec)
	printPatchBorder(g.stderr, srcs, cfg.Size, cfg.Stride) // the border no patch covers (--size 64 --stride 64 on 500×500: 52 pixels)
	ctx, stop := runContext(g.stderr, "after the chunk of features under way, which is saved")
	defer stop()
	f, st, err := buildFeatures(ctx, g, *out, ps, cfg, spec, ch.Engine, *chunk, chunkSize, *force)
	if errors.Is(err, context.Canceled) {
		return interruptedPatchesError(st, *out, chunkSize)
	}
	if errors.Is(err, datasets.ErrDamagedDataset) {
		// said "reusing it", then "ds: … disagree with the manifest", exit 1,
		// with no way out named
		return fmt.Errorf("%s; add --force to recompute it, or choose another -o", strings.TrimSuffix(err.Error(), "; rebuild it (BuildOptions.Replace)"))
	}
	if err != nil {
		return err
	}
	if reusing && st.computed > 0 {
		fmt.Fprintf(g.stderr, "patches: warning: --force: the complete dataset in %s could not be read (damaged or replaced files): recomputed it\n", *out)
	}
	if isSet(fs, "chunk") && f.Manifest.ChunkSize != *chunk {
		fmt.Fprintf(g.stderr, "patches: note: %s was continued with its chunk size %d (--chunk %d applies to a new dataset)\n", *out, f.Manifest.ChunkSize, *chunk)
	}
	addDatasetProvenance(g.stderr, *out, st.computed, pos) // manifest.json: stkit's commit, the command line, the sources' SHA-256
	fmt.Fprintf(g.stderr, "patches: wrote %s (%s × %s)\n", *out, plural(f.Manifest.N, "patch"), plural(f.Manifest.Dim, "feature"))
	return nil
}

// buildFeatures runs datasets.BuildFeatures with a progress bar of the
// patches done. Resuming an interrupted dataset, BuildFeatures reads its
// saved chunks back before computing the next: those are told apart from
// the computed ones by eng's Forward calls (none between two progress
// reports: a chunk read back), and before the first computed chunk (or at
// the end, when every chunk was saved) stderr says "patches: resumed: k of n
// chunks reused (p of N patches)" once and the bar starts at the p patches
// already done, its remaining time predicted from this run's chunks only.
// chunkSize is the dataset's chunk size (a resumed one's own), for n.
//
// A cancelled ctx (Ctrl-C) stops the build before its next engine call, the
// chunks saved so far kept: the error is then context.Canceled (wrapped),
// and the returned buildState says how many patches were done.
func buildFeatures(ctx context.Context, g *globals, out string, ps *datasets.PatchSet, cfg datasets.PatchConfig, spec stats.Spec, eng stlayer.Engine, chunk, chunkSize int, force bool) (*datasets.Features, buildState, error) {
	n := len(ps.Patches)
	bar := newStepBar(g.stderr, n, "features")
	fc := &forwardCounter{Engine: eng, ctx: ctx}
	reused, done, seen, started := 0, 0, 0, false
	start := func() {
		if started {
			return
		}
		started = true
		if reused > 0 {
			fmt.Fprintf(g.stderr, "patches: resumed: %d of %d chunks reused (%d of %d patches)\n", reused, (n+chunkSize-1)/chunkSize, done, n)
			bar.Resume(done, "features")
		}
	}
	fc.before = start
	f, err := datasets.BuildFeatures(out, ps, cfg, spec, fc, chunk, func(d, total int) {
		if fc.calls == seen {
			reused++ // no Forward since the last report: a chunk read back
		}
		seen, done = fc.calls, d
		if started {
			bar.StepTo(d, "features")
		}
	}, datasets.BuildOptions{Replace: force})
	if err == nil {
		start() // every chunk was saved: nothing computed
	}
	endBar(bar, err != nil)
	return f, buildState{done: done, n: n, computed: fc.calls}, err
}

// buildState is how far buildFeatures got: done of n patches have their
// features saved, computed of them in engine calls of this run.
type buildState struct {
	done, n, computed int
}

// interruptedPatchesError is patches' exit error after Ctrl-C (exit status
// 1): how many chunks are saved in out and how to continue.
func interruptedPatchesError(st buildState, out string, chunkSize int) error {
	chunks := (st.n + chunkSize - 1) / max(1, chunkSize)
	saved := (st.done + chunkSize - 1) / max(1, chunkSize)
	return fmt.Errorf("interrupted: %d of %d chunks of features saved in %s (%d of %d patches); run the same command again to continue after the last saved chunk", saved, chunks, out, st.done, st.n)
}

// forwardCounter is an engine that counts its Forward calls and calls before
// (if set) ahead of each. Once ctx (if set) is cancelled, Forward returns
// its error without calling the engine.
type forwardCounter struct {
	stlayer.Engine
	calls  int
	before func()
	ctx    context.Context
}

func (e *forwardCounter) Forward(key string, s stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	if e.ctx != nil {
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
	}
	if e.before != nil {
		e.before()
	}
	e.calls++
	return e.Engine.Forward(key, s, x)
}

// checkDistinctSources refuses a map file given twice (the same file twice,
// through another path, or in a folder and by name): its patches were all
// taken twice, silently weighting that source double in training and
// clustering. Two members of one .npz are distinct sources.
func checkDistinctSources(srcs []datasets.Source) error {
	type seen struct {
		name string
		st   os.FileInfo
	}
	var prev []seen
	for _, s := range srcs {
		fp := datasets.FilePart(s.Name)
		st, err := os.Stat(fp)
		if err != nil {
			continue
		}
		member := strings.TrimPrefix(s.Name, fp)
		for _, p := range prev {
			if os.SameFile(p.st, st) && strings.TrimPrefix(p.name, datasets.FilePart(p.name)) == member {
				return badInputf("%s and %s are the same map file: its patches would be taken twice; give each map once", p.name, s.Name)
			}
		}
		prev = append(prev, seen{s.Name, st})
	}
	return nil
}

// smallestSide returns the shorter side of the smallest map of srcs (the largest patch every
// source can give), or MaxInt when no source has a map with sides ≥ 1 (datasets.CutPatches then
// names the problem).
func smallestSide(srcs []datasets.Source) int {
	side := math.MaxInt
	for _, s := range srcs {
		if s.Maps != nil && s.Maps.M > 0 && s.Maps.N > 0 {
			side = min(side, s.Maps.M, s.Maps.N)
		}
	}
	return side
}

// minPatchSize returns the smallest patch side in [8, upTo] (datasets.CutPatches' minimum 8)
// that the statistic spec accepts: with its J (or the size's default J, log2(size) − 2) it fits
// the size rule of stats and synth (datasets.RuleFor) and stats.Build takes it (checked up to
// 256); ok is false when none does.
func minPatchSize(spec stats.Spec, upTo int) (size int, ok bool) {
	for s := 8; s <= upTo; s++ {
		sp := spec.WithDefaults(s, s)
		if !datasets.RuleFor(sp, s, s).Fits(s, s) {
			continue
		}
		// The statistics' own size limits (scov, wst: ≥ 16; 2^J or 2^(J+1) ≤ size) bind only
		// small patches; above 256 the J rule implies them, and building the filters of a
		// large patch only to probe would be costly.
		if s > 256 {
			return s, true
		}
		if _, err := stats.Build(sp, s, s); err == nil {
			return s, true
		}
	}
	return 0, false
}

// patchSizeErr refuses a --size outside the sizes the statistic and the maps allow: from the
// statistic's smallest patch (minPatchSize) to the shorter side of the smallest map, with
// examples that fit. srcs must hold a map with sides ≥ 1 (smallestSide < MaxInt).
func patchSizeErr(size int, spec stats.Spec, srcs []datasets.Source) error {
	hi := smallestSide(srcs)
	var small string
	for _, s := range srcs {
		if s.Maps != nil && s.Maps.M > 0 && s.Maps.N > 0 && min(s.Maps.M, s.Maps.N) == hi {
			small = fmt.Sprintf("%s, %d×%d", s.Name, s.Maps.M, s.Maps.N)
			break
		}
	}
	kind := fmt.Sprintf("--kind %s", spec.WithDefaults(64, 64).Kind)
	if spec.J != 0 {
		kind += fmt.Sprintf(" -J %d", spec.J)
	}
	// Probed up to the maps' side only: stats.Build of larger patches would build their filters.
	lo, ok := minPatchSize(spec, hi)
	if !ok {
		hint := "the maps are too small for this statistic: give larger maps"
		if spec.J != 0 {
			hint = "give a smaller -J (or leave it out: J = log2(size) − 2), or larger maps"
		}
		return badInputf("--size %d: no patch of at most %d pixels (the shorter side of the smallest map, %s) fits %s; %s", size, hi, small, kind, hint)
	}
	// Examples: the smallest size and the powers of 2 in range that fit.
	eg := []string{fmt.Sprint(lo)}
	for s := 1; s <= hi; s *= 2 {
		if s > lo && datasets.RuleFor(spec, s, s).Fits(s, s) {
			eg = append(eg, fmt.Sprint(s))
		}
	}
	if len(eg) > 3 {
		eg = append(eg[:1], eg[len(eg)-2:]...)
	}
	rule := "" // any side from lo (2^(J+1) with -J) on
	if datasets.RuleFor(spec, lo, lo).Even {
		rule = ", even"
	}
	return badInputf("--size %d: the patch side must be from %d (the smallest patch of %s) to %d (the shorter side of the smallest map, %s)%s; e.g. --size %s",
		size, lo, kind, hi, small, rule, strings.Join(eg, ", "))
}

// mapList splits a map argument into the files of its comma-separated
// list, as stats and synth read a set of maps (readMapSetCards): an
// existing file or folder (even one whose name holds a comma; an .npz
// member "x.npz:name" counts when its archive exists and the name holds no
// comma or is in it, listNameExists) or a name without a comma is
// itself. Otherwise the list is read from the left, each name being the
// longest run of comma-joined pieces that names an existing file or folder
// ("a,b.npy,c.npy" with a file a,b.npy: a,b.npy and c.npy; it was split
// into a, b.npy and c.npy), else the piece up to the next comma
// (commaPrefix); a comma inside brackets, "x.fits[1:32,1:32]", does not
// split (listPieces). An empty name in the list is refused (bad input). Spaces
// around the names are dropped.
func mapList(spec string) ([]string, error) {
	if err := nonFITSSelection(spec); err != nil { // badfix20: "x.npy[1:32,1:32]"
		return nil, err
	}
	if !strings.Contains(spec, ",") || listNameExists(spec) {
		return []string{spec}, nil
	}
	parts := listPieces(spec) // fixbad21: not at a comma inside [...]
	var out []string
	for i := 0; i < len(parts); {
		n := commaPrefix(parts[i:])
		p := strings.TrimSpace(strings.Join(parts[i:i+n], ","))
		if p == "" {
			return nil, badInputf("%s: an empty name in the comma-separated list of map files", spec)
		}
		if err := nonFITSSelection(p); err != nil { // "g.npy[1:2],b.npy"
			return nil, err
		}
		out = append(out, p)
		i += n
	}
	return out, nil
}

// sameFolder reports whether a and b are the same existing folder.
func sameFolder(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil || !sa.IsDir() {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// changeList renders configuration changes with the flags that set them:
// "-J 3 → 2; --size 64 → 32".
func changeList(ch []datasets.ConfigChange) string {
	out := make([]string, len(ch))
	for i, c := range ch {
		switch {
		case c.Field == "sources":
			c.Field = "input maps"
		case c.Field == "pixels":
			c.Field = "pixels"
		case len(c.Field) == 1:
			c.Field = "-" + c.Field
		default:
			c.Field = "--" + strings.ReplaceAll(c.Field, "_", "-")
		}
		out[i] = c.String()
	}
	return strings.Join(out, "; ")
}

// unseenOnlyPatches counts the patches that datasets.CutPatches leaves out
// with cfg.SkipNaN for HEALPix UNSEEN pixels (−1.6375e30, finite) while they
// hold no NaN/Inf pixel: the part of PatchSet.Skipped, which counts both,
// that is not for non-finite pixels. The patches are CutPatches' positions:
// every map of every source, rows and columns every cfg.Stride pixels (0:
// half the size) — the rotation and flip of --augment do not change which
// pixels a patch holds, and --max-per-source draws its subset among the kept
// ones. Sources without UNSEEN pixels are not scanned.
func unseenOnlyPatches(srcs []datasets.Source, cfg datasets.PatchConfig) int {
	s, stride := cfg.Size, cfg.Stride
	if stride == 0 {
		stride = max(1, s/2)
	}
	n := 0
	for _, src := range srcs {
		m := src.Maps
		if c, _ := datasets.CountUnseen(m); c == 0 {
			continue
		}
		for b := 0; b < m.B; b++ {
			mp := m.Map(b)
			for r := 0; r+s <= m.M; r += stride {
				for c := 0; c+s <= m.N; c += stride {
					nonFinite, unseen := false, false
					for i := r; i < r+s && !nonFinite; i++ {
						for _, v := range mp[i*m.N+c : i*m.N+c+s] {
							if math.IsNaN(v) || math.IsInf(v, 0) {
								nonFinite = true
								break
							}
							if datasets.IsUnseen(v) {
								unseen = true
							}
						}
					}
					if unseen && !nonFinite {
						n++
					}
				}
			}
		}
	}
	return n
}
