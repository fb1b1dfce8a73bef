package datasets

import (
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

// A .fits.gz whose gzip stream is followed by zero bytes (output padded to a
// block size: 2880-byte FITS blocks, 10240-byte tape blocks) was refused with
// "bad gzip stream (truncated?): gzip: invalid header" by compress/gzip's
// multistream reader; the padding is now read past, as GNU gzip does. Genuine
// multi-member files still read (every member checked), and bytes after the
// stream that are not zeros, or follow the zeros, are still refused, now
// saying where.
func TestFITSGzipTrailingZeros(t *testing.T) {
	a, _ := NewArray("float32", 3, 5)
	for i := range a.Float64 {
		a.Float64[i] = float64(i) - 4.5
	}
	fb, err := EncodeFITS(a, Card{Key: "BUNIT", Value: "K"})
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipBytes(t, fb)
	pad := func(b []byte, block int) []byte {
		out := append([]byte(nil), b...)
		for len(out)%block != 0 {
			out = append(out, 0)
		}
		return out
	}
	// Two members: the header block in one, the data in the other.
	multi := append(gzipBytes(t, fb[:2880]), gzipBytes(t, fb[2880:])...)

	for name, b := range map[string][]byte{
		"plain":               gz,
		"padded to 2880":      pad(gz, 2880),
		"padded to 10240":     pad(gz, 10240),
		"one zero":            append(append([]byte(nil), gz...), 0),
		"two members":         multi,
		"two members, padded": pad(multi, 2880),
	} {
		back, err := DecodeFITS(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := sameArray(a, back); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}

	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"text appended":       {append(append([]byte(nil), gz...), "garbage"...), "the byte at offset"},
		"zeros then garbage":  {append(pad(gz, 2880), 'x'), "(0x78) is neither zero padding"},
		"zeros then a member": {append(pad(gz, 2880), gz...), "is neither zero padding nor the start of another gzip member"},
		"lone 0x1f":           {append(append([]byte(nil), gz...), 0x1f), "(0x1f)"},
		"second member cut":   {append(append([]byte(nil), gz...), gz[:20]...), "bad gzip stream (truncated?)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeFITS(tc.b)
			wantFormatError(t, err, tc.want)
			if strings.Contains(tc.want, "offset") && !errors.Is(err, errGzipTrailing) {
				t.Errorf("%v does not wrap errGzipTrailing", err)
			}
		})
	}

	// The CRC of a member is still checked when zero padding follows it.
	bad := pad(gz, 2880)
	bad[len(gz)-8] ^= 0xff
	if _, err := DecodeFITS(bad); !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("damaged CRC before zero padding: %v, want gzip.ErrChecksum", err)
	}
}
