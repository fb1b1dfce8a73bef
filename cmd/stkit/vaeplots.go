package main

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/vae"
)

// plotLoss draws the training curves of a run against the epoch (lossPlots), on a 15 × 8 inch
// figure: the total loss, the three loss terms (training batches and validation split; the
// categorical panel also has the balance term and log K), the training cluster occupancy, and
// the Gumbel temperature τ with 100 × the learning rate.
func plotLoss(path string, cfg vae.Config, h []epochRow) error {
	if len(h) == 0 {
		return nil
	}
	return plotx.SaveGrid(path, lossPlots(cfg, h), lossW, lossH)
}

// lossW, lossH are the size of loss.png.
const lossW, lossH = 15 * vg.Inch, 8 * vg.Inch

// lossPlots builds plotLoss's 2 × 3 panels from the history h (at least one epoch). Their y axes
// are linear, with plotx.LinearTicks (round steps, labels without trailing zeros: "12.5", not
// gonum's "12.50").
func lossPlots(cfg vae.Config, h []epochRow) [][]*plot.Plot {
	ep := make([]float64, len(h))
	for i, r := range h {
		ep[i] = float64(r.Epoch)
	}
	series := func(f func(epochRow) float64) []float64 {
		v := make([]float64, len(h))
		for i, r := range h {
			v[i] = f(r)
		}
		return v
	}
	valSeries := func(f func(epochRow) *float64) []float64 {
		return series(func(r epochRow) float64 {
			if p := f(r); p != nil {
				return *p
			}
			return math.NaN()
		})
	}
	trainName := "train"
	// panel draws train (and val, when not nil) against the epoch. With fit, the y axis is scaled
	// to the epochs after the first 10 % (the first ones can be orders of magnitude above the
	// rest), and the title says so when earlier values lie outside it.
	panel := func(title, ylabel string, fit bool, train, val []float64, extra func(p *plot.Plot)) *plot.Plot {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "epoch"
		p.Y.Label.Text = ylabel
		p.X.Tick.Marker = plotx.IntTicks{}
		l, err := plotter.NewLine(plotx.XY(ep, train, false))
		if err == nil {
			l.Color = plotx.Palette(0)
			l.Width = vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(trainName, l)
		}
		if val != nil {
			if xy := plotx.XY(ep, val, false); len(xy) > 0 {
				if lv, err := plotter.NewLine(xy); err == nil {
					lv.Color = plotx.Palette(1)
					lv.Width = vg.Points(1.5)
					lv.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
					p.Add(lv)
					p.Legend.Add("validation", lv)
				}
			}
		}
		if extra != nil {
			extra(p)
		}
		if fit {
			if f := fitLossAxis(ep, train, val); f.ok {
				p.Y.Min, p.Y.Max = f.lo, f.hi
				if f.note != "" {
					p.Title.Text += "\n" + f.note
				}
			}
		}
		p.Legend.Top = true
		p.Add(plotter.NewGrid())
		return p
	}
	title := fmt.Sprintf("loss = %g·rec + %g·gauss + %g·cat", cfg.WRec, cfg.WGauss, cfg.WCat)
	if cfg.WBalance > 0 {
		title += fmt.Sprintf(" + %g·balance", cfg.WBalance)
	}
	total := panel(title, "loss per patch (epoch mean)", true,
		series(func(r epochRow) float64 { return r.Loss }), valSeries(func(r epochRow) *float64 { return r.ValLoss }), nil)
	rec := panel("reconstruction error Σ(x − x_rec)²", "Σ(x − x_rec)² per patch", true, series(func(r epochRow) float64 { return r.Rec }), valSeries(func(r epochRow) *float64 { return r.ValRec }), nil)
	gauss := panel("Gaussian KL (MC)", "KL per patch (nats)", true, series(func(r epochRow) float64 { return r.Gauss }), valSeries(func(r epochRow) *float64 { return r.ValGauss }), nil)
	cat := panel("KL(q(y|x) ‖ uniform) per row; balance: KL(mean q ‖ uniform)", "KL (nats)", false, series(func(r epochRow) float64 { return r.Cat }), valSeries(func(r epochRow) *float64 { return r.ValCat }),
		func(p *plot.Plot) {
			if l, err := plotter.NewLine(plotx.XY(ep, series(func(r epochRow) float64 { return r.Balance }), false)); err == nil {
				l.Color = plotx.Palette(2)
				l.Width = vg.Points(1.5)
				p.Add(l)
				p.Legend.Add("balance (train)", l)
			}
			lk := math.Log(float64(cfg.K))
			if l, err := plotter.NewLine(plotter.XYs{{X: ep[0], Y: lk}, {X: ep[len(ep)-1], Y: lk}}); err == nil {
				l.Color = plotx.Palette(7)
				l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
				p.Add(l)
				p.Legend.Add("log K", l)
			}
		})
	cat.Y.Min, cat.Y.Max = 0, 1.05*math.Log(float64(cfg.K))
	occ := plot.New()
	occ.Title.Text = "cluster occupancy (training)"
	occ.X.Label.Text = "epoch"
	occ.X.Tick.Marker = plotx.IntTicks{}
	occ.Y.Label.Text = "fraction of the patches"
	occ.Y.Min, occ.Y.Max = 0, 1
	for k := 0; k < cfg.K; k++ {
		kk := k
		if l, err := plotter.NewLine(plotx.XY(ep, series(func(r epochRow) float64 { return at(r.Occupancy, kk) }), false)); err == nil {
			l.Color = plotx.Palette(k)
			l.Width = vg.Points(1.5)
			occ.Add(l)
			occ.Legend.Add(fmt.Sprintf("cluster %d", k), l)
		}
	}
	occ.Legend.Top = true
	occ.Add(plotter.NewGrid())
	trainName = "τ"
	tau := panel("Gumbel τ and learning rate ×100", "τ, 100·lr", false, series(func(r epochRow) float64 { return r.Tau }), nil, func(p *plot.Plot) {
		if l, err := plotter.NewLine(plotx.XY(ep, series(func(r epochRow) float64 { return 100 * r.LR }), false)); err == nil {
			l.Color = plotx.Palette(2)
			p.Add(l)
			p.Legend.Add("100·lr", l)
		}
	})
	grid := [][]*plot.Plot{{total, rec, gauss}, {cat, occ, tau}}
	for _, row := range grid {
		for _, p := range row {
			p.Y.Tick.Marker = plotx.LinearTicks{}
		}
	}
	return grid
}

// lossAxis is the y range fitLossAxis chose for a loss panel.
type lossAxis struct {
	ok     bool    // false: leave the axis to gonum (too few epochs, no finite later values)
	lo, hi float64 // the range, padded by 10 % on each side
	first  int     // index of the first epoch the range is fitted to
	note   string  // for the title when an earlier value lies outside [lo, hi], else ""
}

// fitLossAxis fits the y axis of a loss panel to the epochs after the first 10 % (at least the
// first epoch left out, and only with 6 epochs or more and a validation series), whose early values
// can be orders of magnitude above the rest. ep holds the epoch numbers (they start above 1 in a
// resumed run), train and val (NaN where not evaluated) the values.
func fitLossAxis(ep, train, val []float64) lossAxis {
	n := len(train)
	if val == nil || n < 6 || len(ep) != n {
		return lossAxis{}
	}
	first := max(1, (n+9)/10)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range [][]float64{train, val} {
		for i := first; i < len(s); i++ {
			if !math.IsNaN(s[i]) && !math.IsInf(s[i], 0) {
				lo, hi = math.Min(lo, s[i]), math.Max(hi, s[i])
			}
		}
	}
	if !(hi > lo) {
		return lossAxis{}
	}
	pad := 0.1 * (hi - lo)
	a := lossAxis{ok: true, lo: lo - pad, hi: hi + pad, first: first}
	for _, s := range [][]float64{train, val} {
		for i := 0; i < first && i < len(s); i++ {
			if !math.IsNaN(s[i]) && (s[i] < a.lo || s[i] > a.hi) {
				a.note = fmt.Sprintf("(y axis fitted to epochs %d–%d; earlier values off scale)", int(ep[first]), int(ep[n-1]))
			}
		}
	}
	return a
}

// mosaicPicks chooses the tiles of one cluster's mosaic row among its members (patch indices):
// the members ranked by the Euclidean distance of their latent mean (mu, n × z, row i = patch i)
// to the cluster's centroid (the mean of its members' latent means), most typical first, and top
// of them at evenly spaced ranks round(j·(m−1)/(top−1)), j = 0 … top−1, of the m members (all of
// them when m ≤ top; the most typical when top = 1). The row thus samples the whole cluster: a
// minority of patches of another source shows in about its proportion. The most confident
// patches (q(y|x) ranked) showed none of the 196 Quijote patches of a cluster that held them with
// 47 dust patches, all 8 tiles being dust (their q(y|x) was the highest).
func mosaicPicks(members []int, mu []float32, z, top int) []int {
	m := len(members)
	if m == 0 || top < 1 {
		return nil
	}
	cen := make([]float64, z)
	for _, i := range members {
		for d := 0; d < z; d++ {
			cen[d] += float64(mu[i*z+d]) / float64(m)
		}
	}
	dist := make(map[int]float64, m)
	for _, i := range members {
		s := 0.0
		for d := 0; d < z; d++ {
			e := float64(mu[i*z+d]) - cen[d]
			s += e * e
		}
		dist[i] = s
	}
	r := append([]int(nil), members...)
	sort.SliceStable(r, func(a, b int) bool { return dist[r[a]] < dist[r[b]] })
	if m <= top {
		return r
	}
	if top == 1 {
		return r[:1]
	}
	out := make([]int, top)
	for j := range out {
		out[j] = r[int(math.Round(float64(j)*float64(m-1)/float64(top-1)))]
	}
	return out
}

// mosaicTileTitle is the title of patch i's tile: "#i p=q(y|x)", and its source label on a second
// line when label is not "".
func mosaicTileTitle(i int, conf float32, label string) string {
	t := fmt.Sprintf("#%d p=%.3f", i, conf)
	if label != "" {
		t += "\n" + label
	}
	return t
}

// mosaicTitle is the mosaic's figure title. The patches are drawn as the
// other maps (plotx.MapPanel: row 0 at the bottom, since 95985d2) but
// without a colour bar, so without MapNote's "row 0 at bottom" under
// each: the title says it once.
const mosaicTitle = "patches of each cluster, from the most typical to the least (evenly spaced ranks of the latent distance to the cluster's mean; #patch index, p = q(y|x), source label; each patch on its own 1–99 % colour scale, row 0 at bottom)"

// plotMosaic draws, for each cluster (one row), the patches of idx[k] (mosaicPicks) with their
// confidence and, when label is not nil, their source label (label(i)); each patch has its own
// robust colour range.
func plotMosaic(path string, patch func(i int) []float64, size int, idx [][]int, conf []float32, counts []int, label func(i int) string) error {
	cols := 1
	for _, l := range idx {
		cols = max(cols, len(l))
	}
	grid := make([][]*plot.Plot, len(idx))
	n := 0
	for _, c := range counts {
		n += c
	}
	for k, l := range idx {
		grid[k] = make([]*plot.Plot, cols)
		if len(l) == 0 {
			p := plot.New()
			p.Title.Text = fmt.Sprintf("cluster %d: empty", k)
			p.HideAxes()
			grid[k][0] = p
		}
		for j, i := range l {
			px := patch(i)
			lo, hi := plotx.Range(px, 0.01)
			lab := ""
			if label != nil {
				lab = label(i)
			}
			title := mosaicTileTitle(i, conf[i], lab)
			if j == 0 {
				title = fmt.Sprintf("cluster %d (%.1f%%)\n", k, 100*float64(counts[k])/float64(max(n, 1))) + title
			}
			grid[k][j] = plotx.MapPanel(title, px, size, size, lo, hi, plotx.MapOptions{NoBar: true})
			grid[k][j].Title.TextStyle.Font.Size = vg.Points(8)
		}
	}
	return plotx.SaveGridTitled(path, mosaicTitle,
		grid, max(vg.Length(cols)*1.4*vg.Inch, 8*vg.Inch), vg.Length(len(idx))*1.8*vg.Inch+0.4*vg.Inch)
}

// pca2 projects the rows of x (n × d) on their first two principal axes (centred, SVD); it returns
// the coordinates and the fraction of variance of each axis.
func pca2(x []float32, n, d int) (pc [][2]float64, frac [2]float64) {
	pc = make([][2]float64, n)
	if n < 2 || d < 1 {
		return pc, frac
	}
	a := mat.NewDense(n, d, nil)
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += float64(x[i*d+j]) / float64(n)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, float64(x[i*d+j])-mean[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return pc, frac
	}
	var v mat.Dense
	svd.VTo(&v)
	sv := svd.Values(nil)
	tot := 0.0
	for _, s := range sv {
		tot += s * s
	}
	for c := 0; c < 2 && c < len(sv); c++ {
		if tot > 0 {
			frac[c] = sv[c] * sv[c] / tot
		}
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < d; j++ {
				s += a.At(i, j) * v.At(j, c)
			}
			pc[i][c] = s
		}
	}
	return pc, frac
}

// plotPCA draws the 2D PCA projection of the latent means, coloured by cluster; when labels are
// given (several sources), the marker shape shows the source label (pcaPlot), on a pcaW × pcaH
// figure.
func plotPCA(path string, pc [][2]float64, frac [2]float64, clusters []int, K int, labels []int, labelNames []string) error {
	p, err := pcaPlot(pc, frac, clusters, K, labels, labelNames)
	if err != nil {
		return err
	}
	return plotx.Save(path, p, pcaW, pcaH)
}

// pcaW, pcaH are the size of the latent PCA figure.
const pcaW, pcaH = 9 * vg.Inch, 7 * vg.Inch

// pcaPlot builds plotPCA's plot. Both axes have one scale (a unit of PC1 is as long as a unit of
// PC2 on a pcaW × pcaH figure, equalScales), so that the spread along each component is seen as
// it is: the axes of a plot filled by the data independently made PC2 (11 % of the variance)
// look as wide as PC1 (83 %) whenever the figure's aspect allowed it.
func pcaPlot(pc [][2]float64, frac [2]float64, clusters []int, K int, labels []int, labelNames []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "latent means μ_q(x): PCA, colour = cluster"
	if len(labelNames) > 1 {
		p.Title.Text += ", marker = source"
	}
	p.Title.Text += "; PC1 and PC2 on one scale"
	p.X.Label.Text = fmt.Sprintf("PC1 (%.0f%% of variance)", 100*frac[0])
	p.Y.Label.Text = fmt.Sprintf("PC2 (%.0f%% of variance)", 100*frac[1])
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}
	nl := max(1, len(labelNames))
	// Groups are drawn largest first, so that a small group is not hidden
	// under a large one; the legend keeps the cluster order.
	var groups []*plotter.Scatter
	for k := 0; k < K; k++ {
		for l := 0; l < nl; l++ {
			var xy plotter.XYs
			for i, c := range clusters {
				if c == k && (labels == nil || labels[i] == l) {
					xy = append(xy, plotter.XY{X: pc[i][0], Y: pc[i][1]})
				}
			}
			if len(xy) == 0 {
				continue
			}
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Color = plotx.Palette(k)
			s.GlyphStyle.Radius = vg.Points(2)
			s.GlyphStyle.Shape = shapes[l%len(shapes)]
			groups = append(groups, s)
			name := fmt.Sprintf("cluster %d", k)
			if len(labelNames) > 1 {
				name += " · " + labelNames[l]
			}
			p.Legend.Add(name, s)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Len() > groups[j].Len() })
	for _, s := range groups {
		p.Add(s)
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	padAxes(p)
	equalScales(p, pcaW, pcaH)
	return p, nil
}

// equalScales widens the x or the y range of p about its centre so that a data unit is as long
// on both axes when p is drawn alone on a w×h figure (plotx.DataArea; three rounds, as the new range can
// change the tick labels' widths). A range that is empty or not finite is left as it is.
func equalScales(p *plot.Plot, w, h vg.Length) {
	for it := 0; it < 3; it++ {
		a := plotx.DataArea(p, w, h)
		dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
		if !(dx > 0) || !(dy > 0) || math.IsInf(dx, 0) || math.IsInf(dy, 0) || a.X <= 0 || a.Y <= 0 {
			return
		}
		sx, sy := float64(a.X)/dx, float64(a.Y)/dy // points per unit
		if sx < sy {
			c, half := (p.Y.Min+p.Y.Max)/2, float64(a.Y)/sx/2
			p.Y.Min, p.Y.Max = c-half, c+half
		} else if sy < sx {
			c, half := (p.X.Min+p.X.Max)/2, float64(a.X)/sy/2
			p.X.Min, p.X.Max = c-half, c+half
		}
	}
}
