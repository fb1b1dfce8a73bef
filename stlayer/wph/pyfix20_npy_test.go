package wph

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"codeberg.org/sbinet/npyio"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPyfix20WritePyWPHVersion1: stats --kind wph -o x.npy wrote .npy
// format 2.0 (4-byte header length, data at byte 80, not a multiple of 64)
// while every other .npy of stkit is 1.0 with 64-byte aligned data. It is
// 1.0 now, data at byte 64·n, values little-endian complex64 in C order.
func TestPyfix20WritePyWPHVersion1(t *testing.T) {
	for _, c := range []struct {
		b, k  int
		shape string
	}{{1, 5, "(5,)"}, {3, 4, "(3, 4)"}, {2, 381, "(2, 381)"}} {
		co := &stlayer.Coeffs{B: c.b, K: c.k, H: 1, W: 1, Data: make([]complex128, c.b*c.k)}
		for i := range co.Data {
			co.Data[i] = complex(float64(i)+0.25, -float64(i)/3)
		}
		var buf bytes.Buffer
		if err := WritePyWPH(&buf, co); err != nil {
			t.Fatal(err)
		}
		raw := buf.Bytes()
		if !bytes.HasPrefix(raw, []byte("\x93NUMPY\x01\x00")) {
			t.Fatalf("%s: magic/version % x, want 93 NUMPY 01 00", c.shape, raw[:8])
		}
		hlen := int(binary.LittleEndian.Uint16(raw[8:10]))
		off := 10 + hlen
		if off%64 != 0 || raw[off-1] != '\n' {
			t.Errorf("%s: data at byte %d (header ends %q), want a multiple of 64 after a newline", c.shape, off, raw[off-1])
		}
		want := "{'descr': '<c8', 'fortran_order': False, 'shape': " + c.shape + ", }"
		if got := string(bytes.TrimRight(raw[10:off], " \n")); got != want {
			t.Errorf("header %q, want %q", got, want)
		}
		if len(raw)-off != 8*c.b*c.k {
			t.Fatalf("%s: %d data bytes, want %d", c.shape, len(raw)-off, 8*c.b*c.k)
		}
		for i, v := range co.Data {
			re := math.Float32frombits(binary.LittleEndian.Uint32(raw[off+8*i:]))
			im := math.Float32frombits(binary.LittleEndian.Uint32(raw[off+8*i+4:]))
			if re != float32(real(v)) || im != float32(imag(v)) {
				t.Fatalf("%s: value %d = %v%+vi, want %v", c.shape, i, re, im, complex64(v))
			}
		}
		// numpy's reader (npyio) reads it back
		r, err := npyio.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		wantShape := []int{c.b, c.k}
		if c.b == 1 {
			wantShape = []int{c.k}
		}
		if r.Header.Major != 1 || fmt.Sprint(r.Header.Descr.Shape) != fmt.Sprint(wantShape) {
			t.Errorf("%s: npyio header %+v", c.shape, r.Header)
		}
	}
}
