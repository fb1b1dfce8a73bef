package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// NPZSpool after Close: Append returned nil (the block went into the
// buffer of a closed file) and WriteNPZ failed with "file already closed";
// now both return ErrSpoolClosed. Append(nil) says "nil array". WriteNPZ
// to "x.npz:m" wrote a file literally named so (WriteMaps reads member m
// of x.npz there); now refused, nothing written. A second WriteNPZ after
// more Appends holds every row appended so far.
func TestLibfix20SpoolClosedAndPaths(t *testing.T) {
	dir := t.TempDir()
	s, err := NewNPZSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	blk := func(v float64) *Array {
		return &Array{DType: "float64", Shape: []int{1, 2}, Float64: []float64{v, v + 1}}
	}
	if err := s.Append("a", nil); err == nil || !strings.Contains(err.Error(), `member "a": nil array`) {
		t.Errorf("Append(nil): %v", err)
	}
	if err := s.Append("a", blk(1)); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "x.npz:m")
	if err := s.WriteNPZ(odd, []NPZEntry{{Name: "a"}}); err == nil || !strings.Contains(err.Error(), `names member "m"`) {
		t.Errorf("WriteNPZ(x.npz:m): %v", err)
	}
	if _, err := os.Stat(odd); !os.IsNotExist(err) {
		t.Errorf("x.npz:m written (stat: %v)", err)
	}
	one, two := filepath.Join(dir, "one.npz"), filepath.Join(dir, "two.npz")
	if err := s.WriteNPZ(one, []NPZEntry{{Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("a", blk(5)); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteNPZ(two, []NPZEntry{{Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want []float64
	}{{one, []float64{1, 2}}, {two, []float64{1, 2, 5, 6}}} {
		a, err := ReadNPZMember(c.path, "a")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Float64) != len(c.want) || a.Shape[0] != len(c.want)/2 {
			t.Fatalf("%s: shape %v values %v, want %v", filepath.Base(c.path), a.Shape, a.Float64, c.want)
		}
		for i, v := range c.want {
			if a.Float64[i] != v {
				t.Errorf("%s: value %d = %g, want %g", filepath.Base(c.path), i, a.Float64[i], v)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Append("a", blk(9)); !errors.Is(err, ErrSpoolClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	if err := s.WriteNPZ(filepath.Join(dir, "three.npz"), []NPZEntry{{Name: "a"}}); !errors.Is(err, ErrSpoolClosed) || strings.Contains(err.Error(), "file already closed") {
		t.Errorf("WriteNPZ after Close: %v", err)
	}
}
