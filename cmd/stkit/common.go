package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/engine"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// helps holds each subcommand flag set's --help printer (newFlagSet, setHelp)
// until parseFlags is done with it.
var helps sync.Map // *flag.FlagSet → func()

// setHelp sets the printer of fs's --help (parseFlags prints it).
func setHelp(fs *flag.FlagSet, help func()) { helps.Store(fs, help) }

// dropHelp forgets fs's --help printer (a flag set that is done with).
func dropHelp(fs *flag.FlagSet) { helps.Delete(fs) }

// printHelp prints fs's --help: its printer, else its flags.
func printHelp(fs *flag.FlagSet) {
	if h, ok := helps.Load(fs); ok {
		h.(func())()
		return
	}
	fs.PrintDefaults()
}

// withUsageHint adds "(run `stkit CMD --help` for the flags)" to a bad-input
// error of a command that called its fs.Usage() (a missing argument, see
// newFlagSet): one line, as parseFlags' errors for a bad flag, instead of
// the whole help text before the error.
func withUsageHint(g *globals, err error) error {
	var bi badInput
	if g.usageOf == "" || !errors.As(err, &bi) || strings.Contains(err.Error(), "--help` for the flags") {
		return err
	}
	return badInput{fmt.Errorf("%w (run `%s --help` for the flags)", err, g.usageOf)}
}

// readMaps reads a map file as a batch [B, M, N]; file problems are bad input.
// An .npz member path ("x.npz:name") is checked on its file.
func readMaps(path string) (*stlayer.Maps, error) {
	m, _, err := readMapsCards(path)
	return m, err
}

// readMapsCards is readMaps that also returns the content cards of a FITS
// header (WCS, units, …; nil for .npy/.npz), for outputs on the same grid.
func readMapsCards(path string) (*stlayer.Maps, []datasets.Card, error) {
	return readMapsCardsKeep(path, false)
}

// readMapsCardsKeep is readMapsCards; with keepUnseen, pixels holding
// HEALPix's UNSEEN value are not refused here: the maps of an input that
// --crop cuts, whose window leaves them out as it leaves out NaN
// (nanmask19_crop.go: finiteMask, cutUnseen).
func readMapsCardsKeep(path string, keepUnseen bool) (*stlayer.Maps, []datasets.Card, error) {
	st, err := statInput(path)
	if err != nil {
		return nil, nil, err
	}
	if st.IsDir() {
		return nil, nil, badInputf("%s is a folder; give one map file (.npy, .npz or .npz:member, FITS) holding a map [M, N] or a batch [B, M, N]", path)
	}
	m, cards, err := datasets.ReadMapsHeader(path)
	if err != nil {
		return nil, nil, asBadInput(err) // a HEALPix map: datasets says to project a patch (HEALPixError)
	}
	if keepUnseen {
		return m, cards, nil
	}
	if err := checkUnseen(path, m, unseenHint); err != nil {
		return nil, nil, err
	}
	return m, cards, nil
}

// unseenHint is what checkUnseen tells to do about UNSEEN pixels in the
// maps of commands that use whole maps (stats, synth, separate, …).
const unseenHint = "stkit has no option to mask pixels in whole maps: fill them first (e.g. by inpainting) or cut out a region without them; " +
	"stkit patches --skip-nan leaves out the patches that hold them; stats, synth and separate --crop valid cut the maps to their largest rectangle without them (printed); stats --skip-nan leaves out the maps that hold them"

// checkUnseen refuses maps that hold HEALPix's UNSEEN value −1.6375e30
// (datasets.CheckUnseen): a float FITS image projected from a HEALPix map
// keeps it where there are no data, which is finite, so that the statistics
// were computed on it as a value (means of −3e26 and variances of 1e56,
// exit 0). The error is datasets' (the count, the first pixel) for path,
// with hint, in the command's terms, instead of datasets' advice.
func checkUnseen(path string, m *stlayer.Maps, hint string) error {
	var ve *datasets.ValidationError
	if err := datasets.CheckUnseen(m); errors.As(err, &ve) {
		return unseenError(path, ve, hint)
	}
	return nil
}

// unseenError is a datasets error for UNSEEN pixels (ve.Unseen > 0) as bad
// input: "PATH: 3 pixels of 16384 hold -1.6375e30, … (first: …); the
// statistics would take them for values. HINT".
func unseenError(path string, ve *datasets.ValidationError, hint string) error {
	return badInputf("%s: %s. %s", path, ve.Msg, hint)
}

// statInput stats an input file or folder (the file of an .npz member path):
// a missing or unreadable one is bad input, "PATH: no such file or
// directory" (the path once, not "PATH: stat PATH: …").
func statInput(path string) (os.FileInfo, error) {
	st, err := os.Stat(datasets.FilePart(path))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, badInputf("%s: %v", datasets.FilePart(path), err)
	}
	return st, nil
}

// historyCards returns FITS HISTORY cards of at most 72 characters each
// holding text (split at spaces; characters FITS headers cannot hold, such as
// non-ASCII letters of a file name, become '?', and longer words are cut).
func historyCards(text string) []datasets.Card {
	text = strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '?'
		}
		return r
	}, text)
	var out []datasets.Card
	line := ""
	for _, w := range strings.Fields(text) {
		if len(w) > 72 {
			w = w[:72]
		}
		if line != "" && len(line)+1+len(w) > 72 {
			out = append(out, datasets.Card{Key: "HISTORY", Comment: line})
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		out = append(out, datasets.Card{Key: "HISTORY", Comment: line})
	}
	return out
}

// validate checks maps for an operator with J scales given by -J (bad input
// on failure). When the maps are too small for J, the error names the
// largest J they allow (-J hint).
func validate(path string, m *stlayer.Maps, J int) error {
	return validateJ(path, m, J, true, "")
}

// validateJ is validate for a J that was given by -J (given) or is the
// command's default, rule saying how it follows from the map size (e.g.
// "log2(min(M,N)) − 2"): a default J that the maps do not allow is named as
// such ("the default J=5 (log2(min(M,N)) − 2) needs …; give -J 3 or less"),
// since the user gave no J to change. The size rule is the one every
// statistic shares (datasets.MinSideRule: at least 2^(J+1) pixels a side,
// any parity, no divisibility); validateSpec checks a statistic's own rule
// (even sides for the global wst, scov and spectra, with the crop to even
// sides as advice).
func validateJ(path string, m *stlayer.Maps, J int, given bool, rule string) error {
	return validateSized(path, m, J, nil, given, rule)
}

// defaultJRule is how WithDefaults chooses J from the map size (J = 0).
const defaultJRule = "log2(min(M,N)) − 2"

// fitsJ reports whether M×N maps allow J scales by the size rule every
// statistic shares (datasets.MinSideRule): min(M, N) ≥ 2^(J+1), J in
// 0…30. No statistic needs the sides divisible by 2^J; the global wst,
// scov and spectra also need even sides (datasets.RuleFor).
func fitsJ(m, n, J int) bool {
	return J >= 0 && J <= 30 && datasets.MinSideRule(J).Fits(m, n)
}

// largestJ returns the largest J ≥ 0 that M×N maps allow (fitsJ).
func largestJ(m, n int) int {
	J := 0
	for J < 30 && fitsJ(m, n, J+1) {
		J++
	}
	return J
}

// checkTileStride refuses a tile stride larger than the patch size p of
// learned models (sample, separate --models): tiles every stride > p pixels
// leave bands of pixels inside no tile, which no statistic constrains (they
// kept their starting values, silently).
func checkTileStride(stride, p int) error {
	if stride > p {
		return badInputf("--stride %d is larger than the models' patch size %d: the pixels between the tiles would be constrained by no statistic; give --stride %d or less (0: %d, half a patch)", stride, p, p, max(1, p/2))
	}
	return nil
}

// chooseEngine picks the statistics engine from the global flags.
func chooseEngine(g *globals) (*engine.Choice, error) {
	c, err := engine.New(g.engine, g.backend)
	if err != nil {
		return nil, badInputf("%v", err)
	}
	slog.Info("statistics engine", "engine", c.Description)
	if n := c.Engine.Name(); strings.HasPrefix(n, "graph:") && n != "graph:go" && !g.compileNoted {
		// XLA compiles each graph on its first call: tens of seconds to
		// minutes for scov J6/J7 on an H200 (README, GPU), silent otherwise.
		fmt.Fprint(g.stderr, graphCompileLine(strings.TrimPrefix(n, "graph:")))
		g.compileNoted = true
	}
	return c, nil
}

// graphCompileLine is the line chooseEngine prints once per process for the
// graph engine on backend b (an XLA one): information on the wait, like a
// progress line, so unlabelled and dropped under -q (quietKeeps). It said
// "note: …", the label of the lines -q keeps, yet -q dropped it (quietKeeps
// keeps "NAME: note: …").
func graphCompileLine(b string) string {
	return fmt.Sprintf("graph engine on %s: each statistic is compiled once per batch and map size; the first call can take minutes\n", b)
}

// checkOutput refuses, before any work is done, an output file path that
// cannot be written: its folder does not exist, is not a folder or is not
// writable (probeWritable: on Linux without creating a file in it), or the
// path is an existing folder. flag names the option in the error ("-o",
// "--json"), so that the message says what to change. A symbolic link is
// checked at the file it names (the writers replace that file). An existing
// file that is not a regular one (a device such as /dev/null or /dev/full, a
// named pipe) passes: the writers write into it in place, and its write
// errors (ENOSPC of /dev/full) fail the command with exit 1. "" (no output)
// passes. "-" is refused: it would create a file named "-" (no command
// takes it for standard output; /dev/stdout is written in place). The folder
// is checked as the system resolves it: "sub/../x" needs sub to exist, though
// filepath.Dir cleans it to "." (such a path ran the whole command, then
// failed creating its temporary file).
func checkOutput(flag, path string) error {
	if path == "" {
		return nil
	}
	if path == "-" {
		return badInputf("%s -: stkit does not read \"-\" as standard output (it would write a file named \"-\"); give /dev/stdout for standard output, or a file name", flag)
	}
	given := path
	if missing, err := missingFolder(path); missing != "" {
		if errors.Is(err, syscall.ENOTDIR) {
			raw, _ := filepath.Split(path)
			if raw = strings.TrimSuffix(raw, string(filepath.Separator)); raw == missing {
				return badInputf("%s %s: %s is a file, not a folder", flag, given, missing)
			}
			return badInputf("%s %s: the folder %s does not exist (part of its path is a file: %s)", flag, given, raw, missing)
		}
		return badInputf("%s %s: the folder %s does not exist (create it first, or change %s)", flag, given, missing, flag)
	}
	if r, err := filepath.EvalSymlinks(path); err == nil {
		path = r
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return badInputf("%s %s is a folder, not a file name: give a file name in it", flag, given)
		}
		if !st.Mode().IsRegular() {
			return nil
		}
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return badInputf("%s %s: %s is a file, not a folder", flag, given, dir)
	case err == nil:
		return probeWritable(dir, flag+" "+given)
	case errors.Is(err, fs.ErrNotExist):
		return badInputf("%s %s: the folder %s does not exist (create it first, or change %s)", flag, given, dir, flag)
	case errors.Is(err, syscall.ENOTDIR):
		return badInputf("%s %s: the folder %s does not exist (part of its path is a file)", flag, given, dir)
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return badInputf("%s %s: cannot reach the folder %s: %v", flag, given, dir, err)
	}
}

// missingFolder returns the first folder on the way to path's folder, as
// written (not cleaned: the system walks "sub/.." through sub), that does not
// exist, with the error of os.Stat (fs.ErrNotExist), or the first that is a
// file, with syscall.ENOTDIR; "" when the folder can be reached or fails for
// another reason (checkOutput reports those).
func missingFolder(path string) (string, error) {
	raw, _ := filepath.Split(path)
	if raw == "" {
		return "", nil
	}
	if _, err := os.Stat(raw); err == nil || (!errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR)) {
		return "", nil
	}
	prefix := ""
	if filepath.IsAbs(raw) {
		prefix = string(filepath.Separator)
	}
	for _, c := range strings.Split(raw, string(filepath.Separator)) {
		if c == "" {
			continue
		}
		prefix += c
		st, err := os.Stat(prefix)
		if err != nil {
			return prefix, err
		}
		if !st.IsDir() {
			return prefix, syscall.ENOTDIR
		}
		prefix += string(filepath.Separator)
	}
	return filepath.Clean(raw), fs.ErrNotExist
}

// checkOutputDir refuses, before any work is done, an output folder (report,
// dataset, run or model folder; created later with MkdirAll) that cannot be
// made: a file is in the way, or the folder (or, when it does not exist yet,
// its nearest existing parent) is not writable. Nothing is created. what
// names the folder in the error, e.g. "--report". "-" is refused (dashFolder):
// it made a folder named "-" (`synth … --report -`, exit 0).
func checkOutputDir(what, dir string) error {
	if dir == "" {
		return nil
	}
	if err := dashFolder(what, dir); err != nil {
		return err
	}
	p := filepath.Clean(dir)
	for {
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			if p == filepath.Clean(dir) {
				return badInputf("%s %s is a file, not a folder", what, dir)
			}
			return badInputf("%s %s: %s is a file, not a folder", what, dir, p)
		case err == nil:
			return probeWritable(p, what+" "+dir)
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return badInputf("%s %s: %v", what, dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return badInputf("%s %s: no existing parent folder", what, dir)
		}
		p = parent
	}
}

// probeWritable checks that a file can be created in dir, creating none
// there where the system allows (probeNoEntry; on Linux: access(2), then an
// unnamed O_TMPFILE file). It created and removed a hidden file in dir,
// so that `stkit check --json FIXTURES/x` wrote into a read-only fixtures
// folder (as root, whom its mode does not stop) although the command then
// refused x as one of its inputs. Where probeNoEntry cannot tell (another
// system; a file system without O_TMPFILE such as /proc or /sys) it still
// creates and removes a hidden temporary file.
func probeWritable(dir, what string) error {
	known, err := probeNoEntry(dir)
	if !known {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".stkit-write-test-*"); err == nil {
			name := f.Name()
			f.Close()
			os.Remove(name)
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return badInputf("%s: cannot write in %s: %v", what, dir, err)
	}
	return nil
}

// checkMapsOutput is checkOutput for a file written with datasets.WriteMaps:
// its extension must name a format WriteMaps writes, and an "x.npz:name"
// output needs x.npz to be absent or a zip archive (the member is added to
// it).
func checkMapsOutput(path string) error {
	if err := datasets.CheckMapsPath(path); err != nil {
		return badInputf("-o %s: %v", path, strings.TrimPrefix(err.Error(), "datasets: "+path+": "))
	}
	if npzMember(path) != "" {
		if err := datasets.CheckNPZAppend(datasets.FilePart(path)); err != nil {
			return badInputf("-o %s: %v", path, strings.TrimPrefix(err.Error(), "datasets: "))
		}
		return checkOutput("-o", datasets.FilePart(path))
	}
	return checkOutput("-o", path)
}

// checkPlotOutput is checkOutput for a PNG figure, which is written by
// renaming a temporary file over the name: an existing file that is not a
// regular one (a device, a named pipe) is refused, since the rename would
// replace it.
func checkPlotOutput(what, path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
		return badInputf("%s %s is not a regular file: figures are written to files", what, path)
	}
	return checkOutput(what, path)
}

// maxL bounds the number of orientations the CLI accepts, for every
// statistic: scov.MaxL (its index tables grow as J³L³); the reference codes use
// L = 4 to 16.
const maxL = scov.MaxL

// checkSpec refuses statistic settings that are out of range before an
// operator is built (after Spec.WithDefaults): L outside 1…maxL, DN < 0,
// --local with another family than wst (it was refused as "scov is periodic
// (got --pad reflect)", naming a flag the user had not given), -dn > 0 with
// another family than wph (ignored).
func checkSpec(s stats.Spec) error {
	if s.Local && s.Kind != stats.WST {
		return badInputf("--local (Kymatio's local coefficients) exists for --kind wst only, not %s: leave --local out or use --kind wst", s.Kind)
	}
	if s.L < 1 || s.L > maxL {
		return badInputf("-L %d: the number of orientations must be in 1…%d (0 = 4)", s.L, maxL)
	}
	if s.DN < 0 {
		return badInputf("-dn %d: the number of τ shifts must be ≥ 0", s.DN)
	}
	// -dn with another family was ignored by the statistic but recorded in
	// its description ("scov … dn=3") and in a dataset's spec.
	if s.DN > 0 && s.Kind != stats.WPH {
		return badInputf("-dn %d: τ shifts exist for --kind wph only, not %s: leave -dn out or use --kind wph", s.DN, s.Kind)
	}
	return nil
}

// checkFinite refuses a float flag value that is NaN or infinite, or (when
// nonNeg) negative.
func checkFinite(name string, v float64, nonNeg bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return badInputf("--%s %g: want a finite number", name, v)
	}
	if nonNeg && v < 0 {
		return badInputf("--%s %g: want a number ≥ 0", name, v)
	}
	return nil
}

// checkMin refuses an int flag value below lo.
func checkMin(name string, v, lo int) error {
	if v < lo {
		return badInputf("--%s %d: want ≥ %d", name, v, lo)
	}
	return nil
}

func plural(n int, s string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, s)
	}
	if strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "s") {
		return fmt.Sprintf("%d %ses", n, s)
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// isSet reports whether flag name was given on the command line.
// synthesisDefaults turns on the isotropic synthesis vector unless the
// flags say otherwise: --synthesis alone keeps --iso on; --synthesis=false
// gives the raw coefficients, anisotropic unless --iso.
//
// wst --local has no synthesis vector nor isotropic reduction: it keeps its
// raw local coefficients (the defaults made `synth --kind wst --local` fail
// with "wst --local has no isotropic or synthesis reduction").
func synthesisDefaults(fs *flag.FlagSet, spec *stats.Spec) {
	if spec.Local {
		return
	}
	if !isSet(fs, "synthesis") {
		spec.Synthesis = true
	}
	if !isSet(fs, "iso") && spec.Synthesis {
		spec.Iso = true
	}
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// nonFinite counts the complex values with a NaN or infinite part.
func nonFinite(z []complex128) int {
	n := 0
	for _, v := range z {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) || math.IsInf(real(v), 0) || math.IsInf(imag(v), 0) {
			n++
		}
	}
	return n
}

// maxAbs is max |x_i| (0 for none).
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// memAvailable returns the memory the kernel reports as available for new
// allocations without swapping (MemAvailable in /proc/meminfo, Linux), or 0
// where that is unknown. STKIT_MEM_AVAILABLE (bytes) overrides it, for tests.
func memAvailable() int64 {
	if s := os.Getenv("STKIT_MEM_AVAILABLE"); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil && v > 0 {
			return v
		}
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return v << 10
				}
			}
		}
	}
	return 0
}

// checkResultFits refuses, before any work, a request whose result alone
// (what: the flags that size it) takes more memory than is available: such a
// run could only end in an out-of-memory kill, possibly after hours. The
// working memory comes on top, so passing is no promise; where the available
// memory is unknown nothing is checked.
func checkResultFits(what string, bytes float64) error {
	avail := memAvailable()
	if avail <= 0 || bytes <= float64(avail) {
		return nil
	}
	return badInputf("%s: the result alone needs %s of memory and %s is available", what, fmtBytes(bytes), fmtBytes(float64(avail)))
}

// fmtBytes renders a byte count with a binary unit ("6.4 GiB").
func fmtBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// fmtDev formats a relative deviation or distance for a summary line: three
// decimals, or two significant digits when it is below 0.001 (a tiny value
// should not read 0.000).
func fmtDev(v float64) string {
	if v != 0 && math.Abs(v) < 1e-3 {
		return fmt.Sprintf("%.2g", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// fitsBlankNote says, for an integer FITS image with a BLANK card, that its
// blank pixels are the NaN of a non-finite-pixel error (datasets reads them
// as NaN, so the error named only "NaN" pixels, which the file does not
// hold): "; the NaN pixels are the blank ones of this integer FITS image
// (BITPIX 16, BLANK = -32768), which hold no data". "" for other files. The
// header is read again: this runs only on the way to an error.
func fitsBlankNote(path string) string {
	if !isFITSPath(path) {
		return ""
	}
	a, err := datasets.ReadFITS(path)
	if err != nil {
		return ""
	}
	var bitpix, blank any
	for _, c := range a.Header {
		switch c.Key {
		case "BITPIX":
			bitpix = c.Value
		case "BLANK":
			blank = c.Value
		}
	}
	if bp, ok := bitpix.(int64); !ok || bp <= 0 || blank == nil {
		return ""
	}
	return fmt.Sprintf("; the NaN pixels are the blank ones of this integer FITS image (BITPIX %v, BLANK = %v), which hold no data", bitpix, blank)
}

// unitCards returns the cards of a FITS header that still hold for maps that
// are new realisations of the field read (synth): BUNIT and BTYPE, the unit
// and kind of the pixel values. The WCS, OBJECT and the rest describe the
// sky of the input and are left out.
func unitCards(cards []datasets.Card) []datasets.Card {
	var out []datasets.Card
	for _, c := range cards {
		if c.Key == "BUNIT" || c.Key == "BTYPE" {
			out = append(out, c)
		}
	}
	return out
}

// isFITSPath reports whether a path names a FITS file by its extension, as
// datasets reads them: .fits, .fit or .fts, optionally followed by .gz
// (case-insensitive).
func isFITSPath(path string) bool {
	lower := strings.TrimSuffix(strings.ToLower(datasets.FilePart(path)), ".gz")
	return strings.HasSuffix(lower, ".fits") || strings.HasSuffix(lower, ".fit") || strings.HasSuffix(lower, ".fts")
}

// isMapFile reports whether a file name in a folder of maps is one to read:
// .npy, .npz or FITS (isFITSPath), case-insensitive, as datasets.LoadSources
// lists a folder (plus gzip-compressed FITS, which datasets reads).
func isMapFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".npy") || strings.HasSuffix(lower, ".npz") || isFITSPath(lower)
}

// float32Margin is how far below float32's largest magnitude (3.4028235e38)
// the expected largest |pixel| of a synthesis must stay for a float32
// output: syntheses can exceed their target's extremes a little, and a
// float32 write of a value beyond the range is refused only after the whole
// optimisation (the maps then go to a float64 file beside the output, see
// writeResultMaps), so float32 is refused up front unless
// float32Margin × the expected largest |pixel| fits (checkFloat32Range's
// message says "half": keep them in step).
const float32Margin = 2

// checkDType checks the --dtype of a maps output: float32 or float64.
func checkDType(dtype string) error {
	if dtype != "float32" && dtype != "float64" {
		return badInputf("--dtype %q: the maps are written as float32 (the default) or float64", dtype)
	}
	return nil
}

// checkFloat32Range refuses a float32 output (dtype) before any work when
// float32Margin × largest, the expected largest |pixel| of the maps (what
// says where it comes from, e.g. "the target's largest |pixel| is 2e+38
// (map 0 at row 3, …)"), exceeds float32's range; src names the input (the
// target file, the model folder). A non-finite largest passes (the input
// checks refuse such maps).
func checkFloat32Range(dtype, src, what string, largest float64) error {
	if dtype != "float32" || math.IsNaN(largest) || math.IsInf(largest, 0) || float32Margin*largest <= math.MaxFloat32 {
		return nil
	}
	return badInputf("%s: the maps would be written as float32 (--dtype float32, the default), which holds magnitudes up to 3.4028235e+38, and %s; "+
		"syntheses can go a little beyond it, so float32 needs it within half of float32's range (%.4g); refused before the optimisation rather than at the write. "+
		"Give --dtype float64, or rescale the data (e.g. change units)", src, what, math.MaxFloat32/float32Margin)
}

// float32WriteError is the error of writing maps as dtype: when float32
// could not hold them (a pixel beyond ±3.4028235e38, which the up-front
// checkFloat32Range let through), it adds that --dtype float64 writes them.
func float32WriteError(dtype string, m *stlayer.Maps, err error) error {
	if dtype == "float32" && beyondFloat32(m) {
		return fmt.Errorf("%w; the syntheses went beyond float32's range although the up-front check expected them within half of it: run again with --dtype float64", err)
	}
	return err
}

// beyondFloat32 reports whether a finite pixel of m is beyond float32's
// range (it rounds to ±Inf in float32; datasets refuses such a float32
// write).
func beyondFloat32(m *stlayer.Maps) bool {
	return slices.ContainsFunc(m.Data, datasets.OverflowsFloat32)
}

// writeResultMaps writes the maps that synth or sample computed to out with
// opt. When opt.DType is float32 and float32 cannot hold them (a pixel
// beyond ±3.4028235e38, which the up-front checkFloat32Range let through)
// the run is not lost: they are written as float64 (FITS BITPIX −64) to
// float64Path(out), e.g. OUT.float64.npy beside OUT.npy, and the error
// returned (printed on stderr, exit 1) says so with that path, the largest
// |pixel| and where it is. Other write errors are returned as they are.
// written is the file written (out, the float64 one, or "" for none).
func writeResultMaps(out string, maps *stlayer.Maps, opt datasets.MapsWriteOptions) (written string, err error) {
	werr := datasets.WriteMapsWith(out, maps, opt)
	if werr == nil {
		return out, nil
	}
	if opt.DType != "float32" || !beyondFloat32(maps) {
		return "", werr
	}
	alt := float64Path(out)
	opt.DType = "float64"
	if err := datasets.WriteMapsWith(alt, maps, opt); err != nil {
		return "", fmt.Errorf("%w; writing them as float64 to %s instead failed too: %v", float32WriteError("float32", maps, werr), alt, err)
	}
	big, at := largestPixel(maps)
	return alt, fmt.Errorf("the maps went beyond float32's range (largest |pixel| %.4g, %s; float32 holds up to 3.4028235e+38) although the up-front check expected them within half of it: "+
		"wrote them as float64 to %s instead of %s (--dtype float32); give --dtype float64 next time", big, at, alt, out)
}

// float64Path is where writeResultMaps puts maps that float32 cannot hold:
// out's file with ".float64" before its extension (s.npy → s.float64.npy,
// s.fits → s.float64.fits, a.npz:maps → a.float64.npz:maps), or, when that
// exists, the first of s.float64-2.npy, s.float64-3.npy, … that does not
// (a file the user did not name is never replaced).
func float64Path(out string) string {
	file := datasets.FilePart(out)
	member := out[len(file):]
	ext := filepath.Ext(file)
	base := strings.TrimSuffix(file, ext) + ".float64"
	alt := base + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(alt); errors.Is(err, os.ErrNotExist) {
			return alt + member
		}
		alt = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}

// largestPixel returns the largest finite |pixel| of m and where it is
// (datasets.PixelAt; "" for none).
func largestPixel(m *stlayer.Maps) (float64, string) {
	best, at := 0.0, -1
	for i, v := range m.Data {
		if a := math.Abs(v); !math.IsInf(a, 0) && a > best {
			best, at = a, i
		}
	}
	if at < 0 {
		return 0, ""
	}
	return best, datasets.PixelAt(m, at)
}
