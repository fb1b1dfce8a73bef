package stlayer_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// WithKind adds a sentinel to an error without changing its message or
// hiding what it wrapped; *ErrShape matches its Kind; Maps.CheckFinite's
// error (message unchanged) matches ErrNonFinite and Maps.Check's ErrSize;
// the sentinels are distinct.
func TestLiberr19Sentinels(t *testing.T) {
	inner := fmt.Errorf("read: %w", fs.ErrNotExist)
	err := stlayer.WithKind(inner, stlayer.ErrSize)
	if err.Error() != "read: file does not exist" || !errors.Is(err, stlayer.ErrSize) || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, stlayer.ErrScales) {
		t.Errorf("WithKind: %q, Is(ErrSize) %v, Is(fs.ErrNotExist) %v", err, errors.Is(err, stlayer.ErrSize), errors.Is(err, fs.ErrNotExist))
	}
	wrapped := fmt.Errorf("term a: %w", stlayer.WithKind(&stlayer.ErrShape{Msg: "m"}, stlayer.ErrScales))
	var es *stlayer.ErrShape
	if !errors.Is(wrapped, stlayer.ErrScales) || !errors.As(wrapped, &es) || es.Msg != "m" {
		t.Errorf("WithKind through %%w: %v", wrapped)
	}
	if stlayer.WithKind(nil, stlayer.ErrSize) != nil {
		t.Error("WithKind(nil) is not nil")
	}
	se := &stlayer.ErrShape{Msg: "s", Kind: stlayer.ErrScales}
	if !errors.Is(se, stlayer.ErrScales) || errors.Is(se, stlayer.ErrSize) || errors.Is(&stlayer.ErrShape{Msg: "p"}, stlayer.ErrSize) {
		t.Error("ErrShape.Kind is not what errors.Is matches")
	}
	all := []error{stlayer.ErrNonFinite, stlayer.ErrSize, stlayer.ErrScales, stlayer.ErrKind}
	for i, a := range all {
		for j, b := range all {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}

	x := stlayer.NewMaps(2, 3, 5)
	x.Data[1*15+2*5+4] = math.Inf(-1)
	err = x.CheckFinite()
	if err == nil || err.Error() != "stlayer: non-finite value -Inf in map 1 at row 2, column 4" || !errors.Is(err, stlayer.ErrNonFinite) || errors.Is(err, stlayer.ErrSize) {
		t.Errorf("CheckFinite: %v", err)
	}
	for _, m := range []*stlayer.Maps{nil, {B: 1, M: 3, N: 5, Data: make([]float64, 14)}} {
		err := m.Check()
		if !errors.Is(err, stlayer.ErrSize) || !errors.As(err, &es) || errors.Is(err, stlayer.ErrNonFinite) {
			t.Errorf("Check: %v does not match ErrSize only", err)
		}
	}
}

// ScanMaps finds the first non-finite value and, on finite maps, the first
// map whose largest |value| is positive and below the floor (SmallMap's
// answer, unchanged).
func TestLiberr19ScanMaps(t *testing.T) {
	x := stlayer.NewMaps(3, 2, 2)
	for i := range x.Data {
		x.Data[i] = float64(i%4) + 1
	}
	for i := 4; i < 8; i++ {
		x.Data[i] *= 1e-9 // map 1 tiny, largest |value| 4e-9
	}
	bad, small, amax := stlayer.ScanMaps(x, 1e-6)
	if bad != -1 || small != 1 || amax != 4e-9 {
		t.Errorf("finite: ScanMaps = %d, %d, %g, want -1, 1, 4e-9", bad, small, amax)
	}
	if b, a := stlayer.SmallMap(x, 1e-6); b != 1 || a != 4e-9 {
		t.Errorf("SmallMap = %d, %g", b, a)
	}
	x.Data[10] = math.NaN()
	x.Data[11] = math.Inf(1)
	bad, small, _ = stlayer.ScanMaps(x, 1e-6)
	if bad != 10 || small != -1 {
		t.Errorf("NaN at 10: ScanMaps = %d, %d, want 10, -1", bad, small)
	}
	if err := stlayer.NonFiniteError("e: ", x, bad); err.Error() != "e: non-finite value NaN in map 2 at row 1, column 0" || !errors.Is(err, stlayer.ErrNonFinite) {
		t.Errorf("NonFiniteError: %v", err)
	}
}
