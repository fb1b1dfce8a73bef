package scov

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// New and NewCross refuse scales, orientations, sizes and enum values they
// cannot handle with an error naming the problem, quickly.
func TestNewRefusesBadConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		m, n int
		want string
	}{
		{"J=0", Config{J: 0, L: 4}, 32, 32, "J"},
		{"J<0", Config{J: -1, L: 4}, 32, 32, "J"},
		{"J=63", Config{J: 63, L: 4}, 32, 32, "J"},
		{"J=64", Config{J: 64, L: 4}, 32, 32, "J"},
		{"J=100", Config{J: 100, L: 4}, 32, 32, "J"},
		{"J too large", Config{J: 6, L: 4}, 32, 32, "J"},
		{"L=0", Config{J: 2, L: 0}, 32, 32, "L"},
		{"L huge", Config{J: 2, L: 1 << 20}, 32, 32, "L"},
		{"odd side", Config{J: 2, L: 4}, 33, 32, "even"},
		{"tiny map", Config{J: 1, L: 4}, 8, 8, "16"},
		{"negative size", Config{J: 1, L: 4}, -32, 32, "map"},
		{"unknown normalization", Config{J: 2, L: 4, Normalization: 5}, 32, 32, "normalization"},
		{"unknown S3", Config{J: 2, L: 4, S3: -1}, 32, 32, "S3"},
	} {
		testutil.Refused(t, c.name, func() error { _, err := New(c.cfg, c.m, c.n); return err }, c.want)
		testutil.Refused(t, "cross "+c.name, func() error { _, err := NewCross(c.cfg, c.m, c.n); return err }, c.want)
	}
}

// NewRef, RefFromCoeffs, Results, StackPair and Threshold refuse ragged,
// foreign and non-finite input with errors instead of panics or NaN
// references.
func TestRefRefusesBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	e := cpu.New()
	op, err := New(Config{J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	cop, err := NewCross(Config{J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	good := testutil.RandMaps(rng, 2, 16, 16)
	nan := testutil.RandMaps(rng, 1, 16, 16)
	nan.Data[17] = math.NaN()
	for _, c := range []struct {
		name string
		x    *stlayer.Maps
		want string
	}{
		{"nil maps", nil, "nil"},
		{"other size", testutil.RandMaps(rng, 1, 32, 32), "32×32"},
		{"non-square", testutil.RandMaps(rng, 1, 16, 32), "16×32"},
		{"ragged", &stlayer.Maps{B: 2, M: 16, N: 16, Data: good.Data[:300]}, "300"},
		{"NaN", nan, "non-finite"},
	} {
		testutil.Refused(t, "NewRef "+c.name, func() error { _, err := op.NewRef(e, c.x); return err }, c.want)
	}
	testutil.Refused(t, "NewRef nil engine", func() error { _, err := op.NewRef(nil, good); return err }, "engine")
	raw, err := e.Forward(op.Key(), op.Stat(), good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.RefFromCoeffs(raw); err != nil {
		t.Fatal(err)
	}
	ragged := *raw
	ragged.Data = raw.Data[:len(raw.Data)-1]
	long := *raw
	long.B = 5
	bad := *raw
	bad.Data = append([]complex128(nil), raw.Data...)
	bad.Data[3] = complex(math.NaN(), 0) // a P00 entry
	testutil.Refused(t, "RefFromCoeffs ragged", func() error { _, err := op.RefFromCoeffs(&ragged); return err }, "values")
	testutil.Refused(t, "RefFromCoeffs B too large", func() error { _, err := op.RefFromCoeffs(&long); return err }, "values")
	testutil.Refused(t, "RefFromCoeffs NaN", func() error { _, err := op.RefFromCoeffs(&bad); return err }, "non-finite")
	testutil.Refused(t, "RefFromCoeffs nil", func() error { _, err := op.RefFromCoeffs(nil); return err })
	testutil.Refused(t, "Results ragged", func() error { _, err := op.Results(&ragged, nil); return err }, "values")
	testutil.Refused(t, "Results B too large", func() error { _, err := op.Results(&long, nil); return err }, "values")
	pair, err := StackPair(good, good)
	if err != nil {
		t.Fatal(err)
	}
	craw, err := e.Forward(cop.Key(), cop.Stat(), pair)
	if err != nil {
		t.Fatal(err)
	}
	cr := *craw
	cr.Data = craw.Data[:7]
	testutil.Refused(t, "cross Results ragged", func() error { _, err := cop.Results(&cr, nil); return err }, "values")
	testutil.Refused(t, "StackPair nil", func() error { _, err := StackPair(nil, good); return err }, "nil")
	testutil.Refused(t, "StackPair ragged", func() error {
		_, err := StackPair(good, &stlayer.Maps{B: 2, M: 16, N: 16, Data: good.Data[:9]})
		return err
	}, "9")
	// Maps of another size than the operator's fail inside the engine.
	testutil.Refused(t, "Stat on 32×32", func() error {
		_, err := e.Forward(op.Key(), op.Stat(), testutil.RandMaps(rng, 1, 32, 32))
		return err
	})
	// Stored references: truncated, malformed, foreign.
	ref, err := op.RefFromCoeffs(raw)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := ref.WriteJSON(&sb); err != nil {
		t.Fatal(err)
	}
	js := sb.String()
	testutil.Refused(t, "ReadRef truncated", func() error { _, err := ReadRef(strings.NewReader(js[:len(js)/2])); return err }, "reading")
	testutil.Refused(t, "ReadRef J mismatch", func() error {
		_, err := ReadRef(strings.NewReader(strings.Replace(js, `"J": 2`, `"J": 3`, 1)))
		return err
	}, "malformed")
	other, err := New(Config{J: 3, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Refused(t, "Synthesis with a foreign ref", func() error { _, err := other.Synthesis(ref, true); return err }, "J=2")
	neg := *ref
	neg.P00 = append([]float64(nil), ref.P00...)
	neg.P00[0] = math.NaN()
	testutil.Refused(t, "Synthesis with a NaN ref", func() error { _, err := op.Synthesis(&neg, true); return err }, "positive")
	// Threshold.
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	n := sp.Len()
	s1, s2 := make([]float64, n), make([]float64, n)
	for i := range s1 {
		s1[i], s2[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	if _, err := sp.Threshold([][]float64{s1, s2}, 1, true, true); err != nil {
		t.Fatal(err)
	}
	s3 := append([]float64(nil), s2...)
	s3[2] = math.Inf(1)
	testutil.Refused(t, "Threshold Inf sample", func() error { _, err := sp.Threshold([][]float64{s1, s3}, 1, true, true); return err }, "non-finite")
	testutil.Refused(t, "Threshold NaN threshold", func() error { _, err := sp.Threshold([][]float64{s1, s2}, math.NaN(), true, true); return err }, "NaN")
	testutil.Refused(t, "Threshold short sample", func() error { _, err := sp.Threshold([][]float64{s1, s2[:3]}, 1, true, true); return err }, "length")
	testutil.Refused(t, "Threshold one sample", func() error { _, err := sp.Threshold([][]float64{s1}, 1, true, true); return err }, "2")
}
