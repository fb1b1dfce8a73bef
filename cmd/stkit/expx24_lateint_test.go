package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestExpx24ExportLateInterrupt: Ctrl-C after infer.ExportModels' last
// check (here: the run context cancelled as it returns, the models
// written) is too late to stop the export: exit 0, the note says the
// interrupt came during the final write or after it and names the folder as complete,
// then "export: wrote"; the folder loads. The interrupt's own line says
// that a final write that has begun finishes. Fails on the old code (the
// note said "while the models were being written, too late to stop: the
// export is complete", naming no folder; the interrupt's line said nothing
// is written).
func TestExpx24ExportLateInterrupt(t *testing.T) {
	run := filepath.Join(modelsFixture(t), "run")
	out := filepath.Join(t.TempDir(), "m")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := runContext
	runContext = func(io.Writer, string) (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { runContext = old }()
	stubExport(t, func(run, dataset, dir string, opt infer.ExportOptions) (*infer.ModelSet, error) {
		ms, err := infer.ExportModels(run, dataset, dir, opt)
		cancel() // the interrupt, once the write has begun
		return ms, err
	})
	code, _, errs := runCLI(t, "export", run, "-o", out, "--samples", "10")
	// rev1: the interrupt here comes after the write, which the note says
	want := "export: note: the interrupt came during the final write of the models or after it, too late to stop (a write stopped half-way could leave the folder without its manifest): " + out + " is complete, with this export's models\nexport: wrote " + out + "\n"
	if code != 0 || !strings.HasSuffix(errs, want) {
		t.Errorf("exit %d, stderr\n%s\nwant it to end\n%s", code, tail(errs, 1500), want)
	}
	if ms, err := infer.LoadModels(out); err != nil || ms.Manifest.SamplesPerComponent != 10 {
		t.Errorf("the folder after the late interrupt: %v", err)
	}
	if got, want := exportStopSaving(out), "nothing is written into "+out+" (its earlier export is kept as it was), unless the final write of the models has begun: that one finishes"; got != want {
		t.Errorf("interrupt line %q\nwant %q", got, want)
	}
}
