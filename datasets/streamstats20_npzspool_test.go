package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An archive of members spooled in blocks has the bytes of EncodeNPZ of the
// whole arrays (member order kept, in-memory members between them).
func TestStreamstats20SpoolBytes(t *testing.T) {
	dir := t.TempDir()
	const B = 5
	f := &Array{DType: "float64", Shape: []int{B, 2, 3}}
	c := &Array{DType: "complex128", Shape: []int{B, 4}}
	i := &Array{DType: "int64", Shape: []int{B}}
	for k := 0; k < B*6; k++ {
		f.Float64 = append(f.Float64, float64(k)*1.5-7)
	}
	for k := 0; k < B*4; k++ {
		c.Complex128 = append(c.Complex128, complex(float64(k), -float64(k)/3))
	}
	for k := 0; k < B; k++ {
		i.Float64 = append(i.Float64, float64(k*k-3))
	}
	mid := &Array{DType: "int64", Shape: []int{7, 2}, Float64: make([]float64, 14)}
	want, err := EncodeNPZ([]NamedArray{{Name: "f", Array: f}, {Name: "idx", Array: mid}, {Name: "c", Array: c}, {Name: "i", Array: i}}, false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewNPZSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := func(a *Array, b0, b1 int) *Array {
		per := a.Size() / a.Shape[0]
		out := &Array{DType: a.DType, Shape: append([]int{b1 - b0}, a.Shape[1:]...)}
		if a.Complex128 != nil {
			out.Complex128 = a.Complex128[b0*per : b1*per]
		} else {
			out.Float64 = a.Float64[b0*per : b1*per]
		}
		return out
	}
	for _, blk := range [][2]int{{0, 1}, {1, 3}, {3, 5}} {
		for _, m := range []struct {
			n string
			a *Array
		}{{"f", f}, {"c", c}, {"i", i}} {
			if err := s.Append(m.n, rows(m.a, blk[0], blk[1])); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := filepath.Join(dir, "x.npz")
	if err := s.WriteNPZ(out, []NPZEntry{{Name: "f"}, {Name: "idx", Array: mid}, {Name: "c"}, {Name: "i"}}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("spooled archive differs from EncodeNPZ: %d bytes, want %d", len(got), len(want))
	}
	// the temporary file is not left in the folder
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("folder holds %d entries, want only x.npz", len(ents))
	}
	// a block of another shape is refused
	if err := s.Append("f", &Array{DType: "float64", Shape: []int{1, 3, 2}, Float64: make([]float64, 6)}); err == nil || !strings.Contains(err.Error(), `member "f"`) {
		t.Fatalf("mismatched block: err %v", err)
	}
}
