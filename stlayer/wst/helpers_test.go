package wst

import (
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// openNpz opens the .npz archive at rel inside the shared/ folder, failing
// the test when it is missing.
func openNpz(t testing.TB, rel string) *testutil.Npz {
	t.Helper()
	return testutil.OpenNpz(t, testutil.SharedFile(t, rel))
}

func realParts(c []complex128) []float64 {
	out := make([]float64, len(c))
	for i, z := range c {
		out[i] = real(z)
	}
	return out
}
