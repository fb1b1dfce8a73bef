//go:build ignore

// Experiment for issue #8 target (b) (session 23, aug): how robust is the
// learned-model separation (patch prior + feature filter, the default of
// SeparateWithModels when the folder has both) across draws of the
// held-out mixtures, and do cheap variants make the dust figure robust?
// No program: every figure is BenchmarkModelSeparationHeldOut (infer/
// modelsep_heldout_test.go), run on models2 with priors and filters
// fitted by it and cached in one folder, for mixture draws
// STKIT_MODELSEP_MIXSEED = 7 (the default, the figure of record) … 12,
// 30 mixtures each (180 in all):
//
//	STKIT_MODELSEP_FILTER=1 STKIT_MODELSEP_PRIORS=DIR STKIT_MODELSEP_BINS=1 \
//	STKIT_MODELSEP_MIXSEED=S STKIT_MODELSEP_MODELS=/work/stkit-try/models2 \
//	go test ./infer -run '^$' -bench ModelSeparationHeldOut -benchtime 1x -timeout 0 -v
//
// (STKIT_MODELSEP_FILTER unset: the patch prior alone, same priors). The
// per-mixture lines of STKIT_MODELSEP_BINS=1 (worst-bin r and pixel
// correlation of each mixture, 0a930e3) give the pooled means, their
// standard errors and the paired differences below. Library at c69c3d5
// (+ the benchmark knobs below, in a scratch copy of the tree); priors and
// filter refitted at that commit (the priors 21–164 s per component, the
// filter 25 min wall at load 13–20 on 2 shared cores, 6.6 min of CPU;
// a benchmark run 1–7 min by load). Load 3–20 throughout.
//
// 1. Baseline over six draws (mean worst-bin r over the bins where the
// component holds ≥ 30 % of the power, dust / Quijote; pixel correlation):
//
//	MIXSEED        patch prior alone              patch prior + feature filter
//	               worst-bin r    pixel corr      worst-bin r    pixel corr
//	 7 (default)   0.776 0.805    0.715 0.930     0.808 0.805    0.750 0.938
//	 8             0.728 0.766    0.716 0.929     0.781 0.803    0.759 0.939
//	 9             0.709 0.775    0.758 0.919     0.747 0.780    0.790 0.930
//	10             0.752 0.753    0.741 0.921     0.790 0.790    0.777 0.935
//	11             0.712 0.707    0.719 0.927     0.733 0.735    0.754 0.937
//	12             0.676 0.763    0.730 0.922     0.703 0.756    0.759 0.931
//	all 180        0.725 ± 0.016  0.730 0.924     0.760 ± 0.015  0.765 0.935
//	               0.762 ± 0.010                  0.778 ± 0.011
//
// Paired gain of the filter over the patch prior, all 180: +0.035 ± 0.005
// (dust) / +0.016 ± 0.006 (Quijote). Mixtures with worst-bin r ≥ 0.8:
// filter dust 84, Quijote 104, both 63 of 180 (prior alone 66, 92, 47).
// The seed-to-seed spread of the 30-mixture means (s.d. 0.039 dust,
// 0.028 Quijote, filter) equals the standard error of one 30-mixture mean
// (0.033 and 0.026 on average; 0.018–0.066 by seed): seed 8 is not a
// special draw, and seed 7 — the figure of record — is the easiest of the
// six. Over 180 mixtures the filter gives 0.760 / 0.778: target (b)'s
// r ≥ 0.8 holds on seed 7's draw, not on average.
//
// The priors refitted at c69c3d5 are not session 22's (EM reseeding and
// seeding fixes since, 45599d0, 70b32b1): the prior alone gives 0.776 /
// 0.805 and 0.728 / 0.766 on seeds 7 and 8 against session 22's 0.775 /
// 0.802 and 0.722 / 0.758; the filter refitted on them 0.808 / 0.805
// (pixel 0.750 / 0.938) and 0.781 / 0.803 against 0.808 / 0.805 (0.748 /
// 0.938) and 0.776 / 0.799.
//
// Per half-octave bin (STKIT_MODELSEP_BINS=1, filter): the worst dominant
// bin of dust is bin 1 or 2 (|k| ≈ 1.4–2.8 cycles per map) in half the
// mixtures, on every seed; what moves a seed's mean is how many finer bins
// cross 30 % of the power (seed 9: dust bin 4 at mean fraction 0.30, r
// 0.668, enters for many mixtures; seed 7: 0.33 at bin 3, r 0.69). Bin
// means hardly differ between seeds (dust bin 1: 0.845 on seed 8, 0.840
// on seed 9).
//
// 2. Variants (chosen on seeds 7 and 8, paired with the baseline on the
// same mixtures; mean ± s.e. of the per-mixture differences):
//
// a. Augmentation. FitPatchPrior already enters every 6×6 sub-patch
// under the 8 rotations and flips, and FitFeatureFilter draws its training
// mixtures under a random one of them. Fewer, for MHD dust's mean-field
// direction: a hook PatchPriorOptions.Transforms (the dihedral copies, t
// as in dihedralPatch: 0 identity, 2 the 180° rotation, 4 and 6 the two
// mirror flips) used by patchTrainingMatrix and by the filter's training
// mixtures (t = Transforms[rng.IntN(8) mod len], same draws), and an env
// STKIT_MODELSEP_AUG. Patch prior alone, priors refitted:
//
//	                                 seed 7         seed 8         paired, 60 mixtures
//	all 8 (the default)              0.776 0.805    0.728 0.766
//	axes kept {0,2,4,6}              0.772 0.801    0.718 0.752    −0.007 ± 0.002 / −0.009 ± 0.003
//	180° rotation only {0,2}         0.776 0.799    0.722 0.756    −0.003 ± 0.003 / −0.008 ± 0.003
//	none {0} (= NoAugment)           0.765 0.798    0.721 0.756    −0.009 ± 0.005 / −0.009 ± 0.004
//
// Fewer copies lose: Quijote −0.008 to −0.009 (2–3 standard errors), dust
// −0.003 to −0.009. The prior is fitted on 30000 rows either way (MaxRows;
// 315 000 candidate rows with the 8 copies, 39 000 without, for dust's 154
// patches), and the copies make them more varied; whatever preferred
// direction the dust has does not pay for that at 6×6. The filter was not
// refitted for these (25 min each here).
//
// b. Ensembling filters: a filter fitted with FeatureFilterOptions.Seed 23
// (other halves, other training mixtures; the same full priors) and the
// default seed 22's, their weights averaged (Apply is linear in them, so
// this is the mean of the two estimates; env STKIT_MODELSEP_FILTER_SEEDS
// in the scratch benchmark):
//
//	MIXSEED            7            8            9            10           11           12           all 180, paired with seed 22
//	seed 22 (default)  0.808 0.805  0.781 0.803  0.747 0.780  0.790 0.790  0.733 0.735  0.703 0.756  0.760 / 0.778
//	seed 23 alone      0.798 0.804  0.765 0.789  0.743 0.787  0.791 0.793  0.740 0.746  0.700 0.747  −0.004 ± 0.002 / +0.000 ± 0.003
//	mean of 22 and 23  0.805 0.806  0.774 0.797  0.746 0.785  0.792 0.793  0.738 0.742  0.702 0.753  −0.001 ± 0.001 / +0.001 ± 0.002
//
// (seed 23's filter: about 25 min wall at load 13–20.) Another training draw
// moves a 30-mixture mean by up to 0.016 (seed 8) but the 180-mixture mean
// by 0.004; the average of two filters is the better one's to 0.001. A
// third seed (24) was started and stopped for time.
//
// c. Cheaper than a refit, nothing in the per-bin figures points to a fix:
// the worst bins are dust's 1.4–5.7 cycles-per-map bins where Quijote
// holds 40–75 % of the power, on every seed.
//
// What it says. Seed 8 is a harder draw only by chance: six draws of 30
// spread as 30-mixture means should, and the filter's average over 180
// mixtures is 0.760 / 0.778 (the patch prior alone 0.725 / 0.762) — below
// 0.8 for both, where seed 7 alone said 0.808 / 0.805. Neither restricting
// the augmentation nor averaging filters over training draws moves it by
// 0.01; no library option was added. Larger priors (K 40 on 90000 rows:
// +0.01–0.03 on seeds 7 and 8, README) and other filter features are the
// levers left, to be judged on all six draws.

package main
