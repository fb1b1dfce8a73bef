package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// The units of the maps a command combines (units19). stats warned only when
// MAP's and --imag's BUNIT differed; a set of maps in K and JY/BEAM, at 1.5′
// and 3′ pixels (reg_q0.fits,reg_q3.fits), was stacked silently and its
// JSON dropped "bunit"; --compare, --cross and separate's --noise,
// --contaminant and --template mixed units and pixel scales silently too.
// These helpers find the BUNIT and pixel scale (datasets.MapUnits) of each
// file and say, on stderr, where they differ.

// setFileUnits returns the units of each file of the set s, in s.Files'
// order. The set's common cards (mapSet.Cards) give them when every file is
// FITS with one BUNIT and one pixel scale; otherwise the FITS files'
// headers are read again (fileUnits), which costs a second read of those
// files only when their units are not all known and equal. .npy and .npz
// files have none.
func setFileUnits(s *mapSet) []datasets.MapUnits {
	if s == nil || len(s.Files) == 0 {
		return nil
	}
	out := make([]datasets.MapUnits, len(s.Files))
	common := datasets.MapUnitsOf(s.Cards)
	if len(s.Files) == 1 {
		out[0] = common
		return out
	}
	fits := 0
	for _, f := range s.Files {
		if isFITSPath(f) {
			fits++
		}
	}
	if fits == 0 {
		return out
	}
	if fits == len(s.Files) && common.BUnit != "" && common.Scale != nil {
		for i := range out {
			out[i] = common
		}
		return out
	}
	for i, f := range s.Files {
		if isFITSPath(f) {
			out[i] = fileUnits(f)
		}
	}
	return out
}

// fileUnits reads the units of one map file (zero for .npy, .npz and a
// file that cannot be read). The read's notices (datasets.SetNotify) were
// given when the file was read for its maps and are not repeated.
func fileUnits(path string) datasets.MapUnits {
	if !isFITSPath(path) {
		return datasets.MapUnits{}
	}
	prev := datasets.SetNotify(func(string) {})
	defer datasets.SetNotify(prev)
	_, cards, err := datasets.ReadMapsHeader(path)
	if err != nil {
		return datasets.MapUnits{}
	}
	return datasets.MapUnitsOf(cards)
}

// mapSetFiles lists the files of a map argument as readMapSetCards reads
// it: a folder's map files sorted by name, or a file or comma list
// (mapList).
func mapSetFiles(spec string) []string {
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		ents, err := os.ReadDir(spec)
		if err != nil {
			return nil
		}
		var files []string
		for _, e := range ents {
			if !e.IsDir() && folderMapFile(e.Name()) { // as readMapSetCards
				files = append(files, filepath.Join(spec, e.Name()))
			}
		}
		sort.Strings(files)
		return files
	}
	files, err := mapList(spec)
	if err != nil {
		return nil
	}
	return files
}

// pathUnits returns the files of a map argument (mapSetFiles) and their
// units (fileUnits).
func pathUnits(spec string) ([]string, []datasets.MapUnits) {
	files := mapSetFiles(spec)
	units := make([]datasets.MapUnits, len(files))
	for i, f := range files {
		units[i] = fileUnits(f)
	}
	return files, units
}

// unitsOfSet sums up the units of the files of one map argument: the one
// BUNIT and pixel scale of the files that have one ("" and nil when none
// has, or when they differ: mixB, mixS then describe the difference,
// datasets.MixedUnits).
type unitsOfSet struct {
	datasets.MapUnits
	mixB, mixS string
}

// summariseUnits sums up units of the files names (unitsOfSet). Of files
// that spell one BUNIT differently ("JY/BEAM", "Jy/beam": datasets.SameBUnit)
// the first file's spelling is kept, as the dataset and model manifests keep
// the first source's (it kept the last file's).
func summariseUnits(names []string, units []datasets.MapUnits) unitsOfSet {
	base := make([]string, len(names))
	for i, n := range names {
		base[i] = filepath.Base(n)
	}
	var s unitsOfSet
	s.mixB, s.mixS = datasets.MixedUnits(base, units)
	for _, u := range units {
		if s.mixB == "" && s.BUnit == "" && u.BUnit != "" {
			s.BUnit = u.BUnit
		}
		if s.mixS == "" && s.Scale == nil && u.Scale != nil {
			s.Scale = u.Scale
		}
	}
	return s
}

// mixedNote is the warning about one argument whose files mix units ("" if
// they do not): "MAP a.fits,b.fits mixes units: BUNIT "K" (a.fits) and
// "JY/BEAM" (b.fits); pixel scale 1.5 arcmin (a.fits) and 3 arcmin
// (b.fits): " followed by consequence; files of one BUNIT and several
// pixel scales: "… mixes pixel scales: 1.5 arcmin (a.fits) and 3 arcmin
// (b.fits): ".
func mixedNote(desc string, s unitsOfSet, consequence string) string {
	var what []string
	if s.mixB != "" {
		what = append(what, "BUNIT "+s.mixB)
	}
	if s.mixS != "" {
		what = append(what, "pixel scale "+s.mixS)
	}
	switch {
	case len(what) == 0:
		return ""
	case s.mixB == "":
		// the pixel scales only: not "units" (polfix19)
		return desc + " mixes pixel scales: " + s.mixS + ": " + consequence
	}
	return desc + " mixes units: " + strings.Join(what, "; ") + ": " + consequence
}

// pairNote is the warning about two arguments whose units differ ("" if
// they agree or either is unknown): "MAP a.fits has BUNIT "K" and 1.5
// arcmin pixels, --cross b.fits "JY/BEAM" and 3 arcmin pixels: " followed
// by consequence. Spellings of one unit ("JY/BEAM", "Jy/beam":
// datasets.SameBUnit) agree. With bunit false only the pixel scales are
// compared (the BUNITs of MAP and --imag are warned of by stats itself).
func pairNote(descA string, a unitsOfSet, descB string, b unitsOfSet, bunit bool, consequence string) string {
	var pa, pb []string
	if bunit && a.BUnit != "" && b.BUnit != "" && !datasets.SameBUnit(a.BUnit, b.BUnit) {
		pa = append(pa, "BUNIT "+strconv.Quote(a.BUnit))
		pb = append(pb, strconv.Quote(b.BUnit))
	}
	if a.Scale != nil && b.Scale != nil && !a.Scale.Equal(b.Scale) {
		pa = append(pa, a.Scale.String()+" pixels")
		pb = append(pb, b.Scale.String()+" pixels")
	}
	if len(pa) == 0 {
		return ""
	}
	return fmt.Sprintf("%s has %s, %s %s: %s", descA, strings.Join(pa, " and "), descB, strings.Join(pb, " and "), consequence)
}

// warnf writes "cmd: warning: msg" on w when msg is not empty, and returns
// msg.
func warnf(w io.Writer, cmd, msg string) string {
	if msg != "" {
		fmt.Fprintf(w, "%s: warning: %s\n", cmd, msg)
	}
	return msg
}

// inputUnits sums up the units of a stats map argument (statsInput.units).
func inputUnits(in statsInput) unitsOfSet {
	if in.set == nil {
		return unitsOfSet{}
	}
	return summariseUnits(in.set.Files, in.units)
}

// unitsAdvice ends the warnings: what to do about them.
const unitsAdvice = "convert the maps to one unit and one pixel scale first (e.g. reproject and rescale), or ignore this if the headers are wrong"

// warnStatsSetUnits warns when the files of the stats map argument in
// (MAP, --cross, --imag or, with compare, a set of --compare) mix BUNITs
// or pixel scales, and returns the warning ("" for none).
func warnStatsSetUnits(g *globals, in statsInput, compare bool) string {
	if in.set == nil { // a complex .npy MAP: no FITS header
		return ""
	}
	u := inputUnits(in)
	// the wavelet clause only where the pixel scales differ (polfix19)
	conv := "no conversion"
	if u.mixS != "" {
		conv += "; the same wavelet scale j spans another angle on maps of another pixel scale"
	}
	what := `its maps are stacked into one set as given (` + conv + `), and the JSON's "bunit" is left out ("input_sets" lists each file's); `
	if u.mixB == "" {
		what = `its maps are stacked into one set as given (` + conv + `), and the JSON's "pixel_scale" is left out ("input_sets" lists each file's); `
	}
	if compare {
		what = "its maps are taken as one set as given (" + conv + "), so z and χ²/dof measure that mixture too; "
	}
	return warnf(g.stderr, "stats", mixedNote(in.describe(), u, what+unitsAdvice))
}

// warnStatsPairUnits warns when two stats map arguments (MAP and --cross,
// --imag or --compare) have different BUNITs (with bunit) or pixel scales,
// each argument's files being of one; what says what the two are for. It
// returns the warning ("" for none).
func warnStatsPairUnits(g *globals, a, b statsInput, bunit bool, what string) string {
	if a.set == nil || b.set == nil {
		return ""
	}
	return warnf(g.stderr, "stats", pairNote(a.describe(), inputUnits(a), b.describe(), inputUnits(b), bunit, what+"; "+unitsAdvice))
}

// warnStatsInputUnits is stats' check of units for MAP and one more map
// argument other (--cross, --imag; nil for none): each argument's files
// (warnStatsSetUnits), then the two against each other
// (warnStatsPairUnits; for --imag the pixel scales only, stats warning of
// the BUNITs itself). It returns the warnings given (for the JSON's
// config.unit_warnings).
func warnStatsInputUnits(g *globals, mapIn statsInput, other *statsInput) []string {
	var out []string
	add := func(m string) {
		if m != "" {
			out = append(out, m)
		}
	}
	if other == nil {
		add(warnStatsSetUnits(g, mapIn, false))
		return out
	}
	add(warnStatsSetUnits(g, *other, false))
	switch other.flag {
	case "--imag":
		add(warnStatsPairUnits(g, mapIn, *other, false, "the real and imaginary parts of z = MAP + i·IMAG should be on one pixel grid; the coefficients mix them as given"))
	default:
		add(warnStatsPairUnits(g, mapIn, *other, true, "the cross statistics pair the maps as given (no conversion)"))
	}
	return out
}

// warnSeparateUnits warns (on w, as separate) when separate's sample or
// template maps (flags: pairs of a flag and its argument, "" for not given)
// mix BUNITs or pixel scales, or differ from DATA's (dataCards, its FITS
// cards): samples in mK beside DATA in K, or at another pixel scale, are
// not samples of what DATA holds. It returns the warnings.
func warnSeparateUnits(w io.Writer, data string, dataCards []datasets.Card, flags ...[2]string) []string {
	d := summariseUnits([]string{data}, []datasets.MapUnits{datasets.MapUnitsOf(dataCards)})
	var out []string
	for _, f := range flags {
		if f[1] == "" {
			continue
		}
		files, units := pathUnits(f[1])
		s := summariseUnits(files, units)
		desc := f[0] + " " + f[1]
		if m := warnf(w, "separate", mixedNote(desc, s, "its maps are used together as given (no conversion); "+unitsAdvice)); m != "" {
			out = append(out, m)
		}
		if m := warnf(w, "separate", pairNote("DATA "+data, d, desc, s, true, "they are used as given (no conversion): maps in another unit or at another pixel scale do not describe what DATA holds, and the separation removes the wrong amount; "+unitsAdvice)); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// warnSynthTargetUnits warns (on w, as synth) when the files of synth's
// TARGET set s (desc: "TARGET a.fits,b.fits") mix BUNITs or pixel scales:
// the mean statistics it matches are then of maps in different units. It
// returns the warning ("" for none). Its call in synth.go is a patch
// (/tmp/s19/units/synth_units.patch).
func warnSynthTargetUnits(w io.Writer, desc string, s *mapSet) string {
	if s == nil {
		return ""
	}
	return warnf(w, "synth", mixedNote(desc, summariseUnits(s.Files, setFileUnits(s)),
		"the syntheses match the mean statistics of maps in different units or at different pixel scales, as given (no conversion); "+unitsAdvice))
}
