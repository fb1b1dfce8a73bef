package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// warnModelUnits warns (on w, as separate) when a FITS DATA's BUNIT or pixel
// scale differs from those of the patches the models were trained on
// (unitfits20): separate --models compared neither, so DATA in mJy/beam or
// at 5′ pixels was fitted to models of patches in Jy/beam at 1.5′ without a
// word. The model folder records no units; its manifest names the dataset
// (source.dataset), whose manifest.json records the sources' BUNIT and
// pixel scale (bunit, pixel_scale; bunits, pixel_scales when they mix). A
// dataset that cannot be read, or whose fingerprint is not the one the
// models record, is not compared; nor is a unit either side lacks. With
// mixed training units DATA is warned of only when it matches none of them.
// It returns the warnings.
func warnModelUnits(w io.Writer, data string, dataCards []datasets.Card, ms *infer.ModelSet) []string {
	if ms == nil || ms.Manifest.Source.Dataset == "" {
		return nil
	}
	dir := ms.Manifest.Source.Dataset
	man, err := datasets.ReadManifest(dir)
	if err != nil {
		return nil
	}
	if fp := ms.Manifest.Source.DatasetFingerprint; fp != "" && man.Fingerprint != fp {
		return nil
	}
	d := datasets.MapUnitsOf(dataCards)
	bunits := man.BUnits
	if man.BUnit != "" {
		bunits = []string{man.BUnit}
	}
	scales := man.PixelScales
	if man.PixelScale != nil {
		scales = []*datasets.PixelScale{man.PixelScale}
	}
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
	msg := fmt.Sprintf("DATA %s has %s, the models' training patches (dataset %s) %s: the models describe maps in their training units and pixel scale and DATA is used as given (no conversion), so each component is fitted to the statistics of maps in another unit or of another angular size; %s",
		data, strings.Join(pa, " and "), dir, strings.Join(pb, " and "), unitsAdvice)
	warnf(w, "separate", msg)
	return []string{msg}
}
