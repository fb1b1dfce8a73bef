package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Fuzz targets. Seeds (run as ordinary tests): valid files of every kind
// built here and small fixtures in testdata/, plus truncations and
// single-byte corruptions of them (FuzzDecodeFITS and FuzzDecodeNPZ take a
// compact form of the file, see fitsFuzzExpand and npzFuzzExpand in
// npzfuzz_test.go). The property checked: no panic; a decoded array is
// consistent (shape × dtype matches the data) and survives an encode/decode
// round trip unchanged.
//
//	go test ./datasets -run XXX -fuzz FuzzDecodeNPY -fuzztime 150s
//	go test ./datasets -run XXX -fuzz FuzzDecodeFITS -fuzztime 150s
//	go test ./datasets -run XXX -fuzz FuzzDecodeNPZ -fuzztime 150s

// addVariants adds b, some truncations and some corrupted copies.
func addVariants(f *testing.F, b []byte) {
	f.Add(b)
	for _, n := range []int{0, 1, 6, 9, 10, 11, 12, len(b) / 3, len(b) / 2, len(b) - 1} {
		if n >= 0 && n < len(b) {
			f.Add(b[:n])
		}
	}
	for _, i := range []int{6, 8, 9, 20, 30, len(b) / 2} {
		if i < len(b) {
			c := append([]byte(nil), b...)
			c[i] ^= 0x5a
			f.Add(c)
		}
	}
}

func npySeeds(f *testing.F) {
	for kind, dtype := range kindDType {
		for _, shape := range [][]int{{}, {3}, {2, 3}} {
			a, _ := NewArray(dtype, shape...)
			fillFixture(a, kind)
			for _, opt := range []NPYOptions{{}, {BigEndian: true, FortranOrder: true}, {Version: 2}, {Version: 3}} {
				b, err := EncodeNPY(a, opt)
				if err != nil {
					f.Fatal(err)
				}
				if len(shape) == 2 {
					addVariants(f, b)
				} else {
					f.Add(b)
				}
			}
		}
	}
	for _, p := range []string{"v1_f8_be.npy", "v2_f8_be.npy", "v3_f8_be.npy", "i8_extremes.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(npyMagic + "\x01\x00\x10\x00{'descr': [(1,)]}"))
	// numpy strings ('<U{w}', '>U{w}'): arrays of every layout, and a header
	// whose shape's byte count overflows.
	for _, shape := range [][]int{{}, {3}, {2, 2}} {
		a, _ := NewArray(StringDType, shape...)
		for i := range a.Strings {
			a.Strings[i] = []string{"ab", "", "σ₈🙂", "a\x00b"}[i%4]
		}
		for _, opt := range []NPYOptions{{}, {BigEndian: true, FortranOrder: true}, {Version: 3}} {
			b, err := EncodeNPY(a, opt)
			if err != nil {
				f.Fatal(err)
			}
			addVariants(f, b)
		}
	}
	f.Add(npyWithHeader(1, "{'descr': '<U1000', 'fortran_order': False, 'shape': (1099511627776, 1048576)}\n", []byte("abcd")))
}

// checkRoundTrip verifies that a decoded array is consistent and that
// encoding and decoding it again gives the same array (strings included).
func checkRoundTrip(t *testing.T, a *Array, encode func(*Array) ([]byte, error), decode func([]byte) (*Array, error)) {
	t.Helper()
	if err := a.consistent(); err != nil {
		t.Fatalf("decoded array is inconsistent: %v", err)
	}
	b, err := encode(a)
	if err != nil {
		t.Fatalf("cannot re-encode a decoded array: %v", err)
	}
	back, err := decode(b)
	if err != nil {
		t.Fatalf("cannot decode our own encoding: %v", err)
	}
	back.Header = nil
	c := *a
	c.Header = nil
	if d := sameArray(&c, back); d != "" {
		t.Fatalf("round trip: %s", d)
	}
	if !slices.Equal(a.Strings, back.Strings) || (a.Strings == nil) != (back.Strings == nil) {
		t.Fatalf("round trip: strings %q, read back %q", a.Strings, back.Strings)
	}
}

func FuzzDecodeNPY(f *testing.F) {
	npySeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeNPY(b)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkRoundTrip(t, a, func(a *Array) ([]byte, error) { return EncodeNPY(a, NPYOptions{BigEndian: true}) }, DecodeNPY)
	})
}

// The FITS target does not take file bytes directly. A FITS file is at
// least one 2880-byte block, mostly blank padding, and Go's fuzzer minimises
// every input that adds coverage (up to -fuzzminimizetime, 60 s by default,
// during which no execs are counted) with a pass that tries removing each of
// its n²/2 byte ranges: with the 5.8–8.6 KB files as seeds, a 60 s run spent
// ~15 s fuzzing (~100k execs) and the rest minimising (execs frozen). Its
// input is a compact form (fitsFuzzExpand) in which one byte stands for a
// card's or a block's padding; every file has such a form
// (fitsFuzzCompact), the seeds' are 20–400 bytes, and inputs longer than
// fitsFuzzMax are not decoded, so that no input the fuzzer keeps is long to
// minimise.
const (
	fitsFuzzCard  = '\n'   // spaces up to the next multiple of 80 bytes
	fitsFuzzBlock = '\f'   // spaces up to the next multiple of 2880 bytes
	fitsFuzzZeros = '\v'   // zero bytes up to the next multiple of 2880 bytes
	fitsFuzzEsc   = '\x1b' // the next byte, literally
	fitsFuzzMax   = 512    // longer inputs are skipped
)

// fitsFuzzExpand returns the file a compact fuzz input stands for.
func fitsFuzzExpand(b []byte) []byte {
	out := make([]byte, 0, len(b)+fitsBlock)
	pad := func(m int, c byte) {
		for len(out)%m != 0 {
			out = append(out, c)
		}
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case fitsFuzzCard:
			pad(fitsCardLen, ' ')
		case fitsFuzzBlock:
			pad(fitsBlock, ' ')
		case fitsFuzzZeros:
			pad(fitsBlock, 0)
		case fitsFuzzEsc:
			if i+1 < len(b) {
				i++
				out = append(out, b[i])
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// fitsFuzzCompact returns a compact form of file: fitsFuzzExpand gives file
// back.
func fitsFuzzCompact(file []byte) []byte {
	var out []byte
	for p := 0; p < len(file); {
		c := file[p]
		if (c == ' ' || c == 0) && p%fitsBlock != 0 {
			q := p
			for q < len(file) && file[q] == c {
				q++
			}
			block, card := (p/fitsBlock+1)*fitsBlock, (p/fitsCardLen+1)*fitsCardLen
			switch {
			case q >= block && c == ' ':
				out, p = append(out, fitsFuzzBlock), block
				continue
			case q >= block:
				out, p = append(out, fitsFuzzZeros), block
				continue
			case q >= card && c == ' ' && p%fitsCardLen != 0:
				out, p = append(out, fitsFuzzCard), card
				continue
			}
		}
		switch c {
		case fitsFuzzCard, fitsFuzzBlock, fitsFuzzZeros, fitsFuzzEsc:
			out = append(out, fitsFuzzEsc)
		}
		out = append(out, c)
		p++
	}
	return out
}

// fitsFuzzSeeds returns the FITS files the fuzz target starts from: small
// images of every BITPIX and scaling convention, a cube, headers with string,
// comment, commentary, blank and D-exponent cards, an IMAGE extension after
// an empty primary HDU, a BINTABLE to skip, gzip, the writer's layout, and
// truncations and corruptions.
func fitsFuzzSeeds() ([][]byte, error) {
	var seeds [][]byte
	img := func(bitpix, data string, extra ...string) []byte {
		cards := append([]string{"SIMPLE  = T", "BITPIX  = " + bitpix, "NAXIS   = 2", "NAXIS1  = 3", "NAXIS2  = 2"}, extra...)
		return fitsFile(cards, []byte(data))
	}
	be := func(bits int, v ...uint64) string {
		var b []byte
		for _, x := range v {
			switch bits {
			case 16:
				b = binary.BigEndian.AppendUint16(b, uint16(x))
			case 32:
				b = binary.BigEndian.AppendUint32(b, uint32(x))
			default:
				b = binary.BigEndian.AppendUint64(b, x)
			}
		}
		return string(b)
	}
	f32 := func(v ...float32) string {
		var b []byte
		for _, x := range v {
			b = binary.BigEndian.AppendUint32(b, math.Float32bits(x))
		}
		return string(b)
	}
	inf, nan := math.Inf(1), math.NaN()
	scaled := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 1", "BSCALE  = 0.5", "BZERO   = 3", "BLANK   = 7"}, []byte{0, 7, 1, 2})
	u16 := img("16", be(16, 0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff), "BSCALE  = 1", "BZERO   = 32768")
	ext := append(fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil),
		fitsFile([]string{"XTENSION= 'IMAGE   '", "BITPIX  = -32", "NAXIS   = 1", "NAXIS1  = 2", "PCOUNT  = 0", "GCOUNT  = 1",
			"BUNIT   = 'MJy/sr  '           / surface brightness", "OBJECT  = 'it''s'", "EXPTIME = 1.5D2", "HISTORY x", "COMMENT y", ""},
			[]byte(f32(1.5, -2)))...)
	table := append(fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0"}, nil),
		fitsFile([]string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 4", "NAXIS2  = 2", "PCOUNT  = 3", "GCOUNT  = 1", "TFIELDS = 1"}, make([]byte, 11))...)
	table = append(table, fitsFile([]string{"XTENSION= 'IMAGE'", "BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = 2", "PCOUNT  = 0", "GCOUNT  = 1", "BLANK   = -1"}, []byte(be(16, 0xffff, 5)))...)
	seeds = append(seeds,
		img("8", "\x00\x01\x7f\x80\xfe\xff"),
		img("8", "\x00\x01\x7f\x80\xfe\xff", "BZERO   = -128"),
		scaled,
		u16,
		img("32", be(32, 0, 1, 1<<31-1, 1<<31, 1<<32-2, 1<<32-1)),
		img("32", be(32, 0, 1, 1<<31-1, 1<<31, 1<<32-2, 1<<32-1), "BZERO   = 2147483648"),
		img("64", be(64, 0, 1, 1<<63-1, 1<<63, 1<<64-2, 1<<64-1)),
		img("64", be(64, 0, 1, 1<<63-1, 1<<63, 1<<64-2, 1<<64-1), "BZERO   = 9223372036854775808", "BSCALE  = 1.0"),
		img("-32", f32(0, -1, 3.5, float32(inf), float32(nan), 1e-45)),
		img("-64", be(64, 0, math.Float64bits(-1), math.Float64bits(inf), math.Float64bits(nan), 1, 1<<63)),
		fitsFile([]string{"SIMPLE  = T", "BITPIX  = -64", "NAXIS   = 3", "NAXIS1  = 2", "NAXIS2  = 1", "NAXIS3  = 2"}, []byte(be(64, 0, 1, 2, 3))),
		ext, table,
	)
	for _, b := range [][]byte{u16, ext} {
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(b)
		w.Close()
		seeds = append(seeds, gz.Bytes())
	}
	for _, dtype := range []string{"float32", "float64"} {
		a := &Array{Shape: []int{2, 3}, DType: dtype, Float64: []float64{1, -2, 3.5, 0, 1e30, -1e-30}}
		b, err := EncodeFITS(a, Card{Key: "BUNIT", Value: "K"}, Card{Key: "HISTORY", Comment: "x"})
		if err != nil {
			return nil, err
		}
		seeds = append(seeds, b)
	}
	for _, n := range []int{0, 1, 9, 10, 80, 100, 2880, 2880 + 2, 2880 + 5} {
		seeds = append(seeds, scaled[:n])
	}
	for _, i := range []int{8, 9, 80*3 + 12, 80*4 + 10, 2880 + 1} {
		c := append([]byte(nil), scaled...)
		c[i] ^= 0x5a
		seeds = append(seeds, c)
	}
	return seeds, nil
}

func FuzzDecodeFITS(f *testing.F) {
	seeds, err := fitsFuzzSeeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range seeds {
		f.Add(fitsFuzzCompact(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fitsFuzzMax {
			return
		}
		a, err := DecodeFITS(fitsFuzzExpand(b))
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// Encode as float64 (exact for every decoded value).
		checkRoundTrip(t, &Array{Shape: a.Shape, DType: "float64", Float64: a.Float64}, func(a *Array) ([]byte, error) { return EncodeFITS(a) }, DecodeFITS)
	})
}

// TestFITSFuzzForm checks the compact form of FuzzDecodeFITS: it expands back
// to the file for the seeds, the testdata files and arbitrary bytes, and
// every seed's form is shorter than fitsFuzzMax.
func TestFITSFuzzForm(t *testing.T) {
	seeds, err := fitsFuzzSeeds()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for i, b := range seeds {
		c := fitsFuzzCompact(b)
		if len(c) > fitsFuzzMax {
			t.Errorf("seed %d: compact form of %d bytes, more than %d", i, len(c), fitsFuzzMax)
		}
		files[fmt.Sprintf("seed %d", i)] = b
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); filepath.Ext(n) == ".fits" || filepath.Ext(n) == ".gz" {
			if files[n], err = os.ReadFile(filepath.Join("testdata", n)); err != nil {
				t.Fatal(err)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		b := make([]byte, rng.IntN(6000))
		for j := range b {
			b[j] = " \x00\n\f\v\x1bA"[rng.IntN(7)]
		}
		files[fmt.Sprintf("random %d", i)] = b
	}
	for name, b := range files {
		c := fitsFuzzCompact(b)
		if back := fitsFuzzExpand(c); !bytes.Equal(back, b) {
			t.Errorf("%s: compact form (%d bytes) does not expand back to the %d-byte file", name, len(c), len(b))
		}
	}
	// One byte stands for each padding; an escape at the end is dropped.
	want := fmt.Sprintf("%-80s%-2800s\n", "A", "B") + string(make([]byte, 2879))
	if got := fitsFuzzExpand([]byte("A\nB\f\x1b\n\v\x1b")); string(got) != want {
		t.Errorf("expand: got %q", got)
	}
}
