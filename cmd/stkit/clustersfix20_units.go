package main

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// dsUnits are the BUNITs and pixel scales of a dataset's sources, as its
// manifest records them (datasets.DatasetManifest's bunit/bunits and
// pixel_scale/pixel_scales): one entry per source, "" and nil where a
// source has none.
type dsUnits struct {
	bunits []string
	scales []*datasets.PixelScale
}

// manifestUnits spreads a manifest's units over its n sources.
func manifestUnits(bunit string, bunits []string, scale *datasets.PixelScale, scales []*datasets.PixelScale, n int) dsUnits {
	var u dsUnits
	for s := 0; s < n; s++ {
		b, p := bunit, scale
		if len(bunits) == n {
			b = bunits[s]
		}
		if len(scales) == n {
			p = scales[s]
		}
		u.bunits = append(u.bunits, b)
		u.scales = append(u.scales, p)
	}
	return u
}

// known reports whether any source has a BUNIT or a pixel scale.
func (u dsUnits) known() bool {
	for i := range u.bunits {
		if u.bunits[i] != "" || u.scales[i] != nil {
			return true
		}
	}
	return false
}

// distinctBUnits lists the different BUNITs (CanonicalBUnit), "" included.
func (u dsUnits) distinctBUnits() []string {
	var out []string
	for _, b := range u.bunits {
		c := datasets.CanonicalBUnit(b)
		dup := false
		for _, o := range out {
			dup = dup || o == c
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

func (u dsUnits) distinctScales() []*datasets.PixelScale {
	var out []*datasets.PixelScale
	for _, p := range u.scales {
		dup := false
		for _, o := range out {
			dup = dup || o.Equal(p)
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// runTrainingUnits returns the units of the dataset a run was trained on:
// those recorded in its metadata (runs written since clustersfix20), else
// those of the training dataset's manifest when it is still at meta.Dataset
// with the run's fingerprint; ok false when neither is known.
func runTrainingUnits(meta *runMeta) (dsUnits, bool) {
	u := manifestUnits(meta.BUnit, meta.BUnits, meta.PixelScale, meta.PixelScales, len(meta.Sources))
	if u.known() {
		return u, true
	}
	if meta.Dataset == "" {
		return u, false
	}
	m, err := datasets.ReadManifest(meta.Dataset)
	if err != nil || m.Fingerprint != meta.DatasetFingerprint {
		return u, false
	}
	u = manifestUnits(m.BUnit, m.BUnits, m.PixelScale, m.PixelScales, len(m.Sources))
	return u, u.known()
}

func fmtBUnits(b []string) string {
	q := make([]string, len(b))
	for i, s := range b {
		if s == "" {
			q[i] = "none"
		} else {
			q[i] = fmt.Sprintf("%q", s)
		}
	}
	return strings.Join(q, ", ")
}

func fmtScales(p []*datasets.PixelScale) string {
	q := make([]string, len(p))
	for i, s := range p {
		q[i] = s.String()
	}
	return strings.Join(q, ", ")
}

// clustersUnitWarnings compares the BUNIT and pixel scale of the dataset
// given to clusters with those of the run's training dataset: maps in
// another unit (Jy/sr for MJy/sr: ×1e6) or at another pixel scale give
// features the model never saw, and the assignments, confident as they may
// be, mean nothing (a held-out CIB patch in Jy/sr went to the dust cluster
// with confidence 1.000). Warnings name both; notes say when the dataset
// has no unit while the run's had one. Nothing when the run's units are not
// known.
func clustersUnitWarnings(meta *runMeta, man *datasets.DatasetManifest) (warnings, notes []string) {
	run, ok := runTrainingUnits(meta)
	if !ok {
		return nil, nil
	}
	ds := manifestUnits(man.BUnit, man.BUnits, man.PixelScale, man.PixelScales, len(man.Sources))
	rb, db := run.distinctBUnits(), ds.distinctBUnits()
	runHasB := !(len(rb) == 1 && rb[0] == "")
	dsHasB := !(len(db) == 1 && db[0] == "")
	switch {
	case runHasB && dsHasB:
		var foreign []string
		for _, d := range db {
			in := false
			for _, r := range rb {
				in = in || datasets.SameBUnit(d, r)
			}
			if !in {
				foreign = append(foreign, d)
			}
		}
		if len(foreign) > 0 {
			warnings = append(warnings, fmt.Sprintf("the dataset's maps have BUNIT %s, the run's training maps %s: features of maps in another unit (Jy/sr is 1e6 × MJy/sr) are not those the model learned, so the assignments and their confidences mean nothing; convert the maps to the training maps' unit and rebuild the dataset (stkit patches)",
				fmtBUnits(db), fmtBUnits(rb)))
		}
	case runHasB && !dsHasB:
		notes = append(notes, fmt.Sprintf("the dataset's maps have no BUNIT, the run's training maps %s: make sure they are in that unit, or the assignments mean nothing", fmtBUnits(rb)))
	}
	rs, dsc := run.distinctScales(), ds.distinctScales()
	runHasS := !(len(rs) == 1 && rs[0] == nil)
	dsHasS := !(len(dsc) == 1 && dsc[0] == nil)
	switch {
	case runHasS && dsHasS:
		var foreign []*datasets.PixelScale
		for _, d := range dsc {
			in := false
			for _, r := range rs {
				in = in || d.Equal(r)
			}
			if !in {
				foreign = append(foreign, d)
			}
		}
		if len(foreign) > 0 {
			warnings = append(warnings, fmt.Sprintf("the dataset's maps have pixel scale %s, the run's training maps %s: patches of %d pixels span other angles, so their statistics are not those the model learned and the assignments mean nothing; regrid the maps to the training pixel scale and rebuild the dataset (stkit patches)",
				fmtScales(dsc), fmtScales(rs), man.Size))
		}
	case runHasS && !dsHasS:
		notes = append(notes, fmt.Sprintf("the dataset's maps have no pixel scale, the run's training maps %s: make sure they have that pixel scale, or the assignments mean nothing", fmtScales(rs)))
	}
	return warnings, notes
}
