package wph

import (
	"github.com/stkit-org/stkit/internal/bench"
	"math"
	"math/cmplx"
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

func refPath(t testing.TB, name string) string {
	p := filepath.Join(sharedDir(t), "reference", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("missing fixture %s: %v", p, err)
	}
	return p
}

func readNPY(t testing.TB, path string, ptr any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	if err := npyio.Read(f, ptr); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
}

func readNPZ(t testing.TB, path, name string, ptr any) {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer r.Close()
	if err := r.Read(name+".npy", ptr); err != nil {
		t.Fatalf("read %s[%s]: %v", path, name, err)
	}
}

// dust256 returns the 256×256 reference map as a batch of one.
func dust256(t testing.TB) *stlayer.Maps {
	var d []float32
	readNPY(t, refPath(t, "dust256.npy"), &d)
	if len(d) != 256*256 {
		t.Fatalf("dust256.npy: %d values", len(d))
	}
	x := stlayer.NewMaps(1, 256, 256)
	for i, v := range d {
		x.Data[i] = float64(v)
	}
	return x
}

func refCoeffs(t testing.TB, name string) []complex128 {
	var c []complex64
	readNPY(t, refPath(t, name), &c)
	out := make([]complex128, len(c))
	for i, v := range c {
		out[i] = complex128(v)
	}
	return out
}

// classErrors returns, per class, the largest |got−want|/|want| and the largest
// |got−want|/scale with scale = max |want| of the class.
func classErrors(lb *stlayer.Labels, got, want []complex128) (rel, absScaled map[string]float64, scale map[string]float64) {
	rel, absScaled, scale = map[string]float64{}, map[string]float64{}, map[string]float64{}
	for i, w := range want {
		scale[lb.Class[i]] = math.Max(scale[lb.Class[i]], cmplx.Abs(w))
	}
	for i, w := range want {
		c := lb.Class[i]
		d := cmplx.Abs(got[i] - w)
		rel[c] = math.Max(rel[c], d/cmplx.Abs(w))
		absScaled[c] = math.Max(absScaled[c], d/scale[c])
	}
	return
}
