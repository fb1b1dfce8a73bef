package main

// Survey maps have NaN edges (blank pixels, masked regions, flagged
// channels); the statistics are defined on whole, finite maps only and the
// peer libraries define no masked variant, so stkit gives explicit paths
// instead of inventing one: --crop cuts every map to one window (the
// largest rectangle without NaN, ±Inf or HEALPix UNSEEN pixels that the
// statistic accepts, or one given), stats --skip-nan leaves out the maps
// of a set or cube that hold them, and patches --grid-offset auto shifts
// the patch grid to keep the most patches without them
// (nanmask19_grid.go).

import (
	"flag"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// cropWin is a window of an M×N map: rows R0 to R1−1 and columns C0 to
// C1−1, counted from 0 (numpy's x[R0:R1, C0:C1]).
type cropWin struct{ R0, R1, C0, C1 int }

func (w cropWin) rows() int { return w.R1 - w.R0 }
func (w cropWin) cols() int { return w.C1 - w.C0 }

// numpy is the window as a numpy slice of one map, "x[12:492, 8:488]".
func (w cropWin) numpy() string { return fmt.Sprintf("x[%d:%d, %d:%d]", w.R0, w.R1, w.C0, w.C1) }

// fitsSection is the window as a FITS image section (cfitsio's syntax,
// which stkit reads after a file name: counted from 1, both ends
// included, columns first): "[9:488,13:492]".
func (w cropWin) fitsSection() string {
	return fmt.Sprintf("[%d:%d,%d:%d]", w.C0+1, w.C1, w.R0+1, w.R1)
}

// describe is the printed line about a window of M×N maps: "kept rows
// 12–491, columns 8–487 (480×480, 88 % of the map's pixels; numpy
// x[12:492, 8:488], FITS section [9:488,13:492])".
func (w cropWin) describe(M, N int) string {
	pct := 100 * float64(w.rows()*w.cols()) / float64(M*N)
	return fmt.Sprintf("kept rows %d–%d, columns %d–%d (%d×%d, %.0f %% of the map's pixels; numpy %s, FITS section %s)",
		w.R0, w.R1-1, w.C0, w.C1-1, w.rows(), w.cols(), pct, w.numpy(), w.fitsSection())
}

var cropWinRE = regexp.MustCompile(`^\s*(\d+)\s*:\s*(\d+)\s*,\s*(\d+)\s*:\s*(\d+)\s*$`)

// parseCropWin parses "R0:R1,C0:C1" (numpy's convention: from 0, ends
// excluded).
func parseCropWin(s string) (cropWin, error) {
	m := cropWinRE.FindStringSubmatch(s)
	if m == nil {
		return cropWin{}, fmt.Errorf("--crop %s: want valid, or a window R0:R1,C0:C1 (rows R0 to R1−1, columns C0 to C1−1, counted from 0, ends excluded: numpy's x[R0:R1, C0:C1]; e.g. 12:492,8:488)", s)
	}
	var v [4]int
	for i := range v {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return cropWin{}, fmt.Errorf("--crop %s: %v", s, err)
		}
		v[i] = n
	}
	w := cropWin{v[0], v[1], v[2], v[3]}
	if w.R1 <= w.R0 || w.C1 <= w.C0 {
		return cropWin{}, fmt.Errorf("--crop %s: empty window (the ends R1, C1 are excluded and must exceed R0, C0)", s)
	}
	return w, nil
}

// finiteMask returns, for M×N maps, which pixels are finite and hold no
// HEALPix UNSEEN value (−1.6375e30, missing data; datasets.IsUnseen) in
// every map of every batch given (all of one size), and how many do not
// (pixelMasks without the UNSEEN mask).
func finiteMask(ms ...*stlayer.Maps) (mask []bool, bad int) {
	mask, bad, _ = pixelMasks(ms...)
	return mask, bad
}

// pixelMasks scans M×N maps (the batches given, all of one size) once:
// finite says which pixels are finite and hold no HEALPix UNSEEN value
// (−1.6375e30, missing data; datasets.IsUnseen) in every map, bad how
// many do not, and unseen which hold UNSEEN in some map (a subset of the
// bad ones). No maps: nil masks.
func pixelMasks(ms ...*stlayer.Maps) (finite []bool, bad int, unseen []bool) {
	if len(ms) == 0 {
		return nil, 0, nil
	}
	px := ms[0].M * ms[0].N
	finite, unseen = make([]bool, px), make([]bool, px)
	for i := range finite {
		finite[i] = true
	}
	for _, m := range ms {
		for b := 0; b < m.B; b++ {
			for i, v := range m.Data[b*px : (b+1)*px] {
				switch {
				case datasets.IsUnseen(v):
					finite[i], unseen[i] = false, true
				case math.IsNaN(v) || math.IsInf(v, 0):
					finite[i] = false
				}
			}
		}
	}
	for _, ok := range finite {
		if !ok {
			bad++
		}
	}
	return finite, bad, unseen
}

// maskOf is finiteMask of the maps the window is chosen on, recording
// how many pixels are bad (nm.bad) and which hold UNSEEN (nm.unseen) for
// the window's note.
func (nm *nanmaskOpts) maskOf(ms ...*stlayer.Maps) []bool {
	var mask []bool
	mask, nm.bad, nm.unseen = pixelMasks(ms...)
	return mask
}

// holds is the verb "holds" for n = 1, "hold" otherwise ("1 pixel holds",
// "3 pixels hold").
func holds(n int) string {
	if n == 1 {
		return "holds"
	}
	return "hold"
}

// countMissing counts the bad pixels (false in mask) that hold UNSEEN
// (unseen; nil for none) and those that are NaN or ±Inf.
func countMissing(mask, unseen []bool) (u, nan int) {
	for i, ok := range mask {
		switch {
		case i < len(unseen) && unseen[i]:
			u++
		case !ok:
			nan++
		}
	}
	return u, nan
}

// unseenNote says how many of the bad pixels (false in mask) hold UNSEEN
// (unseen) and how many are NaN or ±Inf, "" when none is UNSEEN:
// "512 pixels hold -1.6375e30 (HEALPix's UNSEEN value for missing data)
// and 12 are NaN or ±Inf in some map".
func unseenNote(mask, unseen []bool) string {
	u, nan := countMissing(mask, unseen)
	if u == 0 {
		return ""
	}
	s := fmt.Sprintf("%s %s -1.6375e30 (HEALPix's UNSEEN value for missing data)", plural(u, "pixel"), holds(u))
	if nan > 0 {
		s += fmt.Sprintf(" and %d %s NaN or ±Inf", nan, map[bool]string{true: "is", false: "are"}[nan == 1])
	}
	return s + " in some map"
}

// cutUnseen refuses maps m cut to window w of the M×N maps they were read
// as (what names them) that still hold HEALPix's UNSEEN value: a window
// given with --crop R0:R1,C0:C1 over them, or an input cut to the window
// chosen on another. The pixel is named in the whole map's rows and
// columns.
func cutUnseen(what string, m *stlayer.Maps, w cropWin) error {
	n, first := datasets.CountUnseen(m)
	if n == 0 {
		return nil
	}
	b, r, c := first/(m.M*m.N), first/m.N%m.M, first%m.N
	return badInputf("%s: %s of the --crop window %s (numpy %s) %s -1.6375e30, HEALPix's UNSEEN value for missing data (first: map %d at row %d, column %d of the whole map, counted from 0): the statistics would take them for values; give a window without them (--crop valid finds the largest one without NaN, ±Inf or UNSEEN pixels), or fill them first",
		what, plural(n, "pixel"), w.fitsSection(), w.numpy(), holds(n), b, r+w.R0, c+w.C0)
}

// largestRect returns the rectangle of largest area whose pixels are all
// true in mask (M×N, row-major) and whose sides side accepts: side(s) is
// the largest accepted side ≤ s, 0 when none. ok is false when there is
// none. Every all-true rectangle lies in a maximal one (not extendable in
// any direction), and each maximal one is found as the span of a column's
// run of true pixels (its height) ending at some row; the accepted
// rectangle is the largest one inside it, centred in it. Ties go to the
// first found (top rows first). Time O(M·N).
func largestRect(mask []bool, M, N int, side func(int) int) (best cropWin, ok bool) {
	h := make([]int, N)
	left, right := make([]int, N), make([]int, N)
	stack := make([]int, 0, N)
	bestArea := 0
	for r := 0; r < M; r++ {
		for c := 0; c < N; c++ {
			if mask[r*N+c] {
				h[c]++
			} else {
				h[c] = 0
			}
		}
		stack = stack[:0]
		for c := 0; c < N; c++ {
			for len(stack) > 0 && h[stack[len(stack)-1]] >= h[c] {
				stack = stack[:len(stack)-1]
			}
			left[c] = 0
			if len(stack) > 0 {
				left[c] = stack[len(stack)-1] + 1
			}
			stack = append(stack, c)
		}
		stack = stack[:0]
		for c := N - 1; c >= 0; c-- {
			for len(stack) > 0 && h[stack[len(stack)-1]] >= h[c] {
				stack = stack[:len(stack)-1]
			}
			right[c] = N
			if len(stack) > 0 {
				right[c] = stack[len(stack)-1]
			}
			stack = append(stack, c)
		}
		for c := 0; c < N; c++ {
			if h[c] == 0 {
				continue
			}
			H, W := h[c], right[c]-left[c]
			hh, ww := side(H), side(W)
			if hh <= 0 || ww <= 0 || hh*ww <= bestArea {
				continue
			}
			top := r - H + 1 + (H-hh)/2
			l := left[c] + (W-ww)/2
			best, bestArea, ok = cropWin{top, top + hh, l, l + ww}, hh*ww, true
		}
	}
	return best, ok
}

// sideOf returns the side function of a size rule for largestRect: the
// largest side ≤ s that r accepts (a multiple of 2^J when r.Divisible,
// even when r.Even, at least r.MinSide), 0 when none.
func sideOf(r datasets.SizeRule) func(int) int {
	return func(s int) int {
		if r.Divisible && r.J >= 0 && r.J <= 30 {
			s = s / (1 << r.J) * (1 << r.J)
		}
		if r.Even {
			s &^= 1
		}
		if s < max(r.MinSide, 1) {
			return 0
		}
		return s
	}
}

// anySide accepts every side (the largest rectangle without bad pixels,
// for messages).
func anySide(s int) int { return s }

// cropRule is the size rule a window for spec (J ≥ 1 set) must satisfy:
// the statistic's own (datasets.RuleFor) and the command's size check,
// validateJ, which is called on the cropped maps. Whether validateJ asks
// for sides divisible by 2^J (datasets.ValidateMaps) or takes the
// statistic's rule is asked of it, once, on a zero map whose sides the
// statistic accepts but 2^J does not divide; when it refuses that map the
// rule also asks for divisibility, so that the window chosen always
// passes the check that follows.
func cropRule(spec stats.Spec, M, N int) datasets.SizeRule {
	r := datasets.RuleFor(spec, M, N)
	if r.J < 1 || r.J > 20 {
		r.Divisible = true
		return r
	}
	if r.J == 1 {
		// every even side is a multiple of 2^1: there is no even side to
		// ask validateJ about, and divisibility by 2 is the even rule.
		r.Divisible = true
		return r
	}
	// the probe: an even side ≥ MinSide that 2^J (≥ 4) does not divide.
	step := 1 << r.J
	n := max(r.MinSide, 2)
	n += n % 2
	if n%step == 0 {
		n += 2
	}
	if validateJ("", &stlayer.Maps{B: 1, M: n, N: n, Data: make([]float64, n*n)}, r.J, true, "") != nil {
		r.Divisible = true
	}
	return r
}

// chooseWindow chooses --crop valid's window of M×N maps whose finite
// pixels (holding no UNSEEN value either) are mask: the largest rectangle
// of them that the statistic spec
// accepts for its J. With no J given (spec.J = 0), J is the largest one,
// from the default of the M×N maps (defJ) down, whose window is large
// enough to have at least that default itself; spec.J is set to it, so
// that the maps cut to the window keep it. The error (bad input) names
// the largest such rectangle and what to do; unseen (maskOf's nm.unseen,
// nil for none) says which of the bad pixels hold UNSEEN, for its words.
func chooseWindow(mask, unseen []bool, M, N int, spec *stats.Spec, defJ func(m, n int) int) (cropWin, error) {
	if spec.J != 0 {
		r := cropRule(*spec, M, N)
		if w, ok := largestRect(mask, M, N, sideOf(r)); ok {
			return w, nil
		}
		return cropWin{}, noWindowError(mask, unseen, M, N, r, true)
	}
	var r datasets.SizeRule
	for J := defJ(M, N); J >= 1; J-- {
		s := *spec
		s.J = J
		r = cropRule(s, M, N)
		w, ok := largestRect(mask, M, N, sideOf(r))
		if ok && defJ(w.rows(), w.cols()) >= J {
			spec.J = J
			return w, nil
		}
	}
	return cropWin{}, noWindowError(mask, unseen, M, N, r, false)
}

// missingWords are the words of --crop valid's refusals for the pixels a
// window leaves out: NaN (and ±Inf) only, or with HEALPix's UNSEEN value
// (misc3, s22), which --crop cuts out as NaN since 69f51e2.
type missingWords struct {
	free   string // "NaN-free" (before a noun) or "without NaN, ±Inf or UNSEEN (-1.6375e30) pixels" (after it): see of
	nan    bool   // the words are NaN's (free before the noun)
	finite string // "finite" or "finite and not UNSEEN (-1.6375e30)"
	fill   string // "NaN", "UNSEEN" or "NaN and UNSEEN"
}

// missingOf returns the words for the bad pixels of mask (false) of which
// unseen (nil for none) marks those holding UNSEEN.
func missingOf(mask, unseen []bool) missingWords {
	u, nan := countMissing(mask, unseen)
	if u == 0 {
		return missingWords{free: "NaN-free", nan: true, finite: "finite", fill: "NaN"}
	}
	w := missingWords{free: "without NaN, ±Inf or UNSEEN (-1.6375e30) pixels", finite: "finite and not UNSEEN (-1.6375e30)", fill: "UNSEEN"}
	if nan > 0 {
		w.fill = "NaN and UNSEEN"
	}
	return w
}

// of is "NaN-free noun" or "noun without NaN, ±Inf or UNSEEN … pixels".
func (w missingWords) of(noun string) string {
	if w.nan {
		return w.free + " " + noun
	}
	return noun + " " + w.free
}

// noWindowError says that no window without bad pixels (NaN, ±Inf; UNSEEN
// where unseen marks some) fits rule r, naming the largest such rectangle.
func noWindowError(mask, unseen []bool, M, N int, r datasets.SizeRule, given bool) error {
	mw := missingOf(mask, unseen)
	need := fmt.Sprintf("at least %d×%d pixels", r.MinSide, r.MinSide)
	if r.Divisible {
		need += fmt.Sprintf(", sides multiples of %d", 1<<r.J)
	} else if r.Even {
		need += ", even sides"
	}
	what := fmt.Sprintf("J=%d needs %s", r.J, need)
	if !given {
		what = fmt.Sprintf("even J=%d needs %s", r.J, need)
	}
	raw, ok := largestRect(mask, M, N, anySide)
	if !ok {
		return badInputf("--crop valid: no pixel of the %d×%d maps is %s in every map: there is no %s (leave out the maps that are all %s first, e.g. stats --skip-nan, or select the planes: FILE.fits[*,*,K])", M, N, mw.finite, mw.of("window"), mw.fill)
	}
	do := "give a smaller -J, or fill the " + mw.fill + " pixels first"
	if !given {
		do = "fill the " + mw.fill + " pixels first, or cut the maps to the " + mw.of("region") + " yourself"
	}
	return badInputf("--crop valid: the largest %s of the %d×%d maps, rows %d–%d, columns %d–%d, is %d×%d pixels, and %s: %s", mw.of("rectangle"), M, N, raw.R0, raw.R1-1, raw.C0, raw.C1-1, raw.rows(), raw.cols(), what, do)
}

// cropMaps returns the window w of every map of m (a copy).
func cropMaps(m *stlayer.Maps, w cropWin) *stlayer.Maps {
	out := &stlayer.Maps{B: m.B, M: w.rows(), N: w.cols(), Data: make([]float64, 0, m.B*w.rows()*w.cols())}
	for b := 0; b < m.B; b++ {
		x := m.Data[b*m.M*m.N:]
		for r := w.R0; r < w.R1; r++ {
			out.Data = append(out.Data, x[r*m.N+w.C0:r*m.N+w.C1]...)
		}
	}
	return out
}

var crpixKey = regexp.MustCompile(`^CRPIX([12])[A-Z]?$`)

// cropCards returns FITS content cards for the maps cut to w: CRPIX1 (the
// column axis) less C0 and CRPIX2 (the row axis) less R0, for the primary
// WCS and every alternate (CRPIX1A …), so that each pixel keeps its world
// coordinates; NAXIS1, NAXIS2 the new sizes when present. The input is
// unchanged.
func cropCards(cards []datasets.Card, w cropWin) []datasets.Card {
	if cards == nil {
		return nil
	}
	out := append([]datasets.Card(nil), cards...)
	for k := range out {
		c := &out[k]
		if c.Commentary {
			continue
		}
		switch c.Key {
		case "NAXIS1":
			c.Value = int64(w.cols())
			continue
		case "NAXIS2":
			c.Value = int64(w.rows())
			continue
		}
		m := crpixKey.FindStringSubmatch(c.Key)
		if m == nil {
			continue
		}
		shift := float64(w.C0)
		if m[1] == "2" {
			shift = float64(w.R0)
		}
		switch v := c.Value.(type) {
		case float64:
			c.Value = v - shift
		case int64:
			c.Value = float64(v) - shift
		case datasets.RawValue:
			if f, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(string(v), "D", "E")), 64); err == nil {
				c.Value = f - shift
			}
		}
	}
	return out
}

// nanmaskOpts is --crop (and stats' --skip-nan) of one run of a command,
// and the window chosen on its first input, which the command's other
// inputs are cut to.
type nanmaskOpts struct {
	cmd     string
	crop    *string
	skipNaN *bool // nil where the command has none
	// gridOffset: patches' --grid-offset (nanmaskCutPatches; crop is nil)
	gridOffset *string
	fs         *flag.FlagSet

	chosen bool
	win    cropWin
	M, N   int // the size of the maps the window is of
	// bad: how many pixels of the maps the window is chosen on are NaN,
	// ±Inf or UNSEEN in some map (maskOf: false in its mask); unseen:
	// which of them hold HEALPix's UNSEEN value, cut out as NaN is, for
	// the note
	bad    int
	unseen []bool
	// cache: stats' inputs read and cut together (nanmaskRead)
	cache map[string]statsInput
}

// nanmaskRuns finds a run's nanmaskOpts from its globals where only g
// reaches (nanmaskRead, nanmaskCutPatches), which remove it once used.
var nanmaskRuns sync.Map // *globals → *nanmaskOpts

// cropUsage is --crop's help.
const cropUsage = "valid: cut every map to the largest axis-aligned rectangle without NaN/Inf or HEALPix UNSEEN (-1.6375e30) pixels whose sides the statistic accepts for J " +
	"(the same window for all the maps of a set, and for the other map arguments; with no -J, the largest J whose default the window keeps); " +
	"or a window R0:R1,C0:C1: rows R0 to R1−1 and columns C0 to C1−1, counted from 0, ends excluded (numpy's x[R0:R1, C0:C1] convention). " +
	"The window is printed with its numpy slice and its FITS section (FITS files can be cut on reading too: 'MAP.fits[x1:x2,y1:y2]', from 1, ends included, columns first); " +
	"a FITS header's CRPIX1, CRPIX2 are shifted so that the WCS of outputs still places each pixel. No statistic of masked maps is computed: the pixels outside the window are left out"

// nanmaskFlags registers --crop (stats, synth, separate) and, for stats,
// --skip-nan on fs, for the run of g; for patches --grid-offset only.
func nanmaskFlags(fs *flag.FlagSet, g *globals, cmd string) *nanmaskOpts {
	nm := &nanmaskOpts{cmd: cmd, fs: fs}
	if cmd == "patches" {
		nm.gridOffset = fs.String("grid-offset", "", gridOffsetUsage)
		nanmaskRuns.Store(g, nm)
		return nm
	}
	usage := cropUsage
	switch cmd {
	case "synth":
		usage += ". The window is chosen on TARGET (all its maps); --reference-set is cut to it" + cropRecordDoc
	case "separate":
		usage += ". The window is chosen on DATA; the samples, --template, --truth, --frozen and a --start file are cut to it (their sizes must be DATA's)" + cropRecordDoc
	case "stats":
		usage += ". " + statsAppliedDoc
	}
	nm.crop = fs.String("crop", "", usage)
	if cmd == "stats" {
		nm.skipNaN = fs.Bool("skip-nan", false, "leave out the maps of MAP (a set, a batch, a cube's planes) that hold NaN, ±Inf or HEALPix UNSEEN (-1.6375e30) pixels, naming them (a cube's planes with their FITS section [*,*,K]); "+
			"with --cross or --imag the pairs, with --compare in each set; refused when fewer than 1 map (2 per set with --compare) is left. With --crop valid, only the maps more than half such pixels (flagged channels) are left out, and the others are cut to their common window without them. "+statsAppliedDoc)
	}
	if cmd == "stats" {
		nanmaskRuns.Store(g, nm) // for nanmaskRead, which drops it when done
	}
	return nm
}

// cuts reports whether --crop was given: the inputs it cuts are read with
// their UNSEEN pixels (readMapsCardsKeep), which the window leaves out.
func (nm *nanmaskOpts) cuts() bool {
	return nm != nil && nm.crop != nil && *nm.crop != ""
}

// active reports whether --crop or --skip-nan was given.
func (nm *nanmaskOpts) active() bool {
	return nm != nil && nm.crop != nil && (*nm.crop != "" || (nm.skipNaN != nil && *nm.skipNaN))
}

// window returns the window of M×N maps whose finite pixels are mask
// (maskOf's, which set nm.bad and nm.unseen for the note), choosing it on
// the first call (--crop valid: chooseWindow; a window given: checked
// against M×N), and printing it on stderr.
func (nm *nanmaskOpts) window(g *globals, what string, mask []bool, M, N int, spec *stats.Spec) (cropWin, error) {
	if nm.chosen {
		if M == nm.win.rows() && N == nm.win.cols() && (M != nm.M || N != nm.N) {
			return cropWin{0, M, 0, N}, nil // already cut to the window (an earlier output)
		}
		if M != nm.M || N != nm.N {
			return cropWin{}, badInputf("%s holds maps of %d×%d, but --crop's window %s is of the %d×%d maps it was chosen on: the maps must all have one size", what, M, N, nm.win.fitsSection(), nm.M, nm.N)
		}
		return nm.win, nil
	}
	var w cropWin
	var err error
	if strings.TrimSpace(*nm.crop) == "valid" {
		defJ := func(m, n int) int { return spec.WithDefaults(m, n).J }
		if nm.cmd == "synth" && (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) {
			defJ = synthDefaultJ
		}
		jGiven := spec.J != 0
		if w, err = chooseWindow(mask, nm.unseen, M, N, spec, defJ); err != nil {
			return cropWin{}, err
		}
		bad := nm.bad // maskOf's count of false in mask
		j := fmt.Sprintf("J=%d", spec.J)
		if !jGiven {
			j += " (the default that the window keeps)"
		}
		nan := "no pixel is NaN or ±Inf"
		if bad > 0 {
			nan = fmt.Sprintf("%s NaN or ±Inf in some map, all outside it", plural(bad, "pixel"))
		}
		if u := unseenNote(mask, nm.unseen); u != "" { // misc2 (s22)
			nan = u + ", all outside it"
		}
		fmt.Fprintf(g.stderr, "%s: note: --crop valid: %s: %s; %s; %s\n", nm.cmd, what, w.describe(M, N), nan, j)
	} else {
		if w, err = parseCropWin(*nm.crop); err != nil {
			return cropWin{}, badInput{err}
		}
		if w.R1 > M || w.C1 > N {
			return cropWin{}, badInputf("--crop %s: %s holds maps of %d×%d (rows 0–%d, columns 0–%d): the window does not fit", *nm.crop, what, M, N, M-1, N-1)
		}
		note := ""
		if out, in := outsideUnseen(nm.unseen, w, N); out > 0 && in == 0 { // misc2 (s22); in > 0: cutUnseen refuses
			note = fmt.Sprintf("; %s outside it %s -1.6375e30 (HEALPix's UNSEEN value for missing data) in some map: cut out", plural(out, "pixel"), holds(out))
		}
		fmt.Fprintf(g.stderr, "%s: --crop: %s: %s%s\n", nm.cmd, what, w.describe(M, N), note)
	}
	nm.chosen, nm.win, nm.M, nm.N = true, w, M, N
	return w, nil
}

// outsideUnseen counts the pixels of unseen (M×N, row-major) outside
// window w and inside it.
func outsideUnseen(unseen []bool, w cropWin, N int) (out, in int) {
	for i, u := range unseen {
		switch r, c := i/N, i%N; {
		case !u:
		case r < w.R0 || r >= w.R1 || c < w.C0 || c >= w.C1:
			out++
		default:
			in++
		}
	}
	return out, in
}

// cropSet cuts the maps of a set read by readMapSetCards (and its FITS
// cards) to the window, chosen on it when it is the first input: one call
// after each read (synth's TARGET and --reference-set). A nil set or no
// --crop: nothing to do.
func (nm *nanmaskOpts) cropSet(g *globals, what string, set *mapSet, spec *stats.Spec) error {
	if nm == nil || nm.crop == nil || *nm.crop == "" || set == nil || set.Maps == nil {
		return nil
	}
	mask := nm.maskOf(set.Maps)
	w, err := nm.window(g, what, mask, set.Maps.M, set.Maps.N, spec)
	if err != nil {
		return err
	}
	set.Maps, set.Cards = cropMaps(set.Maps, w), cropCards(set.Cards, w)
	return cutUnseen(what, set.Maps, w)
}

// cropMapsCards is cropSet for maps read alone (separate's DATA and
// samples): the maps and cards cut to the window, chosen on them when they
// are the first input.
func (nm *nanmaskOpts) cropMapsCards(g *globals, what string, m *stlayer.Maps, cards []datasets.Card, spec *stats.Spec) (*stlayer.Maps, []datasets.Card, error) {
	if nm == nil || nm.crop == nil || *nm.crop == "" || m == nil {
		return m, cards, nil
	}
	mask := nm.maskOf(m)
	w, err := nm.window(g, what, mask, m.M, m.N, spec)
	if err != nil {
		return nil, nil, err
	}
	cut := cropMaps(m, w)
	if err := cutUnseen(what, cut, w); err != nil {
		return nil, nil, err
	}
	return cut, cropCards(cards, w), nil
}
