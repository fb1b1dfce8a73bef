package main

import (
	"fmt"
	"io"
	"os"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/dirlock"
)

// sepout20: separate (with samples, and with --models) writes the maps of a
// run stopped early (Ctrl-C, SIGTERM, an error after the first iterations)
// to OUT's partial file and their report, marked interrupted, to
// DIR.partial, as synth and sample do (synthout20_partial.go: partialPath,
// partialReport, removeStalePartial); -o OUT and --report DIR are written
// only by a run that finishes and are otherwise left byte for byte. Before,
// an interrupted separate replaced a complete OUT and DIR of an earlier run
// with the unfinished ones, and a script testing that OUT exists took them
// for a result.

// sepPartialCmd is the command name of separate's partial file for a stream
// output (partialPath: separate.partial.EXT in the working folder).
const sepPartialCmd = "separate"

// checkSepPartial checks, before any work, where a separate run that stops
// early will write, and returns OUT's partial file: that file (not one of
// inputs, not a file of a stkit folder; an .npz member's archive one that can
// take a member), and DIR.partial beside --report DIR (a folder that can be
// written, not a stkit folder whose files the report would replace); DIR
// may not be the partial file. (DIR.partial, without a map extension,
// cannot be OUT.)
func checkSepPartial(out, report string, inputs ...string) (string, error) {
	return checkSepPartialFormat(out, "", report, inputs...)
}

// checkSepPartialFormat is checkSepPartial for an -o written with --format
// (format, "" for none): a stream output's partial file
// (separate.partial.EXT) gets the format's extension; a file's keeps its
// own, as removeSepStalePartial finds it.
func checkSepPartialFormat(out, format, report string, inputs ...string) (string, error) {
	ext := formatExt(out, "")
	if isStreamOutput(out) {
		ext = formatExt(out, format)
	}
	partial := partialPath(sepPartialCmd, out, ext)
	what := "-o " + out + ": its partial file " + partial + " (the maps of a run stopped early)"
	if err := checkOutputFile(what, partial, inputs...); err != nil {
		return "", err
	}
	if npzMember(partial) != "" {
		if _, err := os.Stat(datasets.FilePart(partial)); err == nil {
			if err := datasets.CheckNPZAppend(datasets.FilePart(partial)); err != nil {
				return "", badInputf("%s: %v", what, err)
			}
		}
	}
	if report == "" {
		return partial, nil
	}
	if checkReportNotOutput(report, partial) != nil {
		return "", badInputf("--report %s is %s or lies inside it: choose another folder", report, what)
	}
	pr := partialReport(report)
	rwhat := "--report " + report + ": its partial report"
	if err := checkOutputDir(rwhat, pr); err != nil {
		return "", err
	}
	if err := checkReportFolder(rwhat, pr); err != nil {
		return "", err
	}
	return partial, nil
}

// sepNotWritten is the end of the messages of a separate run stopped early:
// "; sep.npy not written (only a run that finishes writes it)", naming
// --report DIR too when given.
func sepNotWritten(out, report string) string {
	if report == "" {
		return "; " + out + " not written (only a run that finishes writes it)"
	}
	return "; " + out + " and " + report + " not written (only a run that finishes writes them)"
}

// lockPartialReport locks repDir, where cmd's run writes its report, when
// it is --report DIR's DIR.partial (a run stopped early): DIR's own lock,
// taken up front, keeps out every other run on DIR but not one whose
// --report is DIR.partial itself, which would write the same files. It is
// not taken up front, since a lock there would make DIR.partial (and leave
// it after a kill) on every run. It returns the lock (nil, whose Release
// does nothing, when repDir is report or ""), the folder to write the
// report to (repDir; "" when another stkit holds DIR.partial: the maps are
// in the partial file all the same, the report is not written) and that
// refusal, to be said ("their report not written: …", exit 1). Used by
// separate, separate --models, synth and sample.
func lockPartialReport(cmd, report, repDir string, args []string) (*dirlock.Lock, string, error) {
	if repDir == report {
		return nil, repDir, nil
	}
	l, err := lockReport(repDir, cmd, args)
	if err != nil {
		return nil, "", err
	}
	return l, repDir, nil
}

// removeStalePartialLocked is removeStalePartial for a run of cmd (args)
// that finished and wrote out (and its report to DIR): the partial file of
// out and DIR.partial left by an earlier run stopped early are removed, the
// latter under its lock (lockReport), so that a run writing --report
// DIR.partial at that moment keeps it (it is left, and said so).
func removeStalePartialLocked(w io.Writer, cmd string, args []string, out, report, ext string, inputs ...string) {
	if pr := partialReport(report); pr != "" && interruptedReport(pr) {
		l, err := lockReport(pr, cmd, args)
		if err != nil {
			fmt.Fprintf(w, "%s: note: left %s, the report of an earlier run stopped early: %v\n", cmd, pr, err)
			report = ""
		} else {
			defer l.Release()
		}
	}
	removeStalePartialArgs(w, cmd, args, out, report, ext, inputs...)
	removeStalePartialReportAlts(w, cmd, args, report) // partial2: DIR.partial-2, …
}

// removeSepStalePartial is removeStalePartialLocked for separate (its
// partial file's extension is out's; for a stream output, --format's:
// checkSepPartialFormat).
func removeSepStalePartial(w io.Writer, args []string, out, format, report string, inputs ...string) {
	ext := formatExt(out, "")
	if isStreamOutput(out) {
		ext = formatExt(out, format)
	}
	removeStalePartialLocked(w, sepPartialCmd, args, out, report, ext, inputs...)
}
