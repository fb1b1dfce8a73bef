package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/atomicfile"
)

// partialsafe20: a synth, sample or separate run that finished removed
// whatever file was called OUT's partial file (s.npy → s.partial.npy),
// whoever wrote it: a user's own s.partial.npy, or a finished result of an
// earlier run with -o s.partial.npy, was deleted with the note "removed
// s.partial.npy, the unfinished maps of an earlier run stopped early". Now a
// run that writes a partial file records it in a small hidden file beside
// it (partialRecordPath: .s.partial.npy.stkit-partial, JSON: the command,
// OUT, the size and SHA-256 of the partial file, when it was written), and
// a later run that finishes removes the partial file only when that record
// says stkit wrote it, as the partial of the same OUT by the same command,
// and the file is still those bytes (stalePartialVerdict); any other file
// of that name is left, with a note naming it.

// partialRecordFormat is the "format" of a partial file's record.
const partialRecordFormat = "stkit-partial"

// partialRecord is what a run stopped early records of the partial file it
// wrote.
type partialRecord struct {
	Format  string   `json:"format"` // partialRecordFormat
	Version int      `json:"version"`
	Command string   `json:"command"` // synth, sample, separate
	Out     string   `json:"out"`     // -o OUT, absolute
	File    string   `json:"file"`    // the partial file, absolute
	Size    int64    `json:"size"`
	SHA256  string   `json:"sha256"`
	Written string   `json:"written"` // RFC 3339, UTC
	Args    []string `json:"args"`    // the run's arguments
	// fixpartial21: a partial report (DIR.partial): the files written
	// there; Size and SHA256 are its metrics.json's
	Files []string `json:"files,omitempty"`
}

// partialRecordPath is the record of the partial file p: ".BASE.stkit-partial"
// beside it.
func partialRecordPath(p string) string {
	dir, base := filepath.Split(p)
	return filepath.Join(dir, "."+base+".stkit-partial")
}

// fileSHA256 is the size and SHA-256 (hex) of the file p.
func fileSHA256(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// absPath is p made absolute (p itself when that fails).
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// recordPartial records, after cmd's run (args) stopped early and wrote its
// maps to dest instead of out, that dest is a partial file stkit wrote
// (partialRecordPath), so that a later run that finishes on out may remove
// it. Nothing is recorded when dest is out. A record that cannot be
// written is said on w: the partial file is then left by later runs.
//
// fixpartial21: a stream output's partial file (CMD.partial.EXT) is
// recorded too (its Out is the stream's name, /dev/stdout), and an .npz
// member's (a.partial.npz:m) as its archive, when the archive holds that
// member alone (made by this run, or by an earlier one of the same OUT);
// one holding other members is not recorded (a removal would take them
// too), and said so on w. Before, neither got a record and no later run
// removed them.
func recordPartial(w io.Writer, cmd string, args []string, out, dest string) {
	if dest == out {
		return
	}
	file := datasets.FilePart(dest)
	m := npzMember(dest)
	size, sum, only, err := partialFileSum(file, m)
	if m != "" && !only {
		os.Remove(partialRecordPath(file)) // no longer one partial file alone
		fmt.Fprintf(w, "%s: note: %s holds other members besides %s: a later run that finishes leaves it (remove the member yourself when done with it)\n", cmd, file, m)
		return
	}
	if err == nil {
		var b []byte
		b, err = json.MarshalIndent(partialRecord{Format: partialRecordFormat, Version: 1, Command: cmd,
			Out: absPath(out), File: absPath(file), Size: size, SHA256: sum,
			Written: time.Now().UTC().Format(time.RFC3339), Args: args}, "", "  ")
		if err == nil {
			err = atomicfile.Write(partialRecordPath(file), append(b, '\n'), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "%s: note: could not record %s as a partial file (%v): a later run will leave it, remove it yourself when done with it\n", cmd, file, err)
	}
}

// npzHoldsOnly reports whether the .npz archive file holds one entry, the
// member m (m.npy).
func npzHoldsOnly(file, m string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	return npzOnlyMember(f, m)
}

// npzOnlyMember is npzHoldsOnly of the open file f.
func npzOnlyMember(f *os.File, m string) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	zr, err := zip.NewReader(f, st.Size())
	return err == nil && len(zr.File) == 1 && zr.File[0].Name == m+".npy"
}

// partialFileSum is fileSHA256 of file and, for an .npz member m (m ≠ ""),
// npzHoldsOnly(file, m) as only, from one open of file (misc22: recordPartial
// opened the archive twice, for the member check and for the sum). When
// only is false (or file cannot be opened) no sum is taken.
func partialFileSum(file, m string) (size int64, sum string, only bool, err error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, "", false, err
	}
	defer f.Close()
	if m != "" && !npzOnlyMember(f, m) {
		return 0, "", false, nil
	}
	h := sha256.New()
	n, err := io.Copy(h, f) // zip.NewReader reads with ReadAt: f is at offset 0
	if err != nil {
		return 0, "", true, err
	}
	return n, hex.EncodeToString(h.Sum(nil)), true, nil
}

// readPartialRecord reads the record of the partial file p (false when
// there is none, or it is not a partial file's record).
func readPartialRecord(p string) (partialRecord, bool) {
	var r partialRecord
	b, err := os.ReadFile(partialRecordPath(p))
	if err != nil || json.Unmarshal(b, &r) != nil || r.Format != partialRecordFormat {
		return partialRecord{}, false
	}
	return r, true
}

// stalePartialVerdict says whether a run of cmd that finished writing out
// may remove p, out's partial file: only when p's record (recordPartial)
// names p, out and cmd and p still has the recorded size and SHA-256. When
// not, why says why it is left ("stkit has no record of writing it …", …),
// and changed whether p is no longer the file recorded.
func stalePartialVerdict(p, cmd, out string) (remove, changed bool, why string) {
	r, ok := readPartialRecord(p)
	switch {
	case !ok:
		return false, false, "stkit has no record of writing it as a partial file"
	case r.File != absPath(p) || r.Out != absPath(out) || r.Command != cmd:
		return false, false, fmt.Sprintf("its record is of %s's partial file of %s, not of this run's", r.Command, r.Out)
	}
	size, sum, err := fileSHA256(p)
	if err != nil {
		return false, false, err.Error()
	}
	if size != r.Size || sum != r.SHA256 {
		return false, true, "it was changed since stkit wrote it as a partial file (" + r.Written + ")"
	}
	return true, false, ""
}

// removeStalePartialFile removes p, out's partial file, after a run of cmd
// finished writing out, when stalePartialVerdict allows it (and its
// record), saying on w what it did: "removed p, the unfinished maps of an
// earlier run …" or "left p, …", or a warning naming p and the error when
// its removal fails (removePartialFile). A record whose file is no longer the one
// recorded is removed (it would never match again).
//
// fixpartial21: a partial file of a run with other arguments (args, this
// run's; nil: not compared) is removed too (it was an attempt at out,
// which this run replaced as it would have replaced that run's complete
// result), but the note says so and gives that run's arguments and date:
// "removed s.partial.npy, the unfinished maps of an earlier run stopped
// early, one with other arguments (…): s.npy now holds this run's complete
// result in their place".
//
// fixpartial21: for a stream output, whose partial file (CMD.partial.EXT
// in the working folder) every run of cmd on a stream there shares, only
// a run with the same arguments removes it; an .npz member's partial
// archive (p) is removed only when its record holds (made by stkit with
// that member alone).
func removeStalePartialFile(w io.Writer, cmd string, args []string, out, p string) {
	ok, changed, why := stalePartialVerdict(p, cmd, out)
	r, _ := readPartialRecord(p)
	other, differ := otherArgs(r, args)
	if ok && differ && isStreamOutput(out) {
		fmt.Fprintf(w, "%s: note: left %s, the unfinished maps of an earlier run stopped early, one with other arguments (%s): the partial file of a stream output is every such run's in this folder, and only a run with the same arguments removes it (remove it yourself if it is not wanted)\n", cmd, p, other)
		return
	}
	if !ok {
		if changed {
			os.Remove(partialRecordPath(p)) // stale: p is no longer what it recorded
		}
		if m := npzMember(out); m != "" {
			why += "; stkit removes only an archive it made holding the member " + m + " alone"
		}
		fmt.Fprintf(w, "%s: note: left %s, which has the name of %s's partial file: %s (remove it yourself if it is not wanted)\n", cmd, p, out, why)
		return
	}
	// pairsig20: a removal that fails is said (it was silent)
	if err := removePartialFile(p); err != nil {
		fmt.Fprintf(w, "%s: warning: could not remove %s, the unfinished maps of an earlier run stopped early (%s now holds the complete result): %v; remove it yourself\n", cmd, p, out, err)
		return
	}
	os.Remove(partialRecordPath(p))
	if differ {
		fmt.Fprintf(w, "%s: note: removed %s, the unfinished maps of an earlier run stopped early, one with other arguments (%s): %s now holds this run's complete result in their place\n", cmd, p, other, out)
		return
	}
	if isStreamOutput(out) {
		fmt.Fprintf(w, "%s: note: removed %s, the unfinished maps of an earlier run stopped early with the same arguments (this run wrote the complete result to %s)\n", cmd, p, out)
		return
	}
	fmt.Fprintf(w, "%s: note: removed %s, the unfinished maps of an earlier run stopped early (%s now holds the complete result)\n", cmd, p, out)
}

// otherArgs reports whether the run that recorded r had other arguments
// than args (this run's; nil: not compared), and returns them with the
// date of the record: "stkit synth t.npy -n 40 -o s.npy, written
// 2026-11-29T19:45:28Z".
func otherArgs(r partialRecord, args []string) (string, bool) {
	if args == nil || r.Args == nil || slices.Equal(r.Args, args) {
		return "", false
	}
	return "stkit " + r.Command + " " + strings.Join(r.Args, " ") + ", written " + r.Written, true
}

// removeOrphanPartialRecord removes the record of p when p is gone (a
// partial file the user removed or moved).
func removeOrphanPartialRecord(p string) {
	if _, err := os.Lstat(p); os.IsNotExist(err) {
		if _, ok := readPartialRecord(p); ok {
			os.Remove(partialRecordPath(p))
		}
	}
}

// earlierPartialNote is the note added to "nothing written" when a run on
// out stopped before it reached anything while out's partial file (p) of
// an earlier run is there: "; s.partial.npy there is an earlier run's
// (written 2026-…), not this one's" ("" when there is none).
//
// partial2: for an .npz member (a.partial.npz:maps) it looks at the
// archive, which must hold that member, and its record; before, it ran
// os.Stat on "a.partial.npz:maps", which never exists, and said nothing.
func earlierPartialNote(p string) string {
	file := datasets.FilePart(p)
	if _, err := os.Stat(file); err != nil {
		return ""
	}
	if m := npzMember(p); m != "" && !npzHasMember(file, m) {
		return ""
	}
	if r, ok := readPartialRecord(file); ok && r.Written != "" {
		return "; " + p + " there is an earlier run's (written " + r.Written + "), not this one's"
	}
	return "; " + p + " there is not this run's"
}

// npzHasMember reports whether the .npz archive file holds the member m
// (m.npy).
func npzHasMember(file, m string) bool {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return false
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == m+".npy" {
			return true
		}
	}
	return false
}
