package datasets

import (
	"strings"
	"testing"
)

// EncodeFITS's card layout: numbers and logicals right-aligned to column
// 30, a real longer than 20 characters running on past it, strings quoted
// from column 11 and padded to 8 characters, a comment after " / " cut at
// column 80; every value reads back as written.
func TestFITSCardLayout(t *testing.T) {
	long := strings.Repeat("abcdefghij", 10)
	cards := []Card{
		{Key: "N", Value: int64(-42)},
		{Key: "T", Value: true},
		{Key: "X", Value: 0.1},
		{Key: "TINY", Value: -2.2250738585072014e-308},
		{Key: "S", Value: "ab"},
		{Key: "C", Value: int64(5), Comment: long},
	}
	a := &Array{Shape: []int{2, 2}, DType: "float64", Float64: []float64{1, 2, 3, 4}}
	b, err := EncodeFITS(a, cards...)
	if err != nil {
		t.Fatal(err)
	}
	// SIMPLE, BITPIX, NAXIS, NAXIS1, NAXIS2, then the extra cards
	card := func(i int) string { return string(b[80*(5+i) : 80*(6+i)]) }
	for i, want := range []string{
		"N       =                  -42",
		"T       =                    T",
		"X       =                  0.1",
		"TINY    = -2.2250738585072014E-308",
		"S       = 'ab      '",
	} {
		if got := strings.TrimRight(card(i), " "); got != want {
			t.Errorf("card %s: %q, want %q", cards[i].Key, got, want)
		}
	}
	if got, want := card(5), "C       =                    5 / "+long[:47]; got != want {
		t.Errorf("long comment: %q, want %q (cut at column 80)", got, want)
	}
	back, err := DecodeFITS(b)
	if err != nil {
		t.Fatal(err)
	}
	user := FITSUserCards(back.Header)
	if len(user) != len(cards) {
		t.Fatalf("%d user cards read back, want %d", len(user), len(cards))
	}
	for i, c := range cards {
		wantComment := c.Comment
		if len(wantComment) > 47 {
			wantComment = wantComment[:47]
		}
		if user[i].Key != c.Key || user[i].Value != c.Value || user[i].Comment != wantComment {
			t.Errorf("card %d read back as %s = %#v / %q, want %#v / %q", i, user[i].Key, user[i].Value, user[i].Comment, c.Value, wantComment)
		}
	}
}
