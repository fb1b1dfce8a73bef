package scov

import (
	"math/cmplx"
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

// rotatedCoeffs evaluates op on x and on xr (x rotated by 90°, so every
// orientation l moves by L/2) and returns both vectors, xr's permuted into
// x's coefficient order: a rotation-covariant statistic gives equal vectors.
// The linear-phase factors (C01's l2, C11's l3) turn by π for l < L/2,
// hence a conjugate.
func rotatedCoeffs(t *testing.T, eng stlayer.Engine, op *Op, x, xr *stlayer.Maps) (a, b, perm []complex128) {
	t.Helper()
	L := op.Config().L
	ca, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := eng.Forward(op.Key(), op.Stat(), xr)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	idx, conjs := testutil.MovedIndex(t, lab, func(class string, vals map[string]int) (conj bool) {
		for _, c := range []string{"l1", "l2", "l3"} {
			if v := vals[c]; v >= 0 {
				vals[c] = (v + L/2) % L
				linear := (class == "C01" && c == "l2") || (class == "C11" && c == "l3")
				if linear && v < L/2 {
					conj = !conj
				}
			}
		}
		return conj
	})
	perm = make([]complex128, lab.Len())
	for i, j := range idx {
		perm[i] = cb.Data[j]
		if conjs[i] {
			perm[i] = cmplx.Conj(perm[i])
		}
	}
	return ca.Data, cb.Data, perm
}
