package datasets

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// sameFloat reports bitwise-equal values, or both NaN.
func sameFloat(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || math.IsNaN(a) && math.IsNaN(b)
}

func sameComplex(a, b complex128) bool {
	return sameFloat(real(a), real(b)) && sameFloat(imag(a), imag(b))
}

// sameArray compares shape, dtype and values (NaN equals NaN; the
// elements of string arrays too).
func sameArray(a, b *Array) string {
	if a.DType != b.DType {
		return "dtype " + a.DType + " vs " + b.DType
	}
	if shapeString(a.Shape) != shapeString(b.Shape) {
		return "shape " + shapeString(a.Shape) + " vs " + shapeString(b.Shape)
	}
	if len(a.Float64) != len(b.Float64) || len(a.Complex128) != len(b.Complex128) || len(a.Strings) != len(b.Strings) {
		return "data lengths differ"
	}
	for i := range a.Strings {
		if a.Strings[i] != b.Strings[i] {
			return "string differs at " + strconv.Itoa(i) + ": " + strconv.Quote(a.Strings[i]) + " vs " + strconv.Quote(b.Strings[i])
		}
	}
	for i := range a.Float64 {
		if !sameFloat(a.Float64[i], b.Float64[i]) {
			return "value differs at " + strconv.Itoa(i)
		}
	}
	for i := range a.Complex128 {
		if !sameComplex(a.Complex128[i], b.Complex128[i]) {
			return "value differs at " + strconv.Itoa(i)
		}
	}
	return ""
}

// wantFormatError checks that err is a *FormatError whose message contains
// every fragment.
func wantFormatError(t *testing.T, err error, fragments ...string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FormatError, got %T: %v", err, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err.Error(), f)
		}
	}
}

// fixtureValue is the value the fixture script wrote at flat C index i for
// the numpy kind (see testdata/make_fixtures.py).
func fixtureValue(kind string, i int) (float64, complex128) {
	x := float64(i)
	switch kind {
	case "f4":
		return float64(float32(x*0.37 - 1.5)), 0
	case "f8":
		return x*0.37 - 1.5, 0
	case "c8":
		return 0, complex(float64(float32(x*0.37-1.5)), float64(float32(0.5*x+1)))
	case "c16":
		return 0, complex(x*0.37-1.5, 0.5*x+1)
	case "b1":
		if i%3 == 1 {
			return 1, 0
		}
		return 0, 0
	}
	if kind[0] == 'i' {
		return x - 5, 0
	}
	return x, 0
}

// fillFixture sets every value of a to fixtureValue(kind, i) (flat C index i).
func fillFixture(a *Array, kind string) {
	for i := 0; i < a.Size(); i++ {
		re, z := fixtureValue(kind, i)
		if a.IsComplex() {
			a.Complex128[i] = z
		} else {
			a.Float64[i] = re
		}
	}
}

var kindDType = map[string]string{
	"f4": "float32", "f8": "float64", "c8": "complex64", "c16": "complex128",
	"i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
	"u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64", "b1": "bool",
}

var fixtureShapes = map[string][]int{"0d": {}, "1d": {5}, "2d": {3, 4}, "3d": {2, 3, 4}}
