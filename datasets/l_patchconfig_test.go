package datasets

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// PatchConfig's limits as its doc states them, the Tukey taper
// mean + (x − mean)·w(i)·w(j) with Alpha 0 meaning 0.3, and Split's
// round(val·n) validation indices forming with train a permutation.
func TestPatchConfigDocumented(t *testing.T) {
	m := stlayer.NewMaps(1, 32, 32)
	for i := range m.Data {
		m.Data[i] = float64(i%13) + 0.5*float64(i/32)
	}
	src := []Source{{Name: "m", Maps: m}}
	for _, c := range []struct {
		cfg  PatchConfig
		frag string
	}{
		{PatchConfig{Size: 7}, "too small"},
		{PatchConfig{Size: 33}, "larger than the map"},
		{PatchConfig{Size: 16, Window: "hann"}, "unknown window"},
		{PatchConfig{Size: 16, Alpha: 2}, "outside [0, 1]"}, // no window: still refused
	} {
		if _, err := CutPatches(src, c.cfg); err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%+v: %v, want an error with %q", c.cfg, err, c.frag)
		}
	}
	if ps, err := CutPatches(src, PatchConfig{Size: 8}); err != nil || len(ps.Patches) != 49 {
		t.Errorf("size 8, stride default 4 on 32×32: %v patches, %v; want 7×7 = 49", ps, err)
	}

	plain, err := CutPatches(src, PatchConfig{Size: 16, Stride: 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, alpha := range []float64{0, 0.3, 0.8} {
		tk, err := CutPatches(src, PatchConfig{Size: 16, Stride: 16, Window: "tukey", Alpha: alpha})
		if err != nil {
			t.Fatal(err)
		}
		a := alpha
		if a == 0 {
			a = 0.3
		}
		w := TukeyWindow(16, a)
		for p := range plain.Patches {
			x, y := plain.Patch(p), tk.Patch(p)
			mean := 0.0
			for _, v := range x {
				mean += v
			}
			mean /= 256
			for i := range x {
				if want := mean + (x[i]-mean)*w[i]; math.Abs(y[i]-want) > 1e-12 {
					t.Fatalf("alpha %v patch %d pixel %d: %v, want %v", alpha, p, i, y[i], want)
				}
			}
		}
	}
	// TukeyWindow(16, 0.3) at a corner is 0, in the middle 1.
	if w := TukeyWindow(16, 0.3); w[0] != 0 || w[8*16+8] != 1 {
		t.Errorf("Tukey window corner %v, centre %v; want 0 and 1", w[0], w[8*16+8])
	}

	for _, c := range []struct {
		n      int
		val    float64
		nValid int
	}{{10, 0.25, 3}, {10, 0.2, 2}, {7, 0.5, 4}, {3, 0.1, 0}} {
		tr, va := Split(c.n, c.val, 4)
		if len(va) != c.nValid || len(tr) != c.n-c.nValid {
			t.Errorf("Split(%d, %v): %d valid, %d train; want %d and %d", c.n, c.val, len(va), len(tr), c.nValid, c.n-c.nValid)
		}
		all := append(append([]int(nil), tr...), va...)
		sort.Ints(all)
		for i, v := range all {
			if v != i {
				t.Errorf("Split(%d, %v): indices %v are not a permutation of 0…%d", c.n, c.val, all, c.n-1)
				break
			}
		}
	}
}
