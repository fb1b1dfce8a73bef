package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/vae"
)

// Export's refusals that Force lifts named the Go option and the command
// line together as "ExportOptions.Force, stkit export --force, accepts it",
// and the patch-size refusal said only "Force". All three now name the
// option as infer's other errors do, Go field then flag
// ("ExportOptions.Force, --force"), never the command "stkit export"; they
// are input errors (ErrModelInput), and Force lifts the first two.
func TestExportForceWording(t *testing.T) {
	spec := stats.Spec{Kind: stats.SCov, J: 2, L: 4, Synthesis: true, Iso: true}.WithDefaults(32, 32)
	other := spec
	other.J = 3
	f := &datasets.Features{Manifest: &datasets.DatasetManifest{Spec: spec, Size: 32, Dim: 4, N: 1, Fingerprint: "aaaa"}}
	tr := &TrainedRun{Model: &vae.Model{Cfg: vae.SmallConfig(2, 4)}}
	cases := []struct {
		name string
		meta RunMetadata
		want string
	}{
		{"fingerprint", RunMetadata{DatasetFingerprint: "bbbb"}, "has fingerprint aaaa, the run was trained on bbbb (another dataset? ExportOptions.Force, --force, accepts it)"},
		{"statistic", RunMetadata{Spec: &other}, "differs from dataset statistic " + spec.String() + " (ExportOptions.Force, --force, accepts it)"},
		{"patch size", RunMetadata{PatchSize: 16}, "(ExportOptions.Force, --force, accepts another dataset of the run's patch size only)"},
	}
	for _, c := range cases {
		tr.Meta = c.meta
		_, err := exportFrom(tr, f, "ds", t.TempDir(), ExportOptions{Samples: 2})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want …%s", c.name, err, c.want)
			continue
		}
		if !errors.Is(err, ErrModelInput) {
			t.Errorf("%s: %v is not an ErrModelInput", c.name, err)
		}
		if strings.Contains(err.Error(), "stkit export") {
			t.Errorf("%s: the library error names the command: %v", c.name, err)
		}
		// Force lifts the fingerprint and statistic refusals, not the patch
		// size (past the checks, the export of this stub run fails or panics
		// on its empty features: only the refusal is looked at)
		lifted := func() (lifted bool) {
			defer func() {
				if recover() != nil {
					lifted = true
				}
			}()
			_, err := exportFrom(tr, f, "ds", t.TempDir(), ExportOptions{Samples: 2, Force: true})
			return err == nil || !strings.Contains(err.Error(), c.want)
		}()
		if lifted != (c.name != "patch size") {
			t.Errorf("%s with Force: %v", c.name, err)
		}
	}
}
