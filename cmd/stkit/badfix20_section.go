package main

import (
	"os"
	"regexp"
)

// trailingSel is a name followed by one or two bracketed selections,
// "x.npy[1:32,1:32]" or "x.fits[SCI][1:32,1:32]": FILE, then the brackets.
var trailingSel = regexp.MustCompile(`^(.*?)((?:\[[^\[\]]*\]){1,2})$`)

// nonFITSSelection refuses a map argument that is an existing non-FITS file
// followed by a FITS selection or image section ("g64.npy[1:32,1:32]"),
// which only FITS files take: the comma-separated list splitter cut it at
// the comma and the message was "…/g64.npy[1:32: no such file or
// directory". nil when spec names an existing file (of any name), is not
// of that form, or its file is FITS (read with the selection) or absent.
func nonFITSSelection(spec string) error {
	if _, err := os.Stat(spec); err == nil {
		return nil
	}
	m := trailingSel.FindStringSubmatch(spec)
	if m == nil || m[1] == "" || isFITSPath(m[1]) {
		return nil
	}
	st, err := os.Stat(m[1])
	if err != nil || st.IsDir() {
		return nil
	}
	return badInputf("%s: a selection or image section in brackets (FILE.fits[N], FILE.fits[EXTNAME], FILE.fits[1:480,1:480]) is read from FITS files only, and %s is not one: give the file alone (an .npz member: FILE.npz:NAME), and cut the maps to a window with --crop R0:R1,C0:C1 (stats, synth, separate; rows R0 to R1−1, columns C0 to C1−1, from 0) or beforehand",
		spec, m[1])
}
