package main

import (
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// statsSetHelp is the part of stats' help about sets of maps and --compare.
const statsSetHelp = `
Sets of maps: MAP (and --cross, --imag) may be a folder (every map file
directly in it, sorted by name) or a comma-separated list of files
(a.npy,b.npy,c.fits; a name holding a comma is read whole when that file
exists: a,b.npy,c.npy is a,b.npy and c.npy if a,b.npy exists) as well as
one file; the maps of all the files are stacked, in that order, into one
batch as a batch file [B, M, N] would be (so the normalised statistics
take their reference over the whole set, see above). The maps must all
have one size. The JSON config's "inputs" then lists the files read
(MAP's, then --cross's or --imag's) and "input_sets" says which argument
each came from. --cross and --imag pair the maps one by one (map b of MAP
with map b of the other set), so the two sets must hold the same number of
maps.`

// statsInput is one map argument of stats (MAP, --cross or --imag) read as
// a set (readMapSetCards): a file, a folder or a comma-separated list.
type statsInput struct {
	flag string // "MAP", "--cross", "--imag"
	arg  string // the argument as given
	set  *mapSet
	// units: each file's BUNIT and pixel scale, in set.Files' order
	// (setFileUnits)
	units []datasets.MapUnits
	// applied: the maps --skip-nan kept and the --crop window (nil
	// without them; badfix20_applied.go)
	applied *nanmaskApplied
}

// isSet reports whether the argument named more than one file or a folder.
func (in statsInput) isSet() bool {
	return in.set.Folder != "" || len(in.set.Files) > 1
}

// describe names the argument for messages: "--cross b.npy" or
// "--cross folder B (3 files)".
func (in statsInput) describe() string {
	src := in.arg
	if in.isSet() {
		src = in.set.source()
	}
	if in.flag == "MAP" {
		return "MAP " + src
	}
	return in.flag + " " + src
}

// readStatsInput reads a stats map argument as a set of maps.
func readStatsInput(flag, arg string) (statsInput, error) {
	return readStatsInputKeep(flag, arg, false)
}

// readStatsInputKeep is readStatsInput; with keepUnseen, UNSEEN pixels are
// not refused on reading (readMapsCardsKeep): the inputs --crop cuts.
func readStatsInputKeep(flag, arg string, keepUnseen bool) (statsInput, error) {
	s, err := readMapSetCardsKeep(arg, keepUnseen)
	if err != nil {
		return statsInput{}, err
	}
	return statsInput{flag: flag, arg: arg, set: s, units: setFileUnits(s)}, nil
}

// checkPairedSets checks that other (--cross, --imag or --compare-imag)
// pairs map by map with mapIn (MAP, or --compare for --compare-imag): the
// same number of maps of the same size; the messages name both arguments
// by their flags. what says what the pairing is for.
func checkPairedSets(mapIn, other statsInput, what string) error {
	a, b := mapIn.set.Maps, other.set.Maps
	if !mapIn.isSet() && !other.isSet() && (a.B != b.B || a.M != b.M || a.N != b.N) {
		return badInputf("%s %s has shape [%d, %d, %d], %s has [%d, %d, %d]", other.flag, other.arg, b.B, b.M, b.N, mapIn.flag, a.B, a.M, a.N)
	}
	if a.M != b.M || a.N != b.N {
		return badInputf("%s holds maps of %d×%d, %s %d×%d: %s need maps of one size", other.describe(), b.M, b.N, mapIn.describe(), a.M, a.N, what)
	}
	if a.B != b.B {
		return badInputf("%s holds %s, %s %s: %s pair the maps one by one (map b of %s with map b of %s), so the two sets need the same number of maps", other.describe(), plural(b.B, "map"), mapIn.describe(), plural(a.B, "map"), what, mapIn.flag, other.flag)
	}
	return nil
}

// inputSetDoc is one entry of the JSON config's "input_sets": a map
// argument that named a folder or a list, and the files it gave.
type inputSetDoc struct {
	Arg    string   `json:"arg"`              // "MAP", "--cross", "--imag"
	Given  string   `json:"given"`            // the argument as given
	Folder string   `json:"folder,omitempty"` // the folder the files were listed from
	Files  []string `json:"files"`
	Maps   int      `json:"maps"` // maps read from the files
	// BUnits and PixelScales: each file's FITS BUNIT ("" for none) and
	// pixel scale (null for none), in Files' order; absent when no file
	// has one (so a set mixing units keeps them: its common "bunit" is
	// left out)
	BUnits      []string               `json:"bunits,omitempty"`
	PixelScales []*datasets.PixelScale `json:"pixel_scales,omitempty"`
}

// statsInputsMeta fills meta.inputs with the files of ins (in order) and,
// when any of them is a set, meta.sets with one entry per argument.
func statsInputsMeta(meta *statsMeta, ins ...statsInput) {
	meta.inputs = nil
	anySet := false
	for _, in := range ins {
		meta.inputs = append(meta.inputs, in.set.Files...)
		anySet = anySet || in.isSet()
	}
	if !anySet {
		return
	}
	for _, in := range ins {
		d := inputSetDoc{Arg: in.flag, Given: in.arg, Folder: in.set.Folder, Files: in.set.Files, Maps: in.set.Maps.B}
		anyB, anyS := false, false
		for _, u := range in.units {
			anyB, anyS = anyB || u.BUnit != "", anyS || u.Scale != nil
		}
		for _, u := range in.units {
			if anyB {
				d.BUnits = append(d.BUnits, u.BUnit)
			}
			if anyS {
				d.PixelScales = append(d.PixelScales, u.Scale)
			}
		}
		meta.sets = append(meta.sets, d)
	}
}

// plotTitleSource names MAP in the dashboard's title: the file's base name,
// or the set's source ("folder D (20 files)", "a.npy, b.npy").
func plotTitleSource(in statsInput) string {
	if in.isSet() {
		return in.set.source()
	}
	return filepath.Base(in.arg)
}

// outputAmongInputs refuses an output path (-o, --plot) that is one of the
// files of a set argument (checkOutputFile sees only the arguments as
// given, a comma-separated list being no file name), or a map file name
// (.npy, .npz, FITS) directly in a folder argument.
func outputAmongInputs(what, out string, ins ...statsInput) error {
	if out == "" {
		return nil
	}
	for _, in := range ins {
		if !in.isSet() {
			continue
		}
		if err := checkNotInput(what, out, in.set.Files...); err != nil {
			return err
		}
		// a coefficient file (.npy, .npz) written into the folder would be
		// read as a map of the set by the next run on it, which then
		// failed on it ("the data are complex128 but maps are real")
		if in.set.Folder != "" && isMapFile(datasets.FilePart(out)) && sameFile(filepath.Dir(datasets.FilePart(out)), in.set.Folder) {
			return badInputf("%s lies in the folder %s that %s reads as a set of maps: a later run on the folder would take it for a map; write it elsewhere (or name it .json)", what, in.set.Folder, in.flag)
		}
	}
	return nil
}

// validateSetJ is validateJ (path the argument as given) for the maps m of
// a map argument read as the set s (nil for a map read otherwise): when m
// is s's maps, of more than one file, a problem of pixels (non-finite,
// UNSEEN) is reported by the file that holds it ("datasets: DIR/b.npy: 1
// non-finite pixel (first: NaN in map 0 …)", the map counted in that file)
// rather than by the folder or list and the map's place in the whole set.
// Problems of size are the set's, reported as validateJ does. validateSetSpec
// checks a statistic's own size rule.
func validateSetJ(path string, s *mapSet, m *stlayer.Maps, J int, given bool, rule string) error {
	err := validateJ(path, m, J, given, rule)
	if err == nil || m == nil {
		return err
	}
	return byFile(err, s, m, fitsJ(m.M, m.N, J), func(file string, sub *stlayer.Maps) error {
		return validateJ(file, sub, J, given, rule)
	})
}

// mapsOf returns the maps of a set (nil-safe for the absent --imag).
func mapsOf(in *statsInput) *stlayer.Maps {
	if in == nil || in.set == nil {
		return nil
	}
	return in.set.Maps
}
