package backend

import "testing"

// TestNewTrimsConfig: IsPureGoConfig(" go:ops_parallel ") says New would
// create the pure-Go backend, but New used the argument untrimmed and failed
// with 'backend " go" (config " go:ops_parallel ") is not compiled in'
// (only $GOMLX_BACKEND was trimmed). New now ignores surrounding spaces.
func TestNewTrimsConfig(t *testing.T) {
	isolate(t)
	for cfg, want := range map[string]string{" go:ops_parallel ": "go:ops_parallel", "\tgo\n": "go:ops_sequential"} {
		if !IsPureGoConfig(cfg) {
			t.Fatalf("IsPureGoConfig(%q) = false", cfg)
		}
		b, used, err := New(cfg)
		if err != nil {
			t.Errorf("New(%q): %v", cfg, err)
			continue
		}
		if !IsPureGo(b) || used != want {
			t.Errorf("New(%q) gave %s with config %q, want pure Go with %q", cfg, b.Name(), used, want)
		}
		b.Finalize()
	}
}
