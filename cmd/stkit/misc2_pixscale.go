package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
)

// patchesNoScaleNotes says, for each FITS source of patches whose axes have
// units that differ and are not both angles (CUNIT1 'deg', CUNIT2 'm/s';
// noPixelScaleNote), that the dataset's manifest.json in dir records no
// pixel scale for it, nor the models trained on it (they copy the
// manifest's): "patches: note: pv.fits: no single pixel scale: … (the axes'
// units differ and are not both angles): ds/manifest.json has no
// pixel_scale for it, nor will the models trained on it". Without it the
// dataset lost the scale without a word, where stats and synth --report say
// so (misc21). The cards are the source's Header, kept by
// datasets.LoadSources (misc22: before, each FITS source without a pixel
// scale was read again, data and all, 11–26 ms for a 2048² float64 FITS);
// only a source without them (not from LoadSources) is read again, its
// notices, given when the maps were read, not repeated.
func patchesNoScaleNotes(w io.Writer, srcs []datasets.Source, dir string) {
	for _, src := range srcs {
		if src.Units.Scale != nil || !isFITSPath(src.Name) {
			continue
		}
		var cards []datasets.Card
		if src.Header != nil {
			cards, _ = datasets.SplitFITSUserCards(src.Header) // as ReadMapsHeader gives them
		} else {
			prev := datasets.SetNotify(func(string) {})
			_, c, err := datasets.ReadMapsHeader(src.Name)
			datasets.SetNotify(prev)
			if err != nil {
				continue
			}
			cards = c
		}
		if n := noPixelScaleNote(cards); n != "" {
			fmt.Fprintf(w, "patches: note: %s: %s: %s has no pixel_scale for it, nor will the models trained on it\n",
				src.Name, n, filepath.Join(dir, "manifest.json"))
		}
	}
}
