package vae

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// Validate refuses NaN and infinite weights, slopes and offsets (NaN passed
// every "< 0" comparison) and a row length that overflows int.
func TestValidateRefusesNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, c := range map[string]struct {
		mod  func(c *Config)
		want string
	}{
		"NaN slope":            {func(c *Config) { c.Slope = nan }, "slope"},
		"NaN WRec":             {func(c *Config) { c.WRec = nan }, "WRec"},
		"Inf WGauss":           {func(c *Config) { c.WGauss = inf }, "WGauss"},
		"NaN WCat":             {func(c *Config) { c.WCat = nan }, "WCat"},
		"NaN WBalance":         {func(c *Config) { c.WBalance = nan }, "WBalance"},
		"NaN PriorVarOffset":   {func(c *Config) { c.PriorVarOffset = nan }, "PriorVarOffset"},
		"Inf PriorVarOffset":   {func(c *Config) { c.PriorVarOffset = inf }, "PriorVarOffset"},
		"NaN BNMomentum":       {func(c *Config) { c.BNMomentum = nan }, "BNMomentum"},
		"overflowing row size": {func(c *Config) { c.Channels, c.Features = 1<<40, 1<<40 }, "C·F"},
	} {
		cfg := SmallConfig(2, 4)
		c.mod(&cfg)
		testutil.Refused(t, name, cfg.Validate, c.want)
	}
	if err := SmallConfig(2, 4).Validate(); err != nil {
		t.Fatal(err)
	}
}

// Every Model method refuses bad input with an error, never a panic or a
// NaN result: nil or hand-built models, rows of the wrong length, NaN rows.
// A refused RecomputeBNStats leaves the model's statistics as they were.
func TestModelRefusesBadInput(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(2, 3)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	testutil.Refused(t, "New nil backend", func() error { _, err := New(nil, cfg, 1); return err }, "backend")
	bad := cfg
	bad.K = 1
	testutil.Refused(t, "New invalid config", func() error { _, err := New(b, bad, 1); return err }, "K must be")
	m, err := New(b, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{0.1, -0.2, 0.3, 1, 0.5, -1, 0.2, 0.2, 0.2, -0.7, 0.4, 0.9}
	nanX := append([]float32(nil), x...)
	nanX[4] = float32(math.NaN())
	infZ := []float32{0, float32(math.Inf(-1))}
	labels, _, probs0, err := m.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	var none *Model
	broken := &Model{Cfg: cfg, Ctx: m.Ctx, Backend: m.Backend}
	broken.Cfg.Z = 0
	for _, c := range []struct {
		name string
		m    *Model
		want string
	}{{"nil model", none, "nil model"}, {"model without context", &Model{Cfg: cfg, Backend: b}, "context"},
		{"model without backend", &Model{Cfg: cfg, Ctx: m.Ctx}, "backend"}, {"model with an invalid Cfg", broken, "Z and H"}} {
		testutil.Refused(t, c.name+": Evaluate", func() error { _, err := c.m.Evaluate(x, 1); return err }, c.want)
		testutil.Refused(t, c.name+": Assign", func() error { _, _, _, err := c.m.Assign(x); return err }, c.want)
		testutil.Refused(t, c.name+": Decode", func() error { _, err := c.m.Decode([]float32{0, 0}); return err }, c.want)
		testutil.Refused(t, c.name+": PriorParams", func() error { _, _, err := c.m.PriorParams(); return err }, c.want)
		testutil.Refused(t, c.name+": SamplePrior", func() error { _, _, err := c.m.SamplePrior(0, 1, 1); return err }, c.want)
		testutil.Refused(t, c.name+": RecomputeBNStats", func() error { _, err := c.m.RecomputeBNStats(x, 2, 1); return err }, c.want)
		testutil.Refused(t, c.name+": SetTemperature", func() error { return c.m.SetTemperature(1) }, c.want)
	}
	for _, c := range []struct {
		name string
		f    func() error
		want string
	}{
		{"Evaluate ragged", func() error { _, err := m.Evaluate(x[:5], 1); return err }, "multiple"},
		{"Evaluate NaN", func() error { _, err := m.Evaluate(nanX, 1); return err }, "row 1 column 1"},
		{"EvaluateTerms NaN", func() error { _, err := m.EvaluateTerms(nanX, 1); return err }, "row 1 column 1"},
		{"Assign NaN", func() error { _, _, _, err := m.Assign(nanX); return err }, "row 1 column 1"},
		{"Encode NaN", func() error { _, err := m.Encode(nanX); return err }, "row 1 column 1"},
		{"Decode ragged", func() error { _, err := m.Decode([]float32{1, 2, 3}); return err }, "multiple"},
		{"Decode Inf", func() error { _, err := m.Decode(infZ); return err }, "row 0 column 1"},
		{"RecomputeBNStats NaN", func() error { _, err := m.RecomputeBNStats(nanX, 2, 1); return err }, "row 1 column 1"},
		{"RecomputeBNStats batch 1", func() error { _, err := m.RecomputeBNStats(x, 1, 1); return err }, "at least 2"},
		{"SamplePrior cluster", func() error { _, _, err := m.SamplePrior(2, 1, 1); return err }, "out of range"},
		{"SamplePrior n=0", func() error { _, _, err := m.SamplePrior(0, 0, 1); return err }, "n ≥ 1"},
		{"SamplePrior overflowing n", func() error { _, _, err := m.SamplePrior(0, math.MaxInt/2, 1); return err }, "too many"},
		{"SetTemperature NaN", func() error { return m.SetTemperature(math.NaN()) }, "temperature"},
		{"SetTemperature 0", func() error { return m.SetTemperature(0) }, "temperature"},
	} {
		testutil.Refused(t, c.name, c.f, c.want)
	}
	// Nothing above changed the model.
	labels1, _, probs1, err := m.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range probs0 {
		if probs0[i] != probs1[i] {
			t.Fatalf("refused calls changed q(y|x): prob %d %g → %g (labels %v → %v)", i, probs0[i], probs1[i], labels, labels1)
		}
	}
	if tau := m.Temperature(); tau != 1 {
		t.Errorf("temperature %g after refused SetTemperature calls, want 1", tau)
	}
}
