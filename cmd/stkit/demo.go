package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

func init() {
	register(&command{name: "demo", summary: "run the whole pipeline on a built-in synthetic data set (no data files needed)", run: runDemo})
}

// demoProcess is one built-in synthetic process of the demo.
type demoProcess struct {
	name, about string
	gen         func(n int, seed uint64) ([]float64, error)
}

var demoProcesses = []demoProcess{
	{"gaussian", "Gaussian random field, P(k) ∝ k^−3, standardised to mean 0, variance 1 (no non-Gaussian structure)", func(n int, s uint64) ([]float64, error) {
		return datasets.GaussianRandomField(n, n, -3, s)
	}},
	{"lognormal", "log-normal field exp(σ g), g with P(k) ∝ k^−3, σ = 1, standardised to mean 0, variance 1 (skewed, intermittent)", func(n int, s uint64) ([]float64, error) {
		return datasets.LogNormalField(n, n, -3, 1, s)
	}},
	{"filaments", "random curved filaments blurred by a Gaussian (σ = 1.5 pixels), standardised to mean 0, variance 1 (elongated, oriented structure)", func(n int, s uint64) ([]float64, error) {
		return datasets.Filamentary(n, n, n/4, 1.5, s)
	}},
}

type demoOpts struct {
	out           string
	size          int // patch (and synthesis) size
	patches       int // patches per process
	epochs, steps int
	seed          uint64
	processes     int
	kind          string
}

func runDemo(g *globals, args []string) error {
	fs := newFlagSet(g, "demo", "", `Run the whole stkit story on a built-in synthetic data set, in about a minute
on 2 cores at the default settings, with no data files and no network:

  1. generate maps of 3 synthetic processes: a Gaussian field and two fields
     with non-Gaussian structure (log-normal, filaments);
  2. cut patches and compute their ST features (scattering covariance, iso);
  3. train the VAE with a Gaussian-mixture prior (one Gaussian per component);
  4. assign patches to clusters and print the cluster/process confusion matrix;
  5. export per-component ST models;
  6. synthesise one map per component from its model;
  7. separate a two-component mixture with the learned models;

and write everything to the output folder (-o, default ./stkit-demo) with an
index.html that shows every PNG and the key numbers. Each step says what it
does, steps 2–7 print the stkit commands they run, and the end says what the
numbers mean and which commands do the same on your own maps. --size,
--patches and --epochs scale it up. Ctrl-C stops the demo in the step under
way and runs no later step: training, synthesis and separation stop early and
save what they reached; the other steps finish their command first (a few
seconds). Exit status 1 then, as for any interrupted command.

The demo writes only its own entries of the output folder (data/, dataset/,
run/, clusters/, models/, samples/, separation/, index.html, summary.json;
summary.json records which) and refuses, before any work (exit 2), a folder
where one of them holds files it did not write: move them or choose another
-o. --force replaces an earlier demo, removing only what it recorded.`)
	o := demoOpts{}
	fs.StringVar(&o.out, "o", "stkit-demo", "output folder")
	fs.IntVar(&o.size, "size", demoDefaultSize, "patch size in pixels (power of two, ≥ 32; ≤ 512 where the available memory is unknown: no /proc/meminfo)")
	fs.IntVar(&o.patches, "patches", demoDefaultPatches, "patches per process")
	fs.IntVar(&o.epochs, "epochs", demoDefaultEpochs, "VAE training epochs")
	fs.IntVar(&o.steps, "steps", demoDefaultSteps, "L-BFGS iterations of the synthesis step; the separation step runs N + max(1, N/4)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed")
	fs.StringVar(&o.kind, "kind", "scov", "features: the isotropic synthesis vector of this family (scov or wst)")
	force := fs.Bool("force", false, "replace an earlier demo in the output folder (only the files and folders its summary.json records as the demo's are removed)")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return badInputf("%s takes no arguments, got %q", "demo", pos)
	}
	if o.size < 32 || o.size&(o.size-1) != 0 {
		return badInputf("--size must be a power of two ≥ 32, got %d", o.size)
	}
	if o.patches < 20 {
		return badInputf("--patches %d: the demo needs ≥ 20 patches per process", o.patches)
	}
	if o.epochs < 1 {
		return badInputf("--epochs %d: the number of training epochs must be ≥ 1", o.epochs)
	}
	if o.steps < 1 {
		return badInputf("--steps %d: the number of L-BFGS iterations must be ≥ 1", o.steps)
	}
	if o.kind != "scov" && o.kind != "wst" {
		return badInputf("--kind %s: the demo's features are the isotropic synthesis vector of scov or wst", o.kind)
	}
	if o.out == "" {
		return badInputf("-o: want a folder name (default stkit-demo)")
	}
	// The maps of step 1 and the patches of step 2 must fit in memory (a
	// --size or --patches too large ended in a panic or an out-of-memory
	// kill during step 1, after its folder was made).
	if err := demoScaleCheck(o, memAvailable()); err != nil {
		return err
	}
	if err := checkOutputDir("-o", o.out); err != nil {
		return err
	}
	if kinds := stkitFolders(o.out); len(kinds) > 0 {
		return badInputf("-o %s is %s, not a demo folder: choose another folder", o.out, kinds[0].name)
	}
	if err := demoPrepareOut(g, o.out, *force); err != nil {
		return err
	}
	return demo(g, o)
}

// command is the stkit demo command line of these settings, every setting
// given: "stkit demo -o stkit-demo --size 64 --patches 200 --epochs 40
// --steps 150 --seed 1 --kind scov" (index.html and summary.json).
func (o demoOpts) command() string {
	return fmt.Sprintf("stkit demo -o %s --size %d --patches %d --epochs %d --steps %d --seed %d --kind %s", o.out, o.size, o.patches, o.epochs, o.steps, o.seed, o.kind)
}

// Default settings of stkit demo (its flags' defaults).
const (
	demoDefaultSize    = 64
	demoDefaultPatches = 200
	demoDefaultEpochs  = 40
	demoDefaultSteps   = 150
)

// defaults reports whether the demo runs at its default scale (the one
// whose run time the help and the start line state).
func (o demoOpts) defaults() bool {
	return o.size == demoDefaultSize && o.patches == demoDefaultPatches && o.epochs == demoDefaultEpochs && o.steps == demoDefaultSteps
}

// Bounds of the demo's scale where the available memory is unknown
// (memAvailable() = 0: no /proc/meminfo, i.e. not Linux), in place of the
// check against it: --size at most demoMaxSizeUnknownMem (8× the default
// side; the statistics' working memory and run time grow with the patch
// area on top of the maps counted by demoResultBytes), and the maps and
// patches at most demoUnknownMemBudget bytes (1.7 GiB at --size 512 and
// the default --patches 200).
const (
	demoMaxSizeUnknownMem = 512
	demoUnknownMemBudget  = 4 << 30
)

// demoResultBytes is the memory of the demo's maps and patches: for each of
// the K processes, mapsPerProcess maps of (2·size)² and --patches patches of
// size², 8 bytes per pixel: 8·K·(maps·(2·size)² + patches·size²).
func demoResultBytes(o demoOpts) float64 {
	k := float64(len(demoProcesses))
	side := 2 * float64(o.size)
	return 8 * k * (float64(o.mapsPerProcess())*side*side + float64(o.patches)*float64(o.size)*float64(o.size))
}

// demoScaleCheck refuses, before any work, a demo whose maps and patches
// (demoResultBytes) cannot fit in memory: with the available memory avail
// known (> 0), more bytes than avail; where it is unknown (avail ≤ 0), a
// --size above demoMaxSizeUnknownMem or more than demoUnknownMemBudget
// bytes. The working memory comes on top: passing is no promise.
func demoScaleCheck(o demoOpts, avail int64) error {
	what := fmt.Sprintf("--size %d --patches %d", o.size, o.patches)
	b := demoResultBytes(o)
	switch {
	case avail > 0:
		if b > float64(avail) {
			return badInputf("%s: the result alone needs %s of memory and %s is available", what, fmtBytes(b), fmtBytes(float64(avail)))
		}
	case o.size > demoMaxSizeUnknownMem:
		return badInputf("--size %d: the memory available is unknown on this system (no /proc/meminfo), so the demo keeps to --size ≤ %d (a larger one could end in an out-of-memory kill after hours of work): give --size %d or less",
			o.size, demoMaxSizeUnknownMem, demoMaxSizeUnknownMem)
	case b > demoUnknownMemBudget:
		return badInputf("%s: the result alone needs %s of memory; the memory available is unknown on this system (no /proc/meminfo), so the demo keeps its maps and patches to %s: give fewer --patches or a smaller --size",
			what, fmtBytes(b), fmtBytes(demoUnknownMemBudget))
	}
	return nil
}

// mapsPerProcess is the number of maps of side 2·size generated per process
// for the requested patches (stride size/2 → 9 patches per map).
func (o demoOpts) mapsPerProcess() int {
	const perMap = 9
	return (o.patches + perMap - 1) / perMap
}

// demoProcessMaps generates the maps of process demoProcesses[pi] that
// demo step 1 writes: train, the o.mapsPerProcess() maps of side 2·size
// that step 2 cuts the training patches from (seed o.seed·1000 +
// pi·100000 + b for map b), and held, its 2 held-out size×size corners
// (demoHeldOut; seeds … + 90000 + b) for the separation step, which mixes
// the first of the lognormal and filaments ones.
func demoProcessMaps(o demoOpts, pi int) (train, held *stlayer.Maps, err error) {
	p := demoProcesses[pi]
	side, nmaps := 2*o.size, o.mapsPerProcess()
	train = stlayer.NewMaps(nmaps, side, side)
	for b := 0; b < nmaps; b++ {
		x, err := p.gen(side, o.seed*1000+uint64(pi*100000+b))
		if err != nil {
			return nil, nil, err
		}
		copy(train.Map(b), x)
	}
	// held-out maps (other seeds) at patch size for the separation
	// step, cut like the training patches (demoHeldOut)
	held = stlayer.NewMaps(2, o.size, o.size)
	for b := 0; b < 2; b++ {
		x, err := demoHeldOut(p, o.size, o.seed*1000+uint64(pi*100000+90000+b))
		if err != nil {
			return nil, nil, err
		}
		copy(held.Map(b), x)
	}
	return train, held, nil
}

// demoPatchConfig is the patch cut of demo step 2, the options it gives
// stkit patches (--size, --stride size/2, --max-per-source --patches,
// --seed, --window moisan; one source per process, in demoProcesses'
// order).
func demoPatchConfig(o demoOpts) datasets.PatchConfig {
	return datasets.PatchConfig{Size: o.size, Stride: o.size / 2, MaxPerSource: o.patches, Seed: o.seed, Window: "moisan"}
}

// demoHeldOut is a held-out map of process p for the separation step: the
// top-left size×size corner of a map of side 2·size generated with seed,
// cut from a larger map as step 2 cuts the training patches (the processes
// are stationary, so any position would do) but kept raw: step 2's
// --window moisan replaces each training patch by its periodic component,
// and the corner keeps its edge jump (stkit separate takes a map as it
// is). Held-out maps generated at the patch size were another
// distribution: each standardised to variance 1 on its own, where a cut of
// a larger standardised map has less large-scale power (Gaussian field,
// 32² cuts of 64² maps: mean variance 0.81,
// TestDemoHeldOutCutLikeTraining).
func demoHeldOut(p demoProcess, size int, seed uint64) ([]float64, error) {
	big, err := p.gen(2*size, seed)
	if err != nil {
		return nil, err
	}
	x := make([]float64, size*size)
	for i := 0; i < size; i++ {
		copy(x[i*size:(i+1)*size], big[i*2*size:i*2*size+size])
	}
	return x, nil
}

// demoAbout says what a demo step does and why (printed under its header);
// name is the step's name, "N. …".
func demoAbout(o demoOpts, name string) string {
	side := 2 * o.size
	nmaps := o.mapsPerProcess()
	k := len(demoProcesses)
	switch strings.SplitN(name, ".", 2)[0] {
	case "1":
		var b strings.Builder
		fmt.Fprintf(&b, "Maps of %d processes that differ in their non-Gaussian structure (the Gaussian field has none); step 4 must tell them\napart without being told which is which:\n", k)
		for _, p := range demoProcesses {
			fmt.Fprintf(&b, "  %-10s %s\n", p.name, p.about)
		}
		fmt.Fprintf(&b, "%d maps of %d×%d per process (for %d patches), and 2 held-out maps of %d×%d per process that no step trains on:\n"+
			"the first-row, first-column corners (drawn bottom-left, row 0 at the bottom) of 2 more %d×%d maps (other seeds), as they are: the training patches are cut the same way but then\n"+
			"replaced by their periodic component (step 2, --window moisan), while these keep their cut edges. Step 7 mixes the first\n"+
			"%s and the first %s one; the second of each is a spare, to try stkit separate on another mixture.\n"+
			"Every map is standardised to mean 0 and variance 1 over its whole %d×%d pixels (a %d×%d cut of it only roughly).",
			nmaps, side, side, o.patches, o.size, o.size, side, side, demoProcesses[1].name, demoProcesses[2].name, side, side, o.size, o.size)
		return b.String()
	case "2":
		return fmt.Sprintf("Cut %d×%d patches (every %d pixels) and compute each patch's ST feature vector (the isotropic %s synthesis vector):\n"+
			"the statistics that the VAE clusters and the component models describe. Then stkit stats draws the dashboard of one patch per process.\n"+
			"The statistics are periodic: a patch cut out of a larger map jumps between its opposite edges, which they would record\n"+
			"as straight edges (and syntheses would show as facets); --window moisan replaces each patch by its periodic component\n"+
			"(Moisan 2011: the patch less the smooth field that carries the jump) before its statistics.",
			o.size, o.size, o.size/2, o.kind)
	case "3":
		return fmt.Sprintf("Train a VAE on the feature vectors, without the process labels, with a latent prior of %d Gaussians: each is to become one\n"+
			"component (a cluster of patches). Per epoch: loss on the training patches, the weighted sum that training lowers, and\n"+
			"its terms: rec = reconstruction error and gauss = the latent term (lower is better); cat = KL(q(y|x) ‖ uniform), the cluster\n"+
			"term, which rises towards log %d = %.2f as each patch goes confidently to one component (not lower-is-better on its\n"+
			"own); val = the same loss on the 10 %% of patches held out from training.", k, k, math.Log(float64(k)))
	case "4":
		return fmt.Sprintf("Assign each patch to its most probable component and compare with the process it was cut from (known here, unknown in\n"+
			"real data). Best-match accuracy: the fraction of patches in the component matched to their process (1 = perfect). Its\n"+
			"chance level, printed with it, is a little above 1/%d: on a random assignment the best of the %d ways to match components\n"+
			"to processes still holds more than 1/%d of the patches.", k, factorial(k), k)
	case "5":
		return "Turn each component into an ST model: decode latents of the component into feature vectors and keep their mean, spread\n" +
			"and covariance (stkit export), and fit a pixel patch prior to its patches (a Gaussian mixture of 6×6 sub-patches,\n" +
			"--patch-prior). Steps 6 and 7 use only these models, not the patches."
	case "6":
		return fmt.Sprintf("From each component's model alone, synthesise a new %d×%d map whose ST statistics match a draw of the model (%d L-BFGS\n"+
			"iterations), and compare it with the component's real patches (--report: power spectrum, histogram, Minkowski functionals).\n"+
			"The verdict on the spectrum compares its max |ratio − 1| (bins k ≥ 2) with the same figure for one real patch against the\n"+
			"others: within the sampling noise at or below their 90th percentile. The \"bin furthest off\", in standard errors of\n"+
			"the log spectrum, counts the scatter from map to map of the synthesis' tiles (of the patches, for one tile) and of the\n"+
			"mean of the component's %d patches: one real patch against the others scores about 1–2.5 (64² dust I and Quijote\n"+
			"patches: medians 1.2 and 1.75, 90th percentiles 1.9 and 2.5). One draw of each model decides these figures: another\n"+
			"--seed (or stkit sample --draw mean) may differ.",
			o.size, o.size, o.steps, o.patches)
	case "7":
		return fmt.Sprintf("Add a held-out %s map and a held-out %s map (never seen in training) and split the sum using only it and the\n"+
			"two matching components' models; the true maps only score the result (pixel correlation with the truth: 1 = perfect;\n"+
			"relative error = rms(part − truth) / std(truth): 0 = perfect, 1 = no better than a flat map at the truth's mean;\n"+
			"r(k) = correlation per Fourier scale). With the components' patch priors (step 5) the split is the two-source posterior\n"+
			"mean of every 6×6 patch, no L-BFGS stage (stkit separate --patch-prior; start = that estimate); without, the ST models'\n"+
			"loss is minimised from the Wiener-filter first guess (start).", demoProcesses[1].name, demoProcesses[2].name)
	}
	return ""
}

// demoOutputs are the files and folders a demo writes into its output folder.
// Its summary.json records, in demo_outputs, those the demo made (written
// before step 1 with all of them, rewritten at the end with those that
// exist): what --force removes. Other files of the folder are kept, and an
// entry the record does not name blocks the demo (demoPrepareOut).
var demoOutputs = []string{"data", "dataset", "run", "clusters", "models", "samples", "separation", "index.html", "summary.json"}

// demoRecord is what the summary.json found in a demo's output folder says
// about its entries.
type demoRecord int

const (
	demoRecordNone    demoRecord = iota // no summary.json
	demoRecordOK                        // a demo's, with demo_outputs
	demoRecordLegacy                    // a demo's, from an stkit that did not record demo_outputs
	demoRecordForeign                   // not a demo's (not JSON, no "steps")
)

// readDemoRecord reads the summary.json of the output folder out: its kind
// and the recorded entries (only names of demoOutputs are taken: a changed
// file cannot make --force remove anything else).
func readDemoRecord(out string) (demoRecord, map[string]bool) {
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if errors.Is(err, os.ErrNotExist) {
		return demoRecordNone, nil
	}
	var keys map[string]json.RawMessage
	if err != nil || json.Unmarshal(b, &keys) != nil || keys["steps"] == nil {
		return demoRecordForeign, nil
	}
	var names []string
	if keys["demo_outputs"] == nil || json.Unmarshal(keys["demo_outputs"], &names) != nil {
		return demoRecordLegacy, nil
	}
	rec := map[string]bool{"summary.json": true}
	for _, n := range names {
		for _, d := range demoOutputs {
			if n == d {
				rec[n] = true
			}
		}
	}
	return demoRecordOK, rec
}

// demoForeignEntry describes the entry name of the output folder out when
// it holds something the demo would replace or mix its files with: a file
// or link, or a folder holding any file ("data/ (2 files: data/mine.txt, …)");
// "" when it is absent or a folder holding no file.
func demoForeignEntry(out, name string) string {
	p := filepath.Join(out, name)
	st, err := os.Lstat(p)
	if err != nil {
		return ""
	}
	if !st.IsDir() {
		return name
	}
	var files []string
	_ = filepath.WalkDir(p, func(f string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if r, rerr := filepath.Rel(out, f); rerr == nil {
				files = append(files, filepath.ToSlash(r))
			}
		}
		return nil
	})
	switch {
	case len(files) == 0:
		return ""
	case len(files) == 1:
		return fmt.Sprintf("%s/ (holds %s)", name, files[0])
	case len(files) == 2:
		return fmt.Sprintf("%s/ (2 files: %s, %s)", name, files[0], files[1])
	}
	return fmt.Sprintf("%s/ (%d files: %s, %s, …)", name, len(files), files[0], files[1])
}

// demoPrepareOut checks the output folder of a demo before any work, and
// with force removes the earlier demo's entries. An entry of demoOutputs
// that summary.json does not record as the demo's and that holds a file
// (demoForeignEntry) is refused, with force or not: the first demo into a
// folder with data/mine.txt wrote its maps beside it and failed at step 5
// on models/mine.npy, and --force then removed data/ and models/ whole. A
// folder holding no file is taken (the demo records it). An earlier demo's
// recorded entries need force (exit 2 otherwise), which removes them; the
// rest of the folder is kept.
func demoPrepareOut(g *globals, out string, force bool) error {
	kind, rec := readDemoRecord(out)
	if kind == demoRecordForeign {
		return badInputf("-o %s holds a summary.json that is not a demo's: the demo would replace it; choose another -o", out)
	}
	var foreign []string
	for _, name := range demoOutputs {
		if name == "summary.json" || rec[name] {
			continue
		}
		if f := demoForeignEntry(out, name); f != "" {
			foreign = append(foreign, f)
		}
	}
	if len(foreign) > 0 {
		hint := ""
		if kind == demoRecordLegacy {
			hint = " (its summary.json is a demo's from an earlier stkit, which did not record the demo's files: remove that demo yourself)"
		}
		return badInputf("-o %s already holds %s, which the demo did not write%s: the demo writes %s there, and --force removes only what an earlier demo recorded in its summary.json; move them, or choose another -o (a new or empty folder)",
			out, strings.Join(foreign, ", "), hint, demoOutputsList())
	}
	// The training step never overwrites a run: refuse now rather than after
	// the maps and features of a second demo in the same folder.
	ckpt := filepath.Join(out, "run", "checkpoints")
	if _, err := os.Stat(ckpt); err == nil && !rec["run"] {
		// --force would refuse it too: say so at once rather than advise it.
		return badInputf("%s holds a training run (%s) but no demo summary.json that records it: not replacing a folder the demo may not have written, even with --force (remove it yourself, or choose another -o)", out, filepath.Join(out, "run"))
	}
	var earlier []string
	for _, name := range demoOutputs {
		if _, err := os.Lstat(filepath.Join(out, name)); err == nil && rec[name] {
			earlier = append(earlier, name)
		}
	}
	if len(earlier) == 0 {
		return nil
	}
	if !force {
		return badInputf("%s already holds a demo (%s): add --force to replace it, or choose another -o", out, strings.Join(earlier, ", "))
	}
	for _, name := range earlier {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return fmt.Errorf("--force: removing the earlier demo: %w", err)
		}
	}
	fmt.Fprintf(g.stderr, "demo: note: replaced the earlier demo in %s (removed %s)\n", out, strings.Join(earlier, ", "))
	return nil
}

// demoOutputsList names demoOutputs in words, folders with a trailing
// slash: "data/, dataset/, …, index.html and summary.json".
func demoOutputsList() string {
	var names []string
	for _, n := range demoOutputs {
		if filepath.Ext(n) == "" {
			n += "/"
		}
		names = append(names, n)
	}
	return andList(names)
}

// demoOutputsPresent are the entries of demoOutputs present in the output
// folder out (what the summary.json written at the end records).
func demoOutputsPresent(out string) []string {
	var have []string
	for _, name := range demoOutputs {
		if _, err := os.Lstat(filepath.Join(out, name)); err == nil || name == "summary.json" {
			have = append(have, name)
		}
	}
	return have
}

// demoSummary collects what index.html and the final table show.
type demoSummary struct {
	Started   time.Time
	Steps     []demoStepResult
	Numbers   [][2]string
	Images    [][2]string // (caption, relative path)
	Files     [][2]string // (what, relative path)
	Processes []demoProcess
	// Interrupted is the step stopped by Ctrl-C (SIGINT) or SIGTERM ("" if
	// none): no later step is run.
	Interrupted string
}

// outcome says how the demo ended and after how long, for the last line of
// the run and index.html.
func (s *demoSummary) outcome() string {
	secs := time.Since(s.Started).Seconds()
	if s.Interrupted != "" {
		return fmt.Sprintf("stopped after %.0f s: interrupted (Ctrl-C) in step %s; the later steps were not run", secs, s.Interrupted)
	}
	var failed []string
	for _, st := range s.Steps {
		if st.Err != "" {
			failed = append(failed, st.Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("finished in %.0f s with %d failed step(s): %s", secs, len(failed), strings.Join(failed, "; "))
	}
	return fmt.Sprintf("done in %.0f s", secs)
}

// demoStepResult is one step of the demo in summary.json and index.html:
// its name, run time, error ("" when it succeeded), what it does (the text
// printed under its header, demoAbout) and the stkit commands it ran, as
// printed ("stkit patches -o …", without the "$ ").
type demoStepResult struct {
	Name     string   `json:"name"`
	Seconds  float64  `json:"seconds"`
	Err      string   `json:"err"`
	About    string   `json:"about,omitempty"`
	Commands []string `json:"commands,omitempty"`
}

func demo(g *globals, o demoOpts) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	sum := &demoSummary{Started: time.Now(), Processes: demoProcesses}
	// Record before any step the entries the demo may write (demoPrepareOut
	// found none that is not the demo's): a demo killed before its end
	// (a second Ctrl-C) is still replaced by --force.
	if err := writeDemoSummary(o, sum, demoOutputs); err != nil {
		return err
	}
	where := o.out
	if abs, err := filepath.Abs(o.out); err == nil {
		where = abs
	}
	took := ""
	if o.defaults() {
		took = ", about a minute on 2 cores"
	}
	fmt.Fprintf(g.stderr, "stkit demo: the whole stkit pipeline in 7 steps on %d built-in synthetic processes (no data files needed)%s.\n", len(demoProcesses), took)
	fmt.Fprintf(g.stderr, "Writing to %s (-o to change). Steps 2–7 print the stkit commands they run; the end lists the same commands for your own maps.\n", where)
	rel := func(p string) string {
		r, err := filepath.Rel(o.out, p)
		if err != nil {
			return p
		}
		return filepath.ToSlash(r)
	}
	path := func(parts ...string) string { return filepath.Join(append([]string{o.out}, parts...)...) }
	// Ctrl-C or SIGTERM stops the demo in the step under way, whatever its
	// command (before, only train, sample and separate caught it: during
	// the other steps it ended the process at once).
	var current atomic.Value // the name of the step under way
	var cmds []string        // the commands of the step under way (sub), for index.html
	current.Store("")
	release := demoInterrupts(unquiet(g.stderr), func() string { return current.Load().(string) })
	defer release()
	step := func(name string, fn func() error) error {
		current.Store(name)
		if interruptSeen.Load() {
			// between two steps
			err := errors.New("interrupted (Ctrl-C) before the step started")
			sum.Steps = append(sum.Steps, demoStepResult{Name: name, Err: err.Error()})
			sum.Interrupted = name
			return err
		}
		fmt.Fprintf(g.stderr, "\n== %s\n", name)
		about := demoAbout(o, name)
		if about != "" {
			fmt.Fprintln(g.stderr, about)
		}
		cmds = nil
		t0 := time.Now()
		err := fn()
		r := demoStepResult{Name: name, Seconds: time.Since(t0).Seconds(), About: about, Commands: cmds}
		fmt.Fprintf(g.stderr, "(step %s took %.1f s)\n", strings.SplitN(name, ".", 2)[0], r.Seconds)
		if interruptSeen.Load() {
			sum.Interrupted = name
			if err == nil {
				err = errors.New("interrupted (Ctrl-C) as the step ended: its outputs are complete")
			}
		}
		if err != nil {
			r.Err = err.Error()
		}
		sum.Steps = append(sum.Steps, r)
		return err
	}
	sub := func(name string, args ...string) error {
		c, ok := commands[name]
		if !ok {
			return fmt.Errorf("command %s is not available in this build", name)
		}
		cmd := "stkit " + name + " " + strings.Join(args, " ")
		cmds = append(cmds, cmd)
		fmt.Fprintf(g.stderr, "$ %s\n", cmd)
		if err := c.run(g, args); err != nil {
			return err
		}
		if interruptSeen.Load() {
			// a command that does not stop on Ctrl-C: it ran to its end
			return fmt.Errorf("interrupted (Ctrl-C) during `stkit %s`, which ran to its end (its outputs are complete); no later command or step is run", name)
		}
		return nil
	}
	// earlyStop ends the demo at a failed or interrupted step 1 or 2 (every
	// later step needs their outputs): on Ctrl-C as after any interrupted
	// step, with index.html and what to run next.
	earlyStop := func(err error) error {
		if sum.Interrupted == "" {
			return err
		}
		fmt.Fprintf(g.stderr, "demo: %s: %v\n", sum.Interrupted, err)
		if werr := writeDemoIndex(g, o, sum); werr != nil {
			return werr
		}
		return demoInterruptedError(o, sum)
	}

	// 1. Synthetic maps: per process, enough maps of side 2·size for the
	// requested patches (stride size/2 → 9 patches per map), plus held-out
	// maps for the separation test.
	side := 2 * o.size
	nmaps := o.mapsPerProcess()
	var dataFiles []string
	if err := step("1. generate synthetic maps", func() error {
		if err := os.MkdirAll(path("data"), 0o755); err != nil {
			return err
		}
		row := make([]*stlayer.Maps, 0, len(demoProcesses))
		for pi, p := range demoProcesses {
			m, hold, err := demoProcessMaps(o, pi)
			if err != nil {
				return err
			}
			f := path("data", p.name+".npy")
			if err := datasets.WriteMaps(f, m); err != nil {
				return err
			}
			dataFiles = append(dataFiles, f)
			if err := datasets.WriteMaps(path("data", p.name+"_heldout.npy"), hold); err != nil {
				return err
			}
			row = append(row, &stlayer.Maps{B: 1, M: side, N: side, Data: m.Map(0)})
			sum.Files = append(sum.Files, [2]string{p.name + " maps", rel(f)},
				[2]string{fmt.Sprintf("%s held-out maps (2 raw %d×%d corners, never trained on; step 7 mixes the first)", p.name, o.size, o.size), rel(path("data", p.name+"_heldout.npy"))})
			fmt.Fprintf(g.stderr, "wrote %s (%d maps of %d×%d) and %s (2 held-out %d×%d corners of %d×%d maps)\n", f, nmaps, side, side, path("data", p.name+"_heldout.npy"), o.size, o.size, side, side)
		}
		img := path("data", "processes.png")
		if err := plotProcesses(img, row); err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "wrote %s (one map of each process)\n", img)
		sum.Images = append(sum.Images, [2]string{"One map of each synthetic process", rel(img)})
		return nil
	}); err != nil {
		return earlyStop(err)
	}

	// 2. Patches and features.
	dataset := path("dataset")
	if err := step("2. patches and ST features", func() error {
		c := demoPatchConfig(o)
		args := append([]string{"-o", dataset, "--size", fmt.Sprint(c.Size), "--stride", fmt.Sprint(c.Stride), "--max-per-source", fmt.Sprint(c.MaxPerSource), "--seed", fmt.Sprint(c.Seed), "--kind", o.kind, "--synthesis", "--iso", "--window", c.Window}, dataFiles...)
		if err := sub("patches", args...); err != nil {
			return err
		}
		f, err := datasets.LoadFeatures(dataset)
		if err != nil {
			return err
		}
		sum.Numbers = append(sum.Numbers, [2]string{"patches × features", fmt.Sprintf("%d × %d (%s)", f.Manifest.N, f.Manifest.Dim, f.Manifest.Spec)})
		sum.Files = append(sum.Files, [2]string{"patch dataset (features.npy, patches.npy, manifest.json)", rel(dataset)})
		// dashboard of one patch per process
		for pi, p := range demoProcesses {
			for i, pt := range f.Patches.Patches {
				if pt.Source == pi {
					one := path("dataset", "example_"+p.name+".npy")
					if err := datasets.WriteMaps(one, f.Patches.Maps(i, i+1)); err != nil {
						return err
					}
					png := path("dataset", "dashboard_"+p.name+".png")
					if err := sub("stats", one, "--kind", "scov", "--plot", png, "-o", path("dataset", "stats_"+p.name+".json")); err != nil {
						return err
					}
					sum.Images = append(sum.Images, [2]string{"Scattering-spectra dashboard of a " + p.name + " patch", rel(png)})
					break
				}
			}
		}
		return nil
	}); err != nil {
		return earlyStop(err)
	}
	return demoRest(g, o, sum, step, sub, path, rel, dataset)
}

// demoInterruptedError is the demo's error after a step stopped by Ctrl-C
// or SIGTERM (exit status 1, as for any interrupted command).
func demoInterruptedError(o demoOpts, sum *demoSummary) error {
	return fmt.Errorf("demo interrupted in step %s; the outputs of the steps before it are in %s (overview: %s); run the whole demo again with `stkit demo -o %s --force`",
		sum.Interrupted, o.out, filepath.Join(o.out, "index.html"), o.out)
}

// demoNotify registers ch for the signals that stop the demo; tests replace
// it to send their own.
var demoNotify = func(ch chan<- os.Signal) { signal.Notify(ch, os.Interrupt, syscall.SIGTERM) }

// demoInterrupts catches Ctrl-C (SIGINT) and SIGTERM for the whole demo.
// Train, sample, separate and export (since 9ca5a53) catch them too
// (interruptible) and stop, saving what they reached (export: nothing);
// the demo's other commands (stkit patches and stats in step 2, clusters
// in step 4, and the maps of step 1) do not, and the default action ended
// the process at once in the middle of them. Now they run to their end (a few seconds at the demo's scale; they
// write whole files only) and the demo stops after them, as after an
// interrupted training. The first signal sets interruptSeen (the steps stop
// on it) and says so on w, naming the step under way (current); a second
// ends the process at once, the default action being restored after the
// first. The returned function releases the signals.
func demoInterrupts(w io.Writer, current func() string) func() {
	ch := make(chan os.Signal, 1)
	demoNotify(ch)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			interruptSeen.Store(true)
			in := ""
			if c := current(); c != "" {
				in = " in step " + c
			}
			fmt.Fprintf(w, "\nstkit demo: %v%s: the demo stops once the command under way has stopped or ended (files are written whole) and runs no later step (press Ctrl-C again to quit at once)\n", s, in)
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
		})
	}
}

// writeDemoIndex writes index.html and prints the summary table.
func writeDemoIndex(g *globals, o demoOpts, sum *demoSummary) error {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>stkit demo</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}img{max-width:100%;border:1px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}figure{margin:1.5em 0}
figcaption{font-weight:bold;margin-bottom:.4em}.err{color:#b00}pre.cmd{background:#f4f4f4;padding:4px 8px;white-space:pre-wrap}pre.about{font-family:sans-serif;white-space:pre-wrap}</style></head><body>
<h1>stkit demo</h1>`)
	fmt.Fprintf(&b, "<p>Run %s: %s.</p>", html.EscapeString(sum.Started.Format(time.RFC1123)), html.EscapeString(sum.outcome()))
	fmt.Fprintf(&b, `<p>Settings (seed, patch size, patches per process, training epochs, L-BFGS steps, features): <code>%s</code>. `+
		`Every number and figure below comes from this one run; another <code>--seed</code> may differ. `+
		`The numbers are also in <a href="summary.json">summary.json</a>.</p><p>Processes:</p><ul>`, html.EscapeString(o.command()))
	for _, p := range sum.Processes {
		fmt.Fprintf(&b, "<li><b>%s</b>: %s</li>", html.EscapeString(p.name), html.EscapeString(p.about))
	}
	b.WriteString("</ul><h2>Key numbers</h2><table>")
	for _, kv := range sum.Numbers {
		fmt.Fprintf(&b, "<tr><th>%s</th><td><pre>%s</pre></td></tr>", html.EscapeString(kv[0]), html.EscapeString(kv[1]))
	}
	b.WriteString("</table><h2>Steps</h2><table><tr><th>step</th><th>seconds</th><th>status</th></tr>")
	for _, s := range sum.Steps {
		status := "ok"
		if s.Err != "" {
			status = `<span class="err">` + html.EscapeString(s.Err) + "</span>"
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%.1f</td><td>%s</td></tr>", html.EscapeString(s.Name), s.Seconds, status)
	}
	b.WriteString("</table>")
	// what each step does and the commands it ran, as the terminal said
	for _, s := range sum.Steps {
		if s.About == "" && len(s.Commands) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<h3>%s</h3>", html.EscapeString(s.Name))
		if s.About != "" {
			fmt.Fprintf(&b, `<pre class="about">%s</pre>`, html.EscapeString(s.About))
		}
		if len(s.Commands) > 0 {
			b.WriteString(`<pre class="cmd">`)
			for _, c := range s.Commands {
				b.WriteString("$ " + html.EscapeString(c) + "\n")
			}
			b.WriteString("</pre>")
		}
	}
	b.WriteString("<h2>Figures</h2>")
	for _, im := range sum.Images {
		fmt.Fprintf(&b, `<figure><figcaption>%s</figcaption><a href="%s"><img src="%s" alt="%s"></a></figure>`, html.EscapeString(im[0]), html.EscapeString(im[1]), html.EscapeString(im[1]), html.EscapeString(im[0]))
	}
	b.WriteString("<h2>Files</h2><table>")
	for _, f := range sum.Files {
		fmt.Fprintf(&b, `<tr><td>%s</td><td><a href="%s">%s</a></td></tr>`, html.EscapeString(f[0]), html.EscapeString(f[1]), html.EscapeString(f[1]))
	}
	b.WriteString("</table><h2>Next</h2><pre>" + html.EscapeString(demoNext) + "</pre></body></html>\n")
	idx := filepath.Join(o.out, "index.html")
	if err := checkpoints.WriteFileAtomic(idx, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := writeDemoSummary(o, sum, demoOutputsPresent(o.out)); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\nstkit demo: %s\n\n", sum.outcome())
	if len(sum.Numbers) > 0 { // none when stopped before step 2 ended
		printNumbers(g.stdout, sum.Numbers)
		fmt.Fprintln(g.stdout)
	}
	files := append([][2]string{{"overview (open in a browser)", "index.html"}}, sum.Files...)
	printPairs(g.stdout, o.out+string(filepath.Separator), files)
	if sum.Interrupted == "" {
		fmt.Fprintf(g.stdout, "\n%s", demoNext)
	}
	return nil
}

// writeDemoSummary writes summary.json: the steps, numbers and files of sum,
// and in demo_outputs the entries of the output folder that are the
// demo's (what --force removes: demoPrepareOut).
func writeDemoSummary(o demoOpts, sum *demoSummary, outputs []string) error {
	js, _ := json.MarshalIndent(struct {
		Command  string           `json:"command"`
		Settings map[string]any   `json:"settings"`
		Steps    []demoStepResult `json:"steps"`
		Numbers  [][2]string      `json:"numbers"`
		Files    [][2]string      `json:"files"`
		Outputs  []string         `json:"demo_outputs"`
		// stkit's commit, the command line and working directory (the demo
		// reads no input: it makes its maps)
		Prov *provenance `json:"provenance"`
	}{o.command(), map[string]any{"seed": o.seed, "size": o.size, "patches": o.patches, "epochs": o.epochs, "steps": o.steps, "kind": o.kind},
		sum.Steps, sum.Numbers, sum.Files, outputs, newProvenance()}, "", " ")
	return checkpoints.WriteFileAtomic(filepath.Join(o.out, "summary.json"), js, 0o644)
}

// demoNext tells what to run next: the demo's steps as commands on one's
// own maps (each checked to run as written, on the demo's maps).
const demoNext = `Next, the same steps on your own maps (.npy, .npz or FITS files, or folders of them):
  stkit patches -o mydata --size 64 --window moisan MAPS…
                                                    # patches and their ST features (the demo's statistic by default;
                                                    # moisan: without the cut edges' jump, as the demo)
  stkit train mydata -o myrun --clusters K          # GM-VAE with K components (see stkit train --help)
  stkit clusters myrun mydata -o assignments.csv    # the component of each patch, confusion with the sources, mosaics
  stkit export myrun -o mymodels                    # one ST model per component
  stkit sample mymodels --component 0 -n 4 -o synth.npy --report synth
                                                    # new maps from component 0, compared with its patches
  stkit separate MAP.npy --models mymodels --components 0,1 -o parts.npy --report sep
                                                    # split MAP into components 0 and 1 (+ --truth T.npy to score)
  stkit stats MAP.npy -o stats.json --plot dashboard.png
                                                    # the ST statistics of one map and their dashboard
The demo's own commands are the "$ stkit …" lines it printed; stkit <command> --help gives each command's flags.
`

// printNumbers prints the demo's key numbers: "what: value" when it fits on
// one line, else "what:" and the value's lines indented below it.
func printNumbers(w io.Writer, kv [][2]string) {
	for _, p := range kv {
		if !strings.Contains(p[1], "\n") && len([]rune(p[0]))+len([]rune(p[1])) <= 120 {
			fmt.Fprintf(w, "%s: %s\n", p[0], p[1])
			continue
		}
		fmt.Fprintf(w, "%s:\n", p[0])
		for _, l := range strings.Split(p[1], "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

func printPairs(w io.Writer, prefix string, kv [][2]string) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	for _, p := range kv {
		v := p[1]
		if prefix != "" {
			v = prefix + v
		}
		lines := strings.Split(v, "\n")
		fmt.Fprintf(tw, "%s\t%s\n", p[0], lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(tw, "\t%s\n", l)
		}
	}
	tw.Flush()
}

// plotProcesses draws one map per process side by side.
func plotProcesses(path string, maps []*stlayer.Maps) error {
	row := stlayer.NewMaps(len(maps), maps[0].M, maps[0].N)
	for i, m := range maps {
		copy(row.Map(i), m.Data)
	}
	return plotMapRow(path, row, func(i int) string { return demoProcesses[i].name })
}

// factorial is n! for the small n of the demo's component counts.
func factorial(n int) int {
	f := 1
	for i := 2; i <= n; i++ {
		f *= i
	}
	return f
}
