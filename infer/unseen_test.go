package infer

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// HEALPix's UNSEEN value −1.6375e30 (missing pixels, finite) was refused
// only by datasets.ValidateMaps and CutPatches: infer's entry points took it
// for data (a synthesis target or starting map holding it gave statistics
// of order 1e56). Their input checks (checkFiniteMaps) now call
// datasets.CheckUnseen after the finiteness check: one UNSEEN pixel, or its
// float32 rounding, is an input error naming the argument and the pixel,
// wrapping datasets' *ValidationError.
func TestInputChecksRefuseUnseen(t *testing.T) {
	eng := cpu.New()
	ctx := context.Background()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	good := biMaps(1, 16, 16, 0)
	unseen := func(v float64) *stlayer.Maps {
		x := biMaps(1, 16, 16, 0)
		x.Data[3*16+5] = v // map 0, row 3, column 5
		return x
	}
	loss, err := NewSynthLoss(eng, "s", op, good, GenerateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const pixel = "1 pixel of 256 holds -1.6375e30, HEALPix's UNSEEN value for missing data (first: map 0 at row 3, column 5; indices count from 0 as in numpy, FITS pixel x=6, y=4); the statistics would take them for values. Fill them first"
	for _, c := range []struct {
		name, arg string
		f         func(x *stlayer.Maps) error
	}{
		{"NewSynthLoss target", "target maps", func(x *stlayer.Maps) error { _, err := NewSynthLoss(eng, "s", op, x, GenerateConfig{}); return err }},
		{"Generate target", "reference maps", func(x *stlayer.Maps) error {
			_, err := Generate(ctx, loss, x, GenerateConfig{SynthConfig: SynthConfig{Steps: 1}})
			return err
		}},
		{"InitialMaps", "reference maps", func(x *stlayer.Maps) error { _, err := InitialMaps(InitGRF, x, 1, 1); return err }},
		{"Minimize start", "starting maps", func(x *stlayer.Maps) error { _, err := Minimize(ctx, loss, x, SynthConfig{Steps: 1}); return err }},
		{"NewPowerSpectrumTerm target", "power-spectrum target", func(x *stlayer.Maps) error { _, err := NewPowerSpectrumTerm(eng, x, 1); return err }},
	} {
		for _, v := range []float64{datasets.Unseen, float64(float32(datasets.Unseen))} {
			err := c.f(unseen(v))
			var ve *datasets.ValidationError
			if !errors.Is(err, ErrModelInput) || !errors.As(err, &ve) || ve.Unseen != 1 || !strings.HasPrefix(err.Error(), c.arg+": "+pixel) {
				t.Errorf("%s, pixel %v: got %v, want an input error %q", c.name, v, err, c.arg+": "+pixel+"…")
			}
		}
	}
	// a NaN is still named as such, before any UNSEEN pixel
	x := unseen(datasets.Unseen)
	x.Data[0] = math.NaN()
	if _, err := InitialMaps(InitGRF, x, 1, 1); err == nil || !strings.Contains(err.Error(), "non-finite value NaN") {
		t.Errorf("NaN and UNSEEN: got %v", err)
	}
	// maps with large but ordinary values pass
	big := biMaps(1, 16, 16, 0)
	big.Data[7] = -1e30
	if _, err := InitialMaps(InitGRF, big, 1, 1); err != nil {
		t.Errorf("a pixel of -1e30: %v", err)
	}
}

// TestSeparationProblemRefusesUnseen: SeparationProblem.Validate refuses
// HEALPix's UNSEEN value in the data and in every sample set, naming the
// argument, as the other entry points do (it used to check finiteness
// only: UNSEEN contaminant samples ran, UNSEEN data was caught later as
// "starting unknowns").
func TestSeparationProblemRefusesUnseen(t *testing.T) {
	with := func(b int) *stlayer.Maps {
		x := biMaps(b, 16, 16, 0)
		x.Data[3*16+5] = datasets.Unseen
		return x
	}
	ss, err := NewSepStats(stats.Spec{Kind: stats.SCov, J: 2, L: 4}, 16, 16, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		arg string
		p   SeparationProblem
	}{
		{"data", SeparationProblem{Data: with(1), Contaminant: biMaps(2, 16, 16, 1)}},
		{"contaminant samples", SeparationProblem{Data: biMaps(1, 16, 16, 0), Contaminant: with(2)}},
		{"noise samples", SeparationProblem{Data: biMaps(1, 16, 16, 0), Noise: with(2)}},
	} {
		c.p.Stats = ss
		err := c.p.Validate()
		var ve *datasets.ValidationError
		if !errors.Is(err, ErrModelInput) || !errors.As(err, &ve) || ve.Unseen != 1 || !strings.HasPrefix(err.Error(), c.arg+": 1 pixel of ") || !strings.Contains(err.Error(), " holds -1.6375e30, HEALPix's UNSEEN value") {
			t.Errorf("%s: got %v, want an input error naming %q", c.arg, err, c.arg)
		}
	}
}
