package main

import (
	"errors"
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// checkConstantDict refuses, for an .npz output (format "npz"), a constant
// map of x when the family's dict (familyDict) holds arrays that are
// undefined on it: the raw scov's Cheng dictionary normalises C01 and C11
// by √(P00·P00) = 0 and takes log P00, log S1 (for_synthesis), and the raw
// wst's has s21, s22 (0/0) and for_synthesis (log S1, log S2); stats wrote
// them as NaN with exit 0 (stkit stats const.npy -J 3 --kind scov -o c.npz:
// C01 144/144, C11 1728/1728, for_synthesis 1497/1497 NaN). The raw
// coefficients themselves are defined (0 for every fluctuation
// coefficient), so .json and .npy outputs are not refused
// (stats.CheckConstant's rule for the raw families); --cross and wst
// --local write no such arrays. The map is named by its index in in, the
// MAP argument x was read from (constantInFile: --skip-nan's maps left out
// counted).
func checkConstantDict(spec stats.Spec, format string, x *stlayer.Maps, in statsInput) error {
	if format != "npz" || spec.Cross {
		return nil
	}
	s := spec
	var arrays string
	switch {
	case s.Kind == stats.SCov || s.Kind == "":
		s.Kind, s.Synthesis = stats.SCov, true
		arrays = "C01, C01_iso, C11, C11_iso (normalised by √(P00·P00) = 0) and for_synthesis, for_synthesis_iso (log P00, log S1 = −Inf)"
	case s.Kind == stats.WST && !s.Local:
		s.Synthesis = true
		arrays = "s21, s22 (S2/S1 = 0/0) and for_synthesis, for_synthesis_iso (log S1, log S2 = −Inf)"
	default:
		return nil
	}
	var ce *stats.ConstantMapError
	if err := constantInFile(stats.CheckConstant(s, x), in); !errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("map %d is %s: the .npz dict's %s are undefined on it (they would be NaN); the raw %s coefficients are defined there (0 for every fluctuation coefficient): write them with -o FILE.json or FILE.npy, or give maps that vary",
		ce.Map, stlayer.ConstantWords(ce.Value), arrays, s.Kind)
}

// checkConstantSets is stats.CheckConstant for stats --compare's two sets
// (am, bm the maps of a and b as the statistic takes them), each on its
// own, so that a constant map is named by its index in its set: with the
// two stacked into one batch, map 0 of --compare was "map 4" (A holding
// 4 maps).
func checkConstantSets(spec stats.Spec, a statsInput, am *stlayer.Maps, b statsInput, bm *stlayer.Maps) error {
	if err := stats.CheckConstant(spec, am); err != nil {
		return badInputf("%s: %v", a.describe(), constantInFile(err, a))
	}
	if err := stats.CheckConstant(spec, bm); err != nil {
		return badInputf("%s: %v", b.describe(), constantInFile(err, b))
	}
	return nil
}
