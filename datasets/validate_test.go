package datasets

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

func TestValidateMaps(t *testing.T) {
	ok := []struct {
		b, m, n, J int
	}{{1, 256, 256, 7}, {2, 64, 128, 5}, {1, 2, 2, 0}, {3, 8, 8, 2}, {1, 384, 256, 7}}
	for _, c := range ok {
		if err := ValidateMaps(testMaps(c.b, c.m, c.n), c.J); err != nil {
			t.Errorf("%dx%dx%d J=%d: %v", c.b, c.m, c.n, c.J, err)
		}
	}
	withBad := testMaps(2, 16, 16)
	withBad.Data[256+3*16+5] = math.NaN()
	withBad.Data[256+7*16+1] = math.Inf(1)
	withBad.Data[511] = math.Inf(-1)
	bad := []struct {
		m    *stlayer.Maps
		J    int
		frag string
	}{
		{nil, 2, "nil"},
		{testMaps(1, 100, 100), 7, "J=7 needs maps of at least 256×256 pixels divisible by 128; got 100×100"},
		{testMaps(1, 128, 128), 7, "J=7 needs maps of at least 256×256 pixels divisible by 128; got 128×128"},
		{testMaps(1, 256, 200), 4, "J=4 needs maps of at least 32×32 pixels divisible by 16; got 256×200"},
		{testMaps(1, 1, 64), 2, "1×64 pixels are 1-D"},
		{testMaps(1, 64, 1), 2, "64×1 pixels are 1-D"},
		{testMaps(1, 1, 1), 0, "1×1 pixel"},
		{&stlayer.Maps{B: 0, M: 4, N: 4}, 1, "empty batch"},
		{&stlayer.Maps{B: 1, M: 4, N: 4, Data: make([]float64, 15)}, 1, "hold 15 values"},
		{testMaps(1, 8, 8), -1, "J=-1 out of range"},
		{testMaps(1, 8, 8), 31, "J=31 out of range"},
		{withBad, 2, "3 non-finite pixels (first: NaN in map 1 at row 3, column 5)"},
	}
	for _, c := range bad {
		err := ValidateMaps(c.m, c.J)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("got %v, want %q", err, c.frag)
		}
	}
}

// The non-finite pixel error gave the first position without saying whether
// rows and columns count from 0 or 1 (FITS users count pixels from 1), nor
// what to do. It now says both, and still starts as before.
func TestValidateMapsNonFiniteSaysHow(t *testing.T) {
	m := testMaps(2, 16, 16)
	m.Data[256+3*16+5] = math.NaN()
	err := ValidateMaps(m, 2)
	for _, frag := range []string{
		"1 non-finite pixel (first: NaN in map 1 at row 3, column 5)",
		"count from 0 as in numpy", "FITS pixel x=6, y=4",
		"must be finite", "np.nan_to_num",
	} {
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("error %v lacks %q", err, frag)
		}
	}
}

// An image saved with a trailing channel axis, shape (M, N, 1), is read as M
// maps of N×1 pixels and was refused as "maps of 512×1 pixels are 1-D",
// leaving the user to guess why their 512×512 image became that. The error
// now names the shape as read and the fix, x[..., 0].
func TestValidateMapsTrailingAxisHint(t *testing.T) {
	err := ValidateMaps(testMaps(32, 16, 1), 2)
	for _, frag := range []string{"maps of 16×1 pixels are 1-D", "shape (32, 16, 1)", "32 maps of 16×1 pixels", "x[..., 0]"} {
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("error %v lacks %q", err, frag)
		}
	}
	if err := ValidateMaps(testMaps(1, 16, 1), 2); err == nil || strings.Contains(err.Error(), "x[..., 0]") {
		t.Errorf("one 16×1 map: %v (no trailing-axis hint wanted)", err)
	}
}
