package infer_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ExampleGenerate synthesises a new map with the statistics of one target
// map, as `stkit synth target.npy --steps 50 -o synth.npy` does: read the
// map, build the statistic with the target as its reference (stats.BuildWithRef:
// the CLI's choice, Cheng's use_ref), make the loss (NewSynthLoss: the
// statistic term plus the preset's power-spectrum and histogram terms),
// minimise it from a random start (Generate), write the result.
// "target.npy" stands for your own map, written first.
func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "stkit-synth-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	const m = 64
	s, err := datasets.GaussianRandomField(m, m, -3, 1)
	if err != nil {
		log.Fatal(err)
	}
	for i, v := range s {
		s[i] = math.Exp(v / 2) // a positive, skewed field
	}
	if err := datasets.WriteMaps(filepath.Join(dir, "target.npy"), &stlayer.Maps{B: 1, M: m, N: m, Data: s}); err != nil {
		log.Fatal(err)
	}

	target, err := datasets.ReadMaps(filepath.Join(dir, "target.npy")) // [B, M, N]: B = 1 here
	if err != nil {
		log.Fatal(err)
	}
	eng := cpu.New()
	// stkit synth's default statistic: the isotropic scattering-covariance
	// synthesis vector with J = log2(min(M, N)) − 1 (synth's default;
	// Spec.WithDefaults alone gives log2 − 2), its C01 and C11 normalised by
	// the target's P00. The operator is built for the target's size.
	spec := stats.Spec{Kind: stats.SCov, J: 5, Synthesis: true, Iso: true}
	op, err := stats.BuildWithRef(spec, eng, target)
	if err != nil {
		log.Fatal(err)
	}
	// The default preset (GRF start, --ps 1, --hist 10, one L-BFGS per map)
	// for 1 map and seed 1, cut to 50 iterations. NewSynthLoss reads the
	// weights from cfg, Generate the start, K and the optimiser settings:
	// give both the same cfg and target.
	cfg, err := infer.Preset(infer.PresetQuality, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	cfg.Steps = 50
	loss, err := infer.NewSynthLoss(eng, string(spec.Kind), op, target, cfg)
	if err != nil {
		log.Fatal(err)
	}
	res, err := infer.Generate(context.Background(), loss, target, cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := datasets.WriteMaps(filepath.Join(dir, "synth.npy"), res.Maps); err != nil {
		log.Fatal(err)
	}

	// The synthesis, read back, measured with the same operator.
	x, err := datasets.ReadMaps(filepath.Join(dir, "synth.npy"))
	if err != nil {
		log.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		log.Fatal(err)
	}
	worst := 0.0
	for k, v := range c.Row(0) {
		worst = math.Max(worst, cmplx.Abs(v-loss.Terms[0].Target[k])) // Target: Φ of the target map
	}
	_, sdT, _, _ := infer.Moments(target.Data)
	_, sdX, _, _ := infer.Moments(x.Data)
	fmt.Printf("synthesis [%d, %d, %d], %d coefficients, terms %s, %s, %s\n",
		x.B, x.M, x.N, c.K, loss.Terms[0].Name, loss.Terms[1].Name, loss.Pixel[0].Name())
	fmt.Println("loss fell more than 100-fold:", res.Loss < res.InitialLoss/100)
	fmt.Println("every |Φ_k(x̃) − Φ_k(target)| < 0.1:", worst < 0.1)
	fmt.Println("pixel std within 1 % of the target's:", math.Abs(sdX/sdT-1) < 0.01)
	// Output:
	// synthesis [1, 64, 64], 631 coefficients, terms scov, power spectrum, histogram
	// loss fell more than 100-fold: true
	// every |Φ_k(x̃) − Φ_k(target)| < 0.1: true
	// pixel std within 1 % of the target's: true
}
