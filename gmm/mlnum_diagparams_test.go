package gmm

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// DiagParams converted a valid float64 mean beyond float32's range to ±Inf (1e39 → +Inf), so that
// component's in-graph log-densities were NaN or −Inf at every point, with no error. It now refuses
// such a model, naming the component and coordinate; a mean at float32's largest value, tiny and
// huge variances and tiny weights still convert to finite parameters.
func TestDiagParamsFloat32Range(t *testing.T) {
	model := func(mu float64) *Model {
		return &Model{K: 2, D: 2, Cov: Diag, Weights: []float64{1e-300, 1 - 1e-300},
			Means: [][]float64{{0, 1}, {-2, mu}}, Vars: [][]float64{{1e-300, 1}, {1e300, 2}}}
	}
	for _, mu := range []float64{1e39, -1e300, math.MaxFloat32 * (1 + 0x1p-23)} {
		testutil.Refused(t, "DiagParams", func() error { _, _, _, err := model(mu).DiagParams(); return err },
			"mean 1 coordinate 1", "float32", "rescale")
	}
	for _, mu := range []float64{math.MaxFloat32, -math.MaxFloat32, 3} {
		means, logvars, logits, err := model(mu).DiagParams()
		if err != nil {
			t.Fatalf("mean %g: %v", mu, err)
		}
		for _, v := range append(append(append([]float32(nil), means...), logvars...), logits...) {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("mean %g: parameters %v %v %v hold %g", mu, means, logvars, logits, v)
			}
		}
		if float64(means[3]) != float64(float32(mu)) || math.Abs(float64(logvars[0])-math.Log(1e-300)) > 1e-4 || math.Abs(float64(logits[0])-math.Log(1e-300)) > 1e-4 {
			t.Errorf("mean %g: means %v logvars %v logits %v", mu, means, logvars, logits)
		}
	}
}
