package datasets

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zip64NPZ is an archive written by Python's zipfile with ZIP64_LIMIT = 0 and
// force_zip64 (as numpy.savez does for every member): ZIP64 local and
// central extra fields, a 0xFFFFFFFF header offset resolved through the ZIP64
// extra, and the ZIP64 end-of-central-directory record and locator. Its
// members "arr_0.npy" (np.savez's name for an unnamed array) and
// "dir/sub/x:y.npy" (a folder and a ':' in the name) both hold the float64
// array [[1, 2], [3, 4]].
const zip64NPZ = "UEsDBC0AAAAAAAAAIQAhNYtp//////////8JABQAYXJyXzAubnB5AQAQAKAAAAAAAAAAoAAAAAAA" +
	"AACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hh" +
	"cGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
	"ICAgICAgICAgICAgICAgCgAAAAAAAPA/AAAAAAAAAEAAAAAAAAAIQAAAAAAAABBAUEsDBC0AAAAA" +
	"AAAAIQAhNYtp//////////8PABQAZGlyL3N1Yi94OnkubnB5AQAQAKAAAAAAAAAAoAAAAAAAAACT" +
	"TlVNUFkBAHYAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUn" +
	"OiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
	"ICAgICAgICAgICAgCgAAAAAAAPA/AAAAAAAAAEAAAAAAAAAIQAAAAAAAABBAUEsBAi0DLQAAAAAA" +
	"AAAhACE1i2n//////////wkAFAAAAAAAAAAAAIABAAAAAGFycl8wLm5weQEAEACgAAAAAAAAAKAA" +
	"AAAAAAAAUEsBAi0DLQAAAAAAAAAhACE1i2n//////////w8AHAAAAAAAAAAAAIAB/////2Rpci9z" +
	"dWIveDp5Lm5weQEAGACgAAAAAAAAAKAAAAAAAAAA2wAAAAAAAABQSwYGLAAAAAAAAAAtAC0AAAAA" +
	"AAAAAAACAAAAAAAAAAIAAAAAAAAApAAAAAAAAAC8AQAAAAAAAFBLBgcAAAAAYAIAAAAAAAABAAAA" +
	"UEsFBgAAAAACAAIApAAAALwBAAAAAA=="

// The ZIP64 structures numpy writes are read, members are found by names
// with folders and ':' (FILE.npz:dir/sub/x:y, with or without .npy), a
// missing member lists the available names, a member can be added to such an
// archive keeping the others, and a truncated archive is an error at every
// length (never a panic or a short read).
func TestNPZZip64AndMemberNames(t *testing.T) {
	raw, err := base64.StdEncoding.DecodeString(zip64NPZ)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("PK\x06\x06")) || !bytes.Contains(raw, []byte("PK\x06\x07")) {
		t.Fatal("fixture lacks the ZIP64 end records")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "z64.npz")
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	want := &Array{Shape: []int{2, 2}, DType: "float64", Float64: []float64{1, 2, 3, 4}}
	for _, path := range []string{p + ":arr_0", p + ":dir/sub/x:y", p + ":dir/sub/x:y.npy"} {
		a, err := Read(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d := sameArray(a, want); d != "" {
			t.Errorf("%s: %s", path, d)
		}
	}
	_, err = Read(p + ":x:y")
	wantFormatError(t, err, p, `no member "x:y"`, "(members: arr_0, dir/sub/x:y)")
	for n := 0; n < len(raw); n++ {
		if _, err := DecodeNPZ(raw[:n]); err == nil {
			t.Fatalf("archive cut to %d of %d bytes decoded without error", n, len(raw))
		}
	}
	if err := WriteMaps(p+":dir/new", testMaps(1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	all, err := ReadNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, na := range all {
		names = append(names, na.Name)
		if na.Name != "dir/new" {
			if d := sameArray(na.Array, want); d != "" {
				t.Errorf("%s after adding a member: %s", na.Name, d)
			}
		}
	}
	if got := strings.Join(names, ","); got != "arr_0,dir/sub/x:y,dir/new" {
		t.Errorf("members after adding dir/new: %s", got)
	}
}

// A failure while the new archive is written (here: a member to keep whose
// local header is damaged, so it cannot be copied) leaves the old archive
// byte for byte, and no temporary file.
func TestNPZMemberWriteFailureKeepsOldArchive(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.npz")
	a := &Array{DType: "float64", Shape: []int{2, 2}, Float64: []float64{1, 2, 3, 4}}
	if err := WriteNPZ(p, []NamedArray{{"a", a}, {"b", a}}, false); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	second := bytes.Index(raw[4:], []byte("PK\x03\x04")) + 4
	raw[second+3] = 0 // breaks b.npy's local header signature
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteMaps(p+":maps", testMaps(1, 4, 4))
	if err == nil || !strings.Contains(err.Error(), "copying member b.npy") || !strings.Contains(err.Error(), "left as it was") {
		t.Fatalf("got %v, want the copy failure", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, raw) {
		t.Error("the failed write changed the archive")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the folder after the failed write, want 1", len(ents))
	}
}
