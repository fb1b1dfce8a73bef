package wst

import (
	"github.com/stkit-org/stkit/internal/bench"
	"math"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npz"

	"github.com/stkit-org/stkit/stlayer"
)

// sharedDir returns the shared/ folder beside the repository (fixtures and
// real maps; CI has it too), failing the test when it is missing.
func sharedDir(t testing.TB) string {
	t.Helper()
	sh := bench.FindShared()
	if sh == "" {
		t.Fatal("cannot find the shared/ folder (reference fixtures, data) beside the repository")
	}
	return sh
}

func fixturePath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s missing: %v", p, err)
	}
	return p
}

func readNpy32(t testing.TB, rel string) []float64 {
	t.Helper()
	f, err := os.Open(fixturePath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v []float32
	if err := npyio.Read(f, &v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return to64(v)
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

type npzFile struct {
	t testing.TB
	r *npz.Reader
	p string
}

func openNpz(t testing.TB, rel string) *npzFile {
	t.Helper()
	r, err := npz.Open(fixturePath(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	t.Cleanup(func() { r.Close() })
	return &npzFile{t: t, r: r, p: rel}
}

func (f *npzFile) shape(name string) []int {
	h := f.r.Header(name + ".npy")
	if h == nil {
		f.t.Fatalf("%s: no array %q", f.p, name)
	}
	return h.Descr.Shape
}

func (f *npzFile) f32(name string) []float64 {
	f.t.Helper()
	var v []float32
	if err := f.r.Read(name+".npy", &v); err != nil {
		f.t.Fatalf("%s: %v", f.p, err)
	}
	return to64(v)
}

func (f *npzFile) i64(name string) []int64 {
	f.t.Helper()
	var v []int64
	if err := f.r.Read(name+".npy", &v); err != nil {
		f.t.Fatalf("%s: %v", f.p, err)
	}
	return v
}

func dust256(t testing.TB) *stlayer.Maps {
	x := readNpy32(t, "reference/dust256.npy")
	if len(x) != 256*256 {
		t.Fatalf("dust256.npy: %d values, want 65536", len(x))
	}
	return &stlayer.Maps{B: 1, M: 256, N: 256, Data: x}
}

// compareClass compares got with want element by element: each element must
// satisfy |got−want| ≤ rtol·max(|want|, floor·scale) where scale = max|want|
// over the compared set (NaNs must match). It returns the worst ratio
// |got−want| / max(|want|, floor·scale).
func compareClass(t *testing.T, name string, got, want []float64, rtol, floor float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 0.0
	for _, w := range want {
		if !math.IsNaN(w) {
			scale = math.Max(scale, math.Abs(w))
		}
	}
	worst, bad := 0.0, 0
	for i := range want {
		if math.IsNaN(want[i]) || math.IsNaN(got[i]) {
			if math.IsNaN(want[i]) != math.IsNaN(got[i]) {
				t.Errorf("%s[%d]: got %g, want %g", name, i, got[i], want[i])
			}
			continue
		}
		den := math.Max(math.Abs(want[i]), floor*scale)
		r := math.Abs(got[i]-want[i]) / den
		worst = math.Max(worst, r)
		if r > rtol {
			bad++
			if bad <= 5 {
				t.Errorf("%s[%d]: got %.8g, want %.8g (rel %.2e > %.0e)", name, i, got[i], want[i], r, rtol)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d values out of tolerance", name, bad, len(want))
	}
	return worst
}

func realParts(c []complex128) []float64 {
	out := make([]float64, len(c))
	for i, z := range c {
		out[i] = real(z)
	}
	return out
}
