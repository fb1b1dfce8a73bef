package datasets

import (
	"fmt"
	"strings"
	"testing"
)

// DecodeNPY's descrs as documented: bool as '|b1' or '?' behind an order
// character, one-byte types with any order character, '=' refused on wider
// types, a bare '?' (no order character) refused.
func TestNPYDescrSpellings(t *testing.T) {
	file := func(descr string, data []byte) []byte {
		h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (2,), }", descr)
		h += strings.Repeat(" ", 63-(10+len(h))%64) + "\n"
		b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
		return append(append(b, h...), data...)
	}
	for _, c := range []struct {
		descr string
		size  int
		dtype string
		want  []float64
	}{
		{"|b1", 1, "bool", []float64{0, 1}}, {"|?", 1, "bool", []float64{0, 1}}, {"<?", 1, "bool", []float64{0, 1}},
		{"=?", 1, "bool", []float64{0, 1}}, {"=u1", 1, "uint8", []float64{0, 1}}, {">i1", 1, "int8", []float64{0, 1}},
		{">i2", 2, "int16", []float64{0, 256}},
		{"?", 1, "", nil}, {"=f8", 8, "", nil}, {"|f4", 4, "", nil},
	} {
		data := make([]byte, 2*c.size)
		data[c.size] = 1
		a, err := DecodeNPY(file(c.descr, data))
		if c.dtype == "" {
			if err == nil {
				t.Errorf("descr %q accepted as %s, want refused", c.descr, a.DType)
			}
			continue
		}
		if err != nil || a.DType != c.dtype || a.Float64[0] != c.want[0] || a.Float64[1] != c.want[1] {
			t.Errorf("descr %q: %+v, %v; want %s %v", c.descr, a, err, c.dtype, c.want)
		}
	}
}
