package stlayer

import (
	"fmt"
	"iter"
)

// FilterRun is a run of stored values of one filter of a sparse FilterBank:
// Vals[i] is the filter's value at row Row, column Col+i (fftfreq order), for
// 0 ≤ i < len(Vals), all on row Row (Col+len(Vals) ≤ W).
type FilterRun struct {
	Row, Col int
	Vals     []float64
}

// IsSparse reports whether f stores its filters as runs (Runs non-nil, Data
// nil) rather than densely.
func (f *FilterBank) IsSparse() bool { return f.Runs != nil }

// Valid reports whether f is a well-formed bank: K, H, W ≥ 1 with K·H·W
// representable as an int, and either a dense bank with len(Data) = K·H·W,
// or a sparse bank (Data nil) with len(Runs) = K whose runs lie inside the
// H×W grid, ordered by (row, column) without overlapping. It costs O(1) for a dense bank and O(number
// of runs) for a sparse one.
func (f *FilterBank) Valid() bool { return f.check() == nil }

// maxInt is the largest int.
const maxInt = int(^uint(0) >> 1)

func (f *FilterBank) check() error {
	if f == nil {
		return fmt.Errorf("nil filter bank")
	}
	if f.K < 1 || f.H < 1 || f.W < 1 || f.H > maxInt/f.W || f.K > maxInt/(f.H*f.W) {
		return fmt.Errorf("filter bank %q: K=%d %dx%d", f.Name, f.K, f.H, f.W)
	}
	if f.Runs == nil {
		if len(f.Data) != f.K*f.H*f.W {
			return fmt.Errorf("filter bank %q: K=%d %dx%d with %d values", f.Name, f.K, f.H, f.W, len(f.Data))
		}
		return nil
	}
	if f.Data != nil || len(f.Runs) != f.K {
		return fmt.Errorf("filter bank %q: sparse with %d run lists for K=%d (and %d dense values)", f.Name, len(f.Runs), f.K, len(f.Data))
	}
	for k, runs := range f.Runs {
		end := 0 // flat index past the previous run
		for _, r := range runs {
			if r.Row < 0 || r.Row >= f.H || r.Col < 0 || r.Col+len(r.Vals) > f.W || r.Row*f.W+r.Col < end {
				return fmt.Errorf("filter bank %q: filter %d: run at (%d, %d) of %d values out of the %dx%d grid or out of order", f.Name, k, r.Row, r.Col, len(r.Vals), f.H, f.W)
			}
			end = r.Row*f.W + r.Col + len(r.Vals)
		}
	}
	return nil
}

// FilterInto writes the k-th filter into dst (len H·W), dense, zeros off a
// sparse bank's runs.
func (f *FilterBank) FilterInto(k int, dst []float64) {
	n := f.H * f.W
	dst = dst[:n]
	if f.Runs == nil {
		copy(dst, f.Data[k*n:(k+1)*n])
		return
	}
	clear(dst)
	for _, r := range f.Runs[k] {
		copy(dst[r.Row*f.W+r.Col:], r.Vals)
	}
}

// All yields (i, v) for the stored values of the bank in increasing flat
// index i = (k·H+h)·W+w: every value of a dense bank, the run values of a
// sparse one (the values it skips are 0). A dense float32 copy, for
// instance, is make([]float32, K·H·W) filled from All.
func (f *FilterBank) All() iter.Seq2[int, float64] {
	return func(yield func(int, float64) bool) {
		if f.Runs == nil {
			for i, v := range f.Data {
				if !yield(i, v) {
					return
				}
			}
			return
		}
		for k, runs := range f.Runs {
			for _, r := range runs {
				at := (k*f.H+r.Row)*f.W + r.Col
				for i, v := range r.Vals {
					if !yield(at+i, v) {
						return
					}
				}
			}
		}
	}
}

// StoredValues returns the number of float64 values f holds: K·H·W for a
// dense bank, the total run length of a sparse one.
func (f *FilterBank) StoredValues() int {
	if f.Runs == nil {
		return len(f.Data)
	}
	n := 0
	for _, runs := range f.Runs {
		for _, r := range runs {
			n += len(r.Vals)
		}
	}
	return n
}
