package datasets

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The NPZ target does not take archive bytes directly either (see the FITS
// target for why): an .npz of a few tiny arrays is 0.4–0.8 KB of zip headers,
// central directory and .npy headers padded with spaces to 64 bytes, and
// with such seeds a 60 s run spent about 45 s with its exec counter frozen,
// minimising the inputs that added coverage. Its input is a compact form
// (npzFuzzExpand): a short program that writes the archive, in which one op
// byte stands for a member's zip records (local header with CRC-32 and sizes,
// deflate, data descriptor, central directory entry), one for the central
// directory and end record, one for an .npy header's padding, and every other
// byte for itself (two for a piece of an .npy header, npzFuzzWords), so that
// every file has a compact form (npzFuzzCompact:
// structural for archives laid out as numpy or EncodeNPZ lay them out,
// literal otherwise). Corrupt fields and truncations of a well-formed archive
// stay a few bytes away (patch and cut ops, applied to the finished file).
// The seeds' forms are 1–122 bytes, and inputs longer than npzFuzzMax are
// not decoded.
const (
	npzFuzzPad     = '\n'   // spaces, then '\n', up to the next multiple of 64 bytes of the current buffer (an .npy header's end)
	npzFuzzEsc     = '\x1b' // the next byte, literally
	npzFuzzMember  = '\x1c' // flags byte, name length byte, name: starts a member, whose (uncompressed) content the next bytes are
	npzFuzzClose   = '\x1d' // ends the current member: the next bytes go to the file
	npzFuzzCentral = '\x1e' // ends the current member; writes the central directory of every member so far and the end record
	npzFuzzPatch   = '\x1f' // offset (2 bytes, little-endian) and a byte XORed into the finished file there
	npzFuzzCut     = '\x0e' // length (2 bytes, little-endian) to which the finished file is cut
	npzFuzzWord    = '\x0f' // index byte i: npzFuzzWords[i % len(npzFuzzWords)]
	npzFuzzMax     = 256    // longer inputs are skipped
)

// npzFuzzWords are the pieces of an .npy preamble and header that
// npzFuzzWord stands for.
var npzFuzzWords = []string{
	npyMagic + "\x01\x00", npyMagic + "\x02\x00", npyMagic + "\x03\x00",
	"{'descr': '",
	"', 'fortran_order': False, 'shape': (",
	"', 'fortran_order': True, 'shape': (",
	"), }",
}

// Member flags of npzFuzzMember.
const (
	npzFuzzDeflated = 1 << 0 // deflated (Go's flate, fastest level), else stored
	npzFuzzNumpy    = 1 << 1 // numpy's layout (CRC and sizes in the local header, zip64 extra field, no data descriptor), else archive/zip's (data descriptor, extended-timestamp extra field)
	npzFuzzRawName  = 1 << 2 // the name as given, else with ".npy" appended
	npzFuzzLevel5   = 1 << 3 // deflated at level 5, as archive/zip deflates (slower: a reset clears 640 KB of hash tables)
)

// npzFuzzEntry is a member written by npzFuzzExpand, kept for its central
// directory entry.
type npzFuzzEntry struct {
	flags        byte
	name         string
	method       uint16
	crc          uint32
	csize, usize uint32
	offset       uint32
}

// npzFuzzTime is the extended-timestamp extra field archive/zip writes for
// npzTime (1980-01-01, Unix time 315532800).
var npzFuzzTime = []byte{0x55, 0x54, 5, 0, 1, 0x00, 0xa6, 0xce, 0x12}

// Deflate writers of npzFuzzExpand at the fastest level and at level 5.
var npzFuzzFlate = [2]sync.Pool{
	{New: func() any { w, _ := flate.NewWriter(nil, flate.BestSpeed); return w }},
	{New: func() any { w, _ := flate.NewWriter(nil, 5); return w }},
}

// writeLocal appends the member's local header, data (deflated if its flags
// say so) and data descriptor to file.
func (e *npzFuzzEntry) writeLocal(file, content []byte) []byte {
	le := binary.LittleEndian
	e.offset, e.crc, e.usize = uint32(len(file)), crc32.ChecksumIEEE(content), uint32(len(content))
	data := content
	if e.flags&npzFuzzDeflated != 0 {
		e.method = zip.Deflate
		var buf bytes.Buffer
		pool := &npzFuzzFlate[0]
		if e.flags&npzFuzzLevel5 != 0 {
			pool = &npzFuzzFlate[1]
		}
		w := pool.Get().(*flate.Writer)
		w.Reset(&buf)
		w.Write(content)
		w.Close()
		pool.Put(w)
		data = buf.Bytes()
	}
	e.csize = uint32(len(data))
	numpy := e.flags&npzFuzzNumpy != 0
	file = le.AppendUint32(file, 0x04034b50)
	file = le.AppendUint16(file, 20) // version needed
	if numpy {
		file = le.AppendUint16(file, 0)
	} else {
		file = le.AppendUint16(file, 8) // sizes and CRC in a data descriptor
	}
	file = le.AppendUint16(file, e.method)
	file = le.AppendUint16(file, 0)    // time
	file = le.AppendUint16(file, 0x21) // date: 1980-01-01
	if numpy {
		file = le.AppendUint32(file, e.crc)
		file = le.AppendUint32(file, e.csize)
		file = le.AppendUint32(file, e.usize)
	} else {
		file = append(file, make([]byte, 12)...)
	}
	file = le.AppendUint16(file, uint16(len(e.name)))
	if numpy {
		file = le.AppendUint16(file, 20)
		file = append(file, e.name...)
		file = le.AppendUint16(file, 1) // zip64 extra field
		file = le.AppendUint16(file, 16)
		file = le.AppendUint64(file, uint64(e.usize))
		file = le.AppendUint64(file, uint64(e.csize))
		return append(file, data...)
	}
	file = le.AppendUint16(file, uint16(len(npzFuzzTime)))
	file = append(file, e.name...)
	file = append(file, npzFuzzTime...)
	file = append(file, data...)
	file = le.AppendUint32(file, 0x08074b50)
	file = le.AppendUint32(file, e.crc)
	file = le.AppendUint32(file, e.csize)
	return le.AppendUint32(file, e.usize)
}

// npzFuzzWriteCentral appends the central directory of members and the end
// record to file.
func npzFuzzWriteCentral(file []byte, members []npzFuzzEntry) []byte {
	le := binary.LittleEndian
	start := len(file)
	for _, e := range members {
		numpy := e.flags&npzFuzzNumpy != 0
		file = le.AppendUint32(file, 0x02014b50)
		if numpy {
			file = le.AppendUint16(file, 0x0314) // made by: Unix, 2.0
			file = le.AppendUint16(file, 20)
			file = le.AppendUint16(file, 0)
		} else {
			file = le.AppendUint16(file, 20)
			file = le.AppendUint16(file, 20)
			file = le.AppendUint16(file, 8)
		}
		file = le.AppendUint16(file, e.method)
		file = le.AppendUint16(file, 0)
		file = le.AppendUint16(file, 0x21)
		file = le.AppendUint32(file, e.crc)
		file = le.AppendUint32(file, e.csize)
		file = le.AppendUint32(file, e.usize)
		file = le.AppendUint16(file, uint16(len(e.name)))
		extra := npzFuzzTime
		if numpy {
			extra = nil
		}
		file = le.AppendUint16(file, uint16(len(extra)))
		file = append(file, 0, 0, 0, 0, 0, 0) // comment length, disk, internal attributes
		if numpy {
			file = le.AppendUint32(file, 0o600<<16)
		} else {
			file = le.AppendUint32(file, 0)
		}
		file = le.AppendUint32(file, e.offset)
		file = append(file, e.name...)
		file = append(file, extra...)
	}
	end := len(file)
	file = le.AppendUint32(file, 0x06054b50)
	file = append(file, 0, 0, 0, 0)
	file = le.AppendUint16(file, uint16(len(members)))
	file = le.AppendUint16(file, uint16(len(members)))
	file = le.AppendUint32(file, uint32(end-start))
	file = le.AppendUint32(file, uint32(start))
	return append(file, 0, 0)
}

// npzFuzzExpand returns the file a compact fuzz input stands for. Bytes go
// to the current member's content while one is open, else to the file. At
// the end the open member is written and, if members were written and no
// npzFuzzCentral op came, the central directory; then the patch and cut ops
// are applied in order. An op whose arguments are cut short by the end of the
// input is dropped (a member's name is cut short).
func npzFuzzExpand(b []byte) []byte {
	var file, content []byte
	var members []npzFuzzEntry
	var cur *npzFuzzEntry
	central := false
	type edit struct {
		cut bool
		n   int
		x   byte
	}
	var edits []edit
	closeMember := func() {
		if cur != nil {
			file = cur.writeLocal(file, content)
			members = append(members, *cur)
			cur, content = nil, content[:0]
		}
	}
	buf := func() *[]byte {
		if cur != nil {
			return &content
		}
		return &file
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case npzFuzzEsc:
			if i+1 < len(b) {
				i++
				p := buf()
				*p = append(*p, b[i])
			}
		case npzFuzzPad:
			p := buf()
			for (len(*p)+1)%64 != 0 {
				*p = append(*p, ' ')
			}
			*p = append(*p, '\n')
		case npzFuzzMember:
			closeMember()
			if i+2 >= len(b) {
				i = len(b)
				break
			}
			e := &npzFuzzEntry{flags: b[i+1]}
			n := min(int(b[i+2]), len(b)-i-3)
			e.name = string(b[i+3 : i+3+n])
			i += 2 + n
			if e.flags&npzFuzzRawName == 0 {
				e.name += ".npy"
			}
			cur = e
		case npzFuzzClose:
			closeMember()
		case npzFuzzCentral:
			closeMember()
			file = npzFuzzWriteCentral(file, members)
			central = true
		case npzFuzzWord:
			if i+1 < len(b) {
				i++
				p := buf()
				*p = append(*p, npzFuzzWords[int(b[i])%len(npzFuzzWords)]...)
			}
		case npzFuzzPatch:
			if i+3 < len(b) {
				edits = append(edits, edit{n: int(binary.LittleEndian.Uint16(b[i+1:])), x: b[i+3]})
			}
			i += 3
		case npzFuzzCut:
			if i+2 < len(b) {
				edits = append(edits, edit{cut: true, n: int(binary.LittleEndian.Uint16(b[i+1:]))})
			}
			i += 2
		default:
			p := buf()
			*p = append(*p, c)
		}
	}
	closeMember()
	if len(members) > 0 && !central {
		file = npzFuzzWriteCentral(file, members)
	}
	for _, e := range edits {
		switch {
		case e.cut && e.n < len(file):
			file = file[:e.n]
		case !e.cut && e.n < len(file):
			file[e.n] ^= e.x
		}
	}
	return file
}

// npzFuzzIsOp reports the bytes that npzFuzzExpand does not copy.
func npzFuzzIsOp(c byte) bool {
	switch c {
	case npzFuzzPad, npzFuzzEsc, npzFuzzMember, npzFuzzClose, npzFuzzCentral, npzFuzzPatch, npzFuzzCut, npzFuzzWord:
		return true
	}
	return false
}

// npzFuzzLiteral appends to out a compact form of the bytes b that start a
// buffer (a member's content, or the file): padding ops where b holds an
// .npy header's padding, word ops for npzFuzzWords, escaped op bytes, other
// bytes as they are.
func npzFuzzLiteral(out, b []byte) []byte {
next:
	for p := 0; p < len(b); {
		for i, w := range npzFuzzWords {
			if bytes.HasPrefix(b[p:], []byte(w)) {
				out, p = append(out, npzFuzzWord, byte(i)), p+len(w)
				continue next
			}
		}
		if c := b[p]; c == ' ' || c == '\n' {
			q := p
			for (q+1)%64 != 0 {
				q++
			}
			if q < len(b) && b[q] == '\n' && len(bytes.Trim(b[p:q], " ")) == 0 {
				out, p = append(out, npzFuzzPad), q+1
				continue
			}
		}
		if npzFuzzIsOp(b[p]) {
			out = append(out, npzFuzzEsc)
		}
		out = append(out, b[p])
		p++
	}
	return out
}

// npzFuzzMemberForm is the compact form of a member: flags (npzFuzzDeflated
// …), name, then its content.
func npzFuzzMemberForm(flags byte, name string, content []byte) []byte {
	out := append([]byte{npzFuzzMember, flags, byte(len(name))}, name...)
	return npzFuzzLiteral(out, content)
}

// npzFuzzCompact returns a compact form of file: npzFuzzExpand gives file
// back. An archive laid out as npzFuzzExpand writes it (as numpy and
// EncodeNPZ write theirs) gets a structural form, one op per member; any
// other file a literal one.
func npzFuzzCompact(file []byte) []byte {
	if c := npzFuzzCompactZip(file); c != nil && bytes.Equal(npzFuzzExpand(c), file) {
		return c
	}
	return npzFuzzLiteral(nil, file)
}

// npzFuzzCompactZip is the structural form npzFuzzCompact tries, or nil.
func npzFuzzCompactZip(file []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil
	}
	var out []byte
	for _, f := range zr.File {
		var flags byte
		switch f.Method {
		case zip.Deflate:
			flags |= npzFuzzDeflated | npzFuzzLevel5
		case zip.Store:
		default:
			return nil
		}
		if f.Flags&8 == 0 {
			flags |= npzFuzzNumpy
		}
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			flags |= npzFuzzRawName
		}
		if len(name) > 255 {
			return nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil
		}
		out = append(out, npzFuzzMemberForm(flags, name, content)...)
	}
	return out
}

// npzFuzzEdit is the compact form of a patch (cut false: x XORed into the
// byte at n) or cut (to n bytes).
func npzFuzzEdit(cut bool, n int, x byte) []byte {
	if cut {
		return []byte{npzFuzzCut, byte(n), byte(n >> 8)}
	}
	return []byte{npzFuzzPatch, byte(n), byte(n >> 8), x}
}

// npzFuzzSeed is a seed of FuzzDecodeNPZ: its compact form, and what it must
// expand to or decode to where that is fixed.
type npzFuzzSeed struct {
	name string
	form []byte
	file []byte       // when set, the file form must expand to
	want []NamedArray // when set, the members the expanded file decodes to
	err  string       // when set, a fragment of the error the decode must give
}

// npzFuzzSeeds returns the seeds of FuzzDecodeNPZ: numpy's small archive
// (stored; its members deflated in numpy's layout), EncodeNPZ's archives
// (stored and deflated), archives whose members cover every dtype, byte
// order, Fortran order, .npy versions 1–3 and shapes (), (3), (2, 3) in both
// layouts, stored and deflated; ignored and duplicate members, an empty
// archive, a member that is not .npy; and truncations and single-byte
// corruptions of the first four (every zip record hit).
func npzFuzzSeeds() ([]npzFuzzSeed, error) {
	var seeds []npzFuzzSeed
	small, err := os.ReadFile(filepath.Join("testdata", "numpy_small.npz"))
	if err != nil {
		return nil, err
	}
	smallArrays, err := DecodeNPZ(small)
	if err != nil {
		return nil, err
	}
	seeds = append(seeds, npzFuzzSeed{name: "numpy_small.npz", form: npzFuzzCompact(small), file: small, want: smallArrays})
	var deflated []byte
	for _, na := range smallArrays {
		npy, err := EncodeNPY(na.Array, NPYOptions{BigEndian: na.Name == "z"})
		if err != nil {
			return nil, err
		}
		deflated = append(deflated, npzFuzzMemberForm(npzFuzzNumpy|npzFuzzDeflated, na.Name, npy)...)
	}
	seeds = append(seeds, npzFuzzSeed{name: "numpy_small, deflated", form: deflated, want: smallArrays})
	x := &Array{Shape: []int{2, 2}, DType: "float32", Float64: []float64{1, 2, 3, 4}}
	z := &Array{Shape: []int{1}, DType: "complex64", Complex128: []complex128{1i}}
	xz := []NamedArray{{"x", x}, {"z", z}}
	for _, compress := range []bool{false, true} {
		b, err := EncodeNPZ(xz, compress)
		if err != nil {
			return nil, err
		}
		seeds = append(seeds, npzFuzzSeed{name: fmt.Sprintf("EncodeNPZ, compress %v", compress), form: npzFuzzCompact(b), file: b, want: xz})
	}
	// Variants of the four archives above.
	for _, s := range slices.Clone(seeds) {
		n := len(npzFuzzExpand(s.form))
		for _, cut := range []int{0, 1, 6, 12, 40, n / 3, n / 2, n - 23, n - 1} {
			seeds = append(seeds, npzFuzzSeed{name: fmt.Sprintf("%s cut to %d", s.name, cut), form: append(slices.Clone(s.form), npzFuzzEdit(true, cut, 0)...)})
		}
		// signature, flags, method, CRC, size, name, .npy magic, header, data, central directory, end record
		for _, i := range []int{0, 6, 8, 14, 18, 30, 40, 60, n / 2, n - 40, n - 22, n - 12, n - 6} {
			seeds = append(seeds, npzFuzzSeed{name: fmt.Sprintf("%s ^ byte %d", s.name, i), form: append(slices.Clone(s.form), npzFuzzEdit(false, i, 0x5a)...)})
		}
	}
	// Every dtype, three to an archive, with shapes, byte orders, Fortran
	// order, .npy versions and layouts in turn.
	kinds := make([]string, 0, len(kindDType))
	for k := range kindDType {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	opts := []NPYOptions{{}, {BigEndian: true, FortranOrder: true}, {Version: 2}, {Version: 3, FortranOrder: true}}
	shapes := [][]int{{2, 3}, {}, {3}}
	for g := 0; g < len(kinds); g += 3 {
		var form []byte
		var want []NamedArray
		for j, kind := range kinds[g:min(g+3, len(kinds))] {
			a, _ := NewArray(kindDType[kind], shapes[j]...)
			fillFixture(a, kind)
			npy, err := EncodeNPY(a, opts[(g/3+j)%len(opts)])
			if err != nil {
				return nil, err
			}
			form = append(form, npzFuzzMemberForm(byte(g/3+j)%4, kind, npy)...)
			want = append(want, NamedArray{kind, a})
		}
		seeds = append(seeds, npzFuzzSeed{name: "dtypes " + strings.Join(kinds[g:min(g+3, len(kinds))], " "), form: form, want: want})
	}
	// Members of numpy strings ('<U', '>U'; inner NUL, non-ASCII) beside
	// a numeric one, as EncodeNPZ and as numpy (deflated, Fortran order)
	// lay them out.
	names := &Array{Shape: []int{3}, DType: StringDType, Strings: []string{"S1", "C01 ℓ", "a\x00b"}}
	grid := &Array{Shape: []int{2, 2}, DType: StringDType, Strings: []string{"", "σ₈", "P00", "🙂"}}
	sx := []NamedArray{{"names", names}, {"x", x}}
	sb, err := EncodeNPZ(sx, false)
	if err != nil {
		return nil, err
	}
	seeds = append(seeds, npzFuzzSeed{name: "string member, EncodeNPZ", form: npzFuzzCompact(sb), file: sb, want: sx})
	gnpy, err := EncodeNPY(grid, NPYOptions{BigEndian: true, FortranOrder: true})
	if err != nil {
		return nil, err
	}
	seeds = append(seeds, npzFuzzSeed{name: "'>U' Fortran member, numpy layout, deflated",
		form: npzFuzzMemberForm(npzFuzzNumpy|npzFuzzDeflated, "grid", gnpy), want: []NamedArray{{"grid", grid}}})
	xnpy, err := EncodeNPY(x, NPYOptions{})
	if err != nil {
		return nil, err
	}
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	seeds = append(seeds,
		npzFuzzSeed{name: "directory, other file, .npy member", form: join(
			npzFuzzMemberForm(npzFuzzRawName, "d/", nil),
			npzFuzzMemberForm(npzFuzzRawName|npzFuzzDeflated, "notes.txt", []byte("hello")),
			npzFuzzMemberForm(npzFuzzNumpy, "x", xnpy)), want: []NamedArray{{"x", x}}},
		npzFuzzSeed{name: "no .npy member", form: npzFuzzMemberForm(npzFuzzRawName, "x", xnpy), err: "no .npy members"},
		npzFuzzSeed{name: "empty archive", form: []byte{npzFuzzCentral}, err: "no .npy members"},
		npzFuzzSeed{name: "duplicate member", form: join(npzFuzzMemberForm(0, "x", xnpy), npzFuzzMemberForm(npzFuzzDeflated, "x", xnpy)), err: "appears twice"},
		npzFuzzSeed{name: "empty member", form: npzFuzzMemberForm(npzFuzzNumpy, "e", nil), err: ":e"},
		npzFuzzSeed{name: "member not .npy", form: npzFuzzMemberForm(npzFuzzDeflated, "t", []byte("PK\x03\x04 text")), err: ":t"},
		npzFuzzSeed{name: "bytes after the end record", form: join(npzFuzzMemberForm(0, "x", xnpy), []byte{npzFuzzCentral}, []byte("junk"))},
		npzFuzzSeed{name: "bytes between members", form: join(npzFuzzMemberForm(npzFuzzNumpy, "x", xnpy), []byte{npzFuzzClose}, []byte("junk"), npzFuzzMemberForm(npzFuzzNumpy, "y", xnpy))},
	)
	return seeds, nil
}

// sameNPZMember is sameArray that also compares the elements of string
// arrays (sameArray compares Float64 and Complex128 only).
func sameNPZMember(a, b *Array) string {
	if d := sameArray(a, b); d != "" {
		return d
	}
	if !slices.Equal(a.Strings, b.Strings) || (a.Strings == nil) != (b.Strings == nil) {
		return fmt.Sprintf("strings %q vs %q", a.Strings, b.Strings)
	}
	return ""
}

func FuzzDecodeNPZ(f *testing.F) {
	seeds, err := npzFuzzSeeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add(s.form)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > npzFuzzMax {
			return
		}
		b := npzFuzzExpand(in)
		all, err := DecodeNPZ(b)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, na := range all {
			// consistent, not check: a member of strings is a valid result
			// (check refuses every string array).
			if err := na.Array.consistent(); err != nil {
				t.Fatalf("member %s inconsistent: %v", na.Name, err)
			}
		}
		enc, err := EncodeNPZ(all, true)
		if err != nil {
			// Only a name collision after trimming ".npy" is possible.
			return
		}
		back, err := DecodeNPZ(enc)
		if err != nil || len(back) != len(all) {
			t.Fatalf("round trip: %v", err)
		}
		for i := range all {
			if d := sameNPZMember(all[i].Array, back[i].Array); d != "" {
				t.Fatalf("member %s: %s", all[i].Name, d)
			}
		}
	})
}

// TestNPZFuzzForm checks the compact form of FuzzDecodeNPZ: the seeds are
// shorter than npzFuzzMax and expand to the intended files (numpy's and
// EncodeNPZ's archives byte for byte, their variants with the cut or patched
// byte, the others to archives that decode to the intended members or
// error); npzFuzzCompact's form expands back to the file for the testdata
// archives and arbitrary bytes, and is structural for the archives written
// as npzFuzzExpand writes them; the ops do what they say.
func TestNPZFuzzForm(t *testing.T) {
	seeds, err := npzFuzzSeeds()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, s := range seeds {
		if len(s.form) > npzFuzzMax {
			t.Errorf("%s: compact form of %d bytes, more than %d", s.name, len(s.form), npzFuzzMax)
		}
		b := npzFuzzExpand(s.form)
		files[s.name] = b
		if s.file != nil && !bytes.Equal(b, s.file) {
			t.Errorf("%s: form (%d bytes) does not expand to the %d-byte file", s.name, len(s.form), len(s.file))
		}
		all, err := DecodeNPZ(b)
		switch {
		case s.want != nil && err != nil:
			t.Errorf("%s: %v", s.name, err)
		case s.want != nil && len(all) != len(s.want):
			t.Errorf("%s: %d members, want %d", s.name, len(all), len(s.want))
		case s.want != nil:
			for i, na := range all {
				if na.Name != s.want[i].Name {
					t.Errorf("%s: member %d named %q, want %q", s.name, i, na.Name, s.want[i].Name)
				} else if d := sameNPZMember(na.Array, s.want[i].Array); d != "" {
					t.Errorf("%s: member %s: %s", s.name, na.Name, d)
				}
			}
		case s.err != "":
			if err == nil {
				t.Errorf("%s: decoded, want an error containing %q", s.name, s.err)
			} else {
				wantFormatError(t, err, s.err)
			}
		}
	}
	// A variant expands to its archive cut or patched.
	base := npzFuzzExpand(seeds[0].form)
	if got := npzFuzzExpand(append(slices.Clone(seeds[0].form), npzFuzzEdit(true, 100, 0)...)); !bytes.Equal(got, base[:100]) {
		t.Errorf("cut: got %d bytes", len(got))
	}
	patched := slices.Clone(base)
	patched[300] ^= 0x5a
	if got := npzFuzzExpand(append(slices.Clone(seeds[0].form), npzFuzzEdit(false, 300, 0x5a)...)); !bytes.Equal(got, patched) {
		t.Error("patch: wrong bytes")
	}
	// The testdata archives, EncodeNPZ's with several dtypes, and random
	// bytes rich in op bytes expand back from their compact forms.
	for _, p := range []string{"numpy_small_deflated.npz", "numpy_cases.npz", "numpy_cases_deflated.npz"} {
		if files[p], err = os.ReadFile(filepath.Join("testdata", p)); err != nil {
			t.Fatal(err)
		}
	}
	var arrays []NamedArray
	for kind, dtype := range kindDType {
		a, _ := NewArray(dtype, 2, 3)
		fillFixture(a, kind)
		arrays = append(arrays, NamedArray{kind, a})
	}
	for _, compress := range []bool{false, true} {
		b, err := EncodeNPZ(arrays, compress)
		if err != nil {
			t.Fatal(err)
		}
		files[fmt.Sprintf("EncodeNPZ of every dtype, compress %v", compress)] = b
		if c := npzFuzzCompact(b); len(c) > len(b)/2 {
			t.Errorf("compress %v: compact form of %d bytes for a %d-byte archive: not structural", compress, len(c), len(b))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		b := make([]byte, rng.IntN(600))
		for j := range b {
			b[j] = " \n\x1b\x1c\x1d\x1e\x1f\x0e\x0fPKA"[rng.IntN(12)]
		}
		for range rng.IntN(4) {
			w := npzFuzzWords[rng.IntN(len(npzFuzzWords))]
			if len(b) > len(w) {
				copy(b[rng.IntN(len(b)-len(w)):], w)
			}
		}
		files[fmt.Sprintf("random %d", i)] = b
	}
	for name, b := range files {
		c := npzFuzzCompact(b)
		if back := npzFuzzExpand(c); !bytes.Equal(back, b) {
			t.Errorf("%s: compact form (%d bytes) does not expand back to the %d-byte file", name, len(c), len(b))
		}
	}
	if c := npzFuzzCompact(files["numpy_cases.npz"]); c[0] != npzFuzzMember {
		t.Error("numpy_cases.npz: compact form not structural")
	}
	// Padding, escapes, words, a raw name, an op cut short.
	want := "A" + strings.Repeat(" ", 62) + "\n" + strings.Repeat(" ", 63) + "\n\x1c), }{'descr': '"
	if got := npzFuzzExpand([]byte("A\n\n\x1b\x1c\x0f\x06\x0f\x0a\x1b")); string(got) != want {
		t.Errorf("expand: got %q", got)
	}
	got := npzFuzzExpand([]byte("\x1c\x06\x02ab\n\x1d\x1f"))
	zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != "ab" || zr.File[0].Flags != 0 || zr.File[0].UncompressedSize64 != 64 {
		t.Fatalf("member op: %v, %+v", err, zr)
	}
	if got := npzFuzzExpand([]byte("\x1c\x00\x05ab")); !bytes.Contains(got, []byte("ab.npy")) {
		t.Errorf("name cut short: %q", got)
	}
}
