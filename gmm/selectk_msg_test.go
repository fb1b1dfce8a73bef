package gmm

import (
	"errors"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// SelectK's errors repeated the package prefix ("gmm: SelectK K=0: gmm: Options.K …"), three
// times with NInit > 1 ("gmm: SelectK K=2: gmm: all 3 initialisations failed; the last: gmm: …").
// Each message now carries "gmm: " once, and the inner error is still reached by errors.Is/As.
func TestSelectKErrorMessages(t *testing.T) {
	x, _, _ := axisBlobs(20, 1)
	dup := mat.NewDense(6, 2, []float64{3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4})
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"K=0", func() error { _, _, err := SelectK(x, []int{2, 0}, Options{}); return err },
			"gmm: SelectK K=0: Options.K (the number of components) must be ≥ 1, got 0"},
		{"nil data", func() error { _, _, err := SelectK(nil, []int{2}, Options{}); return err },
			"gmm: SelectK K=2: nil data matrix"},
		{"K > n", func() error { _, _, err := SelectK(x, []int{1, 61}, Options{}); return err },
			"gmm: SelectK K=61: Options.K = 61 components need at least 61 samples (rows of the data), got 60; lower Options.K"},
		{"no candidate", func() error { _, _, err := SelectK(x, nil, Options{}); return err },
			"gmm: SelectK needs at least one candidate K"},
		{"all initialisations fail", func() error {
			_, _, err := SelectK(dup, []int{1}, Options{Cov: Diag, Reg: -1, NInit: 3})
			return err
		}, "gmm: SelectK K=1: all 3 initialisations failed; the last: EM gave component 0 zero variance along axis 0: " + singularHint(0)},
		{"Fit, all initialisations fail", func() error {
			_, err := Fit(dup, Options{K: 1, Cov: Diag, Reg: -1, NInit: 2})
			return err
		}, "gmm: all 2 initialisations failed; the last: EM gave component 0 zero variance along axis 0: " + singularHint(0)},
	} {
		err := c.err()
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error\n  %v\nwant\n  %s", c.name, err, c.want)
		}
	}
	inner := errors.New("gmm: inner")
	err := &prefixed{msg: "gmm: SelectK K=3: ", err: inner}
	if !errors.Is(err, inner) || err.Error() != "gmm: SelectK K=3: inner" {
		t.Errorf("prefixed: %q, errors.Is %v", err, errors.Is(err, inner))
	}
}
