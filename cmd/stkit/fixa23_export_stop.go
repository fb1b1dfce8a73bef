package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/infer"
)

// exportKeeps says what a stopped export leaves in the model folder out:
// an earlier export as it was, or no folder at all.
func exportKeeps(out string) string {
	if _, err := os.Stat(filepath.Join(out, infer.ModelManifestFile)); err == nil {
		return "its earlier export is kept as it was"
	}
	if _, err := os.Stat(out); err == nil {
		return "it is left as it was"
	}
	return "the folder is not made"
}

// exportStopSaving is export's line on Ctrl-C (interruptible's saving):
// the export writes all its models or none; an interrupt during the final
// write lets it finish (exportLateInterruptNote).
func exportStopSaving(out string) string {
	return fmt.Sprintf("nothing is written into %s (%s), unless the final write of the models has begun: that one finishes", out, exportKeeps(out))
}

// exportLateInterruptNote is export's note when Ctrl-C came too late to
// stop it: during the final write (infer.ModelSet.Write builds the models
// in a temporary folder and moves them into out, the manifest last; it is
// not stopped half-way, which could leave out without a manifest) or
// after it (while the provenance of the run and dataset, SHA-256 of every
// file, is added to the manifest). The export is complete, whatever the
// interrupt's line said (expx24: the note did not name the folder, nor
// say the write was the final one and out complete; rev1: it said
// "during the final write" for an interrupt after it too).
func exportLateInterruptNote(out string) string {
	return fmt.Sprintf("the interrupt came during the final write of the models or after it, too late to stop (a write stopped half-way could leave the folder without its manifest): %s is complete, with this export's models", out)
}

// exportInterruptedError is export's exit error (exit 1) for an export
// stopped by Ctrl-C or SIGTERM (infer.ExportOptions.Context): where it
// stopped, from infer's error, and what the model folder holds.
func exportInterruptedError(out string, err error) error {
	return fmt.Errorf("interrupted: %s; nothing written into %s (%s)", strings.TrimPrefix(err.Error(), "export: "), out, exportKeeps(out))
}
