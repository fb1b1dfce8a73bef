package datasets

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Features.Mean and Std are the per-feature mean and sample standard
// deviation (divisor n − 1); a constant feature gets its value as mean and
// std 1, so Normalised maps it to 0 (before, seven patches of one value 0.1
// averaged to 0.10000000000000002 with a std of 1.5e-17, and the feature
// z-scored to −0.93 on every patch).
func TestFeatureStatsConventions(t *testing.T) {
	const n, d = 7, 3
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		x[i*d+0] = 0.1              // constant
		x[i*d+1] = float64(i + 1)   // 1 … 7
		x[i*d+2] = 3.3 * float64(i) // 0 … 19.8
	}
	mean, std := columnStats(x, d)
	if mean[0] != 0.1 || std[0] != 1 {
		t.Errorf("constant column 0.1: mean %v, std %v; want 0.1 and 1", mean[0], std[0])
	}
	// 1 … 7: mean 4, Σ(x−4)² = 28, sample variance 28/6.
	if math.Abs(mean[1]-4) > 1e-15 || math.Abs(std[1]-math.Sqrt(28.0/6)) > 1e-14 {
		t.Errorf("column 1…7: mean %v, std %v; want 4 and sqrt(28/6) = %v", mean[1], std[1], math.Sqrt(28.0/6))
	}
	if w := 3.3 * math.Sqrt(28.0/6); math.Abs(std[2]-w) > 1e-13 || math.Abs(mean[2]-9.9) > 1e-13 {
		t.Errorf("column 3.3·(0…6): mean %v, std %v; want 9.9 and %v", mean[2], std[2], w)
	}
	f := &Features{Manifest: &DatasetManifest{N: n, Dim: d}, X: x, Mean: mean, Std: std}
	z := f.Normalised()
	for i := 0; i < n; i++ {
		if z[i*d] != 0 {
			t.Errorf("patch %d: constant feature z-scored to %v, want 0", i, z[i*d])
		}
		if w := float32((float64(i+1) - 4) / math.Sqrt(28.0/6)); math.Abs(float64(z[i*d+1]-w)) > 1e-6 {
			t.Errorf("patch %d: feature 1 z-scored to %v, want %v", i, z[i*d+1], w)
		}
	}
	// One patch: every feature is constant.
	mean, std = columnStats([]float64{2.5, -1}, 2)
	if mean[0] != 2.5 || mean[1] != -1 || std[0] != 1 || std[1] != 1 {
		t.Errorf("one patch: mean %v, std %v; want [2.5 -1] and [1 1]", mean, std)
	}

	// BuildFeatures: norm.json holds the sample std of each column of X,
	// and chunk 0 means 64 patches per chunk.
	m := stlayer.NewMaps(1, 64, 64)
	g, _ := GaussianRandomField(64, 64, -2, 3)
	copy(m.Map(0), g)
	cfg := PatchConfig{Size: 16, Stride: 8}
	ps, err := CutPatches([]Source{{Name: "g", Maps: m}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ft, err := BuildFeatures(dir, ps, cfg, stats.Spec{Kind: stats.WST, J: 2, L: 4}, cpu.New(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ft.Manifest.ChunkSize != 64 {
		t.Errorf("chunk 0: ChunkSize %d, want 64", ft.Manifest.ChunkSize)
	}
	ld, err := LoadFeatures(dir)
	if err != nil {
		t.Fatal(err)
	}
	N, D := ft.Manifest.N, ft.Manifest.Dim
	for k := 0; k < D; k++ {
		mu, ss := 0.0, 0.0
		for i := 0; i < N; i++ {
			mu += ft.X[i*D+k]
		}
		mu /= float64(N)
		for i := 0; i < N; i++ {
			ss += (ft.X[i*D+k] - mu) * (ft.X[i*D+k] - mu)
		}
		sd := math.Sqrt(ss / float64(N-1))
		if math.Abs(ld.Mean[k]-mu) > 1e-12*(1+math.Abs(mu)) || math.Abs(ld.Std[k]-sd) > 1e-9*sd {
			t.Errorf("feature %d: norm.json mean %v std %v; want %v and sample std %v", k, ld.Mean[k], ld.Std[k], mu, sd)
		}
	}
}
