package infer

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

func randMaps(b, m, n int, seed uint64, scale, shift float64) *stlayer.Maps {
	rng := rand.New(rand.NewPCG(seed, 9))
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = shift + scale*rng.NormFloat64()
	}
	return x
}

// toySeparation builds d = s + c with the moment statistic and three terms:
// data (BR form, the true c as the only sample), contaminant, and a prior-like
// term on s, all zero at the truth.
func toySeparation(t *testing.T) (*SepLoss, *stlayer.Maps, *stlayer.Maps) {
	eng := &momentEngine{}
	s := randMaps(1, 6, 6, 1, 1, 2)
	c := randMaps(1, 6, 6, 2, 0.5, -1)
	d := stlayer.NewMaps(1, 6, 6)
	negD := stlayer.NewMaps(1, 6, 6)
	for i := range d.Data {
		d.Data[i] = s.Data[i] + c.Data[i]
		negD.Data[i] = d.Data[i]
	}
	phiD, _, _ := StatsOf(eng, momentOp{}, d)
	phiC, _, _ := StatsOf(eng, momentOp{}, c)
	phiS, _, _ := StatsOf(eng, momentOp{}, s)
	loss := &SepLoss{Engine: eng, Terms: []*SepTerm{
		{Name: "data", Op: momentOp{}, Expr: Expr{Coef: [][]float64{{1}}, Offset: c}, Target: phiD, Scale: 1},
		{Name: "contaminant", Op: momentOp{}, Expr: Expr{Coef: [][]float64{{-1}}, Offset: negD}, Target: phiC, Scale: 2},
		{Name: "prior", Op: momentOp{}, Expr: Expr{Coef: [][]float64{{1}}}, Target: phiS, Scale: 0.5},
	}}
	return loss, s, d
}

func TestSepLossZeroAtTruthMoments(t *testing.T) {
	loss, s, _ := toySeparation(t)
	f, parts, _, err := loss.Eval(s)
	if err != nil {
		t.Fatal(err)
	}
	if f > 1e-20 {
		t.Errorf("loss at the truth = %g (parts %v), want 0", f, parts)
	}
}

func TestSepLossGradientFD(t *testing.T) {
	loss, s, d := toySeparation(t)
	loss.BoxLo = stlayer.NewMaps(1, 6, 6)
	loss.BoxHi = d
	loss.BoxWeight = 3
	u := randMaps(1, 6, 6, 5, 1, 0)
	f, _, g, err := loss.Eval(u)
	if err != nil {
		t.Fatal(err)
	}
	_ = s
	for _, i := range []int{0, 7, 19, 35} {
		const h = 1e-6
		up := &stlayer.Maps{B: 1, M: 6, N: 6, Data: append([]float64(nil), u.Data...)}
		um := &stlayer.Maps{B: 1, M: 6, N: 6, Data: append([]float64(nil), u.Data...)}
		up.Data[i] += h
		um.Data[i] -= h
		fp, _, _, _ := loss.Eval(up)
		fm, _, _, _ := loss.Eval(um)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: gradient %g, finite difference %g (f=%g)", i, g[i], fd, f)
		}
	}
}

func TestSeparateStagesAndFrozen(t *testing.T) {
	loss, _, d := toySeparation(t)
	frozen := make([]bool, 36)
	frozen[3] = true
	loss.Frozen = frozen
	calls := 0
	var stagesSeen []int
	loss.Terms[0].Update = func(u *stlayer.Maps, rng *rand.Rand, stage int) error {
		calls++
		stagesSeen = append(stagesSeen, stage)
		return nil
	}
	epochs := 0
	cfg := SepConfig{OnEpoch: func(stage, epoch int, active []*SepTerm) { epochs++ }}
	u, res, err := Separate(context.Background(), loss, d, []Stage{{Terms: []int{0}, Steps: 20}, {Terms: []int{0, 1, 2}, Steps: 50, Epochs: 2}}, 1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || calls != 3 || epochs != 3 {
		t.Fatalf("epochs run %d, updates %d, hooks %d; want 3 each", len(res), calls, epochs)
	}
	if stagesSeen[0] != 0 || stagesSeen[1] != 1 || stagesSeen[2] != 1 {
		t.Errorf("updates saw stages %v, want [0 1 1]", stagesSeen)
	}
	if u.Data[3] != d.Data[3] {
		t.Error("frozen pixel moved")
	}
	if res[2].Loss > 1e-2*res[1].InitialLoss {
		t.Errorf("stage 2 did not reduce the loss: %g → %g", res[1].InitialLoss, res[2].Loss)
	}
	if len(loss.Terms) != 3 {
		t.Error("Separate did not restore the term list")
	}
}

func TestCrossSpectrumR(t *testing.T) {
	a := randMaps(1, 32, 32, 3, 1, 0).Data
	_, r := CrossSpectrumR(a, a, 32, 32)
	for i, v := range r {
		if math.Abs(v-1) > 1e-9 {
			t.Errorf("r(a,a) bin %d = %g", i, v)
		}
	}
	neg := make([]float64, len(a))
	for i := range a {
		neg[i] = -2 * a[i]
	}
	_, r = CrossSpectrumR(a, neg, 32, 32)
	for i, v := range r {
		if math.Abs(v+1) > 1e-9 {
			t.Errorf("r(a,−2a) bin %d = %g", i, v)
		}
	}
}
