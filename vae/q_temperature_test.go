package vae

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestTemperatureReaders pins SetTemperature's list of readers: Assign's probabilities and Decode
// are identical at τ = 0.3 and τ = 2, while Encode, Evaluate's Mu and stochastic Gauss term, and
// the q(z|x,y) statistics of RecomputeBNStats change (q(y|x)'s statistics do not); and
// Temperature's NaN cases: a nil model or one without Ctx, not one without Backend.
func TestTemperatureReaders(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	d := cfg.InputDim()
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 16*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	z := make([]float32, 4*cfg.Z)
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	type run struct {
		probs, enc, mu, gauss, dec []float32
		stats                      map[string][]float32
	}
	at := func(tau float64) run {
		m, err := New(b, cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		randomiseVars(t, m, rand.New(rand.NewPCG(5, 6)))
		if err := m.SetTemperature(tau); err != nil {
			t.Fatal(err)
		}
		var r run
		if _, _, r.probs, err = m.Assign(x); err != nil {
			t.Fatal(err)
		}
		if r.enc, err = m.Encode(x); err != nil {
			t.Fatal(err)
		}
		ev, err := m.Evaluate(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		r.mu, r.gauss = ev.Mu, ev.Gauss
		if r.dec, err = m.Decode(z); err != nil {
			t.Fatal(err)
		}
		if _, err := m.RecomputeBNStats(x, 8, 1); err != nil {
			t.Fatal(err)
		}
		r.stats = runningStats(m)
		return r
	}
	lo, hi := at(0.3), at(2)
	maxDiff := func(a, b []float32) float64 {
		w := 0.0
		for i := range a {
			w = max(w, math.Abs(float64(a[i]-b[i])))
		}
		return w
	}
	for _, c := range []struct {
		what    string
		a, b    []float32
		changes bool
	}{{"Assign probabilities", lo.probs, hi.probs, false}, {"Decode", lo.dec, hi.dec, false},
		{"Encode", lo.enc, hi.enc, true}, {"Evaluate Mu", lo.mu, hi.mu, true}, {"Evaluate Gauss", lo.gauss, hi.gauss, true}} {
		diff := maxDiff(c.a, c.b)
		if c.changes && diff < 1e-3 || !c.changes && diff != 0 {
			t.Errorf("%s: max |τ=0.3 − τ=2| = %.3g; τ should %s it", c.what, diff, map[bool]string{true: "change", false: "not change"}[c.changes])
		}
	}
	for name, v := range lo.stats {
		diff := maxDiff(v, hi.stats[name])
		if strings.Contains(name, "/qzxy/") && diff < 1e-4 || strings.Contains(name, "/qyx/") && diff != 0 {
			t.Errorf("RecomputeBNStats %s: max |τ=0.3 − τ=2| = %.3g", name, diff)
		}
	}

	var nilModel *Model
	if !math.IsNaN(nilModel.Temperature()) || !math.IsNaN((&Model{Cfg: cfg}).Temperature()) {
		t.Error("Temperature of a nil model or one without Ctx is not NaN")
	}
	m, _ := New(b, cfg, 2)
	if err := m.SetTemperature(0.5); err != nil {
		t.Fatal(err)
	}
	m.Backend = nil
	if m.Ready() == nil || m.Temperature() != 0.5 {
		t.Errorf("model without Backend: Ready %v, Temperature %g; want an error and 0.5", m.Ready(), m.Temperature())
	}
}
