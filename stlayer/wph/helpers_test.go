package wph

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// refCoeffs reads a complex64 reference .npy array as complex128.
func refCoeffs(t testing.TB, name string) []complex128 {
	t.Helper()
	var c []complex64
	testutil.ReadNpy(t, testutil.RefFile(t, name), &c)
	return testutil.Complex128s(c)
}

// classErrors returns, per class, the largest |got−want|/|want| and the largest
// |got−want|/scale with scale = max |want| of the class.
func classErrors(lb *stlayer.Labels, got, want []complex128) (rel, absScaled map[string]float64, scale map[string]float64) {
	rel, absScaled, scale = map[string]float64{}, map[string]float64{}, map[string]float64{}
	for i, w := range want {
		scale[lb.Class[i]] = math.Max(scale[lb.Class[i]], cmplx.Abs(w))
	}
	for i, w := range want {
		c := lb.Class[i]
		d := cmplx.Abs(got[i] - w)
		rel[c] = math.Max(rel[c], d/cmplx.Abs(w))
		absScaled[c] = math.Max(absScaled[c], d/scale[c])
	}
	return
}
