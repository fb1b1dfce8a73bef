package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestSynthLossTargetOfASet pins the target of a set of maps: the mean of Φ
// over the target maps, matched by every synthesised map on its own (the
// loss of a batch is the sum of its maps' losses, not a constraint on the
// batch mean of Φ).
func TestSynthLossTargetOfASet(t *testing.T) {
	eng := &momentEngine{}
	target := stlayer.NewMaps(2, 8, 8)
	for i := range target.Data {
		target.Data[i] = math.Sin(0.7*float64(i)) + float64(i/64)
	}
	loss, err := NewSynthLoss(eng, "moments", momentOp{}, target, GenerateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := eng.Forward("", nil, target)
	for k, v := range loss.Terms[0].Target {
		if want := (c.Row(0)[k] + c.Row(1)[k]) / 2; v != want {
			t.Errorf("target coefficient %d = %v, want the mean %v", k, v, want)
		}
	}
	x, _ := InitialMaps(InitWhiteNoise, target, 2, 3)
	both, _, _, err := loss.Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for b := 0; b < 2; b++ {
		f, _, _, err := loss.Eval(&stlayer.Maps{B: 1, M: 8, N: 8, Data: x.Map(b)})
		if err != nil {
			t.Fatal(err)
		}
		sum += f
	}
	if math.Abs(both-sum) > 1e-14*sum {
		t.Errorf("loss of 2 maps %g, sum of their losses %g", both, sum)
	}
	// The batch of the two target maps themselves is not at the minimum: each
	// map is pulled to the mean.
	if f, _, _, _ := loss.Eval(target); !(f > 0) {
		t.Errorf("loss of the target maps %g, want > 0 (each differs from the mean)", f)
	}
}
