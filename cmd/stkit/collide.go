package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// Output/input collisions. Every command refuses, before any work (exit 2),
// an output that would replace one of its inputs or a file of a stkit folder
// (training run, patch dataset, model folder): the writes are atomic and come
// after the inputs are read, but the input would still be gone. Paths are
// compared as files (os.SameFile: symbolic and hard links, "./x" and "x"
// alike); an .npz member output ("x.npz:name") only replaces that member
// (datasets.WriteMaps keeps the others), so it collides with an input of the
// same archive only when that input is the same member (a bare "x.npz" input
// is its first member).

// reportFiles are the files the reports of synth, separate and sample write
// into their --report folder.
var reportFiles = []string{"maps.png", "power_spectrum.png", "loss.png", "metrics.json", "histogram.png", "minkowski.png", "r.png"}

// folderKind describes a stkit folder: what it is (for messages) and which
// of its entries belong to it.
type folderKind struct {
	name string
	owns func(base string) bool
}

var (
	runFolder = folderKind{"a training run (stkit train)", func(b string) bool {
		switch b {
		case "run.json", "metrics.csv", "metrics.json", "loss.png", "checkpoints":
			return true
		}
		return false
	}}
	datasetFolder = folderKind{"a patch dataset (stkit patches)", func(b string) bool {
		switch b {
		case "manifest.json", "patches.npy", "index.json", "features.npy", "norm.json", "features":
			return true
		}
		return false
	}}
	modelFolder = folderKind{"a model folder (stkit export)", func(b string) bool {
		return b == infer.ModelManifestFile || infer.IsComponentFile(b)
	}}
	foreignManifest = folderKind{"a folder holding another tool's manifest.json", func(b string) bool { return b == "manifest.json" }}
)

// stkitFolders returns the kinds of stkit folder dir is (none for an
// ordinary or missing folder; a folder can be a run and a dataset at once).
func stkitFolders(dir string) []folderKind {
	var kinds []folderKind
	exists := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
	if st, err := os.Stat(filepath.Join(dir, "checkpoints")); (err == nil && st.IsDir()) || exists("run.json") {
		kinds = append(kinds, runFolder)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		var keys map[string]json.RawMessage
		bad := json.Unmarshal(b, &keys) != nil
		var format string
		_ = json.Unmarshal(keys["format"], &format)
		_, fp := keys["fingerprint"]
		_, cs := keys["chunk_size"]
		switch {
		case format == infer.ModelFormatName:
			kinds = append(kinds, modelFolder)
		case fp && cs && keys["format"] == nil:
			kinds = append(kinds, datasetFolder)
		// A damaged manifest: the folder's other files tell whose it is (the
		// fix is to rerun the command that writes it there).
		case bad && hasComponents(dir):
			kinds = append(kinds, modelFolder)
		case bad && (exists("patches.npy") || exists("index.json") || exists("features")):
			kinds = append(kinds, datasetFolder)
		default:
			kinds = append(kinds, foreignManifest)
		}
	} else if exists("patches.npy") && exists("index.json") {
		kinds = append(kinds, datasetFolder) // a first build interrupted before its manifest
	}
	return kinds
}

// hasComponents reports whether dir holds a component_<k>.npz file.
func hasComponents(dir string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if infer.IsComponentFile(e.Name()) {
			return true
		}
	}
	return false
}

// isKind reports whether dir is a stkit folder of kind k.
func isKind(dir string, k folderKind) bool {
	for _, f := range stkitFolders(dir) {
		if f.name == k.name {
			return true
		}
	}
	return false
}

// checkNotOwned refuses an output file that is part of a stkit folder: a
// file the folder owns (a run's metrics.json, a dataset's manifest.json, a
// model's component_0.npz, …) or anything inside a run's checkpoints/ or a
// dataset's features/ folder. what names the output ("-o x.csv").
func checkNotOwned(what, path string) error {
	file := datasets.FilePart(path)
	dir, base := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	for _, k := range stkitFolders(dir) {
		if k.owns(base) {
			return badInputf("%s would replace %s of %s %s: choose another name or folder", what, base, k.name, filepath.Clean(dir))
		}
	}
	parent := filepath.Dir(filepath.Clean(dir))
	switch filepath.Base(filepath.Clean(dir)) {
	case "checkpoints":
		if isKind(parent, runFolder) {
			return badInputf("%s is inside the checkpoints of %s %s: choose another folder", what, runFolder.name, parent)
		}
	case "features":
		if isKind(parent, datasetFolder) {
			return badInputf("%s is inside the feature chunks of %s %s: choose another folder", what, datasetFolder.name, parent)
		}
	}
	return nil
}

// checkReportFolder refuses a report folder (--report DIR) in which a file
// the report writes would replace a file of a stkit folder (a training run's
// metrics.json and loss.png).
func checkReportFolder(what, dir string) error {
	if dir == "" {
		return nil
	}
	for _, k := range stkitFolders(dir) {
		for _, f := range reportFiles {
			if k.owns(f) {
				return badInputf("%s %s is %s: the report's %s would replace the run's; choose another folder", what, dir, k.name, f)
			}
		}
	}
	return nil
}

// checkFolderFor refuses an output folder (-o of patches, train, export) that
// is a stkit folder of another kind than want: its files would be replaced or
// mixed with the output's.
func checkFolderFor(what, dir string, want folderKind) error {
	for _, k := range stkitFolders(dir) {
		if k.name != want.name {
			return badInputf("%s %s is %s, not %s: choose another folder", what, dir, k.name, want.name)
		}
	}
	return nil
}

// inputFiles expands input paths into the files they name: a folder gives
// every file directly in it (what the commands read from a folder is a subset).
// Paths that do not exist are kept (they collide with nothing).
func inputFiles(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		st, err := os.Stat(datasets.FilePart(p))
		if err != nil || !st.IsDir() {
			out = append(out, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !e.IsDir() {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
	}
	return out
}

// splitList splits a comma-separated list of paths (--reference-set,
// --truth, the map lists of synth and separate) by mapList's rule, so it
// names the files the readers open: an existing file or folder whose name
// holds a comma ("a,b.npy") is one path. A list mapList refuses (an empty
// name) is split at every comma outside brackets (listPieces), empty names
// kept "": the reader reports it, and the other names still count (e.g.
// for checkOutputFile).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	if l, err := mapList(s); err == nil {
		return l
	}
	var out []string
	for _, p := range listPieces(s) {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// npzMember returns the member of an "x.npz:name" path ("" for a whole file).
func npzMember(path string) string {
	file := datasets.FilePart(path)
	if file == path {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(path[len(file):], ":"), ".npy")
}

// checkNotInput refuses an output path (what names it: "-o x.npy") that is
// one of the inputs (see the comment at the top of this file).
func checkNotInput(what, out string, inputs ...string) error {
	if out == "" {
		return nil
	}
	file, member := datasets.FilePart(out), npzMember(out)
	for _, in := range inputs {
		if !sameFile(file, datasets.FilePart(in)) {
			continue
		}
		if inMember := npzMember(in); member != "" {
			if inMember == "" {
				inMember = firstNPZMember(file) // what Read takes from a bare x.npz
			}
			if inMember != member {
				continue // another member of the same archive: kept by the write
			}
		}
		return badInputf("%s is the input %s: writing it would replace the input; choose another output name", what, in)
	}
	return nil
}

// firstNPZMember returns the name (without ".npy") of the first .npy member
// of the archive file, "" when there is none or the file is no zip archive.
func firstNPZMember(file string) string {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return ""
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".npy") && !strings.HasSuffix(f.Name, "/") {
			return strings.TrimSuffix(f.Name, ".npy")
		}
	}
	return ""
}

// checkOutputFile is checkNotInput, then checkNotOwned: an output file that
// replaces neither an input nor a file of a stkit folder.
func checkOutputFile(what, out string, inputs ...string) error {
	if out == "" {
		return nil
	}
	if err := checkNotInput(what, out, inputs...); err != nil {
		return err
	}
	return checkNotOwned(what, out)
}

// checkReportNotOutput refuses a --report folder that is the output file
// (-o; of "x.npz:member", the archive) or lies inside it: the output is
// written first, so the report then failed after the whole separation
// (exit 1, no report).
func checkReportNotOutput(report, out string) error {
	if report == "" || out == "" {
		return nil
	}
	file := datasets.FilePart(out)
	af, err1 := filepath.Abs(file)
	ar, err2 := filepath.Abs(report)
	if err1 != nil || err2 != nil {
		return nil
	}
	if _, below := relBelow(af, ar); below || sameFile(af, ar) {
		return badInputf("--report %s is the output file -o %s or lies inside it: choose another folder", report, out)
	}
	return nil
}
