// Package stkit is the documentation root of the stkit module: a toolkit
// for scattering-transform statistics of astrophysical maps. It holds no
// code; this page maps the module's packages to its four jobs and names
// the entry point of each. Every job is also a command of the CLI,
// cmd/stkit (`go build ./cmd/stkit` in the repository, then `stkit help`),
// whose flags the library's options mirror.
//
// # Maps
//
// Maps are host batches stlayer.Maps [B, M, N] of float64, row-major.
// datasets.ReadMaps reads .npy, .npz ("file.npz:member") and FITS files
// into one, datasets.WriteMaps writes one atomically; datasets also makes
// synthetic fields (GaussianRandomField, LogNormalField, …) and checks maps
// for a statistic (datasets.ValidateMapsFor: any size from 2^(J+1) pixels a
// side, even sides for the global wst, scov and spectra; datasets.ValidateMaps
// keeps the stricter sides divisible by 2^J). Example:
// datasets.ExampleReadMaps.
//
// # Measure: statistics of maps (stkit stats)
//
// Package stlayer/stats is the front door: a stats.Spec names a statistic
// (Kind "wst", "wph", "scov" or "spectra"; J, L and options as the
// command's flags), stats.BuildWithRef(spec, eng, x) builds its operator
// for the maps' size, stats.Forward(eng, op, x) returns the coefficients
// (stlayer.Coeffs [B, K, H, W]) and the label table of their rows.
//
// The engine evaluates the statistic: cpu.New() (package stlayer/cpu, plain
// Go, float64) on a CPU, or graph.New(b) (package stlayer/graph, GoMLX
// graphs, float32) on a GoMLX backend b from graph.NewBackend, which takes
// the CLI's --backend strings ("go:ops_sequential" on a small machine,
// "xla:cuda" or the absolute path of a PJRT plugin on a GPU). Engines are
// safe for concurrent use. The families themselves are stlayer/wst,
// stlayer/wph and stlayer/scov on the primitive layer of package stlayer
// and the filter banks of stlayer/filters. Examples: stats.Example,
// graph.ExampleNewBackend.
//
// Anisotropy per scale (stkit stats' "# anisotropy" lines):
// stats.AnisotropyFromCoeffs(spec, labels, coeffs) gives the amplitude and
// the direction of the wave vector of maximum response from the
// per-orientation S1 or S11; infer.MapAnisotropy adds the noise floor of an
// isotropic Gaussian field with each map's spectrum, and
// datasets.SkyOrientationCards turns grid directions into position angles
// east of north through a FITS WCS. Example:
// stats.ExampleAnisotropyFromCoeffs.
//
// # Generate: new maps with the statistics of a target (stkit synth, sample)
//
// infer.Synthesize(ctx, eng, op, target, cfg) draws cfg.K maps whose
// statistic op matches the target's; take cfg from
// infer.Preset(infer.PresetQuality, k, seed), stkit synth's defaults (a
// zero infer.GenerateConfig is the reference codes' white-noise start).
// infer.NewSynthLoss and infer.Generate are its two steps. Sampling from a
// learned component: infer.LoadModels(dir) reads a model folder (stkit
// export), infer.SampleComponent(ctx, eng, ms, k, opt) draws maps of
// component k (set opt.Init = infer.InitGRF for stkit sample's start).
// Examples: infer.ExampleSynthesize, infer.ExampleGenerate,
// infer.ExampleSampleComponent.
//
// # Separate: components of a mixture (stkit separate)
//
// With samples of the contaminant or the noise: infer.NewSepStats builds
// the statistics, an infer.SeparationProblem holds the data and samples,
// infer.RunSeparation(ctx, eng, p, opt) runs the stages
// (infer.BuildSeparation, then infer.Separate) and infer.EvaluateSeparation scores
// a result against a known truth. With learned per-component models (stkit
// separate --models): infer.SeparateWithModels. Example:
// infer.ExampleRunSeparation.
//
// # Discover: components without labels (stkit patches, train, clusters, export)
//
// datasets.LoadSources and datasets.CutPatches cut patches from maps,
// datasets.BuildFeatures measures their statistics into a feature dataset
// (datasets.LoadFeatures reads it back); package vae is the Gaussian-mixture
// VAE (vae.New on a GoMLX backend), package train fits it (train.Run; its
// runs are saved and resumed by package checkpoints), infer.OpenRun reopens
// a trained run and infer.ExportModels writes its per-component models,
// which infer.LoadModels reads. Package gmm fits Gaussian mixtures on the
// host (gmm.Fit, gmm.SelectK by BIC) and evaluates diagonal mixtures
// inside GoMLX graphs.
//
// # Defaults
//
// The library's zero values are not always the CLI's defaults: see
// "Zero values and the CLI's defaults" in package infer (synthesis preset,
// sampling start, chunk size of stats.Forward, engine choice).
package stkit
