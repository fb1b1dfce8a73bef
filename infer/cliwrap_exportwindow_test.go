package infer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/vae"
)

// Export checked only the statistic and the patch size of a dataset against
// the run's (and its fingerprint, which Force lifts): with Force a dataset cut
// with another patch window was exported without a word, though the window
// changes every feature (stkit clusters warns about it, b817d83). The run's
// recorded patch configuration (RunMetadata.Patch, "patch") is now compared:
// another window or α is refused without Force, naming both, and reported to
// ExportOptions.Warn with it; the same window ("" and "none", α 0 and 0.3
// for Tukey) passes silently.
func TestExportOtherPatchWindow(t *testing.T) {
	md, err := parseRunMetadata(json.RawMessage(`{"patch": {"Size": 32, "Window": "tukey", "Alpha": 1}}`))
	if err != nil || md.Patch == nil || md.Patch.Window != "tukey" || md.Patch.Alpha != 1 || md.Patch.Size != 32 {
		t.Fatalf("parseRunMetadata: %+v, %v", md.Patch, err)
	}
	spec := stats.Spec{Kind: stats.SCov, J: 2, L: 4, Synthesis: true, Iso: true}.WithDefaults(32, 32)
	tr := &TrainedRun{Model: &vae.Model{Cfg: vae.SmallConfig(2, 4)}}
	none := datasets.PatchConfig{Size: 32, Window: "none", Alpha: 0.3}
	tukey := func(a float64) datasets.PatchConfig { return datasets.PatchConfig{Size: 32, Window: "tukey", Alpha: a} }
	for _, c := range []struct {
		run, ds datasets.PatchConfig
		want    string // "" : no window refusal nor warning
	}{
		{none, tukey(1), "dataset ds's patches were cut with a Tukey window (α = 1), the run's training patches with no window"},
		{tukey(0.3), none, "dataset ds's patches were cut with no window, the run's training patches with a Tukey window (α = 0.3)"},
		{tukey(0.3), tukey(0.5), "cut with a Tukey window (α = 0.5), the run's training patches with a Tukey window (α = 0.3)"},
		{none, datasets.PatchConfig{Size: 32, Alpha: 0.5}, ""},
		{tukey(0), tukey(0.3), ""},
	} {
		tr.Meta = RunMetadata{Patch: &c.run}
		f := &datasets.Features{Manifest: &datasets.DatasetManifest{Spec: spec, Size: 32, Dim: 4, N: 1, Fingerprint: "aaaa", Patch: c.ds}}
		// past the checks the export of this stub run fails or panics on its
		// empty features: only the refusal and the warning are looked at
		try := func(opt ExportOptions) (err error) {
			defer func() {
				if recover() != nil {
					err = nil
				}
			}()
			_, err = exportFrom(tr, f, "ds", t.TempDir(), opt)
			return err
		}
		var warned []string
		warn := func(msg string) { warned = append(warned, msg) }
		err := try(ExportOptions{Samples: 2, Warn: warn})
		refused := err != nil && strings.Contains(err.Error(), "the window changes the features")
		if c.want == "" {
			if refused || len(warned) > 0 {
				t.Errorf("run %+v, dataset %+v: refused %v (%v), warned %q; want neither", c.run, c.ds, refused, err, warned)
			}
			continue
		}
		if !refused || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "(ExportOptions.Force, --force, accepts it)") || !errors.Is(err, ErrModelInput) || len(warned) > 0 {
			t.Errorf("run %+v, dataset %+v without Force: %v (warned %q), want an ErrModelInput refusal with %q", c.run, c.ds, err, warned, c.want)
		}
		err = try(ExportOptions{Samples: 2, Force: true, Warn: warn})
		if err != nil && strings.Contains(err.Error(), "the window changes the features") {
			t.Errorf("run %+v, dataset %+v: Force did not lift the refusal: %v", c.run, c.ds, err)
		}
		if len(warned) != 1 || !strings.Contains(warned[0], c.want) {
			t.Errorf("run %+v, dataset %+v with Force: warned %q, want one warning with %q", c.run, c.ds, warned, c.want)
		}
	}
}
