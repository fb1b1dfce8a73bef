package infer

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ExampleSampleComponent is the library's `stkit sample MODELS -k 0 -n 2`:
// LoadModels reads a model folder written by `stkit export` (ExportModels;
// here a tiny one-component folder of 16² patches made for the example
// without a VAE, exampleModelFolder), and SampleComponent draws maps whose
// statistic follows the component's. SampleOptions' zero Init is white
// noise: Init = InitGRF starts as stkit sample does.
func ExampleSampleComponent() {
	dir, err := os.MkdirTemp("", "models")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := exampleModelFolder(filepath.Join(dir, "models")); err != nil {
		panic(err)
	}

	ms, err := LoadModels(filepath.Join(dir, "models"))
	if err != nil {
		panic(err)
	}
	c, err := ms.Component(0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d component(s), statistic %s on %d² patches, %d coefficients, %d decoded samples\n",
		len(ms.Components), ms.Manifest.Spec, ms.Manifest.PatchSize, ms.Manifest.NCoeffs, c.S)

	opt := SampleOptions{N: 2, Seed: 1, Init: InitGRF, SynthConfig: SynthConfig{Steps: 30}}
	res, err := SampleComponent(context.Background(), cpu.New(), ms, 0, opt)
	if err != nil {
		panic(err)
	}
	fmt.Printf("maps [%d, %d, %d]\n", res.Maps.B, res.Maps.M, res.Maps.N)
	for b, r := range res.Results {
		fmt.Printf("map %d: loss down more than 10×: %v\n", b, r.Loss < r.InitialLoss/10) // loss ≈ 0.01 and 0.001 of the start
	}
	// Output:
	// 1 component(s), statistic wst J=2 L=4 wavelet=morlet norm=none pad=periodic on 16² patches, 113 coefficients, 24 decoded samples
	// maps [2, 16, 16]
	// map 0: loss down more than 10×: true
	// map 1: loss down more than 10×: true
}

// exampleModelFolder writes a one-component model folder of the WST (J =
// 2, L = 4) of 16² patches of a k^−3 Gaussian random field, as ExportModels
// would from a run that put every patch in one cluster; its "decoded
// samples" are the patches' own feature vectors.
func exampleModelFolder(dir string) error {
	const p, n = 16, 24
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}.WithDefaults(p, p)
	op, err := stats.Build(spec, p, p)
	if err != nil {
		return err
	}
	patches := stlayer.NewMaps(n, p, p)
	for b := 0; b < n; b++ {
		g, err := datasets.GaussianRandomField(p, p, -3, uint64(100+b))
		if err != nil {
			return err
		}
		copy(patches.Map(b), g)
	}
	co, err := cpu.New().Forward(op.Key(), op.Stat(), patches)
	if err != nil {
		return err
	}
	lb := op.Labels()
	nc := lb.Len()
	cols := make([]datasets.FeatureColumn, nc)
	feat := make([]float64, 0, n*nc)
	for b := 0; b < n; b++ {
		for k, v := range co.Row(b) {
			feat = append(feat, real(v))
			cols[k] = datasets.FeatureColumn{Coeff: k, Part: "re", Name: lb.String(k) + "_re"}
		}
	}
	mean, std, _ := rowStats(feat, n, nc, false)
	var pixels []float64
	var ps []*PowerSpectrum
	for b := 0; b < n; b++ {
		pixels = append(pixels, patches.Map(b)...)
		ps = append(ps, IsoPowerSpectrum(patches.Map(b), p, p))
	}
	nb := len(ps[0].P)
	c := &ComponentModel{Mean: mean, Std: std, Samples: feat, S: n, DataMean: mean, DataStd: std,
		PS: make([]float64, nb), PSK: ps[0].K, PSLogMean: make([]float64, nb), PSLogStd: make([]float64, nb)}
	for i := range nb {
		var lp []float64
		for _, s := range ps {
			c.PS[i] += s.P[i] / n
			lp = append(lp, math.Log(s.P[i]))
		}
		c.PSLogMean[i], c.PSLogStd[i], _, _ = Moments(lp)
	}
	c.PixelMoments[0], c.PixelMoments[1], c.PixelMoments[2], c.PixelMoments[3] = Moments(pixels)
	man := &ModelManifest{Spec: spec, PatchSize: p, NCoeffs: nc,
		Labels:              ModelLabels{Columns: lb.Columns, Class: lb.Class, Rows: lb.Rows, Values: lb.Values},
		Features:            ModelFeatures{Dim: nc, Columns: cols, Mean: mean, Std: std},
		Clusters:            []ModelCluster{{K: 0, Weight: 1, Count: n, File: "component_0.npz", PSFrom: "cluster"}},
		SamplesPerComponent: n, Seed: 1, Latent: LatentPosterior, PSBinEdges: ps[0].Edges}
	return (&ModelSet{Manifest: man, Components: []*ComponentModel{c}}).Write(dir)
}
