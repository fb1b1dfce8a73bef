package cpu

import (
	"fmt"
	"math/cmplx"
	"strings"
	"testing"
)

// FFT2InPlace checked len(buf) against the wrapped product planes·H·W, so
// 2³² planes of 2³²×1 (product 2⁶⁴ ≡ 0) passed with an empty buffer and went
// on to transform them. The product is now bounded without overflow and the
// panic names the sizes; valid calls are unchanged (a 3×4 plane of ones
// transforms to 12 at frequency 0 and 0 elsewhere).
func TestFFT2InPlaceSizes(t *testing.T) {
	e := New()
	panics := func(buf []complex128, planes, H, W int) (msg string) {
		defer func() {
			if p := recover(); p != nil {
				msg = fmt.Sprint(p)
			}
		}()
		e.FFT2InPlace(buf, planes, H, W, false)
		return ""
	}
	for _, c := range []struct {
		n, planes, H, W int
		frag            string
	}{
		{0, 1 << 32, 1 << 32, 1, "4294967296 planes of 4294967296×1 need more values than the buffer's 0"},
		{16, 1 << 62, 4, 1, "need more values than the buffer's 16"},
		{11, 1, 3, 4, "1 planes of 3×4 need more values than the buffer's 11"},
		{12, -1, 3, 4, "want planes ≥ 0"},
		{12, 1, 0, 4, "want planes ≥ 0, H, W ≥ 1"},
	} {
		if msg := panics(make([]complex128, c.n), c.planes, c.H, c.W); !strings.Contains(msg, c.frag) {
			t.Errorf("%d planes of %d×%d, %d values: panic %q, want %q", c.planes, c.H, c.W, c.n, msg, c.frag)
		}
	}
	if msg := panics(nil, 0, 8, 8); msg != "" {
		t.Errorf("0 planes: panic %q", msg)
	}
	buf := make([]complex128, 12)
	for i := range buf {
		buf[i] = 1
	}
	e.FFT2InPlace(buf, 1, 3, 4, false)
	for i, v := range buf {
		want := complex128(0)
		if i == 0 {
			want = 12
		}
		if cmplx.Abs(v-want) > 1e-13 {
			t.Errorf("FFT2 of ones at %d: %v, want %v", i, v, want)
		}
	}
}
