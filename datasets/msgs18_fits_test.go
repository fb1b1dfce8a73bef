package datasets

import (
	"errors"
	"testing"
)

// TestMsgs18FITSCutShort: a FITS file cut to 500 bytes read "truncated data:
// … only 0 bytes follow the header" when its END card lay within the 500
// bytes, as if the header were whole: the file ends inside the header's
// 2880-byte block. That case is said as such; without an END card in the
// bytes left it is a truncated header; cut inside the data (a whole
// header), truncated data as before.
func TestMsgs18FITSCutShort(t *testing.T) {
	a, err := NewArray("float64", 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	short, err := EncodeFITS(a) // SIMPLE … NAXIS2, END: 6 cards, 480 bytes
	if err != nil {
		t.Fatal(err)
	}
	history := make([]Card, 10)
	for i := range history {
		history[i] = Card{Key: "HISTORY", Comment: "a line of history"}
	}
	long, err := EncodeFITS(a, history...) // END at card 16, past byte 500
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"END within 500 bytes", short[:500], "datasets: fits: truncated data: HDU 0 declares 32×32 pixels of BITPIX -64 (8192 bytes) but only 0 bytes follow the header: the file ends at byte 500, inside the header's last 2880-byte block (after its END card); it was cut short"},
		{"END at byte 480", short[:480], "datasets: fits: truncated data: HDU 0 declares 32×32 pixels of BITPIX -64 (8192 bytes) but only 0 bytes follow the header: the file ends at byte 480, inside the header's last 2880-byte block (after its END card); it was cut short"},
		{"no END", long[:500], "datasets: fits: truncated header: HDU 0 has no END card before the end of the file (500 bytes)"},
		{"cut in the data", short[:2880+100], "datasets: fits: truncated data: HDU 0 declares 32×32 pixels of BITPIX -64 (8192 bytes) but only 100 bytes follow the header"},
	} {
		_, err := DecodeFITS(c.b)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s (%d bytes): %v\nwant %s", c.name, len(c.b), err, c.want)
		}
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Format != "fits" {
			t.Errorf("%s: %T %v: want a *FormatError of format fits", c.name, err, err)
		}
	}
}
