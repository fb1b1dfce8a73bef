package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// cmpsetCLIDoc is the part of --compare's JSON these tests read.
type cmpsetCLIDoc struct {
	Config struct {
		Reference string `json:"reference"`
	} `json:"config"`
	Chi2      float64            `json:"chi2_per_dof"`
	Nu        int                `json:"nu"`
	Perms     int                `json:"permutations"`
	PermP     float64            `json:"p_permutation"`
	PermPLow  float64            `json:"p_permutation_low"`
	PermsAuto bool               `json:"permutations_default"`
	Paired    bool               `json:"paired"`
	SdRatio   float64            `json:"sd_ratio"`
	ClassSd   map[string]float64 `json:"sd_ratio_by_class"`
	Warnings  []string           `json:"warnings"`
	EffDof    float64            `json:"effective_dof"`
	AlikeP    *float64           `json:"p_chi2_low"`
	Dof       int                `json:"dof"`
	AlikeDof  int                `json:"dof_alike"`
	AlikeChi2 *float64           `json:"chi2_per_dof_alike"`
	PairRatio float64            `json:"paired_diff_ratio"`
	Z         string             `json:"z"`
	Classes   []compareClass     `json:"classes"`
}

// cmpsetMaps writes n 32×32 log-normal maps (seeds from seed) scaled by
// scale, the deviation from their mean map scaled by spread, to dir/name.
func cmpsetMaps(t *testing.T, dir, name string, n int, seed uint64, scale, spread float64) string {
	t.Helper()
	m := stlayer.NewMaps(n, 32, 32)
	for i := range n {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, seed+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	mean := make([]float64, 32*32)
	for i := range n {
		for p, v := range m.Map(i) {
			mean[p] += v / float64(n)
		}
	}
	for i := range n {
		for p, v := range m.Map(i) {
			m.Map(i)[p] = scale * (mean[p] + spread*(v-mean[p]))
		}
	}
	path := filepath.Join(dir, name)
	if err := datasets.WriteMaps(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

func cmpsetRun(t *testing.T, args ...string) (string, string, cmpsetCLIDoc) {
	t.Helper()
	jp := filepath.Join(t.TempDir(), "c.json")
	code, out, errs := runCLI(t, append(append([]string{"stats"}, args...), "-o", jp)...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, code, errs)
	}
	var d cmpsetCLIDoc
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return out, errs, d
}

// Paired sets: maps against ×1.01 copies of themselves give χ²/dof ≪ 1
// compared as independent sets, with the warning that they are more alike
// than two samples of one process (p_low of the default permutation test,
// and χ²/dof's own lower tail, p_chi2_low = 0.0017: cmpalike20; one
// warning with both, where two said much the same: fixcompare21);
// --paired sees the 1 % shift (χ²/dof ≫ 1, sign-flip p at its least).
func TestCmpset19CLIPaired(t *testing.T) {
	dir := t.TempDir()
	// 10 pairs: 2^10 of the C(20,10) splits keep every pair across A and B,
	// p_low ≈ 0.0055 (8 pairs: 0.02)
	a := cmpsetMaps(t, dir, "a.npy", 10, 1, 1, 1)
	b := cmpsetMaps(t, dir, "b.npy", 10, 1, 1.01, 1)
	_, errs, d := cmpsetRun(t, a, "--compare", b, "--kind", "wst", "-J", "3")
	if d.Chi2 > 0.5 || !d.PermsAuto || d.Perms != 1000 || d.PermPLow >= 0.01 || len(d.Warnings) != 1 || strings.Count(errs, "more alike than two samples of one process") != 1 ||
		!strings.Contains(d.Warnings[0], "near-copies") || !strings.Contains(d.Warnings[0], "p_low = 0.0") || !strings.Contains(d.Warnings[0], "(P ≤ 0.0") || d.AlikeP == nil || *d.AlikeP >= 0.01 {
		t.Errorf("unpaired: χ²/dof %g, perms %d (default %v), p_low %g, warnings %q\n%s", d.Chi2, d.Perms, d.PermsAuto, d.PermPLow, d.Warnings, errs)
	}
	a = cmpsetMaps(t, dir, "a8.npy", 8, 1, 1, 1)
	b = cmpsetMaps(t, dir, "b8.npy", 8, 1, 1.01, 1)
	out, errs, d := cmpsetRun(t, a, "--compare", b, "--kind", "wst", "-J", "3", "--paired")
	if !d.Paired || d.Nu != 7 || d.Chi2 < 100 || d.Perms != 256 || d.PermP != 2.0/256 || len(d.Warnings) != 0 || !strings.Contains(d.Z, "differences") {
		t.Errorf("paired: χ²/dof %g ν %d perms %d p %g warnings %q z %q\n%s", d.Chi2, d.Nu, d.Perms, d.PermP, d.Warnings, d.Z, errs)
	}
	if !strings.Contains(out, "ν = n − 1 (paired) = 7") || !strings.Contains(out, "all 256 sign patterns") {
		t.Errorf("paired output:\n%s", out)
	}
	c := cmpsetMaps(t, dir, "c.npy", 6, 1, 1, 1)
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{a, "--compare", c, "--paired", "-J", "3"}, "need the same number of maps"},
		{[]string{a, "--paired", "-J", "3"}, "--paired applies to --compare"},
		{[]string{a, "--compare-ref", "each", "-J", "3"}, "--compare-ref each applies to --compare"},
		{[]string{a, "--compare", b, "--kind", "wst", "--compare-ref", "each", "-J", "3"}, "wst takes no reference"},
		{[]string{a, "--compare", b, "--kind", "spectra", "--compare-ref", "own", "-J", "3"}, "want pooled"},
	} {
		if code, _, errs := runCLI(t, append([]string{"stats"}, bad.args...)...); code != 2 || !strings.Contains(errs, bad.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", bad.args, code, bad.want, errs)
		}
	}
}

// Syntheses matched to a set's mean have a few % of its spread: sd_A/sd_B
// (overall and per class, text and JSON) says so with a warning; two
// samples of one process get neither warning; --permutations 0 turns the
// default test off.
func TestCmpset19CLISpread(t *testing.T) {
	dir := t.TempDir()
	syn := cmpsetMaps(t, dir, "syn.npy", 4, 1, 1, 0.03)
	set := cmpsetMaps(t, dir, "set.npy", 8, 11, 1, 1)
	out, errs, d := cmpsetRun(t, syn, "--compare", set, "--kind", "scov", "-J", "3")
	if d.SdRatio > 0.1 || d.ClassSd["P00"] > 0.1 || !strings.Contains(errs, "set A's spread is 0.0") || len(d.Warnings) == 0 {
		t.Errorf("syntheses: sd ratio %g (P00 %g), warnings %q\n%s", d.SdRatio, d.ClassSd["P00"], d.Warnings, errs)
	}
	if !strings.Contains(out, "sd_A/sd_B") || !strings.Contains(out, "spread: sd_A/sd_B = 0.0") {
		t.Errorf("output without the spread:\n%s", out)
	}
	other := cmpsetMaps(t, dir, "other.npy", 8, 31, 1, 1)
	_, errs, d = cmpsetRun(t, other, "--compare", set, "--kind", "scov", "-J", "3", "--permutations", "0")
	if len(d.Warnings) != 0 || strings.Contains(errs, "warning") || d.Perms != 0 || d.SdRatio < 0.5 || d.SdRatio > 2 {
		t.Errorf("one process: sd ratio %g perms %d warnings %q\n%s", d.SdRatio, d.Perms, d.Warnings, errs)
	}
}

// --compare-ref each: the spectra of maps ×2 against the maps: C01 and C11
// equal (left out as identical, or z = 0: the non-Gaussian shape did not
// change), P00 moves; the pooled reference shows the amplitude in C01 and
// C11 too.
func TestCmpset19CLIEachRef(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 6, 1, 1, 1)
	b := cmpsetMaps(t, dir, "b.npy", 6, 1, 2, 1)
	class := func(d cmpsetCLIDoc, class string) *compareClass {
		for i, c := range d.Classes {
			if c.Class == class {
				return &d.Classes[i]
			}
		}
		return nil
	}
	_, _, each := cmpsetRun(t, a, "--compare", b, "--kind", "spectra", "-J", "3", "--compare-ref", "each")
	_, _, pool := cmpsetRun(t, a, "--compare", b, "--kind", "spectra", "-J", "3")
	for _, cl := range []string{"C01", "C11"} {
		if e := class(each, cl); e != nil && e.MaxAbs > 1e-6 {
			t.Errorf("each: %s max |z| %g, want 0", cl, e.MaxAbs)
		}
		if p := class(pool, cl); p == nil || p.MaxAbs < 3 {
			t.Errorf("pooled: %s %+v, want the amplitude seen", cl, p)
		}
	}
	if p := class(each, "P00"); p == nil || p.MaxAbs < 3 || !strings.Contains(each.Config.Reference, "each map its own") {
		t.Errorf("each: P00 %+v, reference %q", p, each.Config.Reference)
	}
}
