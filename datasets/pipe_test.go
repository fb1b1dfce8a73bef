//go:build unix

package datasets

import (
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe is read whole and decoded from memory (readPath's other
// branch): complex data through ReadMapsPart give there too the maps of
// ArrayToMaps on what Read gives for the same bytes in a regular file, bit
// for bit, for .npy and .npz members.
func TestReadMapsPartComplexFromPipe(t *testing.T) {
	dir := t.TempDir()
	z := &Array{Shape: []int{3, 4}, DType: "complex64", Complex128: make([]complex128, 12)}
	for i := range z.Complex128 {
		z.Complex128[i] = complex(float64(i)-5.5, -float64(float32(math.Sqrt(float64(i)))))
	}
	z.Complex128[7] = complex(math.Inf(1), math.NaN())
	npy, err := EncodeNPY(z, NPYOptions{FortranOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	npz, err := EncodeNPZ([]NamedArray{{Name: "z", Array: z}}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, member string
		data         []byte
	}{{"z.npy", "", npy}, {"z.npz", ":z", npz}} {
		if err := os.WriteFile(filepath.Join(dir, "file"+c.name), c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		read, err := Read(filepath.Join(dir, "file"+c.name+c.member)) // a regular file
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []ComplexPart{RealPart, ImagPart, Modulus} {
			want, err := ArrayToMaps(read, part)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, part.String()+c.name)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- os.WriteFile(p, c.data, 0o644) }()
			m, err := ReadMapsPart(p+c.member, part)
			if werr := <-done; werr != nil {
				t.Fatal(werr)
			}
			if err != nil {
				t.Fatalf("%s %v: %v", c.name, part, err)
			}
			if m.M != 3 || m.N != 4 {
				t.Fatalf("%s %v: %d×%d", c.name, part, m.M, m.N)
			}
			for i := range want.Data {
				if math.Float64bits(m.Data[i]) != math.Float64bits(want.Data[i]) {
					t.Errorf("%s %v: pixel %d is %v, want %v", c.name, part, i, m.Data[i], want.Data[i])
				}
			}
		}
	}
}
