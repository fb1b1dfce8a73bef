package infer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Synthesize is NewSynthLoss then Generate with the same cfg, bit for bit;
// for a non-periodic operator (Pad "crop") it sets cfg.Apodise as stkit
// synth does, so its maps are those of the two calls with Apodise and differ
// from the periodic start's; the statistic term is named after the family.
func TestSynthesizeIsLossThenGenerate18(t *testing.T) {
	target := logNormalTarget(t, 32, 18)
	eng := cpu.New()
	cfg, err := Preset(PresetQuality, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 3
	for _, c := range []struct {
		spec stats.Spec
		name string
		apod bool
	}{
		{stats.Spec{Kind: stats.SCov, J: 3, Iso: true, Synthesis: true}, "scov", false},
		{stats.Spec{Kind: stats.SCov, J: 3, Iso: true, Synthesis: true, Pad: "crop"}, "scov", true},
		{stats.Spec{Kind: stats.WST, J: 3, Synthesis: true}, "wst", false},
		{stats.Spec{Kind: stats.Spectra, J: 3}, "spectra", false},
		{stats.Spec{Kind: stats.WPH, J: 3, Pad: "crop"}, "wph", true},
	} {
		op, err := stats.BuildWithRef(c.spec, eng, target)
		if err != nil {
			t.Fatal(err)
		}
		res, loss, err := Synthesize(context.Background(), eng, op, target, cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		if loss.Terms[0].Name != c.name || nonPeriodicOp(op) != c.apod {
			t.Errorf("%s: term %q, non-periodic %v; want %q, %v", c.spec, loss.Terms[0].Name, nonPeriodicOp(op), c.name, c.apod)
		}
		two := cfg
		two.Apodise = c.apod
		l2, err := NewSynthLoss(eng, c.name, op, target, two)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Generate(context.Background(), l2, target, two)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Maps.Data, want.Maps.Data) || res.Loss != want.Loss || res.Iters != want.Iters {
			t.Errorf("%s: Synthesize loss %g after %d iterations, NewSynthLoss+Generate (Apodise %v) %g after %d, or other maps",
				c.spec, res.Loss, res.Iters, c.apod, want.Loss, want.Iters)
		}
		if c.apod {
			per, err := InitialMapsApodised(cfg.Init, target, 1, cfg.Seed, false)
			if err != nil {
				t.Fatal(err)
			}
			apo, err := InitialMapsApodised(cfg.Init, target, 1, cfg.Seed, true)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(per.Data, apo.Data) {
				t.Errorf("%s: the apodised start equals the periodic one: the test cannot tell them apart", c.spec)
			}
		}
	}
}

// Synthesize refuses a nil operator, one built for another size and a
// cancelled context the way Generate does (maps kept, ctx's error).
func TestSynthesizeRefuses18(t *testing.T) {
	target := logNormalTarget(t, 32, 18)
	eng := cpu.New()
	cfg, _ := Preset(PresetQuality, 1, 3)
	cfg.Steps = 3
	if _, _, err := Synthesize(context.Background(), eng, nil, target, cfg); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "BuildWithRef") {
		t.Errorf("nil op: %v", err)
	}
	op64, err := stats.Build(stats.Spec{Kind: stats.WST, J: 3}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Synthesize(context.Background(), eng, op64, target, cfg); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "statistic wst was built for maps of 64×64") {
		t.Errorf("64² operator on a 32² target: %v", err)
	}
	op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 3}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, _, err := Synthesize(ctx, eng, op, target, cfg)
	if !errors.Is(err, context.Canceled) || res == nil || res.Maps == nil || res.Maps.B != 1 {
		t.Errorf("cancelled: %v, result %v", err, res)
	}
}
