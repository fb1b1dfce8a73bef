package datasets_test

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestMoisanSynthesisNoFacets: the periodic statistics of a cut patch
// record its edge jump, and a synthesis matching them draws it as facets
// (straight-edged cells) inside the map; the statistics of the patch's
// periodic component (PeriodicComponent, PatchConfig Window "moisan") do
// not. Target: the 32×32 corner of a 64×64 Gaussian random field (P ∝
// k⁻³); periodic isotropic scattering covariance J = 3, 2 maps from white
// noise, 100 L-BFGS steps; facets measured by the excess kurtosis of the
// interior pixel differences (rows and columns [4, 28)), 0 for a Gaussian
// field. Measured (seeds 1, 2): raw cut 8.53, 7.92 / 1.46, 1.40; periodic
// component −0.38, −0.25 / −0.03, 0.07 (targets: cuts −0.15 / 0.02, their
// periodic components −0.09 / 0.00). Asserts
// |k| ≤ 0.8 for the periodic component and k ≥ 1 for the raw cut (the test
// still discriminates).
func TestMoisanSynthesisNoFacets(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		g, err := datasets.GaussianRandomField(64, 64, -3, seed)
		if err != nil {
			t.Fatal(err)
		}
		const n, c = 32, 4
		cut := stlayer.NewMaps(1, n, n)
		for i := 0; i < n; i++ {
			copy(cut.Data[i*n:(i+1)*n], g[i*64:i*64+n])
		}
		per, err := datasets.PeriodicComponent(cut)
		if err != nil {
			t.Fatal(err)
		}
		eng := cpu.New()
		for _, moisan := range []bool{false, true} {
			target := cut
			if moisan {
				target = per
			}
			op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true}.WithDefaults(n, n), eng, target)
			if err != nil {
				t.Fatal(err)
			}
			cfg := infer.GenerateConfig{K: 2, Seed: 5, Init: infer.InitWhiteNoise, SynthConfig: infer.SynthConfig{Steps: 100}}
			loss, err := infer.NewSynthLoss(eng, "scov", op, target, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := infer.Generate(context.Background(), loss, target, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var ks []float64
			for b := 0; b < res.Maps.B; b++ {
				ks = append(ks, testutil.InteriorDiffKurtosis(res.Maps.Map(b), n, n, c))
			}
			t.Logf("seed %d moisan %v (target %.2f): loss %.3g → %.3g, interior difference kurtosis %.2f", seed, moisan, testutil.InteriorDiffKurtosis(target.Data, n, n, c), res.InitialLoss, res.Loss, ks)
			for _, k := range ks {
				if moisan && math.Abs(k) > 0.8 {
					t.Errorf("seed %d: synthesis from the periodic component: interior difference kurtosis %.2f, want |k| ≤ 0.8", seed, k)
				}
				if !moisan && k < 1 {
					t.Errorf("seed %d: synthesis from the raw cut: interior difference kurtosis %.2f: the facets this test guards against are gone (want ≥ 1); the test no longer discriminates", seed, k)
				}
			}
		}
	}
}
