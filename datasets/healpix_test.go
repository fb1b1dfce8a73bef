package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// healpixFITS builds a HEALPix map file as healpy.write_map and Planck's
// archive do: a primary HDU without data, then a BINTABLE of nside²·12
// float32 pixels with the given extra cards.
func healpixFITS(nside int, cols int, extra ...string) []byte {
	f := fitsFile([]string{"SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"}, nil)
	npix := 12 * nside * nside
	cards := []string{"XTENSION= 'BINTABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = " + strconv.Itoa(4*cols), "NAXIS2  = " + strconv.Itoa(npix),
		"PCOUNT  = 0", "GCOUNT  = 1", "TFIELDS = " + strconv.Itoa(cols)}
	for i, n := range []string{"I_STOKES", "Q_STOKES", "U_STOKES", "II_COV", "QQ_COV", "UU_COV"}[:cols] {
		cards = append(cards, "TTYPE"+strconv.Itoa(i+1)+"  = '"+n+"'", "TFORM"+strconv.Itoa(i+1)+"  = 'E'")
	}
	return append(f, fitsFile(append(cards, extra...), make([]byte, 4*cols*npix))...)
}

// A HEALPix map was refused as "fits: no image: the primary HDU has NAXIS =
// 0 and no IMAGE extension follows", which said neither what the file is
// nor what to do (stkit matched that text to add advice). The decoder now
// recognises the table (PIXTYPE = 'HEALPIX', or NSIDE and ORDERING) and
// returns a *FormatError whose Err is a *HEALPixError with NSIDE, ordering
// and columns, saying to project a patch first. Other tables are named.
func TestFITSHEALPixTable(t *testing.T) {
	const advice = ", a table of the sphere's pixels, not a flat 2-D image: project a patch onto a flat grid first, " +
		"e.g. with healpy.gnomview(m, rot=(lon, lat), xsize=512, reso=arcmin_per_pixel, return_projected_map=True) " +
		"or reproject.reproject_from_healpix, and save it as a FITS image or .npy"
	for _, c := range []struct {
		name string
		data []byte
		want string
		hp   HEALPixError
	}{
		{"planck", healpixFITS(8, 1, "PIXTYPE = 'HEALPIX '", "ORDERING= 'NESTED  '", "NSIDE   = 8", "COORDSYS= 'GALACTIC'"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (NSIDE 8; NESTED ordering; 768 pixels; column I_STOKES)" + advice,
			HEALPixError{HDU: 1, NSide: 8, Ordering: "NESTED", Columns: []string{"I_STOKES"}}},
		{"IQU and covariances", healpixFITS(2, 6, "PIXTYPE = 'HEALPIX'", "ORDERING= 'RING'", "NSIDE   = 2"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (NSIDE 2; RING ordering; 48 pixels; columns I_STOKES, Q_STOKES, U_STOKES, II_COV and 2 more)" + advice,
			HEALPixError{HDU: 1, NSide: 2, Ordering: "RING", Columns: []string{"I_STOKES", "Q_STOKES", "U_STOKES", "II_COV", "QQ_COV", "UU_COV"}}},
		{"no PIXTYPE", healpixFITS(1, 1, "ORDERING= 'RING'", "NSIDE   = 1"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (NSIDE 1; RING ordering; 12 pixels; column I_STOKES)" + advice,
			HEALPixError{HDU: 1, NSide: 1, Ordering: "RING", Columns: []string{"I_STOKES"}}},
		{"partial, no NSIDE", healpixFITS(1, 1, "PIXTYPE = 'HEALPIX'", "INDXSCHM= 'EXPLICIT'", "OBJECT  = 'PARTIAL'"),
			"datasets: fits: no image: HDU 1 holds a HEALPix map (a partial map of listed pixels; column I_STOKES)" + advice,
			HEALPixError{HDU: 1, Partial: true, Columns: []string{"I_STOKES"}}},
	} {
		_, err := DecodeFITS(c.data)
		var fe *FormatError
		var hp *HEALPixError
		if !errors.As(err, &fe) || !errors.As(err, &hp) || err.Error() != c.want {
			t.Errorf("%s: got %v, want\n%s", c.name, err, c.want)
			continue
		}
		if hp.HDU != c.hp.HDU || hp.NSide != c.hp.NSide || hp.Ordering != c.hp.Ordering || hp.Partial != c.hp.Partial || strings.Join(hp.Columns, ",") != strings.Join(c.hp.Columns, ",") {
			t.Errorf("%s: %+v, want %+v", c.name, *hp, c.hp)
		}
	}

	// through the file readers: the path is named, the error is the same
	p := filepath.Join(t.TempDir(), "HFI_SkyMap_100_2048.fits")
	if err := os.WriteFile(p, healpixFITS(4, 3, "PIXTYPE = 'HEALPIX'", "ORDERING= 'RING'", "NSIDE   = 4"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() error{
		"ReadMaps":    func() error { _, err := ReadMaps(p); return err },
		"LoadSources": func() error { _, err := LoadSources([]string{p}); return err },
	} {
		err := read()
		var hp *HEALPixError
		if w := p + ": fits: no image: HDU 1 holds a HEALPix map (NSIDE 4; RING ordering; 192 pixels; columns I_STOKES, Q_STOKES, U_STOKES)"; !errors.As(err, &hp) || !strings.Contains(err.Error(), w) {
			t.Errorf("%s: got %v, want %q", name, err, w)
		}
	}

	// a table that is no HEALPix map: no HEALPix error, the extensions named
	table := healpixFITS(1, 2, "OBJECT  = 'CATALOG'")
	table = append(table, fitsFile([]string{"XTENSION= 'TABLE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 4", "NAXIS2  = 2", "PCOUNT  = 0", "GCOUNT  = 1", "TFIELDS = 1"}, make([]byte, 8))...)
	_, err := DecodeFITS(table)
	var hp *HEALPixError
	if w := "datasets: fits: no image: the primary HDU has NAXIS = 0 and no IMAGE extension follows (HDU 1 is a BINTABLE, HDU 2 is a TABLE; tables are not read)"; errors.As(err, &hp) || err == nil || err.Error() != w {
		t.Errorf("catalogue: got %v, want %q", err, w)
	}
	// an image after the HEALPix table is read as before
	img := append(healpixFITS(1, 1, "PIXTYPE = 'HEALPIX'", "NSIDE   = 1"),
		fitsFile([]string{"XTENSION= 'IMAGE'", "BITPIX  = 8", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 2", "PCOUNT  = 0", "GCOUNT  = 1"}, []byte{1, 2, 3, 4})...)
	if a, err := DecodeFITS(img); err != nil || len(a.Float64) != 4 || a.Float64[3] != 4 {
		t.Errorf("image after the table: %v, %v", a, err)
	}
}
