package main

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// anisoScaleSet is the anisotropy of one scale j over the maps of a set:
// the mean and σ of A_j, the mean noise floor, the axial mean direction ψ_j
// and its circular σ (degrees), and how many maps are significant.
type anisoScaleSet struct {
	j                     int
	amp, ampSD, floor     float64
	dir, dirSD            float64
	significant, measured int
}

// filled reports whether anisoPanels draws scale e with a filled marker:
// at least half of its maps (the one map) have A_j above the floor.
func (e anisoScaleSet) filled() bool { return e.significant > 0 && 2*e.significant >= e.measured }

// anisoBySet gathers d's entries per scale over its maps, in increasing j:
// stats.AnisotropyOverMaps (the mean and σ of A_j, the mean floor, the
// axial mean direction and its circular σ).
func anisoBySet(d *anisotropyDoc) []anisoScaleSet {
	maps := make([][]stats.AnisotropyScale, len(d.Maps))
	for b, m := range d.Maps {
		for _, s := range m.Scales {
			maps[b] = append(maps[b], stats.AnisotropyScale{J: s.J, Amplitude: s.Amplitude, DirectionDeg: s.DirectionDeg, NoiseFloor: s.NoiseFloor, Significant: s.Significant})
		}
	}
	var out []anisoScaleSet
	for _, e := range stats.AnisotropyOverMaps(maps) {
		out = append(out, anisoScaleSet{j: e.J, amp: e.Amplitude, ampSD: e.AmplitudeSD, floor: e.NoiseFloor,
			dir: e.DirectionDeg, dirSD: e.DirectionSD, significant: e.Significant, measured: e.Measured})
	}
	return out
}

// anisoPanels draws the anisotropy summary d (anisotropyOf; nil: none) as
// two dashboard panels against the scale j:
//
//   - the amplitude A_j (0: isotropic) over a grey band from 0 to the noise
//     floor, the level an isotropic Gaussian field with the map's spectrum
//     exceeds in ~5 % of maps;
//   - the direction ψ_j of the wave vector of maximum response in degrees
//     (0°–180°, from the column axis toward the row axis; the structures
//     run along ψ_j + 90°).
//
// A filled marker is a scale whose A_j is above the floor, an open ring one
// below it (its direction is not determined). For a set (several maps) the
// points are the mean A_j with ±1σ bars over the maps and the axial mean
// direction (the mean of e^{2iψ}) with its circular σ, the band the mean
// floor, and a marker is filled where at least half of the maps are
// significant. Both legends are drawn beside the data areas
// (plotx.LegendOutside), where no key marker can be taken for a point.
func anisoPanels(d *anisotropyDoc) ([]*plot.Plot, error) {
	if d == nil || len(d.Maps) == 0 {
		return nil, nil
	}
	sc := anisoBySet(d)
	if len(sc) == 0 {
		return nil, nil
	}
	nMaps := len(d.Maps)
	amp := plot.New()
	amp.Title.Text = "anisotropy amplitude A_j = |Σ_l S·e^{2iφ_l}| / Σ_l S\n(S: " + d.Class + " per orientation l)"
	amp.X.Label.Text = "scale j"
	amp.Y.Label.Text = "A_j (0: isotropic)"
	dir := plot.New()
	dir.Title.Text = "anisotropy direction ψ_j: the wave vector, from the column axis\ntoward the row axis (structures run along ψ_j + 90°)"
	dir.X.Label.Text = "scale j"
	dir.Y.Label.Text = "ψ_j (degrees)"
	for _, p := range []*plot.Plot{amp, dir} {
		p.X.Tick.Marker = plotx.IntTicks{}
	}
	x, zero, floor := make([]float64, len(sc)), make([]float64, len(sc)), make([]float64, len(sc))
	var sig, weak, dsig, dweak plotter.XYs
	var aBars, dBars errPoints
	top := 0.0
	for i, e := range sc {
		x[i], floor[i] = float64(e.j), e.floor
		top = max(top, e.amp+max(e.ampSD, 0), e.floor)
		pa, pd := plotter.XY{X: x[i], Y: e.amp}, plotter.XY{X: x[i], Y: e.dir}
		if e.filled() {
			sig = append(sig, pa)
		} else {
			weak = append(weak, pa)
		}
		// a scale whose directions have no mean (stats.AxialStatDeg: NaN
		// when the maps' directions cancel, e.g. a map and its 90°
		// rotation) has no point in the ψ panel (a NaN point failed the
		// whole dashboard and the output with it)
		switch {
		case math.IsNaN(e.dir):
		case e.filled():
			dsig = append(dsig, pd)
		default:
			dweak = append(dweak, pd)
		}
		aBars.XYs = append(aBars.XYs, pa)
		aBars.YErrors = append(aBars.YErrors, struct{ Low, High float64 }{min(e.ampSD, e.amp), e.ampSD})
		if !math.IsNaN(e.dir) && !math.IsNaN(e.dirSD) {
			dBars.XYs = append(dBars.XYs, pd)
			dBars.YErrors = append(dBars.YErrors, struct{ Low, High float64 }{e.dirSD, e.dirSD})
		}
	}
	band, err := addBand(amp, x, zero, floor, color.Gray{Y: 110}, false)
	if err != nil {
		return nil, err
	}
	floorName := "noise floor (95 % of isotropic fields)"
	if nMaps > 1 {
		floorName = "mean noise floor (95 % of isotropic fields)"
	}
	if band != nil {
		amp.Legend.Add(floorName, band)
	}
	sigName, weakName := "above the floor", "below the floor (ψ undetermined)"
	if nMaps > 1 {
		sigName = fmt.Sprintf("mean of %d maps ±1σ, ≥ half above the floor", nMaps)
		weakName = fmt.Sprintf("mean of %d maps ±1σ, most below the floor", nMaps)
	}
	col := plotx.Palette(0)
	for _, p := range []struct {
		pl         *plot.Plot
		sig, weak  plotter.XYs
		bars       errPoints
		legendHere bool
	}{{amp, sig, weak, aBars, true}, {dir, dsig, dweak, dBars, true}} {
		if nMaps > 1 && len(p.bars.XYs) > 0 {
			eb, err := plotter.NewYErrorBars(p.bars)
			if err != nil {
				return nil, err
			}
			eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = col, vg.Points(0.75), vg.Points(3)
			p.pl.Add(eb)
		}
		for k, xy := range []plotter.XYs{p.sig, p.weak} {
			if len(xy) == 0 {
				continue
			}
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Color, s.GlyphStyle.Radius = col, vg.Points(3)
			s.GlyphStyle.Shape = draw.CircleGlyph{}
			name := sigName
			if k == 1 {
				s.GlyphStyle.Shape, name = draw.RingGlyph{}, weakName
			}
			p.pl.Add(s)
			p.pl.Legend.Add(name, s)
		}
	}
	// the legends beside the data areas (plotx.LegendOutside): inside, the
	// key's marker read as one more point (at the last scale, ψ = 0°)
	plotx.LegendOutside(amp)
	plotx.LegendOutside(dir)
	padAxes(amp)
	amp.Y.Min, amp.Y.Max = 0, math.Min(1.05, math.Max(top*1.1, 0.05))
	padAxes(dir)
	dir.X.Min, dir.X.Max = amp.X.Min, amp.X.Max // the same scales, with or without a ψ point
	dir.Y.Min, dir.Y.Max = -5, 185
	dir.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 45, Label: "45"}, {Value: 90, Label: "90"}, {Value: 135, Label: "135"}, {Value: 180, Label: "180"}}
	return []*plot.Plot{amp, dir}, nil
}

// dashOpts are what stats --plot knows beyond the coefficients: the
// anisotropy summary (nil: none), with --cross the unit of the second
// map (crossUnit) and a line naming the two maps (crossNote), with --imag
// the unit of the imaginary part (imagUnit), and a title line unitNote
// ("" for none: setUnitsNote, MAP's files mixing BUNITs, whose unit is
// then left out).
type dashOpts struct {
	aniso     *anisotropyDoc
	crossUnit string
	crossNote string
	imagUnit  string
	unitNote  string
}

// dashboardWith is dashboard with o: the family's dashboard (dashboard's
// doc) with the anisotropy panels (anisoPanels) where o.aniso is set.
func dashboardWith(path, title, unit string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps, o dashOpts) error {
	if o.unitNote != "" {
		title += "\n" + o.unitNote
	}
	if (spec.Kind == stats.WST && spec.Local) || c.H*c.W > 1 {
		return localDashboard(path, title, unit, spec, op.Labels(), c, maps.Map(0), maps.M, maps.N)
	}
	if spec.Kind == stats.Spectra {
		// the spectra vector itself, not the scov moments it comes from
		rows := make([][]complex128, c.B)
		for b := range rows {
			rows[b] = c.Row(b)
		}
		return spectraSetDashboard(path, title, unit, op.Labels(), rows)
	}
	if spec.Kind == stats.SCov && spec.Cross {
		return crossScovDashboard(path, title, unit, op, c, o)
	}
	if spec.Kind == stats.WPH && (spec.Complex || spec.Cross) {
		return cplxDashboard(path, title, unit, spec, op, c, o)
	}
	if sop, ref, ok := stats.SCovOp(op); ok {
		// every map's raw moments: c itself for plain scov, else computed
		// (the synthesis and iso vectors are normalised)
		raw := c
		if !stats.IsRaw(op) {
			var err error
			if raw, err = stlayer.ForwardChunked(eng, sop.Key(), sop.Stat(), maps, 0, nil); err != nil {
				return err
			}
		}
		rs, err := sop.Results(raw, ref)
		if err != nil {
			return err
		}
		return scovSetDashboardNorm(path, title, unit, rs, o.aniso, scovNormOf(sop.Config().Normalization == scov.NormP11, ref != nil))
	}
	return statsDashboardAniso(path, title, unit, spec, op, c, o.aniso)
}
