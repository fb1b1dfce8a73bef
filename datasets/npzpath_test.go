package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// An output "x.npz:" or "x.npz:.npy" names no member. CheckMapsPath, which
// commands call before long work, accepted it, and WriteMaps refused it only
// at the end ("empty .npz member name"), after the work was done. Both now
// refuse it, saying what to write instead, and nothing is written.
func TestCheckMapsPathEmptyMember(t *testing.T) {
	for _, p := range []string{"o.npz:", "o.npz:.npy", "dir/o.NPZ:"} {
		err := CheckMapsPath(p)
		if err == nil {
			t.Errorf("CheckMapsPath(%q) accepted an empty member name", p)
			continue
		}
		for _, frag := range []string{p, "no member name after", "o.npz:maps"} {
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(frag)) {
				t.Errorf("CheckMapsPath(%q) = %q, want it to contain %q", p, err, frag)
			}
		}
		dir := t.TempDir()
		if err := WriteMaps(filepath.Join(dir, p), stlayer.NewMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "no member name after") {
			t.Errorf("WriteMaps(%q) = %v", p, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("WriteMaps(%q) left %d files", p, len(ents))
		}
	}
}
