package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A long-string card (the CONTINUE convention: a string value ending in
// '&' goes on in the CONTINUE cards after it) that breaks the standard, e.g.
// with a lower-case keyword, was left out of the cards carried over, but its
// CONTINUE cards were kept: written after the card before it, they read as
// the continuation of nothing (or of another string). They are now left out
// with their parent, as skipped cards naming it; a valid long string and its
// CONTINUE cards are still carried over, and a CONTINUE card after a kept
// card is not touched.
func TestFITSUserCardsDropOrphanedContinue(t *testing.T) {
	cards := []string{"SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2", "NAXIS1  =                    2", "NAXIS2  =                    2",
		"OBJECT  = 'M31'", // card 6
		"longstr = 'a long string value that goes on&'", // card 7: lower-case keyword, left out
		"CONTINUE  'in the next card&'",                 // card 8
		"CONTINUE  'and ends here' / comment",           // card 9
		"LONGOK  = 'a valid long string&'",              // card 10: kept with its CONTINUE
		"CONTINUE  'continued'",
		"bad     =                  1.5", // card 12: left out, no long string
		"HISTORY  kept",
	}
	b := fitsFile(cards, make([]byte, 16))
	a, err := DecodeFITS(b)
	if err != nil {
		t.Fatal(err)
	}
	kept, skipped := SplitFITSUserCards(a.Header)
	var keys []string
	for _, c := range kept {
		keys = append(keys, c.Key)
	}
	if got, want := strings.Join(keys, ","), "OBJECT,LONGOK,CONTINUE,HISTORY"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	want := []struct {
		index  int
		reason string
	}{
		{6, `keyword "longstr" has lower-case letters`},
		{7, "CONTINUE card of the long string of card 7 (longstr), which is left out"},
		{8, "CONTINUE card of the long string of card 7 (longstr), which is left out"},
		{11, `keyword "bad" has lower-case letters`},
	}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %+v, want %d cards", skipped, len(want))
	}
	for i, w := range want {
		if skipped[i].Index != w.index || !strings.HasPrefix(skipped[i].Reason, w.reason) {
			t.Errorf("skipped[%d] = card index %d %q, want %d %q", i, skipped[i].Index, skipped[i].Reason, w.index, w.reason)
		}
	}

	// the header written from the cards read: no orphaned CONTINUE, the valid
	// long string intact; read back, the same cards
	var notices []string
	prev := SetNotify(func(msg string) { notices = append(notices, msg) })
	defer SetNotify(prev)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.fits"), filepath.Join(dir, "out.fits")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m, carried, err := ReadMapsHeader(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "4 header cards break the FITS standard") ||
		!strings.Contains(notices[0], "card 8, CONTINUE card of the long string of card 7 (longstr), which is left out") {
		t.Errorf("notice %q", notices)
	}
	if err := WriteMapsCards(out, m, carried...); err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	header := string(w[:bytes.Index(w, []byte("END     "))])
	var written []string
	for i := 0; i+80 <= len(header); i += 80 {
		written = append(written, strings.TrimRight(header[i:i+80], " "))
	}
	wantCards := []string{"OBJECT  = 'M31'", "LONGOK  = 'a valid long string&'", "CONTINUE  'continued'", "HISTORY  kept"}
	if got := strings.Join(written[5:], "\n"); got != strings.Join(wantCards, "\n") {
		t.Errorf("written user cards:\n%s\nwant\n%s", got, strings.Join(wantCards, "\n"))
	}
	back, err := DecodeFITS(w)
	if err != nil {
		t.Fatal(err)
	}
	if k, s := SplitFITSUserCards(back.Header); len(k) != 4 || len(s) != 0 {
		t.Errorf("read back: %d cards kept, %d skipped", len(k), len(s))
	}
}
