package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

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

// targetHistory returns the target's own FITS HISTORY cards (those of
// cards, a mapSet's Cards: a one-file target's, none for a .npy or for a
// set of several files) prefixed "[target] ", so that a synthesis of a
// synthesis keeps where its target came from ("[target] stkit synth: 1 map
// synthesised to match … periodised …") before its own HISTORY. The cards
// hold a wrapped text: consecutive cards of one record (a record starts
// at a card beginning "stkit ", or where the depth of "[target] " prefixes
// changes) are joined and re-wrapped to the 72 characters of a card, each
// line with one more "[target] " than the record had.
func targetHistory(cards []datasets.Card) []datasets.Card {
	const prefix, width = "[target] ", 72
	var out []datasets.Card
	var words []string
	depth := -1
	flush := func() {
		if len(words) == 0 {
			return
		}
		pre := strings.Repeat(prefix, depth+1)
		line := ""
		for _, w := range words {
			if len(pre)+len(w) > width {
				w = w[:max(0, width-len(pre))]
			}
			if line != "" && len(pre)+len(line)+1+len(w) > width {
				out = append(out, datasets.Card{Key: "HISTORY", Comment: pre + line})
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, datasets.Card{Key: "HISTORY", Comment: pre + line})
		}
		words = nil
	}
	for _, c := range cards {
		if c.Key != "HISTORY" {
			continue
		}
		text, d := strings.TrimSpace(c.Comment), 0
		for strings.HasPrefix(text, prefix) {
			text, d = strings.TrimSpace(strings.TrimPrefix(text, prefix)), d+1
		}
		if d != depth || strings.HasPrefix(text, "stkit ") {
			flush()
			depth = d
		}
		words = append(words, strings.Fields(text)...)
	}
	flush()
	return out
}

// sampleSizeNote warns of a sample map side that stkit stats (and synth,
// separate) refuse at the models' J: not a multiple of 2^J (fitsJ), naming
// the nearest sides that are ("" when size is one, or J < 1). Sides below
// the patch size are not offered (sample refuses them).
func sampleSizeNote(size, J int) string {
	if J < 1 || fitsJ(size, size, J) {
		return ""
	}
	step := 1 << J
	below, above := size/step*step, (size/step+1)*step
	near := fmt.Sprintf("--size %d or %d", below, above)
	if !fitsJ(below, below, J) {
		near = fmt.Sprintf("--size %d", above)
	}
	return fmt.Sprintf("--size %d is not a multiple of 2^J = %d (J = %d, the models' statistic): the maps are sampled, but stkit stats (and synth, separate) refuse %d×%d maps at J = %d; the nearest sizes that are: %s",
		size, step, J, size, size, J, near)
}

// baseNames is a sample path for a FITS HISTORY: the base name of a file or
// folder, or the base names of a comma-separated list ("a.npy,b.npy").
func baseNames(list string) string {
	var out []string
	for _, p := range splitList(list) {
		out = append(out, filepath.Base(p))
	}
	return strings.Join(out, ",")
}
