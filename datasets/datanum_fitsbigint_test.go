package datasets

import (
	"strings"
	"testing"
)

// Keywords that must be integers (BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT,
// BLANK) with an integer literal beyond int64 were read as the float64
// nearest (99999999999999999999 → 1e+20) and refused as "NAXIS1 = 1e+20 is
// not an integer", naming a value the file does not hold; they are now
// refused quoting the literal and saying it is beyond the int64 range. Any
// other keyword keeps such a value as float64 (documented on Card), and the
// card is written back as read.
func TestFITSIntegerKeywordsBeyondInt64(t *testing.T) {
	const big = "99999999999999999999" // 1e20 − 1 > 2⁶³ − 1
	img := func(cards ...string) []byte {
		return fitsFile(append([]string{"SIMPLE  = T"}, cards...), make([]byte, 24))
	}
	ext := func(pcount, gcount string) []byte {
		b := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil)
		return append(b, fitsFile([]string{"XTENSION= 'IMAGE'", "BITPIX  = -32", "NAXIS   = 1", "NAXIS1  = 3",
			"PCOUNT  = " + pcount, "GCOUNT  = " + gcount}, make([]byte, 12))...)
	}
	cases := []struct {
		name, key string
		data      []byte
	}{
		{"bitpix", "BITPIX", img("BITPIX  = "+big, "NAXIS   = 0")},
		{"naxis", "NAXIS", img("BITPIX  = -32", "NAXIS   = "+big)},
		{"naxis1", "NAXIS1", img("BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = "+big, "NAXIS2  = 2")},
		{"naxis2 negative", "NAXIS2", img("BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 3", "NAXIS2  = -"+big)},
		{"blank", "BLANK", img("BITPIX  = 16", "NAXIS   = 1", "NAXIS1  = 3", "BLANK   = "+big)},
		{"pcount", "PCOUNT", ext(big, "1")},
		{"gcount", "GCOUNT", ext("0", "+"+big)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeFITS(c.data)
			wantFormatError(t, err, c.key+" = ", big, "beyond the int64 range")
			if err != nil && strings.Contains(err.Error(), "1e+20") {
				t.Errorf("error %q names the rounded value 1e+20", err)
			}
		})
	}

	// Other keywords: float64, written back as read.
	card := "BIGVAL  = " + big + " / a large count"
	c, err := parseCard([]byte(card + strings.Repeat(" ", 80-len(card))))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Value.(float64); !ok || v != 1e20 {
		t.Errorf("BIGVAL value %#v, want float64 1e20", c.Value)
	}
	if got, err := formatCard(c); err != nil || strings.TrimRight(got, " ") != card {
		t.Errorf("BIGVAL written back as %q (%v), want %q", got, err, card)
	}
}
