package engine

import (
	"fmt"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// PadReflect with padding as wide as the map or wider reflects again and
// again (period 2(n−1) along an axis of n pixels), as np.pad(mode='reflect')
// does; an axis of one pixel is padded with its value. Expectations worked
// out by hand by unfolding the mirror images. Both engines.
func TestPadReflectWide(t *testing.T) {
	for _, kind := range []string{"cpu", "graph"} {
		e, err := New(kind, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Run(kind, func(t *testing.T) { testPadReflectWide(t, e.Engine) })
	}
}

func testPadReflectWide(t *testing.T, e stlayer.Engine) {
	// Row pattern of np.pad([1,2,3], 5, mode='reflect').
	p5 := []float64{2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2}
	// np.pad([1,2,3,4], (7,2), mode='reflect') (period 6).
	c72 := []float64{2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2}
	rows := func(n int, r []float64) [][]float64 { // n copies of r
		out := make([][]float64, n)
		for i := range out {
			out[i] = r
		}
		return out
	}
	cols := func(c []float64, w int) [][]float64 { // row i constant c[i]
		out := make([][]float64, len(c))
		for i, v := range c {
			out[i] = make([]float64, w)
			for j := range out[i] {
				out[i][j] = v
			}
		}
		return out
	}
	// [[1,2,3],[4,5,6]] padded ((2,3),(4,3)): top = 2 and right = 3 equal the
	// map's size; rows alternate (period 2), columns go 1,2,3,2,1,2,... from
	// 4 pixels left of the first.
	r0 := []float64{1, 2, 3, 2, 1, 2, 3, 2, 1, 2}
	r1 := []float64{4, 5, 6, 5, 4, 5, 6, 5, 4, 5}
	for _, c := range []struct {
		name                     string
		m, n                     int
		x                        []float64
		top, bottom, left, right int
		want                     [][]float64
	}{
		{"1x3 by (2,1,5,5)", 1, 3, []float64{1, 2, 3}, 2, 1, 5, 5, rows(4, p5)},
		{"4x1 by (7,2,3,3)", 4, 1, []float64{1, 2, 3, 4}, 7, 2, 3, 3, cols(c72, 7)},
		{"2x3 by (2,3,4,3)", 2, 3, []float64{1, 2, 3, 4, 5, 6}, 2, 3, 4, 3, [][]float64{r0, r1, r0, r1, r0, r1, r0}},
		{"1x1 by (1,2,3,0)", 1, 1, []float64{7}, 1, 2, 3, 0, rows(4, []float64{7, 7, 7, 7})},
	} {
		x := stlayer.NewMaps(1, c.m, c.n)
		copy(x.Data, c.x)
		co, err := e.Forward(c.name, func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
			return p.PadReflect(x, c.top, c.bottom, c.left, c.right)
		}, x)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h, w := len(c.want), len(c.want[0])
		if co.K != 1 || co.H != h || co.W != w {
			t.Fatalf("%s: output %d×%d×%d, want 1×%d×%d", c.name, co.K, co.H, co.W, h, w)
		}
		for i := range h {
			got := make([]float64, w)
			for j := range w {
				got[j] = real(co.Data[i*w+j])
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want[i]) {
				t.Errorf("%s: row %d = %v, want %v", c.name, i, got, c.want[i])
			}
		}
	}
}
