package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// cplxTestPair writes a 32×32 (Q, U) pair as Q.npy and U.npy, and z = Q +
// iU as the complex128 Z.npy, in dir.
func cplxTestPair(t *testing.T, dir string) (q, u *stlayer.Maps, qp, up, zp string) {
	t.Helper()
	const M = 32
	q, u = stlayer.NewMaps(1, M, M), stlayer.NewMaps(1, M, M)
	z := make([]complex128, M*M)
	for i := range q.Data {
		r, c := float64(i/M), float64(i%M)
		q.Data[i] = math.Sin(0.5*r)*math.Cos(0.2*(c+r)) + 0.3
		u.Data[i] = math.Cos(0.3*c)*math.Sin(0.4*(c-r)) - 0.1
		z[i] = complex(q.Data[i], u.Data[i])
	}
	qp, up, zp = filepath.Join(dir, "Q.npy"), filepath.Join(dir, "U.npy"), filepath.Join(dir, "Z.npy")
	for p, m := range map[string]*stlayer.Maps{qp: q, up: u} {
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := datasets.WriteNPY(zp, &datasets.Array{Shape: []int{M, M}, DType: "complex128", Complex128: z}); err != nil {
		t.Fatal(err)
	}
	return q, u, qp, up, zp
}

type cplxJSON struct {
	Config struct {
		Kind        string   `json:"kind"`
		Complex     bool     `json:"complex"`
		Inputs      []string `json:"inputs"`
		Shape       []int    `json:"map_shape"`
		Columns     []string `json:"label_columns"`
		Orientation struct {
			ThetaDeg   []float64 `json:"theta_deg"`
			Convention string    `json:"convention"`
		} `json:"orientation"`
	} `json:"config"`
	Coefficients []struct {
		Index  int     `json:"index"`
		Class  string  `json:"class"`
		Pseudo *int    `json:"pseudo"`
		Re     float64 `json:"re"`
		Im     float64 `json:"im"`
	} `json:"coefficients"`
}

func readCplxJSON(t *testing.T, path string) cplxJSON {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d cplxJSON
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// stats had no way to the complex WPH (PyWPH cplx=True): --imag did not
// exist and a complex128 .npy was refused ('the data are complex128 but
// maps are real'). `stats --kind wph Q.npy --imag U.npy` now gives the
// coefficients of stats.Build/BuildWithRef with Spec.Complex on the stacked
// pair (norm none and auto, to the bit through the JSON), a complex128
// Z.npy = Q + iU gives the same, and the JSON config says complex: true,
// inputs [Q, U], and θ over [0°, 360°) for l = 0…2L−1.
func TestStatsImagEqualsLibrary(t *testing.T) {
	dir := t.TempDir()
	q, u, qp, up, zp := cplxTestPair(t, dir)
	pair, err := stats.StackPair(q, u)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	for _, norm := range []string{"none", "auto"} {
		spec := stats.Spec{Kind: stats.WPH, J: 3, Norm: norm, Complex: true}
		op, err := stats.BuildWithRef(spec, eng, pair)
		if err != nil {
			t.Fatal(err)
		}
		want, err := eng.Forward(op.Key(), op.Stat(), pair)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]string{{qp, "--imag", up}, {zp}} {
			jp := filepath.Join(dir, "x.json")
			args := append(append([]string{"stats", "--kind", "wph"}, in...), "-J", "3", "--norm", norm, "-o", jp)
			code, _, errs := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", in, code, errs)
			}
			d := readCplxJSON(t, jp)
			if len(d.Coefficients) != want.K || want.K != op.Labels().Len() {
				t.Fatalf("%v: %d coefficients, library %d", in, len(d.Coefficients), want.K)
			}
			pseudo := 0
			for k, c := range d.Coefficients {
				if complex(c.Re, c.Im) != want.Data[k] || c.Class != op.Labels().Class[k] {
					t.Fatalf("%v norm %s: coefficient %d (%s) = %v, library %v", in, norm, k, op.Labels().String(k), complex(c.Re, c.Im), want.Data[k])
				}
				if c.Pseudo != nil && *c.Pseudo == 1 {
					pseudo++
				}
			}
			g := d.Config
			wantIn := []string{qp, up}
			if len(in) == 1 {
				wantIn = []string{zp}
			}
			if !g.Complex || g.Kind != "wph" || !slices.Equal(g.Inputs, wantIn) || !slices.Equal(g.Shape, []int{1, 32, 32}) || !slices.Contains(g.Columns, "pseudo") {
				t.Errorf("%v: config complex %v kind %s inputs %q shape %v columns %v", in, g.Complex, g.Kind, g.Inputs, g.Shape, g.Columns)
			}
			// J = 3, L = 4, DN = 0: 3·4 pseudo S11 and 2 pseudo L (j = −1, 0)
			if pseudo != 3*4+2 {
				t.Errorf("%v: %d pseudo rows, want 14", in, pseudo)
			}
			if th := g.Orientation.ThetaDeg; len(th) != 8 || th[7] != 315 || !strings.Contains(g.Orientation.Convention, "not modulo 180°") {
				t.Errorf("%v: orientation theta_deg %v, convention %q", in, th, g.Orientation.Convention)
			}
		}
	}
}

// The printed table of a complex WPH names θ of every orientation index
// (the generic key above it stops at l = L−1) and shows the pseudo rows.
func TestStatsImagTable(t *testing.T) {
	dir := t.TempDir()
	_, _, qp, up, _ := cplxTestPair(t, dir)
	code, out, errs := runCLI(t, "stats", "--kind", "wph", qp, "--imag", up, "-J", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{
		"# complex data (z = Q + iU): l1, l2 = 0…7, theta_deg 0°, 45°, 90°, 135°, 180°, 225°, 270°, 315° over [0°, 360°)",
		"S11(j1=0,l1=7,p1=1,j2=0,l2=7,p2=1,n=0,a=0,pseudo=0)",
		"S11(j1=0,l1=0,p1=1,j2=0,l2=4,p2=1,n=0,a=0,pseudo=1)",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("table lacks %q:\n%s", w, tail(out, 1500))
		}
	}
}

// Refused with exit 2 before anything is written: --imag of another shape,
// --imag with --cross, --iso or --synthesis, complex data with another
// family (stats' default scov too), a complex MAP with --imag, and under
// norm auto Q ≡ U ≡ 0 (z ≡ 0: NaN); a constant Q with a varying U is a
// varying z and is computed (exit 0).
func TestStatsImagRefusals(t *testing.T) {
	dir := t.TempDir()
	_, _, qp, up, zp := cplxTestPair(t, dir)
	other := filepath.Join(dir, "other.npy")
	if err := datasets.WriteMaps(other, stlayer.NewMaps(1, 32, 16)); err != nil {
		t.Fatal(err)
	}
	zero, three := filepath.Join(dir, "zero.npy"), filepath.Join(dir, "three.npy")
	if err := datasets.WriteMaps(zero, stlayer.NewMaps(1, 32, 32)); err != nil {
		t.Fatal(err)
	}
	c := stlayer.NewMaps(1, 32, 32)
	for i := range c.Data {
		c.Data[i] = 3
	}
	if err := datasets.WriteMaps(three, c); err != nil {
		t.Fatal(err)
	}
	out, dash := filepath.Join(dir, "out.json"), filepath.Join(dir, "dash.png")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--kind", "wph", qp, "--imag", other}, []string{"--imag " + other + " has shape [1, 32, 16], MAP has [1, 32, 32]"}},
		{[]string{"--kind", "wph", qp, "--imag", up, "--cross", up}, []string{"--imag and --cross", "give one of them"}},
		{[]string{"--kind", "wph", qp, "--imag", up, "--iso"}, []string{"--imag " + up, "no --iso variant", "leave --iso out"}},
		{[]string{"--kind", "wph", qp, "--imag", up, "--synthesis"}, []string{"no --synthesis variant"}},
		{[]string{qp, "--imag", up}, []string{"--imag " + up, "complex WPH only", "not --kind scov: add --kind wph"}},
		{[]string{"--kind", "wst", zp}, []string{zp + " holds complex numbers", "not --kind wst: add --kind wph"}},
		{[]string{"--kind", "wph", zp, "--imag", up}, []string{zp + " holds complex numbers", "leave --imag out"}},
		{[]string{"--kind", "wph", zp, "--cross", qp}, []string{"--cross", "give one of them"}},
		{[]string{"--kind", "wph", "--norm", "auto", zero, "--imag", zero}, []string{"z = Q + iU of pair 0 is identically zero", "complex wph with norm auto is undefined"}},
	} {
		args := append(append([]string{"stats"}, c.args...), "-J", "3", "-o", out)
		code, _, errs := runCLI(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, tail(errs, 600))
			}
		}
		for _, f := range []string{out, dash} {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%v: wrote %s", c.args, f)
				os.Remove(f)
			}
		}
	}
	for _, q := range []string{three, zero} {
		code, _, errs := runCLI(t, "stats", "--kind", "wph", "--norm", "auto", q, "--imag", up, "-J", "3", "-o", out)
		if code != 0 {
			t.Errorf("constant Q %s, varying U, norm auto: exit %d: %s", q, code, errs)
		}
	}
}

// The complex WPH exists in stats only: synth, separate and patches have no
// --imag (their statistics, and separate's isotropic groups, take real
// maps), so a complex spec cannot reach them from the command line.
func TestImagOnlyInStats(t *testing.T) {
	dir := t.TempDir()
	_, _, qp, up, _ := cplxTestPair(t, dir)
	for _, cmd := range []string{"synth", "separate", "patches"} {
		code, _, errs := runCLI(t, cmd, "--kind", "wph", "--imag", up, qp)
		if code != 2 || !strings.Contains(errs, "-imag") {
			t.Errorf("%s --imag: exit %d: %s", cmd, code, tail(errs, 300))
		}
	}
}
