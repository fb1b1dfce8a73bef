package wst

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// New refuses scales, orientations and sizes it cannot handle with an
// *stlayer.ErrShape naming the problem, quickly (no filter bank is built).
func TestNewRefusesBadConfig(t *testing.T) {
	for _, local := range []bool{false, true} {
		for _, c := range []struct {
			name string
			cfg  Config
			m, n int
			want string
		}{
			{"J=0", Config{J: 0, L: 4}, 64, 64, "J"},
			{"J<0", Config{J: -3, L: 4}, 64, 64, "J"},
			{"J=62", Config{J: 62, L: 4}, 64, 64, "J"},
			{"J=63", Config{J: 63, L: 4}, 64, 64, "J"},
			{"J=64", Config{J: 64, L: 4}, 64, 64, "J"},
			{"J=100", Config{J: 100, L: 4}, 64, 64, "J"},
			{"J too large for the map", Config{J: 6, L: 4}, 64, 64, "J"},
			{"L=0", Config{J: 2, L: 0}, 64, 64, "L"},
			{"L<0", Config{J: 2, L: -4}, 64, 64, "L"},
			{"L huge", Config{J: 2, L: 1 << 20}, 64, 64, "L"},
			{"zero size", Config{J: 2, L: 4}, 0, 64, "map"},
			{"negative size", Config{J: 2, L: 4}, 64, -64, "map"},
			{"tiny map", Config{J: 1, L: 4}, 2, 2, ""},
			{"1×1 map", Config{J: 1, L: 4}, 1, 1, ""},
		} {
			c.cfg.Local = local
			name := c.name
			if local {
				name = "local " + name
			}
			testutil.Refused(t, name, func() error {
				_, err := New(c.cfg, c.m, c.n)
				if err != nil {
					if _, ok := err.(*stlayer.ErrShape); !ok {
						t.Errorf("%s: %T is not *stlayer.ErrShape", name, err)
					}
				}
				return err
			}, c.want)
		}
	}
	testutil.Refused(t, "global odd side", func() error { _, err := New(Config{J: 2, L: 4}, 33, 32); return err }, "even")
	testutil.Refused(t, "global 8×8", func() error { _, err := New(Config{J: 1, L: 4}, 8, 8); return err }, "16")
}

// The statistic evaluated on maps of another size than the operator's
// fails with an error, not a panic or silently shaped coefficients.
func TestStatRefusesOtherSize(t *testing.T) {
	e := cpu.New()
	for _, cfg := range []Config{{J: 2, L: 4}, {J: 2, L: 4, Local: true}, {J: 2, L: 4, Classic: true}} {
		op, err := New(cfg, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		for _, sz := range [][2]int{{64, 64}, {16, 16}, {32, 64}, {31, 32}} {
			x := randomMaps(1, 1, sz[0], sz[1])
			_, err := e.Forward(op.Key(), op.Stat(), x)
			var es *stlayer.ErrShape
			if !errors.As(err, &es) {
				t.Errorf("%s on %dx%d maps: error %v, want an *stlayer.ErrShape", op.Key(), sz[0], sz[1], err)
			}
			testutil.Refused(t, op.Key()+" CheckMaps", func() error { return op.CheckMaps(x) }, "32")
		}
		testutil.Refused(t, "CheckMaps nil", func() error { return op.CheckMaps(nil) }, "nil")
		testutil.Refused(t, "CheckMaps ragged", func() error {
			return op.CheckMaps(&stlayer.Maps{B: 2, M: 32, N: 32, Data: make([]float64, 100)})
		}, "100")
		if err := op.CheckMaps(randomMaps(1, 2, 32, 32)); err != nil {
			t.Errorf("CheckMaps on good maps: %v", err)
		}
	}
}

// A finite map gives finite coefficients; ChengDict and KymatioArray refuse
// coefficients of another shape, a nil operator or a ragged Data.
func TestExportRefusesBadCoeffs(t *testing.T) {
	g, err := New(Config{J: 2, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(Config{J: 2, L: 4, Local: true}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	x := randomMaps(3, 2, 32, 32)
	cg := forward(t, g, g.Stat(), x)
	cl := forward(t, l, l.Stat(), x)
	for i, v := range cg.Data {
		if math.IsNaN(real(v)) || math.IsInf(real(v), 0) {
			t.Fatalf("global coefficient %d = %v for a finite map", i, v)
		}
	}
	if _, err := ChengDict(g, cg); err != nil {
		t.Fatal(err)
	}
	if _, err := KymatioArray(l, cl); err != nil {
		t.Fatal(err)
	}
	ragged := *cg
	ragged.Data = cg.Data[:len(cg.Data)-3]
	negB := *cg
	negB.B = -1
	long := *cg
	long.B = 3
	testutil.Refused(t, "ChengDict nil op", func() error { _, err := ChengDict(nil, cg); return err }, "nil")
	testutil.Refused(t, "ChengDict nil coeffs", func() error { _, err := ChengDict(g, nil); return err })
	testutil.Refused(t, "ChengDict local", func() error { _, err := ChengDict(l, cl); return err }, "global")
	testutil.Refused(t, "ChengDict ragged", func() error { _, err := ChengDict(g, &ragged); return err }, "values")
	testutil.Refused(t, "ChengDict B<0", func() error { _, err := ChengDict(g, &negB); return err })
	testutil.Refused(t, "ChengDict B too large", func() error { _, err := ChengDict(g, &long); return err }, "values")
	lr := *cl
	lr.Data = cl.Data[:5]
	ll := *cl
	ll.Data = append(append([]complex128(nil), cl.Data...), 1)
	testutil.Refused(t, "KymatioArray nil op", func() error { _, err := KymatioArray(nil, cl); return err }, "nil")
	testutil.Refused(t, "KymatioArray global", func() error { _, err := KymatioArray(g, cg); return err }, "local")
	testutil.Refused(t, "KymatioArray ragged", func() error { _, err := KymatioArray(l, &lr); return err }, "values")
	testutil.Refused(t, "KymatioArray long", func() error { _, err := KymatioArray(l, &ll); return err }, "values")
}
