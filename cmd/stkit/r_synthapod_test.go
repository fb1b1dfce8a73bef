package main

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// synth --pad crop sets infer's Apodise (Hann-apodised GRF start and
// power-spectrum term, for a target cut from a larger map) and says so; a
// periodic synth does not. The written maps are those of infer.Generate with
// Apodise true (and not those with Apodise false).
func TestSynthPadCropApodised(t *testing.T) {
	dir := t.TempDir()
	g, err := datasets.GaussianRandomField(64, 64, -3, 4)
	if err != nil {
		t.Fatal(err)
	}
	const n = 32
	target := stlayer.NewMaps(1, n, n)
	for i := 0; i < n; i++ {
		copy(target.Data[i*n:(i+1)*n], g[i*64:i*64+n])
	}
	tpath := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(tpath, target); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.npy")
	code, _, errs := runCLI(t, "--engine", "cpu", "synth", tpath, "-J", "3", "--pad", "crop", "--steps", "3", "--dtype", "float64", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	const note = "synth: --pad crop: the GRF start and the --ps term use the Hann-apodised spectrum"
	if !strings.Contains(errs, note) {
		t.Errorf("stderr lacks %q:\n%s", note, tail(errs, 800))
	}
	got, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true, Pad: "crop"}.WithDefaults(n, n)
	op, err := stats.BuildWithRef(spec, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	dev := map[bool]float64{}
	for _, apod := range []bool{false, true} {
		cfg, err := infer.Preset(infer.PresetQuality, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Steps, cfg.Apodise = 3, apod
		loss, err := infer.NewSynthLoss(eng, "scov", op, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := infer.Generate(context.Background(), loss, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range res.Maps.Data {
			dev[apod] = math.Max(dev[apod], math.Abs(v-got.Data[i]))
		}
	}
	if dev[true] != 0 || dev[false] == 0 {
		t.Errorf("synth --pad crop output vs infer.Generate: max |Δ| %g with Apodise, %g without; want 0 and > 0", dev[true], dev[false])
	}
	if code, _, errs := runCLI(t, "synth", tpath, "-J", "3", "--steps", "2", "-o", out); code != 0 || strings.Contains(errs, "Hann") {
		t.Errorf("periodic synth: exit %d, apodisation note present: %s", code, tail(errs, 400))
	}
}
