package main

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stkit-org/stkit/infer"
)

// TestExpx24ExportPassesEpoch: stkit export gives infer.ExportModels
// SOURCE_DATE_EPOCH's time as ExportOptions.Created, and the zero time
// (the library's "now") without it. Fails on the old code (Created
// unset: the CLI rewrote "created" in the written manifest instead).
func TestExpx24ExportPassesEpoch(t *testing.T) {
	run := filepath.Join(modelsFixture(t), "run")
	var got []time.Time
	stubExport(t, func(run, dataset, dir string, opt infer.ExportOptions) (*infer.ModelSet, error) {
		got = append(got, opt.Created)
		return nil, errors.New("stub")
	})
	for _, epoch := range []string{"1000000000", ""} {
		t.Setenv("SOURCE_DATE_EPOCH", epoch)
		if code, _, _ := runCLI(t, "export", run, "-o", filepath.Join(t.TempDir(), "m")); code != 1 {
			t.Errorf("SOURCE_DATE_EPOCH %q: exit %d, want the stub's 1", epoch, code)
		}
	}
	if len(got) != 2 || !got[0].Equal(time.Unix(1000000000, 0)) || !got[1].IsZero() {
		t.Errorf("Created given %v, want [2001-09-09T01:46:40Z, zero]", got)
	}
}
