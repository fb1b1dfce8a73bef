package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fitssel19HDU is one HDU for fitssel19File: an image of float32 pixels
// (naxis nil: no data) or, with table set, a one-row BINTABLE.
type fitssel19HDU struct {
	naxis []int
	pix   func(i int) float32 // pixel i in file order
	cards []Card
	table bool
}

// fitssel19File writes the HDUs as a FITS file (the first is the primary)
// in dir and returns its path.
func fitssel19File(t *testing.T, dir, name string, hdus ...fitssel19HDU) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, fitssel19Bytes(t, hdus...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fitssel19Bytes is the FITS file of fitssel19File.
func fitssel19Bytes(t testing.TB, hdus ...fitssel19HDU) []byte {
	var b bytes.Buffer
	for k, h := range hdus {
		var cards []Card
		bitpix, naxis := int64(-32), h.naxis
		if h.table {
			bitpix, naxis = 8, []int{4, 1}
		}
		if k == 0 {
			cards = append(cards, Card{Key: "SIMPLE", Value: true})
		} else if h.table {
			cards = append(cards, Card{Key: "XTENSION", Value: "BINTABLE"})
		} else {
			cards = append(cards, Card{Key: "XTENSION", Value: "IMAGE"})
		}
		cards = append(cards, Card{Key: "BITPIX", Value: bitpix}, Card{Key: "NAXIS", Value: int64(len(naxis))})
		for i, d := range naxis {
			cards = append(cards, Card{Key: "NAXIS" + string(rune('1'+i)), Value: int64(d)})
		}
		if k > 0 {
			cards = append(cards, Card{Key: "PCOUNT", Value: int64(0)}, Card{Key: "GCOUNT", Value: int64(1)})
		}
		if h.table {
			cards = append(cards, Card{Key: "TFIELDS", Value: int64(1)}, Card{Key: "TFORM1", Value: "1E"})
		}
		cards = append(cards, h.cards...)
		for _, c := range cards {
			s, err := formatCard(c)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(s)
		}
		b.WriteString("END" + strings.Repeat(" ", 77))
		for b.Len()%fitsBlock != 0 {
			b.WriteByte(' ')
		}
		n := 0
		if len(naxis) > 0 {
			n = 1
			for _, d := range naxis {
				n *= d
			}
		}
		if h.table {
			b.Write(make([]byte, n))
		} else {
			for i := 0; i < n; i++ {
				binary.Write(&b, binary.BigEndian, h.pix(i))
			}
		}
		for b.Len()%fitsBlock != 0 {
			b.WriteByte(0)
		}
	}
	return b.Bytes()
}

// fitssel19Notices collects the package's notices while f runs.
func fitssel19Notices(f func()) []string {
	var mu sync.Mutex
	var got []string
	prev := SetNotify(func(m string) { mu.Lock(); got = append(got, m); mu.Unlock() })
	defer SetNotify(prev)
	f()
	return got
}

// two image extensions, SCI and RMS, after an empty primary HDU, and a
// table: pixel i of HDU k holds 1000k + i
func fitssel19TwoExt(t *testing.T, dir string) string {
	pix := func(k int) func(int) float32 { return func(i int) float32 { return float32(1000*k + i) } }
	return fitssel19File(t, dir, "two.fits",
		fitssel19HDU{},
		fitssel19HDU{naxis: []int{8, 6}, pix: pix(1), cards: []Card{{Key: "EXTNAME", Value: "SCI"}}},
		fitssel19HDU{naxis: []int{8, 6}, pix: pix(2), cards: []Card{{Key: "EXTNAME", Value: "RMS"}}},
		fitssel19HDU{table: true, cards: []Card{{Key: "EXTNAME", Value: "CAT"}}},
	)
}

// "FILE.fits[N]", "[EXTNAME]" and "[EXTNAME,EXTVER]" read that HDU (cfitsio's
// syntax: 0 is the primary HDU); one that is not an image, or no HDU at all,
// is refused naming the HDUs the file holds. Without a selection a file of
// several images gives a notice naming them and the syntax (it read the
// first silently); a file of one image gives none. Also through gzip.
func TestFitssel19HDU(t *testing.T) {
	dir := t.TempDir()
	p := fitssel19TwoExt(t, dir)
	first := func(a *Array, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Shape) != 2 || a.Shape[0] != 6 || a.Shape[1] != 8 {
			t.Fatalf("shape %v", a.Shape)
		}
		return a.Float64[0]
	}
	for sfx, want := range map[string]float64{"[2]": 2000, "[1]": 1000, "[rms]": 2000, "[SCI]": 1000, "[RMS,1]": 2000} {
		var v float64
		notes := fitssel19Notices(func() { v = first(Read(p + sfx)) })
		if v != want || len(notes) != 0 {
			t.Errorf("%s: first pixel %v, want %v; notices %q", sfx, v, want, notes)
		}
	}
	m, err := ReadMaps(p + "[2]")
	if err != nil || m.B != 1 || m.M != 6 || m.N != 8 || m.Data[47] != 2047 {
		t.Errorf("ReadMaps [2]: %+v %v", m, err)
	}
	list := "HDU 0 (primary, no data), HDU 1 'SCI' image 8×6, HDU 2 'RMS' image 8×6, HDU 3 'CAT' BINTABLE"
	for sfx, want := range map[string]string{
		"[0]":     "[0]: HDU 0 (primary, no data) is not an image with data;",
		"[3]":     "[3]: HDU 3 'CAT' BINTABLE is not an image with data;",
		"[CAT]":   "[CAT]: EXTNAME 'CAT' is HDU 3 'CAT' BINTABLE, not an image with data;",
		"[9]":     "[9]: no HDU 9; the file holds 4 HDUs: " + list,
		"[FOO]":   "no EXTNAME 'FOO'; the file holds 4 HDUs: " + list,
		"[SCI,2]": "no EXTNAME 'SCI' with EXTVER 2",
	} {
		_, err := Read(p + sfx)
		if _, ok := err.(*FormatError); !ok || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), list) {
			t.Errorf("%s: %v, want a *FormatError with %q and the list", sfx, err, want)
		}
	}
	// no selection: the first image, and a notice
	var v float64
	notes := fitssel19Notices(func() { v = first(Read(p)) })
	wantNote := p + " has 2 images (HDU 1 'SCI' image 8×6, HDU 2 'RMS' image 8×6): reading the first, HDU 1; choose one with FILE.fits[N] (HDU number, 0 = primary) or FILE.fits[EXTNAME]"
	if v != 1000 || len(notes) != 1 || notes[0] != wantNote {
		t.Errorf("no selection: %v, notices %q, want %q", v, notes, wantNote)
	}
	// gzip: the same
	raw, _ := os.ReadFile(p)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	pz := p + ".gz"
	if err := os.WriteFile(pz, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	notes = fitssel19Notices(func() { v = first(Read(pz + "[RMS]")) })
	if v != 2000 || len(notes) != 0 {
		t.Errorf(".gz[RMS]: %v, notices %q", v, notes)
	}
	notes = fitssel19Notices(func() { v = first(Read(pz)) })
	if v != 1000 || len(notes) != 1 || !strings.Contains(notes[0], "has 2 images") {
		t.Errorf(".gz: %v, notices %q", v, notes)
	}
	// one image: no notice; an image after a table is still found
	one := fitssel19File(t, dir, "one.fits", fitssel19HDU{naxis: []int{4, 4}, pix: func(i int) float32 { return float32(i) }},
		fitssel19HDU{table: true})
	if notes := fitssel19Notices(func() { Read(one) }); len(notes) != 0 {
		t.Errorf("one image: notices %q", notes)
	}
	// damaged bytes after the image read: the image is still read, silently
	b, _ := os.ReadFile(p)
	cut := filepath.Join(dir, "cut.fits")
	os.WriteFile(cut, append(b[:3*fitsBlock:3*fitsBlock], []byte("XTENSION= garbage")...), 0o644)
	notes = fitssel19Notices(func() { v = first(Read(cut)) })
	if v != 1000 || len(notes) != 0 {
		t.Errorf("damaged after the image: %v, notices %q", v, notes)
	}
	if FilePart(p+"[SCI][1:4,1:2]") != p || FilePart(p) != p {
		t.Errorf("FilePart: %q", FilePart(p+"[SCI][1:4,1:2]"))
	}
}

// An image section "[x1:x2,y1:y2]", "[*,*,K]" (1-based, NAXIS1 first, both
// ends included) cuts the image as cfitsio does, alone or after an HDU; the
// header read has the section's NAXISn and CRPIXn shifted by the pixels cut
// before it (alternate WCS too). Out-of-range and malformed sections are
// refused naming the axis and its range. A file whose name holds the
// brackets is read as it is.
func TestFitssel19Section(t *testing.T) {
	defer SetNotify(SetNotify(func(string) {}))
	dir := t.TempDir()
	const nx, ny, nz = 5, 4, 3
	pix := func(i int) float32 { return float32(i) } // pixel (x, y, z) holds x + 5y + 20z, 0-based
	wcs := []Card{{Key: "CTYPE1", Value: "RA---SIN"}, {Key: "CRPIX1", Value: 10.0}, {Key: "CRPIX2", Value: int64(20)},
		{Key: "CTYPE3", Value: "FREQ"}, {Key: "CRPIX3", Value: 1.0}, {Key: "CRVAL3", Value: 1.4e9}, {Key: "CDELT3", Value: 1e6}, {Key: "CRPIX1A", Value: 0.5}}
	p := fitssel19File(t, dir, "cube.fits", fitssel19HDU{naxis: []int{nx, ny, nz}, pix: pix, cards: wcs},
		fitssel19HDU{naxis: []int{2, 2}, pix: pix, cards: []Card{{Key: "EXTNAME", Value: "AUX"}}})
	card := func(a *Array, key string) any {
		for _, c := range a.Header {
			if c.Key == key {
				return c.Value
			}
		}
		return nil
	}
	for _, c := range []struct {
		sfx                    string
		x0, x1, y0, y1, z0, z1 int // 0-based, half-open
		shape                  []int
	}{
		{"[*,*,2]", 0, nx, 0, ny, 1, 2, []int{1, ny, nx}},
		{"[0][*,*,3]", 0, nx, 0, ny, 2, 3, []int{1, ny, nx}},
		{"[2:4,1:3]", 1, 4, 0, 3, 0, nz, []int{nz, 3, 3}},
		{"[2:4,2:3,3]", 1, 4, 1, 3, 2, 3, []int{1, 2, 3}},
		{"[5,*,2:3]", 4, 5, 0, ny, 1, 3, []int{2, ny, 1}},
	} {
		var a *Array
		var err error
		notes := fitssel19Notices(func() { a, err = Read(p + c.sfx) })
		if err != nil {
			t.Errorf("%s: %v", c.sfx, err)
			continue
		}
		if shapeString(a.Shape) != shapeString(c.shape) {
			t.Errorf("%s: shape %v, want %v", c.sfx, a.Shape, c.shape)
			continue
		}
		k := 0
		for z := c.z0; z < c.z1; z++ {
			for y := c.y0; y < c.y1; y++ {
				for x := c.x0; x < c.x1; x++ {
					if want := float64(x + nx*y + nx*ny*z); a.Float64[k] != want {
						t.Fatalf("%s: pixel %d = %v, want %v", c.sfx, k, a.Float64[k], want)
					}
					k++
				}
			}
		}
		if k != len(a.Float64) || a.DType != "float32" {
			t.Errorf("%s: %d pixels, want %d; dtype %s", c.sfx, len(a.Float64), k, a.DType)
		}
		num := func(key string) float64 {
			switch v := card(a, key).(type) {
			case float64:
				return v
			case int64:
				return float64(v)
			}
			return math.NaN()
		}
		if num("CRPIX1") != 10.0-float64(c.x0) || num("CRPIX2") != 20.0-float64(c.y0) || num("CRPIX3") != 1.0-float64(c.z0) ||
			num("CRPIX1A") != 0.5-float64(c.x0) || num("CRVAL3") != 1.4e9 {
			t.Errorf("%s: CRPIX1 %v, CRPIX2 %v, CRPIX3 %v, CRPIX1A %v", c.sfx, card(a, "CRPIX1"), card(a, "CRPIX2"), card(a, "CRPIX3"), card(a, "CRPIX1A"))
		}
		if card(a, "NAXIS1") != int64(c.x1-c.x0) || card(a, "NAXIS2") != int64(c.y1-c.y0) || card(a, "NAXIS3") != int64(c.z1-c.z0) {
			t.Errorf("%s: NAXISn %v %v %v", c.sfx, card(a, "NAXIS1"), card(a, "NAXIS2"), card(a, "NAXIS3"))
		}
		// a section alone still reads the first image, with the notice (the
		// stream is at the right place after the rows skipped)
		hduSet := strings.HasPrefix(c.sfx, "[0]")
		if hduSet && len(notes) != 0 || !hduSet && (len(notes) != 1 || !strings.Contains(notes[0], "has 2 images")) {
			t.Errorf("%s: notices %q", c.sfx, notes)
		}
	}
	// plane 2 as one map, WCS kept for outputs: the FREQ axis moves to
	// axis 4 beside the plane axis, at the plane's pixel
	m, cards, err := ReadMapsHeader(p + "[*,*,2]")
	if err != nil || m.B != 1 || m.M != ny || m.N != nx || m.Data[0] != 20 {
		t.Fatalf("ReadMapsHeader [*,*,2]: %+v %v", m, err)
	}
	got := map[string]any{}
	for _, c := range PlaneAxisCards(cards, "planes") {
		got[c.Key] = c.Value
	}
	if got["CTYPE4"] != "FREQ" || got["CRPIX4"] != 0.0 || got["CRVAL4"] != 1.4e9 || got["CTYPE3"] != "PLANE" {
		t.Errorf("plane's cards for a 3-plane output: %v", got)
	}
	for sfx, want := range map[string]string{
		"[1:6,*]":     "axis 1 (NAXIS1) of HDU 0 has 5 columns (1 to 5), not 1:6; the image is 5×4×3",
		"[*,*,4]":     "axis 3 (NAXIS3) of HDU 0 has 3 planes (1 to 3), not 4:4",
		"[AUX][*,3]":  "axis 2 (NAXIS2) of HDU 1 has 2 rows (1 to 2), not 3:3",
		"[*,*,*,1]":   "a section of 4 axes for HDU 0, an image of 3 axes (5×4×3; NAXIS1 first)",
		"[3:2,*]":     "pixels count from 1 and x1 ≤ x2",
		"[-*,*]":      "reversed axes",
		"[1:4:2,*]":   "steps (x1:x2:s) are not supported",
		"[*,*][1]":    "the image section comes last",
		"[1][2][3]":   "at most two groups",
		"[a:b,*]":     "is not '*', a pixel K or a range x1:x2",
		"[SCI,x]":     "EXTVER \"x\" is not a positive integer",
		"[1][SCI]":    "[SCI] is not an image section",
		"[0:3,*]":     "pixels count from 1",
		"[1:2,1:2]x]": "expected '['",
	} {
		_, err := Read(p + sfx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", sfx, err, want)
		}
	}
	// a real file named with brackets opens as it is
	lit := fitssel19File(t, dir, "lit.fits[2]", fitssel19HDU{naxis: []int{3, 2}, pix: pix})
	if a, err := Read(lit); err != nil || len(a.Float64) != 6 || FilePart(lit) != lit {
		t.Errorf("literal file: %v %v, FilePart %q", a, err, FilePart(lit))
	}
	if _, err := ReadFITS(p + "[2:3,2:3,1]"); err != nil {
		t.Errorf("ReadFITS with a section: %v", err)
	}
}

// synth cd_matrix.fits turned CD1_1 = −0.0833 into CDELT1 = +0.0833; the
// sign is now kept (CD and PC), with rotation terms that of the CROTA
// convention, and a 90° rotation's signs from the determinant.
func TestFitssel19CDSign(t *testing.T) {
	h := math.Sqrt2 / 2
	for _, c := range []struct {
		name   string
		in     []Card
		c1, c2 float64
	}{
		{"CD diagonal", []Card{{Key: "CD1_1", Value: -0.0833}, {Key: "CD2_2", Value: 0.0833}}, -0.0833, 0.0833},
		{"CD flipped rows", []Card{{Key: "CD1_1", Value: 0.5}, {Key: "CD2_2", Value: -0.25}}, 0.5, -0.25},
		{"CD rotated -45°, CDELT1 < 0", []Card{{Key: "CD1_1", Value: -h}, {Key: "CD1_2", Value: h}, {Key: "CD2_1", Value: h}, {Key: "CD2_2", Value: h}}, -1, 1},
		{"CD rotated 90°, det < 0", []Card{{Key: "CD1_2", Value: 2.0}, {Key: "CD2_1", Value: 2.0}}, -2, 2},
		{"CD rotated 90°, det > 0", []Card{{Key: "CD1_2", Value: -2.0}, {Key: "CD2_1", Value: 2.0}}, 2, 2},
		{"PC flip", []Card{{Key: "CDELT1", Value: 0.1}, {Key: "CDELT2", Value: 0.1}, {Key: "PC1_1", Value: -1.0}}, -0.1, 0.1},
		{"PC, CDELT1 < 0", []Card{{Key: "CDELT1", Value: -0.1}, {Key: "CDELT2", Value: 0.1}, {Key: "PC1_1", Value: 1.0}, {Key: "PC2_2", Value: 1.0}}, -0.1, 0.1},
	} {
		got := map[string]float64{}
		for _, k := range PixelScaleCards(c.in) {
			if v, ok := k.Value.(float64); ok {
				got[k.Key] = v
			}
		}
		if math.Abs(got["CDELT1"]-c.c1) > 1e-12 || math.Abs(got["CDELT2"]-c.c2) > 1e-12 {
			t.Errorf("%s: CDELT1 %v, CDELT2 %v, want %v, %v", c.name, got["CDELT1"], got["CDELT2"], c.c1, c.c2)
		}
	}
}

// separate's output of a radio map with degenerate FREQ and STOKES axes
// (NAXIS3 = NAXIS4 = 1) replaced them by PLANE: they now move to axes 4 and
// 5 (WCSAXES 5), matrix and PV terms with them, and the header written
// reads back.
func TestFitssel19DegenerateAxes(t *testing.T) {
	in := []Card{
		{Key: "WCSAXES", Value: int64(4)},
		{Key: "CTYPE1", Value: "RA---SIN"}, {Key: "CTYPE2", Value: "DEC--SIN"}, {Key: "CTYPE3", Value: "FREQ"}, {Key: "CTYPE4", Value: "STOKES"},
		{Key: "CRPIX3", Value: 1.0}, {Key: "CRVAL3", Value: 1.42e9}, {Key: "CDELT3", Value: 1e5}, {Key: "CUNIT3", Value: "Hz"},
		{Key: "CRVAL4", Value: 1.0}, {Key: "PC1_1", Value: 1.0}, {Key: "PC3_3", Value: 1.0}, {Key: "PC1_3", Value: 0.0}, {Key: "PV2_1", Value: 0.0}, {Key: "PV3_1", Value: 2.0},
		{Key: "CTYPE3A", Value: "VRAD"}, {Key: "BUNIT", Value: "JY/BEAM"},
	}
	out := PlaneAxisCards(in, "1 = s, 2 = DATA - s")
	got := map[string]any{}
	var keys []string
	for _, c := range out {
		got[c.Key] = c.Value
		keys = append(keys, c.Key)
	}
	want := map[string]any{"WCSAXES": int64(5), "CTYPE3": "PLANE", "CTYPE4": "FREQ", "CTYPE5": "STOKES", "CRPIX4": 1.0, "CRVAL4": 1.42e9, "CDELT4": 1e5, "CUNIT4": "Hz",
		"CRVAL5": 1.0, "PC1_1": 1.0, "PC4_4": 1.0, "PC1_4": 0.0, "PV2_1": 0.0, "PV4_1": 2.0, "CTYPE4A": "VRAD", "CTYPE3A": "PLANE", "BUNIT": "JY/BEAM", "CRVAL3": 1.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// + WCSAXESA = 4 before CTYPE4A (unitfits20: its VRAD axis moved to 4,
	// beyond NAXIS)
	if len(out) != len(in)+2*5+1 || keys[0] != "WCSAXES" || got["WCSAXESA"] != int64(4) || keys[20] != "WCSAXESA" || keys[21] != "CTYPE4A" {
		t.Errorf("%d cards (want %d): %v", len(out), len(in)+11, keys)
	}
	if in[3].Key != "CTYPE3" || in[0].Value != int64(4) {
		t.Errorf("input modified: %+v %+v", in[0], in[3])
	}
	// no WCSAXES: 2-D input gets none, WCSAXES stays implicit; written and read back
	p := filepath.Join(t.TempDir(), "o.fits")
	a := &Array{Shape: []int{2, 3, 3}, DType: "float64", Float64: make([]float64, 18)}
	if err := WriteFITS(p, a, out...); err != nil {
		t.Fatal(err)
	}
	b, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range b.Header {
		if c.Key == "CTYPE5" && c.Value != "STOKES" {
			t.Errorf("read back: %+v", c)
		}
	}
}

// FuzzFitssel19Select: any suffix after a FITS name either is refused by
// the parser or selects an HDU and section of a 3-HDU file (a 5×4×3 cube, a
// 2×2 image 'AUX', a table) without a panic, the array read having the
// section's size; seeds cover the syntax the tests above use.
func FuzzFitssel19Select(f *testing.F) {
	for _, s := range []string{"[1]", "[AUX]", "[aux,1]", "[*,*,2]", "[0][2:4,1:3]", "[1][1:2,2]", "[2]", "[-*,*]", "[1:4:2]",
		"[*,*,*,*]", "[0:1]", "[5,5,5]", "[SCI][1:480,1:480]", "[][]", "[,]", "[1:,:2]", "[9999999999999999999]", "[ 2 : 3 , * ]"} {
		f.Add(s)
	}
	pix := func(i int) float32 { return float32(i) }
	file := fitssel19Bytes(f, fitssel19HDU{naxis: []int{5, 4, 3}, pix: pix},
		fitssel19HDU{naxis: []int{2, 2}, pix: pix, cards: []Card{{Key: "EXTNAME", Value: "AUX"}}}, fitssel19HDU{table: true})
	defer SetNotify(SetNotify(func(string) {}))
	f.Fuzz(func(t *testing.T, suffix string) {
		sel, err := parseFITSSel(suffix)
		if err != nil {
			return
		}
		for _, r := range sel.section {
			if r.lo < 0 || r.lo > 0 && r.hi < r.lo {
				t.Fatalf("%q: range %+v", suffix, r)
			}
		}
		a, err := decodeFITSSel(bytes.NewReader(file), int64(len(file)), "", sel)
		if err != nil {
			return
		}
		if shapeSize(a.Shape) != len(a.Float64) {
			t.Fatalf("%q: shape %v, %d pixels", suffix, a.Shape, len(a.Float64))
		}
		for i, r := range sel.section {
			if r.lo > 0 && a.Shape[len(a.Shape)-1-i] != r.hi-r.lo+1 {
				t.Fatalf("%q: shape %v", suffix, a.Shape)
			}
		}
	})
}
