package infer_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/cmplx"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ExampleSynthesize synthesises two maps with the statistics of a 32² target
// in one call, as `stkit synth target.npy -n 2 --steps 40` does (a real
// target comes from datasets.ReadMaps("target.npy")), and measures how close
// their statistic came to the target's.
func ExampleSynthesize() {
	const m = 32
	s, err := datasets.GaussianRandomField(m, m, -3, 1)
	if err != nil {
		log.Fatal(err)
	}
	for i, v := range s {
		s[i] = math.Exp(v / 2) // a positive, skewed field
	}
	target := &stlayer.Maps{B: 1, M: m, N: m, Data: s}

	eng := cpu.New()
	// stkit synth's default statistic for a 32² map: the isotropic
	// scattering-covariance synthesis vector, J = log2(32) − 1 = 4,
	// normalised by the target's P00 (BuildWithRef).
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 4, Synthesis: true, Iso: true}, eng, target)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := infer.Preset(infer.PresetQuality, 2, 1) // 2 maps, seed 1
	if err != nil {
		log.Fatal(err)
	}
	cfg.Steps = 40
	res, loss, err := infer.Synthesize(context.Background(), eng, op, target, cfg)
	if err != nil {
		log.Fatal(err)
	}
	// res.Maps is [2, 32, 32]: datasets.WriteMaps("synth.npy", res.Maps)
	// writes them. Φ of the syntheses against Φ of the target:
	c, err := eng.Forward(op.Key(), op.Stat(), res.Maps)
	if err != nil {
		log.Fatal(err)
	}
	worst := 0.0
	for b := 0; b < c.B; b++ {
		for k, v := range c.Row(b) {
			worst = math.Max(worst, cmplx.Abs(v-loss.Terms[0].Target[k]))
		}
	}
	fmt.Printf("%d syntheses of %d×%d, %d coefficients (%s)\n", res.Maps.B, res.Maps.M, res.Maps.N, c.K, loss.Terms[0].Name)
	fmt.Println("loss fell more than 100-fold:", res.Loss < res.InitialLoss/100)
	fmt.Println("every |Φ_k(x̃) − Φ_k(target)| < 0.1:", worst < 0.1)
	// Output:
	// 2 syntheses of 32×32, 369 coefficients (scov)
	// loss fell more than 100-fold: true
	// every |Φ_k(x̃) − Φ_k(target)| < 0.1: true
}
