package gmm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/internal/testutil"
)

// Bad input to Fit and SelectK is an error naming the problem, never a panic,
// a hang or a model with NaN parameters.
func TestFitRefusesBadInput(t *testing.T) {
	x, _, _ := axisBlobs(20, 1)
	huge := mat.NewDense(4, 2, []float64{1e300, 0, -1e300, 1, 1e300, 2, -1e300, 3})
	nan := mat.DenseCopyOf(x)
	nan.Set(5, 1, math.NaN())
	inf := mat.DenseCopyOf(x)
	inf.Set(7, 0, math.Inf(-1))
	cases := []struct {
		name string
		x    *mat.Dense
		opt  Options
		want string
	}{
		{"nil data", nil, Options{K: 2}, "nil"},
		{"empty data", &mat.Dense{}, Options{K: 1}, "samples"},
		// The first three said "K must be ≥ 1" and "need at least K=61 samples", without the
		// option to change; the fourth "unknown covariance type 7".
		{"K = 0", x, Options{K: 0}, "Options.K (the number of components) must be ≥ 1, got 0"},
		{"K < 0", x, Options{K: -3}, "Options.K (the number of components) must be ≥ 1, got -3"},
		{"K > n", x, Options{K: 61}, "Options.K = 61 components need at least 61 samples (rows of the data), got 60; lower Options.K"},
		{"unknown covariance", x, Options{K: 2, Cov: CovType(7)}, "unknown Options.Cov 7 (want gmm.Full or gmm.Diag)"},
		{"NaN data", nan, Options{K: 2}, "row 5 column 1"},
		{"Inf data", inf, Options{K: 2}, "row 7 column 0"},
		{"NaN Reg", x, Options{K: 2, Reg: math.NaN()}, "Reg"},
		{"Inf Reg", x, Options{K: 2, Reg: math.Inf(1)}, "Reg"},
		{"NaN Tol", x, Options{K: 2, Tol: math.NaN()}, "Tol"},
		// Negative Tol, MaxIter and NInit were replaced by the defaults without a word.
		{"negative Tol", x, Options{K: 2, Tol: -1e-3}, "Options.Tol must be ≥ 0 (0: the default 1e-6), got -0.001"},
		{"negative MaxIter", x, Options{K: 2, MaxIter: -5}, "Options.MaxIter must be ≥ 0 (0: the default 200 EM iterations), got -5"},
		{"negative NInit", x, Options{K: 2, NInit: -1}, "Options.NInit must be ≥ 0 (0: the default, 1 initialisation), got -1"},
		{"overflowing data, full", huge, Options{K: 2}, "overflow"},
		{"overflowing data, diag", huge, Options{K: 2, Cov: Diag}, "overflow"},
	}
	for _, c := range cases {
		testutil.Refused(t, c.name, func() error {
			m, err := Fit(c.x, c.opt)
			if err == nil && m == nil {
				t.Errorf("%s: nil model and nil error", c.name)
			}
			return err
		}, c.want)
	}
	testutil.Refused(t, "SelectK no candidate", func() error { _, _, err := SelectK(x, nil, Options{}); return err }, "candidate")
	testutil.Refused(t, "SelectK K=0", func() error { _, _, err := SelectK(x, []int{2, 0}, Options{}); return err }, "K=0")
	testutil.Refused(t, "SelectK nil data", func() error { _, _, err := SelectK(nil, []int{2}, Options{}); return err }, "nil")
}

// KMeansPlusPlus refuses what it cannot seed from instead of panicking,
// returning fewer centres than asked or garbage centres from non-finite data.
func TestKMeansPlusPlusRefusesBadInput(t *testing.T) {
	x, _, _ := axisBlobs(5, 2)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name string
		x    *mat.Dense
		k    int
		rng  *rand.Rand
		want string
	}{
		{"nil data", nil, 2, rng, "nil"},
		{"no rows", &mat.Dense{}, 2, rng, "no rows"},
		{"k = 0", x, 0, rng, "k"},
		{"nil rng", x, 2, nil, "rng"},
		// NaN distances were never picked nor compared: [0 NaN 2 3] gave the centres 0, 3, 3.
		{"NaN data", mat.NewDense(4, 1, []float64{0, math.NaN(), 2, 3}), 3, rng, "non-finite value at row 1 column 0"},
		{"Inf data", mat.NewDense(2, 2, []float64{0, 1, 2, math.Inf(-1)}), 2, rng, "row 1 column 1"},
	} {
		testutil.Refused(t, c.name, func() error { _, err := KMeansPlusPlus(c.x, c.k, c.rng); return err }, c.want)
	}
	cs, err := KMeansPlusPlus(x, 3, rng)
	if err != nil || len(cs) != 3 {
		t.Fatalf("valid seeding: %d centres, %v", len(cs), err)
	}
}

// Evaluating a model refuses a nil model or data, data of another width and
// hand-built models whose fields disagree, with errors naming the field.
func TestModelMethodsRefuseBadInput(t *testing.T) {
	x, _, _ := axisBlobs(20, 3)
	fit, err := Fit(x, Options{K: 2, Cov: Diag, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	wide := mat.NewDense(3, 3, nil)
	nan := mat.NewDense(2, 2, []float64{0, math.NaN(), 1, 1})
	diag := func(mod func(m *Model)) *Model {
		m := &Model{K: 2, D: 2, Cov: Diag, Weights: []float64{0.5, 0.5},
			Means: [][]float64{{0, 0}, {1, 1}}, Vars: [][]float64{{1, 1}, {2, 2}}}
		mod(m)
		return m
	}
	models := []struct {
		name string
		m    *Model
		want string
	}{
		{"weights length", diag(func(m *Model) { m.Weights = m.Weights[:1] }), "weights"},
		{"negative weight", diag(func(m *Model) { m.Weights = []float64{1.5, -0.5} }), "weight"},
		{"NaN weight", diag(func(m *Model) { m.Weights = []float64{math.NaN(), 1} }), "weight"},
		{"means length", diag(func(m *Model) { m.Means = m.Means[:1] }), "means"},
		{"mean width", diag(func(m *Model) { m.Means[1] = []float64{1} }), "mean"},
		{"NaN mean", diag(func(m *Model) { m.Means[1][0] = math.NaN() }), "mean"},
		{"vars missing", diag(func(m *Model) { m.Vars = nil }), "variances"},
		{"zero variance", diag(func(m *Model) { m.Vars[0][1] = 0 }), "variance"},
		{"K = 0", diag(func(m *Model) { m.K = 0 }), "K"},
		{"D = 0", diag(func(m *Model) { m.D = 0 }), "D"},
		{"unknown covariance", diag(func(m *Model) { m.Cov = CovType(5) }), "covariance"},
		{"full without covariances", diag(func(m *Model) { m.Cov = Full }), "covariances"},
		{"full with a wrong-size covariance", diag(func(m *Model) {
			m.Cov, m.Covs = Full, []*mat.SymDense{mat.NewSymDense(2, []float64{1, 0, 0, 1}), mat.NewSymDense(3, nil)}
		}), "covariance"},
		{"full with an infinite covariance entry", diag(func(m *Model) {
			m.Cov, m.Covs = Full, []*mat.SymDense{mat.NewSymDense(2, []float64{1, 0, 0, 1}), mat.NewSymDense(2, []float64{math.Inf(1), 0, 0, 1})}
		}), "covariance"},
	}
	for _, c := range models {
		testutil.Refused(t, c.name+": LogProb", func() error { _, err := c.m.LogProb(x); return err }, c.want)
		testutil.Refused(t, c.name+": Predict", func() error { _, err := c.m.Predict(x); return err }, c.want)
		testutil.Refused(t, c.name+": DiagParams", func() error { _, _, _, err := c.m.DiagParams(); return err })
	}
	var none *Model
	testutil.Refused(t, "nil model", func() error { _, err := none.LogProb(x); return err }, "nil model")
	testutil.Refused(t, "nil model DiagParams", func() error { _, _, _, err := none.DiagParams(); return err }, "nil model")
	for name, f := range map[string]func(*mat.Dense) error{
		"ComponentLogProb": func(x *mat.Dense) error { _, err := fit.ComponentLogProb(x); return err },
		"LogProb":          func(x *mat.Dense) error { _, err := fit.LogProb(x); return err },
		"LogLikelihood":    func(x *mat.Dense) error { _, err := fit.LogLikelihood(x); return err },
		"Responsibilities": func(x *mat.Dense) error { _, err := fit.Responsibilities(x); return err },
		"Predict":          func(x *mat.Dense) error { _, err := fit.Predict(x); return err },
		"BIC":              func(x *mat.Dense) error { _, err := fit.BIC(x); return err },
	} {
		testutil.Refused(t, name+" nil data", func() error { return f(nil) }, "nil")
		testutil.Refused(t, name+" wrong width", func() error { return f(wide) }, "3 columns")
		testutil.Refused(t, name+" NaN data", func() error { return f(nan) }, "row 0 column 1")
	}
	testutil.Refused(t, "BIC no rows", func() error { _, err := fit.BIC(&mat.Dense{}); return err })
	// The fitted model still evaluates.
	if ll, err := fit.LogLikelihood(x); err != nil || math.IsNaN(ll) {
		t.Fatalf("valid model: %v %v", ll, err)
	}
}
