package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
	"github.com/stkit-org/stkit/internal/dirlock"
)

// fixpartial21: a run of synth, sample or separate that finished removed
// DIR.partial beside --report DIR whenever its metrics.json said
// settings.interrupted, whoever made the folder: a user's own rep.partial
// (metrics.json {"settings":{"interrupted":true}} and notes.txt) was deleted
// with "removed rep.partial, the report of an earlier run stopped early".
// Now a run that writes its report to DIR.partial records it as partial
// files are (recordPartial): ".DIR.partial.stkit-partial" beside it, with
// the command, DIR, the size and SHA-256 of its metrics.json and the names
// of the files this run wrote there (Files: modified since it started). A later run that finishes removes
// DIR.partial only when that record names it, DIR and the command, its
// metrics.json is the one recorded and it holds no file that was not
// written there (partialReportVerdict); any other folder of that name is
// left, with a note naming it and why.

// partialReportFiles lists the files and folders under dir (paths relative to dir,
// "/"-separated, sorted), but for the lock of the run writing it
// (dirlock.Name).
func partialReportFiles(dir string) ([]string, error) {
	return partialReportFilesSince(dir, time.Time{})
}

// partialReportFilesSince is partialReportFiles of the entries modified
// at or after since.
func partialReportFilesSince(dir string, since time.Time) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel == dirlock.Name {
			return nil
		}
		if !since.IsZero() {
			if st, err := d.Info(); err != nil || st.ModTime().Before(since) {
				return err
			}
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(names)
	return names, err
}

// recordPartialReport records, after cmd's run (args) stopped early and
// wrote its report to repDir, DIR.partial beside --report report, that
// stkit wrote that folder (partialRecordPath(repDir)), so that a later run
// that finishes on report may remove it (removeStalePartial). Nothing is
// recorded when repDir is report itself (a run that finished) or "". A
// record that cannot be written is said on w: the folder is then left by
// later runs.
func recordPartialReport(w io.Writer, cmd string, args []string, report, repDir string) {
	if repDir == "" || repDir == report {
		return
	}
	size, sum, err := fileSHA256(filepath.Join(repDir, "metrics.json"))
	var files []string
	if err == nil {
		// only what this run wrote: a file that was there before (the
		// user's own folder of that name) is not recorded, and keeps the
		// folder from removal (partialReportVerdict); 2 s for
		// filesystems that keep coarse times
		files, err = partialReportFilesSince(repDir, processStart.Add(-2*time.Second))
	}
	if err == nil {
		files = withEarlierReportFiles(repDir, files)
	}
	if err == nil {
		var b []byte
		if files == nil {
			files = []string{} // partial3: "files": [], not left out
		}
		b, err = json.MarshalIndent(partialReportRecord{partialRecord{Format: partialRecordFormat, Version: 1, Command: cmd,
			Out: absPath(report), File: absPath(repDir), Size: size, SHA256: sum,
			Written: time.Now().UTC().Format(time.RFC3339), Args: args}, files}, "", "  ")
		if err == nil {
			err = atomicfile.Write(partialRecordPath(repDir), append(b, '\n'), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "%s: note: could not record %s as a partial report (%v): a later run will leave it, remove it yourself when done with it\n", cmd, repDir, err)
	}
}

// partialReportRecord is a partial report's record as written: its Files
// always, [] for none. partial3: partialRecord leaves an empty list out
// (omitempty, for partial files' records), and such a record, read back
// with no files, was refused as "its record is of synth's partial report
// of …, not of this run's" when it was this run's (partialReportVerdict
// now says why: it lists no file).
type partialReportRecord struct {
	partialRecord
	Files []string `json:"files"`
}

// withEarlierReportFiles adds to files (this run's, sorted) those of
// repDir's record, when an earlier run stopped early recorded writing
// repDir, that are still there. That run's report was left for this one to
// write over (partialReportDest took repDir only as a partial report stkit
// recorded and left as it was: partialReportFree), and the files this run
// does not write again (loss.png of a run with a loss history, before one
// without) are still stkit's: recorded as this run's alone, they later
// kept the folder from removal as "files stkit did not write there" (and
// sent a third run stopped early to DIR.partial-2).
func withEarlierReportFiles(repDir string, files []string) []string {
	r, ok := readPartialRecord(repDir)
	if !ok || r.File != absPath(repDir) {
		return files
	}
	for _, f := range r.Files {
		if _, err := os.Lstat(filepath.Join(repDir, filepath.FromSlash(f))); err == nil && !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files
}

// partialReportVerdict says whether a run of cmd that finished writing its
// report to report may remove dir, report's DIR.partial: only when dir's
// record (recordPartialReport) names dir, report and cmd, dir/metrics.json
// still has the recorded size and SHA-256 and dir holds no file the record
// does not list. When not, why says why it is left, and changed whether
// dir is no longer the folder recorded (its record is then stale).
func partialReportVerdict(dir, cmd, report string) (remove, changed bool, why string) {
	r, ok := readPartialRecord(dir)
	switch {
	case !ok:
		return false, false, "stkit has no record of writing it as a partial report"
	case r.File != absPath(dir) || r.Out != absPath(report) || r.Command != cmd:
		return false, false, fmt.Sprintf("its record is of %s's partial report of %s, not of this run's", r.Command, r.Out)
	case len(r.Files) == 0: // partial3: was said as the case above
		return false, false, "its record lists no file that the run stopped early wrote there (it found none modified after it started), so stkit cannot tell its files from others'"
	}
	size, sum, err := fileSHA256(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return false, false, err.Error()
	}
	if size != r.Size || sum != r.SHA256 {
		return false, true, "its metrics.json was changed since stkit wrote it as a partial report (" + r.Written + ")"
	}
	files, err := partialReportFiles(dir)
	if err != nil {
		return false, false, err.Error()
	}
	known := map[string]bool{}
	for _, f := range r.Files {
		known[f] = true
	}
	var extra []string
	for _, f := range files {
		if !known[f] {
			extra = append(extra, f)
		}
	}
	if len(extra) > 0 {
		if len(extra) > 5 {
			extra = append(extra[:5], fmt.Sprintf("and %d more", len(extra)-5))
		}
		return false, true, "it holds files stkit did not write there (" + strings.Join(extra, ", ") + ")"
	}
	return true, false, ""
}

// removeStalePartialReport removes dir, report's DIR.partial, after a run
// of cmd finished writing its report to report, when partialReportVerdict
// allows it (and its record), saying on w what it did (a warning naming
// dir and the error when the removal fails: removePartialDir).
func removeStalePartialReport(w io.Writer, cmd, report, dir string) {
	ok, changed, why := partialReportVerdict(dir, cmd, report)
	if !ok {
		if changed {
			os.Remove(partialRecordPath(dir)) // stale: dir is no longer what it recorded
		}
		fmt.Fprintf(w, "%s: note: left %s, which has the name of %s's partial report: %s (remove it yourself if it is not wanted)\n", cmd, dir, report, why)
		return
	}
	if err := removePartialDir(dir); err != nil { // pairsig20: was silent
		fmt.Fprintf(w, "%s: warning: could not remove %s, the report of an earlier run stopped early (%s now holds the complete report): %v; remove it yourself\n", cmd, dir, report, err)
		return
	}
	os.Remove(partialRecordPath(dir))
	fmt.Fprintf(w, "%s: note: removed %s, the report of an earlier run stopped early (%s now holds the complete report)\n", cmd, dir, report)
}
