package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

func testMaps(b, m, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = math.Cos(float64(i)*0.7) + float64(i)/1000
	}
	return x
}

func sameMaps(t *testing.T, what string, a, b *stlayer.Maps) {
	t.Helper()
	if a.B != b.B || a.M != b.M || a.N != b.N {
		t.Fatalf("%s: [%d,%d,%d] vs [%d,%d,%d]", what, a.B, a.M, a.N, b.B, b.M, b.N)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("%s: value %d: %v vs %v", what, i, a.Data[i], b.Data[i])
		}
	}
}

// TestWriteReadMaps round-trips batches through every format via the front door.
func TestWriteReadMaps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"m.npy", "m.npz", "n.npz:field", "m.fits", "m.FIT", "m.fts"} {
		for _, b := range []int{1, 3} {
			in := testMaps(b, 8, 12)
			p := filepath.Join(dir, name)
			if err := WriteMaps(p, in); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out, err := ReadMaps(p)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sameMaps(t, name, in, out)
			a, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			wantShape := "(3, 8, 12)"
			if b == 1 {
				wantShape = "(8, 12)"
			}
			if shapeString(a.Shape) != wantShape || a.DType != "float64" {
				t.Errorf("%s B=%d: %s %s", name, b, shapeString(a.Shape), a.DType)
			}
		}
	}
	// .npz without a member name writes "maps"; Read takes the first member.
	members, err := ReadNPZ(filepath.Join(dir, "m.npz"))
	if err != nil || len(members) != 1 || members[0].Name != "maps" {
		t.Errorf("m.npz members: %v %v", members, err)
	}
	members, err = ReadNPZ(filepath.Join(dir, "n.npz"))
	if err != nil || len(members) != 1 || members[0].Name != "field" {
		t.Errorf("n.npz members: %v %v", members, err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestReadDispatchErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(filepath.Join(dir, "x.txt"))
	if err == nil || !strings.Contains(err.Error(), "unknown file type") || !strings.Contains(err.Error(), "x.txt") {
		t.Errorf("unknown extension: %v", err)
	}
	if err := WriteMaps(filepath.Join(dir, "x.png"), testMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "unknown file type") {
		t.Errorf("write unknown extension: %v", err)
	}
	if err := WriteMaps(filepath.Join(dir, "x.fits.gz"), testMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("write .fits.gz: %v", err)
	}
	// A FITS file named .npy gets a precise magic error naming the file.
	p := filepath.Join(dir, "really_fits.npy")
	b, _ := EncodeFITS(&Array{Shape: []int{2, 2}, DType: "float32", Float64: make([]float64, 4)})
	os.WriteFile(p, b, 0o644)
	_, err = ReadMaps(p)
	wantFormatError(t, err, p, "wrong magic", "FITS")
	// An error inside an npz member names the archive and the member.
	bad := filepath.Join(dir, "bad.npz")
	good, _ := EncodeNPZ([]NamedArray{{"x", &Array{Shape: []int{2}, DType: "float64", Float64: []float64{1, 2}}}}, false)
	// Corrupt the member's header length byte in place (stored member).
	i := strings.Index(string(good), npyMagic)
	good[i+8] = 0xff
	os.WriteFile(bad, good, 0o644)
	_, err = Read(bad + ":x")
	if err == nil || !strings.Contains(err.Error(), "bad.npz:x") {
		t.Errorf("member error does not name archive and member: %v", err)
	}
}

func TestArrayToMaps(t *testing.T) {
	mk := func(dtype string, shape ...int) *Array {
		a, err := NewArray(dtype, shape...)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Float64 {
			a.Float64[i] = float64(i) - 3
		}
		for i := range a.Complex128 {
			a.Complex128[i] = complex(float64(i), -2*float64(i))
		}
		return a
	}
	m, err := ArrayToMaps(mk("float32", 1, 1, 4, 5), RejectComplex)
	if err != nil || m.B != 1 || m.M != 4 || m.N != 5 {
		t.Errorf("squeeze leading ones: %+v %v", m, err)
	}
	m, err = ArrayToMaps(mk("int16", 3, 4, 5), RejectComplex)
	if err != nil || m.B != 3 || m.Data[59] != 56 {
		t.Errorf("3-D int16: %v", err)
	}
	var ve *ValidationError
	for _, c := range []struct {
		a    *Array
		part ComplexPart
		frag string
	}{
		{mk("float64"), RejectComplex, "0-d array"},
		{mk("float64", 7), RejectComplex, "1-d array of shape (7,)"},
		{mk("float64", 2, 3, 4, 5), RejectComplex, "4-d array"},
		{mk("float64", 0, 5), RejectComplex, "empty array"},
		{mk("complex64", 4, 5), RejectComplex, "the data are complex64"},
		{mk("float64", 4, 5), ImagPart, "imaginary part requested"},
	} {
		_, err := ArrayToMaps(c.a, c.part)
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%s %v: got %v, want %q", c.a.DType, c.a.Shape, err, c.frag)
		}
	}
	z := mk("complex128", 2, 2)
	for part, want := range map[ComplexPart]float64{RealPart: 3, ImagPart: -6, Modulus: math.Hypot(3, 6)} {
		m, err := ArrayToMaps(z, part)
		if err != nil || m.Data[3] != want {
			t.Errorf("%v: %v (%v), want %v", part, m.Data[3], err, want)
		}
	}
	// Complex data through ReadMapsPart.
	p := filepath.Join(t.TempDir(), "z.npy")
	if err := WriteNPY(p, z); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMaps(p); err == nil || !strings.Contains(err.Error(), "z.npy") || !strings.Contains(err.Error(), "complex128") {
		t.Errorf("complex ReadMaps: %v", err)
	}
	if m, err := ReadMapsPart(p, ImagPart); err != nil || m.Data[1] != -2 {
		t.Errorf("ReadMapsPart imag: %v", err)
	}
}

// TestAtomicWrite checks that a failed write leaves the old file intact and
// that a successful one replaces it, keeping its permissions.
func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	if err := WriteMaps(p, testMaps(1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o600)
	before, _ := os.ReadFile(p)
	// Encoding error: nothing is written.
	if err := WriteNPY(p, &Array{DType: "int8", Shape: []int{1}, Float64: []float64{1000}}); err == nil || !strings.Contains(err.Error(), "a.npy") {
		t.Errorf("want encode error naming the file, got %v", err)
	}
	after, _ := os.ReadFile(p)
	if string(before) != string(after) {
		t.Error("failed write changed the file")
	}
	if err := WriteMaps(p, testMaps(2, 4, 4)); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	m, _ := ReadMaps(p)
	if m.B != 2 {
		t.Error("file not replaced")
	}
	if err := WriteMaps(filepath.Join(dir, "no/such/dir/a.npy"), testMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "no/such/dir/a.npy") {
		t.Errorf("missing directory: %v", err)
	}
	if err := WriteMaps(dir+"/sub.npy", nil); err == nil {
		t.Error("nil maps accepted")
	}
	os.Mkdir(filepath.Join(dir, "d.npy"), 0o755)
	if err := WriteMaps(filepath.Join(dir, "d.npy"), testMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory target: %v", err)
	}
}
