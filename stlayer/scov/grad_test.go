package scov

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestChengGradParity: ∂/∂x Σ(for_synthesis_iso)² with use_ref (ref = x,
// held constant), normalization 'P00', against Cheng's autograd (float32).
// Tolerance: per pixel 1e-4 of the largest |gradient| plus 1e-4 relative; the
// relative L2 error of the whole gradient must be < 1e-5.
func TestChengGradParity(t *testing.T) {
	x := loadMap(t, "dust256.npy")
	want := loadNpy(t, "cheng_scattering_cov_iso_J6_L4_dust256_grad_sumsq.npy")
	op, err := New(DefaultConfig(), 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	ref, err := op.NewRef(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	s, err := op.SynthesisIso(ref)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := eng.LossGrad(s.Key(), s.Stat(), x, stlayer.SumRe2)
	if err != nil {
		t.Fatal(err)
	}
	var num, den, gmax float64
	for i := range want {
		d := got[i] - want[i]
		num += d * d
		den += want[i] * want[i]
		gmax = math.Max(gmax, math.Abs(want[i]))
	}
	relL2 := math.Sqrt(num / den)
	t.Logf("gradient relative L2 error %.3e (max |grad| %.3e)", relL2, gmax)
	if relL2 > 1e-5 {
		t.Errorf("gradient relative L2 error %.3e > 1e-5", relL2)
	}
	bad := 0
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-4*gmax+1e-4*math.Abs(want[i]) {
			if bad < 5 {
				t.Errorf("grad[%d] = %g, want %g", i, got[i], want[i])
			}
			bad++
		}
	}
}
