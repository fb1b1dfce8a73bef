package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
)

// utf32 returns the '<U{w}' items of ss (little- or big-endian).
func utf32(ss []string, w int, bo binary.ByteOrder) []byte {
	var b []byte
	for _, s := range ss {
		rs := []rune(s)
		for k := range w {
			var r rune
			if k < len(rs) {
				r = rs[k]
			}
			var u [4]byte
			bo.PutUint32(u[:], uint32(r))
			b = append(b, u[:]...)
		}
	}
	return b
}

// numpyHeader returns the preamble and header numpy.save writes (version
// 1.0, padded with spaces to a multiple of 64 bytes, ending in '\n').
func numpyHeader(dict string) []byte {
	pad := (64 - (10+len(dict)+1)%64) % 64
	return npyWithHeader(1, dict+strings.Repeat(" ", pad)+"\n", nil)
}

// numpy's fixed-width unicode strings ('<U{w}') were refused by the .npy
// reader ("unsupported dtype '<U4' (not a fixed-size numeric type)
// (strings are not supported)") and could not be written. EncodeNPY writes
// a string array byte for byte as numpy.save does (w the longest element
// in runes, UTF-32LE, NUL-padded), another implementation (npyio) reads it
// back, and DecodeNPY returns the same strings for every layout: non-ASCII
// and non-BMP runes, empty strings, an inner NUL, w = 1, 0-d and empty
// arrays, big-endian, Fortran order, versions 2 and 3.
func TestNPYStringRoundTrip(t *testing.T) {
	// numpy: np.save(f, np.array([["hello"], ["äëïöüÿ"], ["!"]]))
	a := &Array{DType: "str", Shape: []int{3, 1}, Strings: []string{"hello", "äëïöüÿ", "!"}}
	b, err := EncodeNPY(a, NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := append(numpyHeader("{'descr': '<U6', 'fortran_order': False, 'shape': (3, 1), }"), utf32(a.Strings, 6, binary.LittleEndian)...)
	if !bytes.Equal(b, want) {
		t.Fatalf("EncodeNPY:\n got %q\nwant %q", b, want)
	}
	var got []string
	if err := npy.Read(bytes.NewReader(b), &got); err != nil || !slices.Equal(got, a.Strings) {
		t.Fatalf("npyio reads %q (%v), want %q", got, err, a.Strings)
	}

	cases := []struct {
		shape []int
		ss    []string
		w     int
	}{
		{[]int{4}, []string{"a", "", "héllo", "日本語🙂"}, 5},
		{[]int{2, 3}, []string{"x", "a\x00b", "", "Ω", "ü", "z z"}, 3},
		{[]int{3}, []string{"", "", ""}, 1}, // numpy: np.array(["", "", ""]) is '<U1'
		{[]int{2}, []string{"a", "b"}, 1},
		{nil, []string{"σ₈"}, 2},
		{[]int{0}, []string{}, 1},
		{[]int{2, 0}, []string{}, 1},
	}
	for _, c := range cases {
		a := &Array{DType: StringDType, Shape: c.shape, Strings: c.ss}
		for _, opt := range []NPYOptions{{}, {BigEndian: true}, {FortranOrder: true}, {BigEndian: true, FortranOrder: true}, {Version: 2}, {Version: 3}} {
			b, err := EncodeNPY(a, opt)
			if err != nil {
				t.Fatalf("%q %+v: %v", c.ss, opt, err)
			}
			order := "<"
			if opt.BigEndian {
				order = ">"
			}
			if descr := "'descr': '" + order + "U" + string(rune('0'+c.w)) + "'"; !bytes.Contains(b, []byte(descr)) {
				t.Errorf("%q %+v: header %q lacks %s", c.ss, opt, b[:64], descr)
			}
			back, err := DecodeNPY(b)
			if err != nil {
				t.Fatalf("%q %+v: %v", c.ss, opt, err)
			}
			if back.DType != "str" || !back.IsString() || !slices.Equal(back.Shape, a.Shape) && len(a.Shape)+len(back.Shape) > 0 ||
				!slices.Equal(back.Strings, c.ss) || back.Float64 != nil || back.Complex128 != nil {
				t.Errorf("%q %+v: read back %s %v %q (Float64 %v)", c.ss, opt, back.DType, back.Shape, back.Strings, back.Float64)
			}
			if opt == (NPYOptions{}) && len(c.ss) > 0 {
				var got []string
				if err := npy.Read(bytes.NewReader(b), &got); err != nil || !slices.Equal(got, c.ss) {
					t.Errorf("%q: npyio reads %q (%v)", c.ss, got, err)
				}
			}
		}
	}

	// A file numpy could write: big-endian, Fortran order, padded elements
	// (trailing NULs dropped, an inner NUL kept).
	ss := []string{"ab", "c\x00d", "", "€"} // C order of the 2×2 array
	fortran := []string{ss[0], ss[2], ss[1], ss[3]}
	f := append(numpyHeader("{'descr': '>U4', 'fortran_order': True, 'shape': (2, 2), }"), utf32(fortran, 4, binary.BigEndian)...)
	back, err := DecodeNPY(f)
	if err != nil || !slices.Equal(back.Strings, ss) || !slices.Equal(back.Shape, []int{2, 2}) {
		t.Fatalf("'>U4' Fortran file: %v %q (%v)", back, back.Strings, err)
	}
}

// The '<U' reader and writer refuse what they cannot hold, with the reason:
// a width that is 0, missing, signed or beyond numpy's (2³¹−1)/4, a byte
// order other than '<' or '>', a shape whose byte count overflows (the
// header is refused before anything is allocated), code points that are
// not Unicode characters, and object and byte-string arrays (as before,
// saying how to convert them). Writes refuse invalid UTF-8, a trailing NUL
// (numpy would drop it), inconsistent string arrays, and a numeric array
// with Strings set.
func TestNPYStringRefused(t *testing.T) {
	hdr := func(s string) string { return s + "\n" }
	le := binary.LittleEndian
	four := make([]byte, 4)
	for _, c := range []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"width 0", npyWithHeader(1, hdr("{'descr': '<U0', 'fortran_order': False, 'shape': (1,)}"), nil), []string{`"<U0"`, "width 0", "'<U1'"}},
		{"no width", npyWithHeader(1, hdr("{'descr': '<U', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"<U"`, "width from 1 to 536870911"}},
		{"signed width", npyWithHeader(1, hdr("{'descr': '<U+1', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"<U+1"`, "width"}},
		{"too wide", npyWithHeader(1, hdr("{'descr': '<U536870912', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"<U536870912"`, "width"}},
		{"bar order", npyWithHeader(1, hdr("{'descr': '|U1', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"|U1"`, "'<' or '>'"}},
		{"native order", npyWithHeader(1, hdr("{'descr': '=U1', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"=U1"`, "'<' or '>'"}},
		{"overflowing shape", npyWithHeader(1, hdr("{'descr': '<U1000', 'fortran_order': False, 'shape': (1099511627776, 1048576)}"), four),
			[]string{"truncated data", "(1099511627776, 1048576)", "str (U1000)", "more than 2^63 bytes", "only 4 bytes"}},
		{"short", npyWithHeader(1, hdr("{'descr': '<U3', 'fortran_order': False, 'shape': (2,)}"), utf32([]string{"abc"}, 3, le)),
			[]string{"truncated data", "str (U3)", "(24 bytes)", "only 12"}},
		{"beyond U+10FFFF", npyWithHeader(1, hdr("{'descr': '<U2', 'fortran_order': False, 'shape': (2,)}"), append(utf32([]string{"ok"}, 2, le), 'a', 0, 0, 0, 0, 0, 0x11, 0)),
			[]string{"element 1", "0x110000 at character 1", "not a Unicode character"}},
		{"surrogate", npyWithHeader(1, hdr("{'descr': '>U1', 'fortran_order': False, 'shape': (1, 2)}"), []byte{0, 0, 0, 'a', 0, 0, 0xd8, 0}),
			[]string{"index (0, 1)", "0xD800 at character 0"}},
		{"object", npyWithHeader(1, hdr("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}"), make([]byte, 8)), []string{`"|O"`, "pickled", "x.astype(str)"}},
		{"bytes", npyWithHeader(1, hdr("{'descr': '|S4', 'fortran_order': False, 'shape': (1,)}"), four), []string{`"|S4"`, "byte strings", "x.astype(str)", "unicode strings '<U{w}'"}},
	} {
		_, err := DecodeNPY(c.data)
		if err == nil {
			t.Errorf("%s: decoded", c.name)
			continue
		}
		wantFormatError(t, err, c.frags...)
	}

	for _, c := range []struct {
		name string
		a    *Array
		frag string
	}{
		{"invalid UTF-8", &Array{DType: "str", Shape: []int{2}, Strings: []string{"a", "b\xffc"}}, `index (1,) is not valid UTF-8 ("b\xffc")`},
		{"trailing NUL", &Array{DType: "str", Shape: []int{1, 1}, Strings: []string{"ab\x00"}}, "index (0, 0), \"ab\\x00\", ends in NUL"},
		{"count", &Array{DType: "str", Shape: []int{3}, Strings: []string{"a"}}, "needs 3 strings in Strings"},
		{"str with Float64", &Array{DType: "str", Shape: []int{1}, Strings: []string{"a"}, Float64: []float64{1}}, "Float64, Complex128 nil"},
		{"float64 with Strings", &Array{DType: "float64", Shape: []int{1}, Float64: []float64{1}, Strings: []string{"a"}}, "strings go with DType \"str\""},
	} {
		_, err := EncodeNPY(c.a, NPYOptions{})
		if err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%s: EncodeNPY error %v, want %q", c.name, err, c.frag)
		}
		if _, err := EncodeNPZ([]NamedArray{{Name: "x", Array: c.a}}, false); err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%s: EncodeNPZ error %v, want %q", c.name, err, c.frag)
		}
	}
}

// An empty array of the widest strings is a file of a few bytes: decoding
// it allocated a chunk buffer of one item (4·536870911 bytes, 2 GiB) before
// finding there was nothing to read. It allocates next to nothing now.
func TestNPYStringEmptyWideAllocatesNothing(t *testing.T) {
	b := npyWithHeader(1, ("{'descr': '<U536870911', 'fortran_order': False, 'shape': (0, 3)}\n"), nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a, err := DecodeNPY(b)
	runtime.ReadMemStats(&after)
	if err != nil || !a.IsString() || len(a.Strings) != 0 || !slices.Equal(a.Shape, []int{0, 3}) {
		t.Fatalf("got %+v, %v", a, err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("decoding an empty '<U536870911' array allocated %d bytes", d)
	}
}

// An .npz with a member of strings was refused as a whole ("unsupported
// dtype '<U5'"), so that stats -o x.npz had to store names as uint32 code
// points. Now: DecodeNPZ, ReadNPZ and ReadNPZMember return the member as a
// string array beside the numeric ones; the map readers never take it for
// a map — given the archive alone they read the first member that is not
// strings (the notice says which they passed over), given the member or a
// '<U' .npy they refuse it; ArrayToMaps, WriteFITS and WriteMaps' numeric
// check refuse a string array.
func TestNPZStringMembers(t *testing.T) {
	dir := t.TempDir()
	names := &Array{DType: "str", Shape: []int{3}, Strings: []string{"P00", "S1", "C01 ℓ"}}
	img := &Array{DType: "float64", Shape: []int{2, 2}, Float64: []float64{1, 2, 3, 4}}
	for _, compress := range []bool{false, true} {
		p := filepath.Join(dir, "a.npz")
		if err := WriteNPZ(p, []NamedArray{{Name: "names", Array: names}, {Name: "map", Array: img}}, compress); err != nil {
			t.Fatal(err)
		}
		all, err := ReadNPZ(p)
		if err != nil || len(all) != 2 || all[0].Name != "names" || !slices.Equal(all[0].Array.Strings, names.Strings) ||
			!all[0].Array.IsString() || all[1].Array.IsString() || !slices.Equal(all[1].Array.Float64, img.Float64) {
			t.Fatalf("compress %v: ReadNPZ %+v, %v", compress, all, err)
		}
		if m, err := ReadNPZMember(p, "names"); err != nil || !slices.Equal(m.Strings, names.Strings) {
			t.Fatalf("ReadNPZMember names: %+v, %v", m, err)
		}
		var notes []string
		prev := SetNotify(func(msg string) { notes = append(notes, msg) })
		m, err := ReadMaps(p)
		SetNotify(prev)
		if err != nil || m.B != 1 || m.M != 2 || !slices.Equal(m.Data, img.Float64) {
			t.Fatalf("ReadMaps of the archive: %+v, %v", m, err)
		}
		if len(notes) != 1 || !strings.Contains(notes[0], `reading the first that is not strings (names holds strings), "map"`) {
			t.Errorf("notices %q", notes)
		}
		// Read (any array) still gives the first member, strings or not.
		notes = nil
		prev = SetNotify(func(msg string) { notes = append(notes, msg) })
		a, err := Read(p)
		SetNotify(prev)
		if err != nil || !a.IsString() || len(notes) != 1 || !strings.Contains(notes[0], `reading the first, "names"`) {
			t.Errorf("Read of the archive: %+v, %v, notices %q", a, err, notes)
		}
		_, err = ReadMaps(p + ":names")
		wantFormatError(t, err, "a.npz:names", "holds strings (dtype str (U5), shape (3,)), not numbers")
	}
	only := filepath.Join(dir, "s.npz")
	if err := WriteNPZ(only, []NamedArray{{Name: "a", Array: names}, {Name: "b", Array: names}}, false); err != nil {
		t.Fatal(err)
	}
	prev := SetNotify(func(string) {})
	_, err := ReadMaps(only)
	SetNotify(prev)
	wantFormatError(t, err, "s.npz:a", "holds strings")
	np := filepath.Join(dir, "s.npy")
	if err := WriteNPY(np, names); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMaps(np); err == nil || !strings.Contains(err.Error(), "holds strings") {
		t.Errorf("ReadMaps of a '<U' .npy: %v", err)
	}
	if _, err := ArrayToMaps(&Array{DType: "str", Shape: []int{1, 2}, Strings: []string{"a", "b"}}, RejectComplex); err == nil ||
		!strings.Contains(err.Error(), "holds strings") {
		t.Errorf("ArrayToMaps of strings: %v", err)
	}
	var ve *ValidationError
	if _, err := ArrayToMaps(names, RealPart); !errors.As(err, &ve) {
		t.Errorf("ArrayToMaps error %T %v, want *ValidationError", err, err)
	}
	fp := filepath.Join(dir, "s.fits")
	if err := WriteFITS(fp, names); err == nil || !strings.Contains(err.Error(), "holds strings") {
		t.Errorf("WriteFITS of strings: %v", err)
	}
	if _, err := os.Stat(fp); !os.IsNotExist(err) {
		t.Errorf("refused FITS write left %s (%v)", fp, err)
	}
	if z, err := NewArray("str", 2, 1); err != nil || !slices.Equal(z.Strings, []string{"", ""}) || !z.IsString() {
		t.Errorf("NewArray(str): %+v, %v", z, err)
	}
}
