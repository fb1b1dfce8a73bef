package main

import "github.com/stkit-org/stkit/stlayer/stats"

// runSpecNorm is the statistic of a training run as RUN/run.json writes it:
// its spec with the normalisation in effect (effectiveNormSpec: a scov or
// spectra Norm "none" is "p00", as the train line's norm=p00 says), and the
// normalisation of the feature values the model was trained on (before the
// z-scoring; coeffsNorm, as stats' config "coeffs_norm"): the dataset's
// features come from stats.Build without a reference (datasets.BuildDataset),
// so the scov synthesis vectors (--iso, --synthesis) have each patch's C01
// and C11 divided by its own P00 ("p00"; "p11" with --norm p11), spectra
// "p00", while raw scov moments and --cross are unnormalised whatever Norm
// ("none"), wph "auto" or "none", wst "none". run.json wrote the dataset's
// raw Spec, "norm": "none" for the default scov synthesis vectors.
func runSpecNorm(s stats.Spec) (spec stats.Spec, coeffs string) {
	e := effectiveNormSpec(s)
	coeffs, _ = coeffsNorm(e)
	return e, coeffs
}
