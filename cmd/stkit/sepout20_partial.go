package main

import (
	"fmt"
	"io"
	"os"

	"github.com/stkit-org/stkit/datasets"
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
	partial := partialPath(sepPartialCmd, out, formatExt(out, ""))
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

// removeSepStalePartial is removeStalePartial for separate, after a run
// that finished wrote OUT (and its report to DIR): the partial file of OUT
// and DIR.partial left by an earlier run stopped early are removed, the
// latter under its lock (lockReport), so that a run writing --report
// DIR.partial at that moment keeps it (it is left, and said so).
func removeSepStalePartial(w io.Writer, args []string, out, report string, inputs ...string) {
	if pr := partialReport(report); pr != "" && interruptedReport(pr) {
		l, err := lockReport(pr, sepPartialCmd, args)
		if err != nil {
			fmt.Fprintf(w, "separate: left %s, the report of an earlier run stopped early: %v\n", pr, err)
			report = ""
		} else {
			defer l.Release()
		}
	}
	removeStalePartial(w, sepPartialCmd, out, report, formatExt(out, ""), inputs...)
}
