package datasets

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A WPH patch dataset names the scaling moments at j = −1 with their scale
// ("L(j1=-1,…)"); one written before that (names without the −1 terms, as
// stlayer.Labels.String printed them without Labels.Values) still loads and
// resumes with its own names and the same features, and SameFeature /
// LegacyFeatureName match every old name to its new one and to no other.
func TestWPHFeatureNamesLegacy(t *testing.T) {
	x := stlayer.NewMaps(1, 40, 40)
	f0, _ := LogNormalField(40, 40, -2, 0.6, 7)
	copy(x.Map(0), f0)
	cfg := PatchConfig{Size: 16, Stride: 12, Seed: 1}
	ps, err := CutPatches([]Source{{Name: "a", Maps: x}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WPH, J: 2, L: 4}.WithDefaults(16, 16)
	eng := cpu.New()
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	op, err := stats.Build(spec, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	noValues := &stlayer.Labels{Columns: lab.Columns, Class: lab.Class, Rows: lab.Rows} // the old rendering
	cols := f.Manifest.Columns
	var minus1, renamed int
	for _, c := range cols {
		want := lab.String(c.Coeff)
		old := noValues.String(c.Coeff)
		if c.Part == "im" {
			want, old = want+".im", old+".im"
		}
		if c.Name != want {
			t.Errorf("feature %d/%s named %q, want %q", c.Coeff, c.Part, c.Name, want)
		}
		if got := LegacyFeatureName(c.Name); got != old {
			t.Errorf("LegacyFeatureName(%q) = %q, want the old name %q", c.Name, got, old)
		}
		if strings.HasPrefix(c.Name, "L(j1=-1,") {
			minus1++
		}
		if old != c.Name {
			renamed++
		}
	}
	// J = 2: scaling moments at j = −1, 0 × 3 (p1, p2); the j = −1 ones are
	// the only names that changed
	if minus1 == 0 || renamed != minus1 {
		t.Errorf("%d features named L(j1=-1,…), %d renamed; want the same, > 0", minus1, renamed)
	}
	t.Logf("%d features, %d named L(j1=-1,…), e.g. %q", len(cols), minus1, cols[len(cols)-1].Name)

	// The dataset as an earlier stkit wrote it: old names, interrupted.
	man, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	oldCols := make([]FeatureColumn, len(man.Columns))
	for i, c := range man.Columns {
		oldCols[i] = FeatureColumn{Coeff: c.Coeff, Part: c.Part, Name: LegacyFeatureName(c.Name)}
	}
	man.Columns = oldCols
	man.Complete = false
	if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
		t.Fatal(err)
	}
	os.Remove(chunkPath(dir, 1))
	os.Remove(filepath.Join(dir, "features.npy"))
	g, err := BuildFeatures(dir, ps, cfg, spec, eng, 4, nil)
	if err != nil {
		t.Fatalf("resuming a dataset with the old names: %v", err)
	}
	h, err := LoadFeatures(dir)
	if err != nil {
		t.Fatalf("loading a dataset with the old names: %v", err)
	}
	for _, r := range []struct {
		what string
		f    *Features
	}{{"resumed", g}, {"loaded", h}} {
		if len(r.f.Manifest.Columns) != len(oldCols) || len(r.f.X) != len(f.X) {
			t.Fatalf("%s: %d columns, %d values; want %d, %d", r.what, len(r.f.Manifest.Columns), len(r.f.X), len(oldCols), len(f.X))
		}
		for i, c := range r.f.Manifest.Columns {
			if c != oldCols[i] {
				t.Errorf("%s: column %d = %+v, want the dataset's own %+v", r.what, i, c, oldCols[i])
			}
		}
		for i, v := range r.f.X {
			if math.Abs(v-f.X[i]) > 1e-12*(1+math.Abs(f.X[i])) {
				t.Fatalf("%s: feature value %d = %g, first build %g", r.what, i, v, f.X[i])
			}
		}
	}

	// A run's columns written with either naming find theirs in a dataset of
	// the other, and only theirs.
	for i, o := range oldCols {
		for j, n := range cols {
			if got := SameFeature(o, n); got != (i == j) {
				t.Errorf("SameFeature(%q %d/%s, %q %d/%s) = %t", o.Name, o.Coeff, o.Part, n.Name, n.Coeff, n.Part, got)
			}
			if got := SameFeature(n, o); got != (i == j) {
				t.Errorf("SameFeature(%q, %q) = %t (not symmetric)", n.Name, o.Name, got)
			}
		}
	}
	// another coefficient's name is not accepted for this one
	a, b := cols[0], cols[len(cols)-1]
	if SameFeature(a, FeatureColumn{Coeff: a.Coeff, Part: a.Part, Name: b.Name}) {
		t.Errorf("SameFeature accepted %q for %q", b.Name, a.Name)
	}
	for _, s := range []string{"c12", "c12.im", "S1(j=0)", "L()", "X(a=-10,b=-1)"} {
		want := s
		if s == "X(a=-10,b=-1)" {
			want = "X(a=-10)"
		}
		if got := LegacyFeatureName(s); got != want {
			t.Errorf("LegacyFeatureName(%q) = %q, want %q", s, got, want)
		}
	}
}
