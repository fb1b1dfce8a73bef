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
// than B·M·N: false. One map that varies: false.
func IsConstantRef(ref *stlayer.Maps, complex bool) bool {
	if ref == nil || ref.B == 0 {
		return false
	}
	n := ref.M * ref.N
	if n == 0 || len(ref.Data) < ref.B*n {
		return false
	}
	parts := 1
	if complex {
		parts = 2 // Q and U stacked by rows (StackPair)
	}
	part := n / parts
	for b := range ref.B {
		m := ref.Data[b*n : (b+1)*n]
		for h := range parts {
			p := m[h*part : (h+1)*part]
			for _, w := range p {
				if w != p[0] {
					return false
				}
			}
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
// map that varies is a defined reference. Cross is not tested: its two
// maps are normalised apart, as stats.CheckConstantRef leaves them (the
// stats package imports this one and calls IsConstantRef too, with its
// own wording).
func checkConstantRef(ref *stlayer.Maps, cross, complex bool) error {
	if cross || !IsConstantRef(ref, complex) {
		return nil
	}
	part := ref.M * ref.N / 2 // U's first pixel (complex)
	which := fmt.Sprintf("every map of the %d is constant (map 0: every pixel %g)", ref.B, ref.Data[0])
	if ref.B == 1 {
		which = fmt.Sprintf("the map is constant (every pixel %g)", ref.Data[0])
	}
	if complex {
		which = fmt.Sprintf("every complex map z = Q + iU of the %d pairs is constant (pair 0: Q = %g, U = %g everywhere)", ref.B, ref.Data[0], ref.Data[part])
		if ref.B == 1 {
			which = fmt.Sprintf("the complex map z = Q + iU is constant (Q = %g, U = %g everywhere)", ref.Data[0], ref.Data[part])
		}
	}
	return fmt.Errorf("wph: NormAuto reference maps: %s: %w: the σ of every factor would be 0 (counted as 1) or round-off, and the coefficients ratios of round-off; fit the normalisation on maps that vary (FitNorm, SetNorm)", which, ErrConstantRef)
}
