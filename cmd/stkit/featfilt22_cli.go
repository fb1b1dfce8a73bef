package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/stkit-org/stkit/infer"
)

// exportFeatureFilterFlags adds export's --feature-filter and
// --feature-filter-mixtures flags.
func exportFeatureFilterFlags(fs *flag.FlagSet) (*string, *int) {
	mix := fs.Int("feature-filter-mixtures", 120, "training mixtures per fold of each feature filter (with --feature-filter; fewer: faster, noisier; the cost grows with it)")
	return fs.String(
		"feature-filter", "", "also fit, for each pair a,b ('0,1'; several: '0,1;1,2'; one direction per pair, not both 0,1 and 1,0), a feature filter (feature_filter_<a>_<b>.npz) that refines the patch-prior estimate of a: a per-annulus ridge filter from wavelet feature maps of the mixture, learned on synthetic mixtures of the two components' training patches (needs --patch-prior; separate --models uses it by default). On the held-out dust + Quijote benchmark: "+heldOutFeatureFilterFigures+". Costly: 4 more patch priors and 240 patch-prior estimates of the training patches per pair, for the benchmark's pair of 64² clusters on 2 cores 182 s at load 2 (the 690 s measured at load 16 predates the parallel half priors)"), mix
}

// heldOutFeatureFilterFigures are BenchmarkModelSeparationHeldOut's figures
// with the feature filter, for the flags' help.
const heldOutFeatureFilterFigures = "worst-bin r 0.775/0.802 with the patch prior alone, 0.808/0.805 with the filter"

// parseExportFeatureFilter turns --feature-filter into
// infer.ExportOptions.FeatureFilter (nil when empty).
func parseExportFeatureFilter(s string, patchPrior bool, mixtures int) ([][2]int, error) {
	if mixtures < 4 {
		return nil, badInputf("--feature-filter-mixtures %d: want at least 4 (a quarter is held aside to choose the ridge α)", mixtures)
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	pairs, err := infer.ParseFeatureFilterPairs(s)
	if err != nil {
		return nil, badInputf("--feature-filter: %v", err)
	}
	if !patchPrior {
		return nil, badInputf("--feature-filter %s refines the patch-prior estimate: it needs --patch-prior", s)
	}
	return pairs, nil
}

// featureFilterProgress follows export's feature-filter fits: a bar per
// stage of each pair, finished when the stage reaches its total. end,
// called once the export has returned, closes a bar still open as
// stopped: infer sends no step when a fit stops (Ctrl-C, an error), and
// the bar was left open (fixy24: on a log the line it held back was never
// written, on a terminal the next line ran on after it). The bar is
// cleared and a line says where the stage stopped, "export: feature
// filter 0,1: training estimates stopped at 3 of 240": a bar's last
// drawing can lag its count (redraws are throttled), so that neither the
// full count nor a stale one is shown. A stage that changes before its
// total is reached is ended so too, not drawn as complete.
func featureFilterProgress(g *globals) (progress func(infer.FeatureFilterStep), end func()) {
	var bar *progressbar.ProgressBar
	stage, desc := "", ""
	done, total := 0, 0
	end = func() {
		if bar == nil {
			return
		}
		_ = bar.Clear()
		bar = nil
		fmt.Fprintf(g.stderr, "export: %s stopped at %d of %d\n", desc, done, total)
	}
	progress = func(s infer.FeatureFilterStep) {
		if s.Stage != stage || bar == nil {
			end()
			stage = s.Stage
			desc = fmt.Sprintf("feature filter %d,%d: %s", s.Pair[0], s.Pair[1], s.Stage)
			bar = newBar(g.stderr, s.Total, desc)
		}
		done, total = s.Done, s.Total
		bar.Set(s.Done)
		if s.Done >= s.Total {
			bar.Finish()
			bar = nil
		}
	}
	return progress, end
}

// featureFilterExportLines describes the exported feature filters. Where
// the record has the half priors' components (fixb25: HalfKUsed, one of
// them below the patch priors' K on half of a component's training rows)
// the line ends "; half priors: K 20 Gaussians asked, fitted 2 and 2 for
// component 0's halves, 2 and 2 for component 1's (at most one per P² + 1
// training rows)", as the patch priors' line gives the full priors'.
func featureFilterExportLines(man *infer.ModelManifest) []string {
	var out []string
	for _, r := range man.FeatureFilters {
		half := ""
		if h := r.HalfKUsed; len(h) == 2 && len(h[0]) == 2 && len(h[1]) == 2 && man.PatchPriors != nil {
			half = fmt.Sprintf("; half priors: K %d Gaussians asked, fitted %d and %d for component %d's halves, %d and %d for component %d's (at most one per P² + 1 training rows)",
				man.PatchPriors.K, h[0][0], h[0][1], r.A, h[1][0], h[1][1], r.B)
		}
		out = append(out, fmt.Sprintf("feature filter of component %d against %d: features %s (%d channels), α %g, %d training mixtures per fold, held-aside worst-bin r %.3f/%.3f, %.0f s (%s)%s",
			r.A, r.B, strings.Join(r.Features, ","), r.Channels, r.Alpha, r.Mixtures, r.HeldAside[0], r.HeldAside[1], r.FitSeconds, r.File, half))
	}
	return out
}

// sepModelFeatureFilterFlag adds separate --models' --feature-filter flag.
func sepModelFeatureFilterFlag(fs *flag.FlagSet) *string {
	return fs.String("feature-filter", "auto", "refine the patch-prior estimate with the model folder's feature filter for the pair (stkit export --feature-filter): auto (when the folder has one and the patch prior alone runs, two learned components without noise) or off. On the held-out dust + Quijote benchmark: "+heldOutFeatureFilterFigures)
}

// resolveFeatureFilter checks --feature-filter.
func resolveFeatureFilter(mode string) (string, error) {
	if mode != "auto" && mode != "off" {
		return "", badInputf("--feature-filter %q: want auto or off", mode)
	}
	return mode, nil
}

// patchPriorOnly reports whether no L-BFGS stage ran: the patch prior
// alone, or refined by a feature filter.
func patchPriorOnly(method string) bool {
	return method == infer.MethodPatchPrior || method == infer.MethodPatchPriorFilter
}

// featureFilterUsed returns the manifest record of the filter that refined
// the separation of comps (nil when none).
func featureFilterUsed(res *infer.ModelSepResult, ms *infer.ModelSet, comps []infer.SepComponent) *infer.ModelFeatureFilter {
	ks := learnedPair(ms, comps)
	if res.Method != infer.MethodPatchPriorFilter || ks == nil {
		return nil
	}
	f, err := ms.FeatureFilterFor(ks[0], ks[1])
	if err != nil || f == nil {
		return nil
	}
	for i := range ms.Manifest.FeatureFilters {
		if r := &ms.Manifest.FeatureFilters[i]; r.A == f.A && r.B == f.B {
			return r
		}
	}
	return nil
}

// featureFilterMethodWords describes the filter in the method line.
func featureFilterMethodWords(r *infer.ModelFeatureFilter) string {
	if r == nil {
		return "refined by the folder's feature filter"
	}
	return fmt.Sprintf("refined by the feature filter %s of component %d: features %s, learned on %d × 2 synthetic training mixtures; --feature-filter off for the patch prior alone", r.File, r.A, strings.Join(r.Features, ","), r.Mixtures)
}

// featureFilterSettings records --feature-filter and the filter used in
// metrics.json's settings.
func featureFilterSettings(set map[string]any, mode string, r *infer.ModelFeatureFilter) {
	set["feature_filter"] = mode
	if r != nil {
		set["feature_filter_used"] = map[string]any{"file": r.File, "a": r.A, "b": r.B, "features": r.Features, "alpha": r.Alpha}
	}
}

// featureFilterApplies reports whether separate --models will refine the
// patch-prior estimate of comps with the folder's feature filter: mode
// auto, two learned components (no noise) with a filter for the pair.
func featureFilterApplies(ms *infer.ModelSet, comps []infer.SepComponent, mode string) bool {
	ks := learnedPair(ms, comps)
	if mode != "auto" || len(comps) != 2 || ks == nil {
		return false
	}
	f, err := ms.FeatureFilterFor(ks[0], ks[1])
	return err == nil && f != nil
}

// learnedPair returns the folder's component numbers of the learned
// components among comps when there are exactly two (nil otherwise).
func learnedPair(ms *infer.ModelSet, comps []infer.SepComponent) []int {
	var ks []int
	for _, c := range comps {
		for k, m := range ms.Components {
			if m == c.Model {
				ks = append(ks, k)
			}
		}
	}
	if len(ks) != 2 {
		return nil
	}
	return ks
}

// featureFilterUnusedWhy names the flag that kept the folder's feature
// filter for comps out of the separation ("" when none did): the filter
// refines the patch-prior estimate alone, so with --feature-filter auto and
// a filter for the pair, --patch-prior start or off (or auto with --start)
// leaves it unused, which nothing said (fix5: metrics.json recorded
// feature_filter "auto" as if it applied).
func featureFilterUnusedWhy(ms *infer.ModelSet, comps []infer.SepComponent, ffMode, ppMode string, start bool) string {
	why := ""
	switch {
	case ppMode == "start" || ppMode == "off":
		why = "--patch-prior " + ppMode
	case ppMode == "auto" && start:
		why = "--start"
	}
	if why == "" || !featureFilterApplies(ms, comps, ffMode) {
		return ""
	}
	return why
}

// featureFilterUnusedLine adds to the method line that the folder's feature
// filter went unused because of why (featureFilterUnusedWhy; the line as
// it is when why is "").
func featureFilterUnusedLine(line, why string) string {
	if why == "" {
		return line
	}
	clause := "the folder's feature filter refines the patch prior alone, not used with " + why
	if strings.HasSuffix(line, ")") {
		return line[:len(line)-1] + "; " + clause + ")"
	}
	return line + " (" + clause + ")"
}
