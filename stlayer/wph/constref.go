package wph

import (
	"errors"
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// ErrConstantRef is wrapped by FitNorm's (and so Forward's) error for a
// reference whose maps are all constant (checkConstantRef).
var ErrConstantRef = errors.New("a constant reference has no fluctuations to normalise")

// IsConstantRef reports whether every map of ref is constant (complex:
// every z = Q + iU of its pairs stacked by rows (StackPair), Q and U each
// constant), the reference that NormAuto refuses: FitNorm here
// (checkConstantRef) and stats.CheckConstantRef, each with its own error
// and wording. A nil or empty batch, maps of no pixel, or Data shorter
// than B·M·N: false. One map that varies: false. For Cross pairs, whose
// two maps are normalised apart, see IsConstantCrossRef.
func IsConstantRef(ref *stlayer.Maps, complex bool) bool {
	if !complex {
		return allPartsConstant(ref, 1, 0)
	}
	// Q and U stacked by rows (StackPair), each constant
	return allPartsConstant(ref, 2, 0) && allPartsConstant(ref, 2, 1)
}

// IsConstantCrossRef reports, for Cross pairs (x1, x2) stacked by rows
// (StackPair: x1 in rows 0…M/2−1), whether every first map x1 of ref is
// constant (first) and whether every second map x2 is (second). Each map
// of a pair is normalised by its own factors' σ, measured on the first
// maps or on the second maps of the batch: when those are all constant
// their σ is 0 (counted as 1) or round-off, and every cross moment
// correlates the other map with round-off (a 32² white-noise map against
// a map of 0.001, or of 0, J = 3, L = 4: S11(j=0, l=0) = 0.645, |C| up to
// 0.78; the raw moments, NormNone, are 1e-17). An odd number of rows, a
// nil or empty batch, maps of no pixel or short data: false, false.
func IsConstantCrossRef(ref *stlayer.Maps) (first, second bool) {
	if ref == nil || ref.M%2 != 0 {
		return false, false
	}
	return allPartsConstant(ref, 2, 0), allPartsConstant(ref, 2, 1)
}

// allPartsConstant reports whether part h of every map of ref, split by
// rows into parts equal parts, holds one value (nil, empty, no pixel or
// short data: false).
func allPartsConstant(ref *stlayer.Maps, parts, h int) bool {
	if ref == nil || ref.B == 0 {
		return false
	}
	n := ref.M * ref.N
	if n == 0 || len(ref.Data) < ref.B*n {
		return false
	}
	part := n / parts
	for b := range ref.B {
		p := ref.Data[b*n+h*part : b*n+(h+1)*part]
		if _, ok := stlayer.ConstantValue(p); !ok && len(p) > 0 {
			return false // a part of no pixel (M·N < parts) counts as constant, as before
		}
	}
	return true
}

// checkConstantRef refuses ref as NormAuto's reference when every map of it
// is constant (IsConstantRef; Complex: every z = Q + iU of its stacked
// pairs, Q and U each constant): the σ of every factor is then 0 (counted
// as 1) or round-off, and the coefficients would be ratios of round-off (a
// map of 0.001, J = 2: L(j1=0,p1=1,j2=0,p2=1) = 1.0 on 32²,
// L(j1=0,p1=0,j2=0,p2=0) = −2.89 on 64²), not a shape. A batch with one
// map that varies is a defined reference. Cross: the two maps of a pair
// are normalised apart, so every first map constant, or every second map
// constant, is refused (IsConstantCrossRef; before s23 Cross was not
// tested and the cross moments correlated the other map with round-off,
// |C| up to 0.78). The stats package imports this one and calls
// IsConstantRef and IsConstantCrossRef too, with its own wording.
func checkConstantRef(ref *stlayer.Maps, cross, complex bool) error {
	if cross {
		first, second := IsConstantCrossRef(ref)
		if !first && !second {
			return nil
		}
		which, x, off := "first", 1, 0
		if !first {
			which, x, off = "second", 2, ref.M*ref.N/2
		}
		what := fmt.Sprintf("every %s map (x%d) of the %d pairs is constant (pair 0: %s)", which, x, ref.B, stlayer.ConstantPixels(ref.Data[off]))
		if ref.B == 1 {
			what = fmt.Sprintf("the %s map (x%d) of the pair is %s", which, x, stlayer.ConstantWords(ref.Data[off]))
		}
		return fmt.Errorf("wph: NormAuto reference maps: %s: %w: each map of a cross pair is normalised by its own factors' σ, which would be 0 (counted as 1) or round-off, and every cross moment a correlation of the other map with round-off; fit the normalisation on pairs whose maps vary (FitNorm, SetNorm)", what, ErrConstantRef)
	}
	if !IsConstantRef(ref, complex) {
		return nil
	}
	part := ref.M * ref.N / 2 // U's first pixel (complex)
	which := fmt.Sprintf("every map of the %d is constant (map 0: %s)", ref.B, stlayer.ConstantPixels(ref.Data[0]))
	if ref.B == 1 {
		which = fmt.Sprintf("the map is %s", stlayer.ConstantWords(ref.Data[0]))
	}
	if complex {
		which = fmt.Sprintf("every complex map z = Q + iU of the %d pairs is constant (pair 0: Q = %g, U = %g everywhere)", ref.B, ref.Data[0], ref.Data[part])
		if ref.B == 1 {
			which = fmt.Sprintf("the complex map z = Q + iU is constant (Q = %g, U = %g everywhere)", ref.Data[0], ref.Data[part])
		}
	}
	return fmt.Errorf("wph: NormAuto reference maps: %s: %w: the σ of every factor would be 0 (counted as 1) or round-off, and the coefficients ratios of round-off; fit the normalisation on maps that vary (FitNorm, SetNorm)", which, ErrConstantRef)
}
