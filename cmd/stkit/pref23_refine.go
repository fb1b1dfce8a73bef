package main

import (
	"context"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// patchRefineFigures are the measured figures of separate --patch-refine
// (infer.RefineWithPatchPriors) for its help: BenchmarkSeparationQuality
// at 256² with STKIT_SEP_REFINE=1 (dust + Quijote, dust + noise draws 0
// and 1) and docs/experiments/research23_xdquijote.go (the second dust +
// Quijote draw); draw 0 of each case re-measured after FitPatchPrior's
// split reseeding (56537c2: 0.807 / 0.842, 0.839 / 0.940), draw 1 of each
// too (crops25: 0.791 / 0.836, 0.844 / 0.940).
const patchRefineFigures = "0.785 → 0.807 and 0.771 → 0.791 on two draws, pixel correlation 0.817 → 0.842; dust + white noise 0.828 → 0.839 and 0.836 → 0.844, pixel 0.935 → 0.940"

// checkPatchRefine refuses --patch-refine where it does not apply: the
// patch maps keep neither frozen pixels nor pixel bounds.
func checkPatchRefine(frozen, box string) error {
	if frozen != "" {
		return badInputf("--patch-refine cannot be combined with --frozen: the patch-prior refinement re-estimates every pixel, the frozen ones too; run without --patch-refine, or without --frozen")
	}
	if box != "none" {
		return badInputf("--patch-refine cannot be combined with --box %s: the patch-prior refinement does not keep pixel bounds; run without --patch-refine, or with --box none", box)
	}
	return nil
}

// patchRefineRun is a finished --patch-refine: the separation's result with
// the refined maps, and the refinement's options and time.
type patchRefineRun struct {
	res     *infer.SeparationResult
	opt     infer.PatchRefineOptions
	elapsed time.Duration
	// kMap, kSamples: the mixture components asked of the priors fitted on
	// one map (s̃, each round's map) and on the samples
	// (infer.PatchRefineOptions.PriorK; K on maps of 39×39 and more)
	kMap, kSamples int
}

// patchRefineStopped is the error of a refinement stopped by Ctrl-C: ended
// says where (metrics.json settings.ended); it unwraps to the context's.
type patchRefineStopped struct {
	ended string
	err   error
}

func (e *patchRefineStopped) Error() string { return e.ended + ": " + e.err.Error() }
func (e *patchRefineStopped) Unwrap() error { return e.err }

// patchRefineOptions are the options of separate --patch-refine
// (infer.RefineWithPatchPriors' defaults), the one place that builds them:
// its size check before the separation (CheckSize), the refinement
// (runPatchRefine) and the record of a refinement that did not run
// (patchRefineSetting) use them alike.
func patchRefineOptions() infer.PatchRefineOptions {
	return infer.PatchRefineOptions{}
}

// sepRefinedMeanNote is separate's mean line after --patch-refine: the
// shift of sepMeanShiftNote was applied to the separation's s̃, and the
// refined s̃ written is given its mean (infer.RefineWithPatchPriors, refx24:
// the patch separation's own mean was no closer to the truth's).
func sepRefinedMeanNote(shift, samplesMean float64) string {
	return fmt.Sprintf("separate: note: the statistics do not see the mean: s̃ shifted by %.4g to mean(DATA) − m (m = %.4g, the samples' mean); the refined s̃ (--patch-refine) is given that mean too\n", shift, samplesMean)
}

// runPatchRefine refines res.S with infer.RefineWithPatchPriors (defaults,
// the residual samples rs), a progress bar per stage, stopped by ctx.
func runPatchRefine(ctx context.Context, g *globals, d *stlayer.Maps, res *infer.SeparationResult, rs *stlayer.Maps) (*patchRefineRun, error) {
	var bar *progressbar.ProgressBar
	var at infer.PatchRefineStep
	opt := patchRefineOptions()
	kMap, kSamples := opt.PriorK(1, d.M, d.N), opt.PriorK(rs.B, d.M, d.N)
	if note := patchRefineKNote(opt, d.M, d.N, rs.B); note != "" {
		fmt.Fprint(g.stderr, note)
	}
	opt.Context = ctx
	opt.Progress = func(s infer.PatchRefineStep) {
		at = s
		if s.End {
			// a prior fit whose EM converged before its iterations (its
			// End step keeps the iterations run, Done, of at most Total)
			converged := s.Fit && s.Done > 0 && s.Done < s.Total
			if bar != nil {
				// rev2: its bar ends there, not at the full count (as
				// export's patch-prior bars, d97ac67)
				if converged {
					endBarAt(bar, s.Done, s.Total, fmt.Sprintf("patch refinement %d/%d: %s converged at iteration %d of at most %d", s.Index+1, s.Count, patchRefineStage(s), s.Done, s.Total))
				} else {
					endBar(bar, false)
				}
				bar = nil
			}
			em := "" // fixw24: and its stage line says so, as export's fit line
			if converged {
				em = fmt.Sprintf("EM converged after %d of at most %d iterations, ", s.Done, s.Total)
			}
			fmt.Fprintf(g.stderr, "separate: patch refinement %d/%d: %s, %s%.1f s\n", s.Index+1, s.Count, patchRefineStage(s), em, s.Elapsed.Seconds())
			return
		}
		if bar == nil {
			bar = newBar(g.stderr, s.Total, fmt.Sprintf("patch refinement %d/%d: %s", s.Index+1, s.Count, patchRefineStage(s)))
		}
		bar.Set(s.Done)
	}
	t := time.Now()
	out, err := infer.RefineWithPatchPriors(d, res.S, rs, opt)
	if bar != nil {
		endBar(bar, err != nil)
	}
	if err != nil {
		if ctx.Err() != nil {
			stage := "before its first stage"
			if at.Count > 0 {
				stage = fmt.Sprintf("at stage %d of %d (%s)", at.Index+1, at.Count, patchRefineStage(at))
				if at.End {
					stage = fmt.Sprintf("after stage %d of %d (%s)", at.Index+1, at.Count, patchRefineStage(at))
				}
			}
			return nil, &patchRefineStopped{ended: "interrupted during the patch-prior refinement (--patch-refine), " + stage + ": the maps are the finished separation's, not refined", err: ctx.Err()}
		}
		return nil, fmt.Errorf("--patch-refine: %w", err)
	}
	r := *res
	r.S = &stlayer.Maps{B: 1, M: d.M, N: d.N, Data: out.Map(0)}
	r.Residual = &stlayer.Maps{B: 1, M: d.M, N: d.N, Data: out.Map(1)}
	return &patchRefineRun{res: &r, opt: opt, elapsed: time.Since(t), kMap: kMap, kSamples: kSamples}, nil
}

// patchRefineKNote is separate --patch-refine's note when maps of m×n (and
// b sample maps) give the refinement's priors fewer components than K
// (infer.PatchRefineOptions.PriorK, refy24: with K 20 the prior of a 16²
// s̃ failed at its first EM iteration); "" when every prior keeps K. When
// PatchPriorOptions.MaxRows caps every map below K·(P² + 1) rows (not so
// at the defaults: 30000 ≥ 740), no map size keeps K and the note says so
// (the search for the smallest map that keeps K never ended before fixw24).
func patchRefineKNote(opt infer.PatchRefineOptions, m, n, b int) string {
	o := opt.WithDefaults().Prior
	km, ks := opt.PriorK(1, m, n), opt.PriorK(b, m, n)
	if km >= o.K && ks >= o.K {
		return ""
	}
	need := o.MinRows()
	larger := ""
	if o.MaxRows/need < o.K {
		larger = fmt.Sprintf("no map keeps K = %d: MaxRows %d caps the rows at %d components", o.K, o.MaxRows, o.MaxRows/need)
	} else {
		keep := o.P
		for opt.PriorK(1, keep, keep) < o.K {
			keep++
		}
		larger = fmt.Sprintf("maps of %d×%d and more keep K = %d", keep, keep, o.K)
	}
	return fmt.Sprintf("separate: note: --patch-refine on a %d×%d map: its patch priors take fewer mixture components than K = %d, each of which must hold P² + 1 = %d training rows (one map gives %d): K = %d for those fitted on one map (s̃, each round's map), %d for the one on the %d sample maps (%s)\n", m, n, o.K, need, opt.TrainingRows(1, m, n), km, ks, b, larger)
}

// patchRefineStage names a stage of the refinement for its progress.
func patchRefineStage(s infer.PatchRefineStep) string {
	if s.Fit {
		return "patch prior of the " + s.What + " (EM)"
	}
	return s.What
}

// patchRefineSetting is metrics.json's settings.patch_refine: the
// refinement's method and options (infer.PatchRefineOptions.WithDefaults:
// those it runs with; applied false when it did not run: the separation
// or the refinement was stopped); a refinement that ran adds k_map and
// k_samples, the components asked of its priors on one map and on the
// samples (infer.PatchRefineOptions.PriorK: below K on small maps).
func patchRefineSetting(r *patchRefineRun) map[string]any {
	opt := patchRefineOptions() // runPatchRefine's
	if r != nil {
		opt = r.opt
	}
	o := opt.WithDefaults()
	m := map[string]any{"method": "infer.RefineWithPatchPriors: patch priors on the samples and on s̃, SeparateWithPatchPriors, s̃'s binned spectrum imposed, refit rounds, s̃'s mean",
		"p": o.Prior.P, "k": o.Prior.K, "train_stride": o.Prior.Stride, "max_rows": o.Prior.MaxRows, "augment": !o.Prior.NoAugment, "reg": o.Prior.Reg,
		"iters": o.Prior.Iters, "seed": o.Prior.Seed, "stride": o.Stride, "rounds": o.Rounds, "applied": r != nil}
	if r != nil {
		m["seconds"] = r.elapsed.Seconds()
		m["k_map"], m["k_samples"] = r.kMap, r.kSamples // refy24: PriorK
	}
	return m
}

// sepRefineStopSaving ends the interrupt line of separate --patch-refine
// (runContext's saving): a Ctrl-C during the refinement writes the
// finished separation's maps, not refined (refx24: before, only the last
// line and settings.ended said so).
const sepRefineStopSaving = "; during the patch-prior refinement (--patch-refine) they are the finished separation's, not refined"
