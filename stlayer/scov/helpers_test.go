package scov

import (
	"github.com/stkit-org/stkit/internal/bench"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// loadMap reads a 2D float32/float64 .npy map as a one-map batch.
func loadMap(t testing.TB, name string) *stlayer.Maps {
	f, err := os.Open(refPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	shape := r.Header.Descr.Shape
	data := readFloats(t, name, r.Header.Descr.Type, r.Read)
	m, n := shape[len(shape)-2], shape[len(shape)-1]
	return &stlayer.Maps{B: len(data) / (m * n), M: m, N: n, Data: data}
}

func loadNpy(t testing.TB, name string) []float64 {
	f, err := os.Open(refPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return readFloats(t, name, r.Header.Descr.Type, r.Read)
}

// readFloats reads a float32 or float64 array as float64.
func readFloats(t testing.TB, name, dtype string, read func(any) error) []float64 {
	var data []float64
	switch strings.Trim(dtype, "'") {
	case "<f4":
		var v []float32
		if err := read(&v); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		data = make([]float64, len(v))
		for i, x := range v {
			data[i] = float64(x)
		}
	case "<f8":
		if err := read(&data); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	default:
		t.Fatalf("%s: unsupported dtype %s", name, dtype)
	}
	return data
}

type npzFile struct {
	t testing.TB
	r *npz.Reader
}

func openNpz(t testing.TB, name string) *npzFile {
	r, err := npz.Open(refPath(t, name))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { r.Close() })
	return &npzFile{t, r}
}

func (f *npzFile) real(name string) []float64 {
	h := f.r.Header(name + ".npy")
	if h == nil {
		f.t.Fatalf("no member %s", name)
	}
	return readFloats(f.t, name, h.Descr.Type, func(p any) error { return f.r.Read(name+".npy", p) })
}

func (f *npzFile) cplx(name string) []complex128 {
	var v []complex64
	if err := f.r.Read(name+".npy", &v); err != nil {
		f.t.Fatalf("read %s: %v", name, err)
	}
	out := make([]complex128, len(v))
	for i, z := range v {
		out[i] = complex128(z)
	}
	return out
}

func (f *npzFile) ints(name string) []int64 {
	var v []int64
	if err := f.r.Read(name+".npy", &v); err != nil {
		f.t.Fatalf("read %s: %v", name, err)
	}
	return v
}

func (f *npzFile) shape(name string) []int {
	h := f.r.Header(name + ".npy")
	if h == nil {
		f.t.Fatalf("no member %s", name)
	}
	return h.Descr.Shape
}

// compareArr checks got against want per coefficient: |got−want| ≤ rel·|want|
// + abs·scale, where scale is the largest |want| of the array (so that tiny
// coefficients are held to an absolute tolerance relative to the array's
// scale). NaN must match NaN. It returns the worst relative error among
// coefficients above 1e-3·scale.
func compareArr(t *testing.T, name string, got, want []complex128, rel, abs float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 0.0
	for _, w := range want {
		if a := cabs(w); !math.IsNaN(a) && a > scale {
			scale = a
		}
	}
	worst, bad := 0.0, 0
	for i := range want {
		g, w := got[i], want[i]
		gn := math.IsNaN(real(g)) || math.IsNaN(imag(g))
		wn := math.IsNaN(real(w)) || math.IsNaN(imag(w))
		if gn || wn {
			if gn != wn {
				if bad < 5 {
					t.Errorf("%s[%d]: got %v want %v (NaN mismatch)", name, i, g, w)
				}
				bad++
			}
			continue
		}
		d := cabs(g - w)
		if d > rel*cabs(w)+abs*scale {
			if bad < 5 {
				t.Errorf("%s[%d]: got %v want %v (|Δ| %.3g, rel %.3g, scale %.3g)", name, i, g, w, d, d/cabs(w), scale)
			}
			bad++
		}
		if cabs(w) > 1e-3*scale {
			if r := d / cabs(w); r > worst {
				worst = r
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d coefficients out of tolerance", name, bad, len(want))
	}
	return worst
}

func cabs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }

func toC(v []float64) []complex128 {
	out := make([]complex128, len(v))
	for i, x := range v {
		out[i] = complex(x, 0)
	}
	return out
}

func randMaps(rng *rand.Rand, b, m, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	return x
}
