package infer

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestPfixlib22LoadDamaged: LoadPatchPrior of hand-edited archives (K 2,
// P 2) names the file and what is wrong; the old code checked lengths only
// and loaded a non-symmetric or indefinite covariance, weights summing to
// 1.1 and members of other shapes with the right lengths. A valid archive
// still loads bit for bit.
func TestPfixlib22LoadDamaged(t *testing.T) {
	dir := t.TempDir()
	eye := func(v float64) []float64 {
		c := make([]float64, 16)
		for j := 0; j < 4; j++ {
			c[j*4+j] = v
		}
		return c
	}
	valid := func() (w, m, c []float64) {
		return []float64{0.25, 0.75}, []float64{0, 1, 2, 3, -1, -2, -3, -4}, append(eye(1), eye(2)...)
	}
	write := func(name string, w []float64, ws []int, m []float64, c []float64, cs []int) string {
		path := filepath.Join(dir, name)
		f64 := func(n string, v []float64, shape []int) datasets.NamedArray {
			return datasets.NamedArray{Name: n, Array: &datasets.Array{DType: "float64", Shape: shape, Float64: v}}
		}
		if err := datasets.WriteNPZ(path, []datasets.NamedArray{f64("weights", w, ws), f64("means", m, []int{2, 2, 2}), f64("covs", c, cs)}, false); err != nil {
			t.Fatal(err)
		}
		return path
	}
	w, m, c := valid()
	path := write("ok.npz", w, []int{2}, m, c, []int{2, 4, 4})
	pp, err := LoadPatchPrior(path)
	if err != nil || pp.K != 2 || pp.P != 2 || !slices.Equal(pp.Weights, w) || !slices.Equal(pp.Means, m) || !slices.Equal(pp.Covs, c) {
		t.Fatalf("valid archive: %v, %+v", err, pp)
	}
	cases := []struct {
		name string
		edit func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int)
		want string
	}{
		{"asym", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			c[16+1] = 0.5
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "covariance 1 is not symmetric: [1, 0] = 0, [0, 1] = 0.5"},
		{"indef", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			c[3*4+3] = -1
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "covariance 0 (4×4) is not positive definite"},
		{"nanmean", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			m[6] = math.NaN()
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "mean 1 has the non-finite value NaN (pixel 2)"},
		{"nancov", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			c[5] = math.Inf(1)
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "covariance 0 has the non-finite value +Inf at [1, 1]"},
		{"negw", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			w[0] = -0.25
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "weight 0 is -0.25 (want finite values > 0)"},
		{"sumw", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			w[0] = 0.35
			return w, []int{2}, m, c, []int{2, 4, 4}
		}, "the 2 weights sum to 1.1 (want 1 within 1e-6)"},
		{"covshape", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			return w, []int{2}, m, c, []int{2, 16}
		}, "covs has shape [2 16] for means of shape [2 2 2] (want [K, P², P²] = [2, 4, 4])"},
		{"wshape", func(w, m, c []float64) ([]float64, []int, []float64, []float64, []int) {
			return w, []int{1, 2}, m, c, []int{2, 4, 4}
		}, "weights has shape [1 2] for means of shape [2 2 2] (want [K] = [2])"},
	}
	for _, tc := range cases {
		w, ws, m, c, cs := tc.edit(valid())
		p := write(tc.name+".npz", w, ws, m, c, cs)
		_, err := LoadPatchPrior(p)
		want := "patch prior " + p + ": " + tc.want
		if err == nil || err.Error() != want || !errors.Is(err, ErrModelInput) {
			t.Errorf("%s: err %v\nwant %s", tc.name, err, want)
		}
	}
}
