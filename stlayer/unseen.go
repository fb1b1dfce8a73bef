package stlayer

import "math"

// Unseen is HEALPix's UNSEEN value (healpy.UNSEEN), which marks missing
// pixels in HEALPix maps (Planck's among them) and in the flat patches
// projected from them (healpy.gnomview, reproject keep it). It is finite, so
// that without a check the statistics would take it for a value (means of
// −3·10²⁶ and variances of 10⁵⁶ on a map with a few such pixels).
//
// This is the one definition: datasets.Unseen and datasets.IsUnseen, and the
// reference check of package stats, are this constant and IsUnseen
// (stlayer is the package both import).
const Unseen = -1.6375e30

// IsUnseen reports whether x is Unseen with healpy's tolerance (mask_bad:
// |x − UNSEEN| ≤ 1e-8 + 1e-5·|UNSEEN|, about ±1.6e25), so that the value
// rounded to float32 (a BITPIX −32 image, a float32 .npy) is caught too.
func IsUnseen(x float64) bool { return math.Abs(x-Unseen) <= 1e-8+1e-5*math.Abs(Unseen) }

// CountUnseen returns how many values of x.Data hold HEALPix's UNSEEN value
// (IsUnseen) and the flat index in x.Data of the first (−1 for none). Nil
// maps hold none.
func CountUnseen(x *Maps) (n, first int) {
	first = -1
	if x == nil {
		return 0, first
	}
	for i, v := range x.Data {
		if IsUnseen(v) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}
