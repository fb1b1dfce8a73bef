package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// checkClustersOutput refuses a clusters -o that cannot hold its CSV
// table, with --format (format, "" when not given) as synth's -o
// (checkSynthOutput): a name ending in .csv; with --format csv also a name
// without an extension or a stream (isStreamOutput: /dev/stdout, /dev/fd/N,
// a named pipe), written through the descriptor. A stream or a name without
// an extension and no --format is refused naming --format csv; any other
// extension (a map's .npy, a .json, which got CSV text under it, exit 0)
// is refused, as is a --format other than csv ("-" is checkOutput's).
func checkClustersOutput(out, format string) error {
	ext := filepath.Ext(out)
	csv := strings.EqualFold(ext, ".csv")
	plain := ext == "" || isStreamOutput(out)
	switch strings.ToLower(format) {
	case "":
		if !csv && plain {
			return badInputf("-o %s: cannot tell the output format from the name: give --format csv (or name it .csv)", out)
		}
	case "csv":
		if csv || plain {
			return nil
		}
	default:
		return badInputf("-o %s --format %s: unknown format %q (clusters writes a CSV table: --format csv)", out, format, format)
	}
	if !csv {
		return badInputf("-o %s: the assignments are a CSV table: give a file name ending in .csv (e.g. assignments.csv), or /dev/stdout with --format csv", out)
	}
	return nil
}

// clustersStem is the name clusters derives its summary and figures from
// (STEM_summary.json, STEM_mosaic.png, STEM_latent_pca.png): -o's name
// without its extension, or for a stream (isStreamOutput), which has no
// name to put files beside, "clusters" in the working folder, as synth's
// partial file of a stream is synth.partial.EXT there.
func clustersStem(out string) string {
	if isStreamOutput(out) {
		return "clusters"
	}
	return strings.TrimSuffix(out, filepath.Ext(out))
}

// clustersTextWriter is where clusters prints its tables and lines: g's
// stdout, or its stderr when -o out writes the CSV to the process's
// standard output (descriptor 1, or a descriptor or pipe that is the same
// file), which must then hold the CSV alone. That stderr is the process's
// own under -q (unquiet): the tables are the result asked for, which -q
// leaves alone on stdout; -q dropped them there (fixbad21).
func clustersTextWriter(g *globals, out string) io.Writer {
	if !isStreamOutput(out) {
		return g.stdout
	}
	if fd, ok := atomicfile.FDPath(out); ok && fd == 1 {
		return unquiet(g.stderr)
	}
	so, err1 := os.Stdout.Stat()
	st, err2 := os.Stat(out)
	if err1 == nil && err2 == nil && os.SameFile(so, st) {
		return unquiet(g.stderr)
	}
	return g.stdout
}
