package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// compare18Run runs stats A --compare B with -o JSON and returns the exit
// code, stdout, stderr and the decoded JSON (nil on failure).
func compare18Run(t *testing.T, args ...string) (int, string, string, map[string]any) {
	t.Helper()
	jp := filepath.Join(t.TempDir(), "c.json")
	code, out, errs := runCLI(t, append(append([]string{"stats"}, args...), "-o", jp)...)
	if code != 0 {
		return code, out, errs, nil
	}
	bts, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(bts, &doc); err != nil {
		t.Fatal(err)
	}
	return code, out, errs, doc
}

// With --kind spectra, the C11 rows with a = 0, h2 = 0, im = 1 are zero for
// every map (stats --help), their values ~1e-19 beside a class of ~0.07:
// constantPart judged their spread against their own size, so "0 parts
// skipped" and 15 parts of round-off (J=5) were compared, their z noise
// (measured on 10 vs 10 64² GRFs: χ²/dof 0.971 over 631 dof, now 0.9645
// over 616 with 15 skipped). Judged against the class's scale, the
// J(J+1)/2·(⌈L/2⌉−1) = 6 rows at J=3, L=4 are skipped and counted.
func TestCompare18SpectraZeroRowsSkipped(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	writeGRFSet(t, a, 3, 11, 1)
	writeGRFSet(t, b, 3, 21, 1)
	code, out, errs, doc := compare18Run(t, a, "--compare", b, "--kind", "spectra", "-J", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	const zeroRows = 3 * 4 / 2 * (2 - 1)
	skipped, dof := int(doc["skipped_constant"].(float64)), int(doc["dof"].(float64))
	parts := doc["parts"].([]any)
	if skipped != zeroRows || len(parts) != dof {
		t.Errorf("skipped %d, want the %d zero rows; dof %d, %d parts", skipped, zeroRows, dof, len(parts))
	}
	for _, p := range parts {
		l := p.(map[string]any)["label"].(string)
		if strings.Contains(l, "a=0,") && strings.Contains(l, "h2=0,label_im=1") {
			t.Errorf("zero row %s compared (z = %v)", l, p.(map[string]any)["z"])
		}
	}
	if want := fmt.Sprintf("%d parts skipped, constant in each set up to round-off", zeroRows); !strings.Contains(out, want) {
		t.Errorf("summary lacks %q:\n%s", want, out)
	}
}

// The class's scale and the engine's round-off (float64 CPU: 1e-12, float32
// graph engine: 1e-6, where the spectra's zero rows come out at 2e-8 of
// their class): a row at 1e-9 of its class is compared on the CPU engine
// and skipped on the graph engine; a small row of its own class (scale its
// own) and a varying row are compared by both.
func TestCompare18RoundoffScale(t *testing.T) {
	const nA, nB, K = 4, 5, 4
	rng := rand.New(rand.NewPCG(7, 8))
	c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
	for m := range nA + nB {
		row := c.Data[m*K : (m+1)*K]
		row[0] = complex(0.1*rng.NormFloat64(), 0)   // class X, scale ~0.2
		row[1] = complex(1e-9*rng.NormFloat64(), 0)  // class X: round-off of X in float32
		row[2] = complex(1e-19*rng.NormFloat64(), 0) // class X: round-off in float64 too
		row[3] = complex(1e-9*rng.NormFloat64(), 0)  // class Y, alone: its own scale
	}
	lab := stlayer.NewLabels("k")
	for k, cl := range []string{"X", "X", "X", "Y"} {
		lab.Add(cl, map[string]int{"k": k})
	}
	for _, c2 := range []struct {
		engine  string
		skipped int
		idx     string
	}{{"cpu", 1, "0 1 3"}, {"graph:go", 2, "0 3"}} {
		r := compareSetsTol(c, lab, nA, nB, compareRoundoff(c2.engine))
		var got []string
		for _, p := range r.Parts {
			got = append(got, fmt.Sprint(p.Index))
		}
		if r.Skipped != c2.skipped || strings.Join(got, " ") != c2.idx || r.Constant != 0 {
			t.Errorf("%s: skipped %d (constant-differing %d), parts %v; want %d skipped, parts %s", c2.engine, r.Skipped, r.Constant, got, c2.skipped, c2.idx)
		}
	}
}

// "|z| > 3: 27 of 4762 (13 expected of independent normal z)" while z is
// Student-like with ν = n_A + n_B − 2: the expected count is now dof ×
// P(|t_ν| > 3), checked against a numerical integral of the t density
// (ν = 18: 0.0077, ~2.8× the normal 0.0027), per class too.
func TestCompare18ExpectedOver3Student(t *testing.T) {
	tailT := func(nu float64) float64 { // 2∫_3^∞ t density, Simpson on [3, 3+400]
		lg1, _ := math.Lgamma((nu + 1) / 2)
		lg2, _ := math.Lgamma(nu / 2)
		f := func(x float64) float64 {
			return math.Exp(lg1-lg2-0.5*math.Log(nu*math.Pi)) * math.Pow(1+x*x/nu, -(nu+1)/2)
		}
		const n = 200000
		h := 400.0 / n
		s := f(3) + f(403)
		for i := 1; i < n; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			s += w * f(3+float64(i)*h)
		}
		return 2 * s * h / 3
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range [][2]int{{10, 10}, {3, 5}} {
		nA, nB := n[0], n[1]
		const K = 40
		c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
		for i := range c.Data {
			c.Data[i] = complex(rng.NormFloat64(), 0)
		}
		r := compareSets(c, nil, nA, nB)
		want := tailT(float64(nA+nB-2)) * K
		if r.Nu != nA+nB-2 || math.Abs(r.ExpOver3-want) > 1e-6*want || len(r.Classes) != 1 || math.Abs(r.Classes[0].ExpOver3-want) > 1e-6*want {
			t.Errorf("n %d+%d: ν %d, expected |z|>3 %.6g (class %v), want ν %d and %.6g", nA, nB, r.Nu, r.ExpOver3, r.Classes, nA+nB-2, want)
		}
		if nA == 10 && math.Abs(want/K-0.0077) > 0.0001 {
			t.Errorf("P(|t_18| > 3) = %.5g, want 0.0077", want/K)
		}
	}
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	writeGRFSet(t, a, 3, 31, 1)
	writeGRFSet(t, b, 4, 41, 1)
	code, out, errs, doc := compare18Run(t, a, "--compare", b, "--kind", "wst", "-J", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	dof := doc["dof"].(float64)
	exp := doc["n_abs_z_over_3_expected"].(float64)
	if doc["nu"].(float64) != 5 || math.Abs(exp-dof*tailT(5)) > 1e-6*exp {
		t.Errorf("JSON nu %v expected %v, want 5 and %.4g", doc["nu"], exp, dof*tailT(5))
	}
	if want := fmt.Sprintf("(%.3g expected of independent z: Student t with ν = n_A + n_B − 2 = 5", exp); !strings.Contains(out, want) {
		t.Errorf("summary lacks %q:\n%s", want, out)
	}
}

// --compare --plot drew the real and imaginary parts of complex
// coefficients at one index in one colour, with one legend entry: a class
// with imaginary parts now has two series, "C (re)" as circles and "C (im)"
// as triangles of another colour; a real class one series named by it.
func TestCompare18PlotComplexSeries(t *testing.T) {
	r := compareResult{Classes: []compareClass{{Class: "P"}, {Class: "C"}}, Parts: []comparePart{
		{Index: 0, Class: "P", Part: "re", Z: 1}, {Index: 1, Class: "P", Part: "re", Z: -1},
		{Index: 2, Class: "C", Part: "re", Z: 0.5}, {Index: 2, Class: "C", Part: "im", Z: 2.5},
		{Index: 3, Class: "C", Part: "re", Z: -0.5},
	}}
	ser := compareSeriesOf(r)
	var names []string
	for _, s := range ser {
		names = append(names, fmt.Sprintf("%s:%d", s.Name, len(s.XY)))
	}
	if strings.Join(names, " ") != "P:2 C (re):2 C (im):1" {
		t.Fatalf("series %v, want P:2 C (re):2 C (im):1", names)
	}
	if ser[2].XY[0].X != 2 || ser[2].XY[0].Y != 2.5 {
		t.Errorf("im series %v, want (2, 2.5)", ser[2].XY)
	}
	if _, ok := ser[2].Glyph.Shape.(draw.TriangleGlyph); !ok {
		t.Errorf("im glyph %T, want a triangle", ser[2].Glyph.Shape)
	}
	if _, ok := ser[1].Glyph.Shape.(draw.CircleGlyph); !ok {
		t.Errorf("re glyph %T, want a circle", ser[1].Glyph.Shape)
	}
	for i := range ser {
		for j := range i {
			if ser[i].Glyph.Color == ser[j].Glyph.Color {
				t.Errorf("series %s and %s share a colour", ser[i].Name, ser[j].Name)
			}
		}
	}
	// on scov, complex, the plot is written
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	writeGRFSet(t, a, 2, 51, 1)
	writeGRFSet(t, b, 2, 61, 1)
	pp := filepath.Join(root, "z.png")
	if code, _, errs := runCLI(t, "stats", a, "--compare", b, "--kind", "scov", "-J", "2", "--plot", pp); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	bts, err := os.ReadFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(bts)); err != nil {
		t.Error(err)
	}
}

// The --compare --plot title left out the permutation p and, with the
// sources of comma lists and long folder names, ran past both edges of the
// plot: its lines are of at most compareTitleMax runes (a name longer than
// that has a line of its own; names are not cut, polfix19), the sets named
// by base names and "N maps", the summary last, with p when --permutations
// gave one.
func TestCompare18TitleShortWithP(t *testing.T) {
	long := "/data/" + strings.Repeat("very_long_directory_name_", 4)
	var files []string
	for i := range 12 {
		files = append(files, fmt.Sprintf("%s/observation_of_the_field_number_%02d.npy", long, i))
	}
	a := statsInput{flag: "MAP", arg: strings.Join(files, ","), set: &mapSet{Files: files, Maps: &stlayer.Maps{B: 12, M: 32, N: 32}}}
	b := statsInput{flag: "--compare", arg: long, set: &mapSet{Folder: long + strings.Repeat("x", 80), Files: files[:5], Maps: &stlayer.Maps{B: 20, M: 32, N: 32}}}
	r := compareResult{Chi2: 1.234, Dof: 616, Perms: 999, PermP: 0.031}
	title := compareTitle(a, b, r)
	lines := strings.Split(title, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-1], "χ²/dof = 1.23 over 616 dof") {
		t.Fatalf("title %q: want the summary as its last line", title)
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > compareTitleMax && strings.Contains(l, " ") {
			t.Errorf("title line of %d runes (> %d): %q", n, compareTitleMax, l)
		}
	}
	for _, w := range []string{"(12 maps)", "(20 maps)", "observation_of_the_field_number_00.npy … observation_of_the_field_number_11.npy (12 maps)", strings.Repeat("x", 80) + "/ (20 maps)", "χ²/dof = 1.23 over 616 dof", "permutation p = 0.031 (999 splits)"} {
		if !strings.Contains(strings.Join(strings.Fields(title), " "), w) {
			t.Errorf("title %q lacks %q", title, w)
		}
	}
	if strings.Contains(title, "/data/") {
		t.Errorf("title %q holds a full path", title)
	}
	r.Perms, r.PermP = 0, 0
	if strings.Contains(compareTitle(a, b, r), "permutation") {
		t.Error("title names a permutation p without --permutations")
	}
}

// stats A --compare A exited 0 with χ² = 0: two sets holding the same maps
// are refused (exit 2), saying "the same files" when they are; a copy of
// the files is refused too; sets sharing 2 of 3 maps run with a warning
// naming them and "shared_maps": 2 in the JSON.
func TestCompare18SameAndSharedSets(t *testing.T) {
	root := t.TempDir()
	a, b, cp := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "copy")
	writeGRFSet(t, a, 3, 71, 1)
	writeGRFSet(t, b, 3, 81, 1)
	writeGRFSet(t, cp, 3, 71, 1)
	code, _, errs, _ := compare18Run(t, a, "--compare", a, "-J", "2")
	if code != 2 || !strings.Contains(errs, "hold the same 3 maps (the same files)") {
		t.Errorf("A vs A: exit %d, want 2 and the same files: %s", code, errs)
	}
	code, _, errs, _ = compare18Run(t, a, "--compare", cp, "-J", "2")
	if code != 2 || !strings.Contains(errs, "hold the same 3 maps: a set compared with itself") {
		t.Errorf("A vs a copy of A: exit %d, want 2: %s", code, errs)
	}
	list := strings.Join([]string{filepath.Join(a, "g00.npy"), filepath.Join(b, "g01.npy"), filepath.Join(a, "g02.npy")}, ",")
	code, _, errs, doc := compare18Run(t, a, "--compare", list, "-J", "2")
	if code != 0 {
		t.Fatalf("shared 2 of 3: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "warning: 2 of the 3 maps of B") || !strings.Contains(errs, "g02.npy of A = g02.npy of B") || doc["shared_maps"] != 2.0 {
		t.Errorf("shared 2 of 3: JSON shared_maps %v; stderr %s", doc["shared_maps"], errs)
	}
	if _, _, errs, doc := compare18Run(t, a, "--compare", b, "-J", "2"); strings.Contains(errs, "warning") || doc["shared_maps"] != nil {
		t.Errorf("disjoint sets: shared_maps %v, stderr %s", doc["shared_maps"], errs)
	}
}

// A folder of maps holding one NaN map (nan64.npy, third file) was
// reported as "datasets: DIR: … NaN in map 2": the error now names the file
// and the map within it, for --compare's set and (validateSetJ) any set.
func TestCompare18NaNMapNamesFile(t *testing.T) {
	root := t.TempDir()
	a, n := filepath.Join(root, "a"), filepath.Join(root, "n")
	writeGRFSet(t, a, 2, 91, 1)
	writeGRFSet(t, n, 2, 95, 1)
	m := stlayer.NewMaps(1, 32, 32)
	m.Data[37] = math.NaN()
	if err := datasets.WriteMaps(filepath.Join(n, "nan64.npy"), m); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(n, "nan64.npy") + ": 1 non-finite pixel (first: NaN in map 0 at row 1, column 5)"
	code, _, errs, _ := compare18Run(t, a, "--compare", n, "-J", "2")
	if code != 2 || !strings.Contains(errs, want) {
		t.Errorf("--compare with a NaN map: exit %d, want 2 and %q: %s", code, want, errs)
	}
	in, err := readStatsInput("MAP", n)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateSetJ(n, in.set, in.set.Maps, 2, true, ""); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("validateSetJ: %v, want %q", err, want)
	}
	// a size problem stays the set's
	if err := validateSetJ(n, in.set, in.set.Maps, 5, true, ""); err == nil || !strings.Contains(err.Error(), n+": J=5 needs") {
		t.Errorf("validateSetJ J=5: %v, want the folder's size error", err)
	}
}
