package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// compareHelp is the part of stats' help about --compare.
const compareHelp = `

--compare SET_B (a file, a folder or a comma list) compares the set MAP (A)
with SET_B (B), at least 2 maps each, of one size: the statistic is
computed on both with one operator (the normalised statistics take their
reference over A and B together, so a change of amplitude is not
normalised away), and for each coefficient k
  z_k = (mean_A − mean_B) / sqrt(var_A/n_A + var_B/n_B)
(var: the unbiased variance over the maps of a set; the real and
imaginary parts of a complex coefficient separately; a part constant in
both sets, zero variance, is skipped and counted). It prints χ²/dof =
mean z² over the dof parts compared, the largest |z| with its label, the
number of |z| > 3 and the same per class; -o FILE.json writes them with
every part's z (--compare writes JSON only); --plot FILE.png draws z by
coefficient index coloured by class with ±2 and ±3 bands.
--permutations N adds a calibrated p-value: the share of N random splits
of the n_A + n_B maps into sets of n_A and n_B whose χ²/dof is at least
the observed one (valid whatever the correlations, if the maps of A and
B are exchangeable under the hypothesis of one process; fixed seed;
p ≥ 1/(N+1)). Not with
--cross, --imag, complex data or --local.
The coefficients are strongly correlated (neighbouring scales and
orientations, P00 and S1 of one scale), so χ²/dof is a diagonal summary,
not a calibrated test (--permutations gives one): its spread between two sets of one process is much
larger than that of a χ² with dof degrees of freedom, and with few maps
z is Student-like (mean z² ≈ ν/(ν−2), ν ≈ n_A + n_B − 2, above 1). Read
it with the largest |z| and the classes that stand out.`

// comparePart is one real or imaginary part of a coefficient compared.
type comparePart struct {
	Index int     `json:"index"`
	Class string  `json:"class"`
	Label string  `json:"label"`
	Part  string  `json:"part"` // "re" or "im"
	MeanA float64 `json:"mean_a"`
	MeanB float64 `json:"mean_b"`
	SdA   float64 `json:"sd_a"`
	SdB   float64 `json:"sd_b"`
	Z     float64 `json:"z"`
}

// compareClass is the summary of one class.
type compareClass struct {
	Class  string  `json:"class"`
	Dof    int     `json:"dof"`
	Chi2   float64 `json:"chi2_per_dof"`
	MaxAbs float64 `json:"max_abs_z"`
	Over3  int     `json:"n_abs_z_over_3"`
}

// compareResult is stats --compare's result.
type compareResult struct {
	NA, NB   int
	Dof      int
	Skipped  int // parts constant in each set (constantPart)
	Chi2     float64
	Max      comparePart
	Over3    int
	Parts    []comparePart
	Classes  []compareClass
	Complex  int // coefficients compared with their imaginary part
	Coeffs   int
	Constant int // of Skipped: parts constant with different values in A and B
	// Perms random relabellings (--permutations), PermP the permutation
	// p-value of Chi2 (permutationP); 0 when not asked for
	Perms int
	PermP float64
}

// compareSets computes z per part from the coefficients c of the nA maps
// of A followed by the nB maps of B (global statistics: H = W = 1). A
// coefficient is complex when the largest |imaginary part| of its values
// exceeds 1e-10 × the largest |real part| (smaller ones are round-off of a
// real moment); a part is skipped when its values are constant
// in each set (constantPart: round-off of a constant included); it is
// skipped, and counted in Constant too when the two sets' values differ.
func compareSets(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int) compareResult {
	r := compareResult{NA: nA, NB: nB, Coeffs: c.K}
	a := make([]float64, nA)
	b := make([]float64, nB)
	for k := 0; k < c.K; k++ {
		maxRe, maxIm := 0.0, 0.0
		for m := 0; m < nA+nB; m++ {
			v := c.Row(m)[k]
			maxRe, maxIm = max(maxRe, math.Abs(real(v))), max(maxIm, math.Abs(imag(v)))
		}
		// round-off imaginary parts of real moments (scov C11 with
		// l1 = l2: ~1e-21 beside re ~1e-3) are no part to compare
		isComplex := maxIm > 1e-10*maxRe
		parts := []string{"re"}
		if isComplex {
			parts = append(parts, "im")
			r.Complex++
		}
		for _, part := range parts {
			get := func(m int) float64 {
				if part == "im" {
					return imag(c.Row(m)[k])
				}
				return real(c.Row(m)[k])
			}
			for m := range nA {
				a[m] = get(m)
			}
			for m := range nB {
				b[m] = get(nA + m)
			}
			ma, va := meanVar(a)
			mb, vb := meanVar(b)
			if constantPart(a) && constantPart(b) {
				r.Skipped++
				if !constantPart([]float64{ma, mb}) {
					r.Constant++ // constant in each set, different between them
				}
				continue
			}
			p := comparePart{Index: k, Part: part, MeanA: ma, MeanB: mb, SdA: math.Sqrt(va), SdB: math.Sqrt(vb),
				Z: (ma - mb) / math.Sqrt(va/float64(nA)+vb/float64(nB))}
			p.Label = fmt.Sprint(k)
			if lab != nil && k < lab.Len() {
				p.Class, p.Label = lab.Class[k], labelString(lab, k)
			}
			r.Parts = append(r.Parts, p)
		}
	}
	r.Dof = len(r.Parts)
	byClass := map[string]int{}
	for _, p := range r.Parts {
		z2 := p.Z * p.Z
		r.Chi2 += z2
		if math.Abs(p.Z) > math.Abs(r.Max.Z) || r.Max.Label == "" {
			r.Max = p
		}
		i, ok := byClass[p.Class]
		if !ok {
			i = len(r.Classes)
			byClass[p.Class] = i
			r.Classes = append(r.Classes, compareClass{Class: p.Class})
		}
		cl := &r.Classes[i]
		cl.Dof++
		cl.Chi2 += z2
		cl.MaxAbs = max(cl.MaxAbs, math.Abs(p.Z))
		if math.Abs(p.Z) > 3 {
			r.Over3++
			cl.Over3++
		}
	}
	if r.Dof > 0 {
		r.Chi2 /= float64(r.Dof)
	}
	for i := range r.Classes {
		r.Classes[i].Chi2 /= float64(r.Classes[i].Dof)
	}
	return r
}

// constantPart reports whether the values x are one value up to round-off:
// max − min ≤ 1e-12·max|x| (a standardised map's variance, 1 ± 1e-16, is
// constant: its z would be ~1e15).
func constantPart(x []float64) bool {
	lo, hi := slices.Min(x), slices.Max(x)
	return hi-lo <= 1e-12*max(math.Abs(lo), math.Abs(hi))
}

// permutationP returns the permutation p-value of r.Chi2: the share of
// perms random splits of the nA + nB maps (a uniform shuffle, the first nA
// as A) whose mean z² over r's parts is at least r.Chi2, counted as
// (1 + count)/(1 + perms). Under the hypothesis that the maps of A and B
// are exchangeable (one process), it is calibrated whatever the
// correlations between coefficients; the seed is fixed (seed), so a run
// is reproducible. The statistic's operator (its reference over A and B
// together) does not depend on the split, so the coefficients are reused.
func permutationP(c *stlayer.Coeffs, r compareResult, perms int, seed uint64) float64 {
	n := r.NA + r.NB
	vals := make([][]float64, len(r.Parts))
	for i, p := range r.Parts {
		vals[i] = make([]float64, n)
		for m := range n {
			v := c.Row(m)[p.Index]
			if p.Part == "im" {
				vals[i][m] = imag(v)
			} else {
				vals[i][m] = real(v)
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ca77e5))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	a, b := make([]float64, r.NA), make([]float64, r.NB)
	count := 0
	for range perms {
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		chi2 := 0.0
		for _, v := range vals {
			for m := range r.NA {
				a[m] = v[idx[m]]
			}
			for m := range r.NB {
				b[m] = v[idx[r.NA+m]]
			}
			ma, va := meanVar(a)
			mb, vb := meanVar(b)
			if den := va/float64(r.NA) + vb/float64(r.NB); den > 0 {
				chi2 += (ma - mb) * (ma - mb) / den
			}
		}
		if chi2/float64(len(vals)) >= r.Chi2*(1-1e-12) {
			count++
		}
	}
	return float64(1+count) / float64(1+perms)
}

// meanVar returns the mean and the unbiased variance of x (len ≥ 2).
func meanVar(x []float64) (mean, v float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, y := range x {
		v += (y - mean) * (y - mean)
	}
	return mean, v / float64(len(x)-1)
}

const compareCaveat = "the coefficients are correlated: χ²/dof is a diagonal summary, not a calibrated test (see stkit stats --help, --compare)"

// printCompare prints the summary of r.
func printCompare(g *globals, r compareResult, a, b statsInput, spec stats.Spec) error {
	w := g.stdout
	fmt.Fprintf(w, "compare: A = %s, %s vs B = %s, %s; %s\n", a.describe(), plural(r.NA, "map"), b.describe(), plural(r.NB, "map"), spec)
	fmt.Fprintf(w, "χ²/dof = %.4g (mean z² over %d dof: %d coefficients, %d of them complex with re and im compared; %d parts skipped, constant in each set", r.Chi2, r.Dof, r.Coeffs, r.Complex, r.Skipped)
	if r.Constant > 0 {
		fmt.Fprintf(w, ", %d of them with different values in A and B", r.Constant)
	}
	fmt.Fprintln(w, ")")
	if r.Dof == 0 {
		fmt.Fprintln(w, "no coefficient varies: nothing to compare")
		return nil
	}
	fmt.Fprintf(w, "largest |z| = %.3g (z = %.4g) at %d %s (%s)\n", math.Abs(r.Max.Z), r.Max.Z, r.Max.Index, r.Max.Label, r.Max.Part)
	fmt.Fprintf(w, "|z| > 3: %d of %d (%.2g expected of independent normal z)\n", r.Over3, r.Dof, 0.0027*float64(r.Dof))
	if r.Perms > 0 {
		fmt.Fprintf(w, "permutation test: p = %.3g (χ²/dof of %d random splits of the %d maps into %d and %d at least the observed one; calibrated if the maps of A and B are exchangeable, unlike χ²/dof itself)\n", r.PermP, r.Perms, r.NA+r.NB, r.NA, r.NB)
	}
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tdof\tχ²/dof\tmax |z|\t|z|>3")
	for _, c := range r.Classes {
		fmt.Fprintf(tw, "%s\t%d\t%.4g\t%.3g\t%d\n", c.Class, c.Dof, c.Chi2, c.MaxAbs, c.Over3)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "note: "+compareCaveat)
	return nil
}

// writeCompareJSON writes r with the statistic and the inputs.
func writeCompareJSON(path string, r compareResult, a, b statsInput, spec stats.Spec) error {
	doc := struct {
		Config struct {
			stats.Spec
			// CoeffsNorm: the normalisation of the coefficients compared,
			// as stats' JSON says it (coeffsNorm)
			CoeffsNorm string   `json:"coeffs_norm"`
			RefScope   string   `json:"reference,omitempty"`
			InputsA    []string `json:"inputs_a"`
			InputsB    []string `json:"inputs_b"`
			Shape      [2]int   `json:"map_shape"`
		} `json:"config"`
		NA       int            `json:"n_a"`
		NB       int            `json:"n_b"`
		Chi2     float64        `json:"chi2_per_dof"`
		Dof      int            `json:"dof"`
		Skipped  int            `json:"skipped_constant"`
		Constant int            `json:"skipped_constant_differing,omitempty"`
		Max      comparePart    `json:"max_abs_z"`
		Over3    int            `json:"n_abs_z_over_3"`
		Perms    int            `json:"permutations,omitempty"`
		PermP    float64        `json:"p_permutation,omitempty"`
		Note     string         `json:"note"`
		Formula  string         `json:"z"`
		Classes  []compareClass `json:"classes"`
		Parts    []comparePart  `json:"parts"`
	}{NA: r.NA, NB: r.NB, Chi2: r.Chi2, Dof: r.Dof, Skipped: r.Skipped, Constant: r.Constant, Max: r.Max, Over3: r.Over3, Perms: r.Perms, PermP: r.PermP,
		Note:    compareCaveat,
		Formula: "(mean_a − mean_b)/sqrt(sd_a²/n_a + sd_b²/n_b), sd the unbiased standard deviation over a set's maps; re and im of complex coefficients separately",
		Classes: r.Classes, Parts: r.Parts}
	doc.Config.Spec = spec
	if (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) && (spec.Norm == "none" || spec.Norm == "") {
		doc.Config.Spec.Norm = "p00" // as writeCoeffsJSON: "none" is read as p00 for these families
	}
	doc.Config.CoeffsNorm, _ = coeffsNorm(doc.Config.Spec)
	if doc.Config.CoeffsNorm != "none" {
		doc.Config.RefScope = "the maps of A and B together (one operator for both sets)"
	}
	doc.Config.InputsA, doc.Config.InputsB = a.set.Files, b.set.Files
	doc.Config.Shape = [2]int{a.set.Maps.M, a.set.Maps.N}
	bts, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return checkpoints.WriteFileAtomic(path, append(bts, '\n'), 0o644)
}

// plotCompare draws z of every part by coefficient index, one colour per
// class, with dashed lines at ±2 and ±3.
func plotCompare(path, title string, r compareResult) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "coefficient index"
	p.X.Tick.Marker = plotx.IntTicks{}
	p.Y.Label.Text = "z = (mean_A − mean_B)/σ"
	lo, hi := 0.0, 0.0
	for ci, c := range r.Classes {
		var xy plotter.XYs
		for _, q := range r.Parts {
			if q.Class == c.Class {
				xy = append(xy, plotter.XY{X: float64(q.Index), Y: q.Z})
				lo, hi = min(lo, q.Z), max(hi, q.Z)
			}
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = plotx.Palette(ci)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(2)
		p.Add(s)
		p.Legend.Add(c.Class, s)
	}
	xmax := 1.0
	if n := len(r.Parts); n > 0 {
		xmax = float64(r.Parts[n-1].Index) + 1
	}
	for _, lv := range []float64{-3, -2, 2, 3} {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: lv}, {X: xmax, Y: lv}})
		if err != nil {
			return err
		}
		l.Color = plotx.Palette(7)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		if math.Abs(lv) == 2 {
			l.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		}
		p.Add(l)
	}
	p.Y.Min, p.Y.Max = min(lo, -3.5), max(hi, 3.5)
	p.Legend.Top = true
	return plotx.Save(path, p, 10*vg.Inch, 5*vg.Inch)
}

// checkCompareFlags refuses what --compare does not do, before any map is
// read: outputs other than JSON, --cross, --imag and --local.
func checkCompareFlags(compare, out, format, cross, imag string, spec stats.Spec, perms int) error {
	if err := checkMin("permutations", perms, 0); err != nil {
		return err
	}
	if compare == "" {
		if perms > 0 {
			return badInputf("--permutations %d applies to --compare (it calibrates the comparison of two sets): add --compare SET_B or leave it out", perms)
		}
		return nil
	}
	switch {
	case out != "" && format != "json":
		return badInputf("-o %s: --compare writes its summary and per-coefficient z as JSON: name the output .json", out)
	case cross != "":
		return badInputf("--compare and --cross: the comparison of two sets is for one field's statistics; give one of them")
	case imag != "":
		return badInputf("--compare and --imag: the comparison of two sets takes real maps; give one of them")
	case spec.Local:
		return badInputf("--compare and --local: the comparison is of the global statistics; leave --local out")
	}
	return nil
}

// runStatsCompare is stats --compare: the statistic of the set A (mapIn,
// spec with defaults, already checked against A) and of the set named by
// compare, one operator for both (its reference over A and B together),
// compared coefficient by coefficient (compareSets).
func runStatsCompare(g *globals, spec stats.Spec, jGiven bool, a statsInput, compare, out, plotPath string, chunk, perms int) error {
	if spec.Complex {
		return badInputf("MAP %s holds complex data: --compare takes real maps", a.arg)
	}
	b, err := readStatsInput("--compare", compare)
	if err != nil {
		return err
	}
	if err := outputAmongInputs("-o "+out, out, b); err != nil {
		return err
	}
	if err := outputAmongInputs("--plot "+plotPath, plotPath, b); err != nil {
		return err
	}
	if err := checkNotInput("-o "+out, out, compare); err != nil {
		return err
	}
	if err := checkNotInput("--plot "+plotPath, plotPath, compare); err != nil {
		return err
	}
	am, bm := a.set.Maps, b.set.Maps
	if am.M != bm.M || am.N != bm.N {
		return badInputf("%s holds maps of %d×%d, %s %d×%d: the two sets of --compare need maps of one size", b.describe(), bm.M, bm.N, a.describe(), am.M, am.N)
	}
	for _, in := range []statsInput{a, b} {
		if in.set.Maps.B < 2 {
			return badInputf("%s holds 1 map: --compare needs at least 2 maps in each set (their spread over the maps is the σ of z)", in.describe())
		}
	}
	if err := validateJ(compare, bm, spec.J, jGiven, defaultJRule); err != nil {
		return withCropHint(err, bm, spec.J)
	}
	union := &stlayer.Maps{B: am.B + bm.B, M: am.M, N: am.N, Data: append(slices.Clone(am.Data), bm.Data...)}
	if err := stats.CheckConstant(spec, union); err != nil {
		return badInputf("%s, %s: %v", a.describe(), b.describe(), err)
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	var op stats.Op
	if spec.Kind == stats.WPH && spec.Iso {
		op, err = wphIsoOp(spec, am.M, am.N)
	} else {
		op, err = stats.BuildWithRef(spec, ch.Engine, union)
	}
	if err != nil {
		return badInputf("%v", err)
	}
	coeffs, err := forwardBatch(g, ch.Engine, op, union, chunk)
	if err != nil {
		return err
	}
	if bad := nonFinite(coeffs.Data); bad > 0 {
		return badInputf("%s, %s: %d of the %d coefficients are not finite (max |x| = %g: rescale the maps if their values are huge)", a.describe(), b.describe(), bad, len(coeffs.Data), maxAbs(union.Data))
	}
	if coeffs.H*coeffs.W != 1 {
		return badInputf("--compare: the statistic has per-pixel coefficients; --compare takes global statistics")
	}
	r := compareSets(coeffs, op.Labels(), am.B, bm.B)
	if perms > 0 && r.Dof > 0 {
		r.Perms, r.PermP = perms, permutationP(coeffs, r, perms, 1)
	}
	if err := printCompare(g, r, a, b, spec); err != nil {
		return err
	}
	if plotPath != "" {
		title := fmt.Sprintf("z of A = %s vs B = %s: χ²/dof = %.3g (%d dof, diagonal, coefficients correlated)", plotTitleSource(a), plotTitleSource(b), r.Chi2, r.Dof)
		if err := plotCompare(plotPath, title, r); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		fmt.Fprintf(g.stderr, "stats: wrote the z plot %s\n", plotPath)
	}
	if out != "" {
		if err := writeCompareJSON(out, r, a, b, spec); err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "stats: wrote %s (--compare: χ²/dof and z of %d parts; json)\n", out, r.Dof)
	}
	return nil
}
