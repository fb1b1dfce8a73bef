package stlayer

import "fmt"

// ConstantValue returns x's one value and true when every element of x
// equals x[0] (==, so −0 and +0 are one value, ±Inf is a value, and a NaN
// makes x vary, a lone NaN too: x[0] is compared with itself); an empty x
// is not constant: 0, false. It is the one test
// behind stats.CheckConstant, wph.IsConstantRef and IsConstantCrossRef,
// datasets' PatchSet.IsConstant, stkit stats' anisotropy note
// (constantAnisoDropped in cmd/stkit) and stkit separate's refusal of a
// constant DATA map (checkDataNotConstant in cmd/stkit).
func ConstantValue(x []float64) (float64, bool) {
	if len(x) == 0 || x[0] != x[0] {
		return 0, false
	}
	for _, v := range x[1:] {
		if v != x[0] {
			return 0, false
		}
	}
	return x[0], true
}

// ConstantWords describes a map whose every pixel is v, as the words after
// "map 0 is": "identically zero" for ±0, else "constant (every pixel v)"
// (v formatted with %g). ConstantPixels gives the words in parentheses.
func ConstantWords(v float64) string {
	if v == 0 {
		return "identically zero"
	}
	return "constant (" + ConstantPixels(v) + ")"
}

// ConstantPixels is ConstantWords' value alone, for a sentence that has
// said "constant" already (e.g. "every map of the 2 is constant (map 0:
// every pixel 0.001)"): "identically zero" for ±0, else "every pixel v".
func ConstantPixels(v float64) string {
	if v == 0 {
		return "identically zero"
	}
	return fmt.Sprintf("every pixel %g", v)
}
