package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
	"github.com/stkit-org/stkit/internal/dirlock"
	"github.com/stkit-org/stkit/stlayer"
)

// ComplexPart says how complex data become real maps in ReadMapsPart and
// ArrayToMaps.
type ComplexPart int

const (
	// RejectComplex refuses complex data (the default of ReadMaps).
	RejectComplex ComplexPart = iota
	// RealPart takes Re z (real data pass unchanged).
	RealPart
	// ImagPart takes Im z (refused for real data).
	ImagPart
	// Modulus takes |z| (real data give |x|).
	Modulus
)

func (p ComplexPart) String() string {
	switch p {
	case RejectComplex:
		return "reject"
	case RealPart:
		return "real"
	case ImagPart:
		return "imag"
	case Modulus:
		return "modulus"
	}
	return fmt.Sprintf("ComplexPart(%d)", int(p))
}

// fileKind is the format chosen from a path's extension.
type fileKind int

const (
	kindUnknown fileKind = iota
	kindNPY
	kindNPZ
	kindFITS
)

// splitPath returns the file, the npz member ("" if none) and the format of
// a path: ".npy"; ".npz" or "x.npz:member"; ".fits", ".fit", ".fts", each
// optionally followed by ".gz" (case-insensitive).
func splitPath(path string) (file, member string, kind fileKind) {
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".npz") {
		return path, "", kindNPZ
	}
	if i := strings.LastIndex(lower, ".npz:"); i >= 0 {
		return path[:i+4], path[i+5:], kindNPZ
	}
	switch filepath.Ext(strings.TrimSuffix(lower, ".gz")) {
	case ".npy":
		if !strings.HasSuffix(lower, ".gz") {
			return path, "", kindNPY
		}
	case ".fits", ".fit", ".fts":
		return path, "", kindFITS
	}
	return path, "", kindUnknown
}

// FilePart returns the file of a path as Read understands it: "x.npz:member"
// gives "x.npz", "x.fits[SCI][1:480,1:480]" gives "x.fits" (unless a file of
// that whole name exists); any other path is returned unchanged. Use it to stat or open
// the file behind a path that may name an .npz member.
func FilePart(path string) string {
	if i := fitsSelStart(path); i >= 0 {
		return path[:i]
	}
	file, _, _ := splitPath(path)
	return file
}

// CheckMapsPath reports whether WriteMaps can write path, from its extension
// alone: nil for ".npy", ".npz", "x.npz:member", ".fits", ".fit" and ".fts";
// otherwise the error WriteMaps would return (unknown extension, gzip FITS,
// "x.npz:" with no member name).
// Commands call it before long work so that a bad output name fails at once.
func CheckMapsPath(path string) error {
	file, member, kind := splitPath(path)
	switch kind {
	case kindNPY:
		return nil
	case kindNPZ:
		if file != path {
			return checkMemberName(path, file, member) // badfix20: no "", '/', '\\', ".."
		}
		return nil
	case kindFITS:
		if strings.HasSuffix(strings.ToLower(file), ".gz") {
			return fmt.Errorf("datasets: %s: writing gzip-compressed FITS is not supported", path)
		}
		return nil
	}
	return fmt.Errorf("datasets: %s: unknown file type %q for an output (want .npy, .npz, .npz:member, .fits, .fit or .fts)", path, filepath.Ext(path))
}

// emptyMember is the error for an output "file.npz:" (or "file.npz:.npy"),
// which names no member.
func emptyMember(path, file string) error {
	return fmt.Errorf("datasets: %s: no member name after the ':' (want FILE.npz:NAME, e.g. %s:maps to add the member \"maps\" to %s, or %s alone for a new archive)", path, file, file, file)
}

func unknownExt(path string) error {
	return fmt.Errorf("datasets: %s: unknown file type %q (want .npy, .npz, .npz:member, .fits, .fit, .fts, or .fits.gz)", path, filepath.Ext(path))
}

// Read reads an array, choosing the format from the extension: ".npy";
// ".npz" (the first .npy member in archive order, with a notice naming the
// others when there are several, see SetNotify) or "file.npz:name" (member
// name); ".fits", ".fit", ".fts" (also gzip-compressed as ".fits.gz"; see
// DecodeFITS: the first image, with a notice naming the others when the
// file holds several). Format errors are *FormatError naming the file.
//
// A FITS path may end with the part of cfitsio's extended file-name syntax
// that selects an image: "x.fits[N]" reads HDU N (0 is the primary HDU),
// "x.fits[EXTNAME]" (or "[EXTNAME,EXTVER]") the HDU of that EXTNAME (case
// ignored); an image section then, or alone, cuts the image: "x.fits[*,*,K]"
// is plane K of a cube (an array of shape (1, M, N)), "x.fits[x1:x2,y1:y2]"
// columns x1 to x2 and rows y1 to y2, all counted from 1 and both ends
// included, in FITS axis order (NAXIS1, the columns, first; '*' is a whole
// axis, K alone is K:K, axes left out at the end are whole); both:
// "x.fits[SCI][1:480,1:480]". Reversed axes and steps are refused. The
// header read (Array.Header) then has the section's NAXISn and every
// CRPIXn shifted by the pixels cut before it, so the WCS still places each
// pixel. A file whose name holds the suffix as it is is read as that file.
// Errors name the HDUs the file holds (number, EXTNAME, type and size) or
// the range of each axis.
func Read(path string) (*Array, error) { return readArray(path, nil) }

// readArray is Read; with part non-nil, complex .npy and .npz data are read
// as decodeNPYFrom does with it (the part only, streamed into Float64).
func readArray(path string, part *ComplexPart) (*Array, error) {
	if fitsFile, sel, err := splitFITSSel(path); err != nil {
		return nil, err
	} else if sel != nil {
		return readFITSSel(fitsFile, sel)
	}
	file, member, kind := splitPath(path)
	switch kind {
	case kindNPY:
		return readNPY(file, part)
	case kindNPZ:
		if member != "" { // badfix20: a path as member name is refused ("" reads the first)
			if err := checkMemberName(path, file, member); err != nil {
				return nil, err
			}
		}
		return readNPZMemberFile(file, member, part)
	case kindFITS:
		return ReadFITS(file)
	}
	if literalFITS(path) { // "x.fits[2]", a file of that name
		return ReadFITS(path)
	}
	return nil, unknownExt(path)
}

// readPath decodes the file at path: a regular file with fromFile, given
// the open file and its size (a streaming decode: the file is never held in
// memory); anything else (a named pipe, a device) is read whole and decoded
// with fromBytes. Format errors name the path.
func readPath[T any](path string, fromFile func(f *os.File, size int64) (T, error), fromBytes func(b []byte) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return zero, fmt.Errorf("datasets: %w", err)
	}
	if !st.Mode().IsRegular() {
		b, err := io.ReadAll(f)
		if err != nil {
			return zero, fmt.Errorf("datasets: %w", err)
		}
		v, err := fromBytes(b)
		return v, withPath(err, path)
	}
	v, err := fromFile(f, st.Size())
	if re, ok := err.(*readError); ok {
		return zero, fmt.Errorf("datasets: reading %s: %w", path, re.err)
	}
	return v, withPath(err, path)
}

// ReadNPY reads a .npy file (see DecodeNPY), decoding it as it is read:
// besides the result, it allocates the header and a 64 KiB buffer.
func ReadNPY(path string) (*Array, error) { return readNPY(path, nil) }

// readNPY is ReadNPY with the part of decodeNPYFrom.
func readNPY(path string, part *ComplexPart) (*Array, error) {
	return readPath(path, func(f *os.File, size int64) (*Array, error) { return decodeNPYFrom(f, size, part) },
		func(b []byte) (*Array, error) {
			a, err := decodeNPYFrom(bytes.NewReader(b), int64(len(b)), part)
			return a, memoryReadError("npy", err)
		})
}

// ReadNPZ reads all .npy members of an .npz archive in archive order (see
// DecodeNPZ), each decoded as it is read and decompressed.
func ReadNPZ(path string) ([]NamedArray, error) {
	return readPath(path, func(f *os.File, size int64) ([]NamedArray, error) { return decodeNPZFrom(f, size) }, DecodeNPZ)
}

// ReadNPZMember reads the member called name (with or without ".npy") of an
// .npz archive; an empty name selects the first .npy member in archive order
// (with a notice, see SetNotify, when the archive holds several). Only the
// archive's central directory and that member are read.
func ReadNPZMember(path, name string) (*Array, error) { return readNPZMemberFile(path, name, nil) }

// readNPZMemberFile is ReadNPZMember with the part of decodeNPYFrom.
func readNPZMemberFile(path, name string, part *ComplexPart) (*Array, error) {
	return readPath(path, func(f *os.File, size int64) (*Array, error) { return decodeNPZMemberFrom(f, size, name, part, path) },
		func(b []byte) (*Array, error) {
			a, err := decodeNPZMemberFrom(bytes.NewReader(b), int64(len(b)), name, part, path)
			return a, memoryReadError("npz", err)
		})
}

// ReadFITS reads the first image of a FITS file (see DecodeFITS), decoding
// (and decompressing) it as it is read, or the HDU and image section a
// suffix selects (see Read).
func ReadFITS(path string) (*Array, error) {
	if file, sel, err := splitFITSSel(path); err != nil {
		return nil, err
	} else if sel != nil {
		return readFITSSel(file, sel)
	}
	return readPath(path, func(f *os.File, size int64) (*Array, error) { return decodeFITSFrom(f, size, path) },
		func(b []byte) (*Array, error) {
			a, err := decodeFITSFrom(bytes.NewReader(b), int64(len(b)), path)
			return a, memoryReadError("fits", err)
		})
}

// ReadMaps reads a batch of real maps with Read and ArrayToMaps(a,
// RejectComplex): a 2-D array (M, N) gives B = 1, a 3-D array (B, M, N) a
// batch. It does not check pixel values or sizes; see ValidateMaps. A FITS
// path may pick an HDU and an image section, "cube.fits[*,*,K]" for plane K
// of a cube or "x.fits[SCI][1:480,1:480]" (see Read).
func ReadMaps(path string) (*stlayer.Maps, error) { return ReadMapsPart(path, RejectComplex) }

// ReadMapsPart is ReadMaps with a choice of how complex data become real.
// Complex .npy and .npz data are decoded chunk by chunk straight into the
// maps (no complex128 copy): besides the result, a read allocates a bounded
// buffer, as for real data. The maps are those of ArrayToMaps(Read(path),
// part), bit for bit.
func ReadMapsPart(path string, part ComplexPart) (*stlayer.Maps, error) {
	m, _, err := readMapsArray(path, part)
	return m, err
}

// ReadMapsHeader is ReadMaps that also returns the content cards of a FITS
// file's header (FITSUserCards: WCS, units, object, … of the image read;
// nil for .npy and .npz), so that maps on the same pixel grid can be written
// with them (WriteMapsCards). Cards that break the FITS standard, which the
// writer refuses (see SplitFITSUserCards), are left out with a notice
// through SetNotify naming them.
func ReadMapsHeader(path string) (*stlayer.Maps, []Card, error) {
	m, a, err := readMapsArray(path, RejectComplex)
	if err != nil {
		return nil, nil, err
	}
	kept, skipped := SplitFITSUserCards(a.Header)
	if len(skipped) > 0 {
		notify(skippedCardsNotice(path, skipped))
	}
	return m, kept, nil
}

// skippedCardsNotice tells which header cards of path are not carried over
// (at most three named, with their reason).
func skippedCardsNotice(path string, skipped []SkippedCard) string {
	var b strings.Builder
	n := len(skipped)
	if n == 1 {
		fmt.Fprintf(&b, "%s: 1 header card breaks the FITS standard and is not carried over to FITS outputs: ", path)
	} else {
		fmt.Fprintf(&b, "%s: %d header cards break the FITS standard and are not carried over to FITS outputs: ", path, n)
	}
	for i, s := range skipped[:min(n, 3)] {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "card %d, %s", s.Index+1, s.Reason)
	}
	if n > 3 {
		fmt.Fprintf(&b, "; and %d more", n-3)
	}
	b.WriteString(" (fix the keyword or value in the input's header to keep it)")
	return b.String()
}

// readMapsArray reads path into maps, complex data as their part only (see
// readArray; FITS data are never complex, so a complex array here is always
// reduced), and returns the array read with them (its data are the maps').
func readMapsArray(path string, part ComplexPart) (*stlayer.Maps, *Array, error) {
	a, err := readArray(path, &part)
	if err != nil {
		return nil, nil, err
	}
	m, err := arrayToMaps(a, part, true, a.IsComplex())
	if ve, ok := err.(*ValidationError); ok {
		ve.Path = path
	}
	return m, a, err
}

// ArrayToMaps converts an array to a batch of float64 maps [B, M, N]: shape
// (M, N) gives B = 1; (B, M, N) gives B maps; arrays of more than 3 axes are
// accepted only when the extra leading axes have size 1 (e.g. FITS
// NAXIS4 = 1). 0-d and 1-d arrays, and arrays with a zero dimension, are
// refused, as is complex data unless part selects Re, Im or |·|, and a
// string array (DType "str") whatever part. Errors are *ValidationError.
// The data are copied.
func ArrayToMaps(a *Array, part ComplexPart) (*stlayer.Maps, error) {
	return arrayToMaps(a, part, false, false)
}

// arrayToMaps is ArrayToMaps; with adopt, real data become the maps' Data
// without a copy (a.Float64 is then shared, or overwritten by |x| for
// Modulus): for an array read only to be turned into maps. With reduced, a
// is complex data read with decodeNPYFrom's part already taken: a.Float64
// holds takePart(part) of the values (Re z for a part refused here) and
// becomes the maps' Data; the checks and errors are those of the complex
// array.
func arrayToMaps(a *Array, part ComplexPart, adopt, reduced bool) (*stlayer.Maps, error) {
	// Strings are never pixels, whatever part is asked for (their
	// Float64 is nil): refused here, before the checks of either kind of
	// array, rather than through check's refusal alone.
	if a != nil && a.IsString() {
		return nil, &ValidationError{Msg: fmt.Sprintf("the array of shape %s holds strings (dtype %s, numpy '<U'), not numbers: maps need a real or complex array",
			shapeString(a.Shape), a.DType)}
	}
	if reduced {
		if n := shapeSize(a.Shape); !a.IsComplex() || n < 0 || len(a.Float64) != n || a.Complex128 != nil {
			return nil, &ValidationError{Msg: fmt.Sprintf("inconsistent reduced %s array of shape %s", a.DType, shapeString(a.Shape))}
		}
	} else if err := a.check(); err != nil {
		return nil, &ValidationError{Msg: err.Error()}
	}
	shape := a.Shape
	for len(shape) > 3 && shape[0] == 1 {
		shape = shape[1:]
	}
	switch {
	case len(a.Shape) < 2:
		return nil, &ValidationError{Msg: fmt.Sprintf("%d-d array of shape %s is not a map (want (M, N) or (B, M, N))", len(a.Shape), shapeString(a.Shape))}
	case len(shape) > 3:
		return nil, &ValidationError{Msg: fmt.Sprintf("%d-d array of shape %s is not a batch of maps (want (M, N) or (B, M, N); reshape it first)", len(a.Shape), shapeString(a.Shape))}
	}
	if a.Size() == 0 {
		return nil, &ValidationError{Msg: fmt.Sprintf("empty array of shape %s", shapeString(a.Shape))}
	}
	b := 1
	if len(shape) == 3 {
		b = shape[0]
	}
	rows, cols := shape[len(shape)-2], shape[len(shape)-1]
	var m *stlayer.Maps
	if adopt && !a.IsComplex() || reduced {
		m = &stlayer.Maps{B: b, M: rows, N: cols, Data: a.Float64}
	} else {
		m = stlayer.NewMaps(b, rows, cols)
	}
	if !a.IsComplex() {
		switch part {
		case RejectComplex, RealPart:
			if !adopt {
				copy(m.Data, a.Float64)
			}
		case Modulus:
			for i, x := range a.Float64 {
				m.Data[i] = math.Abs(x)
			}
		case ImagPart:
			return nil, &ValidationError{Msg: fmt.Sprintf("imaginary part requested but the data are %s", a.DType)}
		default:
			return nil, &ValidationError{Msg: fmt.Sprintf("unknown complex part %v", part)}
		}
		return m, nil
	}
	switch part {
	case RealPart, ImagPart, Modulus:
	case RejectComplex:
		return nil, &ValidationError{Msg: fmt.Sprintf("the data are %s but maps are real: save the part to analyse as its own array (x.real, x.imag or np.abs(x) in numpy), or in Go read it with ReadMapsPart or ArrayToMaps and a ComplexPart", a.DType)}
	default:
		return nil, &ValidationError{Msg: fmt.Sprintf("unknown complex part %v", part)}
	}
	if !reduced {
		takePart(m.Data, a.Complex128, part)
	}
	return m, nil
}

// takePart stores a part of each z in dst: Im z for ImagPart, |z|
// (cmplx.Abs) for Modulus, Re z for any other part.
func takePart(dst []float64, z []complex128, part ComplexPart) {
	switch part {
	case ImagPart:
		for i, v := range z {
			dst[i] = imag(v)
		}
	case Modulus:
		for i, v := range z {
			dst[i] = cmplx.Abs(v)
		}
	default:
		for i, v := range z {
			dst[i] = real(v)
		}
	}
}

// MapsToArray converts a batch of maps to an array of the given real dtype
// (usually "float64" or "float32"): shape (M, N) when B = 1, else (B, M, N).
// The data are copied (not rounded; writers round to the dtype).
func MapsToArray(m *stlayer.Maps, dtype string) (*Array, error) {
	a, err := mapsArray(m, dtype)
	if err != nil {
		return nil, err
	}
	a.Float64 = append([]float64(nil), m.Data...)
	return a, nil
}

// mapsArray is MapsToArray sharing m.Data (for writers, which only read it).
func mapsArray(m *stlayer.Maps, dtype string) (*Array, error) {
	if m == nil || m.B < 1 || m.M < 1 || m.N < 1 || len(m.Data) != m.B*m.M*m.N {
		return nil, fmt.Errorf("datasets: invalid maps (want B, M, N ≥ 1 and len(Data) = B·M·N)")
	}
	d, ok := lookupDType(dtype)
	if !ok || d.kind == 'c' {
		return nil, fmt.Errorf("datasets: maps need a real dtype, got %q", dtype)
	}
	shape := []int{m.B, m.M, m.N}
	if m.B == 1 {
		shape = shape[1:]
	}
	return &Array{Shape: shape, DType: dtype, Float64: m.Data}, nil
}

// WriteNPY writes an array as a little-endian, C-order .npy file (version
// 1.0 header, 2.0 when the header exceeds 65535 bytes, as numpy.save),
// atomically. The array is checked first (a
// refused array writes nothing), then encoded through a 64 KiB buffer into
// the temporary file: the file is never held in memory.
func WriteNPY(path string, a *Array) error {
	if err := wholeFileOnly("npy", "WriteNPY writes an .npy file", path); err != nil {
		return err
	}
	p, err := planNPY(a, NPYOptions{})
	if err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	return writeStreamAtomic(path, p.writeTo)
}

// wholeFileOnly refuses, for the writer of a whole file (what: its
// sentence), a path that names an .npz member, "x.npz:m": WriteNPY,
// WriteNPZ and WriteFITS wrote a file literally named "x.npz:m", which
// every reader takes as member m of x.npz (NPZSpool.WriteNPZ refused it).
func wholeFileOnly(kind, what, path string) error {
	if file, member, _ := splitPath(path); file != path {
		return fmt.Errorf("datasets: %s: %s names member %q of %s: %s (WriteMaps adds or replaces one member: %s)", kind, path, member, file, what, path)
	}
	return nil
}

// WriteNPZ writes named arrays as an .npz archive, stored (compress false,
// numpy.savez) or deflated (compress true, numpy.savez_compressed),
// atomically, streamed as WriteNPY. A path naming a member, "x.npz:m", is
// refused (wholeFileOnly), as by WriteNPY and WriteFITS: write a member
// with WriteMaps("x.npz:m", …).
func WriteNPZ(path string, arrays []NamedArray, compress bool) error {
	if err := wholeFileOnly("npz", "WriteNPZ writes a whole archive; give the .npz file's own name", path); err != nil {
		return err
	}
	p, err := planNPZ(arrays, compress)
	if err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	return writeStreamAtomic(path, p.writeTo)
}

// WriteFITS writes a real array as a FITS image (see EncodeFITS),
// atomically, streamed as WriteNPY.
func WriteFITS(path string, a *Array, extra ...Card) error {
	if err := wholeFileOnly("fits", "WriteFITS writes a FITS file", path); err != nil {
		return err
	}
	p, err := planFITS(a, extra)
	if err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	return writeStreamAtomic(path, p.writeTo)
}

// WriteMaps writes a batch of maps as float64, choosing the format from the
// extension: ".npy"; ".npz" (a new archive with one member "maps", replacing
// any file of that name, as numpy.savez) or "file.npz:name" (the member name
// added to the archive file, or replaced in it, every other member kept
// byte for byte; a new archive when file does not exist; an existing file
// that is not a zip archive is refused, see CheckNPZAppend); ".fits", ".fit",
// ".fts" (BITPIX −64; gzip is not written). The array has shape
// (M, N) when B = 1, else (B, M, N), so ReadMaps gives the maps back exactly.
func WriteMaps(path string, m *stlayer.Maps) error { return WriteMapsWith(path, m, MapsWriteOptions{}) }

// WriteMapsCards is WriteMaps with extra header cards for a FITS output, after
// the structural ones (e.g. the input's FITSUserCards and HISTORY cards saying
// what the planes are); .npy and .npz outputs ignore them. Cards EncodeFITS
// refuses make the write fail before anything is written.
func WriteMapsCards(path string, m *stlayer.Maps, cards ...Card) error {
	return WriteMapsWith(path, m, MapsWriteOptions{Cards: cards})
}

// MapsWriteOptions are the options of WriteMapsWith.
type MapsWriteOptions struct {
	// DType is the stored type: "float64" (default) or "float32" (FITS
	// BITPIX −32). Maps with a finite pixel beyond float32's range
	// (±3.4028235e38), which float32 would store as ±Inf, are refused as
	// float32 before anything is written: the error names the map, row and
	// column.
	DType string
	// Batch writes shape (B, M, N) even for B = 1 (default: (M, N) then).
	Batch bool
	// Cards are extra FITS header cards (see WriteMapsCards).
	Cards []Card
	// Format is the format of a path whose name does not say it ("npy",
	// "npz" or "fits"; /dev/stdout, a named pipe): "" takes it from the
	// extension. A path whose extension names another format is refused
	// (CheckMapsFormat).
	Format string
}

// WriteMapsWith is WriteMaps with a stored type, a batch axis kept for one map
// and FITS header cards.
func WriteMapsWith(path string, m *stlayer.Maps, opt MapsWriteOptions) error {
	dtype := opt.DType
	if dtype == "" {
		dtype = "float64"
	}
	if dtype != "float64" && dtype != "float32" {
		return fmt.Errorf("datasets: %s: maps are written as float64 or float32, not %q", path, dtype)
	}
	a, err := mapsArray(m, dtype) // no copy: the writers stream m.Data
	if err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	if dtype == "float32" {
		if o := scanFloat32(m.Data); o != nil {
			b, r := o.First/(m.M*m.N), o.First%(m.M*m.N)
			what := fmt.Sprintf("pixel (row %d, column %d) of map %d", r/m.N, r%m.N, b)
			if m.B == 1 {
				what = fmt.Sprintf("pixel (row %d, column %d)", r/m.N, r%m.N)
			}
			return fmt.Errorf("datasets: %s: maps written as float32: %s. Rescale the maps (e.g. change units), or write float64 (MapsWriteOptions.DType \"float64\", the default of WriteMaps)",
				path, o.describe(what, "pixels"))
		}
	}
	if opt.Batch && m.B == 1 {
		a.Shape = []int{1, m.M, m.N}
	}
	cards := opt.Cards
	file, member, kind, err := mapsFormatKind(path, opt.Format)
	if err != nil {
		return err
	}
	switch kind {
	case kindNPY:
		return WriteNPY(file, a)
	case kindNPZ:
		if member == "" {
			return WriteNPZ(file, []NamedArray{{Name: "maps", Array: a}}, false)
		}
		return writeNPZMember(file, member, a)
	}
	return WriteFITS(file, a, cards...)
}

// writeNPZMember writes a as member name of the .npz archive file: a new
// archive holding only it when file does not exist; otherwise the archive
// with every other entry copied unchanged (bytes and compression) and the
// member added at the end or replaced where it stood, written atomically.
// An existing file that is not a readable zip archive is refused, not
// replaced. The old archive is read and the new one written as streams.
//
// Two writers of one archive (processes, or goroutines of one) take turns:
// the archive is read and rewritten under the lock file ".<name>.lock"
// beside it (internal/dirlock), waiting up to npzLockWait for another
// writer; without it, of 8 members written at once 3 to 4 were kept, each
// writer replacing the archive read before the others' members were added.
func writeNPZMember(file, name string, a *Array) error {
	if err := checkMemberName(file+":"+name, file, name); err != nil {
		return err
	}
	name = strings.TrimSuffix(name, ".npy")
	lock, err := lockNPZ(file)
	if err != nil {
		return err
	}
	defer lock.Release()
	old, zr, err := openNPZForAppend(file)
	if err != nil {
		return err
	}
	if zr == nil {
		return WriteNPZ(file, []NamedArray{{Name: name, Array: a}}, false)
	}
	defer old.Close()
	p, err := planNPY(a, NPYOptions{})
	if err != nil {
		return fmt.Errorf("%w (writing %s:%s)", err, file, name)
	}
	return writeStreamAtomic(file, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		add := func() error {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store, Modified: npzTime})
			if err == nil {
				err = p.writeTo(fw)
			}
			return err
		}
		added := false
		for _, f := range zr.File {
			if f.Name == name+".npy" {
				if added {
					continue // a duplicate entry of the member: drop it
				}
				if err := add(); err != nil {
					return fmt.Errorf("datasets: writing %s: %w", file, err)
				}
				added = true
				continue
			}
			if err := copyEntry(zw, f); err != nil {
				return fmt.Errorf("datasets: %s: copying member %s: %w (the archive is left as it was)", file, f.Name, err)
			}
		}
		if !added {
			if err := add(); err != nil {
				return fmt.Errorf("datasets: writing %s: %w", file, err)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("datasets: writing %s: %w", file, err)
		}
		return nil
	})
}

// npzLockWait is how long writeNPZMember waits for another writer of the
// same archive to finish before it gives up.
var npzLockWait = 2 * time.Minute

// lockNPZ takes the lock of the archive file (its symbolic links followed:
// the file written) for writeNPZMember. Only another writer's lock is an
// error; a lock file that cannot be made (no such folder, a read-only one)
// is left out, and the write itself then reports the problem as before.
func lockNPZ(file string) (*dirlock.Lock, error) {
	target := file
	if r, err := filepath.EvalSymlinks(file); err == nil {
		target = r
	}
	l, err := dirlock.File(target, dirlock.CommandLine(), npzLockWait)
	switch {
	case errors.Is(err, dirlock.ErrBusy):
		return nil, fmt.Errorf("datasets: adding a member to %s: %w", file, err)
	case err != nil:
		return nil, nil
	}
	return l, nil
}

// copyEntry copies the entry f of the archive being rewritten into zw raw
// (bytes and compression unchanged), as zip.Writer.Copy does, but without
// f's ZIP64 extra field: zw writes its own where the entry needs one in the
// new archive, after the extra fields it is given, and zip readers (Go's,
// Python's) use the first. An old field kept would give the entry's old
// offset once the archive is rewritten past 4 GiB with that offset changed,
// or, for numpy's fields (the offset alone), make the archive unreadable.
func copyEntry(zw *zip.Writer, f *zip.File) error {
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	fh := f.FileHeader
	fh.Extra = withoutZip64Extra(fh.Extra)
	w, err := zw.CreateRaw(&fh)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// withoutZip64Extra returns a zip extra field without its ZIP64 blocks (tag
// 0x0001); other blocks, and bytes after a malformed block, are kept.
func withoutZip64Extra(extra []byte) []byte {
	out := make([]byte, 0, len(extra))
	for len(extra) >= 4 {
		n := 4 + int(binary.LittleEndian.Uint16(extra[2:]))
		if n > len(extra) {
			break
		}
		if binary.LittleEndian.Uint16(extra) != 0x0001 {
			out = append(out, extra[:n]...)
		}
		extra = extra[n:]
	}
	return append(out, extra...)
}

// openNPZForAppend opens the existing archive file and reads its central
// directory: (nil, nil, nil) when it does not exist; an error naming it when
// it is not a regular file or not a readable zip archive. The caller closes
// the file.
func openNPZForAppend(file string) (*os.File, *zip.Reader, error) {
	st, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("datasets: %s: a member can only be added to a regular .npz file", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	if st, err = f.Stat(); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		f.Close()
		return nil, nil, fmt.Errorf("datasets: %s exists and is not a valid .npz (zip) archive (%v): a member cannot be added to it; choose another file or remove it", file, err)
	}
	return f, zr, nil
}

// CheckNPZAppend reports whether a member can be added to the .npz archive
// file (see WriteMaps with "file.npz:name"): nil when file does not exist or
// is a readable zip archive; an error naming file otherwise (a damaged or
// non-zip file is refused rather than replaced, which would lose its other
// members). Commands call it before long work.
func CheckNPZAppend(file string) error {
	f, _, err := openNPZForAppend(file)
	if f != nil {
		f.Close()
	}
	return err
}

// writeFileAtomic writes data to path through internal/atomicfile: readers
// see either the old or the new file, a failed write (disk full,
// interruption) leaves the old file, or none, under the name; the file keeps
// the mode of the file it replaces (0644 when new); links are followed,
// devices and pipes written in place, directories refused.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data, 0); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}
