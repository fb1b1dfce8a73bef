package main

import (
	"fmt"

	"github.com/stkit-org/stkit/datasets"
)

// statsAppliedDoc is stats' --skip-nan and --crop help on the record.
const statsAppliedDoc = "The outputs record what was done: the JSON config's maps_read, maps_used (for each output map, its index among the maps read, from 0; \"map\" in the coefficients counts the maps kept) and crop (the window's rows, cols, numpy slice and FITS section), " +
	"the .npz members input_index (int64 [B]), maps_read and crop_window (R0, R1, C0, C1); a .npy output records none (use .json or .npz); --compare's JSON config records each set's as applied_a and applied_b (maps_read, maps_used, crop)"

// nanmaskApplied is what stats --skip-nan and --crop did to MAP's maps,
// written into the outputs (the JSON config, the .npz members) so that an
// output map can be traced to its input: stats batchnan.npy --skip-nan
// (3 maps, map 1 all NaN) wrote "map" 0 and 1, 1 being input map 2, and
// recorded neither the map left out nor the window.
type nanmaskApplied struct {
	// MapsRead: the number of maps read (MAP's, pairs with --cross or
	// --imag); MapsUsed: for each output map, its index among them
	// (counted from 0, in reading order: the files of "inputs" in turn).
	MapsRead int   `json:"maps_read"`
	MapsUsed []int `json:"maps_used"`
	// Crop: the window every map was cut to (--crop), nil when none.
	Crop *cropDoc `json:"crop,omitempty"`
}

// cropDoc is a --crop window in the JSON config: rows [R0, R1) and columns
// [C0, C1) of the maps of map_shape_read (M, N), counted from 0, with the
// numpy slice and the FITS section.
type cropDoc struct {
	Rows        [2]int `json:"rows"`
	Cols        [2]int `json:"cols"`
	ShapeRead   [2]int `json:"map_shape_read"`
	Numpy       string `json:"numpy"`
	FITSSection string `json:"fits_section"`
}

// newApplied is the record of a set of B maps before --skip-nan and --crop.
func newApplied(B int) *nanmaskApplied {
	a := &nanmaskApplied{MapsRead: B, MapsUsed: make([]int, B)}
	for i := range a.MapsUsed {
		a.MapsUsed[i] = i
	}
	return a
}

// drop leaves out the maps drop marks (dropMaps' drop, of the maps left so
// far).
func (a *nanmaskApplied) drop(drop []bool) {
	if a == nil {
		return
	}
	kept := a.MapsUsed[:0:0]
	for i, idx := range a.MapsUsed {
		if i >= len(drop) || !drop[i] {
			kept = append(kept, idx)
		}
	}
	a.MapsUsed = kept
}

// cut records the window w of M×N maps.
func (a *nanmaskApplied) cut(w cropWin, M, N int) {
	if a == nil {
		return
	}
	a.Crop = &cropDoc{Rows: [2]int{w.R0, w.R1}, Cols: [2]int{w.C0, w.C1}, ShapeRead: [2]int{M, N}, Numpy: w.numpy(), FITSSection: w.fitsSection()}
}

// npz is the record as .npz members: "input_index" int64 [B] (maps_used),
// "maps_read" int64 0-d, and with a window "crop_window" int64 [4], R0, R1,
// C0, C1 (numpy's x[R0:R1, C0:C1] of the maps read). Nil for a nil a.
func (a *nanmaskApplied) npz() []datasets.NamedArray {
	if a == nil {
		return nil
	}
	idx := &datasets.Array{DType: "int64", Shape: []int{len(a.MapsUsed)}, Float64: make([]float64, len(a.MapsUsed))}
	for i, v := range a.MapsUsed {
		idx.Float64[i] = float64(v)
	}
	out := []datasets.NamedArray{
		{Name: "input_index", Array: idx},
		{Name: "maps_read", Array: &datasets.Array{DType: "int64", Shape: []int{}, Float64: []float64{float64(a.MapsRead)}}},
	}
	if c := a.Crop; c != nil {
		out = append(out, datasets.NamedArray{Name: "crop_window", Array: &datasets.Array{DType: "int64", Shape: []int{4},
			Float64: []float64{float64(c.Rows[0]), float64(c.Rows[1]), float64(c.Cols[0]), float64(c.Cols[1])}}})
	}
	return out
}

// skipCountPhrase says how many of the B maps of src --skip-nan leaves out
// (n, all non-finite pixels or, with half, more than half): "the map of
// MAP x.npy holds NaN or ±Inf", "1 of the 3 maps of … holds …", "2 of the
// 3 maps of … hold …", "all 3 maps of … hold …" (it said "1 of the 1 maps
// … are holding NaN or ±Inf").
func skipCountPhrase(n, B int, src string, half bool) string {
	return skipCountPhraseBad(n, B, src, half, "NaN or ±Inf")
}

// skipUnseenBad is what the maps --skip-nan leaves out hold when one of
// them holds HEALPix's UNSEEN value (misc3, s22).
const skipUnseenBad = "NaN, ±Inf or UNSEEN (-1.6375e30)"

// skipCountPhraseBad is skipCountPhrase with bad saying what the maps hold
// ("NaN or ±Inf", or skipUnseenBad).
func skipCountPhraseBad(n, B int, src string, half bool, bad string) string {
	verb, verbs := "hold "+bad, "holds "+bad
	if half {
		verb, verbs = "are more than half "+bad+" (--crop valid cuts the others)", "is more than half "+bad+" (--crop valid cuts the others)"
	}
	switch {
	case B == 1:
		return fmt.Sprintf("the map of %s %s", src, verbs)
	case n == B:
		return fmt.Sprintf("all %d maps of %s %s", B, src, verb)
	case n == 1:
		return fmt.Sprintf("1 of the %d maps of %s %s", B, src, verbs)
	}
	return fmt.Sprintf("%d of the %d maps of %s %s", n, B, src, verb)
}
