package graph

import (
	"testing"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestWithConfigRecorded pins WithConfig's doc: the configuration is
// recorded and returned by Config (the option used to be stored and never
// read, though its doc said Name and logs used it), NewDefault records
// internal/backend's, and Name does not depend on it.
func TestWithConfigRecorded(t *testing.T) {
	b := gomlxtest.Backend(t)
	plain := New(b)
	e := New(b, WithConfig("go:some-label"))
	if e.Config() != "go:some-label" || plain.Config() != "" {
		t.Errorf("Config() = %q and %q, want the recorded string and \"\"", e.Config(), plain.Config())
	}
	if e.Name() != plain.Name() {
		t.Errorf("Name %q with a config, %q without", e.Name(), plain.Name())
	}
	d, err := NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	_, cfg, _ := backend.Default()
	if d.Config() != cfg || cfg == "" {
		t.Errorf("NewDefault: Config() = %q, backend.Default's %q", d.Config(), cfg)
	}
}
