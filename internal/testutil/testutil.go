// Package testutil holds helpers shared by stkit's tests: finding the shared/
// folder of fixtures and data beside the repository, reading .npy/.npz
// fixtures, a host 2-D DFT and random inputs. It is imported only from
// _test.go files; every helper that can fail takes a testing.TB and fails the
// test (t.Fatalf) with a message naming the file, never skips.
package testutil

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer"
)

// SharedDir returns the shared/ folder beside the repository (reference
// fixtures and real maps; CI has it too), found by bench.FindShared
// ($STKIT_SHARED, else walking up from the working directory). It fails the
// test when the folder is missing.
func SharedDir(t testing.TB) string {
	t.Helper()
	sh := bench.FindShared()
	if sh == "" {
		t.Fatal("cannot find the shared/ folder (reference fixtures, data) beside the repository")
	}
	return sh
}

// SharedFile returns the path of elem (joined) inside the shared/ folder, e.g.
// SharedFile(t, "reference", "dust256.npy"), failing the test when the folder
// or the file is missing.
func SharedFile(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedDir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("missing shared fixture %s: %v", p, err)
	}
	return p
}

// RefFile returns the path of the reference fixture shared/reference/name,
// failing the test when it is missing.
func RefFile(t testing.TB, name string) string {
	t.Helper()
	return SharedFile(t, "reference", name)
}

// DataFile returns the path of the data file shared/data/rel, failing the
// test when it is missing.
func DataFile(t testing.TB, rel string) string {
	t.Helper()
	return SharedFile(t, "data", rel)
}

// ReadNpy reads the .npy file at path into ptr (a pointer to a slice of the
// file's exact dtype, as npyio.Read requires), failing the test on error.
func ReadNpy(t testing.TB, path string, ptr any) {
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

// NpyFloats reads a float32 (<f4) or float64 (<f8) .npy array as float64 in C
// order, with its shape; any other dtype fails the test.
func NpyFloats(t testing.TB, path string) (data []float64, shape []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return readFloats(t, path, r.Header.Descr.Type, r.Read), r.Header.Descr.Shape
}

// LoadMap reads a float32/float64 .npy array whose last two axes are [M, N]
// as a batch of M×N maps (B = size/(M·N)).
func LoadMap(t testing.TB, path string) *stlayer.Maps {
	t.Helper()
	data, shape := NpyFloats(t, path)
	if len(shape) < 2 {
		t.Fatalf("%s: shape %v, want at least 2 axes", path, shape)
	}
	m, n := shape[len(shape)-2], shape[len(shape)-1]
	return &stlayer.Maps{B: len(data) / (m * n), M: m, N: n, Data: data}
}

// Dust256 returns the 256×256 float32 reference map shared/reference/dust256.npy
// as a batch of one (float64).
func Dust256(t testing.TB) *stlayer.Maps {
	t.Helper()
	var d []float32
	ReadNpy(t, RefFile(t, "dust256.npy"), &d)
	if len(d) != 256*256 {
		t.Fatalf("dust256.npy: %d values, want 65536", len(d))
	}
	return &stlayer.Maps{B: 1, M: 256, N: 256, Data: Float64s(d)}
}

// readFloats reads a float32 or float64 array as float64.
func readFloats(t testing.TB, name, dtype string, read func(any) error) []float64 {
	t.Helper()
	var data []float64
	switch strings.Trim(dtype, "'") {
	case "<f4":
		var v []float32
		if err := read(&v); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		data = Float64s(v)
	case "<f8":
		if err := read(&data); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	default:
		t.Fatalf("%s: unsupported dtype %s", name, dtype)
	}
	return data
}

// Npz is an open .npz archive whose accessors fail the test on a missing
// member or a dtype they do not accept. Member names are given without the
// ".npy" suffix. The archive is closed by t.Cleanup.
type Npz struct {
	t    testing.TB
	r    *npz.Reader
	path string
}

// OpenNpz opens the .npz archive at path, failing the test on error.
func OpenNpz(t testing.TB, path string) *Npz {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { r.Close() })
	return &Npz{t: t, r: r, path: path}
}

// Shape returns the shape of member name.
func (f *Npz) Shape(name string) []int {
	f.t.Helper()
	h := f.r.Header(name + ".npy")
	if h == nil {
		f.t.Fatalf("%s: no member %q", f.path, name)
	}
	return h.Descr.Shape
}

// Read reads member name into ptr (a pointer to a slice of the member's exact
// dtype).
func (f *Npz) Read(name string, ptr any) {
	f.t.Helper()
	if err := f.r.Read(name+".npy", ptr); err != nil {
		f.t.Fatalf("read %s[%s]: %v", f.path, name, err)
	}
}

// Floats reads a float32 or float64 member as float64.
func (f *Npz) Floats(name string) []float64 {
	f.t.Helper()
	h := f.r.Header(name + ".npy")
	if h == nil {
		f.t.Fatalf("%s: no member %q", f.path, name)
	}
	return readFloats(f.t, f.path+"["+name+"]", h.Descr.Type, func(p any) error { return f.r.Read(name+".npy", p) })
}

// Float32 reads a float32 member (any other dtype fails the test) as float64.
func (f *Npz) Float32(name string) []float64 {
	f.t.Helper()
	var v []float32
	f.Read(name, &v)
	return Float64s(v)
}

// Complex64 reads a complex64 member as complex128.
func (f *Npz) Complex64(name string) []complex128 {
	f.t.Helper()
	var v []complex64
	f.Read(name, &v)
	return Complex128s(v)
}

// Int64 reads an int64 member.
func (f *Npz) Int64(name string) []int64 {
	f.t.Helper()
	var v []int64
	f.Read(name, &v)
	return v
}

// Float64s widens float32 values to float64.
func Float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Complex128s widens complex64 values to complex128.
func Complex128s(v []complex64) []complex128 {
	out := make([]complex128, len(v))
	for i, z := range v {
		out[i] = complex128(z)
	}
	return out
}

// ToComplex returns v as complex values with zero imaginary parts.
func ToComplex(v []float64) []complex128 {
	out := make([]complex128, len(v))
	for i, x := range v {
		out[i] = complex(x, 0)
	}
	return out
}

// RandComplex returns n complex values with independent standard normal real
// and imaginary parts (real part drawn first).
func RandComplex(rng *rand.Rand, n int) []complex128 {
	out := make([]complex128, n)
	for i := range out {
		out[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return out
}

// RandMaps returns a batch of b maps of m×n independent standard normal
// values.
func RandMaps(rng *rand.Rand, b, m, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	return x
}

// Rot90 rotates square maps by +90° about the pixel (0, 0), periodically:
// out[r, c] = x[c, (−r) mod N]. In Fourier space X'(k_row, k_col) =
// X(k_col, −k_row), so the angle atan2(k_row, k_col) of every mode turns by
// π/2: a bank with L orientations θ_l = lπ/L sees θ_l → θ_{l+L/2}. It panics
// on non-square maps.
func Rot90(x *stlayer.Maps) *stlayer.Maps {
	if x.M != x.N {
		panic("testutil.Rot90: non-square maps")
	}
	N := x.N
	out := stlayer.NewMaps(x.B, N, N)
	for b := 0; b < x.B; b++ {
		src, dst := x.Map(b), out.Map(b)
		for r := 0; r < N; r++ {
			for c := 0; c < N; c++ {
				dst[r*N+c] = src[c*N+(N-r)%N]
			}
		}
	}
	return out
}

// MovedIndex maps each coefficient of a label table to the one a transform of
// the map moves it to: move edits a copy of coefficient i's label values
// (column → value, −1 for columns it lacks) in place, e.g. shifting the
// orientations for a rotation, and reports whether the coefficient is
// conjugated on the way. It returns, for every i, the index of the moved label
// and that flag; a moved label missing from the table is fatal.
func MovedIndex(t testing.TB, lab *stlayer.Labels, move func(class string, vals map[string]int) (conj bool)) (idx []int, conj []bool) {
	t.Helper()
	index := make(map[string]int, lab.Len())
	for i := range lab.Len() {
		index[lab.String(i)] = i
	}
	idx, conj = make([]int, lab.Len()), make([]bool, lab.Len())
	for i, row := range lab.Rows {
		vals := make(map[string]int, len(lab.Columns))
		for k, name := range lab.Columns {
			vals[name] = row[k]
		}
		conj[i] = move(lab.Class[i], vals)
		probe := stlayer.NewLabels(lab.Columns...)
		probe.MergeValues(lab) // a −1 that is a value prints as in lab (stlayer.Labels.Values)
		probe.Add(lab.Class[i], vals)
		j, ok := index[probe.String(0)]
		if !ok {
			t.Fatalf("no coefficient %s (moved from %s)", probe.String(0), lab.String(i))
		}
		idx[i] = j
	}
	return idx, conj
}

// SumAbs2 is stlayer.SumAbs2, the loss ℒ = Σ_k |c_k|² with its upstream
// gradient g = 2c in the stlayer.LossFunc convention.
func SumAbs2(c *stlayer.Coeffs) (float64, []complex128, error) { return stlayer.SumAbs2(c) }

// FFT2 is the reference 2-D DFT (gonum, complex128) of every h×w plane of x
// (len(x) a multiple of h·w, row-major planes): X[k1,k2] = Σ x[n1,n2]
// e^{−2πi(k1n1/h + k2n2/w)} forward, unnormalised; the inverse uses e^{+…}
// and divides by h·w. x is not modified.
func FFT2(x []complex128, h, w int, inverse bool) []complex128 {
	out := append([]complex128(nil), x...)
	fr, fc := fourier.NewCmplxFFT(w), fourier.NewCmplxFFT(h)
	col := make([]complex128, h)
	for p := 0; p < len(x)/(h*w); p++ {
		pl := out[p*h*w : (p+1)*h*w]
		for i := 0; i < h; i++ {
			row := pl[i*w : (i+1)*w]
			if inverse {
				fr.Sequence(row, row)
			} else {
				fr.Coefficients(row, row)
			}
		}
		for j := 0; j < w; j++ {
			for i := 0; i < h; i++ {
				col[i] = pl[i*w+j]
			}
			if inverse {
				fc.Sequence(col, col)
			} else {
				fc.Coefficients(col, col)
			}
			for i := 0; i < h; i++ {
				pl[i*w+j] = col[i]
			}
		}
		if inverse {
			for i := range pl {
				pl[i] /= complex(float64(h*w), 0)
			}
		}
	}
	return out
}

// DirFiles returns the contents of the files directly in folder d, keyed by
// name (empty when d cannot be read): a snapshot to compare before and after
// an operation that must leave d alone.
func DirFiles(d string) map[string]string {
	out := map[string]string{}
	ents, _ := os.ReadDir(d)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(d, e.Name()))
		out[e.Name()] = string(b)
	}
	return out
}
