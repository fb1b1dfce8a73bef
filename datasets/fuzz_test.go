package datasets

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets. Seeds (run as ordinary tests): valid files of every kind
// built here and the fixtures in testdata/, plus truncations and single-byte
// corruptions of them. The property checked: no panic; a decoded array is
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
}

// checkRoundTrip verifies that a decoded array is consistent and that
// encoding and decoding it again gives the same array.
func checkRoundTrip(t *testing.T, a *Array, encode func(*Array) ([]byte, error), decode func([]byte) (*Array, error)) {
	t.Helper()
	if err := a.check(); err != nil {
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

func FuzzDecodeNPZ(f *testing.F) {
	// Small archives written by numpy (the 138-member fixtures are too large:
	// minimising an interesting mutation of them stalls the fuzzer).
	for _, p := range []string{"numpy_small.npz", "numpy_small_deflated.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		addVariants(f, b)
	}
	x := &Array{Shape: []int{2, 2}, DType: "float32", Float64: []float64{1, 2, 3, 4}}
	z := &Array{Shape: []int{1}, DType: "complex64", Complex128: []complex128{1i}}
	for _, compress := range []bool{false, true} {
		b, err := EncodeNPZ([]NamedArray{{"x", x}, {"z", z}}, compress)
		if err != nil {
			f.Fatal(err)
		}
		addVariants(f, b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		all, err := DecodeNPZ(b)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, na := range all {
			if err := na.Array.check(); err != nil {
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
			if d := sameArray(all[i].Array, back[i].Array); d != "" {
				t.Fatalf("member %s: %s", all[i].Name, d)
			}
		}
	})
}

func FuzzDecodeFITS(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); filepath.Ext(n) == ".fits" || filepath.Ext(n) == ".gz" {
			b, err := os.ReadFile(filepath.Join("testdata", n))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, dtype := range []string{"float32", "float64"} {
		a := &Array{Shape: []int{2, 3}, DType: dtype, Float64: []float64{1, -2, 3.5, 0, 1e30, -1e-30}}
		b, err := EncodeFITS(a, Card{Key: "BUNIT", Value: "K"}, Card{Key: "HISTORY", Comment: "x"})
		if err != nil {
			f.Fatal(err)
		}
		addVariants(f, b)
		for _, n := range []int{80, 2880, 2880 + 8} {
			f.Add(b[:n])
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(b)
		w.Close()
		f.Add(gz.Bytes())
	}
	f.Add(fitsFile([]string{"SIMPLE  = T", "BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 1", "BSCALE  = 0.5", "BZERO   = 3", "BLANK   = 7"}, []byte{0, 7, 1, 2}))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeFITS(b)
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
