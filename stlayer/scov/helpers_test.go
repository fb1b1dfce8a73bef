package scov

import (
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// loadMap reads a 2D float32/float64 reference .npy map as a one-map batch.
func loadMap(t testing.TB, name string) *stlayer.Maps {
	t.Helper()
	return testutil.LoadMap(t, testutil.RefFile(t, name))
}

// loadNpy reads a float32/float64 reference .npy array as float64.
func loadNpy(t testing.TB, name string) []float64 {
	t.Helper()
	data, _ := testutil.NpyFloats(t, testutil.RefFile(t, name))
	return data
}

// directional returns ⟨∇ℒ(x), v⟩ from eng.LossGrad and its central
// difference (ℒ(x+εv) − ℒ(x−εv))/(2ε) with ε = 1e-5, for a one-map x, the
// statistic (key, s) and the loss lin evaluated on its coefficients.
func directional(t *testing.T, eng stlayer.Engine, key string, s stlayer.Stat, x, v *stlayer.Maps, lin stlayer.LossFunc) (dir, fd float64) {
	t.Helper()
	_, grad, err := eng.LossGrad(key, s, x, lin)
	if err != nil {
		t.Fatal(err)
	}
	for i := range grad {
		dir += grad[i] * v.Data[i]
	}
	const eps = 1e-5
	eval := func(sign float64) float64 {
		y := stlayer.NewMaps(1, x.M, x.N)
		for i := range y.Data {
			y.Data[i] = x.Data[i] + sign*eps*v.Data[i]
		}
		c, err := eng.Forward(key, s, y)
		if err != nil {
			t.Fatal(err)
		}
		l, _, _ := lin(c)
		return l
	}
	return dir, (eval(1) - eval(-1)) / (2 * eps)
}
