package infer

import (
	"math"
	"testing"
)

// The pixel histogram must not draw a line across empty bins: on its log
// axis that line showed density where there is none (a synthesis with a
// few outliers far out gave a flat plateau over ten empty bins).
func TestHistogramSegmentsBreakAtEmptyBins(t *testing.T) {
	// bins of width 1 on [0, 10]: bins 0–2 filled, 3–6 empty, bin 8 alone, 9 (with 10.0) filled
	x := []float64{0.5, 0.5, 1.5, 2.5, 2.5, 2.5, 8.5, 9.2, 10}
	segs := histogramSegments(x, 0, 10, 10)
	if len(segs) != 2 {
		t.Fatalf("%d segments %v, want 2 (bins 0–2, bins 8–9)", len(segs), segs)
	}
	if len(segs[0]) != 3 || segs[0][0].X != 0.5 || segs[0][2].X != 2.5 {
		t.Errorf("first segment %v, want the centres 0.5, 1.5, 2.5", segs[0])
	}
	if want := 2.0 / 9; math.Abs(segs[0][0].Y-want) > 1e-12 {
		t.Errorf("density of bin 0 %g, want %g", segs[0][0].Y, want)
	}
	for _, sg := range segs {
		for i := 1; i < len(sg); i++ {
			if sg[i].X-sg[i-1].X > 1+1e-12 {
				t.Errorf("segment %v spans an empty bin between x = %g and %g", sg, sg[i-1].X, sg[i].X)
			}
		}
	}
	// a lone filled bin is a horizontal segment across its width
	segs = histogramSegments([]float64{0.5, 5.5}, 0, 10, 10)
	if len(segs) != 2 {
		t.Fatalf("%d segments %v, want 2 lone bins", len(segs), segs)
	}
	if s := segs[1]; len(s) != 2 || s[0].X != 5 || s[1].X != 6 || s[0].Y != s[1].Y || s[0].Y != 0.5 {
		t.Errorf("lone bin 5: %v, want (5, 0.5)–(6, 0.5)", s)
	}
	if segs := histogramSegments(nil, 0, 1, 10); segs != nil {
		t.Errorf("no data: %v, want nil", segs)
	}
}
