package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/stkit-org/stkit/internal/testutil"
)

// numpyMembers returns the raw member bytes of testdata/numpy_cases.npz,
// written by numpy.savez (see testdata/make_fixtures.py).
func numpyMembers(t *testing.T) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader("testdata/numpy_cases.npz")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = b
	}
	return out
}

// TestNumpyCases reads every dtype × byte order × layout × rank written by
// numpy and checks dtype, shape and values, and that our encoder reproduces
// numpy's bytes exactly.
func TestNumpyCases(t *testing.T) {
	raw := numpyMembers(t)
	if len(raw) != 138 {
		t.Fatalf("fixture has %d members, want 138", len(raw))
	}
	for name, b := range raw {
		parts := strings.Split(name, "_") // kind, le|be, c|f, rank
		kind, order, layout, rank := parts[0], parts[1], parts[2], parts[3]
		a, err := DecodeNPY(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.DType != kindDType[kind] {
			t.Errorf("%s: dtype %s, want %s", name, a.DType, kindDType[kind])
		}
		shape := fixtureShapes[rank]
		if shapeString(a.Shape) != shapeString(shape) {
			t.Errorf("%s: shape %v, want %v", name, a.Shape, shape)
		}
		for i := 0; i < shapeSize(shape); i++ {
			re, z := fixtureValue(kind, i)
			if a.IsComplex() {
				if a.Complex128[i] != z {
					t.Fatalf("%s[%d] = %v, want %v", name, i, a.Complex128[i], z)
				}
			} else if a.Float64[i] != re {
				t.Fatalf("%s[%d] = %v, want %v", name, i, a.Float64[i], re)
			}
		}
		enc, err := EncodeNPY(a, NPYOptions{BigEndian: order == "be", FortranOrder: layout == "f"})
		if err != nil {
			t.Fatalf("%s: encode: %v", name, err)
		}
		if !bytes.Equal(enc, b) {
			t.Errorf("%s: our encoding differs from numpy's (%d vs %d bytes)\nours:  %q\nnumpy: %q", name, len(enc), len(b), prefix(enc, 128), prefix(b, 128))
		}
	}
}

// TestNPZStoredAndDeflated checks that the stored and deflated archives
// decode to the same arrays, in archive order, and that member lookup works.
func TestNPZStoredAndDeflated(t *testing.T) {
	stored, err := ReadNPZ("testdata/numpy_cases.npz")
	if err != nil {
		t.Fatal(err)
	}
	deflated, err := ReadNPZ("testdata/numpy_cases_deflated.npz")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 138 || len(deflated) != 138 {
		t.Fatalf("got %d and %d members", len(stored), len(deflated))
	}
	for i := range stored {
		if stored[i].Name != deflated[i].Name {
			t.Fatalf("member %d: %s vs %s", i, stored[i].Name, deflated[i].Name)
		}
		if d := sameArray(stored[i].Array, deflated[i].Array); d != "" {
			t.Errorf("%s: %s", stored[i].Name, d)
		}
	}
	a, err := ReadNPZMember("testdata/numpy_cases_deflated.npz", "c16_be_f_3d.npy")
	if err != nil {
		t.Fatal(err)
	}
	if _, z := fixtureValue("c16", 23); a.Complex128[23] != z {
		t.Errorf("c16_be_f_3d[23] = %v, want %v", a.Complex128[23], z)
	}
	_, err = ReadNPZMember("testdata/numpy_cases.npz", "nope")
	wantFormatError(t, err, "numpy_cases.npz", `no member "nope"`, "f4_le_c_0d")
}

// TestNPZRoundTrip writes named arrays stored and deflated and reads them back.
func TestNPZRoundTrip(t *testing.T) {
	x, _ := NewArray("float32", 2, 3)
	for i := range x.Float64 {
		x.Float64[i] = float64(float32(float64(i) / 7))
	}
	z, _ := NewArray("complex128", 4)
	for i := range z.Complex128 {
		z.Complex128[i] = complex(float64(i), -float64(i)/3)
	}
	j := &Array{DType: "int64", Float64: []float64{4}}
	in := []NamedArray{{"x", x}, {"z", z}, {"J", j}}
	dir := t.TempDir()
	for _, compress := range []bool{false, true} {
		p := filepath.Join(dir, "a.npz")
		if err := WriteNPZ(p, in, compress); err != nil {
			t.Fatal(err)
		}
		out, err := ReadNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 3 {
			t.Fatalf("got %d members", len(out))
		}
		for i := range in {
			if out[i].Name != in[i].Name {
				t.Errorf("member %d named %q, want %q", i, out[i].Name, in[i].Name)
			}
			if d := sameArray(in[i].Array, out[i].Array); d != "" {
				t.Errorf("compress=%v %s: %s", compress, in[i].Name, d)
			}
		}
		zr, err := zip.OpenReader(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			want := zip.Store
			if compress {
				want = zip.Deflate
			}
			if f.Method != want {
				t.Errorf("member %s method %d, want %d", f.Name, f.Method, want)
			}
		}
		zr.Close()
	}
	// Deterministic bytes.
	b1, _ := EncodeNPZ(in, true)
	b2, _ := EncodeNPZ(in, true)
	if !bytes.Equal(b1, b2) {
		t.Error("EncodeNPZ is not deterministic")
	}
	if _, err := EncodeNPZ([]NamedArray{{"a", x}, {"a.npy", x}}, false); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate names: got %v", err)
	}
	if _, err := EncodeNPZ([]NamedArray{{"", x}}, false); err == nil {
		t.Error("empty name accepted")
	}
}

// TestNPYRoundTripAllOptions encodes every dtype with every option and decodes.
func TestNPYRoundTripAllOptions(t *testing.T) {
	for kind, dtype := range kindDType {
		for rank, shape := range fixtureShapes {
			a, err := NewArray(dtype, shape...)
			if err != nil {
				t.Fatal(err)
			}
			fillFixture(a, kind)
			for _, big := range []bool{false, true} {
				for _, fortran := range []bool{false, true} {
					for version := 0; version <= 3; version++ {
						b, err := EncodeNPY(a, NPYOptions{BigEndian: big, FortranOrder: fortran, Version: version})
						if err != nil {
							t.Fatalf("%s %s: %v", dtype, rank, err)
						}
						if len(b)%64 != shapeSize(shape)*mustDType(dtype).size%64 {
							t.Errorf("%s %s v%d: header not 64-byte aligned", dtype, rank, version)
						}
						back, err := DecodeNPY(b)
						if err != nil {
							t.Fatalf("%s %s big=%v fortran=%v v%d: %v", dtype, rank, big, fortran, version, err)
						}
						if d := sameArray(a, back); d != "" {
							t.Errorf("%s %s big=%v fortran=%v v%d: %s", dtype, rank, big, fortran, version, d)
						}
					}
				}
			}
		}
	}
}

func mustDType(name string) dtypeInfo {
	d, ok := lookupDType(name)
	if !ok {
		panic(name)
	}
	return d
}

// TestNPYVersions reads version 1.0, 2.0 and 3.0 headers written by numpy.
func TestNPYVersions(t *testing.T) {
	for v := 1; v <= 3; v++ {
		p := "testdata/v" + string(rune('0'+v)) + "_f8_be.npy"
		a, err := ReadNPY(p)
		if err != nil {
			t.Fatal(err)
		}
		if a.DType != "float64" || shapeString(a.Shape) != "(3, 4)" {
			t.Fatalf("%s: %s %v", p, a.DType, a.Shape)
		}
		for i, x := range a.Float64 {
			if want, _ := fixtureValue("f8", i); x != want {
				t.Fatalf("%s[%d] = %v, want %v", p, i, x, want)
			}
		}
		raw, _ := os.ReadFile(p)
		enc, _ := EncodeNPY(a, NPYOptions{BigEndian: true, FortranOrder: true, Version: v})
		if !bytes.Equal(raw, enc) {
			t.Errorf("version %d: our encoding differs from numpy's", v)
		}
	}
}

// TestNPYInt64Extremes reads int64 values beyond 2^53 (rounded to float64).
func TestNPYInt64Extremes(t *testing.T) {
	a, err := ReadNPY("testdata/i8_extremes.npy")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-math.Ldexp(1, 63), float64(-(int64(1) << 53) - 1), math.Ldexp(1, 53), float64(int64(math.MaxInt64))}
	for i := range want {
		if a.Float64[i] != want[i] {
			t.Errorf("[%d] = %v, want %v", i, a.Float64[i], want[i])
		}
	}
	// 2^63 (the rounded MaxInt64) is written back as MaxInt64.
	b, err := EncodeNPY(a, NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := int64(binary.LittleEndian.Uint64(b[len(b)-8:])); got != math.MaxInt64 {
		t.Errorf("last value written as %d, want MaxInt64", got)
	}
	u := &Array{Shape: []int{2}, DType: "uint64", Float64: []float64{math.Ldexp(1, 64), math.Ldexp(1, 63)}}
	b, err = EncodeNPY(u, NPYOptions{BigEndian: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint64(b[len(b)-16:]); got != math.MaxUint64 {
		t.Errorf("2^64 written as %d, want MaxUint64", got)
	}
	if got := binary.BigEndian.Uint64(b[len(b)-8:]); got != 1<<63 {
		t.Errorf("2^63 written as %d", got)
	}
	if _, err := EncodeNPY(&Array{Shape: []int{1}, DType: "int64", Float64: []float64{math.Ldexp(1, 64)}}, NPYOptions{}); err == nil {
		t.Error("2^64 accepted as int64")
	}
}

// TestNPYAgainstNpyio cross-checks with the independent npyio implementation
// on the real dust map, in both directions.
func TestNPYAgainstNpyio(t *testing.T) {
	p := testutil.DataFile(t, "dust/I_1.npy")
	ours, err := ReadNPY(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var theirs []float32
	if err := npy.Read(f, &theirs); err != nil {
		t.Fatal(err)
	}
	if len(theirs) != len(ours.Float64) {
		t.Fatalf("npyio read %d values, we read %d", len(theirs), len(ours.Float64))
	}
	for i := range theirs {
		if float64(theirs[i]) != ours.Float64[i] {
			t.Fatalf("value %d: npyio %v, ours %v", i, theirs[i], ours.Float64[i])
		}
	}
	// Our big-endian Fortran-order encoding read by npyio.
	small := &Array{Shape: []int{2, 3}, DType: "float64", Float64: []float64{1, 2, 3, 4, 5, 6}}
	b, err := EncodeNPY(small, NPYOptions{BigEndian: true})
	if err != nil {
		t.Fatal(err)
	}
	var back []float64
	if err := npy.Read(bytes.NewReader(b), &back); err != nil {
		t.Fatal(err)
	}
	for i := range back {
		if back[i] != small.Float64[i] {
			t.Fatalf("npyio read %v, want %v", back, small.Float64)
		}
	}
}

func npyWithHeader(version byte, header string, data []byte) []byte {
	b := []byte(npyMagic)
	b = append(b, version, 0)
	if version == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	b = append(b, header...)
	return append(b, data...)
}

// TestNPYErrors checks that malformed files give precise *FormatErrors.
func TestNPYErrors(t *testing.T) {
	good, _ := EncodeNPY(&Array{Shape: []int{2, 2}, DType: "float32", Float64: []float64{1, 2, 3, 4}}, NPYOptions{})
	hdr := func(s string) string { return s + "\n" }
	eight := make([]byte, 8)
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"empty", nil, []string{"wrong magic", "empty"}},
		{"zip", []byte("PK\x03\x04rest"), []string{"wrong magic", "zip"}},
		{"fits", []byte("SIMPLE  =                    T"), []string{"wrong magic", "FITS"}},
		{"short preamble", good[:8], []string{"truncated preamble", "8 bytes"}},
		{"truncated header", good[:40], []string{"truncated header"}},
		{"truncated data", good[:len(good)-3], []string{"truncated data", "(2, 2)", "float32", "16 bytes", "13 bytes"}},
		{"trailing", append(append([]byte{}, good...), 1, 2), []string{"2 unexpected bytes"}},
		{"version 4", npyWithHeader(4, "{}", nil), []string{"unsupported format version 4.0"}},
		{"version 1.1", append([]byte(npyMagic), 1, 1, 2, 0, '{', '}'), []string{"version 1.1"}},
		{"v2 short", append([]byte(npyMagic), 2, 0, 1), []string{"truncated preamble"}},
		{"v2 huge header", append([]byte(npyMagic), 2, 0, 0xff, 0xff, 0xff, 0x7f), []string{"truncated header"}},
		{"not a dict", npyWithHeader(1, hdr("(1, 2)"), nil), []string{"not a dict"}},
		{"missing descr", npyWithHeader(1, hdr("{'fortran_order': False, 'shape': (2,)}"), nil), []string{"missing key 'descr'"}},
		{"missing shape", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False}"), nil), []string{"missing key 'shape'"}},
		{"missing order", npyWithHeader(1, hdr("{'descr': '<f8', 'shape': (2,)}"), nil), []string{"missing key 'fortran_order'"}},
		{"extra key", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}"), eight), []string{`unexpected key "x"`}},
		{"float16", npyWithHeader(1, hdr("{'descr': '<f2', 'fortran_order': False, 'shape': (1,)}"), eight[:2]), []string{"unsupported dtype", "float16"}},
		{"byte strings", npyWithHeader(1, hdr("{'descr': '|S4', 'fortran_order': False, 'shape': (1,)}"), eight[:4]), []string{"unsupported dtype", "strings"}}, // '<U' is read: npystr_unicode_test.go
		{"object", npyWithHeader(1, hdr("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}"), eight), []string{"unsupported dtype", "object"}},
		{"structured", npyWithHeader(1, hdr("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}"), eight), []string{"structured"}},
		{"bar order", npyWithHeader(1, hdr("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}"), eight[:4]), []string{"'|'"}},
		{"native order", npyWithHeader(1, hdr("{'descr': '=f4', 'fortran_order': False, 'shape': (1,)}"), eight[:4]), []string{"native byte order"}},
		{"negative dim", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"), nil), []string{"invalid dimension -1"}},
		{"shape not tuple", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': [1]}"), eight), []string{"'shape' is a list"}},
		{"paren int", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1)}"), eight), []string{"'shape' is an int"}},
		{"order not bool", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}"), eight), []string{"'fortran_order' is an int"}},
		{"huge shape", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776)}"), eight), []string{"too large"}},
		{"newline in string", npyWithHeader(1, hdr("{'descr': '<f8"), nil), []string{"newline inside a string"}},
		{"unterminated", npyWithHeader(1, "{'descr': '<f8", nil), []string{"unterminated string"}},
		{"unterminated dict", npyWithHeader(1, "{'descr': '<f8'", nil), []string{"unterminated dict"}},
		{"garbage", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x"), eight), []string{"after the literal"}},
		{"deep", npyWithHeader(1, hdr(strings.Repeat("(", 40)), nil), []string{"nested deeper"}},
		{"dup key", npyWithHeader(1, hdr("{'descr': '<f8', 'descr': '<f8'}"), nil), []string{"duplicate key"}},
		{"bad name", npyWithHeader(1, hdr("{'descr': '<f8', 'fortran_order': false, 'shape': (1,)}"), eight), []string{`unexpected name "false"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeNPY(c.data)
			wantFormatError(t, err, c.frags...)
		})
	}
	// Python 2 style headers (long suffix, double quotes) are fine.
	a, err := DecodeNPY(npyWithHeader(1, hdr(`{"descr": "<f8", "fortran_order": False, "shape": (1L,), }`), eight))
	if err != nil || a.Shape[0] != 1 {
		t.Errorf("python 2 header: %v", err)
	}
	// The path is named when reading a file.
	dir := t.TempDir()
	p := filepath.Join(dir, "broken.npy")
	os.WriteFile(p, good[:len(good)-1], 0o644)
	_, err = ReadNPY(p)
	wantFormatError(t, err, p, "truncated data")
	_, err = ReadNPY(filepath.Join(dir, "missing.npy"))
	if err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNPYEncodeErrors(t *testing.T) {
	cases := []struct {
		a    *Array
		frag string
	}{
		{&Array{DType: "float16", Shape: []int{1}, Float64: []float64{1}}, "unknown dtype"},
		{&Array{DType: "float64", Shape: []int{2}, Float64: []float64{1}}, "needs 2 values"},
		{&Array{DType: "complex64", Shape: []int{1}, Float64: []float64{1}}, "Complex128"},
		{&Array{DType: "int8", Shape: []int{1}, Float64: []float64{128}}, "not an integer in range"},
		{&Array{DType: "uint16", Shape: []int{1}, Float64: []float64{-1}}, "not an integer in range"},
		{&Array{DType: "int32", Shape: []int{1}, Float64: []float64{1.5}}, "not an integer in range"},
		{&Array{DType: "bool", Shape: []int{1}, Float64: []float64{2}}, "want 0 or 1"},
		{&Array{DType: "float64", Shape: []int{-1}}, "invalid shape"},
	}
	for _, c := range cases {
		if _, err := EncodeNPY(c.a, NPYOptions{}); err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%+v: got %v, want %q", c.a, err, c.frag)
		}
	}
	if _, err := EncodeNPY(&Array{DType: "float64", Float64: []float64{1}}, NPYOptions{Version: 7}); err == nil {
		t.Error("version 7 accepted")
	}
}
