package datasets

import (
	"path/filepath"
	"strings"
	"testing"
)

// Complex data read as maps were refused with "choose the real part,
// imaginary part or modulus explicitly", which a user of the stkit commands
// cannot do (they read maps with ReadMaps; no flag picks a part). The error
// now says how: save the part wanted from numpy, or, in Go, pass a part to
// ReadMapsPart or ArrayToMaps.
func TestComplexMapsErrorSaysHow(t *testing.T) {
	z := &Array{DType: "complex64", Shape: []int{2, 2}, Complex128: []complex128{1, 2i, 3, 4}}
	p := filepath.Join(t.TempDir(), "z.npy")
	if err := WriteNPY(p, z); err != nil {
		t.Fatal(err)
	}
	_, err := ReadMaps(p)
	_, err2 := ArrayToMaps(z, RejectComplex)
	for _, e := range []error{err, err2} {
		for _, frag := range []string{"the data are complex64", "x.real", "x.imag", "np.abs(x)", "ReadMapsPart"} {
			if e == nil || !strings.Contains(e.Error(), frag) {
				t.Errorf("error %v lacks %q", e, frag)
			}
		}
	}
	if err == nil || !strings.HasPrefix(err.Error(), "datasets: "+p+": ") {
		t.Errorf("error %v does not name the file", err)
	}
}
