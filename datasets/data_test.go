package datasets

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// moments returns mean, population std, min and max.
func moments(x []float64) (mean, std, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		mean += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x))), lo, hi
}

// checkStat compares with a value printed to a given number of significant
// digits (tolerance: half a unit in the last printed digit).
func checkStat(t *testing.T, what string, got, printed, halfUnit float64) {
	t.Helper()
	if math.Abs(got-printed) > halfUnit {
		t.Errorf("%s = %.6g, want %v ± %v", what, got, printed, halfUnit)
	}
}

// TestSharedDataSummaries reads the real data and checks the summary
// statistics listed in shared/data/README.md.
func TestSharedDataSummaries(t *testing.T) {
	// Dust I_1: (512, 512) float32.
	m, err := ReadMaps(testutil.DataFile(t, "dust/I_1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if m.B != 1 || m.M != 512 || m.N != 512 {
		t.Fatalf("I_1: [%d,%d,%d]", m.B, m.M, m.N)
	}
	mean, std, lo, hi := moments(m.Data)
	checkStat(t, "I_1 mean", mean, 0.1123, 0.5e-4)
	checkStat(t, "I_1 std", std, 0.0622, 0.5e-4)
	checkStat(t, "I_1 min", lo, 0.0361, 0.5e-4)
	checkStat(t, "I_1 max", hi, 1.064, 0.5e-3)
	if err := ValidateMaps(m, 8); err != nil {
		t.Errorf("I_1 with J=8: %v", err)
	}
	if err := ValidateMaps(m, 9); err == nil {
		t.Error("I_1 (512×512) accepted with J=9")
	}

	// Quijote map 00: (256, 256) float32.
	m, err = ReadMaps(testutil.DataFile(t, "quijote/logdensity_00.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if m.B != 1 || m.M != 256 || m.N != 256 {
		t.Fatalf("quijote: [%d,%d,%d]", m.B, m.M, m.N)
	}
	mean, std, lo, hi = moments(m.Data)
	checkStat(t, "quijote mean", mean, -0.320, 0.5e-3)
	checkStat(t, "quijote std", std, 0.776, 0.5e-3)
	checkStat(t, "quijote min", lo, -2.557, 0.5e-3)
	checkStat(t, "quijote max", hi, 3.641, 0.5e-3)

	// CIB: (1, 256, 256) float64.
	a, err := Read(testutil.DataFile(t, "foscat/cib_map_planck.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if a.DType != "float64" || shapeString(a.Shape) != "(1, 256, 256)" {
		t.Fatalf("cib: %s %v", a.DType, a.Shape)
	}
	m, err = ArrayToMaps(a, RejectComplex)
	if err != nil || m.B != 1 || m.M != 256 || m.N != 256 {
		t.Fatalf("cib maps: %v", err)
	}
	mean, std, _, _ = moments(m.Data)
	checkStat(t, "cib mean", mean, 2.56e-4, 0.5e-6)
	checkStat(t, "cib std", std, 9.03e-3, 0.5e-5)
}

// TestKymatioNPZ reads Kymatio's golden archive: x (2,3,32,32) float32,
// Sx (2,3,417,2,2) float32, J a 0-d int64 (4), pre_pad a 0-d bool.
func TestKymatioNPZ(t *testing.T) {
	p := testutil.DataFile(t, "kymatio/test_data_2d.npz")
	all, err := ReadNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, dtype, shape string }{
		{"x", "float32", "(2, 3, 32, 32)"},
		{"J", "int64", "()"},
		{"Sx", "float32", "(2, 3, 417, 2, 2)"},
		{"pre_pad", "bool", "()"},
	}
	if len(all) != len(want) {
		t.Fatalf("%d members", len(all))
	}
	for i, w := range want {
		a := all[i].Array
		if all[i].Name != w.name || a.DType != w.dtype || shapeString(a.Shape) != w.shape {
			t.Errorf("member %d: %s %s %s, want %+v", i, all[i].Name, a.DType, shapeString(a.Shape), w)
		}
	}
	if j := all[1].Array.Float64; len(j) != 1 || j[0] != 4 {
		t.Errorf("J = %v, want [4]", j)
	}
	if pp := all[3].Array.Float64; len(pp) != 1 || (pp[0] != 0 && pp[0] != 1) {
		t.Errorf("pre_pad = %v", pp)
	}
	// Read without a member name gives the first member (x); by name, Sx.
	x, err := Read(p)
	if err != nil || shapeString(x.Shape) != "(2, 3, 32, 32)" {
		t.Fatalf("first member: %v", err)
	}
	sx, err := Read(p + ":Sx")
	if err != nil || sx.Size() != 2*3*417*4 {
		t.Fatalf("Sx: %v", err)
	}
	for _, v := range append(x.Float64, sx.Float64...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatal("non-finite value in kymatio data")
		}
	}
	// x is 4-D: not a batch of maps.
	if _, err := ReadMaps(p + ":x"); err == nil {
		t.Error("4-D x accepted as maps")
	}
	// The 1D and 3D archives decode too.
	for _, f := range []string{"kymatio/test_data_1d.npz", "kymatio/test_data_3d.npz"} {
		if _, err := ReadNPZ(testutil.DataFile(t, f)); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}
