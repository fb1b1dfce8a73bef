package wph

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// New refuses configurations and sizes it cannot handle quickly, with an
// error naming the problem (no filter bank, no runaway model).
func TestNewRefusesBadConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		m, n int
		want string
	}{
		{"J=0", Config{J: 0, L: 4}, 32, 32, "J"},
		{"J<0", Config{J: -2, L: 4}, 32, 32, "J"},
		{"J=63", Config{J: 63, L: 4}, 32, 32, "J"},
		{"J=64", Config{J: 64, L: 4}, 32, 32, "J"},
		{"J=100", Config{J: 100, L: 4}, 32, 32, "J"},
		{"J too large", Config{J: 6, L: 4}, 32, 32, "J"},
		{"L=0", Config{J: 2, L: 0}, 32, 32, "L"},
		{"L<0", Config{J: 2, L: -4}, 32, 32, "L"},
		{"L huge", Config{J: 2, L: 1 << 20}, 32, 32, "L"},
		{"DN<0", Config{J: 2, L: 4, DN: -1}, 32, 32, "DN"},
		{"DN huge", Config{J: 2, L: 4, DN: 100}, 32, 32, "DN"},
		{"DN 2^DN > map", Config{J: 2, L: 4, DN: 6}, 32, 32, "DN"},
		{"legacy DN huge", Config{J: 2, L: 4, DN: 20, TauGrid: "legacy"}, 32, 32, "DN"},
		{"A huge", Config{J: 2, L: 4, DN: 1, A: 1 << 24}, 32, 32, "A"},
		{"DL > L/2", Config{J: 2, L: 4, DL: 3}, 32, 32, "DL"},
		{"DL huge", Config{J: 2, L: 4, DL: 1 << 30}, 32, 32, "DL"},
		{"unknown tau grid", Config{J: 2, L: 4, TauGrid: "lin"}, 32, 32, "TauGrid"},
		{"unknown class", Config{J: 2, L: 4, Classes: []string{"S11", "S12"}}, 32, 32, "S12"},
		{"empty classes", Config{J: 2, L: 4, Classes: []string{}}, 32, 32, "Classes"},
		{"unknown norm", Config{J: 2, L: 4, Norm: NormMode(7)}, 32, 32, "NormMode"},
		{"negative SMP", Config{J: 2, L: 4, SMP: [][2]int{{-1, 0}}}, 32, 32, "harmonics"},
		{"SMJ tiny", Config{J: 2, L: 4, SMJ: []int{-2000}}, 32, 32, "scale"},
		{"SMJ huge", Config{J: 2, L: 4, SMJ: []int{0, 1 << 40}}, 32, 32, "scale"},
		{"NaN cut", Config{J: 2, L: 4, NonPeriodic: true, Cut: math.NaN()}, 32, 32, "Cut"},
		{"Inf cut", Config{J: 2, L: 4, NonPeriodic: true, Cut: math.Inf(1)}, 32, 32, "Cut"},
		{"huge cut", Config{J: 2, L: 4, NonPeriodic: true, Cut: 1e300}, 32, 32, "cut"},
		{"cut leaves nothing", Config{J: 3, L: 4, NonPeriodic: true, Cut: 2}, 32, 32, "cut"},
		{"zero size", Config{J: 2, L: 4}, 0, 32, "map"},
		{"negative size", Config{J: 2, L: 4}, 32, -32, "map"},
		{"tiny map", Config{J: 2, L: 4}, 3, 3, "map"},
	} {
		testutil.Refused(t, c.name, func() error { _, err := New(c.cfg, c.m, c.n); return err }, c.want)
	}
	// A huge DJ means "all pairs", as DJ ≤ 0 does (it overflowed j1+1+DJ).
	all, err := New(Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	huge, err := New(Config{J: 3, L: 4, DJ: math.MaxInt}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	if huge.NumCoeffs() != all.NumCoeffs() {
		t.Errorf("DJ = MaxInt: %d coefficients, want %d (all pairs)", huge.NumCoeffs(), all.NumCoeffs())
	}
	// Odd and non-square maps are valid.
	if _, err := New(Config{J: 2, L: 4}, 17, 24); err != nil {
		t.Errorf("17×24: %v", err)
	}
}

// Forward, FitNorm, StackPair and WritePyWPH refuse nil engines, maps of the
// wrong size, ragged maps and non-finite references with errors.
func TestForwardRefusesBadMaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	e := cpu.New()
	op, err := New(Config{J: 2, L: 4, Norm: NormAuto}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	good := testutil.RandMaps(rng, 2, 16, 16)
	nan := testutil.RandMaps(rng, 2, 16, 16)
	nan.Data[300] = math.NaN()
	for _, c := range []struct {
		name string
		x    *stlayer.Maps
		want string
	}{
		{"nil", nil, "nil"},
		{"other size", testutil.RandMaps(rng, 1, 32, 32), "16x16"},
		{"non-square other", testutil.RandMaps(rng, 1, 16, 32), "16x16"},
		{"ragged", &stlayer.Maps{B: 2, M: 16, N: 16, Data: good.Data[:100]}, "100"},
		{"B=0", &stlayer.Maps{B: 0, M: 16, N: 16}, "B"},
	} {
		testutil.Refused(t, "Forward "+c.name, func() error { _, err := op.Forward(e, c.x); return err }, c.want)
		testutil.Refused(t, "FitNorm "+c.name, func() error { return op.FitNorm(e, c.x) }, c.want)
	}
	testutil.Refused(t, "FitNorm NaN", func() error { return op.FitNorm(e, nan) }, "non-finite")
	if op.Norm() != nil {
		t.Error("a refused FitNorm stored a normalisation")
	}
	testutil.Refused(t, "Forward nil engine", func() error { _, err := op.Forward(nil, good); return err }, "engine")
	testutil.Refused(t, "FitNorm nil engine", func() error { return op.FitNorm(nil, good) }, "engine")
	if err := op.FitNorm(e, good); err != nil {
		t.Fatal(err)
	}
	c, err := op.Forward(e, good)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range c.Data {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) {
			t.Fatalf("coefficient %d is NaN for a finite map", i)
		}
	}
	testutil.Refused(t, "StackPair nil", func() error { _, err := StackPair(nil, good); return err }, "nil")
	testutil.Refused(t, "StackPair ragged", func() error {
		_, err := StackPair(good, &stlayer.Maps{B: 2, M: 16, N: 16, Data: good.Data[:10]})
		return err
	}, "10")
	testutil.Refused(t, "StackPair shapes", func() error { _, err := StackPair(good, testutil.RandMaps(rng, 2, 16, 8)); return err }, "same shape")
	ragged := *c
	ragged.Data = c.Data[:3]
	testutil.Refused(t, "WritePyWPH ragged", func() error { return WritePyWPH(&bytes.Buffer{}, &ragged) }, "values")
	testutil.Refused(t, "WritePyWPH nil", func() error { return WritePyWPH(&bytes.Buffer{}, nil) })
}

// ReadNorm and SetNorm refuse truncated, malformed, foreign and non-finite
// normalisations and keep the stored one.
func TestNormRefusesBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	e := cpu.New()
	op, err := New(Config{J: 2, L: 4, Norm: NormAuto}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.FitNorm(e, testutil.RandMaps(rng, 1, 16, 16)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := op.Norm().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	js := buf.String()
	if n, err := ReadNorm(strings.NewReader(js)); err != nil || op.SetNorm(n) != nil {
		t.Fatalf("round trip: %v", err)
	}
	key := op.Key()
	for _, c := range []struct{ name, js, want string }{
		{"truncated", js[:len(js)/2], "reading"},
		{"empty", "", "reading"},
		{"not JSON", "{J: 2}", "reading"},
		{"version", strings.Replace(js, `"version": 1`, `"version": 9`, 1), "version"},
		{"no factors", `{"version": 1, "J": 2, "L": 4, "M": 16, "N": 16, "factors": []}`, "factors"},
		{"unknown kind", strings.Replace(js, `"kind": "wph"`, `"kind": "xyz"`, 1), "xyz"},
		{"negative std", strings.Replace(js, `"std": `, `"std": -`, 1), "negative"},
		{"map 1 without cross", strings.Replace(js, `"map": 0`, `"map": 1`, 1), "map 1"},
	} {
		testutil.Refused(t, "ReadNorm "+c.name, func() error { _, err := ReadNorm(strings.NewReader(c.js)); return err }, c.want)
	}
	n := op.Norm()
	n.Factors[2].Std = math.NaN()
	testutil.Refused(t, "SetNorm NaN", func() error { return op.SetNorm(n) }, "non-finite")
	n = op.Norm()
	n.Factors[0].MeanRe = math.Inf(1)
	testutil.Refused(t, "SetNorm Inf", func() error { return op.SetNorm(n) }, "non-finite")
	n = op.Norm()
	n.J = 3
	testutil.Refused(t, "SetNorm other J", func() error { return op.SetNorm(n) }, "J=3")
	n = op.Norm()
	n.M = 32
	testutil.Refused(t, "SetNorm other size", func() error { return op.SetNorm(n) }, "32x16")
	testutil.Refused(t, "SetNorm nil", func() error { return op.SetNorm(nil) }, "nil")
	if op.Key() != key {
		t.Error("a refused SetNorm changed the stored normalisation")
	}
}

// SetNorm refuses a normalisation that lacks factors the statistic needs,
// naming them (kind, map, j, l, p), and keeps the stored one; the full
// normalisation and one with extra entries are accepted.
func TestSetNormRefusesIncompleteNorm(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(3, 4)), 1, 32, 32)
	op := newOp(t, Config{J: 3, L: 4, Norm: NormAuto}, 32, 32)
	e := cpu.New()
	if err := op.FitNorm(e, x); err != nil {
		t.Fatal(err)
	}
	full := op.Norm()
	key := op.Key()
	want, err := op.Forward(e, x)
	if err != nil {
		t.Fatal(err)
	}
	n := full.clone()
	n.Factors = n.Factors[:len(n.Factors)/2]
	testutil.Refused(t, "SetNorm half the factors", func() error { return op.SetNorm(n) },
		"lacks", fmt.Sprintf("of the %d factors", len(full.Factors)), "more)")
	// One missing factor of each kind is named.
	for i, f := range full.Factors {
		if i > 0 && f.Kind == full.Factors[i-1].Kind && i != len(full.Factors)-1 {
			continue
		}
		n := full.clone()
		n.Factors = append(n.Factors[:i:i], n.Factors[i+1:]...)
		name := fmt.Sprintf("%s map=%d j=%d l=%d p=%d", f.Kind, f.Map, f.J, f.L, f.P)
		switch {
		case f.Kind == "sm" && f.P == -1:
			name = fmt.Sprintf("sm map=%d mean", f.Map)
		case f.Kind == "sm":
			name = fmt.Sprintf("sm map=%d j=%d p=%d", f.Map, f.J, f.P)
		}
		testutil.Refused(t, "SetNorm without "+name, func() error { return op.SetNorm(n) }, "lacks 1 of", name)
	}
	// A norm of another model (no scaling moments) lacks the "sm" factors.
	other := newOp(t, Config{J: 3, L: 4, Norm: NormAuto, Classes: []string{"S11", "S00", "S01", "C01", "Cphase"}}, 32, 32)
	if err := other.FitNorm(e, x); err != nil {
		t.Fatal(err)
	}
	testutil.Refused(t, "SetNorm of a model without L", func() error { return op.SetNorm(other.Norm()) }, "lacks", "sm map=0 mean")
	if op.Key() != key {
		t.Fatal("a refused SetNorm changed the stored normalisation")
	}
	// The other way round the norm has extra factors only: accepted, and the
	// coefficients are those of the full normalisation.
	if err := other.SetNorm(full); err != nil {
		t.Errorf("SetNorm with extra factors: %v", err)
	}
	extra := full.clone()
	extra.Factors = append(extra.Factors, FactorStat{Kind: "wph", J: 7, L: 1, P: 3, Std: 1})
	if err := op.SetNorm(extra); err != nil {
		t.Fatalf("SetNorm with an extra factor: %v", err)
	}
	got, err := op.Forward(e, x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("coefficient %d with an extra factor: %v, want %v", i, got.Data[i], want.Data[i])
		}
	}
}

// The factors SetNorm requires are exactly those FitNorm measures, for
// models that use different subsets of them.
func TestNormKeysAreFitKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	e := cpu.New()
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"default", Config{J: 3, L: 4}},
		{"cross", Config{J: 3, L: 4, Cross: true}},
		{"dn", Config{J: 3, L: 2, DN: 1}},
		{"non-periodic", Config{J: 2, L: 4, NonPeriodic: true}},
		{"subsample", Config{J: 3, L: 4, Subsample: true, Margin: 1}},
		{"some classes", Config{J: 3, L: 4, Classes: []string{"S11", "C01"}}},
		{"optional classes", Config{J: 3, L: 3, DL: 1, Classes: []string{"C00", "S10", "C10", "Cphase_inv"}}},
		{"only L", Config{J: 3, L: 4, Classes: []string{"L"}, SMJ: []int{0, 2}, SMP: [][2]int{{0, 2}, {1, 1}}}},
		{"cross L", Config{J: 2, L: 4, Cross: true, Classes: []string{"S00", "L"}, SMP: [][2]int{{0, 1}}}},
	} {
		c.cfg.Norm = NormAuto
		op := newOp(t, c.cfg, 32, 32)
		rows := 32
		if c.cfg.Cross {
			rows = 64
		}
		if err := op.FitNorm(e, testutil.RandMaps(rng, 1, rows, 32)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fit := map[fkey]bool{}
		for _, f := range op.Norm().Factors {
			fit[keyOf(f)] = true
		}
		need := op.normKeys()
		for _, k := range need {
			if !fit[k] {
				t.Errorf("%s: SetNorm requires %v, which FitNorm does not measure", c.name, k)
			}
		}
		if len(need) != len(fit) {
			t.Errorf("%s: SetNorm requires %d factors, FitNorm measures %d", c.name, len(need), len(fit))
		}
	}
}

// A NormAuto statistic evaluated before FitNorm/SetNorm is an error
// (ErrNoNorm) from the engine, not a panic in the caller.
func TestStatWithoutNormIsAnError(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(5, 6)), 1, 32, 32)
	op := newOp(t, Config{J: 3, L: 4, Norm: NormAuto}, 32, 32)
	if _, err := cpu.New().Forward(op.Key(), op.Stat(), x); !errors.Is(err, ErrNoNorm) {
		t.Errorf("Forward before FitNorm: error %v, want ErrNoNorm", err)
	}
}
