package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
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
both sets up to round-off of its class's largest value, such as the
spectra's C11 rows that are zero for every map, is skipped and counted;
when every map has zero mean up to round-off, |mean| ≤ 1e-6 × its rms,
the row of the maps' mean, wst S0 or scov and spectra "mean", is not
compared either: it holds round-off, ~1e-17, and its z is noise; not with
--pad crop, whose mean is over the interior); a part identical by
construction in the two sets (every value of A a value of B and back, up
to round-off of the row or 1e-11 of its class's scale: P00 and the mean
of maps and of their phase surrogates, C01 and C11 of rescaled maps under
--compare-ref each) is left out and listed, as it would add a dof with
z ≈ 1e-15.
It prints χ²/dof = mean z² over the dof parts compared, the largest |z|
with its label, the number of |z| > 3 with the number expected of
independent z of Student's t with ν = n_A + n_B − 2 (dof·P(|t_ν| > 3):
0.0077·dof at ν = 18, 0.0027·dof for normal z), and the same per class;
-o FILE.json writes them with every part's z (--compare writes JSON
only); --plot FILE.png draws z by coefficient index coloured by class
(imaginary parts as triangles of their own colour and legend entry) with
±2 and ±3 bands. Two sets that hold the same maps are refused (exit 2),
and so are two sets whose statistics are identical coefficient by
coefficient (maps repeated or in another order, shifted periodically, or
rescaled under --compare-ref each) or differ only in parts constant
within each set (z = ±∞, no part left to compare); sets that share some
maps (same values) get a warning naming them.
--permutations N adds a calibrated p-value from splits of the n_A + n_B
maps into sets of n_A and n_B (valid whatever the correlations, if the
maps of A and B are exchangeable under the hypothesis of one process):
when there are at most N distinct splits, C = C(n_A + n_B, n_A), all are
evaluated and p is exactly the share of them, the observed one included,
whose χ²/dof is at least the observed one (p ≥ 1/C, 2/C when n_A = n_B:
a split and its swap give one χ²/dof); else p = (1 + count)/(1 + N),
count the number of N random splits (drawn with replacement; fixed seed)
whose χ²/dof is at least the observed one (p ≥ 1/(N+1)). With few maps p
cannot be small, and a warning says so when its least value exceeds
0.01: 2 against 3 maps have 10 splits, p ≥ 0.1; 4 against 4, 70, p ≥
0.029. Not with --cross or --local. Complex data z = Q + iU (--kind wph):
A's parts as MAP and --imag, B's as SET_B and --compare-imag (sets paired
map by map); every complex coefficient is compared as two real rows, its
real and imaginary parts (a complex .npy MAP: give Q and U as two files).
A warning names the files when A or B mixes FITS BUNITs or pixel scales
(CDELT or CD matrix), or when A's differ from B's: z then measures that
difference too. One map per set (two regions, say): cut each into
patches and compare the patch sets, e.g.
  stkit patches A.fits --size 64 --stride 64 -o dsA
  stkit patches B.fits --size 64 --stride 64 -o dsB
  stkit stats dsA/patches.npy --compare dsB/patches.npy --permutations 200
(non-overlapping patches, --stride = --size; neighbouring patches are not
independent, which the permutation p, unlike χ²/dof, tolerates as long as
the patches of A and B are exchangeable under one process).
The coefficients are strongly correlated (neighbouring scales and
orientations, P00 and S1 of one scale), so χ²/dof is a diagonal summary,
not a calibrated test (--permutations gives one): its spread between two
sets of one process is much larger than that of a χ² with dof degrees of
freedom, and with few maps z is Student-like (mean z² ≈ ν/(ν−2),
ν ≈ n_A + n_B − 2, above 1). Read it with the largest |z| and the
classes that stand out.`

// comparePart is one real or imaginary part of a coefficient compared
// (infer.ComparePart: the JSON's "parts" and "max_abs_z").
type comparePart = infer.ComparePart

// compareClass is the summary of one class (infer.CompareClass: the JSON's
// "classes").
type compareClass = infer.CompareClass

// compareResult is stats --compare's result: infer.Comparison's numbers
// (CompareSets, Permute; the fields of one name mean the same, see there)
// with what the command adds: the shared maps, the unit warnings, the
// options and warnings of cmpset19, the imaginary parts' inputs.
type compareResult struct {
	NA, NB   int
	Dof      int
	Skipped  int // parts constant in each set
	Chi2     float64
	Max      comparePart
	Over3    int
	Parts    []comparePart
	Classes  []compareClass
	Complex  int // coefficients compared with their imaginary part
	Coeffs   int
	Constant int // of Skipped: parts constant with different values in A and B
	// Perms, PermP, PermExact, PermMinP: the permutation test
	// (infer.Comparison.Permute); 0 when none ran
	Perms     int
	PermP     float64
	PermExact bool
	PermMinP  float64
	// Nu, ExpOver3: z's Student t and the count of |z| > 3 expected of it
	Nu       int
	ExpOver3 float64
	// Shared is the number of maps of B with the same values as a map of
	// A (sharedMaps; warned of)
	Shared int
	// ZeroMean, Identical: the parts left out as the maps' mean of
	// zero-mean maps and as identical in the two sets (infer.Comparison's)
	ZeroMean  []string
	Identical []string
	// UnitWarnings: the warnings about the units of A and B (their files
	// mixing BUNITs or pixel scales, or A's differing from B's)
	UnitWarnings []string
	// cmp19: --paired, the lower permutation tail, the default
	// permutation test, the spreads' ratio, --compare-ref, the warnings
	// that the sets are too alike (cmpset19)
	cmp19 compareExtra19
	// imagA, imagB: the imaginary parts of A and B (--imag,
	// --compare-imag) for complex data, nil for real maps
	imagA, imagB *statsInput
	// lab: the statistic's labels (the JSON's class_doc and label columns)
	lab *stlayer.Labels
}

// compareResultOf is the command's result of the library's comparison c.
func compareResultOf(c infer.Comparison) compareResult {
	return compareResult{NA: c.NA, NB: c.NB, Dof: c.Dof, Skipped: c.Skipped, Chi2: c.Chi2, Max: c.Max, Over3: c.Over3,
		Parts: c.Parts, Classes: c.Classes, Complex: c.Complex, Coeffs: c.Coeffs, Constant: c.Constant,
		Perms: c.Perms, PermP: c.PermP, PermExact: c.PermExact, PermMinP: c.PermMinP, Nu: c.Nu, ExpOver3: c.ExpOver3,
		ZeroMean: c.ZeroMean, Identical: c.Identical,
		cmp19: compareExtra19{Paired: c.Paired, PermPLow: c.PermPLow, SdRatio: c.SdRatio, ClassSd: c.ClassSd, EffDof: c.EffDof, AlikeP: c.AlikeP, AlikeDof: c.AlikeDof, AlikeChi2: c.AlikeChi2, PairRatio: c.PairRatio}}
}

// comparison is r's numbers as the library's comparison.
func (r compareResult) comparison() infer.Comparison {
	return infer.Comparison{NA: r.NA, NB: r.NB, Dof: r.Dof, Skipped: r.Skipped, Chi2: r.Chi2, Max: r.Max, Over3: r.Over3,
		Parts: r.Parts, Classes: r.Classes, Complex: r.Complex, Coeffs: r.Coeffs, Constant: r.Constant,
		Perms: r.Perms, PermP: r.PermP, PermExact: r.PermExact, PermMinP: r.PermMinP, Nu: r.Nu, ExpOver3: r.ExpOver3,
		ZeroMean: r.ZeroMean, Identical: r.Identical,
		Paired: r.cmp19.Paired, PermPLow: r.cmp19.PermPLow, SdRatio: r.cmp19.SdRatio, ClassSd: r.cmp19.ClassSd, EffDof: r.cmp19.EffDof, AlikeP: r.cmp19.AlikeP, AlikeDof: r.cmp19.AlikeDof, AlikeChi2: r.cmp19.AlikeChi2, PairRatio: r.cmp19.PairRatio}
}

// compareCoeffs compares the coefficients c of the nA maps of A and the nB
// of B (infer.CompareSets with the labels as stats prints them,
// labelString), rtol the engine's round-off (infer.CompareRoundoff).
func compareCoeffs(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int, rtol float64, zeroMean, paired bool) (compareResult, error) {
	cmp, err := infer.CompareSets(c, lab, nA, nB, infer.CompareOptions{RTol: rtol, ZeroMean: zeroMean, Paired: paired,
		Label: func(k int) string { return labelString(lab, k) }})
	if err != nil {
		return compareResult{}, badInputf("--compare: %v", err)
	}
	return compareResultOf(cmp), nil
}

// compareFewSplitsP is the smallest attainable permutation p
// (infer.PermutationMinP) above which stats --compare --permutations warns that
// the sets have too few maps for a small p.
const compareFewSplitsP = 0.01

// swapNote explains, for nA = nB, why the smallest p is 2/C.
func swapNote(nA, nB int) string {
	if nA == nB {
		return " (2/C: a split and its swap give one χ²/dof)"
	}
	return ""
}

const compareCaveat = "the coefficients are correlated: χ²/dof is a diagonal summary, not a calibrated test (see stkit stats --help, --compare)"

// printCompare prints the summary of r.
func printCompare(g *globals, r compareResult, a, b statsInput, spec stats.Spec) error {
	w := g.stdout
	da, db := a.describe(), b.describe()
	if r.imagA != nil && r.imagB != nil { // complex data z = Q + iU
		da, db = da+" + i·"+r.imagA.describe(), db+" + i·"+r.imagB.describe()
	}
	fmt.Fprintf(w, "compare: A = %s, %s vs B = %s, %s; %s\n", da, plural(r.NA, "map"), db, plural(r.NB, "map"), spec)
	fmt.Fprintf(w, "χ²/dof = %.4g (mean z² over %d dof: %d coefficients, %d of them complex with re and im compared; %d parts skipped, constant in each set up to round-off of their class", r.Chi2, r.Dof, r.Coeffs, r.Complex, r.Skipped)
	if r.Constant > 0 {
		fmt.Fprintf(w, ", %d of them with different values in A and B", r.Constant)
	}
	fmt.Fprintln(w, ")")
	if len(r.ZeroMean) > 0 {
		fmt.Fprintf(w, "not compared: %s (the maps' mean): every map has zero mean up to round-off (|mean| ≤ %s × its rms), so its values are round-off and its z noise\n", strings.Join(r.ZeroMean, ", "), strings.Replace(fmt.Sprint(infer.CompareZeroMeanTol), "e-0", "e-", 1))
	}
	if n := len(r.Identical); n > 0 {
		fmt.Fprintf(w, "identical by construction, left out: %s (every value of A is a value of B and back up to round-off of the row or its class, as P00 and the mean of maps and their phase surrogates; not in χ²/dof, its dof or the permutation test): %s\n", plural(n, "part"), shortList(r.Identical, 6))
	}
	if r.Dof == 0 {
		fmt.Fprintln(w, "no coefficient varies: nothing to compare")
		return nil
	}
	fmt.Fprintf(w, "largest |z| = %.3g (z = %.4g) at %d %s (%s)\n", math.Abs(r.Max.Z), r.Max.Z, r.Max.Index, r.Max.Label, r.Max.Part)
	fmt.Fprintln(w, zLine19(r, r.cmp19))
	if l := permLine19(r, r.cmp19); l != "" {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, spreadLine19(r, r.cmp19))
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tdof\tχ²/dof\tmax |z|\t|z|>3\texpected\tsd_A/sd_B")
	for _, c := range r.Classes {
		fmt.Fprintf(tw, "%s\t%d\t%.4g\t%.3g\t%d\t%.2g\t%.3g\n", c.Class, c.Dof, c.Chi2, c.MaxAbs, c.Over3, c.ExpOver3, r.cmp19.ClassSd[c.Class])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "note: "+caveat19(r.cmp19))
	return nil
}

// shortList joins names with ", ", the first n of them and "… (N in all)"
// when there are more.
func shortList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", … (%d in all)", len(names))
}

// writeCompareJSON writes r with the statistic, the inputs and prov (the
// member "provenance" of "config"; none when nil) in one write.
func writeCompareJSON(path string, r compareResult, a, b statsInput, spec stats.Spec, prov *provenance) error {
	doc := struct {
		Config struct {
			stats.Spec
			// CoeffsNorm: the normalisation of the coefficients compared,
			// as stats' JSON says it (coeffsNorm)
			CoeffsNorm string   `json:"coeffs_norm"`
			RefScope   string   `json:"reference,omitempty"`
			InputsA    []string `json:"inputs_a"`
			InputsB    []string `json:"inputs_b"`
			// InputsAImag, InputsBImag: the imaginary parts (--imag,
			// --compare-imag) of complex data z = Q + iU
			InputsAImag []string `json:"inputs_a_imag,omitempty"`
			InputsBImag []string `json:"inputs_b_imag,omitempty"`
			Shape       [2]int   `json:"map_shape"`
			// Columns, ColumnDoc, ClassDoc: the label columns of each
			// part and what they and the classes mean, as plain stats'
			// JSON (fixcompare21: --compare had neither)
			Columns   []string          `json:"label_columns"`
			ColumnDoc map[string]string `json:"label_column_doc,omitempty"`
			ClassDoc  map[string]string `json:"class_doc,omitempty"`
			// AppliedA, AppliedB: each set's record of --skip-nan and
			// --crop, as plain stats' maps_read, maps_used and crop
			// (fixbad21: --compare recorded neither)
			AppliedA *nanmaskApplied `json:"applied_a,omitempty"`
			AppliedB *nanmaskApplied `json:"applied_b,omitempty"`
			// BUnitA, BUnitB, PixelScaleA, PixelScaleB: each set's FITS
			// BUNIT and pixel scale, where its files have one and agree
			BUnitA      string               `json:"bunit_a,omitempty"`
			BUnitB      string               `json:"bunit_b,omitempty"`
			PixelScaleA *datasets.PixelScale `json:"pixel_scale_a,omitempty"`
			PixelScaleB *datasets.PixelScale `json:"pixel_scale_b,omitempty"`
			// Provenance: version, command line, inputs' SHA-256
			// (polfix19), written with the rest (pipefix2)
			Provenance *provenance `json:"provenance,omitempty"`
		} `json:"config"`
		UnitWarnings []string           `json:"unit_warnings,omitempty"`
		NA           int                `json:"n_a"`
		NB           int                `json:"n_b"`
		Chi2         float64            `json:"chi2_per_dof"`
		Dof          int                `json:"dof"`
		Skipped      int                `json:"skipped_constant"`
		Constant     int                `json:"skipped_constant_differing,omitempty"`
		Max          comparePartJSON    `json:"max_abs_z"`
		Over3        int                `json:"n_abs_z_over_3"`
		ExpOver3     float64            `json:"n_abs_z_over_3_expected"`
		Nu           int                `json:"nu"`
		Shared       int                `json:"shared_maps,omitempty"`
		ZeroMean     []string           `json:"skipped_zero_mean,omitempty"`
		Ident        []string           `json:"skipped_identical,omitempty"`
		Perms        int                `json:"permutations,omitempty"`
		PermP        float64            `json:"p_permutation,omitempty"`
		Exact        bool               `json:"permutations_exact,omitempty"`
		MinP         float64            `json:"p_permutation_min,omitempty"`
		PermPLow     float64            `json:"p_permutation_low,omitempty"`
		PermsAuto    bool               `json:"permutations_default,omitempty"`
		Paired       bool               `json:"paired,omitempty"`
		SdRatio      float64            `json:"sd_ratio"`
		EffDof       float64            `json:"effective_dof,omitempty"`
		AlikeP       *float64           `json:"p_chi2_low,omitempty"`
		AlikeDof     int                `json:"dof_alike,omitempty"`
		AlikeChi2    *float64           `json:"chi2_per_dof_alike,omitempty"`
		PairRatio    float64            `json:"paired_diff_ratio,omitempty"`
		ClassSd      map[string]float64 `json:"sd_ratio_by_class"`
		Warnings     []string           `json:"warnings,omitempty"`
		Note         string             `json:"note"`
		Formula      string             `json:"z"`
		Classes      []compareClass     `json:"classes"`
		Parts        []comparePartJSON  `json:"parts"`
	}{NA: r.NA, NB: r.NB, Chi2: r.Chi2, Dof: r.Dof, Skipped: r.Skipped, Constant: r.Constant, Over3: r.Over3, ExpOver3: r.ExpOver3, Nu: r.Nu, Shared: r.Shared, ZeroMean: r.ZeroMean, Ident: r.Identical, UnitWarnings: r.UnitWarnings, Perms: r.Perms, PermP: r.PermP, Exact: r.PermExact, MinP: r.PermMinP,
		PermPLow: r.cmp19.PermPLow, PermsAuto: r.cmp19.PermsAuto, Paired: r.cmp19.Paired, SdRatio: r.cmp19.SdRatio, ClassSd: r.cmp19.ClassSd, Warnings: r.cmp19.Warnings,
		EffDof: r.cmp19.EffDof, AlikeP: alikeJSON(r.cmp19), AlikeDof: r.cmp19.AlikeDof, AlikeChi2: alikeChi2JSON(r.cmp19), PairRatio: r.cmp19.PairRatio,
		Note:    caveat19(r.cmp19),
		Formula: "(mean_a − mean_b)/sqrt(sd_a²/n_a + sd_b²/n_b), sd the unbiased standard deviation over a set's maps; re and im of complex coefficients separately",
		Classes: r.Classes}
	keys := compareColumnKeys(r.lab)
	doc.Max, doc.Parts = comparePartWithColumns(r.Max, r.lab, keys), comparePartsJSON(r.Parts, r.lab, keys)
	doc.Config.Columns = keys
	if doc.Config.Columns == nil {
		doc.Config.Columns = []string{}
	}
	if r.cmp19.Paired {
		doc.Formula = pairedFormula19
	}
	doc.Config.Spec = spec
	if (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) && (spec.Norm == "none" || spec.Norm == "") {
		doc.Config.Spec.Norm = "p00" // as writeCoeffsJSON: "none" is read as p00 for these families
	}
	doc.Config.CoeffsNorm, _ = coeffsNorm(doc.Config.Spec)
	if doc.Config.CoeffsNorm != "none" {
		doc.Config.RefScope = refScope19(r.cmp19.Ref)
	}
	doc.Config.InputsA, doc.Config.InputsB = a.set.Files, b.set.Files
	if r.imagA != nil && r.imagB != nil {
		doc.Config.InputsAImag, doc.Config.InputsBImag = r.imagA.set.Files, r.imagB.set.Files
	}
	doc.Config.Shape = [2]int{a.set.Maps.M, a.set.Maps.N}
	doc.Config.AppliedA, doc.Config.AppliedB = a.applied, b.applied
	ua, ub := inputUnits(a), inputUnits(b)
	doc.Config.BUnitA, doc.Config.BUnitB, doc.Config.PixelScaleA, doc.Config.PixelScaleB = ua.BUnit, ub.BUnit, ua.Scale, ub.Scale
	doc.Config.ColumnDoc = labelColumnDoc(spec, r.lab)
	doc.Config.ClassDoc = compareClassDoc(spec, r.lab, ua.BUnit, ub.BUnit)
	doc.Config.Provenance = prov
	bts, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return checkpoints.WriteFileAtomic(path, append(bts, '\n'), 0o644)
}

// compareSeries is one series of plotCompare: the z of one class's real
// or imaginary parts, with its legend name and glyph.
type compareSeries struct {
	Name  string // the class, with " (re)" or " (im)" when the class has complex coefficients
	XY    plotter.XYs
	Glyph draw.GlyphStyle
}

// compareSeriesOf splits r's parts into plotCompare's series: one per
// class, coloured by class (plotx.Palette in class order), or, for a class
// with imaginary parts compared, two: the real parts as filled circles and
// the imaginary parts as triangles of the next palette colour, so the two
// parts of one coefficient (drawn at one index) stay apart.
func compareSeriesOf(r compareResult) []compareSeries {
	var out []compareSeries
	col := 0
	for _, c := range r.Classes {
		var re, im plotter.XYs
		for _, q := range r.Parts {
			if q.Class != c.Class {
				continue
			}
			xy := plotter.XY{X: float64(q.Index), Y: q.Z}
			if q.Part == "im" {
				im = append(im, xy)
			} else {
				re = append(re, xy)
			}
		}
		name := c.Class
		if name == "" {
			name = "z"
		}
		if len(im) == 0 {
			out = append(out, compareSeries{Name: name, XY: re, Glyph: draw.GlyphStyle{Color: plotx.Palette(col), Shape: draw.CircleGlyph{}, Radius: vg.Points(2)}})
			col++
			continue
		}
		if len(re) > 0 {
			out = append(out, compareSeries{Name: name + " (re)", XY: re, Glyph: draw.GlyphStyle{Color: plotx.Palette(col), Shape: draw.CircleGlyph{}, Radius: vg.Points(2)}})
			col++
		}
		out = append(out, compareSeries{Name: name + " (im)", XY: im, Glyph: draw.GlyphStyle{Color: plotx.Palette(col), Shape: draw.TriangleGlyph{}, Radius: vg.Points(2.5)}})
		col++
	}
	return out
}

// plotCompare draws z of every part by coefficient index (compareSeriesOf:
// one colour per class, the imaginary parts of complex coefficients as
// triangles of their own colour and legend entry), with dashed lines at ±3
// and dotted ones at ±2, on a compareFigW × compareFigH PNG. plotx.Save
// puts the legend in the corner where it covers no point, or above the
// points when every corner holds some (plotx.PlaceLegend widens the y range
// upward).
func plotCompare(path, title string, r compareResult) error {
	p, err := compareFigure(title, r)
	if err != nil {
		return err
	}
	return plotx.Save(path, p, compareFigW, compareFigH)
}

// compareFigW and compareFigH are the size of plotCompare's figure.
const compareFigW, compareFigH = 10 * vg.Inch, 5 * vg.Inch

// compareFigure is plotCompare's plot. It sets no legend corner:
// plotx.Save chooses it (plotx.PlaceLegend).
func compareFigure(title string, r compareResult) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "coefficient index"
	p.X.Tick.Marker = plotx.IntTicks{}
	p.Y.Label.Text = "z = (mean_A − mean_B)/σ"
	p.Y.Tick.Marker = plotx.LinearTicks{} // gonum's labelled [−100, 75] as −75.00, 0.00, 75.00
	lo, hi := 0.0, 0.0
	for _, q := range r.Parts {
		lo, hi = min(lo, q.Z), max(hi, q.Z)
	}
	for _, ser := range compareSeriesOf(r) {
		s, err := plotter.NewScatter(ser.XY)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = ser.Glyph
		p.Add(s)
		p.Legend.Add(ser.Name, s)
	}
	xmax := 1.0
	if n := len(r.Parts); n > 0 {
		xmax = float64(r.Parts[n-1].Index) + 1
	}
	for _, lv := range []float64{-3, -2, 2, 3} {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: lv}, {X: xmax, Y: lv}})
		if err != nil {
			return nil, err
		}
		l.Color = plotx.Palette(7)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		if math.Abs(lv) == 2 {
			l.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		}
		p.Add(l)
	}
	p.Y.Min, p.Y.Max = min(lo, -3.5), max(hi, 3.5)
	return p, nil
}

// compareTitleMax is the most runes of one line of plotCompare's title: a
// 10-inch-wide plot holds about 110 characters of its title font, and a
// longer line is cut off at both ends.
const compareTitleMax = 100

// compareTitle is plotCompare's title: the sets, "z of A = SRC vs B =
// SRC" (compareTitleSource; with complex data "Q.fits + i·U.fits"), wrapped
// at spaces into lines of at most compareTitleMax runes (a name is never
// cut: one longer than a line has a line of its own), then the summary
// line, with the permutation p-value when --permutations gave one ("all N
// splits" when exact), "(diagonal summary)" for "(diagonal: coefficients
// correlated)" when the line would be too long.
func compareTitle(a, b statsInput, r compareResult) string {
	srcA, srcB := compareTitleSource(a), compareTitleSource(b)
	if r.imagA != nil && r.imagB != nil {
		srcA = compareTitleFiles(a) + " + i·" + compareTitleSource(*r.imagA)
		srcB = compareTitleFiles(b) + " + i·" + compareTitleSource(*r.imagB)
	}
	l1 := fmt.Sprintf("z of A = %s vs B = %s", srcA, srcB)
	perm := ""
	switch {
	case r.Perms > 0 && r.PermExact:
		perm = fmt.Sprintf("; permutation p = %.3g (all %d splits)", r.PermP, r.Perms)
	case r.Perms > 0:
		perm = fmt.Sprintf("; permutation p = %.3g (%d splits)", r.PermP, r.Perms)
	}
	l2 := fmt.Sprintf("χ²/dof = %.3g over %d dof (diagonal: coefficients correlated)", r.Chi2, r.Dof) + perm
	if utf8.RuneCountInString(l2) > compareTitleMax {
		l2 = fmt.Sprintf("χ²/dof = %.3g over %d dof (diagonal summary)", r.Chi2, r.Dof) + perm
	}
	return strings.Join(append(wrapWords(l1, compareTitleMax), l2), "\n")
}

// wrapWords splits s at spaces into lines of at most n runes; a word
// longer than n is a line of its own, uncut.
func wrapWords(s string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= n:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// compareTitleSource names a set in plotCompare's title
// (compareTitleFiles) with its number of maps: "dirA/ (20 maps)".
func compareTitleSource(in statsInput) string {
	return compareTitleFiles(in) + " (" + plural(in.set.Maps.B, "map") + ")"
}

// compareTitleFiles names the files of a set, uncut: the base name of the
// file (with its FITS section or HDU, "Qsc.fits[*,*,1:3]") or folder
// ("dirA/"), or of the first and last files of a list ("a.npy … z.npy";
// "a.npy, b.npy" for two).
func compareTitleFiles(in statsInput) string {
	s := in.set
	switch {
	case s.Folder != "":
		return filepath.Base(s.Folder) + "/"
	case len(s.Files) == 1:
		return filepath.Base(s.Files[0])
	case len(s.Files) == 2:
		return filepath.Base(s.Files[0]) + ", " + filepath.Base(s.Files[1])
	case len(s.Files) > 2:
		return filepath.Base(s.Files[0]) + " … " + filepath.Base(s.Files[len(s.Files)-1])
	}
	return filepath.Base(in.arg)
}

// shortenMiddle returns s cut to at most n runes (n ≥ 3) by an ellipsis in
// its middle.
func shortenMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// sharedMaps returns, for each map of b that has the same values (bit for
// bit) as a map of a, the pair of indices {map of a, map of b}, in b's
// order.
func sharedMaps(a, b *stlayer.Maps) [][2]int {
	px := a.M * a.N
	hash := func(x []float64) uint64 {
		h := fnv.New64a()
		var buf [8]byte
		for _, v := range x {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			h.Write(buf[:])
		}
		return h.Sum64()
	}
	byHash := map[uint64][]int{}
	for i := range a.B {
		h := hash(a.Data[i*px : (i+1)*px])
		byHash[h] = append(byHash[h], i)
	}
	var out [][2]int
	for j := range b.B {
		y := b.Data[j*px : (j+1)*px]
		for _, i := range byHash[hash(y)] {
			if slices.Equal(a.Data[i*px:(i+1)*px], y) {
				out = append(out, [2]int{i, j})
				break
			}
		}
	}
	return out
}

// checkSharedMaps refuses two sets that hold the same maps (every map of
// each is a map of the other: z would be 0 for every part) and warns, on
// g.stderr, of sets that share some maps (z is pulled toward 0), naming up
// to 3 of them. It returns the shared pairs (sharedMaps).
func checkSharedMaps(g *globals, a, b statsInput) ([][2]int, error) {
	sh := sharedMaps(a.set.Maps, b.set.Maps)
	if len(sh) == 0 {
		return nil, nil
	}
	inA := map[int]bool{}
	for _, p := range sh {
		inA[p[0]] = true
	}
	if len(sh) == b.set.Maps.B && len(inA) == a.set.Maps.B {
		same := ""
		if len(a.set.Files) == len(b.set.Files) {
			same = " (the same files)"
			for i := range a.set.Files {
				if !sameFile(datasets.FilePart(a.set.Files[i]), datasets.FilePart(b.set.Files[i])) {
					same = ""
					break
				}
			}
		}
		return nil, badInputf("%s and %s hold the same %s%s: a set compared with itself has z = 0 for every coefficient; give two different sets", a.describe(), b.describe(), plural(b.set.Maps.B, "map"), same)
	}
	var names []string
	for i, p := range sh {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, fmt.Sprintf("%s of A = %s of B", a.set.mapName(p[0]), b.set.mapName(p[1])))
	}
	fmt.Fprintf(g.stderr, "stats: warning: %d of the %d maps of B (%s) are maps of A too, with the same values (%s): the two sets share maps, which pulls z toward 0 and χ²/dof down; leave them out of one set\n",
		len(sh), b.set.Maps.B, b.describe(), strings.Join(names, ", "))
	return sh, nil
}

// checkCompareFlags refuses what --compare does not do, before any map is
// read: outputs other than JSON, --cross and --local, and --imag without
// --compare-imag (B's imaginary part) or the other way round.
func checkCompareFlags(compare, out, format, cross, imag, compareImag string, spec stats.Spec, perms int) error {
	if err := checkMin("permutations", perms, 0); err != nil {
		return err
	}
	if compare == "" {
		if perms > 0 {
			return badInputf("--permutations %d applies to --compare (it calibrates the comparison of two sets): add --compare SET_B or leave it out", perms)
		}
		if compareImag != "" {
			return badInputf("--compare-imag %s is the imaginary part of --compare's set B: add --compare SET_B (and --imag for MAP's) or leave it out", compareImag)
		}
		return nil
	}
	switch {
	case out != "" && format != "json":
		return badInputf("-o %s: --compare writes its summary and per-coefficient z as JSON: name the output .json", out)
	case cross != "":
		return badInputf("--compare and --cross: the comparison of two sets is for one field's statistics; give one of them")
	case imag != "" && compareImag == "":
		return badInputf("--compare with --imag %s: complex data z = Q + iU need B's imaginary part too: add --compare-imag U_B (B's U maps, paired with --compare's one by one)", imag)
	case imag == "" && compareImag != "":
		return badInputf("--compare-imag %s without --imag: give MAP's imaginary part as --imag U_A (complex data z = Q + iU for both sets), or leave --compare-imag out", compareImag)
	case spec.Local:
		return badInputf("--compare and --local: the comparison is of the global statistics; leave --local out")
	}
	return nil
}

// compareImagInputs reads the imaginary parts of the complex sets A (imag,
// --imag) and B (compareImag, --compare-imag) of stats --compare, each
// paired map by map with its real part (checkPairedSets) and checked for
// spec's J, and warns of their units: files mixing BUNITs or pixel
// scales, and each imaginary part against its real part. It returns the
// two and the warnings.
func compareImagInputs(g *globals, spec stats.Spec, jGiven bool, a, b statsInput, imag, compareImag string) (ia, ib statsInput, warn []string, err error) {
	ia, err = nanmaskRead(g, nil, "--imag", imag)
	if err != nil {
		return ia, ib, nil, err
	}
	ib, err = nanmaskRead(g, nil, "--compare-imag", compareImag)
	if err != nil {
		return ia, ib, nil, err
	}
	const what = "the real and imaginary parts of z = Q + iU"
	for _, p := range []struct {
		re, im statsInput
	}{{a, ia}, {b, ib}} {
		if err := checkPairedSets(p.re, p.im, what); err != nil {
			return ia, ib, nil, err
		}
		if err := validateSetSpec(p.im.arg, p.im.set, p.im.set.Maps, spec, jGiven, defaultJRule); err != nil {
			return ia, ib, nil, err
		}
		if m := warnStatsSetUnits(g, p.im, true); m != "" {
			warn = append(warn, m)
		}
		if m := warnStatsPairUnits(g, p.re, p.im, true, what+" should be in one unit on one pixel grid; the coefficients mix them as given"); m != "" {
			warn = append(warn, m)
		}
	}
	return ia, ib, warn, nil
}

// runStatsCompare is stats --compare: the statistic of the set A (mapIn,
// spec with defaults, already checked against A) and of the set named by
// compare, one operator for both (its reference over A and B together),
// compared coefficient by coefficient (compareCoeffs). With imag (--imag,
// spec.Complex) A is complex data MAP + i·imag and B compare +
// i·compareImag (compareImagInputs).
func runStatsCompare(g *globals, spec stats.Spec, jGiven bool, a statsInput, compare, imag, compareImag, out, plotPath string, chunk, perms int, cx *compareOpts19) error {
	if spec.Complex && imag == "" {
		return badInputf("MAP %s holds complex data: --compare takes complex data z = Q + iU as two real parts, MAP and --imag for A, --compare and --compare-imag for B; write Q and U of each set as files of their own", a.arg)
	}
	b, err := nanmaskRead(g, nil, "--compare", compare)
	if err != nil {
		return err
	}
	// units (units19): each set's files, then A against B
	var unitWarn []string
	for _, in := range []statsInput{a, b} {
		if m := warnStatsSetUnits(g, in, true); m != "" {
			unitWarn = append(unitWarn, m)
		}
	}
	if m := warnStatsPairUnits(g, a, b, true, "the sets are compared as given, so z and χ²/dof measure that difference too"); m != "" {
		unitWarn = append(unitWarn, m)
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
			return badInputf("%s holds 1 map: --compare needs at least 2 maps in each set (their spread over the maps is the σ of z); to compare two single maps (two regions), cut each into patches and compare the patch sets: stkit patches A.fits --size 64 --stride 64 -o dsA, the same for B into dsB, then stkit stats dsA/patches.npy --compare dsB/patches.npy --permutations 200", in.describe())
		}
	}
	if err := validateSetSpec(compare, b.set, bm, spec, jGiven, defaultJRule); err != nil {
		return err
	}
	if cx.Paired {
		if err := checkPaired19(a, b); err != nil {
			return err
		}
	}
	var imagA, imagB *statsInput
	sa, sb := a, b // the sets as the statistic sees them (complex: Q and U stacked)
	if spec.Complex {
		ia, ib, w, err := compareImagInputs(g, spec, jGiven, a, b, imag, compareImag)
		if err != nil {
			return err
		}
		imagA, imagB = &ia, &ib
		unitWarn = append(unitWarn, w...)
		for _, p := range []struct {
			in  *statsInput
			imp statsInput
		}{{&sa, ia}, {&sb, ib}} {
			st, err := wph.StackPair(p.in.set.Maps, p.imp.set.Maps)
			if err != nil {
				return badInputf("%v", err)
			}
			cp := *p.in.set
			cp.Maps = st
			p.in.set = &cp
		}
	}
	shared, err := checkSharedMaps(g, sa, sb)
	if err != nil {
		return err
	}
	am, bm = sa.set.Maps, sb.set.Maps
	union := &stlayer.Maps{B: am.B + bm.B, M: am.M, N: am.N, Data: append(slices.Clone(am.Data), bm.Data...)}
	if err := checkConstantSets(spec, a, am, b, bm); err != nil { // badfix20: map K of its own set
		return err
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	var op stats.Op
	if spec.Kind == stats.WPH && spec.Iso {
		op, err = wphIsoOp(spec, a.set.Maps.M, a.set.Maps.N)
	} else {
		op, err = stats.BuildWithRef(spec, ch.Engine, union)
	}
	// misc2 (s22): wph norm auto on two sets whose maps are all constant:
	// neither reference (--compare-ref pooled or each) varies
	if e := refConstantError(err, a.describe(), fmt.Sprintf("every map of %s and %s is constant, so neither their pooled reference (--compare-ref pooled) nor each map's own (--compare-ref each) varies", a.describe(), b.describe())); e != nil {
		return e
	}
	if err != nil {
		return badInputf("%v", err)
	}
	var coeffs *stlayer.Coeffs
	if cx.Ref == "each" { // cmpset19: every map its own reference
		coeffs, err = compareEachSets(ch.Engine, spec, a, am, b, bm) // misc2: a refused map named in its own set
	} else {
		coeffs, err = forwardBatch(g, ch.Engine, op, union, chunk)
	}
	if err != nil {
		return err
	}
	if bad := nonFinite(coeffs.Data); bad > 0 {
		return badInputf("%s, %s: %d of the %d coefficients are not finite (max |x| = %g: rescale the maps if their values are huge)", a.describe(), b.describe(), bad, len(coeffs.Data), maxAbs(union.Data))
	}
	if coeffs.H*coeffs.W != 1 {
		return badInputf("--compare: the statistic has per-pixel coefficients; --compare takes global statistics")
	}
	// the mean rows are the whole map's mean except under --pad crop (a
	// mean over the interior, not zero for a zero-mean map)
	// (cmpset19: --paired, z from the differences of paired maps)
	zeroMean := spec.Pad != "crop" && infer.ZeroMeanMaps(union)
	r, err := compareCoeffs(coeffs, op.Labels(), am.B, bm.B, infer.CompareRoundoff(ch.Engine.Name()), zeroMean, cx.Paired)
	if err != nil {
		return err
	}
	if err := checkNotIdentical20(r, a, b, cx.Ref); err != nil {
		return err
	}
	r.cmp19.Ref = cx.Ref
	r.Shared = len(shared)
	r.UnitWarnings, r.imagA, r.imagB = unitWarn, imagA, imagB
	r.lab = op.Labels()
	if err := comparePerms19(coeffs, &r, &r.cmp19, perms, cx, func(m string) { fmt.Fprintln(g.stderr, "stats: warning: "+m) }); err != nil {
		return err
	}
	r.cmp19.Warnings = tooAlikeWarnings19(r, r.cmp19)
	for _, m := range r.cmp19.Warnings {
		fmt.Fprintln(g.stderr, "stats: warning: "+m)
	}
	if err := printCompare(g, r, a, b, spec); err != nil {
		return err
	}
	// provenance (polfix19): config.provenance of the JSON, iTXt of the
	// PNG; built before the writes and put into each in its one write
	// (pipefix2, as stats: pipefix19)
	var prov *provenance
	if out != "" || plotPath != "" {
		var ins []string
		for _, in := range []*statsInput{&a, &b, imagA, imagB} {
			if in != nil {
				ins = append(ins, in.set.Files...)
			}
		}
		prov = newProvenance(ins...)
	}
	if plotPath != "" {
		render, done, err := statsPlotOnce(plotPath)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		if err := plotCompare(render, compareTitle(a, b, r), r); err != nil {
			_ = done(nil)
			return fmt.Errorf("plot: %w", err)
		}
		if err := done(prov); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		fmt.Fprintf(g.stderr, "stats: wrote the z plot %s\n", plotPath)
	}
	if out != "" {
		if err := writeCompareJSON(out, r, a, b, spec, prov); err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "stats: wrote %s (--compare: χ²/dof and z of %d parts; json)\n", out, r.Dof)
	}
	return nil
}
