package vae

import (
	"sync"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// SetTemperature and Temperature did not take the model's lock, so calling them while another
// goroutine ran Encode (the Model doc says its methods are safe for concurrent use) replaced and
// freed the temperature tensor under the running graph: a data race (go test -race), and without
// -race now and then a panic, variable "/vae/gumbel_temperature" failed to initialize. They now hold
// the lock; every Encode sees one of the temperatures set, and the last one set stays.
func TestSetTemperatureConcurrentWithEncode(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(3, 4)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	m, err := New(b, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{0.1, 0.2, 0.3, 0.4, 1, -1, 0.5, 0}
	want := map[float64][]float32{}
	for _, tau := range []float64{0.5, 2} {
		if err := m.SetTemperature(tau); err != nil {
			t.Fatal(err)
		}
		if want[tau], err = m.Encode(x); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			if err := m.SetTemperature([]float64{0.5, 2}[i%2]); err != nil {
				t.Error(err)
				return
			}
			_ = m.Temperature()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			mu, err := m.Encode(x)
			if err != nil {
				t.Error(err)
				return
			}
			same := func(w []float32) bool {
				for j := range w {
					if w[j] != mu[j] {
						return false
					}
				}
				return true
			}
			if !same(want[0.5]) && !same(want[2]) {
				t.Errorf("Encode during SetTemperature gave %v, neither τ=0.5's %v nor τ=2's %v", mu, want[0.5], want[2])
				return
			}
		}
	}()
	wg.Wait()
	if got := m.Temperature(); got != 2 {
		t.Errorf("temperature %g after the last SetTemperature(2)", got)
	}
}
