package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// strguardStrings returns a string array ('<U') of the given shape.
func strguardStrings(shape ...int) *Array {
	a, err := NewArray(StringDType, shape...)
	if err != nil {
		panic(err)
	}
	for i := range a.Strings {
		a.Strings[i] = "S1"
	}
	return a
}

// TestArrayToMapsRefusesStringsExplicitly: arrayToMaps refuses a string
// array itself, whatever the part, also where the numeric check is not
// used (reduced complex data, where it was 'inconsistent reduced str
// array') and for a string array whose Strings are missing.
func TestArrayToMapsRefusesStringsExplicitly(t *testing.T) {
	good := strguardStrings(2, 3, 3)
	bare := &Array{DType: StringDType, Shape: []int{3, 3}} // no Strings
	for _, a := range []*Array{good, bare} {
		for _, part := range []ComplexPart{RejectComplex, RealPart, ImagPart, Modulus} {
			for _, mode := range [][2]bool{{false, false}, {true, false}, {true, true}, {false, true}} {
				m, err := arrayToMaps(a, part, mode[0], mode[1])
				var ve *ValidationError
				if m != nil || !errors.As(err, &ve) || !strings.Contains(err.Error(), "holds strings (dtype str, numpy '<U'), not numbers") ||
					!strings.Contains(err.Error(), shapeString(a.Shape)) {
					t.Errorf("shape %v, %d strings, part %v, adopt %v, reduced %v: maps %v, error %T %v",
						a.Shape, len(a.Strings), part, mode[0], mode[1], m != nil, err, err)
				}
			}
		}
	}
}

// strguardDataset builds a small WST dataset (10 patches of 16², chunks of 4).
func strguardDataset(t *testing.T) (string, *PatchSet, PatchConfig, stats.Spec, stlayer.Engine, *Features) {
	t.Helper()
	x := stlayer.NewMaps(1, 40, 40)
	f0, _ := LogNormalField(40, 40, -2, 0.6, 3)
	copy(x.Map(0), f0)
	cfg := PatchConfig{Size: 16, Stride: 12, Seed: 1}
	ps, err := CutPatches([]Source{{Name: "a", Maps: x}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}.WithDefaults(16, 16)
	eng := cpu.New()
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) <= 4 {
		t.Fatalf("%d patches, want more than one chunk", len(ps.Patches))
	}
	return dir, ps, cfg, spec, eng, f
}

// TestDatasetFilesRefuseStrings: LoadFeatures refuses a features.npy or a
// patches.npy of the right shape holding strings (numpy '<U') or complex
// values, naming the file, where it returned a dataset with nil features or
// pixels; a feature chunk holding strings is computed again when a build
// resumes, where its nil data left the features short.
func TestDatasetFilesRefuseStrings(t *testing.T) {
	dir, ps, cfg, spec, eng, f := strguardDataset(t)
	n, dim, p := f.Manifest.N, f.Manifest.Dim, f.Manifest.Size
	for _, c := range []struct {
		file  string
		a     *Array
		wants []string
	}{
		{"features.npy", strguardStrings(n, dim), []string{"features.npy holds strings (numpy '<U') of shape", "want the float64 features"}},
		{"patches.npy", strguardStrings(n, p, p), []string{"patches.npy holds strings (numpy '<U') of shape", "want the float32 patch pixels"}},
		{"features.npy", &Array{DType: "complex128", Shape: []int{n, dim}, Complex128: make([]complex128, n*dim)}, []string{"features.npy holds complex values (complex128)"}},
		{"patches.npy", &Array{DType: "complex64", Shape: []int{n, p, p}, Complex128: make([]complex128, n*p*p)}, []string{"patches.npy holds complex values (complex64)"}},
	} {
		path := filepath.Join(dir, c.file)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteNPY(path, c.a); err != nil {
			t.Fatal(err)
		}
		g, err := LoadFeatures(dir)
		if g != nil || err == nil {
			t.Errorf("%s of %s: loaded (%v)", c.file, c.a.DType, err)
		} else {
			for _, w := range append(c.wants, dir, "rebuild the dataset") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s of %s: error %q does not contain %q", c.file, c.a.DType, err, w)
				}
			}
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadFeatures(dir); err != nil {
		t.Fatalf("restored dataset: %v", err)
	}

	// An interrupted build whose first chunk holds strings of its shape.
	man, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	man.Complete = false
	if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "features.npy"))
	if err := WriteNPY(chunkPath(dir, 0), strguardStrings(4, dim)); err != nil {
		t.Fatal(err)
	}
	g, err := BuildFeatures(dir, ps, cfg, spec, eng, 4, nil)
	if err != nil {
		t.Fatalf("resuming over a chunk of strings: %v", err)
	}
	if len(g.X) != len(f.X) {
		t.Fatalf("resumed: %d feature values, want %d", len(g.X), len(f.X))
	}
	for i, v := range g.X {
		if math.Abs(v-f.X[i]) > 1e-12*(1+math.Abs(f.X[i])) {
			t.Fatalf("resumed: feature value %d = %g, first build %g", i, v, f.X[i])
		}
	}
	c0, err := ReadNPY(chunkPath(dir, 0))
	if err != nil || c0.DType != "float64" || len(c0.Float64) != 4*dim {
		t.Errorf("chunk 0 after the resume: %+v, %v; want float64 [4, %d]", c0, err, dim)
	}
	if h, err := LoadFeatures(dir); err != nil || len(h.X) != len(f.X) {
		t.Errorf("resumed dataset: %v", err)
	}
}
