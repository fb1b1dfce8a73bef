package datasets

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// fitsSel is what a FITS path's extended file-name suffix selects (the
// subset of cfitsio's syntax that Read understands): an HDU by number or by
// EXTNAME (and EXTVER), and an image section. The zero of each part selects
// nothing: the first image, all of it.
type fitsSel struct {
	text    string // the suffix as typed, "[SCI][1:480,1:480]"
	hduSet  bool   // an HDU was named (by number or EXTNAME)
	hdu     int    // its number (0 = primary) when extname is ""
	extname string // EXTNAME, matched without regard to case or trailing blanks
	extver  int64  // EXTVER wanted with extname; 0 for any (the first)
	section []secRange
}

// secRange is one axis of an image section: pixels lo to hi, counted from
// 1, both included; lo = 0 for the whole axis ('*').
type secRange struct{ lo, hi int }

// hasFITSExt reports whether a path names a FITS file by its extension:
// .fits, .fit or .fts, optionally followed by .gz (case-insensitive).
func hasFITSExt(path string) bool {
	lower := strings.TrimSuffix(strings.ToLower(path), ".gz")
	return strings.HasSuffix(lower, ".fits") || strings.HasSuffix(lower, ".fit") || strings.HasSuffix(lower, ".fts")
}

// splitFITSSel splits "FILE.fits[…]" (or .fit, .fts, optionally .gz) into
// the file and its selection. A path without a FITS extension followed by
// '[', or one that names an existing file as it is (a file whose name holds
// '['), gives (path, nil, nil). A suffix that is not valid syntax is an
// error saying what is understood.
func splitFITSSel(path string) (string, *fitsSel, error) {
	i := fitsSelStart(path)
	if i < 0 {
		return path, nil, nil
	}
	file, suffix := path[:i], path[i:]
	sel, err := parseFITSSel(suffix)
	if err != nil {
		return "", nil, fmt.Errorf("datasets: %s: %v. Understood after a FITS file name: [N] (HDU number, 0 = primary), [EXTNAME] or [EXTNAME,EXTVER], then an image section such as [*,*,K] (plane K of a cube) or [x1:x2,y1:y2] (columns x1 to x2, rows y1 to y2, counted from 1, NAXIS1 first); e.g. %s[SCI][1:480,1:480]",
			path, err, file)
	}
	return file, sel, nil
}

// fitsSelStart returns the index of the '[' that starts a FITS path's
// selection suffix ("x.fits[2]": 6), -1 when there is none: the path does
// not end in ']', has no '[' right after a FITS extension in its last
// component, or names an existing file as it is.
func fitsSelStart(path string) int {
	if !strings.HasSuffix(path, "]") {
		return -1
	}
	start := strings.LastIndex(path, "/") + 1
	for j := start; j < len(path); j++ {
		if path[j] == '[' && hasFITSExt(path[:j]) {
			if _, err := os.Stat(path); err == nil {
				return -1
			}
			return j
		}
	}
	return -1
}

// literalFITS reports whether path, a name that fitsSelStart does not
// split, still has a FITS extension followed by '[' in its last component:
// an existing file named "x.fits[2]", read as FITS.
func literalFITS(path string) bool {
	if !strings.HasSuffix(path, "]") {
		return false
	}
	for j := strings.LastIndex(path, "/") + 1; j < len(path); j++ {
		if path[j] == '[' && hasFITSExt(path[:j]) {
			return true
		}
	}
	return false
}

// parseFITSSel parses one or two bracketed groups: an HDU then a section,
// an HDU alone, or a section alone.
func parseFITSSel(s string) (*fitsSel, error) {
	sel := &fitsSel{text: s}
	var groups []string
	for rest := s; rest != ""; {
		if rest[0] != '[' {
			return nil, fmt.Errorf("%q: expected '[' at %q", s, rest)
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, fmt.Errorf("%q: no closing ']'", s)
		}
		groups = append(groups, rest[1:end])
		rest = rest[end+1:]
	}
	if len(groups) > 2 {
		return nil, fmt.Errorf("%q: at most two groups, [HDU][SECTION]", s)
	}
	for k, g := range groups {
		if isSection(g) {
			if k != len(groups)-1 {
				return nil, fmt.Errorf("%q: the image section comes last, after the HDU", s)
			}
			sec, err := parseSection(g)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", s, err)
			}
			sel.section = sec
			continue
		}
		if k != 0 {
			return nil, fmt.Errorf("%q: [%s] is not an image section", s, g)
		}
		if err := sel.parseHDU(g); err != nil {
			return nil, fmt.Errorf("%q: %v", s, err)
		}
	}
	return sel, nil
}

// isSection tells an image section ("*,*,3", "1:480,1:480") from an HDU
// ("2", "SCI", "SCI,2").
func isSection(g string) bool {
	if strings.ContainsAny(g, ":*") {
		return true
	}
	first, _, comma := strings.Cut(g, ",")
	if !comma {
		return false
	}
	_, err := strconv.Atoi(strings.TrimSpace(first))
	return err == nil // "3,4" is a section; "SCI,2" an EXTNAME and EXTVER
}

// parseHDU parses "N", "EXTNAME" or "EXTNAME,EXTVER".
func (sel *fitsSel) parseHDU(g string) error {
	g = strings.TrimSpace(g)
	if g == "" {
		return fmt.Errorf("empty HDU name")
	}
	sel.hduSet = true
	if n, err := strconv.Atoi(g); err == nil {
		if n < 0 {
			return fmt.Errorf("HDU number %d is negative (0 is the primary HDU)", n)
		}
		sel.hdu = n
		return nil
	}
	name, ver, comma := strings.Cut(g, ",")
	if comma {
		v, err := strconv.ParseInt(strings.TrimSpace(ver), 10, 64)
		if err != nil || v < 1 {
			return fmt.Errorf("EXTVER %q is not a positive integer", strings.TrimSpace(ver))
		}
		sel.extver = v
	}
	sel.extname = strings.TrimSpace(name)
	if sel.extname == "" {
		return fmt.Errorf("empty EXTNAME")
	}
	return nil
}

// parseSection parses "r1,r2,…", each r "*", "K" or "a:b" (1 ≤ a ≤ b).
func parseSection(g string) ([]secRange, error) {
	var out []secRange
	for i, p := range strings.Split(g, ",") {
		p = strings.TrimSpace(p)
		axis := i + 1
		if p == "*" {
			out = append(out, secRange{})
			continue
		}
		if strings.HasPrefix(p, "-") || strings.Count(p, ":") > 1 {
			return nil, fmt.Errorf("axis %d: %q: reversed axes ('-*', x2:x1) and steps (x1:x2:s) are not supported", axis, p)
		}
		a, b, colon := strings.Cut(p, ":")
		lo, err1 := strconv.Atoi(strings.TrimSpace(a))
		hi, err2 := lo, error(nil)
		if colon {
			hi, err2 = strconv.Atoi(strings.TrimSpace(b))
		}
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("axis %d: %q is not '*', a pixel K or a range x1:x2", axis, p)
		}
		if lo < 1 || hi < lo {
			return nil, fmt.Errorf("axis %d: %q: pixels count from 1 and x1 ≤ x2 (reversed axes are not supported)", axis, p)
		}
		out = append(out, secRange{lo, hi})
	}
	return out, nil
}

// hduInfo describes one HDU for the messages about selection.
type hduInfo struct {
	num     int
	ext     string // XTENSION, "" for the primary HDU
	extname string
	naxis   []int
}

// isImage reports whether the HDU is an image with data.
func (i hduInfo) isImage() bool {
	if i.ext != "" && i.ext != "IMAGE" || len(i.naxis) == 0 {
		return false
	}
	for _, d := range i.naxis {
		if d == 0 {
			return false
		}
	}
	return true
}

// String is "HDU 1 'SCI' image 512×512", "HDU 0 (primary, no data)",
// "HDU 3 'CAT' BINTABLE".
func (i hduInfo) String() string {
	s := fmt.Sprintf("HDU %d", i.num)
	if i.extname != "" {
		s += fmt.Sprintf(" '%s'", i.extname)
	}
	switch {
	case i.isImage():
		s += " image " + naxisString(i.naxis)
	case i.ext == "" || i.ext == "IMAGE":
		if i.ext == "" {
			s += " (primary, no data)"
		} else {
			s += " (IMAGE, no data)"
		}
	default:
		s += " " + i.ext
	}
	return s
}

// newHDUInfo reads the description of h, HDU number num.
func newHDUInfo(h *fitsHDU, num int) hduInfo {
	info := hduInfo{num: num, ext: h.ext, naxis: h.naxis}
	if c, _ := h.card("EXTNAME"); c != nil {
		if s, ok := c.Value.(string); ok {
			info.extname = strings.TrimSpace(s)
		}
	}
	return info
}

// matches reports whether the HDU h (number num) is the one sel names.
func (sel *fitsSel) matches(h *fitsHDU, num int) bool {
	if sel.extname == "" {
		return num == sel.hdu
	}
	name := ""
	if c, _ := h.card("EXTNAME"); c != nil {
		name, _ = c.Value.(string)
	}
	if !strings.EqualFold(strings.TrimSpace(name), sel.extname) {
		return false
	}
	if sel.extver == 0 {
		return true
	}
	ver := int64(1)
	if c, _ := h.card("EXTVER"); c != nil {
		if v, ok := c.Value.(int64); ok {
			ver = v
		}
	}
	return ver == sel.extver
}

// hduList is "HDU 0 (primary, no data), HDU 1 'SCI' image 512×512, …" (at
// most 12 named).
func hduList(infos []hduInfo) string {
	var parts []string
	for _, i := range infos[:min(len(infos), 12)] {
		parts = append(parts, i.String())
	}
	s := strings.Join(parts, ", ")
	if len(infos) > 12 {
		s += fmt.Sprintf(" and %d more", len(infos)-12)
	}
	return s
}

// noHDUError is the error for a selection that names no image of the file.
func (sel *fitsSel) noHDUError(infos []hduInfo, found *hduInfo) *FormatError {
	want := fmt.Sprintf("HDU %d", sel.hdu)
	if sel.extname != "" {
		want = fmt.Sprintf("EXTNAME '%s'", sel.extname)
		if sel.extver > 0 {
			want += fmt.Sprintf(" with EXTVER %d", sel.extver)
		}
	}
	what := "no " + want
	if found != nil {
		what = fmt.Sprintf("%s is %s, not an image with data", want, found.String())
		if sel.extname == "" { // not "HDU 0 is HDU 0 (primary, no data)" (badfix20)
			what = fmt.Sprintf("%s is not an image with data", found.String())
		}
	}
	return formatErrorf("fits", "%s: %s; the file holds %d HDUs: %s", sel.text, what, len(infos), hduList(infos))
}

// severalImagesNotice is the notice for a file with several images read
// without a selection (src names it; "" for data in memory).
func severalImagesNotice(src string, images []hduInfo) string {
	if src == "" {
		src = "FITS file"
	}
	return fmt.Sprintf("%s has %d images (%s): reading the first, HDU %d; choose one with FILE.fits[N] (HDU number, 0 = primary) or FILE.fits[EXTNAME]",
		src, len(images), hduList(images), images[0].num)
}

// sectionPlan checks sec against the image's axes (NAXIS1 first) and
// returns the ranges, 0-based and half-open, one per axis (the axes sec
// leaves out whole).
func sectionPlan(sec []secRange, naxis []int, hdu int, text string) ([][2]int, error) {
	if len(sec) > len(naxis) {
		return nil, formatErrorf("fits", "%s: a section of %d axes for HDU %d, an image of %d axes (%s; NAXIS1 first)", text, len(sec), hdu, len(naxis), naxisString(naxis))
	}
	out := make([][2]int, len(naxis))
	for i, d := range naxis {
		out[i] = [2]int{0, d}
		if i >= len(sec) || sec[i].lo == 0 {
			continue
		}
		if sec[i].hi > d {
			what := "columns"
			switch i {
			case 1:
				what = "rows"
			case 2:
				what = "planes"
			default:
				if i > 2 {
					what = "pixels"
				}
			}
			return nil, formatErrorf("fits", "%s: axis %d (NAXIS%d) of HDU %d has %d %s (1 to %d), not %d:%d; the image is %s", text, i+1, i+1, hdu, d, what, d, sec[i].lo, sec[i].hi, naxisString(naxis))
		}
		out[i] = [2]int{sec[i].lo - 1, sec[i].hi}
	}
	return out, nil
}

// shiftedCards returns the cards of an image cut to plan (see sectionPlan):
// NAXISn set to the new sizes, and CRPIXna of every WCS description (the
// primary and alternates A–Z) shifted by the pixels cut before the section
// (CRPIX1 − (x1 − 1), …), so that each pixel keeps its world coordinates.
// Other cards, and the input, are unchanged.
func shiftedCards(cards []Card, plan [][2]int) []Card {
	out := append([]Card(nil), cards...)
	for k := range out {
		c := &out[k]
		if c.Commentary {
			continue
		}
		if rest, ok := strings.CutPrefix(c.Key, "NAXIS"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= len(plan) {
				c.Value = int64(plan[n-1][1] - plan[n-1][0])
			}
			continue
		}
		m := wcsAxisKey.FindStringSubmatch(c.Key)
		if m == nil || !strings.HasPrefix(c.Key, "CRPIX") {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(plan) || plan[n-1][0] == 0 {
			continue
		}
		switch v := c.Value.(type) {
		case float64:
			c.Value = v - float64(plan[n-1][0])
		case int64:
			c.Value = float64(v) - float64(plan[n-1][0])
		}
	}
	return out
}

// decodeSection decodes the pixels of plan (see sectionPlan) of the image
// whose data start at the stream's position (n pixels of item bytes), read
// row by row (a row: NAXIS1 pixels), rows outside the section skipped; the
// stream is left at the end of the image's data. Memory: the section and a
// buffer of at most one chunk.
func (s *fitsStream) decodeSection(h *fitsHDU, hdu int, px *fitsPixels, item int64, plan [][2]int) ([]float64, []int, error) {
	naxis := h.naxis
	shape := make([]int, len(naxis)) // C order: slowest first
	size := 1
	for i, r := range plan {
		shape[len(shape)-1-i] = r[1] - r[0]
		size *= r[1] - r[0]
	}
	v := make([]float64, size)
	rowLen := int64(naxis[0]) * item
	nrows := int64(1)
	for _, d := range naxis[1:] {
		nrows *= int64(d)
	}
	x0, x1 := plan[0][0], plan[0][1]
	buf := chunkBuffer(int(min(nrows, 1<<20))*naxis[0], int(item))
	perChunk := max(int64(len(buf))/rowLen, 1)
	if int64(len(buf)) < rowLen {
		buf = make([]byte, rowLen)
	}
	idx := make([]int, len(naxis)) // index of the current row along axes 2…
	inside := func() bool {
		for i := 1; i < len(naxis); i++ {
			if idx[i] < plan[i][0] || idx[i] >= plan[i][1] {
				return false
			}
		}
		return true
	}
	advance := func() {
		for i := 1; i < len(naxis); i++ {
			idx[i]++
			if idx[i] < naxis[i] {
				return
			}
			idx[i] = 0
		}
	}
	truncated := func(got int64) error {
		return formatErrorf("fits", "truncated data: HDU %d declares %s pixels of BITPIX %d (%d bytes) but only %d bytes follow the header",
			hdu, naxisString(naxis), h.bitpix, nrows*rowLen, got)
	}
	done, out := int64(0), 0
	w := x1 - x0
	for done < nrows {
		// a run of rows all inside or all outside the section
		in := inside()
		run := int64(0)
		for done+run < nrows && inside() == in && (run == 0 || !in || run < perChunk) {
			run++
			advance()
		}
		if !in {
			got, err := s.skip(run * rowLen)
			if err != nil {
				return nil, nil, err
			}
			if got < run*rowLen {
				return nil, nil, truncated(done*rowLen + got)
			}
			done += run
			continue
		}
		b := buf[:run*rowLen]
		got, err := s.read(b)
		if err != nil {
			return nil, nil, err
		}
		if int64(got) < int64(len(b)) {
			return nil, nil, truncated(done*rowLen + int64(got))
		}
		for r := int64(0); r < run; r++ {
			row := b[r*rowLen : (r+1)*rowLen]
			px.decode(v[out:out+w], row[int64(x0)*item:int64(x1)*item])
			out += w
		}
		done += run
	}
	return v, shape, nil
}

// hduDataSize is the size in bytes of h's data (before padding), false
// when the header's sizes are out of range.
func hduDataSize(h *fitsHDU) (int64, bool) {
	n := int64(1)
	if len(h.naxis) == 0 {
		n = 0
	}
	for _, d := range h.naxis {
		if d < 0 || d != 0 && n > (1<<50)/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	item := int64(abs(h.bitpix) / 8)
	if h.ext == "" {
		return item * n, true
	}
	if h.pcount < 0 || h.pcount > 1<<50 || h.gcount < 0 || h.gcount > 1<<20 {
		return 0, false
	}
	per := item * (h.pcount + n)
	if h.gcount > 0 && per > (1<<62)/h.gcount {
		return 0, false
	}
	return per * h.gcount, true
}

// scanImages is called with the stream at the end of the data of image
// HDU last (the first image of the file, infos its HDUs so far): it reads
// the headers that follow, skipping their data, and returns the images of
// the whole file. Anything wrong after the image (a damaged or cut header,
// a short file) ends the scan without an error: the image was read. Cards
// beyond ASCII in these headers give no notice.
func (s *fitsStream) scanImages(infos []hduInfo, last int, size int64) []hduInfo {
	var images []hduInfo
	for _, i := range infos {
		if i.isImage() {
			images = append(images, i)
		}
	}
	nonASCII := s.nonASCII
	defer func() { s.nonASCII = nonASCII }()
	skip := func(n int64) bool {
		got, err := s.skip(n)
		return err == nil && got == n
	}
	if !skip(roundUp(size, fitsBlock) - size) {
		return images
	}
	block := make([]byte, fitsBlock)
	for hdu := last + 1; hdu < last+10000; hdu++ {
		k, err := s.read(block)
		if err != nil || k < 8 || !bytes.HasPrefix(block[:k], []byte("XTENSION")) {
			return images
		}
		h, err := s.parseFITSHeader(block, k, hdu)
		if err != nil {
			return images
		}
		info := newHDUInfo(h, hdu)
		if info.isImage() {
			images = append(images, info)
		}
		n, ok := hduDataSize(h)
		if !ok || !skip(roundUp(n, fitsBlock)) {
			return images
		}
	}
	return images
}

// readFITSSel reads the image sel selects from the FITS file (see
// decodeFITSSel), as ReadFITS.
func readFITSSel(file string, sel *fitsSel) (*Array, error) {
	return readPath(file, func(f *os.File, size int64) (*Array, error) { return decodeFITSSel(f, size, file, sel) },
		func(b []byte) (*Array, error) {
			a, err := decodeFITSSel(bytes.NewReader(b), int64(len(b)), file, sel)
			return a, memoryReadError("fits", err)
		})
}
