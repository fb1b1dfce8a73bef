package main

import (
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// surrInputDType is the stored type of surrogate's outputs: "float32" when
// every input file (srcs) stores its maps as float32 (FITS BITPIX −32, a
// '<f4' .npy), as synth and separate write float32 by default, else
// "float64" (an input of another type or one that cannot be read again).
// The files are read again (their maps only: datasets.Source keeps no
// stored type); the read's notices were given when they were first read.
func surrInputDType(srcs []datasets.Source) string {
	if len(srcs) == 0 {
		return "float64"
	}
	prev := datasets.SetNotify(func(string) {})
	defer datasets.SetNotify(prev)
	for _, s := range srcs {
		a, err := datasets.Read(s.Name)
		if err != nil || a.DType != "float32" {
			return "float64"
		}
	}
	return "float32"
}

// surrWriteMaps writes the surrogates res to out with the FITS cards, in
// dtype (surrInputDType) and format (--format: "" for out's extension; a
// descriptor such as /dev/stdout is written through it); maps beyond
// float32's range (a phase surrogate can exceed its input's largest
// |pixel|) are written as float64 instead (the float32 write refuses them
// before writing anything, so a stream gets only the float64 maps). It
// returns the stored type written.
func surrWriteMaps(out string, res *stlayer.Maps, dtype, format string, cards []datasets.Card) (string, error) {
	err := datasets.WriteMapsWith(out, res, datasets.MapsWriteOptions{DType: dtype, Cards: cards, Format: format})
	if err != nil && dtype == "float32" && beyondFloat32(res) {
		dtype = "float64"
		err = datasets.WriteMapsWith(out, res, datasets.MapsWriteOptions{DType: dtype, Cards: cards, Format: format})
	}
	return dtype, err
}

// warnSurrJointScales warns (on g's stderr) when the inputs of surrogate
// --joint have different pixel scales (their FITS headers, units19's
// summariseUnits): one phase field per pixel frequency is then shared by
// channels on different grids, which keeps their cross spectra in pixel
// units only, not on the sky, as stats, synth and separate warn. It
// returns the warning ("" for none).
func warnSurrJointScales(g *globals, srcs []datasets.Source) string {
	names := make([]string, len(srcs))
	units := make([]datasets.MapUnits, len(srcs))
	for i, s := range srcs {
		names[i], units[i] = filepath.Base(s.Name), s.Units
	}
	s := summariseUnits(names, units)
	if s.mixS == "" {
		return ""
	}
	return warnf(g.stderr, "surrogate", "--joint inputs of different pixel scales: "+s.mixS+
		": each surrogate shares one phase field per pixel frequency across them, so their cross spectra are kept per pixel frequency, not at one angular scale on the sky; reproject the maps to one pixel grid first, or ignore this if the headers are wrong")
}
