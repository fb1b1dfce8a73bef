package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// headerCards returns the 80-column cards of the first header of a FITS
// file, blanks trimmed on the right, END excluded.
func headerCards(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	for i := 0; i+80 <= len(b); i += 80 {
		c := strings.TrimRight(string(b[i:i+80]), " ")
		if c == "END" {
			return out
		}
		out = append(out, c)
	}
	t.Fatal("no END card")
	return nil
}

// A stack of maps written as FITS ([B, M, N]: NAXIS = 3) with the WCS cards
// of a 2-D input kept a 2-axis WCS (WCSAXES = 2, CTYPE1/2 only) while
// NAXIS = 3. PlaneAxisCards makes the header consistent: WCSAXES = 3, a
// linear plane axis (CTYPE3 = 'PLANE', plane number from 1, CNAME3 naming
// the planes), CD3_3 instead of CDELT3 with a CD matrix, an input's own
// axis-3 cards replaced, alternate WCS descriptions handled alike, and cards
// without a WCS unchanged. Checked on the header written and read back.
func TestPlaneAxisCards(t *testing.T) {
	// astropy's WCS.to_header() of a TAN projection
	astropy := []Card{
		{Key: "WCSAXES", Value: int64(2), Comment: "Number of coordinate axes"},
		{Key: "CRPIX1", Value: 16.5}, {Key: "CRPIX2", Value: 16.5},
		{Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01},
		{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "deg"},
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CRVAL1", Value: 83.8}, {Key: "CRVAL2", Value: -5.4},
		{Key: "LONPOLE", Value: 180.0}, {Key: "RADESYS", Value: "ICRS"},
		{Key: "BUNIT", Value: "MJy/sr"},
		{Key: "HISTORY", Comment: "projected with reproject"},
	}
	const name = "1 = separated component s, 2 = DATA - s"
	m := stlayer.NewMaps(2, 4, 4)
	dir := t.TempDir()
	write := func(cards []Card) []string {
		p := filepath.Join(dir, "out.fits")
		if err := WriteMapsCards(p, m, cards...); err != nil {
			t.Fatalf("write: %v", err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeFITS(b)
		if err != nil || len(a.Shape) != 3 || a.Shape[0] != 2 {
			t.Fatalf("read back: %v %v", a, err)
		}
		return headerCards(t, b)
	}
	got := strings.Join(write(PlaneAxisCards(astropy, name)), "\n")
	want := strings.Join([]string{
		"SIMPLE  =                    T / conforms to FITS standard",
		"BITPIX  =                  -64 / IEEE floating point",
		"NAXIS   =                    3 / number of axes",
		"NAXIS1  =                    4",
		"NAXIS2  =                    4",
		"NAXIS3  =                    2",
		"WCSAXES =                    3 / Number of coordinate axes",
		"CRPIX1  =                 16.5",
		"CRPIX2  =                 16.5",
		"CDELT1  =                -0.01",
		"CDELT2  =                 0.01",
		"CUNIT1  = 'deg     '",
		"CUNIT2  = 'deg     '",
		"CTYPE1  = 'RA---TAN'",
		"CTYPE2  = 'DEC--TAN'",
		"CRVAL1  =                 83.8",
		"CRVAL2  =                 -5.4",
		"CTYPE3  = 'PLANE   ' / plane number, counted from 1",
		"CRPIX3  =                  1.0",
		"CRVAL3  =                  1.0",
		"CDELT3  =                  1.0",
		"CNAME3  = '1 = separated component s, 2 = DATA - s'",
		"LONPOLE =                180.0",
		"RADESYS = 'ICRS    '",
		"BUNIT   = 'MJy/sr  '",
		"HISTORY projected with reproject",
	}, "\n")
	if got != want {
		t.Errorf("header:\n%s\nwant\n%s", got, want)
	}
	if astropy[0].Value != int64(2) {
		t.Errorf("the input cards were modified: %+v", astropy[0])
	}

	// a CD matrix (whose missing elements are 0): CD3_3, no CDELT3; a cube
	// with one plane's own axis 3 (FREQ, degenerate) moves to axis 4 beside
	// the plane axis, and WCSAXES = 4 is written, as the axes exceed NAXIS
	// (was left implicit before unitfits20); an alternate WCS 'A' gets its
	// own plane axis (and no WCSAXESA: its axes are NAXIS's 3)
	cube := []Card{
		{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"}, {Key: "CTYPE3", Value: "FREQ"},
		{Key: "CD1_1", Value: -0.05}, {Key: "CD2_2", Value: 0.05}, {Key: "CD3_3", Value: 1e9}, {Key: "CRVAL3", Value: 353e9}, {Key: "PC1_3", Value: 0.0},
		{Key: "CTYPE1A", Value: "X"}, {Key: "CTYPE2A", Value: "Y"}, {Key: "CDELT1A", Value: 2.0}, {Key: "CDELT2A", Value: 2.0},
		{Key: "OBJECT", Value: "dust"},
	}
	got = strings.Join(write(PlaneAxisCards(cube, ""))[6:], "\n")
	want = strings.Join([]string{
		"WCSAXES =                    4 / Number of coordinate axes",
		"CTYPE1  = 'GLON-CAR'",
		"CTYPE2  = 'GLAT-CAR'",
		"CTYPE4  = 'FREQ    '",
		"CD1_1   =                -0.05",
		"CD2_2   =                 0.05",
		"CD4_4   =              1.0E+09",
		"CRVAL4  =             3.53E+11",
		"PC1_4   =                  0.0",
		"CTYPE3  = 'PLANE   ' / plane number, counted from 1",
		"CRPIX3  =                  1.0",
		"CRVAL3  =                  1.0",
		"CD3_3   =                  1.0",
		"CTYPE1A = 'X       '",
		"CTYPE2A = 'Y       '",
		"CDELT1A =                  2.0",
		"CDELT2A =                  2.0",
		"CTYPE3A = 'PLANE   ' / plane number, counted from 1",
		"CRPIX3A =                  1.0",
		"CRVAL3A =                  1.0",
		"CDELT3A =                  1.0",
		"OBJECT  = 'dust    '",
	}, "\n")
	if got != want {
		t.Errorf("CD cube header:\n%s\nwant\n%s", got, want)
	}

	// no WCS: unchanged; a long or non-ASCII name is fitted into one card
	plain := []Card{{Key: "BUNIT", Value: "K"}, {Key: "COMMENT", Comment: "CTYPE3 in a comment is no WCS"}}
	if got := PlaneAxisCards(plain, name); len(got) != 2 || got[0] != plain[0] || got[1] != plain[1] {
		t.Errorf("no WCS: %+v", got)
	}
	long := PlaneAxisCards([]Card{{Key: "CTYPE1", Value: "RA---TAN"}}, "né "+strings.Repeat("x'", 40))
	c := long[len(long)-1]
	if c.Key != "CNAME3" || !strings.HasPrefix(c.Value.(string), "n? x'x'") {
		t.Fatalf("long name: %+v", c)
	}
	if s, err := formatCard(c); err != nil || len(s) != 80 {
		t.Errorf("long name: card %q, %v", s, err)
	}
}
