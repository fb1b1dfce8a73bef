package datasets

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With a PC matrix the linear transformation is CDi_j = CDELTi × PCi_j
// (FITS WCS Paper I), so the pixel scale along pixel axis j is the norm of
// column j of that product. PixelScaleCards took |CDELTj| × √(PC1_j² +
// PC2_j²), which is wrong when CDELT1 ≠ CDELT2 under a rotation: here
// CDELT1 = −0.002, CDELT2 = 0.001 rotated by 30° gave −0.002 and 0.001
// instead of −√3.25e-6 and √1.75e-6. The PC form and the equivalent CD
// form must give the same cards.
func TestUnitfits20PCScaleEqualsCD(t *testing.T) {
	r := 30 * math.Pi / 180
	c, s := math.Cos(r), math.Sin(r)
	cdelt := [2]float64{-0.002, 0.001}
	pc := [2][2]float64{{c, -s}, {s, c}}
	pcForm := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CDELT1", Value: cdelt[0]}, {Key: "CDELT2", Value: cdelt[1]},
		{Key: "PC1_1", Value: pc[0][0]}, {Key: "PC1_2", Value: pc[0][1]},
		{Key: "PC2_1", Value: pc[1][0]}, {Key: "PC2_2", Value: pc[1][1]},
	}
	cdForm := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CD1_1", Value: cdelt[0] * pc[0][0]}, {Key: "CD1_2", Value: cdelt[0] * pc[0][1]},
		{Key: "CD2_1", Value: cdelt[1] * pc[1][0]}, {Key: "CD2_2", Value: cdelt[1] * pc[1][1]},
	}
	scales := func(cards []Card) map[string]any {
		got := map[string]any{}
		for _, k := range PixelScaleCards(cards) {
			got[k.Key] = k.Value
		}
		return got
	}
	// column 1: (−0.002 cos 30°, 0.001 sin 30°), column 2: (0.002 sin 30°,
	// 0.001 cos 30°); signs those of the diagonal
	want := map[string]float64{"CDELT1": -math.Sqrt(3.25e-6), "CDELT2": math.Sqrt(1.75e-6)}
	gp, gc := scales(pcForm), scales(cdForm)
	for k, w := range want {
		p, _ := gp[k].(float64)
		d, _ := gc[k].(float64)
		if math.Abs(p-w) > 1e-15 || math.Abs(d-w) > 1e-15 {
			t.Errorf("%s: PC form %v, CD form %v, want %v", k, gp[k], gc[k], w)
		}
	}
	for _, k := range []string{"CUNIT1", "CUNIT2"} {
		if gp[k] != "deg" || gc[k] != "deg" {
			t.Errorf("%s: PC form %v, CD form %v, want deg", k, gp[k], gc[k])
		}
	}
	if len(gp) != 4 || len(gc) != 4 {
		t.Errorf("cards: PC form %v, CD form %v", gp, gc)
	}
}

// A radio map with degenerate FREQ and STOKES axes but no WCSAXES card
// (CTYPE3, CTYPE4: WCSAXES is implicitly 4) came out of PlaneAxisCards with
// those axes at 4 and 5 and still no WCSAXES, while the output has NAXIS =
// 3: the FITS standard's default (the largest of NAXIS and the axis
// numbers) makes it 5, but readers that take NAXIS axes, and the FITS
// verifier, want it written. WCSAXES = 5 now comes first, before the WCS
// cards; a 2-D input (axes 1–3 after the plane axis, NAXIS's 3) still gets
// none. Checked on the header written and read back.
func TestUnitfits20PlaneAxisWCSAXES(t *testing.T) {
	in := []Card{
		{Key: "OBJECT", Value: "3C 286"},
		{Key: "CTYPE1", Value: "RA---SIN"}, {Key: "CTYPE2", Value: "DEC--SIN"}, {Key: "CTYPE3", Value: "FREQ"}, {Key: "CTYPE4", Value: "STOKES"},
		{Key: "CDELT1", Value: -1e-3}, {Key: "CDELT2", Value: 1e-3}, {Key: "CRVAL3", Value: 1.4e9}, {Key: "CRVAL4", Value: 1.0},
		{Key: "BUNIT", Value: "JY/BEAM"},
	}
	out := PlaneAxisCards(in, "planes")
	var keys []string
	for _, c := range out {
		keys = append(keys, c.Key)
	}
	want := "OBJECT WCSAXES CTYPE1 CTYPE2 CTYPE4 CTYPE5 CDELT1 CDELT2 CRVAL4 CRVAL5 CTYPE3 CRPIX3 CRVAL3 CDELT3 CNAME3 BUNIT"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys:\n%s\nwant\n%s", got, want)
	}
	if out[1].Value != int64(5) {
		t.Errorf("WCSAXES = %v, want 5", out[1].Value)
	}
	p := filepath.Join(t.TempDir(), "o.fits")
	if err := WriteFITS(p, &Array{Shape: []int{2, 3, 3}, DType: "float64", Float64: make([]float64, 18)}, out...); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	hdr := headerCards(t, b)
	if len(hdr) < 8 || hdr[2] != "NAXIS   =                    3 / number of axes" || hdr[6] != "OBJECT  = '3C 286  '" ||
		hdr[7] != "WCSAXES =                    5 / Number of coordinate axes" {
		t.Errorf("header written:\n%s", strings.Join(hdr, "\n"))
	}
	// 2-D: none (WCSAXES is NAXIS's 3)
	for _, c := range PlaneAxisCards(in[:3], "planes") {
		if strings.HasPrefix(c.Key, "WCSAXES") {
			t.Errorf("2-D input: %+v", c)
		}
	}
}
