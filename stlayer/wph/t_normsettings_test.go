package wph

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// SetNorm checked J, L, the map size and Cross only, so a normalisation
// measured with another boundary (NonPeriodic, Cut) or on other factor grids
// (Subsample, Margin) was installed silently, though its means and σ are
// not those of the operator's factors (the σ of a periodic and a cropped fit
// differ by up to 42 % here). FitNorm now records Boundary and Grid and SetNorm
// refuses a mismatch naming the setting (keeping the stored normalisation);
// a normalisation of the old form (no Boundary, no Grid) is checked against
// the settings in its Config string, and accepted when Config does not name
// them. DN changes neither: a DN = 0 fit has the same factors as a DN = 1
// fit and gives the DN = 1 operator the same coefficients.
func TestNormBoundaryAndGrid(t *testing.T) {
	const M = 32
	rng := rand.New(rand.NewPCG(5, 6))
	x := stlayer.NewMaps(1, M, M)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	eng := cpu.New()
	mk := func(mod func(*Config)) *Op {
		t.Helper()
		c := DefaultConfig()
		c.J, c.L, c.Norm = 4, 4, NormAuto
		mod(&c)
		op, err := New(c, M, M)
		if err != nil {
			t.Fatal(err)
		}
		return op
	}
	fit := func(op *Op) *Norm {
		t.Helper()
		if err := op.FitNorm(eng, x); err != nil {
			t.Fatal(err)
		}
		return op.Norm()
	}
	periodic := func(*Config) {}
	crop := func(c *Config) { c.NonPeriodic = true }
	sub1 := func(c *Config) { c.Subsample, c.Margin = true, 1 }
	sub2 := func(c *Config) { c.Subsample, c.Margin = true, 2 }
	dn1 := func(c *Config) { c.DN = 1 }

	np, nc, ns1, ns2 := fit(mk(periodic)), fit(mk(crop)), fit(mk(sub1)), fit(mk(sub2))
	if np.Boundary != "periodic" || nc.Boundary != "crop=8" {
		t.Errorf("Boundary: periodic fit %q, crop fit %q (want periodic, crop=8)", np.Boundary, nc.Boundary)
	}
	if g := ns1.Grid; len(g) != 4 || g[3] != 2 || g[2] != 1 {
		t.Errorf("Grid of the Margin 1 fit: %v, want [1 1 1 2]", g)
	}
	// the settings change the statistics
	worst := 0.0
	for i := range np.Factors {
		a, b := np.Factors[i], nc.Factors[i]
		if keyOf(a) != keyOf(b) {
			t.Fatalf("factor %d: %v vs %v", i, keyOf(a), keyOf(b))
		}
		worst = math.Max(worst, math.Abs(a.Std-b.Std)/a.Std)
	}
	if worst < 1e-2 {
		t.Errorf("periodic and cropped σ differ by %.3g at most, want > 1 %%", worst)
	}
	t.Logf("periodic vs crop: σ differs by up to %.3g relative", worst)

	refuse := func(name string, op *Op, n *Norm, want ...string) {
		t.Helper()
		before := op.Norm()
		testutil.Refused(t, name, func() error { return op.SetNorm(n) }, want...)
		if after := op.Norm(); (before == nil) != (after == nil) || (before != nil && before.fingerprint() != after.fingerprint()) {
			t.Errorf("%s: a refused SetNorm changed the stored normalisation", name)
		}
	}
	accept := func(name string, op *Op, n *Norm) {
		t.Helper()
		if err := op.SetNorm(n); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	refuse("periodic fit on a cropped operator", mk(crop), np, "boundary periodic", "crop=8", "NonPeriodic")
	refuse("cropped fit on a periodic operator", mk(periodic), nc, "boundary crop=8", "periodic", "NonPeriodic")
	refuse("exact fit on a Margin 1 operator", mk(sub1), np, "[1 1 1 1]", "[1 1 1 2]", "Subsample")
	refuse("Margin 1 fit on an exact operator", mk(periodic), ns1, "[1 1 1 2]", "Subsample")
	accept("cropped fit on a cropped operator", mk(crop), nc)
	// Subsample with Margin 2 keeps every grid full at 32², J = 4: the
	// factors, hence the statistics, are those of the exact fit
	if !slices.Equal(ns2.Grid, np.Grid) {
		t.Errorf("Margin 2 grid %v, exact %v", ns2.Grid, np.Grid)
	}
	accept("Margin 2 fit on an exact operator", mk(periodic), ns2)

	// DN: same factors, same coefficients
	opDN := mk(dn1)
	nDN := fit(opDN)
	for i := range np.Factors {
		if np.Factors[i] != nDN.Factors[i] {
			t.Fatalf("factor %d: DN = 0 fit %+v, DN = 1 fit %+v", i, np.Factors[i], nDN.Factors[i])
		}
	}
	want, err := opDN.Forward(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	opSet := mk(dn1)
	accept("DN = 0 fit on a DN = 1 operator", opSet, np)
	got, err := opSet.Forward(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CompareScaled(t, "DN = 1 coefficients with the DN = 0 fit", got.Data, want.Data, 1e-12, 1e-12)

	// old form: no boundary, no grid
	old := func(n *Norm, config *string) *Norm {
		t.Helper()
		var m map[string]any
		b, _ := json.Marshal(n)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "boundary")
		delete(m, "grid")
		if config != nil {
			m["config"] = *config
		}
		b, _ = json.Marshal(m)
		if strings.Contains(string(b), "boundary") || strings.Contains(string(b), "grid") {
			t.Fatalf("old form still has the fields: %s", b)
		}
		r, err := ReadNorm(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("old form: %v", err)
		}
		return r
	}
	accept("old periodic fit on a periodic operator", mk(periodic), old(np, nil))
	accept("old cropped fit on a cropped operator", mk(crop), old(nc, nil))
	accept("old Margin 1 fit on a Margin 1 operator", mk(sub1), old(ns1, nil))
	refuse("old periodic fit on a cropped operator", mk(crop), old(np, nil), "boundary periodic", "crop=8")
	refuse("old cropped fit on a periodic operator", mk(periodic), old(nc, nil), "boundary crop=8")
	refuse("old Margin 1 fit on an exact operator", mk(periodic), old(ns1, nil), "Subsample")
	none := ""
	accept("old fit without settings in Config", mk(crop), old(np, &none))

	// malformed Grid
	bad := np.clone()
	bad.Grid = []int{1, 1}
	refuse("grid of 2 scales", mk(periodic), bad, "2 scales", "J = 4")
	bad.Grid = []int{1, 0, 1, 1}
	refuse("grid 0", mk(periodic), bad, "≥ 1")
}
