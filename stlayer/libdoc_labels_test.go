package stlayer_test

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestLabelsOutOfRangeTotal: the accessors of a label table take any index.
// Labels().String(100000) on a 191-coefficient table panicked ('index out of
// range [100000] with length 191'); String now says the index names no
// coefficient, Get reads −1 and Has false there (as for an absent column),
// and a nil table has Len 0 and selects nothing.
func TestLabelsOutOfRangeTotal(t *testing.T) {
	l := stlayer.NewLabels("j1", "l1")
	l.Add("P00", map[string]int{"j1": 0, "l1": 1})
	l.Add("L", map[string]int{"j1": -1})
	l.MarkValues("L", "j1")
	for _, c := range []struct {
		i    int
		want string
	}{
		{0, "P00(j1=0,l1=1)"},
		{1, "L(j1=-1)"},
		{2, "label index 2 out of range [0, 2)"},
		{100000, "label index 100000 out of range [0, 2)"},
		{-1, "label index -1 out of range [0, 2)"},
	} {
		if got := l.String(c.i); got != c.want {
			t.Errorf("String(%d) = %q, want %q", c.i, got, c.want)
		}
	}
	for _, i := range []int{-1, 2, 100000} {
		if v := l.Get(i, "j1"); v != -1 {
			t.Errorf("Get(%d, j1) = %d, want -1", i, v)
		}
		if l.Has(i, "j1") {
			t.Errorf("Has(%d, j1) = true, want false", i)
		}
	}
	if v, h := l.Get(1, "j1"), l.Has(1, "j1"); v != -1 || !h {
		t.Errorf("in range: Get(1, j1) = %d, Has = %v; want -1 (a value), true", v, h)
	}
	var none *stlayer.Labels
	if n, s, sel := none.Len(), none.String(0), none.Select("", nil); n != 0 || s != "label index 0 out of range [0, 0)" || sel != nil {
		t.Errorf("nil table: Len %d, String(0) %q, Select %v; want 0, the range text, nil", n, s, sel)
	}
	if none.Get(0, "j1") != -1 || none.Has(0, "j1") {
		t.Errorf("nil table: Get/Has of coefficient 0 found something")
	}
}
