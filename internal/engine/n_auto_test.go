package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/stkit-org/stkit/internal/backend"
)

// TestAutoStartsNoBackendForPureGo pins New's auto doc: when GOMLX_BACKEND
// is unset, blank or names the "go" backend (any options) and no plugin is
// on disk, the CPU engine is chosen without starting a GoMLX backend
// (GOMLX_BACKEND=go used to start one); a blank GOMLX_BACKEND is unset, as
// for backend.New, so a plugin on disk is then considered (it used to be
// skipped); another backend name is started.
func TestAutoStartsNoBackendForPureGo(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	t.Setenv("LD_LIBRARY_PATH", "")
	t.Setenv("HOME", dir) // no ~/.local/lib/go-xla
	oldEnv, oldNew := lookupEnv, newBackend
	defer func() { lookupEnv, newBackend = oldEnv, oldNew }()
	starts := 0
	newBackend = func(cfg string) (backends.Backend, string, error) {
		starts++
		return backend.New(backend.PureGoConfig)
	}
	run := func(env *string) (*Choice, int) {
		t.Helper()
		lookupEnv = func(k string) (string, bool) {
			if k != backend.EnvVar || env == nil {
				return "", false
			}
			return *env, true
		}
		starts = 0
		c, err := New("auto", "")
		if err != nil {
			t.Fatal(err)
		}
		return c, starts
	}
	str := func(s string) *string { return &s }
	if len(backend.FindPlugins()) > 0 {
		t.Skipf("plugins found outside the test's search path: %v", backend.FindPlugins())
	}
	for _, env := range []*string{nil, str(""), str("  "), str("go"), str("go:ops_parallel"), str(" go:ops_sequential ")} {
		c, n := run(env)
		name := "unset"
		if env != nil {
			name = "'" + *env + "'"
		}
		if c.Name != "cpu" || n != 0 {
			t.Errorf("GOMLX_BACKEND %s: engine %s after %d backend starts, want cpu after 0", name, c.Name, n)
		}
	}
	if c, n := run(str("xla:cpu")); c.Name != "cpu" || n != 1 {
		t.Errorf("GOMLX_BACKEND 'xla:cpu' (fake start giving pure Go): engine %s after %d starts, want cpu after 1", c.Name, n)
	}
	// A plugin on disk (only its name is looked at before the start).
	if err := os.WriteFile(filepath.Join(dir, "pjrt_c_api_cpu_plugin.so"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := 0
	if backend.XLACompiled() {
		want = 1
	}
	for _, env := range []*string{nil, str(""), str(" ")} {
		if _, n := run(env); n != want {
			t.Errorf("plugin on disk, GOMLX_BACKEND %v: %d backend starts, want %d", env != nil, n, want)
		}
	}
	if _, n := run(str("go")); n != 0 {
		t.Errorf("plugin on disk, GOMLX_BACKEND 'go': %d backend starts, want 0", n)
	}
}
