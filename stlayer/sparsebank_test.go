package stlayer

import (
	"math"
	"testing"
)

// sparseExample is a 2-filter 3×4 sparse bank and its dense values.
func sparseExample() (*FilterBank, []float64) {
	f := &FilterBank{K: 2, H: 3, W: 4, Name: "ex", Runs: [][]FilterRun{
		{{Row: 0, Col: 1, Vals: []float64{1, 2}}, {Row: 2, Col: 0, Vals: []float64{3, 0, 4, 5}}},
		{{Row: 1, Col: 3, Vals: []float64{-6}}},
	}}
	dense := []float64{
		0, 1, 2, 0,
		0, 0, 0, 0,
		3, 0, 4, 5,

		0, 0, 0, 0,
		0, 0, 0, -6,
		0, 0, 0, 0,
	}
	return f, dense
}

// TestSparseBankDenseView: Filter, FilterInto and All of a sparse bank give
// its dense values (0 off the runs); StoredValues counts the run values;
// Valid accepts it and rejects malformed banks.
func TestSparseBankDenseView(t *testing.T) {
	f, dense := sparseExample()
	if !f.Valid() || !f.IsSparse() || f.StoredValues() != 7 {
		t.Fatalf("Valid %v IsSparse %v StoredValues %d", f.Valid(), f.IsSparse(), f.StoredValues())
	}
	n := f.H * f.W
	for k := 0; k < f.K; k++ {
		got := f.Filter(k)
		into := make([]float64, n)
		for i := range into {
			into[i] = math.NaN()
		}
		f.FilterInto(k, into)
		for i := range got {
			if got[i] != dense[k*n+i] || into[i] != dense[k*n+i] {
				t.Fatalf("filter %d value %d: Filter %g FilterInto %g, want %g", k, i, got[i], into[i], dense[k*n+i])
			}
		}
	}
	all := make([]float64, len(dense))
	last := -1
	for i, v := range f.All() {
		if i <= last {
			t.Fatalf("All: index %d after %d", i, last)
		}
		last = i
		all[i] = v
	}
	for i := range all {
		if all[i] != dense[i] {
			t.Fatalf("All: value %d is %g, want %g", i, all[i], dense[i])
		}
	}
	d := &FilterBank{K: 2, H: 3, W: 4, Data: dense}
	if !d.Valid() || d.IsSparse() || d.StoredValues() != 24 || &d.Filter(1)[0] != &dense[12] {
		t.Fatal("dense bank: Valid, IsSparse, StoredValues or Filter's aliasing wrong")
	}
	for name, mod := range map[string]func(*FilterBank){
		"overlap":     func(b *FilterBank) { b.Runs[0][1].Row, b.Runs[0][1].Col = 0, 2 },
		"out of grid": func(b *FilterBank) { b.Runs[1][0].Col = 4 },
		"bad row":     func(b *FilterBank) { b.Runs[1][0].Row = 3 },
		"K":           func(b *FilterBank) { b.Runs = b.Runs[:1] },
		"both":        func(b *FilterBank) { b.Data = dense },
	} {
		b, _ := sparseExample()
		mod(b)
		if b.Valid() {
			t.Errorf("%s: malformed sparse bank accepted", name)
		}
	}
}
