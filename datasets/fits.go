package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

const (
	fitsBlock   = 2880
	fitsCardLen = 80
)

// Card is one FITS header card. Value is nil (commentary card — COMMENT,
// HISTORY, blank keyword, CONTINUE — or a keyword with an undefined value),
// bool (logical T/F), int64 (integer), float64 (real; D exponents accepted;
// also an integer beyond the int64 range, held as the nearest float64: the
// card is written back as read, but the keywords that must be integers —
// BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT, BLANK — are refused then),
// string (quotes removed, ” unescaped, trailing blanks dropped) or RawValue
// (a value this package does not interpret, e.g. a complex number, kept
// verbatim). Comment is the text after '/' (for commentary and CONTINUE
// cards, the text in columns 9–80, written back there). When writing, Value
// may also be an int or float32.
//
// Commentary is set on a card read without a value indicator ("= " in
// columns 9–10) whose keyword is not one of the four above, such as ESO's
// "HIERARCH ESO DET CHIP TEMP = 153.2" or free text after a keyword: the
// FITS standard makes it commentary, so it has no Value, Comment holds its
// columns 9–80 verbatim (leading blanks kept) and it is written back
// unchanged. Set it to write such a card; COMMENT, HISTORY, blank and
// CONTINUE cards are always commentary, with or without it (it is left false
// on them when read). A card with Value nil and Commentary false is a keyword
// with an undefined value, written "KEY     =  / comment".
//
// A card read from a file also keeps its 80 bytes, and the writers write
// those back unchanged as long as Key, Value, Comment and Commentary are
// still what they were read as (so a card read compares unequal, with ==,
// to the same card built by hand: compare the fields); a card built or
// changed by the caller is formatted by the writer (see EncodeFITS).
type Card struct {
	Key        string
	Value      any
	Comment    string
	Commentary bool

	// raw is the card as read (80 bytes), "" for a card made by the caller:
	// formatCard writes it back unchanged while Key, Value, Comment and
	// Commentary are still what it reads as.
	raw string
}

// RawValue is a FITS header value kept verbatim (columns 11–80 up to the
// comment, trimmed).
type RawValue string

// fitsHDU is a parsed header with the keywords the reader needs.
type fitsHDU struct {
	cards  []Card
	ext    string // XTENSION value, "" for the primary HDU
	bitpix int
	naxis  []int // NAXIS1 … NAXISn
	pcount int64
	gcount int64
	// cutAt is the file's size when it ends inside the header's last
	// 2880-byte block, after the END card (a file cut short); 0 otherwise.
	cutAt int64
}

// DecodeFITS parses a FITS file held in memory (gzip-compressed input is
// decompressed as it is decoded) and returns its first image: the primary
// HDU, or the first IMAGE extension when the primary HDU has NAXIS = 0. The
// returned array has shape (NAXISn, …, NAXIS2, NAXIS1) — NAXIS1 is the
// fastest axis — and rows in file order (see the package doc). Values are
// physical, BZERO + BSCALE·stored, with integer pixels equal to BLANK set to NaN. DType
// reports the stored type (BITPIX 8 → uint8, 16 → int16, 32 → int32,
// 64 → int64, −32 → float32, −64 → float64; the unsigned conventions
// BZERO = 2^(bits−1) with BSCALE = 1 give uint16/uint32/uint64 and
// BZERO = −128 on BITPIX 8 gives int8); any other scaling, or blanked pixels,
// give "float64". Header holds all the cards of the image HDU but END
// (bytes beyond ASCII in a card's value or comment read as '?', with a
// notice, see SetNotify). When the file holds several images with data, a
// notice names them (number, EXTNAME, size) and the syntax that picks
// another (see Read: a path "x.fits[N]" or "x.fits[EXTNAME]").
// Errors are *FormatError with an empty Path. The file is decoded as a
// stream (see decodeFITSFrom): besides the result, memory use is bounded.
func DecodeFITS(b []byte) (*Array, error) {
	a, err := decodeFITSFrom(bytes.NewReader(b), int64(len(b)), "")
	return a, memoryReadError("fits", err)
}

// fitsStream reads the (decompressed) bytes of a FITS file in order.
type fitsStream struct {
	r     io.Reader
	src   *errReader // under r: records the first failure of the source
	n     int64      // bytes consumed
	size  int64      // total bytes; -1 when unknown (gzip)
	limit int64      // gzip: the most bytes the stream may expand to
	zsize int64      // gzip: the compressed size
	gz    bool
	seek  io.Seeker // the file under r when it can seek (not gzip): skip seeks

	nonASCII []nonASCIICard // header cards read with non-ASCII bytes replaced by '?'
}

// nonASCIICard is a header card whose value or comment held bytes beyond
// ASCII (0x80–0xFF), read with each replaced by '?'.
type nonASCIICard struct {
	hdu, card int // card counts from 1 within the HDU
	key       string
	n         int // bytes replaced
}

// errReader passes reads through and records the first error other than
// io.EOF, so that the end of the data can be told from a failure.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// check returns the error the reads so far call for: the source's failure
// (a *FormatError for a bad gzip stream, else *readError) or an expansion
// beyond the limit.
func (s *fitsStream) check() error {
	if s.src.err != nil {
		if s.gz && errors.Is(s.src.err, errGzipTrailing) {
			return &FormatError{Format: "fits", Msg: "bad gzip stream", Err: s.src.err}
		}
		if s.gz {
			return &FormatError{Format: "fits", Msg: "bad gzip stream (truncated?)", Err: s.src.err}
		}
		return &readError{s.src.err}
	}
	if s.gz && s.n > s.limit {
		return formatErrorf("fits", "gzip stream expands beyond %d bytes", s.limit)
	}
	return nil
}

// errGzipTrailing is wrapped by the error of gzipMembers for bytes after the
// last member that are neither zeros nor another member.
var errGzipTrailing = errors.New("data after the end of the gzip stream")

// gzipMembers decompresses a gzip stream member after member, as
// compress/gzip's multistream mode does (every member's CRC and length
// checked), but accepts zero bytes after the last member: gzip output padded
// to a block size (2880-byte FITS blocks, tape blocks) is common, GNU gzip
// reads it ("trailing zero bytes ignored"), and the multistream reader
// refused it as "gzip: invalid header". Any other byte after a member that
// does not start a new one, including after zero padding, is an error
// wrapping errGzipTrailing.
type gzipMembers struct {
	src  *countingReader // the compressed bytes, counted
	br   *bufio.Reader   // over src; gzip reads it byte-exactly (io.ByteReader)
	zr   *gzip.Reader
	done bool
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// newGzipMembers reads the header of the first member of the gzip stream r.
func newGzipMembers(r io.Reader) (*gzipMembers, error) {
	src := &countingReader{r: r}
	br := bufio.NewReaderSize(src, ioChunk)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	return &gzipMembers{src: src, br: br, zr: zr}, nil
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for !g.done {
		n, err := g.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		if err := g.next(); err != nil {
			return n, err
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
	return 0, io.EOF
}

// next is called at the end of a member (its trailer checked): it starts
// the next member, or ends the stream at the end of the input or after zero
// bytes that run to the end.
func (g *gzipMembers) next() error {
	b, err := g.br.Peek(2)
	switch {
	case len(b) == 0 && err == io.EOF:
		g.done = true
		return nil
	case len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b:
		if err := g.zr.Reset(g.br); err != nil {
			return err
		}
		g.zr.Multistream(false)
		return nil
	case err != nil && err != io.EOF:
		return err
	}
	end := g.src.n - int64(g.br.Buffered()) // offset of the first byte after the member
	for {
		c, err := g.br.ReadByte()
		if err == io.EOF {
			g.done = true
			return nil
		}
		if err != nil {
			return err
		}
		if c != 0 {
			at := g.src.n - int64(g.br.Buffered()) - 1
			return fmt.Errorf("%w: the compressed data end at offset %d, and the byte at offset %d (0x%02x) is neither zero padding nor the start of another gzip member; the file is damaged or has something appended (gunzip it, which ignores trailing garbage with a warning, and read the .fits)",
				errGzipTrailing, end, at, c)
		}
	}
}

// read fills p as far as the data go and returns how many bytes it got
// (fewer than len(p) only at the end of the file).
func (s *fitsStream) read(p []byte) (int, error) {
	k, _ := io.ReadFull(s.r, p)
	s.n += int64(k)
	return k, s.check()
}

// skip discards up to k bytes and returns how many there were.
func (s *fitsStream) skip(k int64) (int64, error) {
	if s.seek != nil && s.size >= 0 && s.src.err == nil {
		k = max(min(k, s.size-s.n), 0)
		if _, err := s.seek.Seek(k, io.SeekCurrent); err != nil {
			return 0, &readError{err}
		}
		s.n += k
		return k, nil
	}
	got, _ := io.CopyN(io.Discard, s.r, k)
	s.n += got
	return got, s.check()
}

// remaining returns the bytes left, or -1 when unknown.
func (s *fitsStream) remaining() int64 {
	if s.size < 0 {
		return -1
	}
	return s.size - s.n
}

// decodeFITSFrom decodes a FITS file of size bytes read from r (src names
// it in notices, "" for data in memory); a file
// starting with the gzip magic is decompressed as it is read (at most
// maxDeflateRatio·size + 64 KiB bytes, the whole stream read to check its
// CRC; several members are read one after the other, and zero padding after
// the last is accepted, see gzipMembers). Headers are read block by block and non-image HDUs skipped; an
// image's declared size is checked against the bytes left (for gzip, against
// the expansion limit) before the result is allocated, then its pixels are
// decoded, scaled and blanked chunk by chunk straight into the final
// []float64. A source failure is returned as *readError (a bad gzip stream
// as *FormatError). Header cards with non-ASCII bytes in their value or
// comment are read with those bytes replaced by '?' (see parseFITSHeader),
// with a notice (SetNotify) once the image is read.
func decodeFITSFrom(r io.Reader, size int64, src string) (*Array, error) {
	return decodeFITSSel(r, size, src, nil)
}

// decodeFITSSel is decodeFITSFrom with a selection (nil: none; see
// fitsSel): the HDU it names instead of the first image, and only its
// section's pixels. Without a selection, the headers after the image read
// are scanned too (data skipped: seeked over in a file) and a notice names
// the images when there are several; anything wrong after the image read
// only ends that scan. A selection that names no image with data is an
// error listing the file's HDUs.
func decodeFITSSel(r io.Reader, size int64, src string, sel *fitsSel) (*Array, error) {
	seeker, _ := r.(io.Seeker)
	head := make([]byte, min(size, 2))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, &readError{err}
	}
	r = io.MultiReader(bytes.NewReader(head), r)
	s := &fitsStream{size: size}
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		zr, err := newGzipMembers(r)
		if err != nil {
			return nil, &FormatError{Format: "fits", Msg: "bad gzip stream", Err: err}
		}
		s.gz, s.size, s.zsize, s.limit = true, -1, size, size*maxDeflateRatio+1<<16
		s.src = &errReader{r: zr}
		s.r = io.LimitReader(s.src, s.limit+1)
	} else {
		s.src = &errReader{r: r}
		s.r = s.src
		s.seek = seeker
	}
	var infos []hduInfo       // every HDU seen, for a selection's errors
	var notImage *hduInfo     // the HDU sel names when it is no image: an error once all are listed
	var primary *fitsHDU      // the primary header: HEALPix keywords there count for the extensions
	var healpix *HEALPixError // the first HEALPix table, for the error when no image follows
	var others []string       // the extensions skipped, for that error: "HDU 1 is a BINTABLE"
	block := make([]byte, fitsBlock)
	k, err := s.read(block)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(block[:k], []byte("SIMPLE  =")) {
		return nil, formatErrorf("fits", "wrong magic: file starts with %q, not \"SIMPLE  =\"%s", prefix(block[:k], 10), guessFormat(block[:k]))
	}
	for hdu := 0; ; hdu++ {
		if hdu > 0 {
			if k, err = s.read(block); err != nil {
				return nil, err
			}
			if k == 0 {
				break
			}
		}
		h, err := s.parseFITSHeader(block, k, hdu)
		if err != nil {
			return nil, err
		}
		if hdu == 0 {
			primary = h
		}
		infos = append(infos, newHDUInfo(h, hdu))
		// the HDU to read: the first image, or the one sel names
		wanted := sel == nil || !sel.hduSet || (notImage == nil && sel.matches(h, hdu))
		n := int64(1)
		if len(h.naxis) == 0 {
			n = 0
		}
		for _, d := range h.naxis {
			if d != 0 && n > (1<<50)/int64(d) {
				return nil, formatErrorf("fits", "HDU %d: image of %v pixels is too large", hdu, h.naxis)
			}
			n *= int64(d)
		}
		item := int64(abs(h.bitpix) / 8)
		var size int64
		if h.ext == "" {
			size = item * n
		} else {
			if h.pcount < 0 || h.pcount > 1<<50 || h.gcount < 0 || h.gcount > 1<<20 {
				return nil, formatErrorf("fits", "HDU %d: invalid PCOUNT %d or GCOUNT %d", hdu, h.pcount, h.gcount)
			}
			per := item * (h.pcount + n) // at most 8·2^51
			if h.gcount > 0 && per > (1<<62)/h.gcount {
				return nil, formatErrorf("fits", "HDU %d: data of GCOUNT %d × %d bytes is too large", hdu, h.gcount, per)
			}
			size = per * h.gcount
		}
		isImage := h.ext == "" || h.ext == "IMAGE"
		if isImage && len(h.naxis) > 0 && wanted {
			if h.ext != "" && (h.pcount != 0 || h.gcount != 1) {
				return nil, formatErrorf("fits", "HDU %d: IMAGE extension with PCOUNT %d, GCOUNT %d (want 0 and 1)", hdu, h.pcount, h.gcount)
			}
			if hp := healpixImage(h, primary, hdu); hp != nil {
				return nil, &FormatError{Format: "fits", Msg: "not a flat image", Err: hp}
			}
			var sec []secRange
			secText := ""
			if sel != nil {
				sec, secText = sel.section, sel.text
			}
			a, err := s.decodeFITSImage(h, hdu, n, sec, secText)
			if err != nil {
				return nil, err
			}
			if len(s.nonASCII) > 0 {
				notify(nonASCIINotice(src, s.nonASCII))
			}
			if sel == nil || !sel.hduSet {
				if images := s.scanImages(infos, hdu, size); len(images) > 1 {
					notify(severalImagesNotice(src, images))
				}
			}
			if s.gz { // read the rest of the stream: its CRC and length are checked at the end
				if _, err := s.skip(s.limit + 1 - s.n); err != nil {
					return nil, err
				}
			}
			return a, nil
		}
		if wanted && sel != nil && sel.hduSet {
			found := infos[hdu]
			notImage = &found
		}
		if h.ext == "BINTABLE" && wanted {
			for _, c := range h.cards {
				if c.Key == "ZIMAGE" && c.Value == true {
					return nil, formatErrorf("fits", "HDU %d is a tile-compressed image (fpack); decompress it first (funpack)", hdu)
				}
			}
			if healpix == nil {
				healpix = healpixTable(h, primary, hdu)
			}
		}
		switch {
		case hdu == 0:
		case isImage:
			others = append(others, fmt.Sprintf("HDU %d is an IMAGE extension without data", hdu))
		default:
			others = append(others, fmt.Sprintf("HDU %d is a %s", hdu, h.ext))
		}
		// a truncated file that holds a HEALPix map says so too (the Err, as for "no image")
		truncated := func(rem int64) error {
			e := formatErrorf("fits", "truncated file: HDU %d declares %d data bytes but only %d remain", hdu, size, rem)
			if healpix != nil {
				e.Err = healpix
			}
			return e
		}
		if rem := s.remaining(); rem >= 0 && size > rem {
			return nil, truncated(rem)
		}
		got, err := s.skip(size)
		if err != nil {
			return nil, err
		}
		if got < size {
			return nil, truncated(got)
		}
		pad := roundUp(size, fitsBlock) - size
		if got, err := s.skip(pad); err != nil {
			return nil, err
		} else if got < pad {
			break
		}
	}
	if sel != nil && sel.hduSet {
		e := sel.noHDUError(infos, notImage)
		if notImage != nil && healpix != nil && healpix.HDU == notImage.num {
			e.Err = healpix
		}
		return nil, e
	}
	if healpix != nil {
		return nil, &FormatError{Format: "fits", Msg: "no image", Err: healpix}
	}
	if n := len(others); n > 0 {
		list := strings.Join(others[:min(n, 4)], ", ")
		if n > 4 {
			list += fmt.Sprintf(" and %d more extensions", n-4)
		}
		return nil, formatErrorf("fits", "no image: the primary HDU has NAXIS = 0 and no IMAGE extension follows (%s; tables are not read)", list)
	}
	return nil, formatErrorf("fits", "no image: the primary HDU has NAXIS = 0 and no IMAGE extension follows")
}

// HEALPixError reports a FITS file that holds a HEALPix map (Planck's maps
// among them) instead of a flat image: a binary table of the sphere's pixels
// (BINTABLE with PIXTYPE = 'HEALPIX', or with NSIDE and ORDERING cards), or
// a 1-D image of them (Image: PIXTYPE = 'HEALPIX', or NSIDE and ORDERING
// with 12·NSIDE² pixels). The keywords count in the HDU's own header or in
// the primary header, where some writers put them. The readers return it as
// the Err of a *FormatError: "fits: no image: …" for a table when no image
// follows, "fits: not a flat image: …" for an image, and "fits: truncated
// file: …" for a table whose data are cut short; find it with errors.As.
// Its message says to project a patch onto a flat grid first.
type HEALPixError struct {
	HDU      int      // the table's or image's HDU (0 is the primary)
	NSide    int64    // NSIDE, 0 when the card is missing or not an integer (for an image, inferred from 12·NSIDE² pixels)
	Ordering string   // ORDERING: "RING" or "NESTED" ("" when missing)
	Partial  bool     // OBJECT = 'PARTIAL' or INDXSCHM = 'EXPLICIT': a cut-sky map of listed pixels
	Columns  []string // TTYPEn: the table's columns (e.g. I_STOKES, Q_STOKES, U_STOKES); nil for an image
	Image    bool     // the pixels are a 1-D image (NAXIS1 = 12·NSIDE²), not a table
}

func (e *HEALPixError) Error() string {
	var what []string
	if e.NSide > 0 {
		what = append(what, fmt.Sprintf("NSIDE %d", e.NSide))
	}
	if e.Ordering != "" {
		what = append(what, e.Ordering+" ordering")
	}
	switch {
	case e.Partial:
		what = append(what, "a partial map of listed pixels")
	case e.NSide > 0 && e.NSide <= 1<<29:
		what = append(what, fmt.Sprintf("%d pixels", 12*e.NSide*e.NSide))
	}
	if n := len(e.Columns); n == 1 {
		what = append(what, "column "+e.Columns[0])
	} else if n > 1 {
		c := "columns " + strings.Join(e.Columns[:min(n, 4)], ", ")
		if n > 4 {
			c += fmt.Sprintf(" and %d more", n-4)
		}
		what = append(what, c)
	}
	s := fmt.Sprintf("HDU %d holds a HEALPix map", e.HDU)
	if len(what) > 0 {
		s += " (" + strings.Join(what, "; ") + ")"
	}
	if e.Image {
		s += ", a 1-D image of the sphere's pixels"
	} else {
		s += ", a table of the sphere's pixels"
	}
	return s + ", not a flat 2-D image: project a patch onto a flat grid first, " +
		"e.g. with healpy.gnomview(m, rot=(lon, lat), xsize=512, reso=arcmin_per_pixel, return_projected_map=True) " +
		"or reproject.reproject_from_healpix, and save it as a FITS image or .npy"
}

// healpixKeys reads the HEALPix keywords (PIXTYPE, NSIDE, ORDERING, OBJECT,
// INDXSCHM) of HDU h, each from h's header or, when h lacks it, from the
// primary header: some writers put them there, with the pixels in a
// BINTABLE extension.
type healpixKeys struct{ h, primary *fitsHDU }

func (k healpixKeys) card(key string) *Card {
	if c, _ := k.h.card(key); c != nil {
		return c
	}
	if k.primary != nil && k.primary != k.h {
		c, _ := k.primary.card(key)
		return c
	}
	return nil
}

// str returns a string keyword upper-cased and trimmed, "" when missing or
// not a string.
func (k healpixKeys) str(key string) string {
	if c := k.card(key); c != nil {
		if v, ok := c.Value.(string); ok {
			return strings.ToUpper(strings.TrimSpace(v))
		}
	}
	return ""
}

// nside returns NSIDE when it is a positive integer, else 0.
func (k healpixKeys) nside() int64 {
	if c := k.card("NSIDE"); c != nil {
		if v, ok := c.Value.(int64); ok && v > 0 {
			return v
		}
	}
	return 0
}

// healpixError is the *HEALPixError of HDU hdu with the keywords of k.
func (k healpixKeys) healpixError(hdu int) *HEALPixError {
	return &HEALPixError{HDU: hdu, NSide: k.nside(), Ordering: k.str("ORDERING"), Partial: k.str("OBJECT") == "PARTIAL" || k.str("INDXSCHM") == "EXPLICIT"}
}

// healpixTable returns a *HEALPixError when the BINTABLE header h (HDU hdu)
// describes a HEALPix map: PIXTYPE = 'HEALPIX', or NSIDE and ORDERING both
// present (writers that leave PIXTYPE out), in h's header or in the primary
// header (see healpixKeys); else nil.
func healpixTable(h, primary *fitsHDU, hdu int) *HEALPixError {
	k := healpixKeys{h, primary}
	if k.str("PIXTYPE") != "HEALPIX" && (k.card("NSIDE") == nil || k.str("ORDERING") == "") {
		return nil
	}
	e := k.healpixError(hdu)
	for i := 1; i <= 999; i++ {
		c, _ := h.card(fmt.Sprintf("TTYPE%d", i))
		if c == nil {
			break
		}
		if v, ok := c.Value.(string); ok {
			e.Columns = append(e.Columns, strings.TrimSpace(v))
		}
	}
	return e
}

// healpixImage returns a *HEALPixError (Image set) when the image header h
// (HDU hdu) holds a HEALPix map stored as an image, as some writers do: a
// 1-D image (at most one axis longer than 1) with PIXTYPE = 'HEALPIX', or
// with NSIDE and ORDERING and 12·NSIDE² pixels, the keywords in h's header
// or in the primary header (see healpixKeys). A 2-D image is never taken
// for one, whatever its keywords (a flat patch may carry its source's).
// NSide is NSIDE, else the n with 12·n² pixels when there is one (not for a
// partial map); else nil.
func healpixImage(h, primary *fitsHDU, hdu int) *HEALPixError {
	npix, long := int64(1), 0
	for _, d := range h.naxis {
		npix *= int64(d)
		if d > 1 {
			long++
		}
	}
	if long > 1 {
		return nil
	}
	k := healpixKeys{h, primary}
	nside := k.nside()
	switch {
	case k.str("PIXTYPE") == "HEALPIX":
	case nside > 0 && nside <= 1<<29 && k.str("ORDERING") != "" && npix == 12*nside*nside:
	default:
		return nil
	}
	e := k.healpixError(hdu)
	e.Image = true
	if e.NSide == 0 && !e.Partial && npix > 0 && npix%12 == 0 {
		n := int64(math.Round(math.Sqrt(float64(npix / 12))))
		if 12*n*n == npix {
			e.NSide = n
		}
	}
	return e
}

func roundUp(n, m int64) int64 { return (n + m - 1) / m * m }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// parseFITSHeader parses the header whose first block (k bytes, fewer only
// at the end of the file) is in block, reading further blocks into block;
// the stream is left at the data (a short last block is tolerated when END
// is in it: no data follow then). A card with bytes beyond ASCII
// (0x80–0xFF) in columns 9–80 — its value or comment, e.g. a name in UTF-8
// or Latin-1, which the standard forbids — is read with each such byte
// replaced by '?', as astropy does (with a warning), and recorded in
// s.nonASCII; its keyword (columns 1–8) must be printable ASCII, and
// control bytes are refused anywhere (binary data where a header should be).
func (s *fitsStream) parseFITSHeader(block []byte, k, hdu int) (*fitsHDU, error) {
	h := &fitsHDU{gcount: 1}
	for end := false; !end; {
		for pos := 0; ; pos += fitsCardLen {
			if pos+fitsCardLen > k {
				if k == fitsBlock {
					break
				}
				return nil, formatErrorf("fits", "truncated header: HDU %d has no END card before the end of the file (%d bytes)", hdu, s.n)
			}
			raw := block[pos : pos+fitsCardLen]
			if string(raw[:8]) == "END     " {
				end = true
				if k < fitsBlock {
					h.cutAt = s.n
				}
				break
			}
			if n := countNonASCII(raw[8:]); n > 0 && countNonASCII(raw[:8]) == 0 {
				raw = replaceNonASCII(raw)
				s.nonASCII = append(s.nonASCII, nonASCIICard{hdu: hdu, card: len(h.cards) + 1, key: strings.TrimRight(string(raw[:8]), " "), n: n})
			}
			c, err := parseCard(raw)
			if err != nil {
				return nil, formatErrorf("fits", "HDU %d, card %d: %v", hdu, len(h.cards)+1, err)
			}
			h.cards = append(h.cards, c)
		}
		if !end {
			var err error
			if k, err = s.read(block); err != nil {
				return nil, err
			}
		}
	}
	if len(h.cards) == 0 {
		return nil, formatErrorf("fits", "HDU %d: empty header", hdu)
	}
	first := h.cards[0]
	if hdu == 0 {
		if first.Key != "SIMPLE" {
			return nil, formatErrorf("fits", "first card is %q, want SIMPLE", first.Key)
		}
		if first.Value != true {
			return nil, formatErrorf("fits", "SIMPLE = %v: the file says it does not conform to the FITS standard", first.Value)
		}
	} else {
		if first.Key != "XTENSION" {
			return nil, formatErrorf("fits", "HDU %d starts with %q, want XTENSION (garbage after the primary HDU?)", hdu, first.Key)
		}
		s, ok := first.Value.(string)
		if !ok {
			return nil, formatErrorf("fits", "HDU %d: XTENSION is not a string", hdu)
		}
		h.ext = strings.TrimSpace(s)
	}
	bitpix, err := h.intKey("BITPIX", hdu, true)
	if err != nil {
		return nil, err
	}
	switch bitpix {
	case 8, 16, 32, 64, -32, -64:
	default:
		return nil, formatErrorf("fits", "HDU %d: unsupported BITPIX %d (want 8, 16, 32, 64, -32 or -64)", hdu, bitpix)
	}
	h.bitpix = int(bitpix)
	naxis, err := h.intKey("NAXIS", hdu, true)
	if err != nil {
		return nil, err
	}
	if naxis < 0 || naxis > 999 {
		return nil, formatErrorf("fits", "HDU %d: NAXIS = %d out of range 0..999", hdu, naxis)
	}
	for i := 1; i <= int(naxis); i++ {
		d, err := h.intKey("NAXIS"+strconv.Itoa(i), hdu, true)
		if err != nil {
			return nil, err
		}
		if d < 0 || d > 1<<40 {
			return nil, formatErrorf("fits", "HDU %d: NAXIS%d = %d out of range", hdu, i, d)
		}
		h.naxis = append(h.naxis, int(d))
	}
	if hdu == 0 && len(h.naxis) > 0 && h.naxis[0] == 0 {
		if g, _ := h.card("GROUPS"); g != nil && g.Value == true {
			return nil, formatErrorf("fits", "random-groups files are not supported")
		}
	}
	if h.ext != "" {
		if h.pcount, err = h.intKey("PCOUNT", hdu, true); err != nil {
			return nil, err
		}
		if h.gcount, err = h.intKey("GCOUNT", hdu, true); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// countNonASCII counts the bytes of b beyond ASCII (0x80–0xFF).
func countNonASCII(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	return n
}

// replaceNonASCII returns a copy of raw with every byte beyond ASCII
// replaced by '?'.
func replaceNonASCII(raw []byte) []byte {
	out := make([]byte, len(raw))
	for i, c := range raw {
		if c >= 0x80 {
			c = '?'
		}
		out[i] = c
	}
	return out
}

// nonASCIINotice tells which header cards of src were read with non-ASCII
// bytes replaced (at most three named).
func nonASCIINotice(src string, cards []nonASCIICard) string {
	if src == "" {
		src = "FITS data"
	}
	var b strings.Builder
	if n := len(cards); n == 1 {
		fmt.Fprintf(&b, "%s: 1 header card has non-ASCII bytes in its value or comment", src)
	} else {
		fmt.Fprintf(&b, "%s: %d header cards have non-ASCII bytes in their values or comments", src, n)
	}
	b.WriteString(", which FITS does not allow; read with each replaced by '?', as astropy does: ")
	for i, c := range cards[:min(len(cards), 3)] {
		if i > 0 {
			b.WriteString(", ")
		}
		key := c.key
		if key == "" {
			key = "blank keyword"
		}
		fmt.Fprintf(&b, "HDU %d card %d (%s, %d byte%s)", c.hdu, c.card, key, c.n, plural(c.n))
	}
	if n := len(cards); n > 3 {
		fmt.Fprintf(&b, " and %d more", n-3)
	}
	return b.String()
}

// card returns the first card with the given key.
func (h *fitsHDU) card(key string) (*Card, int) {
	for i := range h.cards {
		if h.cards[i].Key == key {
			return &h.cards[i], i
		}
	}
	return nil, -1
}

func (h *fitsHDU) intKey(key string, hdu int, required bool) (int64, error) {
	c, _ := h.card(key)
	if c == nil {
		if required {
			return 0, formatErrorf("fits", "HDU %d: missing required keyword %s", hdu, key)
		}
		return 0, nil
	}
	v, ok := c.Value.(int64)
	if !ok {
		if lit, ok := bigIntLiteral(c); ok {
			return 0, formatErrorf("fits", "HDU %d: %s = %s is an integer beyond the int64 range (±9223372036854775807); this reader cannot use it", hdu, key, lit)
		}
		return 0, formatErrorf("fits", "HDU %d: %s = %v is not an integer", hdu, key, c.Value)
	}
	return v, nil
}

// bigIntLiteral reports whether a card read from a file holds an integer
// literal (optional sign, digits) that parseCard kept as float64 because it
// is beyond the int64 range, and returns that literal.
func bigIntLiteral(c *Card) (string, bool) {
	if _, ok := c.Value.(float64); !ok || len(c.raw) <= 10 {
		return "", false
	}
	val, _, _ := strings.Cut(c.raw[10:], "/")
	val = strings.TrimSpace(val)
	digits := strings.TrimLeft(val, "+-")
	if len(val)-len(digits) > 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	return val, true
}

// floatKey returns a real-valued keyword (integer values accepted) or def.
func (h *fitsHDU) floatKey(key string, hdu int, def float64) (float64, error) {
	c, _ := h.card(key)
	if c == nil {
		return def, nil
	}
	switch v := c.Value.(type) {
	case int64:
		return float64(v), nil
	case float64:
		return v, nil
	}
	return 0, formatErrorf("fits", "HDU %d: %s = %v is not a number", hdu, key, c.Value)
}

// decodeFITSImage decodes the n pixels that follow the header h.
func (s *fitsStream) decodeFITSImage(h *fitsHDU, hdu int, n int64, sec []secRange, secText string) (*Array, error) {
	item := int64(abs(h.bitpix) / 8)
	nbytes := n * item
	if rem := s.remaining(); rem >= 0 && nbytes > rem {
		cut := ""
		if h.cutAt > 0 {
			// "only 0 bytes follow the header" alone read as if the header
			// were whole: the file ends inside its last block
			cut = fmt.Sprintf(": the file ends at byte %d, inside the header's last 2880-byte block (after its END card); it was cut short", h.cutAt)
		}
		return nil, formatErrorf("fits", "truncated data: HDU %d declares %s pixels of BITPIX %d (%d bytes) but only %d bytes follow the header%s",
			hdu, naxisString(h.naxis), h.bitpix, nbytes, rem, cut)
	} else if rem < 0 && nbytes > s.limit-s.n {
		return nil, formatErrorf("fits", "truncated data: HDU %d declares %s pixels of BITPIX %d (%d bytes), more than a gzip stream of %d bytes can hold (at most %d bytes)",
			hdu, naxisString(h.naxis), h.bitpix, nbytes, s.zsize, s.limit)
	}
	bscale, err := h.floatKey("BSCALE", hdu, 1)
	if err != nil {
		return nil, err
	}
	bzero, err := h.floatKey("BZERO", hdu, 0)
	if err != nil {
		return nil, err
	}
	if bscale == 0 || math.IsNaN(bscale) || math.IsInf(bscale, 0) || math.IsNaN(bzero) || math.IsInf(bzero, 0) {
		return nil, formatErrorf("fits", "HDU %d: invalid scaling BSCALE = %v, BZERO = %v", hdu, bscale, bzero)
	}
	blankCard, _ := h.card("BLANK")
	px := fitsPixels{bitpix: h.bitpix, scaled: bscale != 1 || bzero != 0, bscale: bscale, bzero: bzero}
	if blankCard != nil && h.bitpix > 0 {
		if px.blank, err = h.intKey("BLANK", hdu, true); err != nil {
			return nil, err
		}
		px.hasBlank = true
	}
	if sec != nil {
		plan, err := sectionPlan(sec, h.naxis, hdu, secText)
		if err != nil {
			return nil, err
		}
		v, shape, err := s.decodeSection(h, hdu, &px, item, plan)
		if err != nil {
			return nil, err
		}
		return &Array{Shape: shape, DType: pixelDType(&px, h.bitpix), Float64: v, Header: shiftedCards(h.cards, plan)}, nil
	}
	shape := make([]int, len(h.naxis))
	for i, d := range h.naxis {
		shape[len(shape)-1-i] = d
	}
	v := make([]float64, n)
	buf := chunkBuffer(len(v), int(item))
	per := len(buf) / int(item)
	for done := 0; done < len(v); {
		c := min(per, len(v)-done)
		got, err := s.read(buf[:c*int(item)])
		if err != nil {
			return nil, err
		}
		if got < c*int(item) {
			return nil, formatErrorf("fits", "truncated data: HDU %d declares %s pixels of BITPIX %d (%d bytes) but only %d bytes follow the header",
				hdu, naxisString(h.naxis), h.bitpix, nbytes, int64(done)*item+int64(got))
		}
		px.decode(v[done:done+c], buf[:c*int(item)])
		done += c
	}
	return &Array{Shape: shape, DType: pixelDType(&px, h.bitpix), Float64: v, Header: h.cards}, nil
}

// pixelDType is the DType of pixels decoded with px (see DecodeFITS).
func pixelDType(px *fitsPixels, bitpix int) string {
	dtype := "float64"
	bscale, bzero := 1.0, 0.0
	if px.scaled {
		bscale, bzero = px.bscale, px.bzero
	}
	if px.blanks == 0 {
		switch {
		case bscale == 1 && bzero == 0:
			dtype = map[int]string{8: "uint8", 16: "int16", 32: "int32", 64: "int64", -32: "float32", -64: "float64"}[bitpix]
		case bscale == 1 && bitpix == 8 && bzero == -128:
			dtype = "int8"
		case bscale == 1 && bitpix > 8 && bzero == math.Ldexp(1, bitpix-1):
			dtype = map[int]string{16: "uint16", 32: "uint32", 64: "uint64"}[bitpix]
		}
	}
	return dtype
}

// fitsPixels turns stored big-endian pixels into physical values:
// bzero + bscale·stored, integer pixels equal to blank giving NaN.
type fitsPixels struct {
	bitpix        int
	hasBlank      bool
	blank         int64
	scaled        bool
	bscale, bzero float64
	blanks        int // blanked pixels seen
}

// decode decodes len(dst) pixels from src.
func (p *fitsPixels) decode(dst []float64, src []byte) {
	be := binary.BigEndian
	switch p.bitpix {
	case 8:
		for i := range dst {
			dst[i] = p.integer(int64(src[i]))
		}
	case 16:
		for i := range dst {
			dst[i] = p.integer(int64(int16(be.Uint16(src[2*i:]))))
		}
	case 32:
		for i := range dst {
			dst[i] = p.integer(int64(int32(be.Uint32(src[4*i:]))))
		}
	case 64:
		for i := range dst {
			dst[i] = p.integer(int64(be.Uint64(src[8*i:])))
		}
	case -32:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(be.Uint32(src[4*i:])))
		}
	case -64:
		for i := range dst {
			dst[i] = math.Float64frombits(be.Uint64(src[8*i:]))
		}
	}
	if p.scaled {
		for i, x := range dst {
			dst[i] = p.bzero + p.bscale*x
		}
	}
}

// integer returns a stored integer as float64, NaN (counted) when blank.
func (p *fitsPixels) integer(raw int64) float64 {
	if p.hasBlank && raw == p.blank {
		p.blanks++
		return math.NaN()
	}
	return float64(raw)
}

func naxisString(naxis []int) string {
	parts := make([]string, len(naxis))
	for i, d := range naxis {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

// parseCard parses one 80-byte header card, keeping its bytes (see Card.raw).
func parseCard(raw []byte) (Card, error) {
	c, err := parseCardFields(raw)
	if err != nil {
		return Card{}, err
	}
	c.raw = string(raw)
	return c, nil
}

// parseCardFields parses one 80-byte header card into its fields.
func parseCardFields(raw []byte) (Card, error) {
	for i, c := range raw {
		if c < 32 || c > 126 {
			return Card{}, fmt.Errorf("byte 0x%02x at column %d is not printable ASCII (binary data where a header card should be?)", c, i+1)
		}
	}
	key := strings.TrimRight(string(raw[:8]), " ")
	if key == "COMMENT" || key == "HISTORY" || key == "" || key == "CONTINUE" {
		return Card{Key: key, Comment: strings.TrimRight(string(raw[8:]), " ")}, nil
	}
	if string(raw[8:10]) != "= " {
		return Card{Key: key, Comment: strings.TrimRight(string(raw[8:]), " "), Commentary: true}, nil
	}
	field := strings.TrimLeft(string(raw[10:]), " ")
	if field == "" {
		return Card{Key: key}, nil
	}
	if field[0] == '\'' {
		var sb strings.Builder
		i := 1
		for {
			if i >= len(field) {
				return Card{}, fmt.Errorf("%s: unterminated string value", key)
			}
			if field[i] == '\'' {
				if i+1 < len(field) && field[i+1] == '\'' {
					sb.WriteByte('\'')
					i += 2
					continue
				}
				i++
				break
			}
			sb.WriteByte(field[i])
			i++
		}
		return Card{Key: key, Value: strings.TrimRight(sb.String(), " "), Comment: cardComment(field[i:])}, nil
	}
	val, rest, _ := strings.Cut(field, "/")
	val = strings.TrimSpace(val)
	c := Card{Key: key, Comment: strings.TrimSpace(rest)}
	switch {
	case val == "":
	case val == "T":
		c.Value = true
	case val == "F":
		c.Value = false
	default:
		if i, err := strconv.ParseInt(val, 10, 64); err == nil {
			c.Value = i
		} else if f, err := strconv.ParseFloat(strings.NewReplacer("D", "E", "d", "e").Replace(val), 64); err == nil && !strings.ContainsAny(val, "xXpP_") && !isNamedFloat(val) {
			c.Value = f
		} else {
			c.Value = RawValue(val)
		}
	}
	return c, nil
}

// isNamedFloat rejects Go's spellings that are not FITS numbers (inf, nan).
func isNamedFloat(s string) bool {
	s = strings.ToLower(strings.TrimLeft(s, "+-"))
	return strings.HasPrefix(s, "inf") || strings.HasPrefix(s, "nan")
}

func cardComment(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "/") {
		return strings.TrimSpace(s[1:])
	}
	return s
}

// structuralKeys are keywords the writer sets itself or that describe the
// data layout; they are refused among the extra cards of EncodeFITS.
func isStructuralKey(key string) bool {
	switch key {
	case "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "BSCALE", "BZERO", "BLANK", "END",
		"XTENSION", "PCOUNT", "GCOUNT", "GROUPS", "CHECKSUM", "DATASUM", "ZIMAGE", "THEAP":
		return true
	}
	if strings.HasPrefix(key, "NAXIS") {
		_, err := strconv.Atoi(key[5:])
		return err == nil
	}
	return false
}

// FITSUserCards returns the cards of a header that describe the content
// rather than the layout, so that they can be passed to WriteFITS when
// re-writing a file that was read: it drops the structural cards SIMPLE,
// BITPIX, NAXIS, NAXISn, EXTEND, BSCALE, BZERO, BLANK, XTENSION, PCOUNT,
// GCOUNT, GROUPS, CHECKSUM, DATASUM, ZIMAGE and THEAP, and the cards the
// writer refuses (see SplitFITSUserCards, which says which and why) with
// the CONTINUE cards of a long string among them. The cards kept are
// written back byte for byte (see EncodeFITS).
func FITSUserCards(cards []Card) []Card {
	kept, _ := SplitFITSUserCards(cards)
	return kept
}

// SkippedCard is a header card SplitFITSUserCards leaves out although it is
// not structural: Index is its position in the cards given (for a header
// read, card Index+1 of the HDU), Reason why EncodeFITS would refuse it.
type SkippedCard struct {
	Card   Card
	Index  int
	Reason string
}

// SplitFITSUserCards is FITSUserCards that also returns the non-structural
// cards it leaves out because EncodeFITS would refuse them, with the
// reason, so that the caller can tell the user. In a header read from a file
// these are the cards that break the FITS standard: a keyword with
// characters other than A–Z, 0–9, '-' and '_' (e.g. lower-case "date-obs",
// or "DATE OBS"; the standard allows at most 8 such characters, blanks only
// after them), or a value that is not a string, logical, integer, real or
// complex number (e.g. NaN, Inf, 0x1F). Kept: every other card, including
// commentary cards (COMMENT, HISTORY, blank, CONTINUE) and cards without a
// value indicator such as ESO's "HIERARCH ESO DET CHIP TEMP = 153.2", whose
// text is not checked. The CONTINUE cards that follow a card left out whose
// string value ends in '&' (the long-string convention: the string goes on
// in them) are left out with it, as skipped cards naming it: kept, they
// would continue the card before them.
func SplitFITSUserCards(cards []Card) (kept []Card, skipped []SkippedCard) {
	parent := -1 // a long-string card left out: the CONTINUE cards after it go too
	for i, c := range cards {
		if c.Key == "CONTINUE" && parent >= 0 {
			skipped = append(skipped, SkippedCard{Card: c, Index: i,
				Reason: fmt.Sprintf("CONTINUE card of the long string of card %d (%s), which is left out", parent+1, cards[parent].Key)})
			continue
		}
		parent = -1
		drop := isStructuralKey(c.Key)
		if !drop {
			if _, err := formatCard(c); err != nil {
				skipped = append(skipped, SkippedCard{Card: c, Index: i, Reason: err.Error()})
				drop = true
			}
		}
		if drop {
			if v, ok := c.Value.(string); ok && strings.HasSuffix(v, "&") {
				parent = i
			}
			continue
		}
		kept = append(kept, c)
	}
	return kept, skipped
}

// EncodeFITS serialises a real array as a single-HDU FITS image: BITPIX −32
// when a.DType is "float32" (a finite value beyond ±3.4028235e38, which would
// become ±Inf, is refused), else −64; NAXIS = len(a.Shape) (1 to 999) with
// NAXIS1 = the last (fastest) axis; cards SIMPLE, BITPIX, NAXIS, NAXISn, then
// the extra cards in order, then END; header padded with spaces and data
// (big-endian) padded with zeros to 2880-byte blocks. Extra cards must have
// keys of 1–8 characters from A–Z, 0–9, '-' and '_' (or COMMENT, HISTORY,
// CONTINUE, blank, or any key with Commentary set: text without a value,
// in columns 9–80), must not be structural (see
// FITSUserCards) and their keyword and value must fit in 80 characters
// (long strings are not continued); a RawValue must be a complex number
// "(re, im)". A card read from a file (Array.Header) and not changed since
// is written back byte for byte, as it was read; other cards are formatted
// by the writer: "KEY     = " then logicals and numbers right-aligned to
// column 30 (a real that needs more than 20 characters, such as
// -2.2250738585072014E-308, runs on past it), strings quoted from column 11
// and padded to at least 8 characters, reals with the fewest digits that
// round-trip (always with a '.' or an exponent, e.g. 1.0E+21); then
// " / comment", cut at column 80 when it is longer.
func EncodeFITS(a *Array, extra ...Card) ([]byte, error) {
	p, err := planFITS(a, extra)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, p.size()))
	if err := p.writeTo(buf); err != nil {
		return nil, fmt.Errorf("datasets: fits: %w", err)
	}
	return buf.Bytes(), nil
}

// fitsPlan is a checked array with its FITS header, ready to be written.
type fitsPlan struct {
	header []byte // cards and END, padded to a block
	a      *Array
	bitpix int
}

// planFITS checks a and the extra cards and builds the header EncodeFITS
// writes, without touching the data.
func planFITS(a *Array, extra []Card) (*fitsPlan, error) {
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("datasets: fits: %w", err)
	}
	if a.IsComplex() {
		return nil, fmt.Errorf("datasets: fits: cannot write %s data (FITS images are real; write the real and imaginary parts separately)", a.DType)
	}
	if len(a.Shape) == 0 || len(a.Shape) > 999 {
		return nil, fmt.Errorf("datasets: fits: cannot write a %d-d array as an image (want 1 to 999 axes)", len(a.Shape))
	}
	bitpix := -64
	if a.DType == "float32" {
		bitpix = -32
		if err := float32Check(a); err != nil {
			return nil, fmt.Errorf("datasets: fits: %w", err)
		}
	}
	cards := []Card{
		{Key: "SIMPLE", Value: true, Comment: "conforms to FITS standard"},
		{Key: "BITPIX", Value: int64(bitpix), Comment: "IEEE floating point"},
		{Key: "NAXIS", Value: int64(len(a.Shape)), Comment: "number of axes"},
	}
	for i := len(a.Shape) - 1; i >= 0; i-- {
		cards = append(cards, Card{Key: "NAXIS" + strconv.Itoa(len(a.Shape)-i), Value: int64(a.Shape[i])})
	}
	for _, c := range extra {
		if isStructuralKey(c.Key) {
			return nil, fmt.Errorf("datasets: fits: extra card %s is set by the writer (filter read headers with FITSUserCards)", c.Key)
		}
		cards = append(cards, c)
	}
	var out []byte
	for _, c := range cards {
		s, err := formatCard(c)
		if err != nil {
			return nil, fmt.Errorf("datasets: fits: %w", err)
		}
		out = append(out, s...)
	}
	out = append(out, fmt.Sprintf("%-80s", "END")...)
	out = append(out, bytes.Repeat([]byte{' '}, int(roundUp(int64(len(out)), fitsBlock))-len(out))...)
	return &fitsPlan{header: out, a: a, bitpix: bitpix}, nil
}

// dataSize is the number of data bytes before the padding.
func (p *fitsPlan) dataSize() int64 { return int64(len(p.a.Float64)) * int64(abs(p.bitpix)/8) }

// size is the length of the file in bytes.
func (p *fitsPlan) size() int64 { return int64(len(p.header)) + roundUp(p.dataSize(), fitsBlock) }

// writeTo writes the file to w: header, big-endian data through one chunk
// buffer, zero padding.
func (p *fitsPlan) writeTo(w io.Writer) error {
	if _, err := w.Write(p.header); err != nil {
		return err
	}
	var err error
	if p.bitpix == -32 {
		err = writeElems(w, p.a.Float64, 4, nil, func(dst []byte, v []float64) {
			for i, x := range v {
				binary.BigEndian.PutUint32(dst[4*i:], math.Float32bits(float32(x)))
			}
		})
	} else {
		err = writeElems(w, p.a.Float64, 8, nil, func(dst []byte, v []float64) {
			for i, x := range v {
				binary.BigEndian.PutUint64(dst[8*i:], math.Float64bits(x))
			}
		})
	}
	if err != nil {
		return err
	}
	_, err = w.Write(make([]byte, roundUp(p.dataSize(), fitsBlock)-p.dataSize()))
	return err
}

// formatCard renders a card in the FITS fixed format (80 characters).
func formatCard(c Card) (string, error) {
	if err := checkKeyword(c.Key); err != nil {
		return "", err
	}
	for _, r := range c.Comment {
		if r < 32 || r > 126 {
			return "", fmt.Errorf("card %s: comment has a non-printable or non-ASCII character", c.Key)
		}
	}
	if c.raw != "" {
		// a card read from a file, unchanged since: written back byte for byte
		if p, err := parseCardFields([]byte(c.raw)); err == nil && p.Key == c.Key && p.Value == c.Value &&
			p.Comment == c.Comment && p.Commentary == c.Commentary {
			if v, ok := c.Value.(RawValue); ok && !isComplexValue(string(v)) {
				return "", rawValueError(c.Key, v)
			}
			return c.raw, nil
		}
	}
	// CONTINUE (the long-string convention) never has a value indicator: its
	// text, read into Comment, goes back to columns 9–80 as for commentary.
	// Another keyword marked Commentary (read without a value indicator) goes
	// back the same way.
	alwaysCommentary := c.Key == "COMMENT" || c.Key == "HISTORY" || c.Key == "" || c.Key == "CONTINUE"
	if alwaysCommentary || c.Commentary {
		if c.Value != nil {
			return "", fmt.Errorf("commentary card %s cannot have a value (got %v; clear Commentary to write a keyword = value card)", c.Key, c.Value)
		}
		if len(c.Comment) > 72 {
			return "", fmt.Errorf("card %s: text longer than 72 characters (%d)", c.Key, len(c.Comment))
		}
		if !alwaysCommentary && strings.HasPrefix(c.Comment, "= ") {
			return "", fmt.Errorf("commentary card %s: text %q starts with \"= \" and would read as a value (start it with a blank)", c.Key, c.Comment)
		}
		return fmt.Sprintf("%-8s%-72s", c.Key, c.Comment), nil
	}
	var val string
	switch v := c.Value.(type) {
	case nil:
		val = ""
	case bool:
		val = "F"
		if v {
			val = "T"
		}
		val = fmt.Sprintf("%20s", val)
	case int:
		val = fmt.Sprintf("%20d", v)
	case int64:
		val = fmt.Sprintf("%20d", v)
	case float32:
		f, err := fitsFloat(float64(v), 32)
		if err != nil {
			return "", fmt.Errorf("card %s: %w", c.Key, err)
		}
		val = fmt.Sprintf("%20s", f)
	case float64:
		f, err := fitsFloat(v, 64)
		if err != nil {
			return "", fmt.Errorf("card %s: %w", c.Key, err)
		}
		val = fmt.Sprintf("%20s", f)
	case string:
		for _, r := range v {
			if r < 32 || r > 126 {
				return "", fmt.Errorf("card %s: string value has a non-printable or non-ASCII character", c.Key)
			}
		}
		val = fmt.Sprintf("'%-8s'", strings.ReplaceAll(v, "'", "''"))
	case RawValue:
		if !isComplexValue(string(v)) {
			return "", rawValueError(c.Key, v)
		}
		val = fmt.Sprintf("%20s", string(v))
	default:
		return "", fmt.Errorf("card %s: value of type %T not supported (bool, int, int64, float32, float64, string)", c.Key, c.Value)
	}
	s := fmt.Sprintf("%-8s= %s", c.Key, val)
	if len(s) > fitsCardLen {
		return "", fmt.Errorf("card %s: value does not fit in one card", c.Key)
	}
	if c.Comment != "" {
		s += " / " + c.Comment
		if len(s) > fitsCardLen {
			s = s[:fitsCardLen]
		}
	}
	return fmt.Sprintf("%-80s", s), nil
}

// checkKeyword refuses a keyword that is not a FITS keyword (standard 4.0,
// 4.1.2.1): 1 to 8 characters of A–Z, 0–9, '-' and '_' (blank, for a
// commentary card, too).
func checkKeyword(key string) error {
	const allowed = "a FITS keyword is at most 8 characters of A–Z, 0–9, '-' and '_'"
	if len(key) > 8 {
		return fmt.Errorf("keyword %q is longer than 8 characters (%s; longer names need ESO's HIERARCH convention, a commentary card)", key, allowed)
	}
	for _, r := range key {
		switch {
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_':
		case r >= 'a' && r <= 'z':
			return fmt.Errorf("keyword %q has lower-case letters (%s; write it in upper case)", key, allowed)
		case r == ' ':
			return fmt.Errorf("keyword %q has a blank in it (%s, blanks only after them)", key, allowed)
		default:
			return fmt.Errorf("keyword %q has the character %q (%s)", key, r, allowed)
		}
	}
	return nil
}

// complexValue matches a FITS complex value, "(re, im)" with integer or real
// parts (D exponents allowed).
var complexValue = regexp.MustCompile(`^\(\s*[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?\s*,\s*[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?\s*\)$`)

// isComplexValue reports whether a RawValue is a FITS complex value, the one
// kind of value the standard allows that Card holds as a RawValue.
func isComplexValue(v string) bool { return complexValue.MatchString(v) }

func rawValueError(key string, v RawValue) error {
	return fmt.Errorf("card %s: value %s is not a FITS value (a quoted string, T or F, an integer, a real number or a complex number (re, im))", key, string(v))
}

// fitsFloat formats a real value with enough digits to round-trip, always
// with a decimal point or an exponent, as FITS requires.
func fitsFloat(v float64, bits int) (string, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("header values cannot be NaN or infinite")
	}
	s := strconv.FormatFloat(v, 'G', -1, bits)
	if !strings.ContainsAny(s, ".E") {
		s += ".0"
	} else if i := strings.IndexByte(s, 'E'); i >= 0 && !strings.Contains(s[:i], ".") {
		s = s[:i] + ".0" + s[i:]
	}
	return s, nil
}
