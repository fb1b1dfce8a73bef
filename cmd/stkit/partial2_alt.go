package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// partial2: a synth, sample or separate run stopped early wrote its maps
// to OUT's partial file (s.partial.npy, synth.partial.npy for a stream
// output, a.partial.npz:m) whatever was there: a user's own file of that
// name, which stkit had not written, was replaced by the partial maps
// (measured: a 28800-byte s.partial.npy and an 8320-byte synth.partial.npy
// of user data gone). Now, when that name is taken by a file stkit did not
// record writing as a partial file (partialIsStkits), the maps go to the
// first free name s.partial-2.npy, s.partial-3.npy, … (partialAltPath),
// which is recorded as the partial file is, and the stop message says so
// ("s.partial.npy is not stkit's …: the maps reached are in
// s.partial-2.npy"). A later run that finishes removes the recorded
// alternates of its OUT as it removes the partial file
// (removeStalePartialArgs: partialAlts, partialAltOf), and only those.

// partialAltPath is the k-th alternate name of the partial file partial
// (k ≥ 2): "-k" before the extension of its file (s.partial.npy →
// s.partial-2.npy, a.partial.npz:m → a.partial-2.npz:m,
// synth.partial.npy → synth.partial-2.npy).
func partialAltPath(partial string, k int) string {
	file := datasets.FilePart(partial)
	member := partial[len(file):]
	e := filepath.Ext(file)
	return strings.TrimSuffix(file, e) + "-" + strconv.Itoa(k) + e + member
}

// partialIsStkits reports whether the file p is a partial file stkit
// recorded writing (recordPartial) and still holds the bytes recorded.
func partialIsStkits(p string) bool {
	r, ok := readPartialRecord(p)
	if !ok || r.File != absPath(p) {
		return false
	}
	size, sum, err := fileSHA256(p)
	return err == nil && size == r.Size && sum == r.SHA256
}

// partialDest is where a run stopped early writes its maps instead of
// OUT, partial being OUT's partial file (partialPath): partial itself
// when its file is free or a partial file stkit wrote (partialIsStkits,
// replaced as before), else the first alternate (partialAltPath) that is
// free or stkit's and is none of inputs. note is "" for partial, else the
// part of the stop message saying why: "; s.partial.npy is not stkit's
// (no record of stkit writing it): left as it was, the maps reached are in
// s.partial-2.npy".
func partialDest(partial string, inputs ...string) (dest, note string) {
	if partialFree(partial, inputs) {
		return partial, ""
	}
	dest = partialAltPath(partial, 2)
	for k := 2; k < 100000; k++ {
		dest = partialAltPath(partial, k)
		if partialFree(dest, inputs) {
			break
		}
	}
	file := datasets.FilePart(partial)
	return dest, "; " + file + " is not stkit's (no record of stkit writing it as a partial file): left as it was, the maps reached are in " + datasets.FilePart(dest)
}

// partialFree reports whether a run stopped early may write its maps to
// p: its file does not exist, or is a partial file stkit wrote
// (partialIsStkits) that is none of inputs.
func partialFree(p string, inputs []string) bool {
	file := datasets.FilePart(p)
	st, err := os.Lstat(file)
	if os.IsNotExist(err) {
		return true
	}
	if err != nil || !st.Mode().IsRegular() || !partialIsStkits(file) {
		return false
	}
	return !isInputFile(file, inputs)
}

// partialAlts lists the alternates of the partial file p (its file,
// without an .npz member) found in its folder, as files or as records
// (partialRecordPath): p's name with "-k" before the extension, k ≥ 2.
func partialAlts(p string) []string {
	dir, base := filepath.Split(p)
	e := filepath.Ext(base)
	return partialAltsIn(dir, strings.TrimSuffix(base, e), e)
}

// partialAltsIn lists the entries of dir (files, folders or their records)
// named stem-k+e, k ≥ 2 written without leading zeros.
func partialAltsIn(dir, stem, e string) []string {
	ents, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var alts []string
	for _, ent := range ents {
		name := ent.Name()
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".stkit-partial") {
			name = strings.TrimSuffix(strings.TrimPrefix(name, "."), ".stkit-partial")
		}
		if !strings.HasPrefix(name, stem+"-") || !strings.HasSuffix(name, e) {
			continue
		}
		k := strings.TrimSuffix(strings.TrimPrefix(name, stem+"-"), e)
		if n, err := strconv.Atoi(k); err != nil || n < 2 || strconv.Itoa(n) != k || seen[name] {
			continue
		}
		seen[name] = true
		alts = append(alts, filepath.Join(dir, name))
	}
	return alts
}

// partialAltOf reports whether a is an alternate partial file that cmd's
// run on out recorded writing (its record names a, out and cmd).
func partialAltOf(a, cmd, out string) bool {
	r, ok := readPartialRecord(a)
	return ok && r.File == absPath(a) && r.Out == absPath(out) && r.Command == cmd
}

// stoppedDests is where a run stopped early writes its maps (partialDest
// of partial, OUT's partial file, none of inputs) and the report of
// --report report (partialReportDest; "" without one), and what the stop
// message adds about them (their notes, "" when both are the usual names).
func stoppedDests(partial, report string, inputs ...string) (dest, repDir, note string) {
	dest, altNote := partialDest(partial, inputs...)
	repDir, repNote := partialReportDest(report)
	return dest, repDir, altNote + repNote
}

// firstOf is the first of two strings (partialDest's dest).
func firstOf(a, _ string) string { return a }
