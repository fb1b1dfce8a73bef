package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteNPZ("x.npz:m", …) wrote a file literally named "x.npz:m" (exit nil),
// which every reader takes as member m of x.npz; NPZSpool.WriteNPZ refused
// such a path (libfix20). WriteNPZ now refuses it the same way, writing
// nothing, and so do WriteNPY and WriteFITS, which wrote it too; "x.npz"
// itself is written as before.
func TestFixbad21WriteNPZMemberPath(t *testing.T) {
	dir := t.TempDir()
	a := []NamedArray{{Name: "maps", Array: &Array{DType: "float64", Shape: []int{2}, Float64: []float64{1, 2}}}}
	odd := filepath.Join(dir, "x.npz:m")
	err := WriteNPZ(odd, a, false)
	if err == nil || !strings.Contains(err.Error(), `names member "m" of `+filepath.Join(dir, "x.npz")+": WriteNPZ writes a whole archive") {
		t.Errorf("WriteNPZ(x.npz:m): %v", err)
	}
	if _, err := os.Stat(odd); !os.IsNotExist(err) {
		t.Errorf("x.npz:m written (stat: %v)", err)
	}
	// WriteNPY and WriteFITS wrote "x.npz:m" literally too
	arr := a[0].Array
	for name, write := range map[string]func(string) error{
		"npy":  func(p string) error { return WriteNPY(p, arr) },
		"fits": func(p string) error { return WriteFITS(p, arr) },
	} {
		err := write(odd)
		if err == nil || !strings.Contains(err.Error(), "datasets: "+name+": "+odd+` names member "m" of `) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(odd); !os.IsNotExist(err) {
			t.Errorf("%s: x.npz:m written (stat: %v)", name, err)
		}
	}
	x := filepath.Join(dir, "x.npz")
	if err := WriteNPZ(x, a, true); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZMember(x, "maps")
	if err != nil || len(got.Float64) != 2 || got.Float64[1] != 2 {
		t.Errorf("x.npz: %v, %v", got, err)
	}
}
