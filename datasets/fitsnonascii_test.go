package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A FITS header with a byte beyond ASCII in a card's value or comment (an
// observer's name in UTF-8, a degree sign in Latin-1) was refused outright:
// "HDU 0, card 6: byte 0xc3 at column 22 is not printable ASCII". astropy
// reads such files, replacing each such byte by '?' with a warning; the
// reader now does the same, with a notice naming the cards, and writes the
// cards back with the '?' (a valid header). A non-ASCII byte in the keyword
// (columns 1–8) and a control byte anywhere are still refused.
func TestFITSNonASCIIHeaderBytes(t *testing.T) {
	img := func(cards ...string) []byte {
		b := fitsFile(append([]string{"SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 2"}, cards...), make([]byte, 16))
		return b
	}
	// cards built as bytes: fitsFile pads with fmt's %-80s, which counts
	// runes, so the UTF-8 card is padded here to 80 bytes
	observer := []byte("OBSERVER= 'Jos\xc3\xa9 N\xc3\xba\xc3\xb1ez'     / name with accents")
	observer = append(observer, bytes.Repeat([]byte{' '}, 80-len(observer))...)
	temp := []byte("CCDTEMP =               -110.0 / [\xb0C] Latin-1 degree sign")
	temp = append(temp, bytes.Repeat([]byte{' '}, 80-len(temp))...)
	data := img("OBJECT  = 'M31'", "PLACEHOLDER1", "PLACEHOLDER2")
	copy(data[80*6:], observer)
	copy(data[80*7:], temp)

	var notices []string
	prev := SetNotify(func(msg string) { notices = append(notices, msg) })
	defer SetNotify(prev)

	a, err := DecodeFITS(data)
	if err != nil {
		t.Fatalf("DecodeFITS: %v", err)
	}
	if len(a.Float64) != 4 {
		t.Fatalf("got %d pixels", len(a.Float64))
	}
	byKey := map[string]Card{}
	for _, c := range a.Header {
		byKey[c.Key] = c
	}
	if c := byKey["OBSERVER"]; c.Value != "Jos?? N????ez" || c.Comment != "name with accents" {
		t.Errorf("OBSERVER read as %q / %q, want \"Jos?? N????ez\" / \"name with accents\"", c.Value, c.Comment)
	}
	if c := byKey["CCDTEMP"]; c.Value != -110.0 || c.Comment != "[?C] Latin-1 degree sign" {
		t.Errorf("CCDTEMP read as %v / %q", c.Value, c.Comment)
	}
	want := "FITS data: 2 header cards have non-ASCII bytes in their values or comments, which FITS does not allow; read with each replaced by '?', as astropy does: " +
		"HDU 0 card 7 (OBSERVER, 6 bytes), HDU 0 card 8 (CCDTEMP, 1 byte)"
	if len(notices) != 1 || notices[0] != want {
		t.Errorf("notices %q, want [%q]", notices, want)
	}

	// the file reader names the path; the cards are carried over to a FITS
	// output as read, with '?', in a header that is ASCII again
	dir := t.TempDir()
	p := filepath.Join(dir, "obs.fits")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	notices = nil
	m, cards, err := ReadMapsHeader(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.HasPrefix(notices[0], p+": 2 header cards have non-ASCII bytes") {
		t.Errorf("ReadMapsHeader notices %q", notices)
	}
	out := filepath.Join(dir, "out.fits")
	if err := WriteMapsCards(out, m, cards...); err != nil {
		t.Fatalf("writing the cards back: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	header := b[:bytes.Index(b, []byte("END     "))]
	for i, c := range header {
		if c < 32 || c > 126 {
			t.Fatalf("written header has byte 0x%02x at %d", c, i)
		}
	}
	if !bytes.Contains(header, []byte("OBSERVER= 'Jos?? N????ez'     / name with accents")) {
		t.Errorf("OBSERVER not written back as read:\n%s", header)
	}
	notices = nil
	back, err := DecodeFITS(b)
	if err != nil || len(notices) != 0 {
		t.Errorf("reading the output: %v, notices %q", err, notices)
	} else if c := back.Header[len(back.Header)-1]; c.Key != "CCDTEMP" || c.Comment != "[?C] Latin-1 degree sign" {
		t.Errorf("last card of the output %+v", c)
	}

	// still refused: a non-ASCII byte in the keyword, a control byte in a value
	badKey := append([]byte{}, data...)
	badKey[80*5+2] = 0xe9
	_, err = DecodeFITS(badKey)
	wantFormatError(t, err, "HDU 0, card 6: byte 0xe9 at column 3 is not printable ASCII")
	ctrl := append([]byte{}, data...)
	ctrl[80*5+12] = 0x01
	_, err = DecodeFITS(ctrl)
	wantFormatError(t, err, "HDU 0, card 6: byte 0x01 at column 13 is not printable ASCII")
}
