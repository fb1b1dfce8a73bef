package train

import (
	"math"
	"math/rand/v2"

	_ "github.com/stkit-org/stkit/internal/gomlxfix"
)

// blobs draws perCluster points from each of k isotropic Gaussian blobs in d dimensions with centres
// at distance sep (random directions) and unit standard deviation, then z-scores every column.
func blobs(k, perCluster, d int, sep float64, seed uint64) (Data, []int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	centres := make([][]float64, k)
	for c := range centres {
		v := make([]float64, d)
		norm := 0.0
		for j := range v {
			v[j] = rng.NormFloat64()
			norm += v[j] * v[j]
		}
		for j := range v {
			v[j] *= sep / math.Sqrt(norm)
		}
		centres[c] = v
	}
	n := k * perCluster
	x := make([]float64, n*d)
	labels := make([]int, n)
	perm := rng.Perm(n)
	for i := 0; i < n; i++ {
		c := perm[i] % k
		labels[i] = c
		for j := 0; j < d; j++ {
			x[i*d+j] = centres[c][j] + rng.NormFloat64()
		}
	}
	out := make([]float32, n*d)
	for j := 0; j < d; j++ {
		m, s := 0.0, 0.0
		for i := 0; i < n; i++ {
			m += x[i*d+j]
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			s += (x[i*d+j] - m) * (x[i*d+j] - m)
		}
		s = math.Sqrt(s / float64(n))
		for i := 0; i < n; i++ {
			out[i*d+j] = float32((x[i*d+j] - m) / s)
		}
	}
	return Data{X: out, N: n, D: d}, labels
}
