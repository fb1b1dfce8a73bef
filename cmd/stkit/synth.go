package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "synth", summary: "synthesise maps with the ST statistics of a target (microcanonical model)", run: runSynth})
}

func runSynth(g *globals, args []string) error {
	fs := newFlagSet(g, "synth", "TARGET", `Generate new maps whose ST statistics match those of TARGET (one map, or the
mean over a 3D batch [B, M, N]): L-BFGS on the pixels from white noise (or a
Gaussian random field with the target's spectrum, --init grf) until Φ(x̃) ≈ Φ(x).
The loss is Σ_k w_k |Φ_k(x̃) − Φ_k(x)|², with w_k = 1/K (one target map) or
1/(K σ_k²) with σ_k the std over the target maps (--weights std, needs ≥ 2).
Default statistic: Cheng's scattering covariance synthesis vector, isotropic
(--kind scov --synthesis --iso), J = log2(size) − 2, L = 4. --ps adds a
log power-spectrum term, --hist a histogram term.
Ctrl-C writes the current maps before exiting.`)
	var spec stats.Spec
	specFlags(fs, &spec, "scov")
	out := fs.String("o", "", "output .npy [K, M, N] float32 (required)")
	k := fs.Int("n", 1, "number of maps to synthesise (one batch, independent seeds)")
	seed := fs.Uint64("seed", 1, "random seed (same seed, same bytes)")
	steps := fs.Int("steps", 300, "maximum L-BFGS iterations")
	history := fs.Int("history", 20, "L-BFGS memory")
	initKind := fs.String("init", "white", "starting point: white (white noise with the target's mean and std) or grf")
	weights := fs.String("weights", "auto", "per-coefficient weights: auto (std if ≥ 2 targets, else mean), mean or std")
	psWeight := fs.Float64("ps", 0, "weight of a log power-spectrum term (0 = off)")
	histWeight := fs.Float64("hist", 0, "weight of a histogram-matching term (0 = off)")
	report := fs.String("report", "", "write a validation report (PNGs + metrics.json) into this directory")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return badInputf("synth needs one TARGET and -o OUT.npy")
	}
	if !isSet(fs, "synthesis") && (spec.Kind == stats.SCov || spec.Kind == stats.WST || spec.Kind == "") {
		spec.Synthesis = true
		if !isSet(fs, "iso") {
			spec.Iso = true
		}
	}
	if *k < 1 {
		return badInputf("-n must be ≥ 1")
	}
	if err := checkOutput(*out); err != nil {
		return err
	}
	target, err := readMaps(pos[0])
	if err != nil {
		return err
	}
	spec = spec.WithDefaults(target.M, target.N)
	if err := validate(pos[0], target, spec.J); err != nil {
		return err
	}
	op, err := stats.Build(spec, target.M, target.N)
	if err != nil {
		return badInputf("%v", err)
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	mode := infer.WeightMean
	switch *weights {
	case "auto":
		if target.B >= 2 {
			mode = infer.WeightStd
		}
	case "mean":
	case "std":
		mode = infer.WeightStd
		if target.B < 2 {
			return badInputf("--weights std needs a target batch of at least 2 maps")
		}
	default:
		return badInputf("unknown --weights %q", *weights)
	}
	ik := infer.InitWhiteNoise
	switch *initKind {
	case "white":
	case "grf":
		ik = infer.InitGRF
	default:
		return badInputf("unknown --init %q (want white or grf)", *initKind)
	}
	x0, err := infer.InitialMaps(ik, target, *k, *seed)
	if err != nil {
		return badInputf("%s: %v", pos[0], err)
	}
	term, err := infer.NewTarget(string(spec.Kind), ch.Engine, op, target, mode)
	if err != nil {
		return err
	}
	loss := &infer.Loss{Engine: ch.Engine, Terms: []*infer.Term{term}}
	if *psWeight > 0 {
		pst, err := infer.NewPowerSpectrumTerm(ch.Engine, target, *psWeight)
		if err != nil {
			return err
		}
		loss.Terms = append(loss.Terms, pst)
	}
	if *histWeight > 0 {
		loss.Pixel = append(loss.Pixel, infer.NewHistogramTerm(target.Data, target.M*target.N, *histWeight))
	}
	fmt.Fprintf(g.stderr, "synth: %s, %s of %d×%d, %s, engine %s\n", spec, plural(*k, "map"), target.M, target.N, plural(len(term.Target), "coefficient"), ch.Name)
	bar := newBar(g.stderr, *steps, "L-BFGS")
	ctx, stop := interruptible()
	defer stop()
	res, err := infer.Minimize(ctx, loss, x0, infer.SynthConfig{Steps: *steps, History: *history, Progress: func(p infer.Progress) {
		bar.Describe(fmt.Sprintf("L-BFGS loss %.4g", p.Loss))
		bar.Set(p.Iter)
	}})
	bar.Finish()
	if res == nil || res.Maps == nil {
		return err
	}
	if werr := writeFloat32Maps(*out, res.Maps); werr != nil {
		return werr
	}
	fmt.Fprintf(g.stderr, "synth: loss %.4g → %.4g in %d iterations (%d evaluations, %.1f s, %.3f s/evaluation); wrote %s\n",
		res.InitialLoss, res.Loss, res.Iters, res.Evals, res.Elapsed.Seconds(), res.EvalTime.Seconds()/float64(max(1, res.Evals)), *out)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: wrote the current maps to %s", *out)
		}
		return err
	}
	if *report != "" {
		vm, err := infer.WriteSynthReport(*report, target, res.Maps, res)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		fmt.Fprintf(g.stderr, "report: %s (PS max |ratio−1| for k ≥ 2: %.3f, mean %.3f; W1 %.3f σ)\n", filepath.Join(*report, "metrics.json"), vm.PSMaxDev, vm.PSMeanDev, mean(vm.W1))
	}
	return nil
}

func writeFloat32Maps(path string, m *stlayer.Maps) error {
	a, err := datasets.MapsToArray(m, "float32")
	if err != nil {
		return err
	}
	if m.B >= 1 {
		a.Shape = []int{m.B, m.M, m.N}
	}
	return datasets.WriteNPY(path, a)
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(max(1, len(x)))
}
