package infer_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ExampleRunSeparation denoises a 64² map d = s + n given samples of the
// noise, with the settings of `stkit separate` (isotropic WPH statistics plus
// the binned power spectrum, JMD data term, 10 + 50 L-BFGS steps in 4
// epochs, batch = min(samples, 20)).
func ExampleRunSeparation() {
	const m = 64
	s, _ := datasets.GaussianRandomField(m, m, -3, 1)
	for i, v := range s {
		s[i] = math.Exp(v / 2) // a positive, skewed field
	}
	_, sd, _, _ := infer.Moments(s)
	rng := rand.New(rand.NewPCG(2, 3))
	noise := func() []float64 {
		x := make([]float64, m*m)
		for i := range x {
			x[i] = sd * rng.NormFloat64()
		}
		return x
	}
	d := &stlayer.Maps{B: 1, M: m, N: m, Data: noise()}
	for i := range d.Data {
		d.Data[i] += s[i]
	}
	samples := stlayer.NewMaps(10, m, m)
	for b := 0; b < samples.B; b++ {
		copy(samples.Map(b), noise())
	}

	ss, err := infer.NewSepStats(stats.Spec{Kind: stats.WPH, L: 4, Iso: true}, m, m, true)
	if err != nil {
		panic(err)
	}
	p := &infer.SeparationProblem{Data: d, Noise: samples, Stats: ss}
	res, err := infer.RunSeparation(context.Background(), cpu.New(), p, infer.SeparationOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	truth := &stlayer.Maps{B: 1, M: m, N: m, Data: s}
	met, err := infer.EvaluateSeparation(d, res.S, samples, truth)
	if err != nil {
		panic(err)
	}
	fmt.Printf("s̃ is [%d, %d, %d]; pixel correlation with s above the data's: %v\n",
		res.S.B, res.S.M, res.S.N, met.PixelCorr > met.PixelCorrData)
	// Output: s̃ is [1, 64, 64]; pixel correlation with s above the data's: true
}
