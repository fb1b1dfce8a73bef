package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// behindZeros is a ReaderAt for an archive whose bytes b start at offset off
// of a file whose first off bytes are zeros (never stored): an archive
// larger than 4 GiB without writing 4 GiB.
type behindZeros struct {
	off int64
	b   []byte
}

func (r behindZeros) ReadAt(p []byte, pos int64) (int, error) {
	for i := range p {
		at := pos + int64(i)
		switch {
		case at < r.off:
			p[i] = 0
		case at-r.off < int64(len(r.b)):
			p[i] = r.b[at-r.off]
		default:
			return i, io.EOF
		}
	}
	return len(p), nil
}

func (r behindZeros) size() int64 { return r.off + int64(len(r.b)) }

// hasZip64Extra reports whether a zip extra field holds a ZIP64 block.
func hasZip64Extra(extra []byte) bool {
	for len(extra) >= 4 {
		tag, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if tag == 0x0001 {
			return true
		}
		if 4+n > len(extra) {
			return false
		}
		extra = extra[4+n:]
	}
	return false
}

// Adding a member to an .npz archive copies the other entries raw. The
// copies kept the entries' old ZIP64 extra fields (present for entries past
// 4 GiB), and zip.Writer appends its own after them; zip readers (Go's,
// Python's) read the first, so once an entry's offset changed (a member
// before it replaced by one of another size) the rewritten archive pointed
// at the old offset and the entry could not be read; numpy's ZIP64 fields,
// which hold only the offset, made the archive unreadable at once. The
// copies now drop the old ZIP64 field and the writer writes a correct one.
// Here the source archive sits 5 GiB into its file and the new one 6 GiB.
func TestNPZCopyPast4GiBKeepsMembersReadable(t *testing.T) {
	want := map[string]*Array{
		"a": {Shape: []int{2, 2}, DType: "float64", Float64: []float64{1, 2, 3, 4}},
		"b": {Shape: []int{3}, DType: "int16", Float64: []float64{-1, 0, 7}},
	}
	var src bytes.Buffer
	zw := zip.NewWriter(&src)
	zw.SetOffset(5 << 30)
	for _, name := range []string{"a", "b"} {
		b, err := EncodeNPY(want[name], NPYOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ra := behindZeros{5 << 30, src.Bytes()}
	zr, err := zip.NewReader(ra, ra.size())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !hasZip64Extra(f.Extra) {
			t.Fatalf("source entry %s has no ZIP64 field: the test does not test", f.Name)
		}
	}
	var dst bytes.Buffer
	zw = zip.NewWriter(&dst)
	zw.SetOffset(6 << 30)
	for _, f := range zr.File {
		if err := copyEntry(zw, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ra = behindZeros{6 << 30, dst.Bytes()}
	zr, err = zip.NewReader(ra, ra.size())
	if err != nil {
		t.Fatalf("rewritten archive: %v", err)
	}
	for _, f := range zr.File {
		a, err := readNPZMember(f, nil)
		if err != nil {
			t.Errorf("rewritten %s: %v", f.Name, err)
			continue
		}
		if d := sameArray(a, want[memberName(f.Name)]); d != "" {
			t.Errorf("rewritten %s: %s", f.Name, d)
		}
	}
}
