package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/atomicfile"
	"github.com/stkit-org/stkit/stlayer"
)

// The maps of a synth, sample or separate run that stopped early (Ctrl-C,
// SIGTERM, an error during the optimisation) are not written under -o OUT,
// which holds only the result of a run that finished every map: a script
// testing that OUT exists took an unfinished synthesis for a result, and an
// earlier complete OUT was replaced by it. They go to OUT's partial sibling
// (partialPath: s.npy → s.partial.npy) and their report, marked interrupted,
// to DIR.partial beside --report DIR (partialReport); OUT and DIR are left
// as they were, the exit status is 1 and the messages name the partial file.
// A later run that finishes removes the stale partial file, when stkit
// recorded writing it (recordPartial, removeStalePartialFile), and the
// stale partial report of the same OUT and DIR (removeStalePartial): they
// hold an unfinished attempt at what OUT now holds complete.

// isStreamOutput reports whether out is written in place rather than as a
// file beside which a sibling can be put: an open descriptor (/dev/stdout,
// /dev/fd/N: atomicfile.FDPath) or an existing file that is not a regular
// one (a named pipe, a device such as /dev/null).
func isStreamOutput(out string) bool {
	if _, ok := atomicfile.FDPath(out); ok {
		return true
	}
	st, err := os.Stat(datasets.FilePart(out))
	return err == nil && !st.IsDir() && !st.Mode().IsRegular()
}

// partialPath is where cmd ("synth", "sample", "separate") writes the maps of a run
// that stopped early instead of out: out's file with ".partial" before its
// extension (s.npy → s.partial.npy, s.fits → s.partial.fits, a.npz:maps →
// a.partial.npz:maps). For a stream output (isStreamOutput: /dev/stdout, a
// pipe), which has no sibling and whose reader would take the maps for a
// result, it is CMD.partial.EXT in the working folder, ext the format's
// extension (".npy").
func partialPath(cmd, out, ext string) string {
	if isStreamOutput(out) {
		return cmd + ".partial" + ext
	}
	file := datasets.FilePart(out)
	member := out[len(file):]
	e := filepath.Ext(file)
	return strings.TrimSuffix(file, e) + ".partial" + e + member
}

// partialReport is the report folder of a run that stopped early: DIR.partial
// beside --report DIR ("" without a report).
func partialReport(report string) string {
	if report == "" {
		return ""
	}
	return strings.TrimRight(filepath.Clean(report), string(filepath.Separator)) + ".partial"
}

// partialNote is the part of the stop message saying that out was not
// written: "; s.npy not written (only a run that finishes every map writes
// it)".
func partialNote(out string) string {
	return "; " + out + " not written (only a run that finishes every map writes it)"
}

// removeStalePartial removes, after cmd's run wrote out complete, what an
// earlier run on the same out and report left when it stopped early: the
// partial maps (partialPath; a regular file, not one of inputs, that the
// run stopped early recorded writing: removeStalePartialFile) and the
// partial report (partialReport; a folder whose metrics.json has
// settings.interrupted true, that the run stopped early recorded writing:
// removeStalePartialReport), saying so on w (a warning naming the file
// and the error when a removal fails). A stream output's partial file
// (CMD.partial.EXT in the working folder, which every run of cmd on a
// stream there shares) is removed only by a run with the same arguments;
// an .npz member's partial archive only when stkit made it with that member
// alone (fixpartial21: recordPartial, removeStalePartialFile).
func removeStalePartial(w io.Writer, cmd, out, report, ext string, inputs ...string) {
	removeStalePartialArgs(w, cmd, nil, out, report, ext, inputs...)
}

// removeStaleUnlessInput removes p, a partial file (or an alternate) of
// out, as removeStalePartialFile does, when it is a regular file and none
// of inputs; a p that is gone loses its orphan record.
func removeStaleUnlessInput(w io.Writer, cmd string, args []string, out, p string, inputs []string) {
	st, err := os.Lstat(p)
	if err != nil {
		removeOrphanPartialRecord(p)
		return
	}
	if st.Mode().IsRegular() && !isInputFile(p, inputs) {
		removeStalePartialFile(w, cmd, args, out, p)
	}
}

// isInputFile reports whether the file p is one of inputs (by name or as
// the same file).
func isInputFile(p string, inputs []string) bool {
	for _, in := range inputs {
		if in != "" && (filepath.Clean(in) == filepath.Clean(p) || sameFile(in, p)) {
			return true
		}
	}
	return false
}

// removeStalePartialArgs is removeStalePartial for a run with arguments
// args (command's flags and operands), which the note on a partial file
// of a run with other arguments compares (fixpartial21: removeStalePartialFile).
func removeStalePartialArgs(w io.Writer, cmd string, args []string, out, report, ext string, inputs ...string) {
	{
		// fixpartial21: stream outputs and .npz members too; an .npz
		// member's partial file is its archive
		p := datasets.FilePart(partialPath(cmd, out, ext))
		// partialsafe20: only a partial file stkit recorded writing
		removeStaleUnlessInput(w, cmd, args, out, p, inputs)
		// partial2: the alternates (s.partial-2.npy, …) a run stopped
		// early wrote beside a file of p's name that was not stkit's,
		// those recorded as this out's and cmd's only
		for _, a := range partialAlts(p) {
			if partialAltOf(a, cmd, out) {
				removeStaleUnlessInput(w, cmd, args, out, a, inputs)
			}
		}
	}
	if dir := partialReport(report); dir != "" && interruptedReport(dir) {
		// fixpartial21: only a partial report stkit recorded writing
		removeStalePartialReport(w, cmd, report, dir)
	} else if dir != "" {
		removeOrphanPartialRecord(dir)
	}
}

// interruptedReport reports whether dir is a report folder of a run that
// stopped early: dir/metrics.json has settings.interrupted true.
func interruptedReport(dir string) bool {
	st, err := os.Lstat(dir)
	if err != nil || !st.IsDir() {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return false
	}
	var m struct {
		Settings struct {
			Interrupted bool `json:"interrupted"`
		} `json:"settings"`
	}
	return json.Unmarshal(b, &m) == nil && m.Settings.Interrupted
}

// writeStreamMaps is writeResultMaps for synth's and sample's output: for a
// stream output (isStreamOutput), where no float64 file can be put beside,
// maps that float32 cannot hold are written as float64 to the stream itself
// (the .npy header or BITPIX says so) and the error says so (exit 1).
func writeStreamMaps(out string, maps *stlayer.Maps, opt datasets.MapsWriteOptions) (string, error) {
	if !isStreamOutput(out) || opt.DType != "float32" || !beyondFloat32(maps) {
		return writeResultMaps(out, maps, opt)
	}
	opt.DType = "float64"
	if err := datasets.WriteMapsWith(out, maps, opt); err != nil {
		return "", err
	}
	big, at := largestPixel(maps)
	return out, fmt.Errorf("the maps went beyond float32's range (largest |pixel| %.4g, %s; float32 holds up to 3.4028235e+38): wrote them to %s as float64 instead of float32; give --dtype float64 next time", big, at, out)
}

// checkSynthOutput is checkMapsOutput for synth's -o with --format (""
// when not given), and sample's, separate's and surrogate's (stdoutfmt20):
// a name without a format's extension, such as /dev/stdout, needs
// --format; "-" is refused naming /dev/stdout.
func checkSynthOutput(out, format string) error {
	if out == "-" {
		return badInputf("-o -: stkit does not read \"-\" as standard output (it would write a file named \"-\"); for standard output give -o /dev/stdout --format npy (or npz, fits)")
	}
	if format == "" {
		if datasets.CheckMapsPath(out) != nil && datasets.CheckMapsFormat(out, "npy") == nil {
			return badInputf("-o %s: cannot tell the output format from the name: give --format npy, npz or fits (or name it .npy, .npz or .fits)", out)
		}
		return checkMapsOutput(out)
	}
	if err := datasets.CheckMapsFormat(out, format); err != nil {
		return badInputf("-o %s --format %s: %v", out, format, strings.TrimPrefix(err.Error(), "datasets: "+out+": "))
	}
	if npzMember(out) != "" {
		return checkMapsOutput(out)
	}
	return checkOutput("-o", out)
}

// formatExt is the extension of an output format (synth's, sample's,
// separate's): --format's (".npy", ".npz", ".fits"), else out's file's own.
func formatExt(out, format string) string {
	switch strings.ToLower(format) {
	case "":
		return filepath.Ext(datasets.FilePart(out))
	case "fit", "fts":
		return ".fits"
	}
	return "." + strings.ToLower(format)
}
