package datasets

import (
	"fmt"
	"testing"
)

// An extension's data size |BITPIX|·GCOUNT·(PCOUNT + NAXIS1·…·NAXISn) is
// computed without overflow: with each factor inside its own bound the
// product could wrap to a small value (here exactly 0), so that the
// "extension" was skipped as empty and the bytes of its data were read as
// the next header (here an IMAGE extension returned as the file's image).
func TestFITSExtensionSizeOverflow(t *testing.T) {
	b := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil)
	b = append(b, fitsFile([]string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2",
		"NAXIS1  = 1099511627776", "NAXIS2  = 1024", "PCOUNT  = 1125899906842624", "GCOUNT  = 1048576", "TFIELDS = 1"}, nil)...)
	b = append(b, fitsFile([]string{"XTENSION= 'IMAGE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 2",
		"PCOUNT  = 0", "GCOUNT  = 1"}, []byte{1, 2, 3, 4})...)
	a, err := DecodeFITS(b)
	if err == nil {
		t.Fatalf("decoded %v %v from a file whose BINTABLE declares 2^71 data bytes", a.Shape, a.Float64)
	}
	wantFormatError(t, err, "HDU 1")
}

// A CONTINUE card (the long-string convention: no value indicator, the
// string in columns 11–80) read from a file is written back as it was when
// the header is carried over (FITSUserCards); it became "CONTINUE=  / 'def'",
// a keyword with an undefined value, which the standard forbids and which
// breaks the continued string.
func TestFITSContinueCardCarriedOver(t *testing.T) {
	b := fitsFile([]string{"SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 1", "NAXIS1  = 1",
		"LONGSTRN= 'OGIP 1.0'", "FILENAME= 'abc&'", "CONTINUE  'def'"}, make([]byte, 4))
	a, err := DecodeFITS(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeFITS(a, FITSUserCards(a.Header)...)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%-80s", "CONTINUE  'def'")
	if got := string(out[6*80 : 7*80]); got != want {
		t.Errorf("card 7 written as %q, want %q", got, want)
	}
	if _, err := formatCard(Card{Key: "CONTINUE", Value: "x"}); err == nil {
		t.Error("a CONTINUE card with a value was accepted")
	}
}
