package vae

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// SetTemperature accepted any positive finite float64 and stored it as a float32: 1e-50 became 0
// (y = softmax((logits+g)/0) is NaN) and 1e39 became +Inf. τ outside float32's positive normal
// range is now refused, the boundaries themselves are stored exactly.
func TestSetTemperatureFloat32Range(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(2, 3)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	m, err := New(b, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tau := range []float64{1e-50, 1e-40, MinTemperature / 2, 1e39, math.Inf(1), -0.5, math.NaN()} {
		testutil.Refused(t, "SetTemperature", func() error { return m.SetTemperature(tau) }, "outside [1.1755e-38, 3.4028e+38]")
		if got := m.Temperature(); got != 1 {
			t.Fatalf("refused τ = %g changed the temperature to %g", tau, got)
		}
	}
	for _, tau := range []float64{MinTemperature, 0.5, MaxTemperature} {
		if err := m.SetTemperature(tau); err != nil {
			t.Fatalf("SetTemperature(%g): %v", tau, err)
		}
		if got := m.Temperature(); got != tau {
			t.Errorf("SetTemperature(%g) stored %g", tau, got)
		}
	}
	if MinTemperature != float64(math.SmallestNonzeroFloat32)*(1<<23) || MaxTemperature != math.MaxFloat32 {
		t.Errorf("bounds %g, %g are not float32's smallest normal and largest finite value", MinTemperature, MaxTemperature)
	}
}
