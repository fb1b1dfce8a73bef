package infer

// ModelExportOptions is the record of the options an export was made with
// (ModelManifest.Export, manifest key "export_options"): the ExportModels
// arguments and ExportOptions that decide the folder's content, with the
// defaults filled in, so that the folder can be exported again (stkit
// separate --models' note on a folder without patch priors prints the
// complete `stkit export` command from it). Optional: absent in folders
// exported before it (fixd23) or written by hand, which load as before;
// the format version is unchanged (a new optional key, as patch_priors).
//
// Dataset is the dataset argument as given ("": the dataset the run
// records; ModelSource.Dataset is the folder read, as an absolute path).
// Samples, Seed, Latent and Calibrate are the resolved ExportOptions
// (Calibrate "mean" for Recenter); Covariance is as asked ("auto", "yes" or
// "no"; ModelManifest.Covariance says whether cov was stored). PatchPrior
// is ExportOptions.PatchPrior with FitPatchPrior's defaults filled in (nil
// without priors); FeatureFilter the pairs (a, b) and
// FeatureFilterMixtures the training mixtures per fold
// (FeatureFilterOptions.Mixtures, default filled in); both are left out
// of the JSON without filters, so a folder without filters names none.
type ModelExportOptions struct {
	Dataset               string                   `json:"dataset"`
	Samples               int                      `json:"samples"`
	Seed                  uint64                   `json:"seed"`
	Covariance            string                   `json:"covariance"`
	Latent                string                   `json:"latent"`
	NoResidual            bool                     `json:"no_residual"`
	Calibrate             string                   `json:"calibrate"`
	DropOutliers          bool                     `json:"drop_outliers"`
	Force                 bool                     `json:"force"`
	PatchPrior            *ModelExportPatchOptions `json:"patch_prior"`
	FeatureFilter         [][2]int                 `json:"feature_filter,omitempty"`
	FeatureFilterMixtures int                      `json:"feature_filter_mixtures,omitempty"`
}

// ModelExportPatchOptions are the PatchPriorOptions of an export
// (ModelExportOptions.PatchPrior), defaults filled in.
type ModelExportPatchOptions struct {
	P         int     `json:"patch"`
	K         int     `json:"mixture_components"`
	Reg       float64 `json:"reg"`
	MaxRows   int     `json:"max_rows"`
	Stride    int     `json:"stride"`
	NoAugment bool    `json:"no_augment"`
	Iters     int     `json:"iters"`
	Seed      uint64  `json:"seed"`
}

// exportRecord is the ModelExportOptions of an export with options opt
// (Samples defaulted), the dataset argument as given, and the resolved
// latent law and calibration.
func exportRecord(opt ExportOptions, latent, calib string) *ModelExportOptions {
	cov := opt.Covariance
	if cov == "" {
		cov = "auto"
	}
	r := &ModelExportOptions{Dataset: opt.datasetGiven, Samples: opt.Samples, Seed: opt.Seed, Covariance: cov,
		Latent: latent, NoResidual: opt.NoResidual, Calibrate: calib, DropOutliers: opt.DropOutliers, Force: opt.Force}
	if opt.PatchPrior != nil {
		o := *opt.PatchPrior
		o.defaults()
		r.PatchPrior = &ModelExportPatchOptions{P: o.P, K: o.K, Reg: o.Reg, MaxRows: o.MaxRows, Stride: o.Stride,
			NoAugment: o.NoAugment, Iters: o.Iters, Seed: o.Seed}
	}
	if len(opt.FeatureFilter) > 0 {
		r.FeatureFilter = append([][2]int(nil), opt.FeatureFilter...)
		ffo := opt.FeatureFilterOptions
		ffo.defaults()
		r.FeatureFilterMixtures = ffo.Mixtures
	}
	return r
}
