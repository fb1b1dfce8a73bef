package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// SamplePrior's doc said only "PCG seeded by seed"; the stream is (seed, k). The latents are
// μ_kj + float32(σ_kj·g) with g drawn row by row from PCG(seed, k), bit for bit, so one seed gives
// each cluster its own draws.
func TestSamplePriorStream(t *testing.T) {
	cfg := tinyCfg()
	m, err := New(gomlxtest.Backend(t), cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	mu, v, err := m.PriorParams()
	if err != nil {
		t.Fatal(err)
	}
	const n, seed = 5, 11
	Z := cfg.Z
	for k := 0; k < cfg.K; k++ {
		_, z, err := m.SamplePrior(k, n, seed)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		for i := 0; i < n*Z; i++ {
			j := i % Z
			want := mu[k*Z+j] + float32(math.Sqrt(float64(v[k*Z+j]))*rng.NormFloat64())
			if z[i] != want {
				t.Fatalf("cluster %d latent %d: %g, want %g (PCG(%d, %d))", k, i, z[i], want, seed, k)
			}
		}
	}
}
