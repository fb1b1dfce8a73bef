package stlayer_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// Maps.Check and Coeffs.Check refuse nil values, non-positive sides and a
// Data length that is not the product of the sides (overflow included).
func TestChecksRefuseBadShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		x    *stlayer.Maps
		want string
	}{
		{"nil", nil, "nil"},
		{"no data", &stlayer.Maps{B: 2, M: 4, N: 4}, "0 values"},
		{"short", &stlayer.Maps{B: 2, M: 4, N: 4, Data: make([]float64, 31)}, "31 values"},
		{"long", &stlayer.Maps{B: 2, M: 4, N: 4, Data: make([]float64, 33)}, "33 values"},
		{"B=0", &stlayer.Maps{B: 0, M: 4, N: 4}, "[0, 4, 4]"},
		{"negative sides", &stlayer.Maps{B: -1, M: -4, N: 4, Data: make([]float64, 16)}, "[-1, -4, 4]"},
		{"overflowing product", &stlayer.Maps{B: 1 << 32, M: 1 << 32, N: 1, Data: make([]float64, 0)}, "values"},
	} {
		testutil.Refused(t, "Maps.Check "+c.name, func() error { return c.x.Check() }, c.want)
	}
	if err := stlayer.NewMaps(2, 3, 5).Check(); err != nil {
		t.Errorf("good maps: %v", err)
	}
	nan := stlayer.NewMaps(2, 3, 5)
	nan.Data[1*15+2*5+4] = math.Inf(-1)
	testutil.Refused(t, "CheckFinite", nan.CheckFinite, "map 1", "row 2", "column 4")
	for _, c := range []struct {
		name string
		c    *stlayer.Coeffs
	}{
		{"nil", nil},
		{"short", &stlayer.Coeffs{B: 2, K: 3, H: 1, W: 1, Data: make([]complex128, 5)}},
		{"H=0", &stlayer.Coeffs{B: 2, K: 3, H: 0, W: 1}},
		{"overflow", &stlayer.Coeffs{B: 1 << 31, K: 1 << 31, H: 1 << 2, W: 1, Data: make([]complex128, 0)}},
	} {
		testutil.Refused(t, "Coeffs.Check "+c.name, func() error { return c.c.Check() })
	}
	if err := (&stlayer.Coeffs{B: 2, K: 3, H: 1, W: 2, Data: make([]complex128, 12)}).Check(); err != nil {
		t.Errorf("good coeffs: %v", err)
	}
}

// ForwardChunked refuses a nil engine or maps and ragged maps
// with an error instead of a panic.
func TestForwardChunkedRefusesBadInput(t *testing.T) {
	op, err := wph.New(wph.Config{J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	x := testutil.RandMaps(rand.New(rand.NewPCG(1, 2)), 3, 16, 16)
	testutil.Refused(t, "nil engine", func() error {
		_, err := stlayer.ForwardChunked(nil, op.Key(), op.Stat(), x, 1, nil)
		return err
	}, "engine")
	testutil.Refused(t, "nil maps", func() error {
		_, err := stlayer.ForwardChunked(e, op.Key(), op.Stat(), nil, 1, nil)
		return err
	}, "nil")
	testutil.Refused(t, "ragged maps", func() error {
		_, err := stlayer.ForwardChunked(e, op.Key(), op.Stat(), &stlayer.Maps{B: 3, M: 16, N: 16, Data: x.Data[:700]}, 1, nil)
		return err
	}, "700")
}

// Labels: Add panics (programming error) on a column it does not have and
// leaves the table unchanged; Get and Select read an unknown column as −1;
// Append(nil) is a no-op.
func TestLabelsUnknownColumns(t *testing.T) {
	l := stlayer.NewLabels("j1", "l1")
	l.Add("S1", map[string]int{"j1": 0, "l1": 1})
	func() {
		defer func() {
			p := recover()
			if p == nil || !strings.Contains(p.(string), `"zz"`) {
				t.Errorf("Add with an unknown column: panic %v, want one naming it", p)
			}
		}()
		l.Add("S1", map[string]int{"zz": 3})
	}()
	if l.Len() != 1 || len(l.Rows) != 1 {
		t.Errorf("refused Add changed the table: %d classes, %d rows", l.Len(), len(l.Rows))
	}
	if g := l.Get(0, "zz"); g != -1 {
		t.Errorf("Get unknown column = %d, want -1", g)
	}
	if s := l.Select("", map[string]int{"zz": 0}); len(s) != 0 {
		t.Errorf("Select on an unknown column = %v, want none", s)
	}
	l.Append(nil)
	if l.Len() != 1 {
		t.Errorf("Append(nil) changed the table")
	}
}
