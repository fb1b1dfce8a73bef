package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// warnModelUnits warns (on w, as separate) when a FITS DATA's BUNIT or pixel
// scale differs from those of the patches the models were trained on
// (unitfits20): separate --models compared neither, so DATA in mJy/beam or
// at 5′ pixels was fitted to models of patches in Jy/beam at 1.5′ without a
// word. The training units are the model manifest's (source.bunit,
// pixel_scale; bunits, pixel_scales when the sources mix; modelunits20), or
// for a model folder exported before it recorded them those of its
// dataset's manifest.json (source.dataset, when it can be read and has the
// fingerprint the models record): infer.ModelSet.TrainingUnits. A unit
// either side lacks is not compared. With mixed training units DATA is
// warned of only when it matches none of them. The warning names the file
// the training units were read from, MODELS/manifest.json or the dataset's
// manifest.json (the model manifest's source.dataset is where the dataset
// was at export: stale once the folder has moved). It returns the warnings.
func warnModelUnits(w io.Writer, data string, dataCards []datasets.Card, ms *infer.ModelSet) []string {
	tu := ms.TrainingUnits()
	if tu.From == "" {
		return nil
	}
	// where the training units were read (fixunits: the warning named
	// source.dataset, a path that no longer exists for a moved folder)
	from := "as " + filepath.Join(ms.Dir, infer.ModelManifestFile) + " records them"
	if tu.From == "dataset" {
		from = "as their dataset's " + filepath.Join(ms.Manifest.Source.Dataset, "manifest.json") + " records them"
	}
	d := datasets.MapUnitsOf(dataCards)
	bunits, scales := tu.BUnits, tu.PixelScales
	var pa, pb []string
	if d.BUnit != "" {
		var known []string
		match := false
		for _, u := range bunits {
			if u == "" {
				continue
			}
			match = match || datasets.SameBUnit(u, d.BUnit)
			if !containsString(known, strconv.Quote(u)) {
				known = append(known, strconv.Quote(u))
			}
		}
		if len(known) > 0 && !match {
			pa = append(pa, "BUNIT "+strconv.Quote(d.BUnit))
			pb = append(pb, strings.Join(known, " or "))
		}
	}
	if d.Scale != nil {
		var known []string
		match := false
		for _, s := range scales {
			if s == nil {
				continue
			}
			match = match || s.Equal(d.Scale)
			if !containsString(known, s.String()) {
				known = append(known, s.String())
			}
		}
		if len(known) > 0 && !match {
			pa = append(pa, d.Scale.String()+" pixels")
			pb = append(pb, strings.Join(known, " or ")+" pixels")
		}
	}
	if len(pa) == 0 {
		return nil
	}
	msg := fmt.Sprintf("DATA %s has %s, the models' training patches (%s) %s: the models describe maps in their training units and pixel scale and DATA is used as given (no conversion), so each component is fitted to the statistics of maps in another unit or of another angular size; %s",
		data, strings.Join(pa, " and "), from, strings.Join(pb, " and "), unitsAdvice)
	warnf(w, "separate", msg)
	return []string{msg}
}
