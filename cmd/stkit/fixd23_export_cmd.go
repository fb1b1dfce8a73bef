package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/infer"
)

// recordedExportFlags returns the stkit export flags that reproduce the
// options a model folder's manifest records in export_options
// (infer.ModelManifest.Export, fixd23), each value given explicitly (a
// later stkit's defaults may differ), without the patch-prior and
// feature-filter flags unless priors is set; nil when the manifest has no
// record (folders exported before it). --dataset is given when the export
// was given one, naming the folder read (ModelSource.Dataset) as noteRunArg
// names a run: relative to the working directory below it, as recorded
// elsewhere, and DATASET, with a clause in notes saying what it stands for,
// when nothing is there. With priors, the patch-prior options are those
// stkit export has flags for (--patch-prior-k, --patch-prior-rows): a
// record with another sub-patch size, reg, stride, augmentation, iteration
// count or seed (set through infer.ExportOptions.PatchPrior) is not
// reproduced by them. separate --models' note calls it without priors (its
// folder has none); priors is set by the tests alone.
func recordedExportFlags(ms *infer.ModelSet, priors bool) (flags, notes []string) {
	r := ms.Manifest.Export
	if r == nil {
		return nil, nil
	}
	if r.Dataset != "" {
		ds, missing := noteRunArg(ms.Manifest.Source.Dataset)
		if missing || ds == "RUN" {
			ds = "DATASET"
			notes = append(notes, fmt.Sprintf("DATASET: the dataset the export was given (--dataset %s), which %s records as %q, not found here", r.Dataset, filepath.Join(ms.Dir, infer.ModelManifestFile), ms.Manifest.Source.Dataset))
		}
		flags = append(flags, "--dataset", shellQuote(ds))
	}
	flags = append(flags, "--samples", strconv.Itoa(r.Samples), "--seed", strconv.FormatUint(r.Seed, 10),
		"--cov", r.Covariance, "--latent", r.Latent, "--calibrate", r.Calibrate)
	if r.NoResidual {
		flags = append(flags, "--no-residual")
	}
	if r.DropOutliers {
		flags = append(flags, "--drop-outliers")
	}
	if r.Force {
		flags = append(flags, "--force")
	}
	if priors && r.PatchPrior != nil {
		flags = append(flags, "--patch-prior", "--patch-prior-k", strconv.Itoa(r.PatchPrior.K), "--patch-prior-rows", strconv.Itoa(r.PatchPrior.MaxRows))
		if len(r.FeatureFilter) > 0 {
			var ps []string
			for _, p := range r.FeatureFilter {
				ps = append(ps, fmt.Sprintf("%d,%d", p[0], p[1]))
			}
			flags = append(flags, "--feature-filter", shellQuote(strings.Join(ps, ";")), "--feature-filter-mixtures", strconv.Itoa(r.FeatureFilterMixtures))
		}
	}
	return flags, notes
}
