package datasets

import (
	"encoding/binary"
	"testing"
)

// TestNPZOverlappingMembers builds an archive whose central directory lists
// the same stored data twice under two names; it is refused, so that such an
// archive cannot multiply the memory a decode needs.
func TestNPZOverlappingMembers(t *testing.T) {
	a := &Array{Shape: []int{64}, DType: "float64", Float64: make([]float64, 64)}
	b, err := EncodeNPZ([]NamedArray{{"x", a}}, false)
	if err != nil {
		t.Fatal(err)
	}
	eocd := len(b) - 22
	if binary.LittleEndian.Uint32(b[eocd:]) != 0x06054b50 {
		t.Fatal("no end-of-central-directory record at the end")
	}
	cdSize := int(binary.LittleEndian.Uint32(b[eocd+12:]))
	cdOff := int(binary.LittleEndian.Uint32(b[eocd+16:]))
	cd := b[cdOff : cdOff+cdSize]
	dup := append([]byte(nil), cd...)
	nameLen := int(binary.LittleEndian.Uint16(dup[28:]))
	dup[46+nameLen-5] = 'y' // "x.npy" → "y.npy"
	out := append([]byte(nil), b[:cdOff]...)
	out = append(out, cd...)
	out = append(out, dup...)
	end := append([]byte(nil), b[eocd:]...)
	binary.LittleEndian.PutUint16(end[8:], 2)
	binary.LittleEndian.PutUint16(end[10:], 2)
	binary.LittleEndian.PutUint32(end[12:], uint32(2*cdSize))
	out = append(out, end...)
	_, err = DecodeNPZ(out)
	wantFormatError(t, err, "overlapping")
	// The single-entry original is fine.
	if _, err := DecodeNPZ(b); err != nil {
		t.Fatal(err)
	}
}

// TestNPZSmallNumpy reads the small archives numpy wrote (zip64 extra fields
// on members, stored and deflated).
func TestNPZSmallNumpy(t *testing.T) {
	for _, p := range []string{"testdata/numpy_small.npz", "testdata/numpy_small_deflated.npz"} {
		all, err := ReadNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Name != "a" || all[1].Name != "J" || all[2].Name != "z" {
			t.Fatalf("%s: members %v", p, all)
		}
		if a := all[0].Array; a.DType != "float32" || a.Float64[5] != 5 || shapeString(a.Shape) != "(2, 3)" {
			t.Errorf("%s: a = %+v", p, a)
		}
		if j := all[1].Array; j.DType != "int64" || len(j.Shape) != 0 || j.Float64[0] != 4 {
			t.Errorf("%s: J = %+v", p, j)
		}
		if z := all[2].Array; z.DType != "complex64" || z.Complex128[0] != 1+2i {
			t.Errorf("%s: z = %+v", p, z)
		}
	}
}
