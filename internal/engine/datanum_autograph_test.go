package engine

import (
	"testing"

	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer/graph"
)

// fakeXLA stands for a started non-pure-Go backend: only the methods New
// and backend.Description call are implemented.
type fakeXLA struct{ backends.Backend }

func (fakeXLA) Name() string        { return "fakexla" }
func (fakeXLA) Description() string { return "fake" }
func (fakeXLA) NumDevices() int     { return 0 }

// Auto selection started the backend to see whether it is the pure-Go one,
// then, for any other, had the graph engine start a second backend from the
// same configuration (two PJRT clients on one device; the first was never
// finalised or used). The graph engine now runs on the backend auto started
// (one start), and "graph" starts one; both record the configuration
// (graph.Engine.Config).
func TestAutoGraphStartsOneBackend(t *testing.T) {
	oldEnv, oldNew := lookupEnv, newBackend
	defer func() { lookupEnv, newBackend = oldEnv, oldNew }()
	lookupEnv = func(k string) (string, bool) {
		if k == backend.EnvVar {
			return "xla:cpu", true
		}
		return "", false
	}
	var started []backends.Backend
	newBackend = func(cfg string) (backends.Backend, string, error) {
		b := &fakeXLA{}
		started = append(started, b)
		return b, "xla:cpu", nil
	}
	for _, name := range []string{"auto", "graph"} {
		started = nil
		c, err := New(name, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ge, ok := c.Engine.(*graph.Engine)
		if c.Name != "graph" || !ok {
			t.Fatalf("%s: engine %s (%T), want the graph engine", name, c.Name, c.Engine)
		}
		if len(started) != 1 || ge.Backend() != started[0] {
			t.Errorf("%s: %d backends started, engine on the first: %v; want 1, true", name, len(started), len(started) > 0 && ge.Backend() == started[0])
		}
		if ge.Config() != "xla:cpu" {
			t.Errorf("%s: engine Config %q, want %q", name, ge.Config(), "xla:cpu")
		}
	}
}
