package infer

import (
	"context"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// Synthesize draws cfg.K new maps whose statistic op matches that of target,
// in one call: NewSynthLoss(eng, name, op, target, cfg) then Generate(ctx,
// loss, target, cfg), the two steps stkit synth takes (ExampleGenerate
// spells them out). It returns Generate's Result (Result.Maps: [K, M, N])
// and the loss, whose Terms[0].Target is Φ of the target (the mean over
// its maps) in the order of op.Labels(), for measuring how close a
// synthesis came.
//
// Build op for the target's size with the target as its reference,
// stats.BuildWithRef(spec, eng, target), as stkit synth does (see package
// stats' doc on references), and take cfg from Preset (PresetQuality:
// stkit synth's defaults, GRF start, power-spectrum and histogram terms,
// 300 iterations per map), changing what you need:
//
//	// J = 0 would be log2(min(M, N)) − 2; stkit synth's default is one more
//	spec := stats.Spec{Kind: stats.SCov, Iso: true, Synthesis: true, J: stlayer.Log2Floor(min(target.M, target.N)) - 1}
//	op, err := stats.BuildWithRef(spec, eng, target)
//	cfg, err := infer.Preset(infer.PresetQuality, 4, 1) // 4 maps, seed 1
//	res, _, err := infer.Synthesize(ctx, eng, op, target, cfg)
//	err = datasets.WriteMaps("synth.npy", res.Maps)
//
// What it does beyond the two calls, as stkit synth does:
//
//   - a non-periodic op (stats.Spec Pad "crop": scov, spectra and wph)
//     sets cfg.Apodise, so that the GRF start and the power-spectrum term
//     use the Hann-apodised spectrum (GenerateConfig.Apodise); a periodic
//     op leaves cfg.Apodise as given;
//   - the term is named after op's family ("wst", "wph", "scov",
//     "spectra"; "statistic" for an operator of another package), the
//     name messages and Loss.Terms[0].Name carry.
//
// It does not choose the weights: with several target maps stkit synth
// sets cfg.Weights = WeightStd (--weights auto); set it yourself.
//
// On a cancellation of ctx or a divergence the Result holds the maps so
// far with the error (Generate). Errors: those of NewSynthLoss and
// Generate, input errors matching ErrModelInput (a nil engine, op or
// target, an operator built for another size, a constant target, …).
func Synthesize(ctx context.Context, eng stlayer.Engine, op StatOp, target *stlayer.Maps, cfg GenerateConfig) (*Result, *Loss, error) {
	if op == nil {
		return nil, nil, inputErrorf("no statistic (nil op): build one with stats.BuildWithRef(spec, eng, target)")
	}
	if nonPeriodicOp(op) {
		cfg.Apodise = true
	}
	loss, err := NewSynthLoss(eng, familyName(op), op, target, cfg)
	if err != nil {
		return nil, nil, err
	}
	res, err := Generate(ctx, loss, target, cfg)
	return res, loss, err
}

// nonPeriodicOp reports whether op averages over an interior window
// (the non-periodic configurations of scov and wph: stats.Spec Pad
// "crop"), for operators of package stats and the family operators
// themselves.
func nonPeriodicOp(op StatOp) bool {
	if o, ok := op.(stats.Op); ok {
		if s, _, ok := stats.SCovOp(o); ok {
			return s.Config().NonPeriodic
		}
		if w, ok := stats.WPHOp(o); ok {
			return w.Config().NonPeriodic
		}
	}
	switch o := op.(type) {
	case interface{ Config() scov.Config }:
		return o.Config().NonPeriodic
	case interface{ Config() wph.Config }:
		return o.Config().NonPeriodic
	}
	return false
}

// familyName names op's statistics family from its key ("wst:…",
// "wph …", "scov/…", "scov/…/spectra/…"), "statistic" when the key
// does not start with one.
func familyName(op StatOp) string {
	k := op.Key()
	switch {
	case strings.HasPrefix(k, "scov") && strings.Contains(k, "/spectra"):
		return string(stats.Spectra)
	case strings.HasPrefix(k, "scov"):
		return string(stats.SCov)
	case strings.HasPrefix(k, "wph"):
		return string(stats.WPH)
	case strings.HasPrefix(k, "wst"):
		return string(stats.WST)
	}
	return "statistic"
}
