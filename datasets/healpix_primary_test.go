package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// healpixAdvice ends every HEALPixError message.
const healpixAdvice = ", not a flat 2-D image: project a patch onto a flat grid first, " +
	"e.g. with healpy.gnomview(m, rot=(lon, lat), xsize=512, reso=arcmin_per_pixel, return_projected_map=True) " +
	"or reproject.reproject_from_healpix, and save it as a FITS image or .npy"

// healpixPrimaryFITS is a HEALPix map whose NSIDE/ORDERING/PIXTYPE cards
// sit in the primary HDU (NAXIS = 0) and whose BINTABLE of 12·nside²
// float32 pixels (column TEMPERATURE) has none of them.
func healpixPrimaryFITS(nside int, keys ...string) []byte {
	f := fitsFile(append([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, keys...), nil)
	npix := 12 * nside * nside
	table := []string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 4", "NAXIS2  = " + strconv.Itoa(npix),
		"PCOUNT  = 0", "GCOUNT  = 1", "TFIELDS = 1", "TTYPE1  = 'TEMPERATURE'", "TFORM1  = 'E'"}
	return append(f, fitsFile(table, make([]byte, 4*npix))...)
}

// A HEALPix map whose NSIDE, ORDERING and PIXTYPE cards are in the primary
// HDU (the pixels in a BINTABLE without them, or in a 1-D primary image of
// 12·NSIDE² pixels) was not recognised: the table case read "no image: the
// primary HDU has NAXIS = 0 and no IMAGE extension follows (HDU 1 is a
// BINTABLE; tables are not read)", the image case decoded a 1-D array that
// ReadMaps refused for its shape. Both now give the *HEALPixError of the
// BINTABLE case, with NSIDE and ordering.
func TestFITSHEALPixKeywordsInPrimary(t *testing.T) {
	oneD := func(npix int, keys ...string) []byte {
		cards := append([]string{"SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 1", "NAXIS1  = " + strconv.Itoa(npix)}, keys...)
		return fitsFile(cards, make([]byte, 4*npix))
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
		hp   HEALPixError
	}{
		{"table, keywords in primary", healpixPrimaryFITS(4, "PIXTYPE = 'HEALPIX'", "ORDERING= 'NESTED'", "NSIDE   = 4"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (NSIDE 4; NESTED ordering; 192 pixels; column TEMPERATURE), a table of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 1, NSide: 4, Ordering: "NESTED", Columns: []string{"TEMPERATURE"}}},
		{"table, NSIDE and ORDERING in primary, no PIXTYPE", healpixPrimaryFITS(2, "ORDERING= 'RING'", "NSIDE   = 2"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (NSIDE 2; RING ordering; 48 pixels; column TEMPERATURE), a table of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 1, NSide: 2, Ordering: "RING", Columns: []string{"TEMPERATURE"}}},
		{"1-D primary image, PIXTYPE and NSIDE", oneD(768, "PIXTYPE = 'HEALPIX'", "ORDERING= 'RING'", "NSIDE   = 8"),
			"datasets: fits: not a flat image: HDU 0 holds a HEALPix map (NSIDE 8; RING ordering; 768 pixels), a 1-D image of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 0, NSide: 8, Ordering: "RING", Image: true}},
		{"1-D primary image, PIXTYPE only: NSIDE from the length", oneD(3072, "PIXTYPE = 'HEALPIX'"),
			"datasets: fits: not a flat image: HDU 0 holds a HEALPix map (NSIDE 16; 3072 pixels), a 1-D image of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 0, NSide: 16, Image: true}},
		{"1-D primary image, NSIDE and ORDERING", oneD(12, "ORDERING= 'NESTED'", "NSIDE   = 1"),
			"datasets: fits: not a flat image: HDU 0 holds a HEALPix map (NSIDE 1; NESTED ordering; 12 pixels), a 1-D image of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 0, NSide: 1, Ordering: "NESTED", Image: true}},
		{"1-D IMAGE extension, keywords in primary",
			append(fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T", "PIXTYPE = 'HEALPIX'", "NSIDE   = 2", "ORDERING= 'RING'"}, nil),
				fitsFile([]string{"XTENSION= 'IMAGE'", "BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 48", "NAXIS2  = 1", "PCOUNT  = 0", "GCOUNT  = 1"}, make([]byte, 4*48))...),
			"datasets: fits: not a flat image: HDU 1 holds a HEALPix map (NSIDE 2; RING ordering; 48 pixels), a 1-D image of the sphere's pixels" + healpixAdvice,
			HEALPixError{HDU: 1, NSide: 2, Ordering: "RING", Image: true}},
	} {
		_, err := DecodeFITS(c.data)
		var fe *FormatError
		var hp *HEALPixError
		if !errors.As(err, &fe) || !errors.As(err, &hp) || err.Error() != c.want {
			t.Errorf("%s: got %v, want\n%s", c.name, err, c.want)
			continue
		}
		if hp.HDU != c.hp.HDU || hp.NSide != c.hp.NSide || hp.Ordering != c.hp.Ordering || hp.Image != c.hp.Image || strings.Join(hp.Columns, ",") != strings.Join(c.hp.Columns, ",") {
			t.Errorf("%s: %+v, want %+v", c.name, *hp, c.hp)
		}
	}

	// through ReadMaps: the HEALPix error, not a shape error
	p := filepath.Join(t.TempDir(), "map.fits")
	if err := os.WriteFile(p, oneD(192, "PIXTYPE = 'HEALPIX'", "NSIDE   = 4", "ORDERING= 'RING'"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadMaps(p)
	var hp *HEALPixError
	if w := p + ": fits: not a flat image: HDU 0 holds a HEALPix map (NSIDE 4; RING ordering; 192 pixels)"; !errors.As(err, &hp) || !strings.Contains(err.Error(), w) {
		t.Errorf("ReadMaps: got %v, want %q", err, w)
	}

	// not HEALPix: a 1-D image without the keywords, one whose length is not
	// 12·NSIDE² (no PIXTYPE), and a flat 2-D patch that kept its source's
	// HEALPix cards are read as before
	for name, data := range map[string][]byte{
		"1-D, no keywords":             oneD(48),
		"1-D, NSIDE but length 50":     oneD(50, "NSIDE   = 2", "ORDERING= 'RING'"),
		"2-D patch with HEALPix cards": fitsFile([]string{"SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 48", "NAXIS2  = 4", "PIXTYPE = 'HEALPIX'", "NSIDE   = 2", "ORDERING= 'RING'"}, make([]byte, 4*48*4)),
		"1-D, PIXTYPE of another kind": oneD(48, "PIXTYPE = 'GRID'", "ORDERING= 'RING'"),
	} {
		a, err := DecodeFITS(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if errors.As(err, &hp) {
			t.Errorf("%s: HEALPix error %v", name, err)
		}
		if len(a.Shape) < 1 {
			t.Errorf("%s: shape %v", name, a.Shape)
		}
	}
}

// A HEALPix table whose data are cut short was reported as "truncated file:
// HDU 1 declares … data bytes but only … remain", without saying that the
// file holds a HEALPix map (which stkit cannot read whole or not): the error
// now carries the *HEALPixError too, after the truncation.
func TestFITSHEALPixTruncated(t *testing.T) {
	for name, full := range map[string][]byte{
		"keywords in the table":   healpixFITS(8, 1, "PIXTYPE = 'HEALPIX'", "ORDERING= 'RING'", "NSIDE   = 8"),
		"keywords in the primary": healpixPrimaryFITS(8, "PIXTYPE = 'HEALPIX'", "ORDERING= 'RING'", "NSIDE   = 8"),
	} {
		data := full[:2*fitsBlock+1000] // both headers, 1000 of the 3072 data bytes
		_, err := DecodeFITS(data)
		var hp *HEALPixError
		col := "I_STOKES"
		if strings.Contains(name, "primary") {
			col = "TEMPERATURE"
		}
		want := "datasets: fits: truncated file: HDU 1 declares 3072 data bytes but only 1000 remain: HDU 1 holds a HEALPix map (NSIDE 8; RING ordering; 768 pixels; column " + col + "), a table of the sphere's pixels" + healpixAdvice
		if !errors.As(err, &hp) || err.Error() != want {
			t.Errorf("%s: got %v, want\n%s", name, err, want)
		}
	}
	// a truncated table that is no HEALPix map: the truncation alone
	data := healpixFITS(8, 1, "OBJECT  = 'CATALOG'")[:2*fitsBlock+1000]
	_, err := DecodeFITS(data)
	var hp *HEALPixError
	if w := "datasets: fits: truncated file: HDU 1 declares 3072 data bytes but only 1000 remain"; errors.As(err, &hp) || err == nil || err.Error() != w {
		t.Errorf("catalogue: got %v, want %q", err, w)
	}
}
