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
// ignored, as are directories. A member of numpy strings ('<U{w}', e.g.
// np.savez(f, names=np.array(["a", "b"]))) is a string array (DType "str",
// see Array) beside the numeric ones; object members ('|O') are refused, as
// by DecodeNPY. Errors are *FormatError; an error inside a
// member carries the path ":name". Members are decoded as they are
// decompressed (see readNPZMember): besides the results, memory use is
// bounded.
func DecodeNPZ(b []byte) ([]NamedArray, error) {
	out, err := decodeNPZFrom(bytes.NewReader(b), int64(len(b)))
	return out, memoryReadError("npz", err)
}

// decodeNPZFrom is DecodeNPZ for an archive of size bytes read through ra.
func decodeNPZFrom(ra io.ReaderAt, size int64) ([]NamedArray, error) {
	files, err := npzMembers(ra, size)
	if err != nil {
		return nil, err
	}
	out := make([]NamedArray, 0, len(files))
	for _, f := range files {
		a, err := readNPZMember(f, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, NamedArray{Name: memberName(f.Name), Array: a})
	}
	return out, nil
}

// DecodeNPZMember returns the member called name (with or without the ".npy"
// suffix) of an .npz archive held in memory; an empty name selects the first
// .npy member in archive order (with a notice, see SetNotify, when the
// archive holds several).
func DecodeNPZMember(b []byte, name string) (*Array, error) {
	a, err := decodeNPZMemberFrom(bytes.NewReader(b), int64(len(b)), name, nil, "")
	return a, memoryReadError("npz", err)
}

// decodeNPZMemberFrom is DecodeNPZMember for an archive of size bytes read
// through ra; only the central directory and the member are read. part is
// that of decodeNPYFrom; src names the archive in the warning given when no
// member is named and there are several ("" for an archive in memory).
//
// With part non-nil (maps are read) and no name, string members are passed
// over: the first member that does not hold strings is read (the notice
// says so), so that an archive of maps with a member of names (labels,
// column names) reads as its maps. Only the headers of the members before
// it are read for that. When every member holds strings, the first is read
// and decodeNPYFrom refuses it.
func decodeNPZMemberFrom(ra io.ReaderAt, size int64, name string, part *ComplexPart, src string) (*Array, error) {
	files, err := npzMembers(ra, size)
	if err != nil {
		return nil, err
	}
	want := strings.TrimSuffix(name, ".npy")
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = memberName(f.Name)
	}
	first, skipped := 0, []string(nil)
	if name == "" && part != nil {
		for first < len(files) && npzMemberHoldsStrings(files[first]) {
			skipped = append(skipped, names[first])
			first++
		}
		if first == len(files) { // strings only: the first is refused
			first, skipped = 0, nil
		}
	}
	if name == "" && len(files) > 1 {
		// Documented, but easy to miss: say which array is read.
		if src == "" {
			src = "npz archive"
		}
		which := "the first"
		if len(skipped) > 0 {
			verb := "holds"
			if len(skipped) > 1 {
				verb = "hold"
			}
			which = fmt.Sprintf("the first that is not strings (%s %s strings)", strings.Join(skipped, ", "), verb)
		}
		notify(fmt.Sprintf("%s has %d arrays (%s): reading %s, %q; choose one with FILE.npz:NAME",
			src, len(files), strings.Join(names, ", "), which, names[first]))
	}
	if name == "" {
		return readNPZMember(files[first], part)
	}
	for _, f := range files {
		if memberName(f.Name) == want {
			return readNPZMember(f, part)
		}
	}
	return nil, formatErrorf("npz", "no member %q (members: %s)", want, strings.Join(names, ", "))
}

func memberName(zipName string) string { return strings.TrimSuffix(zipName, ".npy") }

// npzMembers opens the archive of size bytes behind ra and lists its .npy
// members.
func npzMembers(ra io.ReaderAt, size int64) ([]*zip.File, error) {
	head := make([]byte, min(size, 12))
	if _, err := io.ReadFull(io.NewSectionReader(ra, 0, int64(len(head))), head); err != nil {
		return nil, &readError{err}
	}
	if !bytes.HasPrefix(head, []byte("PK")) {
		return nil, formatErrorf("npz", "wrong magic: file starts with %q, not a zip archive (\"PK\")%s", prefix(head, 8), guessFormat(head))
	}
	zr, err := zip.NewReader(ra, size)
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
		if len(zr.File) == 0 {
			return nil, formatErrorf("npz", "archive has no .npy members (it is empty)")
		}
		var names []string
		for _, f := range zr.File[:min(len(zr.File), 10)] {
			names = append(names, f.Name)
		}
		if len(zr.File) > 10 {
			names = append(names, fmt.Sprintf("… (%d entries)", len(zr.File)))
		}
		return nil, formatErrorf("npz", "archive has no .npy members (it holds %s; np.savez stores each array as a member NAME.npy)", strings.Join(names, ", "))
	}
	// Members occupy disjoint byte ranges in a well-formed archive; entries
	// sharing data (a zip-bomb trick) would make their sizes add up to more
	// than the file.
	var total uint64
	for _, f := range files {
		total += f.CompressedSize64
		if f.CompressedSize64 > uint64(size) || total > uint64(size) {
			return nil, formatErrorf("npz", "members claim %d compressed bytes in a file of %d (overlapping or corrupt entries)", total, size)
		}
	}
	return files, nil
}

// readNPZMember decodes one member as it is decompressed (decodeNPYFrom on
// the zip entry's stream, with its declared uncompressed size). That size is
// what the .npy header is checked against before the result is allocated: a
// stored member's equals the bytes it occupies in the file; a deflated
// member's may claim at most maxDeflateRatio times its compressed bytes, so
// a small archive cannot make a decode allocate more than such an expansion
// (a stream that turns out shorter than it claims is an error). After the
// data, the entry must end there, which also makes the zip reader check its
// CRC-32. part is that of decodeNPYFrom.
func readNPZMember(f *zip.File, part *ComplexPart) (*Array, error) {
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
		return nil, fail(fmt.Sprintf("compression method %d%s is not supported: .npz members are stored or deflated (re-save the arrays with np.savez or np.savez_compressed)",
			f.Method, zipMethodName(f.Method)), nil)
	}
	if f.UncompressedSize64 > 1<<62 {
		return nil, fail(fmt.Sprintf("member declares %d bytes", f.UncompressedSize64), nil)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fail("cannot open member", err)
	}
	defer rc.Close()
	a, err := decodeNPYFrom(rc, int64(f.UncompressedSize64), part)
	if err != nil {
		var re *readError
		if errors.As(err, &re) {
			return nil, fail("cannot read member (truncated or corrupt archive?)", re.err)
		}
		if fe, ok := err.(*FormatError); ok {
			fe.Path = ":" + name
		}
		return nil, err
	}
	var one [1]byte
	switch n, err := io.ReadFull(rc, one[:]); {
	case n > 0:
		return nil, fail(fmt.Sprintf("member holds more than the %d bytes its header declares", f.UncompressedSize64), nil)
	case err != io.EOF:
		return nil, fail("cannot read member (truncated or corrupt archive?)", err)
	}
	return a, nil
}

// npzMemberHoldsStrings reports whether a member's .npy header declares a
// unicode string dtype ('<U{w}', '>U{w}'). It reads the preamble and the
// header only; a member it cannot read or parse counts as not strings
// (reading it reports the problem).
func npzMemberHoldsStrings(f *zip.File) bool {
	if (f.Method != zip.Store && f.Method != zip.Deflate) || f.UncompressedSize64 > 1<<62 {
		return false
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	size := int64(f.UncompressedSize64)
	pre := make([]byte, min(size, 12))
	if _, err := io.ReadFull(rc, pre); err != nil {
		return false
	}
	_, _, hlen, off, err := parseNPYPreamble(pre, size)
	if err != nil {
		return false
	}
	text, err := readBytes(io.MultiReader(bytes.NewReader(pre[off:]), rc), hlen)
	if err != nil {
		return false
	}
	h, err := parseNPYHeaderText(text)
	return err == nil && h.dtype.kind == 'U'
}

// zipMethodName names the zip compression methods a refused member may use
// (" (bzip2)"), "" for others.
func zipMethodName(m uint16) string {
	switch m {
	case 1, 2, 3, 4, 5:
		return " (shrink/reduce)"
	case 6:
		return " (implode)"
	case 9:
		return " (deflate64)"
	case 12:
		return " (bzip2)"
	case 14:
		return " (lzma)"
	case 93:
		return " (zstd)"
	case 95:
		return " (xz)"
	case 99:
		return " (AES encryption)"
	}
	return ""
}

// npzTime is the timestamp written for every member (numpy writes the same),
// so that equal arrays give equal bytes.
var npzTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// EncodeNPZ serialises named arrays into an .npz archive, each as a
// little-endian C-order "<name>.npy" member, stored (compress false, as
// numpy.savez) or deflated (compress true, as numpy.savez_compressed). Names
// must be non-empty and distinct. The output is deterministic.
func EncodeNPZ(arrays []NamedArray, compress bool) ([]byte, error) {
	p, err := planNPZ(arrays, compress)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if !compress {
		buf.Grow(int(p.storedSize()))
	}
	if err := p.writeTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// npzPlan is a checked list of members ready to be written.
type npzPlan struct {
	names  []string // without ".npy"
	plans  []*npyPlan
	method uint16
}

// planNPZ checks the names and arrays of EncodeNPZ before anything is
// written.
func planNPZ(arrays []NamedArray, compress bool) (*npzPlan, error) {
	if len(arrays) == 0 {
		return nil, fmt.Errorf("datasets: npz: no arrays to write")
	}
	p := &npzPlan{method: zip.Store}
	if compress {
		p.method = zip.Deflate
	}
	seen := map[string]bool{}
	for _, na := range arrays {
		name := strings.TrimSuffix(na.Name, ".npy")
		if name == "" {
			return nil, fmt.Errorf("datasets: npz: empty member name")
		}
		if seen[name] {
			return nil, fmt.Errorf("datasets: npz: duplicate member name %q", name)
		}
		seen[name] = true
		np, err := planNPY(na.Array, NPYOptions{})
		if err != nil {
			return nil, fmt.Errorf("datasets: npz: member %q: %w", name, err)
		}
		p.names = append(p.names, name)
		p.plans = append(p.plans, np)
	}
	return p, nil
}

// storedSize is about the size of the archive with stored members (the
// members plus their zip headers), for sizing a buffer.
func (p *npzPlan) storedSize() int64 {
	var n int64 = 22
	for i, np := range p.plans {
		n += np.size() + 2*int64(len(p.names[i])) + 160
	}
	return n
}

// writeTo writes the archive to w, each member streamed through the zip
// writer (and deflate) in chunks.
func (p *npzPlan) writeTo(w io.Writer) error {
	zw := zip.NewWriter(w)
	for i, np := range p.plans {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: p.names[i] + ".npy", Method: p.method, Modified: npzTime})
		if err != nil {
			return fmt.Errorf("datasets: npz: %w", err)
		}
		if err := np.writeTo(fw); err != nil {
			return fmt.Errorf("datasets: npz: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("datasets: npz: %w", err)
	}
	return nil
}
