package vae

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestCfgArchitectureFixedAfterNew: changing an architecture field of Model.Cfg after New used to
// pass Ready when the new value was valid; Layers 2 → 3 then made Assign run silently with a freshly
// initialised extra layer, and Slope, PriorVarOffset or BNEpsilon changed only graphs compiled later.
// Ready (and so every method) now refuses such a model naming the field, a literal Model not built by
// New is refused, and the loss weights and BNMomentum may still change (train reads them) without
// changing any inference result.
func TestCfgArchitectureFixedAfterNew(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	x := make([]float32, 3*cfg.InputDim())
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, c := range []struct {
		field string
		mut   func(*Config)
	}{{"K", func(c *Config) { c.K = 4 }}, {"Channels", func(c *Config) { c.Channels = 1; c.Features = 8 }},
		{"Features", func(c *Config) { c.Features = 5 }}, {"Z", func(c *Config) { c.Z = 3 }}, {"H", func(c *Config) { c.H = 7 }},
		{"Layers", func(c *Config) { c.Layers = 3 }}, {"Slope", func(c *Config) { c.Slope = 0.1 }},
		{"PriorVarOffset", func(c *Config) { c.PriorVarOffset = 0.5 }}, {"BNEpsilon", func(c *Config) { c.BNEpsilon = 1e-3 }}} {
		m, err := New(b, cfg, 5)
		if err != nil {
			t.Fatal(err)
		}
		c.mut(&m.Cfg)
		if m.Cfg.Validate() != nil {
			t.Fatalf("%s: the changed Cfg should be valid: %v", c.field, m.Cfg.Validate())
		}
		err = m.Ready()
		if err == nil || !strings.Contains(err.Error(), "Cfg."+c.field+" is") {
			t.Errorf("%s changed after New: Ready() = %v, want an error naming Cfg.%s", c.field, err, c.field)
		}
		if _, _, _, err := m.Assign(make([]float32, 3*m.Cfg.InputDim())); err == nil {
			t.Errorf("%s changed after New: Assign ran", c.field)
		}
	}

	ref, _ := New(b, cfg, 5)
	_, _, want, err := ref.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := New(b, cfg, 5)
	m.Cfg.WRec, m.Cfg.WGauss, m.Cfg.WCat, m.Cfg.WBalance, m.Cfg.BNMomentum = 1, 2, 3, 0.5, 0.3
	_, _, got, err := m.Assign(x)
	if err != nil {
		t.Fatalf("loss weights and BNMomentum changed: %v", err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("probability %d = %v after a loss-weight change, %v before", i, got[i], want[i])
		}
	}
	lit := &Model{Cfg: cfg, Ctx: m.Ctx, Backend: m.Backend}
	if err := lit.Ready(); err == nil || !strings.Contains(err.Error(), "not built by New") {
		t.Errorf("literal Model: Ready() = %v, want 'not built by New'", err)
	}
}
