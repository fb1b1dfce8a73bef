package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Header cards carried from a FITS file read to one written: valid cards
// (FITS standard 4.0, 4.1.2: keywords of at most 8 characters from A–Z, 0–9,
// '-' and '_'; values strings, logicals, integers, reals or complex numbers)
// are written back byte for byte, whatever their layout; HIERARCH and other
// cards without a value indicator are commentary and kept as they are.
// Cards that break the standard (lower-case or other characters in the
// keyword, a value such as NaN) were dropped without a word by
// FITSUserCards; SplitFITSUserCards now names them with the reason, and
// ReadMapsHeader gives a notice naming them.
func TestFITSUserCardsKeywords(t *testing.T) {
	valid := []string{
		"CDELT1  = -2.7777777777778E-04 / [deg] free-format real, comment to column 80 ..",
		"CRVAL1  =    1.0D-05 / D exponent",
		"EQUINOX =                2000.",
		"ZVAL    = (1.5, -2.0E3) / a complex value",
		"OBJECT  = 'Taurus  '  /   two blanks kept in the string",
		"HIERARCH ESO DET CHIP TEMP = 153.2 / [K] chip temperature",
		"LONGSTR = 'a string continued on the next card&'",
		"CONTINUE  'the continuation'",
		"UNDEF   =",
		"HISTORY  made by hand",
	}
	invalid := []struct{ card, reason string }{
		{"date-obs= '2020-01-01'", `keyword "date-obs" has lower-case letters (a FITS keyword is at most 8 characters of A–Z, 0–9, '-' and '_'; write it in upper case)`},
		{"DATE OBS= '2020-01-01'", `keyword "DATE OBS" has a blank in it`},
		{"TEMP.K  =                 12.5", `keyword "TEMP.K" has the character '.'`},
		{"DATAMIN =                  NaN", `card DATAMIN: value NaN is not a FITS value`},
		{"MASK    =                 0x1F", `card MASK: value 0x1F is not a FITS value`},
	}
	head := []string{"SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2", "NAXIS1  =                    1", "NAXIS2  =                    1"}
	cards := append([]string(nil), head...)
	cards = append(cards, valid[:3]...)
	for _, c := range invalid {
		cards = append(cards, c.card)
	}
	cards = append(cards, valid[3:]...)
	b := fitsFile(cards, make([]byte, 4))
	a, err := DecodeFITS(b)
	if err != nil {
		t.Fatal(err)
	}
	kept, skipped := SplitFITSUserCards(a.Header)
	if len(kept) != len(valid) || len(skipped) != len(invalid) {
		t.Fatalf("kept %d cards (want %d), skipped %d (want %d): %+v", len(kept), len(valid), len(skipped), len(invalid), skipped)
	}
	if got := FITSUserCards(a.Header); len(got) != len(kept) {
		t.Errorf("FITSUserCards kept %d cards, SplitFITSUserCards %d", len(got), len(kept))
	}
	for i, s := range skipped {
		if want := len(head) + 3 + i; s.Index != want {
			t.Errorf("skipped card %q at index %d, want %d", s.Card.Key, s.Index, want)
		}
		if !strings.HasPrefix(s.Reason, invalid[i].reason) {
			t.Errorf("skipped card %d: reason %q, want it to start with %q", i, s.Reason, invalid[i].reason)
		}
	}

	// Written back: the valid cards byte for byte, in order.
	out, err := EncodeFITS(&Array{DType: "float32", Shape: []int{1, 1}, Float64: []float64{0}}, kept...)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range valid {
		if got, want := string(out[(5+i)*80:(6+i)*80]), fmt.Sprintf("%-80s", c); got != want {
			t.Errorf("card %d written as\n  %q\nwant\n  %q", i, got, want)
		}
	}
	// A card read and then changed is formatted anew.
	changed := kept[0]
	changed.Comment = "changed"
	if s, err := formatCard(changed); err != nil || s != fmt.Sprintf("%-80s", "CDELT1  = -0.00027777777777778 / changed") {
		t.Errorf("changed card written as %q (err %v)", s, err)
	}
	// A complex RawValue built by hand is written; another RawValue is refused.
	if s, err := formatCard(Card{Key: "Z", Value: RawValue("(1, 2)")}); err != nil || s != fmt.Sprintf("%-80s", "Z       =               (1, 2)") {
		t.Errorf("complex value written as %q (err %v)", s, err)
	}

	// ReadMapsHeader keeps the valid cards and gives a notice naming the others.
	dir := t.TempDir()
	p := filepath.Join(dir, "in.fits")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var notices []string
	prev := SetNotify(func(msg string) { notices = append(notices, msg) })
	defer SetNotify(prev)
	_, got, err := ReadMapsHeader(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(valid) {
		t.Errorf("ReadMapsHeader kept %d cards, want %d", len(got), len(valid))
	}
	if len(notices) != 1 {
		t.Fatalf("notices %q, want one", notices)
	}
	for _, want := range []string{p + ": 5 header cards break the FITS standard and are not carried over to FITS outputs: ",
		`card 9, keyword "date-obs" has lower-case letters`, `; card 10, keyword "DATE OBS"`, `; card 11, keyword "TEMP.K"`,
		"; and 2 more (fix the keyword or value in the input's header to keep it)"} {
		if !strings.Contains(notices[0], want) {
			t.Errorf("notice %q does not say %q", notices[0], want)
		}
	}
	// A valid header gives no notice.
	notices = nil
	q := filepath.Join(dir, "ok.fits")
	if err := os.WriteFile(q, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadMapsHeader(q); err != nil || len(notices) != 0 {
		t.Errorf("valid header: notices %q (err %v)", notices, err)
	}
}
