package datasets

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// allocatedBy returns the bytes fn allocates on the heap (runtime.MemStats
// TotalAlloc before and after; the least of three runs, so that a stray
// allocation of another goroutine does not count). It counts allocations,
// not live memory, so it bounds the peak from above without any timing.
func allocatedBy(fn func()) uint64 {
	best := ^uint64(0)
	var before, after runtime.MemStats
	for range 3 {
		runtime.GC()
		runtime.ReadMemStats(&before)
		fn()
		runtime.ReadMemStats(&after)
		best = min(best, after.TotalAlloc-before.TotalAlloc)
	}
	return best
}

// memSide is the map side of the memory tests: 512² float64 maps are 2 MiB.
const memSide = 512

// readSlack is what a read may allocate besides 1.2× its result: the chunk
// buffer (64 KiB), the gzip and deflate decoders' windows and tables and the
// zip central directory — a constant, independent of the size.
const readSlack = 512 << 10

// gzipBytes gzip-compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// memFiles writes a 512² map in every format ReadMaps reads and returns the
// paths: .npy float64/float32 (C and Fortran order), .npz stored and
// deflated, FITS BITPIX −64, −32 and 16 with BSCALE/BZERO, and .fits.gz.
func memFiles(t *testing.T) []string {
	dir := t.TempDir()
	m := testMaps(1, memSide, memSide)
	var paths []string
	add := fileAdder(t, dir, &paths)
	for _, dt := range []string{"float64", "float32"} {
		a, err := MapsToArray(m, dt)
		if err != nil {
			t.Fatal(err)
		}
		for _, opt := range []NPYOptions{{}, {FortranOrder: true, BigEndian: true}} {
			b, err := EncodeNPY(a, opt)
			if err != nil {
				t.Fatal(err)
			}
			add(fmt.Sprintf("%s_%v.npy", dt, opt.FortranOrder), b)
		}
		for _, compress := range []bool{false, true} {
			b, err := EncodeNPZ([]NamedArray{{Name: "maps", Array: a}}, compress)
			if err != nil {
				t.Fatal(err)
			}
			add(fmt.Sprintf("%s_%v.npz", dt, compress), b)
		}
		b, err := EncodeFITS(a)
		if err != nil {
			t.Fatal(err)
		}
		add(dt+".fits", b)
		add(dt+".fits.gz", gzipBytes(t, b))
	}
	data := make([]byte, 2*memSide*memSide)
	for i := range memSide * memSide {
		binary.BigEndian.PutUint16(data[2*i:], uint16(int16(i%4000-2000)))
	}
	i16 := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 16", "NAXIS   = 2", fmt.Sprintf("NAXIS1  = %d", memSide), fmt.Sprintf("NAXIS2  = %d", memSide),
		"BSCALE  = 0.5", "BZERO   = 10.0", "BLANK   = -2000"}, data)
	add("i16.fits", i16)
	add("i16.fits.gz", gzipBytes(t, i16))
	return paths
}

// ReadMaps decodes straight into the maps it returns: a 512² read allocates
// at most 1.2× the 2 MiB of the result plus a constant, in every format —
// no whole-file or whole-member buffer, no intermediate typed slice, no
// copy from the decoded array into the maps. (Before: 3 to 5.5× the result,
// e.g. a stored .npz held the file, the member, the array and the maps.)
func TestReadMapsAllocatesOnlyTheResult(t *testing.T) {
	result := uint64(8 * memSide * memSide)
	for _, p := range memFiles(t) {
		var m *stlayer.Maps
		var err error
		got := allocatedBy(func() { m, err = ReadMaps(p) })
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if m.M != memSide || m.N != memSide {
			t.Fatalf("%s: read %d×%d", filepath.Base(p), m.M, m.N)
		}
		t.Logf("%-20s allocated %.3f × the result + %d KiB", filepath.Base(p), float64(got)/float64(result), (int64(got)-int64(result))/1024)
		if limit := result*6/5 + readSlack; got > limit {
			t.Errorf("%s: reading %d bytes of maps allocated %d bytes (%.2f×), want ≤ 1.2× + %d KiB",
				filepath.Base(p), result, got, float64(got)/float64(result), readSlack>>10)
		}
	}
}

// The writers encode through a bounded buffer into the temporary file: a
// write of 2 MiB of maps allocates no copy of the maps and no image of the
// file (before: the array copy of MapsToArray plus the whole file, 2 to 3×
// the data). Deflate's compressor (about 1 MiB of tables, whatever the size)
// is the one larger constant.
func TestWritersAllocateNoCopy(t *testing.T) {
	dir := t.TempDir()
	m := testMaps(1, memSide, memSide)
	data := uint64(8 * memSide * memSide)
	const slack = 256 << 10
	cases := []struct {
		name  string
		slack uint64
		write func(p string) error
	}{
		{"f64.npy", slack, func(p string) error { return WriteMaps(p, m) }},
		{"f32.npy", slack, func(p string) error { return WriteMapsWith(p, m, MapsWriteOptions{DType: "float32"}) }},
		{"f64.npz", slack, func(p string) error { return WriteMaps(p, m) }},
		{"f64.fits", slack, func(p string) error { return WriteMaps(p, m) }},
		{"f32.fits", slack, func(p string) error { return WriteMapsWith(p, m, MapsWriteOptions{DType: "float32"}) }},
		{"member.npz", slack, func(p string) error { // a member added to an archive of 2 MiB
			if err := WriteMaps(p+":a", m); err != nil {
				return err
			}
			return WriteMaps(p+":b", m)
		}},
		{"deflated.npz", 2 << 20, func(p string) error {
			a := &Array{Shape: []int{memSide, memSide}, DType: "float64", Float64: m.Data}
			return WriteNPZ(p, []NamedArray{{Name: "x", Array: a}}, true)
		}},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		var err error
		got := allocatedBy(func() { err = c.write(p) })
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		t.Logf("%-14s allocated %.3f × the data (%d KiB)", c.name, float64(got)/float64(data), got>>10)
		if limit := data/5 + c.slack; got > limit {
			t.Errorf("%s: writing %d bytes of maps allocated %d bytes (%.2f×), want ≤ 0.2× + %d KiB", c.name, data, got, float64(got)/float64(data), c.slack>>10)
		}
	}
	// What was written is what the in-memory encoders produce.
	want, err := EncodeNPZ([]NamedArray{{Name: "maps", Array: &Array{Shape: []int{memSide, memSide}, DType: "float64", Float64: m.Data}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "f64.npz")); !bytes.Equal(got, want) {
		t.Error("WriteMaps .npz differs from EncodeNPZ")
	}
}

// zipWith returns an archive holding one member "x.npy" with the given
// bytes, stored or deflated, with the uncompressed size of its central
// directory entry replaced by claim when claim > 0.
func zipWith(t *testing.T, member []byte, deflate bool, claim uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	method := zip.Store
	if deflate {
		method = zip.Deflate
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: method, Modified: npzTime})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(member)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if claim > 0 {
		cd := bytes.LastIndex(b, []byte("PK\x01\x02"))
		binary.LittleEndian.PutUint32(b[cd+24:], claim)
	}
	return b
}

// A small file whose header declares a 20000² float64 image (3.2 GB) is
// refused before anything of that size is allocated: the declared size is
// checked against the file's size (a stored member's, the bytes left after a
// FITS header), or, for compressed data, against the most the compressed
// bytes can expand to (deflated .npz members, .fits.gz).
func TestHugeClaimsAllocateNothing(t *testing.T) {
	dir := t.TempDir()
	huge := npyWithHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (20000, 20000), }\n", make([]byte, 100))
	hugeFITS := fitsFile([]string{"SIMPLE  = T", "BITPIX  = -64", "NAXIS   = 2", "NAXIS1  = 20000", "NAXIS2  = 20000"}, make([]byte, 100))
	deflated := zipWith(t, huge, true, 0)
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"huge.npy", huge, []string{"truncated data", "(20000, 20000)", "3200000000 bytes"}},
		{"huge.fits", hugeFITS, []string{"truncated data", "20000×20000", "3200000000 bytes"}},
		{"huge.fits.gz", gzipBytes(t, hugeFITS), []string{"truncated data", "more than a gzip stream of"}},
		{"stored.npz", zipWith(t, huge, false, 0), []string{":x", "truncated data", "(20000, 20000)"}},
		{"deflated.npz", deflated, []string{":x", "truncated data", "(20000, 20000)"}},
		{"claim.npz", zipWith(t, huge, true, 3200000128), []string{":x", "claims 3200000128 bytes", "more than deflate can produce"}},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		got := allocatedBy(func() { _, err = ReadMaps(p) })
		wantFormatError(t, err, append([]string{p}, c.frags...)...)
		t.Logf("%s: %v", c.name, err)
		if got > 1<<20 {
			t.Errorf("%s: refusing the file allocated %d bytes", c.name, got)
		}
	}
}

// Streaming keeps the checks of whole-file decoding: a stored member whose
// data no longer match its CRC-32, a deflated member shorter than it
// claims, and a .fits.gz whose CRC or end is damaged are errors, not maps.
func TestStreamingKeepsIntegrityChecks(t *testing.T) {
	a := &Array{Shape: []int{64, 64}, DType: "float64", Float64: testMaps(1, 64, 64).Data}
	npyBytes, err := EncodeNPY(a, NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Stored member with a data byte changed: CRC mismatch.
	stored := zipWith(t, npyBytes, false, 0)
	i := bytes.Index(stored, npyBytes[200:232])
	stored[i+5] ^= 1
	_, err = DecodeNPZ(stored)
	wantFormatError(t, err, ":x", "cannot read member")
	if !errors.Is(err, zip.ErrChecksum) {
		t.Errorf("damaged stored member: %v, want zip.ErrChecksum", err)
	}
	// Deflated member claiming more than its stream holds (within the deflate
	// ratio): 64 KiB of zeros declared as 104000 bytes of data.
	zeros := npyWithHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (13000,), }\n", make([]byte, 64<<10))
	hdr := len(zeros) - 64<<10
	_, err = DecodeNPZ(zipWith(t, zeros, true, uint32(hdr+13000*8)))
	wantFormatError(t, err, ":x", "cannot read member")
	// .fits.gz: CRC trailer changed, stream cut.
	fb, err := EncodeFITS(a)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipBytes(t, fb)
	if _, err := DecodeFITS(gz); err != nil {
		t.Fatal(err)
	}
	badCRC := append([]byte(nil), gz...)
	badCRC[len(badCRC)-8] ^= 1
	_, err = DecodeFITS(badCRC)
	wantFormatError(t, err, "bad gzip stream")
	if !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("damaged gzip CRC: %v, want gzip.ErrChecksum", err)
	}
	for _, n := range []int{len(gz) - 4, len(gz) / 2, 40} {
		_, err = DecodeFITS(gz[:n])
		wantFormatError(t, err, "bad gzip stream (truncated?)")
	}
	// The same through files (streamed, not read whole).
	dir := t.TempDir()
	p := filepath.Join(dir, "cut.fits.gz")
	os.WriteFile(p, gz[:len(gz)/2], 0o644)
	_, err = ReadMaps(p)
	wantFormatError(t, err, p, "bad gzip stream (truncated?)")
	p = filepath.Join(dir, "bad.npz")
	os.WriteFile(p, stored, 0o644)
	_, err = ReadMaps(p)
	wantFormatError(t, err, p+":x", "cannot read member")
}

// complexMemFiles writes a 512² complex map as complex64 and complex128
// .npy (C order little-endian, Fortran order big-endian) and .npz (stored,
// deflated), with a few special values (NaN, ±Inf, −0) among the pixels,
// and returns the paths.
func complexMemFiles(t *testing.T) []string {
	dir := t.TempDir()
	m := testMaps(1, memSide, memSide)
	z := make([]complex128, len(m.Data))
	for i, x := range m.Data {
		z[i] = complex(x, math.Sin(float64(i)*0.3)-float64(i)/3000)
	}
	z[1] = complex(math.NaN(), 1)
	z[2] = complex(math.Inf(-1), math.Copysign(0, -1))
	z[3] = complex(math.Copysign(0, -1), math.Inf(1))
	var paths []string
	add := fileAdder(t, dir, &paths)
	for _, dt := range []string{"complex64", "complex128"} {
		a := &Array{Shape: []int{1, memSide, memSide}, DType: dt, Complex128: z}
		for _, opt := range []NPYOptions{{}, {FortranOrder: true, BigEndian: true}} {
			b, err := EncodeNPY(a, opt)
			if err != nil {
				t.Fatal(err)
			}
			add(fmt.Sprintf("%s_%v.npy", dt, opt.FortranOrder), b)
		}
		for _, compress := range []bool{false, true} {
			b, err := EncodeNPZ([]NamedArray{{Name: "w", Array: &Array{Shape: []int{2}, DType: "float64", Float64: []float64{1, 2}}}, {Name: "z", Array: a}}, compress)
			if err != nil {
				t.Fatal(err)
			}
			add(fmt.Sprintf("%s_%v.npz", dt, compress), b)
		}
	}
	return paths
}

// ReadMapsPart of complex .npy and .npz data takes the part chunk by chunk
// straight into the maps: at most 1.2× the 2 MiB float64 result plus a
// constant, as for real data (before: the complex128 array, 2× the result,
// then the maps). The maps are bit for bit those of ArrayToMaps on the
// complex array Read returns, and a refused read (RejectComplex) gives the
// same error as before.
func TestReadMapsPartComplexAllocatesOnlyTheResult(t *testing.T) {
	result := uint64(8 * memSide * memSide)
	for _, p := range complexMemFiles(t) {
		p := p + map[bool]string{true: ":z", false: ""}[filepath.Ext(p) == ".npz"]
		a, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []ComplexPart{RealPart, ImagPart, Modulus} {
			want, err := ArrayToMaps(a, part)
			if err != nil {
				t.Fatal(err)
			}
			var m *stlayer.Maps
			got := allocatedBy(func() { m, err = ReadMapsPart(p, part) })
			if err != nil {
				t.Fatalf("%s %v: %v", filepath.Base(p), part, err)
			}
			if m.B != 1 || m.M != memSide || m.N != memSide {
				t.Fatalf("%s %v: read %d×%d×%d", filepath.Base(p), part, m.B, m.M, m.N)
			}
			for i := range want.Data {
				if math.Float64bits(m.Data[i]) != math.Float64bits(want.Data[i]) {
					t.Fatalf("%s %v: pixel %d is %v, ArrayToMaps gives %v", filepath.Base(p), part, i, m.Data[i], want.Data[i])
				}
			}
			t.Logf("%-22s %-7v allocated %.3f × the result + %d KiB", filepath.Base(p), part, float64(got)/float64(result), (int64(got)-int64(result))/1024)
			if limit := result*6/5 + readSlack; got > limit {
				t.Errorf("%s %v: reading %d bytes of maps allocated %d bytes (%.2f×), want ≤ 1.2× + %d KiB",
					filepath.Base(p), part, result, got, float64(got)/float64(result), readSlack>>10)
			}
		}
		_, want := ArrayToMaps(a, RejectComplex)
		want.(*ValidationError).Path = p
		if _, err := ReadMaps(p); err == nil || err.Error() != want.Error() {
			t.Errorf("%s: ReadMaps gives %v, want %v", filepath.Base(p), err, want)
		}
		if _, err := ReadMapsPart(p, ComplexPart(9)); err == nil || !strings.Contains(err.Error(), "unknown complex part ComplexPart(9)") {
			t.Errorf("%s: part 9 gives %v", filepath.Base(p), err)
		}
	}
}

// fileAdder returns a function that writes a file into dir and appends its
// path to *paths.
func fileAdder(t *testing.T, dir string, paths *[]string) func(name string, b []byte) {
	return func(name string, b []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		*paths = append(*paths, p)
	}
}
