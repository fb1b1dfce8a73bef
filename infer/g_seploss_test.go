package infer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSepLossTermShapesAreInputErrors: a SepTerm whose expression does not
// fit the unknowns (coefficients per map, offset shape), whose weights are
// not one per target coefficient, or whose target is not one value per
// coefficient of its statistic is the caller's input, like the box bounds
// and the frozen mask: SepLoss.Eval's error matches ErrModelInput and names
// the term (they were plain errors, although ErrModelInput's doc counts
// SepLoss.Eval's "sizes that disagree"). Loss.Eval's target of another
// length than its statistic is one too.
func TestSepLossTermShapesAreInputErrors(t *testing.T) {
	const m = 16
	eng := cpu.New()
	op := NewBinnedPSOp(m, m, false)
	nk := op.Labels().Len()
	u := gMaps(m, 1, 2)
	good := func() *SepTerm {
		return &SepTerm{Name: "ps", Op: op, Expr: Expr{Coef: [][]float64{{1, 0}, {0.5, 0.5}}}, Target: make([]complex128, nk), Weight: make([]float64, nk)}
	}
	l := &SepLoss{Engine: eng, Terms: []*SepTerm{good()}}
	if _, _, _, err := l.Eval(u); err != nil {
		t.Fatalf("well-formed term: %v", err)
	}
	for _, c := range []struct {
		name string
		mod  func(tm *SepTerm)
		want string
	}{
		{"three coefficients for two unknowns", func(tm *SepTerm) { tm.Expr.Coef[1] = []float64{1, 2, 3} }, "coefficients"},
		{"offset of another size", func(tm *SepTerm) { tm.Expr.Offset = stlayer.NewMaps(2, m, m+1) }, "offset"},
		{"offset of another count", func(tm *SepTerm) { tm.Expr.Offset = stlayer.NewMaps(3, m, m) }, "offset"},
		{"weights shorter than the target", func(tm *SepTerm) { tm.Weight = tm.Weight[:nk-1] }, "weights"},
		{"target shorter than the statistic", func(tm *SepTerm) { tm.Target, tm.Weight = tm.Target[:nk-1], nil }, "coefficients"},
	} {
		tm := good()
		c.mod(tm)
		l := &SepLoss{Engine: eng, Terms: []*SepTerm{tm}}
		_, _, _, err := l.Eval(u)
		if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "ps") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an input error naming the term and %q", c.name, err, c.want)
		}
	}
	lt := &Loss{Engine: eng, Terms: []*Term{{Name: "ps", Op: op, Target: make([]complex128, nk+1)}}}
	if _, _, _, err := lt.Eval(u); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "target") {
		t.Errorf("Loss.Eval with a target longer than the statistic: %v; want an input error", err)
	}
	lt.Terms[0].Target = make([]complex128, nk)
	if _, _, _, err := lt.Eval(u); err != nil {
		t.Errorf("Loss.Eval well-formed: %v", err)
	}
}

// TestSeparateSwapsLossTerms pins Separate's doc: during a stage loss.Terms
// holds that stage's active terms only (what Progress and the objective
// see), and all terms again on return.
func TestSeparateSwapsLossTerms(t *testing.T) {
	const m = 16
	eng := cpu.New()
	op := NewBinnedPSOp(m, m, false)
	nk := op.Labels().Len()
	target := make([]complex128, nk)
	for k := range target {
		target[k] = complex(0.5, 0)
	}
	w := make([]float64, nk)
	for k := range w {
		w[k] = 1
	}
	a := &SepTerm{Name: "a", Op: op, Expr: Expr{Coef: [][]float64{{1}}}, Target: target, Weight: w}
	b := &SepTerm{Name: "b", Op: op, Expr: Expr{Coef: [][]float64{{2}}}, Target: target, Weight: w}
	loss := &SepLoss{Engine: eng, Terms: []*SepTerm{a, b}}
	var seen [][]string
	cfg := SepConfig{SynthConfig: SynthConfig{Progress: func(Progress) {
		var names []string
		for _, tm := range loss.Terms {
			names = append(names, tm.Name)
		}
		seen = append(seen, names)
	}}}
	_, _, err := Separate(context.Background(), loss, gMaps(m, 9), []Stage{{Terms: []int{1}, Steps: 2}, {Terms: []int{0, 1}, Steps: 2}}, 1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 2 || !slices.Equal(seen[0], []string{"b"}) || !slices.Equal(seen[len(seen)-1], []string{"a", "b"}) {
		t.Errorf("terms seen during the stages: %v; want [b] in stage 1, [a b] in stage 2", seen)
	}
	if len(loss.Terms) != 2 || loss.Terms[0] != a || loss.Terms[1] != b {
		t.Errorf("after Separate the loss has %d terms", len(loss.Terms))
	}
	// and after an error too (a stage naming no term is refused before;
	// a cancelled context stops the first epoch)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Separate(ctx, loss, gMaps(m, 9), []Stage{{Terms: []int{1}, Steps: 2}}, 1, SepConfig{}); err == nil {
		t.Error("cancelled: no error")
	}
	if len(loss.Terms) != 2 {
		t.Errorf("after a cancelled Separate the loss has %d terms", len(loss.Terms))
	}
}
