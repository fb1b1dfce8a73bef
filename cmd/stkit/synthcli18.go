package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// mapFolderInput is an input of a command that may be a folder of maps
// read as a set (readMapSetCards: every map file directly in it): flag
// names it in messages ("TARGET", "--reference-set"), path is as given.
type mapFolderInput struct{ flag, path string }

// checkOutputNotInMapFolders refuses a maps output (what names it: "-o
// setA/out.npy") that is a map file (isMapFile) written directly into a
// folder that the command reads as a set of maps: the next run on that
// folder would read the output as one of its maps (a synthesis among the
// targets, silently). Inputs that are files or lists are left to
// checkNotInput.
func checkOutputNotInMapFolders(what, out string, ins ...mapFolderInput) error {
	if out == "" {
		return nil
	}
	file := datasets.FilePart(out)
	if !isMapFile(filepath.Base(file)) {
		return nil
	}
	for _, in := range ins {
		if in.path == "" {
			continue
		}
		if st, err := os.Stat(in.path); err != nil || !st.IsDir() {
			continue
		}
		if sameFile(filepath.Dir(file), in.path) {
			return badInputf("%s lies in the folder %s, read as a set of maps (%s): a later run on the folder would take the output for one of its maps; write it elsewhere (e.g. -o %s)",
				what, in.path, in.flag, filepath.Join(filepath.Dir(filepath.Clean(in.path)), filepath.Base(filepath.Clean(in.path))+"_"+filepath.Base(file)))
		}
	}
	return nil
}

// allMapsIdentical reports whether a set of b ≥ 2 maps of mn pixels each
// holds one map b times (exact float64 equality): std weights over them
// are undefined.
func allMapsIdentical(data []float64, b, mn int) bool {
	if b < 2 {
		return false
	}
	for i := 1; i < b; i++ {
		if !slices.Equal(data[:mn], data[i*mn:(i+1)*mn]) {
			return false
		}
	}
	return true
}

// periodisedBox returns the box b widened to the range of the periodic
// components p of the target maps (synth --periodise), and a note saying so
// ("" and b when p lies in b): "its periodic component, whose statistics
// the syntheses match, has 5 of 1024 pixels outside [0, +Inf), the farthest
// by 0.0835 (0.061 of its σ): the box is widened to [-0.0835, +Inf) …".
func periodisedBox(b infer.PixelBox, p *stlayer.Maps) (infer.PixelBox, string) {
	n, far := 0, 0.0
	w := b
	for _, v := range p.Data {
		if d := math.Max(b.Lo-v, v-b.Hi); d > 0 {
			n++
			far = math.Max(far, d)
		}
		w.Lo, w.Hi = math.Min(w.Lo, v), math.Max(w.Hi, v)
	}
	if n == 0 {
		return b, ""
	}
	_, sd, _, _ := infer.Moments(p.Data)
	return w, fmt.Sprintf("the target lies in the box %v, but its periodic component, whose statistics the syntheses match, has %d of %d pixels outside it, the farthest by %.3g (%.3g of its σ): the box is widened to its range, %v, which the syntheses can reach (--pad crop keeps the target and the box as given)",
		b, n, len(p.Data), far, far/sd, w)
}
