package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
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
// i4, i8, u2, u4, u8, f4, f8, c8, c16. Fortran-order data are transposed into
// C order. Bytes after the data are an error (a concatenated or corrupt file).
// Errors are *FormatError with an empty Path.
func DecodeNPY(b []byte) (*Array, error) {
	h, off, err := parseNPYHeader(b)
	if err != nil {
		return nil, err
	}
	n := shapeSize(h.shape)
	if n < 0 {
		return nil, formatErrorf("npy", "shape %s is too large", shapeString(h.shape))
	}
	rest := len(b) - off
	if n > rest/h.dtype.size {
		return nil, formatErrorf("npy", "truncated data: header declares shape %s of %s (%d bytes) but only %d bytes follow the header",
			shapeString(h.shape), h.dtype.name, int64(n)*int64(h.dtype.size), rest)
	}
	nbytes := n * h.dtype.size
	if rest > nbytes {
		return nil, formatErrorf("npy", "%d unexpected bytes after the %d bytes of array data (concatenated arrays or a corrupt header?)",
			rest-nbytes, nbytes)
	}
	a := &Array{Shape: h.shape, DType: h.dtype.name}
	data := b[off : off+nbytes]
	if h.dtype.kind == 'c' {
		v := decodeComplex(data, h.dtype, h.bigEndian, n)
		if h.fortran {
			v = fortranToC(v, h.shape)
		}
		a.Complex128 = v
	} else {
		v := decodeReal(data, h.dtype, h.bigEndian, n)
		if h.fortran {
			v = fortranToC(v, h.shape)
		}
		a.Float64 = v
	}
	return a, nil
}

type npyHeader struct {
	major, minor int
	dtype        dtypeInfo
	bigEndian    bool
	fortran      bool
	shape        []int
}

// parseNPYHeader parses the preamble and header; off is the offset of the data.
func parseNPYHeader(b []byte) (h npyHeader, off int, err error) {
	if len(b) < len(npyMagic) || string(b[:len(npyMagic)]) != npyMagic {
		return h, 0, formatErrorf("npy", "wrong magic: file starts with %q, not \"\\x93NUMPY\"%s", prefix(b, 8), guessFormat(b))
	}
	if len(b) < 10 {
		return h, 0, formatErrorf("npy", "truncated preamble: file is %d bytes, the version and header length need at least 10", len(b))
	}
	h.major, h.minor = int(b[6]), int(b[7])
	var hlen int
	switch h.major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return h, 0, formatErrorf("npy", "truncated preamble: file is %d bytes, a version %d.%d header length needs 12", len(b), h.major, h.minor)
		}
		l := binary.LittleEndian.Uint32(b[8:12])
		if uint64(l) > uint64(len(b)) {
			return h, 0, formatErrorf("npy", "truncated header: header length is %d bytes but the file has %d", l, len(b))
		}
		hlen, off = int(l), 12
	default:
		return h, 0, formatErrorf("npy", "unsupported format version %d.%d (supported: 1.0, 2.0, 3.0)", h.major, h.minor)
	}
	if h.minor != 0 {
		return h, 0, formatErrorf("npy", "unsupported format version %d.%d (supported: 1.0, 2.0, 3.0)", h.major, h.minor)
	}
	if off+hlen > len(b) {
		return h, 0, formatErrorf("npy", "truncated header: header length is %d bytes but only %d follow the preamble", hlen, len(b)-off)
	}
	text := b[off : off+hlen]
	off += hlen
	p := &pyParser{s: text}
	v, err := p.parseTop()
	if err != nil {
		return h, 0, formatErrorf("npy", "bad header %q: %v", clip(text, 120), err)
	}
	dict, ok := v.(pyDict)
	if !ok {
		return h, 0, formatErrorf("npy", "bad header %q: not a dict", clip(text, 120))
	}
	for k := range dict {
		if k != "descr" && k != "fortran_order" && k != "shape" {
			return h, 0, formatErrorf("npy", "bad header: unexpected key %q (want exactly 'descr', 'fortran_order', 'shape')", k)
		}
	}
	// descr
	dv, ok := dict["descr"]
	if !ok {
		return h, 0, formatErrorf("npy", "bad header: missing key 'descr'")
	}
	descr, ok := dv.(string)
	if !ok {
		if _, isList := dv.(pyList); isList {
			return h, 0, formatErrorf("npy", "unsupported dtype: structured arrays (descr is a list of fields) are not supported")
		}
		return h, 0, formatErrorf("npy", "bad header: 'descr' is %s, want a string such as '<f4'", pyTypeName(dv))
	}
	h.dtype, h.bigEndian, err = parseDescr(descr)
	if err != nil {
		return h, 0, err
	}
	// fortran_order
	fv, ok := dict["fortran_order"]
	if !ok {
		return h, 0, formatErrorf("npy", "bad header: missing key 'fortran_order'")
	}
	if h.fortran, ok = fv.(bool); !ok {
		return h, 0, formatErrorf("npy", "bad header: 'fortran_order' is %s, want True or False", pyTypeName(fv))
	}
	// shape
	sv, ok := dict["shape"]
	if !ok {
		return h, 0, formatErrorf("npy", "bad header: missing key 'shape'")
	}
	tup, ok := sv.(pyTuple)
	if !ok {
		return h, 0, formatErrorf("npy", "bad header: 'shape' is %s, want a tuple of ints", pyTypeName(sv))
	}
	h.shape = make([]int, len(tup))
	for i, e := range tup {
		d, ok := e.(int64)
		if !ok || d < 0 || d > 1<<40 {
			return h, 0, formatErrorf("npy", "bad header: shape %s has an invalid dimension %v", pyRepr(sv), pyRepr(e))
		}
		h.shape[i] = int(d)
	}
	return h, off, nil
}

// parseDescr maps a numpy typestr such as '<f4' to a dtype and byte order.
func parseDescr(descr string) (dtypeInfo, bool, error) {
	if len(descr) < 2 {
		return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q is not a numpy typestr such as '<f4'", descr)
	}
	order, kind, sizeStr := descr[0], descr[1], descr[2:]
	if !strings.ContainsRune("<>|=", rune(order)) {
		return dtypeInfo{}, false, formatErrorf("npy", "bad header: descr %q has no byte-order character ('<', '>' or '|')", descr)
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
		return dtypeInfo{}, false, formatErrorf("npy", "unsupported dtype %q%s (supported: bool, int8-64, uint8-64, float32, float64, complex64, complex128)", descr, dtypeHint(kind))
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

func dtypeHint(kind byte) string {
	switch kind {
	case 'f':
		return " (float16 and long double are not supported; convert with x.astype(np.float32) or np.float64)"
	case 'U', 'S', 'a':
		return " (strings are not supported)"
	case 'O':
		return " (object arrays are not supported)"
	case 'M', 'm':
		return " (datetimes are not supported)"
	case 'V':
		return " (void/structured types are not supported)"
	case 'c':
		return " (complex long double is not supported)"
	}
	return ""
}

func decodeReal(data []byte, d dtypeInfo, big bool, n int) []float64 {
	var bo binary.ByteOrder = binary.LittleEndian
	if big {
		bo = binary.BigEndian
	}
	v := make([]float64, n)
	s := d.size
	switch d.name {
	case "bool", "uint8":
		for i := range v {
			v[i] = float64(data[i])
		}
		if d.name == "bool" {
			for i := range v {
				if v[i] != 0 {
					v[i] = 1
				}
			}
		}
	case "int8":
		for i := range v {
			v[i] = float64(int8(data[i]))
		}
	case "int16":
		for i := range v {
			v[i] = float64(int16(bo.Uint16(data[i*s:])))
		}
	case "uint16":
		for i := range v {
			v[i] = float64(bo.Uint16(data[i*s:]))
		}
	case "int32":
		for i := range v {
			v[i] = float64(int32(bo.Uint32(data[i*s:])))
		}
	case "uint32":
		for i := range v {
			v[i] = float64(bo.Uint32(data[i*s:]))
		}
	case "int64":
		for i := range v {
			v[i] = float64(int64(bo.Uint64(data[i*s:])))
		}
	case "uint64":
		for i := range v {
			v[i] = float64(bo.Uint64(data[i*s:]))
		}
	case "float32":
		for i := range v {
			v[i] = float64(math.Float32frombits(bo.Uint32(data[i*s:])))
		}
	case "float64":
		for i := range v {
			v[i] = math.Float64frombits(bo.Uint64(data[i*s:]))
		}
	}
	return v
}

func decodeComplex(data []byte, d dtypeInfo, big bool, n int) []complex128 {
	var bo binary.ByteOrder = binary.LittleEndian
	if big {
		bo = binary.BigEndian
	}
	v := make([]complex128, n)
	if d.size == 8 {
		for i := range v {
			re := math.Float32frombits(bo.Uint32(data[8*i:]))
			im := math.Float32frombits(bo.Uint32(data[8*i+4:]))
			v[i] = complex(float64(re), float64(im))
		}
	} else {
		for i := range v {
			re := math.Float64frombits(bo.Uint64(data[16*i:]))
			im := math.Float64frombits(bo.Uint64(data[16*i+8:]))
			v[i] = complex(re, im)
		}
	}
	return v
}

// fortranToC reorders column-major data of the given shape into row-major.
func fortranToC[T any](src []T, shape []int) []T {
	if len(shape) < 2 {
		return src
	}
	dst := make([]T, len(src))
	permuteOrder(len(src), shape, func(c, f int) { dst[c] = src[f] })
	return dst
}

// cToFortran reorders row-major data of the given shape into column-major.
func cToFortran[T any](src []T, shape []int) []T {
	if len(shape) < 2 {
		return append([]T(nil), src...)
	}
	dst := make([]T, len(src))
	permuteOrder(len(src), shape, func(c, f int) { dst[f] = src[c] })
	return dst
}

// permuteOrder calls fn(c, f) for every element, with c its C-order index and
// f its Fortran-order index.
func permuteOrder(n int, shape []int, fn func(c, f int)) {
	if n == 0 {
		return
	}
	k := len(shape)
	fstride := make([]int, k)
	s := 1
	for i := 0; i < k; i++ {
		fstride[i] = s
		s *= shape[i]
	}
	idx := make([]int, k)
	f := 0
	for c := 0; c < n; c++ {
		fn(c, f)
		// increment the C-order multi-index (last axis fastest)
		for ax := k - 1; ax >= 0; ax-- {
			idx[ax]++
			f += fstride[ax]
			if idx[ax] < shape[ax] {
				break
			}
			f -= fstride[ax] * shape[ax]
			idx[ax] = 0
		}
	}
}

// EncodeNPY serialises an array in the .npy format (see NPYOptions). Values
// are converted to a.DType (float32 rounds to nearest; integer and bool dtypes
// require exact in-range values).
func EncodeNPY(a *Array, opt NPYOptions) ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("datasets: npy: %w", err)
	}
	d, _ := lookupDType(a.DType)
	if err := checkRealValues(d, a.Float64); err != nil {
		return nil, fmt.Errorf("datasets: npy: %w", err)
	}
	order := byte('<')
	if opt.BigEndian {
		order = '>'
	}
	if d.size == 1 {
		order = '|'
	}
	var hdr strings.Builder
	fortran := "False"
	if opt.FortranOrder {
		fortran = "True"
	}
	fmt.Fprintf(&hdr, "{'descr': '%c%c%d', 'fortran_order': %s, 'shape': %s, }", order, d.kind, d.size, fortran, shapeString(a.Shape))
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
	n := a.Size()
	out := make([]byte, 0, pre+hlen+n*d.size)
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
	var bo binary.AppendByteOrder = binary.LittleEndian
	if opt.BigEndian {
		bo = binary.BigEndian
	}
	if d.kind == 'c' {
		v := a.Complex128
		if opt.FortranOrder {
			v = cToFortran(v, a.Shape)
		}
		out = appendComplex(out, v, d, bo)
	} else {
		v := a.Float64
		if opt.FortranOrder {
			v = cToFortran(v, a.Shape)
		}
		out = appendReal(out, v, d, bo)
	}
	return out, nil
}

func appendReal(out []byte, v []float64, d dtypeInfo, bo binary.AppendByteOrder) []byte {
	for _, x := range v {
		switch d.name {
		case "bool", "uint8":
			out = append(out, byte(x))
		case "int8":
			out = append(out, byte(int8(x)))
		case "int16":
			out = bo.AppendUint16(out, uint16(int16(x)))
		case "uint16":
			out = bo.AppendUint16(out, uint16(x))
		case "int32":
			out = bo.AppendUint32(out, uint32(int32(x)))
		case "uint32":
			out = bo.AppendUint32(out, uint32(x))
		case "int64":
			if x >= math.Ldexp(1, 63) {
				out = bo.AppendUint64(out, math.MaxInt64)
			} else {
				out = bo.AppendUint64(out, uint64(int64(x)))
			}
		case "uint64":
			if x >= math.Ldexp(1, 64) {
				out = bo.AppendUint64(out, math.MaxUint64)
			} else {
				out = bo.AppendUint64(out, uint64(x))
			}
		case "float32":
			out = bo.AppendUint32(out, math.Float32bits(float32(x)))
		case "float64":
			out = bo.AppendUint64(out, math.Float64bits(x))
		}
	}
	return out
}

func appendComplex(out []byte, v []complex128, d dtypeInfo, bo binary.AppendByteOrder) []byte {
	for _, z := range v {
		if d.size == 8 {
			out = bo.AppendUint32(out, math.Float32bits(float32(real(z))))
			out = bo.AppendUint32(out, math.Float32bits(float32(imag(z))))
		} else {
			out = bo.AppendUint64(out, math.Float64bits(real(z)))
			out = bo.AppendUint64(out, math.Float64bits(imag(z)))
		}
	}
	return out
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
