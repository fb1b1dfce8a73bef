package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/stkit-org/stkit/infer"
)

// patchPriorProgress draws export's patch-prior fits: a bar of EM
// iterations per component, then a line with the fit's time. A fit whose
// EM converged before its Iters (the Done step's Iter below Iters, no
// Err) ends its bar at that iteration, described as converged, and its
// line says so (expx24: the bar was filled to Iters as if all had run).
func patchPriorProgress(g *globals) func(infer.PatchPriorStep) {
	var bar *progressbar.ProgressBar
	return func(s infer.PatchPriorStep) {
		converged := s.Done && s.Err == nil && s.Iter > 0 && s.Iter < s.Iters
		if s.Done {
			switch {
			case bar == nil:
			case converged:
				endBarAt(bar, s.Iter, s.Iters, fmt.Sprintf("patch prior %d/%d: EM converged at iteration %d of at most %d", s.Index+1, s.Count, s.Iter, s.Iters))
			default:
				endBar(bar, s.Err != nil) // a stopped fit's bar is not drawn as complete
			}
			bar = nil
			if s.Err != nil {
				return // reported as a warning
			}
			em := ""
			if converged {
				em = fmt.Sprintf("EM converged after %d of at most %d iterations, ", s.Iter, s.Iters)
			}
			fmt.Fprintf(g.stderr, "export: patch prior of component %d (%d of %d): %d sub-patch rows, %s%.1f s\n", s.Component, s.Index+1, s.Count, s.Rows, em, s.Elapsed.Seconds())
			if note := patchPriorLoweredKNote(s); note != "" {
				fmt.Fprintln(g.stderr, note)
			}
			return
		}
		if bar == nil {
			bar = newBar(g.stderr, s.Iters, fmt.Sprintf("patch prior %d/%d: EM", s.Index+1, s.Count))
		}
		bar.Set(s.Iter)
	}
}

// patchPriorLoweredKNote is export's one-line note on a patch prior fitted
// with fewer mixture components than --patch-prior-k (kcap25:
// infer.FitPatchPrior takes ⌊rows/(P² + 1)⌋ on fewer than K·(P² + 1)
// training rows, where such a fit could fail with "EM: no mixture
// component holds …"); "" when the fit used K. The manifest records the
// components used (patch_priors.mixture_components_used).
func patchPriorLoweredKNote(s infer.PatchPriorStep) string {
	if s.Err != nil || s.K < 1 || s.K >= s.KAsked {
		return ""
	}
	// export's priors: 6×6 (no flag sets P); K·(P² + 1) rows keep K
	// (KFor), counted in big integers: fixc25, the rows were counted up
	// one at a time (--patch-prior-k 1e9: 220 s after the fit, load 5 on
	// 2 cores), and K·37 overflows int from K ≈ 2.5e17 (never done)
	need := infer.PatchPriorOptions{K: s.KAsked}.MinRows()
	keep := new(big.Int).Mul(big.NewInt(int64(s.KAsked)), big.NewInt(int64(need)))
	return fmt.Sprintf("export: note: patch prior of component %d: %s, not --patch-prior-k %d: its %d training rows hold at most %d (each must hold P² + 1 = %d rows of 6×6 pixels; %d rows keep %d: more training patches, or a larger --patch-prior-rows where it capped them)",
		s.Component, plural(s.K, "mixture component"), s.KAsked, s.Rows, s.K, need, keep, s.KAsked)
}

// sepModelPatchPriorFlag adds separate --models' --patch-prior flag.
func sepModelPatchPriorFlag(fs *flag.FlagSet) *string {
	return fs.String("patch-prior", "auto", "use the model folder's pixel patch priors (stkit export --patch-prior) for two learned components: auto (when the folder has them and no --start is given), on (the patch-prior estimate is the result; no L-BFGS stage runs), start (start the statistics' stages from it) or off (the statistics alone). On the held-out dust + Quijote benchmark: worst-bin r 0.645/0.673 off, "+heldOutPatchPriorFigures)
}

// heldOutPatchPriorFigures are BenchmarkModelSeparationHeldOut's figures
// with the patch priors (--patch-prior on, start), for the flag's help.
const heldOutPatchPriorFigures = "0.775/0.802 on (default with priors); with 8×8 priors 0.760/0.785 on, 0.750/0.772 start"

// resolvePatchPrior turns --patch-prior into infer.ModelSepOptions.PatchPrior
// ("off", "only" or "start") for the components comps of ms; start tells
// whether --start was given.
func resolvePatchPrior(mode string, ms *infer.ModelSet, comps []infer.SepComponent, start bool) (string, error) {
	// two learned components with priors, and at most one noise:σ (its σ²
	// enters the patch-prior separation)
	have := infer.PatchPriorUnusable(ms, comps) == ""
	switch mode {
	case "auto":
		if have && !start {
			return "only", nil
		}
		return "off", nil
	case "off":
		return "off", nil
	case "on", "start":
		if start {
			return "", badInputf("--patch-prior %s sets the starting point; it contradicts --start (give one of them)", mode)
		}
		if mode == "on" {
			return "only", nil
		}
		return "start", nil
	}
	return "", badInputf("--patch-prior %q: want auto, on, start or off", mode)
}

// patchPriorMethodLine says which method separate --models ran; auto
// (--patch-prior auto without --start): why the statistics ran with a
// folder that has patch priors.
func patchPriorMethodLine(res *infer.ModelSepResult, ms *infer.ModelSet, comps []infer.SepComponent, auto bool) string {
	switch res.Method {
	case infer.MethodPatchPrior:
		pp := ms.Manifest.PatchPriors
		noise := ""
		for _, c := range comps {
			if s, ok := infer.NoiseSigma(c.Model); ok && slices.Index(ms.Components, c.Model) < 0 {
				noise = fmt.Sprintf(" plus white noise of variance %g (%s)", s*s, c.Name)
			}
		}
		return fmt.Sprintf("method: patch prior (the two-source posterior mean under the components' %s of %d×%d pixel patches%s, stride %d; no L-BFGS stage: --patch-prior off for the statistics alone)", patchPriorKWords(ms, learnedPair(ms, comps)), pp.P, pp.P, noise, infer.DefaultPatchSepStride)
	case infer.MethodPatchPriorFilter:
		pp := ms.Manifest.PatchPriors
		return fmt.Sprintf("method: patch prior + feature filter (the two-source posterior mean under the components' %s of %d×%d pixel patches, stride %d, %s; no L-BFGS stage: --patch-prior off for the statistics alone)", patchPriorKWords(ms, learnedPair(ms, comps)), pp.P, pp.P, infer.DefaultPatchSepStride, featureFilterMethodWords(featureFilterUsed(res, ms, comps)))
	case infer.MethodPatchPriorStatistics:
		return "method: patch prior + statistics (the L-BFGS stages started from the patch-prior estimate)"
	}
	if ms.Manifest.PatchPriors == nil {
		return "method: statistics (the model folder has no patch priors: stkit export --patch-prior adds them)"
	}
	if why := patchPriorMissing(ms, comps); auto && why != "" {
		return "method: statistics (" + why + ")"
	}
	return "method: statistics"
}

// sepMethodLine is separate --models' method line (patchPriorMethodLine);
// mode is --patch-prior, start whether --start was given. With auto and
// --start on a folder whose patch priors could separate comps, the
// statistics ran because --start turned the priors off: the line says so
// (it said "method: statistics" alone).
func sepMethodLine(res *infer.ModelSepResult, ms *infer.ModelSet, comps []infer.SepComponent, mode string, start bool) string {
	if mode == "auto" && start && res.Method == infer.MethodStatistics && ms.Manifest.PatchPriors != nil && patchPriorMissing(ms, comps) == "" {
		return "method: statistics (--start turned the folder's patch priors off: --patch-prior auto uses them only without a --start, whose maps are then the starting point; drop --start to separate with them)"
	}
	if why := patchPriorUnservable(ms, comps); mode == "auto" && res.Method == infer.MethodStatistics && ms.Manifest.PatchPriors == nil && why != "" {
		// no prior could serve these components: "export --patch-prior
		// adds them" would not help (a noise or third component)
		return "method: statistics (the model folder has no patch priors, and " + why + ")"
	}
	return patchPriorMethodLine(res, ms, comps, mode == "auto" && !start)
}

// patchPriorUnservable says why no patch prior can separate comps ("" when
// they are two of the folder's learned components and at most one
// noise:σ, infer.PatchPriorUnusable's roles, whether or not the folder has
// priors for them).
func patchPriorUnservable(ms *infer.ModelSet, comps []infer.SepComponent) string {
	if len(comps) != 2 && len(comps) != 3 {
		return fmt.Sprintf("the patch prior separates two learned components and at most one noise:σ, --components gives %d", len(comps))
	}
	learned, noise := 0, 0
	for _, c := range comps {
		if slices.Index(ms.Components, c.Model) >= 0 {
			learned++
			continue
		}
		if _, ok := infer.NoiseSigma(c.Model); ok && noise == 0 {
			noise++
			continue
		}
		return fmt.Sprintf("%s is neither one of the folder's learned components nor one noise:σ, so no patch prior would serve it", c.Name)
	}
	if learned != 2 {
		return fmt.Sprintf("the patch prior separates two learned components (and at most one noise:σ), --components gives %d learned", learned)
	}
	return ""
}

// patchPriorAbsentNote is separate --models' note on a model folder without
// patch priors ("" when none is due): with --patch-prior auto, no --start
// and two learned components (and at most one noise:σ), priors would have
// been used and separate
// better (issue #8's held-out benchmark), which nothing said. It names the
// export that fits them, with the folder's training run as noteRunArg
// gives it: relative to the working directory below it, as the manifest
// records it elsewhere, and RUN with the record when the run is not there
// (a folder copied from another machine; before s23 the note named the
// recorded absolute path whether or not it existed). When the manifest
// records its export's options (export_options, fixd23) the note prints
// the complete command (recordedExportFlags: every option explicit,
// --patch-prior added, -o a new folder beside the one in use,
// priorsFolderFor); folders exported before it get "give the other export
// options … was made with".
func patchPriorAbsentNote(ms *infer.ModelSet, comps []infer.SepComponent, mode string, start bool) string {
	if mode != "auto" || start || ms.Manifest.PatchPriors != nil || patchPriorUnservable(ms, comps) != "" {
		return ""
	}
	run, missing := noteRunArg(ms.Manifest.Source.Run)
	outArgs := "DIR" // what follows -o: the folder, and the recorded flags
	var notes []string
	if missing {
		notes = append(notes, fmt.Sprintf("RUN: the training run the models come from, which %s records as %s, not found here (a copy of it, or its new location)", filepath.Join(ms.Dir, infer.ModelManifestFile), ms.Manifest.Source.Run))
	}
	if flags, recorded := recordedExportFlags(ms, false); flags != nil {
		// fixd23: the folder records its export's options (export_options):
		// the complete command, where the note said "give the other export
		// options"
		// expx24: the command exported into -o the folder in use,
		// replacing the models being used; it proposes a new folder
		// beside it
		fresh := priorsFolderFor(ms.Dir)
		where := fmt.Sprintf("in the new folder %s beside %s, which is left as it is", fresh, ms.Dir)
		if fresh == "" { // fixz24: the filesystem root, with no folder beside it
			fresh = "DIR"
			where = fmt.Sprintf("in a new folder DIR (not %s itself: that would replace the models in use)", ms.Dir)
		}
		outArgs = shellQuote(fresh) + " " + strings.Join(flags, " ")
		notes = append(append(notes, recorded...), fmt.Sprintf("the options %s records in export_options, with --patch-prior added: the same models again, with priors, %s; separate --models %s then uses them", filepath.Join(ms.Dir, infer.ModelManifestFile), where, shellQuote(fresh)))
	} else {
		notes = append(notes, fmt.Sprintf("give the other export options %s was made with", ms.Dir))
	}
	detail := strings.Join(notes, "; ")
	return fmt.Sprintf("%s has no patch priors: for two learned components they separate better than the statistics (held-out dust + Quijote benchmark, mean worst-bin r %s → %s), and separate --models uses them by default; stkit export %s -o %s --patch-prior fits them (%s)",
		ms.Dir, heldOutStatisticsFigures, heldOutPriorFigures, shellQuote(run), outArgs, detail)
}

// priorsFolderFor is the new folder the no-priors note's export writes
// into, beside the model folder dir: dir with "-priors" appended
// ("models" → "models-priors", "models/" too; dir as an absolute path when
// it ends in "." or ".."), or "-priors-2", "-priors-3", … when that name is
// taken (expx24: the note's command wrote into dir itself, replacing the
// models in use). It is "" for the filesystem root ("/", or "." in it),
// which has no folder beside it (fixz24: it was "/-priors", inside it).
func priorsFolderFor(dir string) string {
	d := filepath.Clean(dir)
	if b := filepath.Base(d); b == "." || b == ".." || b == string(filepath.Separator) {
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
	}
	if filepath.Dir(d) == d { // the root ("/", a volume's root), or "." with no working directory known
		return ""
	}
	name := d + "-priors"
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); err != nil {
			return name // not there (or not to be seen)
		}
		name = fmt.Sprintf("%s-priors-%d", d, i)
	}
}

// noteRunArg is a model folder's training run (ModelSource.Run, the
// absolute path ExportModels records) as a note's command line names it:
// relative to the working directory when the run lies below it ("." for
// the working directory itself), as recorded otherwise; "RUN" when none is
// recorded, and "RUN" with missing set when nothing is at the recorded
// path (the folder moved to another machine, or the run moved or removed).
func noteRunArg(run string) (arg string, missing bool) {
	if run == "" {
		return "RUN", false
	}
	if _, err := os.Stat(run); err != nil {
		return "RUN", true
	}
	if !filepath.IsAbs(run) {
		return run, false
	}
	wd, err := os.Getwd()
	if err != nil {
		return run, false
	}
	if rel, ok := relBelow(wd, run); ok {
		return rel, false
	}
	return run, false
}

// heldOutStatisticsFigures and heldOutPriorFigures are
// BenchmarkModelSeparationHeldOut's mean worst-bin r (dust/Quijote) with
// the statistics alone and with the default patch priors (README, "Patch
// priors").
const (
	heldOutStatisticsFigures = "0.645/0.673"
	heldOutPriorFigures      = "0.775/0.802"
)

// patchPriorMissing says why the patch prior cannot separate comps with
// the folder's priors ("" when it can). infer.CheckPatchPriors runs once
// (fixz24: it ran twice, through infer.PatchPriorUnusable first).
func patchPriorMissing(ms *infer.ModelSet, comps []infer.SepComponent) string {
	check := infer.CheckPatchPriors(ms, comps)
	if check.Reason == infer.PatchPriorUsable {
		return ""
	}
	// The roles (two learned, at most one noise:σ) as patchPriorUnservable
	// words them: a noise:σ needs no prior, so it is never the reason.
	if why := patchPriorUnservable(ms, comps); why != "" {
		return why
	}
	for _, c := range comps {
		if k := slices.Index(ms.Components, c.Model); k >= 0 && !ms.HasPatchPriors(k, k) {
			return fmt.Sprintf("%s has no patch prior in %s: stkit export --patch-prior fits one; its export warned why it got none (fewer training rows than P² + 1, constant patches, or too few distinct sub-patches)", c.Name, ms.Dir)
		}
	}
	return patchPriorCheckWords(check)
}

// The demo's patch priors (stkit demo, step 5): scaled down from export's
// defaults (K 20, ≤ 30000 rows) to keep the demo within seconds of its
// time without them.
const (
	demoPatchPriorK    = 5
	demoPatchPriorRows = 3000
)

// demoSepStartWords says what "start" is in the demo's separation scores:
// the Wiener-filter first guess, or the patch-prior estimate itself
// (metrics.json settings.method).
func demoSepStartWords(path string) string {
	var m struct {
		Settings struct {
			Method string `json:"method"`
		} `json:"settings"`
	}
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &m) == nil && patchPriorOnly(m.Settings.Method) {
		return "method: " + m.Settings.Method + ", no L-BFGS stage; start = the same estimate"
	}
	return demoWienerStart
}

const demoWienerStart = "start = Wiener-filter first guess"

// patchPriorSepProgress follows separate --models' patch-prior estimate
// (infer.ModelSepOptions.PatchPriorProgress): a bar of the data patches
// done, or with --log-every a line at its end (a 1024² map at stride 1 is
// about 10⁶ patches: minutes). The function returned second closes a bar
// the estimate left unfinished (stopped, Ctrl-C) at the count reached, as
// endBar does the L-BFGS bar (pfixcli22: it was left open, and on a log its
// line, held back in the first seconds, never came); it does nothing after
// a finished estimate.
func patchPriorSepProgress(g *globals, lines bool) (func(done, total int), func()) {
	var bar interface {
		Set(int) error
		Finish() error
		Exit() error
	}
	closed := false
	t0 := time.Now()
	progress := func(done, total int) {
		if lines {
			if done == total {
				fmt.Fprintf(g.stderr, "separate: patch prior: %d data patches, %.1f s\n", total, time.Since(t0).Seconds())
			}
			return
		}
		if bar == nil {
			bar = newBar(g.stderr, total, "patch prior: patches")
		}
		bar.Set(done)
		if done == total {
			bar.Finish()
			closed = true
		}
	}
	end := func() {
		if bar != nil && !closed {
			endBar(bar, true)
			closed = true
		}
	}
	return progress, end
}

// patchPriorSaving is the interrupt handler's "stopping, …" clause for
// separate --models (stkit: interrupt: stopping, SAVING (press Ctrl-C
// again …)), saving the usual one (the maps reached go to the partial
// file), for the patch-prior mode (infer.ModelSepOptions.PatchPrior), OUT
// and the --report folder (""). A stop during the patch-prior estimate
// writes nothing (it is all or nothing: the run's final error says so);
// with the estimate alone ("only") a stop after it lets the run finish
// (no L-BFGS stage is left to stop), and with "start" a stop in the
// L-BFGS stages after it writes the maps reached (pfixcli22: the line said
// they went to the partial file in every phase).
func patchPriorSaving(saving, mode, out, report string) string {
	switch mode {
	case "only":
		what, writes := "no partial file", out
		if report != "" {
			what, writes = what+", no report", out+" and "+report
		}
		return "the patch-prior estimate, the whole of this run, is all or nothing: stopped during it, nothing is written (" + what + "); once it has ended, the run finishes and writes " + writes
	case "start":
		return saving + " once the patch-prior estimate has ended (stopped during it, nothing is written: it is all or nothing)"
	}
	return saving
}

// patchPriorUnusedFlags lists the settings that the patch prior alone (no
// L-BFGS stage) leaves unused: steps, tau and init always, and --positive
// and --gauss-prior when given (positive non-empty; gaussSet: the flag was
// set). It returns the given ones by their report key (settings.unused in
// metrics.json: "positive", "gauss_prior"); sepUnusedWords words them.
func patchPriorUnusedFlags(positive string, gaussPrior float64, gaussSet bool) map[string]string {
	var given map[string]string
	if positive != "" {
		given = map[string]string{"positive": positive}
	}
	if gaussSet {
		if given == nil {
			given = map[string]string{}
		}
		given["gauss_prior"] = strconv.FormatFloat(gaussPrior, 'g', -1, 64)
	}
	return given
}

// patchPriorKeptK returns the number of Gaussians of the folder's loaded
// patch priors of components ks (all of them when ks is nil), skipping
// components without one; nil when they cannot be read. FitPatchPrior
// drops dead Gaussians, so a prior may hold fewer than the K asked
// (Manifest.PatchPriors.K).
func patchPriorKeptK(ms *infer.ModelSet, ks []int) []int {
	pps, err := ms.LoadPatchPriors()
	if err != nil {
		return nil
	}
	if ks == nil {
		for k := range pps {
			ks = append(ks, k)
		}
	}
	var out []int
	for _, k := range ks {
		if k >= 0 && k < len(pps) && pps[k] != nil {
			out = append(out, pps[k].K)
		}
	}
	return out
}

// patchPriorUsedK returns the mixture components the fits of the folder's
// patch priors of components ks (all of them when ks is nil) started from,
// skipping components without one (the manifest's
// patch_priors.mixture_components_used, kcap25: below K on too few
// training rows); nil when the manifest does not record them (every fit
// used K, or a folder exported before kcap25).
func patchPriorUsedK(ms *infer.ModelSet, ks []int) []int {
	rec := ms.Manifest.PatchPriors
	if rec == nil || len(rec.KUsed) != len(rec.Files) {
		return nil
	}
	if ks == nil {
		for k := range rec.Files {
			ks = append(ks, k)
		}
	}
	var out []int
	for _, k := range ks {
		if k >= 0 && k < len(rec.Files) && rec.Files[k] != "" {
			out = append(out, rec.KUsed[k])
		}
	}
	return out
}

// patchPriorKWords names the Gaussians of the priors of the pair ks for
// separate's method line: "20-Gaussian priors" when both hold the K asked,
// else what they hold, e.g. "20- and 17-Gaussian priors (K 20 asked: the
// fit dropped dead Gaussians)"; when a fit started from fewer than K (too
// few training rows, patchPriorUsedK), "5- and 4-Gaussian priors (K 20
// asked, 13 and 20 fitted on their training rows; the fit dropped dead
// Gaussians)", the last clause only where they keep fewer than fitted.
func patchPriorKWords(ms *infer.ModelSet, ks []int) string {
	asked := ms.Manifest.PatchPriors.K
	kept := patchPriorKeptK(ms, ks)
	if len(kept) != 2 || (kept[0] == asked && kept[1] == asked) {
		return fmt.Sprintf("%d-Gaussian priors", asked)
	}
	why := fmt.Sprintf(" (K %d asked: the fit dropped dead Gaussians)", asked)
	if used := patchPriorUsedK(ms, ks); len(used) == 2 && (used[0] < asked || used[1] < asked) {
		fitted := fmt.Sprintf("%d and %d fitted", used[0], used[1])
		if used[0] == used[1] {
			fitted = fmt.Sprintf("%d fitted", used[0])
		}
		why = fmt.Sprintf(" (K %d asked, %s on their training rows)", asked, fitted)
		if kept[0] < used[0] || kept[1] < used[1] {
			why = fmt.Sprintf(" (K %d asked, %s on their training rows; the fit dropped dead Gaussians)", asked, fitted)
		}
	}
	if kept[0] == kept[1] {
		return fmt.Sprintf("%d-Gaussian priors%s", kept[0], why)
	}
	return fmt.Sprintf("%d- and %d-Gaussian priors%s", kept[0], kept[1], why)
}

// patchPriorExportK is export's "K … Gaussians" for the folder's priors:
// "K 20 Gaussians" when each holds the K asked, else "K 20 Gaussians
// asked, kept 20 and 17 (the fit drops dead ones)", one figure per
// component with a prior; when a fit started from fewer than K (too few
// training rows, patchPriorUsedK) "K 20 Gaussians asked, fitted 13 and
// 20 (at most one per P² + 1 training rows), kept 5 and 17 (the fit drops
// dead ones)", the kept part only where they keep fewer than fitted.
func patchPriorExportK(ms *infer.ModelSet) string {
	asked := ms.Manifest.PatchPriors.K
	kept := patchPriorKeptK(ms, nil)
	var ws []string
	same := true
	for _, k := range kept {
		ws = append(ws, strconv.Itoa(k))
		same = same && k == asked
	}
	if same {
		return fmt.Sprintf("K %d Gaussians", asked)
	}
	if used := patchPriorUsedK(ms, nil); len(used) == len(kept) {
		var us []string
		lowered, dropped := false, false
		for i, k := range used {
			us = append(us, strconv.Itoa(k))
			lowered = lowered || k < asked
			dropped = dropped || kept[i] < k
		}
		if lowered {
			s := fmt.Sprintf("K %d Gaussians asked, fitted %s (at most one per P² + 1 training rows)", asked, andList(us))
			if dropped {
				s += fmt.Sprintf(", kept %s (the fit drops dead ones)", andList(ws))
			}
			return s
		}
	}
	return fmt.Sprintf("K %d Gaussians asked, kept %s (the fit drops dead ones)", asked, andList(ws))
}

// patchPriorUnusedStatFlags adds to unused (patchPriorUnusedFlags' map) the
// statistic's --stride and --min-fraction when given: with the patch prior
// alone no statistic tile is constrained and no coefficient mask applies,
// so metrics.json keeps them in settings.unused (as given), not among the
// settings that applied (fix5: it recorded stride 0 and min_fraction
// always).
func patchPriorUnusedStatFlags(fs *flag.FlagSet, unused map[string]string) map[string]string {
	for _, name := range []string{"stride", "min-fraction"} {
		if !isSet(fs, name) {
			continue
		}
		if unused == nil {
			unused = map[string]string{}
		}
		unused[strings.ReplaceAll(name, "-", "_")] = fs.Lookup(name).Value.String()
	}
	return unused
}
