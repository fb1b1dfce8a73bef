package datasets

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// PixelScaleCards keeps the pixel size of a WCS (CDELT, or the column norms
// of CD or of CDi_j = CDELTi × PCi_j) and its unit (CUNIT, 'deg' for a celestial CTYPE),
// nothing that places the image on the sky. Written with a plane axis
// (PlaneAxisCards, the [K, M, N] output of synth) the cards read back.
func TestPixelScaleCards(t *testing.T) {
	const s2 = math.Sqrt2
	for _, c := range []struct {
		name string
		in   []Card
		want map[string]any // nil: no cards
	}{
		{"CDELT, celestial", []Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"}, {Key: "CRPIX1", Value: 64.5}, {Key: "CRVAL1", Value: 120.0},
			{Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01}},
			map[string]any{"CDELT1": -0.01, "CDELT2": 0.01, "CUNIT1": "deg", "CUNIT2": "deg"}},
		{"CDELT, units given", []Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"}, {Key: "CDELT1", Value: int64(-2)}, {Key: "CDELT2", Value: 2.0},
			{Key: "CUNIT1", Value: "arcsec "}, {Key: "CUNIT2", Value: "arcsec"}},
			map[string]any{"CDELT1": -2.0, "CDELT2": 2.0, "CUNIT1": "arcsec", "CUNIT2": "arcsec"}},
		{"CD rotated 45°", []Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
			{Key: "CD1_1", Value: -0.5 * s2}, {Key: "CD1_2", Value: 0.5 * s2}, {Key: "CD2_1", Value: 0.5 * s2}, {Key: "CD2_2", Value: 0.5 * s2}},
			map[string]any{"CDELT1": -1.0, "CDELT2": 1.0, "CUNIT1": "deg", "CUNIT2": "deg"}},
		{"PC with CDELT, CD ignored", []Card{{Key: "CDELT1", Value: 3.0}, {Key: "CDELT2", Value: 4.0}, {Key: "PC1_1", Value: 0.6}, {Key: "PC2_1", Value: 0.8},
			{Key: "PC1_2", Value: -0.8}, {Key: "PC2_2", Value: 0.6}, {Key: "CD1_1", Value: 99.0}, {Key: "CUNIT1", Value: "Mpc/h"}, {Key: "CUNIT2", Value: "Mpc/h"}},
			// CD = [[3×0.6, 3×−0.8], [4×0.8, 4×0.6]]: column norms √(1.8² + 3.2²)
			// and √(2.4² + 2.4²) (was 3 and 4, |CDELTj| × the norm of PC's
			// column j, before unitfits20)
			map[string]any{"CDELT1": math.Sqrt(13.48), "CDELT2": 2.4 * s2, "CUNIT1": "Mpc/h", "CUNIT2": "Mpc/h"}},
		{"linear axes, no unit", []Card{{Key: "CTYPE1", Value: "X"}, {Key: "CDELT1", Value: 0.5}, {Key: "CDELT2", Value: 0.25}},
			map[string]any{"CDELT1": 0.5, "CDELT2": 0.25}},
		{"alternate WCS and 3rd axis only", []Card{{Key: "CDELT1A", Value: 2.0}, {Key: "CDELT3", Value: 1e9}, {Key: "BUNIT", Value: "K"}}, nil},
		{"no WCS", []Card{{Key: "BUNIT", Value: "MJy/sr"}}, nil},
	} {
		got := PixelScaleCards(c.in)
		if c.want == nil {
			if got != nil {
				t.Errorf("%s: %v, want no cards", c.name, got)
			}
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for _, g := range got {
			w, ok := c.want[g.Key]
			if f, isF := w.(float64); isF {
				if v, _ := g.Value.(float64); math.Abs(v-f) > 1e-12*math.Abs(f) {
					t.Errorf("%s: %s = %v, want %v", c.name, g.Key, g.Value, w)
				}
			} else if !ok || g.Value != w {
				t.Errorf("%s: %s = %v, want %v", c.name, g.Key, g.Value, w)
			}
		}
	}

	// a [2, 8, 8] FITS with the plane axis, as synth writes it, reads back
	in := []Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"}, {Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01}}
	cards := PlaneAxisCards(append([]Card{{Key: "BUNIT", Value: "MJy/sr"}}, PixelScaleCards(in)...), "synthesis number")
	cards = append(cards, Card{Key: "DATE", Value: "2026-11-29T11:30:00"}, Card{Key: "ORIGIN", Value: "stkit"})
	m := stlayer.NewMaps(2, 8, 8)
	for i := range m.Data {
		m.Data[i] = float64(i)
	}
	p := filepath.Join(t.TempDir(), "s.fits")
	if err := WriteMapsWith(p, m, MapsWriteOptions{DType: "float32", Batch: true, Cards: cards}); err != nil {
		t.Fatal(err)
	}
	back, hdr, err := ReadMapsHeader(p)
	if err != nil || back.B != 2 || back.M != 8 || back.N != 8 || back.Data[127] != 127 {
		t.Fatalf("read back: %v %v", back, err)
	}
	want := "BUNIT=MJy/sr CDELT1=-0.01 CDELT2=0.01 CUNIT1=deg CUNIT2=deg CTYPE3=PLANE CRPIX3=1 CRVAL3=1 CDELT3=1 CNAME3=synthesis number DATE=2026-11-29T11:30:00 ORIGIN=stkit "
	got := ""
	for _, c := range FITSUserCards(hdr) {
		got += fmt.Sprintf("%s=%v ", c.Key, c.Value)
	}
	if got != want {
		t.Errorf("cards read back:\n%s\nwant\n%s", got, want)
	}
}
