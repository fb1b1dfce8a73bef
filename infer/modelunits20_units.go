package infer

import "github.com/stkit-org/stkit/datasets"

// TrainingUnits are the FITS BUNIT values and pixel scales of the patches a model
// set was trained on (ModelSet.TrainingUnits): BUnits and PixelScales hold
// one entry when every source has the same, else one per source ("" and nil
// where a source has none); both are empty when nothing records them. From
// says where they were read: "manifest" (the model manifest's
// ModelSource fields), "dataset" (the manifest of the dataset named by
// ModelSource.Dataset, for model folders exported before the manifest
// recorded them) or "" (neither).
type TrainingUnits struct {
	BUnits      []string
	PixelScales []*datasets.PixelScale
	From        string
}

// TrainingUnits returns the units of the models' training patches: those the
// model manifest records (ModelSource.BUnit, BUnits, PixelScale,
// PixelScales, copied by ExportModels from the dataset manifest), so that a
// model folder moved away from its dataset, or whose dataset was rebuilt
// or removed, still has them; else, for a manifest that records none (one
// written before these fields existed, or of a dataset whose sources have
// no units), those of the dataset manifest at ModelSource.Dataset when it
// can be read and its fingerprint is ModelSource.DatasetFingerprint (a
// dataset of other patches is not the training one).
func (ms *ModelSet) TrainingUnits() TrainingUnits {
	if ms == nil || ms.Manifest == nil {
		return TrainingUnits{}
	}
	src := ms.Manifest.Source
	if u := unitsOf(src.BUnit, src.BUnits, src.PixelScale, src.PixelScales); u.BUnits != nil || u.PixelScales != nil {
		u.From = "manifest"
		return u
	}
	if src.Dataset == "" {
		return TrainingUnits{}
	}
	man, err := datasets.ReadManifest(src.Dataset)
	if err != nil || (src.DatasetFingerprint != "" && man.Fingerprint != src.DatasetFingerprint) {
		return TrainingUnits{}
	}
	u := unitsOf(man.BUnit, man.BUnits, man.PixelScale, man.PixelScales)
	if u.BUnits != nil || u.PixelScales != nil {
		u.From = "dataset"
	}
	return u
}

// unitsOf gathers a manifest's unit fields (one value, or one per source)
// into lists.
func unitsOf(bunit string, bunits []string, scale *datasets.PixelScale, scales []*datasets.PixelScale) TrainingUnits {
	var u TrainingUnits
	switch {
	case bunit != "":
		u.BUnits = []string{bunit}
	case len(bunits) > 0:
		u.BUnits = append([]string(nil), bunits...)
	}
	switch {
	case scale != nil:
		u.PixelScales = []*datasets.PixelScale{scale}
	case len(scales) > 0:
		u.PixelScales = append([]*datasets.PixelScale(nil), scales...)
	}
	return u
}
