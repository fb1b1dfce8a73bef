package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// Source is a named batch of maps that patches are cut from.
type Source struct {
	Name string // file name (or a synthetic process name)
	Maps *stlayer.Maps
	// Units: the file's FITS BUNIT and pixel scale (MapUnitsOf; zero for
	// .npy and .npz files and FITS headers without them)
	Units MapUnits
	// Header: a FITS file's header cards as read (LoadSources; nil for
	// .npy and .npz files), so that what Units leaves out (why there is no
	// pixel scale) is there without reading the file again
	Header []Card
}

// LoadSources reads map files; a directory contributes every file directly
// inside it that Read reads (sorted by name): .npy, .npz, .fits, .fit and
// .fts, the FITS ones also gzip-compressed (.fits.gz, …), the extension in
// any case. Directories holding none of these and unreadable files are
// errors naming the path. A FITS source's Units are read from its header,
// which it keeps as Header.
func LoadSources(paths []string) ([]Source, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(FilePart(p))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			if isMapsFileName(e.Name()) && !strings.HasPrefix(e.Name(), ".") { // hidden files (macOS ._x.npy) skipped
				found = append(found, filepath.Join(p, e.Name()))
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: directory holds no .npy, .npz or FITS files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no input maps")
	}
	out := make([]Source, 0, len(files))
	for _, f := range files {
		m, a, err := readMapsArray(f, RejectComplex)
		if err != nil {
			return nil, err
		}
		out = append(out, Source{Name: f, Maps: m, Units: MapUnitsOf(a.Header), Header: a.Header})
	}
	return out, nil
}

// isMapsFileName reports whether Read reads a file of this name: .npy,
// .npz, .fits, .fit or .fts, FITS also with .gz, in any case.
func isMapsFileName(name string) bool {
	lower := strings.ToLower(name)
	switch filepath.Ext(lower) {
	case ".npy", ".npz", ".fits", ".fit", ".fts":
		return true
	case ".gz":
		switch filepath.Ext(strings.TrimSuffix(lower, ".gz")) {
		case ".fits", ".fit", ".fts":
			return true
		}
	}
	return false
}

// PatchConfig configures patch cutting. CutPatches refuses a Size below 8
// or larger than a map's side, a negative Stride or MaxPerSource, an Alpha
// outside [0, 1] (whatever the Window) and a Window other than "", "none",
// "tukey" and "moisan".
type PatchConfig struct {
	// Size is the patch side in pixels (at least 8); Stride the step
	// between patch corners (default Size/2).
	Size, Stride int
	// Augment applies to each patch a random rotation by a multiple of 90° and
	// a random flip (seeded), which keeps the statistics of isotropic fields.
	Augment bool
	// Window, if "tukey", multiplies each patch by a separable Tukey window of
	// parameter Alpha (default 0.3, so that Alpha 0 cannot ask for the
	// rectangular window: use Window "" or "none" for that) after
	// subtracting the patch mean (the mean is added back), tapering the
	// edges of non-periodic patches: pixel (i, j) becomes
	// mean + (x − mean)·w(i)·w(j), with w as in TukeyWindow.
	//
	// Window "moisan" replaces each patch by its periodic component p
	// (PeriodicSmooth: u = p + s, Moisan 2011), removing the jump between
	// opposite edges that periodic statistics of a cut patch record as a
	// strong axis-aligned edge (and that syntheses matching them draw as
	// straight-edged facets); the patch mean is kept, the smooth part s
	// (a ramp of mean 0) dropped. Alpha plays no part.
	Window string
	Alpha  float64
	// MaxPerSource, if > 0, keeps a random subset of at most that many
	// patches per source (seeded), drawn among the patches that SkipNaN and
	// SkipConstant keep: a source with at least MaxPerSource usable patches
	// gives exactly MaxPerSource.
	MaxPerSource int
	// SkipNaN skips patches with non-finite pixels or pixels holding
	// HEALPix's UNSEEN value −1.6375e30 (missing data, see IsUnseen),
	// counted in PatchSet.Skipped, instead of failing.
	SkipNaN bool
	// SkipConstant skips patches whose pixels are all equal (counted in
	// PatchSet.Constant): masked or saturated regions, whose self-normalised
	// statistics are undefined. Omitted from JSON when false, so that the
	// fingerprints of datasets made before it existed do not change.
	SkipConstant bool `json:",omitempty"`
	Seed         uint64
}

// Patch locates one patch: source index, map index in that source's batch,
// top-left corner (Row, Col) in the source map, rotation and flip. The
// stored patch is the Size×Size block at that corner turned by Rot
// clockwise quarter turns (row 0 at the top: numpy's np.rot90(block,
// -Rot)), then, when Flip, mirrored left–right (np.fliplr).
type Patch struct {
	Source, Map, Row, Col int
	Rot                   int
	Flip                  bool
}

// PatchSet is a set of square patches with their provenance.
type PatchSet struct {
	Sources []string
	Size    int
	Patches []Patch
	Data    []float64 // len(Patches)·Size² row-major
	Skipped int       // patches skipped for non-finite or UNSEEN pixels (PatchConfig.SkipNaN; all of a source's, before PatchConfig.MaxPerSource)
	// Constant counts the patches skipped as constant (PatchConfig.SkipConstant).
	Constant int
	// Units: each source's Source.Units, in Sources' order (the
	// manifest's bunit and pixel_scale, or bunits and pixel_scales)
	Units []MapUnits
}

// IsConstant reports whether every pixel of patch i has the same value.
func (ps *PatchSet) IsConstant(i int) bool { return constant(ps.Patch(i)) }

// constant reports whether every pixel of x has one value
// (stlayer.ConstantValue; an empty x is not constant).
func constant(x []float64) bool {
	_, ok := stlayer.ConstantValue(x)
	return ok
}

// Patch returns the pixels of patch i (no copy).
func (ps *PatchSet) Patch(i int) []float64 {
	n := ps.Size * ps.Size
	return ps.Data[i*n : (i+1)*n]
}

// Maps returns patches [from, to) as a batch (no copy).
func (ps *PatchSet) Maps(from, to int) *stlayer.Maps {
	n := ps.Size * ps.Size
	return &stlayer.Maps{B: to - from, M: ps.Size, N: ps.Size, Data: ps.Data[from*n : to*n]}
}

// CutPatches cuts patches from every map of every source on a regular grid
// (corners at multiples of Stride from the top-left pixel; maps are treated
// as non-periodic, so patches never wrap around and only patches wholly
// inside the map are cut: when Stride does not divide M − Size, the last
// (M − Size) mod Stride rows are in no patch, and likewise for the
// columns). Patches are ordered by source, map, row, then column; a
// Tukey window or the periodic component (Window "moisan") is applied
// after the rotation and flip. A source without maps (nil, B < 1) or whose
// Data length is not B·M·N is an error naming it, as are no sources at all.
// Sources whose Units differ (BUNITs or pixel scales, MixedUnits) are cut
// as given, with a notice (SetNotify) naming them; PatchSet.Units keeps
// them for the manifest.
func CutPatches(srcs []Source, cfg PatchConfig) (*PatchSet, error) {
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no sources to cut patches from")
	}
	for _, src := range srcs {
		m := src.Maps
		switch {
		case m == nil:
			return nil, fmt.Errorf("%s: no maps (nil)", src.Name)
		case m.B < 1 || m.M < 1 || m.N < 1:
			return nil, fmt.Errorf("%s: no maps (B=%d, M=%d, N=%d)", src.Name, m.B, m.M, m.N)
		case m.B > math.MaxInt/m.M/m.N || len(m.Data) != m.B*m.M*m.N:
			return nil, fmt.Errorf("%s: maps declare B×M×N = %d×%d×%d but hold %d values", src.Name, m.B, m.M, m.N, len(m.Data))
		}
	}
	if cfg.Size < 8 {
		return nil, fmt.Errorf("patch size %d is too small (need ≥ 8)", cfg.Size)
	}
	if cfg.Stride < 0 {
		return nil, fmt.Errorf("patch stride %d is negative (0 = half the patch size)", cfg.Stride)
	}
	if cfg.MaxPerSource < 0 {
		return nil, fmt.Errorf("at most %d patches per source: want ≥ 0 (0 = all)", cfg.MaxPerSource)
	}
	if !(cfg.Alpha >= 0 && cfg.Alpha <= 1) {
		return nil, fmt.Errorf("Tukey window parameter %g is outside [0, 1]", cfg.Alpha)
	}
	if cfg.Stride == 0 {
		cfg.Stride = max(1, cfg.Size/2)
	}
	if cfg.Alpha == 0 {
		cfg.Alpha = 0.3
	}
	if cfg.Window != "" && cfg.Window != "none" && cfg.Window != "tukey" && cfg.Window != "moisan" {
		return nil, fmt.Errorf("unknown window %q (want none, tukey or moisan)", cfg.Window)
	}
	if msg := mixedSourcesNotice(srcs); msg != "" {
		notify(msg) // units19: K and JY/BEAM, 1.5′ and 5′ pixels went into one dataset silently
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xba7c4))
	ps := &PatchSet{Size: cfg.Size}
	var win []float64
	if cfg.Window == "tukey" {
		win = TukeyWindow(cfg.Size, cfg.Alpha)
	}
	s := cfg.Size
	for si, src := range srcs {
		ps.Sources = append(ps.Sources, src.Name)
		ps.Units = append(ps.Units, src.Units)
		m := src.Maps
		if m.M < s || m.N < s {
			return nil, fmt.Errorf("%s: patch size %d is larger than the map (%d×%d)", src.Name, s, m.M, m.N)
		}
		var cand []Patch
		for b := 0; b < m.B; b++ {
			for r := 0; r+s <= m.M; r += cfg.Stride {
				for c := 0; c+s <= m.N; c += cfg.Stride {
					p := Patch{Source: si, Map: b, Row: r, Col: c}
					if cfg.Augment {
						p.Rot = rng.IntN(4)
						p.Flip = rng.IntN(2) == 1
					}
					cand = append(cand, p)
				}
			}
		}
		// cut fills buf with patch p (rotated and flipped) and reports
		// whether its pixels are finite and none is HEALPix's UNSEEN value
		// (missing data); nonFinite and unseen say which it holds.
		buf := make([]float64, s*s)
		var nonFinite, unseen bool
		cut := func(p Patch) bool {
			mp := m.Map(p.Map)
			nonFinite, unseen = false, false
			for i := 0; i < s; i++ {
				for j := 0; j < s; j++ {
					v := mp[(p.Row+i)*m.N+p.Col+j]
					if math.IsNaN(v) || math.IsInf(v, 0) {
						nonFinite = true
					} else if IsUnseen(v) {
						unseen = true
					}
					// rotation by p.Rot quarter turns, then flip of columns
					ii, jj := i, j
					for k := 0; k < p.Rot; k++ {
						ii, jj = jj, s-1-ii
					}
					if p.Flip {
						jj = s - 1 - jj
					}
					buf[ii*s+jj] = v
				}
			}
			return !nonFinite && !unseen
		}
		// The patches that the skip options drop are dropped before
		// MaxPerSource draws its subset, so that the subset holds
		// MaxPerSource usable patches when the source has that many.
		if cfg.SkipNaN || cfg.SkipConstant {
			kept := cand[:0]
			for _, p := range cand {
				switch finite := cut(p); {
				case !finite && cfg.SkipNaN:
					ps.Skipped++
				case finite && cfg.SkipConstant && constant(buf):
					ps.Constant++
				default:
					kept = append(kept, p)
				}
			}
			cand = kept
		}
		if cfg.MaxPerSource > 0 && len(cand) > cfg.MaxPerSource {
			rng.Shuffle(len(cand), func(i, j int) { cand[i], cand[j] = cand[j], cand[i] })
			cand = cand[:cfg.MaxPerSource]
			sort.Slice(cand, func(i, j int) bool {
				a, b := cand[i], cand[j]
				if a.Map != b.Map {
					return a.Map < b.Map
				}
				if a.Row != b.Row {
					return a.Row < b.Row
				}
				return a.Col < b.Col
			})
		}
		for _, p := range cand {
			if !cut(p) {
				var what []string
				if nonFinite {
					what = append(what, "non-finite pixels")
				}
				if unseen {
					what = append(what, "pixels holding HEALPix's UNSEEN value -1.6375e30 (missing data)")
				}
				return nil, fmt.Errorf("%s: patch at map %d, row %d, column %d has %s (set PatchConfig.SkipNaN to drop such patches)",
					src.Name, p.Map, p.Row, p.Col, strings.Join(what, " and "))
			}
			if win != nil {
				mean := 0.0
				for _, v := range buf {
					mean += v
				}
				mean /= float64(len(buf))
				for i := range buf {
					buf[i] = mean + (buf[i]-mean)*win[i]
				}
			}
			if cfg.Window == "moisan" {
				p, _ := PeriodicSmooth(buf, s, s)
				copy(buf, p)
			}
			ps.Patches = append(ps.Patches, p)
			ps.Data = append(ps.Data, buf...)
		}
	}
	if len(ps.Patches) == 0 {
		return nil, fmt.Errorf("no patches: every candidate patch was skipped")
	}
	return ps, nil
}

// TukeyWindow returns the separable s×s Tukey window w(i)·w(j) of parameter
// alpha (0: rectangular, 1: Hann), with w(i) evaluated at x = i/(s−1): the
// window of PatchConfig{Window: "tukey"}, which takes alpha in [0, 1]. As
// scipy.signal.windows.tukey, alpha ≥ 1 gives the Hann window and alpha ≤ 0
// (here also NaN) the rectangular one; s = 1 gives [1] and s ≤ 0 an empty
// window.
func TukeyWindow(s int, alpha float64) []float64 {
	if s <= 0 {
		return []float64{}
	}
	alpha = min(alpha, 1) // the formula below is the Hann window at 1, and lopsided beyond
	w1 := make([]float64, s)
	for i := range w1 {
		x := float64(i) / float64(s-1)
		switch {
		case alpha <= 0:
			w1[i] = 1
		case x < alpha/2:
			w1[i] = 0.5 * (1 + math.Cos(math.Pi*(2*x/alpha-1)))
		case x > 1-alpha/2:
			w1[i] = 0.5 * (1 + math.Cos(math.Pi*(2*x/alpha-2/alpha+1)))
		default:
			w1[i] = 1
		}
	}
	w := make([]float64, s*s)
	for i := 0; i < s; i++ {
		for j := 0; j < s; j++ {
			w[i*s+j] = w1[i] * w1[j]
		}
	}
	return w
}
