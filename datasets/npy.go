package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// maxHeaderDepth bounds the nesting of the Python literal in the header.
const maxHeaderDepth = 16

// NPYOptions selects how EncodeNPY lays out a file. The zero value writes
// little-endian, C-order data with a version 1.0 header (2.0 when the header
// exceeds 65535 bytes), as numpy.save does.
type NPYOptions struct {
	// BigEndian writes multi-byte values big-endian ('>' in the descr).
	BigEndian bool
	// FortranOrder writes the data in column-major order (fortran_order True).
	FortranOrder bool
	// Version is the header format version: 0 (automatic), 1, 2 or 3.
	Version int
}

// DecodeNPY parses a complete .npy file held in memory: the magic string
// "\x93NUMPY", a version (1.0: 2-byte header length; 2.0 and 3.0: 4-byte
// length; 3.0 allows UTF-8 in the header), the header — a Python dict literal
// with exactly the keys 'descr', 'fortran_order' and 'shape' — and the raw
// data. Supported descrs: '|b1', '|i1', '|u1', and '<' or '>' followed by i2,
// i4, i8, u2, u4, u8, f4, f8, c8, c16 (one-byte types also with '<', '>' or
// '=', and bool also as '|?', '<?', '>?' or '=?': an order character is
// always needed, so a bare '?' is refused; '=' on a wider type is refused as
// ambiguous), and the fixed-width unicode strings '<U{w}' and '>U{w}' (1 ≤ w
// ≤ 536870911; UTF-32 code points, NUL-padded), read as a string array
// (DType "str", see Array: each element's trailing NULs dropped; a code
// point that is not a Unicode scalar value — a surrogate or one beyond
// U+10FFFF — is refused). Object arrays ('|O', pickled Python objects) and
// byte strings ('|S') are refused. Fortran-order data are transposed into C
// order. Bytes after the data are an error (a concatenated or corrupt file).
// Errors are *FormatError with an empty Path. Besides the result, it
// allocates only the header and a bounded buffer (see decodeNPYFrom).
func DecodeNPY(b []byte) (*Array, error) {
	a, err := decodeNPYFrom(bytes.NewReader(b), int64(len(b)), nil)
	return a, memoryReadError("npy", err)
}

// memoryReadError turns a *readError met while decoding bytes held in memory
// (which the size checks make impossible) into a *FormatError.
func memoryReadError(format string, err error) error {
	if re, ok := err.(*readError); ok {
		return &FormatError{Format: format, Msg: "cannot read the data", Err: re.err}
	}
	return err
}

// readError is a failure of the reader under a streaming decoder (an I/O
// error, a corrupt compressed stream, a file shorter than its size said),
// as opposed to a malformed file; callers turn it into their own error.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// decodeNPYFrom decodes a .npy file of exactly size bytes read from r. The
// header is checked against size before the result is allocated: the array
// the header declares must fill exactly the size − header bytes that follow,
// so a short file claiming a large shape allocates nothing. The data are then
// decoded chunk by chunk (ioChunk bytes) straight into the final []float64 or
// []complex128, Fortran-order data scattered to their C-order places, so the
// memory used is the result, the header and one chunk. A reader failure is
// returned as *readError, format problems as *FormatError.
//
// With part non-nil, complex data are not kept: each chunk is decoded to
// complex128 and its part (takePart: Re z, Im z or |z|) goes straight into
// a.Float64, which is then the only data (Complex128 nil, DType the stored
// complex dtype) — an array for arrayToMaps with reduced set, nothing else.
// Real data are read as without it; string data are refused (they are not
// maps).
func decodeNPYFrom(r io.Reader, size int64, part *ComplexPart) (*Array, error) {
	pre := make([]byte, min(size, 12))
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, &readError{err}
	}
	major, minor, hlen, off, err := parseNPYPreamble(pre, size)
	if err != nil {
		return nil, err
	}
	rest := io.MultiReader(bytes.NewReader(pre[off:]), r)
	text, err := readBytes(rest, hlen)
	if err != nil {
		return nil, &readError{err}
	}
	h, err := parseNPYHeaderText(text)
	if err != nil {
		return nil, err
	}
	h.major, h.minor = major, minor
	n := shapeSize(h.shape)
	if n < 0 {
		return nil, formatErrorf("npy", "shape %s is too large", shapeString(h.shape))
	}
	if h.dtype.kind == 'U' && part != nil {
		return nil, formatErrorf("npy", "the array holds strings (dtype %s, shape %s), not numbers: maps need a numeric array",
			h.dtype.label(), shapeString(h.shape))
	}
	avail := size - int64(off) - int64(hlen)
	isz := int64(h.dtype.size)
	if int64(n) > avail/isz {
		return nil, formatErrorf("npy", "truncated data: header declares shape %s of %s (%s bytes) but only %d bytes follow the header",
			shapeString(h.shape), h.dtype.label(), byteCount(int64(n), isz), avail)
	}
	nbytes := int64(n) * isz
	if avail > nbytes {
		return nil, formatErrorf("npy", "%d unexpected bytes after the %d bytes of array data (concatenated arrays or a corrupt header?)",
			avail-nbytes, nbytes)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if h.bigEndian {
		bo = binary.BigEndian
	}
	var order []int // the shape whose Fortran order the file uses, nil for C order
	if h.fortran && len(h.shape) >= 2 {
		order = h.shape
	}
	a := &Array{Shape: h.shape, DType: h.dtype.name}
	d := h.dtype
	var bad *badCodePoint // string data: the first code point refused
	switch {
	case d.kind == 'U':
		a.Strings = make([]string, n)
		seen := 0 // elements decoded so far, in file order
		err = readElems(rest, a.Strings, d.size, order, func(dst []string, src []byte) {
			if b := decodeStringsInto(dst, src, d.size/4, bo); b != nil && bad == nil {
				b.elem += seen
				bad = b
			}
			seen += len(dst)
		})
	case d.kind == 'c' && part != nil:
		a.Float64 = make([]float64, n)
		p := *part
		var z []complex128 // one chunk, reused
		err = readElems(rest, a.Float64, d.size, order, func(dst []float64, src []byte) {
			if cap(z) < len(dst) {
				z = make([]complex128, len(dst))
			}
			z = z[:len(dst)]
			decodeComplexInto(z, src, d, bo)
			takePart(dst, z, p)
		})
	case d.kind == 'c':
		a.Complex128 = make([]complex128, n)
		err = readElems(rest, a.Complex128, d.size, order, func(dst []complex128, src []byte) { decodeComplexInto(dst, src, d, bo) })
	default:
		a.Float64 = make([]float64, n)
		err = readElems(rest, a.Float64, d.size, order, func(dst []float64, src []byte) { decodeRealInto(dst, src, d, bo) })
	}
	if err != nil {
		return nil, &readError{err}
	}
	if bad != nil {
		where := fmt.Sprintf("element %d", bad.elem)
		if order != nil {
			where += " (in the file's Fortran order)"
		} else if len(h.shape) != 1 {
			where = fmt.Sprintf("the element at index %s", indexString(h.shape, bad.elem))
		}
		return nil, formatErrorf("npy", "%s of the %s array holds the code point 0x%X at character %d, which is not a Unicode character (a surrogate or beyond U+10FFFF)",
			where, d.label(), bad.code, bad.char)
	}
	return a, nil
}

// byteCount formats n items of size bytes as a number of bytes, or "more
// than 2^63" where the product overflows an int64.
func byteCount(n, size int64) string {
	if size > 0 && n > math.MaxInt64/size {
		return "more than 2^63"
	}
	return strconv.FormatInt(n*size, 10)
}

// label names a dtype in messages: its name, or for strings the numpy
// typestr without byte order ("str (U5)").
func (d dtypeInfo) label() string {
	if d.kind == 'U' {
		return fmt.Sprintf("str (U%d)", d.size/4)
	}
	return d.name
}

// badCodePoint is a UTF-32 code unit of a '<U' array that is not a Unicode
// scalar value: code, the char-th character (from 0) of element elem.
type badCodePoint struct {
	elem, char int
	code       uint32
}

// decodeStringsInto decodes len(dst) '<U{w}' items (w UTF-32 code units
// each, in byte order bo) from src, each without its trailing NULs (NULs
// inside are kept, as numpy does). It returns the first code unit that is
// not a Unicode scalar value (elem relative to dst), nil if none; such a
// unit is decoded as U+FFFD.
func decodeStringsInto(dst []string, src []byte, w int, bo binary.ByteOrder) *badCodePoint {
	var bad *badCodePoint
	var buf []byte
	for i := range dst {
		item := src[4*w*i : 4*w*(i+1)]
		end := w
		for end > 0 && bo.Uint32(item[4*(end-1):]) == 0 {
			end--
		}
		if end == 0 {
			dst[i] = ""
			continue
		}
		buf = buf[:0]
		for k := range end {
			c := bo.Uint32(item[4*k:])
			r := rune(c)
			if c > utf8.MaxRune || !utf8.ValidRune(r) {
				if bad == nil {
					bad = &badCodePoint{elem: i, char: k, code: c}
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		}
		dst[i] = string(buf)
	}
	return bad
}

// encodeStrings stores the strings of v as '<U{w}' items (w UTF-32 code
// units each, NUL-padded, byte order bo) in dst; the strings are valid
// UTF-8 of at most w runes (checked by stringWidth).
func encodeStrings(dst []byte, v []string, w int, bo binary.ByteOrder) {
	clear(dst[:4*w*len(v)])
	for i, s := range v {
		k := 4 * w * i
		for _, r := range s {
			bo.PutUint32(dst[k:], uint32(r))
			k += 4
		}
	}
}

// ioChunk is the size of the buffer through which the streaming readers and
// writers move array data.
const ioChunk = 64 << 10

// chunkBuffer returns a buffer for moving n items of size bytes: a whole
// number of items, at most ioChunk bytes (at least one item when n > 0), no
// larger than the data (empty for n = 0, so that an empty array of wide
// strings allocates nothing).
func chunkBuffer(n int, size int) []byte {
	per := max(ioChunk/size, 1)
	return make([]byte, min(per, n)*size)
}

// readBytes reads exactly n bytes. Up to 1 MiB are read into a buffer of
// that size; a longer read grows its buffer with the bytes actually read, so
// that a size claimed by a damaged stream allocates no more than the stream
// holds.
func readBytes(r io.Reader, n int) ([]byte, error) {
	if n <= 1<<20 {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	var buf bytes.Buffer
	got, err := io.CopyN(&buf, r, int64(n))
	if err == io.EOF && got < int64(n) {
		err = io.ErrUnexpectedEOF
	}
	return buf.Bytes(), err
}

// readElems fills dst with items of size bytes read from r, decode turning a
// chunk of raw bytes into values. With order non-nil the stream holds the
// array of that shape in Fortran order (first axis fastest) and each value is
// stored at its C-order index; otherwise values are stored in stream order.
func readElems[T any](r io.Reader, dst []T, size int, order []int, decode func(dst []T, src []byte)) error {
	buf := chunkBuffer(len(dst), size)
	per := len(buf) / size
	var tmp []T
	var it *fortranIndex
	if order != nil {
		tmp = make([]T, per)
		it = newFortranIndex(order)
	}
	for done := 0; done < len(dst); {
		k := min(per, len(dst)-done)
		if _, err := io.ReadFull(r, buf[:k*size]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if it == nil {
			decode(dst[done:done+k], buf[:k*size])
		} else {
			decode(tmp[:k], buf[:k*size])
			for _, v := range tmp[:k] {
				dst[it.next()] = v
			}
		}
		done += k
	}
	return nil
}

// writeElems writes the items of src, size bytes each, encode turning a
// chunk of values into raw bytes. With order non-nil, src is the C-order
// array of that shape and the stream gets it in Fortran order.
func writeElems[T any](w io.Writer, src []T, size int, order []int, encode func(dst []byte, src []T)) error {
	buf := chunkBuffer(len(src), size)
	per := len(buf) / size
	var tmp []T
	var it *fortranIndex
	if order != nil {
		tmp = make([]T, per)
		it = newFortranIndex(order)
	}
	for done := 0; done < len(src); {
		k := min(per, len(src)-done)
		chunk := src[done : done+k]
		if it != nil {
			for i := range tmp[:k] {
				tmp[i] = src[it.next()]
			}
			chunk = tmp[:k]
		}
		encode(buf[:k*size], chunk)
		if _, err := w.Write(buf[:k*size]); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// fortranIndex walks an array of a given shape in Fortran order (first axis
// fastest) and yields the C-order (last axis fastest) index of each element.
type fortranIndex struct {
	shape, cstride, idx []int
	c                   int
}

func newFortranIndex(shape []int) *fortranIndex {
	k := len(shape)
	it := &fortranIndex{shape: shape, cstride: make([]int, k), idx: make([]int, k)}
	s := 1
	for i := k - 1; i >= 0; i-- {
		it.cstride[i] = s
		s *= shape[i]
	}
	return it
}

// next returns the C-order index of the current element and moves to the
// next one in Fortran order.
func (it *fortranIndex) next() int {
	c := it.c
	for ax := range it.shape {
		it.idx[ax]++
		it.c += it.cstride[ax]
		if it.idx[ax] < it.shape[ax] {
			break
		}
		it.c -= it.cstride[ax] * it.shape[ax]
		it.idx[ax] = 0
	}
	return c
}

type npyHeader struct {
	major, minor int
	dtype        dtypeInfo
	bigEndian    bool
	fortran      bool
	shape        []int
}

// parseNPYPreamble checks the magic string and version of a file of size
// bytes whose first min(size, 12) bytes are pre, and returns the version,
// the header length and the offset of the header.
func parseNPYPreamble(pre []byte, size int64) (major, minor, hlen, off int, err error) {
	if len(pre) < len(npyMagic) || string(pre[:len(npyMagic)]) != npyMagic {
		return 0, 0, 0, 0, formatErrorf("npy", "wrong magic: file starts with %q, not \"\\x93NUMPY\"%s", prefix(pre, 8), guessFormat(pre))
	}
	if len(pre) < 10 {
		return 0, 0, 0, 0, formatErrorf("npy", "truncated preamble: file is %d bytes, the version and header length need at least 10", size)
	}
	major, minor = int(pre[6]), int(pre[7])
	switch major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		if len(pre) < 12 {
			return 0, 0, 0, 0, formatErrorf("npy", "truncated preamble: file is %d bytes, a version %d.%d header length needs 12", size, major, minor)
		}
		l := binary.LittleEndian.Uint32(pre[8:12])
		if int64(l) > size {
			return 0, 0, 0, 0, formatErrorf("npy", "truncated header: header length is %d bytes but the file has %d", l, size)
		}
		hlen, off = int(l), 12
	default:
		return 0, 0, 0, 0, formatErrorf("npy", "unsupported format version %d.%d (supported: 1.0, 2.0, 3.0)", major, minor)
	}
	if minor != 0 {
		return 0, 0, 0, 0, formatErrorf("npy", "unsupported format version %d.%d (supported: 1.0, 2.0, 3.0)", major, minor)
	}
	if int64(off+hlen) > size {
		return 0, 0, 0, 0, formatErrorf("npy", "truncated header: header length is %d bytes but only %d follow the preamble", hlen, size-int64(off))
	}
	return major, minor, hlen, off, nil
}

// parseNPYHeaderText parses the header's Python dict literal.
func parseNPYHeaderText(text []byte) (h npyHeader, err error) {
	p := &pyParser{s: text}
	v, err := p.parseTop()
	if err != nil {
		return h, formatErrorf("npy", "bad header %q: %v", clip(text, 120), err)
	}
	dict, ok := v.(pyDict)
	if !ok {
		return h, formatErrorf("npy", "bad header %q: not a dict", clip(text, 120))
	}
	for k := range dict {
		if k != "descr" && k != "fortran_order" && k != "shape" {
			return h, formatErrorf("npy", "bad header: unexpected key %q (want exactly 'descr', 'fortran_order', 'shape')", k)
		}
	}
	// descr
	dv, ok := dict["descr"]
	if !ok {
		return h, formatErrorf("npy", "bad header: missing key 'descr'")
	}
	descr, ok := dv.(string)
	if !ok {
		if _, isList := dv.(pyList); isList {
			return h, formatErrorf("npy", "unsupported dtype: structured arrays (descr is a list of fields) are not supported")
		}
		return h, formatErrorf("npy", "bad header: 'descr' is %s, want a string such as '<f4'", pyTypeName(dv))
	}
	h.dtype, h.bigEndian, err = parseDescr(descr)
	if err != nil {
		return h, err
	}
	// fortran_order
	fv, ok := dict["fortran_order"]
	if !ok {
		return h, formatErrorf("npy", "bad header: missing key 'fortran_order'")
	}
	if h.fortran, ok = fv.(bool); !ok {
		return h, formatErrorf("npy", "bad header: 'fortran_order' is %s, want True or False", pyTypeName(fv))
	}
	// shape
	sv, ok := dict["shape"]
	if !ok {
		return h, formatErrorf("npy", "bad header: missing key 'shape'")
	}
	tup, ok := sv.(pyTuple)
	if !ok {
		return h, formatErrorf("npy", "bad header: 'shape' is %s, want a tuple of ints", pyTypeName(sv))
	}
	h.shape = make([]int, len(tup))
	for i, e := range tup {
		d, ok := e.(int64)
		if !ok || d < 0 || d > 1<<40 {
			return h, formatErrorf("npy", "bad header: shape %s has an invalid dimension %v", pyRepr(sv), pyRepr(e))
		}
		h.shape[i] = int(d)
	}
	return h, nil
}

func parseDescr(descr string) (dtypeInfo, bool, error) {
	if len(descr) < 2 {
		return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q is not a numpy typestr such as '<f4'", descr)
	}
	order, kind, sizeStr := descr[0], descr[1], descr[2:]
	if !strings.ContainsRune("<>|=", rune(order)) {
		return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q has no byte-order character ('<', '>' or '|')", descr)
	}
	if kind == 'U' {
		return parseStringDescr(descr)
	}
	size, err := strconv.Atoi(sizeStr)
	if kind == '?' && sizeStr == "" { // numpy's character code for bool
		kind, size, err = 'b', 1, nil
	}
	if err != nil || size <= 0 {
		return dtypeInfo{}, false, formatErrorf("npy", "unsupported dtype %q (not a fixed-size numeric type)%s", descr, dtypeHint(kind))
	}
	d, ok := dtypeByKind(kind, size)
	if !ok {
		return dtypeInfo{}, false, formatErrorf("npy", "unsupported dtype %q%s (supported: bool, int8-64, uint8-64, float32, float64, complex64, complex128, unicode strings '<U{w}')", descr, dtypeHint(kind))
	}
	switch order {
	case '|':
		if size != 1 {
			return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q gives byte order '|' (not applicable) to a %d-byte type", descr, size)
		}
	case '=':
		if size != 1 {
			return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q has native byte order '=', which is ambiguous in a file", descr)
		}
	}
	return d, order == '>', nil
}

// parseStringDescr parses a fixed-width unicode descr, '<U{w}' or '>U{w}'
// with 1 ≤ w ≤ maxStringWidth (decimal digits only), into the dtype of a
// string array (size 4w bytes) and its byte order.
func parseStringDescr(descr string) (dtypeInfo, bool, error) {
	order, ws := descr[0], descr[2:]
	if order != '<' && order != '>' {
		return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q gives a unicode string type byte order %q (want '<' or '>': its characters are 4-byte code points)", descr, order)
	}
	digits := ws != "" && strings.Trim(ws, "0123456789") == ""
	w, err := strconv.Atoi(ws)
	if !digits || err != nil || w > maxStringWidth {
		return dtypeInfo{}, false, formatErrorf("npy", "unsupported dtype %q: a unicode string type needs a width from 1 to %d characters ('<U5')", descr, maxStringWidth)
	}
	if w == 0 {
		return dtypeInfo{}, false, formatErrorf("npy", "unsupported dtype %q: strings of width 0 (numpy writes empty strings as '<U1')", descr)
	}
	return dtypeInfo{name: StringDType, kind: 'U', size: 4 * w}, order == '>', nil
}

func dtypeHint(kind byte) string {
	switch kind {
	case 'f':
		return " (float16 and long double are not supported; convert with x.astype(np.float32) or np.float64)"
	case 'S', 'a':
		return " (byte strings are not supported; convert them to unicode strings with x.astype(str))"
	case 'O':
		return " (object arrays hold pickled Python objects, which are not read; convert with x.astype(str) for strings or to a numeric dtype)"
	case 'M', 'm':
		return " (datetimes are not supported)"
	case 'V':
		return " (void/structured types are not supported)"
	case 'c':
		return " (complex long double is not supported)"
	}
	return ""
}

// decodeRealInto decodes len(dst) items of dtype d (a real dtype) from src.
func decodeRealInto(dst []float64, src []byte, d dtypeInfo, bo binary.ByteOrder) {
	s := d.size
	switch d.name {
	case "bool":
		for i := range dst {
			if src[i] != 0 {
				dst[i] = 1
			} else {
				dst[i] = 0
			}
		}
	case "uint8":
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case "int8":
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case "int16":
		for i := range dst {
			dst[i] = float64(int16(bo.Uint16(src[i*s:])))
		}
	case "uint16":
		for i := range dst {
			dst[i] = float64(bo.Uint16(src[i*s:]))
		}
	case "int32":
		for i := range dst {
			dst[i] = float64(int32(bo.Uint32(src[i*s:])))
		}
	case "uint32":
		for i := range dst {
			dst[i] = float64(bo.Uint32(src[i*s:]))
		}
	case "int64":
		for i := range dst {
			dst[i] = float64(int64(bo.Uint64(src[i*s:])))
		}
	case "uint64":
		for i := range dst {
			dst[i] = float64(bo.Uint64(src[i*s:]))
		}
	case "float32":
		for i := range dst {
			dst[i] = float64(math.Float32frombits(bo.Uint32(src[i*s:])))
		}
	case "float64":
		for i := range dst {
			dst[i] = math.Float64frombits(bo.Uint64(src[i*s:]))
		}
	}
}

// decodeComplexInto decodes len(dst) items of complex dtype d from src.
func decodeComplexInto(dst []complex128, src []byte, d dtypeInfo, bo binary.ByteOrder) {
	if d.size == 8 {
		for i := range dst {
			re := math.Float32frombits(bo.Uint32(src[8*i:]))
			im := math.Float32frombits(bo.Uint32(src[8*i+4:]))
			dst[i] = complex(float64(re), float64(im))
		}
		return
	}
	for i := range dst {
		re := math.Float64frombits(bo.Uint64(src[16*i:]))
		im := math.Float64frombits(bo.Uint64(src[16*i+8:]))
		dst[i] = complex(re, im)
	}
}

// EncodeNPY serialises an array in the .npy format (see NPYOptions). Values
// are converted to a.DType (float32 and complex64 round to nearest and refuse
// finite values beyond ±3.4028235e38, which would become ±Inf; integer and
// bool dtypes require exact in-range values; see Array). A string array
// (DType "str") is written as '<U{w}' ('>U{w}' with BigEndian), w the
// largest number of runes of an element, at least 1; its elements must be
// valid UTF-8 without a trailing NUL (see Array).
func EncodeNPY(a *Array, opt NPYOptions) ([]byte, error) {
	p, err := planNPY(a, opt)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, p.size()))
	if err := p.writeTo(buf); err != nil {
		return nil, fmt.Errorf("datasets: npy: %w", err)
	}
	return buf.Bytes(), nil
}

// npyPlan is a checked array with its .npy header, ready to be written.
type npyPlan struct {
	header []byte // preamble and padded header
	a      *Array
	d      dtypeInfo
	bo     binary.ByteOrder
	order  []int  // the shape, when the data are written in Fortran order
	descr  string // the header's dtype ('<f8', '<c16', …)
}

// planNPY checks a (consistent, values representable in its dtype) and
// builds the header EncodeNPY writes, without touching the data.
func planNPY(a *Array, opt NPYOptions) (*npyPlan, error) {
	order := byte('<')
	if opt.BigEndian {
		order = '>'
	}
	var d dtypeInfo
	var descr string
	if a != nil && a.IsString() {
		if err := a.checkStrings(); err != nil {
			return nil, fmt.Errorf("datasets: npy: %w", err)
		}
		w, err := stringWidth(a)
		if err != nil {
			return nil, fmt.Errorf("datasets: npy: %w", err)
		}
		d = dtypeInfo{name: StringDType, kind: 'U', size: 4 * w}
		descr = fmt.Sprintf("%cU%d", order, w)
	} else {
		if err := a.check(); err != nil {
			return nil, fmt.Errorf("datasets: npy: %w", err)
		}
		d, _ = lookupDType(a.DType)
		if err := checkRealValues(d, a.Float64); err != nil {
			return nil, fmt.Errorf("datasets: npy: %w", err)
		}
		if err := float32Check(a); err != nil {
			return nil, fmt.Errorf("datasets: npy: %w", err)
		}
		if d.size == 1 {
			order = '|'
		}
		descr = fmt.Sprintf("%c%c%d", order, d.kind, d.size)
	}
	out, err := npyHeaderBytes(descr, a.Shape, opt)
	if err != nil {
		return nil, err
	}
	p := &npyPlan{header: out, a: a, d: d, bo: binary.LittleEndian, descr: descr}
	if opt.BigEndian {
		p.bo = binary.BigEndian
	}
	if opt.FortranOrder && len(a.Shape) >= 2 {
		p.order = a.Shape
	}
	return p, nil
}

// npyHeaderBytes is the preamble and padded header of a .npy file of dtype descr
// ('<f8', '<c16', …) and shape, as planNPY writes it (also for the members
// that NPZSpool streams from a temporary file).
func npyHeaderBytes(descr string, shape []int, opt NPYOptions) ([]byte, error) {
	var hdr strings.Builder
	fortran := "False"
	if opt.FortranOrder {
		fortran = "True"
	}
	fmt.Fprintf(&hdr, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran, shapeString(shape))
	version := opt.Version
	switch version {
	case 0:
		version = 1
		if hdr.Len()+1+10 > 65535 {
			version = 2
		}
	case 1, 2, 3:
	default:
		return nil, fmt.Errorf("datasets: npy: unsupported format version %d (want 1, 2 or 3)", opt.Version)
	}
	pre := 10
	if version > 1 {
		pre = 12
	}
	// Pad with spaces so that preamble + header (ending in '\n') is a multiple of 64.
	total := pre + hdr.Len() + 1
	pad := (64 - total%64) % 64
	hlen := hdr.Len() + pad + 1
	if version == 1 && hlen > 65535 {
		return nil, fmt.Errorf("datasets: npy: header of %d bytes does not fit a version 1.0 file", hlen)
	}
	out := make([]byte, 0, pre+hlen)
	out = append(out, npyMagic...)
	out = append(out, byte(version), 0)
	if version == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen))
	}
	out = append(out, hdr.String()...)
	out = append(out, bytes.Repeat([]byte{' '}, pad)...)
	out = append(out, '\n')
	return out, nil
}

// size is the length of the file in bytes.
func (p *npyPlan) size() int64 { return int64(len(p.header)) + int64(p.a.Size())*int64(p.d.size) }

// writeTo writes the file to w: the header, then the data through one
// chunk buffer (no copy of the array is made).
func (p *npyPlan) writeTo(w io.Writer) error {
	if _, err := w.Write(p.header); err != nil {
		return err
	}
	return p.writeData(w)
}

// writeData writes the array's data, without the header, as writeTo does.
func (p *npyPlan) writeData(w io.Writer) error {
	d, bo := p.d, p.bo
	switch d.kind {
	case 'U':
		return writeElems(w, p.a.Strings, d.size, p.order, func(dst []byte, v []string) { encodeStrings(dst, v, d.size/4, bo) })
	case 'c':
		return writeElems(w, p.a.Complex128, d.size, p.order, func(dst []byte, v []complex128) { encodeComplex(dst, v, d, bo) })
	}
	return writeElems(w, p.a.Float64, d.size, p.order, func(dst []byte, v []float64) { encodeReal(dst, v, d, bo) })
}

// encodeReal stores the values of v as items of the real dtype d in dst
// (values already checked by checkRealValues; for int64 and uint64, 2^63 and
// 2^64 become the largest value).
func encodeReal(dst []byte, v []float64, d dtypeInfo, bo binary.ByteOrder) {
	s := d.size
	switch d.name {
	case "bool", "uint8":
		for i, x := range v {
			dst[i] = byte(x)
		}
	case "int8":
		for i, x := range v {
			dst[i] = byte(int8(x))
		}
	case "int16":
		for i, x := range v {
			bo.PutUint16(dst[i*s:], uint16(int16(x)))
		}
	case "uint16":
		for i, x := range v {
			bo.PutUint16(dst[i*s:], uint16(x))
		}
	case "int32":
		for i, x := range v {
			bo.PutUint32(dst[i*s:], uint32(int32(x)))
		}
	case "uint32":
		for i, x := range v {
			bo.PutUint32(dst[i*s:], uint32(x))
		}
	case "int64":
		for i, x := range v {
			if x >= math.Ldexp(1, 63) {
				bo.PutUint64(dst[i*s:], math.MaxInt64)
			} else {
				bo.PutUint64(dst[i*s:], uint64(int64(x)))
			}
		}
	case "uint64":
		for i, x := range v {
			if x >= math.Ldexp(1, 64) {
				bo.PutUint64(dst[i*s:], math.MaxUint64)
			} else {
				bo.PutUint64(dst[i*s:], uint64(x))
			}
		}
	case "float32":
		for i, x := range v {
			bo.PutUint32(dst[i*s:], math.Float32bits(float32(x)))
		}
	case "float64":
		for i, x := range v {
			bo.PutUint64(dst[i*s:], math.Float64bits(x))
		}
	}
}

// encodeComplex stores the values of v as items of complex dtype d in dst.
func encodeComplex(dst []byte, v []complex128, d dtypeInfo, bo binary.ByteOrder) {
	if d.size == 8 {
		for i, z := range v {
			bo.PutUint32(dst[8*i:], math.Float32bits(float32(real(z))))
			bo.PutUint32(dst[8*i+4:], math.Float32bits(float32(imag(z))))
		}
		return
	}
	for i, z := range v {
		bo.PutUint64(dst[16*i:], math.Float64bits(real(z)))
		bo.PutUint64(dst[16*i+8:], math.Float64bits(imag(z)))
	}
}

// prefix returns at most n leading bytes of b.
func prefix(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// clip returns b as a string, shortened to n bytes with "…" if longer.
func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// guessFormat names the format a file seems to be in, judging by its magic.
func guessFormat(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return " (it looks like a zip archive: an .npz?)"
	case bytes.HasPrefix(b, []byte("SIMPLE  =")):
		return " (it looks like a FITS file)"
	case bytes.HasPrefix(b, []byte(npyMagic)):
		return " (it looks like a .npy file)"
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return " (it looks like a gzip file)"
	case len(b) == 0:
		return " (the file is empty)"
	}
	return ""
}

// ---- a tiny parser for the Python literal in .npy headers ----

type (
	pyDict  map[string]any
	pyTuple []any
	pyList  []any
	pyNone  struct{}
)

type pyParser struct {
	s     []byte
	pos   int
	depth int
}

func (p *pyParser) parseTop() (any, error) {
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at byte %d after the literal", p.s[p.pos], p.pos)
	}
	return v, nil
}

func (p *pyParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', 0:
			p.pos++
		default:
			return
		}
	}
}

func (p *pyParser) value() (any, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, fmt.Errorf("unexpected end of header")
	}
	c := p.s[p.pos]
	switch {
	case c == '{':
		return p.dict()
	case c == '(':
		return p.seq('(', ')')
	case c == '[':
		return p.seq('[', ']')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || (c >= '0' && c <= '9'):
		return p.int()
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		start := p.pos
		for p.pos < len(p.s) && (p.s[p.pos] >= 'A' && p.s[p.pos] <= 'Z' || p.s[p.pos] >= 'a' && p.s[p.pos] <= 'z') {
			p.pos++
		}
		switch w := string(p.s[start:p.pos]); w {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return pyNone{}, nil
		default:
			return nil, fmt.Errorf("unexpected name %q at byte %d", w, start)
		}
	}
	return nil, fmt.Errorf("unexpected %q at byte %d", c, p.pos)
}

func (p *pyParser) enter() error {
	p.depth++
	if p.depth > maxHeaderDepth {
		return fmt.Errorf("literal nested deeper than %d levels", maxHeaderDepth)
	}
	return nil
}

func (p *pyParser) dict() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '{'
	d := pyDict{}
	for {
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		kv, err := p.value()
		if err != nil {
			return nil, err
		}
		k, ok := kv.(string)
		if !ok {
			return nil, fmt.Errorf("dict key %s is not a string", pyRepr(kv))
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, fmt.Errorf("expected ':' after key %q", k)
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := d[k]; dup {
			return nil, fmt.Errorf("duplicate key %q", k)
		}
		d[k] = v
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("unterminated dict")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return d, nil
		default:
			return nil, fmt.Errorf("expected ',' or '}' at byte %d, got %q", p.pos, p.s[p.pos])
		}
	}
}

// seq parses a tuple or a list. A parenthesised single value without a comma
// is that value, as in Python.
func (p *pyParser) seq(open, close byte) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // open
	var items []any
	sawComma := false
	for {
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == close {
			p.pos++
			break
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("unterminated %c", open)
		}
		if p.s[p.pos] == ',' {
			sawComma = true
			p.pos++
			continue
		}
		if p.s[p.pos] == close {
			p.pos++
			break
		}
		return nil, fmt.Errorf("expected ',' or %q at byte %d, got %q", close, p.pos, p.s[p.pos])
	}
	if open == '[' {
		return pyList(items), nil
	}
	if len(items) == 1 && !sawComma {
		return items[0], nil
	}
	return pyTuple(items), nil
}

func (p *pyParser) str() (any, error) {
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.s):
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		case c == '\n':
			return nil, fmt.Errorf("newline inside a string")
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return nil, fmt.Errorf("unterminated string")
}

func (p *pyParser) int() (any, error) {
	start := p.pos
	if p.s[p.pos] == '-' || p.s[p.pos] == '+' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == digits {
		return nil, fmt.Errorf("expected digits at byte %d", digits)
	}
	lit := string(p.s[start:p.pos])
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') { // Python 2 long
		p.pos++
	}
	v, err := strconv.ParseInt(lit, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("integer %s out of range", lit)
	}
	return v, nil
}

func pyTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a bool"
	case int64:
		return "an int"
	case pyTuple:
		return "a tuple"
	case pyList:
		return "a list"
	case pyDict:
		return "a dict"
	case pyNone:
		return "None"
	}
	return fmt.Sprintf("%T", v)
}

func pyRepr(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case pyNone:
		return "None"
	case pyTuple, pyList:
		items := []any(nil)
		open, close := "(", ")"
		if t, ok := x.(pyTuple); ok {
			items = t
		} else {
			items = x.(pyList)
			open, close = "[", "]"
		}
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = pyRepr(it)
		}
		s := open + strings.Join(parts, ", ")
		if open == "(" && len(items) == 1 {
			s += ","
		}
		return s + close
	case pyDict:
		return "{…}"
	}
	return fmt.Sprint(v)
}
