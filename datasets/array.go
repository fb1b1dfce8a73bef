package datasets

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Array is an n-dimensional array read from or written to a file, in C
// (row-major) order: element (i0, …, ik) sits at index ((i0·d1 + i1)·d2 + …)·dk + ik
// of the data slice, with Shape = (d0, …, dk). A 0-d array (Shape empty) holds
// one element.
//
// DType is a numpy dtype name: "bool", "int8", "int16", "int32", "int64",
// "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex64" or
// "complex128". Real dtypes keep their values in Float64 (Complex128 nil),
// complex dtypes in Complex128 (Float64 nil). Writers convert the values to
// DType: float32 and complex64 round to nearest and refuse finite values
// beyond float32's range (magnitude above 3.4028235e38, which would become
// ±Inf; NaN and ±Inf are written as they are, values too small for float32
// become subnormal or 0), integer and bool dtypes require exact
// integer values in range (bool: 0 or 1); for int64 and uint64, 2^63 and 2^64
// (the float64 images of the largest values) are written as 2^63−1 and
// 2^64−1, so that any array read can be written back.
//
// DType "str" (StringDType) is a string array, numpy's fixed-width unicode
// dtype '<U{w}' (w characters of UTF-32, NUL-padded): its elements are in
// Strings (Float64 and Complex128 nil), as valid UTF-8 without trailing NULs
// (numpy drops them). Readers return one for a '<U' or '>U' .npy file or
// .npz member, writers store it as '<U{w}' with w the largest number of
// characters (runes) of an element, at least 1. String arrays are not
// numbers: maps, FITS and every numeric function refuse them (IsString).
type Array struct {
	Shape      []int
	DType      string
	Float64    []float64
	Complex128 []complex128
	// Strings holds the elements of a string array (DType "str"); nil for
	// every other dtype.
	Strings []string
	// Header holds the header cards of a FITS file (all but END, in file
	// order); nil for .npy and .npz. It is informational: writers ignore it
	// (pass FITSUserCards(a.Header) to WriteFITS to carry user cards over).
	Header []Card
}

// NamedArray is a member of an .npz archive; Name is the member name without
// the ".npy" suffix.
type NamedArray struct {
	Name  string
	Array *Array
}

// dtypeInfo describes a supported dtype: its numpy kind character ('b', 'i',
// 'u', 'f', 'c') and item size in bytes.
type dtypeInfo struct {
	name string
	kind byte
	size int
}

var dtypes = []dtypeInfo{
	{"bool", 'b', 1},
	{"int8", 'i', 1}, {"int16", 'i', 2}, {"int32", 'i', 4}, {"int64", 'i', 8},
	{"uint8", 'u', 1}, {"uint16", 'u', 2}, {"uint32", 'u', 4}, {"uint64", 'u', 8},
	{"float32", 'f', 4}, {"float64", 'f', 8},
	{"complex64", 'c', 8}, {"complex128", 'c', 16},
}

func lookupDType(name string) (dtypeInfo, bool) {
	for _, d := range dtypes {
		if d.name == name {
			return d, true
		}
	}
	return dtypeInfo{}, false
}

func dtypeByKind(kind byte, size int) (dtypeInfo, bool) {
	for _, d := range dtypes {
		if d.kind == kind && d.size == size {
			return d, true
		}
	}
	return dtypeInfo{}, false
}

// StringDType is the DType of a string array (numpy '<U{w}', see Array).
const StringDType = "str"

// maxStringWidth is the widest '<U{w}' read or written: numpy's item size
// (4 bytes per character) is a C int, so w ≤ (2³¹ − 1)/4.
const maxStringWidth = (1<<31 - 1) / 4

// IsComplex reports whether the array has a complex dtype.
func (a *Array) IsComplex() bool { return a.DType == "complex64" || a.DType == "complex128" }

// IsString reports whether the array is a string array (DType "str",
// numpy's '<U{w}'), whose elements are in Strings.
func (a *Array) IsString() bool { return a.DType == StringDType }

// Size returns the number of elements implied by Shape (1 for a 0-d array).
// It returns -1 if a dimension is negative or the product exceeds 2^62 (the
// bound for every array this package reads, writes or allocates).
func (a *Array) Size() int { return shapeSize(a.Shape) }

// NewArray allocates a zero array of the given dtype and shape (for dtype
// "str", a string array of empty strings).
func NewArray(dtype string, shape ...int) (*Array, error) {
	if dtype == StringDType {
		n := shapeSize(shape)
		if n < 0 {
			return nil, fmt.Errorf("datasets: invalid shape %s", shapeString(shape))
		}
		return &Array{Shape: append([]int(nil), shape...), DType: StringDType, Strings: make([]string, n)}, nil
	}
	d, ok := lookupDType(dtype)
	if !ok {
		return nil, fmt.Errorf("datasets: unknown dtype %q (want one of %s)", dtype, dtypeNames())
	}
	n := shapeSize(shape)
	if n < 0 {
		return nil, fmt.Errorf("datasets: invalid shape %s", shapeString(shape))
	}
	a := &Array{Shape: append([]int(nil), shape...), DType: d.name}
	if d.kind == 'c' {
		a.Complex128 = make([]complex128, n)
	} else {
		a.Float64 = make([]float64, n)
	}
	return a, nil
}

// check verifies that the array is a consistent numeric array: known
// numeric dtype, valid shape, data slice of the right kind and length. A
// string array is refused (it holds no numbers), so that numeric users of
// check (maps, FITS) never take one for data; consistent accepts both.
func (a *Array) check() error {
	if a == nil {
		return fmt.Errorf("nil array")
	}
	if a.IsString() {
		return fmt.Errorf("the array of shape %s holds strings (dtype %s, numpy '<U'), not numbers", shapeString(a.Shape), a.DType)
	}
	if a.Strings != nil {
		return fmt.Errorf("dtype %s with %d values in Strings (want nil: strings go with DType %q)", a.DType, len(a.Strings), StringDType)
	}
	d, ok := lookupDType(a.DType)
	if !ok {
		return fmt.Errorf("unknown dtype %q (want one of %s)", a.DType, dtypeNames())
	}
	n := shapeSize(a.Shape)
	if n < 0 {
		return fmt.Errorf("invalid shape %s", shapeString(a.Shape))
	}
	if d.kind == 'c' {
		if len(a.Complex128) != n || a.Float64 != nil {
			return fmt.Errorf("dtype %s with shape %s needs %d values in Complex128 (and Float64 nil); got %d and %d",
				a.DType, shapeString(a.Shape), n, len(a.Complex128), len(a.Float64))
		}
	} else if len(a.Float64) != n || a.Complex128 != nil {
		return fmt.Errorf("dtype %s with shape %s needs %d values in Float64 (and Complex128 nil); got %d and %d",
			a.DType, shapeString(a.Shape), n, len(a.Float64), len(a.Complex128))
	}
	return nil
}

// consistent is check for a numeric array and checkStrings for a string
// array.
func (a *Array) consistent() error {
	if a != nil && a.IsString() {
		return a.checkStrings()
	}
	return a.check()
}

// checkStrings verifies that a string array is consistent: valid shape,
// one element in Strings per element of the shape, Float64 and Complex128
// nil. The elements themselves are checked by stringWidth.
func (a *Array) checkStrings() error {
	n := shapeSize(a.Shape)
	if n < 0 {
		return fmt.Errorf("invalid shape %s", shapeString(a.Shape))
	}
	if len(a.Strings) != n || a.Float64 != nil || a.Complex128 != nil {
		return fmt.Errorf("dtype %s with shape %s needs %d strings in Strings (and Float64, Complex128 nil); got %d, %d and %d",
			a.DType, shapeString(a.Shape), n, len(a.Strings), len(a.Float64), len(a.Complex128))
	}
	return nil
}

// stringWidth returns the w of the '<U{w}' that holds the strings of a
// string array: the largest number of runes of an element, at least 1 (as
// numpy: np.array(["", ""]) is '<U1'). It refuses an element that is not
// valid UTF-8 (numpy stores code points; the bytes would become U+FFFD) or
// ends in NUL (numpy drops trailing NULs, so it would not read back), and
// a width or a data size beyond what numpy can hold (w ≤ maxStringWidth,
// elements × 4w ≤ 2⁶²). Errors name the element by its index.
func stringWidth(a *Array) (int, error) {
	w := 1
	for i, s := range a.Strings {
		if !utf8.ValidString(s) {
			return 0, fmt.Errorf("string array: the element at index %s is not valid UTF-8 (%q)", indexString(a.Shape, i), clip([]byte(s), 40))
		}
		if strings.HasSuffix(s, "\x00") {
			return 0, fmt.Errorf("string array: the element at index %s, %q, ends in NUL, which numpy drops when reading '<U' strings (remove the trailing NULs)", indexString(a.Shape, i), clip([]byte(s), 40))
		}
		if len(s) > w { // the rune count is at most the byte count
			w = max(w, utf8.RuneCountInString(s))
		}
	}
	if w > maxStringWidth {
		return 0, fmt.Errorf("string array: an element of %d characters is beyond numpy's widest '<U' (%d characters)", w, maxStringWidth)
	}
	if n := len(a.Strings); n > 0 && n > (1<<62)/(4*w) {
		return 0, fmt.Errorf("string array of shape %s and width %d needs more than 2^62 bytes as '<U%d'", shapeString(a.Shape), w, w)
	}
	return w, nil
}

func dtypeNames() string {
	names := make([]string, len(dtypes))
	for i, d := range dtypes {
		names[i] = d.name
	}
	return strings.Join(names, ", ")
}

// shapeSize returns the product of the dimensions, or -1 on a negative
// dimension or overflow beyond 2^62.
func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return -1
		}
		if d != 0 && n > (1<<62)/d {
			return -1
		}
		n *= d
	}
	return n
}

// shapeString formats a shape as Python does: (), (5,), (2, 3).
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", d)
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// intBounds returns the range [lo, hiExcl) of an integer dtype as float64
// (both bounds are exact powers of two).
func intBounds(d dtypeInfo) (lo, hiExcl float64) {
	bits := 8 * d.size
	if d.kind == 'u' {
		return 0, math.Ldexp(1, bits)
	}
	return -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
}

// checkRealValues verifies that every value can be stored exactly in an
// integer or bool dtype; float dtypes accept everything.
func checkRealValues(d dtypeInfo, v []float64) error {
	switch d.kind {
	case 'f', 'c':
		return nil
	case 'b':
		for i, x := range v {
			if x != 0 && x != 1 {
				return fmt.Errorf("bool array holds %v at flat index %d (want 0 or 1)", x, i)
			}
		}
		return nil
	}
	lo, hi := intBounds(d)
	for i, x := range v {
		// For 64-bit types the top value (2^63−1 or 2^64−1) rounds up to hi in
		// float64; hi itself is accepted and written as that top value.
		if x != math.Trunc(x) || x < lo || x > hi || (x == hi && d.size < 8) {
			return fmt.Errorf("%s array holds %v at flat index %d (not an integer in range)", d.name, x, i)
		}
	}
	return nil
}

// FormatError reports a malformed or unsupported file. Path is the file (with
// ":member" for an .npz member; empty when decoding bytes in memory), Format
// is "npy", "npz" or "fits", Msg says what is wrong, Err is the underlying
// cause if any.
type FormatError struct {
	Path   string
	Format string
	Msg    string
	Err    error
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("datasets: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Format)
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErrorf(format, msg string, a ...any) *FormatError {
	return &FormatError{Format: format, Msg: fmt.Sprintf(msg, a...)}
}

// withPath sets the path of a *FormatError (keeping a member suffix already
// present) and returns it; other errors are returned unchanged.
func withPath(err error, path string) error {
	if fe, ok := err.(*FormatError); ok {
		if fe.Path == "" {
			fe.Path = path
		} else if strings.HasPrefix(fe.Path, ":") {
			fe.Path = path + fe.Path
		}
	}
	return err
}

// float32Overflow describes the finite values of an array that float32
// cannot hold: they lie beyond ±math.MaxFloat32 (3.4028235e38) far enough
// to round to ±Inf. First and Value are the first such value and its flat
// index, Count how many there are, Max the largest magnitude among them.
type float32Overflow struct {
	First int
	Value float64
	Count int
	Max   float64
}

// OverflowsFloat32 reports whether x is finite but rounds to ±Inf in float32
// (|x| ≥ 2¹²⁸ − 2¹⁰³, about 3.4028e38): the values a float32 write refuses.
// (Values that are too small go to a subnormal or to 0 instead: that loses
// at most 1.4e−45 in absolute terms, and is not refused.)
func OverflowsFloat32(x float64) bool {
	return math.IsInf(float64(float32(x)), 0) && !math.IsInf(x, 0)
}

// scanFloat32 returns nil when float32 holds every finite value of v (NaN
// and ±Inf stay NaN and ±Inf), else the values it cannot hold.
func scanFloat32(v []float64) *float32Overflow {
	var o *float32Overflow
	for i, x := range v {
		o = o.note(i, x)
	}
	return o
}

// note records x, element i, in o when float32 cannot hold it (o nil: none
// recorded yet) and returns the record.
func (o *float32Overflow) note(i int, x float64) *float32Overflow {
	if !OverflowsFloat32(x) {
		return o
	}
	if o == nil {
		o = &float32Overflow{First: i, Value: x}
	}
	o.Count++
	o.Max = max(o.Max, math.Abs(x))
	return o
}

// scanComplex64 is scanFloat32 for complex values, both parts checked; First
// is the flat index of the element, Value the part out of range, Count the
// parts out of range.
func scanComplex64(v []complex128) *float32Overflow {
	var o *float32Overflow
	for i, z := range v {
		o = o.note(i, real(z)).note(i, imag(z))
	}
	return o
}

// describe says what is out of range: what (e.g. "the value", "pixel (row 3,
// column 4) of map 0") holds Value, which becomes ±Inf, and how many values
// (noun, e.g. "values" or "pixels") are out of range.
func (o *float32Overflow) describe(what, noun string) string {
	inf := "+Inf"
	if o.Value < 0 {
		inf = "-Inf"
	}
	s := fmt.Sprintf("%s holds %g, beyond the range of float32 (largest magnitude 3.4028235e+38): it would be written as %s",
		what, o.Value, inf)
	if o.Count > 1 {
		s += fmt.Sprintf("; %d %s are out of range, the largest magnitude is %g", o.Count, noun, o.Max)
	}
	return s
}

// float32Check refuses an array of dtype float32 or complex64 holding finite
// values those dtypes cannot hold (they would be written as ±Inf); other
// dtypes pass.
func float32Check(a *Array) error {
	o, what, noun, wide := float32OverflowOf(a)
	if o == nil {
		return nil
	}
	where := fmt.Sprintf("%s at index %s", what, indexString(a.Shape, o.First))
	if len(a.Shape) != 1 {
		where += fmt.Sprintf(" (flat index %d)", o.First)
	}
	return fmt.Errorf("%s array of shape %s: %s. Rescale the data (e.g. change units) or write it as %s (Array.DType %q)",
		a.DType, shapeString(a.Shape), o.describe(where, noun), wide, wide)
}

// float32OverflowOf scans a float32 or complex64 array for finite values
// those dtypes cannot hold (nil o when none, or for other dtypes) and
// returns the words float32Check and spoolFloat32Check use: what holds
// the first of them ("the value", or for complex64 "the real part of the
// value" / "the imaginary part of the value"), the noun of o.Count
// ("values", or "parts (real or imaginary, counted apart)") and the dtype
// to write instead (float64, complex128).
func float32OverflowOf(a *Array) (o *float32Overflow, what, noun, wide string) {
	switch a.DType {
	case "float32":
		o = scanFloat32(a.Float64)
	case "complex64":
		o = scanComplex64(a.Complex128)
	}
	if o == nil {
		return nil, "", "", ""
	}
	if a.DType != "complex64" {
		return o, "the value", "values", "float64"
	}
	// The first value noted is z's real part when that part is out of
	// range (scanComplex64 notes it before the imaginary part).
	what = "the imaginary part of the value"
	if OverflowsFloat32(real(a.Complex128[o.First])) {
		what = "the real part of the value"
	}
	return o, what, "parts (real or imaginary, counted apart)", "complex128"
}

// indexString formats the C-order index of flat index i in an array of the
// given shape as Python does: (), (5,), (0, 3, 7).
func indexString(shape []int, i int) string {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] > 0 {
			idx[k] = i % shape[k]
			i /= shape[k]
		}
	}
	return shapeString(idx)
}
