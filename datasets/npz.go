package datasets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxDeflateRatio bounds uncompressed/compressed for deflated members (the
// deflate format cannot exceed about 1032:1); larger claims are refused.
const maxDeflateRatio = 1100

// DecodeNPZ parses an .npz archive (a zip of .npy files, stored or deflated)
// held in memory and returns its members in archive order. A member "x.npy"
// is returned with Name "x"; members whose names do not end in ".npy" are
// ignored, as are directories. Errors are *FormatError; an error inside a
// member carries the path ":name".
func DecodeNPZ(b []byte) ([]NamedArray, error) {
	files, err := npzMembers(b)
	if err != nil {
		return nil, err
	}
	out := make([]NamedArray, 0, len(files))
	for _, f := range files {
		a, err := readNPZMember(f)
		if err != nil {
			return nil, err
		}
		out = append(out, NamedArray{Name: memberName(f.Name), Array: a})
	}
	return out, nil
}

// DecodeNPZMember returns the member called name (with or without the ".npy"
// suffix) of an .npz archive held in memory; an empty name selects the first
// .npy member in archive order.
func DecodeNPZMember(b []byte, name string) (*Array, error) {
	files, err := npzMembers(b)
	if err != nil {
		return nil, err
	}
	want := strings.TrimSuffix(name, ".npy")
	for _, f := range files {
		if name == "" || memberName(f.Name) == want {
			return readNPZMember(f)
		}
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = memberName(f.Name)
	}
	return nil, formatErrorf("npz", "no member %q (members: %s)", want, strings.Join(names, ", "))
}

func memberName(zipName string) string { return strings.TrimSuffix(zipName, ".npy") }

// npzMembers opens the archive and lists its .npy members.
func npzMembers(b []byte) ([]*zip.File, error) {
	if !bytes.HasPrefix(b, []byte("PK")) {
		return nil, formatErrorf("npz", "wrong magic: file starts with %q, not a zip archive (\"PK\")%s", prefix(b, 8), guessFormat(b))
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // member names are keys, never paths
		return nil, &FormatError{Format: "npz", Msg: "not a valid zip archive (truncated?)", Err: err}
	}
	var files []*zip.File
	seen := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") || !strings.HasSuffix(f.Name, ".npy") {
			continue
		}
		if seen[f.Name] {
			return nil, formatErrorf("npz", "member %q appears twice", f.Name)
		}
		seen[f.Name] = true
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, formatErrorf("npz", "archive has no .npy members")
	}
	// Members occupy disjoint byte ranges in a well-formed archive; entries
	// sharing data (a zip-bomb trick) would make their sizes add up to more
	// than the file.
	var total uint64
	for _, f := range files {
		total += f.CompressedSize64
		if f.CompressedSize64 > uint64(len(b)) || total > uint64(len(b)) {
			return nil, formatErrorf("npz", "members claim %d compressed bytes in a file of %d (overlapping or corrupt entries)", total, len(b))
		}
	}
	return files, nil
}

func readNPZMember(f *zip.File) (*Array, error) {
	name := memberName(f.Name)
	fail := func(msg string, err error) error {
		return &FormatError{Path: ":" + name, Format: "npz", Msg: msg, Err: err}
	}
	switch f.Method {
	case zip.Store:
		if f.UncompressedSize64 != f.CompressedSize64 {
			return nil, fail(fmt.Sprintf("stored member declares %d bytes but occupies %d", f.UncompressedSize64, f.CompressedSize64), nil)
		}
	case zip.Deflate:
		if f.UncompressedSize64 > maxDeflateRatio*f.CompressedSize64+1024 {
			return nil, fail(fmt.Sprintf("deflated member claims %d bytes from %d compressed (more than deflate can produce)", f.UncompressedSize64, f.CompressedSize64), nil)
		}
	default:
		return nil, fail(fmt.Sprintf("compression method %d is not supported (stored or deflated only)", f.Method), nil)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fail("cannot open member", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fail("cannot read member (truncated or corrupt archive?)", err)
	}
	if uint64(len(data)) != f.UncompressedSize64 {
		return nil, fail(fmt.Sprintf("member holds %d bytes, its header declares %d", len(data), f.UncompressedSize64), nil)
	}
	a, err := DecodeNPY(data)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.Path = ":" + name
		}
		return nil, err
	}
	return a, nil
}

// npzTime is the timestamp written for every member (numpy writes the same),
// so that equal arrays give equal bytes.
var npzTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// EncodeNPZ serialises named arrays into an .npz archive, each as a
// little-endian C-order "<name>.npy" member, stored (compress false, as
// numpy.savez) or deflated (compress true, as numpy.savez_compressed). Names
// must be non-empty and distinct. The output is deterministic.
func EncodeNPZ(arrays []NamedArray, compress bool) ([]byte, error) {
	if len(arrays) == 0 {
		return nil, fmt.Errorf("datasets: npz: no arrays to write")
	}
	seen := map[string]bool{}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, na := range arrays {
		name := strings.TrimSuffix(na.Name, ".npy")
		if name == "" {
			return nil, fmt.Errorf("datasets: npz: empty member name")
		}
		if seen[name] {
			return nil, fmt.Errorf("datasets: npz: duplicate member name %q", name)
		}
		seen[name] = true
		data, err := EncodeNPY(na.Array, NPYOptions{})
		if err != nil {
			return nil, fmt.Errorf("datasets: npz: member %q: %w", name, err)
		}
		method := zip.Store
		if compress {
			method = zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method, Modified: npzTime})
		if err != nil {
			return nil, fmt.Errorf("datasets: npz: %w", err)
		}
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("datasets: npz: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("datasets: npz: %w", err)
	}
	return buf.Bytes(), nil
}
