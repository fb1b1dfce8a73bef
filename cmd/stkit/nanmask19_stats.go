package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// nanmaskStatsArgs are stats' map arguments that --crop and --skip-nan
// treat together, in reading order: the flag's name in stats (fs.Lookup),
// the name statsInput.flag carries, and the group of maps paired one by
// one (MAP with --cross or --imag: group 0; --compare with --compare-imag:
// group 1).
var nanmaskStatsArgs = []struct {
	lookup, flag string
	group        int
}{
	{"", "MAP", 0}, {"cross", "--cross", 0}, {"imag", "--imag", 0},
	{"compare", "--compare", 1}, {"compare-imag", "--compare-imag", 1},
}

// nanmaskRead is readStatsInput for stats' map arguments (MAP, --cross,
// --imag, --compare, --compare-imag) of the run of g: without --crop and
// --skip-nan it is readStatsInput itself. With them, the first call (MAP)
// reads all the arguments given, leaves out the maps holding NaN
// (--skip-nan, pairs together, per set with --compare) and cuts all of
// them to one window (--crop), and each call returns its argument's set.
// spec (stats' flags; J may be set by --crop valid) is needed by the
// first call only.
func nanmaskRead(g *globals, spec *stats.Spec, flag, arg string) (statsInput, error) {
	v, _ := nanmaskRuns.Load(g)
	nm, _ := v.(*nanmaskOpts)
	if !nm.active() {
		nanmaskRuns.Delete(g)
		return readStatsInput(flag, arg)
	}
	if nm.cache == nil {
		if flag != "MAP" {
			return readStatsInput(flag, arg)
		}
		if err := nm.readStatsArgs(g, spec, arg); err != nil {
			return statsInput{}, err
		}
	}
	in, ok := nm.cache[flag]
	if !ok || in.arg != arg {
		return readStatsInput(flag, arg)
	}
	delete(nm.cache, flag) // each argument is read once: the maps are not kept here
	if len(nm.cache) == 0 {
		nanmaskRuns.Delete(g)
	}
	return in, nil
}

// readStatsArgs reads stats' map arguments into nm.cache, treated by
// --skip-nan and --crop.
func (nm *nanmaskOpts) readStatsArgs(g *globals, spec *stats.Spec, mapArg string) error {
	var ins []statsInput
	var groups []int
	for _, a := range nanmaskStatsArgs {
		arg := mapArg
		if a.lookup != "" {
			f := nm.fs.Lookup(a.lookup)
			if f == nil || f.Value.String() == "" {
				continue
			}
			arg = f.Value.String()
		}
		// misc2 (s22): UNSEEN pixels cut as NaN; misc3 (s22): and left out
		// with their maps by --skip-nan
		in, err := readStatsInputKeep(a.flag, arg, *nm.crop != "" || (nm.skipNaN != nil && *nm.skipNaN))
		if err != nil {
			if a.flag == "MAP" {
				if _, _, cerr := readComplexMap(arg, err); cerr == nil {
					return badInputf("MAP %s holds complex numbers: --crop and --skip-nan take real maps; give the real and imaginary parts as MAP and --imag", arg)
				}
			}
			return err
		}
		in.applied = newApplied(in.set.Maps.B) // badfix20: recorded in the outputs
		ins, groups = append(ins, in), append(groups, a.group)
	}
	if nm.skipNaN != nil && *nm.skipNaN {
		need := 1
		if len(ins) > 0 && groups[len(groups)-1] == 1 {
			need = 2 // --compare: a spread per set
		}
		if f := nm.fs.Lookup("paired"); f != nil && f.Value.String() == "true" {
			for i := range groups {
				groups[i] = 0 // --compare --paired: map i of A with map i of B, left out by pairs
			}
		}
		for grp := 0; grp <= 1; grp++ {
			var members []int
			for i := range ins {
				if groups[i] == grp {
					members = append(members, i)
				}
			}
			if len(members) == 0 {
				continue
			}
			if err := nm.skipMaps(g, ins, members, need, *nm.crop == "valid"); err != nil {
				return err
			}
		}
	}
	if *nm.crop != "" && len(ins) > 0 {
		M, N := ins[0].set.Maps.M, ins[0].set.Maps.N
		var all []*stlayer.Maps
		var names []string
		for _, in := range ins {
			m := in.set.Maps
			if m.M != M || m.N != N {
				return badInputf("--crop: %s holds maps of %d×%d, %s %d×%d: one window of all the maps needs maps of one size", in.describe(), m.M, m.N, ins[0].describe(), M, N)
			}
			all, names = append(all, m), append(names, in.describe())
		}
		mask := nm.maskOf(all...)
		w, err := nm.window(g, strings.Join(names, ", "), mask, M, N, spec)
		if err != nil {
			return err
		}
		for _, in := range ins {
			in.set.Maps, in.set.Cards = cropMaps(in.set.Maps, w), cropCards(in.set.Cards, w)
			in.applied.cut(w, M, N)
			if err := cutUnseen(in.describe(), in.set.Maps, w); err != nil { // misc2 (s22)
				return err
			}
		}
	}
	nm.cache = map[string]statsInput{}
	for _, in := range ins {
		nm.cache[in.flag] = in
	}
	return nil
}

// skipMaps leaves out of the sets ins[members] (paired one by one: they
// must hold as many maps) the maps that hold non-finite pixels or
// HEALPix's UNSEEN value (−1.6375e30, missing data; misc3, s22) — with
// --crop valid (half) only those more than half non-finite — printing one
// line naming them; fewer than need maps left is refused.
func (nm *nanmaskOpts) skipMaps(g *globals, ins []statsInput, members []int, need int, half bool) error {
	first := ins[members[0]]
	for _, i := range members[1:] {
		if o := ins[i]; o.set.Maps.B != first.set.Maps.B {
			return badInputf("--skip-nan: %s holds %s, %s %s: the maps are paired one by one (and left out by pairs), so the two need the same number of maps", o.describe(), plural(o.set.Maps.B, "map"), first.describe(), plural(first.set.Maps.B, "map"))
		}
	}
	B := first.set.Maps.B
	bad := make([]bool, B)
	var named []string
	anyUnseen := false
	for b := 0; b < B; b++ {
		var why []string
		for _, i := range members {
			m := ins[i].set.Maps
			x := m.Data[b*m.M*m.N : (b+1)*m.M*m.N]
			n, u := 0, 0
			for _, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					n++
				} else if datasets.IsUnseen(v) {
					u++
				}
			}
			if n+u > 0 && (!half || 2*(n+u) > len(x)) {
				count := plural(n, "pixel") + " non-finite"
				if u > 0 {
					anyUnseen = true
					unseen := fmt.Sprintf("%s -1.6375e30 (HEALPix's UNSEEN value)", holds(u))
					if n == 0 {
						count = plural(u, "pixel") + " " + unseen
					} else {
						count += fmt.Sprintf(", %d %s", u, unseen)
					}
				}
				why = append(why, fmt.Sprintf("%s%s: %s", flagPrefix(ins[i], members), setMapName(ins[i].set, b), count))
			}
		}
		if len(why) > 0 {
			bad[b] = true
			named = append(named, strings.Join(why, "; "))
		}
	}
	if len(named) == 0 {
		return nil
	}
	kept := B - len(named)
	holds := "NaN or ±Inf"
	if anyUnseen {
		holds = skipUnseenBad
	}
	what := "holding " + holds
	if half {
		what = "more than half " + holds + " (--crop valid cuts the others)"
	}
	var srcs []string
	for _, i := range members {
		srcs = append(srcs, ins[i].describe())
	}
	src := strings.Join(srcs, " and ")
	if kept < need {
		n := "1 map"
		if need > 1 {
			n = fmt.Sprintf("%d maps per set (--compare needs a spread)", need)
		}
		return badInputf("--skip-nan: %s (%s); %d would be left, and the statistics need at least %s", skipCountPhraseBad(len(named), B, src, half, holds), strings.Join(named, "; "), kept, n)
	}
	fmt.Fprintf(g.stderr, "stats: note: --skip-nan: left out %d of the %d maps of %s, %s: %s; %s\n", len(named), B, src, what, strings.Join(named, "; "), plural(kept, "map")+" kept")
	for _, i := range members {
		ins[i].applied.drop(bad)
		dropMaps(ins[i].set, bad)
	}
	return nil
}

// flagPrefix is "--cross " before a map of a paired argument other than
// the group's first, "" otherwise.
func flagPrefix(in statsInput, members []int) string {
	if len(members) < 2 || in.flag == "MAP" || in.flag == "--compare" {
		return ""
	}
	return in.flag + " "
}

// setMapName names map b of a set for --skip-nan: the file (base name),
// and when the file holds several maps the map in it, counted from 0: a
// FITS cube's "plane 3 ([*,*,4])", the FITS section that reads it, or
// "map 3".
func setMapName(s *mapSet, b int) string {
	if len(s.FileOf) != s.Maps.B {
		return fmt.Sprintf("map %d", b)
	}
	f := s.FileOf[b]
	first, last := b, b
	for first > 0 && s.FileOf[first-1] == f {
		first--
	}
	for last+1 < len(s.FileOf) && s.FileOf[last+1] == f {
		last++
	}
	name := filepath.Base(s.Files[f])
	if first == last {
		return name
	}
	if isFITSPath(s.Files[f]) {
		return fmt.Sprintf("%s plane %d ([*,*,%d])", name, b-first, b-first+1)
	}
	return fmt.Sprintf("%s map %d", name, b-first)
}

// dropMaps removes the maps b with drop[b] from the set (its Files are
// kept: they were read).
func dropMaps(s *mapSet, drop []bool) {
	m := s.Maps
	px := m.M * m.N
	out := &stlayer.Maps{M: m.M, N: m.N}
	var fileOf []int
	for b := 0; b < m.B; b++ {
		if drop[b] {
			continue
		}
		out.Data = append(out.Data, m.Data[b*px:(b+1)*px]...)
		out.B++
		if b < len(s.FileOf) {
			fileOf = append(fileOf, s.FileOf[b])
		}
	}
	s.Maps, s.FileOf = out, fileOf
}
