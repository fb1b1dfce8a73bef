package datasets

import (
	"fmt"
	"strings"
	"testing"
)

// A card whose keyword is not COMMENT, HISTORY, blank or CONTINUE but which
// has no value indicator ("= " in columns 9–10) is commentary by the FITS
// standard (4.1.2.2): ESO's HIERARCH cards, free text after a keyword, a
// value indicator in the wrong column. It was read as {Key, Comment: text}
// and written back as "KEY     = / text", a keyword with an undefined value:
// HIERARCH ESO DET CHIP = 5 became "HIERARCH= / ESO DET CHIP = 5". It is now
// read with Commentary set and written back byte for byte; a keyword with an
// undefined value ("KEY     =  / c") still round-trips as such, now byte
// for byte as well (cards read are written back as read).
func TestFITSCommentaryKeywordRoundTrip(t *testing.T) {
	cards := []string{
		"HIERARCH ESO DET CHIP TEMP = 153.2 / [K] chip temperature",
		"HIERARCH ESO OBS NAME = 'field-12'",
		"DATE-OBS written by an old pipeline, no value",
		"OBSERVER   = 'value indicator in the wrong column'",
		"UNDEF   =                      / undefined value",
		"HISTORY   = not a value: HISTORY is always commentary",
	}
	b := fitsFile(append([]string{"SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 1", "NAXIS1  = 1"}, cards...), make([]byte, 4))
	a, err := DecodeFITS(b)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	user := FITSUserCards(a.Header)
	if len(user) != len(cards) {
		t.Fatalf("FITSUserCards kept %d cards, want %d: %+v", len(user), len(cards), user)
	}
	h := user[0]
	if h.Key != "HIERARCH" || !h.Commentary || h.Value != nil || h.Comment != " ESO DET CHIP TEMP = 153.2 / [K] chip temperature" {
		t.Errorf("HIERARCH card read as %+v", h)
	}
	if u := user[4]; u.Key != "UNDEF" || u.Commentary || u.Value != nil || u.Comment != "undefined value" {
		t.Errorf("undefined-value card read as %+v", u)
	}
	if u := user[5]; u.Key != "HISTORY" || u.Commentary {
		t.Errorf("HISTORY card read as %+v (Commentary stays false for the four commentary keywords)", u)
	}
	out, err := EncodeFITS(a, user...)
	if err != nil {
		t.Fatalf("write back: %v", err)
	}
	for i, c := range cards {
		want := fmt.Sprintf("%-80s", c)
		if got := string(out[(4+i)*80 : (5+i)*80]); got != want {
			t.Errorf("card %d written as\n  %q\nwant\n  %q", 5+i, got, want)
		}
	}

	// Written from scratch: a commentary card cannot have a value, text longer
	// than 72 characters, or text that would read as a value ("= " first).
	for _, tc := range []struct {
		c    Card
		want string
	}{
		{Card{Key: "NOTE", Commentary: true, Value: int64(1)}, "commentary card NOTE cannot have a value"},
		{Card{Key: "NOTE", Commentary: true, Comment: strings.Repeat("x", 73)}, "text longer than 72 characters"},
		{Card{Key: "NOTE", Commentary: true, Comment: "= 5"}, `would read as a value`},
	} {
		if _, err := formatCard(tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("formatCard(%+v): %v, want an error with %q", tc.c, err, tc.want)
		}
	}
	if s, err := formatCard(Card{Key: "NOTE", Commentary: true, Comment: " free text"}); err != nil || s != fmt.Sprintf("%-80s", "NOTE     free text") {
		t.Errorf("commentary card written as %q (%v)", s, err)
	}
}
