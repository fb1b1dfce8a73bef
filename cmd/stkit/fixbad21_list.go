package main

import "strings"

// listPieces splits a comma-separated list of map files at its top-level
// commas only: a comma inside brackets belongs to a FITS selection or image
// section ("x.fits[1:32,1:32],b.npy" is the two pieces "x.fits[1:32,1:32]"
// and "b.npy"; "g.npy[:, 0:64],b.npy" likewise, refused afterwards by
// nonFITSSelection as a section of a non-FITS file, not as a file named
// "g.npy[:"). Brackets that do not pair up ("a[1,b.npy", "a],b") are not
// a selection: s is then split at every comma, as before. mapList joins
// pieces again where the joined name is an existing file (commaPrefix).
func listPieces(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			if depth == 0 {
				return strings.Split(s, ",")
			}
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return strings.Split(s, ",")
	}
	return append(out, s[start:])
}
