package datasets

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// logNormalPatches32 is the patch set of the manifest tests: one 64×64
// log-normal field (LogNormalField(64, 64, −2, 0.5, 3)) named a.npy, cut
// into 32² patches at the default stride.
func logNormalPatches32(t *testing.T) (*PatchSet, PatchConfig) {
	t.Helper()
	m := stlayer.NewMaps(1, 64, 64)
	f, _ := LogNormalField(64, 64, -2, 0.5, 3)
	copy(m.Data, f)
	cfg := PatchConfig{Size: 32}
	ps, err := CutPatches([]Source{{Name: "a.npy", Maps: m}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ps, cfg
}
