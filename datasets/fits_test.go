package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// TestFITSAstropyFixtures reads FITS files written by astropy and compares
// with fits.getdata saved as float64 .npy by the same script.
func TestFITSAstropyFixtures(t *testing.T) {
	cases := []struct {
		file, getdata, dtype, shape string
	}{
		{"astropy_f32.fits", "astropy_f32", "float32", "(5, 7)"},
		{"astropy_f32.fits.gz", "astropy_f32", "float32", "(5, 7)"},
		{"astropy_f64_cube.fits", "astropy_f64_cube", "float64", "(3, 5, 7)"},
		{"astropy_i32.fits", "astropy_i32", "int32", "(5, 7)"},
		{"astropy_i64.fits", "astropy_i64", "int64", "(5, 7)"},
		{"astropy_u8.fits", "astropy_u8", "uint8", "(5, 7)"},
		{"astropy_u16.fits", "astropy_u16", "uint16", "(5, 7)"},
		{"astropy_i16_scaled.fits", "astropy_i16_scaled", "float64", "(5, 7)"},
		{"astropy_i16_blank.fits", "astropy_i16_blank", "float64", "(5, 7)"},
		{"astropy_ext.fits", "astropy_ext", "float32", "(5, 7)"},
	}
	for _, c := range cases {
		a, err := Read(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		want, err := ReadNPY(filepath.Join("testdata", c.getdata+"_getdata.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if a.DType != c.dtype || shapeString(a.Shape) != c.shape {
			t.Errorf("%s: %s %s, want %s %s", c.file, a.DType, shapeString(a.Shape), c.dtype, c.shape)
		}
		want.DType = a.DType
		if c.getdata == "astropy_i16_scaled" {
			// astropy scales BITPIX 16 data in float32 arithmetic; we
			// compute BZERO + BSCALE·raw in float64.
			for i, x := range a.Float64 {
				if math.Abs(x-want.Float64[i]) > 4e-7*math.Max(1, math.Abs(x)) {
					t.Errorf("%s pixel %d: %v vs astropy %v", c.file, i, x, want.Float64[i])
				}
			}
			continue
		}
		if d := sameArray(a, want); d != "" {
			t.Errorf("%s vs astropy getdata: %s", c.file, d)
		}
	}
	// Spot checks with independent expectations.
	a, _ := ReadFITS("testdata/astropy_f32.fits")
	if got, want := a.Float64[1*7+2], float64(float32(9*0.37-1.5)); got != want {
		t.Errorf("f32 row 1 col 2 = %v, want %v (row-major, NAXIS1 fastest)", got, want)
	}
	a, _ = ReadFITS("testdata/astropy_i16_blank.fits")
	nan := 0
	for _, x := range a.Float64 {
		if math.IsNaN(x) {
			nan++
		}
	}
	if nan != 2 || !math.IsNaN(a.Float64[1*7+2]) || !math.IsNaN(a.Float64[4*7+6]) || a.Float64[0] != -17 {
		t.Errorf("BLANK handling: %d NaN, data %v", nan, a.Float64)
	}
	a, _ = ReadFITS("testdata/astropy_i16_scaled.fits")
	var bunit *Card
	for i := range a.Header {
		if a.Header[i].Key == "BUNIT" {
			bunit = &a.Header[i]
		}
	}
	if bunit == nil || bunit.Value != "MJy/sr" || bunit.Comment != "surface brightness" {
		t.Errorf("BUNIT card: %+v", bunit)
	}
	for i, x := range a.Float64 { // quantised to 0.01 by astropy
		want := float64(i)*0.37 - 1.5
		if math.Abs(x-want) > 0.005+1e-12 {
			t.Errorf("scaled pixel %d = %v, want %v ± 0.005", i, x, want)
		}
	}
}

// fitsFile assembles a FITS file from header card strings and raw data.
func fitsFile(cards []string, data []byte) []byte {
	var b []byte
	for _, c := range cards {
		b = append(b, fmt.Sprintf("%-80s", c)...)
	}
	b = append(b, fmt.Sprintf("%-80s", "END")...)
	for len(b)%2880 != 0 {
		b = append(b, ' ')
	}
	b = append(b, data...)
	for len(b)%2880 != 0 {
		b = append(b, 0)
	}
	return b
}

// TestFITSBitpix16Scaled builds a BITPIX 16 file by hand (independent of our
// writer) and checks physical = BZERO + BSCALE·raw, shape and row order.
func TestFITSBitpix16Scaled(t *testing.T) {
	raw := []int16{-32768, -1, 0, 1, 2, 32767} // 3 columns × 2 rows
	var data []byte
	for _, v := range raw {
		data = binary.BigEndian.AppendUint16(data, uint16(v))
	}
	f := fitsFile([]string{
		"SIMPLE  =                    T",
		"BITPIX  =                   16",
		"NAXIS   =                    2",
		"NAXIS1  =                    3 / columns",
		"NAXIS2  =                    2 / rows",
		"BSCALE  =               2.5D-1 / D exponent",
		"BZERO   =                 100.",
		"OBJECT  = 'it''s a test'       / quoted quote",
		"COMMENT   free text",
	}, data)
	a, err := DecodeFITS(f)
	if err != nil {
		t.Fatal(err)
	}
	if shapeString(a.Shape) != "(2, 3)" || a.DType != "float64" {
		t.Fatalf("shape %v dtype %s", a.Shape, a.DType)
	}
	for i, v := range raw {
		if want := 100 + 0.25*float64(v); a.Float64[i] != want {
			t.Errorf("pixel %d = %v, want %v", i, a.Float64[i], want)
		}
	}
	if a.Header[7].Value != "it's a test" || a.Header[8].Key != "COMMENT" || a.Header[8].Comment != "  free text" {
		t.Errorf("cards: %+v %+v", a.Header[7], a.Header[8])
	}
	// Unsigned convention: BZERO = 32768 → uint16.
	f = fitsFile([]string{"SIMPLE  = T", "BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 3", "NAXIS2  = 2", "BZERO   = 32768"}, data)
	a, err = DecodeFITS(f)
	if err != nil {
		t.Fatal(err)
	}
	if a.DType != "uint16" || a.Float64[0] != 0 || a.Float64[5] != 65535 {
		t.Errorf("uint16 convention: %s %v", a.DType, a.Float64)
	}
	// BITPIX 8 with BZERO −128 → int8.
	f = fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 1", "NAXIS1  = 3", "BZERO   = -128"}, []byte{0, 128, 255})
	a, err = DecodeFITS(f)
	if err != nil {
		t.Fatal(err)
	}
	if a.DType != "int8" || a.Float64[0] != -128 || a.Float64[1] != 0 || a.Float64[2] != 127 {
		t.Errorf("int8 convention: %s %v", a.DType, a.Float64)
	}
}

// TestFITSRoundTrip writes float32 and float64 images and cubes with extra
// cards and reads them back exactly.
func TestFITSRoundTrip(t *testing.T) {
	extra := []Card{
		{Key: "BUNIT", Value: "K_CMB", Comment: "unit"},
		{Key: "OBJECT", Value: "O'Brien's cloud"},
		{Key: "NSIDE", Value: 256},
		{Key: "SEED", Value: int64(-42)},
		{Key: "PIXSIZE", Value: 1.5e-4, Comment: "deg"},
		{Key: "WHOLE", Value: 3.0},
		{Key: "FLAG", Value: false},
		{Key: "HISTORY", Comment: "made by stkit"},
		{Key: "COMMENT", Comment: "a comment"},
	}
	for _, dtype := range []string{"float32", "float64"} {
		for _, shape := range [][]int{{4, 6}, {3, 4, 6}, {7}} {
			a, _ := NewArray(dtype, shape...)
			for i := range a.Float64 {
				a.Float64[i] = math.Sin(float64(i)) * 1e3
				if dtype == "float32" {
					a.Float64[i] = float64(float32(a.Float64[i]))
				}
			}
			a.Float64[1] = math.NaN()
			a.Float64[2] = math.Inf(-1)
			b, err := EncodeFITS(a, extra...)
			if err != nil {
				t.Fatal(err)
			}
			if len(b)%2880 != 0 {
				t.Fatalf("length %d not a multiple of 2880", len(b))
			}
			back, err := DecodeFITS(b)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameArray(a, back); d != "" {
				t.Errorf("%s %v: %s", dtype, shape, d)
			}
			got := FITSUserCards(back.Header)
			if len(got) != len(extra) {
				t.Fatalf("user cards: %+v", got)
			}
			for i, c := range extra {
				want := c
				if v, ok := want.Value.(int); ok {
					want.Value = int64(v)
				}
				if g := got[i]; g.Key != want.Key || g.Value != want.Value || g.Comment != want.Comment || g.Commentary != want.Commentary {
					t.Errorf("card %d: got %+v, want %+v", i, got[i], want)
				}
			}
			bitpix := back.Header[1]
			if wantBP := map[string]int64{"float32": -32, "float64": -64}[dtype]; bitpix.Key != "BITPIX" || bitpix.Value != wantBP {
				t.Errorf("BITPIX card %+v, want %d", bitpix, wantBP)
			}
			// Re-encoding with the cards of the file read gives the same bytes.
			b2, err := EncodeFITS(back, FITSUserCards(back.Header)...)
			if err != nil || !bytes.Equal(b, b2) {
				t.Errorf("re-encoding differs (err %v)", err)
			}
		}
	}
}

// TestFITSWriterHeaderLayout checks the exact card images of the writer.
func TestFITSWriterHeaderLayout(t *testing.T) {
	a := &Array{Shape: []int{2, 3}, DType: "float32", Float64: make([]float64, 6)}
	b, err := EncodeFITS(a, Card{Key: "BUNIT", Value: "Jy"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"SIMPLE  =                    T / conforms to FITS standard",
		"BITPIX  =                  -32 / IEEE floating point",
		"NAXIS   =                    2 / number of axes",
		"NAXIS1  =                    3",
		"NAXIS2  =                    2",
		"BUNIT   = 'Jy      '",
		"END",
	}
	for i, w := range want {
		if got := string(b[80*i : 80*i+80]); got != fmt.Sprintf("%-80s", w) {
			t.Errorf("card %d = %q, want %q", i, got, w)
		}
	}
	if len(b) != 2*2880 || !bytes.Equal(b[2880+24:], make([]byte, 2880-24)) {
		t.Errorf("layout: %d bytes", len(b))
	}
}

// TestFITSEqualsNPY writes the dust map (float32) as FITS through BITPIX −32
// and reads it back: the values equal the .npy exactly.
func TestFITSEqualsNPY(t *testing.T) {
	a, err := ReadNPY(testutil.DataFile(t, "dust/I_1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "I_1.fits")
	if err := WriteFITS(p, a, Card{Key: "ORIGIN", Value: "pywph examples/data/I_1.npy"}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	back.Header = nil
	if d := sameArray(a, back); d != "" {
		t.Fatal(d)
	}
	st, _ := os.Stat(p)
	if st.Size() != 2880+int64(roundUp(512*512*4, 2880)) {
		t.Errorf("file size %d", st.Size())
	}
}

func TestFITSErrors(t *testing.T) {
	img := func(cards ...string) []byte {
		return fitsFile(append([]string{"SIMPLE  = T"}, cards...), make([]byte, 24))
	}
	good := img("BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 3", "NAXIS2  = 2")
	noEnd := bytes.Repeat([]byte(fmt.Sprintf("%-80s", "COMMENT x")), 36)
	copy(noEnd, fmt.Sprintf("%-80s", "SIMPLE  = T"))
	nonASCII := append([]byte{}, good...)
	nonASCII[80*4+2] = 0xe9 // in the keyword: a byte beyond ASCII in a value or comment is read as '?' (TestFITSNonASCIIHeaderBytes)
	table := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil)
	table = append(table, fitsFile([]string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 4", "NAXIS2  = 2", "PCOUNT  = 0", "GCOUNT  = 1", "TFIELDS = 1"}, make([]byte, 8))...)
	fpack := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil)
	fpack = append(fpack, fitsFile([]string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 8", "NAXIS2  = 1", "PCOUNT  = 0", "GCOUNT  = 1", "ZIMAGE  = T"}, make([]byte, 8))...)
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"empty", nil, []string{"wrong magic", "empty"}},
		{"npy", []byte(npyMagic + "\x01\x00"), []string{"wrong magic", ".npy"}},
		{"no END", noEnd, []string{"truncated header", "no END"}},
		{"cut header block", good[:1000], []string{"truncated data", "only 0 bytes"}},
		{"cut in card", good[:100], []string{"truncated header"}},
		{"cut data", good[:2880+10], []string{"truncated data", "3×2", "BITPIX -32", "24 bytes", "only 10"}},
		{"bitpix", img("BITPIX  = 24", "NAXIS   = 0"), []string{"unsupported BITPIX 24"}},
		{"no naxis2", img("BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 3"), []string{"missing required keyword NAXIS2"}},
		{"naxis float", img("BITPIX  = 16", "NAXIS   = 2.0"), []string{"NAXIS = 2 is not an integer"}},
		{"negative naxis1", img("BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = -3"), []string{"NAXIS1 = -3 out of range"}},
		{"simple F", fitsFile([]string{"SIMPLE  = F", "BITPIX  = 8", "NAXIS   = 0"}, nil), []string{"does not conform"}},
		{"non-ASCII", nonASCII, []string{"card 5", "not printable ASCII"}},
		{"zero bscale", img("BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = 3", "BSCALE  = 0"), []string{"invalid scaling"}},
		{"string bzero", img("BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = 3", "BZERO   = 'x'"), []string{"BZERO = x is not a number"}},
		{"unterminated string", img("BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = 3", "OBJECT  = 'abc"), []string{"unterminated string"}},
		{"groups", img("BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 0", "NAXIS2  = 3", "GROUPS  = T"), []string{"random-groups"}},
		{"table only", table, []string{"no image"}},
		{"fpack", fpack, []string{"tile-compressed", "funpack"}},
		{"bad gzip", []byte{0x1f, 0x8b, 8, 0, 0}, []string{"gzip"}},
		{"garbage HDU", append(fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0"}, nil), fitsFile([]string{"FOO     = 1"}, nil)...), []string{"want XTENSION"}},
		{"huge", img("BITPIX  = 64", "NAXIS   = 3", "NAXIS1  = 1000000000", "NAXIS2  = 1000000000", "NAXIS3  = 1000000000"), []string{"too large"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeFITS(c.data)
			wantFormatError(t, err, c.frags...)
		})
	}
	p := filepath.Join(t.TempDir(), "cut.fits")
	os.WriteFile(p, good[:2880+10], 0o644)
	_, err := Read(p)
	wantFormatError(t, err, p, "truncated data")
}

func TestFITSWriterErrors(t *testing.T) {
	a := &Array{Shape: []int{2, 2}, DType: "float64", Float64: make([]float64, 4)}
	cases := []struct {
		a     *Array
		cards []Card
		frag  string
	}{
		{&Array{Shape: []int{1}, DType: "complex64", Complex128: []complex128{1}}, nil, "cannot write complex64"},
		{&Array{DType: "float64", Float64: []float64{1}}, nil, "0-d array"},
		{a, []Card{{Key: "NAXIS2", Value: 3}}, "set by the writer"},
		{a, []Card{{Key: "BZERO", Value: 3}}, "set by the writer"},
		{a, []Card{{Key: "lower", Value: 3}}, "has lower-case letters"},
		{a, []Card{{Key: "A.B", Value: 3}}, `has the character '.'`},
		{a, []Card{{Key: "A B", Value: 3}}, "has a blank in it"},
		{a, []Card{{Key: "X", Value: RawValue("NaN")}}, "value NaN is not a FITS value"},
		{a, []Card{{Key: "TOOLONGKEY", Value: 3}}, "longer than 8"},
		{a, []Card{{Key: "OBJECT", Value: strings.Repeat("x", 70)}}, "does not fit"},
		{a, []Card{{Key: "OBJECT", Value: "é"}}, "non-ASCII"},
		{a, []Card{{Key: "X", Value: math.NaN()}}, "NaN"},
		{a, []Card{{Key: "X", Value: []int{1}}}, "not supported"},
		{a, []Card{{Key: "HISTORY", Value: 1}}, "cannot have a value"},
	}
	for _, c := range cases {
		if _, err := EncodeFITS(c.a, c.cards...); err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%v %v: got %v, want %q", c.a.DType, c.cards, err, c.frag)
		}
	}
}

func TestFITSFloatFormat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{1, "1.0"}, {-2.5, "-2.5"}, {1e21, "1.0E+21"}, {1.5e-7, "1.5E-07"}, {0.1, "0.1"}} {
		got, err := fitsFloat(c.v, 64)
		if err != nil || got != c.want {
			t.Errorf("fitsFloat(%v) = %q, %v; want %q", c.v, got, err, c.want)
		}
		card, _ := formatCard(Card{Key: "X", Value: c.v})
		back, err := parseCard([]byte(card))
		if err != nil || back.Value != c.v {
			t.Errorf("card %q parsed as %+v (%v)", card, back, err)
		}
	}
}

// ReadMapsHeader returns the content cards of a FITS map (nil for .npy), and
// WriteMapsCards writes maps on the same grid with them (and extra HISTORY
// cards) to FITS, ignoring them for .npy.
func TestMapsHeaderCarriedOver(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 4, 6)
	for i := range m.Data {
		m.Data[i] = float64(i)
	}
	wcs := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01},
		{Key: "CRPIX1", Value: 3.0}, {Key: "CRPIX2", Value: 2.0},
		{Key: "BUNIT", Value: "MJy/sr"},
	}
	in := filepath.Join(dir, "in.fits")
	if err := WriteMapsCards(in, m, wcs...); err != nil {
		t.Fatal(err)
	}
	back, cards, err := ReadMapsHeader(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Data) != len(m.Data) || len(cards) != len(wcs) || cards[0].Value != "RA---TAN" || cards[6].Value != "MJy/sr" {
		t.Fatalf("read back %d values, cards %+v", len(back.Data), cards)
	}
	two := stlayer.NewMaps(2, 4, 6)
	out := filepath.Join(dir, "out.fits")
	if err := WriteMapsCards(out, two, append(cards, Card{Key: "HISTORY", Comment: "plane 1 = s, plane 2 = d - s"})...); err != nil {
		t.Fatal(err)
	}
	a, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	got := FITSUserCards(a.Header)
	if len(got) != len(wcs)+1 || got[2].Value != -0.01 || got[len(got)-1].Key != "HISTORY" {
		t.Errorf("output cards %+v", got)
	}
	npy := filepath.Join(dir, "out.npy")
	if err := WriteMapsCards(npy, two, cards...); err != nil {
		t.Fatalf(".npy with cards: %v", err)
	}
	if _, c, err := ReadMapsHeader(npy); err != nil || c != nil {
		t.Errorf(".npy header cards %v (err %v), want none", c, err)
	}
	if err := WriteMapsCards(filepath.Join(dir, "bad.fits"), two, Card{Key: "lower", Value: 1}); err == nil {
		t.Error("invalid card accepted")
	}
	// float32 with the batch axis kept for one map; an unknown dtype is refused.
	f32 := filepath.Join(dir, "one.fits")
	if err := WriteMapsWith(f32, m, MapsWriteOptions{DType: "float32", Batch: true}); err != nil {
		t.Fatal(err)
	}
	if a, err := Read(f32); err != nil || a.DType != "float32" || len(a.Shape) != 3 || a.Shape[0] != 1 {
		t.Errorf("float32 batch: %v %v (err %v)", a.DType, a.Shape, err)
	}
	if err := WriteMapsWith(filepath.Join(dir, "x.npy"), m, MapsWriteOptions{DType: "int8"}); err == nil {
		t.Error("int8 maps accepted")
	}
}
