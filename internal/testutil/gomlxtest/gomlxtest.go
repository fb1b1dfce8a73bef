// Package gomlxtest gives tests the GoMLX backend. It is a separate package
// from testutil so that tests which do not use GoMLX do not link it; it is
// imported only from _test.go files.
package gomlxtest

import (
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/internal/backend"
)

var logOnce sync.Once

// Backend returns the process-wide backend of backend.Default (created by
// backend.New("") on first use: $GOMLX_BACKEND, else XLA with a PJRT plugin
// found on disk, else pure Go), failing the test when it cannot be created.
// The backend's description is logged once per test binary.
func Backend(t testing.TB) backends.Backend {
	t.Helper()
	b, cfg, err := backend.Default()
	if err != nil {
		t.Fatalf("backend: %v", err)
	}
	logOnce.Do(func() { t.Logf("backend: %s", backend.Description(b, cfg)) })
	return b
}
