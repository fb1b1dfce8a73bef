package infer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestLibdoc19Strings: the option enums print as the CLI's flag values
// (godev: printed with %v they were 0 and 1), other values as Type(n).
func TestLibdoc19Strings(t *testing.T) {
	for _, c := range []struct {
		v    fmt.Stringer
		want string
	}{
		{InitWhiteNoise, "white"}, {InitGRF, "grf"}, {InitKind(7), "InitKind(7)"},
		{WeightMean, "mean"}, {WeightStd, "std"}, {WeightMode(-1), "WeightMode(-1)"},
		{FormJMD, "jmd"}, {FormBR, "br"}, {DataForm(3), "DataForm(3)"},
	} {
		if got := fmt.Sprintf("%v", c.v); got != c.want {
			t.Errorf("%#v prints %q, want %q", c.v, got, c.want)
		}
	}
	var zero GenerateConfig
	if got := fmt.Sprintf("%v/%v", zero.Init, zero.Weights); got != "white/mean" {
		t.Errorf("zero GenerateConfig: Init/Weights %s, want white/mean", got)
	}
	q, err := Preset(PresetQuality, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%v/%v", q.Init, q.Weights); got != "grf/mean" {
		t.Errorf("PresetQuality: Init/Weights %s, want grf/mean", got)
	}
}

// TestLibdoc19SepStatsKindMessage: the library's refusal of a statistic
// separation cannot use names the kinds, not a CLI flag.
func TestLibdoc19SepStatsKindMessage(t *testing.T) {
	for _, k := range []stats.Kind{stats.WST, stats.Spectra} {
		_, err := NewSepStats(stats.Spec{Kind: k, J: 3}, 32, 32, false)
		if err == nil || !errors.Is(err, ErrModelInput) {
			t.Fatalf("kind %s: error %v, want an input error", k, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "kind scov or wph") || !strings.Contains(msg, string(k)) || strings.Contains(msg, "--") {
			t.Errorf("kind %s: %q: want the supported kinds and %s, no flag name", k, msg, k)
		}
	}
}

// TestLibdoc19IndependentIters pins what Result's doc says of independent
// runs: Iters and Evals are sums over the maps, History has one entry per
// iteration (the summed loss), MapIters each map's count.
func TestLibdoc19IndependentIters(t *testing.T) {
	eng := cpu.New()
	g, err := datasets.GaussianRandomField(16, 16, -2, 5)
	if err != nil {
		t.Fatal(err)
	}
	target := &stlayer.Maps{B: 1, M: 16, N: 16, Data: g}
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST, J: 2, L: 2}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	for _, independent := range []bool{true, false} {
		cfg, err := Preset(PresetQuality, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Steps, cfg.Independent = 10, independent
		res, _, err := Synthesize(context.Background(), eng, op, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		perMap := res.MapIters[0]
		if len(res.MapIters) != 2 || res.MapIters[1] != perMap || perMap != 10 || len(res.History) != 10 {
			t.Fatalf("independent=%v: MapIters %v, len(History) %d; want [10 10], 10", independent, res.MapIters, len(res.History))
		}
		want := 10
		if independent {
			want = 20
		}
		if res.Iters != want {
			t.Errorf("independent=%v: Iters %d, want %d", independent, res.Iters, want)
		}
	}
}
