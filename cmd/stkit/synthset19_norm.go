package main

import "github.com/stkit-org/stkit/stlayer/stats"

// effectiveNormSpec returns s with the normalisation in effect written out,
// for metrics.json's settings.spec: a scov or spectra Norm "none" (or "")
// is read as "p00" (stats.Spec Norm), which the run's own line prints
// (Spec.String: "norm=p00") while the raw Spec said "none". The spec
// builds the same statistic either way.
func effectiveNormSpec(s stats.Spec) stats.Spec {
	if (s.Kind == stats.SCov || s.Kind == stats.Spectra) && (s.Norm == "none" || s.Norm == "") {
		s.Norm = "p00"
	}
	return s
}
