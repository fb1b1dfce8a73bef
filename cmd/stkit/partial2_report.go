package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// partial2: a run stopped early with --report DIR wrote its report into
// DIR.partial whatever that folder was: a user's own DIR.partial got
// metrics.json and the figures among its files (replacing any of those
// names). Now, as for the partial file (partialDest), when DIR.partial is
// there and is not a partial report stkit recorded writing and left as it
// was (partialReportFree), the report goes to the first free
// DIR.partial-2, DIR.partial-3, …, recorded as DIR.partial is, and the
// message says so; a later run that finishes removes the recorded
// alternates of its DIR (removeStalePartialReportAlts).

// partialReportDest is the folder a run stopped early writes the report of
// --report report to: DIR.partial (partialReport) when it is not there or
// is a partial report stkit wrote (partialReportFree), else the first such
// DIR.partial-k, k ≥ 2; "" without a report. note is "" for DIR.partial,
// else the part of the stop message saying why: "; rep.partial is not a
// partial report stkit recorded writing (or it was changed since): left as
// it was, the report goes to rep.partial-2".
func partialReportDest(report string) (dir, note string) {
	pr := partialReport(report)
	if pr == "" || partialReportFree(pr) {
		return pr, ""
	}
	for k := 2; k < 100000; k++ {
		dir = pr + "-" + strconv.Itoa(k)
		if partialReportFree(dir) {
			break
		}
	}
	return dir, "; " + pr + " is not a partial report stkit recorded writing (or it was changed since): left as it was, the report goes to " + dir
}

// partialReportFree reports whether a run stopped early may write its
// report to dir: dir does not exist, or is a partial report stkit recorded
// writing that holds what it recorded (partialReportVerdict against its
// own record).
func partialReportFree(dir string) bool {
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return true
	}
	r, ok := readPartialRecord(dir)
	if !ok || r.File != absPath(dir) || r.Files == nil {
		return false
	}
	ok, _, _ = partialReportVerdict(dir, r.Command, r.Out)
	return ok
}

// removeStalePartialReportAlts removes, after cmd's run (args) wrote its
// complete report to report, the alternates DIR.partial-k of earlier runs
// stopped early that recorded them as this report's and cmd's
// (removeStalePartialReport, under each one's lock: lockReport); others
// are not touched.
func removeStalePartialReportAlts(w io.Writer, cmd string, args []string, report string) {
	pr := partialReport(report)
	if pr == "" {
		return
	}
	dir, base := filepath.Split(pr)
	for _, a := range partialAltsIn(dir, base, "") {
		r, ok := readPartialRecord(a)
		if !ok || r.File != absPath(a) || r.Out != absPath(report) || r.Command != cmd {
			continue
		}
		if !interruptedReport(a) {
			removeOrphanPartialRecord(a)
			continue
		}
		l, err := lockReport(a, cmd, args)
		if err != nil {
			fmt.Fprintf(w, "%s: note: left %s, the report of an earlier run stopped early: %v\n", cmd, a, err)
			continue
		}
		removeStalePartialReport(w, cmd, report, a)
		l.Release()
	}
}
